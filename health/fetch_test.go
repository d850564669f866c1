package health_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/health"
	"github.com/kgroups/kgroups/internal/lab"
	"github.com/kgroups/kgroups/internal/labtest"
)

func judge(t *testing.T, l *labtest.Lab, group string, between func(int)) health.GroupStatus {
	t.Helper()
	samples, err := health.TakeSamples(l.Ctx, l.Cl, describe.Selection{Groups: []string{group}}, 4, 20*time.Millisecond, time.Now, between)
	if err != nil {
		t.Fatal(err)
	}
	return health.EvaluateSamples(samples, 0).Groups[0]
}

// Members that stopped committing: the Empty group is STOP, the live one
// (kgo members that never commit) STALL; both ERR.
func TestStatusMembersStoppedCommitting(t *testing.T) {
	l := labtest.New(t)
	l.Topic("orders", 2, 100)
	l.Commit("gone", map[string]map[int32]int64{"orders": {0: 40, 1: 40}})
	l.Commit("stuck", map[string]map[int32]int64{"orders": {0: 40, 1: 40}})
	l.Member(lab.MemberSpec{Group: "stuck", Topics: []string{"orders"}, ClientID: "stuck-1"})
	l.WaitAssigned("stuck", 1, 2)

	g := judge(t, l, "gone", nil)
	if g.Status != "ERR" || g.Partitions[0].Status != "STOP" {
		t.Fatalf("gone: %s / %s: %s", g.Status, g.Partitions[0].Status, g.Reason)
	}
	g = judge(t, l, "stuck", nil)
	if g.Status != "ERR" || g.Partitions[0].Status != "STALL" || *g.Partitions[0].Owner != "stuck-1" {
		t.Fatalf("stuck: %s / %s: %s", g.Status, g.Partitions[0].Status, g.Reason)
	}
}

// A slow group that progresses, and one that catches up, driven between
// samples so the data (not the timing) decides.
func TestStatusSlowAndRecovering(t *testing.T) {
	l := labtest.New(t)
	l.Topic("orders", 1, 1000)
	l.Commit("slow", map[string]map[int32]int64{"orders": {0: 100}})
	l.Commit("fast", map[string]map[int32]int64{"orders": {0: 100}})
	produce := func(n int) {
		if err := lab.Produce(l.Ctx, l.Cl, "orders", 0, n, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	// slow: +50 consumed while +150 produced per step → lag 900, 1000, 1100, 1200.
	slowAt := int64(100)
	g := judge(t, l, "slow", func(int) {
		slowAt += 50
		l.Commit("slow", map[string]map[int32]int64{"orders": {0: slowAt}})
		produce(150)
	})
	if g.Status != "WARN" || g.Partitions[0].Status != "WARN" {
		t.Fatalf("slow: %s: %s", g.Status, g.Reason)
	}
	// fast: +400 per step, 50 produced → lag falls.
	fastAt := int64(100)
	g = judge(t, l, "fast", func(int) {
		fastAt += 400
		l.Commit("fast", map[string]map[int32]int64{"orders": {0: fastAt}})
		produce(50)
	})
	if g.Status != "OK" || g.Partitions[0].Status != "OK" {
		t.Fatalf("fast: %s: %s", g.Status, g.Reason)
	}
}

// Time lag from records with known timestamps: exact, no wall clock.
func TestTimeLagFromRecords(t *testing.T) {
	l := labtest.New(t)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := lab.CreateTopic(l.Ctx, l.Adm, "events", 1, nil); err != nil {
		t.Fatal(err)
	}
	var recs []*kgo.Record
	for i := 0; i < 100; i++ {
		recs = append(recs, &kgo.Record{Topic: "events", Partition: 0, Value: []byte("e"), Timestamp: t0.Add(time.Duration(i) * time.Second)})
	}
	if err := l.Cl.ProduceSync(l.Ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	l.Commit("reader", map[string]map[int32]int64{"events": {0: 30}})
	l.Commit("old", map[string]map[int32]int64{"events": {0: 5}})
	if err := lab.DeleteRecordsBefore(l.Ctx, l.Adm, "events", 0, 20); err != nil {
		t.Fatal(err)
	}
	snap, err := describe.Fetch(l.Ctx, l.Cl, describe.Selection{Groups: []string{"reader", "old"}, Offsets: true})
	if err != nil {
		t.Fatal(err)
	}
	doc := describe.Build(snap, describe.ViewOptions{})
	connect := func(opts ...kgo.Opt) (*kgo.Client, error) { return lab.Client(l.Brokers, opts...) }
	times, err := health.RecordTimes(l.Ctx, connect, health.WantedOffsets(doc.Groups), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	now := t0.Add(120 * time.Second)
	health.FillTimeLag(doc.Groups, now, times, nil)
	reader, old := doc.Groups[0].Partitions[0], doc.Groups[1].Partitions[0]
	if *reader.TimeLagSeconds != 90 || *reader.TimeLagMethod != health.MethodRecord {
		t.Fatalf("reader: %v %v, want 90 s from the record at offset 30", *reader.TimeLagSeconds, *reader.TimeLagMethod)
	}
	if *old.TimeLagSeconds != 100 || *old.TimeLagMethod != health.MethodLowerBound {
		t.Fatalf("old: %v %v, want at least 100 s (offset 5 deleted; first remaining is 20)", *old.TimeLagSeconds, *old.TimeLagMethod)
	}
}

// A status of 200 groups costs the same requests as one of 10.
func TestStatusRequestsIndependentOfGroupCount(t *testing.T) {
	l := labtest.New(t, kfake.NumBrokers(3))
	l.Topic("orders", 6, 10)
	commit := func(from, to int) {
		for i := from; i < to; i++ {
			l.Commit(fmt.Sprintf("g%04d", i), map[string]map[int32]int64{"orders": {int32(i % 6): 5}})
		}
	}
	measure := func(n int) map[string]int {
		cl, err := lab.Client(l.Brokers)
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		ct := labtest.CountRequests(l.Cluster)
		samples, err := health.TakeSamples(l.Ctx, cl, describe.Selection{All: true}, 3, time.Millisecond, time.Now, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := ct.Stop()
		if doc := health.EvaluateSamples(samples, 0); len(doc.Groups) != n {
			t.Fatalf("%d groups judged, want %d", len(doc.Groups), n)
		}
		return got
	}
	// batches: group requests of one kind per sample, one per 50 groups of
	// each coordinator (KAFKA-19558).
	batches := func(n int) int {
		var names []string
		for i := 0; i < n; i++ {
			names = append(names, fmt.Sprintf("g%04d", i))
		}
		coords := l.Adm.FindGroupCoordinators(l.Ctx, names...)
		per := map[int32]int{}
		for _, c := range coords {
			if c.Err != nil {
				t.Fatal(c.Err)
			}
			per[c.NodeID]++
		}
		b := 0
		for _, c := range per {
			b += (c + 49) / 50
		}
		return b
	}
	commit(0, 10)
	small := measure(10)
	commit(10, 200)
	big := measure(200)
	for _, key := range []string{"ListGroups", "ListOffsets"} {
		if small[key] != big[key] || small[key] == 0 {
			t.Errorf("%s: %d requests for 10 groups, %d for 200", key, small[key], big[key])
		}
	}
	for _, key := range []string{"DescribeGroups", "OffsetFetch"} {
		if small[key] != 3*batches(10) || big[key] != 3*batches(200) {
			t.Errorf("%s: %d requests for 10 groups, %d for 200; want 3 samples x %d / %d batches", key, small[key], big[key], batches(10), batches(200))
		}
	}
	t.Logf("3 samples, 10 groups: %v; 200 groups: %v", small, big)
}

// Verdicts with evidence, against live kgo members: a group that never
// committed is not OK; one that commits at the log end is OK; one that
// progresses with a small lag that happens to grow (1 → 3) is not a WARN.
func TestStatusVerdictsWithLiveMembers(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("raw", 2, 100)
	l.Topic("orders", 1, 100)
	l.Topic("events", 1, 100)
	l.Member(lab.MemberSpec{Group: "never", Topics: []string{"raw"}, ClientID: "never-1"})
	caught := l.Member(lab.MemberSpec{Group: "caught", Topics: []string{"orders"}, ClientID: "caught-1"})
	steady := l.Member(lab.MemberSpec{Group: "steady", Topics: []string{"events"}, ClientID: "steady-1"})
	l.WaitAssigned("never", 1, 2)
	l.WaitAssigned("caught", 1, 1)
	l.WaitAssigned("steady", 1, 1)
	// commitAs commits through the member's own client (its generation),
	// as a consumer does.
	commitAs := func(m *lab.Member, topic string, at int64) {
		var err error
		m.Client.CommitOffsetsSync(l.Ctx, map[string]map[int32]kgo.EpochOffset{topic: {0: {Epoch: -1, Offset: at}}},
			func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, e error) {
				err = e
				if e == nil {
					err = kerr.ErrorForCode(resp.Topics[0].Partitions[0].ErrorCode)
				}
			})
		if err != nil {
			t.Fatal(err)
		}
	}

	g := judge(t, l, "never", nil)
	if g.Status != "WARN" || g.Partitions[0].Status != "WARN" || !strings.Contains(g.Reason, "never committed; 100 records waiting") {
		t.Fatalf("never committed: %s: %s", g.Status, g.Reason)
	}

	commitAs(caught, "orders", 100)
	g = judge(t, l, "caught", nil)
	if g.Status != "OK" || g.Partitions[0].Reason != "caught up" {
		t.Fatalf("caught up: %s: %s", g.Status, g.Partitions[0].Reason)
	}

	// steady: 10 records per step; the commit trails the end by 1, 1, 2, 3.
	end, trail := int64(100), []int64{1, 1, 2, 3}
	commitAs(steady, "events", end-trail[0])
	g = judge(t, l, "steady", func(i int) {
		if err := lab.Produce(l.Ctx, l.Cl, "events", 0, 10, time.Time{}); err != nil {
			t.Fatal(err)
		}
		end += 10
		commitAs(steady, "events", end-trail[i])
	})
	if g.Status != "OK" || !strings.Contains(g.Partitions[0].Reason, "keeping up") || *g.Partitions[0].Lag != 3 {
		t.Fatalf("steady: %s: %s", g.Status, g.Partitions[0].Reason)
	}
}
