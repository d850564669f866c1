package cmd

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/completions"
	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/resetoffsets"
)

// NewCmdDelete builds `kgroups delete GROUP...`.
func NewCmdDelete(f *Factory, comp *completions.Completer) *cobra.Command {
	var execute, dryRun bool
	cmd := &cobra.Command{
		Use:   "delete GROUP...",
		Short: "Delete groups and their committed offsets (dry run unless --execute)",
		Long: `Delete consumer groups with all their committed offsets. Without --execute the
groups are only listed, with a warning for any that has members: the broker
refuses to delete those (NON_EMPTY_GROUP), and kgroups reports it per group.`,
		Example: `  kgroups delete old-batch-job
  kgroups delete old-batch-job legacy-etl --execute`,
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: comp.Groups,
		RunE: func(cmd *cobra.Command, args []string) error {
			if dryRun && execute {
				return flagErrorf("--dry-run and --execute exclude each other")
			}
			if err := checkGroupNames(args, ""); err != nil {
				return err
			}
			return deleteRun(cmd.Context(), f, args, execute)
		},
	}
	cmd.Flags().BoolVar(&execute, "execute", false, "delete (default: list what would be deleted)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "list only (the default)")
	return cmd
}

// NewCmdDeleteOffsets builds `kgroups delete-offsets GROUP --topic T[:P,..]`.
func NewCmdDeleteOffsets(f *Factory, comp *completions.Completer) *cobra.Command {
	var execute, dryRun bool
	var topics []string
	cmd := &cobra.Command{
		Use:   "delete-offsets GROUP --topic TOPIC[:P,...]",
		Short: "Delete a group's committed offsets for some partitions (dry run unless --execute)",
		Long: `Delete one group's committed offsets on the given topics or partitions, so the
next consumer starts there per auto.offset.reset. On a group with members the
broker refuses topics they subscribe to (GROUP_SUBSCRIBED_TO_TOPIC), per partition.`,
		Example: `  kgroups delete-offsets orders-svc --topic retired-topic
  kgroups delete-offsets orders-svc --topic orders:3,4 --execute`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: comp.Groups,
		RunE: func(cmd *cobra.Command, args []string) error {
			if dryRun && execute {
				return flagErrorf("--dry-run and --execute exclude each other")
			}
			scope, err := resetoffsets.ParseScope(topics, false, false)
			if err != nil {
				return err
			}
			if len(topics) == 0 {
				return flagErrorf("choose the offsets to delete: --topic TOPIC[:P,...] (repeatable)")
			}
			return deleteOffsetsRun(cmd.Context(), f, args[0], scope, execute)
		},
	}
	cmd.Flags().StringArrayVar(&topics, "topic", nil, "`TOPIC` or TOPIC:0,1 whose offsets to delete (repeatable)")
	cmd.Flags().BoolVar(&execute, "execute", false, "delete (default: list what would be deleted)")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "list only (the default)")
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
			return flagErrorf("--regex %q: %v", regex, err)
		}
	}
	return nil
}

func deleteRun(ctx context.Context, f *Factory, groups []string, execute bool) error {
	r, err := f.startRun(ctx)
	if err != nil {
		return err
	}
	defer r.cancel()
	snap, err := describe.Fetch(r.ctx, r.clients.Kgo, describe.Selection{Groups: groups, Members: true})
	if err != nil {
		return r.explain(err)
	}
	plan, err := resetoffsets.PlanDeleteGroups(snap)
	if err != nil {
		return err
	}
	return planThenApply(f, r, plan, execute, resetoffsets.ApplyDeleteGroups)
}

func deleteOffsetsRun(ctx context.Context, f *Factory, group string, scope resetoffsets.Scope, execute bool) error {
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
	return planThenApply(f, r, plan, execute, resetoffsets.ApplyDeleteOffsets)
}

// planThenApply prints a delete plan (dry run) or applies it and prints
// the result.
func planThenApply(f *Factory, r *clusterRun, plan resetoffsets.DeleteDoc, execute bool,
	apply func(context.Context, *kgo.Client, resetoffsets.DeleteDoc) (resetoffsets.DeleteDoc, error)) error {
	if !execute {
		if err := r.out.Delete(plan); err != nil {
			return err
		}
		fmt.Fprintln(f.IO.ErrOut, "Dry run: nothing was deleted. Add --execute to delete.")
		return nil
	}
	res, err := apply(r.ctx, r.clients.Kgo, plan)
	if err != nil {
		return r.explain(err)
	}
	if err := r.out.Delete(res); err != nil {
		return err
	}
	return deleteOutcome(res)
}

// deleteOutcome: every row failed is an error (1), some is partial (3).
func deleteOutcome(res resetoffsets.DeleteDoc) error {
	if res.Failed == 0 {
		return nil
	}
	var failed []string
	for _, r := range res.Rows {
		if r.Status == "failed" {
			name := r.Group
			if r.Topic != nil {
				name += fmt.Sprintf(" %s/%d", *r.Topic, *r.Partition)
			}
			failed = append(failed, name)
		}
	}
	if res.Failed == len(res.Rows) {
		for _, r := range res.Rows {
			if r.Error != nil && strings.HasPrefix(*r.Error, "not authorized") {
				return fmt.Errorf("not authorized to delete %s (it needs DELETE on the group); nothing was deleted", strings.Join(failed, ", "))
			}
		}
		return errors.New("nothing was deleted: " + strings.Join(failed, ", ") + " failed (see the STATUS column)")
	}
	return &PartialError{Msg: fmt.Sprintf("%d of %d failed: %s", res.Failed, len(res.Rows), strings.Join(failed, ", "))}
}
