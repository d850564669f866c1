package assign

import (
	"fmt"
	"sort"
)

// Change is a membership change to simulate.
type Change struct {
	Join    int      // members joining: JoinIDs first, then invented ids joiner-1, joiner-2, ...
	JoinIDs []string // the joiners' member ids (--join-id), in join order
	Leave   []string // member ids leaving
}

// Joiners returns the joining members' ids (see joiners).
func (ch Change) Joiners(existing []Member) []string { return ch.joiners(existing) }

// joiners returns the joining members' ids: the given ones, then invented
// ones up to Join, skipping ids already in the group.
func (ch Change) joiners(existing []Member) []string {
	out := append([]string(nil), ch.JoinIDs...)
	taken := map[string]bool{}
	for _, m := range existing {
		taken[m.ID] = true
	}
	for _, id := range out {
		taken[id] = true
	}
	for i := 1; len(out) < ch.Join; i++ {
		if id := fmt.Sprintf("joiner-%d", i); !taken[id] {
			out = append(out, id)
		}
	}
	return out
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
	Revoked      []Move // cooperative: held by nobody in round 1 (from: the owner revoking it, to: where it lands)
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
	for _, id := range ch.joiners(s.Members) {
		for _, m := range s.Members {
			if m.ID == id && !leaving[id] {
				return sim, errorf("--join-id %s: already a member of the group", id)
			}
		}
		kept = append(kept, Member{ID: id, Subscription: subscription})
	}
	if len(kept) == 0 {
		return sim, errorf("every member leaves: nothing to assign")
	}
	after.Members = kept
	// Kafka's member HashMap held the leavers and the joiners at once.
	after.peakMembers = len(s.Members) + len(ch.joiners(s.Members))
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
	sim.Revoked = withheld(before, sim.Round1, sim.After)
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

// DependsOnJoinerIDs reports whether the simulated result changes when the
// joiners' ids sort elsewhere among the members': the simulation is re-run
// with the joiners renamed to sort first and to sort last, and the
// assignments are compared joiner by joiner. True means the preview is only
// as good as the joiner ids it was given.
func DependsOnJoinerIDs(s Scenario, ch Change) (bool, error) {
	ids := ch.joiners(s.Members)
	if len(ids) == 0 {
		return false, nil
	}
	base, err := Simulate(s, ch)
	if err != nil {
		return false, err
	}
	for _, prefix := range []string{"\x00", "\U0010FFFF"} {
		alt := ch
		alt.Join, alt.JoinIDs = 0, nil
		rename := map[string]string{}
		for i, id := range ids {
			n := fmt.Sprintf("%s%06d", prefix, i)
			alt.JoinIDs = append(alt.JoinIDs, n)
			rename[n] = id
		}
		sim, err := Simulate(s, alt)
		if err != nil {
			return false, err
		}
		renamed := Assignment{}
		for id, ts := range sim.After {
			if orig, ok := rename[id]; ok {
				id = orig
			}
			renamed[id] = ts
		}
		if renamed.String() != base.After.String() {
			return true, nil
		}
	}
	return false, nil
}

// withheld lists the partitions nobody holds in round 1 that someone holds
// in the target: revoked by their owner before (from, nil when new) and
// landing on their owner in the target (to).
func withheld(before, round1, target Assignment) []Move {
	b, r, t := owners(before), owners(round1), owners(target)
	var list []tp
	for k := range t {
		if _, held := r[k]; !held {
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
		to := t[k]
		mv.To = &to
		out = append(out, mv)
	}
	return out
}

// Stages is a cooperative preview's two steps: round 1 is what the
// assignor returns now (partitions changing owner withheld), the target is
// the follow-up rebalance's result with round 1 as owned. For other
// protocols, or when nothing is withheld, target is round 1.
func Stages(s Scenario) (round1, target Assignment, revoked []Move, err error) {
	if round1, err = Assign(s); err != nil {
		return nil, nil, nil, err
	}
	if protocolOf(s.Assignor) != Cooperative {
		return round1, round1, []Move{}, nil
	}
	target, err = Assign(withOwned(s, round1, maxGeneration(s.Members)+1))
	if err != nil {
		return nil, nil, nil, err
	}
	owned := Assignment{}
	for _, m := range s.Members {
		owned[m.ID] = m.Owned
	}
	return round1, target, withheld(owned, round1, target), nil
}

// Variants runs a flavour whose result is not a function of its input
// several times and counts the distinct results: kgo's sticky balancers
// number topics in Go map iteration order (internal/sticky newBalancer
// ranges over the topics map), so with several topics the leader's plan is
// one of several. 1 for every other flavour, which are deterministic.
func Variants(s Scenario, ch *Change, runs int) (int, error) {
	if s.Client != FranzGo || (s.Assignor != Sticky && s.Assignor != CooperativeSticky) || len(s.Topics) < 2 {
		return 1, nil
	}
	seen := map[string]bool{}
	for i := 0; i < runs; i++ {
		var key string
		if ch != nil {
			sim, err := Simulate(s, *ch)
			if err != nil {
				return 0, err
			}
			key = sim.After.String()
		} else {
			a, err := Assign(s)
			if err != nil {
				return 0, err
			}
			key = a.String()
		}
		seen[key] = true
	}
	return len(seen), nil
}
