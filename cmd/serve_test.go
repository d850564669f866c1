package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/internal/lab"
)

// TestServeAgreesWithDescribeAndStatus: on kfake with a real member, the
// metrics equal what describe -o json and status -o json say for the same
// (still) groups; an unknown lag is an absent series; a cluster that stops
// answering makes samples fail visibly while the last good one stays
// served, and sampling recovers by itself.
func TestServeAgreesWithDescribeAndStatus(t *testing.T) {
	l, env := resetLab(t) // svc 5,5,5 on orders (10 each); live has a member
	l.Topic("fresh-topic", 2, 7)
	l.Member(lab.MemberSpec{Group: "fresh", Topics: []string{"fresh-topic"}, ClientID: "fresh-1"})
	l.WaitAssigned("fresh", 1, 2)

	addr := make(chan string, 1)
	serveReady = func(a string) { addr <- a }
	defer func() { serveReady = nil }()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	var code int
	io, _, _, errOut := Test()
	go func() {
		defer wg.Done()
		code = ExecuteWith(ctx, io, []string{"serve", "svc", "live", "fresh", "--listen", "127.0.0.1:0", "--interval", "1s", "--samples", "2"},
			func(k string) string { return env[k] }, BuildInfo{})
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not start")
	}
	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := ioReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	waitFor := func(what string, ok func() bool) {
		deadline := time.Now().Add(20 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitFor("a verdict", func() bool { c, _ := get("/status"); return c == 200 })
	_, metrics := get("/metrics")

	_, desc, _ := run(t, env, "describe", "svc", "live", "fresh", "-o", "json")
	var d struct {
		Groups []struct {
			Group      string
			TotalLag   *int64 `json:"total_lag"`
			Partitions []struct {
				Topic     string
				Partition int32
				Lag       *int64
			}
		}
	}
	if err := json.Unmarshal([]byte(desc), &d); err != nil {
		t.Fatal(err)
	}
	for _, g := range d.Groups {
		line := `kgroups_group_lag{group="` + g.Group + `"}`
		if g.TotalLag == nil {
			if strings.Contains(metrics, line) {
				t.Errorf("%s present, but describe says the lag is unknown", line)
			}
		} else if !strings.Contains(metrics, line+" "+itoa(*g.TotalLag)+"\n") {
			t.Errorf("%s: want %d in\n%s", line, *g.TotalLag, grepLines(metrics, line))
		}
		for _, p := range g.Partitions {
			pl := `kgroups_partition_lag{group="` + g.Group + `",partition="` + itoa(int64(p.Partition)) + `",topic="` + p.Topic + `"}`
			switch {
			case p.Lag == nil && strings.Contains(metrics, pl):
				t.Errorf("%s present for an unknown lag", pl)
			case p.Lag != nil && !strings.Contains(metrics, pl+" "+itoa(*p.Lag)+"\n"):
				t.Errorf("%s: want %d", pl, *p.Lag)
			}
		}
	}
	_, st, _ := run(t, env, "status", "svc", "live", "fresh", "--window", "1s", "--samples", "2", "-o", "json")
	var s struct {
		Groups []struct{ Group, Status string }
	}
	if err := json.Unmarshal([]byte(st), &s); err != nil || len(s.Groups) != 3 {
		t.Fatalf("status: %v %s", err, st)
	}
	for _, g := range s.Groups {
		if !strings.Contains(metrics, `kgroups_group_status{group="`+g.Group+`",status="`+g.Status+`"} 1`) {
			t.Errorf("status says %s is %s; metrics:\n%s", g.Group, g.Status, grepLines(metrics, "kgroups_group_status"))
		}
	}

	// The cluster stops answering: samples fail, counted; the last good
	// sample stays served; then it recovers by itself.
	var down atomic.Bool
	down.Store(true)
	l.Cluster.ControlKey(int16(kmsg.Metadata), func(kmsg.Request) (kmsg.Response, error, bool) {
		l.Cluster.KeepControl()
		if down.Load() {
			return nil, errors.New("down"), true // the connection drops: no metadata
		}
		return nil, nil, false
	})
	waitFor("a failed sample", func() bool {
		_, h := get("/healthz")
		return strings.Contains(h, `"last_error": "`) && !strings.Contains(h, `"sample_errors": 0`)
	})
	_, metrics = get("/metrics")
	if !strings.Contains(metrics, `kgroups_group_lag{group="svc"} 15`) || strings.Contains(metrics, "kgroups_exporter_sample_errors_total 0") {
		t.Errorf("during the failure:\n%s", grepLines(metrics, "kgroups_exporter_"))
	}
	down.Store(false)
	waitFor("recovery", func() bool { _, h := get("/healthz"); return strings.Contains(h, `"last_error": null`) })

	cancel()
	wg.Wait()
	if code != 0 || !strings.Contains(errOut.String(), "stopped") {
		t.Fatalf("serve exit %d: %s", code, errOut.String())
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func ioReadAll(r io.Reader) ([]byte, error) { return io.ReadAll(r) }

func grepLines(s, sub string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, sub) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// TestServeNeverPrintsSecrets: with the SASL password on the command line
// and client debug logging on, right and wrong, the password is in no
// metric, label, /healthz, /status or log line.
func TestServeNeverPrintsSecrets(t *testing.T) {
	c, err := lab.NewFake(kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-512", "ops", topSecret))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	env := map[string]string{"KGROUPS_BROKERS": strings.Join(c.ListenAddrs(), ",")}
	for _, pw := range []string{topSecret, "wrong-" + topSecret} {
		addr := make(chan string, 1)
		serveReady = func(a string) { addr <- a }
		ctx, cancel := context.WithCancel(context.Background())
		ios, _, out, errOut := Test()
		done := make(chan int, 1)
		go func() {
			done <- ExecuteWith(ctx, ios, []string{"serve", "--all-groups", "--listen", "127.0.0.1:0", "--interval", "1s", "--samples", "2",
				"--sasl-mechanism", "SCRAM-SHA-512", "--sasl-user", "ops", "--sasl-password", pw, "--verbose", "--timeout", "2s"},
				func(k string) string { return env[k] }, BuildInfo{})
		}()
		base := "http://" + <-addr
		var bodies []string
		deadline := time.Now().Add(20 * time.Second)
		for {
			var all []string
			for _, p := range []string{"/metrics", "/healthz", "/status"} {
				resp, err := http.Get(base + p)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				all = append(all, string(b))
			}
			bodies = all
			sampled := strings.Contains(all[1], `"last_success": "`) || !strings.Contains(all[1], `"sample_errors": 0`)
			if sampled || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		cancel()
		<-done
		serveReady = nil
		for _, b := range append(bodies, out.String(), errOut.String()) {
			if strings.Contains(b, topSecret) {
				t.Fatalf("password %q leaked:\n%s", pw, b)
			}
		}
		if !strings.Contains(errOut.String(), "kgo: ") {
			t.Fatalf("--verbose logged nothing, so the check proves little: %s", errOut.String())
		}
	}
}
