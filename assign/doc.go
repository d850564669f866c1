package assign

import (
	"sort"
)

// Doc is `kgroups assign -o json`.
type Doc struct {
	SchemaVersion int        `json:"schema_version" yaml:"schema_version"`
	Assignor      string     `json:"assignor" yaml:"assignor"`
	Client        string     `json:"client" yaml:"client"`
	Assignment    Assignment `json:"assignment" yaml:"assignment"`
	IdleMembers   []string   `json:"idle_members" yaml:"idle_members"`
	Stats         Stats      `json:"stats" yaml:"stats"`
	Current       Assignment `json:"current" yaml:"current"` // --from-group: the group's assignment now
	// Target: cooperative, when round 1 (assignment) withholds partitions
	// that change owner: where they land in the follow-up rebalance; null
	// otherwise. Revoked lists those partitions (from: the owner revoking
	// them, to: where they land).
	Target     Assignment  `json:"target" yaml:"target"`
	Revoked    []Move      `json:"revoked" yaml:"revoked"`
	Simulation *SimDoc     `json:"simulation" yaml:"simulation"`
	Compare    []CompareTo `json:"compare" yaml:"compare"`
	Notes      []string    `json:"notes" yaml:"notes"`
}

// Stats summarise an assignment.
type Stats struct {
	Members    int                   `json:"members" yaml:"members"`
	Partitions int                   `json:"partitions" yaml:"partitions"`
	Min        int                   `json:"min" yaml:"min"`
	Max        int                   `json:"max" yaml:"max"`
	Balance    int                   `json:"balance" yaml:"balance"` // max - min
	PerTopic   map[string]TopicStats `json:"per_topic" yaml:"per_topic"`
}

// TopicStats is one topic's spread over members.
type TopicStats struct {
	Partitions  int `json:"partitions" yaml:"partitions"`
	Members     int `json:"members" yaml:"members"`         // members holding some of it
	Subscribers int `json:"subscribers" yaml:"subscribers"` // members subscribed to it, idle ones included
	Min         int `json:"min" yaml:"min"`                 // over the topic's subscribers
	Max         int `json:"max" yaml:"max"`
}

// SimDoc is a join/leave simulation.
type SimDoc struct {
	Join    int      `json:"join" yaml:"join"`
	JoinIDs []string `json:"join_ids" yaml:"join_ids"` // the joiners' member ids, given or invented
	// DependsOnIDs: the result changes when the joiners' ids sort
	// elsewhere (range, roundrobin and the sticky family order members by
	// id); null when nobody joins, or when the result varies from run to
	// run (kgo sticky with several topics) so it cannot be told.
	DependsOnIDs *bool      `json:"depends_on_member_ids" yaml:"depends_on_member_ids"`
	Leave        []string   `json:"leave" yaml:"leave"`
	Protocol     string     `json:"protocol" yaml:"protocol"`
	Before       Assignment `json:"before" yaml:"before"`
	Round1       Assignment `json:"round1" yaml:"round1"`
	After        Assignment `json:"after" yaml:"after"`
	Moves        []Move     `json:"moves" yaml:"moves"`
	Revoked      []Move     `json:"revoked" yaml:"revoked"` // held by nobody in round 1: revoked from, lands on
	Moved        int        `json:"moved" yaml:"moved"`
	Paused       int        `json:"paused" yaml:"paused"`
	Rounds       int        `json:"rounds" yaml:"rounds"`
	Total        int        `json:"total" yaml:"total"`
}

// CompareTo is another assignor on the same input.
type CompareTo struct {
	Assignor    string     `json:"assignor" yaml:"assignor"`
	Client      string     `json:"client" yaml:"client"`
	Assignment  Assignment `json:"assignment" yaml:"assignment"`
	IdleMembers []string   `json:"idle_members" yaml:"idle_members"`
	Stats       Stats      `json:"stats" yaml:"stats"`
}

// StatsOf computes the summary of an assignment for a scenario.
func StatsOf(s Scenario, a Assignment) (Stats, []string) {
	st := Stats{Members: len(s.Members), PerTopic: map[string]TopicStats{}}
	idle := []string{}
	st.Min = -1
	for _, m := range s.Members {
		n := 0
		for _, ps := range a[m.ID] {
			n += len(ps)
		}
		st.Partitions += n
		if st.Min < 0 || n < st.Min {
			st.Min = n
		}
		st.Max = max(st.Max, n)
		if n == 0 {
			idle = append(idle, m.ID)
		}
	}
	st.Balance = st.Max - st.Min
	for _, t := range subscribedTopics(s.Members, s.Topics) {
		ts := TopicStats{Partitions: int(s.Topics[t]), Min: -1}
		for _, m := range s.Members {
			if !subscribes(m, t) {
				continue
			}
			ts.Subscribers++
			n := len(a[m.ID][t])
			if n > 0 {
				ts.Members++
			}
			if ts.Min < 0 || n < ts.Min {
				ts.Min = n
			}
			ts.Max = max(ts.Max, n)
		}
		st.PerTopic[t] = ts
	}
	sort.Strings(idle)
	return st, idle
}

// Notes says where this flavour is known to differ or approximate.
func Notes(s Scenario) []string {
	var out []string
	switch {
	case s.Assignor == Uniform:
		topics := subscribedTopics(s.Members, s.Topics)
		if _, ok := s.topicIDs(topics); !ok && len(topics) > 1 {
			out = append(out, "uniform orders topics by topic id (a HashSet of ids; signed id order breaks ties for different subscriptions) and the topic ids are not known here, so kgroups orders them by name and a multi-topic result may differ from the broker's: give topic_ids in the scenario (--from-group reads them)")
		}
		out = append(out, "uniform is modelled on Kafka 4.0's builders: members in the coordinator's HashMap order of member ids (one bucket's members in the order given), topics in HashSet order of topic ids; Kafka 4.1+ (KAFKA-18688) lets any member keep the extra partition, which can differ")
	case s.Client == Librdkafka && s.Assignor == CooperativeSticky:
		note := "librdkafka cooperative-sticky is modelled with the general sticky algorithm in librdkafka's own partition order (sortPartitions: round robin from the most loaded member, then rd_map's reverse insertion order) and its cooperative adjustment; checked against real kcat joins and leaves"
		if !sameSubscriptions(s.Members) {
			note += "; with different subscriptions the partition order is by subscriber count, and the balance loop is the Java port's, which may differ"
		}
		out = append(out, note)
	case s.Client == FranzGo && s.Assignor == Sticky:
		out = append(out, "franz-go's eager sticky balancer (kgo's code is run here): an eager kgo member revokes everything and rejoins with no previous assignment (consumer_group.go: lastAssigned = nil), so every rebalance assigns afresh and nothing stays sticky")
	case s.Client == FranzGo && s.Assignor == CooperativeSticky:
		out = append(out, "franz-go's cooperative-sticky balancer is its own algorithm (kgo's code is run here, fed the owned partitions each member sends): balanced and sticky, not Java-identical")
	case s.Client == KafkaPython && s.Assignor == Sticky:
		out = append(out, "kafka-python 2.0.2's sticky assignor (its own port of the older Java algorithm: members give their last partition first in the round robin, new partitions are balanced first) is modelled; note that 2.0.2's StickyPartitionAssignor.metadata hands the encoder an iterator (six.iteritems), which fails on Python 3 with \"TypeError: object of type 'dict_itemiterator' has no len()\": a sticky member that already holds an assignment crashes when it rejoins (Debian's python3-kafka 2.0.2 on Python 3.11, observed)")
	case s.Client == Librdkafka && hasStatic(s.Members):
		out = append(out, "librdkafka compares instance ids only when both members have one: with mixed static and dynamic members its order is not well defined")
	}
	if hasRacks(s.Members) {
		switch {
		case s.Client == Java && s.Assignor == Range:
			if len(s.PartitionRacks) == 0 {
				out = append(out, "members have racks but no partition's replica racks are known (partition_racks, or --from-group on a cluster whose brokers have broker.rack): range is not rack-aware here")
			}
		default:
			why := "kgroups models rack-aware assignment (KIP-881) only for Java's range"
			switch s.Client {
			case Librdkafka:
				why = "librdkafka 2.0.2 predates rack-aware assignment (KIP-881 arrived in librdkafka 2.2.0)"
			case KafkaPython:
				why = "kafka-python 2.0.2 has no rack-aware assignment"
			}
			out = append(out, why+": the members' racks are ignored in this preview")
		}
	}
	if protocolOf(s.Assignor) == Eager && s.Assignor != Range && s.Assignor != RoundRobin {
		out = append(out, s.Assignor+" is eager: it reduces moves, not pauses — every rebalance still revokes every partition")
	}
	return out
}

func hasStatic(ms []Member) bool {
	for _, m := range ms {
		if m.InstanceID != nil {
			return true
		}
	}
	return false
}
