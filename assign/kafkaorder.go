package assign

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"sort"
)

// Kafka's own iteration orders for the KIP-848 server assignors (Kafka 4.0,
// group-coordinator):
//   - members: groupSpec.memberIds() is the key set of the HashMap
//     TargetAssignmentBuilder.build fills (new HashMap<>(), one put per
//     member, then joiners, then removals), so member ids come in HashMap
//     order of String.hashCode, for a table sized by the most entries it
//     held;
//   - topics (uniform, homogeneous): new HashSet<>(subscribedTopicIds), in
//     HashSet order of Uuid.hashCode; heterogeneous ties are broken by
//     Uuid.compareTo (signed most, then least significant bits).

// uuid is a Kafka topic id.
type uuid struct{ msb, lsb int64 }

// parseUUID reads Kafka's base64 (URL-safe, unpadded) form, as kafka-topics
// and Metadata print it.
func parseUUID(s string) (uuid, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) != 16 {
		return uuid{}, fmt.Errorf("%q is not a Kafka topic id (22 characters of URL-safe base64, e.g. from kafka-topics --describe)", s)
	}
	return uuidOf([16]byte(b)), nil
}

func uuidOf(b [16]byte) uuid {
	return uuid{int64(binary.BigEndian.Uint64(b[:8])), int64(binary.BigEndian.Uint64(b[8:]))}
}

// UUIDString is Kafka's text form of a topic id.
func UUIDString(b [16]byte) string { return base64.RawURLEncoding.EncodeToString(b[:]) }

// hash is java Uuid.hashCode.
func (u uuid) hash() int32 {
	x := u.msb ^ u.lsb
	return int32(x>>32) ^ int32(x)
}

func (u uuid) less(v uuid) bool {
	if u.msb != v.msb {
		return u.msb < v.msb
	}
	return u.lsb < v.lsb
}

// javaTableSize is the table a HashMap grows to holding at most n entries
// by successive puts (16, doubled while n > 0.75 × size).
func javaTableSize(n int) int {
	size := 16
	for float64(n) > 0.75*float64(size) {
		size *= 2
	}
	return size
}

// javaCopyTableSize is the table of new HashSet<>(collection of n):
// tableSizeFor(max(n / .75 + 1, 16)).
func javaCopyTableSize(n int) int {
	c := max(int(float32(n)/0.75)+1, 16)
	size := 1
	for size < c {
		size *= 2
	}
	return size
}

// javaHashIter orders keys as a Java HashMap/HashSet of the given table
// size iterates them: buckets ascending by (h ^ h>>>16) & (size-1), the
// given order within a bucket.
func javaHashIter[K any](keys []K, hash func(K) int32, size int) []K {
	buckets := make([][]K, size)
	for _, k := range keys {
		h := hash(k)
		b := int(h^int32(uint32(h)>>16)) & (size - 1)
		buckets[b] = append(buckets[b], k)
	}
	out := make([]K, 0, len(keys))
	for _, b := range buckets {
		out = append(out, b...)
	}
	return out
}

// serverMemberOrder is groupSpec.memberIds() order: HashMap order of the
// member ids, the table sized for the most members it held (a simulation
// puts the leavers before removing them).
func serverMemberOrder(s Scenario) []string {
	ids := memberIDs(s.Members)
	return javaHashIter(ids, javaStringHash, javaTableSize(max(len(ids), s.peakMembers)))
}

// topicIDs returns every subscribed topic's id, or false when any is
// unknown (then Kafka's topic order cannot be reproduced).
func (s Scenario) topicIDs(topics []string) (map[string]uuid, bool) {
	out := map[string]uuid{}
	for _, t := range topics {
		id, ok := s.TopicIDs[t]
		if !ok {
			return nil, false
		}
		u, err := parseUUID(id)
		if err != nil {
			return nil, false
		}
		out[t] = u
	}
	return out, true
}

// serverTopicOrder is the homogeneous uniform builder's topic order: the
// HashSet of topic ids; by name when an id is unknown.
func serverTopicOrder(s Scenario, topics []string) []string {
	ids, ok := s.topicIDs(topics)
	if !ok {
		out := append([]string(nil), topics...)
		sort.Strings(out)
		return out
	}
	return javaHashIter(topics, func(t string) int32 { return ids[t].hash() }, javaCopyTableSize(len(topics)))
}
