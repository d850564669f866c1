package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"go.yaml.in/yaml/v3"
)

// Streaming: a document with one long list (groups) is written element by
// element through one buffered writer, so the encoded document is never
// held whole. The bytes are those encoding/json (or yaml.v3) would write
// for the whole value: indented JSON unless Options.CompactJSON.

// docField is one top-level key of a streamed document: a plain value, or
// (n, elem) a list written one element at a time.
type docField struct {
	key  string
	val  any
	list bool
	n    int
	elem func(i int) any
}

func value(key string, v any) docField { return docField{key: key, val: v} }

// list streams n elements; val is the whole slice, used only when it is nil
// or empty (so null and [] come out as encoding/json writes them).
func list(key string, val any, n int, elem func(int) any) docField {
	return docField{key: key, val: val, list: true, n: n, elem: elem}
}

// buffered runs fn with p.w behind one buffered writer, flushed at the end.
func (p *Printer) buffered(fn func() error) error {
	if _, ok := p.w.(*bufio.Writer); ok {
		return fn()
	}
	orig := p.w
	bw := bufio.NewWriterSize(orig, 64<<10)
	p.w = bw
	defer func() { p.w = orig }()
	err := fn()
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

// flush pushes what is buffered so far to the terminal or pipe (tables,
// once per group).
func (p *Printer) flush() error {
	if bw, ok := p.w.(*bufio.Writer); ok {
		return bw.Flush()
	}
	return nil
}

// stream writes fields as one JSON or YAML document.
func (p *Printer) stream(fields []docField) error {
	return p.buffered(func() error {
		if p.opts.Format == YAML {
			return p.streamYAML(fields)
		}
		return p.streamJSON(fields)
	})
}

// jsonEncoder encodes values one at a time into a reused buffer, with the
// indentation they have at their depth in the document.
type jsonEncoder struct {
	buf bytes.Buffer
	enc *json.Encoder
}

func newJSONEncoder(indent bool, prefix string) *jsonEncoder {
	e := &jsonEncoder{}
	e.enc = json.NewEncoder(&e.buf)
	e.enc.SetEscapeHTML(false)
	if indent {
		e.enc.SetIndent(prefix, "  ")
	}
	return e
}

// encode returns v's encoding without the encoder's trailing newline; the
// bytes are valid until the next call.
func (e *jsonEncoder) encode(v any) ([]byte, error) {
	e.buf.Reset()
	if err := e.enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")), nil
}

func (p *Printer) streamJSON(fields []docField) error {
	w := p.w
	indent := !p.opts.CompactJSON
	top := newJSONEncoder(indent, "  ")
	var inner *jsonEncoder
	nl, pad, pad2, colon := "", "", "", ":"
	if indent {
		nl, pad, pad2, colon = "\n", "  ", "    ", ": "
	}
	if len(fields) == 0 {
		_, err := io.WriteString(w, "{}\n")
		return err
	}
	io.WriteString(w, "{"+nl)
	for i, f := range fields {
		key, err := top.encode(f.key)
		if err != nil {
			return err
		}
		io.WriteString(w, pad)
		w.Write(key)
		io.WriteString(w, colon)
		if !f.list || f.n == 0 {
			b, err := top.encode(f.val)
			if err != nil {
				return err
			}
			w.Write(b)
		} else {
			if inner == nil {
				inner = newJSONEncoder(indent, pad2)
			}
			io.WriteString(w, "["+nl)
			for j := 0; j < f.n; j++ {
				b, err := inner.encode(f.elem(j))
				if err != nil {
					return err
				}
				io.WriteString(w, pad2)
				w.Write(b)
				if j < f.n-1 {
					io.WriteString(w, ",")
				}
				if _, err := io.WriteString(w, nl); err != nil {
					return err
				}
			}
			io.WriteString(w, pad+"]")
		}
		if i < len(fields)-1 {
			io.WriteString(w, ",")
		}
		io.WriteString(w, nl)
	}
	_, err := io.WriteString(w, "}\n")
	return err
}

// streamYAML writes the block-style document yaml.v3 writes with an indent
// of 2: each list element is encoded as a one-element sequence and shifted
// under its key.
func (p *Printer) streamYAML(fields []docField) error {
	var buf bytes.Buffer
	encode := func(v any) ([]byte, error) {
		buf.Reset()
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
		if err := enc.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	for _, f := range fields {
		if !f.list || f.n == 0 {
			b, err := encode(map[string]any{f.key: f.val})
			if err != nil {
				return err
			}
			if _, err := p.w.Write(b); err != nil {
				return err
			}
			continue
		}
		io.WriteString(p.w, f.key+":\n")
		for j := 0; j < f.n; j++ {
			b, err := encode([]any{f.elem(j)})
			if err != nil {
				return err
			}
			for len(b) > 0 {
				line := b
				if k := bytes.IndexByte(b, '\n'); k >= 0 {
					line, b = b[:k+1], b[k+1:]
				} else {
					b = nil
				}
				if len(line) > 1 {
					io.WriteString(p.w, "  ")
				}
				if _, err := p.w.Write(line); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
