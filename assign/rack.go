package assign

import "strconv"

// Rack-aware range (KIP-881), as Java's RangeAssignor.assignPartitions does
// it (clients/consumer/RangeAssignor.java, Kafka 4.0): a member's rack
// (client.rack) and each partition's replica racks decide. Per topic, the
// subscribers in Java's member order share it with the usual quotas (P / n,
// the first P mod n to reach one more); when rack matching applies, topics
// with the same subscribers and partition count are first placed together
// partition by partition on the first member whose rack holds a replica of
// each, a single topic takes, member by member, the partitions whose
// replicas share its rack; then everything left goes in ranges as usual.
// A member without a rack matches every partition.

type rangeTopic struct {
	topic      string
	consumers  []string // Java order
	rack       map[string]string
	racks      [][]string // per partition; nil: no consumer rack
	unassigned []int32    // ascending
	assigned   map[string]int
	per, extra int
	needs      bool
}

func (t *rangeTopic) racksMatch(c string, p int32) bool {
	r, ok := t.rack[c]
	if !ok {
		return true
	}
	if int(p) >= len(t.racks) {
		return false
	}
	for _, x := range t.racks[p] {
		if x == r {
			return true
		}
	}
	return false
}

func (t *rangeTopic) maxAssignable(c string) int {
	n := t.per - t.assigned[c]
	if t.extra > 0 {
		n++
	}
	return max(0, n)
}

func (t *rangeTopic) assign(a Assignment, c string, ps []int32) {
	for _, p := range ps {
		add(a, c, t.topic, p)
	}
	t.assigned[c] += len(ps)
	if t.assigned[c] > t.per {
		t.extra--
	}
	drop := map[int32]bool{}
	for _, p := range ps {
		drop[p] = true
	}
	kept := t.unassigned[:0]
	for _, p := range t.unassigned {
		if !drop[p] {
			kept = append(kept, p)
		}
	}
	t.unassigned = kept
}

func (t *rangeTopic) assignRanges(a Assignment, may func(string, int32) bool) {
	for _, c := range t.consumers {
		if len(t.unassigned) == 0 {
			break
		}
		var take []int32
		limit := t.maxAssignable(c)
		for _, p := range t.unassigned {
			if len(take) == limit {
				break
			}
			if may(c, p) {
				take = append(take, p)
			}
		}
		if len(take) > 0 {
			t.assign(a, c, take)
		}
	}
}

// hasRacks reports whether any member has a rack (rack-aware range needs
// one; without, it is plain range).
func hasRacks(ms []Member) bool {
	for _, m := range ms {
		if m.Rack != nil && *m.Rack != "" {
			return true
		}
	}
	return false
}

// rackRange is Java's RangeAssignor with racks.
func rackRange(s Scenario) Assignment {
	ordered := javaOrder(s.Members)
	rack := map[string]string{}
	for _, m := range s.Members {
		if m.Rack != nil && *m.Rack != "" {
			rack[m.ID] = *m.Rack
		}
	}
	var states []*rangeTopic
	for _, topic := range subscribedTopics(s.Members, s.Topics) {
		t := &rangeTopic{topic: topic, rack: map[string]string{}, assigned: map[string]int{}}
		consumerRacks := map[string]bool{}
		for _, m := range ordered {
			if subscribes(m, topic) {
				t.consumers = append(t.consumers, m.ID)
				if r, ok := rack[m.ID]; ok {
					t.rack[m.ID] = r
					consumerRacks[r] = true
				}
			}
		}
		n := s.Topics[topic]
		for p := int32(0); p < n; p++ {
			t.unassigned = append(t.unassigned, p)
		}
		t.per, t.extra = int(n)/len(t.consumers), int(n)%len(t.consumers)
		partitionRacks := map[string]bool{}
		if len(consumerRacks) > 0 {
			t.racks = make([][]string, n)
			for p := int32(0); p < n; p++ {
				if pr := s.PartitionRacks[topic]; int(p) < len(pr) {
					t.racks[p] = pr[p]
				}
				for _, r := range t.racks[p] {
					partitionRacks[r] = true
				}
			}
		}
		// useRackAwareAssignment: some consumer rack holds a replica, and
		// not every partition has the same rack set.
		overlap := false
		for r := range consumerRacks {
			overlap = overlap || partitionRacks[r]
		}
		if overlap {
			for p := range t.racks {
				if !sameSet(t.racks[p], partitionRacks) {
					t.needs = true
					break
				}
			}
		}
		states = append(states, t)
	}
	a := Assignment{}
	for _, m := range s.Members {
		a[m.ID] = map[string][]int32{}
	}
	use := false
	for _, t := range states {
		use = use || t.needs
	}
	if use {
		groups := map[string][]*rangeTopic{}
		var keys []string
		for _, t := range states {
			k := groupKey(t)
			if _, ok := groups[k]; !ok {
				keys = append(keys, k)
			}
			groups[k] = append(groups[k], t)
		}
		for _, k := range keys {
			g := groups[k]
			if len(g) > 1 {
				coPartitioned(a, g)
			} else if g[0].needs {
				g[0].assignRanges(a, g[0].racksMatch)
			}
		}
	}
	for _, t := range states {
		t.assignRanges(a, func(string, int32) bool { return true })
	}
	return a
}

// groupKey groups topics as Java does: same subscribers (with racks), then
// the same partition count.
func groupKey(t *rangeTopic) string {
	k := ""
	for _, c := range t.consumers {
		k += c + "\x00" + t.rack[c] + "\x01"
	}
	return k + "#" + strconv.Itoa(len(t.unassigned))
}

// coPartitioned places partition p of every topic of the group on the first
// remaining member whose rack matches p in all of them and has room in all.
func coPartitioned(a Assignment, g []*rangeTopic) {
	remaining := append([]string(nil), g[0].consumers...)
	n := len(g[0].unassigned)
	for p := int32(0); p < int32(n); p++ {
		found := -1
		for i, c := range remaining {
			ok := true
			for _, t := range g {
				if !t.racksMatch(c, p) || t.maxAssignable(c) <= 0 {
					ok = false
					break
				}
			}
			if ok {
				found = i
				break
			}
		}
		if found < 0 {
			continue
		}
		c := remaining[found]
		for _, t := range g {
			t.assign(a, c, []int32{p})
		}
		room := false
		for _, t := range g {
			room = room || t.maxAssignable(c) > 0
		}
		if !room {
			remaining = append(remaining[:found:found], remaining[found+1:]...)
			if len(remaining) == 0 {
				break
			}
		}
	}
}

func sameSet(list []string, set map[string]bool) bool {
	seen := map[string]bool{}
	for _, x := range list {
		seen[x] = true
	}
	if len(seen) != len(set) {
		return false
	}
	for x := range set {
		if !seen[x] {
			return false
		}
	}
	return true
}
