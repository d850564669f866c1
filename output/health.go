package output

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kgroups/kgroups/health"
)

// Status renders `kgroups status`: one line per group, then the partitions
// that are not OK (all of them with -o wide). On a terminal too narrow for
// the REASON column, the reasons follow each table as wrapped sentences.
func (p *Printer) Status(doc health.StatusDoc) error {
	if p.Structured() {
		return p.Data(doc)
	}
	var rows [][]string
	for _, g := range doc.Groups {
		rows = append(rows, []string{g.Group, p.statusText(g.Status), num(g.TotalLag), g.Reason})
	}
	if err := p.tableWithReasons([]string{"GROUP", "STATUS", "LAG", "REASON"}, []string{"LAG"}, rows); err != nil {
		return err
	}
	wide := p.opts.Format == Wide
	for _, g := range doc.Groups {
		var rows [][]string
		timeLag := false
		for _, ps := range g.Partitions {
			timeLag = timeLag || ps.TimeLagSeconds != nil
		}
		for _, ps := range g.Partitions {
			if !wide && (ps.Status == "OK" || ps.Status == "NOTFOUND") && ps.TimeLagSeconds == nil {
				continue
			}
			row := []string{fmt.Sprintf("%s/%d", ps.Topic, ps.Partition), p.statusText(ps.Status), num(ps.Lag)}
			if timeLag {
				row = append(row, seconds(ps.TimeLagSeconds, ps.TimeLagMethod))
			}
			rows = append(rows, append(row, ps.Reason))
		}
		if len(rows) == 0 {
			continue
		}
		fmt.Fprintf(p.w, "\n%s\n", p.st.paint(p.st.bold, "GROUP "+g.Group))
		headers := []string{"PARTITION", "STATUS", "LAG"}
		if timeLag {
			headers = append(headers, "TIME-LAG")
		}
		if err := p.tableWithReasons(append(headers, "REASON"), []string{"LAG", "TIME-LAG"}, rows); err != nil {
			return err
		}
	}
	return nil
}

// tableWithReasons renders rows whose last column is a sentence. When the
// table does not fit the terminal (first names shortened, down to their
// floor), the sentences leave the table and follow it, one per row,
// wrapped at words under the row's name.
func (p *Printer) tableWithReasons(headers, right []string, rows [][]string) error {
	width := p.fitWidth()
	last := len(headers) - 1
	moved := false
	if width > 0 && !fitRows(headers, rows, width, map[string]fitRule{headers[0]: nameRule}) {
		moved = true
		headers = headers[:last]
	}
	t := newTable(headers...).alignRight(right...)
	for _, r := range rows {
		if moved {
			t.add(r[:last]...)
			continue
		}
		t.add(r...)
	}
	if err := t.render(p.w, p.opts.NoHeaders); err != nil {
		return err
	}
	if moved {
		for _, r := range rows {
			p.writeWrapped("  "+r[0]+": ", r[last], noPaint)
		}
	}
	return nil
}

func (p *Printer) statusText(s string) string {
	switch s {
	case "OK":
		return p.st.paint(p.st.good, s)
	case "WARN":
		return p.st.paint(p.st.warn, s)
	case "NOTFOUND":
		return p.st.paint(p.st.dim, s)
	}
	return p.st.paint(p.st.bad, s)
}

func seconds(v *float64, method *string) string {
	if v == nil {
		return "-"
	}
	s := fmt.Sprintf("%.1fs", *v)
	if *v >= 60 {
		s = humanSeconds(*v)
	}
	if method != nil && *method != health.MethodRecord && *method != health.MethodCaughtUp {
		s += " (" + *method + ")"
	}
	if method != nil && *method == health.MethodLowerBound {
		s = "≥" + s
	}
	return s
}

// Watch renders one refresh of describe --watch. JSON is one compact line
// per refresh (NDJSON); YAML documents are separated by ---.
func (p *Printer) Watch(doc health.WatchDoc, clear bool) error {
	switch p.opts.Format {
	case JSON:
		b, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(p.w, "%s\n", b)
		return err
	case YAML:
		fmt.Fprintln(p.w, "---")
		return p.Data(doc)
	}
	if clear {
		fmt.Fprint(p.w, "\x1b[H\x1b[2J")
	}
	every := "first look"
	if doc.IntervalMs != nil {
		every = fmt.Sprintf("rates over %.1fs", float64(*doc.IntervalMs)/1000)
	}
	fmt.Fprintf(p.w, "%s · %s\n", doc.Time, every)
	for _, g := range doc.Groups {
		fmt.Fprintln(p.w)
		p.writeWrapped("", p.st.paint(p.st.bold, "GROUP "+g.Group)+" · "+p.trendText(g.Trend), noPaint)
		headers := []string{"TOPIC", "PARTITION", "LAG", "ΔLAG", "CONSUME/s", "PRODUCE/s", "ETA"}
		t := newTable(headers...).alignRight("PARTITION", "LAG", "ΔLAG", "CONSUME/s", "PRODUCE/s")
		var rows [][]string
		for _, wp := range g.Partitions {
			tr := wp.Trend
			rows = append(rows, []string{wp.Topic, fmt.Sprint(wp.Partition), num(tr.Lag), signed(tr.LagDelta), rate(tr.ConsumeRate), rate(tr.ProduceRate), p.eta(tr)})
		}
		fitRows(headers, rows, p.fitWidth(), map[string]fitRule{"TOPIC": nameRule})
		addRows(t, rows)
		if err := t.render(p.w, p.opts.NoHeaders); err != nil {
			return err
		}
		var ms []string
		for _, m := range g.Members {
			if m.Trend.Lag != nil {
				ms = append(ms, fmt.Sprintf("%s %s (%s)", orDash(m.ClientID), Thousands(*m.Trend.Lag), p.eta(m.Trend)))
			}
		}
		if len(ms) > 1 {
			p.writeWrapped("", "by member: "+strings.Join(ms, ", "), func(s string) string { return p.st.paint(p.st.dim, s) })
		}
	}
	return nil
}

func (p *Printer) trendText(tr health.Trend) string {
	parts := []string{"lag -"}
	if tr.Lag != nil {
		parts[0] = "lag " + Thousands(*tr.Lag)
	}
	if tr.LagDelta != nil {
		parts[0] += " (" + signed(tr.LagDelta) + ")"
		parts = append(parts, "consume "+rate(tr.ConsumeRate)+"/s", "produce "+rate(tr.ProduceRate)+"/s")
	}
	parts = append(parts, p.eta(tr))
	return strings.Join(parts, " · ")
}

func (p *Printer) eta(tr health.Trend) string {
	switch {
	case tr.FallingBehindBy != nil && *tr.FallingBehindBy == 0:
		return "lag steady"
	case tr.FallingBehindBy != nil:
		return p.st.paint(p.st.bad, fmt.Sprintf("falling behind at %s/s", rate(tr.FallingBehindBy)))
	case tr.ETASeconds != nil && *tr.ETASeconds == 0:
		return p.st.paint(p.st.good, "caught up")
	case tr.ETASeconds != nil:
		return fmt.Sprintf("caught up in %s", humanSeconds(*tr.ETASeconds))
	}
	return "-"
}

func signed(v *int64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%+d", *v)
}

func rate(v *float64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf("%.1f", *v)
}

func humanSeconds(s float64) string {
	switch {
	case s < 60:
		return fmt.Sprintf("%.0fs", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", int(s)/60, int(s)%60)
	}
	return fmt.Sprintf("%dh%02dm", int(s)/3600, (int(s)%3600)/60)
}
