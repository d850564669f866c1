package resetoffsets

import (
	"fmt"
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
