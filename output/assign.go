package output

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kgroups/kgroups/assign"
)

// Assign renders an assignor preview, a simulation or a comparison.
func (p *Printer) Assign(doc assign.Doc) error {
	if p.Structured() {
		return p.Data(doc)
	}
	if len(doc.Compare) > 0 {
		return p.assignCompare(doc)
	}
	st := doc.Stats
	fmt.Fprintf(p.w, "%s · %s · %d partitions · balance %d (%d–%d per member)\n",
		p.st.paint(p.st.bold, "ASSIGNOR "+assignorLabel(doc.Assignor, doc.Client)), plural(st.Members, "member"), st.Partitions, st.Balance, st.Min, st.Max)
	members := slices.Sorted(maps.Keys(doc.Assignment))
	if doc.Simulation != nil {
		return p.assignSimulation(doc, members)
	}
	headers := []string{"MEMBER", "#PARTITIONS", "ASSIGNMENT"}
	if doc.Target != nil {
		headers = []string{"MEMBER", "#PARTITIONS", "ROUND 1", "TARGET"}
	}
	if doc.Current != nil {
		headers = append(headers, "NOW")
	}
	t := newTable(headers...).alignRight("#PARTITIONS")
	for _, m := range members {
		n := count(doc.Assignment[m])
		cnt := fmt.Sprint(n)
		if n == 0 {
			cnt = p.st.paint(p.st.warn, "0")
		}
		row := []string{p.memberName(m), cnt, CompactAssignment(doc.Assignment[m])}
		if doc.Target != nil {
			row = append(row, CompactAssignment(doc.Target[m]))
		}
		if doc.Current != nil {
			now := CompactAssignment(doc.Current[m])
			if now == row[2] {
				now = p.st.paint(p.st.good, "same")
			}
			row = append(row, now)
		}
		t.add(row...)
	}
	if err := t.render(p.w, p.opts.NoHeaders); err != nil {
		return err
	}
	p.revokedLines(doc.Revoked)
	p.assignFooter(doc.IdleMembers, st, doc.Notes)
	return nil
}

// revokedLines says where each partition withheld in a cooperative round 1
// is: revoked from its owner, landing on its new one in the next rebalance.
func (p *Printer) revokedLines(revoked []assign.Move) {
	if len(revoked) == 0 {
		return
	}
	fmt.Fprintf(p.w, "\nround 1 withholds %s (cooperative); the follow-up rebalance places them:\n", plural(len(revoked), "partition"))
	for _, mv := range revoked {
		from := "new, owned by nobody"
		if mv.From != nil {
			from = "revoked from " + p.memberName(*mv.From)
		}
		fmt.Fprintf(p.w, "  %s/%d  %s, lands on %s\n", mv.Topic, mv.Partition, from, p.memberName(*mv.To))
	}
}

func (p *Printer) assignFooter(idle []string, st assign.Stats, notes []string) {
	if len(idle) > 0 {
		fmt.Fprintln(p.w, p.st.paint(p.st.warn, fmt.Sprintf("idle: %s (no partitions)", strings.Join(idle, ", "))))
	}
	var per []string
	for _, t := range slices.Sorted(maps.Keys(st.PerTopic)) {
		ts := st.PerTopic[t]
		// Every subscriber is counted, idle ones included: the line never
		// contradicts the header's member count.
		if ts.Members < ts.Subscribers {
			none := fmt.Sprintf("%d get none", ts.Subscribers-ts.Members)
			if ts.Subscribers-ts.Members == 1 {
				none = "1 gets none"
			}
			per = append(per, fmt.Sprintf("%s %d on %d of %d members (%d–%d; %s)", t, ts.Partitions, ts.Members, ts.Subscribers, ts.Min, ts.Max, none))
		} else {
			per = append(per, fmt.Sprintf("%s %d over %s (%d–%d)", t, ts.Partitions, plural(ts.Subscribers, "member"), ts.Min, ts.Max))
		}
	}
	if len(per) > 0 {
		fmt.Fprintln(p.w, p.st.paint(p.st.dim, "per topic: "+strings.Join(per, "; ")))
	}
	for _, n := range notes {
		fmt.Fprintln(p.w, p.st.paint(p.st.dim, "note: "+n))
	}
}

func (p *Printer) assignSimulation(doc assign.Doc, _ []string) error {
	sim := doc.Simulation
	members := slices.Sorted(maps.Keys(merge(sim.Before, sim.After)))
	headers := []string{"MEMBER", "BEFORE", "AFTER"}
	if sim.Rounds == 2 {
		headers = []string{"MEMBER", "BEFORE", "ROUND 1", "AFTER"}
	}
	t := newTable(headers...)
	for _, m := range members {
		before, after := "(not a member)", "(left)"
		if _, ok := sim.Before[m]; ok {
			before = CompactAssignment(sim.Before[m])
		}
		if _, ok := sim.After[m]; ok {
			after = CompactAssignment(sim.After[m])
		}
		row := []string{p.memberName(m), before}
		if sim.Rounds == 2 {
			r1 := "(left)"
			if _, ok := sim.Round1[m]; ok {
				r1 = CompactAssignment(sim.Round1[m])
			}
			row = append(row, r1)
		}
		t.add(append(row, after)...)
	}
	if err := t.render(p.w, p.opts.NoHeaders); err != nil {
		return err
	}
	if len(sim.Moves) > 0 {
		fmt.Fprintln(p.w)
		mt := newTable("PARTITION", "FROM", "TO")
		for _, mv := range sim.Moves {
			from, to := "-", "-"
			if mv.From != nil {
				from = p.memberName(*mv.From)
			}
			if mv.To != nil {
				to = p.memberName(*mv.To)
			}
			mt.add(fmt.Sprintf("%s/%d", mv.Topic, mv.Partition), from, to)
		}
		if err := mt.render(p.w, p.opts.NoHeaders); err != nil {
			return err
		}
	}
	p.revokedLines(sim.Revoked)
	var how string
	switch sim.Protocol {
	case assign.Eager:
		how = fmt.Sprintf("%s pause (eager: every member revokes every partition until the rebalance ends)", plural(sim.Paused, "partition"))
	case assign.Cooperative:
		how = fmt.Sprintf("%s pause (cooperative: only moving partitions; they land in the second rebalance)", plural(sim.Paused, "partition"))
	default:
		how = fmt.Sprintf("%s pause (KIP-848: each moving partition waits for its old owner to revoke it; no group-wide barrier)", plural(sim.Paused, "partition"))
	}
	fmt.Fprintf(p.w, "\n%s of %d move · %s · %s\n", plural(sim.Moved, "partition"), sim.Total, how, plural(sim.Rounds, "rebalance"))
	p.assignFooter(doc.IdleMembers, doc.Stats, doc.Notes)
	return nil
}

func (p *Printer) assignCompare(doc assign.Doc) error {
	all := append([]assign.CompareTo{{Assignor: doc.Assignor, Client: doc.Client, Assignment: doc.Assignment, Stats: doc.Stats, IdleMembers: doc.IdleMembers}}, doc.Compare...)
	headers := []string{"MEMBER"}
	for _, c := range all {
		label := assignorLabel(c.Assignor, c.Client)
		name, rest, _ := strings.Cut(label, " ")
		headers = append(headers, strings.ToUpper(name)+" "+rest)
	}
	t := newTable(headers...)
	for _, m := range slices.Sorted(maps.Keys(doc.Assignment)) {
		row := []string{p.memberName(m)}
		for _, c := range all {
			row = append(row, CompactAssignment(c.Assignment[m]))
		}
		t.add(row...)
	}
	bal := []string{"balance"}
	for _, c := range all {
		bal = append(bal, fmt.Sprintf("%d (%d–%d), %d idle", c.Stats.Balance, c.Stats.Min, c.Stats.Max, len(c.IdleMembers)))
	}
	t.add(bal...)
	if err := t.render(p.w, p.opts.NoHeaders); err != nil {
		return err
	}
	for _, n := range doc.Notes {
		fmt.Fprintln(p.w, p.st.paint(p.st.dim, "note: "+n))
	}
	return nil
}

// assignorLabel is "range (java)": the assignor and whose implementation;
// a KIP-848 server assignor runs on the broker, whatever the client.
func assignorLabel(assignor, client string) string {
	if assignor == assign.Uniform || assignor == assign.ServerRange {
		return assignor + " (broker, KIP-848)"
	}
	return assignor + " (" + client + ")"
}

// memberName shortens long member ids on a terminal; pipes and -o wide
// get them whole.
func (p *Printer) memberName(id string) string {
	if p.fitWidth() == 0 {
		return id
	}
	return shortID(id)
}

func merge(a, b assign.Assignment) assign.Assignment {
	out := assign.Assignment{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

func count(m map[string][]int32) int {
	n := 0
	for _, ps := range m {
		n += len(ps)
	}
	return n
}
