package health

import (
	"time"

	"github.com/kgroups/kgroups/describe"
)

// WatchDoc is one refresh of `kgroups describe --watch` (one line of NDJSON
// with -o json).
type WatchDoc struct {
	SchemaVersion int          `json:"schema_version" yaml:"schema_version"`
	Time          string       `json:"time" yaml:"time"`
	IntervalMs    *int64       `json:"interval_ms" yaml:"interval_ms"` // null on the first refresh
	Groups        []WatchGroup `json:"groups" yaml:"groups"`
}

// Trend is lag movement between two refreshes; null before the second.
type Trend struct {
	Lag             *int64   `json:"lag" yaml:"lag"`
	LagDelta        *int64   `json:"lag_delta" yaml:"lag_delta"`
	ConsumeRate     *float64 `json:"consume_rate" yaml:"consume_rate"` // records/s committed
	ProduceRate     *float64 `json:"produce_rate" yaml:"produce_rate"` // records/s written
	ETASeconds      *float64 `json:"eta_seconds" yaml:"eta_seconds"`   // to catch up at these rates
	FallingBehindBy *float64 `json:"falling_behind_per_s" yaml:"falling_behind_per_s"`
}

// WatchGroup is one group's trend, per partition and per member.
type WatchGroup struct {
	Group      string           `json:"group" yaml:"group"`
	State      *string          `json:"state" yaml:"state"`
	Trend      Trend            `json:"trend" yaml:"trend"`
	Partitions []WatchPartition `json:"partitions" yaml:"partitions"`
	Members    []WatchMember    `json:"members" yaml:"members"`
}

// WatchPartition is one partition's trend.
type WatchPartition struct {
	Topic     string  `json:"topic" yaml:"topic"`
	Partition int32   `json:"partition" yaml:"partition"`
	ClientID  *string `json:"client_id" yaml:"client_id"`
	Trend     Trend   `json:"trend" yaml:"trend"`
}

// WatchMember is the trend over one member's partitions.
type WatchMember struct {
	MemberID string `json:"member_id" yaml:"member_id"`
	ClientID string `json:"client_id" yaml:"client_id"`
	Trend    Trend  `json:"trend" yaml:"trend"`
}

type counts struct{ committed, end, lag int64 }

// trend computes rates from two readings dt apart (prev nil: first look).
func trend(prev, cur *counts, dt time.Duration) Trend {
	var t Trend
	if cur == nil {
		return t
	}
	lag := cur.lag
	t.Lag = &lag
	if prev == nil || dt <= 0 {
		return t
	}
	d := cur.lag - prev.lag
	sec := dt.Seconds()
	consume := float64(cur.committed-prev.committed) / sec
	produce := float64(cur.end-prev.end) / sec
	t.LagDelta, t.ConsumeRate, t.ProduceRate = &d, &consume, &produce
	switch {
	case cur.lag == 0:
		zero := 0.0
		t.ETASeconds = &zero
	case consume > produce:
		eta := float64(cur.lag) / (consume - produce)
		t.ETASeconds = &eta
	default:
		behind := produce - consume
		t.FallingBehindBy = &behind
	}
	return t
}

// Watch builds one refresh from the current view and the previous one.
func Watch(prev *describe.Document, cur describe.Document, now time.Time, dt time.Duration) WatchDoc {
	doc := WatchDoc{SchemaVersion: 1, Time: now.UTC().Format(time.RFC3339Nano), Groups: []WatchGroup{}}
	if prev != nil {
		ms := dt.Milliseconds()
		doc.IntervalMs = &ms
	}
	before := map[string]describe.GroupView{}
	if prev != nil {
		for _, g := range prev.Groups {
			before[g.Group] = g
		}
	}
	for _, g := range cur.Groups {
		old, hadOld := before[g.Group]
		oldParts := map[describe.TP]*counts{}
		if hadOld {
			for _, p := range old.Partitions {
				if c := partCounts(p); c != nil {
					oldParts[describe.TP{Topic: p.Topic, Partition: p.Partition}] = c
				}
			}
		}
		wg := WatchGroup{Group: g.Group, State: g.State, Partitions: []WatchPartition{}, Members: []WatchMember{}}
		var gPrev, gCur *counts
		memberPrev, memberCur := map[string]*counts{}, map[string]*counts{}
		for _, p := range g.Partitions {
			tp := describe.TP{Topic: p.Topic, Partition: p.Partition}
			c := partCounts(p)
			var pc *counts
			if hadOld {
				pc = oldParts[tp]
			}
			wg.Partitions = append(wg.Partitions, WatchPartition{Topic: p.Topic, Partition: p.Partition, ClientID: p.ClientID, Trend: trend(pc, c, dt)})
			if c == nil {
				continue
			}
			gCur = add(gCur, c)
			if pc != nil {
				gPrev = add(gPrev, pc)
			}
			if p.MemberID != nil {
				memberCur[*p.MemberID] = add(memberCur[*p.MemberID], c)
				if pc != nil {
					memberPrev[*p.MemberID] = add(memberPrev[*p.MemberID], pc)
				}
			}
		}
		if !hadOld {
			gPrev = nil
		}
		wg.Trend = trend(gPrev, gCur, dt)
		for _, m := range g.Members {
			wg.Members = append(wg.Members, WatchMember{MemberID: m.MemberID, ClientID: m.ClientID,
				Trend: trend(memberPrev[m.MemberID], memberCur[m.MemberID], dt)})
		}
		doc.Groups = append(doc.Groups, wg)
	}
	return doc
}

func partCounts(p describe.PartitionView) *counts {
	if p.CommittedOffset == nil && p.StartOffset != nil && p.LogEndOffset != nil && p.Lag != nil {
		// A share partition: end − share lag counts the records finished
		// (acknowledged or archived), so its rate is the consume rate.
		return &counts{committed: *p.LogEndOffset - *p.Lag, end: *p.LogEndOffset, lag: *p.Lag}
	}
	if p.CommittedOffset == nil || p.LogEndOffset == nil || p.Lag == nil {
		return nil
	}
	return &counts{committed: *p.CommittedOffset, end: *p.LogEndOffset, lag: *p.Lag}
}

func add(a, b *counts) *counts {
	if a == nil {
		c := *b
		return &c
	}
	return &counts{committed: a.committed + b.committed, end: a.end + b.end, lag: a.lag + b.lag}
}
