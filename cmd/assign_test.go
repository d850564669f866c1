package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/internal/lab"
	"github.com/kgroups/kgroups/internal/labtest"
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

// compareHeader is the compare table's header cells.
func compareHeader(out string) []string {
	line, _, _ := strings.Cut(out, "\n")
	return regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(line), -1)
}

// --compare shows exactly the assignors asked for, each once, in order:
// the --assignor default (range) is not a column of its own.
func TestAssignCompareColumns(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--compare", "range,roundrobin,sticky,cooperative-sticky"}, "MEMBER|RANGE (java)|ROUNDROBIN (java)|STICKY (java)|COOPERATIVE-STICKY (java)"},
		{[]string{"--compare", "roundrobin,sticky"}, "MEMBER|ROUNDROBIN (java)|STICKY (java)"},
		{[]string{"--assignor", "sticky", "--compare", "range,sticky"}, "MEMBER|STICKY (java)|RANGE (java)"},
		{[]string{"--assignor", "range", "--compare", "roundrobin"}, "MEMBER|RANGE (java)|ROUNDROBIN (java)"},
		{[]string{"--compare", " RoundRobin , range"}, "MEMBER|ROUNDROBIN (java)|RANGE (java)"},
	} {
		args := append([]string{"assign", "--consumers", "3", "--topic", "orders=12"}, c.args...)
		code, out, stderr := run(t, nil, args...)
		if got := strings.Join(compareHeader(out), "|"); code != 0 || got != c.want {
			t.Errorf("%v: exit %d, columns %s, want %s\n%s%s", c.args, code, got, c.want, out, stderr)
		}
	}
	code, out, _ := run(t, nil, "assign", "--consumers", "3", "--topic", "orders=12", "--compare", "range,roundrobin,sticky", "-o", "json")
	var doc struct {
		Assignor string `json:"assignor"`
		Compare  []struct {
			Assignor string `json:"assignor"`
		} `json:"compare"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 || doc.Assignor != "range" || len(doc.Compare) != 2 ||
		doc.Compare[0].Assignor != "roundrobin" || doc.Compare[1].Assignor != "sticky" {
		t.Fatalf("json: exit %d %v\n%s", code, err, out)
	}
	code, _, stderr := run(t, nil, "assign", "--consumers", "3", "--partitions", "6", "--compare", "range,roundrobin,range")
	if code != ExitUsage || !strings.Contains(stderr, `--compare "range,roundrobin,range": range is given twice`) {
		t.Fatalf("duplicate: exit %d\n%s", code, stderr)
	}
}

// The footer's per-topic line counts every member that subscribes, idle
// ones included: it never contradicts the header's member count.
func TestAssignFooterCountsIdleMembers(t *testing.T) {
	t.Parallel()
	code, out, stderr := run(t, nil, "assign", "--consumers", "20", "--partitions", "12")
	if code != 0 || !strings.Contains(out, "· 20 members ·") ||
		!strings.Contains(out, "per topic: topic 12 on 12 of 20 members (0–1; 8 get none)") || strings.Contains(out, "over 12 members") {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = run(t, nil, "assign", "--consumers", "3", "--partitions", "12")
	if code != 0 || !strings.Contains(out, "per topic: topic 12 over 3 members (4–4)") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	code, out, _ = run(t, nil, "assign", "--consumers", "20", "--partitions", "12", "-o", "json")
	var doc struct {
		Stats struct {
			PerTopic map[string]struct{ Members, Subscribers int } `json:"per_topic"`
		} `json:"stats"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 || doc.Stats.PerTopic["topic"].Members != 12 || doc.Stats.PerTopic["topic"].Subscribers != 20 {
		t.Fatalf("json: %v\n%s", err, out)
	}
}

// A KIP-848 group is previewed with the broker's assignor it reports
// (kgo asks for range with its range balancer, uniform with sticky), not
// a client-side one, and the output says so.
func TestAssignFromGroupKIP848UsesServerAssignor(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("clicks", 3, 10)
	l.Member(lab.MemberSpec{Group: "k-range", Topics: []string{"clicks"}, ClientID: "kr-1", KIP848: true})
	l.Member(lab.MemberSpec{Group: "k-uniform", Topics: []string{"clicks"}, ClientID: "ku-1", KIP848: true, Balancer: kgo.CooperativeStickyBalancer()})
	l.Member(lab.MemberSpec{Group: "classic", Topics: []string{"clicks"}, ClientID: "cl-1"})
	l.WaitAssigned("k-range", 1, 3)
	l.WaitAssigned("k-uniform", 1, 3)
	l.WaitAssigned("classic", 1, 3)
	env := l.Env()
	type doc struct {
		Assignor string   `json:"assignor"`
		Notes    []string `json:"notes"`
	}
	for _, c := range []struct{ group, want, note string }{
		{"k-range", "server-range", "k-range is a KIP-848 group (type consumer): the broker assigns its partitions with its range assignor, previewed as server-range"},
		{"k-uniform", "uniform", "k-uniform is a KIP-848 group (type consumer): the broker assigns its partitions with its uniform assignor, previewed as uniform"},
		{"classic", "range", ""},
	} {
		code, out, stderr := run(t, env, "assign", "--from-group", c.group, "-o", "json")
		var d doc
		if err := json.Unmarshal([]byte(out), &d); err != nil || code != 0 || d.Assignor != c.want {
			t.Fatalf("%s: exit %d %v, assignor %q want %q\n%s%s", c.group, code, err, d.Assignor, c.want, out, stderr)
		}
		notes := strings.Join(d.Notes, "\n")
		if (c.note == "") != !strings.Contains(notes, "KIP-848 group") || !strings.Contains(notes, c.note) {
			t.Fatalf("%s: notes %q, want %q", c.group, notes, c.note)
		}
	}
	code, out, _ := run(t, env, "assign", "--from-group", "k-range")
	if code != 0 || !strings.Contains(out, "ASSIGNOR server-range (broker, KIP-848)") || !strings.Contains(out, "note: k-range is a KIP-848 group") {
		t.Fatalf("table: exit %d\n%s", code, out)
	}
	// An explicit --assignor is honoured, and the note says what the broker uses.
	code, out, _ = run(t, env, "assign", "--from-group", "k-range", "--assignor", "cooperative-sticky", "-o", "json")
	var d doc
	if err := json.Unmarshal([]byte(out), &d); err != nil || code != 0 || d.Assignor != "cooperative-sticky" ||
		!strings.Contains(strings.Join(d.Notes, "\n"), "k-range is a KIP-848 group (type consumer): the broker assigns its partitions with its range assignor (server-range); this preview uses --assignor cooperative-sticky as asked") {
		t.Fatalf("explicit: exit %d %v\n%s", code, err, out)
	}
}
