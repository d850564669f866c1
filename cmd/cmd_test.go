package cmd

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/completions"
	"github.com/kgroups/kgroups/internal/lab"
)

// run executes kgroups in-process with an environment of its own.
func run(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	io, _, out, errOut := Test()
	// Undo files written without --undo-file never land in the package
	// directory: a test that gives no undo directory gets one of its own.
	undoDir := ""
	if env["KGROUPS_UNDO_DIR"] == "" && env["XDG_STATE_HOME"] == "" && env["HOME"] == "" {
		undoDir = t.TempDir()
	}
	getenv := func(k string) string {
		if k == "KGROUPS_UNDO_DIR" && undoDir != "" {
			return undoDir
		}
		return env[k]
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	code = ExecuteWith(ctx, io, args, getenv, BuildInfo{})
	return code, out.String(), errOut.String()
}

// fakeCluster starts kfake with a topic and two groups.
func fakeCluster(t *testing.T, opts ...kfake.Opt) (*kfake.Cluster, map[string]string) {
	t.Helper()
	c, err := lab.NewFake(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, map[string]string{"KGROUPS_BROKERS": strings.Join(c.ListenAddrs(), ","), "KGROUPS_UNDO_DIR": t.TempDir()}
}

func seed(t *testing.T, brokers []string) {
	t.Helper()
	cl, err := lab.Client(brokers)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	adm := kadm.NewClient(cl)
	if err := lab.CreateTopic(ctx, adm, "orders", 3, nil); err != nil {
		t.Fatal(err)
	}
	for p := int32(0); p < 3; p++ {
		if err := lab.Produce(ctx, cl, "orders", p, 10, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := lab.Commit(ctx, adm, "billing", map[string]map[int32]int64{"orders": {0: 4, 1: 10, 2: 10}}); err != nil {
		t.Fatal(err)
	}
	if err := lab.Commit(ctx, adm, "shipping", map[string]map[int32]int64{"orders": {0: 10}}); err != nil {
		t.Fatal(err)
	}
}

func TestNewCmdDescribeFlags(t *testing.T) {
	cases := []struct {
		args    string
		wantErr string
		check   func(*DescribeOptions) bool
	}{
		{args: "g1 g2", check: func(o *DescribeOptions) bool { return len(o.Groups) == 2 && !o.All }},
		{args: "--all --state", check: func(o *DescribeOptions) bool { return o.All && o.State }},
		{args: "--regex ^a --members --topic t", check: func(o *DescribeOptions) bool { return o.Regex == "^a" && o.Members && o.Topic == "t" }},
		{args: "g --isolation read_committed", check: func(o *DescribeOptions) bool { return o.Isolation == "read_committed" }},
		{args: "", wantErr: "name at least one group"},
		{args: "g --all", wantErr: "--all-groups describes every group"},
		{args: "--all-groups", check: func(o *DescribeOptions) bool { return o.All }},
		{args: "g --topic t:1,3-4", check: func(o *DescribeOptions) bool {
			return o.topicName == "t" && len(o.topicPartitions) == 3 && o.topicPartitions[2] == 4
		}},
		{args: "g g", wantErr: `group "g" is named twice`},
		{args: "--regex (", wantErr: "--regex"},
		{args: "g --isolation dirty", wantErr: `--isolation "dirty" is not valid`},
		{args: "g --members --state", wantErr: "none of the others can be"},
	}
	for _, c := range cases {
		t.Run(c.args, func(t *testing.T) {
			io, _, _, _ := Test()
			f := NewFactory(io, func(string) string { return "" })
			var got *DescribeOptions
			cmd := NewCmdDescribe(f, completions.New(nil), func(o *DescribeOptions) error { got = o; return nil })
			cmd.SetArgs(strings.Fields(c.args))
			cmd.SetOut(io.Out)
			cmd.SetErr(io.ErrOut)
			err := cmd.Execute()
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want %q", err, c.wantErr)
				}
				return
			}
			if err != nil || got == nil || !c.check(got) {
				t.Fatalf("err %v opts %+v", err, got)
			}
		})
	}
}

// An unreachable cluster is a runtime error (exit 1), not bad input; the
// bad-input catalogue (exit 2) is in catalogue_test.go.
func TestUnreachableCluster(t *testing.T) {
	code, stdout, stderr := run(t, map[string]string{"KGROUPS_BROKERS": "127.0.0.1:1"}, "list", "--timeout", "2s")
	if code != ExitError || !strings.HasPrefix(stderr, "kgroups: ") || !strings.Contains(stderr, "127.0.0.1:1") || stdout != "" {
		t.Fatalf("exit %d stdout %q stderr %q", code, stdout, stderr)
	}
}

func TestListAndDescribeAgainstKfake(t *testing.T) {
	c, env := fakeCluster(t)
	seed(t, c.ListenAddrs())

	code, out, stderr := run(t, env, "list", "--lag")
	if code != 0 {
		t.Fatalf("list exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "GROUP") || !strings.Contains(out, "billing") || !strings.Contains(out, "TOTAL-LAG") {
		t.Fatalf("list output:\n%s", out)
	}

	code, out, stderr = run(t, env, "describe", "--all", "-o", "json")
	if code != 0 {
		t.Fatalf("describe exit %d: %s", code, stderr)
	}
	var doc struct {
		SchemaVersion int `json:"schema_version"`
		Groups        []struct {
			Group    string `json:"group"`
			TotalLag *int64 `json:"total_lag"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc.SchemaVersion != 1 || len(doc.Groups) != 2 || doc.Groups[0].Group != "billing" || *doc.Groups[0].TotalLag != 6 {
		t.Fatalf("document %+v", doc)
	}

	// One group known and one not: output for the known one, exit 3.
	code, out, stderr = run(t, env, "describe", "billing", "nosuch")
	if code != 3 || !strings.Contains(out, "GROUP billing") || !strings.Contains(stderr, "not found: nosuch") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, stderr)
	}

	code, out, _ = run(t, env, "list", "--topic", "orders", "-o", "json", "--state", "EMPTY")
	if code != 0 || !strings.Contains(out, `"group":"shipping"`) {
		t.Fatalf("list --topic: exit %d %s", code, out)
	}
}

// TestHelpAndCompletionNeverDial counts every request the cluster gets.
func TestHelpAndCompletionNeverDial(t *testing.T) {
	c, env := fakeCluster(t)
	var n atomic.Int64
	c.Control(func(kmsg.Request) (kmsg.Response, error, bool) { n.Add(1); return nil, nil, false })
	for _, args := range [][]string{
		{"--help"}, {"describe", "--help"}, {"list", "-h"}, {"completion", "bash"}, {"completion", "zsh"},
		{"__complete", "describe", "--output", ""}, {"--version"},
	} {
		code, out, stderr := run(t, env, args...)
		if code != 0 || out == "" {
			t.Fatalf("%v: exit %d, stdout %d bytes, stderr %s", args, code, len(out), stderr)
		}
	}
	if got := n.Load(); got != 0 {
		t.Fatalf("help/completion sent %d requests to the cluster", got)
	}
}

func TestDynamicCompletion(t *testing.T) {
	c, env := fakeCluster(t)
	seed(t, c.ListenAddrs())
	code, out, _ := run(t, env, "__complete", "describe", "bil")
	if code != 0 || !strings.Contains(out, "billing\tEmpty") || strings.Contains(out, "shipping") {
		t.Fatalf("group completion: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, env, "__complete", "describe", "billing", "")
	if code != 0 || strings.Contains(out, "billing\t") || !strings.Contains(out, "shipping") {
		t.Fatalf("already-named group offered again:\n%s", out)
	}
	code, out, _ = run(t, env, "__complete", "list", "--topic", "or")
	if code != 0 || !strings.Contains(out, "orders") {
		t.Fatalf("topic completion:\n%s", out)
	}
	// An unreachable cluster: no error text, the error directive (:1).
	// How quickly it gives up (completions.Timeout) is measured, not asserted.
	code, out, stderr := run(t, map[string]string{"KGROUPS_BROKERS": "127.0.0.1:1"}, "__complete", "describe", "")
	if code != 0 || !strings.HasSuffix(strings.TrimSpace(out), ":1") || strings.Contains(out, "kgroups:") {
		t.Fatalf("unreachable completion: exit %d out %q err %q", code, out, stderr)
	}
}
