package output

import (
	"bytes"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// table is a borderless, left-aligned table with numbers right-aligned.
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

// render writes the table; trailing spaces are trimmed from every line.
func (t *table) render(w io.Writer, noHeaders bool) error {
	var buf bytes.Buffer
	aligns := make([]tw.Align, len(t.headers))
	for i, r := range t.right {
		aligns[i] = tw.AlignLeft
		if r {
			aligns[i] = tw.AlignRight
		}
	}
	headerAligns := make([]tw.Align, len(t.headers))
	copy(headerAligns, aligns)
	tbl := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders:  tw.BorderNone,
			Symbols:  tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{Lines: tw.LinesNone, Separators: tw.SeparatorsNone},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: headerAligns}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: aligns}),
		tablewriter.WithPadding(tw.Padding{Left: "", Right: "  ", Overwrite: true}),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
	)
	if !noHeaders {
		hs := make([]any, len(t.headers))
		for i, h := range t.headers {
			hs[i] = h
		}
		tbl.Header(hs...)
	}
	for _, r := range t.rows {
		if err := tbl.Append(r); err != nil {
			return err
		}
	}
	if err := tbl.Render(); err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
		if _, err := io.WriteString(w, strings.TrimRight(line, " ")+"\n"); err != nil {
			return err
		}
	}
	return nil
}
