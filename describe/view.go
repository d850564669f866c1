package describe

import (
	"fmt"
	"maps"
	"slices"
	"sort"
)

// SchemaVersion is the version of every JSON/YAML document kgroups prints.
const SchemaVersion = 1

// Document is `kgroups describe -o json`.
type Document struct {
	SchemaVersion int         `json:"schema_version" yaml:"schema_version"`
	Isolation     string      `json:"isolation" yaml:"isolation"`
	Groups        []GroupView `json:"groups" yaml:"groups"`
	Warnings      []string    `json:"warnings" yaml:"warnings"`
}

// GroupView is one group with lag computed and rolled up.
type GroupView struct {
	Group           string          `json:"group" yaml:"group"`
	State           *string         `json:"state" yaml:"state"`
	Type            *string         `json:"type" yaml:"type"`
	ProtocolType    *string         `json:"protocol_type" yaml:"protocol_type"`
	Protocol        *string         `json:"protocol" yaml:"protocol"`
	Coordinator     *Coordinator    `json:"coordinator" yaml:"coordinator"`
	Epoch           *int32          `json:"epoch" yaml:"epoch"`
	AssignmentEpoch *int32          `json:"assignment_epoch" yaml:"assignment_epoch"`
	Members         []MemberView    `json:"members" yaml:"members"`
	Partitions      []PartitionView `json:"partitions" yaml:"partitions"`
	TotalLag        *int64          `json:"total_lag" yaml:"total_lag"`
	Summary         Summary         `json:"summary" yaml:"summary"`
	Anomalies       []Anomaly       `json:"anomalies" yaml:"anomalies"`
	Error           *string         `json:"error" yaml:"error"`
	// ShareConfigs are a share group's configs (null for other types; a
	// null value: the broker reported none, its default applies).
	ShareConfigs map[string]*string `json:"share_configs" yaml:"share_configs"`
}

// Coordinator is the broker that coordinates a group.
type Coordinator struct {
	ID   int32   `json:"id" yaml:"id"`
	Host *string `json:"host" yaml:"host"`
}

// MemberView is one group member.
type MemberView struct {
	MemberID         string             `json:"member_id" yaml:"member_id"`
	InstanceID       *string            `json:"instance_id" yaml:"instance_id"`
	ClientID         string             `json:"client_id" yaml:"client_id"`
	Host             string             `json:"host" yaml:"host"`
	MemberEpoch      *int32             `json:"member_epoch" yaml:"member_epoch"`
	SubscribedTopics []string           `json:"subscribed_topics" yaml:"subscribed_topics"`
	Assignment       map[string][]int32 `json:"assignment" yaml:"assignment"`
	TargetAssignment map[string][]int32 `json:"target_assignment" yaml:"target_assignment"`
	Partitions       int                `json:"partitions" yaml:"partitions"`
	Lag              *int64             `json:"lag" yaml:"lag"`
}

// PartitionView is one partition of a group.
type PartitionView struct {
	Topic           string `json:"topic" yaml:"topic"`
	Partition       int32  `json:"partition" yaml:"partition"`
	CommittedOffset *int64 `json:"committed_offset" yaml:"committed_offset"`
	// StartOffset is a share group's share-partition start offset (null for
	// other types, or when the broker has no share state for it yet).
	StartOffset    *int64  `json:"start_offset" yaml:"start_offset"`
	LogStartOffset *int64  `json:"log_start_offset" yaml:"log_start_offset"`
	LogEndOffset   *int64  `json:"log_end_offset" yaml:"log_end_offset"`
	Lag            *int64  `json:"lag" yaml:"lag"`
	Backlog        *int64  `json:"backlog" yaml:"backlog"` // end - start, only when nothing is committed
	MemberID       *string `json:"member_id" yaml:"member_id"`
	ClientID       *string `json:"client_id" yaml:"client_id"`
	Host           *string `json:"host" yaml:"host"`
	// MemberIDs lists every member assigned the partition in a share group,
	// where several members may share one (null for other types).
	MemberIDs []string `json:"member_ids" yaml:"member_ids"`
	Anomaly   *string  `json:"anomaly" yaml:"anomaly"`
	Error     *string  `json:"error" yaml:"error"`
	// Time lag, only with --time-lag: seconds behind, and how it was found.
	TimeLagSeconds *float64 `json:"time_lag_seconds" yaml:"time_lag_seconds"`
	TimeLagMethod  *string  `json:"time_lag_method" yaml:"time_lag_method"`
}

// Summary rolls lag up per topic and per member.
type Summary struct {
	LagByTopic            []TopicLag    `json:"lag_by_topic" yaml:"lag_by_topic"`
	LagByMember           []MemberLag   `json:"lag_by_member" yaml:"lag_by_member"`
	MaxLag                *PartitionLag `json:"max_lag" yaml:"max_lag"`
	UncommittedPartitions int           `json:"uncommitted_partitions" yaml:"uncommitted_partitions"`
	UncommittedBacklog    int64         `json:"uncommitted_backlog" yaml:"uncommitted_backlog"`
	IdleMembers           int           `json:"idle_members" yaml:"idle_members"`
	// SharedPartitions counts share-group partitions assigned to more than
	// one member (they share its records); 0 for other types.
	SharedPartitions int `json:"shared_partitions" yaml:"shared_partitions"`
}

// TopicLag is the lag of a group on one topic. Lag is null when none of
// the topic's partitions has a lag; UncommittedBacklog sums the backlog of
// its never-committed partitions (null when there are none).
type TopicLag struct {
	Topic              string `json:"topic" yaml:"topic"`
	Partitions         int    `json:"partitions" yaml:"partitions"`
	Lag                *int64 `json:"lag" yaml:"lag"`
	UncommittedBacklog *int64 `json:"uncommitted_backlog" yaml:"uncommitted_backlog"`
}

// MemberLag is the lag over one member's assigned partitions, with the same
// null rule as TopicLag.
type MemberLag struct {
	MemberID           string `json:"member_id" yaml:"member_id"`
	ClientID           string `json:"client_id" yaml:"client_id"`
	Partitions         int    `json:"partitions" yaml:"partitions"`
	Lag                *int64 `json:"lag" yaml:"lag"`
	UncommittedBacklog *int64 `json:"uncommitted_backlog" yaml:"uncommitted_backlog"`
}

// Sum adds lags with the one rule every roll-up follows: unknown (nil)
// until at least one known value is added, so a roll-up over partitions
// that have no lag is null, never 0.
type Sum struct{ v *int64 }

// Add counts one known value.
func (s *Sum) Add(v int64) {
	if s.v == nil {
		s.v = new(int64)
	}
	*s.v += v
}

// Value is the sum, or nil when nothing was added.
func (s Sum) Value() *int64 {
	if s.v == nil {
		return nil
	}
	v := *s.v
	return &v
}

// PartitionLag names one partition and its lag.
type PartitionLag struct {
	Topic     string `json:"topic" yaml:"topic"`
	Partition int32  `json:"partition" yaml:"partition"`
	Lag       int64  `json:"lag" yaml:"lag"`
}

// Anomaly kinds.
const (
	AnomalyBelowStart = "below_log_start"
	AnomalyAboveEnd   = "above_log_end"
	AnomalyNoTopic    = "topic_missing"
	AnomalyNotFound   = "group_not_found"
	// AnomalyShareConfigs: a share group's configs (DescribeConfigs, GROUP
	// resource) could not be read.
	AnomalyShareConfigs = "share_configs_unreadable"
)

// Anomaly is something an operator should look at, with the numbers.
type Anomaly struct {
	Kind      string `json:"kind" yaml:"kind"`
	Topic     string `json:"topic" yaml:"topic"`
	Partition *int32 `json:"partition" yaml:"partition"`
	Detail    string `json:"detail" yaml:"detail"`
}

// ViewOptions narrows what Build shows.
type ViewOptions struct {
	Topic      string  // only rows of this topic
	Partitions []int32 // with Topic: only these partitions (nil: all)
}

// Build turns a snapshot into the describe document. It is pure.
//
// Lag rules: lag = log end − committed, where log end is the high watermark
// (the last stable offset with read_committed). A partition with no commit
// has lag null and its backlog (end − start) reported apart, never added to
// the group's lag. A commit below the log start (records deleted before they
// were consumed) keeps lag = end − committed and is flagged; a commit above
// the log end (topic truncated or recreated) has lag null and is flagged.
func Build(snap *Snapshot, opts ViewOptions) Document {
	doc := Document{SchemaVersion: SchemaVersion, Isolation: snap.Isolation, Groups: []GroupView{}, Warnings: snap.Warnings}
	if doc.Warnings == nil {
		doc.Warnings = []string{}
	}
	for i := range snap.Groups {
		doc.Groups = append(doc.Groups, buildGroup(snap, &snap.Groups[i], opts))
	}
	return doc
}

// groupError is the group-level error of a view: what the cluster said,
// or that the group does not exist.
func groupError(g *GroupFacts) *string {
	switch {
	case g.Err != "":
		return strp(g.Err)
	case !g.Found:
		return strp("group not found")
	}
	return nil
}

func protocolOf(g *GroupFacts) *string {
	if g.Protocol == "" {
		return nil
	}
	return strp(g.Protocol)
}

func coordinatorOf(snap *Snapshot, g *GroupFacts) *Coordinator {
	if g.Coordinator < 0 {
		return nil
	}
	c := &Coordinator{ID: g.Coordinator}
	if h, ok := snap.Brokers[g.Coordinator]; ok {
		c.Host = strp(h)
	}
	return c
}

func strp(s string) *string { return &s }
func i64p(v int64) *int64   { return &v }

func buildGroup(snap *Snapshot, g *GroupFacts, opts ViewOptions) GroupView {
	v := GroupView{Group: g.Name, Members: []MemberView{}, Partitions: []PartitionView{}, Anomalies: []Anomaly{},
		Summary: Summary{LagByTopic: []TopicLag{}, LagByMember: []MemberLag{}}}
	v.Error = groupError(g)
	if !g.Found && g.Err == "" {
		v.Anomalies = append(v.Anomalies, Anomaly{Kind: AnomalyNotFound, Detail: fmt.Sprintf("the cluster has no group %q (no members and no committed offsets)", g.Name)})
		return v
	}
	v.State, v.Type, v.ProtocolType = strp(g.State), strp(g.Type), strp(g.ProtocolType)
	v.Protocol, v.Coordinator = protocolOf(g), coordinatorOf(snap, g)
	v.Epoch, v.AssignmentEpoch = g.Epoch, g.AssignmentEpoch
	if g.Share != nil {
		buildShare(snap, g, opts, &v)
		return v
	}

	// A member's id, client and host are shared by every row it owns.
	type ownerRef struct{ memberID, clientID, host *string }
	var owner map[TP]*ownerRef
	for i := range g.Members {
		m := &g.Members[i]
		var ref *ownerRef
		for t, ps := range m.Assigned {
			for _, p := range ps {
				if owner == nil {
					owner = map[TP]*ownerRef{}
				}
				if ref == nil {
					ref = &ownerRef{strp(m.MemberID), strp(m.ClientID), strp(m.Host)}
				}
				owner[TP{t, p}] = ref
			}
		}
	}

	// Rows: every committed or assigned partition (of the topic filter),
	// each once.
	tps := make([]TP, 0, len(g.Committed)+len(g.CommitErrors))
	keep := func(tp TP) bool {
		return opts.Topic == "" || (tp.Topic == opts.Topic && (opts.Partitions == nil || slices.Contains(opts.Partitions, tp.Partition)))
	}
	for tp := range g.Committed {
		if keep(tp) {
			tps = append(tps, tp)
		}
	}
	for tp := range g.CommitErrors {
		if _, dup := g.Committed[tp]; !dup && keep(tp) {
			tps = append(tps, tp)
		}
	}
	for tp := range owner {
		_, committed := g.Committed[tp]
		_, failed := g.CommitErrors[tp]
		if !committed && !failed && keep(tp) {
			tps = append(tps, tp)
		}
	}
	SortTPs(tps)
	// The rows' own numbers (committed offset, lag, backlog) live in one
	// slab per group rather than one allocation each.
	slab := make([]int64, 0, 2*len(tps))
	num := func(v int64) *int64 {
		slab = append(slab, v)
		return &slab[len(slab)-1]
	}
	v.Partitions = make([]PartitionView, 0, len(tps))

	topicLag := map[string]*TopicLag{}
	topicSum, topicBacklog := map[string]*Sum{}, map[string]*Sum{}
	memberSum, memberBacklog := map[string]*Sum{}, map[string]*Sum{}
	sumOf := func(m map[string]*Sum, k string) *Sum {
		if m[k] == nil {
			m[k] = &Sum{}
		}
		return m[k]
	}
	var total Sum
	missingTopics := map[string]bool{}
	for _, tp := range tps {
		row := PartitionView{Topic: tp.Topic, Partition: tp.Partition}
		if m := owner[tp]; m != nil {
			row.MemberID, row.ClientID, row.Host = m.memberID, m.clientID, m.host
		}
		committed, hasCommit := g.Committed[tp]
		if hasCommit {
			row.CommittedOffset = num(committed)
		}
		if e, ok := g.CommitErrors[tp]; ok {
			row.Error = strp("offset fetch: " + e)
		}
		tf := snap.Topics[tp.Topic]
		var pf *PartitionFacts
		switch {
		case tf == nil:
		case !tf.Exists:
			row.Error = strp(tf.Err)
			if !missingTopics[tp.Topic] {
				missingTopics[tp.Topic] = true
				v.Anomalies = append(v.Anomalies, Anomaly{Kind: AnomalyNoTopic, Topic: tp.Topic,
					Detail: fmt.Sprintf("topic %s: %s; the group still has offsets for it", tp.Topic, tf.Err)})
			}
		default:
			pf = tf.Partitions[tp.Partition]
			if pf == nil {
				row.Error = strp(fmt.Sprintf("partition %d does not exist (topic has %d)", tp.Partition, len(tf.Partitions)))
			} else if pf.Err != "" {
				row.Error = strp(pf.Err)
			}
		}
		if pf != nil {
			row.LogStartOffset, row.LogEndOffset = pf.Start, pf.End
		}
		tl := topicLag[tp.Topic]
		if tl == nil {
			tl = &TopicLag{Topic: tp.Topic}
			topicLag[tp.Topic] = tl
		}
		tl.Partitions++
		switch {
		case row.LogEndOffset == nil:
			// offsets unknown: no lag
		case !hasCommit:
			if row.LogStartOffset != nil {
				b := *row.LogEndOffset - *row.LogStartOffset
				row.Backlog = num(b)
				v.Summary.UncommittedPartitions++
				v.Summary.UncommittedBacklog += b
				sumOf(topicBacklog, tp.Topic).Add(b)
				if row.MemberID != nil {
					sumOf(memberBacklog, *row.MemberID).Add(b)
				}
			}
		case committed > *row.LogEndOffset:
			row.Anomaly = strp(AnomalyAboveEnd)
			p := tp.Partition
			v.Anomalies = append(v.Anomalies, Anomaly{Kind: AnomalyAboveEnd, Topic: tp.Topic, Partition: &p,
				Detail: fmt.Sprintf("%s/%d: committed offset %d is above the log end %d (topic truncated or recreated?); the consumer will reset per auto.offset.reset",
					tp.Topic, tp.Partition, committed, *row.LogEndOffset)})
		default:
			lag := *row.LogEndOffset - committed
			row.Lag = num(lag)
			if row.LogStartOffset != nil && committed < *row.LogStartOffset {
				row.Anomaly = strp(AnomalyBelowStart)
				p := tp.Partition
				v.Anomalies = append(v.Anomalies, Anomaly{Kind: AnomalyBelowStart, Topic: tp.Topic, Partition: &p,
					Detail: fmt.Sprintf("%s/%d: committed offset %d is below the log start %d: %d records were deleted before being consumed; the consumer will reset per auto.offset.reset",
						tp.Topic, tp.Partition, committed, *row.LogStartOffset, *row.LogStartOffset-committed)})
			}
			total.Add(lag)
			sumOf(topicSum, tp.Topic).Add(lag)
			if row.MemberID != nil {
				sumOf(memberSum, *row.MemberID).Add(lag)
			}
			if v.Summary.MaxLag == nil || lag > v.Summary.MaxLag.Lag {
				v.Summary.MaxLag = &PartitionLag{Topic: tp.Topic, Partition: tp.Partition, Lag: lag}
			}
		}
		v.Partitions = append(v.Partitions, row)
	}
	v.TotalLag = total.Value()
	for _, t := range slices.Sorted(maps.Keys(topicLag)) {
		tl := *topicLag[t]
		tl.Lag, tl.UncommittedBacklog = sumOf(topicSum, t).Value(), sumOf(topicBacklog, t).Value()
		v.Summary.LagByTopic = append(v.Summary.LagByTopic, tl)
	}

	for i := range g.Members {
		m := &g.Members[i]
		mv := MemberView{MemberID: m.MemberID, InstanceID: m.InstanceID, ClientID: m.ClientID, Host: m.Host,
			MemberEpoch: m.MemberEpoch, SubscribedTopics: m.Subscribed, Assignment: m.Assigned, TargetAssignment: m.Target}
		if mv.SubscribedTopics == nil {
			mv.SubscribedTopics = []string{}
		}
		if mv.Assignment == nil {
			mv.Assignment = map[string][]int32{}
		}
		for _, ps := range m.Assigned {
			mv.Partitions += len(ps)
		}
		mv.Lag = sumOf(memberSum, m.MemberID).Value()
		if mv.Partitions == 0 {
			v.Summary.IdleMembers++
		}
		v.Members = append(v.Members, mv)
		ml := MemberLag{MemberID: m.MemberID, ClientID: m.ClientID, Partitions: mv.Partitions, Lag: mv.Lag,
			UncommittedBacklog: sumOf(memberBacklog, m.MemberID).Value()}
		v.Summary.LagByMember = append(v.Summary.LagByMember, ml)
	}
	sort.SliceStable(v.Members, func(i, j int) bool { return memberLess(v.Members[i], v.Members[j]) })
	sort.SliceStable(v.Summary.LagByMember, func(i, j int) bool {
		return v.Summary.LagByMember[i].MemberID < v.Summary.LagByMember[j].MemberID
	})
	return v
}

// memberLess orders members as Kafka does: static members (instance id)
// first by instance id, then dynamic members by member id.
func memberLess(a, b MemberView) bool {
	return StaticFirst(a.InstanceID, a.MemberID, b.InstanceID, b.MemberID)
}

// StaticFirst is Kafka's (and the Java client's) member order: members with
// an instance id first, by instance id; then the others by member id.
func StaticFirst(aInstance *string, aID string, bInstance *string, bID string) bool {
	switch {
	case aInstance != nil && bInstance != nil:
		return *aInstance < *bInstance
	case aInstance != nil:
		return true
	case bInstance != nil:
		return false
	}
	return aID < bID
}
