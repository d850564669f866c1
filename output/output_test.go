package output

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kgroups/kgroups/assign"
	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/explain"
	"github.com/kgroups/kgroups/health"
	"github.com/kgroups/kgroups/resetoffsets"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/<TestName>.golden (CRLF normalised).
func golden(t *testing.T, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", strings.ReplaceAll(t.Name(), "/", "_")+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./output -update)", err)
	}
	norm := func(b []byte) string { return strings.ReplaceAll(string(b), "\r\n", "\n") }
	if norm(got) != norm(want) {
		t.Fatalf("output differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func i64(v int64) *int64 { return &v }

// fixture is a snapshot with the cases an operator meets: a classic group
// with lag, no-commit, below-start and a leaderless partition; a KIP-848
// group; an unknown group.
func fixture() *describe.Snapshot {
	inst := "payments-0"
	e1, e2 := int32(7), int32(7)
	part := func(start, end int64) *describe.PartitionFacts {
		return &describe.PartitionFacts{Start: i64(start), End: i64(end)}
	}
	return &describe.Snapshot{
		Isolation: describe.ReadUncommitted,
		Brokers:   map[int32]string{0: "127.0.0.1:39001", 1: "127.0.0.1:39002"},
		Topics: map[string]*describe.TopicFacts{
			"orders": {Name: "orders", Exists: true, Partitions: map[int32]*describe.PartitionFacts{
				0: part(0, 1200), 1: part(0, 1180), 2: part(500, 9000), 3: {Leader: -1, Err: "partition has no leader"},
			}},
			"payments": {Name: "payments", Exists: true, Partitions: map[int32]*describe.PartitionFacts{
				0: part(0, 40), 1: part(0, 35),
			}},
		},
		Groups: []describe.GroupFacts{
			{
				Name: "orders-svc", Found: true, State: "Stable", Type: "classic", ProtocolType: "consumer", Protocol: "range", Coordinator: 0,
				Members: []describe.MemberFacts{
					{MemberID: "orders-a-5d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6", ClientID: "orders-a", Host: "/10.0.0.7",
						Subscribed: []string{"orders"}, Assigned: map[string][]int32{"orders": {0, 1}}},
					{MemberID: "orders-b-0c9d8e7f-6a5b-4c3d-2e1f-001122334455", ClientID: "orders-b", Host: "/10.0.0.8",
						Subscribed: []string{"orders"}, Assigned: map[string][]int32{"orders": {2, 3}}},
					{MemberID: "orders-c-77", ClientID: "orders-c", Host: "/10.0.0.9", Subscribed: []string{"orders"}, Assigned: map[string][]int32{}},
				},
				Committed: map[describe.TP]int64{{Topic: "orders", Partition: 0}: 1200, {Topic: "orders", Partition: 2}: 120, {Topic: "orders", Partition: 3}: 50},
			},
			{
				Name: "payments-848", Found: true, State: "Stable", Type: "consumer", ProtocolType: "consumer", Protocol: "uniform", Coordinator: 1,
				Epoch: &e1, AssignmentEpoch: &e2,
				Members: []describe.MemberFacts{
					{MemberID: "Zq1", InstanceID: &inst, ClientID: "pay", Host: "/10.0.1.1", MemberEpoch: &e1,
						Subscribed: []string{"payments"}, Assigned: map[string][]int32{"payments": {0, 1}}, Target: map[string][]int32{"payments": {0, 1}}},
				},
				Committed: map[describe.TP]int64{{Topic: "payments", Partition: 0}: 40, {Topic: "payments", Partition: 1}: 30},
			},
			{Name: "ghost", Coordinator: -1},
		},
	}
}

func render(t *testing.T, opts Options, fn func(p *Printer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := fn(New(&buf, opts)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDescribeGolden(t *testing.T) {
	doc := describe.Build(fixture(), describe.ViewOptions{})
	cases := map[string]struct {
		opts Options
		view DescribeView
	}{
		"table":        {Options{Format: Table}, ViewOffsets},
		"wide":         {Options{Format: Wide}, ViewOffsets},
		"json":         {Options{Format: JSON}, ViewOffsets},
		"yaml":         {Options{Format: YAML}, ViewOffsets},
		"members":      {Options{Format: Table}, ViewMembers},
		"members_wide": {Options{Format: Wide}, ViewMembers},
		"state":        {Options{Format: Table}, ViewState},
		"no_headers":   {Options{Format: Table, NoHeaders: true}, ViewOffsets},
		"color":        {Options{Format: Table, Color: true}, ViewOffsets},
		"state_color":  {Options{Format: Table, Color: true}, ViewState},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			golden(t, render(t, c.opts, func(p *Printer) error { return p.Describe(doc, c.view) }))
		})
	}
}

func TestListGolden(t *testing.T) {
	doc := describe.BuildList(fixture(), true, true)
	for name, opts := range map[string]Options{"table": {Format: Table}, "wide": {Format: Wide}, "json": {Format: JSON}, "yaml": {Format: YAML}} {
		t.Run(name, func(t *testing.T) {
			golden(t, render(t, opts, func(p *Printer) error { return p.List(doc, true) }))
		})
	}
}

func TestNoColorMeansNoEscapes(t *testing.T) {
	doc := describe.Build(fixture(), describe.ViewOptions{})
	for _, f := range []Format{Table, Wide, JSON, YAML} {
		out := render(t, Options{Format: f}, func(p *Printer) error { return p.Describe(doc, ViewOffsets) })
		if bytes.Contains(out, []byte("\x1b[")) {
			t.Errorf("%s output has escape codes with colour off", f)
		}
	}
	out := render(t, Options{Format: Table, Color: true}, func(p *Printer) error { return p.Describe(doc, ViewOffsets) })
	if !bytes.Contains(out, []byte("\x1b[")) {
		t.Error("colour on produced no escape codes")
	}
}

func TestJSONContract(t *testing.T) {
	doc := describe.Build(fixture(), describe.ViewOptions{})
	out := render(t, Options{Format: JSON}, func(p *Printer) error { return p.Describe(doc, ViewOffsets) })
	var v struct {
		SchemaVersion int `json:"schema_version"`
		Groups        []struct {
			Group      string           `json:"group"`
			TotalLag   *int64           `json:"total_lag"`
			Members    []map[string]any `json:"members"`
			Partitions []map[string]any `json:"partitions"`
		} `json:"groups"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	if v.SchemaVersion != 1 || len(v.Groups) != 3 {
		t.Fatalf("schema %d groups %d", v.SchemaVersion, len(v.Groups))
	}
	// Assignment is {"topic": [partitions ascending]}; "no value" is null.
	a := v.Groups[0].Members[0]["assignment"].(map[string]any)["orders"].([]any)
	if len(a) != 2 || a[0].(float64) != 0 || a[1].(float64) != 1 {
		t.Fatalf("assignment %v", a)
	}
	row1 := v.Groups[0].Partitions[1]
	if row1["committed_offset"] != nil || row1["lag"] != nil || row1["backlog"].(float64) != 1180 {
		t.Fatalf("uncommitted row %v", row1)
	}
	if v.Groups[2].TotalLag != nil {
		t.Fatal("unknown group has a lag")
	}
}

// TestJSONAndYAMLTagsAgree walks every view type: a field's json and yaml
// names must match, so both formats carry one schema.
func TestJSONAndYAMLTagsAgree(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(rt reflect.Type) {
		for rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Slice || rt.Kind() == reflect.Map {
			rt = rt.Elem()
		}
		if rt.Kind() != reflect.Struct || seen[rt] {
			return
		}
		seen[rt] = true
		for i := 0; i < rt.NumField(); i++ {
			f := rt.Field(i)
			if !f.IsExported() {
				continue // never serialised
			}
			j, y := f.Tag.Get("json"), f.Tag.Get("yaml")
			if j == "" || j != y {
				t.Errorf("%s.%s: json %q yaml %q", rt.Name(), f.Name, j, y)
			}
			if strings.ToLower(j) != j {
				t.Errorf("%s.%s: json key %q is not snake_case", rt.Name(), f.Name, j)
			}
			walk(f.Type)
		}
	}
	walk(reflect.TypeOf(describe.Document{}))
	walk(reflect.TypeOf(describe.ListDocument{}))
	walk(reflect.TypeOf(resetoffsets.Plan{}))
	walk(reflect.TypeOf(resetoffsets.Result{}))
	walk(reflect.TypeOf(resetoffsets.DeleteDoc{}))
	walk(reflect.TypeOf(explain.Report{}))
	walk(reflect.TypeOf(explain.KeyDoc{}))
	walk(reflect.TypeOf(assign.Doc{}))
	walk(reflect.TypeOf(health.StatusDoc{}))
	walk(reflect.TypeOf(health.WatchDoc{}))
}

func TestResolveColor(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cases := []struct {
		mode string
		tty  bool
		env  func(string) string
		want bool
	}{
		// auto: the terminal decides, unless the environment does.
		{"auto", true, env(), true},
		{"auto", false, env(), false},
		{"", true, env(), true},
		{"auto", true, env("NO_COLOR", "yes"), false}, // any non-empty value, not just 1
		{"auto", true, env("NO_COLOR", "0"), false},   // "0" is non-empty too
		{"auto", true, env("NO_COLOR", ""), true},     // empty is unset (no-color.org)
		{"auto", false, env("CLICOLOR_FORCE", "1"), true},
		{"auto", false, env("CLICOLOR_FORCE", "0"), false},
		{"auto", false, env("CLICOLOR_FORCE", ""), false},
		{"auto", false, env("NO_COLOR", "1", "CLICOLOR_FORCE", "1"), false}, // NO_COLOR beats CLICOLOR_FORCE
		// An explicit flag beats every environment variable and the terminal.
		{"always", false, env(), true},
		{"always", false, env("NO_COLOR", "1"), true},
		{"ALWAYS", true, env("NO_COLOR", "1"), true},
		{"never", true, env(), false},
		{"never", true, env("CLICOLOR_FORCE", "1"), false},
		{"never", false, env("CLICOLOR_FORCE", "1", "NO_COLOR", ""), false},
	}
	for _, c := range cases {
		if got, _ := ResolveColor(c.mode, c.tty, c.env); got != c.want {
			t.Errorf("ResolveColor(%q, tty=%v, NO_COLOR=%q, CLICOLOR_FORCE=%q) = %v, want %v",
				c.mode, c.tty, c.env("NO_COLOR"), c.env("CLICOLOR_FORCE"), got, c.want)
		}
	}
	if _, err := ResolveColor("sometimes", true, env()); err == nil || !strings.Contains(err.Error(), "auto, always, never") {
		t.Errorf("bad mode error: %v", err)
	}
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), "table, wide, json, yaml") {
		t.Errorf("bad format error: %v", err)
	}
}

func TestCompactAssignment(t *testing.T) {
	got := CompactAssignment(map[string][]int32{"orders": {7, 0, 1, 2, 3}, "a": {5}, "empty": {}})
	if got != "a:5 orders:0-3,7" {
		t.Fatalf("got %q", got)
	}
	if CompactRanges([]int32{1, 3, 5, 6}) != "1,3,5-6" {
		t.Fatal(CompactRanges([]int32{1, 3, 5, 6}))
	}
}

func resetFixture() resetoffsets.Plan {
	c0, c1, s, e := int64(100), int64(150), int64(400), int64(1000)
	n0, n2 := "clamped up to log start 400 (100 was deleted)", "no commit before"
	return resetoffsets.Plan{SchemaVersion: 1, Kind: resetoffsets.PlanKind, Target: "--to-offset 100", CreatedAt: "2026-11-21T09:30:00Z",
		Rows: []resetoffsets.Row{
			{Group: "audit", Topic: "audit-log", Partition: 0, CurrentOffset: &c0, NewOffset: 400, LogStartOffset: &s, LogEndOffset: &e, Note: &n0},
			{Group: "audit", Topic: "audit-log", Partition: 1, CurrentOffset: &c1, NewOffset: 400, LogStartOffset: &s, LogEndOffset: &e},
			{Group: "audit", Topic: "audit-log", Partition: 2, NewOffset: 400, LogStartOffset: &s, LogEndOffset: &e, Note: &n2},
		}}
}

func TestResetGolden(t *testing.T) {
	plan := resetFixture()
	p0 := int64(100)
	msg := "refused by the broker: the group has active members (UNKNOWN_MEMBER_ID)"
	id, ctxName := "xK3p-cluster-id", "prod"
	where := &resetoffsets.ClusterRef{ID: &id, Context: &ctxName, Bootstrap: []string{"kafka-1:9092", "kafka-2:9092"}}
	res := resetoffsets.Result{SchemaVersion: 1, Kind: resetoffsets.ResultKind, Target: plan.Target, Failed: 1, Cluster: where, Rows: []resetoffsets.ResultRow{
		{Group: "audit", Topic: "audit-log", Partition: 0, PriorOffset: &p0, NewOffset: 400, Status: "ok"},
		{Group: "audit", Topic: "audit-log", Partition: 2, NewOffset: 400, Status: "failed", Error: &msg},
	}}
	for name, opts := range map[string]Options{"table": {Format: Table}, "json": {Format: JSON}, "yaml": {Format: YAML}} {
		t.Run("plan_"+name, func(t *testing.T) {
			golden(t, render(t, opts, func(p *Printer) error { return p.ResetPlan(plan) }))
		})
		t.Run("result_"+name, func(t *testing.T) {
			golden(t, render(t, opts, func(p *Printer) error { return p.ResetResult(res) }))
		})
	}
	topic, part, off := "orders", int32(3), int64(42)
	why := "the group is Stable with 2 member(s): the broker will refuse (NON_EMPTY_GROUP)"
	groups := resetoffsets.DeleteDoc{SchemaVersion: 1, Kind: resetoffsets.DeleteGroupsKind, Cluster: &resetoffsets.ClusterRef{Bootstrap: []string{"127.0.0.1:9092"}}, Rows: []resetoffsets.DeleteRow{
		{Group: "old-job", State: "Empty", Status: "will delete"},
		{Group: "busy", State: "Stable", Members: 2, Status: "will be refused", Error: &why},
	}}
	offsets := resetoffsets.DeleteDoc{SchemaVersion: 1, Kind: resetoffsets.DeleteOffsetsKind, Executed: true, Rows: []resetoffsets.DeleteRow{
		{Group: "svc", Topic: &topic, Partition: &part, State: "Empty", CurrentOffset: &off, Status: "deleted"},
	}}
	t.Run("delete_table", func(t *testing.T) {
		golden(t, render(t, Options{Format: Table}, func(p *Printer) error { return p.Delete(groups) }))
	})
	t.Run("delete_offsets_table", func(t *testing.T) {
		golden(t, render(t, Options{Format: Table}, func(p *Printer) error { return p.Delete(offsets) }))
	})
}

func TestExplainGolden(t *testing.T) {
	rep := explain.Report{SchemaVersion: 1, Client: "java", Findings: []explain.Finding{
		{ID: "poll-budget", Severity: explain.Error, Title: "a poll's batch takes longer than max.poll.interval.ms",
			Detail: "max.poll.records 500 × 1 s per record = 500 s per poll; max.poll.interval.ms is 300 s (java default). The consumer is evicted mid-batch.",
			Fix:    "max.poll.records=150, or max.poll.interval.ms=1000000", Facts: map[string]any{"batch_ms": 500000}},
		{ID: "offset-reset", Severity: explain.Info, Title: "what happens when committed offsets are gone", Detail: "short", Fix: "nothing", Facts: map[string]any{}},
	}}
	for name, opts := range map[string]Options{"table": {Format: Table}, "json": {Format: JSON}, "color": {Format: Table, Color: true}} {
		t.Run(name, func(t *testing.T) {
			golden(t, render(t, opts, func(p *Printer) error { return p.Explain(rep) }))
		})
	}
	doc, err := explain.Describe("heartbeat.interval.ms")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("key", func(t *testing.T) {
		golden(t, render(t, Options{Format: Table}, func(p *Printer) error { return p.ExplainKey(doc) }))
	})
	empty := explain.Report{SchemaVersion: 1, Client: "java", Findings: []explain.Finding{}}
	t.Run("none", func(t *testing.T) {
		golden(t, render(t, Options{Format: Table}, func(p *Printer) error { return p.Explain(empty) }))
	})
}

func TestAssignGolden(t *testing.T) {
	s := assign.Scenario{Assignor: assign.CooperativeSticky, Client: assign.Java, Topics: map[string]int32{"orders": 6, "audit": 2},
		Members: []assign.Member{{ID: "c1", Subscription: []string{"orders", "audit"}}, {ID: "c2", Subscription: []string{"orders", "audit"}},
			{ID: "c3", Subscription: []string{"orders", "audit"}}}}
	a, err := assign.Assign(s)
	if err != nil {
		t.Fatal(err)
	}
	st, idle := assign.StatsOf(s, a)
	doc := assign.Doc{SchemaVersion: 1, Assignor: s.Assignor, Client: s.Client, Assignment: a, Stats: st, IdleMembers: idle, Notes: assign.Notes(s), Compare: []assign.CompareTo{}}
	sim, err := assign.Simulate(s, assign.Change{Join: 1, Leave: []string{"c2"}})
	if err != nil {
		t.Fatal(err)
	}
	simDoc := doc
	simDoc.Simulation = &assign.SimDoc{Join: 1, Leave: []string{"c2"}, Protocol: sim.Protocol, Before: sim.Before, Round1: sim.Round1, After: sim.After,
		Moves: sim.Moves, Moved: len(sim.Moves), Paused: sim.Paused, Rounds: sim.Rounds, Total: sim.Total}
	rr := s
	rr.Assignor = assign.RoundRobin
	ra, _ := assign.Assign(rr)
	rst, ridle := assign.StatsOf(rr, ra)
	cmpDoc := doc
	cmpDoc.Compare = []assign.CompareTo{{Assignor: rr.Assignor, Client: rr.Client, Assignment: ra, Stats: rst, IdleMembers: ridle}}
	for name, c := range map[string]struct {
		d    assign.Doc
		opts Options
	}{"table": {doc, Options{Format: Table}}, "json": {doc, Options{Format: JSON}}, "simulation": {simDoc, Options{Format: Table}},
		"simulation_json": {simDoc, Options{Format: JSON}}, "compare": {cmpDoc, Options{Format: Table}}} {
		t.Run(name, func(t *testing.T) {
			golden(t, render(t, c.opts, func(p *Printer) error { return p.Assign(c.d) }))
		})
	}
}
