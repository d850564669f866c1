package cmd

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kgroups/kgroups/cluster"
	"github.com/kgroups/kgroups/completions"
	"github.com/kgroups/kgroups/explain"
)

// ExplainOptions are the resolved flags of `kgroups explain`.
type ExplainOptions struct {
	f        *Factory
	Key      string
	Input    explain.Input
	Config   string
	Sets     []string
	Topic    string
	Group    string
	Interval time.Duration
	FailOn   string
}

// NewCmdExplain builds `kgroups explain`.
func NewCmdExplain(f *Factory, comp *completions.Completer, runF func(*ExplainOptions) error) *cobra.Command {
	opts := &ExplainOptions{f: f}
	var latency, restart, interval string
	var consumers, partitions int
	var rate float64
	cmd := &cobra.Command{
		Use:   "explain [KEY]",
		Short: "Diagnose consumer misconfiguration, for a config and for a live group",
		Long: `Check that a consumer's numbers fit together, show the arithmetic, and say what
to set. Facts come from a consumer properties file (--config, Java or librdkafka
style), --set key=value, the client's own defaults (--client), the workload
(--record-latency, --consumers, --partitions or --topic, --produce-rate,
--rolling-deploys) and, with --group, the group as it is on the cluster (sampled
twice, --sample-interval apart). A share group (KIP-932) given with --group is
diagnosed with the share rules only (no members with lag, start offset stuck,
share.auto.offset.reset=latest): no consumer setting applies to it.

Exits 4 when a finding is at or above --fail-on (default error), so it can gate a
CI pipeline on consumer configs. 'kgroups explain KEY' documents one setting.
Without --group or --topic it never contacts a cluster.`,
		Example: `  # 500 records x 1 s each against the default 5 minute poll interval
  kgroups explain --record-latency 1s
  kgroups explain --config consumer.properties --client librdkafka --consumers 8 --partitions 6
  kgroups explain --set max.poll.records=100 --record-latency 200ms --produce-rate 400 --consumers 4 --partitions 12
  kgroups explain --group orders-svc --config consumer.properties
  kgroups explain session.timeout.ms`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var keys []cobra.Completion
			seen := map[string]bool{}
			add := func(k string) {
				if !seen[k] && strings.HasPrefix(k, toComplete) {
					seen[k] = true
					keys = append(keys, k)
				}
			}
			for k := range explain.Keys {
				add(k)
			}
			for _, c := range explain.Clients {
				for k := range explain.Tables[c].Keys {
					add(k)
				}
			}
			slices.Sort(keys)
			return keys, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			fl := cmd.Flags()
			if len(args) == 1 {
				opts.Key = args[0]
				if fl.NFlag() > 0 && !onlyOutputFlags(cmd) {
					return flagErrorf("explain KEY documents one setting; it takes no other flags")
				}
			}
			in := &opts.Input
			if !containsFold(explain.Clients, in.Client) {
				return flagErrorf("--client %q is not valid; use one of: %s", in.Client, strings.Join(explain.Clients, ", "))
			}
			in.Client = strings.ToLower(in.Client)
			var err error
			if opts.FailOn, err = parseFailOn(opts.FailOn); err != nil {
				return err
			}
			if fl.Changed("record-latency") {
				if in.Workload.RecordLatency, err = positiveDuration("--record-latency", latency); err != nil {
					return err
				}
			}
			if fl.Changed("restart-time") {
				if in.Workload.RestartTime, err = positiveDuration("--restart-time", restart); err != nil {
					return err
				}
			}
			if opts.Interval, err = positiveDuration("--sample-interval", interval); err != nil {
				return err
			}
			if fl.Changed("consumers") && consumers < 1 {
				return flagErrorf("--consumers %d: want at least 1", consumers)
			}
			if fl.Changed("partitions") && partitions < 1 {
				return flagErrorf("--partitions %d: want at least 1", partitions)
			}
			if fl.Changed("partitions") && opts.Topic != "" {
				return flagErrorf("--partitions and --topic exclude each other (--topic reads the count from the cluster)")
			}
			if fl.Changed("produce-rate") && (rate <= 0 || rate != rate) {
				return flagErrorf("--produce-rate %v: want records per second > 0", rate)
			}
			in.Workload.Consumers, in.Workload.Partitions, in.Workload.ProduceRate = consumers, partitions, rate
			if partitions > 0 {
				in.Workload.PartitionsFrom = "--partitions"
			}
			if in.Settings, err = readSettings(opts.Config, opts.Sets); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return explainRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Config, "config", "", "consumer properties `FILE` (Java or librdkafka style)")
	fl.StringArrayVar(&opts.Sets, "set", nil, "a consumer setting `key=value` (repeatable; overrides --config)")
	fl.StringVar(&opts.Input.Client, "client", explain.Java, "whose defaults apply: "+strings.Join(explain.Clients, ", "))
	fl.StringVar(&latency, "record-latency", "", "processing time per record, e.g. 250ms (use your p99)")
	fl.IntVar(&consumers, "consumers", 0, "number of consumer instances")
	fl.IntVar(&partitions, "partitions", 0, "partitions of the consumed topic(s)")
	fl.StringVar(&opts.Topic, "topic", "", "read the partition count of this topic from the cluster")
	fl.Float64Var(&rate, "produce-rate", 0, "records per second written to the topic(s)")
	fl.BoolVar(&opts.Input.Workload.RollingDeploys, "rolling-deploys", false, "instances restart one at a time (e.g. Kubernetes)")
	fl.StringVar(&restart, "restart-time", "30s", "how long one instance is gone during a restart")
	fl.StringVar(&opts.Group, "group", "", "also diagnose this live group")
	fl.StringVar(&interval, "sample-interval", "5s", "time between the two samples of --group")
	fl.StringVar(&opts.FailOn, "fail-on", "error", "exit 4 when a finding is at least: error, warn, info, never")
	_ = cmd.RegisterFlagCompletionFunc("client", cobra.FixedCompletions(explain.Clients, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions(failOnLevels, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("group", comp.Groups)
	_ = cmd.RegisterFlagCompletionFunc("topic", comp.Topics)
	return cmd
}

// onlyOutputFlags reports whether every flag set is an output flag.
func onlyOutputFlags(cmd *cobra.Command) bool {
	only := true
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		switch fl.Name {
		case "output", "color", "no-headers":
		default:
			only = false
		}
	})
	return only
}

func positiveDuration(flag, v string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d <= 0 {
		return 0, flagErrorf("%s %q: want a positive duration such as 250ms or 2s", flag, v)
	}
	return d, nil
}

// readSettings reads --config (Java properties syntax, which librdkafka
// files share) and then --set, later values winning.
func readSettings(path string, sets []string) ([]explain.Setting, error) {
	var out []explain.Setting
	if path != "" {
		props := cluster.NewProperties()
		if err := cluster.LoadPropertiesFile(path, props); err != nil {
			return nil, &FlagError{Msg: strings.Replace(err.Error(), "--command-config", "--config", 1)}
		}
		for _, k := range props.Keys() {
			p, _ := props.Get(k)
			out = append(out, explain.Setting{Key: p.Key, Value: p.Value, Source: p.Source})
		}
	}
	for _, kv := range sets {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, flagErrorf("--set %q: want key=value, e.g. --set max.poll.records=100", kv)
		}
		out = append(out, explain.Setting{Key: strings.TrimSpace(k), Value: strings.TrimSpace(v), Source: "--set"})
	}
	return out, nil
}

func explainRun(ctx context.Context, o *ExplainOptions) error {
	p, err := o.f.Printer()
	if err != nil {
		return err
	}
	if o.Key != "" {
		doc, err := explain.Describe(o.Key)
		if err != nil {
			return err
		}
		return p.ExplainKey(doc)
	}
	in := o.Input
	if o.Group != "" || o.Topic != "" {
		clients, err := o.f.Clients()
		if err != nil {
			return err
		}
		// The wait between the two samples of --group comes on top of
		// --timeout (as status's window does): --timeout bounds requests.
		budget := o.f.timeout()
		if o.Group != "" {
			budget += o.Interval
		}
		ctx, cancel := context.WithTimeout(ctx, budget)
		defer cancel()
		in.Broker = explain.FetchBrokerLimits(ctx, clients.Admin)
		if o.Topic != "" {
			n, err := explain.FetchPartitions(ctx, clients.Admin, o.Topic)
			if err != nil {
				return cluster.Explain(err, clients.Cfg)
			}
			in.Workload.Partitions, in.Workload.PartitionsFrom = n, "topic "+o.Topic+" on the cluster"
		}
		if o.Group != "" {
			live, err := explain.FetchLive(ctx, clients.Kgo, o.Group, o.Interval)
			if err != nil {
				return cluster.Explain(err, clients.Cfg)
			}
			in.Live = live
			if in.Workload.Consumers == 0 {
				in.Workload.Consumers = len(live.Second.Members)
			}
		}
	}
	rep, err := explain.Explain(in)
	if err != nil {
		return err
	}
	if err := p.Explain(rep); err != nil {
		return err
	}
	if o.FailOn != "never" && rep.Worst() != "" && explain.SeverityRank(rep.Worst()) >= explain.SeverityRank(strings.ToLower(o.FailOn)) {
		fmt.Fprintf(o.f.IO.ErrOut, "kgroups: findings at or above --fail-on %s\n", o.FailOn)
		return &SilentExit{Code: ExitCheck}
	}
	return nil
}
