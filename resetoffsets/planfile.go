package resetoffsets

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// PlanKind marks a kgroups reset plan document.
const PlanKind = "kgroups-reset-plan"

// Plan is a reviewed list of offset changes: printed by a dry run, saved
// with --export, applied with --execute --from-file.
type Plan struct {
	SchemaVersion int    `json:"schema_version" yaml:"schema_version"`
	Kind          string `json:"kind" yaml:"kind"`
	Target        string `json:"target" yaml:"target"`
	CreatedAt     string `json:"created_at" yaml:"created_at"`
	Rows          []Row  `json:"rows" yaml:"rows"`
}

// Row is one partition's change.
type Row struct {
	Group          string  `json:"group" yaml:"group"`
	Topic          string  `json:"topic" yaml:"topic"`
	Partition      int32   `json:"partition" yaml:"partition"`
	CurrentOffset  *int64  `json:"current_offset" yaml:"current_offset"`
	NewOffset      int64   `json:"new_offset" yaml:"new_offset"`
	LogStartOffset *int64  `json:"log_start_offset" yaml:"log_start_offset"`
	LogEndOffset   *int64  `json:"log_end_offset" yaml:"log_end_offset"`
	Note           *string `json:"note" yaml:"note"`
}

// Groups returns the plan's groups in order of first appearance.
func (p Plan) Groups() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range p.Rows {
		if !seen[r.Group] {
			seen[r.Group] = true
			out = append(out, r.Group)
		}
	}
	return out
}

// PlanFile is a --from-file input: AK CSV or a kgroups JSON plan.
type PlanFile struct {
	Path   string
	Format string // "csv" or "json"
	Rows   []FileRow
}

// FileRow is one target offset read from a file.
type FileRow struct {
	Group     string // "" in a 3-column CSV: the one group being reset
	Topic     string
	Partition int32
	Offset    int64
	Current   *int64 // JSON plans: the current offset when planned (for the guard)
	Line      int    // CSV line, or JSON row index + 1
}

// ReadPlanFile reads --from-file: a JSON plan when the content starts with
// '{', else Kafka's headerless CSV (topic,partition,offset or
// group,topic,partition,offset).
func ReadPlanFile(path string) (*PlanFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, inputErrorf("--from-file %s: file not found", path)
		}
		return nil, inputErrorf("--from-file %s: cannot read: %v", path, err)
	}
	return ParsePlanFile(path, b)
}

// ParsePlanFile parses plan file content; name is used in messages.
func ParsePlanFile(name string, b []byte) (*PlanFile, error) {
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return nil, inputErrorf("--from-file %s: the file is empty", name)
	}
	if trimmed[0] == '{' {
		return parseJSONPlan(name, trimmed)
	}
	return parseCSVPlan(name, b)
}

func parseCSVPlan(name string, b []byte) (*PlanFile, error) {
	pf := &PlanFile{Path: name, Format: "csv"}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	cols := 0
	line := 0
	seen := map[string]int{}
	for sc.Scan() {
		line++
		text := strings.TrimSpace(strings.TrimSuffix(sc.Text(), "\r"))
		if text == "" {
			continue
		}
		fields := strings.Split(text, ",")
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		if cols == 0 {
			cols = len(fields)
			if cols != 3 && cols != 4 {
				return nil, inputErrorf("%s:%d: %d columns; want topic,partition,offset or group,topic,partition,offset (no header)", name, line, cols)
			}
		}
		if len(fields) != cols {
			return nil, inputErrorf("%s:%d: %d columns, but line 1 has %d", name, line, len(fields), cols)
		}
		r := FileRow{Line: line}
		if cols == 4 {
			r.Group, fields = fields[0], fields[1:]
			if r.Group == "" {
				return nil, inputErrorf("%s:%d: empty group", name, line)
			}
		}
		r.Topic = fields[0]
		if r.Topic == "" {
			return nil, inputErrorf("%s:%d: empty topic", name, line)
		}
		if err := checkTopic(r.Topic); err != nil {
			return nil, inputErrorf("%s:%d: %v", name, line, err)
		}
		p, err := strconv.ParseInt(fields[1], 10, 32)
		if err != nil || p < 0 {
			return nil, inputErrorf("%s:%d: partition %q is not a number >= 0", name, line, fields[1])
		}
		r.Partition = int32(p)
		o, err := strconv.ParseInt(fields[2], 10, 64)
		if err != nil || o < 0 {
			return nil, inputErrorf("%s:%d: offset %q is not a number >= 0", name, line, fields[2])
		}
		r.Offset = o
		key := fmt.Sprintf("%s\x00%s\x00%d", r.Group, r.Topic, r.Partition)
		if prev, dup := seen[key]; dup {
			return nil, inputErrorf("%s:%d: %s/%d is already on line %d", name, line, r.Topic, r.Partition, prev)
		}
		seen[key] = line
		pf.Rows = append(pf.Rows, r)
	}
	if err := sc.Err(); err != nil {
		return nil, inputErrorf("%s:%d: %v", name, line+1, err)
	}
	if len(pf.Rows) == 0 {
		return nil, inputErrorf("--from-file %s: no rows", name)
	}
	return pf, nil
}

func parseJSONPlan(name string, b []byte) (*PlanFile, error) {
	var p Plan
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&p); err != nil {
		return nil, inputErrorf("%s: not a kgroups plan: %v", name, jsonErr(err, b))
	}
	if p.Kind != PlanKind {
		return nil, inputErrorf("%s: \"kind\" is %q, want %q (a file written by 'kgroups reset-offsets --export plan.json')", name, p.Kind, PlanKind)
	}
	if p.SchemaVersion != 1 {
		return nil, inputErrorf("%s: schema_version %d is not supported (this kgroups reads 1)", name, p.SchemaVersion)
	}
	if len(p.Rows) == 0 {
		return nil, inputErrorf("%s: the plan has no rows", name)
	}
	pf := &PlanFile{Path: name, Format: "json"}
	seen := map[string]int{}
	for i, r := range p.Rows {
		at := fmt.Sprintf("%s: rows[%d]", name, i)
		switch {
		case r.Group == "":
			return nil, inputErrorf("%s: empty group", at)
		case r.Topic == "":
			return nil, inputErrorf("%s: empty topic", at)
		case checkTopic(r.Topic) != nil:
			return nil, inputErrorf("%s: %v", at, checkTopic(r.Topic))
		case r.Partition < 0:
			return nil, inputErrorf("%s: partition %d is negative", at, r.Partition)
		case r.NewOffset < 0:
			return nil, inputErrorf("%s: new_offset %d is negative", at, r.NewOffset)
		case r.CurrentOffset != nil && *r.CurrentOffset < 0:
			return nil, inputErrorf("%s: current_offset %d is negative", at, *r.CurrentOffset)
		}
		key := fmt.Sprintf("%s\x00%s\x00%d", r.Group, r.Topic, r.Partition)
		if prev, dup := seen[key]; dup {
			return nil, inputErrorf("%s: %s %s/%d is already rows[%d]", at, r.Group, r.Topic, r.Partition, prev)
		}
		seen[key] = i
		pf.Rows = append(pf.Rows, FileRow{Group: r.Group, Topic: r.Topic, Partition: r.Partition, Offset: r.NewOffset,
			Current: r.CurrentOffset, Line: i + 1})
	}
	return pf, nil
}

// jsonErr adds a line number to JSON syntax errors.
func jsonErr(err error, b []byte) string {
	if se, ok := err.(*json.SyntaxError); ok {
		line := 1 + bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n"))
		return fmt.Sprintf("line %d: %v", line, se)
	}
	if te, ok := err.(*json.UnmarshalTypeError); ok {
		return fmt.Sprintf("field %q: %v is not a %v", te.Field, te.Value, te.Type)
	}
	return err.Error()
}

// WritePlanFile writes the plan by file extension: .csv (Kafka's format:
// 3 columns for one group, else 4) or .json.
func WritePlanFile(path string, p Plan) error {
	var buf bytes.Buffer
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		WriteCSV(&buf, p)
	case ".json":
		if err := WriteJSON(&buf, p); err != nil {
			return err
		}
	default:
		return inputErrorf("--export %s: use a .csv (Kafka's format) or .json (kgroups plan) file name", path)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// WriteCSV writes Kafka's headerless reset CSV.
func WriteCSV(w io.Writer, p Plan) {
	rows := append([]Row(nil), p.Rows...)
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].Group != rows[j].Group {
			return rows[i].Group < rows[j].Group
		}
		if rows[i].Topic != rows[j].Topic {
			return rows[i].Topic < rows[j].Topic
		}
		return rows[i].Partition < rows[j].Partition
	})
	one := len(p.Groups()) == 1
	for _, r := range rows {
		if one {
			fmt.Fprintf(w, "%s,%d,%d\n", r.Topic, r.Partition, r.NewOffset)
		} else {
			fmt.Fprintf(w, "%s,%s,%d,%d\n", r.Group, r.Topic, r.Partition, r.NewOffset)
		}
	}
}

// WriteJSON writes the plan document.
func WriteJSON(w io.Writer, p Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(p)
}
