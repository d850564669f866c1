package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kgroups/kgroups/cluster"
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
	l.Member(cluster.MemberSpec{Group: "live", Topics: []string{"orders"}, ClientID: "live-1"})
	l.WaitAssigned("live", 1, 3)
	return l, l.Env()
}

func committedAll(l *labtest.Lab) string {
	return fmt.Sprint(l.Committed("svc"), l.Committed("other"), l.Committed("live"))
}

func TestResetBadInputCatalogue(t *testing.T) {
	l, env := resetLab(t)
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	twoCols := file("two.csv", "orders,0\n")
	fiveCols := file("five.csv", "a,b,orders,0,1\n")
	badPart := file("badpart.csv", "orders,zero,1\n")
	noSuchPart := file("nopart.csv", "orders,9,1\n")
	empty := file("empty.csv", "")
	otherPlan := file("other.json", `{"schema_version":1,"kind":"kgroups-reset-plan","target":"--to-earliest","rows":[{"group":"other","topic":"orders","partition":0,"new_offset":0}]}`)
	notPlan := file("notplan.json", `{"hello": "world"}`)
	before := committedAll(l)

	cases := []struct {
		name string
		args string
		want string
	}{
		{"two targets", "reset-offsets svc --all-topics --to-earliest --to-latest", "give one target, not --to-earliest and --to-latest"},
		{"no target", "reset-offsets svc --all-topics", "give one target: --to-earliest"},
		{"negative offset", "reset-offsets svc --all-topics --to-offset -5", `--to-offset "-5": want an offset >= 0`},
		{"non-numeric offset", "reset-offsets svc --all-topics --to-offset abc", `--to-offset "abc"`},
		{"zero shift", "reset-offsets svc --all-topics --shift-by 0", `--shift-by "0": want a non-zero whole number`},
		{"non-numeric shift", "reset-offsets svc --all-topics --shift-by 1.5", `--shift-by "1.5"`},
		{"malformed datetime", "reset-offsets svc --all-topics --to-datetime yesterday", `--to-datetime "yesterday": use yyyy-MM-ddTHH:mm:ss`},
		{"date without time", "reset-offsets svc --all-topics --to-datetime 2026-11-21", `--to-datetime "2026-11-21"`},
		{"bad month", "reset-offsets svc --all-topics --to-datetime 2026-13-01T00:00:00.000", `--to-datetime "2026-13-01T00:00:00.000"`},
		{"duration in years", "reset-offsets svc --all-topics --by-duration P1Y", "years, months and weeks are not durations"},
		{"duration in weeks", "reset-offsets svc --all-topics --by-duration P2W", "years, months and weeks are not durations"},
		{"negative duration", "reset-offsets svc --all-topics --by-duration -90m", "must be longer than zero"},
		{"CSV with 2 columns", "reset-offsets svc --from-file " + twoCols, "two.csv:1: 2 columns; want topic,partition,offset"},
		{"CSV with 5 columns", "reset-offsets svc --from-file " + fiveCols, "five.csv:1: 5 columns"},
		{"non-numeric partition", "reset-offsets svc --from-file " + badPart, `badpart.csv:1: partition "zero" is not a number`},
		{"file names a missing partition", "reset-offsets svc --from-file " + noSuchPart, "nopart.csv:1: partition 9 of orders does not exist (it has 3: 0-2)"},
		{"partition that does not exist", "reset-offsets svc --topic orders:9 --to-earliest", "partition 9 of orders does not exist"},
		{"topic that does not exist", "reset-offsets svc --topic nope --to-earliest", "--topic nope: topic does not exist"},
		{"group given twice", "reset-offsets svc svc --all-topics --to-earliest", `group "svc" is named twice`},
		{"file not found", "reset-offsets svc --from-file " + filepath.Join(dir, "missing.csv"), "missing.csv: file not found"},
		{"empty file", "reset-offsets svc --from-file " + empty, "empty.csv: the file is empty"},
		{"JSON plan for another group", "reset-offsets svc --from-file " + otherPlan, `row 1 is for group "other", which is not being reset`},
		{"JSON that is not a plan", "reset-offsets svc --from-file " + notPlan, `"kind" is "", want "kgroups-reset-plan"`},
		{"execute and dry-run", "reset-offsets svc --all-topics --to-earliest --execute --dry-run", "--dry-run and --execute exclude each other"},
		{"no group", "reset-offsets --all-topics --to-earliest", "name the groups to reset, or use --all-groups or --regex"},
		{"group and --all-groups", "reset-offsets svc --all-groups --all-topics --to-earliest", "only one of them"},
		{"bad regex", "reset-offsets --regex ( --all-topics --to-earliest", `--regex "("`},
		{"--all-topics with --topic", "reset-offsets svc --all-topics --topic orders --to-earliest", "--all-topics and --topic exclude each other"},
		{"no scope", "reset-offsets svc --to-earliest", "choose the partitions: --topic TOPIC[:P,...] (repeatable) or --all-topics"},
		{"empty partition list", "reset-offsets svc --topic orders: --to-earliest", `--topic "orders:": no partitions after ':'`},
		{"empty topic", "reset-offsets svc --topic :1 --to-earliest", `--topic ":1": empty topic name`},
		{"bad export name", "reset-offsets svc --all-topics --to-earliest --export plan.txt", "--export plan.txt: use a .csv"},
		{"force without execute", "reset-offsets svc --all-topics --to-earliest --force", "--force only matters with --execute"},
		{"undo file without execute", "reset-offsets svc --all-topics --to-earliest --undo-file u.json", "--undo-file only matters with --execute"},
		{"copy from itself", "reset-offsets svc --to-group svc", "--to-group svc is also a group being reset"},
		{"copy from a group with nothing", "reset-offsets svc --to-group nobody", "--to-group nobody: that group has no committed offsets to copy"},
		{"live group, execute", "reset-offsets live --all-topics --to-earliest --execute", "live is Stable with 1 member(s): live-1@"},
		{"shift an uncommitted partition", "reset-offsets other --topic orders --allow-new-partitions --shift-by 1", "--shift-by needs a committed offset to shift, and other has none on orders/1"},
		{"new group, nothing committed", "reset-offsets brand-new --all-topics --to-earliest", "nothing to reset"},
		{"delete without groups", "delete", "requires at least 1 arg"},
		{"delete a group twice", "delete svc svc", `group "svc" is named twice`},
		{"delete an unknown group", "delete nosuch --execute", `group "nosuch" not found`},
		{"delete-offsets without --topic", "delete-offsets svc", "choose the offsets to delete: --topic"},
		{"delete-offsets, no commits there", "delete-offsets live --topic nope", "--topic nope: group live has no committed offsets on it"},
		{"delete-offsets, missing partition", "delete-offsets svc --topic orders:9", "partition 9 of orders does not exist"},
		{"delete, execute and dry-run", "delete svc --execute --dry-run", "--dry-run and --execute exclude each other"},
	}
	if len(cases) < 40 {
		t.Fatalf("the catalogue shrank to %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := run(t, env, strings.Fields(c.args)...)
			if code != ExitUsage {
				t.Fatalf("exit %d, want 2\nstderr: %s", code, stderr)
			}
			if !strings.HasPrefix(stderr, "kgroups: ") || !strings.Contains(stderr, c.want) {
				t.Fatalf("stderr %q\nwant a line containing %q", stderr, c.want)
			}
			if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
				t.Fatalf("stack trace: %s", stderr)
			}
			if stdout != "" {
				t.Fatalf("stdout should be empty, got %q", stdout)
			}
			if after := committedAll(l); after != before {
				t.Fatalf("offsets changed:\n before %s\n after  %s", before, after)
			}
		})
	}
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
	code, _, stderr = run(t, env, "delete", "live", "--execute")
	if code != ExitError || !strings.Contains(stderr, "nothing was deleted") {
		t.Fatalf("all refused: exit %d %s", code, stderr)
	}
}
