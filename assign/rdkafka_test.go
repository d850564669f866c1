package assign

import "testing"

// rdkafkaAssignCB is librdkafka's sticky assign_cb as kgroups models it:
// the result before the cgrp's cooperative adjustment.
func rdkafkaAssignCB(t *testing.T, topics map[string]int32, members ...Member) Assignment {
	t.Helper()
	c := resolveClaims(members, topics, javaHashOrder(memberIDs(members)))
	a, _ := general(members, topics, c, flavourRdkafka)
	out := toAssignment(a)
	out.normalize(members)
	return out
}

func rm(id string, owned map[string][]int32, g int32, topics ...string) Member {
	m := Member{ID: id, Subscription: topics, Owned: owned}
	if g >= 0 {
		m.Generation = &g
	}
	return m
}

// Unit vectors from librdkafka's own suite, src/rdkafka_sticky_assignor.c
// (confluentinc/librdkafka 4c3b017; the no-rack parametrization). A step
// that reruns the assignor on the same members feeds the previous result
// back as owned partitions.
func TestRdkafkaStickyVectors(t *testing.T) {
	t.Parallel()
	t1 := map[string]int32{"topic1": 3}
	cases := []struct {
		name string
		got  Assignment
		want string
	}{
		{"ut_testTwoConsumersTwoTopicsSixPartitions",
			rdkafkaAssignCB(t, map[string]int32{"topic1": 3, "topic2": 3},
				rm("consumer1", nil, -1, "topic1", "topic2"), rm("consumer2", nil, -1, "topic1", "topic2")),
			"consumer1=topic1:0,2 topic2:1 | consumer2=topic1:1 topic2:0,2"},
		{"ut_testMultipleConsumersMixedTopicSubscriptions",
			rdkafkaAssignCB(t, map[string]int32{"topic1": 3, "topic2": 2},
				rm("consumer1", nil, -1, "topic1"), rm("consumer2", nil, -1, "topic1", "topic2"), rm("consumer3", nil, -1, "topic1")),
			"consumer1=topic1:0,2 | consumer2=topic2:0,1 | consumer3=topic1:1"},
		{"ut_testAddRemoveConsumerOneTopic (consumer2 added)",
			rdkafkaAssignCB(t, t1, rm("consumer1", map[string][]int32{"topic1": {0, 1, 2}}, -1, "topic1"), rm("consumer2", nil, -1, "topic1")),
			"consumer1=topic1:1,2 | consumer2=topic1:0"},
		{"ut_testAddRemoveConsumerOneTopic (consumer1 removed)",
			rdkafkaAssignCB(t, t1, rm("consumer2", map[string][]int32{"topic1": {0}}, -1, "topic1")),
			"consumer2=topic1:0,1,2"},
		{"ut_testPoorRoundRobinAssignmentScenario",
			rdkafkaAssignCB(t, map[string]int32{"topic1": 2, "topic2": 1, "topic3": 2, "topic4": 1, "topic5": 2},
				rm("consumer1", nil, -1, "topic1", "topic2", "topic3", "topic4", "topic5"),
				rm("consumer2", nil, -1, "topic1", "topic3", "topic5"),
				rm("consumer3", nil, -1, "topic1", "topic3", "topic5"),
				rm("consumer4", nil, -1, "topic1", "topic2", "topic3", "topic4", "topic5")),
			"consumer1=topic2:0 topic3:0 | consumer2=topic1:0 topic3:1 | consumer3=topic1:1 topic5:0 | consumer4=topic4:0 topic5:1"},
		{"ut_testAddRemoveTopicTwoConsumers (topic2 added)",
			rdkafkaAssignCB(t, map[string]int32{"topic1": 3, "topic2": 3},
				rm("consumer1", map[string][]int32{"topic1": {0, 2}}, -1, "topic1", "topic2"),
				rm("consumer2", map[string][]int32{"topic1": {1}}, -1, "topic1", "topic2")),
			"consumer1=topic1:0,2 topic2:1 | consumer2=topic1:1 topic2:0,2"},
		{"ut_testAddRemoveTopicTwoConsumers (topic1 removed)",
			rdkafkaAssignCB(t, map[string]int32{"topic2": 3},
				rm("consumer1", map[string][]int32{"topic1": {0, 2}, "topic2": {1}}, -1, "topic1", "topic2"),
				rm("consumer2", map[string][]int32{"topic1": {1}, "topic2": {0, 2}}, -1, "topic1", "topic2")),
			"consumer1=topic2:1 | consumer2=topic2:0,2"},
		{"ut_testAllConsumersReachExpectedQuotaAndAreConsideredFilled",
			rdkafkaAssignCB(t, map[string]int32{"topic1": 4},
				rm("consumer1", map[string][]int32{"topic1": {0, 1}}, 1, "topic1"),
				rm("consumer2", map[string][]int32{"topic1": {2}}, 1, "topic1"),
				rm("consumer3", nil, -1, "topic1")),
			"consumer1=topic1:0,1 | consumer2=topic1:2 | consumer3=topic1:3"},
		{"ut_testOwnedPartitionsAreInvalidatedForConsumerWithStaleGeneration",
			rdkafkaAssignCB(t, map[string]int32{"topic1": 3, "topic2": 3},
				rm("consumer1", map[string][]int32{"topic1": {0, 2}, "topic2": {1}}, 10, "topic1", "topic2"),
				rm("consumer2", map[string][]int32{"topic1": {0, 2}, "topic2": {1}}, 9, "topic1", "topic2")),
			"consumer1=topic1:0,2 topic2:1 | consumer2=topic1:1 topic2:0,2"},
	}
	for _, c := range cases {
		if got := show(c.got); got != c.want {
			t.Errorf("%s:\n got  %s\n want %s", c.name, got, c.want)
		}
	}
}

// Observed with kcat 1.7.1 / librdkafka 2.0.2 (e2e, kfake): kc-0 (owning 6
// and 7) left; librdkafka hands out the free partitions in descending order
// (rd_map iterates in reverse insertion), so kc-1 gets 7 and kc-2 gets 6.
// The Java-ordered general path gave them the other way round.
func TestRdkafkaLeaveOrderObserved(t *testing.T) {
	t.Parallel()
	s := Scenario{Assignor: CooperativeSticky, Client: Librdkafka, Topics: map[string]int32{"orders": 8}, Members: []Member{
		rm("kc-1", map[string][]int32{"orders": {2, 4}}, 5, "orders"),
		rm("kc-2", map[string][]int32{"orders": {1, 3}}, 5, "orders"),
		rm("kc-3", map[string][]int32{"orders": {0, 5}}, 5, "orders")}}
	if got := show(mustAssign(t, s)); got != "kc-1=orders:2,4,7 | kc-2=orders:1,3,6 | kc-3=orders:0,5" {
		t.Fatalf("got %s", got)
	}
}
