package describe

import (
	"strings"
	"testing"
)

// TestBuildShareUnknownIsNull: a share partition with no share state has
// start offset and lag null (never 0), is not counted in total_lag, and
// configs that could not be read are null with an anomaly saying why.
func TestBuildShareUnknownIsNull(t *testing.T) {
	t.Parallel()
	start, lag := int64(5), int64(7)
	end := int64(12)
	snap := &Snapshot{Topics: map[string]*TopicFacts{"q": {Name: "q", Exists: true, Partitions: map[int32]*PartitionFacts{
		0: {Start: new(int64), End: &end}, 1: {Start: new(int64), End: &end}}}},
		Groups: []GroupFacts{{Name: "sg", Found: true, State: "Stable", Type: TypeShare, Coordinator: -1,
			Members: []MemberFacts{{MemberID: "a", Assigned: map[string][]int32{"q": {0, 1}}}},
			Share: &ShareFacts{LagReported: true, Offsets: map[TP]ShareOffset{{"q", 0}: {Start: &start, Lag: &lag}},
				ConfigsErr: "describe configs failed: GROUP_AUTHORIZATION_FAILED"}}}}
	g := Build(snap, ViewOptions{}).Groups[0]
	if len(g.Partitions) != 2 || g.Partitions[1].StartOffset != nil || g.Partitions[1].Lag != nil || g.Partitions[1].CommittedOffset != nil {
		t.Fatalf("partitions %+v", g.Partitions)
	}
	if g.TotalLag == nil || *g.TotalLag != 7 || g.Summary.UncommittedPartitions != 0 || g.Partitions[1].Backlog != nil {
		t.Fatalf("total %v summary %+v", g.TotalLag, g.Summary)
	}
	if g.ShareConfigs != nil || len(g.Anomalies) != 1 || g.Anomalies[0].Kind != AnomalyShareConfigs || !strings.Contains(g.Anomalies[0].Detail, "GROUP_AUTHORIZATION_FAILED") {
		t.Fatalf("configs %v anomalies %+v", g.ShareConfigs, g.Anomalies)
	}
	if g.Partitions[0].MemberID == nil || *g.Partitions[0].MemberID != "a" || len(g.Members) != 1 || g.Members[0].Lag != nil {
		t.Fatalf("owner %+v members %+v", g.Partitions[0], g.Members)
	}
}
