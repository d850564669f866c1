package cmd

import (
	"bufio"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/kgroups/kgroups/internal/labtest"
)

func TestStatusExitCodes(t *testing.T) {
	l := labtest.New(t)
	l.Topic("orders", 2, 100)
	l.Commit("caught-up", map[string]map[int32]int64{"orders": {0: 100, 1: 100}})
	l.Commit("stopped", map[string]map[int32]int64{"orders": {0: 10, 1: 100}})
	env := l.Env()
	fast := []string{"--window", "200ms", "--samples", "3"}

	code, out, stderr := run(t, env, append([]string{"status", "caught-up"}, fast...)...)
	if code != 0 || !strings.Contains(out, "caught-up") || !strings.Contains(out, "OK") {
		t.Fatalf("caught up: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, stderr = run(t, env, append([]string{"status", "caught-up", "stopped"}, fast...)...)
	if code != ExitCheck || !strings.Contains(out, "orders/0 STOP: commits stopped") || !strings.Contains(stderr, "stopped ERR (--fail-on warn)") {
		t.Fatalf("stopped: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, _ = run(t, env, append([]string{"status", "stopped", "-o", "json"}, fast...)...)
	var doc struct {
		SchemaVersion int `json:"schema_version"`
		Samples       int `json:"samples"`
		Groups        []struct {
			Status     string `json:"status"`
			Partitions []struct {
				Status   string            `json:"status"`
				Evidence []json.RawMessage `json:"evidence"`
			} `json:"partitions"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != ExitCheck || doc.Samples != 3 || doc.Groups[0].Status != "ERR" ||
		doc.Groups[0].Partitions[0].Status != "STOP" || len(doc.Groups[0].Partitions[0].Evidence) != 3 {
		t.Fatalf("json: %v %s", err, out)
	}
}

func TestDescribeWatchJSONLines(t *testing.T) {
	l := labtest.New(t)
	l.Topic("orders", 2, 50)
	l.Commit("svc", map[string]map[int32]int64{"orders": {0: 10, 1: 50}})
	code, out, stderr := run(t, l.Env(), "describe", "svc", "--watch=100ms", "--count", "3", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	lines := 0
	for sc.Scan() {
		var doc struct {
			SchemaVersion int    `json:"schema_version"`
			IntervalMs    *int64 `json:"interval_ms"`
			Groups        []struct {
				Trend struct {
					Lag         *int64   `json:"lag"`
					ConsumeRate *float64 `json:"consume_rate"`
				} `json:"trend"`
			} `json:"groups"`
		}
		if err := json.Unmarshal(sc.Bytes(), &doc); err != nil {
			t.Fatalf("line %d is not one JSON object: %v\n%s", lines+1, err, sc.Text())
		}
		if *doc.Groups[0].Trend.Lag != 40 || (lines == 0) != (doc.IntervalMs == nil) || (lines > 0 && *doc.Groups[0].Trend.ConsumeRate != 0) {
			t.Fatalf("line %d: %s", lines+1, sc.Text())
		}
		lines++
	}
	if lines != 3 {
		t.Fatalf("%d lines, want 3:\n%s", lines, out)
	}
	// Table mode in a pipe: repeated tables, no escape codes.
	code, out, _ = run(t, l.Env(), "describe", "svc", "--watch=100ms", "--count", "2")
	if code != 0 || strings.Count(out, "GROUP svc") != 2 || strings.Contains(out, "\x1b[") {
		t.Fatalf("table watch: %d\n%q", code, out)
	}
}

func TestDescribeTimeLagColumn(t *testing.T) {
	l := labtest.New(t)
	l.Topic("orders", 1, 10)
	l.Commit("svc", map[string]map[int32]int64{"orders": {0: 4}})
	code, out, stderr := run(t, l.Env(), "describe", "svc", "--time-lag")
	if code != 0 || !strings.Contains(out, "TIME-LAG") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, _ = run(t, l.Env(), "describe", "svc", "--time-lag", "-o", "json")
	if code != 0 || !strings.Contains(out, `"time_lag_method":"record"`) {
		t.Fatalf("json:\n%s", out)
	}
}

// On a terminal, --watch redraws in place (clear screen before each
// refresh) and NO_COLOR keeps it free of colour codes otherwise.
func TestDescribeWatchRedrawsOnTTY(t *testing.T) {
	l := labtest.New(t)
	l.Topic("orders", 1, 5)
	l.Commit("svc", map[string]map[int32]int64{"orders": {0: 2}})
	io, _, out, errOut := Test()
	io.SetStdoutTTY(true)
	env := l.Env()
	env["NO_COLOR"] = "1"
	code := ExecuteWith(context.Background(), io, []string{"describe", "svc", "--watch=100ms", "--count", "2"}, func(k string) string { return env[k] }, BuildInfo{})
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := strings.Count(out.String(), "\x1b[H\x1b[2J"); n != 2 {
		t.Fatalf("%d redraws, want 2:\n%q", n, out.String())
	}
	if strings.Contains(strings.ReplaceAll(out.String(), "\x1b[H\x1b[2J", ""), "\x1b[") {
		t.Fatalf("colour codes with NO_COLOR:\n%q", out.String())
	}
}

// A named group that does not exist never passes status, whatever
// --fail-on says: exit 3, named in words (a typo must not read OK).
func TestStatusMissingGroupNeverPasses(t *testing.T) {
	t.Parallel()
	_, env := resetLab(t)
	code, _, stderr := run(t, env, "status", "svc", "svc-typo", "--fail-on", "never", "--window", "100ms", "--samples", "2")
	if code != ExitPartial || !strings.Contains(stderr, "group svc-typo not found") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}
