package assign

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// kafkaRackFixture lays out replicas as Kafka's AbstractPartitionAssignorTest
// does (partitionsPerTopic / partitionInfos): topics in order, each
// partition i of a topic starting at broker (i + j + nextIndex) mod brokers
// for replica j, nextIndex advancing by the topic's partition count.
func kafkaRackFixture(topics []string, counts []int32, rf int, brokerRacks []string) map[string][][]string {
	out := map[string][][]string{}
	next := 0
	for k, t := range topics {
		for i := 0; i < int(counts[k]); i++ {
			var racks []string
			for j := 0; j < rf; j++ {
				racks = append(racks, brokerRacks[(i+j+next)%len(brokerRacks)])
			}
			out[t] = append(out[t], racks)
		}
		next += int(counts[k])
	}
	return out
}

// javaStyle renders one member's partitions as the Java test does:
// "t1-0, t1-3, ..." sorted as strings.
func javaStyle(a map[string][]int32) string {
	var parts []string
	for t, ps := range a {
		for _, p := range ps {
			parts = append(parts, fmt.Sprintf("%s-%d", t, p))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// Vectors from Kafka's RangeAssignorTest (clients/src/test/java/org/apache/
// kafka/clients/consumer/RangeAssignorTest.java, apache/kafka 1eb7644):
// testRackAwareAssignmentWithUniformSubscription,
// testRackAwareAssignmentWithNonEqualSubscription,
// testRackAwareAssignmentWithUniformPartitions and
// testRackAwareAssignmentWithCoPartitioning (replication factors 1 and 2).
func TestRackAwareRangeKafkaVectors(t *testing.T) {
	t.Parallel()
	all := []string{"t1", "t2", "t3"}
	cases := []struct {
		name          string
		topics        []string
		counts        []int32
		rf            int
		brokers       []string
		consumerRacks []string
		subs          [][]string
		want          []string
	}{
		{"UniformSubscription rf1", all, []int32{6, 7, 2}, 1, []string{"a", "b", "c"}, []string{"a", "b", "c"}, [][]string{all, all, all},
			[]string{"t1-0, t1-3, t2-0, t2-3, t2-6", "t1-1, t1-4, t2-1, t2-4, t3-0", "t1-2, t1-5, t2-2, t2-5, t3-1"}},
		{"UniformSubscription rf2", all, []int32{6, 7, 2}, 2, []string{"a", "b", "c"}, []string{"a", "b", "c"}, [][]string{all, all, all},
			[]string{"t1-0, t1-2, t2-0, t2-2, t2-3, t3-1", "t1-1, t1-3, t2-1, t2-4, t3-0", "t1-4, t1-5, t2-5, t2-6"}},
		{"UniformSubscription rf3, a rack without partitions", all, []int32{6, 7, 2}, 3, []string{"a", "b"}, []string{"a", "b", "c"}, [][]string{all, all, all},
			[]string{"t1-0, t1-1, t2-0, t2-1, t2-2, t3-0", "t1-2, t1-3, t2-3, t2-4, t3-1", "t1-4, t1-5, t2-5, t2-6"}},
		{"NonEqualSubscription rf1", all, []int32{6, 7, 2}, 1, []string{"a", "b", "c"}, []string{"a", "b", "c"}, [][]string{all, all, {"t1", "t3"}},
			[]string{"t1-0, t1-3, t2-0, t2-2, t2-3, t2-6", "t1-1, t1-4, t2-1, t2-4, t2-5, t3-0", "t1-2, t1-5, t3-1"}},
		{"NonEqualSubscription rf2", all, []int32{6, 7, 2}, 2, []string{"a", "b", "c"}, []string{"a", "b", "c"}, [][]string{all, all, {"t1", "t3"}},
			[]string{"t1-0, t1-2, t2-0, t2-2, t2-3, t2-5, t3-1", "t1-1, t1-3, t2-1, t2-4, t2-6, t3-0", "t1-4, t1-5"}},
		{"UniformPartitions rf1 (co-partitioning first)", all, []int32{5, 5, 5}, 1, []string{"a", "b", "c"}, []string{"a", "b", "c"}, [][]string{all, all, all},
			[]string{"t1-0, t1-1, t2-0, t2-1, t3-0, t3-1", "t1-2, t1-3, t2-2, t2-3, t3-2, t3-3", "t1-4, t2-4, t3-4"}},
		{"CoPartitioning rf1", []string{"t1", "t2", "t3", "t4"}, []int32{6, 6, 2, 2}, 1, []string{"a", "b"}, []string{"a", "b", "b", "a"},
			[][]string{{"t1", "t2"}, {"t1", "t2"}, {"t3", "t4"}, {"t3", "t4"}},
			[]string{"t1-0, t1-2, t1-4, t2-0, t2-2, t2-4", "t1-1, t1-3, t1-5, t2-1, t2-3, t2-5", "t3-1, t4-1", "t3-0, t4-0"}},
	}
	for _, c := range cases {
		s := Scenario{Assignor: Range, Topics: map[string]int32{}, PartitionRacks: kafkaRackFixture(c.topics, c.counts, c.rf, c.brokers)}
		for i, t := range c.topics {
			s.Topics[t] = c.counts[i]
		}
		for i, r := range c.consumerRacks {
			r := r
			s.Members = append(s.Members, Member{ID: fmt.Sprintf("consumer%d", i), Subscription: c.subs[i], Rack: &r})
		}
		a := mustAssign(t, s)
		for i, want := range c.want {
			if got := javaStyle(a[fmt.Sprintf("consumer%d", i)]); got != want {
				t.Errorf("%s: consumer%d got %q, want %q", c.name, i, got, want)
			}
		}
	}
}
