package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kgroups/kgroups/resetoffsets"
)

// billingP0 reads billing's committed offset on orders/0 through kgroups.
func billingP0(t *testing.T, env map[string]string, ctxName string) int64 {
	t.Helper()
	code, out, stderr := run(t, env, "describe", "billing", "--context", ctxName, "-o", "json")
	var doc struct {
		Groups []struct {
			Partitions []struct {
				Topic           string
				Partition       int32
				CommittedOffset *int64 `json:"committed_offset"`
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 {
		t.Fatalf("describe on %s: exit %d %v %s", ctxName, code, err, stderr)
	}
	for _, p := range doc.Groups[0].Partitions {
		if p.Topic == "orders" && p.Partition == 0 && p.CommittedOffset != nil {
			return *p.CommittedOffset
		}
	}
	t.Fatalf("no commit on orders/0:\n%s", out)
	return 0
}

// TestPlanRefusedOnAnotherCluster: writes name the cluster; a plan (and an
// undo file) records the cluster id and is refused on another cluster,
// nothing written, unless --force-cluster.
func TestPlanRefusedOnAnotherCluster(t *testing.T) {
	t.Parallel()
	ca, _ := fakeCluster(t, kfake.ClusterID("cluster-A"))
	cb, _ := fakeCluster(t, kfake.ClusterID("cluster-B"))
	seed(t, ca.ListenAddrs())
	seed(t, cb.ListenAddrs())
	a, b := strings.Join(ca.ListenAddrs(), ","), strings.Join(cb.ListenAddrs(), ",")
	cfg := writeContexts(t, "contexts:\n  a:\n    brokers: ["+a+"]\n  b:\n    brokers: ["+b+"]\n")
	env := map[string]string{"KGROUPS_CONFIG": cfg, "KGROUPS_UNDO_DIR": t.TempDir()}
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.json")

	code, out, stderr := run(t, env, "reset-offsets", "billing", "--topic", "orders", "--to-earliest", "--export", plan, "--context", "a")
	if code != 0 || !strings.HasPrefix(out, "CLUSTER cluster-A · context a · "+a+"\n") {
		t.Fatalf("dry run on a: exit %d\n%s\n%s", code, out, stderr)
	}
	pf, err := resetoffsets.ReadPlanFile(plan)
	if err != nil || pf.Cluster == nil || *pf.Cluster.ID != "cluster-A" || *pf.Cluster.Context != "a" || strings.Join(pf.Cluster.Bootstrap, ",") != a {
		t.Fatalf("plan file cluster: %v %+v", err, pf)
	}

	// On b: refused, nothing written.
	code, out, stderr = run(t, env, "reset-offsets", "billing", "--from-file", plan, "--execute", "--context", "b")
	want := plan + " was made on cluster cluster-A (context a, " + a + "), but this is cluster cluster-B (context b, " + b + "); nothing was changed"
	if code != ExitUsage || out != "" || !strings.Contains(stderr, want) {
		t.Fatalf("plan on another cluster: exit %d\n%s\n%s\nwant %s", code, out, stderr, want)
	}
	if got := billingP0(t, env, "b"); got != 4 {
		t.Fatalf("refused plan wrote: billing orders/0 at %d on b, want 4", got)
	}
	// A plan whose rows do not even fit b (a partition b lacks) is refused
	// for its cluster first, not for its rows.
	odd := filepath.Join(dir, "odd.json")
	b2, _ := os.ReadFile(plan)
	oddPlan := strings.Replace(string(b2), `"partition": 0`, `"partition": 7`, 1)
	if oddPlan == string(b2) {
		t.Fatalf("no partition 0 row to change in:\n%s", b2)
	}
	os.WriteFile(odd, []byte(oddPlan), 0o600)
	code, _, stderr = run(t, env, "reset-offsets", "billing", "--from-file", odd, "--execute", "--context", "b")
	if code != ExitUsage || !strings.Contains(stderr, "odd.json was made on cluster cluster-A") {
		t.Fatalf("another cluster's plan with foreign rows: exit %d %s", code, stderr)
	}
	// Its dry run says it will be refused.
	code, _, stderr = run(t, env, "reset-offsets", "billing", "--from-file", plan, "--context", "b")
	if code != 0 || !strings.Contains(stderr, "but this is cluster cluster-B") || !strings.Contains(stderr, "--execute will be refused (unless --force-cluster)") {
		t.Fatalf("dry run on another cluster: exit %d %s", code, stderr)
	}

	// --force-cluster applies it, says so, and the undo file records b.
	undo := filepath.Join(dir, "undo.json")
	code, out, stderr = run(t, env, "reset-offsets", "billing", "--from-file", plan, "--execute", "--force-cluster", "--undo-file", undo, "--context", "b", "-o", "json")
	var res resetoffsets.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 || res.Cluster == nil || *res.Cluster.ID != "cluster-B" {
		t.Fatalf("--force-cluster: exit %d %v\n%s\n%s", code, err, out, stderr)
	}
	if !strings.Contains(stderr, "warning: --force-cluster: "+plan+" was made on cluster cluster-A") {
		t.Fatalf("--force-cluster is not warned about: %s", stderr)
	}
	if got := billingP0(t, env, "b"); got != 0 {
		t.Fatalf("forced plan: billing orders/0 at %d on b, want 0", got)
	}
	uf, err := resetoffsets.ReadPlanFile(undo)
	if err != nil || uf.Cluster == nil || *uf.Cluster.ID != "cluster-B" {
		t.Fatalf("undo file cluster: %v %+v", err, uf)
	}
	// The undo file belongs to b: refused on a.
	code, _, stderr = run(t, env, "reset-offsets", "billing", "--from-file", undo, "--execute", "--context", "a")
	if code != ExitUsage || !strings.Contains(stderr, "was made on cluster cluster-B") {
		t.Fatalf("undo on another cluster: exit %d %s", code, stderr)
	}
	if got := billingP0(t, env, "a"); got != 4 {
		t.Fatalf("refused undo wrote on a: %d", got)
	}
	// Nor is it carried into a re-run on a with --undo-of.
	code, _, stderr = run(t, env, "reset-offsets", "billing", "--topic", "orders:0", "--to-earliest", "--execute", "--undo-of", undo,
		"--undo-file", filepath.Join(dir, "u2.json"), "--context", "a")
	if code != ExitUsage || !strings.Contains(stderr, "undo.json was made on cluster cluster-B") || billingP0(t, env, "a") != 4 {
		t.Fatalf("--undo-of from another cluster: exit %d %s", code, stderr)
	}
	// A plan that recorded no cluster (Kafka's CSV) is not checked.
	csv := filepath.Join(dir, "plan.csv")
	os.WriteFile(csv, []byte("orders,0,2\n"), 0o600)
	if code, _, stderr := run(t, env, "reset-offsets", "billing", "--from-file", csv, "--execute", "--context", "a"); code != 0 || billingP0(t, env, "a") != 2 {
		t.Fatalf("CSV plan: exit %d %s", code, stderr)
	}
	if code, _, stderr := run(t, env, "reset-offsets", "billing", "--topic", "orders", "--to-earliest", "--force-cluster", "--context", "a"); code != ExitUsage ||
		!strings.Contains(stderr, "--force-cluster only matters with --from-file or --undo-of") {
		t.Fatalf("--force-cluster without a file: exit %d %s", code, stderr)
	}

	// delete and delete-offsets name the cluster in the plan and the result.
	code, out, _ = run(t, env, "delete", "shipping", "--context", "a")
	if code != 0 || !strings.HasPrefix(out, "CLUSTER cluster-A · context a · "+a+"\n") {
		t.Fatalf("delete plan:\n%s", out)
	}
	delUndo := filepath.Join(dir, "delete-undo.json")
	code, out, stderr = run(t, env, "delete-offsets", "shipping", "--topic", "orders", "--execute", "--context", "b", "-o", "json", "--undo-file", delUndo)
	var del resetoffsets.DeleteDoc
	if err := json.Unmarshal([]byte(out), &del); err != nil || code != 0 || !del.Executed || del.Cluster == nil || *del.Cluster.ID != "cluster-B" || *del.Cluster.Context != "b" {
		t.Fatalf("delete-offsets result: exit %d %v\n%s\n%s", code, err, out, stderr)
	}
	// The delete's undo file restores on b only.
	code, _, stderr = run(t, env, "reset-offsets", "shipping", "--from-file", delUndo, "--execute", "--context", "a")
	if code != ExitUsage || !strings.Contains(stderr, "delete-undo.json was made on cluster cluster-B") {
		t.Fatalf("delete undo on another cluster: exit %d %s", code, stderr)
	}
	if code, _, stderr := run(t, env, "reset-offsets", "shipping", "--from-file", delUndo, "--execute", "--context", "b"); code != 0 {
		t.Fatalf("delete undo on its cluster: exit %d %s", code, stderr)
	}
}
