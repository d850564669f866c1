package assign

import (
	"fmt"
	"strings"
	"testing"
)

func members(ids ...string) []Member {
	var out []Member
	for _, id := range ids {
		out = append(out, Member{ID: id, Subscription: []string{"t"}})
	}
	return out
}

// Issue 14: range orders members by id, so a joiner named like its peers
// (kc-4) sorts last and takes the tail, where the invented joiner-1 sorted
// before kc-* and shifted every range.
func TestJoinIDsDecideRangeMoves(t *testing.T) {
	t.Parallel()
	s := Scenario{Assignor: Range, Topics: map[string]int32{"t": 6}, Members: members("kc-1", "kc-2", "kc-3")}
	named, err := Simulate(s, Change{Join: 1, JoinIDs: []string{"kc-4"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(named.Moves) != 1 || *named.Moves[0].To != "kc-4" || named.Moves[0].Partition != 5 {
		t.Fatalf("kc-4 joining: moves %+v", named.Moves)
	}
	invented, err := Simulate(s, Change{Join: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(invented.Moves) <= len(named.Moves) || invented.After["joiner-1"]["t"][0] != 0 {
		t.Fatalf("joiner-1 sorts first and takes partition 0: %s (%d moves)", invented.After, len(invented.Moves))
	}
	for _, ch := range []Change{{Join: 1}, {Join: 1, JoinIDs: []string{"kc-4"}}} {
		if dep, err := DependsOnJoinerIDs(s, ch); err != nil || !dep {
			t.Errorf("range with a joiner %v: depends %v, %v", ch, dep, err)
		}
	}
	if dep, err := DependsOnJoinerIDs(s, Change{Leave: []string{"kc-2"}}); err != nil || dep {
		t.Errorf("a leave has no joiner ids: depends %v, %v", dep, err)
	}
	// Named and invented joiners mix; an id already in the group is refused.
	if ids := (Change{Join: 3, JoinIDs: []string{"kc-9"}}).Joiners(s.Members); strings.Join(ids, ",") != "kc-9,joiner-1,joiner-2" {
		t.Errorf("joiners %v", ids)
	}
	if _, err := Simulate(s, Change{Join: 1, JoinIDs: []string{"kc-2"}}); err == nil || !strings.Contains(err.Error(), "--join-id kc-2: already a member") {
		t.Errorf("duplicate joiner: %v", err)
	}
}

// franz-go v1.22.2: an eager member revokes everything and forgets it
// before rejoining (consumer_group.go revoke: lastAssigned = nil), so the
// sticky balancer gets no current assignment: after a join the group is
// assigned as if fresh. A cooperative member sends what it owns.
func TestKgoRejoinMetadataPerProtocol(t *testing.T) {
	t.Parallel()
	ids := []string{"kg-1", "kg-2", "kg-3"}
	s := Scenario{Client: FranzGo, Topics: map[string]int32{"t": 8}, Members: members(ids...)}
	s.Assignor = Sticky
	sim, err := Simulate(s, Change{Join: 1, JoinIDs: []string{"kg-0"}})
	if err != nil {
		t.Fatal(err)
	}
	fresh := s
	fresh.Members = members("kg-1", "kg-2", "kg-3", "kg-0")
	want := mustAssign(t, fresh)
	if sim.After.String() != want.String() {
		t.Fatalf("eager kgo sticky after a join is the fresh assignment:\n got  %s\n want %s", sim.After, want)
	}
	// Owned partitions in the input make no difference to eager kgo sticky.
	owned := fresh
	owned.Members = nil
	for i, m := range fresh.Members {
		m.Owned, m.Generation = map[string][]int32{"t": {int32(i)}}, gen(3)
		owned.Members = append(owned.Members, m)
	}
	if got := mustAssign(t, owned); got.String() != want.String() {
		t.Fatalf("eager kgo sticky used owned partitions: %s", got)
	}
	s.Assignor = CooperativeSticky
	coop, err := Simulate(s, Change{Join: 1, JoinIDs: []string{"kg-0"}})
	if err != nil {
		t.Fatal(err)
	}
	// Sticky with owned partitions: only the joiner's share moves.
	if len(coop.Moves) != 2 {
		t.Fatalf("cooperative kgo: %d moves, want 2 (the joiner's share of 8 over 4): %+v", len(coop.Moves), coop.Moves)
	}
	for _, mv := range coop.Moves {
		if *mv.To != "kg-0" {
			t.Errorf("a partition moved between old members: %+v", mv)
		}
	}
}

// A cooperative preview shows every partition: held in round 1, or
// revoked and landing somewhere in the follow-up rebalance.
func TestCooperativeStagesPlaceEveryPartition(t *testing.T) {
	t.Parallel()
	s := Scenario{Assignor: CooperativeSticky, Topics: map[string]int32{"t": 3}, Members: []Member{
		{ID: "consumer1", Subscription: []string{"t"}, Owned: map[string][]int32{"t": {0, 1, 2}}, Generation: gen(1)},
		{ID: "consumer2", Subscription: []string{"t"}}}}
	for _, client := range []string{Java, Librdkafka, FranzGo} {
		s.Client = client
		round1, target, revoked, err := Stages(s)
		if err != nil {
			t.Fatal(err)
		}
		if len(revoked) == 0 {
			t.Fatalf("%s: nothing withheld in round 1: %s", client, round1)
		}
		held := owners(round1)
		for _, mv := range revoked {
			k := tp{mv.Topic, mv.Partition}
			if _, ok := held[k]; ok || mv.From == nil || *mv.From != "consumer1" || *mv.To != "consumer2" {
				t.Errorf("%s: revoked %+v (round 1 %s)", client, mv, round1)
			}
			held[k] = *mv.To
		}
		if len(held) != 3 || len(owners(target)) != 3 || len(target["consumer2"]["t"]) != 1 {
			t.Errorf("%s: a partition is shown nowhere: round 1 %s, revoked %d, target %s", client, round1, len(revoked), target)
		}
	}
	// Eager: round 1 is the result.
	s.Assignor, s.Client = Range, Java
	if _, _, revoked, _ := Stages(s); len(revoked) != 0 {
		t.Errorf("eager revoked %v", revoked)
	}
}

// kgo's sticky balancers number topics in map order: with several topics
// the same input can give different plans, and kgroups says so.
func TestKgoStickyVariants(t *testing.T) {
	t.Parallel()
	s := Scenario{Client: FranzGo, Assignor: Sticky, Topics: map[string]int32{}}
	for i := 0; i < 6; i++ {
		s.Topics[fmt.Sprintf("t%d", i)] = 3
	}
	var subs []string
	for t := range s.Topics {
		subs = append(subs, t)
	}
	for i := 0; i < 4; i++ {
		s.Members = append(s.Members, Member{ID: fmt.Sprintf("m%d", i), Subscription: subs})
	}
	n, err := Variants(s, nil, 30)
	if err != nil || n < 2 {
		t.Fatalf("kgo sticky, 6 topics: %d variants in 30 runs (%v)", n, err)
	}
	s.Client = Java
	if n, _ := Variants(s, nil, 30); n != 1 {
		t.Fatalf("java sticky is deterministic: %d", n)
	}
}
