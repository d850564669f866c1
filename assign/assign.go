// Package assign previews what partition assignors produce: the Java
// client's range, roundrobin, sticky and cooperative-sticky, librdkafka's,
// franz-go's own balancers, and the KIP-848 server-side uniform and range
// assignors; and what moves and pauses when members join or leave. It is
// pure computation: no broker.
package assign

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/internal/errs"
)

// Assignor names.
const (
	Range             = "range"
	RoundRobin        = "roundrobin"
	Sticky            = "sticky"
	CooperativeSticky = "cooperative-sticky"
	Uniform           = "uniform"      // KIP-848 server-side
	ServerRange       = "server-range" // KIP-848 server-side range
)

// Client flavours.
const (
	Java        = "java"
	Librdkafka  = "librdkafka"
	FranzGo     = "franz-go"
	KafkaPython = "kafka-python" // 2.0.2
)

// Assignors and Clients list the accepted values.
var (
	Assignors = []string{Range, RoundRobin, Sticky, CooperativeSticky, Uniform, ServerRange}
	Clients   = []string{Java, Librdkafka, FranzGo, KafkaPython}
)

// Member is one group member as the assignor sees it.
type Member struct {
	ID           string             `json:"id" yaml:"id"`
	InstanceID   *string            `json:"instance_id" yaml:"instance_id"`
	Subscription []string           `json:"subscription" yaml:"subscription"`
	Rack         *string            `json:"rack,omitempty" yaml:"rack,omitempty"` // client.rack (KIP-881 rack-aware assignors)
	Owned        map[string][]int32 `json:"owned" yaml:"owned"`                   // previous assignment (sticky family)
	Generation   *int32             `json:"generation" yaml:"generation"`         // of Owned; null: none
}

// Scenario is an assignor's whole input.
type Scenario struct {
	Assignor string           `json:"assignor" yaml:"assignor"`
	Client   string           `json:"client" yaml:"client"`
	Topics   map[string]int32 `json:"topics" yaml:"topics"`
	Members  []Member         `json:"members" yaml:"members"` // in JoinGroup response order
	// TopicIDs are the topics' Kafka ids (base64, as kafka-topics prints
	// them): the server-side uniform assignor orders topics by them.
	TopicIDs map[string]string `json:"topic_ids,omitempty" yaml:"topic_ids,omitempty"`
	// PartitionRacks are each partition's replica racks, by topic
	// (partition_racks: {"t": [["a", "b"], ["b", "c"]]}), for rack-aware
	// range (KIP-881).
	PartitionRacks map[string][][]string `json:"partition_racks,omitempty" yaml:"partition_racks,omitempty"`
	// peakMembers: a simulation's member map held the leavers and the
	// joiners at once; Kafka's HashMap of members is sized for that.
	peakMembers int
}

// Assignment maps member id to topic to partitions (ascending).
type Assignment map[string]map[string][]int32

// Error is an invalid scenario (exit 2): kgroups' one input-error type.
type Error = errs.InputError

func errorf(format string, args ...any) error { return &Error{Msg: fmt.Sprintf(format, args...)} }

// Validate checks a scenario and fills defaults (client java).
func (s *Scenario) Validate() error {
	if s.Client == "" {
		s.Client = Java
	}
	if !contains(Assignors, s.Assignor) {
		return errorf("assignor %q is not known; use one of: %s", s.Assignor, strings.Join(Assignors, ", "))
	}
	if !contains(Clients, s.Client) {
		return errorf("client %q is not known; use one of: %s", s.Client, strings.Join(Clients, ", "))
	}
	if s.Client == Librdkafka && s.Assignor == Sticky {
		return errorf("librdkafka has no eager sticky assignor (only range, roundrobin, cooperative-sticky)")
	}
	if s.Client == KafkaPython && s.Assignor != Range && s.Assignor != RoundRobin && s.Assignor != Sticky {
		return errorf("kafka-python 2.0.2 has only range, roundrobin and sticky (no cooperative-sticky, no KIP-848 server-side assignors)")
	}
	if len(s.Members) == 0 {
		return errorf("a group needs at least one member")
	}
	for t, n := range s.Topics {
		if t == "" || n < 0 {
			return errorf("topic %q with %d partitions: want a name and a count >= 0", t, n)
		}
	}
	for t, id := range s.TopicIDs {
		if _, ok := s.Topics[t]; !ok {
			return errorf("topic_ids names %q, which is not among the topics", t)
		}
		if _, err := parseUUID(id); err != nil {
			return errorf("topic_ids[%s]: %v", t, err)
		}
	}
	for t, parts := range s.PartitionRacks {
		n, ok := s.Topics[t]
		if !ok {
			return errorf("partition_racks names %q, which is not among the topics", t)
		}
		if int32(len(parts)) > n {
			return errorf("partition_racks[%s] lists %d partitions; the topic has %d", t, len(parts), n)
		}
	}
	seen := map[string]bool{}
	for i, m := range s.Members {
		if m.ID == "" {
			return errorf("members[%d]: empty id", i)
		}
		if seen[m.ID] {
			return errorf("member %q appears twice", m.ID)
		}
		seen[m.ID] = true
		if len(m.Subscription) == 0 {
			return errorf("member %q subscribes to nothing", m.ID)
		}
		for t, ps := range m.Owned {
			for _, p := range ps {
				if p < 0 {
					return errorf("member %q owns %s/%d: partitions are >= 0", m.ID, t, p)
				}
			}
		}
	}
	return nil
}

// Assign runs the scenario's assignor as its client does.
func Assign(s Scenario) (Assignment, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	var a Assignment
	var err error
	switch {
	case s.Assignor == Uniform:
		a, err = serverUniform(s)
	case s.Assignor == ServerRange:
		a = rangeAssign(s.Members, s.Topics, javaOrder)
	case s.Client == FranzGo:
		a, err = kgoAssign(s)
	case s.Assignor == Range && s.Client == Java && hasRacks(s.Members):
		a = rackRange(s)
	case s.Assignor == Range:
		order := javaOrder
		if s.Client == Librdkafka {
			order = rdkafkaOrder
		}
		a = rangeAssign(s.Members, s.Topics, order)
	case s.Assignor == RoundRobin:
		order := javaOrder
		if s.Client == Librdkafka {
			order = rdkafkaOrder
		}
		a = roundRobin(s.Members, s.Topics, order)
	case s.Client == Librdkafka:
		a = rdkafkaCooperativeSticky(s.Members, s.Topics)
	case s.Client == KafkaPython:
		a = pythonSticky(s.Members, s.Topics)
	default:
		a = javaSticky(s.Members, s.Topics, s.Assignor == CooperativeSticky)
	}
	if err != nil {
		return nil, err
	}
	a.normalize(s.Members)
	return a, nil
}

// normalize gives every member an entry and sorts partitions.
func (a Assignment) normalize(members []Member) {
	for _, m := range members {
		if a[m.ID] == nil {
			a[m.ID] = map[string][]int32{}
		}
	}
	for _, ts := range a {
		for t, ps := range ts {
			if len(ps) == 0 {
				delete(ts, t)
				continue
			}
			sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		}
	}
}

// javaOrder sorts members as the Java client does: members with an
// instance id first, by instance id; then the rest by member id.
func javaOrder(ms []Member) []Member {
	out := append([]Member(nil), ms...)
	sort.SliceStable(out, func(i, j int) bool {
		return describe.StaticFirst(out[i].InstanceID, out[i].ID, out[j].InstanceID, out[j].ID)
	})
	return out
}

// rdkafkaOrder is librdkafka's: instance ids compared only when both
// members have one, otherwise member ids. With mixed static and dynamic
// members this is not a consistent order; kgroups sorts stably with it,
// which is one of the orders librdkafka's qsort may produce.
func rdkafkaOrder(ms []Member) []Member {
	out := append([]Member(nil), ms...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.InstanceID != nil && b.InstanceID != nil {
			return *a.InstanceID < *b.InstanceID
		}
		return a.ID < b.ID
	})
	return out
}

func subscribes(m Member, topic string) bool { return contains(m.Subscription, topic) }

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// subscribedTopics is the union of subscriptions that exist with
// partitions, sorted by name.
func subscribedTopics(members []Member, topics map[string]int32) []string {
	set := map[string]bool{}
	for _, m := range members {
		for _, t := range m.Subscription {
			if topics[t] > 0 {
				set[t] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// rangeAssign: per topic, contiguous ranges among its subscribers in
// member order; the first P mod n subscribers get one more.
func rangeAssign(members []Member, topics map[string]int32, order func([]Member) []Member) Assignment {
	a := Assignment{}
	ordered := order(members)
	for _, t := range subscribedTopics(members, topics) {
		var subs []string
		for _, m := range ordered {
			if subscribes(m, t) {
				subs = append(subs, m.ID)
			}
		}
		n, p := int32(len(subs)), topics[t]
		next := int32(0)
		for i, id := range subs {
			count := p / n
			if int32(i) < p%n {
				count++
			}
			for k := int32(0); k < count; k++ {
				add(a, id, t, next)
				next++
			}
		}
	}
	return a
}

// roundRobin: one pointer walks the circle of all members (subscribers or
// not) over every subscribed topic's partitions, never reset.
func roundRobin(members []Member, topics map[string]int32, order func([]Member) []Member) Assignment {
	a := Assignment{}
	ring := order(members)
	i := 0
	for _, t := range subscribedTopics(members, topics) {
		for p := int32(0); p < topics[t]; p++ {
			for !subscribes(ring[i%len(ring)], t) {
				i++
			}
			add(a, ring[i%len(ring)].ID, t, p)
			i++
		}
	}
	return a
}

func add(a Assignment, member, topic string, p int32) {
	if a[member] == nil {
		a[member] = map[string][]int32{}
	}
	a[member][topic] = append(a[member][topic], p)
}

// javaHashOrder returns keys in the iteration order of a Java HashMap into
// which they were put in the given order: buckets ascending by
// (h ^ h>>>16) & (size-1) with h = String.hashCode, insertion order within
// a bucket, table size 16 doubled while len > 0.75 × size.
func javaHashOrder(keys []string) []string {
	size := 16
	for float64(len(keys)) > 0.75*float64(size) {
		size *= 2
	}
	buckets := make([][]string, size)
	for _, k := range keys {
		h := javaStringHash(k)
		spread := h ^ int32(uint32(h)>>16)
		b := int(spread) & (size - 1)
		buckets[b] = append(buckets[b], k)
	}
	out := make([]string, 0, len(keys))
	for _, b := range buckets {
		out = append(out, b...)
	}
	return out
}

// javaStringHash is java.lang.String.hashCode over UTF-16 code units.
func javaStringHash(s string) int32 {
	var h int32
	for _, r := range s {
		if r >= 0x10000 { // surrogate pair
			r -= 0x10000
			h = 31*h + int32(0xD800+(r>>10))
			h = 31*h + int32(0xDC00+(r&0x3FF))
			continue
		}
		h = 31*h + int32(r)
	}
	return h
}

// String renders the assignment as "c1=t:0,2 u:1 | c2=..." by member id:
// a stable key for comparing assignments.
func (a Assignment) String() string {
	var parts []string
	for _, id := range slices.Sorted(maps.Keys(a)) {
		ts := make([]string, 0, len(a[id]))
		for t := range a[id] {
			ts = append(ts, t)
		}
		sort.Strings(ts)
		var tps []string
		for _, t := range ts {
			ps := make([]string, 0, len(a[id][t]))
			for _, p := range a[id][t] {
				ps = append(ps, fmt.Sprint(p))
			}
			tps = append(tps, t+":"+strings.Join(ps, ","))
		}
		parts = append(parts, id+"="+strings.Join(tps, " "))
	}
	return strings.Join(parts, " | ")
}

// ParseScenario decodes a scenario document strictly: unknown fields and
// anything after the object are errors, syntax errors name the line. name
// prefixes messages (e.g. "--from-file s.json").
func ParseScenario(name string, b []byte) (Scenario, error) {
	var s Scenario
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		msg := err.Error()
		if se, ok := err.(*json.SyntaxError); ok {
			msg = fmt.Sprintf("line %d: %v", 1+bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n")), se)
		}
		return s, errorf("%s: not a scenario: %s", name, msg)
	}
	if _, err := dec.Token(); err != io.EOF {
		return s, errorf("%s: unexpected data after the scenario object", name)
	}
	return s, nil
}
