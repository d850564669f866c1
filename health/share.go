package health

import (
	"fmt"
	"time"

	"github.com/kgroups/kgroups/describe"
)

// Share groups (KIP-932) commit nothing, so Burrow's rules do not apply.
// Per partition kgroups watches what the broker reports: the share start
// offset (the first record not yet finished) and the share lag (records
// not yet delivered or acknowledged).
//   - lag at or below the allowed lag in the last sample: OK, caught up;
//   - lag, and no member is assigned the partition: STOP, nobody reads it;
//   - lag, members, and the start offset did not move over the window
//     while the lag never decreased: STALL (records stuck at the delivery
//     count limit, or locks held too long);
//   - lag, the start offset moves but the lag never decreased: WARN;
//   - otherwise OK, catching up.
// A partition whose lag the broker does not report is NOTFOUND (no verdict
// without evidence); a group with lag on no partition at all is WARN.

type shareObs struct {
	t       time.Time
	start   *int64
	lag     *int64
	end     *int64
	members int
	owner   *string
}

func evaluateShareGroup(gs GroupStatus, name string, samples []Sample, allowedLag int64) GroupStatus {
	last := samples[len(samples)-1].Groups[name]
	series := map[describe.TP][]shareObs{}
	for _, s := range samples {
		g, ok := s.Groups[name]
		if !ok {
			continue
		}
		for _, p := range g.Partitions {
			tp := describe.TP{Topic: p.Topic, Partition: p.Partition}
			series[tp] = append(series[tp], shareObs{t: s.Time, start: p.StartOffset, lag: p.Lag, end: p.LogEndOffset,
				members: len(p.MemberIDs), owner: p.ClientID})
		}
	}
	tps := make([]describe.TP, 0, len(series))
	for tp := range series {
		tps = append(tps, tp)
	}
	describe.SortTPs(tps)
	var worstP *PartitionStatus
	judged := 0
	for _, tp := range tps {
		ps := evaluateSharePartition(tp, series[tp], len(last.Members), allowedLag)
		gs.Partitions = append(gs.Partitions, ps)
		if ps.status != NotFound {
			judged++
		}
		if ps.status > OK && (worstP == nil || ps.status > worstP.status) {
			cp := ps
			worstP = &cp
		}
	}
	switch {
	case worstP != nil:
		gs.level = worstP.status.GroupLevel()
		gs.Reason = fmt.Sprintf("%s/%d %s: %s", worstP.Topic, worstP.Partition, worstP.Status, worstP.Reason)
	case len(gs.Partitions) == 0:
		gs.level, gs.Reason = OK, "no assigned partitions and no share state"
	case judged == 0:
		gs.level, gs.Reason = Unknown, "not judged: the broker reported no share lag for any partition (it needs DescribeShareGroupOffsets v1, Kafka 4.2+)"
	default:
		gs.level, gs.Reason = OK, "every share partition is caught up or catching up"
	}
	gs.Status = gs.level.String()
	return gs
}

func evaluateSharePartition(tp describe.TP, series []shareObs, groupMembers int, allowedLag int64) PartitionStatus {
	ps := PartitionStatus{Topic: tp.Topic, Partition: tp.Partition, Evidence: []Evidence{}}
	for _, o := range series {
		ps.Evidence = append(ps.Evidence, Evidence{Time: o.t.UTC().Format(time.RFC3339Nano), StartOffset: o.start,
			LogEndOffset: o.end, Lag: o.lag})
	}
	first, last := series[0], series[len(series)-1]
	ps.Owner = last.owner
	set := func(st Status, reason string) PartitionStatus {
		ps.status, ps.Status, ps.Reason = st, st.String(), reason
		return ps
	}
	if last.lag == nil {
		if last.start == nil {
			return set(NotFound, "no share state yet: the group has not fetched from it")
		}
		return set(NotFound, "the broker reports no share lag for it")
	}
	lag := *last.lag
	ps.Lag = &lag
	if lag <= allowedLag {
		return set(OK, "caught up")
	}
	span := roundDur(last.t.Sub(first.t))
	if groupMembers == 0 {
		return set(Stop, fmt.Sprintf("no members: %s records wait undelivered and nobody reads them", thousands(lag)))
	}
	if last.members == 0 {
		return set(Stop, fmt.Sprintf("no member is assigned it while %s records wait undelivered", thousands(lag)))
	}
	startMoved, lagDecreased, alwaysLag := false, false, true
	for i, o := range series {
		if o.lag == nil || *o.lag <= allowedLag {
			alwaysLag = false
		}
		if i == 0 {
			continue
		}
		prev := series[i-1]
		if o.start != nil && prev.start != nil && *o.start != *prev.start {
			startMoved = true
		}
		if o.lag != nil && prev.lag != nil && *o.lag < *prev.lag {
			lagDecreased = true
		}
	}
	switch {
	case alwaysLag && !startMoved && !lagDecreased:
		holder := fmt.Sprintf("%d members hold it", last.members)
		if last.owner != nil {
			holder = *last.owner + " holds it"
		}
		return set(Stall, fmt.Sprintf("stuck: %s, but its start offset stayed at %s for %s while the lag went %s → %s (records at the delivery-count limit, or locks held too long?)",
			holder, num64(last.start), span, num64(first.lag), thousands(lag)))
	case alwaysLag && !lagDecreased:
		return set(Warn, fmt.Sprintf("falling behind: the start offset moves (%s → %s) but the lag never decreased over %s (%s → %s)",
			num64(first.start), num64(last.start), span, num64(first.lag), thousands(lag)))
	}
	return set(OK, fmt.Sprintf("catching up: start offset %s → %s, lag %s → %s over %s", num64(first.start), num64(last.start), num64(first.lag), thousands(lag), span))
}

func num64(v *int64) string {
	if v == nil {
		return "-"
	}
	return thousands(*v)
}
