package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/health"
)

func i64(v int64) *int64  { return &v }
func sp(s string) *string { return &s }

var t0 = time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)

// sample: group "svc" (2 partitions, one member) committed at c0/c1 with
// log end e; group "fresh" never committed.
func sample(at time.Time, c0, c1, e int64) health.Sample {
	part := func(p int32, c *int64) describe.PartitionView {
		pv := describe.PartitionView{Topic: "orders", Partition: p, CommittedOffset: c, LogStartOffset: i64(0), LogEndOffset: i64(e), ClientID: sp("svc-1")}
		if c != nil {
			pv.Lag = i64(e - *c)
		}
		return pv
	}
	total := (e - c0) + (e - c1)
	return health.Sample{Time: at, Groups: map[string]describe.GroupView{
		"svc": {Group: "svc", State: sp("Stable"), Type: sp("classic"), Protocol: sp("range"), TotalLag: &total,
			Members:    []describe.MemberView{{MemberID: "svc-1-abc", ClientID: "svc-1", Partitions: 2, Lag: &total}},
			Partitions: []describe.PartitionView{part(0, &c0), part(1, &c1)}},
		"fresh": {Group: "fresh", State: sp("Empty"), Type: sp("classic"),
			Partitions: []describe.PartitionView{{Topic: "orders", Partition: 0, LogStartOffset: i64(0), LogEndOffset: i64(e), Backlog: i64(e)}}},
	}}
}

// scrape gathers the exporter's metrics as text families.
func scrape(t *testing.T, e *Exporter) map[string]string {
	t.Helper()
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for name, f := range fams {
		for _, m := range f.Metric {
			var labels []string
			for _, l := range m.Label {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			v := m.GetGauge().GetValue()
			if m.Counter != nil {
				v = m.GetCounter().GetValue()
			}
			out[name+"{"+strings.Join(labels, ",")+"}"] = num(v)
		}
	}
	return out
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func exporterWith(t *testing.T, samples ...health.Sample) *Exporter {
	t.Helper()
	i := 0
	now := t0
	take := func(context.Context) (health.Sample, error) {
		s := samples[i]
		i++
		now = s.Time
		return s, nil
	}
	e := New(Options{Interval: time.Second, Samples: 5, MaxSeries: 0}, take, func() time.Time { return now }, io.Discard)
	for range samples {
		if err := e.SampleOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func TestMetricsFromSamples(t *testing.T) {
	t.Parallel()
	e := exporterWith(t, sample(t0, 10, 20, 30), sample(t0.Add(time.Second), 20, 30, 40))
	m := scrape(t, e)
	want := map[string]string{
		`kgroups_group_lag{group=svc}`:                                           "30",
		`kgroups_group_max_lag{group=svc}`:                                       "20",
		`kgroups_partition_lag{group=svc,partition=0,topic=orders}`:              "20",
		`kgroups_partition_committed_offset{group=svc,partition=1,topic=orders}`: "30",
		`kgroups_partition_log_end_offset{partition=0,topic=orders}`:             "40",
		`kgroups_group_members{group=svc}`:                                       "1",
		`kgroups_group_state{group=svc,state=Stable}`:                            "1",
		`kgroups_group_state{group=svc,state=Empty}`:                             "0",
		`kgroups_group_info{group=svc,protocol=range,type=classic}`:              "1",
		`kgroups_member_partitions{client_id=svc-1,group=svc,member=svc-1-abc}`:  "2",
		`kgroups_member_lag{client_id=svc-1,group=svc,member=svc-1-abc}`:         "30",
		`kgroups_group_consumed_records_per_second{group=svc}`:                   "20",
		`kgroups_group_produced_records_per_second{group=svc}`:                   "20",
		`kgroups_exporter_window_samples{}`:                                      "2",
		`kgroups_exporter_groups{}`:                                              "2",
		`kgroups_exporter_partitions{}`:                                          "3",
		`kgroups_exporter_sample_errors_total{}`:                                 "0",
		`kgroups_exporter_partition_series_dropped{}`:                            "0",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %q, want %q", k, m[k], v)
		}
	}
	// Unknown is absent, never 0: "fresh" never committed.
	for k := range m {
		if strings.Contains(k, "group=fresh") && (strings.HasPrefix(k, "kgroups_partition_lag") || strings.HasPrefix(k, "kgroups_group_lag") ||
			strings.HasPrefix(k, "kgroups_partition_committed_offset") || strings.HasPrefix(k, "kgroups_group_max_lag")) {
			t.Errorf("%s is present for a group that never committed", k)
		}
	}
	// The verdicts are status's, state sets with exactly one 1.
	st := e.state.Load().Status
	for _, g := range st.Groups {
		if m["kgroups_group_status{group="+g.Group+",status="+g.Status+"}"] != "1" {
			t.Errorf("group %s status %s not 1 in %v", g.Group, g.Status, m)
		}
		ones := 0
		for k, v := range m {
			if strings.HasPrefix(k, "kgroups_group_status{group="+g.Group+",") && v == "1" {
				ones++
			}
		}
		if ones != 1 {
			t.Errorf("group %s: %d statuses at 1", g.Group, ones)
		}
	}
	// time lag: interpolated between the sampled log ends, as status says.
	for _, g := range st.Groups {
		for _, p := range g.Partitions {
			if p.TimeLagSeconds == nil {
				continue
			}
			k := "kgroups_partition_time_lag_seconds{group=" + g.Group + ",method=" + *p.TimeLagMethod + ",partition=" + strconv.Itoa(int(p.Partition)) + ",topic=orders}"
			if m[k] != num(*p.TimeLagSeconds) {
				t.Errorf("%s = %q, /status says %v", k, m[k], *p.TimeLagSeconds)
			}
		}
	}
}

func TestNoVerdictFromOneSample(t *testing.T) {
	t.Parallel()
	e := exporterWith(t, sample(t0, 10, 20, 30))
	m := scrape(t, e)
	for k := range m {
		if strings.HasPrefix(k, "kgroups_group_status") || strings.HasPrefix(k, "kgroups_partition_status") {
			t.Errorf("a verdict from one sample: %s", k)
		}
	}
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/status")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(b), "status needs two samples") {
		t.Fatalf("/status with one sample: %d %s", resp.StatusCode, b)
	}
}

func TestMaxSeriesDropsPartitions(t *testing.T) {
	t.Parallel()
	take := func(context.Context) (health.Sample, error) { return sample(t0, 10, 20, 30), nil }
	var warn bytes.Buffer
	e := New(Options{Interval: time.Second, Samples: 2, MaxSeries: 12}, take, func() time.Time { return t0 }, &warn)
	if err := e.SampleOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := scrape(t, e)
	if m["kgroups_exporter_partition_series_dropped{}"] != "1" || !strings.Contains(warn.String(), "exceed --max-series 12") {
		t.Fatalf("dropped %q, warning %q", m["kgroups_exporter_partition_series_dropped{}"], warn.String())
	}
	for k := range m {
		if strings.HasPrefix(k, "kgroups_partition_") {
			t.Errorf("per-partition series %s survived the guard", k)
		}
	}
	if m["kgroups_group_lag{group=svc}"] != "30" {
		t.Errorf("group series must stay: %v", m["kgroups_group_lag{group=svc}"])
	}
}

func TestFailedSampleKeepsTheLastGood(t *testing.T) {
	t.Parallel()
	now := t0
	fail := false
	take := func(context.Context) (health.Sample, error) {
		if fail {
			return health.Sample{}, errors.New("no answer from 127.0.0.1:1 within --timeout 1s")
		}
		return sample(now, 10, 20, 30), nil
	}
	e := New(Options{Interval: time.Second, Samples: 3}, take, func() time.Time { return now }, io.Discard)
	_ = e.SampleOnce(context.Background())
	fail, now = true, now.Add(5*time.Second)
	if err := e.SampleOnce(context.Background()); err == nil {
		t.Fatal("want the sample's error")
	}
	h := e.Health()
	if h.OK || h.LastError == nil || !strings.Contains(*h.LastError, "no answer") || h.SampleErrors != 1 || *h.LastSampleAgeSeconds != 5 {
		t.Fatalf("health %+v", h)
	}
	m := scrape(t, e)
	if m["kgroups_group_lag{group=svc}"] != "30" || m["kgroups_exporter_sample_errors_total{}"] != "1" || m["kgroups_exporter_last_sample_age_seconds{}"] != "5" {
		t.Fatalf("last good sample not served with its age: %v", m)
	}
	fail, now = false, now.Add(time.Second)
	if err := e.SampleOnce(context.Background()); err != nil || !e.Health().OK {
		t.Fatalf("did not recover: %v %+v", err, e.Health())
	}
}

func TestOnlyReads(t *testing.T) {
	t.Parallel()
	e := exporterWith(t, sample(t0, 1, 1, 1))
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		req, _ := http.NewRequest(method, srv.URL+"/metrics", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s /metrics: %d", method, resp.StatusCode)
		}
	}
	// By construction: nothing that writes to Kafka is linked into serve.
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, pkg := range []string{"github.com/kgroups/kgroups/resetoffsets", "github.com/kgroups/kgroups/cmd"} {
		if strings.Contains(string(out), pkg+"\n") {
			t.Errorf("serve depends on %s", pkg)
		}
	}
}

var _ prometheus.Collector = collector{}

// /status streams the document group by group; the bytes equal encoding
// it whole, evidence included (the exporter keeps none between scrapes).
func TestStatusStreamedEqualsWhole(t *testing.T) {
	t.Parallel()
	ring := []health.Sample{sample(t0, 10, 20, 30), sample(t0.Add(time.Second), 20, 30, 40)}
	e := exporterWith(t, ring...)
	srv := httptest.NewServer(e.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/status")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	doc := health.EvaluateSamples(ring, 0)
	health.AddTimeLag(&doc, ring, nil, ring[1].Time)
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	if string(got) != want.String() {
		t.Fatalf("streamed /status differs:\n%s\nwant\n%s", got, want.String())
	}
	if !strings.Contains(string(got), `"evidence": [`) {
		t.Fatal("no evidence in /status")
	}
	for _, g := range e.state.Load().Status.Groups {
		for _, p := range g.Partitions {
			if p.Evidence != nil {
				t.Fatal("the state holds evidence between scrapes")
			}
		}
	}
	var empty bytes.Buffer
	if err := writeStatus(&empty, health.StatusDoc{SchemaVersion: 1, Groups: []health.GroupStatus{}}); err != nil || !strings.Contains(empty.String(), `"groups": []`) {
		t.Fatalf("empty: %v %s", err, empty.String())
	}
}
