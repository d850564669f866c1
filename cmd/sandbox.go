package cmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kgroups/kgroups/internal/lab"
)

// NewCmdSandbox builds `kgroups sandbox`.
func NewCmdSandbox(f *Factory) *cobra.Command {
	var port, nodes int
	var scale string
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run an embedded Kafka (kfake) on loopback, seeded with realistic groups",
		Long: `Start an in-process Kafka-compatible cluster (franz-go's kfake) on 127.0.0.1,
seeded with topics, committed offsets, live consumer groups (range,
cooperative-sticky and KIP-848 members) and producers that keep writing, so
lag moves. It runs until Ctrl-C; everything is in memory and lost on exit.`,
		Example: `  kgroups sandbox
  kgroups sandbox --port 19092   # listen on 19092, 19093, 19094`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if port < 0 || port > 65535-nodes {
				return flagErrorf("--port %d is not a usable first port", port)
			}
			if nodes < 1 || nodes > 9 {
				return flagErrorf("--nodes %d: use 1 to 9 brokers", nodes)
			}
			if scale != "" {
				sc, err := parseScale(scale)
				if err != nil {
					return err
				}
				return scaleRun(cmd.Context(), f, sc, port, nodes)
			}
			sb, err := startSandbox(cmd.Context(), f, port, nodes)
			if err != nil {
				return err
			}
			defer sb.Close()
			printSandboxIntro(f.IO.Out, sb)
			<-cmd.Context().Done()
			fmt.Fprintln(f.IO.ErrOut, "stopping the sandbox")
			return nil
		},
	}
	cmd.Flags().IntVar(&port, "port", 0, "first port to listen on (0: pick free ports)")
	cmd.Flags().IntVar(&nodes, "nodes", 3, "number of brokers")
	// For the scale measurements of docs/performance.md, not a story.
	cmd.Flags().StringVar(&scale, "scale", "", "instead of the story: `GROUPSxTOPICSxPARTITIONS[/POOL]` groups committed on topic-000... (prints the brokers)")
	_ = cmd.Flags().MarkHidden("scale")
	return cmd
}

var scaleSpec = regexp.MustCompile(`^(\d+)x(\d+)x(\d+)(?:/(\d+))?$`)

// parseScale reads --scale GROUPSxTOPICSxPARTITIONS[/POOL].
func parseScale(v string) (lab.Scale, error) {
	m := scaleSpec.FindStringSubmatch(v)
	if m == nil {
		return lab.Scale{}, flagErrorf("--scale %q: want GROUPSxTOPICSxPARTITIONS[/POOL], e.g. 500x20x50 or 10000x1x20/2", v)
	}
	n := make([]int, 4)
	for i := 1; i <= 4; i++ {
		if m[i] != "" {
			n[i-1], _ = strconv.Atoi(m[i])
		}
	}
	sc := lab.Scale{Groups: n[0], Topics: n[1], Partitions: n[2], Pool: n[3]}
	if sc.Groups < 1 || sc.Topics < 1 || sc.Partitions < 1 || sc.Groups > 1_000_000 || sc.Partitions > 10_000 {
		return lab.Scale{}, flagErrorf("--scale %q: want at least one group, topic and partition (at most 1,000,000 groups, 10,000 partitions)", v)
	}
	return sc, nil
}

// scaleRun serves a kfake cluster seeded with sc until Ctrl-C; the brokers
// go to stdout (one line, for scripts), the rest to stderr.
func scaleRun(ctx context.Context, f *Factory, sc lab.Scale, port, nodes int) error {
	opts := []kfake.Opt{kfake.NumBrokers(nodes)}
	if port > 0 {
		ports := make([]int, nodes)
		for i := range ports {
			ports[i] = port + i
		}
		opts = append(opts, kfake.Ports(ports...))
	}
	c, err := lab.NewFake(opts...)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	defer c.Close()
	cl, err := lab.Client(c.ListenAddrs())
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	defer cl.Close()
	start := f.Now()
	if err := sc.Seed(ctx, cl); err != nil {
		return fmt.Errorf("sandbox: seeding: %w", err)
	}
	fmt.Fprintln(f.IO.Out, strings.Join(c.ListenAddrs(), ","))
	fmt.Fprintf(f.IO.ErrOut, "seeded %d groups x %d topics x %d partitions in %s\n", sc.Groups, sc.Topics, sc.Partitions, f.Now().Sub(start).Round(time.Millisecond))
	<-ctx.Done()
	return nil
}

func startSandbox(ctx context.Context, f *Factory, port, nodes int) (*lab.Sandbox, error) {
	opts := lab.SandboxOptions{Brokers: nodes, Logf: func(format string, args ...any) {
		fmt.Fprintf(f.IO.ErrOut, "sandbox: "+format+"\n", args...)
	}}
	if port > 0 {
		for i := 0; i < nodes; i++ {
			opts.Ports = append(opts.Ports, port+i)
		}
	}
	sb, err := lab.StartSandbox(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("sandbox: %w", err)
	}
	return sb, nil
}

func printSandboxIntro(w io.Writer, sb *lab.Sandbox) {
	addrs := strings.Join(sb.Addrs, ",")
	fmt.Fprintf(w, "Sandbox Kafka (kfake, %d brokers) listening on %s\n\nGroups:\n", len(sb.Addrs), addrs)
	for _, g := range lab.SandboxGroups {
		fmt.Fprintf(w, "  %-20s %s\n", g.Name, g.Story)
	}
	fmt.Fprintf(w, `
Try, in another terminal:
  export KGROUPS_BROKERS=%s
  kgroups list --lag
  kgroups describe orders-fulfillment
  kgroups describe inventory-sync --members
  kgroups describe jobs-workers                   # a share group: start offsets and share lag
  kgroups describe --all -o json | jq '.groups[] | {group, state, total_lag}'
  kgroups reset-offsets audit-archiver --all-topics --to-earliest     # a plan; add --execute to apply

Ctrl-C stops the sandbox (all data is in memory).
`, addrs)
}

// tour is what `kgroups demo` runs, in order, with the exit code each step
// is expected to end with.
var tour = []struct {
	args []string
	code int
}{
	{[]string{"list", "--lag"}, ExitOK},
	{[]string{"describe", "orders-fulfillment"}, ExitOK},
	{[]string{"describe", "inventory-sync", "--members"}, ExitOK},
	{[]string{"describe", "audit-archiver"}, ExitOK},
	{[]string{"describe", "clickstream-etl", "--members", "-o", "wide"}, ExitOK},
	{[]string{"describe", "--all", "--state"}, ExitOK},
	{[]string{"describe", "reporting-batch", "-o", "json"}, ExitOK},
	{[]string{"describe", "jobs-workers"}, ExitOK},
	{[]string{"describe", "jobs-workers", "--members"}, ExitOK},
	{[]string{"reset-offsets", "audit-archiver", "--all-topics", "--to-offset", "100"}, ExitOK},
	{[]string{"status", "--all", "--window", "3s", "--samples", "4"}, ExitCheck},
	{[]string{"assign", "--from-group", "inventory-sync", "--compare", "roundrobin"}, ExitOK},
	{[]string{"assign", "--assignor", "cooperative-sticky", "--consumers", "4", "--partitions", "12", "--join", "1"}, ExitOK},
	{[]string{"explain", "--group", "orders-fulfillment", "--sample-interval", "1s", "--record-latency", "10ms", "--fail-on", "never"}, ExitOK},
}

// NewCmdDemo builds `kgroups demo`.
func NewCmdDemo(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Start the sandbox in-process, run a short tour of commands, and exit",
		Long: `Start the same seeded cluster as 'kgroups sandbox', run a tour of kgroups
commands against it (each command line is printed before its output), then
stop. Needs no Kafka.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			sb, err := startSandbox(cmd.Context(), f, 0, 3)
			if err != nil {
				return err
			}
			defer sb.Close()
			addrs := strings.Join(sb.Addrs, ",")
			fmt.Fprintf(f.IO.Out, "Sandbox cluster on %s (KGROUPS_BROKERS)\n", addrs)
			// The tour talks to the sandbox only: not to the contexts of
			// the user's config file (an empty one stands in for it).
			noConfig, err := os.MkdirTemp("", "kgroups-demo-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(noConfig)
			getenv := func(k string) string {
				switch k {
				case "KGROUPS_BROKERS":
					return addrs
				case "KAFKA_BROKERS", "KGROUPS_CONTEXT":
					return ""
				case "KGROUPS_CONFIG":
					return filepath.Join(noConfig, "config.yaml")
				}
				return f.Getenv(k)
			}
			for _, step := range tour {
				line := strings.Join(step.args, " ")
				fmt.Fprintf(f.IO.Out, "\n$ kgroups %s\n", line)
				code := ExecuteWith(cmd.Context(), f.IO, step.args, getenv, BuildInfo{})
				if code != step.code {
					return fmt.Errorf("demo step 'kgroups %s' exited %d, expected %d", line, code, step.code)
				}
				if code != ExitOK {
					fmt.Fprintf(f.IO.Out, "(exit %d)\n", code)
				}
			}
			return nil
		},
	}
}
