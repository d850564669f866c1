package assign

import "sort"

// serverUniform is the KIP-848 broker's uniform assignor, homogeneous
// builder (every member subscribes to the same topics), as Kafka 4.0's
// UniformHomogeneousAssignmentBuilder runs it: the unassigned partitions
// are listed topic by topic (HashSet order of topic ids, see
// serverTopicOrder), partitions ascending; members are visited in
// groupSpec.memberIds() order (serverMemberOrder), the first P mod N of them
// with a quota one higher; each keeps its owned partitions up to its quota
// and the excess is appended to the unassigned list; then the members with
// room, in the same order, take contiguous runs of that list. Members with
// different subscriptions take the heterogeneous builder.
func serverUniform(s Scenario) (Assignment, error) {
	if !sameSubscriptions(s.Members) {
		return uniformHeterogeneous(s), nil
	}
	topics := serverTopicOrder(s, subscribedTopics(s.Members, s.Topics))
	if len(topics) == 0 {
		return Assignment{}, nil
	}
	byID := map[string]Member{}
	for _, m := range s.Members {
		byID[m.ID] = m
	}
	assigned := map[tp]bool{}
	for _, m := range s.Members {
		for t, ps := range m.Owned {
			for _, p := range ps {
				assigned[tp{t, p}] = true
			}
		}
	}
	total := 0
	var unassigned []tp
	for _, t := range topics {
		for p := int32(0); p < s.Topics[t]; p++ {
			if !assigned[tp{t, p}] {
				unassigned = append(unassigned, tp{t, p})
			}
		}
		total += int(s.Topics[t])
	}
	ids := serverMemberOrder(s)
	minQ, extra := total/len(ids), total%len(ids)
	a := map[string][]tp{}
	taken := map[tp]bool{}
	type unfilled struct {
		id    string
		quota int
	}
	var room []unfilled
	for _, id := range ids {
		quota := minQ
		if extra > 0 {
			quota++
			extra--
		}
		m := byID[id]
		for _, t := range ownedOrder(s, m) {
			for _, p := range javaHashIter(m.Owned[t], func(p int32) int32 { return p }, javaTableSize(len(m.Owned[t]))) {
				x := tp{t, p}
				if p >= s.Topics[t] || taken[x] {
					continue
				}
				taken[x] = true
				if quota > 0 {
					a[id] = append(a[id], x)
					quota--
				} else {
					unassigned = append(unassigned, x)
				}
			}
		}
		if quota > 0 {
			room = append(room, unfilled{id, quota})
		}
	}
	next := 0
	for _, u := range room {
		for i := 0; i < u.quota && next < len(unassigned); i++ {
			a[u.id] = append(a[u.id], unassigned[next])
			next++
		}
	}
	return toAssignment(a), nil
}

// ownedOrder is the order Kafka walks a member's current assignment: a
// HashMap of topic ids (Collectors.toMap when read from the log) of the
// subscribed topics it holds; by name when an id is unknown. Partitions of
// a topic come in HashSet<Integer> order (javaHashIter with the identity
// hash), which is ascending until a partition number reaches the table size.
func ownedOrder(s Scenario, m Member) []string {
	subscribed := map[string]bool{}
	for _, t := range m.Subscription {
		subscribed[t] = true
	}
	var held []string
	for t, ps := range m.Owned {
		if subscribed[t] && len(ps) > 0 && s.Topics[t] > 0 {
			held = append(held, t)
		}
	}
	sort.Strings(held)
	ids, ok := s.topicIDs(held)
	if !ok {
		return held
	}
	return javaHashIter(held, func(t string) int32 { return ids[t].hash() }, javaTableSize(len(held)))
}

// uniformHeterogeneous is the broker's uniform assignor for members with
// different subscriptions (KAFKA-17710): members keep owned partitions of
// topics they still subscribe to; topics are served by partitions per
// subscriber (descending), then subscriber count (ascending), then name
// (Kafka: topic id); each topic's unassigned partitions go, ascending, to
// the least loaded subscribers level by level (Kafka's
// MemberAssignmentBalancer);
// then up to 16 sweeps move the highest-numbered partition of a topic from
// its most loaded subscriber to its least loaded one until they differ by
// at most one.
func uniformHeterogeneous(s Scenario) Assignment {
	ids := serverMemberOrder(s)
	topicIDs, haveIDs := s.topicIDs(subscribedTopics(s.Members, s.Topics))
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
		if haveIDs {
			return topicIDs[ti].less(topicIDs[tj])
		}
		return ti < tj
	})
	lighter := func(x, y string) bool { // fewer partitions, then lower index
		if len(a[x]) != len(a[y]) {
			return len(a[x]) < len(a[y])
		}
		return index[x] < index[y]
	}
	// Kafka 4.0's MemberAssignmentBalancer.nextLeastLoadedMember: per
	// topic, the subscribers sorted once by (partitions, index); a range of
	// the least loaded is served in order, and when every member in it has
	// received one, the level rises by one and the range takes in the
	// members at that level — starting again from the first.
	for _, t := range topics {
		sorted := append([]string(nil), subs[t]...)
		sort.SliceStable(sorted, func(i, j int) bool { return lighter(sorted[i], sorted[j]) })
		end, level, next := 0, len(a[sorted[0]])-1, 0
		for p := int32(0); p < s.Topics[t]; p++ {
			x := tp{t, p}
			if _, taken := owner[x]; taken {
				continue
			}
			if next >= end {
				level++
				for end < len(sorted) && len(a[sorted[end]]) == level {
					end++
				}
				next = 0
			}
			to := sorted[next]
			next++
			a[to] = append(a[to], x)
			owner[x] = to
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
