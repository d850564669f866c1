package resetoffsets

import (
	"bytes"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kgroups/kgroups/internal/errs"
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
	// Cluster is the cluster the plan was made on (null in a plan written
	// before kgroups recorded it); applying it elsewhere is refused.
	Cluster *ClusterRef `json:"cluster" yaml:"cluster"`
	Rows    []Row       `json:"rows" yaml:"rows"`
}

// ClusterRef names a cluster: its id (from Metadata; null when the broker
// reports none), the config-file context and the bootstrap brokers used.
type ClusterRef struct {
	ID        *string  `json:"id" yaml:"id"`
	Context   *string  `json:"context" yaml:"context"`
	Bootstrap []string `json:"bootstrap" yaml:"bootstrap"`
}

// String is "cluster ID (context NAME, BOOTSTRAP)".
func (c *ClusterRef) String() string {
	if c == nil {
		return "an unrecorded cluster"
	}
	id := "with no id"
	if c.ID != nil {
		id = *c.ID
	}
	where := strings.Join(c.Bootstrap, ",")
	if c.Context != nil {
		where = "context " + *c.Context + ", " + where
	}
	if where == "" {
		return "cluster " + id
	}
	return "cluster " + id + " (" + where + ")"
}

// ClusterMismatchError is a plan file applied to another cluster than the
// one it was made on: a refusal (exit 2), nothing changed.
type ClusterMismatchError struct {
	File       string
	Made, Here *ClusterRef
}

// Mismatch says which cluster the plan was made on and which this is.
func (e *ClusterMismatchError) Mismatch() string {
	if e.Here == nil || e.Here.ID == nil {
		return fmt.Sprintf("%s was made on %s, and this cluster reports no id, so it cannot be told apart", e.File, e.Made)
	}
	return fmt.Sprintf("%s was made on %s, but this is %s", e.File, e.Made, e.Here)
}

func (e *ClusterMismatchError) Error() string {
	return e.Mismatch() + "; nothing was changed (--force-cluster applies it here anyway)"
}

// ExitCode: a refusal, nothing changed (2).
func (e *ClusterMismatchError) ExitCode() int { return errs.ExitUsage }

// CheckCluster refuses to apply a plan file recorded on another cluster
// than here. A file that recorded no cluster id (Kafka's CSV, an older
// plan) is not checked.
func CheckCluster(pf *PlanFile, here *ClusterRef) error {
	if pf == nil || pf.Cluster == nil || pf.Cluster.ID == nil {
		return nil
	}
	if here == nil || here.ID == nil || *here.ID != *pf.Cluster.ID {
		return &ClusterMismatchError{File: pf.Path, Made: pf.Cluster, Here: here}
	}
	return nil
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

// PlanFile is a --from-file input: AK CSV or a kgroups JSON/YAML plan.
type PlanFile struct {
	Path    string
	Format  string      // "csv", "json" or "yaml"
	Target  string      // JSON/YAML plans: the target they were made with
	Cluster *ClusterRef // JSON/YAML plans: the cluster they were made on (nil: not recorded)
	Rows    []FileRow
}

// Recorded reports whether the file recorded each row's current offset at
// planning time (kgroups plans do; Kafka's CSV does not).
func (pf *PlanFile) Recorded() bool { return pf != nil && pf.Format != "csv" }

// IsUndo reports whether the file is an undo plan written by kgroups.
func (pf *PlanFile) IsUndo() bool { return pf.Recorded() && strings.HasPrefix(pf.Target, undoPrefix) }

// FileRow is one target offset read from a file.
type FileRow struct {
	Group     string // "" in a 3-column CSV: the one group being reset
	Topic     string
	Partition int32
	Offset    int64
	Current   *int64 // JSON/YAML plans: the current offset when planned (for the guard)
	Line      int    // CSV line, or JSON/YAML row index + 1
}

// ReadPlanFile reads --from-file: see ParsePlanFile for the formats.
func ReadPlanFile(path string) (*PlanFile, error) {
	return readPlanFileFlag("--from-file", path)
}

func readPlanFileFlag(flag, path string) (*PlanFile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, inputErrorf("%s %s: file not found", flag, path)
		}
		return nil, inputErrorf("%s %s: cannot read: %v", flag, path, pathErr(err))
	}
	return ParsePlanFile(path, b)
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ParsePlanFile parses plan file content; name is used in messages and, by
// its extension, picks the format: .json (kgroups plan), .yaml/.yml (the
// same plan as -o yaml prints it), .csv (Kafka's headerless CSV,
// RFC 4180 quoting). Any other name is read by content: '{' or '[' first
// is JSON, a "key:" line of the plan is YAML, anything else CSV. A UTF-8
// byte order mark is skipped. Errors name the format that was tried.
func ParsePlanFile(name string, b []byte) (*PlanFile, error) {
	b = bytes.TrimPrefix(b, utf8BOM)
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, inputErrorf("--from-file %s: the file is empty", name)
	}
	switch format, why := detectFormat(name, b); format {
	case "json":
		return parseJSONPlan(name, b, why)
	case "yaml":
		return parseYAMLPlan(name, b, why)
	default:
		return parseCSVPlan(name, b, why)
	}
}

// detectFormat picks a plan file's format, and says why in a few words
// (for the error message).
func detectFormat(name string, b []byte) (format, why string) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return "json", "read as a kgroups JSON plan (.json)"
	case ".yaml", ".yml":
		return "yaml", "read as a kgroups YAML plan (.yaml)"
	case ".csv":
		return "csv", "read as Kafka's CSV (.csv)"
	}
	trimmed := bytes.TrimSpace(b)
	if trimmed[0] == '{' || trimmed[0] == '[' {
		return "json", "read as a kgroups JSON plan: it starts with '" + string(trimmed[0]) + "'"
	}
	for _, line := range strings.Split(string(trimmed), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line == "---" || yamlPlanKey(line) {
			return "yaml", "read as a kgroups YAML plan: it starts like one"
		}
		break
	}
	return "csv", "read as Kafka's CSV: not .json, .yaml or .csv, and not JSON or YAML"
}

func yamlPlanKey(line string) bool {
	for _, k := range []string{"schema_version", "kind", "target", "created_at", "rows"} {
		if strings.HasPrefix(line, k+":") {
			return true
		}
	}
	return false
}

// parseCSVPlan reads Kafka's reset CSV: topic,partition,offset for one
// group, or group,topic,partition,offset; no header; fields quoted as
// RFC 4180 (encoding/csv) where they hold commas or quotes.
func parseCSVPlan(name string, b []byte, why string) (*PlanFile, error) {
	pf := &PlanFile{Path: name, Format: "csv"}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	cols := 0
	seen := map[string]int{}
	bad := func(line int, format string, args ...any) error {
		return inputErrorf("%s:%d: %s (%s)", name, line, fmt.Sprintf(format, args...), why)
	}
	for {
		fields, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, bad(pe.Line, "%v", pe.Err)
			}
			return nil, bad(0, "%v", err)
		}
		line, _ := r.FieldPos(0)
		if len(fields) == 1 && strings.TrimSpace(fields[0]) == "" {
			continue
		}
		if cols == 0 {
			cols = len(fields)
			if cols != 3 && cols != 4 {
				return nil, bad(line, "%d columns; want topic,partition,offset or group,topic,partition,offset (no header)", cols)
			}
		}
		if len(fields) != cols {
			return nil, bad(line, "%d columns, but line 1 has %d", len(fields), cols)
		}
		row := FileRow{Line: line}
		if cols == 4 {
			// A group name is taken as written: Kafka allows spaces in it.
			row.Group, fields = fields[0], fields[1:]
			if row.Group == "" {
				return nil, bad(line, "empty group")
			}
		}
		row.Topic = strings.TrimSpace(fields[0])
		if row.Topic == "" {
			return nil, bad(line, "empty topic")
		}
		if err := checkTopic(row.Topic); err != nil {
			return nil, bad(line, "%v", err)
		}
		p, err := strconv.ParseInt(strings.TrimSpace(fields[1]), 10, 32)
		if err != nil || p < 0 {
			return nil, bad(line, "partition %q is not a number >= 0", fields[1])
		}
		row.Partition = int32(p)
		o, err := strconv.ParseInt(strings.TrimSpace(fields[2]), 10, 64)
		if err != nil || o < 0 {
			return nil, bad(line, "offset %q is not a number >= 0", fields[2])
		}
		row.Offset = o
		key := row.Group + "\x00" + row.Topic + "\x00" + strconv.Itoa(int(row.Partition))
		if prev, dup := seen[key]; dup {
			return nil, bad(line, "%s/%d is already on line %d", row.Topic, row.Partition, prev)
		}
		seen[key] = line
		pf.Rows = append(pf.Rows, row)
	}
	if len(pf.Rows) == 0 {
		return nil, inputErrorf("--from-file %s: no rows (%s)", name, why)
	}
	return pf, nil
}

// WritePlanFile writes the plan for --export by file extension: .csv
// (Kafka's format: 3 columns for one group, else 4), .json or .yaml. An
// existing file is replaced, except an undo file, which is never
// overwritten.
func WritePlanFile(path string, p Plan) error {
	var buf bytes.Buffer
	if err := encodePlan(&buf, "--export", path, p); err != nil {
		return err
	}
	if isUndoFile(path) {
		return refusedf("--export %s: that file is an undo file (it holds offsets from before a reset); refusing to overwrite it: choose another name", path)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return inputErrorf("--export %s: cannot write: %v", path, pathErr(err))
	}
	return nil
}

func encodePlan(w io.Writer, flag, path string, p Plan) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return WriteCSV(w, p)
	case ".json":
		return WriteJSON(w, p)
	case ".yaml", ".yml":
		return WriteYAML(w, p)
	}
	return inputErrorf("%s %s: use a .csv (Kafka's format), .json or .yaml (kgroups plan) file name", flag, path)
}

// CheckExportPath validates an --export name before anything is read.
func CheckExportPath(path string) error {
	return encodePlan(io.Discard, "--export", path, Plan{})
}

// isUndoFile reports whether path holds a kgroups undo plan.
func isUndoFile(path string) bool {
	b, err := os.ReadFile(path)
	if err != nil {
		return false
	}
	var head struct {
		Kind   string `json:"kind"`
		Target string `json:"target"`
	}
	if json.Unmarshal(bytes.TrimPrefix(b, utf8BOM), &head) != nil {
		return false
	}
	return head.Kind == PlanKind && strings.HasPrefix(head.Target, undoPrefix)
}

// WriteCSV writes Kafka's headerless reset CSV, quoted as RFC 4180 where a
// group name needs it.
func WriteCSV(w io.Writer, p Plan) error {
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
	cw := csv.NewWriter(w)
	for _, r := range rows {
		rec := []string{r.Topic, strconv.Itoa(int(r.Partition)), strconv.FormatInt(r.NewOffset, 10)}
		if !one {
			rec = append([]string{r.Group}, rec...)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the plan document.
func WriteJSON(w io.Writer, p Plan) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(p)
}

// undoPrefix starts the target of every undo plan.
const undoPrefix = "undo of "

// CreateUndoFile writes an undo plan to path, creating the file
// exclusively: an existing file is never overwritten (exit 2, nothing
// written to the cluster). Missing directories are created.
func CreateUndoFile(flag, path string, p Plan) error {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, p); err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return inputErrorf("%s %s: cannot create the directory: %v", flag, path, pathErr(err))
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return refusedf("%s %s: the file exists; an undo file is never overwritten (it may hold the only copy of earlier offsets): choose a new name", flag, path)
		}
		return inputErrorf("%s %s: cannot create: %v", flag, path, pathErr(err))
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return inputErrorf("%s %s: cannot write: %v", flag, path, pathErr(err))
	}
	if err := f.Close(); err != nil {
		return inputErrorf("%s %s: cannot write: %v", flag, path, pathErr(err))
	}
	return nil
}

// CheckUndoPath refuses, before anything is read or written, an undo path
// that exists or whose directory cannot take a file.
func CheckUndoPath(flag, path string) error {
	if _, err := os.Lstat(path); err == nil {
		return refusedf("%s %s: the file exists; an undo file is never overwritten (it may hold the only copy of earlier offsets): choose a new name", flag, path)
	}
	dir := filepath.Dir(path)
	for {
		st, err := os.Stat(dir)
		if err == nil {
			if !st.IsDir() {
				return inputErrorf("%s %s: %s is not a directory", flag, path, dir)
			}
			probe, err := os.CreateTemp(dir, ".kgroups-undo-probe-*")
			if err != nil {
				return inputErrorf("%s %s: cannot create files in %s: %v", flag, path, dir, pathErr(err))
			}
			probe.Close()
			os.Remove(probe.Name())
			return nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return inputErrorf("%s %s: cannot use the directory: %v", flag, path, pathErr(err))
		}
		dir = parent // created on write
	}
}

// DefaultUndoPath is a fresh undo file name in dir:
// undo-GROUP-20261121T093000.123Z-1a2b3c.json (time to the millisecond and
// a random suffix, so two runs never collide).
func DefaultUndoPath(dir, group string, now time.Time) string {
	var rnd [3]byte
	_, _ = rand.Read(rnd[:])
	name := fmt.Sprintf("undo-%s-%s-%s.json", safeFileName(group), now.UTC().Format("20060102T150405.000Z"), hex.EncodeToString(rnd[:]))
	return filepath.Join(dir, name)
}

// safeFileName keeps a group name usable as part of a file name.
func safeFileName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 80 {
			break
		}
	}
	return b.String()
}

// pathErr is the OS's reason without the path, which messages already name.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ReadUndoFile reads an undo file written by kgroups (--undo-of): a
// kgroups JSON plan whose target says it is an undo.
func ReadUndoFile(flag, path string) (*PlanFile, error) {
	pf, err := readPlanFileFlag(flag, path)
	if err != nil {
		return nil, err
	}
	if !pf.IsUndo() {
		return nil, inputErrorf("%s %s: not a kgroups undo file (one written by --execute, whose target starts %q)", flag, path, undoPrefix)
	}
	return pf, nil
}
