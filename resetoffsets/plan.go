package resetoffsets

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/internal/errs"
)

// Facts is everything a plan is computed from, read by Load.
type Facts struct {
	Groups []describe.GroupFacts           // the groups to reset, in selection order
	Topics map[string]*describe.TopicFacts // partitions with log start and end
	Other  *describe.GroupFacts            // --to-group source
	// TimeOffsets: for --to-datetime/--by-duration, the first offset whose
	// timestamp is at or after the target time; -1 when there is none.
	TimeOffsets map[describe.TP]int64
}

// PlanError is a plan that cannot be made for a reason in the cluster (a
// partition without leader): exit 1, nothing changed.
type PlanError struct{ Msg string }

func (e *PlanError) Error() string { return e.Msg }

// ExitCode: the cluster cannot answer what the plan needs (exit 1).
func (e *PlanError) ExitCode() int { return errs.ExitError }

// BuildPlan computes the new offset of every partition in scope. It is pure:
// every number comes from facts. Targets outside [log start, log end] are
// clamped into it, and the row's note says so.
func BuildPlan(f Facts, t Target, s Scope, now time.Time) (Plan, error) {
	p := Plan{SchemaVersion: 1, Kind: PlanKind, Target: t.String(), CreatedAt: now.UTC().Format(time.RFC3339), Rows: []Row{}}
	if err := checkFileGroups(f, t); err != nil {
		return p, err
	}
	if err := checkShareTarget(f, t); err != nil {
		return p, err
	}
	for i := range f.Groups {
		g := &f.Groups[i]
		tps, fileOffsets, err := SelectPartitions(f, g, t, s)
		if err != nil {
			return p, err
		}
		for _, tp := range tps {
			row, err := planRow(f, g, tp, t, fileOffsets)
			if err != nil {
				return p, err
			}
			p.Rows = append(p.Rows, row)
		}
	}
	if len(p.Rows) == 0 {
		var missing []string
		for _, g := range f.Groups {
			if !g.Found {
				missing = append(missing, g.Name)
			}
		}
		if len(missing) == len(f.Groups) {
			return p, inputErrorf("nothing to reset: group %s does not exist (check the name; to create its offsets, name --topic TOPIC with --allow-new-partitions)", strings.Join(missing, ", "))
		}
		return p, inputErrorf("nothing to reset: the selected groups have no committed offsets in this scope (add --allow-new-partitions to commit partitions never committed)")
	}
	return p, nil
}

// checkFileGroups: a 4-column CSV or JSON plan may only name groups that are
// being reset; a 3-column CSV only fits exactly one group.
func checkFileGroups(f Facts, t Target) error {
	if t.Kind != FromFile {
		return nil
	}
	names := map[string]bool{}
	for _, g := range f.Groups {
		names[g.Name] = true
	}
	for _, r := range t.File.Rows {
		if r.Group == "" {
			if len(f.Groups) != 1 {
				return inputErrorf("%s:%d: a 3-column file (topic,partition,offset) needs exactly one group; use group,topic,partition,offset for %d groups",
					t.File.Path, r.Line, len(f.Groups))
			}
			continue
		}
		if !names[r.Group] {
			what := "line"
			if t.File.Format == "json" {
				what = "row"
			}
			return inputErrorf("%s: %s %d is for group %q, which is not being reset (name it on the command line)", t.File.Path, what, r.Line, r.Group)
		}
	}
	return nil
}

// SelectPartitions returns the partitions of g a reset touches, sorted, and
// for --from-file the target offset of each.
func SelectPartitions(f Facts, g *describe.GroupFacts, t Target, s Scope) ([]describe.TP, map[describe.TP]int64, error) {
	var tps []describe.TP
	fileOffsets := map[describe.TP]int64{}
	switch t.Kind {
	case FromFile:
		for _, r := range t.File.Rows {
			if r.Group != "" && r.Group != g.Name {
				continue
			}
			tp := describe.TP{Topic: r.Topic, Partition: r.Partition}
			if err := partitionExists(f, tp, fmt.Sprintf("%s:%d: ", t.File.Path, r.Line)); err != nil {
				return nil, nil, err
			}
			if !inScope(s, tp) {
				continue
			}
			tps = append(tps, tp)
			fileOffsets[tp] = r.Offset
		}
	case ToGroup:
		if f.Other == nil || len(f.Other.Committed) == 0 {
			return nil, nil, inputErrorf("--to-group %s: that group has no committed offsets to copy", t.Group)
		}
		// The source's committed partitions in scope; --all-topics means the
		// topics the group being reset has committed, and a partition it
		// never committed needs --allow-new-partitions, as for every target.
		inSource, notCommitted := 0, 0
		own := g.Topics()
		for tp := range f.Other.Committed {
			if !inScope(s, tp) || (s.AllTopics && !slices.Contains(own, tp.Topic)) {
				continue
			}
			inSource++
			if _, committed := g.Committed[tp]; !committed && !s.AllowNewPartitions {
				notCommitted++
				continue
			}
			if err := partitionExists(f, tp, fmt.Sprintf("--to-group %s: ", t.Group)); err != nil {
				return nil, nil, err
			}
			tps = append(tps, tp)
		}
		switch {
		case inSource == 0:
			return nil, nil, inputErrorf("--to-group %s has no committed offsets on the partitions in scope (%s); nothing to copy to %s", t.Group, scopeText(s, own), g.Name)
		case len(tps) == 0:
			return nil, nil, inputErrorf("--to-group %s: group %s never committed the %d partition(s) it would copy; add --allow-new-partitions to commit them", t.Group, g.Name, notCommitted)
		}
	default:
		if !s.AllTopics && len(s.Topics) == 0 {
			return nil, nil, inputErrorf("choose the partitions: --topic TOPIC[:P,...] (repeatable) or --all-topics (every topic the group has committed)")
		}
		topics := s.TopicOrder
		if s.AllTopics {
			topics = g.Topics()
		}
		for _, topic := range topics {
			tf := f.Topics[topic]
			if tf == nil || !tf.Exists {
				return nil, nil, inputErrorf("--topic %s: topic does not exist", topic)
			}
			parts := s.Topics[topic]
			explicit := parts != nil
			if !explicit {
				for p := range tf.Partitions {
					parts = append(parts, p)
				}
			}
			for _, p := range parts {
				tp := describe.TP{Topic: topic, Partition: p}
				if err := partitionExists(f, tp, ""); err != nil {
					return nil, nil, err
				}
				if _, committed := g.Committed[tp]; !committed && !s.AllowNewPartitions {
					if explicit {
						return nil, nil, inputErrorf("--topic %s:%d: group %s never committed this partition; add --allow-new-partitions to commit one", topic, p, g.Name)
					}
					continue
				}
				tps = append(tps, tp)
			}
		}
	}
	describe.SortTPs(tps)
	return tps, fileOffsets, nil
}

// scopeText words a scope for messages.
func scopeText(s Scope, own []string) string {
	switch {
	case s.AllTopics && len(own) == 0:
		return "--all-topics, and the group has committed no topic"
	case s.AllTopics:
		return "--all-topics: " + strings.Join(own, ", ")
	case len(s.TopicOrder) > 0:
		return "--topic " + strings.Join(s.TopicOrder, ", ")
	}
	return "every topic"
}

func inScope(s Scope, tp describe.TP) bool {
	if len(s.Topics) == 0 {
		return true
	}
	parts, ok := s.Topics[tp.Topic]
	if !ok {
		return false
	}
	if parts == nil {
		return true
	}
	for _, p := range parts {
		if p == tp.Partition {
			return true
		}
	}
	return false
}

func partitionExists(f Facts, tp describe.TP, prefix string) error {
	tf := f.Topics[tp.Topic]
	if tf == nil || !tf.Exists {
		return inputErrorf("%stopic %s does not exist", prefix, tp.Topic)
	}
	if _, ok := tf.Partitions[tp.Partition]; !ok {
		return inputErrorf("%spartition %d of %s does not exist (it has %d: 0-%d)", prefix, tp.Partition, tp.Topic, len(tf.Partitions), len(tf.Partitions)-1)
	}
	return nil
}

// shift adds n to an offset, reporting an int64 overflow instead of
// wrapping.
func shift(cur, n int64) (int64, bool) {
	sum := cur + n
	if (n > 0 && sum < cur) || (n < 0 && sum > cur) {
		return 0, true
	}
	return sum, false
}

func planRow(f Facts, g *describe.GroupFacts, tp describe.TP, t Target, fileOffsets map[describe.TP]int64) (Row, error) {
	pf := f.Topics[tp.Topic].Partitions[tp.Partition]
	row := Row{Group: g.Name, Topic: tp.Topic, Partition: tp.Partition}
	if pf.Err != "" || pf.Start == nil || pf.End == nil {
		why := pf.Err
		if why == "" {
			why = "log offsets unknown"
		}
		return row, &PlanError{Msg: fmt.Sprintf("cannot plan %s/%d: %s; retry, or leave it out with --topic", tp.Topic, tp.Partition, why)}
	}
	start, end := *pf.Start, *pf.End
	row.LogStartOffset, row.LogEndOffset = &start, &end
	var notes []string
	cur, hasCur := g.Committed[tp]
	switch {
	case hasCur:
		row.CurrentOffset = &cur
	case !g.Found:
		// A typo in a group name would otherwise reset a group nobody
		// reads: say so where the plan is reviewed.
		notes = append(notes, "new group: no offsets before")
	default:
		notes = append(notes, "no commit before")
	}
	var target int64
	switch t.Kind {
	case ToEarliest:
		target = start
	case ToLatest:
		target = end
	case ToCurrent:
		if hasCur {
			target = cur
		} else {
			target = end
			notes = append(notes, "log end")
		}
	case ToOffset:
		target = t.Offset
	case ShiftBy:
		if !hasCur {
			return row, inputErrorf("--shift-by needs a committed offset to shift, and %s has none on %s/%d (use --to-offset, or drop --allow-new-partitions)",
				g.Name, tp.Topic, tp.Partition)
		}
		var overflow bool
		target, overflow = shift(cur, t.Shift)
		if overflow {
			// cur + shift does not fit in an offset: saturate at the log's
			// edge instead of wrapping around to the other end.
			edge, word := end, "end"
			if t.Shift < 0 {
				edge, word = start, "start"
			}
			notes = append(notes, fmt.Sprintf("%d %+d is out of range: saturated at log %s %d", cur, t.Shift, word, edge))
			target = edge
		}
	case ToDatetime, ByDuration:
		off, ok := f.TimeOffsets[tp]
		if !ok || off < 0 {
			target = end
			notes = append(notes, "no record at or after "+t.Time.UTC().Format(time.RFC3339)+": log end")
		} else {
			target = off
		}
	case FromFile:
		target = fileOffsets[tp]
	case ToGroup:
		target = f.Other.Committed[tp]
	}
	switch {
	case (target < start || target > end) && t.Kind == FromFile && t.File.IsUndo():
		// An undo restores the offsets exactly as they were, even outside
		// today's log: clamping would leave the reset in place.
		notes = append(notes, fmt.Sprintf("restored exactly: %d is outside the log [%d, %d], as it was before (a consumer starts per auto.offset.reset)", target, start, end))
	case target < start:
		notes = append(notes, fmt.Sprintf("clamped up to log start %d (%d was deleted)", start, target))
		target = start
	case target > end:
		notes = append(notes, fmt.Sprintf("clamped down to log end %d (%d is past the end)", end, target))
		target = end
	}
	if hasCur && target == cur {
		notes = append(notes, "unchanged")
	}
	row.NewOffset = target
	if len(notes) > 0 {
		n := strings.Join(notes, "; ")
		row.Note = &n
	}
	return row, nil
}
