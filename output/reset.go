package output

import (
	"fmt"
	"strings"

	"github.com/kgroups/kgroups/resetoffsets"
)

// ResetPlan renders a reset plan (dry run).
func (p *Printer) ResetPlan(plan resetoffsets.Plan) error {
	if p.Structured() {
		return p.Data(plan)
	}
	p.clusterLine(plan.Cluster)
	t := newTable("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "NEW-OFFSET", "LOG-START", "LOG-END", "NOTE").
		alignRight("PARTITION", "CURRENT-OFFSET", "NEW-OFFSET", "LOG-START", "LOG-END")
	for _, r := range plan.Rows {
		newOff := fmt.Sprint(r.NewOffset)
		if r.CurrentOffset == nil || *r.CurrentOffset != r.NewOffset {
			newOff = p.st.paint(p.st.bold, newOff)
		}
		note := str(r.Note)
		if r.Note != nil {
			note = p.st.paint(p.st.warn, note)
		}
		t.add(r.Group, r.Topic, fmt.Sprint(r.Partition), num(r.CurrentOffset), newOff, num(r.LogStartOffset), num(r.LogEndOffset), note)
	}
	return t.render(p.w, p.opts.NoHeaders)
}

// ResetResult renders what --execute did.
func (p *Printer) ResetResult(res resetoffsets.Result) error {
	if p.Structured() {
		return p.Data(res)
	}
	p.clusterLine(res.Cluster)
	t := newTable("GROUP", "TOPIC", "PARTITION", "PRIOR-OFFSET", "NEW-OFFSET", "STATUS").
		alignRight("PARTITION", "PRIOR-OFFSET", "NEW-OFFSET")
	for _, r := range res.Rows {
		status := p.st.paint(p.st.good, r.Status)
		if r.Error != nil {
			status = p.st.paint(p.st.bad, r.Status+": "+*r.Error)
		}
		t.add(r.Group, r.Topic, fmt.Sprint(r.Partition), num(r.PriorOffset), fmt.Sprint(r.NewOffset), status)
	}
	return t.render(p.w, p.opts.NoHeaders)
}

// Delete renders a delete / delete-offsets plan or result.
func (p *Printer) Delete(doc resetoffsets.DeleteDoc) error {
	if p.Structured() {
		return p.Data(doc)
	}
	p.clusterLine(doc.Cluster)
	perPartition := doc.Kind == resetoffsets.DeleteOffsetsKind
	var t *table
	if perPartition {
		t = newTable("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "STATUS").alignRight("PARTITION", "CURRENT-OFFSET")
	} else {
		t = newTable("GROUP", "STATE", "MEMBERS", "STATUS").alignRight("MEMBERS")
	}
	for _, r := range doc.Rows {
		status := r.Status
		switch {
		case r.Error != nil && r.Status == "failed":
			status = p.st.paint(p.st.bad, r.Status+": "+*r.Error)
		case r.Error != nil:
			status = p.st.paint(p.st.warn, r.Status+": "+*r.Error)
		case doc.Executed:
			status = p.st.paint(p.st.good, status)
		}
		if perPartition {
			t.add(r.Group, *r.Topic, fmt.Sprint(*r.Partition), num(r.CurrentOffset), status)
		} else {
			t.add(r.Group, p.st.state(r.State), fmt.Sprint(r.Members), status)
		}
	}
	return t.render(p.w, p.opts.NoHeaders)
}

// clusterLine heads a write's plan and result with the cluster it goes to
// (not with --no-headers, which scripts parse).
func (p *Printer) clusterLine(c *resetoffsets.ClusterRef) {
	if c == nil || p.opts.NoHeaders {
		return
	}
	id := "-"
	if c.ID != nil {
		id = *c.ID
	}
	parts := []string{p.st.paint(p.st.bold, "CLUSTER "+id)}
	if c.Context != nil {
		parts = append(parts, "context "+*c.Context)
	}
	parts = append(parts, strings.Join(c.Bootstrap, ","))
	fmt.Fprintln(p.w, strings.Join(parts, " · "))
}
