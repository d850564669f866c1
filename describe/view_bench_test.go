package describe

import (
	"fmt"
	"testing"
)

// benchSnapshot: n groups of 2 members over a 20-partition topic; every
// other group never committed half its partitions.
func benchSnapshot(n int) *Snapshot {
	parts := map[int32]*PartitionFacts{}
	for p := int32(0); p < 20; p++ {
		s, e := int64(0), int64(1000+p)
		parts[p] = &PartitionFacts{Start: &s, End: &e}
	}
	snap := &Snapshot{Topics: map[string]*TopicFacts{"t": {Name: "t", Exists: true, Partitions: parts}}, Brokers: map[int32]string{0: "b:9092"}}
	for i := 0; i < n; i++ {
		g := GroupFacts{Name: fmt.Sprintf("g%05d", i), Found: true, State: "Stable", Type: TypeClassic, Committed: map[TP]int64{},
			Members: []MemberFacts{
				{MemberID: "a", ClientID: "a", Assigned: map[string][]int32{"t": {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}}},
				{MemberID: "b", ClientID: "b", Assigned: map[string][]int32{"t": {10, 11, 12, 13, 14, 15, 16, 17, 18, 19}}},
			}}
		for p := int32(0); p < 20; p++ {
			if i%2 == 0 || p < 10 {
				g.Committed[TP{"t", p}] = int64(500 + p)
			}
		}
		snap.Groups = append(snap.Groups, g)
	}
	return snap
}

// BenchmarkBuild is the pure view builder (lag and every roll-up) over
// 1,000 groups × 20 partitions.
func BenchmarkBuild(b *testing.B) {
	snap := benchSnapshot(1000)
	b.ReportAllocs()
	for b.Loop() {
		Build(snap, ViewOptions{})
	}
}
