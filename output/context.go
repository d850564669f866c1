package output

import (
	"fmt"
	"strings"
	"time"

	"github.com/kgroups/kgroups/cluster"
)

// Contexts renders `kgroups context list`.
func (p *Printer) Contexts(doc cluster.ContextsDoc) error {
	if p.Structured() {
		return p.Data(doc)
	}
	t := newTable("CURRENT", "NAME", "BROKERS", "TIMEOUT", "OUTPUT")
	for _, c := range doc.Contexts {
		cur := ""
		if c.Current {
			cur = "*"
		}
		brokers := strings.Join(c.Brokers, ",")
		if brokers == "" {
			brokers = "-"
			if c.CommandConfig != nil {
				brokers = "(in " + *c.CommandConfig + ")"
			}
		}
		t.add(cur, c.Name, brokers, msText(c.TimeoutMs), str(c.Output))
	}
	return t.render(p.w, p.opts.NoHeaders)
}

// ContextShow renders `kgroups context show`: one field per line.
func (p *Printer) ContextShow(c cluster.ContextView) error {
	if p.Structured() {
		return p.Data(c)
	}
	brokers := strings.Join(c.Brokers, ",")
	if brokers == "" {
		brokers = "-"
	}
	fmt.Fprintf(p.w, "name:            %s\n", c.Name)
	fmt.Fprintf(p.w, "current:         %t\n", c.Current)
	fmt.Fprintf(p.w, "brokers:         %s\n", brokers)
	fmt.Fprintf(p.w, "command-config:  %s\n", str(c.CommandConfig))
	fmt.Fprintf(p.w, "timeout:         %s\n", msText(c.TimeoutMs))
	fmt.Fprintf(p.w, "output:          %s\n", str(c.Output))
	if len(c.Properties) == 0 {
		fmt.Fprintf(p.w, "properties:      -\n")
		return nil
	}
	fmt.Fprintf(p.w, "properties:\n")
	for _, kv := range c.Properties {
		fmt.Fprintf(p.w, "  %s=%s\n", kv.Key, kv.Value)
	}
	return nil
}

func msText(ms *int64) string {
	if ms == nil {
		return "-"
	}
	return (time.Duration(*ms) * time.Millisecond).String()
}

// ClusterHeading starts one cluster's section of a read across several
// contexts: the context, its brokers, and its error if it could not be read.
func (p *Printer) ClusterHeading(gap bool, context string, brokers []string, err error) error {
	if gap {
		fmt.Fprintln(p.w)
	}
	line := p.st.paint(p.st.bold, "CONTEXT "+context) + " · " + strings.Join(brokers, ",")
	if err != nil {
		line += " · " + p.st.paint(p.st.bad, "error: "+err.Error())
	}
	_, werr := fmt.Fprintln(p.w, line)
	return werr
}

// Note is one dim line inside a section (e.g. no groups matched).
func (p *Printer) Note(s string) error {
	_, err := fmt.Fprintln(p.w, p.st.paint(p.st.dim, s))
	return err
}
