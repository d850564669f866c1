package cmd

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/completions"
	"github.com/kgroups/kgroups/describe"
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

	Execute  bool
	Force    bool
	Export   string
	UndoFile string
}

// resetTargets are the target flags; exactly one is given.
var resetTargets = []string{"to-earliest", "to-latest", "to-current", "to-offset", "shift-by", "to-datetime", "by-duration", "from-file", "to-group"}

// NewCmdReset builds `kgroups reset-offsets` (alias seek).
func NewCmdReset(f *Factory, comp *completions.Completer, runF func(*ResetOptions) error) *cobra.Command {
	opts := &ResetOptions{f: f}
	var (
		earliest, latest, current, allTopics, allowNew, dryRun bool
		toOffset, shiftBy                                      string
		toDatetime, byDuration, fromFile, toGroup              string
		topics                                                 []string
	)
	cmd := &cobra.Command{
		Use:     "reset-offsets GROUP... (--to-earliest | --to-latest | ... ) (--topic T | --all-topics)",
		Aliases: []string{"seek"},
		Short:   "Plan, then apply, a change of committed offsets (dry run unless --execute)",
		Long: `Change a group's committed offsets. Without --execute nothing is written: the plan
is printed (CURRENT-OFFSET, NEW-OFFSET, LOG-START, LOG-END and a NOTE saying when a
target was clamped into [log start, log end], had no record after a time, or had
no commit before).

With --execute, just before writing, kgroups checks that every group is Empty,
Dead or unknown and that no offset moved since the plan was read (--force skips
only the second check), writes an undo file with the offsets as they were, and
commits as an admin (it never joins the group), so the broker refuses too if a
consumer joined meanwhile.

Exactly one target:
  --to-earliest, --to-latest, --to-current, --to-offset N, --shift-by ±N,
  --to-datetime T   yyyy-MM-ddTHH:mm:ss[.SSS][zone] as Kafka (no zone means UTC),
                    RFC 3339, or unix seconds / milliseconds
  --by-duration D   that long before now: ISO-8601 (PT1H30M, P1D) or Go (90m)
  --from-file F     Kafka's CSV (topic,partition,offset / group,topic,partition,offset)
                    or a kgroups JSON plan (from --export plan.json)
  --to-group G      copy another group's committed offsets
Scope: --topic T or T:0,1 (repeatable), or --all-topics (the topics the group has
committed); --allow-new-partitions also commits partitions never committed.`,
		Example: `  # replay the last hour, review, then apply
  kgroups reset-offsets orders-svc --all-topics --by-duration PT1H
  kgroups reset-offsets orders-svc --all-topics --by-duration PT1H --export plan.json
  kgroups reset-offsets orders-svc --from-file plan.json --execute

  # skip one poison record on orders/3
  kgroups reset-offsets orders-svc --topic orders:3 --shift-by 1 --execute

  # undo a reset (the undo file is named on stderr when --execute runs)
  kgroups reset-offsets orders-svc --from-file kgroups-undo-orders-svc-20261121T093000Z.json --execute`,
		ValidArgsFunction: comp.Groups,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Groups = args
			fl := cmd.Flags()
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
			if dryRun && opts.Execute {
				return flagErrorf("--dry-run and --execute exclude each other")
			}
			if err := opts.validateGroups(); err != nil {
				return err
			}
			t := resetoffsets.Target{}
			switch {
			case earliest:
				t.Kind = resetoffsets.ToEarliest
			case latest:
				t.Kind = resetoffsets.ToLatest
			case current:
				t.Kind = resetoffsets.ToCurrent
			case fl.Changed("to-offset"):
				n, err := strconv.ParseInt(strings.TrimSpace(toOffset), 10, 64)
				if err != nil || n < 0 {
					return flagErrorf("--to-offset %q: want an offset >= 0", toOffset)
				}
				t.Kind, t.Offset, t.Raw = resetoffsets.ToOffset, n, toOffset
			case fl.Changed("shift-by"):
				n, err := strconv.ParseInt(strings.TrimSpace(shiftBy), 10, 64)
				if err != nil || n == 0 {
					return flagErrorf("--shift-by %q: want a non-zero whole number, e.g. 1 (skip one record) or -100 (replay 100)", shiftBy)
				}
				t.Kind, t.Shift, t.Raw = resetoffsets.ShiftBy, n, shiftBy
			case fl.Changed("to-datetime"):
				ts, err := resetoffsets.ParseDatetime(toDatetime)
				if err != nil {
					return &FlagError{Msg: err.Error()}
				}
				t.Kind, t.Time, t.Raw = resetoffsets.ToDatetime, ts, toDatetime
			case fl.Changed("by-duration"):
				d, err := resetoffsets.ParseDuration(byDuration)
				if err != nil {
					return &FlagError{Msg: err.Error()}
				}
				t.Kind, t.Ago, t.Time, t.Raw = resetoffsets.ByDuration, d, f.Now().Add(-d), byDuration
			case fl.Changed("from-file"):
				pf, err := resetoffsets.ReadPlanFile(fromFile)
				if err != nil {
					return err
				}
				t.Kind, t.File, t.Raw = resetoffsets.FromFile, pf, fromFile
			case fl.Changed("to-group"):
				if strings.TrimSpace(toGroup) == "" {
					return flagErrorf("--to-group needs a group name")
				}
				for _, g := range opts.Groups {
					if g == toGroup {
						return flagErrorf("--to-group %s is also a group being reset", toGroup)
					}
				}
				t.Kind, t.Group, t.Raw = resetoffsets.ToGroup, toGroup, toGroup
			}
			scope, err := resetoffsets.ParseScope(topics, allTopics, allowNew)
			if err != nil {
				return err
			}
			if t.Kind != resetoffsets.FromFile && t.Kind != resetoffsets.ToGroup && !allTopics && len(topics) == 0 {
				return flagErrorf("choose the partitions: --topic TOPIC[:P,...] (repeatable) or --all-topics")
			}
			if opts.Force && !opts.Execute {
				return flagErrorf("--force only matters with --execute")
			}
			if opts.UndoFile != "" && !opts.Execute {
				return flagErrorf("--undo-file only matters with --execute")
			}
			if opts.Export != "" && !strings.HasSuffix(strings.ToLower(opts.Export), ".csv") && !strings.HasSuffix(strings.ToLower(opts.Export), ".json") {
				return flagErrorf("--export %s: use a .csv (Kafka's format) or .json (kgroups plan) file name", opts.Export)
			}
			opts.Target, opts.Scope = t, scope
			if runF != nil {
				return runF(opts)
			}
			return resetRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.AllGroups, "all-groups", false, "every group (each must be inactive to --execute)")
	fl.StringVar(&opts.Regex, "regex", "", "groups whose name matches this regular expression")
	fl.BoolVar(&earliest, "to-earliest", false, "to the log start")
	fl.BoolVar(&latest, "to-latest", false, "to the log end (skip everything not yet consumed)")
	fl.BoolVar(&current, "to-current", false, "to the committed offset (partitions with no commit: log end)")
	fl.StringVar(&toOffset, "to-offset", "", "to this offset `N` (clamped into [log start, log end])")
	fl.StringVar(&shiftBy, "shift-by", "", "move the committed offset by `±N` (1 skips one record, -100 replays 100)")
	fl.StringVar(&toDatetime, "to-datetime", "", "to the first record at or after `T` (no zone means UTC)")
	fl.StringVar(&byDuration, "by-duration", "", "to the first record at or after `D` ago (PT1H30M or 90m)")
	fl.StringVar(&fromFile, "from-file", "", "targets from `FILE`: Kafka CSV or kgroups JSON plan")
	fl.StringVar(&toGroup, "to-group", "", "copy the committed offsets of group `G`")
	fl.StringArrayVar(&topics, "topic", nil, "`TOPIC` or TOPIC:0,1,2 to reset (repeatable)")
	fl.BoolVar(&allTopics, "all-topics", false, "every topic the group has committed")
	fl.BoolVar(&allowNew, "allow-new-partitions", false, "also commit partitions the group never committed")
	fl.BoolVar(&opts.Execute, "execute", false, "apply the plan (default: print it and change nothing)")
	fl.BoolVar(&dryRun, "dry-run", false, "print the plan only (the default)")
	fl.BoolVar(&opts.Force, "force", false, "with --execute: apply even if offsets moved since the plan was read")
	fl.StringVar(&opts.Export, "export", "", "write the plan to `FILE` (.csv: Kafka's format; .json: kgroups plan)")
	fl.StringVar(&opts.UndoFile, "undo-file", "", "with --execute: write the undo plan to `FILE` (default kgroups-undo-GROUP-TIME.json)")
	_ = cmd.RegisterFlagCompletionFunc("topic", comp.Topics)
	_ = cmd.RegisterFlagCompletionFunc("to-group", comp.Groups)
	for _, name := range []string{"to-offset", "shift-by", "to-datetime", "by-duration", "regex"} {
		_ = cmd.RegisterFlagCompletionFunc(name, cobra.NoFileCompletions)
	}
	return cmd
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
	ctx, p, clients := r.ctx, r.out, r.clients
	facts, err := resetoffsets.Load(ctx, clients.Kgo, o.selection(), o.Target, o.Scope)
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
	if o.Export != "" {
		if err := resetoffsets.WritePlanFile(o.Export, plan); err != nil {
			return err
		}
		fmt.Fprintf(o.f.IO.ErrOut, "plan written to %s\n", o.Export)
	}
	if !o.Execute {
		if err := p.ResetPlan(plan); err != nil {
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

	expected := resetoffsets.ExpectedFromFile(o.Target.File, plan)
	if o.Force {
		expected = nil
	}
	undoPath := o.UndoFile
	if undoPath == "" {
		undoPath = fmt.Sprintf("kgroups-undo-%s-%s.json", safeName(plan.Groups()[0]), o.f.Now().UTC().Format("20060102T150405Z"))
	}
	res, err := resetoffsets.Apply(ctx, clients.Kgo, plan, resetoffsets.ApplyOptions{
		Expected: expected,
		BeforeCommit: func(undo resetoffsets.Plan) error {
			if err := resetoffsets.WritePlanFile(undoPath, undo); err != nil {
				return fmt.Errorf("not applying: cannot write the undo file: %w", err)
			}
			fmt.Fprintf(o.f.IO.ErrOut, "undo file: %s (to reverse: kgroups reset-offsets %s --from-file %s --execute)\n",
				undoPath, strings.Join(plan.Groups(), " "), undoPath)
			if len(undo.Rows) < len(plan.Rows) {
				fmt.Fprintf(o.f.IO.ErrOut, "note: %d partition(s) had no commit before; an undo cannot remove a commit (kgroups delete-offsets can)\n",
					len(plan.Rows)-len(undo.Rows))
			}
			return nil
		},
	})
	var refused *resetoffsets.RefusedError
	var moved *resetoffsets.MovedError
	switch {
	case errors.As(err, &refused):
		return &FlagError{Msg: refused.Msg}
	case errors.As(err, &moved):
		return &FlagError{Msg: moved.Error()}
	case err != nil:
		return r.explain(err)
	}
	if err := p.ResetResult(res); err != nil {
		return err
	}
	return resetOutcome(res, o.f.conn.timeout)
}

// resetOutcome: all refused because members joined is "nothing changed"
// (2); some failures next to successes is partial (3); all failed is 1.
func resetOutcome(res resetoffsets.Result, timeout time.Duration) error {
	if res.Failed == 0 {
		return nil
	}
	var failed []string
	refused, denied, noAnswer := 0, 0, 0
	groups := map[string]bool{}
	for _, r := range res.Rows {
		if r.Status != "ok" {
			failed = append(failed, fmt.Sprintf("%s %s/%d", r.Group, r.Topic, r.Partition))
			groups[r.Group] = true
			if r.Refused {
				refused++
			}
			if r.Denied {
				denied++
			}
			if r.NoAnswer {
				noAnswer++
			}
		}
	}
	switch {
	case noAnswer > 0:
		return fmt.Errorf("no answer within --timeout %s for %s: those commits may or may not have been written; check with 'kgroups describe', then re-run the same plan (it is safe)",
			timeout, strings.Join(failed, ", "))
	case denied == len(res.Rows):
		names := slices.Sorted(maps.Keys(groups))
		return fmt.Errorf("not authorized to commit offsets for group %s (it needs READ on the group); nothing was written", strings.Join(names, ", "))
	case refused == len(res.Rows):
		return flagErrorf("the broker refused every commit: the group has active members (a consumer joined after the check); nothing was written")
	case res.Failed == len(res.Rows):
		return fmt.Errorf("every commit failed (%s); nothing was written; re-running the same plan is safe", strings.Join(failed, ", "))
	}
	return &PartialError{Msg: fmt.Sprintf("%d of %d partitions failed: %s; the others were written; re-run the same plan to finish (it is safe)",
		res.Failed, len(res.Rows), strings.Join(failed, ", "))}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeName(s string) string { return unsafeName.ReplaceAllString(s, "_") }
