package assign

import "sort"

// serverUniform is the KIP-848 broker's uniform assignor, homogeneous
// builder (every member subscribes to the same topics): the first P mod N
// members (in member id order) get one partition more; each member keeps
// owned partitions up to its quota; members with room then take contiguous
// runs of the unassigned partitions (topics by name, partitions ascending).
// Kafka orders topics by a HashSet of topic ids, which a preview without ids
// cannot reproduce; members different subscriptions take the heterogeneous
// builder, which kgroups does not model yet.
func serverUniform(s Scenario) (Assignment, error) {
	if !sameSubscriptions(s.Members) {
		return nil, errorf("uniform with members subscribing to different topics uses the broker's heterogeneous builder, which kgroups does not model yet")
	}
	topics := subscribedTopics(s.Members, s.Topics)
	var all []tp
	for _, t := range topics {
		for p := int32(0); p < s.Topics[t]; p++ {
			all = append(all, tp{t, p})
		}
	}
	ids := memberIDs(s.Members)
	sort.Strings(ids)
	n := len(ids)
	if len(topics) == 0 {
		return Assignment{}, nil
	}
	minQ, extra := len(all)/n, len(all)%n
	quota := map[string]int{}
	for i, id := range ids {
		quota[id] = minQ
		if i < extra {
			quota[id]++
		}
	}
	byID := map[string]Member{}
	for _, m := range s.Members {
		byID[m.ID] = m
	}
	a := map[string][]tp{}
	taken := map[tp]bool{}
	for _, id := range ids {
		m := byID[id]
		var owned []tp
		for _, t := range topics {
			for _, p := range m.Owned[t] {
				if p < s.Topics[t] {
					owned = append(owned, tp{t, p})
				}
			}
		}
		for _, x := range owned {
			if len(a[id]) < quota[id] && !taken[x] {
				a[id] = append(a[id], x)
				taken[x] = true
			}
		}
	}
	var free []tp
	for _, x := range all {
		if !taken[x] {
			free = append(free, x)
		}
	}
	for _, id := range ids {
		for len(a[id]) < quota[id] && len(free) > 0 {
			a[id] = append(a[id], free[0])
			free = free[1:]
		}
	}
	return toAssignment(a), nil
}
