package cmd

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/completions"
	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/health"
	"github.com/kgroups/kgroups/output"
	"github.com/kgroups/kgroups/resetoffsets"
)

// DescribeOptions are the resolved flags of `kgroups describe`.
type DescribeOptions struct {
	f         *Factory
	Groups    []string
	All       bool
	Regex     string
	Topic     string
	Types     []string
	Members   bool
	State     bool
	Isolation string
	TimeLag   bool
	Watch     time.Duration // 0: describe once
	Count     int           // with --watch: stop after this many refreshes (0: until Ctrl-C)
	watchSet  bool          // --watch was given (--watch=0s too)
	countSet  bool          // --count was given

	LagExpr string // --lag '>N' (>=, <, <=, =)
	Sort    string // --sort name|lag|state
	By      string // --by group|topic|member

	topicName       string  // --topic TOPIC[:PARTITIONS], parsed
	topicPartitions []int32 // nil: every partition
	lagFilter       *describe.LagFilter
}

const lagRules = `Lag rules:
  lag = log end offset - committed offset. The log end is the high watermark, or
  the last stable offset with --isolation read_committed.
  A partition with no committed offset shows lag "-"; its backlog (end - start)
  is reported apart and never added to the group's lag.
  A commit below the log start (records deleted before they were consumed) keeps
  its lag and is flagged; a commit above the log end (topic truncated or
  recreated) shows lag "-" and is flagged.
  Share groups (KIP-932) commit nothing: per partition they show the share
  start offset and the lag as the broker reports it (records not yet
  delivered or acknowledged; "-" when the broker does not report it).`

// NewCmdDescribe builds `kgroups describe`.
func NewCmdDescribe(f *Factory, comp *completions.Completer, runF func(*DescribeOptions) error) *cobra.Command {
	opts := &DescribeOptions{f: f}
	cmd := &cobra.Command{
		Use:   "describe [GROUP...]",
		Short: "Show groups' members, committed offsets and lag",
		Long: `Show consumer groups: per partition the committed offset, log end and lag, and
the member that owns it (--members: per member; --state: one line per group).
Classic, KIP-848 (consumer) and KIP-932 (share) groups are told apart
automatically; a group of a type this version cannot read (streams) is named
with its type and exits 3.

` + lagRules,
		Example: `  kgroups describe orders-svc
  kgroups describe --all-groups --state
  kgroups describe --regex '^payments-' --members -o wide
  kgroups describe orders-svc --topic orders --isolation read_committed
  kgroups describe --all-groups --lag '>1000' --sort lag --by topic
  kgroups describe --all-groups -o json | jq '.groups[] | select(.total_lag > 1000) | .group'`,
		ValidArgsFunction: comp.Groups,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Groups = args
			opts.watchSet, opts.countSet = cmd.Flags().Changed("watch"), cmd.Flags().Changed("count")
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return describeRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	addAllGroupsFlag(fl, &opts.All, "describe every group")
	fl.StringVar(&opts.Regex, "regex", "", "describe groups whose name matches this Go regular expression (unanchored: ^name$ for one)")
	fl.StringVar(&opts.Topic, "topic", "", "only rows of this topic, or of these partitions (`TOPIC[:0,1,3-5]`, as reset-offsets); with --all-groups/--regex only groups that use it")
	fl.StringSliceVar(&opts.Types, "type", nil, "only groups of these types: "+strings.Join(groupTypes, ", "))
	fl.BoolVar(&opts.Members, "members", false, "one row per member: id, client, host, assignment")
	fl.BoolVar(&opts.State, "state", false, "one row per group: coordinator, assignor, state, members, lag")
	fl.BoolVar(&opts.TimeLag, "time-lag", false, "add seconds behind per partition (reads the record at each committed offset)")
	fl.DurationVar(&opts.Watch, "watch", 0, "refresh every `INTERVAL` (--watch alone: 5s; use --watch=2s): lag delta, consume and produce rates, ETA")
	fl.Lookup("watch").NoOptDefVal = "5s"
	fl.IntVar(&opts.Count, "count", 0, "with --watch: stop after N refreshes (default: until Ctrl-C)")
	fl.StringVar(&opts.LagExpr, "lag", "", "keep groups whose total lag, and rows whose lag, match `EXPR`: >N, >=N, <N, <=N or =N (unknown lag never matches)")
	fl.StringVar(&opts.Sort, "sort", "", "order groups by name, lag (largest first, unknown last) or state")
	fl.StringVar(&opts.By, "by", "", "one lag roll-up row per group, per topic or per member (group, topic, member)")
	_ = cmd.RegisterFlagCompletionFunc("sort", cobra.FixedCompletions(describe.SortKeys, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("by", cobra.FixedCompletions(describe.ByKeys, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("lag", cobra.NoFileCompletions)
	fl.StringVar(&opts.Isolation, "isolation", describe.ReadUncommitted, "lag against the high watermark (read_uncommitted) or the last stable offset (read_committed)")
	cmd.MarkFlagsMutuallyExclusive("members", "state")
	_ = cmd.RegisterFlagCompletionFunc("topic", comp.Topics)
	_ = cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions(groupTypes, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("isolation", cobra.FixedCompletions([]string{describe.ReadUncommitted, describe.ReadCommitted}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("regex", cobra.NoFileCompletions)
	return cmd
}

func (o *DescribeOptions) validate() error {
	if len(o.Groups) == 0 && !o.All && o.Regex == "" {
		return flagErrorf("name at least one group, or use --all-groups or --regex")
	}
	if o.All && (len(o.Groups) > 0 || o.Regex != "") {
		return flagErrorf("--all-groups describes every group: do not also name groups or --regex")
	}
	if o.Topic != "" {
		topic, parts, err := resetoffsets.ParseTopicSpec(o.Topic)
		if err != nil {
			return flagErrorf("%v", err)
		}
		o.topicName, o.topicPartitions = topic, parts
	}
	if err := checkGroupNames(o.Groups, o.Regex); err != nil {
		return err
	}
	for _, t := range o.Types {
		if !containsFold(groupTypes, t) {
			return flagErrorf("--type %q is not a group type; use one of: %s", t, strings.Join(groupTypes, ", "))
		}
	}
	switch o.Isolation {
	case describe.ReadUncommitted, describe.ReadCommitted:
	default:
		return flagErrorf("--isolation %q is not valid; use read_uncommitted or read_committed", o.Isolation)
	}
	if o.Watch < 0 || (o.watchSet && o.Watch < 100*time.Millisecond) {
		return flagErrorf("--watch %s: refresh at most every 100ms (e.g. --watch=2s)", o.Watch)
	}
	switch {
	case o.countSet && !o.watchSet:
		return flagErrorf("--count %d only goes with --watch", o.Count)
	case o.countSet && o.Count < 1:
		return flagErrorf("--count %d: want 1 or more refreshes (leave --count out to watch until Ctrl-C)", o.Count)
	}
	if o.Watch > 0 && (o.Members || o.State) {
		return flagErrorf("--watch shows lag per partition: drop --members/--state")
	}
	if o.LagExpr != "" {
		f, err := describe.ParseLagFilter(o.LagExpr)
		if err != nil {
			return flagErrorf("%v", err)
		}
		o.lagFilter = &f
	}
	if o.Sort != "" {
		s, err := describe.ParseSort(o.Sort)
		if err != nil {
			return flagErrorf("%v", err)
		}
		o.Sort = s
	}
	if o.By != "" {
		b, err := describe.ParseBy(o.By)
		if err != nil {
			return flagErrorf("%v", err)
		}
		o.By = b
		if o.Members || o.State || o.Watch > 0 {
			return flagErrorf("--by %s is a view of its own: drop --members, --state and --watch", o.By)
		}
	}
	if o.Watch > 0 && (o.lagFilter != nil || o.Sort != "") {
		return flagErrorf("--lag and --sort do not go with --watch")
	}
	return nil
}

func (o *DescribeOptions) selection() describe.Selection {
	sel := describe.Selection{Groups: o.Groups, All: o.All, Topic: o.topicName, Types: o.Types, Offsets: true, Members: true, Isolation: o.Isolation}
	if o.Regex != "" {
		sel.Regex = regexp.MustCompile(o.Regex)
	}
	return sel
}

func describeRun(ctx context.Context, o *DescribeOptions) error {
	if o.f.fanOut() {
		if o.Watch > 0 {
			return flagErrorf("--watch follows one cluster: name one --context")
		}
		return describeFanOut(ctx, o)
	}
	if o.Watch > 0 {
		return watchRun(ctx, o)
	}
	r, err := o.f.startRun(ctx)
	if err != nil {
		return err
	}
	defer r.cancel()
	doc, err := o.look(r)
	if err != nil {
		return err
	}
	outcome := describeOutcome(doc, len(o.Groups) > 0)
	if _, bad := outcome.(*FlagError); !bad {
		// Filters and order apply to what was found; an unknown named
		// group is still reported as such.
		o.filter(&doc)
	}
	if len(doc.Groups) == 0 && !r.out.Structured() {
		fmt.Fprintln(o.f.IO.ErrOut, "No groups matched.")
		return outcome
	}
	if _, bad := outcome.(*FlagError); bad && !r.out.Structured() {
		return outcome // nothing found: no table, just the error (JSON/YAML still get their one document)
	}
	if err := r.out.Describe(doc, o.view()); err != nil {
		return err
	}
	if o.topicName != "" && len(o.Groups) > 0 {
		for _, g := range doc.Groups {
			if g.State != nil && len(g.Partitions) == 0 {
				fmt.Fprintf(o.f.IO.ErrOut, "note: group %s has no committed or assigned partitions in --topic %s\n", g.Group, o.Topic)
			}
		}
	}
	return outcome
}

func (o *DescribeOptions) view() output.DescribeView {
	switch {
	case o.Members:
		return output.ViewMembers
	case o.State:
		return output.ViewState
	case o.By == "group":
		return output.ViewByGroup
	case o.By == "topic":
		return output.ViewByTopic
	case o.By == "member":
		return output.ViewByMember
	}
	return output.ViewOffsets
}

// filter applies --lag and --sort to what was found.
func (o *DescribeOptions) filter(doc *describe.Document) {
	if o.lagFilter != nil {
		describe.FilterLag(doc, *o.lagFilter)
	}
	if o.Sort != "" {
		describe.SortGroups(doc.Groups, o.Sort)
	}
}

// look reads and builds the document once (with time lag if asked).
func (o *DescribeOptions) look(r *clusterRun) (describe.Document, error) {
	sel := o.selection()
	if o.topicName != "" {
		sel.ExtraTopics = append(sel.ExtraTopics, o.topicName) // to say whether it exists
	}
	// A progress line only for one cluster read once: several clusters
	// read at once would overwrite each other's.
	prog := newProgress(o.f.IO.ErrOut, o.f.IO.IsStderrTTY() && o.Watch == 0 && !o.f.fanOut(), o.f.Now)
	sel.Progress = prog.report
	snap, err := describe.Fetch(r.ctx, r.clients.Kgo, sel)
	prog.finish()
	if err != nil {
		return describe.Document{}, r.explain(err)
	}
	for _, w := range snap.Warnings {
		r.warnf("%s", w)
	}
	if err := o.checkTopic(snap); err != nil {
		return describe.Document{}, err
	}
	doc := describe.Build(snap, describe.ViewOptions{Topic: o.topicName, Partitions: o.topicPartitions})
	if o.TimeLag {
		for _, g := range doc.Groups {
			if g.Type != nil && *g.Type == describe.TypeShare {
				o.f.Warnf("--time-lag: %s is a share group: it has no committed offset to time, so its time lag is not computed", g.Group)
			}
		}
		recs, err := health.RecordTimes(r.ctx, connector(r.clients.Cfg), health.WantedOffsets(doc.Groups), 5*time.Second)
		if err != nil {
			return doc, r.explain(err)
		}
		health.FillTimeLag(doc.Groups, o.f.Now(), recs, nil)
	}
	return doc, nil
}

// checkTopic: --topic names a topic (and partitions) that exist, as
// reset-offsets and delete-offsets require, instead of matching nothing.
func (o *DescribeOptions) checkTopic(snap *describe.Snapshot) error {
	if o.topicName == "" {
		return nil
	}
	tf := snap.Topics[o.topicName]
	if tf == nil || (!tf.Exists && (tf.Err == "" || tf.Err == describe.NoSuchTopic)) {
		return flagErrorf("--topic %s: topic does not exist", o.topicName)
	}
	if !tf.Exists {
		return nil // unreadable: the rows say why
	}
	for _, p := range o.topicPartitions {
		if _, ok := tf.Partitions[p]; !ok {
			return flagErrorf("--topic %s:%d: partition %d of %s does not exist (it has %d: 0-%d)", o.topicName, p, p, o.topicName, len(tf.Partitions), len(tf.Partitions)-1)
		}
	}
	return nil
}

// watchRun refreshes until --count or Ctrl-C: on a terminal in place, in a
// pipe as repeated tables, with -o json as one JSON object per line.
func watchRun(ctx context.Context, o *DescribeOptions) error {
	var prev *describe.Document
	var prevAt time.Time
	clear := o.f.IO.IsStdoutTTY()
	for i := 0; o.Count == 0 || i < o.Count; i++ {
		if i > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(o.Watch):
			}
		}
		r, err := o.f.startRun(ctx)
		if err != nil {
			return err
		}
		doc, err := o.look(r)
		r.cancel()
		if err != nil {
			if ctx.Err() != nil {
				return nil // Ctrl-C
			}
			return err
		}
		now := o.f.Now()
		if i > 0 && !clear && !r.out.Structured() {
			fmt.Fprintln(o.f.IO.Out)
		}
		if err := r.out.Watch(health.Watch(prev, doc, now, now.Sub(prevAt)), clear && !r.out.Structured()); err != nil {
			return err
		}
		prev, prevAt = &doc, now
	}
	return nil
}

// describeOutcome turns per-group and per-partition failures into the exit
// code: all named groups unknown is bad input (2); any failure next to
// successes is partial (3).
func describeOutcome(doc describe.Document, named bool) error {
	var notFound, failed, unread []string
	okGroups := 0
	badRows := 0
	for _, g := range doc.Groups {
		switch {
		case g.Type != nil && !describe.Readable(*g.Type):
			unread = append(unread, fmt.Sprintf("%s (type %s)", g.Group, *g.Type))
		case g.Error != nil && g.State == nil && *g.Error == "group not found":
			notFound = append(notFound, g.Group)
		case g.Error != nil:
			failed = append(failed, g.Group+": "+*g.Error)
		default:
			okGroups++
		}
		for _, r := range g.Partitions {
			if r.Error != nil && r.Anomaly == nil && !strings.HasPrefix(*r.Error, "topic does not exist") {
				badRows++
			}
		}
	}
	if named && okGroups == 0 && len(failed) == 0 && len(notFound) > 0 {
		return flagErrorf("group %s not found (kgroups list shows the groups that exist)", strings.Join(quoteAll(notFound), ", "))
	}
	if okGroups == 0 && len(failed) > 0 {
		return fmt.Errorf("%s", strings.Join(failed, "; "))
	}
	var parts []string
	if len(notFound) > 0 {
		parts = append(parts, "not found: "+strings.Join(notFound, ", "))
	}
	if len(failed) > 0 {
		parts = append(parts, strings.Join(failed, "; "))
	}
	if badRows > 0 {
		parts = append(parts, fmt.Sprintf("%d partition(s) could not be read", badRows))
	}
	if len(unread) > 0 {
		parts = append(parts, "not described by this version of kgroups: "+strings.Join(unread, ", "))
	}
	if len(parts) > 0 {
		return &PartialError{Msg: "partial result: " + strings.Join(parts, "; ")}
	}
	return nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
