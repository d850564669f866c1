package output

import (
	"fmt"
	"strings"

	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/explain"
)

// Explain renders explain findings as a report.
func (p *Printer) Explain(rep explain.Report) error {
	if p.Structured() {
		return p.Data(rep)
	}
	if rep.Group != nil {
		if rep.GroupType != nil && (*rep.GroupType == describe.TypeShare || !describe.Readable(*rep.GroupType)) {
			// no client settings are judged for these
			fmt.Fprintf(p.w, "%s (%s group)\n\n", p.st.paint(p.st.bold, "GROUP "+*rep.Group), *rep.GroupType)
		} else {
			fmt.Fprintf(p.w, "%s (%s client)\n\n", p.st.paint(p.st.bold, "GROUP "+*rep.Group), rep.Client)
		}
	}
	if len(rep.Findings) == 0 {
		fmt.Fprintln(p.w, p.st.paint(p.st.good, "No problems found."))
		return nil
	}
	for i, f := range rep.Findings {
		if i > 0 {
			fmt.Fprintln(p.w)
		}
		sev := strings.ToUpper(f.Severity)
		switch f.Severity {
		case explain.Error:
			sev = p.st.paint(p.st.bad, sev)
		case explain.Warn:
			sev = p.st.paint(p.st.warn, sev)
		default:
			sev = p.st.paint(p.st.dim, sev)
		}
		fmt.Fprintf(p.w, "%s %s  %s\n", padRight(sev, 5, len(f.Severity)), p.st.paint(p.st.bold, f.Title), p.st.paint(p.st.dim, "["+f.ID+"]"))
		for _, line := range wrap(f.Detail, 74) {
			fmt.Fprintln(p.w, "      "+line)
		}
		for i, line := range wrap("fix: "+f.Fix, 74) {
			if i == 0 {
				line = p.st.paint(p.st.good, "fix:") + strings.TrimPrefix(line, "fix:")
			}
			fmt.Fprintln(p.w, "      "+line)
		}
	}
	counts := map[string]int{}
	for _, f := range rep.Findings {
		counts[f.Severity]++
	}
	fmt.Fprintf(p.w, "\n%d error(s), %d warning(s), %d note(s)\n", counts[explain.Error], counts[explain.Warn], counts[explain.Info])
	return nil
}

// ExplainKey renders the documentation of one consumer setting.
func (p *Printer) ExplainKey(doc explain.KeyDoc) error {
	if p.Structured() {
		return p.Data(doc)
	}
	fmt.Fprintln(p.w, p.st.paint(p.st.bold, doc.Key))
	for _, line := range wrap(doc.Doc, 76) {
		fmt.Fprintln(p.w, "  "+line)
	}
	fmt.Fprintln(p.w)
	t := newTable("CLIENT", "DEFAULT", "ACCEPTED", "NAME THERE")
	for _, d := range doc.Defaults {
		def := "(no such setting)"
		switch {
		case d.Default != nil:
			def = *d.Default
		case d.Name != nil:
			def = "-"
		}
		t.add(d.Client, def, str(d.Accepted), str(d.Name))
	}
	if err := t.render(p.w, p.opts.NoHeaders); err != nil {
		return err
	}
	if len(doc.Related) > 0 {
		fmt.Fprintln(p.w, "\nInteracts with: "+strings.Join(doc.Related, ", "))
	}
	fmt.Fprintln(p.w, p.st.paint(p.st.dim, "\nSources: "+sources(doc)))
	return nil
}

func sources(doc explain.KeyDoc) string {
	var parts []string
	for _, d := range doc.Defaults {
		parts = append(parts, d.Client+": "+d.Source)
	}
	return strings.Join(parts, "; ")
}

// padRight pads a possibly styled string of visible width w to n columns.
func padRight(s string, n, w int) string {
	if w >= n {
		return s
	}
	return s + strings.Repeat(" ", n-w)
}

// wrap breaks text into lines of at most width runes, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, word := range strings.Fields(text) {
		if cur.Len() > 0 && len([]rune(cur.String()))+1+len([]rune(word)) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(word)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}
