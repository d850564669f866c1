package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kgroups/kgroups/cmd"
	"github.com/kgroups/kgroups/internal/lab"
)

// freePort picks a free loopback port.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}

func httpGet(url string) (int, string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestServeWithPrometheus: a real Prometheus (Debian's package) scrapes
// `kgroups serve`, and a PromQL query through its HTTP API returns the
// seeded group's lag; promtool accepts the exposition.
func TestServeWithPrometheus(t *testing.T) {
	prom := needTool(t, "prometheus")
	promtool := needTool(t, "promtool")
	brokers, prefix := testCluster(t, t.Cleanup)
	topic, group := prefix+"served", prefix+"served-svc"
	setupTopic(t, brokers, topic, 3) // 5 records a partition
	cl, err := lab.Client(brokers)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := lab.Commit(ctx, kadm.NewClient(cl), group, map[string]map[int32]int64{topic: {0: 1, 1: 2, 2: 3}}); err != nil {
		t.Fatal(err)
	}
	cl.Close()
	const wantLag = 4 + 3 + 2

	port := freePort(t)
	serveCtx, stop := context.WithCancel(ctx)
	done := make(chan int, 1)
	go func() {
		ios, _, _, _ := cmd.Test()
		getenv := func(k string) string {
			if k == "KGROUPS_BROKERS" {
				return strings.Join(brokers, ",")
			}
			return ""
		}
		done <- cmd.ExecuteWith(serveCtx, ios, []string{"serve", group, "--listen", "127.0.0.1:" + port, "--interval", "1s", "--samples", "2"}, getenv, cmd.BuildInfo{})
	}()
	defer func() {
		stop()
		if code := <-done; code != 0 {
			t.Errorf("serve exit %d", code)
		}
	}()
	base := "http://127.0.0.1:" + port
	var exposition string
	for deadline := time.Now().Add(30 * time.Second); ; {
		code, body, err := httpGet(base + "/metrics")
		if err == nil && code == 200 && strings.Contains(body, "kgroups_group_lag{") {
			exposition = body
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve never exposed the group: %d %v", code, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	check := exec.Command(promtool, "check", "metrics")
	check.Stdin = strings.NewReader(exposition)
	if out, err := check.CombinedOutput(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}

	dir := t.TempDir()
	promPort := freePort(t)
	cfg := fmt.Sprintf("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: kgroups\n    static_configs:\n      - targets: ['127.0.0.1:%s']\n", port)
	if err := os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	p := exec.CommandContext(ctx, prom, "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address=127.0.0.1:"+promPort)
	if testing.Verbose() {
		p.Stderr = os.Stderr
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { p.Process.Kill(); p.Wait() }()

	query := fmt.Sprintf(`kgroups_group_lag{group=%q}`, group)
	var last string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		_, body, err := httpGet("http://127.0.0.1:" + promPort + "/api/v1/query?query=" + url.QueryEscape(query))
		if err != nil {
			continue
		}
		last = body
		var r struct {
			Status string
			Data   struct {
				Result []struct {
					Value [2]any `json:"value"`
				}
			}
		}
		if json.Unmarshal([]byte(body), &r) == nil && r.Status == "success" && len(r.Data.Result) == 1 {
			if v, _ := r.Data.Result[0].Value[1].(string); v == fmt.Sprint(wantLag) {
				return
			}
		}
	}
	t.Fatalf("PromQL %s never returned %d; last answer: %s", query, wantLag, last)
}

// TestReadmeAlertRule: the alert rule README shows is valid for promtool.
func TestReadmeAlertRule(t *testing.T) {
	promtool := needTool(t, "promtool")
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i := strings.Index(readme, "```yaml\ngroups:")
	if i < 0 {
		t.Fatal("README has no alert rule block")
	}
	block := readme[i+len("```yaml\n"):]
	block = block[:strings.Index(block, "```")]
	path := filepath.Join(t.TempDir(), "rules.yml")
	if err := os.WriteFile(path, []byte(block), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(promtool, "check", "rules", path).CombinedOutput(); err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
}
