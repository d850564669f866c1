package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kgroups/kgroups/internal/lab"
	"github.com/kgroups/kgroups/internal/labtest"
)

// resetLab: topic orders (3 x 10 records), groups svc and other (Empty,
// committed), live (Stable, one kgo member).
func resetLab(t *testing.T) (*labtest.Lab, map[string]string) {
	l := labtest.New(t)
	l.Topic("orders", 3, 10)
	l.Commit("svc", map[string]map[int32]int64{"orders": {0: 5, 1: 5, 2: 5}})
	l.Commit("other", map[string]map[int32]int64{"orders": {0: 9}})
	l.Commit("live", map[string]map[int32]int64{"orders": {0: 1}})
	l.Member(lab.MemberSpec{Group: "live", Topics: []string{"orders"}, ClientID: "live-1"})
	l.WaitAssigned("live", 1, 3)
	return l, l.Env()
}

func committedAll(l *labtest.Lab) string {
	return fmt.Sprint(l.Committed("svc"), l.Committed("other"), l.Committed("live"))
}

// TestResetRunbook is the README's recipe through the real command:
// export a plan, review it, apply it with the guard, undo.
func TestResetRunbook(t *testing.T) {
	l, env := resetLab(t)
	dir := t.TempDir()
	planPath := filepath.Join(dir, "plan.json")
	undoPath := filepath.Join(dir, "undo.json")

	code, out, stderr := run(t, env, "reset-offsets", "svc", "--all-topics", "--to-offset", "2", "--export", planPath)
	if code != 0 || !strings.Contains(out, "CURRENT-OFFSET") || !strings.Contains(stderr, "Dry run: nothing was changed") {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, stderr)
	}
	if got := fmt.Sprint(l.Committed("svc")["orders"]); got != "map[0:5 1:5 2:5]" {
		t.Fatalf("dry run changed offsets: %s", got)
	}
	code, out, _ = run(t, env, "reset-offsets", "svc", "--all-topics", "--to-offset", "2", "-o", "json")
	var plan struct {
		Kind string `json:"kind"`
		Rows []struct {
			CurrentOffset *int64 `json:"current_offset"`
			NewOffset     int64  `json:"new_offset"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil || code != 0 || plan.Kind != "kgroups-reset-plan" || len(plan.Rows) != 3 || plan.Rows[0].NewOffset != 2 {
		t.Fatalf("-o json plan: %v %s", err, out)
	}

	// Someone moves an offset after the review: the guarded apply refuses.
	l.Commit("svc", map[string]map[int32]int64{"orders": {2: 7}})
	code, _, stderr = run(t, env, "reset-offsets", "svc", "--from-file", planPath, "--execute", "--undo-file", undoPath)
	if code != 2 || !strings.Contains(stderr, "svc orders/2: planned from 5, now 7") {
		t.Fatalf("guard: exit %d %s", code, stderr)
	}
	if got := fmt.Sprint(l.Committed("svc")["orders"]); got != "map[0:5 1:5 2:7]" {
		t.Fatalf("refused apply changed offsets: %s", got)
	}
	// Put it back; the reviewed plan now applies and writes an undo file.
	l.Commit("svc", map[string]map[int32]int64{"orders": {2: 5}})
	code, out, stderr = run(t, env, "reset-offsets", "svc", "--from-file", planPath, "--execute", "--undo-file", undoPath)
	if code != 0 || !strings.Contains(stderr, "undo file: "+undoPath) || !strings.Contains(out, "PRIOR-OFFSET") {
		t.Fatalf("execute: exit %d\n%s\n%s", code, out, stderr)
	}
	if got := fmt.Sprint(l.Committed("svc")["orders"]); got != "map[0:2 1:2 2:2]" {
		t.Fatalf("after execute: %s", got)
	}
	code, _, stderr = run(t, env, "reset-offsets", "svc", "--from-file", undoPath, "--execute", "--undo-file", filepath.Join(dir, "undo2.json"))
	if code != 0 {
		t.Fatalf("undo: exit %d %s", code, stderr)
	}
	if got := fmt.Sprint(l.Committed("svc")["orders"]); got != "map[0:5 1:5 2:5]" {
		t.Fatalf("after undo: %s", got)
	}
	// AK's CSV export round-trips too.
	csvPath := filepath.Join(dir, "plan.csv")
	if code, _, stderr := run(t, env, "reset-offsets", "svc", "--all-topics", "--to-latest", "--export", csvPath); code != 0 {
		t.Fatalf("csv export: %s", stderr)
	}
	b, _ := os.ReadFile(csvPath)
	if string(b) != "orders,0,10\norders,1,10\norders,2,10\n" {
		t.Fatalf("csv export %q", b)
	}
}

func TestDeleteExitCodes(t *testing.T) {
	l, env := resetLab(t)
	code, out, stderr := run(t, env, "delete", "svc", "live")
	if code != 0 || !strings.Contains(out, "will be refused") || !strings.Contains(stderr, "Dry run") {
		t.Fatalf("dry run: %d %s %s", code, out, stderr)
	}
	if len(l.Committed("svc")) == 0 {
		t.Fatal("dry run deleted svc")
	}
	code, out, stderr = run(t, env, "delete", "svc", "live", "--execute")
	if code != ExitPartial || !strings.Contains(out, "deleted") || !strings.Contains(out, "NON_EMPTY_GROUP") || !strings.Contains(stderr, "1 of 2 failed: live") {
		t.Fatalf("partial delete: exit %d\n%s\n%s", code, out, stderr)
	}
	if len(l.Committed("svc")) != 0 || len(l.Committed("live")) == 0 {
		t.Fatal("wrong group deleted")
	}
	refusedUndo := filepath.Join(t.TempDir(), "never-used.json")
	code, _, stderr = run(t, env, "delete", "live", "--execute", "--undo-file", refusedUndo)
	if code != ExitUsage || !strings.Contains(stderr, "refused by the broker: live still has members") || !strings.Contains(stderr, "nothing was deleted") {
		t.Fatalf("all refused: exit %d %s", code, stderr)
	}
	if _, err := os.Stat(refusedUndo); err == nil || !strings.Contains(stderr, "the undo file "+refusedUndo+" was removed") {
		t.Fatalf("an undo file of a delete that deleted nothing stays: %s", stderr)
	}
	if len(l.Committed("live")) == 0 {
		t.Fatal("a refused delete deleted")
	}
}

// delete and delete-offsets keep what they delete in an undo file first;
// reset-offsets --from-file on it restores the offsets exactly.
func TestDeleteUndoRoundTrip(t *testing.T) {
	t.Parallel()
	l, env := resetLab(t)
	l.Commit("multi", map[string]map[int32]int64{"orders": {0: 3, 1: 7, 2: 9}})
	l.Topic("payments", 2, 20)
	l.Commit("multi", map[string]map[int32]int64{"payments": {0: 11, 1: 12}})
	before := fmt.Sprint(l.Committed("multi"))
	dir := t.TempDir()

	undo := filepath.Join(dir, "deleted.json")
	code, _, stderr := run(t, env, "delete-offsets", "multi", "--topic", "payments", "--execute", "--undo-file", undo)
	if code != 0 || !strings.Contains(stderr, "undo file: "+undo+" (to restore the 2 offset(s)") {
		t.Fatalf("delete-offsets: exit %d %s", code, stderr)
	}
	if got := l.Committed("multi"); len(got["payments"]) != 0 {
		t.Fatalf("payments offsets not deleted: %v", got)
	}
	code, _, stderr = run(t, env, "delete", "multi", "--execute") // default undo file
	m := regexp.MustCompile(`undo file: (\S+) `).FindStringSubmatch(stderr)
	if code != 0 || m == nil || !strings.HasPrefix(m[1], env["KGROUPS_UNDO_DIR"]+"/undo-multi-") {
		t.Fatalf("delete: exit %d %s", code, stderr)
	}
	if got := l.Committed("multi"); len(got) != 0 {
		t.Fatalf("group not deleted: %v", got)
	}
	// Restore both: the group's offsets, then the topic deleted before it.
	for _, file := range []string{m[1], undo} {
		code, out, stderr := run(t, env, "reset-offsets", "multi", "--from-file", file, "--execute", "--undo-file", filepath.Join(dir, "redo-"+filepath.Base(file)))
		if code != 0 {
			t.Fatalf("restore from %s: exit %d\n%s\n%s", file, code, out, stderr)
		}
	}
	if got := fmt.Sprint(l.Committed("multi")); got != before {
		t.Fatalf("restored %s, want %s", got, before)
	}
	// The undo file is never overwritten, here either.
	code, _, stderr = run(t, env, "delete", "multi", "--execute", "--undo-file", undo)
	if code != ExitUsage || !strings.Contains(stderr, "the file exists") {
		t.Fatalf("existing undo file: exit %d %s", code, stderr)
	}
	if got := fmt.Sprint(l.Committed("multi")); got != before {
		t.Fatalf("a refused delete changed offsets: %s", got)
	}
}

// A reset of a group that has never existed says so in the plan, so a
// typo in the name is visible before --execute.
func TestResetNewGroupIsSaid(t *testing.T) {
	t.Parallel()
	_, env := resetLab(t)
	code, out, stderr := run(t, env, "reset-offsets", "svc-typo", "--topic", "orders:0", "--allow-new-partitions", "--to-earliest")
	if code != 0 || !strings.Contains(out, "new group: no offsets before") || !strings.Contains(stderr, "note: group svc-typo does not exist: this plan creates its offsets (check the name)") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
}

// An undo restores the offsets exactly, also a commit that had fallen
// below the log start (it is not clamped, or the undo would leave the
// reset in place).
func TestUndoRestoresBelowLogStart(t *testing.T) {
	t.Parallel()
	l, env := resetLab(t)
	l.Topic("expiring", 1, 500)
	l.Commit("archiver", map[string]map[int32]int64{"expiring": {0: 100}})
	if err := lab.DeleteRecordsBefore(l.Ctx, l.Adm, "expiring", 0, 400); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	undo := filepath.Join(dir, "undo.json")
	if code, _, stderr := run(t, env, "reset-offsets", "archiver", "--all-topics", "--to-earliest", "--execute", "--undo-file", undo); code != 0 {
		t.Fatalf("reset: %s", stderr)
	}
	if got := fmt.Sprint(l.Committed("archiver")["expiring"]); got != "map[0:400]" {
		t.Fatalf("after reset: %s", got)
	}
	code, out, stderr := run(t, env, "reset-offsets", "archiver", "--from-file", undo, "--execute", "--undo-file", filepath.Join(dir, "redo.json"))
	if code != 0 {
		t.Fatalf("undo: exit %d\n%s\n%s", code, out, stderr)
	}
	if got := fmt.Sprint(l.Committed("archiver")["expiring"]); got != "map[0:100]" {
		t.Fatalf("after undo: %s, want the offset as it was (100)", got)
	}
	_, out, _ = run(t, env, "reset-offsets", "archiver", "--from-file", undo)
	if !strings.Contains(out, "restored exactly: 100 is outside the log [400, 500]") {
		t.Fatalf("the plan does not say the undo is exact:\n%s", out)
	}
}
