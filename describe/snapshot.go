// Package describe reads consumer groups from a cluster into a Snapshot
// (Fetch, the only network code) and turns a Snapshot into views with lag,
// rollups and anomalies (Build, pure).
package describe

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Isolation levels for the log end offset used in lag.
const (
	ReadUncommitted = "read_uncommitted" // lag against the high watermark
	ReadCommitted   = "read_committed"   // lag against the last stable offset
)

// Group types as Kafka names them in ListGroups v5.
const (
	TypeClassic  = "classic"
	TypeConsumer = "consumer" // KIP-848
	TypeShare    = "share"    // KIP-932
)

// Readable reports whether this version of kgroups can describe groups of
// the type (classic, consumer, share). Any other type (streams, KIP-1071,
// or a future one) is listed with its type but never described, judged or
// reset.
func Readable(typ string) bool {
	switch typ {
	case TypeClassic, TypeConsumer, TypeShare, "":
		return true
	}
	return false
}

// UnreadableText says in words that a group's type is not described.
func UnreadableText(typ string) string {
	return fmt.Sprintf("group type %q is not described by this version of kgroups (it reads classic, consumer and share groups); nothing about its members or offsets is shown", typ)
}

// Selection says which groups to read and how much of them.
type Selection struct {
	Groups    []string       // named groups (in the order given)
	All       bool           // every group in the cluster
	Regex     *regexp.Regexp // groups whose name matches
	States    []string       // keep groups in these states (case-insensitive)
	Types     []string       // keep groups of these types (classic, consumer, ...)
	Topic     string         // keep groups (and rows) that commit to or are assigned this topic
	Offsets   bool           // read committed offsets and log offsets (lag)
	Members   bool           // describe members (DescribeGroups / ConsumerGroupDescribe)
	Isolation string         // ReadUncommitted (default) or ReadCommitted
	// ExtraTopics get log offsets even if no selected group touches them
	// (reset-offsets scopes, --allow-new-partitions).
	ExtraTopics []string
	// Progress, if set, is told how far the group requests are, one call
	// at a time: stage "described" or "offsets read", groups done of total.
	Progress func(stage string, done, total int)
}

// TP is a topic partition.
type TP struct {
	Topic     string
	Partition int32
}

// Snapshot is everything Fetch read, as plain data.
type Snapshot struct {
	Groups    []GroupFacts           // in selection order (named) or by name
	Topics    map[string]*TopicFacts // topics referenced by the groups
	Brokers   map[int32]string       // node id -> host:port
	Isolation string
	Warnings  []string // e.g. a broker whose ListGroups failed

	report func(stage string, done, total int) // Selection.Progress, serialized
}

// progress returns a per-batch callback for one stage, or nil.
func (s *Snapshot) progress(stage string, total int) func(int) {
	if s.report == nil {
		return nil
	}
	var mu sync.Mutex
	done := 0
	return func(n int) {
		mu.Lock()
		defer mu.Unlock()
		done += n
		s.report(stage, done, total)
	}
}

// GroupFacts is one group as the cluster reported it.
type GroupFacts struct {
	Name            string
	Found           bool   // false: the cluster does not know the group
	State           string // as reported (Stable, Empty, ...)
	Type            string // classic, consumer, share, streams
	ProtocolType    string // consumer, connect, "" ...
	Protocol        string // assignor name (classic) or server assignor (consumer)
	Coordinator     int32  // -1 when unknown
	Epoch           *int32 // KIP-848 group epoch
	AssignmentEpoch *int32 // KIP-848 target assignment epoch
	Members         []MemberFacts
	Committed       map[TP]int64 // committed offsets (only valid ones, >= 0)
	CommitErrors    map[TP]string
	Err             string      // group-level error (describe or offset fetch)
	Share           *ShareFacts // share groups only (KIP-932)
}

// ShareFacts is what a share group has instead of committed offsets: the
// share-partition start offset and lag per partition (DescribeShareGroupOffsets)
// and the group's share configs (DescribeConfigs, GROUP resource).
type ShareFacts struct {
	Offsets map[TP]ShareOffset
	// LagReported is false when the coordinator answered
	// DescribeShareGroupOffsets v0 (before KIP-1226): lag is then unknown.
	LagReported bool
	Configs     map[string]*string // nil value: the broker reported no value (its default)
	ConfigsErr  string
}

// ShareOffset is one share partition as the broker reported it.
type ShareOffset struct {
	Start *int64 // share-partition start offset; nil: not initialised yet
	Lag   *int64 // records not yet delivered or acknowledged; nil: not reported
	Err   string
}

// ShareConfigKeys are the group configs describe --state shows for share
// groups, in this order.
var ShareConfigKeys = []string{"share.auto.offset.reset", "share.record.lock.duration.ms", "share.delivery.count.limit", "share.isolation.level"}

// MemberFacts is one member.
type MemberFacts struct {
	MemberID    string
	InstanceID  *string
	ClientID    string
	Host        string
	Assigned    map[string][]int32
	Target      map[string][]int32 // KIP-848 target assignment
	Subscribed  []string
	MemberEpoch *int32
}

// TopicFacts is one topic's partitions and offsets.
type TopicFacts struct {
	Name       string
	Exists     bool
	Err        string
	Partitions map[int32]*PartitionFacts
}

// PartitionFacts holds the log offsets of one partition.
type PartitionFacts struct {
	Leader int32
	Start  *int64
	End    *int64 // high watermark, or last stable offset for read_committed
	Err    string
}

// MatchGroup reports whether a listed group passes the selection filters
// (name selection is done by the caller).
func (s Selection) matchFilters(state, typ string) bool {
	if len(s.States) > 0 && !containsFold(s.States, state) {
		return false
	}
	if len(s.Types) > 0 && !containsFold(s.Types, typ) {
		return false
	}
	return true
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), v) {
			return true
		}
	}
	return false
}

// Topics returns the sorted topics a group touches (committed or assigned).
func (g *GroupFacts) Topics() []string {
	set := map[string]bool{}
	g.eachTopic(func(t string) { set[t] = true })
	return slices.Sorted(maps.Keys(set))
}

// eachTopic calls fn for every topic the group touches, possibly more than
// once.
func (g *GroupFacts) eachTopic(fn func(string)) {
	last := ""
	for tp := range g.Committed {
		if tp.Topic != last {
			fn(tp.Topic)
			last = tp.Topic
		}
	}
	for tp := range g.CommitErrors {
		fn(tp.Topic)
	}
	if g.Share != nil {
		for tp := range g.Share.Offsets {
			fn(tp.Topic)
		}
	}
	for _, m := range g.Members {
		for t := range m.Assigned {
			fn(t)
		}
		for t := range m.Target {
			fn(t)
		}
	}
}

// touches reports whether the group commits to or is assigned topic.
func (g *GroupFacts) touches(topic string) bool {
	for _, t := range g.Topics() {
		if t == topic {
			return true
		}
	}
	for _, m := range g.Members {
		for _, t := range m.Subscribed {
			if t == topic {
				return true
			}
		}
	}
	return false
}

// SortTPs orders partitions by topic, then partition number.
func SortTPs(tps []TP) {
	slices.SortFunc(tps, func(a, b TP) int {
		if c := strings.Compare(a.Topic, b.Topic); c != 0 {
			return c
		}
		return cmp.Compare(a.Partition, b.Partition)
	})
}
