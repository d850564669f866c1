package health

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/internal/numfmt"
)

// Sample is one look at the selected groups.
type Sample struct {
	Time   time.Time
	Groups map[string]describe.GroupView
}

// StatusDoc is `kgroups status -o json`.
type StatusDoc struct {
	SchemaVersion int           `json:"schema_version" yaml:"schema_version"`
	WindowMs      int64         `json:"window_ms" yaml:"window_ms"`
	Samples       int           `json:"samples" yaml:"samples"`
	Groups        []GroupStatus `json:"groups" yaml:"groups"`
}

// GroupStatus is one group's verdict: the worst of its partitions, with
// STOP, STALL and REWIND counted as ERR.
type GroupStatus struct {
	Group      string            `json:"group" yaml:"group"`
	State      *string           `json:"state" yaml:"state"`
	Status     string            `json:"status" yaml:"status"`
	TotalLag   *int64            `json:"total_lag" yaml:"total_lag"`
	Reason     string            `json:"reason" yaml:"reason"`
	Partitions []PartitionStatus `json:"partitions" yaml:"partitions"`
	Error      *string           `json:"error" yaml:"error"`

	level Status
}

// PartitionStatus is one partition's verdict and the samples behind it.
type PartitionStatus struct {
	Topic          string     `json:"topic" yaml:"topic"`
	Partition      int32      `json:"partition" yaml:"partition"`
	Status         string     `json:"status" yaml:"status"`
	Reason         string     `json:"reason" yaml:"reason"`
	Owner          *string    `json:"owner" yaml:"owner"` // client id of the member that owns it now
	Lag            *int64     `json:"lag" yaml:"lag"`
	TimeLagSeconds *float64   `json:"time_lag_seconds" yaml:"time_lag_seconds"`
	TimeLagMethod  *string    `json:"time_lag_method" yaml:"time_lag_method"`
	Evidence       []Evidence `json:"evidence" yaml:"evidence"`

	status Status
}

// Evidence is one sample of one partition.
type Evidence struct {
	Time            string `json:"time" yaml:"time"`
	CommittedOffset *int64 `json:"committed_offset" yaml:"committed_offset"`
	StartOffset     *int64 `json:"start_offset" yaml:"start_offset"` // share groups: share start offset
	LogEndOffset    *int64 `json:"log_end_offset" yaml:"log_end_offset"`
	Lag             *int64 `json:"lag" yaml:"lag"`
}

// Level returns the group's status on Burrow's scale (OK, WARN, ERR,
// NOTFOUND).
func (g GroupStatus) Level() Status { return g.level }

// Evaluate judges every group over the samples (oldest first). allowedLag
// is Burrow's allowed-lag. Groups are in the order of the last sample's
// selection (names sorted).
func EvaluateSamples(samples []Sample, allowedLag int64) StatusDoc {
	doc := StatusDoc{SchemaVersion: 1, Samples: len(samples), Groups: []GroupStatus{}}
	if len(samples) == 0 {
		return doc
	}
	doc.WindowMs = samples[len(samples)-1].Time.Sub(samples[0].Time).Milliseconds()
	last := samples[len(samples)-1]
	for _, name := range slices.Sorted(maps.Keys(last.Groups)) {
		doc.Groups = append(doc.Groups, evaluateGroup(name, samples, allowedLag))
	}
	return doc
}

type obs struct {
	t         time.Time
	committed *int64
	end       *int64
	owner     *string
	backlog   *int64  // end − start while nothing is committed
	err       *string // why the partition could not be read
}

func evaluateGroup(name string, samples []Sample, allowedLag int64) GroupStatus {
	last := samples[len(samples)-1].Groups[name]
	gs := GroupStatus{Group: name, State: last.State, TotalLag: last.TotalLag, Error: last.Error, Partitions: []PartitionStatus{}}
	if last.State == nil {
		if last.Error != nil && *last.Error != "group not found" {
			gs.level, gs.Status, gs.Reason = Unknown, Unknown.String(), "could not be read: "+*last.Error
			return gs
		}
		gs.level, gs.Status, gs.Reason = NotFound, NotFound.String(), "group not found"
		return gs
	}
	if last.Type != nil && !describe.Readable(*last.Type) {
		gs.level, gs.Status, gs.Reason = Unknown, Unknown.String(), "not judged: "+describe.UnreadableText(*last.Type)
		return gs
	}
	if last.Type != nil && *last.Type == describe.TypeShare {
		return evaluateShareGroup(gs, name, samples, allowedLag)
	}
	series := map[describe.TP][]obs{}
	for _, s := range samples {
		g, ok := s.Groups[name]
		if !ok {
			continue
		}
		for _, p := range g.Partitions {
			tp := describe.TP{Topic: p.Topic, Partition: p.Partition}
			series[tp] = append(series[tp], obs{t: s.Time, committed: p.CommittedOffset, end: p.LogEndOffset, owner: p.ClientID,
				backlog: p.Backlog, err: p.Error})
		}
	}
	tps := make([]describe.TP, 0, len(series))
	for tp := range series {
		tps = append(tps, tp)
	}
	describe.SortTPs(tps)
	var worstP, unknownP *PartitionStatus
	unknown := 0
	for _, tp := range tps {
		ps := evaluatePartition(tp, series[tp], allowedLag)
		gs.Partitions = append(gs.Partitions, ps)
		switch {
		case ps.status == Unknown:
			unknown++
			if unknownP == nil {
				cp := ps
				unknownP = &cp
			}
		case ps.status > OK && (worstP == nil || ps.status > worstP.status):
			cp := ps
			worstP = &cp
		}
	}
	// The worst verdict with evidence wins; partitions that could not be
	// read make an otherwise OK group UNKNOWN, never OK.
	switch {
	case worstP != nil:
		gs.level = worstP.status.GroupLevel()
		gs.Reason = fmt.Sprintf("%s/%d %s: %s", worstP.Topic, worstP.Partition, worstP.Status, worstP.Reason)
		if unknown > 0 {
			gs.Reason += fmt.Sprintf("; %d partition(s) could not be read", unknown)
		}
	case unknown > 0:
		gs.level = Unknown
		gs.Reason = fmt.Sprintf("%s/%d: %s", unknownP.Topic, unknownP.Partition, unknownP.Reason)
		if unknown > 1 {
			gs.Reason += fmt.Sprintf(" (and %d more partitions could not be read)", unknown-1)
		}
	case last.Error != nil:
		gs.level, gs.Reason = Unknown, "could not be fully read: "+*last.Error
	case len(gs.Partitions) == 0:
		gs.level, gs.Reason = OK, "no committed or assigned partitions"
	default:
		gs.level, gs.Reason = OK, "every partition is caught up or catching up"
	}
	gs.Status = gs.level.String()
	return gs
}

func evaluatePartition(tp describe.TP, series []obs, allowedLag int64) PartitionStatus {
	ps := PartitionStatus{Topic: tp.Topic, Partition: tp.Partition, Evidence: []Evidence{}}
	var w Window
	w.AllowedLag = allowedLag
	var prev *int64
	for i, o := range series {
		ev := Evidence{Time: o.t.UTC().Format(time.RFC3339Nano), CommittedOffset: o.committed, LogEndOffset: o.end}
		var lag int64
		if o.committed != nil && o.end != nil {
			lag = max(0, *o.end-*o.committed)
			ev.Lag = &lag
		}
		ps.Evidence = append(ps.Evidence, ev)
		if o.end != nil {
			w.BrokerOffsets = append(w.BrokerOffsets, *o.end)
		}
		if o.committed == nil || o.end == nil {
			continue
		}
		// A point per observed commit: when the offset first appears or
		// changes, and at every sample while a live member owns the
		// partition (it commits even when the offset does not move).
		changed := prev == nil || *prev != *o.committed
		if changed || o.owner != nil || i == 0 {
			w.Points = append(w.Points, Point{Offset: *o.committed, Time: o.t, Lag: lag})
		}
		prev = o.committed
	}
	lastObs := series[len(series)-1]
	ps.Owner = lastObs.owner
	w.Now = lastObs.t
	switch {
	case lastObs.end == nil && lastObs.err != nil && strings.HasPrefix(*lastObs.err, "topic does not exist"):
		// A known fact, not a failed read: the topic is gone and nothing
		// can be consumed; the stale offsets do not judge the group.
		ps.status, ps.Status = NotFound, NotFound.String()
		ps.Reason = *lastObs.err + "; the group still has offsets for it"
		return ps
	case lastObs.end == nil:
		// No log end: nothing can be judged, and nothing is assumed.
		ps.status, ps.Status = Unknown, Unknown.String()
		ps.Reason = "offsets could not be read"
		if lastObs.err != nil {
			ps.Reason += ": " + *lastObs.err
		}
		return ps
	case lastObs.committed == nil && lastObs.backlog != nil && *lastObs.backlog > 0:
		// Records wait and nobody ever committed: no evidence of progress.
		ps.status, ps.Status = Warn, Warn.String()
		ps.Reason = fmt.Sprintf("never committed; %s records waiting (its consumer starts per auto.offset.reset)", thousands(*lastObs.backlog))
		return ps
	case lastObs.committed == nil && lastObs.backlog != nil:
		ps.status, ps.Status = OK, OK.String()
		ps.Reason = "never committed; no records to consume (log empty)"
		return ps
	case lastObs.committed == nil:
		ps.status, ps.Status = Unknown, Unknown.String()
		ps.Reason = "never committed, and its log start could not be read"
		return ps
	}
	w.CurrentLag = max(0, *lastObs.end-*lastObs.committed)
	ps.Lag = &w.CurrentLag
	st, checks := Evaluate(w)
	if st == Warn && !lagGrewPastNoise(w, series) {
		// Burrow's WARN (lag never decreased) on a consumer whose lag grew
		// by less than the producers wrote in one sampling interval: that
		// is where its commits happened to fall, not falling behind.
		st = OK
		ps.status, ps.Status = st, st.String()
		ps.Reason = fmt.Sprintf("keeping up: the offset moves (%s → %s) and lag grew only %s → %s, less than one sampling interval's production (%s records)",
			thousands(w.Points[0].Offset), thousands(w.Points[len(w.Points)-1].Offset),
			thousands(w.Points[0].Lag), thousands(w.CurrentLag), thousands(noiseFloor(series)))
		return ps
	}
	ps.status, ps.Status = st, st.String()
	ps.Reason = reason(st, checks, w, series)
	return ps
}

// noiseFloor is how many records the producers wrote to the partition in one
// sampling interval, on average over the window (at least 1). A consumer
// that commits every few seconds is, at any sample, behind by up to what was
// produced since its last commit; lag moving by less than this is sampling
// noise.
func noiseFloor(series []obs) int64 {
	var first, last *int64
	for _, o := range series {
		if o.end != nil {
			if first == nil {
				first = o.end
			}
			last = o.end
		}
	}
	if first == nil || len(series) < 2 {
		return 1
	}
	return max(1, (*last-*first)/int64(len(series)-1))
}

// lagGrewPastNoise reports whether the lag grew over the whole window by
// more than one interval's production: kgroups' condition for WARN on top of
// Burrow's (lag above --allowed-lag at every look and never decreasing).
func lagGrewPastNoise(w Window, series []obs) bool {
	if len(w.Points) < 2 {
		return false
	}
	growth := w.Points[len(w.Points)-1].Lag - w.Points[0].Lag
	return growth > noiseFloor(series)
}

// reason says in words why a partition got its status.
func reason(st Status, c Checks, w Window, series []obs) string {
	first, last := w.Points[0], w.Points[len(w.Points)-1]
	span := w.Now.Sub(series[0].t)
	lag := thousands(w.CurrentLag)
	owner := "no member owns it"
	if o := series[len(series)-1].owner; o != nil {
		owner = "owned by " + *o
	}
	switch st {
	case Stop:
		return fmt.Sprintf("commits stopped: the committed offset %s has not moved for %s (the whole window) while lag is %s; %s",
			thousands(last.Offset), roundDur(w.Now.Sub(last.Time)), lag, owner)
	case Rewind:
		for i := 1; i < len(w.Points); i++ {
			if w.Points[i].Offset < w.Points[i-1].Offset {
				return fmt.Sprintf("rewound: the committed offset went back from %s to %s; lag is %s",
					thousands(w.Points[i-1].Offset), thousands(w.Points[i].Offset), lag)
			}
		}
	case Stall:
		return fmt.Sprintf("stalled: %s, but its committed offset stayed at %s for %s while lag went %s → %s",
			owner, thousands(last.Offset), roundDur(span), thousands(first.Lag), lag)
	case Warn:
		return fmt.Sprintf("falling behind: the offset moves (%s → %s) but lag grew over %s (%s → %s)",
			thousands(first.Offset), thousands(last.Offset), roundDur(span), thousands(first.Lag), lag)
	case OK:
		switch {
		case w.CurrentLag == 0:
			return "caught up"
		case w.CurrentLag <= w.AllowedLag:
			return fmt.Sprintf("lag %s, at or below --allowed-lag %s", lag, thousands(w.AllowedLag))
		case c.Stopped && c.RecentLagZero:
			return fmt.Sprintf("no new commits, but it was caught up within the window; lag %s", lag)
		case !c.LagAlwaysNotZero:
			return fmt.Sprintf("lag reached zero within the window; lag %s now", lag)
		}
		return fmt.Sprintf("catching up: lag %s → %s over %s", thousands(first.Lag), lag, roundDur(span))
	}
	return st.String()
}

func roundDur(d time.Duration) string {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second).String()
	case d >= time.Second:
		return d.Round(100 * time.Millisecond).String()
	}
	return d.Round(time.Millisecond).String()
}

func thousands(v int64) string { return numfmt.Thousands(v) }

// AddTimeLag sets each partition's time lag from record times, falling back
// to the log ends sampled over the window (interpolated or extrapolated).
func AddTimeLag(doc *StatusDoc, samples []Sample, recs map[describe.TP]map[int64]time.Time, now time.Time) {
	last := samples[len(samples)-1]
	for gi := range doc.Groups {
		gs := &doc.Groups[gi]
		view, ok := last.Groups[gs.Group]
		if !ok {
			continue
		}
		ends := map[describe.TP][]EndPoint{}
		for _, s := range samples {
			for _, p := range s.Groups[gs.Group].Partitions {
				if p.LogEndOffset != nil {
					tp := describe.TP{Topic: p.Topic, Partition: p.Partition}
					ends[tp] = append(ends[tp], EndPoint{Time: s.Time, Offset: *p.LogEndOffset})
				}
			}
		}
		views := []describe.GroupView{view}
		views[0].Partitions = append([]describe.PartitionView(nil), view.Partitions...)
		FillTimeLag(views, now, recs, ends)
		byTP := map[describe.TP]describe.PartitionView{}
		for _, p := range views[0].Partitions {
			byTP[describe.TP{Topic: p.Topic, Partition: p.Partition}] = p
		}
		for pi := range gs.Partitions {
			ps := &gs.Partitions[pi]
			p := byTP[describe.TP{Topic: ps.Topic, Partition: ps.Partition}]
			ps.TimeLagSeconds, ps.TimeLagMethod = p.TimeLagSeconds, p.TimeLagMethod
		}
	}
}
