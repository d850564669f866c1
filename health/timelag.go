package health

import (
	"time"

	"github.com/kgroups/kgroups/describe"
)

// Time-lag methods, strongest first.
const (
	MethodCaughtUp     = "caught-up"    // committed at the log end: 0 s
	MethodRecord       = "record"       // timestamp of the record at the committed offset
	MethodLowerBound   = "lower-bound"  // that record was deleted: timestamp of the first remaining one
	MethodInterpolated = "interpolated" // between sampled (log end, time) points
	MethodExtrapolated = "extrapolated" // from the produce rate over the samples
)

// EndPoint is the log end offset seen at a time.
type EndPoint struct {
	Time   time.Time
	Offset int64
}

// TimeLag estimates how far behind, in time, a committed offset is: now
// minus the time the record at that offset was written. recordTime is the
// timestamp read at that offset (or at the log start when the committed
// offset was deleted: then it is a lower bound). Without it, the time is
// interpolated between sampled log end points (kafka-lag-exporter's method)
// or extrapolated from their produce rate. ok is false when nothing applies.
func TimeLag(now time.Time, committed, logStart, logEnd int64, recordTime *time.Time, ends []EndPoint) (seconds float64, method string, ok bool) {
	if committed >= logEnd {
		return 0, MethodCaughtUp, true
	}
	if recordTime != nil {
		m := MethodRecord
		if committed < logStart {
			m = MethodLowerBound
		}
		return max(0, now.Sub(*recordTime).Seconds()), m, true
	}
	for i := 1; i < len(ends); i++ {
		a, b := ends[i-1], ends[i]
		if a.Offset <= committed && committed < b.Offset {
			frac := float64(committed-a.Offset) / float64(b.Offset-a.Offset)
			at := a.Time.Add(time.Duration(frac * float64(b.Time.Sub(a.Time))))
			return max(0, now.Sub(at).Seconds()), MethodInterpolated, true
		}
	}
	if len(ends) >= 2 {
		first, last := ends[0], ends[len(ends)-1]
		if rate := float64(last.Offset-first.Offset) / last.Time.Sub(first.Time).Seconds(); rate > 0 {
			at := last.Time.Add(-time.Duration(float64(last.Offset-committed) / rate * float64(time.Second)))
			return max(0, now.Sub(at).Seconds()), MethodExtrapolated, true
		}
	}
	return 0, "", false
}

// WantedOffsets lists, per partition, the offsets whose record timestamps
// time lag needs: the committed offset, or the log start when the
// committed offset was deleted. Caught-up partitions need none.
func WantedOffsets(groups []describe.GroupView) map[describe.TP][]int64 {
	want := map[describe.TP][]int64{}
	seen := map[describe.TP]map[int64]bool{}
	for _, g := range groups {
		for _, p := range g.Partitions {
			if p.CommittedOffset == nil || p.LogEndOffset == nil || *p.CommittedOffset >= *p.LogEndOffset {
				continue
			}
			off := *p.CommittedOffset
			if p.LogStartOffset != nil && off < *p.LogStartOffset {
				off = *p.LogStartOffset
			}
			tp := describe.TP{Topic: p.Topic, Partition: p.Partition}
			if seen[tp] == nil {
				seen[tp] = map[int64]bool{}
			}
			if !seen[tp][off] {
				seen[tp][off] = true
				want[tp] = append(want[tp], off)
			}
		}
	}
	return want
}

// FillTimeLag sets time_lag_seconds/method on every partition of the views
// that has a commit, from record times and (optionally) sampled log ends.
func FillTimeLag(groups []describe.GroupView, now time.Time, recs map[describe.TP]map[int64]time.Time, ends map[describe.TP][]EndPoint) {
	for gi := range groups {
		for pi := range groups[gi].Partitions {
			p := &groups[gi].Partitions[pi]
			if p.CommittedOffset == nil || p.LogEndOffset == nil {
				continue
			}
			start := int64(0)
			if p.LogStartOffset != nil {
				start = *p.LogStartOffset
			}
			tp := describe.TP{Topic: p.Topic, Partition: p.Partition}
			var rec *time.Time
			if ts, ok := recs[tp][max(*p.CommittedOffset, start)]; ok {
				rec = &ts
			}
			if secs, method, ok := TimeLag(now, *p.CommittedOffset, start, *p.LogEndOffset, rec, ends[tp]); ok {
				p.TimeLagSeconds, p.TimeLagMethod = &secs, &method
			}
		}
	}
}
