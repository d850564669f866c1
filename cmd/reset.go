package cmd

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kgroups/kgroups/completions"
	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/internal/errs"
	"github.com/kgroups/kgroups/resetoffsets"
)

// ResetOptions are the resolved flags of `kgroups reset-offsets`.
type ResetOptions struct {
	f         *Factory
	Groups    []string
	AllGroups bool
	Regex     string

	Target resetoffsets.Target
	Scope  resetoffsets.Scope

	Execute      bool
	Force        bool
	ForceCluster bool // apply a --from-file plan made on another cluster
	Share        bool // the named groups are share groups; one that does not exist is created as one
	Export       string
	UndoFile     string
	UndoOf       *resetoffsets.PlanFile // --undo-of: an earlier undo file to carry over
}

// resetFlags are the raw target and scope flags, turned into a Target and
// a Scope by validate.
type resetFlags struct {
	earliest, latest, current, allTopics, allowNew, dryRun bool
	toOffset, shiftBy, toDatetime, byDuration              string
	fromFile, toGroup, undoOf                              string
	topics                                                 []string
}

// resetTargets are the target flags; exactly one is given.
var resetTargets = []string{"to-earliest", "to-latest", "to-current", "to-offset", "shift-by", "to-datetime", "by-duration", "from-file", "to-group"}

// NewCmdReset builds `kgroups reset-offsets` (alias seek).
func NewCmdReset(f *Factory, comp *completions.Completer, runF func(*ResetOptions) error) *cobra.Command {
	opts := &ResetOptions{f: f}
	var raw resetFlags
	cmd := &cobra.Command{
		Use:     "reset-offsets GROUP... (--to-earliest | --to-latest | ... ) (--topic T | --all-topics)",
		Aliases: []string{"seek"},
		Short:   "Plan, then apply, a change of committed offsets (dry run unless --execute)",
		Long: `Change a group's committed offsets. Without --execute nothing is written: the plan
is printed under a CLUSTER line naming the cluster (its id, the context and the
bootstrap brokers) (CURRENT-OFFSET, NEW-OFFSET, LOG-START, LOG-END and a NOTE saying when a
target was clamped into [log start, log end], had no record after a time, had no
commit before, or the group does not exist yet).

With --execute, just before writing, kgroups checks that every group is Empty,
Dead or unknown and that no offset moved since the plan was read (--force skips
only the second check), writes an undo file with the offsets as they were, and
commits as an admin (it never joins the group), so the broker refuses too if a
consumer joined meanwhile.

Exactly one target:
  --to-earliest, --to-latest, --to-current, --to-offset N, --shift-by ±N
                    (a shift past the largest offset saturates at the log end)
  --to-datetime T   yyyy-MM-ddTHH:mm:ss[.SSS][zone] as Kafka (no zone means UTC),
                    RFC 3339, or unix seconds / milliseconds; 1970 or later
  --by-duration D   that long before now: ISO-8601 (PT1H30M, P1D) or Go (90m)
  --from-file F     Kafka's CSV (topic,partition,offset / group,topic,partition,offset;
                    RFC 4180 quoting) or a kgroups plan (.json from --export, or
                    .yaml as -o yaml prints it); read strictly: a missing, misspelt
                    or repeated key is an error naming the file, line, row and key
  --to-group G      copy another group's committed offsets
Scope: --topic T or T:0,1 (repeatable), or --all-topics (the topics the group has
committed); --allow-new-partitions also commits partitions never committed.

Share groups (KIP-932): the offset moved is each partition's share start offset,
written with AlterShareGroupOffsets under the same rules (no members, plan,
guard, undo file); --all-topics means the partitions with share state, and
--allow-new-partitions initialises partitions that have none. --shift-by,
--to-current and --to-group do not apply to share groups (exit 2). --share names
share groups: one that does not exist yet is created as a share group with the
planned start offsets (as kafka-share-groups.sh does); an existing classic or
consumer group is refused.
--regex is a Go regular expression matched anywhere in the name (unanchored:
use ^name$ for one group).

The undo file is created new and never overwritten (an existing --undo-file is
refused). By default it goes to $KGROUPS_UNDO_DIR, else
$XDG_STATE_HOME/kgroups/undo, else ~/.local/state/kgroups/undo, named
undo-GROUP-TIME-RANDOM.json; its path is printed. Re-running a plan that partly
landed: with --from-file plan.json the new undo file restores the offsets from
before the first run by itself; with a target flag, pass --undo-of FIRST-UNDO so
the new undo file carries the first run's offsets.

A JSON/YAML plan (and an undo file) records the id of the cluster it was made on;
--execute --from-file (or --undo-of) with a file from a cluster with another id
is refused (exit 2, nothing written) unless --force-cluster. Kafka's CSV records no cluster and is not checked.`,
		Example: `  # replay the last hour, review, then apply
  kgroups reset-offsets orders-svc --all-topics --by-duration PT1H
  kgroups reset-offsets orders-svc --all-topics --by-duration PT1H --export plan.json
  kgroups reset-offsets orders-svc --from-file plan.json --execute --undo-file undo.json

  # skip one poison record on orders/3
  kgroups reset-offsets orders-svc --topic orders:3 --shift-by 1 --execute

  # undo a reset (the undo file is named on stderr when --execute runs)
  kgroups reset-offsets orders-svc --from-file undo.json --execute --undo-file redo.json`,
		ValidArgsFunction: comp.Groups,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Groups = args
			if err := opts.validate(cmd.Flags(), raw); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return resetRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	addAllGroupsFlag(fl, &opts.AllGroups, "every group (each must be inactive to --execute)")
	fl.StringVar(&opts.Regex, "regex", "", "groups whose name matches this Go regular expression (unanchored)")
	fl.BoolVar(&raw.earliest, "to-earliest", false, "to the log start")
	fl.BoolVar(&raw.latest, "to-latest", false, "to the log end (skip everything not yet consumed)")
	fl.BoolVar(&raw.current, "to-current", false, "to the committed offset (partitions with no commit: log end)")
	fl.StringVar(&raw.toOffset, "to-offset", "", "to this offset `N` (clamped into [log start, log end])")
	fl.StringVar(&raw.shiftBy, "shift-by", "", "move the committed offset by `±N` (1 skips one record, -100 replays 100)")
	fl.StringVar(&raw.toDatetime, "to-datetime", "", "to the first record at or after `T` (no zone means UTC)")
	fl.StringVar(&raw.byDuration, "by-duration", "", "to the first record at or after `D` ago (PT1H30M or 90m)")
	fl.StringVar(&raw.fromFile, "from-file", "", "targets from `FILE`: Kafka CSV, or a kgroups plan (.json, .yaml)")
	fl.StringVar(&raw.toGroup, "to-group", "", "copy the committed offsets of group `G`")
	fl.StringArrayVar(&raw.topics, "topic", nil, "`TOPIC` or TOPIC:0,1,2 to reset (repeatable)")
	fl.BoolVar(&raw.allTopics, "all-topics", false, "every topic the group has committed")
	fl.BoolVar(&raw.allowNew, "allow-new-partitions", false, "also commit partitions the group never committed")
	fl.BoolVar(&opts.Execute, "execute", false, "apply the plan (default: print it and change nothing)")
	fl.BoolVar(&raw.dryRun, "dry-run", false, "print the plan only (the default)")
	fl.BoolVar(&opts.Force, "force", false, "with --execute: apply even if offsets moved since the plan was read")
	fl.BoolVar(&opts.Share, "share", false, "the named groups are share groups: one that does not exist yet is created as a share group with these start offsets")
	fl.BoolVar(&opts.ForceCluster, "force-cluster", false, "apply a --from-file plan (or carry an --undo-of file) made on another cluster")
	fl.StringVar(&opts.Export, "export", "", "write the plan to `FILE` (.csv: Kafka's format; .json or .yaml: kgroups plan)")
	fl.StringVar(&opts.UndoFile, "undo-file", "", "with --execute: write the undo plan to this new `FILE` (never overwritten)")
	fl.StringVar(&raw.undoOf, "undo-of", "", "with --execute: carry this earlier undo `FILE` into the new one (re-run of a partial reset)")
	_ = cmd.RegisterFlagCompletionFunc("topic", comp.Topics)
	_ = cmd.RegisterFlagCompletionFunc("to-group", comp.Groups)
	for _, name := range []string{"to-offset", "shift-by", "to-datetime", "by-duration", "regex"} {
		_ = cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
	}
	return cmd
}

// validate checks every flag and reads the files they name, before
// anything is read from the cluster.
func (o *ResetOptions) validate(fl *pflag.FlagSet, raw resetFlags) error {
	var given []string
	for _, name := range resetTargets {
		if fl.Changed(name) {
			given = append(given, "--"+name)
		}
	}
	switch {
	case len(given) == 0:
		return flagErrorf("give one target: --%s", strings.Join(resetTargets, ", --"))
	case len(given) > 1:
		return flagErrorf("give one target, not %s", strings.Join(given, " and "))
	}
	if raw.dryRun && o.Execute {
		return flagErrorf("--dry-run and --execute exclude each other")
	}
	if o.Share && len(o.Groups) == 0 {
		return flagErrorf("--share goes with named groups (it says what a group that does not exist yet becomes)")
	}
	if err := o.validateGroups(); err != nil {
		return err
	}
	t, err := raw.target(fl, o.f.Now(), o.Groups)
	if err != nil {
		return err
	}
	scope, err := resetoffsets.ParseScope(raw.topics, raw.allTopics, raw.allowNew)
	if err != nil {
		return err
	}
	if t.Kind != resetoffsets.FromFile && t.Kind != resetoffsets.ToGroup && !raw.allTopics && len(raw.topics) == 0 {
		return flagErrorf("choose the partitions: --topic TOPIC[:P,...] (repeatable) or --all-topics")
	}
	if o.ForceCluster && t.Kind != resetoffsets.FromFile && raw.undoOf == "" {
		return flagErrorf("--force-cluster only matters with --from-file or --undo-of (a plan records the cluster it was made on)")
	}
	if !o.Execute {
		for name, set := range map[string]bool{"--force": o.Force, "--undo-file": o.UndoFile != "", "--undo-of": raw.undoOf != ""} {
			if set {
				return flagErrorf("%s only matters with --execute", name)
			}
		}
	}
	if o.Export != "" {
		if err := resetoffsets.CheckExportPath(o.Export); err != nil {
			return err
		}
	}
	if o.UndoFile != "" {
		if err := resetoffsets.CheckUndoPath("--undo-file", o.UndoFile); err != nil {
			return err
		}
		if o.UndoFile == o.Export || (t.File != nil && o.UndoFile == t.File.Path) {
			return flagErrorf("--undo-file %s is also the plan file: an undo file must be a new file", o.UndoFile)
		}
	}
	if raw.undoOf != "" {
		pf, err := resetoffsets.ReadUndoFile("--undo-of", raw.undoOf)
		if err != nil {
			return err
		}
		o.UndoOf = pf
	}
	o.Target, o.Scope = t, scope
	return nil
}

// target turns the one target flag given into a Target.
func (raw resetFlags) target(fl *pflag.FlagSet, now time.Time, groups []string) (resetoffsets.Target, error) {
	t := resetoffsets.Target{}
	switch {
	case raw.earliest:
		t.Kind = resetoffsets.ToEarliest
	case raw.latest:
		t.Kind = resetoffsets.ToLatest
	case raw.current:
		t.Kind = resetoffsets.ToCurrent
	case fl.Changed("to-offset"):
		n, err := strconv.ParseInt(strings.TrimSpace(raw.toOffset), 10, 64)
		if err != nil || n < 0 {
			return t, flagErrorf("--to-offset %q: want an offset >= 0", raw.toOffset)
		}
		t.Kind, t.Offset, t.Raw = resetoffsets.ToOffset, n, raw.toOffset
	case fl.Changed("shift-by"):
		n, err := strconv.ParseInt(strings.TrimSpace(raw.shiftBy), 10, 64)
		if err != nil || n == 0 {
			return t, flagErrorf("--shift-by %q: want a non-zero whole number from %d to %d, e.g. 1 (skip one record) or -100 (replay 100)", raw.shiftBy, math.MinInt64, int64(math.MaxInt64))
		}
		t.Kind, t.Shift, t.Raw = resetoffsets.ShiftBy, n, raw.shiftBy
	case fl.Changed("to-datetime"):
		ts, err := resetoffsets.ParseDatetime(raw.toDatetime)
		if err != nil {
			return t, flagErrorf("%s", err)
		}
		t.Kind, t.Time, t.Raw = resetoffsets.ToDatetime, ts, raw.toDatetime
	case fl.Changed("by-duration"):
		d, err := resetoffsets.ParseDuration(raw.byDuration)
		if err != nil {
			return t, flagErrorf("%s", err)
		}
		at := now.Add(-d)
		if err := resetoffsets.CheckTargetTime("--by-duration "+raw.byDuration, at); err != nil {
			return t, flagErrorf("%s", err)
		}
		t.Kind, t.Ago, t.Time, t.Raw = resetoffsets.ByDuration, d, at, raw.byDuration
	case fl.Changed("from-file"):
		pf, err := resetoffsets.ReadPlanFile(raw.fromFile)
		if err != nil {
			return t, err
		}
		t.Kind, t.File, t.Raw = resetoffsets.FromFile, pf, raw.fromFile
	case fl.Changed("to-group"):
		if strings.TrimSpace(raw.toGroup) == "" {
			return t, flagErrorf("--to-group needs a group name")
		}
		if slices.Contains(groups, raw.toGroup) {
			return t, flagErrorf("--to-group %s is also a group being reset", raw.toGroup)
		}
		t.Kind, t.Group, t.Raw = resetoffsets.ToGroup, raw.toGroup, raw.toGroup
	}
	return t, nil
}

func (o *ResetOptions) validateGroups() error {
	n := 0
	if len(o.Groups) > 0 {
		n++
	}
	if o.AllGroups {
		n++
	}
	if o.Regex != "" {
		n++
	}
	if n == 0 {
		return flagErrorf("name the groups to reset, or use --all-groups or --regex")
	}
	if n > 1 {
		return flagErrorf("name groups, or use --all-groups, or --regex: only one of them")
	}
	if err := checkGroupNames(o.Groups, o.Regex); err != nil {
		return err
	}
	return nil
}

func (o *ResetOptions) selection() describe.Selection {
	sel := describe.Selection{Groups: o.Groups, All: o.AllGroups}
	if o.Regex != "" {
		sel.Regex = regexp.MustCompile(o.Regex)
	}
	return sel
}

func resetRun(ctx context.Context, o *ResetOptions) error {
	r, err := o.f.startRun(ctx)
	if err != nil {
		return err
	}
	defer r.cancel()
	// Which cluster this is, first: a plan file from another cluster is
	// refused before its rows are checked against this one.
	here, err := r.clusterRef()
	if err != nil {
		return err
	}
	for _, pf := range []*resetoffsets.PlanFile{o.Target.File, o.UndoOf} {
		var mismatch *resetoffsets.ClusterMismatchError
		if err := resetoffsets.CheckCluster(pf, here); errors.As(err, &mismatch) {
			switch {
			case o.ForceCluster:
				o.f.Warnf("--force-cluster: %s", mismatch.Mismatch())
			case o.Execute:
				return err
			default:
				o.f.Warnf("%s: --execute will be refused (unless --force-cluster)", mismatch.Mismatch())
			}
		}
	}
	facts, err := resetoffsets.Load(r.ctx, r.clients.Kgo, o.selection(), o.Target, o.Scope)
	if err != nil {
		return r.explain(err)
	}
	if len(facts.Groups) == 0 {
		return flagErrorf("no groups matched")
	}
	plan, err := resetoffsets.BuildPlan(facts, o.Target, o.Scope, o.f.Now())
	if err != nil {
		return err
	}
	plan.Cluster = here
	if o.Export != "" {
		if err := resetoffsets.WritePlanFile(o.Export, plan); err != nil {
			return err
		}
		fmt.Fprintf(o.f.IO.ErrOut, "plan written to %s\n", o.Export)
	}
	if err := o.declareShare(facts.Groups); err != nil {
		return err
	}
	for _, g := range facts.Groups {
		if !g.Found {
			what := "its offsets"
			if o.Share {
				what = "it as a share group with these start offsets"
			}
			fmt.Fprintf(o.f.IO.ErrOut, "note: group %s does not exist: this plan creates %s (check the name)\n", g.Name, what)
		}
	}
	shareResetNotes(o.f.IO.ErrOut, facts.Groups)
	if !o.Execute {
		if err := r.out.ResetPlan(plan); err != nil {
			return err
		}
		for _, g := range facts.Groups {
			if !resetoffsets.Inactive(g) {
				fmt.Fprintf(o.f.IO.ErrOut, "warning: %s is %s with %d member(s): --execute will be refused until they stop\n", g.Name, g.State, len(g.Members))
			}
		}
		fmt.Fprintln(o.f.IO.ErrOut, "Dry run: nothing was changed. Add --execute to apply this plan.")
		return nil
	}
	return o.apply(r, plan)
}

// declareShare applies --share: a group that does not exist is taken as a
// share group; one that exists must be one.
func (o *ResetOptions) declareShare(groups []describe.GroupFacts) error {
	if !o.Share {
		return nil
	}
	for i := range groups {
		g := &groups[i]
		switch {
		case !g.Found:
			g.Type = describe.TypeShare
		case g.Type != describe.TypeShare:
			return flagErrorf("--share: group %s exists and is a %s group, not a share group", g.Name, g.Type)
		}
	}
	return nil
}

// apply runs the guarded write of a plan: undo file first, then commits.
func (o *ResetOptions) apply(r *clusterRun, plan resetoffsets.Plan) error {
	errOut := o.f.IO.ErrOut
	before := resetoffsets.ExpectedFromFile(o.Target.File, plan)
	expected := before
	if o.Force {
		expected = nil
	}
	undoPath := o.UndoFile
	if undoPath == "" {
		undoPath = resetoffsets.DefaultUndoPath(o.f.UndoDir(), plan.Groups()[0], o.f.Now())
		if err := resetoffsets.CheckUndoPath("undo file", undoPath); err != nil {
			return err
		}
	}
	var written *string
	res, err := resetoffsets.Apply(r.ctx, r.clients.Kgo, plan, resetoffsets.ApplyOptions{
		Expected: expected,
		Before:   before,
		Share:    o.Share,
		BeforeCommit: func(undo resetoffsets.Plan) error {
			if o.UndoOf != nil {
				undo = resetoffsets.MergeUndo(undo, o.UndoOf)
			}
			if len(undo.Rows) == 0 {
				fmt.Fprintln(errOut, "note: no partition had a commit before, so there is nothing to undo (kgroups delete-offsets removes commits)")
				return nil
			}
			flag := "--undo-file"
			if o.UndoFile == "" {
				flag = "undo file"
			}
			if err := resetoffsets.CreateUndoFile(flag, undoPath, undo); err != nil {
				return err
			}
			written = &undoPath
			fmt.Fprintf(errOut, "undo file: %s (to reverse: kgroups reset-offsets %s --from-file %s --execute)\n",
				undoPath, strings.Join(plan.Groups(), " "), undoPath)
			if n := len(plan.Rows) - countGroupsRows(undo, plan); n > 0 {
				fmt.Fprintf(errOut, "note: %d partition(s) had no commit before; an undo cannot remove a commit (kgroups delete-offsets can)\n", n)
			}
			if n := alreadyThere(plan); n > 0 && o.UndoOf == nil && !o.Target.File.Recorded() {
				fmt.Fprintf(errOut, "note: %d partition(s) already hold their new offset; if an earlier run of this reset set them, "+
					"their offsets from before are in that run's undo file (pass --undo-of EARLIER-UNDO to carry them into this one)\n", n)
			}
			return nil
		},
	})
	if err != nil {
		return r.explain(err)
	}
	res.UndoFile = written
	if err := r.out.ResetResult(res); err != nil {
		return err
	}
	return resetOutcome(res, o.f.timeout())
}

// countGroupsRows counts the undo rows that belong to the plan's partitions.
func countGroupsRows(undo, plan resetoffsets.Plan) int {
	in := map[resetoffsets.RowKey]bool{}
	for _, r := range plan.Rows {
		in[resetoffsets.RowKey{Group: r.Group, Topic: r.Topic, Partition: r.Partition}] = true
	}
	n := 0
	for _, r := range undo.Rows {
		if in[resetoffsets.RowKey{Group: r.Group, Topic: r.Topic, Partition: r.Partition}] {
			n++
		}
	}
	return n
}

// alreadyThere counts the rows whose partition already holds the new offset.
func alreadyThere(plan resetoffsets.Plan) int {
	n := 0
	for _, r := range plan.Rows {
		if r.CurrentOffset != nil && *r.CurrentOffset == r.NewOffset {
			n++
		}
	}
	return n
}

// resetOutcome: every row confirmed is success; some confirmed and some
// not is partial (3); none confirmed is a refusal (2) when the broker
// refused every commit because members joined, else a runtime error (1).
func resetOutcome(res resetoffsets.Result, timeout time.Duration) error {
	if res.Failed == 0 {
		return nil
	}
	var notOK []resetoffsets.ResultRow
	refused, denied, unconfirmed := 0, 0, 0
	for _, r := range res.Rows {
		if r.Status == resetoffsets.StatusOK {
			continue
		}
		notOK = append(notOK, r)
		if r.Refused {
			refused++
		}
		if r.Denied {
			denied++
		}
		if r.Status == resetoffsets.StatusNotConfirmed {
			unconfirmed++
		}
	}
	list := summarizeRows(notOK)
	ok := len(res.Rows) - len(notOK)
	switch {
	case ok > 0:
		msg := fmt.Sprintf("%d of %d partitions were written; not written: %s", ok, len(res.Rows), list)
		if unconfirmed > 0 {
			msg += "; 'not confirmed' may or may not have been written: check with 'kgroups describe'"
		}
		return errs.Partialf("%s; re-run the same plan to finish (it is safe)", msg)
	case refused == len(res.Rows):
		return errs.Refusedf("the broker refused every commit: the group has active members (a consumer joined after the check); nothing was written")
	case denied == len(res.Rows):
		return errs.Runtimef("not authorized to commit offsets for group %s (it needs READ on the group); nothing was written", strings.Join(groupsOf(notOK), ", "))
	case unconfirmed > 0:
		return errs.Runtimef("no answer within --timeout %s: %s; 'not confirmed' may or may not have been written: check with 'kgroups describe', then re-run the same plan (it is safe)",
			timeout, list)
	}
	return errs.Runtimef("every commit failed (%s); nothing was written; re-running the same plan is safe", list)
}

func groupsOf(rows []resetoffsets.ResultRow) []string {
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.Group] = true
	}
	return slices.Sorted(maps.Keys(seen))
}

// summarizeRows words rows compactly: per group and status, each topic
// with its partitions as ranges ("svc orders:0-5,7 (not confirmed)"), so a
// 2,000-partition failure is one readable line, not 2,000 names.
func summarizeRows(rows []resetoffsets.ResultRow) string {
	type key struct{ group, status string }
	parts := map[key]map[string][]int32{}
	var order []key
	for _, r := range rows {
		k := key{r.Group, r.Status}
		if parts[k] == nil {
			parts[k] = map[string][]int32{}
			order = append(order, k)
		}
		parts[k][r.Topic] = append(parts[k][r.Topic], r.Partition)
	}
	var out []string
	for _, k := range order {
		var topics []string
		for _, t := range slices.Sorted(maps.Keys(parts[k])) {
			topics = append(topics, t+":"+partitionRanges(parts[k][t]))
		}
		out = append(out, fmt.Sprintf("%s %s (%s)", k.group, strings.Join(topics, " "), k.status))
	}
	return strings.Join(out, "; ")
}

// partitionRanges writes partitions as sorted ranges: 0-5,7,9-10.
func partitionRanges(ps []int32) string {
	ps = slices.Clone(ps)
	slices.Sort(ps)
	var b strings.Builder
	for i := 0; i < len(ps); {
		j := i
		for j+1 < len(ps) && ps[j+1] == ps[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		if j > i {
			fmt.Fprintf(&b, "%d-%d", ps[i], ps[j])
		} else {
			fmt.Fprintf(&b, "%d", ps[i])
		}
		i = j + 1
	}
	return b.String()
}
