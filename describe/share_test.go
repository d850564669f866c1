package describe_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/kgroups/kgroups/describe"
	klab "github.com/kgroups/kgroups/internal/lab"
	"github.com/kgroups/kgroups/internal/labtest"
)

// TestFetchShareGroupEqualsBroker: two live kgo share consumers, one that
// acknowledged 6 of 40 records; describe shows both members, their
// assignment, and per partition exactly the start offset and lag kadm's
// DescribeShareGroupOffsets returns.
func TestFetchShareGroupEqualsBroker(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	l.topic("jobs", 2, 20)
	l.ShareMember(klab.ShareMemberSpec{Group: "workers", Topics: []string{"jobs"}, ClientID: "w-a", Accept: 6})
	l.ShareMember(klab.ShareMemberSpec{Group: "workers", Topics: []string{"jobs"}, ClientID: "w-b", Accept: 0})
	l.WaitShare("workers", 2, 34)

	doc := l.fetch(describe.Selection{Groups: []string{"workers"}, Offsets: true, Members: true})
	g := groupByName(t, doc, "workers")
	if g.Error != nil {
		t.Fatalf("error: %s", *g.Error)
	}
	if *g.Type != "share" || *g.State != "Stable" || g.Protocol == nil || *g.Protocol != "simple" || g.Epoch == nil {
		t.Fatalf("type %s state %s protocol %v epoch %v", *g.Type, *g.State, deref(g.Protocol), deref(g.Epoch))
	}
	if len(g.Members) != 2 {
		t.Fatalf("members = %d, want 2", len(g.Members))
	}
	clients := map[string]bool{}
	for _, m := range g.Members {
		clients[m.ClientID] = true
		if m.Partitions == 0 || len(m.SubscribedTopics) != 1 || m.SubscribedTopics[0] != "jobs" || m.MemberEpoch == nil {
			t.Errorf("member %s: %d partitions, subscribed %v, epoch %v", m.ClientID, m.Partitions, m.SubscribedTopics, deref(m.MemberEpoch))
		}
		if m.Lag != nil {
			t.Errorf("member %s has a lag %d: share lag is not attributable to members", m.ClientID, *m.Lag)
		}
	}
	if !clients["w-a"] || !clients["w-b"] {
		t.Fatalf("clients %v", clients)
	}

	want, err := l.Adm.DescribeShareGroupOffsets(l.Ctx, "workers")
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Partitions) != 2 {
		t.Fatalf("partitions = %d, want 2", len(g.Partitions))
	}
	var sum int64
	for _, p := range g.Partitions {
		so, ok := want["workers"].Offsets.Lookup(p.Topic, p.Partition)
		if !ok {
			t.Fatalf("%s/%d not reported by the broker", p.Topic, p.Partition)
		}
		if p.StartOffset == nil || *p.StartOffset != so.StartOffset || p.Lag == nil || *p.Lag != so.Lag {
			t.Errorf("%s/%d start %v lag %v, broker says %d / %d", p.Topic, p.Partition, deref(p.StartOffset), deref(p.Lag), so.StartOffset, so.Lag)
		}
		if p.CommittedOffset != nil || p.Backlog != nil {
			t.Errorf("%s/%d: committed %v backlog %v, want null (a share group commits nothing)", p.Topic, p.Partition, deref(p.CommittedOffset), deref(p.Backlog))
		}
		if p.LogEndOffset == nil || *p.LogEndOffset != 20 || p.LogStartOffset == nil || *p.LogStartOffset != 0 {
			t.Errorf("%s/%d log %v..%v, want 0..20", p.Topic, p.Partition, deref(p.LogStartOffset), deref(p.LogEndOffset))
		}
		if len(p.MemberIDs) == 0 {
			t.Errorf("%s/%d: no member listed", p.Topic, p.Partition)
		}
		if len(p.MemberIDs) > 1 && p.MemberID != nil {
			t.Errorf("%s/%d shared by %d members but member_id %s", p.Topic, p.Partition, len(p.MemberIDs), *p.MemberID)
		}
		sum += *p.Lag
	}
	if g.TotalLag == nil || *g.TotalLag != 34 || sum != 34 {
		t.Fatalf("total lag %v (sum %d), want 34", deref(g.TotalLag), sum)
	}
	if g.ShareConfigs == nil || g.ShareConfigs["share.auto.offset.reset"] == nil || *g.ShareConfigs["share.auto.offset.reset"] != "earliest" {
		t.Fatalf("share configs %v", g.ShareConfigs)
	}
	assigned := kadm.TopicsSet{}
	for _, m := range g.Members {
		for tp, ps := range m.Assignment {
			assigned.Add(tp, ps...)
		}
	}
	shared := 0
	for _, p := range g.Partitions {
		if len(p.MemberIDs) > 1 {
			shared++
		}
	}
	if g.Summary.SharedPartitions != shared {
		t.Fatalf("shared partitions %d, rows say %d", g.Summary.SharedPartitions, shared)
	}
	t.Logf("assigned %v, %d shared", assigned, shared)
}

// TestFetchSharePartitionSharedByMembers: two share consumers on a
// one-partition topic both hold it; the row lists both and names neither
// as "the" owner.
func TestFetchSharePartitionSharedByMembers(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	l.topic("solo", 1, 10)
	l.ShareMember(klab.ShareMemberSpec{Group: "pair", Topics: []string{"solo"}, ClientID: "p-a", Accept: 3})
	l.ShareMember(klab.ShareMemberSpec{Group: "pair", Topics: []string{"solo"}, ClientID: "p-b", Accept: 0})
	l.WaitShare("pair", 2, 7)
	for {
		d, err := l.Adm.DescribeShareGroups(l.Ctx, "pair")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range d["pair"].Members {
			n += len(m.Assignment["solo"])
		}
		if n == 2 {
			break
		}
		if l.Ctx.Err() != nil {
			t.Fatalf("both members never held solo/0: %+v", d["pair"].Members)
		}
		time.Sleep(20 * time.Millisecond)
	}
	doc := l.fetch(describe.Selection{Groups: []string{"pair"}, Offsets: true, Members: true})
	g := groupByName(t, doc, "pair")
	if len(g.Partitions) != 1 {
		t.Fatalf("partitions %d", len(g.Partitions))
	}
	p := g.Partitions[0]
	if len(p.MemberIDs) != 2 || p.MemberID != nil || g.Summary.SharedPartitions != 1 {
		t.Fatalf("member ids %v member %v shared %d, want both members, no single owner, 1 shared", p.MemberIDs, deref(p.MemberID), g.Summary.SharedPartitions)
	}
	if p.Lag == nil || *p.Lag != 7 || p.StartOffset == nil || *p.StartOffset != 3 {
		t.Fatalf("start %v lag %v, want 3 / 7", deref(p.StartOffset), deref(p.Lag))
	}
}

// TestDescribeAllShareRequestCount: describe --all over 10 and then 100
// share groups (made by AlterShareGroupOffsets, as an operator initialising
// a group before first use would) on 3 brokers sends the same number of
// share requests: one ShareGroupDescribe and one DescribeShareGroupOffsets
// per coordinator, one DescribeConfigs.
func TestDescribeAllShareRequestCount(t *testing.T) {
	t.Parallel()
	l := newLab(t, kfake.NumBrokers(3))
	l.topic("q", 3, 5)
	seed := func(from, to int) {
		for i := from; i < to; i++ {
			var os kadm.Offsets
			os.AddOffset("q", int32(i%3), 1, -1)
			resp, err := l.Adm.AlterShareGroupOffsets(l.Ctx, fmt.Sprintf("sg-%03d", i), os)
			if err != nil || resp.Error() != nil {
				t.Fatalf("seed share group %d: %v %v", i, err, resp.Error())
			}
		}
	}
	measure := func(n int) map[string]int {
		cl, err := klab.Client(l.Brokers)
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		ct := labtest.CountRequests(l.Cluster)
		snap, err := describe.Fetch(l.Ctx, cl, describe.Selection{All: true, Offsets: true, Members: true})
		if err != nil {
			t.Fatal(err)
		}
		got := ct.Stop()
		if len(snap.Groups) != n {
			t.Fatalf("described %d groups, want %d", len(snap.Groups), n)
		}
		for _, g := range snap.Groups {
			if g.Type != describe.TypeShare || g.Share == nil || len(g.Share.Offsets) != 1 || g.Err != "" {
				t.Fatalf("group %s: type %s share %+v err %q", g.Name, g.Type, g.Share, g.Err)
			}
		}
		return got
	}
	seed(0, 10)
	small := measure(10)
	seed(10, 100)
	big := measure(100)
	t.Logf("10: %v\n100: %v", small, big)
	for _, key := range []string{"ShareGroupDescribe", "DescribeShareGroupOffsets", "DescribeConfigs", "ListGroups"} {
		if small[key] != big[key] || big[key] < 1 || big[key] > 3 {
			t.Errorf("%s: %d requests for 10 groups, %d for 100 (want the same, at most one per broker)", key, small[key], big[key])
		}
	}
	if big["DescribeConfigs"] != 1 {
		t.Errorf("DescribeConfigs: %d, want 1 for every share group", big["DescribeConfigs"])
	}
}

// TestFetchShareLagNotReportedBeforeKIP1226: a client held to
// DescribeShareGroupOffsets v0 (as against a broker before KIP-1226) gets
// start offsets but no lag: lag and total_lag are null and a warning says
// why, never a number kgroups made up.
func TestFetchShareLagNotReportedBeforeKIP1226(t *testing.T) {
	t.Parallel()
	l := newLab(t)
	l.topic("jobs", 1, 10)
	l.ShareMember(klab.ShareMemberSpec{Group: "old", Topics: []string{"jobs"}, ClientID: "o-1", Accept: 4})
	l.WaitShare("old", 1, 6)
	vs := kversion.Stable()
	vs.SetMaxKeyVersion(int16(kmsg.DescribeShareGroupOffsets), 0)
	cl, err := klab.Client(l.Brokers, kgo.MaxVersions(vs))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	snap, err := describe.Fetch(l.Ctx, cl, describe.Selection{Groups: []string{"old"}, Offsets: true, Members: true})
	if err != nil {
		t.Fatal(err)
	}
	doc := describe.Build(snap, describe.ViewOptions{})
	g := groupByName(t, doc, "old")
	if len(g.Partitions) != 1 || g.Partitions[0].StartOffset == nil || *g.Partitions[0].StartOffset != 4 || g.Partitions[0].Lag != nil || g.TotalLag != nil {
		t.Fatalf("partitions %+v total %v, want start 4 and lag null", g.Partitions, deref(g.TotalLag))
	}
	if len(doc.Warnings) != 1 || !strings.Contains(doc.Warnings[0], "DescribeShareGroupOffsets v0") {
		t.Fatalf("warnings %v", doc.Warnings)
	}
}

// BenchmarkDescribeAllShare: describe --all over N share groups, each with
// share state on 20 partitions (set by AlterShareGroupOffsets), on a
// 3-broker kfake. Run: go test ./describe -run '^$' -bench DescribeAllShare -benchtime 5x -benchmem
func BenchmarkDescribeAllShare(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("groups=%d", n), func(b *testing.B) {
			l := newLab(b, kfake.NumBrokers(3))
			l.topic("q", 20, 5)
			var os kadm.Offsets
			for p := int32(0); p < 20; p++ {
				os.AddOffset("q", p, 2, -1)
			}
			for i := 0; i < n; i++ {
				if resp, err := l.Adm.AlterShareGroupOffsets(l.Ctx, fmt.Sprintf("sg-%04d", i), os); err != nil || resp.Error() != nil {
					b.Fatalf("seed: %v %v", err, resp.Error())
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				cl, err := klab.Client(l.Brokers)
				if err != nil {
					b.Fatal(err)
				}
				snap, err := describe.Fetch(l.Ctx, cl, describe.Selection{All: true, Offsets: true, Members: true})
				if err != nil {
					b.Fatal(err)
				}
				doc := describe.Build(snap, describe.ViewOptions{})
				if len(doc.Groups) != n || doc.Groups[0].TotalLag == nil || *doc.Groups[0].TotalLag != 60 {
					b.Fatalf("got %d groups, lag %v", len(doc.Groups), deref(doc.Groups[0].TotalLag))
				}
				cl.Close()
			}
		})
	}
}
