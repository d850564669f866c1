package cmd

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/kgroups/kgroups/cluster"
	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/health"
	"github.com/kgroups/kgroups/output"
)

// section is one cluster's part of a read across several contexts.
type section[T any] struct {
	Context string
	Brokers []string
	Doc     T
	Err     error
}

// clusterInfo is one cluster of a fan-out document (JSON "clusters").
type clusterInfo struct {
	Context string   `json:"context" yaml:"context"`
	Brokers []string `json:"brokers" yaml:"brokers"`
	Error   *string  `json:"error" yaml:"error"`
}

// lockedWriter serialises writes from the clusters' goroutines.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// fanOutRun reads every named context at once with look. Every context's
// settings are resolved before anything is dialed, so bad input (exit 2)
// changes nothing and reaches no cluster. extra extends each cluster's
// --timeout (status's window).
func fanOutRun[T any](ctx context.Context, f *Factory, extra time.Duration, look func(*clusterRun) (T, error)) ([]section[T], *output.Printer, error) {
	names, err := f.contextNames()
	if err != nil {
		return nil, nil, err
	}
	p, err := f.Printer()
	if err != nil {
		return nil, nil, err
	}
	f.IO.ErrOut = lockedWriter{mu: &f.outMu, w: f.IO.ErrOut} // under Warnf's errMu: a mutex of its own
	clients := make([]*cluster.Clients, len(names))
	for i, n := range names {
		if clients[i], err = f.clientsFor(n); err != nil {
			return nil, nil, fmt.Errorf("context %s: %w", n, err)
		}
	}
	secs := make([]section[T], len(names))
	var wg sync.WaitGroup
	for i := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, clients[i].Cfg.Timeout+extra)
			defer cancel()
			r := &clusterRun{ctx: cctx, cancel: cancel, out: p, clients: clients[i], f: f, fanned: true}
			doc, err := look(r)
			secs[i] = section[T]{Context: names[i], Brokers: clients[i].Cfg.Brokers, Doc: doc, Err: err}
		}()
	}
	wg.Wait()
	return secs, p, nil
}

// clusters lists the sections for the JSON document.
func clusters[T any](secs []section[T]) []clusterInfo {
	out := make([]clusterInfo, 0, len(secs))
	for _, s := range secs {
		ci := clusterInfo{Context: s.Context, Brokers: s.Brokers}
		if s.Err != nil {
			msg := s.Err.Error()
			ci.Error = &msg
		}
		out = append(out, ci)
	}
	return out
}

// clusterOutcome is the exit for the clusters themselves: every one failed
// is a runtime error (1), some failed is partial (3).
func clusterOutcome[T any](secs []section[T]) error {
	var failed []string
	for _, s := range secs {
		if s.Err != nil {
			failed = append(failed, "context "+s.Context+": "+s.Err.Error())
		}
	}
	switch {
	case len(failed) == 0:
		return nil
	case len(failed) == len(secs):
		return fmt.Errorf("%s", strings.Join(failed, "; "))
	}
	return &PartialError{Msg: "partial result: " + strings.Join(failed, "; ")}
}

// eachSection prints one heading per cluster and, when it was read, its body.
func eachSection[T any](p *output.Printer, secs []section[T], body func(T) error) error {
	for i, s := range secs {
		if err := p.ClusterHeading(i > 0, s.Context, s.Brokers, s.Err); err != nil {
			return err
		}
		if s.Err != nil {
			continue
		}
		if err := body(s.Doc); err != nil {
			return err
		}
	}
	return nil
}

// ---- list ----

type clusterListRow struct {
	Cluster          string `json:"cluster" yaml:"cluster"`
	describe.ListRow `yaml:",inline"`
}

type fanListDoc struct {
	SchemaVersion int              `json:"schema_version" yaml:"schema_version"`
	Clusters      []clusterInfo    `json:"clusters" yaml:"clusters"`
	Groups        []clusterListRow `json:"groups" yaml:"groups"`
	Warnings      []string         `json:"warnings" yaml:"warnings"`
}

func listFanOut(ctx context.Context, o *ListOptions) error {
	secs, p, err := fanOutRun(ctx, o.f, 0, o.look)
	if err != nil {
		return err
	}
	partial := false
	if p.Structured() {
		doc := fanListDoc{SchemaVersion: describe.SchemaVersion, Clusters: clusters(secs), Groups: []clusterListRow{}, Warnings: []string{}}
		for _, s := range secs {
			for _, g := range s.Doc.Groups {
				doc.Groups = append(doc.Groups, clusterListRow{Cluster: s.Context, ListRow: g})
			}
			for _, w := range s.Doc.Warnings {
				doc.Warnings = append(doc.Warnings, s.Context+": "+w)
			}
			partial = partial || len(s.Doc.Warnings) > 0
		}
		if err := p.Data(doc); err != nil {
			return err
		}
	} else {
		err := eachSection(p, secs, func(d describe.ListDocument) error {
			partial = partial || len(d.Warnings) > 0
			if len(d.Groups) == 0 {
				return p.Note("No groups matched.")
			}
			return p.List(d, o.Lag)
		})
		if err != nil {
			return err
		}
	}
	if err := clusterOutcome(secs); err != nil {
		return err
	}
	if partial {
		return &PartialError{Msg: "partial result: some brokers did not list their groups"}
	}
	return nil
}

// ---- describe ----

type clusterGroupView struct {
	Cluster            string `json:"cluster" yaml:"cluster"`
	describe.GroupView `yaml:",inline"`
}

type fanDescribeDoc struct {
	SchemaVersion int                `json:"schema_version" yaml:"schema_version"`
	Isolation     string             `json:"isolation" yaml:"isolation"`
	Clusters      []clusterInfo      `json:"clusters" yaml:"clusters"`
	Groups        []clusterGroupView `json:"groups" yaml:"groups"`
	Warnings      []string           `json:"warnings" yaml:"warnings"`
}

func notFoundView(g describe.GroupView) bool {
	return g.Error != nil && g.State == nil && *g.Error == "group not found"
}

func describeFanOut(ctx context.Context, o *DescribeOptions) error {
	secs, p, err := fanOutRun(ctx, o.f, 0, o.look)
	if err != nil {
		return err
	}
	// A named group lives in some of the clusters: "not found" in the
	// others is no failure, and is left out.
	found := map[string]bool{}
	for _, s := range secs {
		for _, g := range s.Doc.Groups {
			if s.Err == nil && !notFoundView(g) {
				found[g.Group] = true
			}
		}
	}
	merged := describe.Document{Groups: []describe.GroupView{}}
	missing := map[string]bool{}
	for i := range secs {
		if secs[i].Err != nil {
			continue
		}
		kept := []describe.GroupView{}
		for _, g := range secs[i].Doc.Groups {
			if notFoundView(g) && found[g.Group] {
				continue
			}
			kept = append(kept, g)
			if notFoundView(g) {
				if missing[g.Group] {
					continue // counted once, however many clusters lack it
				}
				missing[g.Group] = true
			}
			merged.Groups = append(merged.Groups, g)
		}
		secs[i].Doc.Groups = kept
	}
	outcome := describeOutcome(merged, len(o.Groups) > 0)
	if _, bad := outcome.(*FlagError); bad && clusterOutcome(secs) == nil {
		return outcome // named groups found in no cluster: just the error
	}
	for i := range secs {
		if secs[i].Err == nil {
			o.filter(&secs[i].Doc) // --lag and --sort, per cluster
		}
	}
	if p.Structured() {
		doc := fanDescribeDoc{SchemaVersion: describe.SchemaVersion, Isolation: o.Isolation, Clusters: clusters(secs), Groups: []clusterGroupView{}, Warnings: []string{}}
		for _, s := range secs {
			for _, g := range s.Doc.Groups {
				doc.Groups = append(doc.Groups, clusterGroupView{Cluster: s.Context, GroupView: g})
			}
			for _, w := range s.Doc.Warnings {
				doc.Warnings = append(doc.Warnings, s.Context+": "+w)
			}
		}
		if err := p.Data(doc); err != nil {
			return err
		}
	} else {
		err := eachSection(p, secs, func(d describe.Document) error {
			if len(d.Groups) == 0 {
				return p.Note("No groups matched.")
			}
			return p.Describe(d, o.view())
		})
		if err != nil {
			return err
		}
	}
	if err := clusterOutcome(secs); err != nil {
		return err
	}
	return outcome
}

// ---- status ----

type clusterGroupStatus struct {
	Cluster            string `json:"cluster" yaml:"cluster"`
	health.GroupStatus `yaml:",inline"`
}

type fanStatusDoc struct {
	SchemaVersion int                  `json:"schema_version" yaml:"schema_version"`
	WindowMs      int64                `json:"window_ms" yaml:"window_ms"`
	Samples       int                  `json:"samples" yaml:"samples"`
	Clusters      []clusterInfo        `json:"clusters" yaml:"clusters"`
	Groups        []clusterGroupStatus `json:"groups" yaml:"groups"`
}

func statusFanOut(ctx context.Context, o *StatusOptions) error {
	secs, p, err := fanOutRun(ctx, o.f, o.Window, o.look)
	if err != nil {
		return err
	}
	found := map[string]bool{}
	for _, s := range secs {
		for _, g := range s.Doc.Groups {
			if s.Err == nil && g.Level() != health.NotFound {
				found[g.Group] = true
			}
		}
	}
	var all []health.GroupStatus
	var owner []string
	for i := range secs {
		if secs[i].Err != nil {
			continue
		}
		kept := []health.GroupStatus{}
		for _, g := range secs[i].Doc.Groups {
			if g.Level() == health.NotFound && found[g.Group] {
				continue
			}
			kept = append(kept, g)
			all = append(all, g)
			owner = append(owner, secs[i].Context)
		}
		secs[i].Doc.Groups = kept
	}
	if len(o.Groups) > 0 && len(found) == 0 && clusterOutcome(secs) == nil {
		return flagErrorf("group %s not found in any context (kgroups list --all-contexts shows the groups that exist)", strings.Join(quoteAll(o.Groups), ", "))
	}
	if p.Structured() {
		doc := fanStatusDoc{SchemaVersion: 1, WindowMs: o.Window.Milliseconds(), Samples: o.Samples, Clusters: clusters(secs), Groups: []clusterGroupStatus{}}
		for i, g := range all {
			doc.Groups = append(doc.Groups, clusterGroupStatus{Cluster: owner[i], GroupStatus: g})
		}
		if err := p.Data(doc); err != nil {
			return err
		}
	} else {
		err := eachSection(p, secs, func(d health.StatusDoc) error {
			if len(d.Groups) == 0 {
				return p.Note("No groups matched.")
			}
			return p.Status(d)
		})
		if err != nil {
			return err
		}
	}
	if err := clusterOutcome(secs); err != nil {
		return err
	}
	return o.verdict(all, func(i int) string { return owner[i] })
}
