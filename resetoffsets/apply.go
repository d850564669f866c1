package resetoffsets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/describe"
)

// Load reads what a plan needs: the groups (state, members, committed
// offsets), log offsets of every topic in scope, the --to-group source, and
// for time targets the offset at that time of every selected partition.
// Requests are batched per coordinator and per leader, as describe's are.
func Load(ctx context.Context, cl *kgo.Client, sel describe.Selection, t Target, s Scope) (Facts, error) {
	sel.Offsets, sel.Members = true, true
	sel.ExtraTopics = append(sel.ExtraTopics, s.TopicOrder...)
	if t.Kind == FromFile {
		for _, r := range t.File.Rows {
			sel.ExtraTopics = append(sel.ExtraTopics, r.Topic)
		}
	}
	if t.Kind == ToGroup {
		sel.Groups = append(append([]string(nil), sel.Groups...), t.Group)
	}
	snap, err := describe.Fetch(ctx, cl, sel)
	if err != nil {
		return Facts{}, err
	}
	f := Facts{Topics: snap.Topics}
	for i := range snap.Groups {
		g := snap.Groups[i]
		if t.Kind == ToGroup && g.Name == t.Group {
			f.Other = &g
			continue
		}
		if g.Err != "" {
			return Facts{}, &PlanError{Msg: fmt.Sprintf("group %s: %s", g.Name, g.Err)}
		}
		f.Groups = append(f.Groups, g)
	}
	if t.Kind == ToDatetime || t.Kind == ByDuration {
		var tps []describe.TP
		for i := range f.Groups {
			sel, _, err := SelectPartitions(f, &f.Groups[i], t, s)
			if err != nil {
				return Facts{}, err
			}
			tps = append(tps, sel...)
		}
		if f.TimeOffsets, err = offsetsForTime(ctx, cl, tps, t.Time.UnixMilli()); err != nil {
			return Facts{}, err
		}
	}
	return f, nil
}

// offsetsForTime lists, per partition, the first offset with a timestamp at
// or after ms (-1 if none): one ListOffsets request per partition leader.
func offsetsForTime(ctx context.Context, cl *kgo.Client, tps []describe.TP, ms int64) (map[describe.TP]int64, error) {
	out := map[describe.TP]int64{}
	if len(tps) == 0 {
		return out, nil
	}
	byTopic := map[string][]int32{}
	for _, tp := range tps {
		byTopic[tp.Topic] = append(byTopic[tp.Topic], tp.Partition)
	}
	req := kmsg.NewPtrListOffsetsRequest()
	for t, ps := range byTopic {
		rt := kmsg.NewListOffsetsRequestTopic()
		rt.Topic = t
		for _, p := range ps {
			rp := kmsg.NewListOffsetsRequestTopicPartition()
			rp.Partition, rp.Timestamp = p, ms
			rt.Partitions = append(rt.Partitions, rp)
		}
		req.Topics = append(req.Topics, rt)
	}
	for _, sh := range cl.RequestSharded(ctx, req) {
		if sh.Err != nil {
			return nil, sh.Err
		}
		for _, t := range sh.Resp.(*kmsg.ListOffsetsResponse).Topics {
			for _, p := range t.Partitions {
				if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
					return nil, &PlanError{Msg: fmt.Sprintf("cannot find the offset by time of %s/%d: %v", t.Topic, p.Partition, err)}
				}
				out[describe.TP{Topic: t.Topic, Partition: p.Partition}] = p.Offset
			}
		}
	}
	return out, nil
}

// RefusedError: a group is not Empty/Dead (or the broker refused the
// commit because members joined). Nothing was written: exit 2.
type RefusedError struct{ Msg string }

func (e *RefusedError) Error() string { return e.Msg }

// MovedError: offsets changed since the plan was made. Nothing was written.
type MovedError struct {
	Rows []string // "group topic/partition: planned from X, now Y"
}

func (e *MovedError) Error() string {
	return fmt.Sprintf("refusing to apply: %d partition(s) moved since the plan was made (use --force to apply anyway):\n  %s",
		len(e.Rows), strings.Join(e.Rows, "\n  "))
}

// ApplyOptions tune Apply.
type ApplyOptions struct {
	// Expected, when set, is the committed offset each row was planned
	// from (nil: no commit). Apply refuses when a partition's offset is now
	// neither that nor the row's new offset (already applied by an earlier,
	// partial run): the plan was reviewed against numbers that moved.
	Expected map[RowKey]*int64
	// BeforeCommit runs after every check, just before the first write,
	// with the undo plan (the offsets as they are now). An error aborts
	// with nothing written.
	BeforeCommit func(undo Plan) error
}

// RowKey names one partition of one group.
type RowKey struct {
	Group, Topic string
	Partition    int32
}

// ExpectedFrom is the guard for a plan: each row's current offset.
func ExpectedFrom(p Plan) map[RowKey]*int64 {
	out := map[RowKey]*int64{}
	for _, r := range p.Rows {
		out[RowKey{r.Group, r.Topic, r.Partition}] = r.CurrentOffset
	}
	return out
}

// ExpectedFromFile is the guard for a reviewed JSON plan: the current
// offsets recorded in the file, where it recorded them.
func ExpectedFromFile(pf *PlanFile, p Plan) map[RowKey]*int64 {
	out := ExpectedFrom(p)
	if pf == nil || pf.Format != "json" {
		return out
	}
	group := ""
	if gs := p.Groups(); len(gs) == 1 {
		group = gs[0]
	}
	for _, r := range pf.Rows {
		g := r.Group
		if g == "" {
			g = group
		}
		k := RowKey{g, r.Topic, r.Partition}
		if _, ok := out[k]; ok {
			out[k] = r.Current
		}
	}
	return out
}

// ResultKind marks a result document.
const ResultKind = "kgroups-reset-result"

// Result is what Apply did, per partition.
type Result struct {
	SchemaVersion int         `json:"schema_version" yaml:"schema_version"`
	Kind          string      `json:"kind" yaml:"kind"`
	Target        string      `json:"target" yaml:"target"`
	Rows          []ResultRow `json:"rows" yaml:"rows"`
	Failed        int         `json:"failed" yaml:"failed"`
}

// ResultRow is one partition's outcome.
type ResultRow struct {
	Group       string  `json:"group" yaml:"group"`
	Topic       string  `json:"topic" yaml:"topic"`
	Partition   int32   `json:"partition" yaml:"partition"`
	PriorOffset *int64  `json:"prior_offset" yaml:"prior_offset"`
	NewOffset   int64   `json:"new_offset" yaml:"new_offset"`
	Status      string  `json:"status" yaml:"status"` // "ok" or "failed"
	Error       *string `json:"error" yaml:"error"`
	// Refused: the broker refused because the group has members.
	Refused bool `json:"-" yaml:"-"`
	// Denied: the user may not commit offsets for the group.
	Denied bool `json:"-" yaml:"-"`
	// NoAnswer: the broker did not answer with an error code (a timeout, a
	// broken connection), so the commit may or may not have landed.
	NoAnswer bool `json:"-" yaml:"-"`
}

// Inactive reports whether a group's offsets may be changed: it is Empty,
// Dead, or unknown to the cluster.
func Inactive(g describe.GroupFacts) bool {
	if !g.Found {
		return true
	}
	switch strings.ToLower(g.State) {
	case "empty", "dead":
		return true
	}
	return false
}

// Apply commits a plan as an admin (OffsetCommit with generation -1 and no
// member id: kgroups never joins the group), after checking, just before
// the write, that every group is Empty, Dead or unknown and (with Guard)
// that no offset moved. The broker refuses the commit too if a member
// joined in between.
func Apply(ctx context.Context, cl *kgo.Client, plan Plan, opts ApplyOptions) (Result, error) {
	res := Result{SchemaVersion: 1, Kind: ResultKind, Target: plan.Target, Rows: []ResultRow{}}
	groups := plan.Groups()
	snap, err := describe.Fetch(ctx, cl, describe.Selection{Groups: groups, Offsets: true, Members: true})
	if err != nil {
		return res, err
	}
	now := map[string]describe.GroupFacts{}
	var active []string
	for _, g := range snap.Groups {
		now[g.Name] = g
		if g.Err != "" {
			return res, &PlanError{Msg: fmt.Sprintf("group %s: %s", g.Name, g.Err)}
		}
		if !Inactive(g) {
			active = append(active, describeActive(g))
		}
	}
	if len(active) > 0 {
		return res, &RefusedError{Msg: "refusing to change offsets of a group with members; stop its consumers first (nothing was written):\n  " +
			strings.Join(active, "\n  ")}
	}

	var moved []string
	undo := Plan{SchemaVersion: 1, Kind: PlanKind, Target: "undo of " + plan.Target, CreatedAt: plan.CreatedAt, Rows: []Row{}}
	for _, r := range plan.Rows {
		g := now[r.Group]
		tp := describe.TP{Topic: r.Topic, Partition: r.Partition}
		cur, has := g.Committed[tp]
		if want, guarded := opts.Expected[RowKey{r.Group, r.Topic, r.Partition}]; guarded {
			same := (want == nil && !has) || (want != nil && has && *want == cur)
			done := has && cur == r.NewOffset
			if !same && !done {
				moved = append(moved, fmt.Sprintf("%s %s/%d: planned from %s, now %s", r.Group, r.Topic, r.Partition, offText(want), offText(ptrIf(cur, has))))
			}
		}
		if has {
			newOff := r.NewOffset
			undo.Rows = append(undo.Rows, Row{Group: r.Group, Topic: r.Topic, Partition: r.Partition, CurrentOffset: &newOff, NewOffset: cur})
		}
	}
	if len(moved) > 0 {
		return res, &MovedError{Rows: moved}
	}
	if opts.BeforeCommit != nil {
		if err := opts.BeforeCommit(undo); err != nil {
			return res, err
		}
	}

	adm := kadm.NewClient(cl)
	for _, group := range groups {
		var os kadm.Offsets
		var rows []ResultRow
		for _, r := range plan.Rows {
			if r.Group != group {
				continue
			}
			os.AddOffset(r.Topic, r.Partition, r.NewOffset, -1)
			tp := describe.TP{Topic: r.Topic, Partition: r.Partition}
			cur, has := now[group].Committed[tp]
			rows = append(rows, ResultRow{Group: group, Topic: r.Topic, Partition: r.Partition, PriorOffset: ptrIf(cur, has), NewOffset: r.NewOffset, Status: "ok"})
		}
		resp, err := adm.CommitOffsets(ctx, group, os)
		for i := range rows {
			var perr error
			if err != nil {
				perr = err
			} else if or, ok := resp.Lookup(rows[i].Topic, rows[i].Partition); ok {
				perr = or.Err
			} else {
				perr = errors.New("no answer for this partition")
			}
			if perr != nil {
				msg := commitErrText(perr)
				rows[i].Status, rows[i].Error, rows[i].Refused, rows[i].Denied = "failed", &msg, ActiveRefusal(perr), Denied(perr)
				var brokerSaid *kerr.Error
				rows[i].NoAnswer = !errors.As(perr, &brokerSaid)
				res.Failed++
			}
		}
		res.Rows = append(res.Rows, rows...)
	}
	return res, nil
}

// describeActive names a group's state and members for a refusal.
func describeActive(g describe.GroupFacts) string {
	var ms []string
	for _, m := range g.Members {
		ms = append(ms, fmt.Sprintf("%s@%s", m.ClientID, m.Host))
	}
	sort.Strings(ms)
	return fmt.Sprintf("%s is %s with %d member(s): %s", g.Name, g.State, len(g.Members), strings.Join(ms, ", "))
}

// ActiveRefusal reports whether a commit error means members are present.
func ActiveRefusal(err error) bool {
	return errors.Is(err, kerr.UnknownMemberID) || errors.Is(err, kerr.IllegalGeneration) ||
		errors.Is(err, kerr.RebalanceInProgress) || errors.Is(err, kerr.StaleMemberEpoch) || errors.Is(err, kerr.FencedInstanceID)
}

// Denied reports an authorization refusal.
func Denied(err error) bool {
	return errors.Is(err, kerr.GroupAuthorizationFailed) || errors.Is(err, kerr.TopicAuthorizationFailed) ||
		errors.Is(err, kerr.ClusterAuthorizationFailed)
}

func commitErrText(err error) string {
	var ke *kerr.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded):
		return "no answer before the timeout: may or may not have been written"
	case errors.Is(err, kerr.GroupAuthorizationFailed):
		return "not authorized (GROUP_AUTHORIZATION_FAILED: the user needs READ on the group to commit, DELETE to delete)"
	case errors.Is(err, kerr.TopicAuthorizationFailed):
		return "not authorized (TOPIC_AUTHORIZATION_FAILED: the user needs READ on the topic)"
	case ActiveRefusal(err):
		return "refused by the broker: the group has active members (" + err.Error() + ")"
	case errors.As(err, &ke):
		return ke.Message + ": " + ke.Description
	}
	return err.Error()
}

func ptrIf(v int64, ok bool) *int64 {
	if !ok {
		return nil
	}
	return &v
}

func offText(p *int64) string {
	if p == nil {
		return "no commit"
	}
	return fmt.Sprint(*p)
}
