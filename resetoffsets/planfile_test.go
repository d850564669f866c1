package resetoffsets

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
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
	bad := map[string]string{
		`{"schema_version":1,"kind":"something-else","rows":[]}`:                                                            `"kind" is "something-else"`,
		`{"schema_version":2,"kind":"kgroups-reset-plan","rows":[{"group":"g","topic":"t","new_offset":1}]}`:                "schema_version 2 is not supported",
		`{"schema_version":1,"kind":"kgroups-reset-plan","rows":[]}`:                                                        "the plan has no rows",
		`{"schema_version":1,"kind":"kgroups-reset-plan","rows":[{"group":"","topic":"t","new_offset":1}]}`:                 "rows[0]: empty group",
		`{"schema_version":1,"kind":"kgroups-reset-plan","rows":[{"group":"g","topic":"t","partition":-1,"new_offset":1}]}`: "partition -1 is negative",
		`{"schema_version":1,"kind":"kgroups-reset-plan","rows":[{"group":"g","topic":"t","new_offset":-4}]}`:               "new_offset -4 is negative",
		`{"schema_version":1,"kind":"kgroups-reset-plan","rows":[{"group":"g","topic":"t","new_offset":"x"}]}`:              `field "rows.new_offset"`,
		"{\n\"schema_version\": 1,\n\"kind\": ,\n}":                                                                         "line 3",
	}
	for in, want := range bad {
		if _, err := ParsePlanFile("plan.json", []byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want %q", in, err, want)
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
	})
}
