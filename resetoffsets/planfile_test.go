package resetoffsets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kgroups/kgroups/internal/errs"
)

func TestParseCSVPlans(t *testing.T) {
	pf, err := ParsePlanFile("p.csv", []byte("orders,0,10\r\n\norders,1,20\n"))
	if err != nil || pf.Format != "csv" || len(pf.Rows) != 2 || pf.Rows[1].Offset != 20 || pf.Rows[1].Line != 3 || pf.Rows[0].Group != "" {
		t.Fatalf("3-column: %+v %v", pf, err)
	}
	pf, err = ParsePlanFile("p.csv", []byte("g1,orders,0,10\ng2,orders,0,5\n"))
	if err != nil || pf.Rows[1].Group != "g2" {
		t.Fatalf("4-column: %+v %v", pf, err)
	}
	bad := map[string]string{
		"orders,0\n":                 "p.csv:1: 2 columns",
		"a,b,orders,0,1\n":           "p.csv:1: 5 columns",
		"orders,0,1\ng,orders,1,2\n": "p.csv:2: 4 columns, but line 1 has 3",
		"orders,x,1\n":               `p.csv:1: partition "x" is not a number`,
		"orders,-1,1\n":              `p.csv:1: partition "-1"`,
		"orders,0,-5\n":              `p.csv:1: offset "-5" is not a number >= 0`,
		"orders,0,1\norders,0,2\n":   "p.csv:2: orders/0 is already on line 1",
		",0,1\n":                     "p.csv:1: empty topic",
		"\n\n":                       "the file is empty",
		"topic,partition,offset\n":   `partition "partition"`, // a header row is not Kafka's format
	}
	for in, want := range bad {
		if _, err := ParsePlanFile("p.csv", []byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err %v, want %q", in, err, want)
		}
	}
}

func TestJSONPlanRoundTrip(t *testing.T) {
	c := int64(7)
	note := "clamped"
	p := Plan{SchemaVersion: 1, Kind: PlanKind, Target: "--to-earliest", Rows: []Row{
		{Group: "g", Topic: "orders", Partition: 1, CurrentOffset: &c, NewOffset: 3, Note: &note},
		{Group: "g", Topic: "orders", Partition: 0, NewOffset: 0},
	}}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, p); err != nil {
		t.Fatal(err)
	}
	pf, err := ParsePlanFile("plan.json", buf.Bytes())
	if err != nil || pf.Format != "json" || len(pf.Rows) != 2 {
		t.Fatalf("%+v %v", pf, err)
	}
	if *pf.Rows[0].Current != 7 || pf.Rows[0].Offset != 3 || pf.Rows[1].Current != nil {
		t.Fatalf("rows %+v", pf.Rows)
	}
	buf.Reset()
	WriteCSV(&buf, p)
	if buf.String() != "orders,0,0\norders,1,3\n" {
		t.Fatalf("one group: Kafka's 3-column CSV, sorted; got %q", buf.String())
	}
	p.Rows = append(p.Rows, Row{Group: "h", Topic: "x", Partition: 0, NewOffset: 1})
	buf.Reset()
	WriteCSV(&buf, p)
	if buf.String() != "g,orders,0,0\ng,orders,1,3\nh,x,0,1\n" {
		t.Fatalf("two groups: 4 columns; got %q", buf.String())
	}
	if err := WritePlanFile(filepath.Join(t.TempDir(), "plan.txt"), p); err == nil || !strings.Contains(err.Error(), ".csv") {
		t.Fatalf("unknown extension: %v", err)
	}
}

func TestBadJSONPlans(t *testing.T) {
	t.Parallel()
	head := `{"schema_version":1,"kind":"kgroups-reset-plan","rows":[`
	row := func(fields string) string { return head + "{" + fields + "}]}" }
	bad := map[string]string{
		`{"schema_version":1,"kind":"something-else","rows":[]}`:     `"kind" is "something-else"`,
		`{"schema_version":2,"kind":"kgroups-reset-plan","rows":[]}`: "schema_version 2 is not supported",
		head + `]}`: "the plan has no rows",
		row(`"group":"","topic":"t","partition":0,"new_offset":1`):                                 "rows[0]: empty group",
		row(`"group":"g","topic":"t","partition":-1,"new_offset":1`):                               "rows[0]: partition -1 is not a partition number",
		row(`"group":"g","topic":"t","partition":0,"new_offset":-4`):                               "rows[0]: new_offset -4 is negative",
		row(`"group":"g","topic":"t","partition":0,"new_offset":"x"`):                              `rows[0]: "new_offset" is "x"; want a whole number`,
		row(`"group":"g","topic":"t","partition":0,"new_offset":1.5`):                              `rows[0]: "new_offset" is 1.5; want a whole number`,
		row(`"group":"g","topic":"t","partition":"0","new_offset":1`):                              `rows[0]: "partition" is "0"; want a whole number`,
		row(`"group":"g","topic":"t","partition":0,"new_offset":null`):                             `rows[0]: "new_offset" is null`,
		row(`"group":7,"topic":"t","partition":0,"new_offset":1`):                                  `rows[0]: "group" is 7; want a string`,
		`{"schema_version":1,"kind":"kgroups-reset-plan","cluster":{"idd":"x"},"rows":[]}`:         `cluster: "idd" is not a key (did you mean "id"?)`,
		`{"schema_version":1,"kind":"kgroups-reset-plan","cluster":{"id":7},"rows":[]}`:            `cluster: "id" is 7; want a string or null`,
		`{"schema_version":1,"kind":"kgroups-reset-plan","cluster":"prod","rows":[]}`:              `"cluster" is "prod"; want an object with id, context, bootstrap`,
		`{"schema_version":1,"kind":"kgroups-reset-plan","cluster":{"bootstrap":"h:1"},"rows":[]}`: `cluster: "bootstrap" is "h:1"; want a list`,
		"{\n\"schema_version\": 1,\n\"kind\": ,\n}":                                                "plan.json:3: not valid JSON",
		// The measured defects: a missing or misspelt key must never mean 0.
		row(`"group":"g","topic":"t","partition":0`):                                         `rows[0]: no "new_offset": every row needs group, topic, partition, new_offset`,
		row(`"group":"g","topic":"t","partition":0,"new_ofset":90`):                          `rows[0]: "new_ofset" is not a plan key (did you mean "new_offset"?)`,
		row(`"group":"g","topic":"t","new_offset":90`):                                       `rows[0]: no "partition"`,
		row(`"group":"g","topic":"t","partition":0,"new_offset":1,"new_offset":2`):           `rows[0]: "new_offset" is given twice`,
		row(`"group":"g","topic":"t","partition":0,"new_offset":1,"colour":"red"`):           `rows[0]: "colour" is not a plan key`,
		`{"schema_version":1,"schema_version":1,"kind":"kgroups-reset-plan","rows":[]}`:      `"schema_version" is given twice`,
		`{"schema_version":1,"kind":"kgroups-reset-plan","rows":[],"extra":true}`:            `"extra" is not a plan key`,
		row(`"group":"g","topic":"t","partition":0,"new_offset":1`) + `{"schema_version":1}`: "more data after the plan object",
		row(`"group":"g","topic":"t","partition":0,"new_offset":1`) + `]`:                    "more data after the plan object",
		`[{"group":"g","topic":"t","partition":0,"new_offset":1}]`:                           "a JSON array, not a kgroups plan",
		`{"kind":"kgroups-reset-plan","rows":[]}`:                                            `the plan has no "schema_version"`,
		`{"schema_version":1,"kind":"kgroups-reset-plan","rows":{}}`:                         `"rows" is not a list of rows`,
		head + `7]}`: "rows[0]: not an object",
		row(`"group":"g","topic":"t","partition":0,"new_offset":1}, {"group":"g","topic":"t","partition":0,"new_offset":2`): "rows[1]: g t/0 is already rows[0]",
	}
	for in, want := range bad {
		pf, err := ParsePlanFile("plan.json", []byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want %q", in, err, want)
			continue
		}
		var ie *InputError
		if !errors.As(err, &ie) || pf != nil {
			t.Errorf("%s: %T is not an input error (exit 2)", in, err)
		}
		if !strings.Contains(err.Error(), "read as a kgroups JSON plan") {
			t.Errorf("%s: %v does not name the format it tried", in, err)
		}
	}
}

func TestPlanFileErrorsNameTheLine(t *testing.T) {
	t.Parallel()
	in := "{\n  \"schema_version\": 1,\n  \"kind\": \"kgroups-reset-plan\",\n  \"rows\": [\n    {\"group\": \"g\", \"topic\": \"t\", \"partition\": 0, \"new_offset\": 1},\n    {\"group\": \"g\", \"topic\": \"t\", \"partition\": 1, \"new_ofset\": 90}\n  ]\n}\n"
	_, err := ParsePlanFile("plan.json", []byte(in))
	if err == nil || !strings.Contains(err.Error(), `plan.json:6: rows[1]: "new_ofset"`) {
		t.Fatalf("err %v: want file:line, row and key", err)
	}
}

func TestPlanFormatDetection(t *testing.T) {
	t.Parallel()
	plan := `{"schema_version":1,"kind":"kgroups-reset-plan","rows":[{"group":"g","topic":"t","partition":2,"new_offset":5}]}`
	yamlPlan := "schema_version: 1\nkind: kgroups-reset-plan\ntarget: --to-earliest\nrows:\n  - group: g\n    topic: t\n    partition: 2\n    current_offset: null\n    new_offset: 5\n"
	good := []struct{ name, in, format string }{
		{"p.json", plan, "json"},
		{"p.json", "\xEF\xBB\xBF" + plan, "json"}, // a BOM is skipped
		{"p.txt", plan, "json"},
		{"p.yaml", yamlPlan, "yaml"},
		{"p.yml", yamlPlan, "yaml"},
		{"p", yamlPlan, "yaml"},
		{"p.csv", "\xEF\xBB\xBFt,2,5\n", "csv"},
		{"p", "t,2,5\n", "csv"},
	}
	for _, c := range good {
		pf, err := ParsePlanFile(c.name, []byte(c.in))
		if err != nil || pf.Format != c.format || len(pf.Rows) != 1 || pf.Rows[0].Partition != 2 || pf.Rows[0].Offset != 5 {
			t.Errorf("%s %q: %+v %v, want one row t/2 -> 5 as %s", c.name, c.in, pf, err, c.format)
		}
	}
	bad := []struct{ name, in, want string }{
		// the extension wins over the content, and the error says what was tried
		{"p.csv", plan, "read as Kafka's CSV (.csv)"},
		{"p.json", "t,2,5\n", "p.json:1: not valid JSON"},
		{"p.yaml", yamlPlan + "  - group: g\n    topic: t\n    partition: 3\n", `rows[1]: no "new_offset"`},
		{"p.yaml", "schema_version: 1\nschema_version: 1\n", "already defined"},
		{"p.yaml", yamlPlan + "---\nkind: x\n", "more than one YAML document"},
		{"p.yaml", "- a\n- b\n", "not a kgroups plan"},
		{"p.yaml", strings.Replace(yamlPlan, "new_offset", "new_ofset", 1), `"new_ofset" is not a plan key (did you mean "new_offset"?)`},
		{"p", "[1,2]", "a JSON array, not a kgroups plan"},
		{"p", "x,y\n", "read as Kafka's CSV: not .json, .yaml or .csv"},
	}
	for _, c := range bad {
		if _, err := ParsePlanFile(c.name, []byte(c.in)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %q: err %v, want %q", c.name, c.in, err, c.want)
		}
	}
}

func TestCSVQuoting(t *testing.T) {
	t.Parallel()
	pf, err := ParsePlanFile("p.csv", []byte("\"a,b\",orders,0,7\n\"say \"\"hi\"\"\",orders,1,8\nplain,orders,2,9\n"))
	if err != nil || len(pf.Rows) != 3 || pf.Rows[0].Group != "a,b" || pf.Rows[1].Group != `say "hi"` || pf.Rows[2].Group != "plain" {
		t.Fatalf("quoted CSV: %+v %v", pf, err)
	}
	if _, err := ParsePlanFile("p.csv", []byte("\"a,b,orders,0,7\n")); err == nil || !strings.Contains(err.Error(), "p.csv:1:") {
		t.Fatalf("an unterminated quote names the line: %v", err)
	}
}

// TestPlanRoundTrip: export -> read -> the same plan, for group names
// with commas, quotes, spaces and non-ASCII, in every writable format.
func TestPlanRoundTrip(t *testing.T) {
	t.Parallel()
	c := int64(40)
	id, ctxName := "Zq1-id", "prod"
	p := Plan{SchemaVersion: 1, Kind: PlanKind, Target: "--to-earliest", Cluster: &ClusterRef{ID: &id, Context: &ctxName, Bootstrap: []string{"h:1", "h:2"}}, Rows: []Row{
		{Group: "a,b", Topic: "orders", Partition: 0, CurrentOffset: &c, NewOffset: 3},
		{Group: `say "hi"`, Topic: "orders", Partition: 1, NewOffset: 4},
		{Group: "zürich ✓", Topic: "orders.v2", Partition: 2, NewOffset: 5},
		{Group: " padded ", Topic: "x_y-z", Partition: 3, NewOffset: 6},
	}}
	dir := t.TempDir()
	for _, ext := range []string{".csv", ".json", ".yaml"} {
		path := filepath.Join(dir, "plan"+ext)
		if err := WritePlanFile(path, p); err != nil {
			t.Fatal(err)
		}
		pf, err := ReadPlanFile(path)
		if err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		got := map[string]int64{}
		for _, r := range pf.Rows {
			got[fmt.Sprintf("%s|%s|%d", r.Group, r.Topic, r.Partition)] = r.Offset
		}
		for _, r := range p.Rows {
			if off, ok := got[fmt.Sprintf("%s|%s|%d", r.Group, r.Topic, r.Partition)]; !ok || off != r.NewOffset {
				t.Errorf("%s: row %+v came back as %v (all: %v)", ext, r, off, got)
			}
		}
		if ext != ".csv" && (pf.Rows[0].Current == nil || *pf.Rows[0].Current != 40 || pf.Rows[1].Current != nil) {
			t.Errorf("%s: current offsets lost: %+v", ext, pf.Rows)
		}
		switch {
		case ext == ".csv" && pf.Cluster != nil:
			t.Errorf("csv: a cluster came back from a format that cannot hold one: %+v", pf.Cluster)
		case ext != ".csv" && (pf.Cluster == nil || pf.Cluster.String() != "cluster Zq1-id (context prod, h:1,h:2)"):
			t.Errorf("%s: cluster lost: %v", ext, pf.Cluster)
		}
	}
}

func FuzzParsePlanFileCSV(f *testing.F) {
	for _, s := range []string{"orders,0,10\n", "g,orders,0,10\n", "a,b\n", "orders,1,2\r\norders,1,3\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(bytes.TrimSpace(b)) > 0 && bytes.TrimSpace(b)[0] == '{' {
			return
		}
		pf, err := ParsePlanFile("f.csv", b)
		if err != nil {
			return
		}
		for _, r := range pf.Rows {
			if r.Topic == "" || r.Partition < 0 || r.Offset < 0 {
				t.Fatalf("accepted bad row %+v from %q", r, b)
			}
		}
		// What parses must survive a round trip through the writer.
		p := Plan{SchemaVersion: 1, Kind: PlanKind}
		for _, r := range pf.Rows {
			g := r.Group
			if g == "" {
				g = "only"
			}
			p.Rows = append(p.Rows, Row{Group: g, Topic: r.Topic, Partition: r.Partition, NewOffset: r.Offset})
		}
		var buf bytes.Buffer
		WriteCSV(&buf, p)
		again, err := ParsePlanFile("again.csv", buf.Bytes())
		if err != nil || len(again.Rows) != len(pf.Rows) {
			t.Fatalf("round trip of %q failed: %v (%q)", b, err, buf.String())
		}
	})
}

func FuzzParsePlanFileJSON(f *testing.F) {
	f.Add([]byte(`{"schema_version":1,"kind":"kgroups-reset-plan","rows":[{"group":"g","topic":"t","partition":0,"current_offset":3,"new_offset":1}]}`))
	f.Add([]byte(`{"schema_version":1}`))
	f.Add([]byte(`{"schema_version":1,"kind":"kgroups-reset-plan","rows":[{"group":"g","topic":"t","partition":0,"new_ofset":1}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		pf, err := ParsePlanFile("f.json", b)
		if err != nil || pf.Format != "json" {
			return
		}
		for _, r := range pf.Rows {
			if r.Group == "" || r.Topic == "" || r.Partition < 0 || r.Offset < 0 || (r.Current != nil && *r.Current < 0) {
				t.Fatalf("accepted bad row %+v", r)
			}
		}
		// Strict: what is accepted is one JSON object whose every row has
		// every required key (checked here by encoding/json, independently).
		var doc struct {
			Rows []map[string]json.RawMessage `json:"rows"`
		}
		d := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(b, utf8BOM)))
		if err := d.Decode(&doc); err != nil {
			t.Fatalf("accepted what encoding/json cannot read: %v", err)
		}
		if d.More() {
			t.Fatalf("accepted trailing data: %q", b)
		}
		for i, r := range doc.Rows {
			for _, k := range rowRequired {
				if _, ok := r[k]; !ok {
					t.Fatalf("row %d without %q accepted: %q", i, k, b)
				}
			}
			for k := range r {
				if !slices.Contains(rowKeys, k) {
					t.Fatalf("row %d with unknown key %q accepted", i, k)
				}
			}
		}
	})
}

func TestCheckCluster(t *testing.T) {
	t.Parallel()
	a, b := "A", "B"
	made := &PlanFile{Path: "plan.json", Cluster: &ClusterRef{ID: &a, Bootstrap: []string{"h:1"}}}
	if err := CheckCluster(made, &ClusterRef{ID: &a}); err != nil {
		t.Fatalf("same cluster: %v", err)
	}
	for _, here := range []*ClusterRef{{ID: &b}, {}, nil} {
		var mm *ClusterMismatchError
		err := CheckCluster(made, here)
		if !errors.As(err, &mm) || errs.Code(err) != errs.ExitUsage || !strings.Contains(err.Error(), "plan.json was made on cluster A (h:1)") {
			t.Fatalf("here %+v: %v", here, err)
		}
	}
	for _, pf := range []*PlanFile{nil, {Path: "k.csv"}, {Path: "old.json", Cluster: &ClusterRef{}}} {
		if err := CheckCluster(pf, &ClusterRef{ID: &b}); err != nil {
			t.Fatalf("%+v recorded no cluster id, yet: %v", pf, err)
		}
	}
}
