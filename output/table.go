package output

import (
	"io"

	"github.com/clipperhouse/displaywidth"
)

// table is a borderless, left-aligned table with numbers right-aligned:
// every column as wide as its widest cell, two spaces between columns,
// trailing spaces trimmed from every line.
//
// Rendering costs O(cells): one pass measures display widths (ANSI escapes
// count as zero, wide runes as two), one pass writes the lines through a
// single reused buffer.
type table struct {
	headers []string
	right   []bool // per column: right-align
	rows    [][]string
}

func newTable(headers ...string) *table {
	return &table{headers: headers, right: make([]bool, len(headers))}
}

// alignRight right-aligns the named columns (numbers).
func (t *table) alignRight(cols ...string) *table {
	for i, h := range t.headers {
		for _, c := range cols {
			if h == c {
				t.right[i] = true
			}
		}
	}
	return t
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// cellWidth ignores ANSI escape sequences, so a coloured cell lines up
// with a plain one.
var cellWidth = displaywidth.Options{ControlSequences: true}

// width is the display width of s; plain ASCII (almost every cell) is its
// length.
func width(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return cellWidth.String(s)
		}
	}
	return len(s)
}

// render writes the table; trailing spaces are trimmed from every line.
func (t *table) render(w io.Writer, noHeaders bool) error {
	cols := len(t.headers)
	for _, r := range t.rows {
		cols = max(cols, len(r))
	}
	widths := make([]int, cols)
	measure := func(r []string) {
		for j, c := range r {
			widths[j] = max(widths[j], width(c))
		}
	}
	if !noHeaders {
		measure(t.headers)
	}
	for _, r := range t.rows {
		measure(r)
	}
	var line []byte
	emit := func(r []string) error {
		line = line[:0]
		for j := 0; j < cols; j++ {
			cell := ""
			if j < len(r) {
				cell = r[j]
			}
			pad := widths[j] - width(cell)
			if j < len(t.right) && t.right[j] {
				line = appendSpaces(line, pad)
				line = append(line, cell...)
				line = append(line, ' ', ' ')
				continue
			}
			line = append(line, cell...)
			line = appendSpaces(line, pad+2)
			if hasEscape(cell) {
				// A reset after a styled left-aligned cell and its padding,
				// as the tables always had: no style bleeds into the next.
				line = append(line, "\x1b[0m"...)
			}
		}
		n := len(line)
		for n > 0 && line[n-1] == ' ' {
			n--
		}
		line = append(line[:n], '\n')
		_, err := w.Write(line)
		return err
	}
	if noHeaders && len(t.rows) == 0 {
		_, err := io.WriteString(w, "\n") // as the tables always did: one empty line
		return err
	}
	if !noHeaders {
		if err := emit(t.headers); err != nil {
			return err
		}
	}
	for _, r := range t.rows {
		if err := emit(r); err != nil {
			return err
		}
	}
	return nil
}

func hasEscape(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			return true
		}
	}
	return false
}

func appendSpaces(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, ' ')
	}
	return b
}
