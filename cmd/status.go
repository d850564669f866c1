package cmd

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/cluster"
	"github.com/kgroups/kgroups/completions"
	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/health"
)

// StatusOptions are the resolved flags of `kgroups status`.
type StatusOptions struct {
	f          *Factory
	Groups     []string
	All        bool
	Regex      string
	Window     time.Duration
	Samples    int
	AllowedLag int64
	FailOn     string
	TimeLag    bool
}

// NewCmdStatus builds `kgroups status`.
func NewCmdStatus(f *Factory, comp *completions.Completer, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{f: f}
	var window string
	cmd := &cobra.Command{
		Use:   "status [GROUP...]",
		Short: "Judge groups' lag over a window, with Burrow's rules (OK, WARN, ERR)",
		Long: `Sample committed offsets and log ends --samples times over --window and judge every
partition with Burrow's rules, in Burrow's order (lag at or below --allowed-lag
counts as zero):
  STOP    commits did not move for longer than the window they had moved over
          (unless the log end was at the last commit recently): no member commits
  REWIND  a committed offset went backwards
  STALL   the offset never moved, a live member owns it, and lag was never zero
  WARN    the offset moves but lag never decreased (and was never zero), and it
          grew by more than the records produced in one sampling interval
  OK      caught up, or lag fell or reached zero within the window
A partition never committed with records waiting is WARN ("never committed; N
records waiting"); one whose offsets could not be read is UNKNOWN, never OK.
A group's status is its worst partition's, with STOP, STALL and REWIND counted as
ERR; a group with unreadable partitions and no worse verdict is UNKNOWN (exit 3). Offset commits carry no timestamps here, so STOP (nobody owns the partition)
and STALL (an owner that does not progress) are told apart by group membership.
Use a window of several commit intervals (default 30s: Java auto-commits every 5s).

Share groups (KIP-932) commit nothing: their partitions are judged from the
broker's share start offset and share lag (STOP: lag and no member reads it;
STALL: members hold it but the start offset stands while the lag does; WARN:
the start offset moves but the lag never decreased); a partition whose lag the
broker does not report gets no verdict. A group type kgroups cannot read
(streams) is UNKNOWN (exit 3), never OK.

Exit 0 when every group is OK, 4 when one is at or above --fail-on (error, warn,
info, never; the old "err" still means error), 3 when one could not be judged or a
named group does not exist (whatever --fail-on says).`,
		Example: `  kgroups status orders-svc
  kgroups status --all-groups --window 1m --samples 7 --fail-on error
  kgroups status orders-svc --time-lag -o json | jq '.groups[0].partitions[] | {partition, status, time_lag_seconds}'`,
		ValidArgsFunction: comp.Groups,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Groups = args
			if len(args) == 0 && !opts.All && opts.Regex == "" {
				return flagErrorf("name at least one group, or use --all-groups or --regex")
			}
			if opts.All && (len(args) > 0 || opts.Regex != "") {
				return flagErrorf("--all-groups judges every group: do not also name groups or --regex")
			}
			if err := checkGroupNames(args, opts.Regex); err != nil {
				return err
			}
			d, err := time.ParseDuration(window)
			if err != nil || d <= 0 {
				return flagErrorf("--window %q: want a positive duration such as 30s or 2m", window)
			}
			opts.Window = d
			if opts.Samples < 2 {
				return flagErrorf("--samples %d: want at least 2 (a window needs two looks)", opts.Samples)
			}
			if opts.Samples > 1000 {
				return flagErrorf("--samples %d: at most 1000", opts.Samples)
			}
			if opts.AllowedLag < 0 {
				return flagErrorf("--allowed-lag %d: want 0 or more", opts.AllowedLag)
			}
			if opts.FailOn, err = parseFailOn(opts.FailOn); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	addAllGroupsFlag(fl, &opts.All, "judge every group")
	fl.StringVar(&opts.Regex, "regex", "", "judge groups whose name matches this Go regular expression (unanchored: ^name$ for one)")
	fl.StringVar(&window, "window", "30s", "how long to watch")
	fl.IntVar(&opts.Samples, "samples", 6, "how many looks over the window (at least 2)")
	fl.Int64Var(&opts.AllowedLag, "allowed-lag", 0, "lag at or below this counts as caught up")
	fl.StringVar(&opts.FailOn, "fail-on", "warn", "exit 4 from this status up: error (ERR), warn (WARN and ERR), info (same as warn: status has no INFO), never")
	fl.BoolVar(&opts.TimeLag, "time-lag", false, "also estimate seconds behind per partition")
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions(failOnLevels, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func statusRun(ctx context.Context, o *StatusOptions) error {
	if o.f.fanOut() {
		return statusFanOut(ctx, o)
	}
	r, err := o.f.startRun(ctx)
	if err != nil {
		return err
	}
	defer r.cancel()
	// The sampling window comes on top of --timeout.
	ctx, cancel := context.WithTimeout(ctx, r.clients.Cfg.Timeout+o.Window)
	defer cancel()
	r.ctx = ctx
	doc, err := o.look(r)
	if err != nil {
		return err
	}
	if len(doc.Groups) == 0 && !r.out.Structured() {
		fmt.Fprintln(o.f.IO.ErrOut, "No groups matched.")
		return nil
	}
	var missing []string
	for _, g := range doc.Groups {
		if g.Level() == health.NotFound {
			missing = append(missing, g.Group)
		}
	}
	notFound := len(o.Groups) > 0 && len(missing) == len(doc.Groups)
	if notFound && !r.out.Structured() {
		return flagErrorf("group %s not found (kgroups list shows the groups that exist)", strings.Join(quoteAll(missing), ", "))
	}
	if err := r.out.Status(doc); err != nil {
		return err
	}
	if notFound {
		return flagErrorf("group %s not found (kgroups list shows the groups that exist)", strings.Join(quoteAll(missing), ", "))
	}
	return o.verdict(doc.Groups, nil)
}

// look samples one cluster over the window and judges its groups.
func (o *StatusOptions) look(r *clusterRun) (health.StatusDoc, error) {
	sel := describe.Selection{Groups: o.Groups, All: o.All}
	if o.Regex != "" {
		sel.Regex = regexp.MustCompile(o.Regex)
	}
	interval := o.Window / time.Duration(o.Samples-1)
	samples, err := health.TakeSamples(r.ctx, r.clients.Kgo, sel, o.Samples, interval, o.f.Now, nil)
	if err != nil {
		return health.StatusDoc{}, r.explain(err)
	}
	doc := health.EvaluateSamples(samples, o.AllowedLag)
	if o.TimeLag {
		last := samples[len(samples)-1]
		views := make([]describe.GroupView, 0, len(last.Groups))
		for _, g := range last.Groups {
			views = append(views, g)
		}
		recs, err := health.RecordTimes(r.ctx, connector(r.clients.Cfg), health.WantedOffsets(views), 5*time.Second)
		if err != nil {
			return health.StatusDoc{}, r.explain(err)
		}
		health.AddTimeLag(&doc, samples, recs, o.f.Now())
	}
	return doc, nil
}

// verdict is exit 4 when a group is at or above --fail-on (or not found),
// else 3 when a group could not be judged. clusterOf names each group's
// cluster in the message (nil for one cluster).
func (o *StatusOptions) verdict(groups []health.GroupStatus, clusterOf func(int) string) error {
	threshold := health.Warn
	switch o.FailOn {
	case "error":
		threshold = health.Err
	case "never":
		threshold = health.Unknown + 1 // no verdict fails the check
	}
	var bad, unknown, missing []string
	for i, g := range groups {
		name := g.Group
		if clusterOf != nil {
			name = clusterOf(i) + "/" + name
		}
		switch {
		case g.Level() == health.Unknown:
			unknown = append(unknown, name)
		case g.Level() == health.NotFound:
			// A named group that is not there is never a pass, whatever
			// --fail-on says: it was not judged (a typo must not read OK).
			missing = append(missing, name)
		case g.Level() >= threshold:
			bad = append(bad, name+" "+g.Status)
		}
	}
	if len(bad) > 0 {
		fmt.Fprintf(o.f.IO.ErrOut, "kgroups: %s (--fail-on %s)\n", strings.Join(bad, ", "), o.FailOn)
		return &SilentExit{Code: ExitCheck}
	}
	var why []string
	if len(unknown) > 0 {
		why = append(why, "could not judge "+strings.Join(unknown, ", ")+" (offsets could not be read)")
	}
	if len(missing) > 0 {
		why = append(why, "group "+strings.Join(missing, ", ")+" not found")
	}
	if len(why) > 0 {
		// Not judged is not fine: a partial result, never exit 0.
		return &PartialError{Msg: "partial result: " + strings.Join(why, "; ")}
	}
	return nil
}

// connector makes clients with the invocation's connection settings plus
// extra options (time lag's direct consumer).
func connector(cfg cluster.Config) health.Connect {
	return func(opts ...kgo.Opt) (*kgo.Client, error) {
		c, err := cluster.Connect(cfg, opts...)
		if err != nil {
			return nil, err
		}
		return c.Kgo, nil
	}
}
