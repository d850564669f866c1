package health

import (
	"fmt"
	"maps"
	"slices"
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
}

func evaluateGroup(name string, samples []Sample, allowedLag int64) GroupStatus {
	last := samples[len(samples)-1].Groups[name]
	gs := GroupStatus{Group: name, State: last.State, TotalLag: last.TotalLag, Error: last.Error, Partitions: []PartitionStatus{}}
	if last.State == nil {
		gs.level, gs.Status, gs.Reason = NotFound, NotFound.String(), "group not found"
		return gs
	}
	if last.Type != nil && !describe.Readable(*last.Type) {
		gs.level, gs.Status, gs.Reason = Err, Err.String(), "not judged: "+describe.UnreadableText(*last.Type)
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
			series[tp] = append(series[tp], obs{t: s.Time, committed: p.CommittedOffset, end: p.LogEndOffset, owner: p.ClientID})
		}
	}
	tps := make([]describe.TP, 0, len(series))
	for tp := range series {
		tps = append(tps, tp)
	}
	describe.SortTPs(tps)
	worst := OK
	var worstP *PartitionStatus
	for _, tp := range tps {
		ps := evaluatePartition(tp, series[tp], allowedLag)
		gs.Partitions = append(gs.Partitions, ps)
		if ps.status > OK && (worstP == nil || ps.status > worstP.status) {
			cp := ps
			worstP = &cp
			worst = ps.status.GroupLevel()
		}
	}
	gs.level, gs.Status = worst, worst.String()
	switch {
	case worstP != nil:
		gs.Reason = fmt.Sprintf("%s/%d %s: %s", worstP.Topic, worstP.Partition, worstP.Status, worstP.Reason)
	case len(gs.Partitions) == 0:
		gs.Reason = "no committed or assigned partitions"
	default:
		gs.Reason = "every partition is caught up or catching up"
	}
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
	if lastObs.committed == nil || lastObs.end == nil {
		ps.status, ps.Status = NotFound, NotFound.String()
		ps.Reason = "never committed"
		if lastObs.committed == nil && lastObs.end != nil {
			ps.Reason = "never committed; its consumer starts per auto.offset.reset"
		}
		return ps
	}
	w.CurrentLag = max(0, *lastObs.end-*lastObs.committed)
	ps.Lag = &w.CurrentLag
	st, checks := Evaluate(w)
	ps.status, ps.Status = st, st.String()
	ps.Reason = reason(st, checks, w, series)
	return ps
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
		return fmt.Sprintf("falling behind: the offset moves (%s → %s) but lag never decreased over %s (%s → %s)",
			thousands(first.Offset), thousands(last.Offset), roundDur(span), thousands(first.Lag), lag)
	case OK:
		switch {
		case w.CurrentLag <= w.AllowedLag:
			return "caught up"
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
