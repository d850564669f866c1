package cmd

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/internal/labtest"
)

// faultLab: 3 brokers, orders (3 partitions × 10), group svc committed at 5.
func faultLab(t *testing.T) *labtest.Lab {
	l := labtest.New(t, kfake.NumBrokers(3))
	l.Topic("orders", 3, 10)
	l.Commit("svc", map[string]map[int32]int64{"orders": {0: 5, 1: 5, 2: 5}})
	return l
}

func undoFlag(t *testing.T) []string {
	return []string{"--undo-file", filepath.Join(t.TempDir(), "undo.json")}
}

func committed(l *labtest.Lab, group string) string { return fmt.Sprint(l.Committed(group)["orders"]) }

// Coordinator moved or loading: kgroups retries and succeeds, for every
// command that talks to the coordinator.
func TestFaultCoordinatorMovedIsRetried(t *testing.T) {
	for _, c := range []struct {
		name string
		key  kmsg.Key
		err  *kerr.Error
		args []string
		want string
	}{
		{"describe: DescribeGroups NOT_COORDINATOR", kmsg.DescribeGroups, kerr.NotCoordinator, []string{"describe", "svc"}, "lag 15"},
		{"describe: OffsetFetch COORDINATOR_LOAD_IN_PROGRESS", kmsg.OffsetFetch, kerr.CoordinatorLoadInProgress, []string{"describe", "svc"}, "lag 15"},
		{"reset: OffsetCommit NOT_COORDINATOR", kmsg.OffsetCommit, kerr.NotCoordinator, []string{"reset-offsets", "svc", "--all-topics", "--to-latest", "--execute"}, "ok"},
		{"reset: OffsetCommit COORDINATOR_LOAD_IN_PROGRESS", kmsg.OffsetCommit, kerr.CoordinatorLoadInProgress, []string{"reset-offsets", "svc", "--all-topics", "--to-latest", "--execute"}, "ok"},
		{"delete-offsets: OffsetDelete NOT_COORDINATOR", kmsg.OffsetDelete, kerr.NotCoordinator, []string{"delete-offsets", "svc", "--topic", "orders:2", "--execute"}, "deleted"},
		{"delete: DeleteGroups COORDINATOR_LOAD_IN_PROGRESS", kmsg.DeleteGroups, kerr.CoordinatorLoadInProgress, []string{"delete", "svc", "--execute"}, "deleted"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := faultLab(t)
			// OffsetDelete carries coordinator errors at the top level on a
			// real broker; the others per group or partition.
			h := l.Cluster.Fault(kfake.Fault{Keys: []kmsg.Key{c.key}, Group: "svc", Err: c.err, Count: 2, TopLevel: c.key == kmsg.OffsetDelete})
			args := c.args
			if c.args[0] == "reset-offsets" {
				args = append(args, undoFlag(t)...)
			}
			code, out, stderr := run(t, l.Env(), args...)
			if code != 0 || !strings.Contains(out, c.want) {
				t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
			}
			if h.Hits() == 0 {
				t.Fatal("the fault was never hit: the test proves nothing")
			}
			switch c.args[0] {
			case "reset-offsets":
				if got := committed(l, "svc"); got != "map[0:10 1:10 2:10]" {
					t.Fatalf("after retried commit: %s", got)
				}
			case "delete-offsets":
				if got := committed(l, "svc"); got != "map[0:5 1:5]" {
					t.Fatalf("after retried delete-offsets: %s", got)
				}
			case "delete":
				if len(l.Committed("svc")) != 0 {
					t.Fatal("group not deleted")
				}
			}
		})
	}
}

// A request that never answers: the command ends at --timeout, exit 1, with
// a clear message; a reset writes nothing.
func TestFaultNeverAnswers(t *testing.T) {
	for _, c := range []struct {
		key  kmsg.Key
		args []string
	}{
		{kmsg.DescribeGroups, []string{"describe", "svc"}},
		{kmsg.OffsetCommit, []string{"reset-offsets", "svc", "--all-topics", "--to-earliest", "--execute"}},
		{kmsg.DeleteGroups, []string{"delete", "svc", "--execute"}},
	} {
		t.Run(c.key.Name(), func(t *testing.T) {
			l := faultLab(t)
			l.Cluster.ControlKey(int16(c.key), func(kmsg.Request) (kmsg.Response, error, bool) {
				l.Cluster.KeepControl()
				return nil, nil, true // swallow: no answer, ever
			})
			args := append(c.args, "--timeout", "2s")
			if c.args[0] == "reset-offsets" {
				args = append(args, undoFlag(t)...)
			}
			code, _, stderr := run(t, l.Env(), args...)
			if code != ExitError || !strings.Contains(stderr, "within --timeout 2s") || strings.Contains(stderr, "goroutine") {
				t.Fatalf("exit %d: %q", code, stderr)
			}
			l.Cluster.DropControl()
		})
	}
}

// OffsetCommit fails for one partition: exit 3, the result names exactly
// which landed, and re-running the same plan finishes the job. This is the
// README runbook with a partial failure in the middle: the re-run's undo
// file (a new file; the first is never overwritten) still restores every
// offset from before the first run, and applying it does so exactly.
func TestFaultPartialCommitThenRetry(t *testing.T) {
	l := faultLab(t)
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.json")
	if code, _, stderr := run(t, l.Env(), "reset-offsets", "svc", "--all-topics", "--to-offset", "8", "--export", plan); code != 0 {
		t.Fatalf("plan: %s", stderr)
	}
	h := l.Cluster.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.OffsetCommit}, Topic: "orders", Partitions: []int32{1}, Err: kerr.UnknownTopicOrPartition, Count: -1})
	undo1 := filepath.Join(dir, "undo.json")
	code, out, stderr := run(t, l.Env(), "reset-offsets", "svc", "--from-file", plan, "--execute", "--undo-file", undo1)
	if code != ExitPartial || !strings.Contains(stderr, "2 of 3 partitions were written; not written: svc orders:1 (failed)") {
		t.Fatalf("partial: exit %d\n%s\n%s", code, out, stderr)
	}
	if !strings.Contains(out, "svc    orders          0             5           8  ok") || !strings.Contains(out, "orders          1             5           8  failed: UNKNOWN_TOPIC_OR_PARTITION") {
		t.Fatalf("result table does not say which landed:\n%s", out)
	}
	if got := committed(l, "svc"); got != "map[0:8 1:5 2:8]" {
		t.Fatalf("offsets after partial commit: %s", got)
	}
	h.Remove()

	// The runbook says "re-run the same plan": with the same --undo-file it
	// is refused before anything is written, so the first undo survives.
	first, _ := os.ReadFile(undo1)
	code, _, stderr = run(t, l.Env(), "reset-offsets", "svc", "--from-file", plan, "--execute", "--undo-file", undo1)
	if code != ExitUsage || !strings.Contains(stderr, "the file exists; an undo file is never overwritten") {
		t.Fatalf("re-run onto the same undo file: exit %d %s", code, stderr)
	}
	if again, _ := os.ReadFile(undo1); string(again) != string(first) {
		t.Fatal("the first undo file changed")
	}
	if got := committed(l, "svc"); got != "map[0:8 1:5 2:8]" {
		t.Fatalf("a refused re-run wrote: %s", got)
	}
	undo2 := filepath.Join(dir, "undo2.json")
	code, _, stderr = run(t, l.Env(), "reset-offsets", "svc", "--from-file", plan, "--execute", "--undo-file", undo2)
	if code != 0 {
		t.Fatalf("re-run: exit %d %s", code, stderr)
	}
	if got := committed(l, "svc"); got != "map[0:8 1:8 2:8]" {
		t.Fatalf("offsets after re-run: %s", got)
	}
	// The second undo file alone restores the offsets from before run 1.
	code, _, stderr = run(t, l.Env(), "reset-offsets", "svc", "--from-file", undo2, "--execute", "--undo-file", filepath.Join(dir, "redo.json"))
	if code != 0 {
		t.Fatalf("undo: exit %d %s", code, stderr)
	}
	if got := committed(l, "svc"); got != "map[0:5 1:5 2:5]" {
		t.Fatalf("after the re-run's undo: %s, want every offset as before the first run", got)
	}
}

// A re-run with a target flag (no plan file) and --undo-of carries the
// first run's "before" offsets into the new undo file.
func TestUndoOfCarriesTheFirstRun(t *testing.T) {
	l := faultLab(t)
	dir := t.TempDir()
	h := l.Cluster.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.OffsetCommit}, Topic: "orders", Partitions: []int32{2}, Err: kerr.UnknownTopicOrPartition, Count: -1})
	undo1 := filepath.Join(dir, "undo1.json")
	if code, _, stderr := run(t, l.Env(), "reset-offsets", "svc", "--all-topics", "--to-latest", "--execute", "--undo-file", undo1); code != ExitPartial {
		t.Fatalf("first run: exit %d %s", code, stderr)
	}
	h.Remove()
	if got := committed(l, "svc"); got != "map[0:10 1:10 2:5]" {
		t.Fatalf("after the partial run: %s", got)
	}
	undo2 := filepath.Join(dir, "undo2.json")
	code, _, stderr := run(t, l.Env(), "reset-offsets", "svc", "--all-topics", "--to-latest", "--execute", "--undo-file", undo2, "--undo-of", undo1)
	if code != 0 {
		t.Fatalf("re-run: exit %d %s", code, stderr)
	}
	code, _, stderr = run(t, l.Env(), "reset-offsets", "svc", "--from-file", undo2, "--execute", "--undo-file", filepath.Join(dir, "redo.json"))
	if code != 0 {
		t.Fatalf("undo: exit %d %s", code, stderr)
	}
	if got := committed(l, "svc"); got != "map[0:5 1:5 2:5]" {
		t.Fatalf("after undo2: %s, want every offset from before the first run", got)
	}
	// Without --undo-of the user is told where the earlier offsets are.
	code, _, stderr = run(t, l.Env(), "reset-offsets", "svc", "--topic", "orders:0", "--to-offset", "5", "--execute", "--undo-file", filepath.Join(dir, "u3.json"))
	if code != 0 || !strings.Contains(stderr, "pass --undo-of EARLIER-UNDO") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

// A retriable error that never clears exhausts the retries: exit 1, and
// nothing is reported as written because nothing was.
func TestFaultRetriesExhausted(t *testing.T) {
	l := faultLab(t)
	l.Cluster.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.OffsetCommit}, Group: "svc", Err: kerr.CoordinatorLoadInProgress, Count: -1})
	code, out, stderr := run(t, l.Env(), append([]string{"reset-offsets", "svc", "--all-topics", "--to-earliest", "--execute", "--timeout", "3s"}, undoFlag(t)...)...)
	if code != ExitError || strings.Contains(out, " ok") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	if got := committed(l, "svc"); got != "map[0:5 1:5 2:5]" {
		t.Fatalf("offsets changed: %s", got)
	}
}

// A broker stops mid-command (between the state check and the commit):
// either success via the others, or a clear failure — never a partial write
// reported as success.
func TestFaultBrokerStops(t *testing.T) {
	l := faultLab(t)
	coord := l.Cluster.CoordinatorFor("svc")
	victim := (coord + 1) % 3
	if err := l.Cluster.RemoveNode(victim); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, l.Env(), "describe", "svc", "-o", "json")
	if code != 0 && code != ExitPartial {
		t.Fatalf("describe with a broker gone: exit %d %s", code, stderr)
	}
	if code == 0 && !strings.Contains(out, `"total_lag":15`) {
		t.Fatalf("exit 0 but incomplete:\n%s", out)
	}
	code, out, stderr = run(t, l.Env(), append([]string{"reset-offsets", "svc", "--all-topics", "--to-latest", "--execute"}, undoFlag(t)...)...)
	got := committed(l, "svc")
	switch {
	case code == 0 && got != "map[0:10 1:10 2:10]":
		t.Fatalf("reported success but offsets are %s\n%s", got, out)
	case code != 0 && strings.Contains(stderr, "written") && !strings.Contains(stderr, "failed"):
		t.Fatalf("ambiguous failure: %s", stderr)
	}
	if code == 0 {
		return
	}
	t.Logf("reset with a broker gone: exit %d: %s (offsets %s)", code, stderr, got)
}

// ListOffsets fails for one partition: that row shows the error, the others
// are complete, exit 3.
func TestFaultListOffsetsOnePartition(t *testing.T) {
	l := faultLab(t)
	l.Cluster.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.ListOffsets}, Topic: "orders", Partitions: []int32{1}, Err: kerr.UnknownServerError, Count: -1})
	code, out, stderr := run(t, l.Env(), "describe", "svc")
	if code != ExitPartial || !strings.Contains(stderr, "1 partition(s) could not be read") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	for _, want := range []string{"orders          0               5              10    5", "orders          1               5               -    -",
		"orders          2               5              10    5", "! orders/1: list offsets failed: UNKNOWN_SERVER_ERROR"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

// A commit that never answers for one group while another landed: exit 3
// (partial, not 1), each row says what happened to it — ok, not confirmed
// (no answer: maybe written) or not sent (the run ended first) — and the
// summary line agrees with the rows.
func TestFaultCommitTimesOutForOneGroup(t *testing.T) {
	l := faultLab(t)
	l.Commit("svc-b", map[string]map[int32]int64{"orders": {0: 5, 1: 5, 2: 5}})
	l.Commit("svc-c", map[string]map[int32]int64{"orders": {0: 5, 1: 5, 2: 5}})
	l.Cluster.ControlKey(int16(kmsg.OffsetCommit), func(req kmsg.Request) (kmsg.Response, error, bool) {
		l.Cluster.KeepControl()
		return nil, nil, req.(*kmsg.OffsetCommitRequest).Group == "svc-b" // swallow svc-b's commit only
	})
	code, out, stderr := run(t, l.Env(), append([]string{"reset-offsets", "svc", "svc-b", "svc-c", "--all-topics", "--to-earliest", "--execute", "--timeout", "3s"}, undoFlag(t)...)...)
	l.Cluster.DropControl()
	if code != ExitPartial {
		t.Fatalf("exit %d, want 3\n%s\n%s", code, out, stderr)
	}
	for _, want := range []string{"svc    orders          0             5           0  ok", "svc-b  orders          0             5           0  not confirmed: no answer before the timeout"} {
		if !strings.Contains(out, want) {
			t.Errorf("result table lacks %q:\n%s", want, out)
		}
	}
	// The third group's commit comes after the time ran out (or in its last
	// instant): "not sent" or "not confirmed", never a broker error the
	// broker did not send (kadm's CommitOffsets used to say
	// UNKNOWN_TOPIC_OR_PARTITION here).
	third := regexp.MustCompile(`(?m)^svc-c  orders          [0-2]             5           0  (not sent: the run ended|not confirmed: no answer)`)
	if n := len(third.FindAllString(out, -1)); n != 3 || strings.Contains(out, "UNKNOWN_TOPIC_OR_PARTITION") {
		t.Errorf("svc-c rows (%d honest):\n%s", n, out)
	}
	if !regexp.MustCompile(`3 of 9 partitions were written; not written: svc-b orders:0-2 \(not confirmed\); svc-c orders:0-2 \((not sent|not confirmed)\)`).MatchString(stderr) {
		t.Errorf("summary: %s", stderr)
	}
	if got := committed(l, "svc"); got != "map[0:0 1:0 2:0]" {
		t.Errorf("offsets: %s", got)
	}
}
