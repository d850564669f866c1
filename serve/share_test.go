package serve

import (
	"strings"
	"testing"
	"time"

	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/health"
)

// shareSample: share group "queue" whose one member holds q/0 (start offset
// stands at 10 while the log end grows), and a streams group kgroups cannot
// read.
func shareSample(at time.Time, end int64) health.Sample {
	lag := end - 10
	return health.Sample{Time: at, Groups: map[string]describe.GroupView{
		"queue": {Group: "queue", State: sp("Stable"), Type: sp("share"), Protocol: sp("simple"), TotalLag: &lag,
			Members: []describe.MemberView{{MemberID: "m1", ClientID: "w-1", Partitions: 1}},
			Partitions: []describe.PartitionView{{Topic: "q", Partition: 0, StartOffset: i64(10), LogStartOffset: i64(0), LogEndOffset: i64(end),
				Lag: &lag, MemberID: sp("m1"), ClientID: sp("w-1"), MemberIDs: []string{"m1"}}}},
		"wordcount": {Group: "wordcount", State: sp("Stable"), Type: sp("streams"), Error: sp(describe.UnreadableText("streams"))},
	}}
}

// TestShareGroupMetrics: a share group exports the broker's share lag, no
// committed offset, and the share verdict (STALL: start offset stuck); a
// streams group exports its type and an ERR status but no member count.
func TestShareGroupMetrics(t *testing.T) {
	t.Parallel()
	e := exporterWith(t, shareSample(t0, 40), shareSample(t0.Add(time.Second), 50))
	m := scrape(t, e)
	want := map[string]string{
		`kgroups_partition_lag{group=queue,partition=0,topic=q}`:                 "40",
		`kgroups_group_lag{group=queue}`:                                         "40",
		`kgroups_group_info{group=queue,protocol=simple,type=share}`:             "1",
		`kgroups_partition_status{group=queue,partition=0,status=STALL,topic=q}`: "1",
		`kgroups_group_status{group=queue,status=ERR}`:                           "1",
		`kgroups_group_status{group=wordcount,status=UNKNOWN}`:                   "1",
		`kgroups_group_info{group=wordcount,protocol=,type=streams}`:             "1",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %q, want %q", k, m[k], v)
		}
	}
	for k := range m {
		if strings.HasPrefix(k, "kgroups_partition_committed_offset{group=queue") || strings.HasPrefix(k, "kgroups_group_members{group=wordcount") {
			t.Errorf("%s is exported: a share group commits nothing, a streams group's members are unknown", k)
		}
	}
}
