package assign

import "testing"

// Unit vectors from Kafka's own test suite for the uniform assignor's
// homogeneous builder: group-coordinator/src/test/java/org/apache/kafka/
// coordinator/group/assignor/OptimizedUniformAssignmentBuilderTest.java
// (apache/kafka 1eb7644), with its fixed topic ids. Members A, B, C iterate
// in the same order in the test's TreeMap and in the broker's HashMap.
// Not transcribed: testReassignmentForTwoMembersTwoTopicsGivenUnbalancedPrevAssignment
// and testReassignmentWhenOneMemberAddedAfterInitialAssignmentWithTwoMembersTwoTopics
// build the previous assignment with mkOrderedAssignment (a LinkedHashMap,
// topic 1 first); the broker reads it into a HashMap (Collectors.toMap),
// whose order kgroups models instead.
func TestUniformKafkaVectors(t *testing.T) {
	t.Parallel()
	ids := map[string]string{"t1": "T1-A4s3VTwiI5CTbEp6POw", "t2": "T2-B4s3VTwiI5YHbPp6YUe", "t3": "T3-CU8fVTLCz5YMkLoDQsa"}
	both := func(id string, owned map[string][]int32, topics ...string) Member {
		return Member{ID: id, Subscription: topics, Owned: owned}
	}
	cases := []struct {
		name string
		s    Scenario
		want string
	}{
		{"testFirstAssignmentTwoMembersTwoTopicsNoMemberRacks",
			Scenario{Topics: map[string]int32{"t1": 3, "t3": 2}, Members: []Member{both("A", nil, "t1", "t3"), both("B", nil, "t1", "t3")}},
			"A=t1:0 t3:0,1 | B=t1:1,2"},
		{"testFirstAssignmentNumMembersGreaterThanTotalNumPartitions",
			Scenario{Topics: map[string]int32{"t3": 2}, Members: []Member{both("A", nil, "t3"), both("B", nil, "t3"), both("C", nil, "t3")}},
			"A=t3:0 | B=t3:1 | C="},
		{"testReassignmentWhenPartitionsAreAddedForTwoMembersTwoTopics",
			Scenario{Topics: map[string]int32{"t1": 6, "t2": 5}, Members: []Member{
				both("A", map[string][]int32{"t1": {0, 2}, "t2": {0}}, "t1", "t2"),
				both("B", map[string][]int32{"t1": {1}, "t2": {1, 2}}, "t1", "t2")}},
			"A=t1:0,2,3 t2:0,3,4 | B=t1:1,4,5 t2:1,2"},
		{"testReassignmentWhenOneMemberRemovedAfterInitialAssignmentWithThreeMembersTwoTopics",
			Scenario{Topics: map[string]int32{"t1": 3, "t2": 3}, Members: []Member{
				both("A", map[string][]int32{"t1": {0}, "t2": {0}}, "t1", "t2"),
				both("B", map[string][]int32{"t1": {1}, "t2": {1}}, "t1", "t2")}},
			"A=t1:0 t2:0,2 | B=t1:1,2 t2:1"},
		{"testReassignmentWhenOneSubscriptionRemovedAfterInitialAssignmentWithTwoMembersTwoTopics",
			Scenario{Topics: map[string]int32{"t1": 2, "t2": 2}, Members: []Member{
				both("A", map[string][]int32{"t1": {0}, "t2": {0}}, "t2"),
				both("B", map[string][]int32{"t1": {1}, "t2": {1}}, "t2")}},
			"A=t2:0 | B=t2:1"},
	}
	for _, c := range cases {
		c.s.Assignor, c.s.TopicIDs = Uniform, map[string]string{}
		for t := range c.s.Topics {
			c.s.TopicIDs[t] = ids[t]
		}
		if got := show(mustAssign(t, c.s)); got != c.want {
			t.Errorf("%s:\n got  %s\n want %s", c.name, got, c.want)
		}
	}
}

// Kafka's orders: Uuid.hashCode and HashSet iteration as java computes them.
func TestKafkaOrders(t *testing.T) {
	t.Parallel()
	u, err := parseUUID("T1-A4s3VTwiI5CTbEp6POw")
	if err != nil {
		t.Fatal(err)
	}
	x := u.msb ^ u.lsb
	if u.hash() != int32(x>>32)^int32(x) {
		t.Fatal("hash")
	}
	if _, err := parseUUID("not-a-uuid"); err == nil {
		t.Fatal("bad id accepted")
	}
	// HashSet<Integer> iterates by bucket: 20 sorts before 5 in a 16 table.
	if got := javaHashIter([]int32{5, 20}, func(p int32) int32 { return p }, 16); got[0] != 20 {
		t.Fatalf("%v", got)
	}
	if javaTableSize(12) != 16 || javaTableSize(13) != 32 || javaCopyTableSize(11) != 16 || javaCopyTableSize(12) != 32 {
		t.Fatal("table sizes")
	}
	// Scenario validation names the bad id.
	s := Scenario{Assignor: Uniform, Topics: map[string]int32{"t": 1}, TopicIDs: map[string]string{"t": "x"}, Members: []Member{{ID: "a", Subscription: []string{"t"}}}}
	if err := s.Validate(); err == nil {
		t.Fatal("bad topic id accepted")
	}
	s.TopicIDs = map[string]string{"u": "T1-A4s3VTwiI5CTbEp6POw"}
	if err := s.Validate(); err == nil {
		t.Fatal("topic id for an unknown topic accepted")
	}
}

// Vectors from UniformHeterogeneousAssignmentBuilderTest.java (same
// directory and commit), with its fixed topic ids.
func TestUniformHeterogeneousKafkaVectors(t *testing.T) {
	t.Parallel()
	ids := map[string]string{"t1": "T1-A4s3VTwiI5CTbEp6POw", "t2": "T2-B4s3VTwiI5YHbPp6YUe", "t3": "T3-CU8fVTLCz5YMkLoDQsa", "t4": "T4-Tw9fVTLCz5HbPp6YQsa"}
	m := func(id string, owned map[string][]int32, topics ...string) Member {
		return Member{ID: id, Subscription: topics, Owned: owned}
	}
	cases := []struct {
		name string
		s    Scenario
		want string
	}{
		{"testFirstAssignmentTwoMembersTwoTopics", Scenario{Topics: map[string]int32{"t1": 3, "t3": 6},
			Members: []Member{m("A", nil, "t1", "t3"), m("B", nil, "t3")}},
			"A=t1:0,1,2 t3:4 | B=t3:0,1,2,3,5"},
		{"testFirstAssignmentNumMembersGreaterThanTotalNumPartitions", Scenario{Topics: map[string]int32{"t3": 1, "t1": 2},
			Members: []Member{m("A", nil, "t3"), m("B", nil, "t3"), m("C", nil, "t1")}},
			"A=t3:0 | B= | C=t1:0,1"},
		{"testReassignmentForTwoMembersThreeTopicsGivenUnbalancedPrevAssignment", Scenario{Topics: map[string]int32{"t1": 6, "t2": 4, "t3": 4},
			Members: []Member{
				m("A", map[string][]int32{"t1": {0, 1, 2}}, "t1"),
				m("B", map[string][]int32{"t1": {3}, "t2": {0}}, "t1", "t2"),
				m("C", map[string][]int32{"t1": {4, 5}, "t2": {1, 2, 3}, "t3": {0, 1, 2, 3}}, "t1", "t2", "t3")}},
			"A=t1:0,1,2,5 | B=t1:3 t2:0,1,2,3 | C=t1:4 t3:0,1,2,3"},
		{"testReassignmentWhenPartitionsAreAddedForTwoMembers", Scenario{Topics: map[string]int32{"t1": 6, "t2": 5, "t3": 3, "t4": 3},
			Members: []Member{
				m("A", map[string][]int32{"t1": {0, 1, 2, 3}, "t3": {0, 1}}, "t1", "t3"),
				m("B", map[string][]int32{"t2": {0, 1, 2}, "t4": {0, 1, 2}}, "t1", "t2", "t3", "t4")}},
			"A=t1:0,1,2,3,4,5 t3:0,1,2 | B=t2:0,1,2,3,4 t4:0,1,2"},
	}
	for _, c := range cases {
		c.s.Assignor, c.s.TopicIDs = Uniform, map[string]string{}
		for t := range c.s.Topics {
			c.s.TopicIDs[t] = ids[t]
		}
		if got := show(mustAssign(t, c.s)); got != c.want {
			t.Errorf("%s:\n got  %s\n want %s", c.name, got, c.want)
		}
	}
}
