package assign

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func sub(id string, topics ...string) Member { return Member{ID: id, Subscription: topics} }

func gen(g int32) *int32 { return &g }

func show(a Assignment) string { return a.String() }

func mustAssign(t *testing.T, s Scenario) Assignment {
	t.Helper()
	a, err := Assign(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// Cases from Kafka's client tests (clients/.../consumer/*AssignorTest.java).
func TestJavaVectors(t *testing.T) {
	t1t2 := map[string]int32{"topic1": 3, "topic2": 3}
	mixed := []Member{sub("consumer1", "topic1"), sub("consumer2", "topic1", "topic2"), sub("consumer3", "topic1")}
	mixedTopics := map[string]int32{"topic1": 3, "topic2": 2}
	cases := []struct {
		name string
		s    Scenario
		want string
	}{
		{"range: one consumer, one topic", Scenario{Assignor: Range, Topics: map[string]int32{"topic": 3}, Members: []Member{sub("consumer", "topic")}},
			"consumer=topic:0,1,2"},
		{"range: two consumers, one partition", Scenario{Assignor: Range, Topics: map[string]int32{"topic": 1}, Members: []Member{sub("consumer1", "topic"), sub("consumer2", "topic")}},
			"consumer1=topic:0 | consumer2="},
		{"range: mixed topics", Scenario{Assignor: Range, Topics: mixedTopics, Members: mixed},
			"consumer1=topic1:0 | consumer2=topic1:1 topic2:0,1 | consumer3=topic1:2"},
		{"range: two topics, six partitions", Scenario{Assignor: Range, Topics: t1t2, Members: []Member{sub("consumer1", "topic1", "topic2"), sub("consumer2", "topic1", "topic2")}},
			"consumer1=topic1:0,1 topic2:0,1 | consumer2=topic1:2 topic2:2"},
		{"roundrobin: two topics, six partitions", Scenario{Assignor: RoundRobin, Topics: t1t2, Members: []Member{sub("consumer1", "topic1", "topic2"), sub("consumer2", "topic1", "topic2")}},
			"consumer1=topic1:0,2 topic2:1 | consumer2=topic1:1 topic2:0,2"},
		{"roundrobin: Javadoc, unequal subscriptions", Scenario{Assignor: RoundRobin, Topics: map[string]int32{"t0": 1, "t1": 2, "t2": 3},
			Members: []Member{sub("C0", "t0"), sub("C1", "t0", "t1"), sub("C2", "t0", "t1", "t2")}},
			"C0=t0:0 | C1=t1:0 | C2=t1:1 t2:0,1,2"},
		{"sticky: only subscribed topics", Scenario{Assignor: Sticky, Topics: map[string]int32{"topic": 3, "other": 3}, Members: []Member{sub("consumer", "topic")}},
			"consumer=topic:0,1,2"},
		{"sticky: two consumers, one partition", Scenario{Assignor: Sticky, Topics: map[string]int32{"topic": 1}, Members: []Member{sub("consumer1", "topic"), sub("consumer2", "topic")}},
			"consumer1=topic:0 | consumer2="},
		{"sticky: two consumers, two topics, six partitions", Scenario{Assignor: Sticky, Topics: t1t2, Members: []Member{sub("consumer1", "topic1", "topic2"), sub("consumer2", "topic1", "topic2")}},
			"consumer1=topic1:0,2 topic2:1 | consumer2=topic1:1 topic2:0,2"},
		{"sticky: mixed subscriptions (general path)", Scenario{Assignor: Sticky, Topics: mixedTopics, Members: mixed},
			"consumer1=topic1:0,2 | consumer2=topic2:0,1 | consumer3=topic1:1"},
		{"sticky: a consumer joins: the owner keeps its lowest partitions",
			Scenario{Assignor: Sticky, Topics: map[string]int32{"topic": 3}, Members: []Member{
				{ID: "consumer1", Subscription: []string{"topic"}, Owned: map[string][]int32{"topic": {0, 1, 2}}, Generation: gen(1)}, sub("consumer2", "topic")}},
			"consumer1=topic:0,1 | consumer2=topic:2"},
		{"cooperative-sticky: the moving partition waits a round",
			Scenario{Assignor: CooperativeSticky, Topics: map[string]int32{"topic": 3}, Members: []Member{
				{ID: "consumer1", Subscription: []string{"topic"}, Owned: map[string][]int32{"topic": {0, 1, 2}}, Generation: gen(1)}, sub("consumer2", "topic")}},
			"consumer1=topic:0,1 | consumer2="},
		{"cooperative-sticky: second round assigns it",
			Scenario{Assignor: CooperativeSticky, Topics: map[string]int32{"topic": 3}, Members: []Member{
				{ID: "consumer1", Subscription: []string{"topic"}, Owned: map[string][]int32{"topic": {0, 1}}, Generation: gen(2)},
				{ID: "consumer2", Subscription: []string{"topic"}, Owned: map[string][]int32{}, Generation: gen(2)}}},
			"consumer1=topic:0,1 | consumer2=topic:2"},
		{"sticky: same-generation double claim is reassigned",
			Scenario{Assignor: Sticky, Topics: map[string]int32{"topic": 2}, Members: []Member{
				{ID: "consumer1", Subscription: []string{"topic"}, Owned: map[string][]int32{"topic": {0, 1}}, Generation: gen(3)},
				{ID: "consumer2", Subscription: []string{"topic"}, Owned: map[string][]int32{"topic": {1}}, Generation: gen(3)}}},
			"consumer1=topic:0 | consumer2=topic:1"},
		{"sticky: a higher generation wins the claim",
			Scenario{Assignor: Sticky, Topics: map[string]int32{"topic": 4}, Members: []Member{
				{ID: "consumer1", Subscription: []string{"topic"}, Owned: map[string][]int32{"topic": {0, 1, 2}}, Generation: gen(1)},
				{ID: "consumer2", Subscription: []string{"topic"}, Owned: map[string][]int32{"topic": {2, 3}}, Generation: gen(2)}}},
			"consumer1=topic:0,1 | consumer2=topic:2,3"},
		{"server-range: static members first", Scenario{Assignor: ServerRange, Topics: map[string]int32{"t": 3},
			Members: []Member{sub("a", "t"), {ID: "z", InstanceID: ptrS("i-1"), Subscription: []string{"t"}}}},
			"a=t:2 | z=t:0,1"},
		{"uniform heterogeneous: the busiest topic per subscriber first, water filling",
			Scenario{Assignor: Uniform, Topics: map[string]int32{"a": 4, "b": 2},
				Members: []Member{sub("m1", "a", "b"), sub("m2", "a"), sub("m3", "b")}},
			"m1=a:0,2 | m2=a:1,3 | m3=b:0,1"},
		{"uniform: fresh, contiguous runs, extras first", Scenario{Assignor: Uniform, Topics: map[string]int32{"a": 3, "b": 2},
			Members: []Member{sub("m1", "a", "b"), sub("m2", "a", "b")}},
			"m1=a:0,1,2 | m2=b:0,1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := show(mustAssign(t, c.s)); got != c.want {
				t.Fatalf("\n got %s\nwant %s", got, c.want)
			}
		})
	}
}

func ptrS(s string) *string { return &s }

func TestJavaHashMapOrder(t *testing.T) {
	// assignors.md §0: consumer1..3 iterate as consumer3, consumer2, consumer1.
	if got := javaHashOrder([]string{"consumer1", "consumer2", "consumer3"}); fmt.Sprint(got) != "[consumer3 consumer2 consumer1]" {
		t.Fatalf("order %v", got)
	}
	if javaStringHash("hello") != 99162322 || javaStringHash("") != 0 {
		t.Fatalf("String.hashCode: %d", javaStringHash("hello"))
	}
	// 13 keys resize the table to 32 buckets; every key still appears once.
	var keys []string
	for i := 0; i < 13; i++ {
		keys = append(keys, fmt.Sprintf("member-%d", i))
	}
	if got := javaHashOrder(keys); len(got) != 13 {
		t.Fatalf("lost keys: %v", got)
	}
}

func TestStaticMemberOrderDiffersByClient(t *testing.T) {
	members := []Member{sub("a-dynamic", "t"), {ID: "b-static", InstanceID: ptrS("z"), Subscription: []string{"t"}}}
	java := mustAssign(t, Scenario{Assignor: Range, Client: Java, Topics: map[string]int32{"t": 2}, Members: members})
	rd := mustAssign(t, Scenario{Assignor: Range, Client: Librdkafka, Topics: map[string]int32{"t": 2}, Members: members})
	if show(java) != "a-dynamic=t:1 | b-static=t:0" || show(rd) != "a-dynamic=t:0 | b-static=t:1" {
		t.Fatalf("java %s / librdkafka %s", show(java), show(rd))
	}
}

func TestFranzGoUsesKgo(t *testing.T) {
	a := mustAssign(t, Scenario{Assignor: Range, Client: FranzGo, Topics: map[string]int32{"t": 5},
		Members: []Member{sub("m1", "t"), sub("m2", "t")}})
	if show(a) != "m1=t:0,1,2 | m2=t:3,4" {
		t.Fatalf("kgo range: %s", show(a))
	}
	// kgo's cooperative-sticky keeps a balanced owner's partitions.
	owned := []Member{
		{ID: "m1", Subscription: []string{"t"}, Owned: map[string][]int32{"t": {0, 2}}, Generation: gen(4)},
		{ID: "m2", Subscription: []string{"t"}, Owned: map[string][]int32{"t": {1, 3}}, Generation: gen(4)}}
	if got := show(mustAssign(t, Scenario{Assignor: CooperativeSticky, Client: FranzGo, Topics: map[string]int32{"t": 4}, Members: owned})); got != "m1=t:0,2 | m2=t:1,3" {
		t.Fatalf("kgo cooperative-sticky moved a balanced group: %s", got)
	}
}

func TestValidate(t *testing.T) {
	bad := []struct {
		s    Scenario
		want string
	}{
		{Scenario{Assignor: "fair", Topics: map[string]int32{"t": 1}, Members: []Member{sub("a", "t")}}, `assignor "fair" is not known`},
		{Scenario{Assignor: Range, Client: "go", Topics: map[string]int32{"t": 1}, Members: []Member{sub("a", "t")}}, `client "go" is not known`},
		{Scenario{Assignor: Sticky, Client: Librdkafka, Topics: map[string]int32{"t": 1}, Members: []Member{sub("a", "t")}}, "no eager sticky"},
		{Scenario{Assignor: Range, Topics: map[string]int32{"t": 1}}, "at least one member"},
		{Scenario{Assignor: Range, Topics: map[string]int32{"t": 1}, Members: []Member{sub("a", "t"), sub("a", "t")}}, `member "a" appears twice`},
		{Scenario{Assignor: Range, Topics: map[string]int32{"t": 1}, Members: []Member{sub("a")}}, "subscribes to nothing"},
	}
	for _, c := range bad {
		if _, err := Assign(c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.s, err, c.want)
		}
	}
}

// randomScenario: up to 4 topics of up to 12 partitions, up to 9 members
// with equal (half the time) or random subscriptions.
func randomScenario(r *rand.Rand, assignor, client string) Scenario {
	topics := map[string]int32{}
	names := []string{}
	for i := 0; i < 1+r.IntN(4); i++ {
		n := fmt.Sprintf("t%d", i)
		topics[n] = int32(r.IntN(13))
		names = append(names, n)
	}
	equal := r.IntN(2) == 0
	var members []Member
	for i := 0; i < 1+r.IntN(9); i++ {
		subs := names
		if !equal {
			subs = nil
			for _, n := range names {
				if r.IntN(2) == 0 {
					subs = append(subs, n)
				}
			}
			if len(subs) == 0 {
				subs = []string{names[0]}
			}
		}
		members = append(members, Member{ID: fmt.Sprintf("m%02d", i), Subscription: subs})
	}
	return Scenario{Assignor: assignor, Client: client, Topics: topics, Members: members}
}

// checkValid: each partition of a subscribed topic at most once (exactly
// once unless withheld), and only to a subscriber.
func checkValid(t *testing.T, s Scenario, a Assignment, exactlyOnce bool) {
	t.Helper()
	seen := map[tp]string{}
	subs := map[string]Member{}
	for _, m := range s.Members {
		subs[m.ID] = m
	}
	for id, ts := range a {
		for topic, ps := range ts {
			if !subscribes(subs[id], topic) {
				t.Fatalf("%s: %s got %s without subscribing", show(a), id, topic)
			}
			for _, p := range ps {
				if p < 0 || p >= s.Topics[topic] {
					t.Fatalf("%s: %s/%d does not exist", show(a), topic, p)
				}
				if other, dup := seen[tp{topic, p}]; dup {
					t.Fatalf("%s: %s/%d given to %s and %s", show(a), topic, p, other, id)
				}
				seen[tp{topic, p}] = id
			}
		}
	}
	if exactlyOnce {
		for _, topic := range subscribedTopics(s.Members, s.Topics) {
			for p := int32(0); p < s.Topics[topic]; p++ {
				if _, ok := seen[tp{topic, p}]; !ok {
					t.Fatalf("%s: %s/%d not assigned", show(a), topic, p)
				}
			}
		}
	}
}

func spread(a Assignment) int {
	lo, hi := -1, 0
	for _, ts := range a {
		n := 0
		for _, ps := range ts {
			n += len(ps)
		}
		if lo < 0 || n < lo {
			lo = n
		}
		hi = max(hi, n)
	}
	return hi - lo
}

func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 3000; i++ {
		combos := [][2]string{{Range, Java}, {RoundRobin, Java}, {Sticky, Java}, {CooperativeSticky, Java},
			{Range, Librdkafka}, {RoundRobin, Librdkafka}, {CooperativeSticky, Librdkafka},
			{Range, FranzGo}, {RoundRobin, FranzGo}, {Sticky, FranzGo}, {CooperativeSticky, FranzGo}, {ServerRange, Java}, {Uniform, Java},
			{Range, KafkaPython}, {RoundRobin, KafkaPython}, {Sticky, KafkaPython}}
		combo := combos[i%len(combos)]
		s := randomScenario(r, combo[0], combo[1])
		a := mustAssign(t, s)
		checkValid(t, s, a, true) // fresh groups: nothing is withheld
		equal := sameSubscriptions(s.Members)
		if equal && (combo[0] == RoundRobin || combo[0] == Sticky || combo[0] == CooperativeSticky) && spread(a) > 1 {
			t.Fatalf("%v equal subscriptions unbalanced: %s", combo, show(a))
		}
		// Sticky keeps owners: feeding the result back as the prior
		// assignment changes nothing.
		// (kgo's eager sticky is not fed its prior assignment: its members
		// send none, so it is not sticky across rebalances.)
		if (combo[0] == Sticky || combo[0] == CooperativeSticky) && combo != [2]string{Sticky, FranzGo} {
			again := s
			again.Members = nil
			for _, m := range s.Members {
				m.Owned, m.Generation = a[m.ID], gen(5)
				again.Members = append(again.Members, m)
			}
			if b := mustAssign(t, again); show(b) != show(a) {
				t.Fatalf("%v not sticky:\n first %s\n again %s", combo, show(a), show(b))
			}
		}
	}
}

// A join simulated in two cooperative rounds ends valid and complete.
func TestCooperativeRoundsComplete(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	for i := 0; i < 500; i++ {
		s := randomScenario(r, CooperativeSticky, []string{Java, Librdkafka}[i%2])
		sim, err := Simulate(s, Change{Join: 1 + r.IntN(2)})
		if err != nil {
			t.Fatal(err)
		}
		after := s
		after.Members = sim.AfterMembers
		checkValid(t, after, sim.After, true)
		checkValid(t, after, sim.Round1, false)
	}
}

// A KIP-848 group previews with the broker's assignor: range is
// server-range, none reported is Kafka's default uniform; an assignor
// kgroups does not model is an input error naming it.
func TestGroupAssignor(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		g    Group
		want string
		err  string
	}{
		{Group{Name: "g", Type: "consumer", Protocol: "range"}, ServerRange, ""},
		{Group{Name: "g", Type: "consumer", Protocol: "uniform"}, Uniform, ""},
		{Group{Name: "g", Type: "consumer", Protocol: ""}, Uniform, ""},
		{Group{Name: "g", Type: "consumer", Protocol: "com.acme.MyAssignor"}, "", `server assignor "com.acme.MyAssignor", which kgroups does not model`},
		{Group{Name: "g", Type: "classic", Protocol: "range"}, Range, ""},
		{Group{Name: "g", Type: "classic", Protocol: "cooperative-sticky"}, CooperativeSticky, ""},
	} {
		got, err := c.g.Assignor()
		var ie *Error
		if got != c.want || (c.err == "") != (err == nil) || (err != nil && (!errors.As(err, &ie) || !strings.Contains(err.Error(), c.err))) {
			t.Errorf("%+v: %q, %v; want %q, %q", c.g, got, err, c.want, c.err)
		}
	}
	if n := (Group{Name: "g", Type: "classic", Protocol: "range"}).Note(Range, false); n != "" {
		t.Errorf("classic note %q", n)
	}
	if n := (Group{Name: "g", Type: "consumer"}).Note(Uniform, false); !strings.Contains(n, "reports none; Kafka's default is uniform") || !strings.Contains(n, "previewed as uniform") {
		t.Errorf("default note %q", n)
	}
}

// Per-topic stats count every subscriber, idle ones included.
func TestStatsCountIdleSubscribers(t *testing.T) {
	t.Parallel()
	var ms []Member
	for i := range 20 {
		ms = append(ms, sub(fmt.Sprintf("c%02d", i+1), "t"))
	}
	ms = append(ms, sub("other", "u"))
	s := Scenario{Assignor: Range, Topics: map[string]int32{"t": 12, "u": 1}, Members: ms}
	st, idle := StatsOf(s, mustAssign(t, s))
	if ts := st.PerTopic["t"]; st.Members != 21 || ts.Subscribers != 20 || ts.Members != 12 || ts.Min != 0 || ts.Max != 1 || len(idle) != 8 {
		t.Fatalf("stats %+v per topic %+v idle %v", st, st.PerTopic, idle)
	}
	if ts := st.PerTopic["u"]; ts.Subscribers != 1 || ts.Members != 1 {
		t.Fatalf("u %+v", ts)
	}
}
