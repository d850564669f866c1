package cmd

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/internal/lab"
	"github.com/kgroups/kgroups/internal/labtest"
)

// TestShareGroupListAndDescribe: a live kgo share consumer that
// acknowledged 6 of 40 records; list counts it, describe shows the
// broker's start offsets and lag (34), and nothing reads as empty.
func TestShareGroupListAndDescribe(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("jobs", 2, 20)
	l.ShareMember(lab.ShareMemberSpec{Group: "sg", Topics: []string{"jobs"}, ClientID: "sg-a", Accept: 6})
	l.WaitShare("sg", 1, 34)
	env := l.Env()

	code, out, stderr := run(t, env, "list", "-o", "json")
	var list struct {
		Groups []struct {
			Group   string `json:"group"`
			Type    string `json:"type"`
			Members *int   `json:"members"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil || code != 0 || len(list.Groups) != 1 {
		t.Fatalf("list: exit %d %v\n%s\n%s", code, err, out, stderr)
	}
	if g := list.Groups[0]; g.Type != "share" || g.Members == nil || *g.Members != 1 {
		t.Fatalf("list row %+v, want share with 1 member", g)
	}

	code, out, stderr = run(t, env, "describe", "sg")
	if code != 0 || !strings.Contains(out, "share/simple · 1 member · lag 34") || !strings.Contains(out, "START-OFFSET") {
		t.Fatalf("describe: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, _ = run(t, env, "describe", "sg", "-o", "json")
	var doc struct {
		Groups []struct {
			TotalLag   *int64  `json:"total_lag"`
			Error      *string `json:"error"`
			Partitions []struct {
				StartOffset     *int64 `json:"start_offset"`
				CommittedOffset *int64 `json:"committed_offset"`
				Lag             *int64 `json:"lag"`
			} `json:"partitions"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 {
		t.Fatalf("json: %v\n%s", err, out)
	}
	g := doc.Groups[0]
	if g.Error != nil || g.TotalLag == nil || *g.TotalLag != 34 || len(g.Partitions) != 2 {
		t.Fatalf("json group %+v", g)
	}
	for _, p := range g.Partitions {
		if p.StartOffset == nil || p.CommittedOffset != nil || p.Lag == nil {
			t.Fatalf("json partition %+v", p)
		}
	}
	code, out, _ = run(t, env, "describe", "sg", "--state")
	if code != 0 || !strings.Contains(out, "sg (share): assignment epoch") || !strings.Contains(out, "share.auto.offset.reset=earliest") {
		t.Fatalf("state: exit %d\n%s", code, out)
	}
	code, out, stderr = run(t, env, "status", "sg", "--window", "100ms", "--samples", "2")
	if code != ExitCheck || !strings.Contains(out, "STALL") || !strings.Contains(out, "start offset stayed at") {
		t.Fatalf("status: exit %d\n%s\n%s", code, out, stderr)
	}
	code, _, stderr = run(t, env, "describe", "sg", "--time-lag")
	if code != 0 || !strings.Contains(stderr, "sg is a share group: it has no committed offset to time") {
		t.Fatalf("time lag: exit %d\n%s", code, stderr)
	}
	code, _, stderr = run(t, env, "assign", "--from-group", "sg")
	if code != ExitUsage || !strings.Contains(stderr, "--from-group sg is a share group") {
		t.Fatalf("assign: exit %d\n%s", code, stderr)
	}
	code, out, _ = run(t, env, "__complete", "describe", "s")
	if code != 0 || !strings.Contains(out, "sg\tStable (share)") {
		t.Fatalf("completion: exit %d\n%q", code, out)
	}
	code, out, _ = run(t, env, "describe", "--all", "--type", "classic")
	if code != 0 || strings.Contains(out, "sg") {
		t.Fatalf("--type classic shows the share group: exit %d\n%s", code, out)
	}
}

// streamsCluster answers ListGroups with a streams group (KIP-1071), which
// kfake does not implement: a stand-in for any type kgroups cannot read.
func streamsCluster(t *testing.T) map[string]string {
	t.Helper()
	c, env := fakeCluster(t)
	c.ControlKey(int16(kmsg.ListGroups), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		resp := req.ResponseKind().(*kmsg.ListGroupsResponse)
		g := kmsg.NewListGroupsResponseGroup()
		g.Group, g.ProtocolType, g.GroupState, g.GroupType = "wordcount", "streams", "Stable", "streams"
		resp.Groups = append(resp.Groups, g)
		return resp, nil, true
	})
	return env
}

// TestUnreadableGroupTypeIsNamedNeverEmpty: a streams group is listed with
// its type (members unknown, not 0); describe says in words that the type
// is not described and exits 3 (JSON error set); status never says OK.
func TestUnreadableGroupTypeIsNamedNeverEmpty(t *testing.T) {
	t.Parallel()
	env := streamsCluster(t)
	code, out, _ := run(t, env, "list", "-o", "json")
	if code != 0 || !strings.Contains(out, `"type":"streams"`) || !strings.Contains(out, `"members":null`) {
		t.Fatalf("list: exit %d\n%s", code, out)
	}
	code, out, stderr := run(t, env, "describe", "wordcount")
	if code != ExitPartial || !strings.Contains(out, `group type "streams" is not described by this version`) ||
		strings.Contains(out, "0 members") || strings.Contains(out, "no committed") ||
		!strings.Contains(stderr, "not described by this version of kgroups: wordcount (type streams)") {
		t.Fatalf("describe: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, _ = run(t, env, "describe", "wordcount", "-o", "json")
	var doc struct {
		Groups []struct {
			Type  *string `json:"type"`
			Error *string `json:"error"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != ExitPartial || len(doc.Groups) != 1 ||
		doc.Groups[0].Error == nil || *doc.Groups[0].Type != "streams" {
		t.Fatalf("json: exit %d %v\n%s", code, err, out)
	}
	code, out, stderr = run(t, env, "status", "wordcount", "--window", "100ms", "--samples", "2")
	if code == 0 || strings.Contains(out, " OK") || !strings.Contains(out, "not judged") {
		t.Fatalf("status: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, stderr = run(t, env, "explain", "--group", "wordcount", "--sample-interval", "10ms")
	if code == 0 || !strings.Contains(out, "this group type is not diagnosed") || strings.Contains(out, "max.poll") {
		t.Fatalf("explain: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, stderr = run(t, env, "reset-offsets", "wordcount", "--to-earliest", "--all-topics", "--execute")
	if code == 0 || !strings.Contains(stderr, `group type "streams" is not described`) {
		t.Fatalf("reset: exit %d\n%s\n%s", code, out, stderr)
	}
}

func shareStartsCLI(t *testing.T, l *labtest.Lab, group string) string {
	t.Helper()
	d, err := l.Adm.DescribeShareGroupOffsets(l.Ctx, group)
	if err != nil {
		return "error: " + err.Error()
	}
	out := map[int32]int64{}
	d[group].Offsets.Each(func(so kadm.ShareOffset) { out[so.Partition] = so.StartOffset })
	return fmt.Sprint(out)
}

// TestShareResetDeleteThroughCLI: reset-offsets, delete-offsets and delete
// on share groups through the real command: refused while a member is
// there (exit 2, nothing written); on an Empty share group the plan lands
// exactly and the undo file restores it; classic-only targets and
// per-partition share deletes are bad input (exit 2, one line).
func TestShareResetDeleteThroughCLI(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("jobs", 2, 20)
	l.ShareMember(lab.ShareMemberSpec{Group: "sg", Topics: []string{"jobs"}, ClientID: "sg-a", Accept: 6})
	l.WaitShare("sg", 1, 34)
	for _, g := range []string{"sq", "sd"} {
		var os kadm.Offsets
		os.AddOffset("jobs", 0, 10, -1)
		os.AddOffset("jobs", 1, 20, -1)
		if resp, err := l.Adm.AlterShareGroupOffsets(l.Ctx, g, os); err != nil || resp.Error() != nil {
			t.Fatalf("init %s: %v %v", g, err, resp.Error())
		}
	}
	env := l.Env()
	dir := t.TempDir()
	env["KGROUPS_UNDO_DIR"] = dir

	before := shareStartsCLI(t, l, "sg")
	code, out, stderr := run(t, env, "reset-offsets", "sg", "--all-topics", "--to-earliest", "--execute", "--undo-file", filepath.Join(dir, "never.json"))
	if code != ExitUsage || !strings.Contains(stderr, "sg is Stable with 1 member(s): sg-a@") || shareStartsCLI(t, l, "sg") != before {
		t.Fatalf("live reset: exit %d\n%s\n%s\nstarts %s (before %s)", code, out, stderr, shareStartsCLI(t, l, "sg"), before)
	}
	if _, err := os.Stat(filepath.Join(dir, "never.json")); err == nil {
		t.Fatal("an undo file was written for a refused reset")
	}

	code, out, stderr = run(t, env, "reset-offsets", "sq", "--all-topics", "--to-latest")
	if code != 0 || !regexp.MustCompile(`(?m)^sq +jobs +0 +10 +20 `).MatchString(out) || !strings.Contains(stderr, "sq is a share group: CURRENT-OFFSET is its share start offset") {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, stderr)
	}
	undo := filepath.Join(dir, "undo.json")
	code, out, stderr = run(t, env, "reset-offsets", "sq", "--all-topics", "--to-latest", "--execute", "--undo-file", undo)
	if code != 0 || shareStartsCLI(t, l, "sq") != "map[0:20 1:20]" {
		t.Fatalf("execute: exit %d\n%s\n%s\nstarts %s", code, out, stderr, shareStartsCLI(t, l, "sq"))
	}
	code, out, stderr = run(t, env, "reset-offsets", "sq", "--from-file", undo, "--execute", "--undo-file", filepath.Join(dir, "redo.json"))
	if code != 0 || shareStartsCLI(t, l, "sq") != "map[0:10 1:20]" {
		t.Fatalf("undo: exit %d\n%s\n%s\nstarts %s", code, out, stderr, shareStartsCLI(t, l, "sq"))
	}

	for _, args := range [][]string{
		{"reset-offsets", "sq", "--all-topics", "--shift-by", "1", "--execute"},
		{"reset-offsets", "sq", "--all-topics", "--to-current", "--execute"},
		{"delete-offsets", "sq", "--topic", "jobs:0", "--execute"},
	} {
		code, out, stderr = run(t, env, args...)
		if code != ExitUsage || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, "share group sq") {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, out, stderr)
		}
	}
	if got := shareStartsCLI(t, l, "sq"); got != "map[0:10 1:20]" {
		t.Fatalf("bad input changed offsets: %s", got)
	}

	code, out, stderr = run(t, env, "delete-offsets", "sq", "--topic", "jobs", "--execute")
	if code != 0 || shareStartsCLI(t, l, "sq") == "map[0:10 1:20]" || !strings.Contains(stderr, "DeleteShareGroupOffsets") {
		t.Fatalf("delete-offsets: exit %d\n%s\n%s\nstarts %s", code, out, stderr, shareStartsCLI(t, l, "sq"))
	}
	code, out, stderr = run(t, env, "delete", "sg", "--execute")
	if code != ExitUsage {
		t.Fatalf("delete live: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, stderr = run(t, env, "delete", "sd", "--execute")
	if code != 0 {
		t.Fatalf("delete: exit %d\n%s\n%s", code, out, stderr)
	}
	if g, err := l.Adm.DescribeShareGroups(l.Ctx, "sd"); err == nil && g["sd"].Err == nil {
		t.Fatalf("sd still exists: %+v", g["sd"])
	}
}

// reset-offsets --share creates a share group that does not exist yet
// with the planned start offsets (AlterShareGroupOffsets creates it, as
// kafka-share-groups.sh does), said in the plan; an existing classic group
// is refused.
func TestShareResetCreatesANewShareGroup(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("jobs", 2, 20)
	l.Commit("classic-g", map[string]map[int32]int64{"jobs": {0: 1}})
	env := l.Env()
	code, out, stderr := run(t, env, "reset-offsets", "new-sg", "--share", "--topic", "jobs", "--allow-new-partitions", "--to-offset", "7")
	if code != 0 || !strings.Contains(out, "new group: no offsets before") || !strings.Contains(stderr, "creates it as a share group") {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, stderr = run(t, env, "reset-offsets", "new-sg", "--share", "--topic", "jobs", "--allow-new-partitions", "--to-offset", "7", "--execute")
	if code != 0 {
		t.Fatalf("execute: exit %d\n%s\n%s", code, out, stderr)
	}
	if got := shareStartsCLI(t, l, "new-sg"); got != "map[0:7 1:7]" {
		t.Fatalf("start offsets of the new share group: %s", got)
	}
	if g, err := l.Adm.DescribeShareGroups(l.Ctx, "new-sg"); err != nil || g["new-sg"].Err != nil {
		t.Fatalf("new-sg is not a share group: %v %+v", err, g)
	}
	if got := l.Committed("new-sg"); len(got) != 0 {
		t.Fatalf("classic offsets were committed for new-sg: %v", got)
	}
	code, _, stderr = run(t, env, "reset-offsets", "classic-g", "--share", "--topic", "jobs", "--to-earliest")
	if code != ExitUsage || !strings.Contains(stderr, "--share: group classic-g exists and is a classic group") {
		t.Fatalf("classic group with --share: exit %d %s", code, stderr)
	}
	code, _, stderr = run(t, env, "reset-offsets", "--all-groups", "--share", "--all-topics", "--to-earliest")
	if code != ExitUsage || !strings.Contains(stderr, "--share goes with named groups") {
		t.Fatalf("--share --all-groups: exit %d %s", code, stderr)
	}
}

// delete and delete-offsets of a share group keep its start offsets in the
// undo file; reset-offsets --share --from-file recreates it exactly.
func TestShareDeleteUndoRecreates(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("jobs", 2, 20)
	var os kadm.Offsets
	os.AddOffset("jobs", 0, 4, -1)
	os.AddOffset("jobs", 1, 9, -1)
	if resp, err := l.Adm.AlterShareGroupOffsets(l.Ctx, "gone", os); err != nil || resp.Error() != nil {
		t.Fatalf("init: %v %v", err, resp.Error())
	}
	env := l.Env()
	undo := filepath.Join(t.TempDir(), "deleted.json")
	code, out, stderr := run(t, env, "delete", "gone", "--execute", "--undo-file", undo)
	if code != 0 || !strings.Contains(stderr, "reset-offsets gone --share --from-file "+undo) {
		t.Fatalf("delete: exit %d\n%s\n%s", code, out, stderr)
	}
	if g, err := l.Adm.DescribeShareGroups(l.Ctx, "gone"); err == nil && g["gone"].Err == nil && g["gone"].GroupState != "Dead" {
		t.Fatalf("gone still exists: %+v", g["gone"])
	}
	code, out, stderr = run(t, env, "reset-offsets", "gone", "--share", "--from-file", undo, "--execute")
	if code != 0 {
		t.Fatalf("restore: exit %d\n%s\n%s", code, out, stderr)
	}
	if got := shareStartsCLI(t, l, "gone"); got != "map[0:4 1:9]" {
		t.Fatalf("restored start offsets %s, want map[0:4 1:9]", got)
	}
}
