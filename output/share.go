package output

import (
	"fmt"
	"strings"

	"github.com/kgroups/kgroups/describe"
)

// Share groups (KIP-932) commit no offsets: per partition the broker
// reports a start offset and a share lag, and several members may hold one
// partition. Column names follow kafka-share-groups.sh (START-OFFSET, LAG);
// the group is named in the title line, as for the other types.

func isShare(g describe.GroupView) bool { return g.Type != nil && *g.Type == describe.TypeShare }

// unreadable reports a group whose type this version does not describe.
func unreadable(g describe.GroupView) bool { return g.Type != nil && !describe.Readable(*g.Type) }

func (p *Printer) describeShareOffsets(g describe.GroupView) error {
	wide := p.opts.Format == Wide
	headers := []string{"TOPIC", "PARTITION", "START-OFFSET", "LAG", "CONSUMER-ID"}
	if wide {
		headers = []string{"TOPIC", "PARTITION", "START-OFFSET", "LOG-START-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "NOTE"}
	}
	t := newTable(headers...).alignRight("PARTITION", "START-OFFSET", "LOG-START-OFFSET", "LOG-END-OFFSET", "LAG")
	var notes []string
	var rows [][]string
	for _, r := range g.Partitions {
		lag := p.st.lag(num(r.Lag), r.Lag, r.Error != nil)
		members := "-"
		switch {
		case len(r.MemberIDs) == 1:
			members = r.MemberIDs[0] // full in a pipe; fitted to a terminal below
		case len(r.MemberIDs) > 1 && wide:
			members = strings.Join(r.MemberIDs, ",")
		case len(r.MemberIDs) > 1:
			members = fmt.Sprintf("(%d members)", len(r.MemberIDs))
		}
		note := ""
		switch {
		case r.Error != nil:
			note = *r.Error
		case r.StartOffset == nil:
			note = "no share state yet (not fetched by the group)"
		}
		row := []string{r.Topic, fmt.Sprint(r.Partition), num(r.StartOffset)}
		if wide {
			row = append(row, num(r.LogStartOffset), num(r.LogEndOffset), lag, members, orDash(note))
		} else {
			row = append(row, lag, members)
			if r.Error != nil {
				notes = append(notes, fmt.Sprintf("%s/%d: %s", r.Topic, r.Partition, *r.Error))
			}
		}
		rows = append(rows, row)
	}
	if err := p.offsetsTable(t, headers, rows, g, notes, "(no share partitions: nothing assigned and no share state)"); err != nil {
		return err
	}
	var parts []string
	if s := g.Summary; s.MaxLag != nil && s.MaxLag.Lag > 0 {
		parts = append(parts, fmt.Sprintf("max: %s/%d (%s)", s.MaxLag.Topic, s.MaxLag.Partition, Thousands(s.MaxLag.Lag)))
	}
	if n := g.Summary.SharedPartitions; n > 0 {
		parts = append(parts, plural(n, "partition")+" shared by several members")
	}
	parts = append(parts, "lag: records not yet delivered or acknowledged, as the broker reports it")
	fmt.Fprintln(p.w, p.st.paint(p.st.dim, strings.Join(parts, " · ")))
	return nil
}

func (p *Printer) describeShareMembers(g describe.GroupView) error {
	if len(g.Members) == 0 {
		fmt.Fprintln(p.w, p.st.paint(p.st.dim, "(no active members)"))
		return nil
	}
	wide := p.opts.Format == Wide
	headers := []string{"CONSUMER-ID", "CLIENT-ID", "HOST", "#PARTITIONS", "ASSIGNMENT"}
	if wide {
		headers = append(headers, "EPOCH", "SUBSCRIBED")
	}
	t := newTable(headers...).alignRight("#PARTITIONS", "EPOCH")
	var rows [][]string
	for _, m := range g.Members {
		row := []string{m.MemberID, orDash(m.ClientID), orDash(m.Host), fmt.Sprint(m.Partitions), CompactAssignment(m.Assignment)}
		if wide {
			row = append(row, num(m.MemberEpoch), orDash(strings.Join(m.SubscribedTopics, ",")))
		}
		rows = append(rows, row)
	}
	fitRows(headers, rows, p.fitWidth(), map[string]fitRule{"CONSUMER-ID": idRule, "CLIENT-ID": textRule})
	addRows(t, rows)
	if err := t.render(p.w, p.opts.NoHeaders); err != nil {
		return err
	}
	var shared []string
	for _, r := range g.Partitions {
		if len(r.MemberIDs) > 1 {
			shared = append(shared, fmt.Sprintf("%s/%d (%d members)", r.Topic, r.Partition, len(r.MemberIDs)))
		}
	}
	if len(shared) > 0 {
		fmt.Fprintln(p.w, p.st.paint(p.st.dim, "shared partitions, each member gets some of their records: "+strings.Join(shared, ", ")))
	}
	if n := g.Summary.IdleMembers; n > 0 {
		fmt.Fprintln(p.w, p.st.paint(p.st.warn, plural(n, "idle member")+" (no partitions assigned)"))
	}
	return nil
}

// shareStateLines are printed under the state table: what a share group
// has that the table's columns do not say.
func (p *Printer) shareStateLines(doc describe.Document) {
	for _, g := range doc.Groups {
		if !isShare(g) || g.State == nil {
			continue
		}
		parts := []string{"assignment epoch " + num(g.AssignmentEpoch)}
		for _, k := range describe.ShareConfigKeys {
			v, ok := g.ShareConfigs[k]
			switch {
			case g.ShareConfigs == nil:
				parts = append(parts, k+"=?")
			case !ok || v == nil:
				parts = append(parts, k+"=(broker default)")
			default:
				parts = append(parts, k+"="+*v)
			}
		}
		fmt.Fprintln(p.w, p.st.paint(p.st.dim, g.Group+" (share): "+strings.Join(parts, " · ")))
	}
}
