package resetoffsets

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/describe"
)

// DeleteKind marks delete plan and result documents.
const (
	DeleteGroupsKind  = "kgroups-delete-groups"
	DeleteOffsetsKind = "kgroups-delete-offsets"
)

// DeleteDoc is the plan (dry run) or result of delete / delete-offsets.
type DeleteDoc struct {
	SchemaVersion int         `json:"schema_version" yaml:"schema_version"`
	Kind          string      `json:"kind" yaml:"kind"`
	Executed      bool        `json:"executed" yaml:"executed"`
	Rows          []DeleteRow `json:"rows" yaml:"rows"`
	Failed        int         `json:"failed" yaml:"failed"`
	// Cluster is the cluster the groups are deleted from.
	Cluster *ClusterRef `json:"cluster" yaml:"cluster"`

	share bool // delete-offsets of a share group: DeleteShareGroupOffsets
}

// DeleteRow is one group (delete) or one partition (delete-offsets).
type DeleteRow struct {
	Group         string  `json:"group" yaml:"group"`
	Topic         *string `json:"topic" yaml:"topic"`
	Partition     *int32  `json:"partition" yaml:"partition"`
	State         string  `json:"state" yaml:"state"`
	Members       int     `json:"members" yaml:"members"`
	CurrentOffset *int64  `json:"current_offset" yaml:"current_offset"`
	Status        string  `json:"status" yaml:"status"` // planned: "will delete" / "will be refused"; executed: "deleted" / "failed"
	Error         *string `json:"error" yaml:"error"`
	// Refused: the broker refused because the group has members
	// (NON_EMPTY_GROUP, GROUP_SUBSCRIBED_TO_TOPIC); nothing was deleted.
	Refused bool `json:"-" yaml:"-"`
	// Denied: the user may not delete.
	Denied bool `json:"-" yaml:"-"`
}

// UndoOfDelete is the plan that puts back the committed offsets a delete
// or delete-offsets removes: reset-offsets --from-file on it restores them
// exactly (while the group has no members). Offsets come from the snapshot
// the delete plan was made from; a group without offsets adds no rows.
func UndoOfDelete(snap *describe.Snapshot, doc DeleteDoc, now time.Time) Plan {
	p := Plan{SchemaVersion: 1, Kind: PlanKind, Target: undoPrefix + doc.Kind, CreatedAt: now.UTC().Format(time.RFC3339), Rows: []Row{}}
	note := "deleted by kgroups " + map[string]string{DeleteGroupsKind: "delete", DeleteOffsetsKind: "delete-offsets"}[doc.Kind]
	byGroup := map[string]describe.GroupFacts{}
	for _, g := range snap.Groups {
		byGroup[g.Name] = g
	}
	add := func(group, topic string, partition int32, off int64) {
		n := note
		p.Rows = append(p.Rows, Row{Group: group, Topic: topic, Partition: partition, NewOffset: off, Note: &n})
	}
	for _, r := range doc.Rows {
		if r.Topic != nil {
			if r.CurrentOffset != nil {
				add(r.Group, *r.Topic, *r.Partition, *r.CurrentOffset)
			}
			continue
		}
		g := byGroup[r.Group]
		tps := make([]describe.TP, 0, len(g.Committed))
		for tp := range g.Committed {
			tps = append(tps, tp)
		}
		describe.SortTPs(tps)
		for _, tp := range tps {
			add(r.Group, tp.Topic, tp.Partition, g.Committed[tp])
		}
	}
	return p
}

// PlanDeleteGroups describes what deleting the groups would do. Unknown
// groups are an input error.
func PlanDeleteGroups(snap *describe.Snapshot) (DeleteDoc, error) {
	doc := DeleteDoc{SchemaVersion: 1, Kind: DeleteGroupsKind, Rows: []DeleteRow{}}
	ShareAsCommitted(snap.Groups) // a share group's undo keeps its start offsets
	for _, g := range snap.Groups {
		if !g.Found {
			return doc, inputErrorf("group %q not found", g.Name)
		}
		row := DeleteRow{Group: g.Name, State: g.State, Members: len(g.Members), Status: "will delete"}
		if !Inactive(g) {
			msg := fmt.Sprintf("the group is %s with %d member(s): the broker will refuse (NON_EMPTY_GROUP)", g.State, len(g.Members))
			row.Status, row.Error = "will be refused", &msg
		}
		doc.Rows = append(doc.Rows, row)
	}
	return doc, nil
}

// ApplyDeleteGroups deletes the planned groups in one batched request per
// coordinator; the broker refuses groups that have members.
func ApplyDeleteGroups(ctx context.Context, cl *kgo.Client, plan DeleteDoc) (DeleteDoc, error) {
	out := plan
	out.Executed, out.Rows, out.Failed = true, nil, 0
	names := make([]string, 0, len(plan.Rows))
	for _, r := range plan.Rows {
		names = append(names, r.Group)
	}
	resp, err := kadm.NewClient(cl).DeleteGroups(ctx, names...)
	if err != nil && len(resp) == 0 {
		return out, err
	}
	for _, r := range plan.Rows {
		r.Status, r.Error = "deleted", nil
		gr, ok := resp[r.Group]
		var gerr error
		switch {
		case !ok:
			gerr = fmt.Errorf("no answer from the coordinator")
			if err != nil {
				gerr = err
			}
		case gr.Err != nil:
			gerr = gr.Err
		}
		if gerr != nil {
			msg := commitErrText(gerr)
			r.Status, r.Error = "failed", &msg
			r.Refused, r.Denied = errors.Is(gerr, kerr.NonEmptyGroup), Denied(gerr)
			out.Failed++
		}
		out.Rows = append(out.Rows, r)
	}
	return out, nil
}

// PlanDeleteOffsets lists the committed partitions of one group in scope.
func PlanDeleteOffsets(snap *describe.Snapshot, s Scope) (DeleteDoc, error) {
	doc := DeleteDoc{SchemaVersion: 1, Kind: DeleteOffsetsKind, Rows: []DeleteRow{}}
	if len(snap.Groups) != 1 {
		return doc, inputErrorf("delete-offsets takes exactly one group")
	}
	ShareAsCommitted(snap.Groups)
	g := snap.Groups[0]
	if !g.Found {
		return doc, inputErrorf("group %q not found", g.Name)
	}
	if len(s.Topics) == 0 {
		return doc, inputErrorf("choose the offsets: --topic TOPIC[:P,...] (repeatable)")
	}
	if err := checkShareDeleteScope(g, s); err != nil {
		return doc, err
	}
	doc.share = IsShare(g)
	f := Facts{Groups: []describe.GroupFacts{g}, Topics: snap.Topics}
	for _, topic := range s.TopicOrder {
		var tps []describe.TP
		for tp := range g.Committed {
			if tp.Topic == topic && inScope(s, tp) {
				tps = append(tps, tp)
			}
		}
		for _, p := range s.Topics[topic] { // named partitions must exist and be committed
			tp := describe.TP{Topic: topic, Partition: p}
			if err := partitionExists(f, tp, "--topic "+topic+": "); err != nil {
				if _, committed := g.Committed[tp]; !committed {
					return doc, err
				}
			}
			if _, committed := g.Committed[tp]; !committed {
				return doc, inputErrorf("--topic %s:%d: group %s has no committed offset there", topic, p, g.Name)
			}
		}
		if len(tps) == 0 {
			return doc, inputErrorf("--topic %s: group %s has no committed offsets on it", topic, g.Name)
		}
		sort.Slice(tps, func(i, j int) bool { return tps[i].Partition < tps[j].Partition })
		for _, tp := range tps {
			t, p, off := tp.Topic, tp.Partition, g.Committed[tp]
			row := DeleteRow{Group: g.Name, Topic: &t, Partition: &p, State: g.State, Members: len(g.Members), CurrentOffset: &off, Status: "will delete"}
			if !Inactive(g) {
				msg := "the group has members: the broker refuses topics they subscribe to (GROUP_SUBSCRIBED_TO_TOPIC)"
				if doc.share {
					msg = "the share group has members: the broker refuses (NON_EMPTY_GROUP)"
				}
				row.Status, row.Error = "may be refused", &msg
			}
			doc.Rows = append(doc.Rows, row)
		}
	}
	return doc, nil
}

// ApplyDeleteOffsets deletes the planned offsets (OffsetDelete).
func ApplyDeleteOffsets(ctx context.Context, cl *kgo.Client, plan DeleteDoc) (DeleteDoc, error) {
	out := plan
	out.Executed, out.Rows, out.Failed = true, nil, 0
	if len(plan.Rows) == 0 {
		return out, nil
	}
	set := kadm.TopicsSet{}
	for _, r := range plan.Rows {
		set.Add(*r.Topic, *r.Partition)
	}
	var resp kadm.DeleteOffsetsResponses
	var err error
	if plan.share {
		resp, err = deleteShareOffsets(ctx, cl, plan.Rows[0].Group, set)
	} else {
		resp, err = deleteOffsets(ctx, cl, plan.Rows[0].Group, set)
	}
	for _, r := range plan.Rows {
		r.Status, r.Error = "deleted", nil
		var perr error
		if err != nil {
			perr = err
		} else if ps, ok := resp[*r.Topic]; !ok {
			perr = fmt.Errorf("no answer for this partition")
		} else if e, ok := ps[*r.Partition]; !ok {
			perr = fmt.Errorf("no answer for this partition")
		} else {
			perr = e
		}
		if perr != nil {
			msg := commitErrText(perr)
			r.Status, r.Error = "failed", &msg
			r.Refused, r.Denied = errors.Is(perr, kerr.GroupSubscribedToTopic) || errors.Is(perr, kerr.NonEmptyGroup), Denied(perr)
			out.Failed++
		}
		out.Rows = append(out.Rows, r)
	}
	return out, nil
}

// coordinatorErr reports the errors that mean "ask the group's coordinator
// again".
func coordinatorErr(err error) bool {
	return errors.Is(err, kerr.NotCoordinator) || errors.Is(err, kerr.CoordinatorLoadInProgress) ||
		errors.Is(err, kerr.CoordinatorNotAvailable)
}

// deleteOffsets sends OffsetDelete. kgo (v1.22) neither retries OffsetDelete
// on coordinator errors nor forgets the stale coordinator, so on such an
// error kgroups looks the coordinator up itself and resends there, backing
// off, until ctx ends.
func deleteOffsets(ctx context.Context, cl *kgo.Client, group string, set kadm.TopicsSet) (kadm.DeleteOffsetsResponses, error) {
	resp, err := kadm.NewClient(cl).DeleteOffsets(ctx, group, set)
	backoff := 100 * time.Millisecond
	for err != nil && coordinatorErr(err) {
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Second)
		resp, err = deleteOffsetsAtCoordinator(ctx, cl, group, set)
	}
	return resp, err
}

func deleteOffsetsAtCoordinator(ctx context.Context, cl *kgo.Client, group string, set kadm.TopicsSet) (kadm.DeleteOffsetsResponses, error) {
	find := kmsg.NewPtrFindCoordinatorRequest()
	find.CoordinatorKey = group
	find.CoordinatorKeys = []string{group}
	fresp, err := find.RequestWith(ctx, cl)
	if err != nil {
		return nil, err
	}
	node := fresp.NodeID
	if len(fresp.Coordinators) > 0 {
		c := fresp.Coordinators[0]
		if err := kerr.ErrorForCode(c.ErrorCode); err != nil {
			return nil, err
		}
		node = c.NodeID
	} else if err := kerr.ErrorForCode(fresp.ErrorCode); err != nil {
		return nil, err
	}
	req := kmsg.NewPtrOffsetDeleteRequest()
	req.Group = group
	for t, ps := range set {
		rt := kmsg.NewOffsetDeleteRequestTopic()
		rt.Topic = t
		for p := range ps {
			rp := kmsg.NewOffsetDeleteRequestTopicPartition()
			rp.Partition = p
			rt.Partitions = append(rt.Partitions, rp)
		}
		req.Topics = append(req.Topics, rt)
	}
	kresp, err := cl.Broker(int(node)).Request(ctx, req)
	if err != nil {
		return nil, err
	}
	r := kresp.(*kmsg.OffsetDeleteResponse)
	if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
		return nil, err
	}
	out := kadm.DeleteOffsetsResponses{}
	for _, t := range r.Topics {
		out[t.Topic] = map[int32]error{}
		for _, p := range t.Partitions {
			out[t.Topic][p.Partition] = kerr.ErrorForCode(p.ErrorCode)
		}
	}
	return out, nil
}
