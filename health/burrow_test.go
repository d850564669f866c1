package health

import (
	"testing"
	"time"
)

// pts builds a window from (offset, commit time in ms, lag) triples.
func pts(v ...int64) []Point {
	var out []Point
	for i := 0; i+2 < len(v); i += 3 {
		out = append(out, Point{Offset: v[i], Time: time.UnixMilli(v[i+1]), Lag: v[i+2]})
	}
	return out
}

// Burrow's own evaluator vectors (core/internal/evaluator/caching_test.go),
// with its explanation of each expected status.
func TestBurrowVectors(t *testing.T) {
	steady := pts(1000, 100000, 0, 2000, 200000, 50, 3000, 300000, 100, 4000, 400000, 150, 5000, 500000, 200)
	growing := pts(1000, 100000, 50, 2000, 200000, 100, 3000, 300000, 150, 4000, 400000, 200, 5000, 500000, 250)
	frozenZero := pts(1000, 100000, 0, 1000, 200000, 50, 1000, 300000, 100, 1000, 400000, 150, 1000, 500000, 200)
	frozen := pts(1000, 100000, 100, 1000, 200000, 150, 1000, 300000, 200, 1000, 400000, 250, 1000, 500000, 300)
	frozenFlat := pts(1000, 100000, 100, 1000, 200000, 100, 1000, 300000, 100, 1000, 400000, 100, 1000, 500000, 100)
	rewound := pts(1000, 100000, 100, 2000, 200000, 150, 3000, 300000, 200, 2000, 400000, 1250, 4000, 500000, 300)
	var caughtUp []Point // #290 / #303: one commit a second, always at the end
	for i := int64(0); i < 15; i++ {
		caughtUp = append(caughtUp, Point{Offset: 792748079 + i, Time: time.UnixMilli(1512224618356 + i*1002), Lag: 0})
	}
	cases := []struct {
		name    string
		points  []Point
		broker  []int64
		lag     int64
		now     int64 // seconds
		want    Status
		stopped bool
	}{
		{"0: zero lag somewhere in the window", steady, []int64{5200}, 200, 600, OK, false},
		{"1: idle time equal to the span is not stopped", steady, []int64{5200}, 200, 900, OK, false},
		{"2: idle longer than the span is STOP, zero lag or not (#290)", steady, []int64{5200}, 200, 1000, Stop, true},
		{"3: STOP with lag always non-zero too", growing, []int64{5250}, 250, 1000, Stop, true},
		{"4: same offset but a zero lag in the window is OK", frozenZero, []int64{1200}, 200, 600, OK, false},
		{"5: same offset, lag always non-zero: STALL", frozen, []int64{1300}, 300, 600, Stall, false},
		{"6: STALL even when the lag stays the same", frozenFlat, []int64{1100}, 100, 600, Stall, false},
		{"7: an offset going backwards is REWIND even if it recovers", rewound, []int64{4300}, 300, 600, Rewind, false},
		{"8: current lag zero is OK whatever the timestamps say", growing, []int64{5250}, 0, 1000, OK, true},
		{"9: new data after the last commit: STOP (#290)", caughtUp, []int64{792749024, 792749000, 792748800, 792748600, 792748500}, 931, 1512224650, Stop, true},
		{"10: a recent broker offset at the last commit: OK (#303)", caughtUp, []int64{792748094, 792748093, 792748093, 792748093}, 1, 1512224650, OK, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, checks := Evaluate(Window{Points: c.points, BrokerOffsets: c.broker, CurrentLag: c.lag, Now: time.Unix(c.now, 0)})
			if got != c.want || checks.Stopped != c.stopped {
				t.Fatalf("status %s (stopped %v), want %s (stopped %v); checks %+v", got, checks.Stopped, c.want, c.stopped, checks)
			}
		})
	}
}

// The scenarios in Burrow's terms: growing, recovering, caught up.
func TestScenarioWindows(t *testing.T) {
	now := time.Unix(1000, 0)
	at := func(s int64) time.Time { return time.Unix(s, 0) }
	growing := []Point{{100, at(970), 900}, {200, at(980), 950}, {300, at(990), 1000}, {400, at(1000), 1050}}
	if s, _ := Evaluate(Window{Points: growing, CurrentLag: 1050, Now: now, BrokerOffsets: []int64{1450}}); s != Warn {
		t.Fatalf("growing lag: %s, want WARN", s)
	}
	recovering := []Point{{100, at(970), 900}, {400, at(980), 700}, {700, at(990), 500}, {1000, at(1000), 300}}
	if s, _ := Evaluate(Window{Points: recovering, CurrentLag: 300, Now: now, BrokerOffsets: []int64{1300}}); s != OK {
		t.Fatalf("recovering: %s, want OK", s)
	}
	if s, _ := Evaluate(Window{Points: recovering, CurrentLag: 300, Now: now, AllowedLag: 300}); s != OK {
		t.Fatalf("allowed lag: %s", s)
	}
	if Stop.GroupLevel() != Err || Stall.GroupLevel() != Err || Rewind.GroupLevel() != Err || Warn.GroupLevel() != Warn {
		t.Fatal("group level mapping")
	}
	if s, _ := Evaluate(Window{}); s != NotFound {
		t.Fatal("empty window")
	}
}
