package assign

import (
	"fmt"
	"testing"
)

// bigScenario: members × partitions over 10 topics, equal subscriptions.
func bigScenario(assignor, client string, members, partitions int) Scenario {
	s := Scenario{Assignor: assignor, Client: client, Topics: map[string]int32{}}
	var names []string
	for i := 0; i < 10; i++ {
		n := fmt.Sprintf("topic-%02d", i)
		s.Topics[n] = int32(partitions / 10)
		names = append(names, n)
	}
	for i := 0; i < members; i++ {
		s.Members = append(s.Members, Member{ID: fmt.Sprintf("consumer-%05d-0f8fad5b-d9cb-469f-a165-70867728950e", i), Subscription: names})
	}
	return s
}

// BenchmarkAssign: 2,000 members × 100,000 partitions, fresh and with one
// member joining a settled group (prior ownership), for kgroups' Java
// models and kgo's own balancers on the same input.
// Run: go test ./assign -run '^$' -bench Assign -benchtime 3x
func BenchmarkAssign(b *testing.B) {
	for _, c := range [][2]string{{Range, Java}, {RoundRobin, Java}, {Sticky, Java}, {CooperativeSticky, Java},
		{Range, Librdkafka}, {RoundRobin, Librdkafka}, {CooperativeSticky, Librdkafka},
		{Range, FranzGo}, {RoundRobin, FranzGo}, {Sticky, FranzGo}, {CooperativeSticky, FranzGo}, {Uniform, Java}, {ServerRange, Java},
		{Range, KafkaPython}, {RoundRobin, KafkaPython}, {Sticky, KafkaPython}} {
		fresh := bigScenario(c[0], c[1], 2000, 100000)
		if c[0] == Uniform { // Kafka's topic order needs the ids
			fresh.TopicIDs = map[string]string{}
			for i := 0; i < 10; i++ {
				var id [16]byte
				id[0], id[15] = byte(i*37+1), byte(i*91+5)
				fresh.TopicIDs[fmt.Sprintf("topic-%02d", i)] = UUIDString(id)
			}
		}
		b.Run(fmt.Sprintf("%s/%s/fresh", c[1], c[0]), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := Assign(fresh); err != nil {
					b.Fatal(err)
				}
			}
		})
		first, err := Assign(fresh)
		if err != nil {
			b.Fatal(err)
		}
		joined := withOwned(fresh, first, 3)
		joined.Members = append(joined.Members, Member{ID: "consumer-99999", Subscription: fresh.Members[0].Subscription})
		b.Run(fmt.Sprintf("%s/%s/join", c[1], c[0]), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := Assign(joined); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
