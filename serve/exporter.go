// Package serve keeps the lag health of the selected groups up to date
// and exposes it for Prometheus: a sampler takes one batched snapshot per
// interval (the same requests as describe --all), judges the window with
// the health package (the same code as `kgroups status`), and publishes
// the result; scrapes read only the last published result and never dial
// Kafka. The package reads: it has no path to any write (reset, delete).
package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/health"
)

// Options tune the exporter.
type Options struct {
	Interval   time.Duration // between samples
	Samples    int           // kept for the verdict window (at least 2)
	AllowedLag int64         // Burrow's allowed lag, as status --allowed-lag
	MaxSeries  int           // beyond this, per-partition series are dropped
}

// TakeFunc takes one sample (health.TakeSample over the selection).
type TakeFunc func(ctx context.Context) (health.Sample, error)

// Exporter samples and serves. Create it with New, start Run, and serve
// Handler.
type Exporter struct {
	opts Options
	take TakeFunc
	now  func() time.Time
	warn io.Writer

	mu     sync.Mutex // guards ring and the health counters below
	ring   []health.Sample
	errors float64
	lastOK time.Time
	lastEr *string
	lastD  time.Duration

	state atomic.Pointer[State]
	reg   *prometheus.Registry
}

// State is one published result: everything a scrape, /status and
// /healthz answer from.
type State struct {
	Time    time.Time            // of the last good sample
	Views   []describe.GroupView // last sample's groups, sorted, with time lag
	Status  *health.StatusDoc    // nil until two samples exist: no verdict without a window
	Watch   *health.WatchDoc     // trends between the last two samples; nil before
	Samples int                  // in the window

	ring       []health.Sample // the window this state was computed from (for /status)
	allowedLag int64

	Series        int  // series this state exposes
	Wanted        int  // series it would expose without the --max-series guard
	DropPartition bool // per-partition series dropped by --max-series
}

// New builds an exporter; warn receives one line when the series guard
// starts or stops dropping per-partition series.
func New(opts Options, take TakeFunc, now func() time.Time, warn io.Writer) *Exporter {
	e := &Exporter{opts: opts, take: take, now: now, warn: warn, reg: prometheus.NewRegistry()}
	e.reg.MustRegister(collector{e})
	return e
}

// Run samples now and then every interval until ctx ends. A failed sample
// is counted and reported by /healthz; the last good state stays served.
func (e *Exporter) Run(ctx context.Context) {
	t := time.NewTicker(e.opts.Interval)
	defer t.Stop()
	for {
		e.SampleOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SampleOnce takes one sample, bounded by the interval, and publishes the
// new state; it returns the sample's error, if any.
func (e *Exporter) SampleOnce(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, e.opts.Interval)
	defer cancel()
	start := e.now()
	s, err := e.take(ctx)
	d := e.now().Sub(start)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.lastD = d
	if err != nil {
		e.errors++
		msg := err.Error()
		e.lastEr = &msg
		return err
	}
	e.lastEr = nil
	e.lastOK = s.Time
	e.ring = nextRing(e.ring, s, e.opts.Samples)
	st := Evaluate(e.ring, e.opts.AllowedLag, s.Time)
	st.ring = e.ring
	st.allowedLag = e.opts.AllowedLag
	if st.Status != nil {
		// The evidence behind every verdict is the whole window again, per
		// partition: /status rebuilds it from the window when asked, so the
		// exporter does not hold it between scrapes.
		for gi := range st.Status.Groups {
			for pi := range st.Status.Groups[gi].Partitions {
				st.Status.Groups[gi].Partitions[pi].Evidence = nil
			}
		}
	}
	limitSeries(st, e.opts.MaxSeries)
	if prev := e.state.Load(); e.warn != nil && (prev == nil || prev.DropPartition != st.DropPartition) && st.DropPartition {
		fmt.Fprintf(e.warn, "warning: %d series exceed --max-series %d: per-partition series are dropped, group series stay (kgroups_exporter_partition_series_dropped 1)\n",
			st.Wanted, e.opts.MaxSeries)
	}
	e.state.Store(st)
	return nil
}

// nextRing is the window with s added and the oldest beyond n dropped. It
// is a new slice (a /status being written keeps reading the old one), and
// every sample but the newest keeps only what a verdict reads: members,
// summaries and anomalies are the newest sample's business.
func nextRing(ring []health.Sample, s health.Sample, n int) []health.Sample {
	out := make([]health.Sample, 0, min(len(ring)+1, n))
	if drop := len(ring) + 1 - n; drop > 0 {
		ring = ring[drop:]
	}
	for i, old := range ring {
		if i == len(ring)-1 {
			old = trimSample(old)
		}
		out = append(out, old)
	}
	return append(out, s)
}

// trimSample keeps, per group, what health's evaluation reads.
func trimSample(s health.Sample) health.Sample {
	groups := make(map[string]describe.GroupView, len(s.Groups))
	for name, g := range s.Groups {
		g.Members, g.Summary, g.Anomalies = nil, describe.Summary{}, nil
		groups[name] = g
	}
	return health.Sample{Time: s.Time, Groups: groups}
}

// Evaluate computes a state from a window of samples (oldest first) at
// now. It is pure: the tests call it with literal samples.
func Evaluate(ring []health.Sample, allowedLag int64, now time.Time) *State {
	last := ring[len(ring)-1]
	st := &State{Time: last.Time, Samples: len(ring)}
	ends := map[describe.TP][]health.EndPoint{}
	for _, s := range ring {
		for _, name := range slices.Sorted(maps.Keys(s.Groups)) {
			for _, p := range s.Groups[name].Partitions {
				tp := describe.TP{Topic: p.Topic, Partition: p.Partition}
				if p.LogEndOffset == nil {
					continue
				}
				if pts := ends[tp]; len(pts) == 0 || !pts[len(pts)-1].Time.Equal(s.Time) {
					ends[tp] = append(pts, health.EndPoint{Time: s.Time, Offset: *p.LogEndOffset})
				}
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(last.Groups)) {
		// The newest sample's own views: time lag is filled in place (no
		// verdict reads it), so 200,000 partitions are not held twice.
		st.Views = append(st.Views, last.Groups[name])
	}
	health.FillTimeLag(st.Views, now, nil, ends)
	if len(ring) >= 2 {
		doc := health.EvaluateSamples(ring, allowedLag)
		health.AddTimeLag(&doc, ring, nil, now)
		st.Status = &doc
		prev := asDocument(ring[len(ring)-2])
		w := health.Watch(&prev, asDocument(last), now, last.Time.Sub(ring[len(ring)-2].Time))
		for i := range w.Groups { // metrics read the group trends only
			w.Groups[i].Partitions, w.Groups[i].Members = nil, nil
		}
		st.Watch = &w
	}
	return st
}

func asDocument(s health.Sample) describe.Document {
	doc := describe.Document{SchemaVersion: 1}
	for _, name := range slices.Sorted(maps.Keys(s.Groups)) {
		doc.Groups = append(doc.Groups, s.Groups[name])
	}
	return doc
}

// Health is /healthz.
type Health struct {
	OK                   bool     `json:"ok"`
	LastSuccess          *string  `json:"last_success"`
	LastSampleAgeSeconds *float64 `json:"last_sample_age_seconds"`
	LastError            *string  `json:"last_error"`
	SampleErrors         int64    `json:"sample_errors"`
	Samples              int      `json:"samples"`
	IntervalMs           int64    `json:"interval_ms"`
}

// Health reports the sampler's health: OK while the last good sample is
// younger than three intervals.
func (e *Exporter) Health() Health {
	e.mu.Lock()
	defer e.mu.Unlock()
	h := Health{LastError: e.lastEr, SampleErrors: int64(e.errors), Samples: len(e.ring), IntervalMs: e.opts.Interval.Milliseconds()}
	if !e.lastOK.IsZero() {
		ts := e.lastOK.UTC().Format(time.RFC3339Nano)
		age := e.now().Sub(e.lastOK).Seconds()
		h.LastSuccess, h.LastSampleAgeSeconds = &ts, &age
		h.OK = age < 3*e.opts.Interval.Seconds()
	}
	return h
}

// Handler serves /metrics (Prometheus text, or OpenMetrics when the
// scraper asks for it), /healthz and /status. Only GET and HEAD.
func (e *Exporter) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(e.reg, promhttp.HandlerOpts{EnableOpenMetrics: true}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		h := e.Health()
		code := http.StatusOK
		if !h.OK {
			code = http.StatusServiceUnavailable
		}
		writeJSON(w, code, h)
	})
	mux.HandleFunc("GET /status", func(w http.ResponseWriter, r *http.Request) {
		st := e.state.Load()
		if st == nil || st.Status == nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"schema_version": 1,
				"error": "no verdict yet: status needs two samples, one interval apart"})
			return
		}
		// The full document, evidence included, rebuilt from the window the
		// state was computed from: the same as `status -o json`.
		doc := health.EvaluateSamples(st.ring, st.allowedLag)
		health.AddTimeLag(&doc, st.ring, nil, st.Time)
		w.Header().Set("Content-Type", "application/json")
		_ = writeStatus(w, doc)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "kgroups serve: /metrics /healthz /status\n")
	})
	return mux
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// writeStatus streams a status document group by group (indented as
// writeJSON indents it), so the encoded document is never held whole.
func writeStatus(w io.Writer, doc health.StatusDoc) error {
	groups := doc.Groups
	doc.Groups = []health.GroupStatus{}
	head, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	const empty = `"groups": []`
	i := bytes.Index(head, []byte(empty))
	if i < 0 {
		return fmt.Errorf("status document without groups")
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(head[:i])
	if len(groups) == 0 {
		bw.WriteString(empty)
	} else {
		bw.WriteString("\"groups\": [\n    ")
		for gi, g := range groups {
			if gi > 0 {
				bw.WriteString(",\n    ")
			}
			b, err := marshalIndentNoEscape(g, "    ", "  ")
			if err != nil {
				return err
			}
			bw.Write(b)
		}
		bw.WriteString("\n  ]")
	}
	bw.Write(head[i+len(empty):])
	bw.WriteString("\n")
	return bw.Flush()
}

func marshalIndentNoEscape(v any, prefix, indent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
