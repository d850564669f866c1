package assign

import "testing"

// Unit vectors from kafka-python's own suite, test/test_assignors.py
// (dpkp/kafka-python 02e9c61): test_sticky_assignor1, test_sticky_assignor2,
// test_sticky_multiple_consumers_mixed_topic_subscriptions and
// test_sticky_add_remove_topic_two_consumers, each step feeding the previous
// result back as the members' user data (no generation).
func TestKafkaPythonStickyVectors(t *testing.T) {
	t.Parallel()
	run := func(topics map[string]int32, ms ...Member) string {
		return show(mustAssign(t, Scenario{Assignor: Sticky, Client: KafkaPython, Topics: topics, Members: ms}))
	}
	all4 := []string{"t0", "t1", "t2", "t3"}
	four := map[string]int32{"t0": 2, "t1": 2, "t2": 2, "t3": 2}
	cases := []struct{ name, got, want string }{
		{"test_sticky_assignor1 (fresh)", run(four, rm("C0", nil, -1, all4...), rm("C1", nil, -1, all4...), rm("C2", nil, -1, all4...)),
			"C0=t0:0 t1:1 t3:0 | C1=t0:1 t2:0 t3:1 | C2=t1:0 t2:1"},
		{"test_sticky_assignor1 (C1 removed)", run(four,
			rm("C0", map[string][]int32{"t0": {0}, "t1": {1}, "t3": {0}}, -1, all4...),
			rm("C2", map[string][]int32{"t1": {0}, "t2": {1}}, -1, all4...)),
			"C0=t0:0 t1:1 t2:0 t3:0 | C2=t0:1 t1:0 t2:1 t3:1"},
		{"test_sticky_assignor2 (fresh)", run(map[string]int32{"t0": 1, "t1": 2, "t2": 3},
			rm("C0", nil, -1, "t0"), rm("C1", nil, -1, "t0", "t1"), rm("C2", nil, -1, "t0", "t1", "t2")),
			"C0=t0:0 | C1=t1:0,1 | C2=t2:0,1,2"},
		{"test_sticky_assignor2 (C0 removed)", run(map[string]int32{"t0": 1, "t1": 2, "t2": 3},
			rm("C1", map[string][]int32{"t1": {0, 1}}, -1, "t0", "t1"), rm("C2", map[string][]int32{"t2": {0, 1, 2}}, -1, "t0", "t1", "t2")),
			"C1=t0:0 t1:0,1 | C2=t2:0,1,2"},
		{"test_sticky_multiple_consumers_mixed_topic_subscriptions", run(map[string]int32{"t1": 3, "t2": 2},
			rm("C1", nil, -1, "t1"), rm("C2", nil, -1, "t1", "t2"), rm("C3", nil, -1, "t1")),
			"C1=t1:0,2 | C2=t2:0,1 | C3=t1:1"},
		{"test_sticky_add_remove_topic_two_consumers (t2 added)", run(map[string]int32{"t1": 3, "t2": 3},
			rm("C1", map[string][]int32{"t1": {0, 2}}, -1, "t1", "t2"), rm("C2", map[string][]int32{"t1": {1}}, -1, "t1", "t2")),
			"C1=t1:0,2 t2:1 | C2=t1:1 t2:0,2"},
		{"test_sticky_add_remove_topic_two_consumers (t1 dropped)", run(map[string]int32{"t1": 3, "t2": 3},
			rm("C1", map[string][]int32{"t1": {0, 2}, "t2": {1}}, -1, "t2"), rm("C2", map[string][]int32{"t1": {1}, "t2": {0, 2}}, -1, "t2")),
			"C1=t2:1 | C2=t2:0,2"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s:\n got  %s\n want %s", c.name, c.got, c.want)
		}
	}
	// kafka-python has no cooperative-sticky and no KIP-848.
	for _, a := range []string{CooperativeSticky, Uniform, ServerRange} {
		s := Scenario{Assignor: a, Client: KafkaPython, Topics: map[string]int32{"t": 1}, Members: []Member{rm("C", nil, -1, "t")}}
		if err := s.Validate(); err == nil {
			t.Errorf("kafka-python %s accepted", a)
		}
	}
}
