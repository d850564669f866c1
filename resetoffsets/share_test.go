package resetoffsets_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/internal/lab"
	"github.com/kgroups/kgroups/internal/labtest"
	"github.com/kgroups/kgroups/resetoffsets"
)

// shareStarts reads a share group's start offsets from the broker.
func shareStarts(t *testing.T, l *labtest.Lab, group string) string {
	t.Helper()
	d, err := l.Adm.DescribeShareGroupOffsets(l.Ctx, group)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	d[group].Offsets.Each(func(so kadm.ShareOffset) {
		if so.Topic == "orders" {
			out[so.Partition] = so.StartOffset
		}
	})
	return fmt.Sprint(out)
}

func initShare(t *testing.T, l *labtest.Lab, group string, offs map[int32]int64) {
	t.Helper()
	var os kadm.Offsets
	for p, o := range offs {
		os.AddOffset("orders", p, o, -1)
	}
	if resp, err := l.Adm.AlterShareGroupOffsets(l.Ctx, group, os); err != nil || resp.Error() != nil {
		t.Fatalf("init share offsets: %v %v", err, resp.Error())
	}
}

// A live share group (a kgo share consumer holding its records) is refused
// before anything is written; the start offsets stay.
func TestShareResetRefusedWhileMembers(t *testing.T) {
	t.Parallel()
	l := newResetLab(t)
	l.ShareMember(lab.ShareMemberSpec{Group: "queue", Topics: []string{"orders"}, ClientID: "q-1", Accept: 7})
	l.WaitShare("queue", 1, 193)
	before := shareStarts(t, l, "queue")
	p := plan(t, l, []string{"queue"}, resetoffsets.Target{Kind: resetoffsets.ToLatest}, allTopics(t))
	_, err := resetoffsets.Apply(l.Ctx, l.Cl, p, resetoffsets.ApplyOptions{Expected: resetoffsets.ExpectedFrom(p)})
	var refused *resetoffsets.RefusedError
	if !errors.As(err, &refused) || !strings.Contains(refused.Msg, "queue is Stable with 1 member(s): q-1@") {
		t.Fatalf("err = %v, want a refusal naming the member", err)
	}
	if after := shareStarts(t, l, "queue"); after != before {
		t.Fatalf("start offsets moved: %s -> %s", before, after)
	}
}

// An Empty share group: every target a share group takes lands exactly the
// planned start offsets (read back from the broker); the undo plan puts
// them back; --shift-by, --to-current and --to-group are refused.
func TestShareResetEachTargetAndUndo(t *testing.T) {
	t.Parallel()
	l := newResetLab(t)
	initShare(t, l, "queue", map[int32]int64{0: 10, 1: 20})
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
		{resetoffsets.Target{Kind: resetoffsets.ToLatest}, only1, "map[0:42 1:100]"},
		{resetoffsets.Target{Kind: resetoffsets.ToDatetime, Time: t0.Add(30 * time.Millisecond), Raw: "t0+30ms"}, allTopics(t), "map[0:30 1:30]"},
		{resetoffsets.Target{Kind: resetoffsets.ByDuration, Time: t0.Add(time.Hour), Raw: "after the last"}, allTopics(t), "map[0:100 1:100]"},
		{resetoffsets.Target{Kind: resetoffsets.FromFile, File: pf, Raw: csv}, resetoffsets.Scope{}, "map[0:5 1:100]"}, // 500 clamped to end
	}
	for _, c := range cases {
		p := plan(t, l, []string{"queue"}, c.target, c.scope)
		var undo resetoffsets.Plan
		before := shareStarts(t, l, "queue")
		res, err := resetoffsets.Apply(l.Ctx, l.Cl, p, resetoffsets.ApplyOptions{Expected: resetoffsets.ExpectedFrom(p),
			BeforeCommit: func(u resetoffsets.Plan) error { undo = u; return nil }})
		if err != nil || res.Failed != 0 {
			t.Fatalf("%s: %v (%+v)", c.target, err, res.Rows)
		}
		if got := shareStarts(t, l, "queue"); got != c.want {
			t.Fatalf("%s: start offsets %s, want %s", c.target, got, c.want)
		}
		for _, r := range p.Rows {
			if got := shareStarts(t, l, "queue"); !strings.Contains(got, fmt.Sprintf("%d:%d", r.Partition, r.NewOffset)) {
				t.Fatalf("%s: row %+v not landed: %s", c.target, r, got)
			}
		}
		if len(undo.Rows) != len(p.Rows) {
			t.Fatalf("%s: undo has %d rows for %d", c.target, len(undo.Rows), len(p.Rows))
		}
		if c.target.Kind == resetoffsets.ToDatetime {
			// Undo round trip: the undo plan restores the offsets before.
			if res, err := resetoffsets.Apply(l.Ctx, l.Cl, undo, resetoffsets.ApplyOptions{Expected: resetoffsets.ExpectedFrom(undo)}); err != nil || res.Failed != 0 {
				t.Fatalf("undo: %v %+v", err, res.Rows)
			}
			if got := shareStarts(t, l, "queue"); got != before {
				t.Fatalf("undo: %s, want %s", got, before)
			}
			p := plan(t, l, []string{"queue"}, c.target, c.scope)
			if _, err := resetoffsets.Apply(l.Ctx, l.Cl, p, resetoffsets.ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}

	l.Commit("classic-src", map[string]map[int32]int64{"orders": {0: 1}})
	for _, target := range []resetoffsets.Target{
		{Kind: resetoffsets.ShiftBy, Shift: 1, Raw: "1"},
		{Kind: resetoffsets.ToCurrent},
		{Kind: resetoffsets.ToGroup, Group: "classic-src", Raw: "classic-src"},
	} {
		f, err := resetoffsets.Load(l.Ctx, l.Cl, selection("queue"), target, allTopics(t))
		if err != nil {
			t.Fatal(err)
		}
		_, err = resetoffsets.BuildPlan(f, target, allTopics(t), time.Now())
		var in *resetoffsets.InputError
		if !errors.As(err, &in) || !strings.Contains(err.Error(), "share group queue") {
			t.Fatalf("%s: err %v, want an input error naming the share group", target, err)
		}
	}
	if got := shareStarts(t, l, "queue"); got != "map[0:5 1:100]" {
		t.Fatalf("a refused target changed offsets: %s", got)
	}
}

func selection(groups ...string) describe.Selection { return describe.Selection{Groups: groups} }

// A share consumer joins after the check, just before the write: the
// broker refuses AlterShareGroupOffsets (NON_EMPTY_GROUP), nothing moves.
func TestShareMemberJoiningBeforeWriteIsRefusedByBroker(t *testing.T) {
	t.Parallel()
	l := newResetLab(t)
	initShare(t, l, "queue", map[int32]int64{0: 10, 1: 20})
	p := plan(t, l, []string{"queue"}, resetoffsets.Target{Kind: resetoffsets.ToEarliest}, allTopics(t))
	res, err := resetoffsets.Apply(l.Ctx, l.Cl, p, resetoffsets.ApplyOptions{
		BeforeCommit: func(resetoffsets.Plan) error {
			l.ShareMember(lab.ShareMemberSpec{Group: "queue", Topics: []string{"orders"}, ClientID: "late", Accept: 0})
			l.WaitShare("queue", 1, 170)
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed != 2 || !res.Rows[0].Refused || !res.Rows[1].Refused {
		t.Fatalf("result %+v, want both partitions refused", res.Rows)
	}
	if got := shareStarts(t, l, "queue"); got != "map[0:10 1:20]" {
		t.Fatalf("start offsets moved: %s", got)
	}
}
