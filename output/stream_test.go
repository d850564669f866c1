package output

import (
	"bytes"
	"encoding/json"
	"testing"

	"charm.land/lipgloss/v2"
	"go.yaml.in/yaml/v3"

	"github.com/kgroups/kgroups/describe"
)

// The streamed document is byte for byte what encoding/json and yaml.v3
// write for the whole value, in every shape the lists can take.
func TestStreamedDocumentMatchesWholeEncoding(t *testing.T) {
	t.Parallel()
	full := describe.Build(fixture(), describe.ViewOptions{})
	docs := map[string]describe.Document{
		"full":          full,
		"no groups":     {SchemaVersion: 1, Isolation: "read_committed", Groups: []describe.GroupView{}, Warnings: []string{}},
		"nil lists":     {SchemaVersion: 1},
		"one, warnings": {SchemaVersion: 1, Isolation: "x<&>\"", Groups: full.Groups[:1], Warnings: []string{"broker 1: list groups failed", "b\nc"}},
	}
	whole := func(v any, compact bool) []byte {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if !compact {
			enc.SetIndent("", "  ")
		}
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	for name, doc := range docs {
		for _, compact := range []bool{false, true} {
			got := render(t, Options{Format: JSON, CompactJSON: compact}, func(p *Printer) error { return p.Describe(doc, ViewOffsets) })
			if want := whole(doc, compact); !bytes.Equal(got, want) {
				t.Errorf("%s (compact %v): streamed JSON differs\n got: %s\nwant: %s", name, compact, got, want)
			}
		}
		got := render(t, Options{Format: YAML}, func(p *Printer) error { return p.Describe(doc, ViewOffsets) })
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(doc); err != nil {
			t.Fatal(err)
		}
		enc.Close()
		if !bytes.Equal(got, buf.Bytes()) {
			t.Errorf("%s: streamed YAML differs\n got: %s\nwant: %s", name, got, buf.Bytes())
		}
	}
	list := describe.BuildList(fixture(), true, true)
	got := render(t, Options{Format: JSON, CompactJSON: true}, func(p *Printer) error { return p.List(list, true) })
	if want := whole(list, true); !bytes.Equal(got, want) {
		t.Errorf("list: streamed JSON differs\n got: %s\nwant: %s", got, want)
	}
}

// A painted cell is exactly what lipgloss renders for it.
func TestPaintMatchesLipgloss(t *testing.T) {
	t.Parallel()
	st := newStyles(true)
	for _, p := range []ink{st.good, st.warn, st.bad, st.dim, st.bold} {
		for _, text := range []string{"0", "Stable", "8,880", "lag 12 · by topic: a 1, b 2", "  spaced  ", "日本語…", "a\nb", "x\x1b[32my\x1b[m"} {
			if got, want := st.paint(p, text), p.style.Render(text); got != want {
				t.Errorf("paint(%q) = %q, lipgloss renders %q", text, got, want)
			}
		}
	}
}

// The fast width is lipgloss's for every kind of text.
func TestTextWidthMatchesLipgloss(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "orders", "a b", "x\ty", "日本語", "a…b", "\x1b[32mStable\x1b[m", "é", "e\u0301", "🙂", "👍🏽", "two\nlines"} {
		if got, want := textWidth(s), lipgloss.Width(s); got != want {
			t.Errorf("textWidth(%q) = %d, lipgloss.Width = %d", s, got, want)
		}
	}
}
