// Package health judges consumer lag over time: Burrow's evaluation rules
// over sampled windows (status), rates and catch-up estimates (watch), and
// time lag. Evaluation is pure; Sample and RecordTimes are the network code.
package health

import "time"

// Status is a Burrow status, in Burrow's order of severity.
type Status int

// Burrow's statuses (core/protocol/evaluator.go order).
const (
	NotFound Status = iota
	OK
	Warn
	Err
	Stop
	Stall
	Rewind
	// Unknown is kgroups' own: the partition's offsets could not be read,
	// so no rule could be applied. It is never counted as fine.
	Unknown
)

func (s Status) String() string {
	return [...]string{"NOTFOUND", "OK", "WARN", "ERR", "STOP", "STALL", "REWIND", "UNKNOWN"}[s]
}

// GroupLevel maps a partition status to the group's scale: STOP, STALL and
// REWIND count as ERR.
func (s Status) GroupLevel() Status {
	if s == Unknown {
		return Unknown
	}
	if s >= Err {
		return Err
	}
	return s
}

// Point is one commit in the window: the committed offset, when it was
// committed (for kgroups: when it was observed), and the lag then.
type Point struct {
	Offset int64
	Time   time.Time
	Lag    int64
}

// Window is what Burrow evaluates for one partition.
type Window struct {
	Points        []Point   // oldest first
	BrokerOffsets []int64   // recent log end offsets, any order
	CurrentLag    int64     // log end now - last commit
	Now           time.Time // evaluation time
	AllowedLag    int64     // lag at or below this counts as zero (Burrow allowed-lag, default 0)
}

// Checks records which of Burrow's rules held, for the explanation.
type Checks struct {
	Stopped, RecentLagZero, Rewind, LagAlwaysNotZero, Stalled, LagNotDecreasing bool
}

// Evaluate applies Burrow's rules, in Burrow's order:
//  1. only when the current lag is above the allowed lag:
//  2. STOP if the time since the last commit exceeds the window's span,
//     unless a recent log end offset is at or below the last commit;
//  3. REWIND if any committed offset is below the one before it;
//  4. if every lag in the window is above the allowed lag: STALL when all
//     committed offsets are equal, WARN when the lag never decreased;
//  5. otherwise OK.
func Evaluate(w Window) (Status, Checks) {
	var c Checks
	if len(w.Points) == 0 {
		return NotFound, c
	}
	first, last := w.Points[0], w.Points[len(w.Points)-1]
	c.Stopped = w.Now.Sub(last.Time) > last.Time.Sub(first.Time)
	for _, b := range w.BrokerOffsets {
		if b <= last.Offset {
			c.RecentLagZero = true
		}
	}
	c.LagAlwaysNotZero, c.Stalled, c.LagNotDecreasing = true, true, true
	for i, p := range w.Points {
		if p.Lag <= w.AllowedLag {
			c.LagAlwaysNotZero = false
		}
		if i == 0 {
			continue
		}
		prev := w.Points[i-1]
		if p.Offset < prev.Offset {
			c.Rewind = true
		}
		if p.Offset != prev.Offset {
			c.Stalled = false
		}
		if p.Lag < prev.Lag {
			c.LagNotDecreasing = false
		}
	}
	if w.CurrentLag <= w.AllowedLag {
		return OK, c
	}
	switch {
	case c.Stopped && !c.RecentLagZero:
		return Stop, c
	case c.Rewind:
		return Rewind, c
	case c.LagAlwaysNotZero && c.Stalled:
		return Stall, c
	case c.LagAlwaysNotZero && c.LagNotDecreasing:
		return Warn, c
	}
	return OK, c
}
