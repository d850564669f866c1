package output

import (
	"strings"
	"testing"

	"github.com/kgroups/kgroups/describe"
)

// shareFixture: a live share group with lag (one partition held by two
// members, one not yet fetched), an Empty share group, and a streams group
// this version cannot describe.
func shareFixture() *describe.Snapshot {
	e := int32(4)
	me1, me2 := int32(4), int32(3)
	earliest := "earliest"
	part := func(start, end int64) *describe.PartitionFacts {
		return &describe.PartitionFacts{Start: i64(start), End: i64(end)}
	}
	return &describe.Snapshot{
		Isolation: describe.ReadUncommitted,
		Brokers:   map[int32]string{0: "127.0.0.1:39001"},
		Topics: map[string]*describe.TopicFacts{
			"jobs": {Name: "jobs", Exists: true, Partitions: map[int32]*describe.PartitionFacts{
				0: part(0, 120), 1: part(0, 80), 2: part(10, 40),
			}},
		},
		Groups: []describe.GroupFacts{
			{
				Name: "workers", Found: true, State: "Stable", Type: "share", ProtocolType: "share", Protocol: "simple", Coordinator: 0,
				Epoch: &e, AssignmentEpoch: &e,
				Members: []describe.MemberFacts{
					{MemberID: "Zk3pW2aaQbe4dV5e7uGxfA", ClientID: "worker-a", Host: "/10.0.2.1", MemberEpoch: &me1,
						Subscribed: []string{"jobs"}, Assigned: map[string][]int32{"jobs": {0, 2}}},
					{MemberID: "mN8qR1bbTcf5eW6f8vHygB", ClientID: "worker-b", Host: "/10.0.2.2", MemberEpoch: &me2,
						Subscribed: []string{"jobs"}, Assigned: map[string][]int32{"jobs": {1, 2}}},
				},
				Share: &describe.ShareFacts{LagReported: true,
					Offsets: map[describe.TP]describe.ShareOffset{
						{Topic: "jobs", Partition: 0}: {Start: i64(86), Lag: i64(34)},
						{Topic: "jobs", Partition: 1}: {Start: i64(80), Lag: i64(0)},
					},
					Configs: map[string]*string{"share.auto.offset.reset": &earliest, "share.record.lock.duration.ms": nil}},
			},
			{
				Name: "idle-queue", Found: true, State: "Empty", Type: "share", ProtocolType: "share", Protocol: "simple", Coordinator: 0,
				Epoch: &e, AssignmentEpoch: &e,
				Share: &describe.ShareFacts{LagReported: true,
					Offsets: map[describe.TP]describe.ShareOffset{{Topic: "jobs", Partition: 0}: {Start: i64(20), Lag: i64(100)}},
					Configs: map[string]*string{}},
			},
			{Name: "wordcount", Found: true, State: "Stable", Type: "streams", Coordinator: 0, Err: describe.UnreadableText("streams")},
		},
	}
}

func TestShareDescribeGolden(t *testing.T) {
	doc := describe.Build(shareFixture(), describe.ViewOptions{})
	cases := map[string]struct {
		opts Options
		view DescribeView
	}{
		"table":        {Options{Format: Table}, ViewOffsets},
		"wide":         {Options{Format: Wide}, ViewOffsets},
		"json":         {Options{Format: JSON}, ViewOffsets},
		"yaml":         {Options{Format: YAML}, ViewOffsets},
		"members":      {Options{Format: Table}, ViewMembers},
		"members_wide": {Options{Format: Wide}, ViewMembers},
		"state":        {Options{Format: Table}, ViewState},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			golden(t, render(t, c.opts, func(p *Printer) error { return p.Describe(doc, c.view) }))
		})
	}
}

func TestShareListGolden(t *testing.T) {
	golden(t, render(t, Options{Format: Table}, func(p *Printer) error { return p.List(describe.BuildList(shareFixture(), true, true), true) }))
}

// TestShareTableNeverLooksEmpty: the streams group is named with its type
// and the reason, never "0 members" or "(no committed or assigned partitions)".
func TestShareTableNeverLooksEmpty(t *testing.T) {
	doc := describe.Build(shareFixture(), describe.ViewOptions{})
	for _, view := range []DescribeView{ViewOffsets, ViewMembers, ViewState} {
		out := string(render(t, Options{Format: Table}, func(p *Printer) error { return p.Describe(doc, view) }))
		i := strings.Index(out, "wordcount")
		if i < 0 {
			t.Fatalf("view %d: streams group missing:\n%s", view, out)
		}
		rest := out[i:]
		if strings.Contains(rest, "0 members") || strings.Contains(rest, "no committed") || strings.Contains(rest, "no active members") {
			t.Errorf("view %d shows the streams group as empty:\n%s", view, rest)
		}
		if !strings.Contains(out, "not described by this version") {
			t.Errorf("view %d does not say the type is not described:\n%s", view, out)
		}
	}
}
