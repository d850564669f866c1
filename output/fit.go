package output

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// MinWidth is the narrowest terminal kgroups fits its tables to; a
// narrower one is treated as this wide.
const MinWidth = 80

// colGap is the space between table columns (the renderer's right padding).
const colGap = 2

// fitWidth is the width to fit in, or 0 for "do not shorten anything":
// pipes, and -o wide (which is there for full values).
func (p *Printer) fitWidth() int {
	if p.opts.Width <= 0 || p.opts.Format != Table {
		return 0
	}
	return max(p.opts.Width, MinWidth)
}

// fitRule says how far a column may shrink and how its cells are shortened.
type fitRule struct {
	min   int
	short func(s string, w int) string
}

// shortenable columns: ids keep their start and end, text its start.
var (
	idRule   = fitRule{min: 12, short: cutMiddle}
	nameRule = fitRule{min: 14, short: cutEnd}
	textRule = fitRule{min: 10, short: cutEnd}
)

// cutEnd shortens s to w columns, ending in "…".
func cutEnd(s string, w int) string {
	if textWidth(s) <= w || strings.Contains(s, "\x1b") || w < 2 {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && textWidth(string(r))+1 > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// cutMiddle shortens s to w columns keeping its start and its end (ids
// differ in both), joined by "…".
func cutMiddle(s string, w int) string {
	if textWidth(s) <= w || strings.Contains(s, "\x1b") || w < 5 {
		return cutEnd(s, w)
	}
	r := []rune(s)
	tail := min(4, (w-1)/3)
	head := w - 1 - tail
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

// fitRows shortens cells of the columns with a rule until the table's rows
// fit width (header cells are never shortened, so a column never gets
// narrower than its header). It reports whether the rows now fit.
func fitRows(headers []string, rows [][]string, width int, rules map[string]fitRule) bool {
	if width <= 0 {
		return true
	}
	n := len(headers)
	widths := make([]int, n)
	measure := func(c int) {
		w := textWidth(headers[c])
		for _, r := range rows {
			if c < len(r) {
				w = max(w, textWidth(r[c]))
			}
		}
		widths[c] = w
	}
	total := func() int {
		t := colGap * (n - 1)
		for _, w := range widths {
			t += w
		}
		return t
	}
	for c := range headers {
		measure(c)
	}
	for total() > width {
		best, room := -1, 0
		for c, h := range headers {
			rule, ok := rules[h]
			if !ok {
				continue
			}
			floor := max(rule.min, textWidth(h))
			if widths[c]-floor > room {
				best, room = c, widths[c]-floor
			}
		}
		if best < 0 {
			return false
		}
		target := widths[best] - min(room, total()-width)
		for _, r := range rows {
			if best < len(r) && textWidth(r[best]) > target {
				r[best] = rules[headers[best]].short(r[best], target)
			}
		}
		before := widths[best]
		measure(best)
		if widths[best] >= before {
			return false // cells that cannot be shortened (colour codes)
		}
	}
	return true
}

// wrapWords breaks text at spaces into lines of at most width columns.
// Words longer than a line stay whole; width 0 keeps the text on one line.
func wrapWords(text string, width int) []string {
	if width <= 0 || textWidth(text) <= width {
		return []string{text}
	}
	var lines []string
	line := ""
	for _, word := range strings.Split(text, " ") {
		switch {
		case line == "":
			line = word
		case textWidth(line)+1+textWidth(word) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	return append(lines, line)
}

// writeWrapped prints a sentence fitted to the terminal: first line with
// lead, the rest indented under it; paint styles each line.
func (p *Printer) writeWrapped(lead, text string, paint func(string) string) {
	indent := strings.Repeat(" ", textWidth(lead))
	width := p.fitWidth()
	if width > 0 {
		width = max(20, width-textWidth(lead))
	}
	// Keep a " · " separator at the end of a line, never at the start of
	// the next: glue it to the word before it while wrapping.
	// Short parts ("3 members", "lag 8,880") stay on one line.
	parts := strings.Split(text, " · ")
	for i, part := range parts {
		if textWidth(part) <= 24 {
			parts[i] = strings.ReplaceAll(part, " ", "\u00a0")
		}
	}
	text = strings.Join(parts, "\u00a0· ")
	for i, l := range wrapWords(text, width) {
		l = strings.ReplaceAll(l, "\u00a0", " ")
		if i == 0 {
			p.println(lead + paint(l))
			continue
		}
		p.println(indent + paint(l))
	}
}

func (p *Printer) println(s string) { _, _ = p.w.Write([]byte(s + "\n")) }

func noPaint(s string) string { return s }

// addRows adds fitted rows to a table.
func addRows(t *table, rows [][]string) {
	for _, r := range rows {
		t.add(r...)
	}
}

// textWidth is lipgloss.Width with a fast path for plain printable ASCII
// (almost every cell), whose width is its length.
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return lipgloss.Width(s)
		}
	}
	return len(s)
}
