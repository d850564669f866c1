package resetoffsets_test

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/internal/lab"
	"github.com/kgroups/kgroups/internal/labtest"
	"github.com/kgroups/kgroups/resetoffsets"
)

var t0 = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

// newResetLab: topic "orders" (2 partitions x 100 records, timestamps t0 +
// i ms) and group "svc" committed at orders/0=50, orders/1=80.
func newResetLab(t *testing.T) *labtest.Lab {
	l := labtest.New(t)
	l.TopicAt("orders", 2, 100, t0)
	l.Commit("svc", map[string]map[int32]int64{"orders": {0: 50, 1: 80}})
	return l
}

func plan(t *testing.T, l *labtest.Lab, groups []string, target resetoffsets.Target, s resetoffsets.Scope) resetoffsets.Plan {
	t.Helper()
	f, err := resetoffsets.Load(l.Ctx, l.Cl, describe.Selection{Groups: groups}, target, s)
	if err != nil {
		t.Fatal(err)
	}
	p, err := resetoffsets.BuildPlan(f, target, s, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func allTopics(t *testing.T) resetoffsets.Scope {
	s, err := resetoffsets.ParseScope(nil, true, false)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestResetRefusedOnStableGroupChangesNothing(t *testing.T) {
	l := newResetLab(t)
	l.Member(lab.MemberSpec{Group: "svc", Topics: []string{"orders"}, ClientID: "worker-1"})
	l.WaitAssigned("svc", 1, 2)
	p := plan(t, l, []string{"svc"}, resetoffsets.Target{Kind: resetoffsets.ToEarliest}, allTopics(t))
	_, err := resetoffsets.Apply(l.Ctx, l.Cl, p, resetoffsets.ApplyOptions{Expected: resetoffsets.ExpectedFrom(p)})
	var refused *resetoffsets.RefusedError
	if !errors.As(err, &refused) || !strings.Contains(refused.Msg, "svc is Stable with 1 member(s): worker-1@") {
		t.Fatalf("err = %v, want a refusal naming the state and member", err)
	}
	if got := fmt.Sprint(l.Committed("svc")); got != "map[orders:map[0:50 1:80]]" {
		t.Fatalf("offsets changed: %s", got)
	}
}

// TestEachTargetLandsExactOffsets: live members leave (Empty), then every
// target kind is planned and applied and the committed offsets checked.
func TestEachTargetLandsExactOffsets(t *testing.T) {
	l := newResetLab(t)
	m := l.Member(lab.MemberSpec{Group: "svc", Topics: []string{"orders"}, ClientID: "worker-1"})
	l.WaitAssigned("svc", 1, 2)
	m.Close()
	l.WaitState("svc", "Empty")
	l.Commit("src", map[string]map[int32]int64{"orders": {0: 11, 1: 22}})

	csv := t.TempDir() + "/plan.csv"
	if err := writeFile(csv, "orders,0,5\norders,1,500\n"); err != nil {
		t.Fatal(err)
	}
	pf, err := resetoffsets.ReadPlanFile(csv)
	if err != nil {
		t.Fatal(err)
	}
	only1, _ := resetoffsets.ParseScope([]string{"orders:1"}, false, false)
	cases := []struct {
		target resetoffsets.Target
		scope  resetoffsets.Scope
		want   string
	}{
		{resetoffsets.Target{Kind: resetoffsets.ToEarliest}, allTopics(t), "map[0:0 1:0]"},
		{resetoffsets.Target{Kind: resetoffsets.ToOffset, Offset: 42, Raw: "42"}, allTopics(t), "map[0:42 1:42]"},
		{resetoffsets.Target{Kind: resetoffsets.ShiftBy, Shift: 8, Raw: "8"}, allTopics(t), "map[0:50 1:50]"},
		{resetoffsets.Target{Kind: resetoffsets.ShiftBy, Shift: -60, Raw: "-60"}, only1, "map[0:50 1:0]"}, // clamped at start
		{resetoffsets.Target{Kind: resetoffsets.ToLatest}, allTopics(t), "map[0:100 1:100]"},
		{resetoffsets.Target{Kind: resetoffsets.ToDatetime, Time: t0.Add(30 * time.Millisecond), Raw: "t0+30ms"}, allTopics(t), "map[0:30 1:30]"},
		{resetoffsets.Target{Kind: resetoffsets.ToDatetime, Time: t0.Add(31 * time.Millisecond), Raw: "t0+31ms"}, only1, "map[0:30 1:31]"},
		{resetoffsets.Target{Kind: resetoffsets.ByDuration, Time: t0.Add(time.Hour), Raw: "after the last"}, allTopics(t), "map[0:100 1:100]"},
		{resetoffsets.Target{Kind: resetoffsets.ToCurrent}, allTopics(t), "map[0:100 1:100]"},
		{resetoffsets.Target{Kind: resetoffsets.FromFile, File: pf, Raw: csv}, resetoffsets.Scope{}, "map[0:5 1:100]"}, // 500 clamped to end
		{resetoffsets.Target{Kind: resetoffsets.ToGroup, Group: "src", Raw: "src"}, resetoffsets.Scope{}, "map[0:11 1:22]"},
	}
	for _, c := range cases {
		p := plan(t, l, []string{"svc"}, c.target, c.scope)
		res, err := resetoffsets.Apply(l.Ctx, l.Cl, p, resetoffsets.ApplyOptions{Expected: resetoffsets.ExpectedFrom(p)})
		if err != nil || res.Failed != 0 {
			t.Fatalf("%s: %v (failed %d)", c.target, err, res.Failed)
		}
		if got := fmt.Sprint(l.Committed("svc")["orders"]); got != c.want {
			t.Fatalf("%s: committed %s, want %s", c.target, got, c.want)
		}
	}
}

// A consumer joins after the state check, just before the commit: the
// broker refuses the admin commit (no member id, generation -1) and
// nothing is written.
func TestMemberJoiningBeforeCommitIsRefusedByBroker(t *testing.T) {
	l := newResetLab(t)
	p := plan(t, l, []string{"svc"}, resetoffsets.Target{Kind: resetoffsets.ToEarliest}, allTopics(t))
	res, err := resetoffsets.Apply(l.Ctx, l.Cl, p, resetoffsets.ApplyOptions{
		BeforeCommit: func(resetoffsets.Plan) error {
			l.Member(lab.MemberSpec{Group: "svc", Topics: []string{"orders"}, ClientID: "late-joiner"})
			l.WaitAssigned("svc", 1, 2)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed != 2 || !res.Rows[0].Refused || !strings.Contains(*res.Rows[0].Error, "active members") {
		t.Fatalf("result %+v, want both partitions refused for active members", res.Rows)
	}
	if got := fmt.Sprint(l.Committed("svc")); got != "map[orders:map[0:50 1:80]]" {
		t.Fatalf("offsets changed: %s", got)
	}
}

func TestGuardRefusesMovedOffsetsAndForceApplies(t *testing.T) {
	l := newResetLab(t)
	p := plan(t, l, []string{"svc"}, resetoffsets.Target{Kind: resetoffsets.ToEarliest}, allTopics(t))
	l.Commit("svc", map[string]map[int32]int64{"orders": {1: 90}}) // someone moved orders/1
	_, err := resetoffsets.Apply(l.Ctx, l.Cl, p, resetoffsets.ApplyOptions{Expected: resetoffsets.ExpectedFrom(p)})
	var moved *resetoffsets.MovedError
	if !errors.As(err, &moved) || len(moved.Rows) != 1 || !strings.Contains(moved.Rows[0], "svc orders/1: planned from 80, now 90") {
		t.Fatalf("err = %v", err)
	}
	if got := fmt.Sprint(l.Committed("svc")["orders"]); got != "map[0:50 1:90]" {
		t.Fatalf("offsets changed: %s", got)
	}
	if _, err := resetoffsets.Apply(l.Ctx, l.Cl, p, resetoffsets.ApplyOptions{}); err != nil { // --force
		t.Fatal(err)
	}
	if got := fmt.Sprint(l.Committed("svc")["orders"]); got != "map[0:0 1:0]" {
		t.Fatalf("forced apply: %s", got)
	}
}

func TestUndoRestoresAndRetryIsSafe(t *testing.T) {
	l := newResetLab(t)
	p := plan(t, l, []string{"svc"}, resetoffsets.Target{Kind: resetoffsets.ToOffset, Offset: 7, Raw: "7"}, allTopics(t))
	var undo resetoffsets.Plan
	if _, err := resetoffsets.Apply(l.Ctx, l.Cl, p, resetoffsets.ApplyOptions{
		Expected:     resetoffsets.ExpectedFrom(p),
		BeforeCommit: func(u resetoffsets.Plan) error { undo = u; return nil },
	}); err != nil {
		t.Fatal(err)
	}
	// Re-running the same plan (e.g. after a partial failure) passes the
	// guard: partitions already at their new offset count as done.
	if res, err := resetoffsets.Apply(l.Ctx, l.Cl, p, resetoffsets.ApplyOptions{Expected: resetoffsets.ExpectedFrom(p)}); err != nil || res.Failed != 0 {
		t.Fatalf("retry: %v", err)
	}
	// The undo plan, written as JSON and read back, restores the prior offsets.
	path := t.TempDir() + "/undo.json"
	if err := resetoffsets.WritePlanFile(path, undo); err != nil {
		t.Fatal(err)
	}
	pf, err := resetoffsets.ReadPlanFile(path)
	if err != nil {
		t.Fatal(err)
	}
	target := resetoffsets.Target{Kind: resetoffsets.FromFile, File: pf, Raw: path}
	up := plan(t, l, []string{"svc"}, target, resetoffsets.Scope{})
	if _, err := resetoffsets.Apply(l.Ctx, l.Cl, up, resetoffsets.ApplyOptions{Expected: resetoffsets.ExpectedFromFile(pf, up)}); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(l.Committed("svc")["orders"]); got != "map[0:50 1:80]" {
		t.Fatalf("after undo: %s", got)
	}
}

func TestDeleteGroupsAndOffsets(t *testing.T) {
	l := newResetLab(t)
	l.Commit("idle", map[string]map[int32]int64{"orders": {0: 1}})
	l.Member(lab.MemberSpec{Group: "busy", Topics: []string{"orders"}, ClientID: "b"})
	l.WaitAssigned("busy", 1, 2)
	snap, err := describe.Fetch(l.Ctx, l.Cl, describe.Selection{Groups: []string{"idle", "busy"}, Members: true})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := resetoffsets.PlanDeleteGroups(snap)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Rows[1].Status != "will be refused" {
		t.Fatalf("plan %+v", plan.Rows)
	}
	res, err := resetoffsets.ApplyDeleteGroups(l.Ctx, l.Cl, plan)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows[0].Status != "deleted" || res.Rows[1].Status != "failed" || !strings.Contains(*res.Rows[1].Error, "NON_EMPTY_GROUP") || res.Failed != 1 {
		t.Fatalf("result %+v", res.Rows)
	}
	if len(l.Committed("idle")) != 0 {
		t.Fatal("idle group still has offsets")
	}

	s, _ := resetoffsets.ParseScope([]string{"orders:1"}, false, false)
	snap, _ = describe.Fetch(l.Ctx, l.Cl, describe.Selection{Groups: []string{"svc"}, Members: true, Offsets: true})
	dplan, err := resetoffsets.PlanDeleteOffsets(snap, s)
	if err != nil || len(dplan.Rows) != 1 || *dplan.Rows[0].CurrentOffset != 80 {
		t.Fatalf("delete-offsets plan %+v %v", dplan.Rows, err)
	}
	if _, err := resetoffsets.ApplyDeleteOffsets(l.Ctx, l.Cl, dplan); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(l.Committed("svc")["orders"]); got != "map[0:50]" {
		t.Fatalf("after delete-offsets: %s", got)
	}
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o644) }

// The same guarantee for KIP-848 groups: a consumer-protocol member that
// joins after the check makes the broker refuse the admin commit.
func TestKIP848MemberJoiningBeforeCommitIsRefused(t *testing.T) {
	l := newResetLab(t)
	m := l.Member(lab.MemberSpec{Group: "svc", Topics: []string{"orders"}, ClientID: "first", KIP848: true})
	l.WaitAssigned("svc", 1, 2)
	m.Close()
	p := plan(t, l, []string{"svc"}, resetoffsets.Target{Kind: resetoffsets.ToEarliest}, allTopics(t))
	before := fmt.Sprint(l.Committed("svc"))
	res, err := resetoffsets.Apply(l.Ctx, l.Cl, p, resetoffsets.ApplyOptions{
		BeforeCommit: func(resetoffsets.Plan) error {
			l.Member(lab.MemberSpec{Group: "svc", Topics: []string{"orders"}, ClientID: "late-848", KIP848: true})
			l.WaitAssigned("svc", 1, 2)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed != len(res.Rows) || !res.Rows[0].Refused {
		t.Fatalf("result %+v, want every partition refused for active members", res.Rows)
	}
	if got := fmt.Sprint(l.Committed("svc")); got != before {
		t.Fatalf("offsets changed: %s -> %s", before, got)
	}
}
