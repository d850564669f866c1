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
	"github.com/kgroups/kgroups/internal/errs"
)

// MovedError: offsets changed since the plan was made. Nothing was written.
type MovedError struct {
	Rows []string // "group topic/partition: planned from X, now Y"
}

// ExitCode: a refusal, nothing was written (exit 2).
func (e *MovedError) ExitCode() int { return errs.ExitUsage }

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
	// Before is each row's committed offset from before this plan was
	// first applied, where known (a reviewed plan file records it). A
	// partition that already holds its new offset and had another offset
	// before was changed by an earlier, partial run of this plan: its undo
	// row restores Before, not the offset as it is now, so a re-run never
	// loses the first run's "before" offsets.
	Before map[RowKey]*int64
	// BeforeCommit runs after every check, just before the first write,
	// with the undo plan. An error aborts with nothing written.
	BeforeCommit func(undo Plan) error
	// Share: a group of the plan that does not exist is a share group to
	// create (AlterShareGroupOffsets creates it), not a classic one.
	Share bool
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
	// UndoFile is the undo plan written before the first commit (null when
	// none was needed: no partition had a commit before).
	UndoFile *string `json:"undo_file" yaml:"undo_file"`
	// Cluster is the cluster written to (the plan's).
	Cluster *ClusterRef `json:"cluster" yaml:"cluster"`
}

// Per-row outcomes of Apply. A row is "ok" only when the broker confirmed
// the commit; "failed" when the broker answered with an error (nothing was
// written for it); "not confirmed" when no answer came (a timeout, a broken
// connection: it may or may not have been written); "not sent" when the run
// ended before its request went out.
const (
	StatusOK           = "ok"
	StatusFailed       = "failed"
	StatusNotConfirmed = "not confirmed"
	StatusNotSent      = "not sent"
)

// ResultRow is one partition's outcome.
type ResultRow struct {
	Group       string  `json:"group" yaml:"group"`
	Topic       string  `json:"topic" yaml:"topic"`
	Partition   int32   `json:"partition" yaml:"partition"`
	PriorOffset *int64  `json:"prior_offset" yaml:"prior_offset"`
	NewOffset   int64   `json:"new_offset" yaml:"new_offset"`
	Status      string  `json:"status" yaml:"status"` // StatusOK, StatusFailed, StatusNotConfirmed, StatusNotSent
	Error       *string `json:"error" yaml:"error"`
	// Refused: the broker refused because the group has members.
	Refused bool `json:"-" yaml:"-"`
	// Denied: the user may not commit offsets for the group.
	Denied bool `json:"-" yaml:"-"`
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
	res := Result{SchemaVersion: 1, Kind: ResultKind, Target: plan.Target, Rows: []ResultRow{}, Cluster: plan.Cluster}
	groups := plan.Groups()
	snap, err := describe.Fetch(ctx, cl, describe.Selection{Groups: groups, Offsets: true, Members: true})
	if err != nil {
		return res, err
	}
	ShareAsCommitted(snap.Groups)
	now := map[string]describe.GroupFacts{}
	var active []string
	for _, g := range snap.Groups {
		if opts.Share && !g.Found {
			g.Type = describe.TypeShare
		}
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
	undo := Plan{SchemaVersion: 1, Kind: PlanKind, Target: undoPrefix + plan.Target, CreatedAt: plan.CreatedAt, Cluster: plan.Cluster, Rows: []Row{}}
	for _, r := range plan.Rows {
		g := now[r.Group]
		tp := describe.TP{Topic: r.Topic, Partition: r.Partition}
		k := RowKey{r.Group, r.Topic, r.Partition}
		cur, has := g.Committed[tp]
		if want, guarded := opts.Expected[k]; guarded {
			same := (want == nil && !has) || (want != nil && has && *want == cur)
			done := has && cur == r.NewOffset
			if !same && !done {
				moved = append(moved, fmt.Sprintf("%s %s/%d: planned from %s, now %s", r.Group, r.Topic, r.Partition, offText(want), offText(ptrIf(cur, has))))
			}
		}
		if !has {
			continue // no commit to restore: an undo cannot remove a commit
		}
		restore := cur
		var note *string
		if before := opts.Before[k]; before != nil && cur == r.NewOffset && *before != cur {
			restore = *before
			n := fmt.Sprintf("restores %d, the offset before an earlier run of this plan set %d", *before, cur)
			note = &n
		}
		newOff := r.NewOffset
		undo.Rows = append(undo.Rows, Row{Group: r.Group, Topic: r.Topic, Partition: r.Partition, CurrentOffset: &newOff, NewOffset: restore, Note: note})
	}
	if len(moved) > 0 {
		return res, &MovedError{Rows: moved}
	}
	if opts.BeforeCommit != nil {
		if err := opts.BeforeCommit(undo); err != nil {
			return res, err
		}
	}

	var ids topicIDs // looked up once, on the first classic commit
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
			rows = append(rows, ResultRow{Group: group, Topic: r.Topic, Partition: r.Partition, PriorOffset: ptrIf(cur, has), NewOffset: r.NewOffset, Status: StatusOK})
		}
		if ctx.Err() != nil {
			// The run is over (--timeout, Ctrl-C): this group's commit is
			// never sent, so nothing of it was written.
			why := "the time given by --timeout ran out"
			if errors.Is(ctx.Err(), context.Canceled) {
				why = "it was interrupted"
			}
			msg := "the run ended (" + why + ") before this group's commit was sent: nothing of it was written"
			for i := range rows {
				rows[i].Status, rows[i].Error = StatusNotSent, &msg
				res.Failed++
			}
			res.Rows = append(res.Rows, rows...)
			continue
		}
		var lookup func(string, int32) (error, bool)
		if IsShare(now[group]) {
			lookup, err = writeShare(ctx, cl, group, os)
		} else {
			var unsent map[string]error
			if ids == nil {
				ids = lookupTopicIDs(ctx, cl, plan)
			}
			lookup, unsent, err = commitGroup(ctx, cl, group, os, ids)
			for i := range rows {
				if why, skipped := unsent[rows[i].Topic]; skipped {
					// Never sent: nothing of it was written, whatever the reason.
					msg := why.Error() + "; the commit was not sent, nothing was written for it"
					rows[i].Status, rows[i].Error = StatusNotSent, &msg
					res.Failed++
				}
			}
		}
		for i := range rows {
			if rows[i].Status == StatusNotSent {
				continue
			}
			var perr error
			if err != nil {
				perr = err
			} else if e, ok := lookup(rows[i].Topic, rows[i].Partition); ok {
				perr = e
			} else {
				perr = errors.New("the broker's answer does not mention this partition")
			}
			if perr == nil {
				continue
			}
			msg := commitErrText(perr)
			var brokerSaid *kerr.Error
			rows[i].Status, rows[i].Error, rows[i].Refused, rows[i].Denied = StatusFailed, &msg, ActiveRefusal(perr) || shareRefusal(perr), Denied(perr)
			if !errors.As(perr, &brokerSaid) {
				// No error code from the broker: the commit may have landed.
				rows[i].Status = StatusNotConfirmed
			}
			res.Failed++
		}
		res.Rows = append(res.Rows, rows...)
	}
	return res, nil
}

// topicIDs are the ids of a plan's topics, or why one is not known.
type topicIDs map[string]struct {
	id  [16]byte
	err error
}

func (ids topicIDs) of(topic string) ([16]byte, error) {
	e, ok := ids[topic]
	if !ok {
		return [16]byte{}, fmt.Errorf("topic %s is unknown to the cluster: %w", topic, kerr.UnknownTopicOrPartition)
	}
	return e.id, e.err
}

// lookupTopicIDs asks one Metadata request for the ids of every topic of
// the plan.
func lookupTopicIDs(ctx context.Context, cl *kgo.Client, plan Plan) topicIDs {
	seen := map[string]bool{}
	var topics []string
	for _, r := range plan.Rows {
		if !seen[r.Topic] {
			seen[r.Topic] = true
			topics = append(topics, r.Topic)
		}
	}
	ids := topicIDs{}
	meta, err := kadm.NewClient(cl).Metadata(ctx, topics...)
	for _, t := range topics {
		e := ids[t]
		switch td, ok := meta.Topics[t]; {
		case err != nil:
			e.err = fmt.Errorf("the topic ids could not be looked up: %w", err)
		case !ok:
			e.err = fmt.Errorf("topic %s is unknown to the cluster: %w", t, kerr.UnknownTopicOrPartition)
		case td.Err != nil:
			e.err = fmt.Errorf("topic %s: %w", t, td.Err)
		default:
			e.id = td.ID
		}
		ids[t] = e
	}
	return ids
}

// commitGroup sends one admin OffsetCommit (generation -1, no member id)
// for a group, naming each topic by name and by id (OffsetCommit v10+
// takes ids). It resolves the ids itself rather than through kadm, whose
// CommitOffsets answers "UNKNOWN_TOPIC_OR_PARTITION" for a topic whose id
// it could not look up — words the broker never said, for a commit never
// sent. unsent names the topics left out of the request and why; err is
// the request's own failure (no answer: the commit may have landed).
func commitGroup(ctx context.Context, cl *kgo.Client, group string, os kadm.Offsets, ids topicIDs) (lookup func(string, int32) (error, bool), unsent map[string]error, err error) {
	unsent = map[string]error{}
	req := kmsg.NewPtrOffsetCommitRequest()
	req.Group, req.Generation = group, -1
	for t, ps := range os {
		id, err := ids.of(t)
		if err != nil {
			unsent[t] = err
			continue
		}
		rt := kmsg.NewOffsetCommitRequestTopic()
		rt.Topic, rt.TopicID = t, id
		for p, o := range ps {
			rp := kmsg.NewOffsetCommitRequestTopicPartition()
			rp.Partition, rp.Offset, rp.LeaderEpoch = p, o.At, o.LeaderEpoch
			rt.Partitions = append(rt.Partitions, rp)
		}
		req.Topics = append(req.Topics, rt)
	}
	answered := map[string]map[int32]error{}
	lookup = func(t string, p int32) (error, bool) {
		e, ok := answered[t][p]
		return e, ok
	}
	if len(req.Topics) == 0 {
		return lookup, unsent, nil
	}
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return lookup, unsent, err
	}
	idName := map[[16]byte]string{}
	for _, rt := range req.Topics {
		idName[rt.TopicID] = rt.Topic
	}
	for _, rt := range resp.Topics {
		name := rt.Topic
		if name == "" {
			name = idName[rt.TopicID]
		}
		if answered[name] == nil {
			answered[name] = map[int32]error{}
		}
		for _, rp := range rt.Partitions {
			answered[name][rp.Partition] = kerr.ErrorForCode(rp.ErrorCode)
		}
	}
	return lookup, unsent, nil
}

// MergeUndo carries an earlier undo file into a new one, for a re-run of
// a reset that partly landed: a partition the earlier run set (it still
// holds the offset the earlier undo file says that run wrote) is restored
// to the earlier file's target, the offset from before both runs; the
// earlier file's other partitions are carried over as they are. The result
// alone restores everything both runs changed.
func MergeUndo(undo Plan, earlier *PlanFile) Plan {
	out := undo
	out.Rows = nil
	group := ""
	if gs := undo.Groups(); len(gs) == 1 {
		group = gs[0]
	}
	type entry struct {
		row  FileRow
		used bool
	}
	prev := map[RowKey]*entry{}
	var order []RowKey
	for _, r := range earlier.Rows {
		g := r.Group
		if g == "" {
			g = group
		}
		k := RowKey{g, r.Topic, r.Partition}
		prev[k] = &entry{row: r}
		order = append(order, k)
	}
	for _, r := range undo.Rows {
		k := RowKey{r.Group, r.Topic, r.Partition}
		if e := prev[k]; e != nil {
			e.used = true
			if e.row.Current != nil && *e.row.Current == r.NewOffset && e.row.Offset != r.NewOffset {
				n := fmt.Sprintf("restores %d from %s (the offset before the earlier run set %d)", e.row.Offset, earlier.Path, r.NewOffset)
				r.NewOffset, r.Note = e.row.Offset, &n
			}
		}
		out.Rows = append(out.Rows, r)
	}
	for _, k := range order {
		if e := prev[k]; !e.used {
			n := "carried over from " + earlier.Path
			out.Rows = append(out.Rows, Row{Group: k.Group, Topic: k.Topic, Partition: k.Partition, CurrentOffset: e.row.Current, NewOffset: e.row.Offset, Note: &n})
		}
	}
	return out
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
	case errors.Is(err, context.Canceled):
		return "interrupted"
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
