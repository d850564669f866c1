package resetoffsets

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/describe"
)

// The read step of a reset: everything the pure planner (plan.go) needs,
// read from the cluster. Apply (apply.go) does the guarded write.

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
	ShareAsCommitted(snap.Groups)
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
// or after ms (-1 if none), through describe's one ListOffsets path.
func offsetsForTime(ctx context.Context, cl *kgo.Client, tps []describe.TP, ms int64) (map[describe.TP]int64, error) {
	if len(tps) == 0 {
		return map[describe.TP]int64{}, nil
	}
	out, bad, err := describe.OffsetsForTime(ctx, cl, tps, ms)
	if err != nil {
		return nil, err
	}
	for _, tp := range tps {
		if why, failed := bad[tp]; failed {
			return nil, &PlanError{Msg: fmt.Sprintf("cannot find the offset by time of %s/%d: %s", tp.Topic, tp.Partition, why)}
		}
	}
	return out, nil
}
