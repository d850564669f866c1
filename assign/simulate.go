package assign

import (
	"fmt"
	"sort"
)

// Change is a membership change to simulate.
type Change struct {
	Join  int      // members joining (ids joiner-1, joiner-2, ...)
	Leave []string // member ids leaving
}

// Move is one partition that changes owner (nil: nobody).
type Move struct {
	Topic     string  `json:"topic" yaml:"topic"`
	Partition int32   `json:"partition" yaml:"partition"`
	From      *string `json:"from" yaml:"from"`
	To        *string `json:"to" yaml:"to"`
}

// Protocols of a rebalance.
const (
	Eager       = "eager"       // every member revokes everything
	Cooperative = "cooperative" // only moving partitions pause, over two rebalances
	ServerSide  = "server-side" // KIP-848: moving partitions pause one by one, no group barrier
)

// Simulation is the group before and after a change.
type Simulation struct {
	Before       Assignment
	Round1       Assignment // cooperative: after the first rebalance (moving partitions withheld)
	After        Assignment
	AfterMembers []Member
	Moves        []Move
	Protocol     string
	Paused       int // partitions that stop being consumed during the rebalance
	Rounds       int // rebalances until the group is settled
	Total        int // partitions assigned
}

// protocolOf names how an assignor rebalances.
func protocolOf(assignor string) string {
	switch assignor {
	case CooperativeSticky:
		return Cooperative
	case Uniform, ServerRange:
		return ServerSide
	}
	return Eager
}

// Settle runs the assignor until the assignment stops changing (a
// cooperative group with prior ownership needs a second round), feeding
// each result back as the owned partitions.
func Settle(s Scenario) (Assignment, error) {
	a, err := Assign(s)
	if err != nil {
		return nil, err
	}
	g := maxGeneration(s.Members)
	for i := 0; i < 5; i++ {
		g++
		next, err := Assign(withOwned(s, a, g))
		if err != nil {
			return nil, err
		}
		if next.String() == a.String() {
			return a, nil
		}
		a = next
	}
	return a, nil
}

func maxGeneration(ms []Member) int32 {
	g := int32(0)
	for _, m := range ms {
		if m.Generation != nil && *m.Generation > g {
			g = *m.Generation
		}
	}
	return g
}

// withOwned gives every member its partitions from a as owned, generation g.
func withOwned(s Scenario, a Assignment, g int32) Scenario {
	out := s
	out.Members = nil
	for _, m := range s.Members {
		m.Owned = a[m.ID]
		gg := g
		m.Generation = &gg
		out.Members = append(out.Members, m)
	}
	return out
}

// Simulate settles the group, applies the change and rebalances as the
// assignor's protocol does.
func Simulate(s Scenario, ch Change) (Simulation, error) {
	var sim Simulation
	before, err := Settle(s)
	if err != nil {
		return sim, err
	}
	sim.Before, sim.Protocol = before, protocolOf(s.Assignor)
	g := maxGeneration(s.Members) + 10
	after := withOwned(s, before, g)
	leaving := map[string]bool{}
	for _, id := range ch.Leave {
		found := false
		for _, m := range s.Members {
			found = found || m.ID == id
		}
		if !found {
			return sim, errorf("--leave %s: no such member (members: %s)", id, joinIDs(s.Members))
		}
		leaving[id] = true
	}
	var kept []Member
	for _, m := range after.Members {
		if !leaving[m.ID] {
			kept = append(kept, m)
		}
	}
	subscription := s.Members[0].Subscription
	for i := 1; i <= ch.Join; i++ {
		kept = append(kept, Member{ID: fmt.Sprintf("joiner-%d", i), Subscription: subscription})
	}
	if len(kept) == 0 {
		return sim, errorf("every member leaves: nothing to assign")
	}
	after.Members = kept
	sim.AfterMembers = kept
	if sim.Round1, err = Assign(after); err != nil {
		return sim, err
	}
	sim.After, sim.Rounds = sim.Round1, 1
	if sim.Protocol == Cooperative {
		second, err := Assign(withOwned(after, sim.Round1, g+1))
		if err != nil {
			return sim, err
		}
		if second.String() != sim.Round1.String() {
			sim.After, sim.Rounds = second, 2
		}
	}
	sim.Moves = moves(before, sim.After)
	for _, ts := range sim.After {
		for _, ps := range ts {
			sim.Total += len(ps)
		}
	}
	if sim.Protocol == Eager {
		sim.Paused = sim.Total
	} else {
		sim.Paused = len(sim.Moves)
	}
	return sim, nil
}

func joinIDs(ms []Member) string {
	out := ""
	for i, m := range ms {
		if i > 0 {
			out += ", "
		}
		out += m.ID
	}
	return out
}

func owners(a Assignment) map[tp]string {
	out := map[tp]string{}
	for id, ts := range a {
		for t, ps := range ts {
			for _, p := range ps {
				out[tp{t, p}] = id
			}
		}
	}
	return out
}

// moves lists partitions whose owner differs, by topic and partition.
func moves(before, after Assignment) []Move {
	b, a := owners(before), owners(after)
	keys := map[tp]bool{}
	for k := range b {
		keys[k] = true
	}
	for k := range a {
		keys[k] = true
	}
	var list []tp
	for k := range keys {
		if b[k] != a[k] {
			list = append(list, k)
		}
	}
	sort.Slice(list, func(i, j int) bool { return tpLess(list[i], list[j]) })
	out := []Move{}
	for _, k := range list {
		mv := Move{Topic: k.topic, Partition: k.p}
		if from, ok := b[k]; ok {
			mv.From = &from
		}
		if to, ok := a[k]; ok {
			mv.To = &to
		}
		out = append(out, mv)
	}
	return out
}
