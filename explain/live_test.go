package explain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/explain"
	"github.com/kgroups/kgroups/internal/lab"
	"github.com/kgroups/kgroups/internal/labtest"
)

// doctor samples the group twice on the lab and runs every rule.
func doctor(t *testing.T, l *labtest.Lab, group string, settings ...explain.Setting) explain.Report {
	t.Helper()
	live, err := explain.FetchLive(l.Ctx, l.Cl, group, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := explain.Explain(explain.Input{Client: explain.Java, Settings: settings, Live: live,
		Broker: explain.FetchBrokerLimits(l.Ctx, l.Adm)})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func finding(t *testing.T, rep explain.Report, id string) explain.Finding {
	t.Helper()
	for _, f := range rep.Findings {
		if f.ID == id {
			return f
		}
	}
	var ids []string
	for _, f := range rep.Findings {
		ids = append(ids, f.ID)
	}
	t.Fatalf("no %s finding; got %v", id, ids)
	return explain.Finding{}
}

func none(t *testing.T, rep explain.Report, id string) {
	t.Helper()
	for _, f := range rep.Findings {
		if f.ID == id {
			t.Fatalf("unexpected %s: %s", id, f.Detail)
		}
	}
}

func TestLiveIdleMembers(t *testing.T) {
	l := labtest.New(t)
	l.Topic("inventory", 2, 10)
	for _, id := range []string{"inv-1", "inv-2", "inv-3"} {
		l.Member(lab.MemberSpec{Group: "inv", Topics: []string{"inventory"}, ClientID: id})
	}
	l.WaitAssigned("inv", 3, 2)
	f := finding(t, doctor(t, l, "inv"), "idle-members")
	if f.Severity != explain.Warn || !strings.Contains(f.Detail, "1 of 3 members have no partition") {
		t.Fatalf("%+v", f)
	}
}

// An Empty group with most of its lag on one partition has no hot key:
// nobody consumes, so nothing tells a key from a stopped consumer.
func TestLiveEmptyGroupHasNoHotKey(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("orders", 3, 1000)
	l.Commit("billing", map[string]map[int32]int64{"orders": {0: 100, 1: 990, 2: 990}})
	rep := doctor(t, l, "billing")
	empty := finding(t, rep, "empty-with-lag")
	if !strings.Contains(empty.Detail, "lag of 920 records (+0 in 300 ms)") {
		t.Fatalf("empty: %s", empty.Detail)
	}
	none(t, rep, "hot-partition")
	none(t, rep, "slow-member")
}

// Members consume, and producers keep writing to orders/0 while the group
// never commits: its lag holds the majority and grows between the samples.
func TestLiveHotPartition(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("orders", 3, 10)
	l.Commit("fulfil", map[string]map[int32]int64{"orders": {0: 10, 1: 10, 2: 10}})
	l.Member(lab.MemberSpec{Group: "fulfil", Topics: []string{"orders"}, ClientID: "fulfil-1"})
	l.Member(lab.MemberSpec{Group: "fulfil", Topics: []string{"orders"}, ClientID: "fulfil-2"})
	l.WaitAssigned("fulfil", 2, 3)
	if err := lab.Produce(l.Ctx, l.Cl, "orders", 0, 300, time.Time{}); err != nil {
		t.Fatal(err)
	}
	stop, done := make(chan struct{}), make(chan error, 1)
	go func() { // keep the key hot while explain samples
		for {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := lab.Produce(l.Ctx, l.Cl, "orders", 0, 5, time.Time{}); err != nil {
				done <- err
				return
			}
		}
	}()
	rep := doctor(t, l, "fulfil")
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	hot := finding(t, rep, "hot-partition")
	for _, want := range []string{"orders/0 has", "(100%), owned by fulfil-", "its lag grew by"} {
		if !strings.Contains(hot.Detail, want) {
			t.Fatalf("hot lacks %q: %s", want, hot.Detail)
		}
	}
}

func TestLiveSlowMember(t *testing.T) {
	l := labtest.New(t)
	l.Topic("work", 4, 1000)
	// Range gives the first member (by member id) partitions 0 and 1.
	l.Commit("workers", map[string]map[int32]int64{"work": {0: 500, 1: 500, 2: 990, 3: 990}})
	l.Member(lab.MemberSpec{Group: "workers", Topics: []string{"work"}, ClientID: "worker-a"})
	l.Member(lab.MemberSpec{Group: "workers", Topics: []string{"work"}, ClientID: "worker-b"})
	l.WaitAssigned("workers", 2, 4)
	rep := doctor(t, l, "workers")
	f := finding(t, rep, "slow-member")
	if !strings.Contains(f.Detail, "owns 2 partitions holding 1,000 of 1,020 lag (98%)") {
		t.Fatalf("%s", f.Detail)
	}
	none(t, rep, "hot-partition") // 500 of 1,020 on one partition is under half
}

func TestLiveCommitBelowLogStart(t *testing.T) {
	l := labtest.New(t)
	l.Topic("audit", 1, 1000)
	l.Commit("archiver", map[string]map[int32]int64{"audit": {0: 100}})
	if err := lab.DeleteRecordsBefore(l.Ctx, l.Adm, "audit", 0, 400); err != nil {
		t.Fatal(err)
	}
	f := finding(t, doctor(t, l, "archiver"), "commit-below-log-start")
	want := "With auto.offset.reset=latest the consumer jumps to the log end 1000: 900 records are skipped — the 300 already deleted plus the 600 still in the log."
	if f.Severity != explain.Error || !strings.Contains(f.Detail, want) {
		t.Fatalf("%s", f.Detail)
	}
	f = finding(t, doctor(t, l, "archiver", explain.Setting{Key: "auto.offset.reset", Value: "earliest", Source: "--set"}), "commit-below-log-start")
	if !strings.Contains(f.Detail, "resumes at 400: 300 records (100–399) were never consumed") {
		t.Fatalf("%s", f.Detail)
	}
}

// The sandbox's audit-archiver: no members, nothing produced, and lag
// from commits below the log start; 51 % on one partition is no hot key.
func TestLiveCommitBelowLogStartIsNoHotKey(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("audit", 2, 1000)
	l.Commit("archiver", map[string]map[int32]int64{"audit": {0: 100, 1: 150}})
	for p := int32(0); p < 2; p++ {
		if err := lab.DeleteRecordsBefore(l.Ctx, l.Adm, "audit", p, 400); err != nil {
			t.Fatal(err)
		}
	}
	rep := doctor(t, l, "archiver")
	finding(t, rep, "commit-below-log-start")
	none(t, rep, "hot-partition")
}

// A classic member joins as leader and never sends SyncGroup: the group
// stays in CompletingRebalance across both samples.
func TestLiveStuckRebalance(t *testing.T) {
	l := labtest.New(t)
	l.Topic("orders", 2, 10)
	join := kmsg.NewPtrJoinGroupRequest()
	join.Group, join.ProtocolType = "stuck", "consumer"
	join.SessionTimeoutMillis, join.RebalanceTimeoutMillis = 30000, 30000
	proto := kmsg.NewJoinGroupRequestProtocol()
	proto.Name = "range"
	meta := kmsg.NewConsumerMemberMetadata()
	meta.Topics = []string{"orders"}
	proto.Metadata = meta.AppendTo(nil)
	join.Protocols = append(join.Protocols, proto)
	resp, err := join.RequestWith(l.Ctx, l.Cl)
	if err != nil || kerr.ErrorForCode(resp.ErrorCode) != kerr.MemberIDRequired {
		t.Fatalf("first join: %v %v", err, kerr.ErrorForCode(resp.ErrorCode))
	}
	join.MemberID = resp.MemberID
	if resp, err = join.RequestWith(l.Ctx, l.Cl); err != nil || resp.ErrorCode != 0 {
		t.Fatalf("second join: %v %v", err, kerr.ErrorForCode(resp.ErrorCode))
	}
	f := finding(t, doctor(t, l, "stuck"), "stuck-rebalance")
	if f.Severity != explain.Error || !strings.Contains(f.Detail, "state CompletingRebalance in both samples 300 ms apart") {
		t.Fatalf("%+v", f)
	}
}

func TestLiveMixedSubscriptionsAndUncommitted(t *testing.T) {
	l := labtest.New(t)
	l.Topic("orders", 2, 10)
	l.Topic("audit", 2, 10)
	l.Member(lab.MemberSpec{Group: "mix", Topics: []string{"orders"}, ClientID: "a"})
	l.Member(lab.MemberSpec{Group: "mix", Topics: []string{"orders", "audit"}, ClientID: "b"})
	l.WaitAssigned("mix", 2, 4)
	rep := doctor(t, l, "mix")
	f := finding(t, rep, "mixed-subscriptions")
	if !strings.Contains(f.Detail, "[audit,orders] by b") || !strings.Contains(f.Detail, "[orders] by a") {
		t.Fatalf("%s", f.Detail)
	}
	u := finding(t, rep, "uncommitted-partitions")
	if u.Severity != explain.Info || !strings.Contains(u.Detail, "4 partition(s) have never been committed (backlog 40 records)") {
		t.Fatalf("%s", u.Detail)
	}
}

func TestLiveHealthyGroupHasNoLiveFindings(t *testing.T) {
	l := labtest.New(t)
	l.Topic("orders", 2, 10)
	l.Commit("ok", map[string]map[int32]int64{"orders": {0: 10, 1: 10}})
	l.Member(lab.MemberSpec{Group: "ok", Topics: []string{"orders"}, ClientID: "a"})
	l.Member(lab.MemberSpec{Group: "ok", Topics: []string{"orders"}, ClientID: "b"})
	l.WaitAssigned("ok", 2, 2)
	rep := doctor(t, l, "ok", explain.Setting{Key: "partition.assignment.strategy", Value: "cooperative-sticky", Source: "--set"},
		explain.Setting{Key: "enable.auto.commit", Value: "false", Source: "--set"}, explain.Setting{Key: "auto.offset.reset", Value: "earliest", Source: "--set"})
	if len(rep.Findings) != 0 {
		t.Fatalf("healthy group: %+v", rep.Findings)
	}
	if _, err := explain.FetchLive(l.Ctx, l.Cl, "nosuch", time.Millisecond); err == nil || !strings.Contains(err.Error(), "--group nosuch: group not found") {
		t.Fatalf("unknown group: %v", err)
	}
}

// With no assignors given, the live group's cooperative protocol is used:
// no eager warning; an explicit eager setting still warns.
func TestLiveProtocolInformsEagerRule(t *testing.T) {
	l := labtest.New(t)
	l.Topic("orders", 2, 10)
	l.Member(lab.MemberSpec{Group: "coop", Topics: []string{"orders"}, ClientID: "a", Balancer: kgo.CooperativeStickyBalancer()})
	l.WaitAssigned("coop", 1, 2)
	none(t, doctor(t, l, "coop"), "eager-rebalance")
	f := finding(t, doctor(t, l, "coop", explain.Setting{Key: "partition.assignment.strategy", Value: "range", Source: "--set"}), "eager-rebalance")
	if !strings.Contains(f.Detail, "range (--set)") {
		t.Fatalf("%s", f.Detail)
	}
}

// A live KIP-848 group runs group.protocol=consumer: Java's default
// assignor list says nothing about it (no eager warning, no suggestion to
// move to what the group already uses) unless the user's settings say
// otherwise.
func TestLiveKIP848GroupIsNotEager(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("clicks", 2, 10)
	l.Member(lab.MemberSpec{Group: "etl", Topics: []string{"clicks"}, ClientID: "etl-1", KIP848: true})
	l.Member(lab.MemberSpec{Group: "etl", Topics: []string{"clicks"}, ClientID: "etl-2", KIP848: true})
	l.WaitAssigned("etl", 2, 2)
	rep := doctor(t, l, "etl", explain.Setting{Key: "heartbeat.interval.ms", Value: "20000", Source: "--set"})
	if rep.GroupType == nil || *rep.GroupType != "consumer" {
		t.Fatalf("group type %v", rep.GroupType)
	}
	none(t, rep, "eager-rebalance")
	none(t, rep, "heartbeat-session") // a broker setting under KIP-848
	for _, f := range rep.Findings {
		if strings.Contains(f.Fix, "group.protocol=consumer") {
			t.Fatalf("%s suggests what the group already does: %s", f.ID, f.Fix)
		}
	}
	k := finding(t, rep, "kip848-keys")
	if k.Severity != explain.Warn || !strings.Contains(k.Detail, "live group is a KIP-848 group") || !strings.Contains(k.Detail, "heartbeat.interval.ms set") {
		t.Fatalf("%+v", k)
	}
	// The user's explicit classic protocol wins for the session rules; the
	// assignor still does not make a KIP-848 group eager.
	rep = doctor(t, l, "etl", explain.Setting{Key: "group.protocol", Value: "classic", Source: "--set"},
		explain.Setting{Key: "heartbeat.interval.ms", Value: "20000", Source: "--set"})
	finding(t, rep, "heartbeat-session")
	none(t, rep, "eager-rebalance")
	none(t, rep, "kip848-keys")
}
