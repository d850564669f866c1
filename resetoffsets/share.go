package resetoffsets

import (
	"context"
	"errors"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/describe"
)

// Share groups (KIP-932) have no committed offsets: what a reset moves is
// each share partition's start offset, through AlterShareGroupOffsets,
// which the broker accepts only while the group has no members. The
// planner works on them as on any group by reading the start offsets as
// the "current" offsets (ShareAsCommitted); Apply writes share groups with
// AlterShareGroupOffsets instead of OffsetCommit; the same guard (no
// members, nothing moved), undo file and plan files apply.

// ShareAsCommitted makes every share group's start offsets its Committed
// offsets (partitions without share state have none), so plans, guards
// and undo files read them like committed offsets.
func ShareAsCommitted(groups []describe.GroupFacts) {
	for i := range groups {
		g := &groups[i]
		if g.Share == nil {
			continue
		}
		g.Committed = map[describe.TP]int64{}
		for tp, so := range g.Share.Offsets {
			if so.Start != nil {
				g.Committed[tp] = *so.Start
			}
		}
	}
}

// IsShare reports whether g is a share group.
func IsShare(g describe.GroupFacts) bool { return g.Type == describe.TypeShare }

// checkShareTarget refuses the targets a share group cannot honour: a
// share start offset is not a consumer position to shift or keep, and
// share groups have no committed offsets to copy.
func checkShareTarget(f Facts, t Target) error {
	for _, g := range f.Groups {
		if !IsShare(g) {
			continue
		}
		switch t.Kind {
		case ShiftBy, ToCurrent:
			return inputErrorf("--%s does not apply to share group %s (its start offset is not a consumer position); use --to-earliest, --to-latest, --to-offset, --to-datetime, --by-duration or --from-file", t.Kind, g.Name)
		case ToGroup:
			return inputErrorf("--to-group does not apply to share group %s; use --to-earliest, --to-latest, --to-offset, --to-datetime, --by-duration or --from-file", g.Name)
		}
	}
	if t.Kind == ToGroup && f.Other != nil && IsShare(*f.Other) {
		return inputErrorf("--to-group %s is a share group: it has no committed offsets to copy", t.Group)
	}
	return nil
}

// writeShare sets a share group's start offsets; lookup answers per
// partition (err: the whole request failed or the broker refused it).
func writeShare(ctx context.Context, cl *kgo.Client, group string, os kadm.Offsets) (func(topic string, p int32) (error, bool), error) {
	resp, err := kadm.NewClient(cl).AlterShareGroupOffsets(ctx, group, os)
	if err != nil {
		return nil, err
	}
	return func(t string, p int32) (error, bool) { return resp.Lookup(t, p) }, nil
}

// shareRefusal: the broker refused because the share group has members.
func shareRefusal(err error) bool { return errors.Is(err, kerr.NonEmptyGroup) }

// checkShareDeleteScope: share offsets are deleted per topic
// (DeleteShareGroupOffsets has no partitions), so --topic T:P is refused.
func checkShareDeleteScope(g describe.GroupFacts, s Scope) error {
	if !IsShare(g) {
		return nil
	}
	for _, t := range s.TopicOrder {
		if s.Topics[t] != nil {
			return inputErrorf("--topic %s: share group %s's offsets are deleted per topic (DeleteShareGroupOffsets); use --topic %s", t, g.Name, t)
		}
	}
	return nil
}

// deleteShareOffsets deletes a share group's state for the topics of set,
// answering per partition as OffsetDelete would (a topic's error applies
// to each of its partitions).
func deleteShareOffsets(ctx context.Context, cl *kgo.Client, group string, set kadm.TopicsSet) (kadm.DeleteOffsetsResponses, error) {
	topics := set.Topics()
	resp, err := kadm.NewClient(cl).DeleteShareGroupOffsets(ctx, group, topics...)
	if err != nil {
		return nil, err
	}
	out := kadm.DeleteOffsetsResponses{}
	for t, ps := range set {
		terr, ok := resp.Lookup(t)
		if !ok {
			continue
		}
		out[t] = map[int32]error{}
		for p := range ps {
			out[t][p] = terr
		}
	}
	return out, nil
}
