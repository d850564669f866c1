package assign

import (
	"container/heap"
	"sort"
)

// tp is one topic partition.
type tp struct {
	topic string
	p     int32
}

func tpLess(a, b tp) bool {
	if a.topic != b.topic {
		return a.topic < b.topic
	}
	return a.p < b.p
}

// claims is the prior ownership after resolving conflicts.
type claims struct {
	owned    map[string][]tp // member -> partitions it keeps claiming
	owner    map[tp]string
	prev     map[tp]string // the losing, lower-generation claimant
	multiply map[tp]bool   // claimed by two members of one generation
	fresh    bool          // nobody owned anything
	// revocation: a member claims a partition of a topic it no longer
	// subscribes to (kafka-python's revocation_required)
	revocation bool
}

// resolveClaims walks members in Java HashMap order: the first claim wins
// unless a later claimant has a higher generation; an equal generation
// removes the partition from both (multiply claimed). Claims on topics that
// do not exist or that the member does not subscribe to are dropped. A
// missing generation counts as -1.
func resolveClaims(members []Member, topics map[string]int32, order []string) claims {
	byID := map[string]Member{}
	for _, m := range members {
		byID[m.ID] = m
	}
	c := claims{owned: map[string][]tp{}, owner: map[tp]string{}, prev: map[tp]string{}, multiply: map[tp]bool{}, fresh: true}
	gen := func(id string) int32 {
		if g := byID[id].Generation; g != nil {
			return *g
		}
		return -1
	}
	remove := func(id string, t tp) {
		list := c.owned[id]
		for i, x := range list {
			if x == t {
				c.owned[id] = append(list[:i:i], list[i+1:]...)
				return
			}
		}
	}
	for _, id := range order {
		m := byID[id]
		topicsOwned := make([]string, 0, len(m.Owned))
		for t := range m.Owned {
			topicsOwned = append(topicsOwned, t)
		}
		sort.Strings(topicsOwned)
		for _, t := range topicsOwned {
			for _, p := range m.Owned[t] {
				if p >= topics[t] {
					continue
				}
				if !subscribes(m, t) {
					c.revocation = true
					continue
				}
				c.fresh = false
				x := tp{t, p}
				if c.multiply[x] {
					continue
				}
				other, taken := c.owner[x]
				switch {
				case !taken:
					c.owner[x] = id
					c.owned[id] = append(c.owned[id], x)
				case gen(id) > gen(other):
					remove(other, x)
					c.prev[x] = other
					c.owner[x] = id
					c.owned[id] = append(c.owned[id], x)
				case gen(id) == gen(other):
					remove(other, x)
					delete(c.owner, x)
					c.multiply[x] = true
				default:
					c.prev[x] = id
				}
			}
		}
	}
	return c
}

func memberIDs(members []Member) []string {
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.ID
	}
	return ids
}

// sameSubscriptions reports whether every member subscribes to the same
// topic names (absent topics included), which selects Java's constrained
// path.
func sameSubscriptions(members []Member) bool {
	key := func(m Member) string {
		s := append([]string(nil), m.Subscription...)
		sort.Strings(s)
		out := ""
		for _, t := range s {
			out += t + "\x00"
		}
		return out
	}
	first := key(members[0])
	for _, m := range members[1:] {
		if key(m) != first {
			return false
		}
	}
	return true
}

// javaSticky is the Java client's StickyAssignor / CooperativeStickyAssignor
// (AbstractStickyAssignor): the constrained path when all subscriptions are
// equal, else the general path; cooperative withholds partitions that change
// owner for a second rebalance.
func javaSticky(members []Member, topics map[string]int32, cooperative bool) Assignment {
	order := javaHashOrder(memberIDs(members))
	c := resolveClaims(members, topics, order)
	var a map[string][]tp
	var transferring map[tp]bool
	if sameSubscriptions(members) {
		a, transferring = constrained(members, topics, c, order)
	} else {
		a, transferring = general(members, topics, c, flavourJava)
	}
	if cooperative {
		for id, list := range a {
			kept := list[:0]
			for _, x := range list {
				if !transferring[x] {
					kept = append(kept, x)
				}
			}
			a[id] = kept
		}
	}
	return toAssignment(a)
}

func toAssignment(a map[string][]tp) Assignment {
	out := Assignment{}
	for id, list := range a {
		out[id] = map[string][]int32{}
		for _, x := range list {
			out[id][x.topic] = append(out[id][x.topic], x.p)
		}
	}
	return out
}

// constrained is Java's ConstrainedAssignmentBuilder (equal subscriptions).
func constrained(members []Member, topics map[string]int32, c claims, order []string) (map[string][]tp, map[tp]bool) {
	var all []tp
	for _, t := range subscribedTopics(members, topics) {
		for p := int32(0); p < topics[t]; p++ {
			all = append(all, tp{t, p})
		}
	}
	n := len(members)
	minQ, maxQ := len(all)/n, (len(all)+n-1)/n
	expectedOver := len(all) % n
	a := map[string][]tp{}
	assigned := map[tp]bool{}
	revoked := map[tp]string{} // released partition -> the member it was released from
	var under, exact []string
	over := 0
	for _, id := range order {
		owned := append([]tp(nil), c.owned[id]...)
		sort.Slice(owned, func(i, j int) bool {
			if owned[i].p != owned[j].p {
				return owned[i].p < owned[j].p
			}
			return owned[i].topic < owned[j].topic
		})
		keep := func(k int) {
			a[id] = append(a[id], owned[:k]...)
			for _, x := range owned[:k] {
				assigned[x] = true
			}
			for _, x := range owned[k:] {
				revoked[x] = id
			}
		}
		switch {
		case len(owned) < minQ:
			keep(len(owned))
			under = append(under, id)
		case len(owned) >= maxQ && over < expectedOver:
			over++
			if over == expectedOver {
				exact = nil
			}
			keep(maxQ)
		default:
			keep(minQ)
			if over < expectedOver {
				exact = append(exact, id)
			}
		}
	}
	transferring := map[tp]bool{}
	for x := range c.multiply {
		transferring[x] = true
	}
	sort.Strings(under)
	sort.Strings(exact)
	idx := 0
	for _, x := range all {
		if assigned[x] {
			continue
		}
		var id string
		if len(under) > 0 {
			if idx >= len(under) {
				idx = 0
			}
			id = under[idx]
			a[id] = append(a[id], x)
			if len(a[id]) == minQ {
				under = append(under[:idx], under[idx+1:]...)
				exact = append(exact, id)
			} else {
				idx++
			}
		} else {
			if len(exact) == 0 {
				break // cannot happen with consistent quotas
			}
			id, exact = exact[0], exact[1:]
			a[id] = append(a[id], x)
			over++
			if over == expectedOver {
				exact = nil
			}
		}
		if from, ok := revoked[x]; ok && from != id {
			transferring[x] = true
		}
	}
	return a, transferring
}

// general is Java's general-path sticky assignment (different
// subscriptions): keep valid claims, give each unassigned partition to the
// least loaded subscriber, then move partitions from members holding two or
// more than another subscriber until balanced, preferring a partition's
// previous owner; a non-initial result is kept only if it improves balance.
// Ports of the general sticky algorithm, by whose ordering they follow.
const (
	flavourJava    = iota // Java's AbstractStickyAssignor general path
	flavourRdkafka        // librdkafka's rdkafka_sticky_assignor.c
	flavourPython         // kafka-python 2.0.2's sticky_assignor.py
)

func general(members []Member, topics map[string]int32, c claims, flavour int) (map[string][]tp, map[tp]bool) {
	potential := map[string][]string{} // topic -> subscribers
	for _, m := range members {
		seenTopic := map[string]bool{}
		for _, t := range m.Subscription {
			if topics[t] > 0 && !seenTopic[t] {
				seenTopic[t] = true
				potential[t] = append(potential[t], m.ID)
			}
		}
	}
	topicOrder := make([]string, 0, len(potential))
	for t := range potential {
		topicOrder = append(topicOrder, t)
	}
	sort.Slice(topicOrder, func(i, j int) bool {
		a, b := topicOrder[i], topicOrder[j]
		if len(potential[a]) != len(potential[b]) {
			return len(potential[a]) < len(potential[b])
		}
		return a < b
	})
	var sorted []tp
	for _, t := range topicOrder {
		for p := int32(0); p < topics[t]; p++ {
			sorted = append(sorted, tp{t, p})
		}
	}
	cur := map[string][]tp{}
	owner := map[tp]string{}
	for _, m := range members {
		cur[m.ID] = nil
		for _, x := range c.owned[m.ID] {
			cur[m.ID] = append(cur[m.ID], x)
			owner[x] = m.ID
		}
	}
	if flavour != flavourJava && sameSubscriptions(members) {
		if rs := sortPartitionsRoundRobin(members, topics, cur, c, flavour); rs != nil {
			sorted = rs
		}
	}
	// One subscriber set for every topic (equal subscriptions): a heap
	// finds the least loaded member; otherwise scan the topic's subscribers.
	var pick *loadHeap
	if sameSubscriptions(members) {
		pick = newLoadHeap(memberIDs(members), cur)
	}
	least := func(t string) string {
		if pick != nil {
			return pick.least()
		}
		best := ""
		for _, id := range potential[t] {
			if best == "" || len(cur[id]) < len(cur[best]) || (len(cur[id]) == len(cur[best]) && id < best) {
				best = id
			}
		}
		return best
	}
	place := func(x tp, to string) {
		cur[to] = append(cur[to], x)
		owner[x] = to
		if pick != nil {
			pick.changed(to)
		}
	}
	move := func(x tp, to string) {
		from := owner[x]
		list := cur[from]
		for i, y := range list {
			if y == x {
				cur[from] = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if pick != nil {
			pick.changed(from)
		}
		place(x, to)
	}
	var unassigned []tp
	for _, x := range sorted {
		if _, ok := owner[x]; !ok {
			unassigned = append(unassigned, x)
			place(x, least(x.topic))
		}
	}
	subscribed := map[string][]string{}
	for _, m := range members {
		for _, t := range m.Subscription {
			if topics[t] > 0 && !contains(subscribed[m.ID], t) {
				subscribed[m.ID] = append(subscribed[m.ID], t)
			}
		}
	}
	potentialCount := func(id string) int {
		n := 0
		for _, t := range subscribed[id] {
			n += int(topics[t])
		}
		return n
	}
	// balanced is Java's isBalanced: sizes within one, or no member could
	// take a partition of its topics from a member holding more.
	balanced := func() bool {
		lo, hi := -1, 0
		for _, l := range cur {
			if lo < 0 || len(l) < lo {
				lo = len(l)
			}
			hi = max(hi, len(l))
		}
		if lo >= hi-1 {
			return true
		}
		ids := make([]string, 0, len(cur))
		for id := range cur {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool {
			if len(cur[ids[i]]) != len(cur[ids[j]]) {
				return len(cur[ids[i]]) < len(cur[ids[j]])
			}
			return ids[i] < ids[j]
		})
		for _, id := range ids {
			if len(cur[id]) == potentialCount(id) {
				continue
			}
			for _, t := range subscribed[id] {
				for p := int32(0); p < topics[t]; p++ {
					if o := owner[tp{t, p}]; o != id && len(cur[id]) < len(cur[o]) {
						return false
					}
				}
			}
		}
		return true
	}
	snapshot := func() map[string][]tp {
		out := map[string][]tp{}
		for id, l := range cur {
			out[id] = append([]tp(nil), l...)
		}
		return out
	}
	pre := snapshot()
	preOwner := map[tp]string{}
	for k, v := range owner {
		preOwner[k] = v
	}
	performed := false
	reassign := func(list []tp) {
		for modified := true; modified; {
			modified = false
			for _, x := range list {
				if balanced() {
					break
				}
				if len(potential[x.topic]) < 2 {
					continue
				}
				from := owner[x]
				if p, ok := c.prev[x]; ok && contains(potential[x.topic], p) && len(cur[from]) > len(cur[p])+1 {
					move(x, p)
					performed, modified = true, true
					continue
				}
				for _, other := range potential[x.topic] {
					if len(cur[from]) > len(cur[other])+1 {
						move(x, least(x.topic))
						performed, modified = true, true
						break
					}
				}
			}
		}
	}
	// kafka-python first tries to balance by moving only the newly placed
	// partitions (unless a subscription change forces revocations).
	if flavour == flavourPython && !c.revocation {
		reassign(unassigned)
	}
	reassign(sorted)
	if !c.fresh && performed && score(cur) >= score(pre) {
		cur, owner = pre, preOwner
	}
	transferring := map[tp]bool{}
	for x, id := range owner {
		if claimed, ok := c.owner[x]; (ok && claimed != id) || c.multiply[x] {
			transferring[x] = true
		}
	}
	return cur, transferring
}

// score is the sum of |size difference| over all member pairs.
func score(a map[string][]tp) int {
	sizes := make([]int, 0, len(a))
	for _, l := range a {
		sizes = append(sizes, len(l))
	}
	s := 0
	for i := range sizes {
		for j := i + 1; j < len(sizes); j++ {
			d := sizes[i] - sizes[j]
			if d < 0 {
				d = -d
			}
			s += d
		}
	}
	return s
}

// sortPartitionsRoundRobin is librdkafka's sortPartitions for identical
// subscriptions (rdkafka_sticky_assignor.c): partitions are taken round
// robin from the members holding the most (ties: the greater member id),
// each member giving first a partition another member held in an older
// generation, else its lowest; then every other partition in the order
// librdkafka's rd_map iterates partition2AllPotentialConsumers — reverse
// insertion (LIST_INSERT_HEAD), i.e. topics and partitions descending. When
// nobody holds anything the list is sorted by topic and partition.
//
// kafka-python 2.0.2 (sticky_assignor.py _populate_sorted_partitions) is
// the same round robin, except that a member gives its last partition
// (list.pop()) rather than its first, and the rest follow ascending.
func sortPartitionsRoundRobin(members []Member, topics map[string]int32, cur map[string][]tp, c claims, flavour int) []tp {
	remaining := map[string][]tp{}
	var consumers []string
	for _, m := range members {
		l := append([]tp(nil), cur[m.ID]...)
		sort.Slice(l, func(i, j int) bool { return tpLess(l[i], l[j]) })
		if len(l) > 0 {
			remaining[m.ID] = l
			consumers = append(consumers, m.ID)
		}
	}
	// A max-heap on (partitions left, member id): the member giving next.
	h := &giveHeap{}
	for _, id := range consumers {
		h.e = append(h.e, &giver{id: id, left: remaining[id]})
	}
	heap.Init(h)
	var out []tp
	seen := map[tp]bool{}
	for h.Len() > 0 {
		top := h.e[0]
		list := top.left
		if len(list) == 0 {
			heap.Pop(h)
			continue
		}
		pick := 0
		if flavour == flavourPython {
			pick = len(list) - 1
		}
		if len(c.prev) > 0 {
			for i, x := range list {
				if _, ok := c.prev[x]; ok {
					pick = i
					break
				}
			}
		}
		out = append(out, list[pick])
		seen[list[pick]] = true
		if pick == 0 {
			top.left = list[1:]
		} else {
			top.left = append(list[:pick:pick], list[pick+1:]...)
		}
		heap.Fix(h, 0)
	}
	if len(out) == 0 {
		return nil // the caller's topic/partition order
	}
	names := subscribedTopics(members, topics)
	if flavour == flavourPython {
		for _, t := range names {
			for p := int32(0); p < topics[t]; p++ {
				if x := (tp{t, p}); !seen[x] {
					out = append(out, x)
				}
			}
		}
		return out
	}
	for i := len(names) - 1; i >= 0; i-- {
		for p := topics[names[i]] - 1; p >= 0; p-- {
			if x := (tp{names[i], p}); !seen[x] {
				out = append(out, x)
			}
		}
	}
	return out
}

// pythonSticky is kafka-python 2.0.2's (eager) StickyPartitionAssignor: the
// general algorithm in its own orders (see sortPartitionsRoundRobin and the
// first balancing pass over newly placed partitions in general).
func pythonSticky(members []Member, topics map[string]int32) Assignment {
	order := memberIDs(members) // claims: members dict order (the JoinGroup order)
	c := resolveClaims(members, topics, order)
	a, _ := general(members, topics, c, flavourPython)
	return toAssignment(a)
}

// rdkafkaCooperativeSticky approximates librdkafka's cooperative-sticky: a
// port of the older general sticky algorithm (no constrained path), then
// librdkafka's cooperative adjustment: a partition still assigned to its
// owner stays, a partition that changes owner is withheld for the next
// rebalance, never-owned partitions are handed out.
func rdkafkaCooperativeSticky(members []Member, topics map[string]int32) Assignment {
	order := javaHashOrder(memberIDs(members))
	c := resolveClaims(members, topics, order)
	a, _ := general(members, topics, c, flavourRdkafka)
	for id, list := range a {
		kept := list[:0]
		for _, x := range list {
			if owner, ok := c.owner[x]; ok && owner != id {
				continue
			}
			if c.multiply[x] {
				continue
			}
			kept = append(kept, x)
		}
		a[id] = kept
	}
	return toAssignment(a)
}

// loadHeap orders members by (assigned count, id) for least-loaded picks.
// Counts are cached per member (read from load when changed is called).
type loadHeap struct {
	ids   []string // heap order
	pos   []int    // member number -> heap position
	heapN []int    // heap position -> member number
	count []int    // member number -> partitions
	num   map[string]int
	load  map[string][]tp
}

func newLoadHeap(ids []string, load map[string][]tp) *loadHeap {
	sorted := append([]string(nil), ids...)
	sort.Slice(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if len(load[a]) != len(load[b]) {
			return len(load[a]) < len(load[b])
		}
		return a < b
	})
	h := &loadHeap{ids: sorted, pos: make([]int, len(sorted)), heapN: make([]int, len(sorted)),
		count: make([]int, len(sorted)), num: make(map[string]int, len(sorted)), load: load}
	for i, id := range sorted {
		h.num[id], h.pos[i], h.heapN[i], h.count[i] = i, i, i, len(load[id])
	}
	return h
}

func (h *loadHeap) less(i, j int) bool {
	a, b := h.heapN[i], h.heapN[j]
	if h.count[a] != h.count[b] {
		return h.count[a] < h.count[b]
	}
	return h.ids[i] < h.ids[j]
}

func (h *loadHeap) swap(i, j int) {
	h.ids[i], h.ids[j] = h.ids[j], h.ids[i]
	h.heapN[i], h.heapN[j] = h.heapN[j], h.heapN[i]
	h.pos[h.heapN[i]], h.pos[h.heapN[j]] = i, j
}

func (h *loadHeap) least() string { return h.ids[0] }

// changed restores heap order after id's load changed.
func (h *loadHeap) changed(id string) {
	n := h.num[id]
	h.count[n] = len(h.load[id])
	i := h.pos[n]
	for i > 0 { // up
		parent := (i - 1) / 2
		if !h.less(i, parent) {
			break
		}
		h.swap(i, parent)
		i = parent
	}
	for { // down
		l, r, small := 2*i+1, 2*i+2, i
		if l < len(h.ids) && h.less(l, small) {
			small = l
		}
		if r < len(h.ids) && h.less(r, small) {
			small = r
		}
		if small == i {
			return
		}
		h.swap(i, small)
		i = small
	}
}

// giveHeap is a max-heap of members by (partitions left, id).
type giver struct {
	id   string
	left []tp
}

type giveHeap struct{ e []*giver }

func (h *giveHeap) Len() int { return len(h.e) }
func (h *giveHeap) Less(i, j int) bool {
	a, b := h.e[i], h.e[j]
	if len(a.left) != len(b.left) {
		return len(a.left) > len(b.left)
	}
	return a.id > b.id
}
func (h *giveHeap) Swap(i, j int) { h.e[i], h.e[j] = h.e[j], h.e[i] }
func (h *giveHeap) Push(x any)    { h.e = append(h.e, x.(*giver)) }
func (h *giveHeap) Pop() any {
	x := h.e[len(h.e)-1]
	h.e = h.e[:len(h.e)-1]
	return x
}
