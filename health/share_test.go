package health_test

import (
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/health"
	"github.com/kgroups/kgroups/internal/lab"
	"github.com/kgroups/kgroups/internal/labtest"
)

// TestShareStatusVerdicts: real kgo share consumers on kfake. A member that
// acknowledged 6 of 40 records and then holds on (start offset stuck, lag
// 34) is STALL; a share group with lag and no members is ERR; a member that
// acknowledges everything is OK. Every judged partition is listed with its
// samples.
func TestShareStatusVerdicts(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("jobs", 1, 40)
	l.ShareMember(lab.ShareMemberSpec{Group: "stuck", Topics: []string{"jobs"}, ClientID: "st-1", Accept: 6})
	l.ShareMember(lab.ShareMemberSpec{Group: "done", Topics: []string{"jobs"}, ClientID: "dn-1", Accept: -1})
	var os kadm.Offsets
	os.AddOffset("jobs", 0, 10, -1)
	if resp, err := l.Adm.AlterShareGroupOffsets(l.Ctx, "orphan", os); err != nil || resp.Error() != nil {
		t.Fatalf("alter share offsets: %v %v", err, resp.Error())
	}
	l.WaitShare("stuck", 1, 34)
	l.WaitShare("done", 1, 0)

	g := judge(t, l, "stuck", nil)
	if g.Status != "ERR" || len(g.Partitions) != 1 || g.Partitions[0].Status != "STALL" ||
		!strings.Contains(g.Reason, "start offset stayed at 6") || *g.Partitions[0].Lag != 34 {
		t.Fatalf("stuck: %s: %s (%+v)", g.Status, g.Reason, g.Partitions)
	}
	ev := g.Partitions[0].Evidence
	if len(ev) != 4 || ev[0].StartOffset == nil || *ev[0].StartOffset != 6 || ev[0].CommittedOffset != nil || *ev[3].Lag != 34 {
		t.Fatalf("stuck evidence %+v", ev)
	}

	g = judge(t, l, "orphan", nil)
	if g.Status != "ERR" || len(g.Partitions) != 1 || !strings.Contains(g.Reason, "no members: 30 records wait undelivered") {
		t.Fatalf("orphan: %s: %s", g.Status, g.Reason)
	}

	g = judge(t, l, "done", nil)
	if g.Status != "OK" || len(g.Partitions) != 1 || g.Partitions[0].Reason != "caught up" {
		t.Fatalf("done: %s: %s", g.Status, g.Reason)
	}
}

func shareSample(at time.Time, members int, start, lag *int64) health.Sample {
	typ, state := "share", "Stable"
	g := describe.GroupView{Group: "sg", Type: &typ, State: &state,
		Partitions: []describe.PartitionView{{Topic: "q", Partition: 0, StartOffset: start, Lag: lag, MemberIDs: []string{}}}}
	for i := 0; i < members; i++ {
		id := string(rune('a' + i))
		g.Members = append(g.Members, describe.MemberView{MemberID: id})
		g.Partitions[0].MemberIDs = append(g.Partitions[0].MemberIDs, id)
	}
	return health.Sample{Time: at, Groups: map[string]describe.GroupView{"sg": g}}
}

func p64(v int64) *int64 { return &v }

// TestShareStatusRules: the share rules over literal samples.
func TestShareStatusRules(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * 10 * time.Second) }
	cases := []struct {
		name        string
		samples     []health.Sample
		group, part string
		reason      string
	}{
		{"catching up", []health.Sample{shareSample(at(0), 2, p64(100), p64(50)), shareSample(at(1), 2, p64(130), p64(30))},
			"OK", "OK", "catching up: start offset 100 → 130, lag 50 → 30"},
		{"falling behind", []health.Sample{shareSample(at(0), 1, p64(100), p64(50)), shareSample(at(1), 1, p64(120), p64(80))},
			"WARN", "WARN", "falling behind"},
		{"stuck", []health.Sample{shareSample(at(0), 1, p64(100), p64(50)), shareSample(at(1), 1, p64(100), p64(50))},
			"ERR", "STALL", "start offset stayed at 100 for 10s"},
		{"no members", []health.Sample{shareSample(at(0), 0, p64(100), p64(50)), shareSample(at(1), 0, p64(100), p64(50))},
			"ERR", "STOP", "no members: 50 records wait undelivered"},
		{"caught up", []health.Sample{shareSample(at(0), 0, p64(100), p64(0)), shareSample(at(1), 0, p64(100), p64(0))},
			"OK", "OK", "caught up"},
		{"lag not reported", []health.Sample{shareSample(at(0), 1, p64(100), nil), shareSample(at(1), 1, p64(100), nil)},
			"UNKNOWN", "NOTFOUND", "not judged: the broker reported no share lag"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := health.EvaluateSamples(c.samples, 0).Groups[0]
			if g.Status != c.group || g.Partitions[0].Status != c.part || !strings.Contains(g.Reason+" | "+g.Partitions[0].Reason, c.reason) {
				t.Fatalf("%s / %s: %s | %s; want %s / %s with %q", g.Status, g.Partitions[0].Status, g.Reason, g.Partitions[0].Reason, c.group, c.part, c.reason)
			}
		})
	}
}

// TestShareWatchRates: describe --watch on a share partition: the consume
// rate is the records finished per second (log end − share lag).
func TestShareWatchRates(t *testing.T) {
	t.Parallel()
	mk := func(start, end, lag int64) describe.Document {
		typ, state := "share", "Stable"
		return describe.Document{Groups: []describe.GroupView{{Group: "sg", Type: &typ, State: &state,
			Partitions: []describe.PartitionView{{Topic: "q", Partition: 0, StartOffset: &start, LogEndOffset: &end, Lag: &lag}}}}}
	}
	prev := mk(100, 200, 100)
	doc := health.Watch(&prev, mk(150, 220, 60), time.Now(), 10*time.Second)
	tr := doc.Groups[0].Partitions[0].Trend
	// finished 100 -> 160 (6/s), produced 200 -> 220 (2/s), lag 60: ETA 15 s.
	if tr.ConsumeRate == nil || *tr.ConsumeRate != 6 || *tr.ProduceRate != 2 || *tr.LagDelta != -40 || *tr.ETASeconds != 15 {
		t.Fatalf("trend %+v", tr)
	}
}
