package cmd

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/completions"
	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/internal/errs"
	"github.com/kgroups/kgroups/resetoffsets"
)

// NewCmdDelete builds `kgroups delete GROUP...`.
func NewCmdDelete(f *Factory, comp *completions.Completer) *cobra.Command {
	var o deleteOptions
	cmd := &cobra.Command{
		Use:   "delete GROUP...",
		Short: "Delete groups and their committed offsets (dry run unless --execute)",
		Long: `Delete consumer groups with all their committed offsets. Without --execute the
groups are only listed, with a warning for any that has members: the broker
refuses to delete those (NON_EMPTY_GROUP), and kgroups reports it per group
(every group refused: exit 2, nothing deleted).

With --execute, the committed offsets are first written to a new undo file
(--undo-file, never overwritten; by default in the undo directory, see
reset-offsets --help); 'kgroups reset-offsets GROUP --from-file UNDO --execute'
puts them back exactly.`,
		Example: `  kgroups delete old-batch-job
  kgroups delete old-batch-job legacy-etl --execute --undo-file deleted-offsets.json`,
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: comp.Groups,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			if err := checkGroupNames(args, ""); err != nil {
				return err
			}
			return deleteRun(cmd.Context(), f, args, o)
		},
	}
	o.addFlags(cmd)
	return cmd
}

// deleteOptions are the flags delete and delete-offsets share.
type deleteOptions struct {
	execute, dryRun bool
	undoFile        string
}

func (o *deleteOptions) addFlags(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&o.execute, "execute", false, "delete (default: list what would be deleted)")
	cmd.Flags().BoolVar(&o.dryRun, "dry-run", false, "list only (the default)")
	cmd.Flags().StringVar(&o.undoFile, "undo-file", "", "with --execute: first write the offsets being deleted to this new `FILE` (never overwritten)")
}

func (o *deleteOptions) validate() error {
	if o.dryRun && o.execute {
		return flagErrorf("--dry-run and --execute exclude each other")
	}
	if o.undoFile != "" {
		if !o.execute {
			return flagErrorf("--undo-file only matters with --execute")
		}
		return resetoffsets.CheckUndoPath("--undo-file", o.undoFile)
	}
	return nil
}

// NewCmdDeleteOffsets builds `kgroups delete-offsets GROUP --topic T[:P,..]`.
func NewCmdDeleteOffsets(f *Factory, comp *completions.Completer) *cobra.Command {
	var o deleteOptions
	var topics []string
	cmd := &cobra.Command{
		Use:   "delete-offsets GROUP --topic TOPIC[:P,...]",
		Short: "Delete a group's committed offsets for some partitions (dry run unless --execute)",
		Long: `Delete one group's committed offsets on the given topics or partitions, so the
next consumer starts there per auto.offset.reset. On a group with members the
broker refuses topics they subscribe to (GROUP_SUBSCRIBED_TO_TOPIC), per partition.
With --execute the offsets are first written to a new undo file (as for delete).`,
		Example: `  kgroups delete-offsets orders-svc --topic retired-topic
  kgroups delete-offsets orders-svc --topic orders:3,4 --execute`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: comp.Groups,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.validate(); err != nil {
				return err
			}
			scope, err := resetoffsets.ParseScope(topics, false, false)
			if err != nil {
				return err
			}
			if len(topics) == 0 {
				return flagErrorf("choose the offsets to delete: --topic TOPIC[:P,...] (repeatable)")
			}
			return deleteOffsetsRun(cmd.Context(), f, args[0], scope, o)
		},
	}
	cmd.Flags().StringArrayVar(&topics, "topic", nil, "`TOPIC` or TOPIC:0,1 whose offsets to delete (repeatable)")
	o.addFlags(cmd)
	_ = cmd.RegisterFlagCompletionFunc("topic", comp.Topics)
	return cmd
}

// checkGroupNames rejects empty or repeated group names and a --regex
// that does not compile.
func checkGroupNames(groups []string, regex string) error {
	seen := map[string]bool{}
	for _, g := range groups {
		if strings.TrimSpace(g) == "" {
			return flagErrorf("group name is empty")
		}
		if seen[g] {
			return flagErrorf("group %q is named twice", g)
		}
		seen[g] = true
	}
	if regex != "" {
		if _, err := regexp.Compile(regex); err != nil {
			return flagErrorf("--regex %q is not a Go regular expression: %s", regex, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		}
	}
	return nil
}

func deleteRun(ctx context.Context, f *Factory, groups []string, o deleteOptions) error {
	r, err := f.startRun(ctx)
	if err != nil {
		return err
	}
	defer r.cancel()
	snap, err := describe.Fetch(r.ctx, r.clients.Kgo, describe.Selection{Groups: groups, Members: true, Offsets: true})
	if err != nil {
		return r.explain(err)
	}
	plan, err := resetoffsets.PlanDeleteGroups(snap)
	if err != nil {
		return err
	}
	shareDeleteNotes(f.IO.ErrOut, snap.Groups, false)
	if plan.Cluster, err = r.clusterRef(); err != nil {
		return err
	}
	return planThenApply(f, r, snap, plan, o, resetoffsets.ApplyDeleteGroups)
}

func deleteOffsetsRun(ctx context.Context, f *Factory, group string, scope resetoffsets.Scope, o deleteOptions) error {
	r, err := f.startRun(ctx)
	if err != nil {
		return err
	}
	defer r.cancel()
	sel := describe.Selection{Groups: []string{group}, Members: true, Offsets: true, ExtraTopics: scope.TopicOrder}
	snap, err := describe.Fetch(r.ctx, r.clients.Kgo, sel)
	if err != nil {
		return r.explain(err)
	}
	plan, err := resetoffsets.PlanDeleteOffsets(snap, scope)
	if err != nil {
		return err
	}
	shareDeleteNotes(f.IO.ErrOut, snap.Groups, true)
	if plan.Cluster, err = r.clusterRef(); err != nil {
		return err
	}
	return planThenApply(f, r, snap, plan, o, resetoffsets.ApplyDeleteOffsets)
}

// planThenApply prints a delete plan (dry run), or writes the undo file of
// what it deletes, applies it and prints the result.
func planThenApply(f *Factory, r *clusterRun, snap *describe.Snapshot, plan resetoffsets.DeleteDoc, o deleteOptions,
	apply func(context.Context, *kgo.Client, resetoffsets.DeleteDoc) (resetoffsets.DeleteDoc, error)) error {
	if !o.execute {
		if err := r.out.Delete(plan); err != nil {
			return err
		}
		fmt.Fprintln(f.IO.ErrOut, "Dry run: nothing was deleted. Add --execute to delete.")
		return nil
	}
	undo := resetoffsets.UndoOfDelete(snap, plan, f.Now())
	undo.Cluster = plan.Cluster // restorable on this cluster only
	undoPath := ""
	if len(undo.Rows) == 0 {
		fmt.Fprintln(f.IO.ErrOut, "note: no committed offsets to keep, so no undo file")
	} else {
		path, flag := o.undoFile, "--undo-file"
		if path == "" {
			path, flag = resetoffsets.DefaultUndoPath(f.UndoDir(), undo.Groups()[0], f.Now()), "undo file"
		}
		if err := resetoffsets.CreateUndoFile(flag, path, undo); err != nil {
			return err
		}
		undoPath = path
		groups := strings.Join(undo.Groups(), " ")
		for _, g := range snap.Groups {
			if g.Type == describe.TypeShare {
				groups += " --share" // recreates a deleted share group as one
				break
			}
		}
		fmt.Fprintf(f.IO.ErrOut, "undo file: %s (to restore the %d offset(s): kgroups reset-offsets %s --from-file %s --execute)\n",
			path, len(undo.Rows), groups, path)
	}
	res, err := apply(r.ctx, r.clients.Kgo, plan)
	if err != nil {
		return r.explain(err)
	}
	if undoPath != "" && res.Failed == len(res.Rows) {
		// Nothing was deleted: an undo file would offer to restore offsets
		// that are still there.
		if os.Remove(undoPath) == nil {
			fmt.Fprintf(f.IO.ErrOut, "nothing was deleted, so the undo file %s was removed\n", undoPath)
		}
	}
	if err := r.out.Delete(res); err != nil {
		return err
	}
	return deleteOutcome(res)
}

// deleteOutcome: some rows failed next to deleted ones is partial (3);
// every row refused by the broker because the group has members is a
// refusal (2); every row failed otherwise is a runtime error (1).
func deleteOutcome(res resetoffsets.DeleteDoc) error {
	if res.Failed == 0 {
		return nil
	}
	var failed []string
	refused, denied := 0, 0
	for _, r := range res.Rows {
		if r.Status == "failed" {
			name := r.Group
			if r.Topic != nil {
				name += fmt.Sprintf(" %s/%d", *r.Topic, *r.Partition)
			}
			failed = append(failed, name)
			if r.Refused {
				refused++
			}
			if r.Denied {
				denied++
			}
		}
	}
	switch {
	case res.Failed < len(res.Rows):
		return errs.Partialf("%d of %d failed: %s", res.Failed, len(res.Rows), strings.Join(failed, ", "))
	case refused == len(res.Rows):
		return errs.Refusedf("refused by the broker: %s still has members (stop its consumers first); nothing was deleted", strings.Join(failed, ", "))
	case denied > 0:
		return errs.Runtimef("not authorized to delete %s (it needs DELETE on the group); nothing was deleted", strings.Join(failed, ", "))
	}
	return errs.Runtimef("nothing was deleted: %s failed (see the STATUS column)", strings.Join(failed, ", "))
}
