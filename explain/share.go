package explain

import (
	"fmt"
	"strings"

	"github.com/kgroups/kgroups/describe"
)

// Share groups (KIP-932) have no commits, no client-side assignor, no poll
// budget and no auto.offset.reset: the consumer rules do not apply to
// them, so a share group is diagnosed only by these rules.

// liveOnly reports whether the live group's type takes the share (or the
// unreadable-type) rules instead of the consumer-config rules.
func liveOnly(in Input) bool {
	if in.Live == nil || in.Live.Second.Type == nil {
		return false
	}
	t := *in.Live.Second.Type
	return t == describe.TypeShare || !describe.Readable(t)
}

func shareRules(in Input) []Finding {
	g, first := in.Live.Second, in.Live.First
	if t := deref(g.Type); !describe.Readable(t) {
		return []Finding{{ID: "live-type-unreadable", Severity: Error, Title: "this group type is not diagnosed",
			Detail: describe.UnreadableText(t) + "; no rule is applied to it.",
			Fix:    "use the tool of its type (kafka-streams-groups.sh for streams groups)", Facts: map[string]any{"type": t}}}
	}
	if g.Error != nil {
		return []Finding{{ID: "live-group", Severity: Error, Title: "the share group cannot be read", Detail: *g.Error,
			Fix: "check the group name and your permissions (kgroups describe " + g.Group + ")", Facts: map[string]any{}}}
	}
	cfg := func(k string) string {
		if v, ok := g.ShareConfigs[k]; ok && v != nil {
			return *v
		}
		return ""
	}
	var out []Finding
	if len(in.Settings) > 0 {
		out = append(out, Finding{ID: "share-consumer-settings-not-checked", Severity: Info, Title: "consumer settings are not checked against a share group",
			Detail: "the settings given are classic consumer settings (poll budget, session, assignor, commits); a share group has none of these mechanisms, so no rule reads them here.",
			Fix:    "drop --group to check the settings on their own", Facts: map[string]any{"settings": len(in.Settings)}})
	}
	lag := int64(0)
	if g.TotalLag != nil {
		lag = *g.TotalLag
	}
	if len(g.Members) == 0 && lag > 0 {
		out = append(out, Finding{ID: "share-no-members-with-lag", Severity: Warn, Title: "nobody reads the share group, and records wait",
			Detail: fmt.Sprintf("the share group has no members and the broker reports %s records not yet delivered or acknowledged.", fmtNum(float64(lag))),
			Fix:    "start its share consumers; to drop the backlog instead: kgroups reset-offsets " + g.Group + " --all-topics --to-latest; if it is retired: kgroups delete " + g.Group,
			Facts:  map[string]any{"lag": lag}})
	}

	if len(g.Members) > 0 {
		before := map[describe.TP]describe.PartitionView{}
		for _, p := range first.Partitions {
			before[describe.TP{Topic: p.Topic, Partition: p.Partition}] = p
		}
		var stuck []string
		for _, p := range g.Partitions {
			b, ok := before[describe.TP{Topic: p.Topic, Partition: p.Partition}]
			if !ok || p.Lag == nil || b.Lag == nil || p.StartOffset == nil || b.StartOffset == nil || len(p.MemberIDs) == 0 {
				continue
			}
			if *p.Lag > 0 && *p.Lag >= *b.Lag && *p.StartOffset == *b.StartOffset {
				stuck = append(stuck, fmt.Sprintf("%s/%d (start offset %d, lag %s → %s)", p.Topic, p.Partition, *p.StartOffset, fmtNum(float64(*b.Lag)), fmtNum(float64(*p.Lag))))
			}
		}
		if len(stuck) > 0 {
			limit, lock := cfg("share.delivery.count.limit"), cfg("share.record.lock.duration.ms")
			if limit == "" {
				limit = "the broker default (group.share.delivery.count.limit, 5 in Kafka)"
			}
			if lock == "" {
				lock = "the broker default (group.share.record.lock.duration.ms, 30000 in Kafka)"
			}
			out = append(out, Finding{ID: "share-start-offset-stuck", Severity: Warn, Title: "share partitions do not advance while members hold them",
				Detail: fmt.Sprintf("in both samples %s apart, the start offset stood while the lag stood or grew: %s. The first unfinished record is not acknowledged: a consumer that acquires records and never acknowledges them (a crash loop redelivering a poison record until share.delivery.count.limit=%s archives it), or processing longer than the acquisition lock (share.record.lock.duration.ms=%s), so records are released and redelivered.",
					fmtDur(in.Live.Interval), strings.Join(stuck, ", "), limit, lock),
				Fix:   "find the consumer that does not acknowledge (its logs; kgroups describe " + g.Group + " --members); acknowledge or reject poison records, renew locks (AckRenew) for long work, or raise share.record.lock.duration.ms for the group",
				Facts: map[string]any{"partitions": len(stuck)}})
		}
	}

	if reset := strings.ToLower(cfg("share.auto.offset.reset")); reset == "" || reset == "latest" {
		val := "latest"
		if reset == "" {
			val = "latest (the default: the broker reported no value)"
		}
		var fresh, past []string
		var waiting, before int64
		for _, p := range g.Partitions {
			if p.LogStartOffset == nil || p.LogEndOffset == nil {
				continue
			}
			tp := fmt.Sprintf("%s/%d", p.Topic, p.Partition)
			switch {
			case p.StartOffset == nil && *p.LogEndOffset > *p.LogStartOffset:
				fresh = append(fresh, tp)
				waiting += *p.LogEndOffset - *p.LogStartOffset
			case p.StartOffset != nil && *p.StartOffset > *p.LogStartOffset:
				past = append(past, tp)
				before += *p.StartOffset - *p.LogStartOffset
			}
		}
		if len(fresh) > 0 {
			out = append(out, Finding{ID: "share-auto-offset-reset-latest", Severity: Info, Title: "a new share partition will start at the log end",
				Detail: fmt.Sprintf("%s have no share state yet and share.auto.offset.reset=%s: when the group first reads them it starts at the log end, and the %s records already there are never delivered.",
					strings.Join(fresh, ", "), val, fmtNum(float64(waiting))),
				Fix:   "if those records must be read: kafka-configs.sh --alter --entity-type groups --entity-name " + g.Group + " --add-config share.auto.offset.reset=earliest before the group first reads them",
				Facts: map[string]any{"partitions": len(fresh), "records": waiting}})
		} else if len(past) > 0 {
			out = append(out, Finding{ID: "share-auto-offset-reset-latest", Severity: Info, Title: "records before the start offset may never have been delivered",
				Detail: fmt.Sprintf("share.auto.offset.reset=%s: a share group starts at the log end when it first reads a partition. On %s the start offset is above the log start by %s records in all; if the group was new when those records were already in the log, they were skipped, never delivered.",
					val, strings.Join(past, ", "), fmtNum(float64(before))),
				Fix:   "if they must be read: stop the consumers, kgroups reset-offsets " + g.Group + " --all-topics --to-earliest --execute, and set share.auto.offset.reset=earliest for the group (kafka-configs.sh --entity-type groups)",
				Facts: map[string]any{"partitions": len(past), "records": before}})
		}
	}

	if len(g.Partitions) > 0 && g.TotalLag == nil {
		known := false
		for _, p := range g.Partitions {
			known = known || p.StartOffset != nil
		}
		if known {
			out = append(out, Finding{ID: "share-lag-unknown", Severity: Info, Title: "the broker reports no share lag",
				Detail: "the group has share state but no partition reports a lag (DescribeShareGroupOffsets v1, KIP-1226, Kafka 4.2+): no lag rule could be applied.",
				Fix:    "upgrade the brokers to read share lag", Facts: map[string]any{}})
		}
	}
	return out
}
