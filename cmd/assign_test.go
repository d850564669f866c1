package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAssignCommand(t *testing.T) {
	code, out, stderr := run(t, nil, "assign", "--assignor", "range", "--consumers", "3", "--topic", "orders=12", "--topic", "payments=6")
	if code != 0 || !strings.Contains(out, "c01               6  orders:0-3 payments:0-1") || stderr != "" {
		t.Fatalf("preview: exit %d\n%s\n%s", code, out, stderr)
	}
	// The old NAME:P still works, with a deprecation notice naming the new form.
	code, old, stderr := run(t, nil, "assign", "--assignor", "range", "--consumers", "3", "--topic", "orders:12", "--topic", "payments=6")
	if code != 0 || old != out || !strings.Contains(stderr, "warning: --topic orders:12 is deprecated for a partition count") ||
		!strings.Contains(stderr, "write --topic orders=12") {
		t.Fatalf("old form: exit %d\n%s\n%s", code, old, stderr)
	}
	code, out, _ = run(t, nil, "assign", "--assignor", "range", "--consumers", "8", "--partitions", "6", "-o", "json")
	var doc struct {
		SchemaVersion int                           `json:"schema_version"`
		Assignment    map[string]map[string][]int32 `json:"assignment"`
		IdleMembers   []string                      `json:"idle_members"`
		Stats         struct{ Balance int }         `json:"stats"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 || doc.SchemaVersion != 1 ||
		strings.Join(doc.IdleMembers, ",") != "c07,c08" || doc.Stats.Balance != 1 || len(doc.Assignment["c07"]) != 0 {
		t.Fatalf("json: %v %s", err, out)
	}
	code, out, _ = run(t, nil, "assign", "--assignor", "range", "--consumers", "3", "--partitions", "12", "--join", "1")
	if code != 0 || !strings.Contains(out, "12 partitions pause (eager") || !strings.Contains(out, "joiner-1") {
		t.Fatalf("eager join:\n%s", out)
	}
	code, out, _ = run(t, nil, "assign", "--assignor", "cooperative-sticky", "--consumers", "3", "--partitions", "12", "--join", "1", "-o", "json")
	var sim struct {
		Simulation struct {
			Protocol      string
			Moved, Paused int
			Rounds        int
			Round1, After map[string]map[string][]int32
		} `json:"simulation"`
	}
	if err := json.Unmarshal([]byte(out), &sim); err != nil || code != 0 || sim.Simulation.Protocol != "cooperative" || sim.Simulation.Rounds != 2 ||
		sim.Simulation.Moved != 3 || sim.Simulation.Paused != 3 || len(sim.Simulation.Round1["joiner-1"]) != 0 || len(sim.Simulation.After["joiner-1"]["topic"]) != 3 {
		t.Fatalf("cooperative join: %v\n%s", err, out)
	}
	code, out, _ = run(t, nil, "assign", "--assignor", "range", "--consumers", "4", "--partitions", "6", "--compare", "roundrobin,cooperative-sticky")
	if code != 0 || !strings.Contains(out, "ROUNDROBIN (java)") || !strings.Contains(out, "COOPERATIVE-STICKY (java)") {
		t.Fatalf("compare:\n%s", out)
	}
	// A scenario file with prior ownership.
	path := filepath.Join(t.TempDir(), "scenario.json")
	os.WriteFile(path, []byte(`{"assignor":"sticky","client":"java","topics":{"t":3},"members":[
		{"id":"c1","instance_id":null,"subscription":["t"],"owned":{"t":[0,1,2]},"generation":4},
		{"id":"c2","instance_id":null,"subscription":["t"],"owned":{},"generation":null}]}`), 0o644)
	code, out, _ = run(t, nil, "assign", "--from-file", path, "-o", "json")
	if code != 0 || !strings.Contains(out, `"c1":{`) || !strings.Contains(strings.Join(strings.Fields(out), ""), `"c2":{"t":[2]}`) {
		t.Fatalf("from-file:\n%s", out)
	}
}

// --join-id names the joiners; the output says the result depends on them.
func TestAssignJoinIDs(t *testing.T) {
	t.Parallel()
	code, out, stderr := run(t, nil, "assign", "--assignor", "range", "--consumers", "3", "--partitions", "8", "--join-id", "c04", "-o", "json")
	var doc struct {
		Notes      []string `json:"notes"`
		Simulation struct {
			Join      int      `json:"join"`
			JoinIDs   []string `json:"join_ids"`
			DependsOn *bool    `json:"depends_on_member_ids"`
			Moved     int      `json:"moved"`
			After     map[string]map[string][]int32
		} `json:"simulation"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 {
		t.Fatalf("exit %d %v\n%s%s", code, err, out, stderr)
	}
	sim := doc.Simulation
	if sim.Join != 1 || strings.Join(sim.JoinIDs, ",") != "c04" || sim.DependsOn == nil || !*sim.DependsOn || len(sim.After["c04"]["topic"]) != 2 ||
		!strings.Contains(strings.Join(doc.Notes, " "), "computed with the --join-id ids as given") {
		t.Fatalf("%+v", doc)
	}
	_, out, _ = run(t, nil, "assign", "--assignor", "range", "--consumers", "3", "--partitions", "8", "--join", "1")
	if !strings.Contains(out, "joiner-N ids were invented here") || !strings.Contains(out, "--join-id") {
		t.Fatalf("invented joiner without a note:\n%s", out)
	}
	for _, c := range []struct{ args, want string }{
		{"--join 1 --join-id a --join-id b", "--join 1 with 2 --join-id: --join counts every joiner"},
		{"--join-id a --join-id a", "--join-id a is given twice"},
		{"--join-id c01", "--join-id c01: already a member of the group"},
	} {
		args := append([]string{"assign", "--consumers", "3", "--partitions", "8"}, strings.Fields(c.args)...)
		if code, _, stderr := run(t, nil, args...); code != ExitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d %s", c.args, code, stderr)
		}
	}
}

// A cooperative preview of one round places the withheld partition.
func TestAssignCooperativeStages(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(file, []byte(`{"assignor": "cooperative-sticky", "topics": {"t": 3}, "members": [
		{"id": "consumer1", "subscription": ["t"], "owned": {"t": [0, 1, 2]}, "generation": 1},
		{"id": "consumer2", "subscription": ["t"]}]}`), 0o644)
	code, out, stderr := run(t, nil, "assign", "--from-file", file)
	if code != 0 || !strings.Contains(out, "TARGET") || !strings.Contains(out, "t/2  revoked from consumer1, lands on consumer2") {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	_, out, _ = run(t, nil, "assign", "--from-file", file, "-o", "json")
	var doc struct {
		Target  map[string]map[string][]int32 `json:"target"`
		Revoked []struct{ Topic, From, To string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Revoked) != 1 || doc.Revoked[0].To != "consumer2" || len(doc.Target["consumer2"]["t"]) != 1 {
		t.Fatalf("%v %s", err, out)
	}
}

// --rack gives members' client.rack; with replica racks, range is rack-aware.
func TestAssignRack(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "s.json")
	os.WriteFile(file, []byte(`{"assignor": "range", "topics": {"t": 4}, "partition_racks": {"t": [["a"], ["b"], ["a"], ["b"]]},
		"members": [{"id": "c1", "subscription": ["t"]}, {"id": "c2", "subscription": ["t"]}]}`), 0o644)
	code, out, stderr := run(t, nil, "assign", "--from-file", file, "--rack", "c1=b", "--rack", "c2=a", "-o", "json")
	var doc struct {
		Assignment map[string]map[string][]int32 `json:"assignment"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 || fmt.Sprint(doc.Assignment["c1"]["t"]) != "[1 3]" || fmt.Sprint(doc.Assignment["c2"]["t"]) != "[0 2]" {
		t.Fatalf("exit %d %v\n%s%s", code, err, out, stderr)
	}
	// Without racks: plain range.
	_, out, _ = run(t, nil, "assign", "--from-file", file, "-o", "json")
	if err := json.Unmarshal([]byte(out), &doc); err != nil || fmt.Sprint(doc.Assignment["c1"]["t"]) != "[0 1]" {
		t.Fatalf("%v %s", err, out)
	}
	for _, c := range []struct{ arg, want string }{
		{"c9=a", "--rack c9=a: no such member (members: c1, c2)"},
		{"c1", `--rack "c1": want MEMBER=RACK`},
	} {
		if code, _, stderr := run(t, nil, "assign", "--from-file", file, "--rack", c.arg); code != ExitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("--rack %s: exit %d %s", c.arg, code, stderr)
		}
	}
	// Other flavours say the racks are ignored.
	_, out, _ = run(t, nil, "assign", "--from-file", file, "--rack", "c1=b", "--client", "librdkafka")
	if !strings.Contains(out, "librdkafka 2.0.2 predates rack-aware assignment") {
		t.Fatalf("%s", out)
	}
}
