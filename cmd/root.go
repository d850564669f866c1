// Package cmd parses flags and wires the domain packages to the output.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kgroups/kgroups/completions"
	"github.com/kgroups/kgroups/internal/errs"
	"github.com/kgroups/kgroups/output"
)

// BuildInfo is stamped by the linker (goreleaser) through main.
type BuildInfo struct{ Version, Commit, Date string }

// Main runs kgroups as a process: system streams, Ctrl-C cancels.
func Main(build BuildInfo) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return ExecuteWith(ctx, System(), os.Args[1:], os.Getenv, build)
}

// Execute runs one invocation with the given streams and returns its exit
// code. It never calls os.Exit.
func Execute(ctx context.Context, io *IOStreams, args []string) int {
	return ExecuteWith(ctx, io, args, os.Getenv, BuildInfo{})
}

// ExecuteWith is Execute with an explicit environment and build info.
func ExecuteWith(ctx context.Context, io *IOStreams, args []string, getenv func(string) string, build BuildInfo) int {
	streams := *io
	stdout := &countingWriter{w: io.Out}
	streams.Out = stdout
	// stderr is written from several goroutines (the Kafka client's debug
	// log, serve's sampler, concurrent reads of several clusters): one
	// write at a time, so lines never interleave mid-line.
	streams.ErrOut = lockedWriter{mu: &sync.Mutex{}, w: io.ErrOut}
	f := NewFactory(&streams, getenv)
	defer f.Close()
	root := NewCmdRoot(f, build)
	root.SetArgs(args)
	root.SetIn(io.In)
	root.SetOut(stdout)
	root.SetErr(streams.ErrOut)
	entered := markEntered(root)
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil && !*entered {
		// The command never ran: the error is cobra's own (unknown command
		// or flag, a flag value pflag could not parse, wrong argument count,
		// flags that exclude each other). It is typed here, where it enters:
		// exit 2, and point at the help.
		err = errs.Inputf("%s", usageMessage(err))
		code := handleError(err, streams.ErrOut)
		if cmd != nil {
			streams.ErrOut.Write([]byte("Run '" + cmd.CommandPath() + " --help' for usage.\n"))
		}
		errorDocument(f, cmd, stdout, err, code)
		return code
	}
	code := handleError(err, streams.ErrOut)
	errorDocument(f, cmd, stdout, err, code)
	return code
}

// markEntered wraps every command's RunE so that the returned flag says
// whether kgroups' own code ran. An error from a command that never ran
// came from cobra's parsing and validation, which is bad input by
// construction; no message text is read to decide it.
func markEntered(root *cobra.Command) *bool {
	entered := new(bool)
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if run := c.RunE; run != nil {
			c.RunE = func(c *cobra.Command, args []string) error {
				*entered = true
				return run(c, args)
			}
		}
		if run := c.Run; run != nil {
			c.Run = func(c *cobra.Command, args []string) {
				*entered = true
				run(c, args)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	// cobra adds help and completion commands lazily, during Execute; they
	// return no error of kgroups' making, so they need no mark.
	return entered
}

// usageMessage words a flag value pflag could not parse the way kgroups
// words its own checks: the flag, the value, and what would be valid.
func usageMessage(err error) string {
	var bad *pflag.InvalidValueError
	if !errors.As(err, &bad) {
		return err.Error()
	}
	want := map[string]string{
		"duration": "a duration such as 500ms, 10s or 2m",
		"int":      "a whole number",
		"int32":    "a whole number",
		"int64":    "a whole number",
		"float64":  "a number",
		"bool":     "true or false",
	}[bad.GetFlag().Value.Type()]
	if want == "" {
		return err.Error()
	}
	return fmt.Sprintf("--%s %q: want %s", bad.GetFlag().Name, bad.GetValue(), want)
}

// NewCmdRoot builds the command tree. It does no I/O.
func NewCmdRoot(f *Factory, build BuildInfo) *cobra.Command {
	root := &cobra.Command{
		Use:   "kgroups",
		Short: "Administer Kafka consumer groups: lag, offsets, assignors, diagnosis",
		Long: `kgroups shows Kafka consumer groups and their lag, and changes their offsets safely.

Connect with -b/--brokers, or KGROUPS_BROKERS, KAFKA_BROKERS, or bootstrap.servers
in --command-config FILE (a Java client.properties), or name clusters once in the
config file and pick one with --context ('kgroups context --help').
No cluster? Run 'kgroups sandbox'.`,
		Example: `  kgroups list --lag
  kgroups describe orders-svc
  kgroups describe --all -o json | jq '.groups[] | {group, total_lag}'
  kgroups demo`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       versionString(build),
	}
	root.SetVersionTemplate("kgroups {{.Version}}\n")
	root.CompletionOptions.HiddenDefaultCmd = false

	pf := root.PersistentFlags()
	pf.StringSliceVarP(&f.conn.brokers, "brokers", "b", nil, "bootstrap brokers host:port[,host:port] (env KGROUPS_BROKERS, KAFKA_BROKERS)")
	pf.StringVar(&f.conn.commandConfig, "command-config", "", "Java client.properties `FILE` (security.protocol, sasl.*, ssl.* as PEM)")
	pf.StringArrayVarP(&f.conn.overrides, "property", "X", nil, "client property `key=value`, overriding --command-config (repeatable)")
	pf.DurationVar(&f.conn.timeout, "timeout", 30*time.Second, "give up on the cluster after this long")
	pf.StringVar(&f.conn.saslMechanism, "sasl-mechanism", "", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (env KGROUPS_SASL_MECHANISM)")
	pf.StringVar(&f.conn.saslUser, "sasl-user", "", "SASL user (env KGROUPS_SASL_USER)")
	pf.StringVar(&f.conn.saslPassword, "sasl-password", "", "SASL password; visible to other users: prefer env KGROUPS_SASL_PASSWORD")
	pf.StringSliceVar(&f.conn.contexts, "context", nil, "use this context of the config file (env KGROUPS_CONTEXT); list, describe and status take several: a,b")
	pf.BoolVar(&f.conn.allContexts, "all-contexts", false, "list, describe, status: read every context of the config file")
	pf.BoolVarP(&f.conn.verbose, "verbose", "v", false, "log the Kafka client's requests to stderr (never secrets)")
	pf.StringVarP(&f.out.format, "output", "o", "table", "output format: "+strings.Join(output.Formats, ", "))
	pf.BoolVar(&f.out.noHeaders, "no-headers", false, "omit table headers")
	pf.StringVar(&f.out.color, "color", "auto", "colour: auto (on a terminal; off with NO_COLOR, on with CLICOLOR_FORCE), always, never (beat the environment)")
	_ = root.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(output.Formats, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc("color", cobra.FixedCompletions(output.ColorModes, cobra.ShellCompDirectiveNoFileComp))
	_ = root.RegisterFlagCompletionFunc("brokers", cobra.NoFileCompletions)
	_ = root.RegisterFlagCompletionFunc("timeout", cobra.NoFileCompletions)
	_ = root.RegisterFlagCompletionFunc("context", f.completeContextList)
	f.rootFlags = pf

	comp := completions.New(func() (completions.Lister, error) {
		c, err := f.Clients()
		if err != nil {
			return nil, err
		}
		return c.Kgo, nil
	})

	root.AddCommand(
		NewCmdList(f, comp, nil),
		NewCmdDescribe(f, comp, nil),
		NewCmdReset(f, comp, nil),
		NewCmdDelete(f, comp),
		NewCmdDeleteOffsets(f, comp),
		NewCmdExplain(f, comp, nil),
		NewCmdStatus(f, comp, nil),
		NewCmdAssign(f, comp, nil),
		NewCmdServe(f, comp, nil),
		NewCmdSandbox(f),
		NewCmdDemo(f),
		NewCmdDocs(f),
		NewCmdContext(f),
	)
	return root
}

func versionString(b BuildInfo) string {
	v := b.Version
	if v == "" {
		v = "dev"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	if b.Commit != "" {
		v += " (" + b.Commit
		if b.Date != "" {
			v += ", " + b.Date
		}
		v += ")"
	}
	return v
}

// withTimeout bounds one command's cluster work by --timeout.
func (f *Factory) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, f.timeout())
}
