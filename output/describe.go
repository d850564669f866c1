package output

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kgroups/kgroups/describe"
)

// DescribeView picks which table describe prints.
type DescribeView int

// Describe views.
const (
	ViewOffsets  DescribeView = iota // per partition (default)
	ViewMembers                      // per member
	ViewState                        // one row per group
	ViewByGroup                      // --by group: one lag roll-up row per group
	ViewByTopic                      // --by topic: one row per group and topic
	ViewByMember                     // --by member: one row per group and member
)

// Describe renders a describe document.
// JSON and YAML are streamed group by group; tables are flushed after each
// group.
func (p *Printer) Describe(doc describe.Document, view DescribeView) error {
	if p.Structured() {
		return p.stream([]docField{
			value("schema_version", doc.SchemaVersion),
			value("isolation", doc.Isolation),
			list("groups", doc.Groups, len(doc.Groups), func(i int) any { return &doc.Groups[i] }),
			value("warnings", doc.Warnings),
		})
	}
	return p.buffered(func() error {
		switch view {
		case ViewState:
			return p.describeState(doc)
		case ViewMembers:
			return p.eachGroup(doc, p.describeMembers)
		case ViewByGroup, ViewByTopic, ViewByMember:
			return p.describeBy(doc, view)
		}
		return p.eachGroup(doc, p.describeOffsets)
	})
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
		if err := p.flush(); err != nil {
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
			} else if g.Summary.UncommittedPartitions > 0 {
				parts = append(parts, "lag - (never committed: backlog "+Thousands(g.Summary.UncommittedBacklog)+")")
			} else {
				parts = append(parts, "lag -")
			}
		}
	}
	if g.Error != nil {
		parts = append(parts, p.st.paint(p.st.bad, "error: "+*g.Error))
	}
	p.writeWrapped("", strings.Join(parts, " · "), noPaint)
}

// offsetsTable fits and renders a group's partition rows (or says why
// there are none), then the notes under them: the rows' errors and the
// group's anomalies, wrapped to the terminal.
func (p *Printer) offsetsTable(t *table, headers []string, rows [][]string, g describe.GroupView, notes []string, none string) error {
	fitRows(headers, rows, p.fitWidth(), map[string]fitRule{"TOPIC": nameRule, "CONSUMER-ID": idRule})
	addRows(t, rows)
	if len(rows) > 0 {
		if err := t.render(p.w, p.opts.NoHeaders); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(p.w, p.st.paint(p.st.dim, none))
	}
	for _, a := range g.Anomalies {
		if a.Kind != describe.AnomalyNotFound {
			notes = append(notes, a.Detail)
		}
	}
	for _, n := range notes {
		p.writeWrapped(p.st.paint(p.st.bad, "! "), n, noPaint)
	}
	return nil
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
	var rows [][]string
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
		row := make([]string, 0, len(headers))
		row = append(row, r.Topic, strconv.Itoa(int(r.Partition)), num(r.CommittedOffset))
		if wide {
			row = append(row, num(r.LogStartOffset))
		}
		row = append(row, num(r.LogEndOffset), lag)
		if timeLag {
			row = append(row, seconds(r.TimeLagSeconds, r.TimeLagMethod))
		}
		if wide {
			rows = append(rows, append(row, str(r.MemberID), str(r.Host), str(r.ClientID), orDash(note)))
			continue
		}
		member := "-"
		if r.MemberID != nil {
			member = p.memberName(*r.MemberID)
		}
		rows = append(rows, append(row, member))
		if r.Error != nil {
			notes = append(notes, fmt.Sprintf("%s/%d: %s", r.Topic, r.Partition, *r.Error))
		}
	}
	if err := p.offsetsTable(t, headers, rows, g, notes, "(no committed or assigned partitions)"); err != nil {
		return err
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
			ts = append(ts, tl.Topic+" "+rollupLag(tl.Lag, tl.UncommittedBacklog))
		}
		parts = append(parts, "by topic: "+strings.Join(ts, ", "))
	}
	if s.MaxLag != nil && s.MaxLag.Lag > 0 {
		parts = append(parts, fmt.Sprintf("max: %s/%d (%s)", s.MaxLag.Topic, s.MaxLag.Partition, Thousands(s.MaxLag.Lag)))
	}
	if len(s.LagByMember) > 1 {
		var ms []string
		for _, ml := range s.LagByMember {
			ms = append(ms, orDash(ml.ClientID)+" "+rollupLag(ml.Lag, ml.UncommittedBacklog))
		}
		parts = append(parts, "by member: "+strings.Join(ms, ", "))
	}
	if s.UncommittedPartitions > 0 {
		parts = append(parts, fmt.Sprintf("never committed: backlog %s on %s (not in lag)",
			Thousands(s.UncommittedBacklog), plural(s.UncommittedPartitions, "partition")))
	}
	if s.IdleMembers > 0 {
		parts = append(parts, p.st.paint(p.st.warn, plural(s.IdleMembers, "idle member")))
	}
	if len(parts) > 0 {
		p.writeWrapped("", strings.Join(parts, " · "), func(s string) string { return p.st.paint(p.st.dim, s) })
	}
}

// rollupLag words a roll-up's lag: the number, or "-" when none of its
// partitions has a lag, with the never-committed backlog in words.
func rollupLag(lag, backlog *int64) string {
	if lag == nil {
		if backlog != nil {
			return "- (never committed: backlog " + Thousands(*backlog) + ")"
		}
		return "-"
	}
	return Thousands(*lag)
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
	var rows [][]string
	for _, m := range g.Members {
		id := p.memberName(m.MemberID)
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
		rows = append(rows, row)
	}
	fitRows(headers, rows, p.fitWidth(), map[string]fitRule{"CONSUMER-ID": idRule, "INSTANCE-ID": idRule,
		"CLIENT-ID": textRule, "HOST": textRule, "ASSIGNMENT": fitRule{min: 14, short: cutEnd}})
	addRows(t, rows)
	if err := t.render(p.w, p.opts.NoHeaders); err != nil {
		return err
	}
	if n := g.Summary.IdleMembers; n > 0 {
		fmt.Fprintln(p.w, p.st.paint(p.st.warn, plural(n, "idle member")+" (no partitions assigned)"))
	}
	return nil
}

// coordinator is "host:port (id)" as kafka-consumer-groups.sh prints it, or
// the id alone when the broker's address is unknown.
func coordinator(c *describe.Coordinator) string {
	switch {
	case c == nil:
		return "-"
	case c.Host == nil:
		return fmt.Sprint(c.ID)
	}
	return fmt.Sprintf("%s (%d)", *c.Host, c.ID)
}

func (p *Printer) describeState(doc describe.Document) error {
	// On a terminal too narrow for host:port, the coordinator column keeps
	// the broker id only (-o wide and pipes show host:port (id)).
	headers, rows, errs := p.stateRows(doc, true)
	if !fitRows(headers, rows, p.fitWidth(), stateRules) {
		headers, rows, errs = p.stateRows(doc, false)
		fitRows(headers, rows, p.fitWidth(), stateRules)
	}
	t := newTable(headers...).alignRight("#MEMBERS", "EPOCH", "LAG")
	addRows(t, rows)
	if err := t.render(p.w, p.opts.NoHeaders); err != nil {
		return err
	}
	p.shareStateLines(doc)
	for _, e := range errs {
		p.writeWrapped(p.st.paint(p.st.bad, "! "), e, noPaint)
	}
	return nil
}

var stateRules = map[string]fitRule{"GROUP": nameRule, "COORDINATOR (ID)": {min: 10, short: cutMiddle}, "ASSIGNOR": textRule}

func (p *Printer) stateRows(doc describe.Document, withHost bool) (headers []string, rows [][]string, errs []string) {
	wide := p.opts.Format == Wide
	epochs := false
	for _, g := range doc.Groups {
		epochs = epochs || g.Epoch != nil
	}
	coordHeader := "COORDINATOR (ID)"
	if !withHost {
		coordHeader = "COORDINATOR"
	}
	headers = []string{"GROUP", coordHeader, "ASSIGNOR", "STATE", "TYPE", "#MEMBERS"}
	if epochs || wide {
		headers = append(headers, "EPOCH")
	}
	headers = append(headers, "LAG")
	for _, g := range doc.Groups {
		coord := coordinator(g.Coordinator)
		if !withHost && g.Coordinator != nil {
			coord = fmt.Sprint(g.Coordinator.ID)
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
		rows = append(rows, append(row, p.st.lag(num(g.TotalLag), g.TotalLag, false)))
		if g.Error != nil {
			errs = append(errs, g.Group+": "+*g.Error)
		}
	}
	return headers, rows, errs
}

// List renders the group listing.
func (p *Printer) List(doc describe.ListDocument, withLag bool) error {
	if p.Structured() {
		return p.stream([]docField{
			value("schema_version", doc.SchemaVersion),
			list("groups", doc.Groups, len(doc.Groups), func(i int) any { return &doc.Groups[i] }),
			value("warnings", doc.Warnings),
		})
	}
	return p.buffered(func() error { return p.listTable(doc, withLag) })
}

func (p *Printer) listTable(doc describe.ListDocument, withLag bool) error {
	headers := []string{"GROUP", "STATE", "TYPE", "PROTOCOL", "MEMBERS"}
	if p.opts.Format == Wide {
		headers = append(headers, "PROTOCOL-TYPE", "COORDINATOR")
	}
	if withLag {
		headers = append(headers, "TOTAL-LAG")
	}
	t := newTable(headers...).alignRight("MEMBERS", "TOTAL-LAG", "COORDINATOR")
	var rows [][]string
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
		rows = append(rows, row)
	}
	fitRows(headers, rows, p.fitWidth(), map[string]fitRule{"GROUP": nameRule, "PROTOCOL": textRule})
	addRows(t, rows)
	return t.render(p.w, p.opts.NoHeaders)
}

// describeBy is the --by roll-up table: lag per group, per group and topic,
// or per group and member; "-" where none of the partitions has a lag, with
// the never-committed backlog beside it.
func (p *Printer) describeBy(doc describe.Document, view DescribeView) error {
	var headers []string
	var rows [][]string
	var errs []string
	switch view {
	case ViewByTopic:
		headers = []string{"GROUP", "TOPIC", "PARTITIONS", "LAG", "UNCOMMITTED-BACKLOG"}
	case ViewByMember:
		headers = []string{"GROUP", "CONSUMER-ID", "CLIENT-ID", "PARTITIONS", "LAG", "UNCOMMITTED-BACKLOG"}
	default:
		headers = []string{"GROUP", "STATE", "PARTITIONS", "LAG", "UNCOMMITTED-BACKLOG"}
	}
	t := newTable(headers...).alignRight("PARTITIONS", "LAG", "UNCOMMITTED-BACKLOG")
	for _, g := range doc.Groups {
		if g.Error != nil {
			errs = append(errs, g.Group+": "+*g.Error)
		}
		switch view {
		case ViewByTopic:
			for _, tl := range g.Summary.LagByTopic {
				rows = append(rows, []string{g.Group, tl.Topic, fmt.Sprint(tl.Partitions), p.st.lag(num(tl.Lag), tl.Lag, false), num(tl.UncommittedBacklog)})
			}
		case ViewByMember:
			for _, ml := range g.Summary.LagByMember {
				id := p.memberName(ml.MemberID)
				rows = append(rows, []string{g.Group, id, orDash(ml.ClientID), fmt.Sprint(ml.Partitions), p.st.lag(num(ml.Lag), ml.Lag, false), num(ml.UncommittedBacklog)})
			}
		default:
			state := "-"
			if g.State != nil {
				state = p.st.state(*g.State)
			}
			backlog := "-"
			if g.Summary.UncommittedPartitions > 0 {
				backlog = fmt.Sprint(g.Summary.UncommittedBacklog)
			}
			parts := 0
			for _, tl := range g.Summary.LagByTopic {
				parts += tl.Partitions
			}
			rows = append(rows, []string{g.Group, state, fmt.Sprint(parts), p.st.lag(num(g.TotalLag), g.TotalLag, false), backlog})
		}
	}
	fitRows(headers, rows, p.fitWidth(), map[string]fitRule{"GROUP": nameRule, "TOPIC": nameRule, "CONSUMER-ID": idRule, "CLIENT-ID": textRule})
	addRows(t, rows)
	if err := t.render(p.w, p.opts.NoHeaders); err != nil {
		return err
	}
	for _, e := range errs {
		p.writeWrapped(p.st.paint(p.st.bad, "! "), e, noPaint)
	}
	return nil
}
