// Package output renders view structs as table, wide, json or yaml. It
// decides how things look, never what is shown.
package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"go.yaml.in/yaml/v3"

	"github.com/kgroups/kgroups/internal/numfmt"
)

// Format is an -o value.
type Format string

// The closed list of output formats.
const (
	Table Format = "table"
	Wide  Format = "wide"
	JSON  Format = "json"
	YAML  Format = "yaml"
)

// Formats lists every -o value, for help and completion.
var Formats = []string{string(Table), string(Wide), string(JSON), string(YAML)}

// ParseFormat validates an -o value.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, f) {
			return Format(f), nil
		}
	}
	return "", fmt.Errorf("-o %q is not a format; use one of: %s", s, strings.Join(Formats, ", "))
}

// ColorModes lists every --color value.
var ColorModes = []string{"auto", "always", "never"}

// ResolveColor decides once whether to colour, in this order: an explicit
// --color always or never wins over the environment; with auto (the
// default), NO_COLOR set to a non-empty value turns colour off
// (no-color.org: an empty NO_COLOR is as if unset), then CLICOLOR_FORCE set
// to anything but "" or "0" turns it on, otherwise colour only when stdout
// is a terminal.
func ResolveColor(mode string, stdoutTTY bool, getenv func(string) string) (bool, error) {
	switch strings.ToLower(mode) {
	case "never":
		return false, nil
	case "always":
		return true, nil
	case "auto", "":
		if getenv("NO_COLOR") != "" {
			return false, nil
		}
		if f := getenv("CLICOLOR_FORCE"); f != "" && f != "0" {
			return true, nil
		}
		return stdoutTTY, nil
	}
	return false, fmt.Errorf("--color %q is not valid; use one of: %s", mode, strings.Join(ColorModes, ", "))
}

// Options are the rendering choices of one invocation.
type Options struct {
	Format    Format
	NoHeaders bool
	Color     bool
	// Width is the terminal's width in columns; tables and the lines under
	// them fit it (at least MinWidth) in the table format. 0: not a
	// terminal, full values, nothing shortened.
	Width int
	// CompactJSON writes JSON without indentation (kgroups does when stdout
	// is not a terminal); the keys and values are the same.
	CompactJSON bool
}

// Printer renders documents to one writer.
type Printer struct {
	w    io.Writer
	opts Options
	st   styles
}

// New returns a printer writing to w.
func New(w io.Writer, opts Options) *Printer {
	if opts.Format == "" {
		opts.Format = Table
	}
	return &Printer{w: w, opts: opts, st: newStyles(opts.Color)}
}

// Structured reports whether the format is json or yaml.
func (p *Printer) Structured() bool { return p.opts.Format == JSON || p.opts.Format == YAML }

// Data writes v as one JSON or YAML document.
func (p *Printer) Data(v any) error {
	switch p.opts.Format {
	case JSON:
		enc := json.NewEncoder(p.w)
		if !p.opts.CompactJSON {
			enc.SetIndent("", "  ")
		}
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	case YAML:
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(v); err != nil {
			return err
		}
		if err := enc.Close(); err != nil {
			return err
		}
		_, err := p.w.Write(buf.Bytes())
		return err
	}
	return fmt.Errorf("format %s is not structured", p.opts.Format)
}

// styles are decided once per invocation; with colour off they are no-ops.
// Each style's escape sequences are rendered once, so painting a cell is a
// concatenation, not a lipgloss render.
type styles struct {
	on                         bool
	good, warn, bad, dim, bold ink
}

// ink is a style as the escape sequences around a line of text.
type ink struct {
	style    lipgloss.Style
	pre, suf string
}

func newInk(st lipgloss.Style) ink {
	const probe = "x"
	r := st.Render(probe)
	i := strings.Index(r, probe)
	return ink{style: st, pre: r[:i], suf: r[i+len(probe):]}
}

func newStyles(color bool) styles {
	// ANSI 16-colour codes read on light and dark backgrounds alike.
	return styles{
		on:   color,
		good: newInk(lipgloss.NewStyle().Foreground(lipgloss.Color("2"))),
		warn: newInk(lipgloss.NewStyle().Foreground(lipgloss.Color("3"))),
		bad:  newInk(lipgloss.NewStyle().Foreground(lipgloss.Color("1")).Bold(true)),
		dim:  newInk(lipgloss.NewStyle().Faint(true)),
		bold: newInk(lipgloss.NewStyle().Bold(true)),
	}
}

func (s styles) paint(st ink, text string) string {
	if !s.on || text == "" {
		return text
	}
	if strings.ContainsAny(text, "\n\t\x1b") {
		return st.style.Render(text) // lipgloss handles lines and nesting
	}
	return st.pre + text + st.suf
}

// state colours a group state: Stable good, rebalancing warn, Dead bad.
func (s styles) state(state string) string {
	switch strings.ToLower(state) {
	case "stable":
		return s.paint(s.good, state)
	case "preparingrebalance", "completingrebalance", "assigning", "reconciling":
		return s.paint(s.warn, state)
	case "dead", "unknown":
		return s.paint(s.bad, state)
	}
	return state
}

// lag colours a lag cell: zero good, positive warn, flagged bad.
func (s styles) lag(text string, lag *int64, flagged bool) string {
	switch {
	case flagged:
		return s.paint(s.bad, text)
	case lag == nil:
		return text
	case *lag == 0:
		return s.paint(s.good, text)
	}
	return s.paint(s.warn, text)
}

// Dash renders nil as "-".
func num[T int | int32 | int64](v *T) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatInt(int64(*v), 10)
}

func str(v *string) string {
	if v == nil || *v == "" {
		return "-"
	}
	return *v
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// CompactAssignment renders {"orders": [0,1,2,3,7]} as "orders:0-3,7",
// topics sorted, separated by spaces.
func CompactAssignment(a map[string][]int32) string {
	topics := make([]string, 0, len(a))
	for t, ps := range a {
		if len(ps) > 0 {
			topics = append(topics, t)
		}
	}
	sort.Strings(topics)
	parts := make([]string, 0, len(topics))
	for _, t := range topics {
		parts = append(parts, t+":"+CompactRanges(a[t]))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, " ")
}

// CompactRanges renders sorted-or-not partitions as "0-3,7".
func CompactRanges(ps []int32) string {
	s := append([]int32(nil), ps...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j+1 < len(s) && s[j+1] == s[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(s[i])))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(int(s[j])))
		}
		i = j + 1
	}
	return b.String()
}

// shortID keeps a long member id recognisable in 80 columns: its start and
// its last four characters.
func shortID(id string) string {
	const max = 20
	if len(id) <= max { // at most max bytes: at most max runes
		return id
	}
	r := []rune(id)
	if len(r) <= max {
		return id
	}
	return string(r[:max-5]) + "…" + string(r[len(r)-4:])
}

// Thousands formats 1234567 as "1,234,567" for prose lines.
func Thousands(v int64) string { return numfmt.Thousands(v) }
