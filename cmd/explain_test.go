package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/internal/labtest"
)

func TestExplainExitCodes(t *testing.T) {
	props := filepath.Join(t.TempDir(), "consumer.properties")
	os.WriteFile(props, []byte("heartbeat.interval.ms=20000\nsession.timeout.ms=45000\npartition.assignment.strategy=range\n"), 0o644)
	bad := []string{"explain", "--config", props, "--record-latency", "1s", "--consumers", "8", "--partitions", "6"}

	code, out, stderr := run(t, nil, bad...)
	if code != ExitCheck || !strings.Contains(out, "[poll-budget]") || !strings.Contains(stderr, "findings at or above --fail-on error") {
		t.Fatalf("bad config: exit %d\n%s\n%s", code, out, stderr)
	}
	if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, "heartbeat.interval.ms 20 s ("+props+":1)") {
		t.Fatalf("finding does not name the file and line:\n%s", out)
	}
	if code, _, _ := run(t, nil, append(bad, "--fail-on", "never")...); code != 0 {
		t.Fatalf("--fail-on never: exit %d", code)
	}
	code, out, _ = run(t, nil, append(bad, "-o", "json")...)
	var rep struct {
		SchemaVersion int `json:"schema_version"`
		Findings      []struct {
			ID, Severity, Title, Detail, Fix string
			Facts                            map[string]any
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != ExitCheck || rep.SchemaVersion != 1 || rep.Findings[0].ID != "poll-budget" {
		t.Fatalf("json: %v %s", err, out)
	}
	if rep.Findings[0].Facts["batch_ms"].(float64) != 500000 {
		t.Fatalf("facts %v", rep.Findings[0].Facts)
	}

	good := []string{"explain", "--set", "max.poll.records=100", "--set", "partition.assignment.strategy=cooperative-sticky",
		"--set", "enable.auto.commit=false", "--set", "auto.offset.reset=earliest", "--record-latency", "1s", "--consumers", "6", "--partitions", "6"}
	code, out, _ = run(t, nil, good...)
	if code != 0 || !strings.Contains(out, "No problems found.") {
		t.Fatalf("good config: exit %d\n%s", code, out)
	}
	// Warnings gate only when asked.
	warnOnly := []string{"explain", "--consumers", "8", "--partitions", "6", "--set", "partition.assignment.strategy=cooperative-sticky"}
	if code, _, _ := run(t, nil, warnOnly...); code != 0 {
		t.Fatalf("warnings with --fail-on error: exit %d", code)
	}
	if code, _, _ := run(t, nil, append(warnOnly, "--fail-on", "warn")...); code != ExitCheck {
		t.Fatalf("warnings with --fail-on warn: exit %d", code)
	}
}

func TestExplainKey(t *testing.T) {
	code, out, _ := run(t, nil, "explain", "max.poll.interval.ms")
	if code != 0 || !strings.Contains(out, "CLIENT") || !strings.Contains(out, "franz-go") || !strings.Contains(out, "Interacts with: max.poll.records") {
		t.Fatalf("explain KEY: %d\n%s", code, out)
	}
	// Keys no rule reads still answer from the clients' tables; the old
	// answer was exit 2 "did you mean fetch.min.bytes?".
	for _, key := range []string{"fetch.min.bytes", "retry.backoff.ms", "check.crcs", "socket.keepalive.enable", "fetch_min_bytes"} {
		code, out, stderr := run(t, nil, "explain", key)
		if code != 0 || !strings.Contains(out, "ACCEPTED") || strings.Contains(stderr, "did you mean") {
			t.Errorf("explain %s: exit %d\n%s%s", key, code, out, stderr)
		}
	}
	if code, _, stderr := run(t, nil, "explain", "fetch.min.byte"); code != ExitUsage || !strings.Contains(stderr, "did you mean fetch.min.bytes?") {
		t.Errorf("typo: exit %d %s", code, stderr)
	}
}

// Without --group or --topic, explain must not contact a cluster even if
// one is configured; with --group it diagnoses the live group.
func TestExplainDialsOnlyForGroupOrTopic(t *testing.T) {
	l := labtest.New(t)
	var n atomic.Int64
	l.Cluster.Control(func(kmsg.Request) (kmsg.Response, error, bool) { n.Add(1); return nil, nil, false })
	if code, _, stderr := run(t, l.Env(), "explain", "--record-latency", "1s", "--set", "max.poll.records=10"); code != 0 {
		t.Fatalf("exit %d %s", code, stderr)
	}
	if n.Load() != 0 {
		t.Fatalf("explain without --group sent %d requests", n.Load())
	}
	l.Topic("orders", 3, 1000)
	l.Commit("billing", map[string]map[int32]int64{"orders": {0: 100, 1: 990, 2: 990}})
	code, out, _ := run(t, l.Env(), "explain", "--group", "billing", "--sample-interval", "100ms", "--topic", "orders", "--consumers", "4")
	// Empty: most lag on one partition is no hot key without members.
	if code != 0 || !strings.Contains(out, "GROUP billing") || strings.Contains(out, "[hot-partition]") || !strings.Contains(out, "[empty-with-lag]") {
		t.Fatalf("live: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "4 consumers on 3 partitions (topic orders on the cluster)") {
		t.Fatalf("--topic partition count not used:\n%s", out)
	}
	if code, _, stderr := run(t, l.Env(), "explain", "--group", "nosuch", "--sample-interval", "10ms"); code != ExitUsage || !strings.Contains(stderr, "group not found") {
		t.Fatalf("unknown group: %d %s", code, stderr)
	}
}

// The wait between the two samples comes on top of --timeout (as on
// status): a --timeout shorter than --sample-interval still lets each
// request through. It once failed with "no answer ... within --timeout".
func TestExplainSampleIntervalOnTopOfTimeout(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("orders", 2, 10)
	l.Commit("billing", map[string]map[int32]int64{"orders": {0: 10, 1: 10}})
	code, out, stderr := run(t, l.Env(), "explain", "--group", "billing", "--timeout", "1s", "--sample-interval", "1200ms", "--fail-on", "never")
	if code != 0 || !strings.Contains(out, "GROUP billing") || strings.Contains(stderr, "within --timeout") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
}
