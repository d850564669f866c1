package describe

import (
	"fmt"
	"maps"
	"slices"
	"sort"
)

// buildShare fills a share group's view. Share lag rules (KIP-932,
// KIP-1226): a share group commits no offsets; per partition the broker
// reports the share-partition start offset (the first record not yet
// finished) and the lag (records between it and the log end not yet
// delivered or acknowledged). kgroups shows both as reported: lag is the
// broker's number, null when it did not report one, never computed here.
// Several members may be assigned one partition; each then reads some of
// its records, so lag is not attributed to members.
func buildShare(snap *Snapshot, g *GroupFacts, opts ViewOptions, v *GroupView) {
	sh := g.Share
	if sh.Configs != nil {
		v.ShareConfigs = sh.Configs
	}
	if sh.ConfigsErr != "" {
		v.Anomalies = append(v.Anomalies, Anomaly{Kind: AnomalyShareConfigs,
			Detail: fmt.Sprintf("the share group's configs could not be read (%s): share.auto.offset.reset and the others are unknown", sh.ConfigsErr)})
	}

	owners := map[TP][]*MemberFacts{}
	for i := range g.Members {
		m := &g.Members[i]
		for t, ps := range m.Assigned {
			for _, p := range ps {
				owners[TP{t, p}] = append(owners[TP{t, p}], m)
			}
		}
	}
	rows := map[TP]bool{}
	for tp := range sh.Offsets {
		rows[tp] = true
	}
	for tp := range owners {
		rows[tp] = true
	}
	tps := make([]TP, 0, len(rows))
	for tp := range rows {
		if opts.Topic == "" || tp.Topic == opts.Topic {
			tps = append(tps, tp)
		}
	}
	SortTPs(tps)

	topicLag := map[string]*TopicLag{}
	var total Sum // unknown (null) until one partition reports a lag
	topicSum := map[string]*Sum{}
	missingTopics := map[string]bool{}
	for _, tp := range tps {
		row := PartitionView{Topic: tp.Topic, Partition: tp.Partition, MemberIDs: []string{}}
		ms := owners[tp]
		sort.Slice(ms, func(i, j int) bool { return ms[i].MemberID < ms[j].MemberID })
		for _, m := range ms {
			row.MemberIDs = append(row.MemberIDs, m.MemberID)
		}
		if len(ms) == 1 {
			row.MemberID, row.ClientID, row.Host = strp(ms[0].MemberID), strp(ms[0].ClientID), strp(ms[0].Host)
		}
		if len(ms) > 1 {
			v.Summary.SharedPartitions++
		}
		so := sh.Offsets[tp]
		row.StartOffset, row.Lag = so.Start, so.Lag
		if so.Err != "" {
			row.Error = strp("share offsets: " + so.Err)
		}
		if tf := snap.Topics[tp.Topic]; tf != nil {
			switch {
			case !tf.Exists:
				row.Error = strp(tf.Err)
				if !missingTopics[tp.Topic] {
					missingTopics[tp.Topic] = true
					v.Anomalies = append(v.Anomalies, Anomaly{Kind: AnomalyNoTopic, Topic: tp.Topic,
						Detail: fmt.Sprintf("topic %s: %s; the share group still has state for it", tp.Topic, tf.Err)})
				}
			default:
				if pf := tf.Partitions[tp.Partition]; pf == nil {
					row.Error = strp(fmt.Sprintf("partition %d does not exist (topic has %d)", tp.Partition, len(tf.Partitions)))
				} else {
					row.LogStartOffset, row.LogEndOffset = pf.Start, pf.End
					if pf.Err != "" && row.Error == nil {
						row.Error = strp(pf.Err)
					}
				}
			}
		}
		tl := topicLag[tp.Topic]
		if tl == nil {
			tl = &TopicLag{Topic: tp.Topic}
			topicLag[tp.Topic] = tl
		}
		tl.Partitions++
		if row.Lag != nil {
			lag := *row.Lag
			total.Add(lag)
			topicSum[tp.Topic] = addSum(topicSum[tp.Topic], lag)
			if v.Summary.MaxLag == nil || lag > v.Summary.MaxLag.Lag {
				v.Summary.MaxLag = &PartitionLag{Topic: tp.Topic, Partition: tp.Partition, Lag: lag}
			}
		}
		v.Partitions = append(v.Partitions, row)
	}
	v.TotalLag = total.Value()
	for _, t := range slices.Sorted(maps.Keys(topicLag)) {
		tl := *topicLag[t]
		if s := topicSum[t]; s != nil {
			tl.Lag = s.Value()
		}
		v.Summary.LagByTopic = append(v.Summary.LagByTopic, tl)
	}
	for i := range g.Members {
		m := &g.Members[i]
		mv := MemberView{MemberID: m.MemberID, ClientID: m.ClientID, Host: m.Host, MemberEpoch: m.MemberEpoch,
			SubscribedTopics: m.Subscribed, Assignment: m.Assigned}
		if mv.SubscribedTopics == nil {
			mv.SubscribedTopics = []string{}
		}
		if mv.Assignment == nil {
			mv.Assignment = map[string][]int32{}
		}
		for _, ps := range m.Assigned {
			mv.Partitions += len(ps)
		}
		if mv.Partitions == 0 {
			v.Summary.IdleMembers++
		}
		v.Members = append(v.Members, mv)
	}
	sort.SliceStable(v.Members, func(i, j int) bool { return v.Members[i].MemberID < v.Members[j].MemberID })
}

// addSum adds v to s, starting a Sum when there is none.
func addSum(s *Sum, v int64) *Sum {
	if s == nil {
		s = &Sum{}
	}
	s.Add(v)
	return s
}
