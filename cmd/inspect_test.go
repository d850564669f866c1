package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/kgroups/kgroups/internal/lab"
	"github.com/kgroups/kgroups/internal/labtest"
)

// neverCommittedLab has group etl: two live kgo members that consume
// topic0 but never commit, over 2 partitions of 4,000 records each.
func neverCommittedLab(t *testing.T) *labtest.Lab {
	t.Helper()
	l := labtest.New(t)
	l.Topic("topic0", 2, 4000)
	l.Member(lab.MemberSpec{Group: "etl", Topics: []string{"topic0"}, ClientID: "etl-1"})
	l.Member(lab.MemberSpec{Group: "etl", Topics: []string{"topic0"}, ClientID: "etl-2"})
	l.WaitAssigned("etl", 2, 2)
	return l
}

func TestDescribeNeverCommittedIsUnknownNotZero(t *testing.T) {
	t.Parallel()
	l := neverCommittedLab(t)
	code, out, stderr := run(t, l.Env(), "describe", "etl", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Groups []struct {
			TotalLag *int64 `json:"total_lag"`
			Members  []struct {
				Lag *int64 `json:"lag"`
			} `json:"members"`
			Summary struct {
				LagByTopic []struct {
					Lag     *int64 `json:"lag"`
					Backlog *int64 `json:"uncommitted_backlog"`
				} `json:"lag_by_topic"`
				LagByMember []struct {
					Lag     *int64 `json:"lag"`
					Backlog *int64 `json:"uncommitted_backlog"`
				} `json:"lag_by_member"`
				MaxLag  *json.RawMessage `json:"max_lag"`
				Backlog int64            `json:"uncommitted_backlog"`
			} `json:"summary"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	g := doc.Groups[0]
	if g.TotalLag != nil || g.Summary.MaxLag != nil || g.Summary.Backlog != 8000 {
		t.Fatalf("total %v max %v backlog %d, want null null 8000", g.TotalLag, g.Summary.MaxLag, g.Summary.Backlog)
	}
	for _, m := range g.Members {
		if m.Lag != nil {
			t.Fatalf("member lag %d, want null", *m.Lag)
		}
	}
	for _, r := range g.Summary.LagByTopic {
		if r.Lag != nil || r.Backlog == nil || *r.Backlog != 8000 {
			t.Fatalf("lag_by_topic %+v", r)
		}
	}
	for _, r := range g.Summary.LagByMember {
		if r.Lag != nil || r.Backlog == nil || *r.Backlog != 4000 {
			t.Fatalf("lag_by_member lag %v backlog %v, want null and 4000", r.Lag, r.Backlog)
		}
	}

	code, out, _ = run(t, l.Env(), "describe", "etl")
	if code != 0 || !strings.Contains(out, "lag - (never committed: backlog 8,000)") ||
		!strings.Contains(out, "etl-1 - (never committed: backlog 4,000)") || strings.Contains(out, "etl-1 0") {
		t.Fatalf("table:\n%s", out)
	}
}

func TestStatusNeverCommittedIsNotOK(t *testing.T) {
	t.Parallel()
	l := neverCommittedLab(t)
	code, out, stderr := run(t, l.Env(), "status", "etl", "--window", "100ms", "--samples", "2")
	if code != ExitCheck || !strings.Contains(out, "never committed; 4,000 records waiting") || strings.Contains(out, " OK ") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
}

// oneDocument fails unless stdout is exactly one JSON or YAML document with
// schema_version 1.
func oneDocument(t *testing.T, format, stdout string) map[string]any {
	t.Helper()
	var first map[string]any
	var rest any
	switch format {
	case "json":
		dec := json.NewDecoder(strings.NewReader(stdout))
		if err := dec.Decode(&first); err != nil {
			t.Fatalf("no JSON document: %v\n%s", err, stdout)
		}
		if err := dec.Decode(&rest); err != io.EOF {
			t.Fatalf("more than one JSON document (%v):\n%s", err, stdout)
		}
	case "yaml":
		dec := yaml.NewDecoder(strings.NewReader(stdout))
		if err := dec.Decode(&first); err != nil {
			t.Fatalf("no YAML document: %v\n%s", err, stdout)
		}
		if err := dec.Decode(&rest); err != io.EOF {
			t.Fatalf("more than one YAML document (%v):\n%s", err, stdout)
		}
	}
	if v, ok := first["schema_version"].(float64); ok && v == 1 {
		return first
	}
	if v, ok := first["schema_version"].(int); ok && v == 1 {
		return first
	}
	t.Fatalf("document without schema_version 1:\n%s", stdout)
	return nil
}

// Every command that takes -o prints one document even when every group it
// was asked about is unknown, with the exit code it has without -o.
func TestOneDocumentForUnknownGroups(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("orders", 1, 10)
	cases := [][]string{
		{"list", "--state", "Dead"},
		{"describe", "nosuch"},
		{"describe", "nosuch", "--state"},
		{"describe", "--regex", "^nosuch$"},
		{"status", "nosuch", "--window", "50ms", "--samples", "2"},
		{"reset-offsets", "nosuch", "--to-earliest", "--all-topics"},
		{"reset-offsets", "nosuch", "--to-earliest", "--topic", "orders", "--execute"},
		{"delete", "nosuch"},
		{"delete-offsets", "nosuch", "--topic", "orders"},
		{"explain", "--group", "nosuch"},
		{"assign", "--from-group", "nosuch"},
	}
	for _, args := range cases {
		code, _, _ := run(t, l.Env(), args...)
		for _, format := range []string{"json", "yaml"} {
			got, out, stderr := run(t, l.Env(), append(args, "-o", format)...)
			if got != code {
				t.Errorf("%v -o %s: exit %d, without -o %d", args, format, got, code)
			}
			doc := oneDocument(t, format, out)
			if code != 0 && doc["groups"] == nil && doc["error"] == nil {
				t.Errorf("%v -o %s: exit %d but the document names no error:\n%s", args, format, code, out)
			}
			if code != 0 && !strings.Contains(stderr, "kgroups: ") {
				t.Errorf("%v -o %s: no error line on stderr", args, format)
			}
		}
	}
	// The describe document carries the unknown group with its error.
	_, out, _ := run(t, l.Env(), "describe", "nosuch", "-o", "json")
	if !strings.Contains(out, `"error":"group not found"`) {
		t.Fatalf("describe nosuch:\n%s", out)
	}
}

// --color always beats NO_COLOR (an explicit flag wins); NO_COLOR still
// turns auto colour off, even with CLICOLOR_FORCE.
func TestColorFlagBeatsEnvironment(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("orders", 1, 10)
	l.Commit("svc", map[string]map[int32]int64{"orders": {0: 4}})
	env := l.Env()
	env["NO_COLOR"] = "1"
	env["CLICOLOR_FORCE"] = "1"
	if _, out, _ := run(t, env, "describe", "svc", "--color", "always"); !strings.Contains(out, "\x1b[") {
		t.Fatalf("--color always with NO_COLOR=1: no colour\n%q", out)
	}
	if _, out, _ := run(t, env, "describe", "svc"); strings.Contains(out, "\x1b[") {
		t.Fatalf("auto with NO_COLOR=1: colour\n%q", out)
	}
	env["NO_COLOR"] = ""
	if _, out, _ := run(t, env, "describe", "svc"); !strings.Contains(out, "\x1b[") {
		t.Fatalf("auto with empty NO_COLOR and CLICOLOR_FORCE=1: no colour\n%q", out)
	}
}

// One name per idea: --all-groups everywhere (--all a hidden alias),
// --fail-on error|warn|info|never (old "err" accepted), --topic t:1 on
// describe like reset, and a named group is never "not matched" by --topic.
func TestConsistentFlags(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("orders", 3, 10)
	l.Commit("svc", map[string]map[int32]int64{"orders": {0: 4, 1: 5, 2: 6}})
	l.Commit("stopped", map[string]map[int32]int64{"orders": {0: 1}})
	l.Topic("unused", 1, 1)
	env := l.Env()

	for _, cmdline := range [][]string{
		{"describe", "--all-groups", "-o", "json"}, {"describe", "--all", "-o", "json"},
		{"status", "--all-groups", "--window", "50ms", "--samples", "2", "--fail-on", "never", "-o", "json"},
		{"status", "--all", "--window", "50ms", "--samples", "2", "--fail-on", "never", "-o", "json"},
	} {
		code, out, stderr := run(t, env, cmdline...)
		if code != 0 || !strings.Contains(out, `"group":"svc"`) || !strings.Contains(out, `"group":"stopped"`) {
			t.Fatalf("%v: exit %d\n%s%s", cmdline, code, out, stderr)
		}
	}
	_, help, _ := run(t, env, "describe", "--help")
	if !strings.Contains(help, "--all-groups") || strings.Contains(help, "--all ") {
		t.Fatalf("describe --help should show --all-groups and hide --all:\n%s", help)
	}

	// --fail-on: the same words on status and explain; "err" still works.
	fast := []string{"--window", "50ms", "--samples", "2"}
	for _, c := range []struct {
		failOn string
		want   int
	}{{"error", ExitCheck}, {"err", ExitCheck}, {"warn", ExitCheck}, {"info", ExitCheck}, {"never", 0}} {
		if code, _, stderr := run(t, env, append([]string{"status", "stopped", "--fail-on", c.failOn}, fast...)...); code != c.want {
			t.Errorf("status --fail-on %s: exit %d, want %d (%s)", c.failOn, code, c.want, stderr)
		}
	}
	if code, _, stderr := run(t, env, "explain", "--fail-on", "err"); code != 0 && code != ExitCheck {
		t.Errorf("explain --fail-on err: exit %d (%s)", code, stderr)
	}

	// describe --topic orders:1,2 keeps those partitions only.
	code, out, _ := run(t, env, "describe", "svc", "--topic", "orders:1,2", "-o", "json")
	var doc struct {
		Groups []struct {
			TotalLag   *int64 `json:"total_lag"`
			Partitions []struct {
				Partition int32 `json:"partition"`
			} `json:"partitions"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 {
		t.Fatalf("exit %d %v", code, err)
	}
	if ps := doc.Groups[0].Partitions; len(ps) != 2 || ps[0].Partition != 1 || ps[1].Partition != 2 || *doc.Groups[0].TotalLag != 9 {
		t.Fatalf("--topic orders:1,2 rows %+v total %v", ps, *doc.Groups[0].TotalLag)
	}
	// A named group that does not use the topic is shown, not "not matched".
	code, out, stderr := run(t, env, "describe", "svc", "--topic", "unused")
	if code != 0 || strings.Contains(stderr, "No groups matched") || !strings.Contains(out, "GROUP svc") ||
		!strings.Contains(stderr, "group svc has no committed or assigned partitions in --topic unused") {
		t.Fatalf("describe svc --topic unused: exit %d\n%s%s", code, out, stderr)
	}
	// A topic that does not exist is bad input, as in reset-offsets.
	if code, _, stderr := run(t, env, "describe", "svc", "--topic", "nosuch"); code != ExitUsage || !strings.Contains(stderr, "--topic nosuch: topic does not exist") {
		t.Fatalf("describe svc --topic nosuch: exit %d %s", code, stderr)
	}
	// --all-groups --topic still narrows to the groups that use it.
	if code, _, stderr := run(t, env, "describe", "--all-groups", "--topic", "unused"); code != 0 || !strings.Contains(stderr, "No groups matched") {
		t.Fatalf("--all-groups --topic unused: exit %d %s", code, stderr)
	}
	// The state view names the coordinator as host:port (id).
	_, out, _ = run(t, env, "describe", "svc", "--state")
	if !strings.Contains(out, "COORDINATOR (ID)") || !strings.Contains(out, l.Brokers[0]+" (") {
		t.Fatalf("state view:\n%s", out)
	}
}

// --lag, --sort and --by on kfake groups with known lags:
// big lag 90 (orders 80 + audit 10), small lag 3, zero lag 0, never
// committed (unknown).
func TestFindTheGroupsThatMatter(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("orders", 2, 50)
	l.Topic("audit", 1, 10)
	l.Commit("big", map[string]map[int32]int64{"orders": {0: 10, 1: 10}, "audit": {0: 0}})
	l.Commit("small", map[string]map[int32]int64{"orders": {0: 47, 1: 50}})
	l.Commit("zero", map[string]map[int32]int64{"orders": {0: 50, 1: 50}})
	l.Member(lab.MemberSpec{Group: "never", Topics: []string{"audit"}, ClientID: "never-1"})
	l.WaitAssigned("never", 1, 1)
	env := l.Env()
	groups := func(args ...string) string {
		t.Helper()
		code, out, stderr := run(t, env, append(args, "-o", "json")...)
		if code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, stderr)
		}
		var doc struct {
			Groups []struct {
				Group      string            `json:"group"`
				Partitions []json.RawMessage `json:"partitions"`
			} `json:"groups"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		s := ""
		for _, g := range doc.Groups {
			s += fmt.Sprintf("%s/%d ", g.Group, len(g.Partitions))
		}
		return strings.TrimSpace(s)
	}
	if got := groups("describe", "--all-groups", "--sort", "lag"); got != "big/3 small/2 zero/2 never/1" {
		t.Fatalf("--sort lag: %s", got)
	}
	if got := groups("describe", "--all-groups", "--lag", ">5", "--sort", "name"); got != "big/3" {
		t.Fatalf("--lag >5: %s", got)
	}
	// Rows are filtered too: of big's partitions only those with lag > 20 (orders 40, 40).
	if got := groups("describe", "--all-groups", "--lag", ">20"); got != "big/2" {
		t.Fatalf("--lag >20: %s", got)
	}
	if got := groups("describe", "--all-groups", "--lag", "<5", "--sort", "name"); got != "small/2 zero/2" {
		t.Fatalf("--lag <5 (unknown never matches): %s", got)
	}
	if got := groups("describe", "--all-groups", "--lag", "=0"); got != "zero/2" {
		t.Fatalf("--lag =0: %s", got)
	}
	if got := groups("describe", "--all-groups", "--sort", "state"); !strings.HasPrefix(got, "big/3 small/2 zero/2") || !strings.HasSuffix(got, "never/1") {
		t.Fatalf("--sort state (Empty before Stable): %s", got)
	}
	if got := groups("list", "--lag=>=3", "--sort", "lag"); got != "big/0 small/0" {
		t.Fatalf("list --lag=>=3: %s", got)
	}
	// "--lag '>=3'" with a space works on list too.
	if code, out, _ := run(t, env, "list", "--lag", ">=3", "--sort", "name"); code != 0 || !strings.Contains(out, "big") || strings.Contains(out, "zero") {
		t.Fatalf("list --lag >=3:\n%s", out)
	}

	code, out, _ := run(t, env, "describe", "--all-groups", "--by", "topic", "--sort", "name")
	if code != 0 || !regexp.MustCompile(`(?m)^big +audit +1 +10 +-$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^big +orders +2 +80 +-$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^never +audit +1 +- +10$`).MatchString(out) {
		t.Fatalf("--by topic:\n%s", out)
	}
	code, out, _ = run(t, env, "describe", "--all-groups", "--by", "group", "--sort", "lag")
	if code != 0 || !regexp.MustCompile(`(?m)^big +Empty +3 +90 +-\n small|^big +Empty +3 +90 +-$`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^never +Stable +1 +- +10$`).MatchString(out) {
		t.Fatalf("--by group:\n%s", out)
	}
	code, out, _ = run(t, env, "describe", "never", "--by", "member")
	if code != 0 || !regexp.MustCompile(`(?m)^never +\S+ +never-1 +1 +- +10$`).MatchString(out) {
		t.Fatalf("--by member:\n%s", out)
	}
}

// runTTY is run with stdout a terminal of the given width.
func runTTY(t *testing.T, env map[string]string, width int, args ...string) (int, string, string) {
	t.Helper()
	io, _, out, errOut := Test()
	io.SetStdoutTTY(true)
	io.SetTerminalWidth(width)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code := ExecuteWith(ctx, io, args, func(k string) string { return env[k] }, BuildInfo{})
	return code, out.String(), errOut.String()
}

// On a terminal every line fits the IOStreams width; a pipe gets the full
// names.
func TestTerminalWidthFromIOStreams(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	const topic = "payments.transactions.settled.eu-west-1.v2"
	const group = "settlement-reconciliation-nightly-batch-eu-west-1"
	l.Topic(topic, 2, 100)
	l.Commit(group, map[string]map[int32]int64{topic: {0: 10}})
	l.Member(lab.MemberSpec{Group: "live-" + group, Topics: []string{topic}, ClientID: "settlement-reconciler-instance-0123456789abcdef"})
	l.WaitAssigned("live-"+group, 1, 2)
	env := l.Env()
	env["NO_COLOR"] = "1"
	cmds := [][]string{
		{"describe", "--all-groups"}, {"describe", "--all-groups", "--members"}, {"describe", "--all-groups", "--state"},
		{"describe", "--all-groups", "--by", "member"}, {"list", "--lag"},
		{"status", group, "--window", "50ms", "--samples", "2"},
	}
	for _, width := range []int{80, 120} {
		for _, args := range cmds {
			_, out, stderr := runTTY(t, env, width, args...)
			if out == "" {
				t.Fatalf("%v: no output (%s)", args, stderr)
			}
			for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
				if n := len([]rune(line)); n > width {
					t.Errorf("%v at %d columns: line of %d: %q", args, width, n, line)
				}
			}
		}
	}
	_, out, _ := run(t, env, "describe", "--all-groups", "--state")
	if !strings.Contains(out, group) || strings.Contains(out, "…") {
		t.Fatalf("pipe shortened a name:\n%s", out)
	}
	_, out, _ = run(t, env, "status", group, "--window", "50ms", "--samples", "2")
	if !strings.Contains(out, topic+"/0 STOP: commits stopped") {
		t.Fatalf("pipe lost the reason:\n%s", out)
	}
}
