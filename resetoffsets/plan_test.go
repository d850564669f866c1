package resetoffsets

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/kgroups/kgroups/describe"
)

var now = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

func i64(v int64) *int64 { return &v }

// facts: group g committed orders/0=50 and orders/1=5; orders/2 never.
// Log: start 10, end 100 on every partition of orders (3) and audit (1).
func facts() Facts {
	parts := func(n int) map[int32]*describe.PartitionFacts {
		m := map[int32]*describe.PartitionFacts{}
		for p := 0; p < n; p++ {
			m[int32(p)] = &describe.PartitionFacts{Start: i64(10), End: i64(100)}
		}
		return m
	}
	return Facts{
		Groups: []describe.GroupFacts{{Name: "g", Found: true, State: "Empty", Committed: map[describe.TP]int64{
			{Topic: "orders", Partition: 0}: 50, {Topic: "orders", Partition: 1}: 5}}},
		Topics: map[string]*describe.TopicFacts{
			"orders": {Name: "orders", Exists: true, Partitions: parts(3)},
			"audit":  {Name: "audit", Exists: true, Partitions: parts(1)},
		},
	}
}

func scope(t *testing.T, allTopics, allowNew bool, topics ...string) Scope {
	s, err := ParseScope(topics, allTopics, allowNew)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// rows renders a plan as "topic/p:cur->new[note]" for compact assertions.
func rows(p Plan) string {
	var out []string
	for _, r := range p.Rows {
		s := fmt.Sprintf("%s/%d:%s->%d", r.Topic, r.Partition, offText(r.CurrentOffset), r.NewOffset)
		if r.Note != nil {
			s += "[" + *r.Note + "]"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func TestBuildPlanTargets(t *testing.T) {
	file := func(content string) *PlanFile {
		pf, err := ParsePlanFile("f.csv", []byte(content))
		if err != nil {
			t.Fatal(err)
		}
		return pf
	}
	other := &describe.GroupFacts{Name: "src", Found: true, Committed: map[describe.TP]int64{{Topic: "orders", Partition: 1}: 77}}
	cases := []struct {
		name   string
		target Target
		scope  Scope
		facts  func(*Facts)
		want   string
	}{
		{"earliest", Target{Kind: ToEarliest}, scope(t, true, false), nil,
			"orders/0:50->10 orders/1:5->10"},
		{"latest, new partitions too", Target{Kind: ToLatest}, scope(t, true, true), nil,
			"orders/0:50->100 orders/1:5->100 orders/2:no commit->100[no commit before]"},
		{"current", Target{Kind: ToCurrent}, scope(t, false, true, "orders"), nil,
			"orders/0:50->50[unchanged] orders/1:5->10[clamped up to log start 10 (5 was deleted)] orders/2:no commit->100[no commit before; log end]"},
		{"offset clamped down", Target{Kind: ToOffset, Offset: 500, Raw: "500"}, scope(t, false, false, "orders:0"), nil,
			"orders/0:50->100[clamped down to log end 100 (500 is past the end)]"},
		{"offset exact", Target{Kind: ToOffset, Offset: 42, Raw: "42"}, scope(t, true, false), nil,
			"orders/0:50->42 orders/1:5->42"},
		{"shift forward", Target{Kind: ShiftBy, Shift: 1, Raw: "1"}, scope(t, false, false, "orders:0"), nil,
			"orders/0:50->51"},
		{"shift back past start", Target{Kind: ShiftBy, Shift: -100, Raw: "-100"}, scope(t, false, false, "orders:0"), nil,
			"orders/0:50->10[clamped up to log start 10 (-50 was deleted)]"},
		{"datetime", Target{Kind: ToDatetime, Time: now, Raw: "x"}, scope(t, true, false), func(f *Facts) {
			f.TimeOffsets = map[describe.TP]int64{{Topic: "orders", Partition: 0}: 60, {Topic: "orders", Partition: 1}: -1}
		}, "orders/0:50->60 orders/1:5->100[no record at or after 2026-11-21T12:00:00Z: log end]"},
		{"file, 3 columns", Target{Kind: FromFile, File: file("orders,0,30\norders,2,40\n")}, Scope{}, nil,
			"orders/0:50->30 orders/2:no commit->40[no commit before]"},
		{"file filtered by --topic", Target{Kind: FromFile, File: file("orders,0,30\naudit,0,40\n")}, scope(t, false, false, "audit"), nil,
			"audit/0:no commit->40[no commit before]"},
		{"to-group", Target{Kind: ToGroup, Group: "src", Raw: "src"}, Scope{}, func(f *Facts) { f.Other = other },
			"orders/1:5->77"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := facts()
			if c.facts != nil {
				c.facts(&f)
			}
			p, err := BuildPlan(f, c.target, c.scope, now)
			if err != nil {
				t.Fatal(err)
			}
			if got := rows(p); got != c.want {
				t.Fatalf("\n got %s\nwant %s", got, c.want)
			}
			if p.Kind != PlanKind || p.SchemaVersion != 1 || p.CreatedAt != "2026-11-21T12:00:00Z" {
				t.Fatalf("header %+v", p)
			}
			for _, r := range p.Rows { // every row is within [start, end]
				if r.NewOffset < *r.LogStartOffset || r.NewOffset > *r.LogEndOffset {
					t.Fatalf("row outside the log: %+v", r)
				}
			}
		})
	}
}

func TestBuildPlanErrors(t *testing.T) {
	twoGroups := func(f *Facts) {
		f.Groups = append(f.Groups, describe.GroupFacts{Name: "h", Found: true, Committed: map[describe.TP]int64{}})
	}
	file := func(content string) *PlanFile {
		pf, _ := ParsePlanFile("f.csv", []byte(content))
		return pf
	}
	cases := []struct {
		name   string
		target Target
		scope  Scope
		facts  func(*Facts)
		want   string
	}{
		{"no scope", Target{Kind: ToEarliest}, Scope{}, nil, "choose the partitions"},
		{"missing topic", Target{Kind: ToEarliest}, scope(t, false, false, "nope"), nil, "--topic nope: topic does not exist"},
		{"missing partition", Target{Kind: ToEarliest}, scope(t, false, false, "orders:7"), nil, "partition 7 of orders does not exist (it has 3: 0-2)"},
		{"named partition never committed", Target{Kind: ToEarliest}, scope(t, false, false, "orders:2"), nil, "add --allow-new-partitions"},
		{"topic never committed", Target{Kind: ToEarliest}, scope(t, false, false, "audit"), nil, "nothing to reset"},
		{"shift without commit", Target{Kind: ShiftBy, Shift: 1}, scope(t, false, true, "orders:2"), nil, "--shift-by needs a committed offset"},
		{"file for another group", Target{Kind: FromFile, File: file("other,orders,0,1\n")}, Scope{}, nil, `line 1 is for group "other", which is not being reset`},
		{"3-column file, 2 groups", Target{Kind: FromFile, File: file("orders,0,1\n")}, Scope{}, twoGroups, "needs exactly one group"},
		{"file names missing partition", Target{Kind: FromFile, File: file("orders,9,1\n")}, Scope{}, nil, "f.csv:1: partition 9 of orders does not exist"},
		{"to-group with nothing", Target{Kind: ToGroup, Group: "src"}, Scope{}, nil, "--to-group src: that group has no committed offsets"},
		{"leaderless partition", Target{Kind: ToEarliest}, scope(t, true, false), func(f *Facts) {
			f.Topics["orders"].Partitions[1] = &describe.PartitionFacts{Err: "partition has no leader"}
		}, "cannot plan orders/1: partition has no leader"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := facts()
			if c.facts != nil {
				c.facts(&f)
			}
			_, err := BuildPlan(f, c.target, c.scope, now)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v, want %q", err, c.want)
			}
		})
	}
}

func TestShiftSaturates(t *testing.T) {
	t.Parallel()
	f := facts()
	for _, c := range []struct {
		shift int64
		want  string
	}{
		{math.MaxInt64, "orders/0:50->100[50 +9223372036854775807 is out of range: saturated at log end 100]"},
		{math.MinInt64, "orders/0:50->10[clamped up to log start 10 (-9223372036854775758 was deleted)]"},
		{60, "orders/0:50->100[clamped down to log end 100 (110 is past the end)]"},
	} {
		p, err := BuildPlan(f, Target{Kind: ShiftBy, Shift: c.shift, Raw: fmt.Sprint(c.shift)}, scope(t, false, false, "orders:0"), now)
		if err != nil || rows(p) != c.want {
			t.Errorf("shift %d: %s %v, want %s", c.shift, rows(p), err, c.want)
		}
	}
}

func FuzzShiftStaysInTheLog(f *testing.F) {
	f.Add(int64(50), int64(math.MaxInt64), int64(10), int64(100))
	f.Add(int64(0), int64(math.MinInt64), int64(0), int64(0))
	f.Fuzz(func(t *testing.T, cur, n, start, end int64) {
		if cur < 0 || start < 0 || end < start || n == 0 {
			return
		}
		fs := facts()
		fs.Groups[0].Committed[describe.TP{Topic: "orders", Partition: 0}] = cur
		fs.Topics["orders"].Partitions[0] = &describe.PartitionFacts{Start: &start, End: &end}
		p, err := BuildPlan(fs, Target{Kind: ShiftBy, Shift: n, Raw: fmt.Sprint(n)}, scope(t, false, false, "orders:0"), now)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Rows[0].NewOffset; got < start || got > end {
			t.Fatalf("cur %d shift %d in [%d, %d] planned %d", cur, n, start, end, got)
		}
	})
}

func TestNewGroupIsSaid(t *testing.T) {
	t.Parallel()
	f := facts()
	f.Groups = []describe.GroupFacts{{Name: "typo", Found: false, Committed: map[describe.TP]int64{}}}
	p, err := BuildPlan(f, Target{Kind: ToEarliest}, scope(t, false, true, "audit"), now)
	if err != nil || rows(p) != "audit/0:no commit->10[new group: no offsets before]" {
		t.Fatalf("%s %v", rows(p), err)
	}
}

func TestMergeUndo(t *testing.T) {
	t.Parallel()
	// The first run set orders/0 and /1 to 100 (from 50 and 5) and failed
	// on /2 (still at 7); the re-run sees /0 and /1 at 100 already.
	earlier := &PlanFile{Path: "undo1.json", Format: "json", Target: "undo of --to-latest", Rows: []FileRow{
		{Group: "g", Topic: "orders", Partition: 0, Current: i64(100), Offset: 50},
		{Group: "g", Topic: "orders", Partition: 1, Current: i64(100), Offset: 5},
		{Group: "g", Topic: "audit", Partition: 0, Current: i64(100), Offset: 40},
	}}
	undo := Plan{SchemaVersion: 1, Kind: PlanKind, Target: "undo of --to-latest", Rows: []Row{
		{Group: "g", Topic: "orders", Partition: 0, CurrentOffset: i64(100), NewOffset: 100},
		{Group: "g", Topic: "orders", Partition: 1, CurrentOffset: i64(100), NewOffset: 60}, // moved by someone since: kept
		{Group: "g", Topic: "orders", Partition: 2, CurrentOffset: i64(100), NewOffset: 7},
	}}
	got := MergeUndo(undo, earlier)
	want := "orders/0:100->50[restores 50 from undo1.json (the offset before the earlier run set 100)] " +
		"orders/1:100->60 orders/2:100->7 audit/0:100->40[carried over from undo1.json]"
	if rows(got) != want {
		t.Fatalf("got  %s\nwant %s", rows(got), want)
	}
}

// --to-group copies only partitions in scope: --all-topics is the topics
// the group being reset committed, and a partition it never committed
// needs --allow-new-partitions, as for every target.
func TestToGroupScope(t *testing.T) {
	t.Parallel()
	f := facts()
	f.Other = &describe.GroupFacts{Name: "src", Found: true, Committed: map[describe.TP]int64{
		{Topic: "orders", Partition: 0}: 60, {Topic: "orders", Partition: 2}: 70, {Topic: "audit", Partition: 0}: 80}}
	tg := Target{Kind: ToGroup, Group: "src", Raw: "src"}
	cases := []struct {
		scope Scope
		want  string
		err   string
	}{
		{scope(t, true, false), "orders/0:50->60", ""},
		{scope(t, true, true), "orders/0:50->60 orders/2:no commit->70[no commit before]", ""},
		{scope(t, false, false, "audit"), "", "group g never committed the 1 partition(s) it would copy; add --allow-new-partitions"},
		{scope(t, false, true, "audit"), "audit/0:no commit->80[no commit before]", ""},
	}
	for _, c := range cases {
		p, err := BuildPlan(f, tg, c.scope, now)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%+v: err %v, want %q", c.scope, err, c.err)
		case c.err == "" && (err != nil || rows(p) != c.want):
			t.Errorf("%+v: %s %v, want %s", c.scope, rows(p), err, c.want)
		}
	}
	f.Other.Committed = map[describe.TP]int64{{Topic: "audit", Partition: 0}: 80}
	if _, err := BuildPlan(f, tg, scope(t, false, false, "orders"), now); err == nil || !strings.Contains(err.Error(), "--to-group src has no committed offsets on the partitions in scope (--topic orders)") {
		t.Errorf("source without offsets in scope: %v", err)
	}
}
