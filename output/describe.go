package output

import (
	"fmt"
	"strings"

	"github.com/kgroups/kgroups/describe"
)

// DescribeView picks which table describe prints.
type DescribeView int

// Describe views.
const (
	ViewOffsets DescribeView = iota // per partition (default)
	ViewMembers                     // per member
	ViewState                       // one row per group
)

// Describe renders a describe document.
func (p *Printer) Describe(doc describe.Document, view DescribeView) error {
	if p.Structured() {
		return p.Data(doc)
	}
	switch view {
	case ViewState:
		return p.describeState(doc)
	case ViewMembers:
		return p.eachGroup(doc, p.describeMembers)
	}
	return p.eachGroup(doc, p.describeOffsets)
}

func (p *Printer) eachGroup(doc describe.Document, fn func(describe.GroupView) error) error {
	for i, g := range doc.Groups {
		if i > 0 {
			fmt.Fprintln(p.w)
		}
		p.groupTitle(g)
		if (g.Error != nil && g.State == nil) || unreadable(g) {
			continue
		}
		if err := fn(g); err != nil {
			return err
		}
	}
	return nil
}

// groupTitle is one line naming the group and its health.
func (p *Printer) groupTitle(g describe.GroupView) {
	parts := []string{p.st.paint(p.st.bold, "GROUP "+g.Group)}
	if g.State != nil {
		parts = append(parts, p.st.state(*g.State))
		kind := *g.Type
		if g.Protocol != nil {
			kind += "/" + *g.Protocol
		}
		parts = append(parts, kind)
		if !unreadable(g) {
			parts = append(parts, plural(len(g.Members), "member"))
			if g.TotalLag != nil {
				parts = append(parts, "lag "+p.st.lag(Thousands(*g.TotalLag), g.TotalLag, false))
			} else {
				parts = append(parts, "lag -")
			}
		}
	}
	if g.Error != nil {
		parts = append(parts, p.st.paint(p.st.bad, "error: "+*g.Error))
	}
	fmt.Fprintln(p.w, strings.Join(parts, " · "))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func (p *Printer) describeOffsets(g describe.GroupView) error {
	if isShare(g) {
		return p.describeShareOffsets(g)
	}
	wide := p.opts.Format == Wide
	timeLag := false
	for _, r := range g.Partitions {
		timeLag = timeLag || r.TimeLagSeconds != nil
	}
	headers := []string{"TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG"}
	if wide {
		headers = []string{"TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-START-OFFSET", "LOG-END-OFFSET", "LAG"}
	}
	if timeLag {
		headers = append(headers, "TIME-LAG")
	}
	headers = append(headers, "CONSUMER-ID")
	if wide {
		headers = append(headers, "HOST", "CLIENT-ID", "NOTE")
	}
	t := newTable(headers...).alignRight("PARTITION", "CURRENT-OFFSET", "LOG-START-OFFSET", "LOG-END-OFFSET", "LAG", "TIME-LAG")
	var notes []string
	for _, r := range g.Partitions {
		flagged := r.Anomaly != nil || r.Error != nil
		lag := p.st.lag(num(r.Lag), r.Lag, flagged)
		note := ""
		switch {
		case r.Error != nil:
			note = *r.Error
		case r.Anomaly != nil:
			note = *r.Anomaly
		case r.CommittedOffset == nil && r.Backlog != nil:
			note = "no commit; backlog " + Thousands(*r.Backlog)
		}
		row := []string{r.Topic, fmt.Sprint(r.Partition), num(r.CommittedOffset)}
		if wide {
			row = append(row, num(r.LogStartOffset))
		}
		row = append(row, num(r.LogEndOffset), lag)
		if timeLag {
			row = append(row, seconds(r.TimeLagSeconds, r.TimeLagMethod))
		}
		if wide {
			t.add(append(row, str(r.MemberID), str(r.Host), str(r.ClientID), orDash(note))...)
			continue
		}
		member := "-"
		if r.MemberID != nil {
			member = shortID(*r.MemberID)
		}
		t.add(append(row, member)...)
		if r.Error != nil {
			notes = append(notes, fmt.Sprintf("%s/%d: %s", r.Topic, r.Partition, *r.Error))
		}
	}
	if len(g.Partitions) > 0 {
		if err := t.render(p.w, p.opts.NoHeaders); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(p.w, p.st.paint(p.st.dim, "(no committed or assigned partitions)"))
	}
	for _, a := range g.Anomalies {
		if a.Kind != describe.AnomalyNotFound {
			notes = append(notes, a.Detail)
		}
	}
	for _, n := range notes {
		fmt.Fprintln(p.w, p.st.paint(p.st.bad, "! ")+n)
	}
	p.summaryLine(g)
	return nil
}

// summaryLine: lag by topic, max partition, by member, backlog, idle.
func (p *Printer) summaryLine(g describe.GroupView) {
	s := g.Summary
	var parts []string
	if len(s.LagByTopic) > 1 {
		var ts []string
		for _, tl := range s.LagByTopic {
			ts = append(ts, tl.Topic+" "+Thousands(tl.Lag))
		}
		parts = append(parts, "by topic: "+strings.Join(ts, ", "))
	}
	if s.MaxLag != nil && s.MaxLag.Lag > 0 {
		parts = append(parts, fmt.Sprintf("max: %s/%d (%s)", s.MaxLag.Topic, s.MaxLag.Partition, Thousands(s.MaxLag.Lag)))
	}
	if len(s.LagByMember) > 1 {
		var ms []string
		for _, ml := range s.LagByMember {
			ms = append(ms, fmt.Sprintf("%s %s", orDash(ml.ClientID), Thousands(ml.Lag)))
		}
		parts = append(parts, "by member: "+strings.Join(ms, ", "))
	}
	if s.UncommittedPartitions > 0 {
		parts = append(parts, fmt.Sprintf("no commit on %s (backlog %s, not in lag)",
			plural(s.UncommittedPartitions, "partition"), Thousands(s.UncommittedBacklog)))
	}
	if s.IdleMembers > 0 {
		parts = append(parts, p.st.paint(p.st.warn, plural(s.IdleMembers, "idle member")))
	}
	if len(parts) > 0 {
		fmt.Fprintln(p.w, p.st.paint(p.st.dim, strings.Join(parts, " · ")))
	}
}

func (p *Printer) describeMembers(g describe.GroupView) error {
	if isShare(g) {
		return p.describeShareMembers(g)
	}
	if len(g.Members) == 0 {
		fmt.Fprintln(p.w, p.st.paint(p.st.dim, "(no active members)"))
		return nil
	}
	wide := p.opts.Format == Wide
	static := false
	for _, m := range g.Members {
		static = static || m.InstanceID != nil
	}
	headers := []string{"CONSUMER-ID"}
	if static || wide {
		headers = append(headers, "INSTANCE-ID")
	}
	headers = append(headers, "CLIENT-ID", "HOST", "#PARTITIONS", "LAG", "ASSIGNMENT")
	if wide && g.Epoch != nil {
		headers = append(headers, "EPOCH", "TARGET-ASSIGNMENT")
	}
	if wide {
		headers = append(headers, "SUBSCRIBED")
	}
	t := newTable(headers...).alignRight("#PARTITIONS", "LAG", "EPOCH")
	for _, m := range g.Members {
		id := m.MemberID
		if !wide {
			id = shortID(id)
		}
		parts := fmt.Sprint(m.Partitions)
		if m.Partitions == 0 {
			parts = p.st.paint(p.st.warn, "0")
		}
		row := []string{id}
		if static || wide {
			row = append(row, str(m.InstanceID))
		}
		row = append(row, orDash(m.ClientID), orDash(m.Host), parts, p.st.lag(num(m.Lag), m.Lag, false), CompactAssignment(m.Assignment))
		if wide && g.Epoch != nil {
			row = append(row, num(m.MemberEpoch), CompactAssignment(m.TargetAssignment))
		}
		if wide {
			row = append(row, orDash(strings.Join(m.SubscribedTopics, ",")))
		}
		t.add(row...)
	}
	if err := t.render(p.w, p.opts.NoHeaders); err != nil {
		return err
	}
	if n := g.Summary.IdleMembers; n > 0 {
		fmt.Fprintln(p.w, p.st.paint(p.st.warn, plural(n, "idle member")+" (no partitions assigned)"))
	}
	return nil
}

func (p *Printer) describeState(doc describe.Document) error {
	wide := p.opts.Format == Wide
	epochs := false
	for _, g := range doc.Groups {
		epochs = epochs || g.Epoch != nil
	}
	headers := []string{"GROUP", "COORDINATOR", "ASSIGNOR", "STATE", "TYPE", "#MEMBERS"}
	if epochs || wide {
		headers = append(headers, "EPOCH")
	}
	headers = append(headers, "LAG")
	t := newTable(headers...).alignRight("#MEMBERS", "EPOCH", "LAG")
	var errs []string
	for _, g := range doc.Groups {
		coord := "-"
		if g.Coordinator != nil {
			coord = fmt.Sprint(g.Coordinator.ID)
			if wide && g.Coordinator.Host != nil {
				coord += " (" + *g.Coordinator.Host + ")"
			}
		}
		state, typ, members := "-", "-", "-"
		if g.State != nil {
			state, typ = p.st.state(*g.State), *g.Type
			if !unreadable(g) {
				members = fmt.Sprint(len(g.Members))
			}
		}
		row := []string{g.Group, coord, str(g.Protocol), state, typ, members}
		if epochs || wide {
			row = append(row, num(g.Epoch))
		}
		t.add(append(row, p.st.lag(num(g.TotalLag), g.TotalLag, false))...)
		if g.Error != nil {
			errs = append(errs, g.Group+": "+*g.Error)
		}
	}
	if err := t.render(p.w, p.opts.NoHeaders); err != nil {
		return err
	}
	p.shareStateLines(doc)
	for _, e := range errs {
		fmt.Fprintln(p.w, p.st.paint(p.st.bad, "! ")+e)
	}
	return nil
}

// List renders the group listing.
func (p *Printer) List(doc describe.ListDocument, withLag bool) error {
	if p.Structured() {
		return p.Data(doc)
	}
	headers := []string{"GROUP", "STATE", "TYPE", "PROTOCOL", "MEMBERS"}
	if p.opts.Format == Wide {
		headers = append(headers, "PROTOCOL-TYPE", "COORDINATOR")
	}
	if withLag {
		headers = append(headers, "TOTAL-LAG")
	}
	t := newTable(headers...).alignRight("MEMBERS", "TOTAL-LAG", "COORDINATOR")
	for _, g := range doc.Groups {
		row := []string{g.Group, p.st.state(orDash(g.State)), orDash(g.Type), str(g.Protocol), num(g.Members)}
		if p.opts.Format == Wide {
			coord := "-"
			if g.Coordinator != nil {
				coord = fmt.Sprint(g.Coordinator.ID)
			}
			row = append(row, orDash(g.ProtocolType), coord)
		}
		if withLag {
			row = append(row, p.st.lag(num(g.TotalLag), g.TotalLag, false))
		}
		t.add(row...)
	}
	return t.render(p.w, p.opts.NoHeaders)
}
