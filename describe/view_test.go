package describe

import (
	"fmt"
	"testing"
)

func i64(v int64) *int64 { return &v }

// snapWith builds a one-group, one-topic snapshot from literal facts.
func snapWith(committed map[int32]int64, parts map[int32]*PartitionFacts, members ...MemberFacts) *Snapshot {
	g := GroupFacts{Name: "g", Found: true, State: "Empty", Type: TypeClassic, Coordinator: 1, Committed: map[TP]int64{}, Members: members}
	for p, o := range committed {
		g.Committed[TP{"t", p}] = o
	}
	return &Snapshot{
		Groups:    []GroupFacts{g},
		Topics:    map[string]*TopicFacts{"t": {Name: "t", Exists: true, Partitions: parts}},
		Brokers:   map[int32]string{1: "127.0.0.1:9"},
		Isolation: ReadUncommitted,
	}
}

func TestLagRules(t *testing.T) {
	type want struct {
		lag, backlog *int64
		anomaly      string
	}
	cases := []struct {
		name      string
		committed *int64
		start     int64
		end       int64
		want      want
	}{
		{"caught up", i64(50), 10, 50, want{lag: i64(0)}},
		{"behind", i64(40), 10, 50, want{lag: i64(10)}},
		{"at log start", i64(10), 10, 50, want{lag: i64(40)}},
		{"one below log start", i64(9), 10, 50, want{lag: i64(41), anomaly: AnomalyBelowStart}},
		{"at log end", i64(50), 10, 50, want{lag: i64(0)}},
		{"one above log end", i64(51), 10, 50, want{anomaly: AnomalyAboveEnd}},
		{"no commit", nil, 10, 50, want{backlog: i64(40)}},
		{"no commit, empty log", nil, 50, 50, want{backlog: i64(0)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			committed := map[int32]int64{}
			if c.committed != nil {
				committed[0] = *c.committed
			}
			s, e := c.start, c.end
			snap := snapWith(committed, map[int32]*PartitionFacts{0: {Start: &s, End: &e}},
				MemberFacts{MemberID: "m1", ClientID: "c1", Assigned: map[string][]int32{"t": {0}}})
			g := Build(snap, ViewOptions{}).Groups[0]
			if len(g.Partitions) != 1 {
				t.Fatalf("rows = %d", len(g.Partitions))
			}
			p := g.Partitions[0]
			if !eq(p.Lag, c.want.lag) || !eq(p.Backlog, c.want.backlog) {
				t.Fatalf("lag %v backlog %v, want %v %v", show(p.Lag), show(p.Backlog), show(c.want.lag), show(c.want.backlog))
			}
			gotAnomaly := ""
			if p.Anomaly != nil {
				gotAnomaly = *p.Anomaly
			}
			if gotAnomaly != c.want.anomaly {
				t.Fatalf("anomaly %q, want %q", gotAnomaly, c.want.anomaly)
			}
			if (c.want.anomaly != "") != (len(g.Anomalies) == 1) {
				t.Fatalf("group anomalies %+v", g.Anomalies)
			}
			// The group's lag is the sum of partition lags; backlog never joins it.
			if !eq(g.TotalLag, c.want.lag) {
				t.Fatalf("total lag %v, want %v", show(g.TotalLag), show(c.want.lag))
			}
			if c.want.backlog != nil && g.Summary.UncommittedBacklog != *c.want.backlog {
				t.Fatalf("uncommitted backlog %d", g.Summary.UncommittedBacklog)
			}
			if g.Members[0].Lag != nil && c.want.lag != nil && *g.Members[0].Lag != *c.want.lag {
				t.Fatalf("member lag %d", *g.Members[0].Lag)
			}
		})
	}
}

func TestRollupsAndErrors(t *testing.T) {
	s0, e0, s1, e1, s3, e3 := int64(0), int64(100), int64(0), int64(80), int64(0), int64(5)
	snap := snapWith(
		map[int32]int64{0: 90, 1: 20, 2: 7, 3: 5},
		map[int32]*PartitionFacts{
			0: {Start: &s0, End: &e0},
			1: {Start: &s1, End: &e1},
			2: {Leader: -1, Err: "partition has no leader"},
			3: {Start: &s3, End: &e3},
		},
		MemberFacts{MemberID: "m-b", ClientID: "b", Assigned: map[string][]int32{"t": {1, 3}}},
		MemberFacts{MemberID: "m-a", ClientID: "a", Assigned: map[string][]int32{"t": {0, 2}}},
		MemberFacts{MemberID: "m-c", ClientID: "c", Assigned: map[string][]int32{}},
	)
	snap.Groups[0].Committed[TP{"u", 0}] = 4
	snap.Topics["u"] = &TopicFacts{Name: "u", Err: "topic does not exist (deleted?)"}
	g := Build(snap, ViewOptions{}).Groups[0]
	if *g.TotalLag != 70 { // 10 + 60 + 0; partition 2 unknown; u unknown
		t.Fatalf("total %d, want 70", *g.TotalLag)
	}
	if g.Summary.MaxLag == nil || g.Summary.MaxLag.Partition != 1 || g.Summary.MaxLag.Lag != 60 {
		t.Fatalf("max lag %+v, want t/1 60", g.Summary.MaxLag)
	}
	if g.Partitions[2].Error == nil || g.Partitions[2].Lag != nil || g.Partitions[2].CommittedOffset == nil {
		t.Fatalf("leaderless row %+v: want error, committed shown, no lag", g.Partitions[2])
	}
	if last := g.Partitions[4]; last.Topic != "u" || last.Error == nil || g.Anomalies[0].Kind != AnomalyNoTopic {
		t.Fatalf("missing topic row %+v anomalies %+v", last, g.Anomalies)
	}
	byMember := map[string]any{}
	for _, m := range g.Summary.LagByMember {
		byMember[m.ClientID] = show(m.Lag)
	}
	// c owns nothing: its lag is unknown (null), not 0.
	if byMember["a"] != int64(10) || byMember["b"] != int64(60) || byMember["c"] != "null" {
		t.Fatalf("lag by member %v", byMember)
	}
	if g.Summary.IdleMembers != 1 {
		t.Fatalf("idle members %d, want 1", g.Summary.IdleMembers)
	}
	if g.Members[0].MemberID != "m-a" {
		t.Fatalf("members not sorted by id: %s first", g.Members[0].MemberID)
	}
	// u's only partition has no lag (topic missing): its roll-up is null.
	if len(g.Summary.LagByTopic) != 2 || !eq(g.Summary.LagByTopic[0].Lag, i64(70)) || g.Summary.LagByTopic[1].Lag != nil {
		t.Fatalf("lag by topic %+v", g.Summary.LagByTopic)
	}
	// The topic filter narrows rows and rollups.
	only := Build(snap, ViewOptions{Topic: "u"}).Groups[0]
	if len(only.Partitions) != 1 || only.TotalLag != nil {
		t.Fatalf("--topic u: %d rows, total %v", len(only.Partitions), show(only.TotalLag))
	}
}

// TestNeverCommittedRollupsAreNull checks the one roll-up rule at every
// roll-up: total, per topic, per member (view and summary) and max are null
// when none of their partitions has a lag, and the backlog is carried apart.
func TestNeverCommittedRollupsAreNull(t *testing.T) {
	s, e := int64(0), int64(4000)
	parts := map[int32]*PartitionFacts{0: {Start: &s, End: &e}, 1: {Start: &s, End: &e}}
	snap := snapWith(nil, parts,
		MemberFacts{MemberID: "m1", ClientID: "etl-1", Assigned: map[string][]int32{"t": {0}}},
		MemberFacts{MemberID: "m2", ClientID: "etl-2", Assigned: map[string][]int32{"t": {1}}})
	g := Build(snap, ViewOptions{}).Groups[0]
	if g.TotalLag != nil || g.Summary.MaxLag != nil {
		t.Fatalf("total %v max %+v, want null", show(g.TotalLag), g.Summary.MaxLag)
	}
	for _, tl := range g.Summary.LagByTopic {
		if tl.Lag != nil || !eq(tl.UncommittedBacklog, i64(8000)) {
			t.Fatalf("topic roll-up %s lag %v backlog %v, want null and 8000", tl.Topic, show(tl.Lag), show(tl.UncommittedBacklog))
		}
	}
	for _, m := range g.Members {
		if m.Lag != nil {
			t.Fatalf("member %s lag %d, want null", m.ClientID, *m.Lag)
		}
	}
	for _, ml := range g.Summary.LagByMember {
		if ml.Lag != nil || !eq(ml.UncommittedBacklog, i64(4000)) {
			t.Fatalf("member roll-up %s lag %v backlog %v, want null and 4000", ml.ClientID, show(ml.Lag), show(ml.UncommittedBacklog))
		}
	}
	if g.Summary.UncommittedPartitions != 2 || g.Summary.UncommittedBacklog != 8000 {
		t.Fatalf("uncommitted %d/%d", g.Summary.UncommittedPartitions, g.Summary.UncommittedBacklog)
	}

	// One committed partition makes the roll-ups that contain it known,
	// and only those.
	snap = snapWith(map[int32]int64{0: 4000}, parts,
		MemberFacts{MemberID: "m1", ClientID: "etl-1", Assigned: map[string][]int32{"t": {0}}},
		MemberFacts{MemberID: "m2", ClientID: "etl-2", Assigned: map[string][]int32{"t": {1}}})
	g = Build(snap, ViewOptions{}).Groups[0]
	if !eq(g.TotalLag, i64(0)) || g.Summary.MaxLag == nil || g.Summary.MaxLag.Lag != 0 || !eq(g.Summary.LagByTopic[0].Lag, i64(0)) {
		t.Fatalf("total %v max %+v topic %v, want 0s", show(g.TotalLag), g.Summary.MaxLag, show(g.Summary.LagByTopic[0].Lag))
	}
	if !eq(g.Summary.LagByMember[0].Lag, i64(0)) || g.Summary.LagByMember[0].UncommittedBacklog != nil ||
		g.Summary.LagByMember[1].Lag != nil || !eq(g.Summary.LagByMember[1].UncommittedBacklog, i64(4000)) {
		t.Fatalf("member roll-ups %+v", g.Summary.LagByMember)
	}
}

func TestSumUnknownUntilAdded(t *testing.T) {
	t.Parallel()
	var s Sum
	if s.Value() != nil {
		t.Fatal("empty sum is not null")
	}
	s.Add(0)
	if !eq(s.Value(), i64(0)) {
		t.Fatalf("sum of one 0 = %v", show(s.Value()))
	}
	s.Add(5)
	if !eq(s.Value(), i64(5)) {
		t.Fatalf("sum = %v", show(s.Value()))
	}
}

func TestStaticMembersSortFirst(t *testing.T) {
	inst := "zeta"
	snap := snapWith(nil, map[int32]*PartitionFacts{},
		MemberFacts{MemberID: "a-dynamic"},
		MemberFacts{MemberID: "z-static", InstanceID: &inst})
	g := Build(snap, ViewOptions{}).Groups[0]
	if g.Members[0].MemberID != "z-static" {
		t.Fatalf("first member %s, want the static one", g.Members[0].MemberID)
	}
}

func eq(a, b *int64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func show(p *int64) any {
	if p == nil {
		return "null"
	}
	return *p
}

// The listing without lag says what the full view says about each group.
func TestBuildListWithoutLagAgreesWithTheView(t *testing.T) {
	t.Parallel()
	snap := snapWith(map[int32]int64{0: 3}, map[int32]*PartitionFacts{0: {Start: i64(0), End: i64(9)}})
	snap.Groups[0].Protocol = "range"
	snap.Groups = append(snap.Groups,
		GroupFacts{Name: "missing", Type: TypeClassic, Coordinator: -1, Protocol: "range"},
		GroupFacts{Name: "denied", Type: TypeClassic, Coordinator: 2, Err: "not authorized"},
		GroupFacts{Name: "unknown-host", Found: true, State: "Stable", Type: TypeConsumer, Coordinator: 7, Protocol: "uniform"})
	light := BuildList(snap, true, false)
	full := BuildList(snap, true, true)
	if len(light.Groups) != 4 || len(full.Groups) != 4 {
		t.Fatalf("%d / %d rows, want 4", len(light.Groups), len(full.Groups))
	}
	for i, l := range light.Groups {
		f := full.Groups[i]
		if l.TotalLag != nil {
			t.Errorf("%s: lag without --lag", l.Group)
		}
		if ptrStr(l.Protocol) != ptrStr(f.Protocol) || ptrStr(l.Error) != ptrStr(f.Error) || coordStr(l.Coordinator) != coordStr(f.Coordinator) {
			t.Errorf("%s: protocol %s error %s coordinator %s without lag; %s %s %s with",
				l.Group, ptrStr(l.Protocol), ptrStr(l.Error), coordStr(l.Coordinator), ptrStr(f.Protocol), ptrStr(f.Error), coordStr(f.Coordinator))
		}
	}
	if full.Groups[0].TotalLag == nil || *full.Groups[0].TotalLag != 6 || ptrStr(light.Groups[1].Error) != "group not found" {
		t.Errorf("lag %v, missing group error %s", full.Groups[0].TotalLag, ptrStr(light.Groups[1].Error))
	}
}

func ptrStr(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func coordStr(c *Coordinator) string {
	if c == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%d@%s", c.ID, ptrStr(c.Host))
}
