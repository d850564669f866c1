package resetoffsets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/kgroups/kgroups/internal/suggest"
)

// The keys of a plan document and of each of its rows. A plan is decoded
// strictly: a key not listed here, a key given twice, a missing required
// key, a value of the wrong type or anything after the document is an
// error naming the file, the row and the key — never a silent zero.
var (
	planKeys     = []string{"schema_version", "kind", "target", "created_at", "cluster", "rows"}
	clusterKeys  = []string{"id", "context", "bootstrap"}
	planRequired = []string{"schema_version", "kind", "rows"}
	rowKeys      = []string{"group", "topic", "partition", "current_offset", "new_offset", "log_start_offset", "log_end_offset", "note"}
	rowRequired  = []string{"group", "topic", "partition", "new_offset"}
)

// strictPlan decodes one plan document from a token stream.
type strictPlan struct {
	name  string
	why   string
	src   []byte // for line numbers; nil when lines do not mean anything (YAML)
	dec   *json.Decoder
	file  *PlanFile
	kind  string
	schem *int64
}

func parseJSONPlan(name string, b []byte, why string) (*PlanFile, error) {
	return decodeStrict(name, b, why, b)
}

func decodeStrict(name string, b []byte, why string, src []byte) (*PlanFile, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	sp := &strictPlan{name: name, why: why, src: src, dec: d, file: &PlanFile{Path: name, Format: "json"}}
	if err := sp.document(); err != nil {
		return nil, err
	}
	return sp.file, nil
}

// at is "file:line" (JSON) or "file" (YAML), for messages.
func (sp *strictPlan) at() string {
	if sp.src == nil {
		return sp.name
	}
	off := int(sp.dec.InputOffset())
	return fmt.Sprintf("%s:%d", sp.name, 1+bytes.Count(sp.src[:min(off, len(sp.src))], []byte("\n")))
}

func (sp *strictPlan) errorf(format string, args ...any) error {
	return inputErrorf("%s: %s (%s)", sp.at(), fmt.Sprintf(format, args...), sp.why)
}

func (sp *strictPlan) syntax(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) && sp.src != nil {
		line := 1 + bytes.Count(sp.src[:min(int(se.Offset), len(sp.src))], []byte("\n"))
		return inputErrorf("%s:%d: not valid JSON: %v (%s)", sp.name, line, se, sp.why)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return sp.errorf("the document ends too early")
	}
	return sp.errorf("not valid JSON: %v", err)
}

func (sp *strictPlan) document() error {
	tok, err := sp.dec.Token()
	if err != nil {
		return sp.syntax(err)
	}
	if tok != json.Delim('{') {
		what := "a JSON value"
		if tok == json.Delim('[') {
			what = "a JSON array"
		}
		return sp.errorf("%s, not a kgroups plan: a plan is one object {\"schema_version\": 1, \"kind\": %q, \"rows\": [...]} as --export plan.json writes it", what, PlanKind)
	}
	seen := map[string]bool{}
	for sp.dec.More() {
		key, err := sp.key(seen, planKeys, "")
		if err != nil {
			return err
		}
		switch key {
		case "schema_version":
			n, err := sp.integer(key, "", false)
			if err != nil {
				return err
			}
			sp.schem = n
		case "kind":
			s, err := sp.str(key, "", false)
			if err != nil {
				return err
			}
			sp.kind = *s
		case "target":
			s, err := sp.str(key, "", true)
			if err != nil {
				return err
			}
			if s != nil {
				sp.file.Target = *s
			}
		case "created_at":
			if _, err := sp.str(key, "", true); err != nil {
				return err
			}
		case "cluster":
			c, err := sp.cluster()
			if err != nil {
				return err
			}
			sp.file.Cluster = c
		case "rows":
			if err := sp.rows(); err != nil {
				return err
			}
		}
	}
	if _, err := sp.dec.Token(); err != nil { // the closing '}'
		return sp.syntax(err)
	}
	if _, err := sp.dec.Token(); err != io.EOF {
		return sp.errorf("more data after the plan object; a plan file holds exactly one plan")
	}
	for _, k := range planRequired {
		if !seen[k] {
			return inputErrorf("%s: the plan has no %q (%s)", sp.name, k, sp.why)
		}
	}
	if sp.kind != PlanKind {
		return inputErrorf("%s: \"kind\" is %q, want %q (a file written by 'kgroups reset-offsets --export plan.json') (%s)", sp.name, sp.kind, PlanKind, sp.why)
	}
	if *sp.schem != 1 {
		return inputErrorf("%s: schema_version %d is not supported (this kgroups reads 1) (%s)", sp.name, *sp.schem, sp.why)
	}
	if len(sp.file.Rows) == 0 {
		return inputErrorf("%s: the plan has no rows (%s)", sp.name, sp.why)
	}
	return nil
}

// key reads an object key, refusing unknown and repeated ones.
func (sp *strictPlan) key(seen map[string]bool, known []string, where string) (string, error) {
	tok, err := sp.dec.Token()
	if err != nil {
		return "", sp.syntax(err)
	}
	key, _ := tok.(string)
	if seen[key] {
		return "", sp.errorf("%s%q is given twice", where, key)
	}
	seen[key] = true
	for _, k := range known {
		if k == key {
			return key, nil
		}
	}
	hint := ""
	if near := suggest.Closest(key, known, 3); near != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", near)
	}
	return "", sp.errorf("%s%q is not a plan key%s; keys: %s", where, key, hint, strings.Join(known, ", "))
}

func (sp *strictPlan) value() (json.RawMessage, error) {
	var raw json.RawMessage
	if err := sp.dec.Decode(&raw); err != nil {
		return nil, sp.syntax(err)
	}
	return raw, nil
}

// integer reads a whole number (or null when nullable).
func (sp *strictPlan) integer(key, where string, nullable bool) (*int64, error) {
	raw, err := sp.value()
	if err != nil {
		return nil, err
	}
	s := string(raw)
	if s == "null" {
		if nullable {
			return nil, nil
		}
		return nil, sp.errorf("%s%q is null; want a whole number", where, key)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil, sp.errorf("%s%q is %s; want a whole number", where, key, s)
	}
	return &n, nil
}

// str reads a string (or null when nullable).
func (sp *strictPlan) str(key, where string, nullable bool) (*string, error) {
	raw, err := sp.value()
	if err != nil {
		return nil, err
	}
	if string(raw) == "null" {
		if nullable {
			return nil, nil
		}
		return nil, sp.errorf("%s%q is null; want a string", where, key)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, sp.errorf("%s%q is %s; want a string", where, key, raw)
	}
	return &s, nil
}

// cluster reads the "cluster" object (or null): id, context, bootstrap.
func (sp *strictPlan) cluster() (*ClusterRef, error) {
	raw, err := sp.value()
	if err != nil {
		return nil, err
	}
	if string(raw) == "null" {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, sp.errorf("\"cluster\" is %s; want an object with %s", raw, strings.Join(clusterKeys, ", "))
	}
	c := &ClusterRef{}
	for k, v := range m {
		switch k {
		case "id", "context":
			var s *string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, sp.errorf("cluster: %q is %s; want a string or null", k, v)
			}
			if k == "id" {
				c.ID = s
			} else {
				c.Context = s
			}
		case "bootstrap":
			if err := json.Unmarshal(v, &c.Bootstrap); err != nil {
				return nil, sp.errorf("cluster: \"bootstrap\" is %s; want a list of host:port strings", v)
			}
		default:
			hint := ""
			if near := suggest.Closest(k, clusterKeys, 3); near != "" {
				hint = fmt.Sprintf(" (did you mean %q?)", near)
			}
			return nil, sp.errorf("cluster: %q is not a key%s; keys: %s", k, hint, strings.Join(clusterKeys, ", "))
		}
	}
	return c, nil
}

func (sp *strictPlan) rows() error {
	tok, err := sp.dec.Token()
	if err != nil {
		return sp.syntax(err)
	}
	if tok != json.Delim('[') {
		return sp.errorf("\"rows\" is not a list of rows")
	}
	seenTP := map[string]int{}
	for i := 0; sp.dec.More(); i++ {
		where := fmt.Sprintf("rows[%d]: ", i)
		tok, err := sp.dec.Token()
		if err != nil {
			return sp.syntax(err)
		}
		if tok != json.Delim('{') {
			return sp.errorf("%snot an object", where)
		}
		seen := map[string]bool{}
		var r FileRow
		r.Line = i + 1
		for sp.dec.More() {
			key, err := sp.key(seen, rowKeys, where)
			if err != nil {
				return err
			}
			switch key {
			case "group", "topic":
				s, err := sp.str(key, where, false)
				if err != nil {
					return err
				}
				if key == "group" {
					r.Group = *s
				} else {
					r.Topic = *s
				}
			case "partition":
				n, err := sp.integer(key, where, false)
				if err != nil {
					return err
				}
				if *n < 0 || *n > 1<<31-1 {
					return sp.errorf("%spartition %d is not a partition number (0 or more)", where, *n)
				}
				r.Partition = int32(*n)
			case "new_offset":
				n, err := sp.integer(key, where, false)
				if err != nil {
					return err
				}
				if *n < 0 {
					return sp.errorf("%snew_offset %d is negative", where, *n)
				}
				r.Offset = *n
			case "current_offset":
				n, err := sp.integer(key, where, true)
				if err != nil {
					return err
				}
				if n != nil && *n < 0 {
					return sp.errorf("%scurrent_offset %d is negative", where, *n)
				}
				r.Current = n
			case "log_start_offset", "log_end_offset":
				if _, err := sp.integer(key, where, true); err != nil {
					return err
				}
			case "note":
				if _, err := sp.str(key, where, true); err != nil {
					return err
				}
			}
		}
		if _, err := sp.dec.Token(); err != nil { // the row's '}'
			return sp.syntax(err)
		}
		for _, k := range rowRequired {
			if !seen[k] {
				return sp.errorf("%sno %q: every row needs %s", where, k, strings.Join(rowRequired, ", "))
			}
		}
		switch {
		case r.Group == "":
			return sp.errorf("%sempty group", where)
		case r.Topic == "":
			return sp.errorf("%sempty topic", where)
		case checkTopic(r.Topic) != nil:
			return sp.errorf("%s%v", where, checkTopic(r.Topic))
		}
		k := r.Group + "\x00" + r.Topic + "\x00" + strconv.Itoa(int(r.Partition))
		if prev, dup := seenTP[k]; dup {
			return sp.errorf("%s%s %s/%d is already rows[%d]", where, r.Group, r.Topic, r.Partition, prev)
		}
		seenTP[k] = i
		sp.file.Rows = append(sp.file.Rows, r)
	}
	if _, err := sp.dec.Token(); err != nil { // ']'
		return sp.syntax(err)
	}
	return nil
}

// parseYAMLPlan reads the plan as -o yaml prints it. YAML is decoded into
// plain values (yaml.v3 refuses repeated keys, with their line) and then
// checked by the same strict rules as JSON.
func parseYAMLPlan(name string, b []byte, why string) (*PlanFile, error) {
	d := yaml.NewDecoder(bytes.NewReader(b))
	var doc any
	if err := d.Decode(&doc); err != nil {
		return nil, inputErrorf("%s: not valid YAML: %v (%s)", name, strings.TrimPrefix(err.Error(), "yaml: "), why)
	}
	var extra any
	if err := d.Decode(&extra); err != io.EOF {
		return nil, inputErrorf("%s: more than one YAML document; a plan file holds exactly one plan (%s)", name, why)
	}
	if _, ok := doc.(map[string]any); !ok {
		return nil, inputErrorf("%s: not a kgroups plan: a plan is one mapping with schema_version, kind and rows (%s)", name, why)
	}
	j, err := json.Marshal(doc)
	if err != nil {
		return nil, inputErrorf("%s: not a kgroups plan: %v (%s)", name, err, why)
	}
	pf, err := decodeStrict(name, j, why, nil)
	if err != nil {
		return nil, err
	}
	pf.Format = "yaml"
	return pf, nil
}

// WriteYAML writes the plan document as YAML.
func WriteYAML(w io.Writer, p Plan) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(p); err != nil {
		return err
	}
	return enc.Close()
}
