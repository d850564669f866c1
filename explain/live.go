package explain

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kgroups/kgroups/describe"
)

// Thresholds of the live rules.
const (
	hotPartitionShare = 0.5  // one partition holds at least half of the lag: not a slow member
	sickMemberShare   = 0.75 // one member's partitions hold three quarters of it
	minLagForShares   = 100  // below this, lag shares are noise
)

var rebalancingStates = map[string]bool{"preparingrebalance": true, "completingrebalance": true, "assigning": true, "reconciling": true}

// liveRules diagnose a group as it is, from two samples.
func liveRules(c *config, in Input) []Finding {
	g, first := in.Live.Second, in.Live.First
	var out []Finding
	if g.Error != nil && g.State == nil {
		return []Finding{{ID: "live-group", Severity: Error, Title: "the group cannot be read", Detail: *g.Error,
			Fix: "check the group name (kgroups list)", Facts: map[string]any{}}}
	}
	state := strings.ToLower(deref(g.State))
	lag := int64(0)
	if g.TotalLag != nil {
		lag = *g.TotalLag
	}

	if rebalancingStates[state] && rebalancingStates[strings.ToLower(deref(first.State))] {
		out = append(out, Finding{ID: "stuck-rebalance", Severity: Error, Title: "the group is stuck rebalancing",
			Detail: fmt.Sprintf("state %s in both samples %s apart: no member consumes while the group rebalances. Usual causes: a member whose poll loop exceeds max.poll.interval.ms, a crash-looping member, or a member that never rejoins within the rebalance timeout.",
				deref(g.State), fmtDur(in.Live.Interval)),
			Fix:   "find the member that does not rejoin (kgroups describe " + g.Group + " --members -o wide) and restart or fix it",
			Facts: map[string]any{"state": deref(g.State)}})
	}

	if state == "empty" && lag > 0 {
		growth := ""
		if first.TotalLag != nil {
			growth = fmt.Sprintf(" (%+d in %s)", lag-*first.TotalLag, fmtDur(in.Live.Interval))
		}
		out = append(out, Finding{ID: "empty-with-lag", Severity: Warn, Title: "nobody is consuming, and there is lag",
			Detail: fmt.Sprintf("the group is Empty with a lag of %s records%s.", fmtNum(float64(lag)), growth),
			Fix:    "start the consumers, or delete the group if it is retired (kgroups delete " + g.Group + ")",
			Facts:  map[string]any{"lag": lag}})
	}

	if idle := g.Summary.IdleMembers; idle > 0 && len(g.Members) > 0 {
		var names []string
		for _, m := range g.Members {
			if m.Partitions == 0 {
				names = append(names, m.ClientID)
			}
		}
		out = append(out, Finding{ID: "idle-members", Severity: Warn, Title: "members with no partitions",
			Detail: fmt.Sprintf("%d of %d members have no partition (%s): the group has more members than partitions, or their subscriptions do not overlap the others'.",
				idle, len(g.Members), strings.Join(names, ", ")),
			Fix:   fmt.Sprintf("run %d members, or add partitions", len(g.Members)-idle),
			Facts: map[string]any{"idle_members": idle, "members": len(g.Members)}})
	}

	out = append(out, lagShape(first, g, lag, in.Live.Interval)...)
	out = append(out, logBounds(c, g)...)

	if subs := subscriptionSets(g); len(subs) > 1 {
		out = append(out, Finding{ID: "mixed-subscriptions", Severity: Warn, Title: "members subscribe to different topics",
			Detail: "subscriptions differ: " + strings.Join(subs, "; ") + ". Range and roundrobin then assign per topic or skip members and can be badly unbalanced; sticky falls back to its slower general algorithm. During a rolling deploy this is expected briefly.",
			Fix:    "give every member of the group the same subscription",
			Facts:  map[string]any{"subscriptions": subs}})
	}

	if g.Epoch != nil {
		var behind []string
		for _, m := range g.Members {
			if m.TargetAssignment != nil && fmt.Sprint(m.Assignment) != fmt.Sprint(m.TargetAssignment) && memberBehindInBoth(first, m) {
				behind = append(behind, fmt.Sprintf("%s has %s, target %s", m.ClientID, fmt.Sprint(m.Assignment), fmt.Sprint(m.TargetAssignment)))
			}
		}
		if len(behind) > 0 {
			out = append(out, Finding{ID: "kip848-reconciling", Severity: Warn, Title: "members have not reached their target assignment",
				Detail: "in both samples: " + strings.Join(behind, "; ") + ". Partitions move only after the old owner revokes them; a member that does not heartbeat or revoke holds the group back.",
				Fix:    "check the lagging member's client logs; restart it if it is stuck",
				Facts:  map[string]any{"members": len(behind)}})
		}
	}

	if n := g.Summary.UncommittedPartitions; n > 0 && len(g.Members) > 0 {
		out = append(out, Finding{ID: "uncommitted-partitions", Severity: Info, Title: "assigned partitions with no committed offset",
			Detail: fmt.Sprintf("%d partition(s) have never been committed (backlog %s records). If their consumer restarts before it commits, it starts per auto.offset.reset=%s.",
				n, fmtNum(float64(g.Summary.UncommittedBacklog)), c.str("auto.offset.reset")),
			Fix:   "commit early (or check that the consumer commits at all)",
			Facts: map[string]any{"partitions": n, "backlog": g.Summary.UncommittedBacklog}})
	}
	return out
}

// lagShape tells a hot partition (one key) from a sick member (one consumer).
func lagShape(first, g describe.GroupView, total int64, interval time.Duration) []Finding {
	if total < minLagForShares || len(g.Partitions) < 2 || g.Summary.MaxLag == nil {
		return nil
	}
	max := g.Summary.MaxLag
	if float64(max.Lag)/float64(total) >= hotPartitionShare {
		// One partition holds half the lag or more: not spread over a
		// member's partitions, so never a slow member; a hot key only
		// with the evidence hotKey asks for.
		if f, ok := hotKey(first, g, total, interval); ok {
			return []Finding{f}
		}
		return nil
	}
	if len(g.Members) < 2 {
		return nil
	}
	for _, m := range g.Summary.LagByMember {
		if m.Lag == nil {
			continue // unknown lag is no evidence of a slow member
		}
		if share := float64(*m.Lag) / float64(total); share >= sickMemberShare && m.Partitions > 1 {
			host := ""
			for _, mv := range g.Members {
				if mv.MemberID == m.MemberID {
					host = mv.Host
				}
			}
			return []Finding{{ID: "slow-member", Severity: Warn, Title: "one member's partitions hold most of the lag",
				Detail: fmt.Sprintf("%s (%s) owns %d partitions holding %s of %s lag (%.0f%%), spread over them rather than on one: that consumer is slow or stuck, not the data.",
					m.ClientID, host, m.Partitions, fmtNum(float64(*m.Lag)), fmtNum(float64(total)), 100*share),
				Fix:   "look at that instance (CPU, GC pauses, a slow downstream) and restart it; its partitions move to healthy members",
				Facts: map[string]any{"member_id": m.MemberID, "client_id": m.ClientID, "lag": *m.Lag, "share": share}}}
		}
	}
	return nil
}

// logBounds: commits outside [log start, log end] reset on the next start.
func logBounds(c *config, g describe.GroupView) []Finding {
	var out []Finding
	reset := strings.ToLower(c.str("auto.offset.reset"))
	for _, p := range g.Partitions {
		if p.Anomaly == nil || p.CommittedOffset == nil || p.LogStartOffset == nil || p.LogEndOffset == nil {
			continue
		}
		cur, start, end := *p.CommittedOffset, *p.LogStartOffset, *p.LogEndOffset
		tp := fmt.Sprintf("%s/%d", p.Topic, p.Partition)
		switch *p.Anomaly {
		case describe.AnomalyBelowStart:
			var what string
			switch reset {
			case "earliest", "smallest", "beginning":
				what = fmt.Sprintf("With auto.offset.reset=%s the consumer resumes at %d: %s records (%d–%d) were never consumed and are gone.", reset, start, fmtNum(float64(start-cur)), cur, start-1)
			case "latest", "largest", "end":
				what = fmt.Sprintf("With auto.offset.reset=%s the consumer jumps to the log end %d: %s records are skipped — the %s already deleted plus the %s still in the log.",
					reset, end, fmtNum(float64(end-cur)), fmtNum(float64(start-cur)), fmtNum(float64(end-start)))
			default:
				what = fmt.Sprintf("With auto.offset.reset=%s the consumer fails to start until the offset is reset.", reset)
			}
			out = append(out, Finding{ID: "commit-below-log-start", Severity: Error, Title: tp + ": committed offset was deleted by retention",
				Detail: fmt.Sprintf("%s is committed at %d but the log now starts at %d. %s", tp, cur, start, what),
				Fix:    fmt.Sprintf("decide explicitly: kgroups reset-offsets %s --topic %s:%d --to-earliest (keep the %s remaining records) or --to-latest", g.Group, p.Topic, p.Partition, fmtNum(float64(end-start))),
				Facts:  map[string]any{"topic": p.Topic, "partition": p.Partition, "committed": cur, "log_start": start, "log_end": end}})
		case describe.AnomalyAboveEnd:
			out = append(out, Finding{ID: "commit-above-log-end", Severity: Error, Title: tp + ": committed offset is past the log end",
				Detail: fmt.Sprintf("%s is committed at %d but the log ends at %d (topic truncated or recreated?): the consumer gets OFFSET_OUT_OF_RANGE and resets per auto.offset.reset=%s; new records below %d would be skipped.", tp, cur, end, reset, cur),
				Fix:    fmt.Sprintf("kgroups reset-offsets %s --topic %s:%d --to-earliest (or --to-latest)", g.Group, p.Topic, p.Partition),
				Facts:  map[string]any{"topic": p.Topic, "partition": p.Partition, "committed": cur, "log_end": end}})
		}
	}
	return out
}

func subscriptionSets(g describe.GroupView) []string {
	seen := map[string][]string{}
	for _, m := range g.Members {
		if len(m.SubscribedTopics) == 0 {
			continue
		}
		key := strings.Join(m.SubscribedTopics, ",")
		seen[key] = append(seen[key], m.ClientID)
	}
	var out []string
	for k, ms := range seen {
		out = append(out, fmt.Sprintf("[%s] by %s", k, strings.Join(ms, ", ")))
	}
	sort.Strings(out)
	return out
}

func memberBehindInBoth(first describe.GroupView, m describe.MemberView) bool {
	for _, f := range first.Members {
		if f.MemberID == m.MemberID {
			return f.TargetAssignment != nil && fmt.Sprint(f.Assignment) != fmt.Sprint(f.TargetAssignment)
		}
	}
	return false
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// hotKey calls the partition with the most lag a hot key only on evidence
// from both samples:
//   - the group has members and one of them owns the partition (with no
//     member, nothing is consumed and no key is hot);
//   - its committed offset lies within the log (a commit below the log
//     start or past the end explains the lag: commit-below-log-start);
//   - a real majority: it holds at least two thirds of the group's lag
//     (3 × its lag ≥ 2 × total);
//   - its lag grew between the samples, or at least two thirds of the
//     records produced to the group's partitions between them went to it.
func hotKey(first, g describe.GroupView, total int64, interval time.Duration) (Finding, bool) {
	max := g.Summary.MaxLag
	if len(g.Members) == 0 || 3*max.Lag < 2*total {
		return Finding{}, false
	}
	var hot *describe.PartitionView
	for i, p := range g.Partitions {
		if p.Topic == max.Topic && p.Partition == max.Partition {
			hot = &g.Partitions[i]
		}
	}
	if hot == nil || hot.ClientID == nil || hot.Anomaly != nil {
		return Finding{}, false
	}
	before := map[string]describe.PartitionView{}
	for _, p := range first.Partitions {
		before[fmt.Sprintf("%s/%d", p.Topic, p.Partition)] = p
	}
	var produced, producedHot int64
	for _, p := range g.Partitions {
		b, ok := before[fmt.Sprintf("%s/%d", p.Topic, p.Partition)]
		if !ok || b.LogEndOffset == nil || p.LogEndOffset == nil || *p.LogEndOffset < *b.LogEndOffset {
			continue
		}
		d := *p.LogEndOffset - *b.LogEndOffset
		produced += d
		if p.Topic == hot.Topic && p.Partition == hot.Partition {
			producedHot = d
		}
	}
	facts := map[string]any{"topic": max.Topic, "partition": max.Partition, "lag": max.Lag, "share": float64(max.Lag) / float64(total),
		"lag_change": nil, "produced": produced, "produced_to_partition": producedHot}
	var evidence []string
	b := before[fmt.Sprintf("%s/%d", hot.Topic, hot.Partition)]
	if b.Lag != nil {
		change := max.Lag - *b.Lag
		facts["lag_change"] = change
		if change > 0 {
			evidence = append(evidence, fmt.Sprintf("its lag grew by %s", fmtNum(float64(change))))
		}
	}
	if produced > 0 && 3*producedHot >= 2*produced {
		evidence = append(evidence, fmt.Sprintf("it received %s of the %s records produced (%.0f%%)",
			fmtNum(float64(producedHot)), fmtNum(float64(produced)), 100*float64(producedHot)/float64(produced)))
	}
	if len(evidence) == 0 {
		return Finding{}, false
	}
	return Finding{ID: "hot-partition", Severity: Warn, Title: "one partition holds most of the lag",
		Detail: fmt.Sprintf("%s/%d has %s of the group's %s lag (%.0f%%), owned by %s, and between the samples %s apart %s: a hot key. Adding consumers does not help — one partition is consumed by one member.",
			max.Topic, max.Partition, fmtNum(float64(max.Lag)), fmtNum(float64(total)), 100*float64(max.Lag)/float64(total), *hot.ClientID,
			fmtDur(interval), strings.Join(evidence, " and ")),
		Fix:   "spread that key space (a better partitioning key, or more partitions for it), or make processing of its records faster",
		Facts: facts}, true
}
