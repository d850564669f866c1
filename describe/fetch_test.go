package describe_test

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/describe"
	klab "github.com/kgroups/kgroups/internal/lab"
	"github.com/kgroups/kgroups/internal/labtest"
)

type lab struct{ *labtest.Lab }

func newLab(t testing.TB, opts ...kfake.Opt) *lab { return &lab{labtest.New(t, opts...)} }

func (l *lab) topic(name string, partitions int32, records int) { l.Topic(name, partitions, records) }

func (l *lab) commit(group string, offsets map[string]map[int32]int64) { l.Commit(group, offsets) }

func (l *lab) member(spec klab.MemberSpec) *klab.Member { return l.Member(spec) }

func (l *lab) fetch(sel describe.Selection) describe.Document {
	l.T.Helper()
	snap, err := describe.Fetch(l.Ctx, l.Cl, sel)
	if err != nil {
		l.T.Fatal(err)
	}
	return describe.Build(snap, describe.ViewOptions{Topic: sel.Topic})
}

func groupByName(t testing.TB, doc describe.Document, name string) describe.GroupView {
	t.Helper()
	for _, g := range doc.Groups {
		if g.Group == name {
			return g
		}
	}
	t.Fatalf("group %s not in document (%d groups)", name, len(doc.Groups))
	return describe.GroupView{}
}

func TestFetchClassicGroupWithLiveMembers(t *testing.T) {
	l := newLab(t)
	l.topic("orders", 4, 10)
	// Commits made while the group is empty; the members never commit, so
	// the committed offsets stay exactly these.
	l.commit("billing", map[string]map[int32]int64{"orders": {0: 10, 1: 7, 2: 0}})
	l.member(klab.MemberSpec{Group: "billing", Topics: []string{"orders"}, ClientID: "bill-a"})
	l.member(klab.MemberSpec{Group: "billing", Topics: []string{"orders"}, ClientID: "bill-b"})
	if err := klab.WaitGroupAssigned(l.Ctx, l.Cl, "billing", 2, 4); err != nil {
		t.Fatal(err)
	}
	doc := l.fetch(describe.Selection{Groups: []string{"billing"}, Offsets: true, Members: true})
	g := groupByName(t, doc, "billing")
	if g.Error != nil {
		t.Fatalf("unexpected error %s", *g.Error)
	}
	if *g.State != "Stable" || *g.Type != "classic" || g.Protocol == nil || *g.Protocol != "range" {
		t.Fatalf("state/type/protocol = %v/%v/%v", *g.State, *g.Type, g.Protocol)
	}
	if len(g.Members) != 2 {
		t.Fatalf("members = %d, want 2", len(g.Members))
	}
	seen := map[int32]string{}
	for _, m := range g.Members {
		if m.Partitions != 2 || len(m.Assignment["orders"]) != 2 {
			t.Errorf("member %s has %v, want 2 partitions of orders", m.ClientID, m.Assignment)
		}
		for _, p := range m.Assignment["orders"] {
			seen[p] = m.ClientID
		}
	}
	if len(seen) != 4 {
		t.Fatalf("assigned partitions %v, want 0-3", seen)
	}
	wantLag := map[int32]*int64{0: ptr(int64(0)), 1: ptr(int64(3)), 2: ptr(int64(10)), 3: nil}
	for _, p := range g.Partitions {
		want := wantLag[p.Partition]
		if (want == nil) != (p.Lag == nil) || (want != nil && *want != *p.Lag) {
			t.Errorf("orders/%d lag = %v, want %v", p.Partition, deref(p.Lag), deref(want))
		}
		if p.ClientID == nil || *p.ClientID != seen[p.Partition] {
			t.Errorf("orders/%d owner = %v, want %s", p.Partition, deref(p.ClientID), seen[p.Partition])
		}
	}
	if g.TotalLag == nil || *g.TotalLag != 13 {
		t.Fatalf("total lag = %v, want 13", deref(g.TotalLag))
	}
	if g.Summary.UncommittedPartitions != 1 || g.Summary.UncommittedBacklog != 10 {
		t.Fatalf("uncommitted = %d partitions / %d records, want 1 / 10", g.Summary.UncommittedPartitions, g.Summary.UncommittedBacklog)
	}
	if g.Coordinator == nil || g.Coordinator.Host == nil {
		t.Fatalf("coordinator not resolved: %+v", g.Coordinator)
	}
}

func TestFetchKIP848GroupResolvesTopicNames(t *testing.T) {
	l := newLab(t)
	l.topic("clicks", 3, 5)
	l.topic("views", 3, 5)
	l.member(klab.MemberSpec{Group: "analytics", Topics: []string{"clicks", "views"}, ClientID: "an-1", KIP848: true})
	l.member(klab.MemberSpec{Group: "analytics", Topics: []string{"clicks", "views"}, ClientID: "an-2", KIP848: true})
	if err := klab.WaitGroupAssigned(l.Ctx, l.Cl, "analytics", 2, 6); err != nil {
		t.Fatal(err)
	}
	doc := l.fetch(describe.Selection{Groups: []string{"analytics"}, Offsets: true, Members: true})
	g := groupByName(t, doc, "analytics")
	if g.Error != nil {
		t.Fatalf("error: %s", *g.Error)
	}
	if *g.Type != "consumer" || g.Epoch == nil {
		t.Fatalf("type %s epoch %v, want consumer with an epoch", *g.Type, g.Epoch)
	}
	total := map[string]int{}
	for _, m := range g.Members {
		if m.MemberEpoch == nil {
			t.Errorf("member %s has no epoch", m.ClientID)
		}
		for topic, ps := range m.Assignment {
			if topic != "clicks" && topic != "views" {
				t.Fatalf("assignment keyed by %q: topic ids not resolved to names", topic)
			}
			total[topic] += len(ps)
		}
	}
	if total["clicks"] != 3 || total["views"] != 3 {
		t.Fatalf("assigned %v, want 3 clicks + 3 views", total)
	}
	if len(g.Partitions) != 6 {
		t.Fatalf("partition rows = %d, want 6", len(g.Partitions))
	}
	for _, p := range g.Partitions {
		if p.MemberID == nil || p.CommittedOffset != nil || p.Backlog == nil || *p.Backlog != 5 {
			t.Errorf("%s/%d: member %v committed %v backlog %v; want an owner, no commit, backlog 5",
				p.Topic, p.Partition, deref(p.MemberID), deref(p.CommittedOffset), deref(p.Backlog))
		}
	}
}

func TestFetchUnknownGroupDeletedTopicAndAnomalies(t *testing.T) {
	l := newLab(t)
	l.topic("audit", 2, 100)
	l.topic("gone", 1, 5)
	l.commit("expired", map[string]map[int32]int64{"audit": {0: 10, 1: 100}, "gone": {0: 3}})
	if err := klab.DeleteRecordsBefore(l.Ctx, l.Adm, "audit", 0, 60); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Adm.DeleteTopics(l.Ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	doc := l.fetch(describe.Selection{Groups: []string{"expired", "nosuch"}, Offsets: true, Members: true})
	if len(doc.Groups) != 2 || doc.Groups[0].Group != "expired" || doc.Groups[1].Group != "nosuch" {
		t.Fatalf("groups %v, want [expired nosuch] in the order asked", doc.Groups)
	}
	ns := doc.Groups[1]
	if ns.Error == nil || *ns.Error != "group not found" {
		t.Fatalf("nosuch error = %v", deref(ns.Error))
	}
	g := doc.Groups[0]
	if *g.State != "Empty" {
		t.Fatalf("state %s, want Empty", *g.State)
	}
	// Kafka (and kfake) drop a deleted topic's offsets with the topic, so
	// the group keeps only its audit rows; the topic_missing rule for a
	// topic gone between calls is covered by the pure view tests.
	if len(g.Partitions) != 2 || len(g.Anomalies) != 1 || g.Anomalies[0].Kind != "below_log_start" {
		t.Fatalf("rows %d anomalies %+v, want 2 audit rows and one below_log_start", len(g.Partitions), g.Anomalies)
	}
	// audit/0: committed 10 < start 60 -> lag stays end-committed (90), flagged.
	if p := g.Partitions[0]; *p.Lag != 90 || *p.Anomaly != "below_log_start" || *p.LogStartOffset != 60 {
		t.Fatalf("audit/0 = lag %v anomaly %v start %v", deref(p.Lag), deref(p.Anomaly), deref(p.LogStartOffset))
	}
	if p := g.Partitions[1]; *p.Lag != 0 || p.Anomaly != nil {
		t.Fatalf("audit/1 = lag %v anomaly %v, want caught up", deref(p.Lag), deref(p.Anomaly))
	}
	if *g.TotalLag != 90 {
		t.Fatalf("total lag %d, want 90", *g.TotalLag)
	}
}

func TestFetchFiltersByStateTypeTopicAndRegex(t *testing.T) {
	l := newLab(t)
	l.topic("a", 1, 3)
	l.topic("b", 1, 3)
	l.commit("svc-a", map[string]map[int32]int64{"a": {0: 1}})
	l.commit("svc-b", map[string]map[int32]int64{"b": {0: 1}})
	l.commit("other", map[string]map[int32]int64{"a": {0: 2}})
	names := func(doc describe.Document) []string {
		var out []string
		for _, g := range doc.Groups {
			out = append(out, g.Group)
		}
		return out
	}
	if got := names(l.fetch(describe.Selection{All: true, Offsets: true, Topic: "a"})); fmt.Sprint(got) != "[other svc-a]" {
		t.Fatalf("--topic a: %v", got)
	}
	if got := names(l.fetch(describe.Selection{Regex: regexp.MustCompile("^svc-"), Offsets: true})); fmt.Sprint(got) != "[svc-a svc-b]" {
		t.Fatalf("--regex: %v", got)
	}
	// State filters are case-insensitive, as on Kafka (kfake is case-sensitive).
	if got := names(l.fetch(describe.Selection{All: true, States: []string{"empty"}})); len(got) != 3 {
		t.Fatalf("--state empty: %v", got)
	}
	if got := names(l.fetch(describe.Selection{All: true, States: []string{"stable"}})); len(got) != 0 {
		t.Fatalf("--state stable: %v", got)
	}
	if got := names(l.fetch(describe.Selection{All: true, Types: []string{"consumer"}})); len(got) != 0 {
		t.Fatalf("--type consumer: %v", got)
	}
}

// seedGroups creates n commit-only groups over topics spread on 3 brokers.
func seedGroups(l *lab, n, partitions int) {
	l.T.Helper()
	l.topic("t0", int32(partitions), 0)
	l.topic("t1", int32(partitions), 0)
	for p := int32(0); p < int32(partitions); p++ {
		if err := klab.Produce(l.Ctx, l.Cl, "t0", p, 3, time.Time{}); err != nil {
			l.T.Fatal(err)
		}
	}
	for i := 0; i < n; i++ {
		offs := map[int32]int64{}
		for p := int32(0); p < int32(partitions); p++ {
			offs[p] = 1
		}
		l.commit(fmt.Sprintf("group-%04d", i), map[string]map[int32]int64{fmt.Sprintf("t%d", i%2): offs})
	}
}

// describe --all costs requests that grow only with the groups per
// coordinator, in batches of 50 (KAFKA-19558), never per group.
func TestDescribeAllRequestCountIndependentOfGroupCount(t *testing.T) {
	// One cluster, so leaders and coordinators are the same for both counts.
	l := newLab(t, kfake.NumBrokers(3))
	seedGroups(l, 10, 6)
	// batches is the number of group requests of one kind: one per 50
	// groups of each coordinator.
	batches := func(snap *describe.Snapshot) int {
		per := map[int32]int{}
		for _, g := range snap.Groups {
			per[g.Coordinator]++
		}
		n := 0
		for _, c := range per {
			n += (c + 49) / 50
		}
		return n
	}
	measure := func(n int) (map[string]int, int) {
		cl, err := klab.Client(l.Brokers) // a fresh client, as one kgroups run has
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		ct := labtest.CountRequests(l.Cluster)
		snap, err := describe.Fetch(l.Ctx, cl, describe.Selection{All: true, Offsets: true, Members: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(snap.Groups) != n {
			t.Fatalf("described %d groups, want %d", len(snap.Groups), n)
		}
		got := ct.Stop()
		t.Logf("%d groups: %v", n, got)
		return got, batches(snap)
	}
	small, smallBatches := measure(10)
	for i := 10; i < 200; i++ {
		l.commit(fmt.Sprintf("group-%04d", i), map[string]map[int32]int64{fmt.Sprintf("t%d", i%2): {0: 1}})
	}
	big, bigBatches := measure(200)
	if smallBatches != 3 || bigBatches <= 3 {
		t.Fatalf("%d / %d batches: want one per coordinator for 10 groups and more for 200", smallBatches, bigBatches)
	}

	// Group requests are one per batch; requests that do not depend on the
	// groups must be identical; connection set-up (ApiVersions, Metadata)
	// depends on kgo's timing, not on the groups, so it only has to stay
	// within a fixed bound.
	perBatch := map[string]bool{"DescribeGroups": true, "OffsetFetch": true}
	perConnection := map[string]bool{"ApiVersions": true, "Metadata": true}
	for key, v := range small {
		switch {
		case perBatch[key]:
			if v != smallBatches || big[key] != bigBatches {
				t.Errorf("%s: %d / %d requests, want one per batch: %d / %d", key, v, big[key], smallBatches, bigBatches)
			}
		case perConnection[key]:
			if v > 8 || big[key] > 8 {
				t.Errorf("%s: %d / %d requests, want at most 8 (3 brokers)", key, v, big[key])
			}
		case big[key] != v:
			t.Errorf("%s: %d requests for 10 groups, %d for 200", key, v, big[key])
		}
	}
	for key := range big {
		if _, ok := small[key]; !ok {
			t.Errorf("%s appears only with 200 groups", key)
		}
	}
	// The listing names each group's coordinator: no FindCoordinator.
	if big["FindCoordinator"] != 0 {
		t.Errorf("FindCoordinator: %d requests, want none (ListGroups named the coordinators)", big["FindCoordinator"])
	}
	// Two ListOffsets (start, end) per partition leader, one ListGroups
	// per broker.
	meta, err := l.Adm.Metadata(l.Ctx, "t0", "t1")
	if err != nil {
		t.Fatal(err)
	}
	leaders := map[int32]bool{}
	for _, td := range meta.Topics {
		for _, pd := range td.Partitions {
			leaders[pd.Leader] = true
		}
	}
	if big["ListOffsets"] != 2*len(leaders) {
		t.Errorf("ListOffsets: %d, want %d (start and end per leader)", big["ListOffsets"], 2*len(leaders))
	}
	if big["ListGroups"] != 3 {
		t.Errorf("ListGroups: %d requests for 3 brokers", big["ListGroups"])
	}
}

// BenchmarkDescribeAll is the scale harness: describe --all over N groups of
// 20 partitions each on a 3-broker kfake cluster. Sizes from
// KGROUPS_BENCH_GROUPS (default 10,100,1000).
// Run: go test ./describe -run '^$' -bench DescribeAll -benchtime 5x
func BenchmarkDescribeAll(b *testing.B) {
	sizes := []int{10, 100, 1000}
	if env := os.Getenv("KGROUPS_BENCH_GROUPS"); env != "" {
		sizes = nil
		for _, f := range strings.Split(env, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				b.Fatalf("KGROUPS_BENCH_GROUPS=%q: want a comma-separated list of group counts", env)
			}
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("groups=%d", n), func(b *testing.B) {
			l := newLab(b, kfake.NumBrokers(3))
			seedGroups(l, n, 20)
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
				if len(doc.Groups) != n {
					b.Fatalf("got %d groups", len(doc.Groups))
				}
				cl.Close()
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// An open transaction holds the last stable offset below the high
// watermark: read_committed lag counts only committed records.
func TestFetchReadCommittedUsesLastStableOffset(t *testing.T) {
	l := newLab(t)
	l.topic("ledger", 1, 10)
	l.commit("auditor", map[string]map[int32]int64{"ledger": {0: 4}})
	txn, err := klab.Client(l.Brokers, kgo.TransactionalID("kgroups-test-txn"))
	if err != nil {
		t.Fatal(err)
	}
	defer txn.Close()
	if err := txn.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		if err := txn.ProduceSync(l.Ctx, &kgo.Record{Topic: "ledger", Partition: 0, Value: []byte("pending")}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	lagOf := func(iso string) (end, lag int64) {
		doc := l.fetch(describe.Selection{Groups: []string{"auditor"}, Offsets: true, Isolation: iso})
		p := doc.Groups[0].Partitions[0]
		if doc.Isolation != iso {
			t.Fatalf("document isolation %s, want %s", doc.Isolation, iso)
		}
		return *p.LogEndOffset, *p.Lag
	}
	if end, lag := lagOf(describe.ReadUncommitted); end != 15 || lag != 11 {
		t.Fatalf("read_uncommitted: end %d lag %d, want 15 / 11", end, lag)
	}
	if end, lag := lagOf(describe.ReadCommitted); end != 10 || lag != 6 {
		t.Fatalf("read_committed: end %d lag %d, want 10 / 6 (the open transaction is not stable)", end, lag)
	}
}

// A named group is described without a cluster-wide ListGroups, and
// Metadata is asked only for the topics it touches.
func TestFetchNamedGroupAsksOnlyForItsGroupAndTopics(t *testing.T) {
	t.Parallel()
	l := newLab(t, kfake.NumBrokers(3))
	l.topic("orders", 3, 10)
	l.topic("unrelated", 2, 0)
	l.commit("svc", map[string]map[int32]int64{"orders": {0: 4, 1: 10}})
	for i := 0; i < 20; i++ {
		l.commit(fmt.Sprintf("other-%02d", i), map[string]map[int32]int64{"unrelated": {0: 0}})
	}
	cl, err := klab.Client(l.Brokers)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	topics, err := l.Adm.ListTopics(l.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[[16]byte]string{}
	for name, td := range topics {
		byID[td.ID] = name
	}
	var mu sync.Mutex
	counts := map[string]int{}
	var metaTopics [][]string
	allTopics := 0
	l.Cluster.Control(func(req kmsg.Request) (kmsg.Response, error, bool) {
		mu.Lock()
		defer mu.Unlock()
		counts[kmsg.NameForKey(req.Key())]++
		if m, ok := req.(*kmsg.MetadataRequest); ok {
			if m.Topics == nil {
				allTopics++
			}
			var ts []string
			for _, rt := range m.Topics { // kgo may name a topic by its id
				if rt.Topic != nil {
					ts = append(ts, *rt.Topic)
				} else {
					ts = append(ts, byID[rt.TopicID])
				}
			}
			metaTopics = append(metaTopics, ts)
		}
		return nil, nil, false
	})
	snap, err := describe.Fetch(l.Ctx, cl, describe.Selection{Groups: []string{"svc"}, Offsets: true, Members: true})
	if err != nil {
		t.Fatal(err)
	}
	doc := describe.Build(snap, describe.ViewOptions{})
	mu.Lock()
	defer mu.Unlock()
	if counts["ListGroups"] != 0 {
		t.Errorf("%d ListGroups requests for a named group, want none", counts["ListGroups"])
	}
	if allTopics > 0 {
		t.Errorf("%d Metadata requests for every topic", allTopics)
	}
	asked := false
	for _, ts := range metaTopics {
		for _, topic := range ts {
			if topic == "unrelated" {
				t.Errorf("Metadata asked for %v: a topic no named group touches", ts)
			}
			asked = asked || topic == "orders"
		}
	}
	if !asked {
		t.Errorf("no Metadata request named orders (requests by topic: %v)", metaTopics)
	}
	svc := groupByName(t, doc, "svc")
	if svc.Error != nil || *svc.State != "Empty" || *svc.Type != "classic" || svc.TotalLag == nil || *svc.TotalLag != 6 || svc.Coordinator == nil {
		t.Errorf("svc: state %v type %v lag %v error %v; want Empty classic with lag 6 and a coordinator",
			deref(svc.State), deref(svc.Type), deref(svc.TotalLag), deref(svc.Error))
	}
	// A group no describe API knows is looked for in the listing (it may be
	// of a type kgroups cannot read), then reported as not found.
	mu.Unlock()
	snap, err = describe.Fetch(l.Ctx, cl, describe.Selection{Groups: []string{"nosuch"}, Offsets: true, Members: true})
	mu.Lock()
	if err != nil {
		t.Fatal(err)
	}
	if g := groupByName(t, describe.Build(snap, describe.ViewOptions{}), "nosuch"); g.Error == nil || *g.Error != "group not found" {
		t.Errorf("nosuch: error %v, want group not found", deref(g.Error))
	}
}

// A coordinator that answers "not the coordinator" for groups the listing
// gave it: those groups are asked again through kgo, which finds their
// coordinator, and are described as if nothing had happened.
func TestFetchAllRetriesGroupsWhoseCoordinatorMoved(t *testing.T) {
	t.Parallel()
	l := newLab(t, kfake.NumBrokers(3))
	l.topic("orders", 2, 5)
	for i := 0; i < 6; i++ {
		l.commit(fmt.Sprintf("g%d", i), map[string]map[int32]int64{"orders": {0: 2}})
	}
	cl, err := klab.Client(l.Brokers)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var mu sync.Mutex
	refused, finds := 0, 0
	l.Cluster.ControlKey(int16(kmsg.FindCoordinator), func(kmsg.Request) (kmsg.Response, error, bool) {
		l.Cluster.KeepControl()
		mu.Lock()
		finds++
		mu.Unlock()
		return nil, nil, false
	})
	for _, key := range []kmsg.Key{kmsg.DescribeGroups, kmsg.OffsetFetch} {
		l.Cluster.ControlKey(int16(key), func(req kmsg.Request) (kmsg.Response, error, bool) {
			l.Cluster.KeepControl()
			mu.Lock()
			defer mu.Unlock()
			if refused >= 2 { // once for each request kind
				return nil, nil, false
			}
			refused++
			switch r := req.(type) {
			case *kmsg.DescribeGroupsRequest:
				resp := r.ResponseKind().(*kmsg.DescribeGroupsResponse)
				for _, g := range r.Groups {
					rg := kmsg.NewDescribeGroupsResponseGroup()
					rg.Group, rg.ErrorCode = g, kerr.NotCoordinator.Code
					resp.Groups = append(resp.Groups, rg)
				}
				return resp, nil, true
			case *kmsg.OffsetFetchRequest:
				resp := r.ResponseKind().(*kmsg.OffsetFetchResponse)
				for _, g := range r.Groups {
					rg := kmsg.NewOffsetFetchResponseGroup()
					rg.Group, rg.ErrorCode = g.Group, kerr.NotCoordinator.Code
					resp.Groups = append(resp.Groups, rg)
				}
				return resp, nil, true
			}
			return nil, nil, false
		})
	}
	snap, err := describe.Fetch(l.Ctx, cl, describe.Selection{All: true, Offsets: true, Members: true})
	if err != nil {
		t.Fatal(err)
	}
	doc := describe.Build(snap, describe.ViewOptions{})
	if len(doc.Groups) != 6 {
		t.Fatalf("%d groups, want 6", len(doc.Groups))
	}
	for _, g := range doc.Groups {
		if g.Error != nil || g.State == nil || *g.State != "Empty" || g.TotalLag == nil || *g.TotalLag != 3 {
			t.Errorf("%s: state %v lag %v error %v; want Empty, lag 3, no error", g.Group, deref(g.State), deref(g.TotalLag), deref(g.Error))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if refused != 2 || finds == 0 {
		t.Errorf("refused %d requests, %d FindCoordinator: want both kinds refused once and the coordinators looked up", refused, finds)
	}
}
