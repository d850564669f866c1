package cmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/cluster"
	"github.com/kgroups/kgroups/completions"
	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/health"
	"github.com/kgroups/kgroups/serve"
)

// ServeOptions are the resolved flags of `kgroups serve`.
type ServeOptions struct {
	f          *Factory
	Listen     string
	Groups     []string
	AllGroups  bool
	Regex      string
	Types      []string
	Interval   time.Duration
	Samples    int
	AllowedLag int64
	MaxSeries  int
}

// serveReady, when set (tests), receives the bound address once serving.
var serveReady func(addr string)

// NewCmdServe builds `kgroups serve`.
func NewCmdServe(f *Factory, comp *completions.Completer, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{f: f}
	var interval string
	cmd := &cobra.Command{
		Use:   "serve [GROUP...] (--all-groups | --regex RE)",
		Short: "Serve the lag health of groups as Prometheus metrics (read-only)",
		Long: `Sample the selected groups every --interval (one batched snapshot, the same
requests as 'describe --all-groups', never one request per group), judge the last
--samples samples with Burrow's rules exactly as 'kgroups status' does, and serve:

  /metrics  Prometheus text format (OpenMetrics when the scraper asks for it):
            per partition committed offset, lag, time lag (interpolated between
            sampled log ends), Burrow status; log start and end per partition;
            per group lag, max lag, members, state, type, status, rates and the
            time to catch up; per member lag and partitions; the exporter's own
            health. docs/metrics.md lists every series.
  /healthz  the age and error of the last sample (503 once the last good sample
            is older than three intervals)
  /status   the same JSON as 'kgroups status -o json' over the window

A scrape never talks to Kafka: it reads the last good sample. A failed sample is
counted (kgroups_exporter_sample_errors_total) and the last good one stays
served with its age; sampling recovers by itself. A lag kgroups does not know is
an absent series, never 0. serve only reads: it has no way to reset or delete.
More than --max-series series drops the per-partition ones (with a warning and
kgroups_exporter_partition_series_dropped 1); group series stay.`,
		Example: `  kgroups serve --all-groups
  kgroups serve --regex '^orders-' --listen 127.0.0.1:9308 --interval 15s
  curl -s localhost:9308/metrics | grep kgroups_group_lag`,
		ValidArgsFunction: comp.Groups,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Groups = args
			if err := opts.validate(interval); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return serveRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Listen, "listen", "127.0.0.1:9308", "serve on this `host:port` (loopback by default)")
	addAllGroupsFlag(fl, &opts.AllGroups, "every group")
	fl.StringVar(&opts.Regex, "regex", "", "groups whose name matches this Go regular expression (unanchored: ^name$ for one)")
	fl.StringSliceVar(&opts.Types, "type", nil, "only groups of these types (classic, consumer, share)")
	fl.StringVar(&interval, "interval", "30s", "take a sample this often (at least 1s)")
	fl.IntVar(&opts.Samples, "samples", 10, "samples in the verdict window (at least 2; window = (samples-1) × interval)")
	fl.Int64Var(&opts.AllowedLag, "allowed-lag", 0, "lag at or below this counts as caught up (as status --allowed-lag)")
	fl.IntVar(&opts.MaxSeries, "max-series", 250000, "beyond this many series drop the per-partition ones (0: no limit)")
	_ = cmd.RegisterFlagCompletionFunc("listen", cobra.NoFileCompletions)
	_ = cmd.RegisterFlagCompletionFunc("interval", cobra.NoFileCompletions)
	_ = cmd.RegisterFlagCompletionFunc("regex", cobra.NoFileCompletions)
	return cmd
}

func (o *ServeOptions) validate(interval string) error {
	n := 0
	for _, set := range []bool{len(o.Groups) > 0, o.AllGroups, o.Regex != ""} {
		if set {
			n++
		}
	}
	if n != 1 {
		return flagErrorf("name the groups to serve, or use --all-groups or --regex: exactly one of them")
	}
	if err := checkGroupNames(o.Groups, o.Regex); err != nil {
		return err
	}
	d, err := time.ParseDuration(interval)
	if err != nil || d < time.Second {
		return flagErrorf("--interval %q: want a duration of at least 1s, such as 30s or 1m", interval)
	}
	o.Interval = d
	if o.Samples < 2 || o.Samples > 1000 {
		return flagErrorf("--samples %d: want 2 to 1000 (a verdict needs two looks)", o.Samples)
	}
	if o.AllowedLag < 0 {
		return flagErrorf("--allowed-lag %d: want 0 or more", o.AllowedLag)
	}
	if o.MaxSeries < 0 {
		return flagErrorf("--max-series %d: want 0 (no limit) or more", o.MaxSeries)
	}
	host, port, err := net.SplitHostPort(o.Listen)
	if err != nil {
		return flagErrorf("--listen %q: want host:port, e.g. 127.0.0.1:9308", o.Listen)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return flagErrorf("--listen %q: port %q is not a number from 0 to 65535", o.Listen, port)
	}
	if host != "" && net.ParseIP(host) == nil && host != "localhost" {
		return flagErrorf("--listen %q: host %q is not an IP address or localhost", o.Listen, host)
	}
	for _, t := range o.Types {
		if !strings.Contains(" classic consumer share streams ", " "+strings.ToLower(t)+" ") {
			return flagErrorf("--type %q is not a group type; use classic, consumer, share or streams", t)
		}
	}
	return nil
}

func serveRun(ctx context.Context, o *ServeOptions) error {
	// Listen first: a port in use is reported before anything dials Kafka.
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return flagErrorf("--listen %s: cannot listen: %v", o.Listen, unwrapNet(err))
	}
	defer ln.Close()
	clients, err := o.f.Clients()
	if err != nil {
		return err
	}
	sel := describe.Selection{Groups: o.Groups, All: o.AllGroups, Types: o.Types}
	if o.Regex != "" {
		sel.Regex = regexp.MustCompile(o.Regex)
	}
	take := func(ctx context.Context) (health.Sample, error) {
		s, err := health.TakeSample(ctx, clients.Kgo, sel, o.f.Now)
		if err != nil {
			return s, cluster.Explain(err, clients.Cfg)
		}
		return s, nil
	}
	exp := serve.New(serve.Options{Interval: o.Interval, Samples: o.Samples, AllowedLag: o.AllowedLag, MaxSeries: o.MaxSeries},
		take, o.f.Now, o.f.IO.ErrOut)
	srv := &http.Server{Handler: exp.Handler(), ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		exp.Run(ctx)
	}()
	fmt.Fprintf(o.f.IO.ErrOut, "serving http://%s/metrics (and /healthz, /status); sampling every %s; Ctrl-C or SIGTERM stops\n", ln.Addr(), o.Interval)
	if serveReady != nil {
		serveReady(ln.Addr().String())
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		stop()
		<-done
		return fmt.Errorf("serving on %s stopped: %w", o.Listen, err)
	case <-ctx.Done():
	}
	// Graceful: finish the scrapes in flight, then stop sampling.
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shut)
	stop()
	<-done
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	fmt.Fprintln(o.f.IO.ErrOut, "stopped")
	return nil
}

func unwrapNet(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}
