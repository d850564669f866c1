package cmd

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/completions"
	"github.com/kgroups/kgroups/describe"
)

// Group states and types accepted by the list filters.
var (
	groupStates = []string{"Stable", "Empty", "Dead", "PreparingRebalance", "CompletingRebalance", "Assigning", "Reconciling", "Unknown"}
	groupTypes  = []string{"classic", "consumer", "share", "streams"}
)

// ListOptions are the resolved flags of `kgroups list`.
type ListOptions struct {
	f      *Factory
	States []string
	Types  []string
	Topic  string
	Lag    bool   // show each group's total lag
	Sort   string // --sort name|lag|state

	lagExpr   string // --lag[=EXPR]
	lagFilter *describe.LagFilter
}

// lagShow is --lag given without an expression: show lag, filter nothing.
const lagShow = "show"

// NewCmdList builds `kgroups list`.
func NewCmdList(f *Factory, comp *completions.Completer, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{f: f}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List groups with state, type, assignor and member count",
		Long: `List every group the cluster knows: state, type (classic; consumer for
KIP-848 groups; share for KIP-932 groups; streams and other types are listed
with their type, but not described), protocol (the assignor) and member count. --lag adds each
group's total lag (see 'kgroups describe --help' for the lag rules).`,
		Example: `  kgroups list
  kgroups list --state empty --lag
  kgroups list --type consumer
  kgroups list --lag='>1000' --sort lag
  kgroups list --topic orders -o json | jq -r '.groups[].group'`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// "--lag '>5'" with a space: pflag leaves '>5' as an argument
			// (--lag alone is valid); take it as the expression.
			if len(args) == 1 && opts.lagExpr == lagShow && args[0] != "" && strings.ContainsAny(args[0][:1], "<>=") {
				opts.lagExpr, args = args[0], nil
			}
			if len(args) > 0 {
				return flagErrorf("list takes no arguments (got %q); filter with --state, --type, --topic or --lag", args[0])
			}
			if err := opts.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&opts.States, "state", nil, "only groups in these states (case-insensitive): "+strings.Join(groupStates, ", "))
	fl.StringSliceVar(&opts.Types, "type", nil, "only groups of these types: "+strings.Join(groupTypes, ", "))
	fl.StringVar(&opts.Topic, "topic", "", "only groups that committed to or are assigned this topic")
	fl.StringVar(&opts.lagExpr, "lag", "", "add each group's total lag (reads offsets); --lag='>N' (>=, <, <=, =) also keeps only groups whose total lag matches (unknown lag never matches)")
	fl.Lookup("lag").NoOptDefVal = lagShow
	fl.StringVar(&opts.Sort, "sort", "", "order groups by name, lag (largest first, unknown last; reads offsets) or state")
	_ = cmd.RegisterFlagCompletionFunc("sort", cobra.FixedCompletions(describe.SortKeys, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("state", cobra.FixedCompletions(groupStates, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions(groupTypes, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("topic", comp.Topics)
	return cmd
}

func (o *ListOptions) validate() error {
	switch o.lagExpr {
	case "":
	case lagShow:
		o.Lag = true
	default:
		f, err := describe.ParseLagFilter(o.lagExpr)
		if err != nil {
			return flagErrorf("%v", err)
		}
		o.Lag, o.lagFilter = true, &f
	}
	if o.Sort != "" {
		s, err := describe.ParseSort(o.Sort)
		if err != nil {
			return flagErrorf("%v", err)
		}
		o.Sort = s
		if s == "lag" {
			o.Lag = true
		}
	}
	for _, s := range o.States {
		if !containsFold(groupStates, s) {
			return flagErrorf("--state %q is not a group state; use one of: %s", s, strings.Join(groupStates, ", "))
		}
	}
	for _, t := range o.Types {
		if !containsFold(groupTypes, t) {
			return flagErrorf("--type %q is not a group type; use one of: %s", t, strings.Join(groupTypes, ", "))
		}
	}
	return nil
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, strings.TrimSpace(v)) {
			return true
		}
	}
	return false
}

func listRun(ctx context.Context, o *ListOptions) error {
	if o.f.fanOut() {
		return listFanOut(ctx, o)
	}
	r, err := o.f.startRun(ctx)
	if err != nil {
		return err
	}
	defer r.cancel()
	p := r.out
	doc, err := o.look(r)
	if err != nil {
		return err
	}
	if len(doc.Groups) == 0 && !p.Structured() {
		o.f.IO.ErrOut.Write([]byte("No groups matched.\n"))
		return nil
	}
	if err := p.List(doc, o.Lag); err != nil {
		return err
	}
	if len(doc.Warnings) > 0 {
		return &PartialError{Msg: "partial result: some brokers did not list their groups"}
	}
	return nil
}

// look reads one cluster's listing, filtered and sorted.
func (o *ListOptions) look(r *clusterRun) (describe.ListDocument, error) {
	sel := describe.Selection{All: true, States: o.States, Types: o.Types, Topic: o.Topic, Members: true, Offsets: o.Lag}
	// A progress line only for one cluster: several read at once would
	// overwrite each other's.
	prog := newProgress(o.f.IO.ErrOut, o.f.IO.IsStderrTTY() && !o.f.fanOut(), o.f.Now)
	sel.Progress = prog.report
	snap, err := describe.Fetch(r.ctx, r.clients.Kgo, sel)
	prog.finish()
	if err != nil {
		return describe.ListDocument{}, r.explain(err)
	}
	for _, w := range snap.Warnings {
		r.warnf("%s", w)
	}
	doc := describe.BuildList(snap, true, o.Lag)
	if o.lagFilter != nil {
		describe.FilterListLag(&doc, *o.lagFilter)
	}
	if o.Sort != "" {
		describe.SortList(doc.Groups, o.Sort)
	}
	return doc, nil
}
