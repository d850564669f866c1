package health

import (
	"strings"
	"testing"
	"time"

	"github.com/kgroups/kgroups/describe"
)

var t0 = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

func i64(v int64) *int64 { return &v }

// samplesOf builds one group's samples, 10 s apart, of one partition:
// (committed, end) pairs; owner is the client id owning it (or "").
func samplesOf(owner string, pairs ...int64) []Sample {
	var out []Sample
	for i := 0; i+1 < len(pairs); i += 2 {
		c, e := pairs[i], pairs[i+1]
		p := describe.PartitionView{Topic: "orders", Partition: 3, CommittedOffset: i64(c), LogEndOffset: i64(e), Lag: i64(max(0, e-c))}
		if owner != "" {
			p.ClientID, p.MemberID = &owner, &owner
		}
		state := "Stable"
		if owner == "" {
			state = "Empty"
		}
		out = append(out, Sample{Time: t0.Add(time.Duration(i/2) * 10 * time.Second),
			Groups: map[string]describe.GroupView{"g": {Group: "g", State: &state, TotalLag: p.Lag, Partitions: []describe.PartitionView{p}}}})
	}
	return out
}

func TestSampledScenarios(t *testing.T) {
	cases := []struct {
		name, owner     string
		pairs           []int64
		status, group   string
		reasonFragments []string
	}{
		{"stopped: nobody owns it, nothing moves", "", []int64{1000, 2204, 1000, 2204, 1000, 2204}, "STOP", "ERR",
			[]string{"commits stopped", "1,000 has not moved for 20s", "lag is 1,204", "no member owns it"}},
		{"stalled: an owner that does not progress", "worker-1", []int64{1000, 1100, 1000, 1200, 1000, 1300}, "STALL", "ERR",
			[]string{"stalled: owned by worker-1", "stayed at 1,000 for 20s", "100 → 300"}},
		{"rewound", "worker-1", []int64{3000, 3100, 2000, 3200, 3300, 3400}, "REWIND", "ERR",
			[]string{"went back from 3,000 to 2,000"}},
		{"growing: moves but lag grows", "worker-1", []int64{100, 1000, 150, 1150, 200, 1300, 250, 1450}, "WARN", "WARN",
			[]string{"falling behind", "100 → 250", "900 → 1,200"}},
		{"lag never falls but grows by less than one interval's production", "worker-1", []int64{100, 1000, 200, 1150, 300, 1300, 400, 1450}, "OK", "OK",
			[]string{"keeping up", "900 → 1,050", "150 records"}},
		{"progressing with a small lag (1 → 3)", "worker-1", []int64{99, 100, 109, 110, 118, 120, 127, 130}, "OK", "OK",
			[]string{"keeping up", "1 → 3"}},
		{"recovering", "worker-1", []int64{100, 1000, 400, 1100, 700, 1200, 1000, 1300}, "OK", "OK",
			[]string{"catching up: lag 900 → 300"}},
		{"caught up", "worker-1", []int64{100, 100, 200, 200, 300, 300}, "OK", "OK", []string{"caught up"}},
		{"caught up and idle without members is not STOP", "", []int64{500, 500, 500, 500, 500, 500}, "OK", "OK", []string{"caught up"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := EvaluateSamples(samplesOf(c.owner, c.pairs...), 0)
			g := doc.Groups[0]
			p := g.Partitions[0]
			if p.Status != c.status || g.Status != c.group {
				t.Fatalf("partition %s group %s, want %s %s (%s)", p.Status, g.Status, c.status, c.group, p.Reason)
			}
			for _, f := range c.reasonFragments {
				if !strings.Contains(p.Reason, f) {
					t.Errorf("reason %q lacks %q", p.Reason, f)
				}
			}
			if len(p.Evidence) != len(c.pairs)/2 || doc.WindowMs != int64(len(c.pairs)/2-1)*10000 {
				t.Fatalf("evidence %d window %d", len(p.Evidence), doc.WindowMs)
			}
			if c.group != "OK" && !strings.HasPrefix(g.Reason, "orders/3 "+c.status) {
				t.Fatalf("group reason %q", g.Reason)
			}
		})
	}
	// Allowed lag makes a small constant lag OK.
	if g := EvaluateSamples(samplesOf("w", 1000, 1005, 1000, 1005, 1000, 1005), 5).Groups[0]; g.Status != "OK" {
		t.Fatalf("allowed lag: %s", g.Status)
	}
	// A partition never committed with records waiting is WARN in words,
	// never OK; an empty one is OK; one that could not be read is UNKNOWN
	// and makes an otherwise OK group UNKNOWN.
	with := func(extra describe.PartitionView) GroupStatus {
		s := samplesOf("w", 10, 20, 20, 20)
		for i := range s {
			g := s[i].Groups["g"]
			g.Partitions = append(g.Partitions, extra)
			s[i].Groups["g"] = g
		}
		return EvaluateSamples(s, 0).Groups[0]
	}
	g := with(describe.PartitionView{Topic: "orders", Partition: 4, LogStartOffset: i64(0), LogEndOffset: i64(8000), Backlog: i64(8000)})
	if g.Partitions[1].Status != "WARN" || g.Status != "WARN" || !strings.Contains(g.Reason, "orders/4 WARN: never committed; 8,000 records waiting") {
		t.Fatalf("never committed: %s / group %s: %s", g.Partitions[1].Status, g.Status, g.Reason)
	}
	g = with(describe.PartitionView{Topic: "orders", Partition: 4, LogStartOffset: i64(50), LogEndOffset: i64(50), Backlog: i64(0)})
	if g.Partitions[1].Status != "OK" || g.Status != "OK" || !strings.Contains(g.Partitions[1].Reason, "no records to consume") {
		t.Fatalf("never committed, empty log: %s / group %s", g.Partitions[1].Status, g.Status)
	}
	e := "partition has no leader"
	g = with(describe.PartitionView{Topic: "orders", Partition: 4, CommittedOffset: i64(5), Error: &e})
	if g.Partitions[1].Status != "UNKNOWN" || g.Status != "UNKNOWN" || g.Level() != Unknown ||
		g.Reason != "orders/4: offsets could not be read: partition has no leader" {
		t.Fatalf("unreadable: %s / group %s: %s", g.Partitions[1].Status, g.Status, g.Reason)
	}
	gone := "topic does not exist (deleted?)"
	g = with(describe.PartitionView{Topic: "gone", Partition: 0, CommittedOffset: i64(5), Error: &gone})
	if g.Partitions[0].Topic != "gone" || g.Partitions[0].Status != "NOTFOUND" || g.Status != "OK" ||
		!strings.Contains(g.Partitions[0].Reason, "the group still has offsets for it") {
		t.Fatalf("deleted topic: %s / group %s: %s", g.Partitions[0].Status, g.Status, g.Reason)
	}
	ge := "offset fetch: NOT_COORDINATOR"
	st := "Stable"
	if g := EvaluateSamples([]Sample{{Time: t0, Groups: map[string]describe.GroupView{"g": {Group: "g", State: &st, Error: &ge}}}}, 0).Groups[0]; g.Status != "UNKNOWN" {
		t.Fatalf("group error with no partitions: %s %s", g.Status, g.Reason)
	}
	missing := Sample{Time: t0, Groups: map[string]describe.GroupView{"nosuch": {Group: "nosuch"}}}
	if g := EvaluateSamples([]Sample{missing, missing}, 0).Groups[0]; g.Status != "NOTFOUND" || g.Level() != NotFound {
		t.Fatalf("missing group: %+v", g)
	}
}

func TestTimeLagMethods(t *testing.T) {
	now := t0.Add(time.Hour)
	rec := t0.Add(59 * time.Minute)
	ends := []EndPoint{{t0.Add(50 * time.Minute), 1000}, {t0.Add(55 * time.Minute), 2000}, {t0.Add(60 * time.Minute), 3000}}
	cases := []struct {
		name             string
		committed, start int64
		rec              *time.Time
		ends             []EndPoint
		secs             float64
		method           string
	}{
		{"caught up", 3000, 0, nil, nil, 0, MethodCaughtUp},
		{"record", 2500, 0, &rec, ends, 60, MethodRecord},
		{"record deleted: lower bound", 100, 500, &rec, nil, 60, MethodLowerBound},
		{"interpolated", 1500, 0, nil, ends, 450, MethodInterpolated}, // half way between 50 and 55 min: 7.5 min ago
		{"extrapolated", 500, 0, nil, ends, 750, MethodExtrapolated},  // 200 records/min: 2500 behind the end = 12.5 min
	}
	for _, c := range cases {
		secs, method, ok := TimeLag(now, c.committed, c.start, 3000, c.rec, c.ends)
		if !ok || method != c.method || secs != c.secs {
			t.Errorf("%s: %v %s %v, want %v %s", c.name, secs, method, ok, c.secs, c.method)
		}
	}
	if _, _, ok := TimeLag(now, 10, 0, 20, nil, nil); ok {
		t.Error("nothing to go on: want ok=false")
	}
}

func TestWatchTrend(t *testing.T) {
	view := func(c, e int64) describe.Document {
		m := "m1"
		return describe.Document{Groups: []describe.GroupView{{Group: "g", Members: []describe.MemberView{{MemberID: m, ClientID: "c1"}},
			Partitions: []describe.PartitionView{{Topic: "t", Partition: 0, CommittedOffset: i64(c), LogEndOffset: i64(e), Lag: i64(e - c), MemberID: &m}}}}}
	}
	first := Watch(nil, view(100, 600), t0, 0)
	if first.IntervalMs != nil || first.Groups[0].Trend.LagDelta != nil || *first.Groups[0].Trend.Lag != 500 {
		t.Fatalf("first refresh: %+v", first.Groups[0].Trend)
	}
	prev := view(100, 600)
	// 10 s later: consumed 300, produced 100 → lag 300, ETA 300/20 = 15 s.
	w := Watch(&prev, view(400, 700), t0.Add(10*time.Second), 10*time.Second)
	tr := w.Groups[0].Trend
	if *tr.LagDelta != -200 || *tr.ConsumeRate != 30 || *tr.ProduceRate != 10 || *tr.ETASeconds != 15 || tr.FallingBehindBy != nil {
		t.Fatalf("catching up: %+v", tr)
	}
	if m := w.Groups[0].Members[0].Trend; *m.ETASeconds != 15 {
		t.Fatalf("member trend %+v", m)
	}
	behind := Watch(&prev, view(150, 800), t0.Add(10*time.Second), 10*time.Second).Groups[0].Trend
	if behind.FallingBehindBy == nil || *behind.FallingBehindBy != 15 || behind.ETASeconds != nil {
		t.Fatalf("falling behind: %+v", behind)
	}
}
