package cmd

import (
	"encoding/json"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/internal/lab"
)

// TestFanOutReads: list, describe and status across contexts, one section
// per cluster, a `cluster` key per group in JSON, and a cluster that is
// down never hides the others (exit 3).
func TestFanOutReads(t *testing.T) {
	a := namedCluster(t, "on-a", nil)
	b := namedCluster(t, "on-b", nil)
	cfg := writeContexts(t, `contexts:
  a:
    brokers: [`+a+`]
  b:
    brokers: [`+b+`]
    output: json
  down:
    brokers: [127.0.0.1:1]
    timeout: 2s
  down2:
    brokers: [127.0.0.1:2]
    timeout: 2s
`)
	env := map[string]string{"KGROUPS_CONFIG": cfg}

	t.Run("list table", func(t *testing.T) {
		t.Parallel()
		code, out, stderr := run(t, env, "list", "--context", "a,b", "--verbose") // two clients logging at once
		if !strings.Contains(stderr, "kgo: ") {
			t.Fatalf("--verbose logged nothing: %s", stderr)
		}
		ia, ib := strings.Index(out, "CONTEXT a · "+a), strings.Index(out, "CONTEXT b · "+b)
		if code != 0 || ia < 0 || ib < ia || !strings.Contains(out[ia:ib], "on-a") || !strings.Contains(out[ib:], "on-b") || strings.Contains(out[ib:], "on-a") {
			t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
		}
	})
	t.Run("list json with one cluster down", func(t *testing.T) {
		t.Parallel()
		code, out, stderr := run(t, env, "list", "--context", "down,a", "-o", "json")
		var doc struct {
			SchemaVersion int `json:"schema_version"`
			Clusters      []struct {
				Context string   `json:"context"`
				Brokers []string `json:"brokers"`
				Error   *string  `json:"error"`
			} `json:"clusters"`
			Groups []struct{ Cluster, Group string } `json:"groups"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil || code != ExitPartial {
			t.Fatalf("exit %d %v\n%s\n%s", code, err, out, stderr)
		}
		if doc.SchemaVersion != 1 || len(doc.Clusters) != 2 || doc.Clusters[0].Context != "down" || doc.Clusters[0].Error == nil ||
			doc.Clusters[1].Error != nil || len(doc.Groups) != 1 || doc.Groups[0].Cluster != "a" || doc.Groups[0].Group != "on-a" {
			t.Fatalf("document %+v", doc)
		}
		if !strings.Contains(stderr, "kgroups: partial result: context down: ") || !strings.Contains(stderr, "127.0.0.1:1") {
			t.Fatalf("stderr %q", stderr)
		}
	})
	t.Run("every cluster down", func(t *testing.T) {
		t.Parallel()
		code, _, stderr := run(t, env, "list", "--context", "down,down2")
		if code != ExitError || !strings.Contains(stderr, "context down: ") || !strings.Contains(stderr, "context down2: ") {
			t.Fatalf("exit %d %s", code, stderr)
		}
	})
	t.Run("describe a named group in one of the clusters", func(t *testing.T) {
		t.Parallel()
		code, out, stderr := run(t, env, "describe", "on-b", "--all-contexts", "-o", "json")
		var doc struct {
			Groups []struct {
				Cluster, Group string
				Error          *string
			} `json:"groups"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil || code != ExitPartial {
			t.Fatalf("exit %d %v\n%s\n%s", code, err, out, stderr)
		}
		// Found on b; "not found" on a is dropped; the two clusters that are down make it partial.
		if len(doc.Groups) != 1 || doc.Groups[0].Cluster != "b" || doc.Groups[0].Group != "on-b" || doc.Groups[0].Error != nil {
			t.Fatalf("groups %+v", doc.Groups)
		}
		code, out, _ = run(t, env, "describe", "on-a", "--context", "a,b")
		if code != 0 || !strings.Contains(out, "CONTEXT b · ") || !strings.Contains(out, "GROUP on-a") || strings.Contains(out, "not found") {
			t.Fatalf("table: exit %d\n%s", code, out)
		}
		code, out, stderr = run(t, env, "describe", "nosuch", "--context", "a,b")
		if code != ExitUsage || out != "" || !strings.Contains(stderr, `group "nosuch" not found`) {
			t.Fatalf("found nowhere: exit %d %q %q", code, out, stderr)
		}
	})
	t.Run("status with one cluster down", func(t *testing.T) {
		t.Parallel()
		code, out, stderr := run(t, env, "status", "--all", "--context", "a,down", "--window", "100ms", "--samples", "2")
		if code != ExitPartial || !strings.Contains(out, "CONTEXT a · ") || !strings.Contains(out, "on-a") || !strings.Contains(out, "CONTEXT down · 127.0.0.1:1 · error: ") {
			t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
		}
		code, out, stderr = run(t, env, "status", "nosuch", "--context", "a,b", "--window", "100ms", "--samples", "2")
		if code != ExitUsage || out != "" || !strings.Contains(stderr, `group "nosuch" not found in any context`) {
			t.Fatalf("status found nowhere: exit %d %q %q", code, out, stderr)
		}
		code, out, stderr = run(t, env, "status", "--all", "--context", "a,b", "--window", "100ms", "--samples", "2", "-o", "json")
		var doc struct {
			Groups []struct{ Cluster, Group, Status string } `json:"groups"`
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc.Groups) != 2 || doc.Groups[0].Cluster != "a" || doc.Groups[1].Cluster != "b" {
			t.Fatalf("status json: exit %d %v\n%s\n%s", code, err, out, stderr)
		}
	})
}

// TestFanOutRefused: writes take one cluster, and settings that would point
// every context at one cluster are refused; all exit 2 before any dial.
func TestFanOutRefused(t *testing.T) {
	t.Parallel()
	c, err := lab.NewFake(kfake.SeedTopics(1, "t"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	var requests atomic.Int64
	c.Control(func(kmsg.Request) (kmsg.Response, error, bool) { requests.Add(1); return nil, nil, false })
	brokers := strings.Join(c.ListenAddrs(), ",")
	cfg := writeContexts(t, "contexts:\n  a:\n    brokers: ["+brokers+"]\n  b:\n    brokers: ["+brokers+"]\n")
	for _, bad := range []struct {
		args string
		env  map[string]string
		want string
	}{
		{"reset-offsets g --all-topics --to-earliest --execute --context a,b", nil, "--context a,b names several clusters: only list, describe and status read several at once"},
		{"delete g --all-contexts", nil, "--all-contexts names several clusters"},
		{"delete-offsets g --topic t --context a,b", nil, "names several clusters"},
		{"explain --group g --context a,b", nil, "names several clusters"},
		{"serve --all-groups --listen 127.0.0.1:0 --context a,b", nil, "names several clusters"},
		{"list --context a,b -b " + brokers, nil, "-b/--brokers would override the brokers of every context"},
		{"list --all-contexts", map[string]string{"KGROUPS_BROKERS": brokers}, "KGROUPS_BROKERS is set and would override"},
		{"list --all-contexts --context a", nil, "do not also give --context"},
		{"list --context a,a", nil, `--context names "a" twice`},
		{"list --context a,c", nil, `--context "c": no such context`},
		{"describe g --watch --context a,b", nil, "--watch follows one cluster"},
	} {
		e := map[string]string{"KGROUPS_CONFIG": cfg}
		for k, v := range bad.env {
			e[k] = v
		}
		code, out, stderr := run(t, e, strings.Fields(bad.args)...)
		if code != ExitUsage || out != "" || !strings.Contains(stderr, bad.want) {
			t.Fatalf("%s: exit %d %q %q, want %q", bad.args, code, out, stderr, bad.want)
		}
	}
	if n := requests.Load(); n != 0 {
		t.Fatalf("refused commands sent %d requests", n)
	}
}

// TestWarnfUnderFanOutWriter: warnings from the clusters' goroutines go
// through the fan-out's locked stderr without deadlock or lost lines.
func TestWarnfUnderFanOutWriter(t *testing.T) {
	t.Parallel()
	io, _, _, errOut := Test()
	f := NewFactory(io, func(string) string { return "" })
	f.IO.ErrOut = lockedWriter{mu: &f.outMu, w: f.IO.ErrOut}
	done := make(chan struct{})
	go func() {
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() { defer wg.Done(); f.Warnf("from cluster %d", i) }()
		}
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Warnf deadlocked under the fan-out writer")
	}
	if n := strings.Count(errOut.String(), "warning: from cluster "); n != 8 {
		t.Fatalf("%d of 8 warnings:\n%s", n, errOut)
	}
}

// TestFanOutFilters: --lag applies in every cluster's section.
func TestFanOutFilters(t *testing.T) {
	t.Parallel()
	ca, _ := fakeCluster(t)
	cb, _ := fakeCluster(t)
	seed(t, ca.ListenAddrs())
	seed(t, cb.ListenAddrs())
	cfg := writeContexts(t, "contexts:\n  a:\n    brokers: ["+strings.Join(ca.ListenAddrs(), ",")+"]\n  b:\n    brokers: ["+strings.Join(cb.ListenAddrs(), ",")+"]\n")
	code, out, stderr := run(t, map[string]string{"KGROUPS_CONFIG": cfg}, "describe", "--all", "--all-contexts", "--lag", ">0", "-o", "json")
	var doc struct {
		Groups []struct{ Cluster, Group string } `json:"groups"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 {
		t.Fatalf("exit %d %v\n%s\n%s", code, err, out, stderr)
	}
	if len(doc.Groups) != 2 || doc.Groups[0] != (struct{ Cluster, Group string }{"a", "billing"}) || doc.Groups[1] != (struct{ Cluster, Group string }{"b", "billing"}) {
		t.Fatalf("--lag >0 across clusters kept %+v (want billing on a and on b; shipping has no lag)", doc.Groups)
	}
}
