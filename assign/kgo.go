package assign

import (
	"fmt"
	"sort"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// kgoAssign runs franz-go's own balancer, offline: each member's join
// metadata is what that balancer would send, members are sorted as kgo's
// client sorts them, and BalanceOrError computes the plan.
func kgoAssign(s Scenario) (Assignment, error) {
	var gb kgo.GroupBalancer
	switch s.Assignor {
	case Range:
		gb = kgo.RangeBalancer()
	case RoundRobin:
		gb = kgo.RoundRobinBalancer()
	case Sticky:
		gb = kgo.StickyBalancer()
	case CooperativeSticky:
		gb = kgo.CooperativeStickyBalancer()
	default:
		return nil, errorf("franz-go has no client-side %s balancer", s.Assignor)
	}
	var jms []kmsg.JoinGroupResponseMember
	for _, m := range javaOrder(s.Members) {
		topics := append([]string(nil), m.Subscription...)
		sort.Strings(topics)
		gen := int32(-1)
		if m.Generation != nil {
			gen = *m.Generation
		}
		jm := kmsg.NewJoinGroupResponseMember()
		jm.MemberID, jm.InstanceID = m.ID, m.InstanceID
		owned := m.Owned
		if s.Assignor == Sticky {
			// An eager kgo member revokes everything before it rejoins
			// and forgets it (consumer_group.go revoke: lastAssigned =
			// nil), so its JoinGroup carries no current assignment:
			// nothing stays sticky from one rebalance to the next.
			owned = nil
		}
		jm.ProtocolMetadata = gb.JoinGroupMetadata(topics, owned, gen)
		jms = append(jms, jm)
	}
	mb, _, err := gb.MemberBalancer(jms)
	if err != nil {
		return nil, fmt.Errorf("franz-go %s balancer: %w", s.Assignor, err)
	}
	be, ok := mb.(kgo.GroupMemberBalancerOrError)
	if !ok {
		return nil, fmt.Errorf("franz-go %s balancer cannot report errors", s.Assignor)
	}
	counts := map[string]int32{}
	for t, n := range s.Topics {
		counts[t] = n
	}
	into, err := be.BalanceOrError(counts)
	if err != nil {
		return nil, fmt.Errorf("franz-go %s balancer: %w", s.Assignor, err)
	}
	plan, ok := into.(*kgo.BalancePlan)
	if !ok {
		return nil, fmt.Errorf("franz-go %s balancer returned %T", s.Assignor, into)
	}
	out := Assignment{}
	for id, ts := range plan.AsMemberIDMap() {
		out[id] = map[string][]int32{}
		for t, ps := range ts {
			out[id][t] = append([]int32(nil), ps...)
		}
	}
	return out, nil
}
