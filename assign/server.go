package assign

import "sort"

// serverUniform is the KIP-848 broker's uniform assignor, homogeneous
// builder (every member subscribes to the same topics): the first P mod N
// members (in member id order) get one partition more; each member keeps
// owned partitions up to its quota; members with room then take contiguous
// runs of the unassigned partitions (topics by name, partitions ascending).
// Kafka orders topics by a HashSet of topic ids, which a preview without ids
// cannot reproduce; members with different subscriptions take the
// heterogeneous builder (uniformHeterogeneous).
func serverUniform(s Scenario) (Assignment, error) {
	if !sameSubscriptions(s.Members) {
		return uniformHeterogeneous(s), nil
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

// uniformHeterogeneous is the broker's uniform assignor for members with
// different subscriptions (KAFKA-17710): members keep owned partitions of
// topics they still subscribe to; topics are served by partitions per
// subscriber (descending), then subscriber count (ascending), then name
// (Kafka: topic id); each topic's unassigned partitions go, ascending, to
// the least loaded subscriber (ties: lowest member index) — water filling;
// then up to 16 sweeps move the highest-numbered partition of a topic from
// its most loaded subscriber to its least loaded one until they differ by
// at most one.
func uniformHeterogeneous(s Scenario) Assignment {
	ids := memberIDs(s.Members)
	sort.Strings(ids)
	index := map[string]int{}
	byID := map[string]Member{}
	for i, id := range ids {
		index[id] = i
	}
	for _, m := range s.Members {
		byID[m.ID] = m
	}
	subs := map[string][]string{} // topic -> subscribers by index
	for _, id := range ids {
		for _, t := range byID[id].Subscription {
			if s.Topics[t] > 0 && !contains(subs[t], id) {
				subs[t] = append(subs[t], id)
			}
		}
	}
	a := map[string][]tp{}
	owner := map[tp]string{}
	for _, id := range ids {
		m := byID[id]
		for t, ps := range m.Owned {
			if !subscribes(m, t) {
				continue
			}
			for _, p := range ps {
				x := tp{t, p}
				if _, taken := owner[x]; p < s.Topics[t] && !taken {
					a[id] = append(a[id], x)
					owner[x] = id
				}
			}
		}
	}
	topics := make([]string, 0, len(subs))
	for t := range subs {
		topics = append(topics, t)
	}
	sort.Slice(topics, func(i, j int) bool {
		ti, tj := topics[i], topics[j]
		pi := float64(s.Topics[ti]) / float64(len(subs[ti]))
		pj := float64(s.Topics[tj]) / float64(len(subs[tj]))
		if pi != pj {
			return pi > pj
		}
		if len(subs[ti]) != len(subs[tj]) {
			return len(subs[ti]) < len(subs[tj])
		}
		return ti < tj
	})
	lighter := func(x, y string) bool { // fewer partitions, then lower index
		if len(a[x]) != len(a[y]) {
			return len(a[x]) < len(a[y])
		}
		return index[x] < index[y]
	}
	for _, t := range topics {
		for p := int32(0); p < s.Topics[t]; p++ {
			x := tp{t, p}
			if _, taken := owner[x]; taken {
				continue
			}
			best := subs[t][0]
			for _, id := range subs[t][1:] {
				if lighter(id, best) {
					best = id
				}
			}
			a[best] = append(a[best], x)
			owner[x] = best
		}
	}
	for sweep := 0; sweep < 16; sweep++ {
		moved := false
		for _, t := range topics {
			if len(subs[t]) < 2 {
				continue
			}
			for {
				most, least := "", ""
				for _, id := range subs[t] {
					if least == "" || lighter(id, least) {
						least = id
					}
					if !holds(a[id], t) {
						continue
					}
					if most == "" || len(a[id]) > len(a[most]) || (len(a[id]) == len(a[most]) && index[id] > index[most]) {
						most = id
					}
				}
				if most == "" || len(a[most])-len(a[least]) <= 1 {
					break
				}
				x := highest(a[most], t)
				a[most] = remove(a[most], x)
				a[least] = append(a[least], x)
				owner[x] = least
				moved = true
			}
		}
		if !moved {
			break
		}
	}
	return toAssignment(a)
}

func holds(list []tp, topic string) bool {
	for _, x := range list {
		if x.topic == topic {
			return true
		}
	}
	return false
}

func highest(list []tp, topic string) tp {
	best := tp{topic, -1}
	for _, x := range list {
		if x.topic == topic && x.p > best.p {
			best = x
		}
	}
	return best
}

func remove(list []tp, x tp) []tp {
	for i, y := range list {
		if y == x {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}
