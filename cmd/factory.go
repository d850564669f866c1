package cmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/cluster"
	"github.com/kgroups/kgroups/output"
)

// Factory hands commands their dependencies, lazily: nothing dials a broker
// until a command asks for Clients (so help and completion never do).
type Factory struct {
	IO     *IOStreams
	Getenv func(string) string
	Now    func() time.Time

	conn struct {
		brokers       []string
		commandConfig string
		overrides     []string
		timeout       time.Duration
		saslMechanism string
		saslUser      string
		saslPassword  string
		verbose       bool
	}
	out struct {
		format    string
		noHeaders bool
		color     string
	}

	mu      sync.Mutex
	clients *cluster.Clients
}

// NewFactory returns a factory over the given streams and environment.
func NewFactory(io *IOStreams, getenv func(string) string) *Factory {
	if getenv == nil {
		getenv = os.Getenv
	}
	return &Factory{IO: io, Getenv: getenv, Now: time.Now}
}

// Config resolves the connection settings and prints their warnings.
func (f *Factory) Config() (cluster.Config, error) {
	if f.conn.timeout <= 0 {
		return cluster.Config{}, flagErrorf("--timeout %s: want a positive duration such as 10s or 2m", f.conn.timeout)
	}
	cfg, warns, err := cluster.Resolve(cluster.ResolveInput{
		FlagBrokers:   f.conn.brokers,
		Getenv:        f.Getenv,
		CommandConfig: f.conn.commandConfig,
		Overrides:     f.conn.overrides,
		Timeout:       f.conn.timeout,
		SASLMechanism: f.conn.saslMechanism,
		SASLUser:      f.conn.saslUser,
		SASLPassword:  f.conn.saslPassword,
	})
	if err != nil {
		return cluster.Config{}, err
	}
	for _, w := range warns {
		fmt.Fprintln(f.IO.ErrOut, "warning: "+string(w))
	}
	return cfg, nil
}

// Clients connects once per invocation.
func (f *Factory) Clients() (*cluster.Clients, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.clients != nil {
		return f.clients, nil
	}
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	var extra []kgo.Opt
	if f.conn.verbose {
		extra = append(extra, kgo.WithLogger(kgo.BasicLogger(f.IO.ErrOut, kgo.LogLevelDebug, func() string { return "kgo: " })))
	}
	c, err := cluster.Connect(cfg, extra...)
	if err != nil {
		return nil, err
	}
	f.clients = c
	return c, nil
}

// Close releases the connection, if one was made.
func (f *Factory) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.clients != nil {
		f.clients.Close()
		f.clients = nil
	}
}

// Printer builds the output printer from -o, --no-headers and --color.
func (f *Factory) Printer() (*output.Printer, error) {
	format, err := output.ParseFormat(f.out.format)
	if err != nil {
		return nil, &FlagError{Msg: err.Error()}
	}
	color, err := output.ResolveColor(f.out.color, f.IO.IsStdoutTTY(), f.Getenv)
	if err != nil {
		return nil, &FlagError{Msg: err.Error()}
	}
	return output.New(f.IO.Out, output.Options{Format: format, NoHeaders: f.out.noHeaders, Color: color, Width: f.IO.TerminalWidth()}), nil
}

// Warnf prints a warning line on stderr.
func (f *Factory) Warnf(format string, args ...any) {
	fmt.Fprintf(f.IO.ErrOut, "warning: "+format+"\n", args...)
}

// clusterRun is what a command that talks to the cluster holds for one
// invocation: its printer, its clients and a context bounded by --timeout.
type clusterRun struct {
	ctx     context.Context
	cancel  context.CancelFunc
	out     *output.Printer
	clients *cluster.Clients
}

// startRun resolves the output options and the connection (in that order,
// so a bad -o fails before any dial); call cancel when done.
func (f *Factory) startRun(ctx context.Context) (*clusterRun, error) {
	p, err := f.Printer()
	if err != nil {
		return nil, err
	}
	clients, err := f.Clients()
	if err != nil {
		return nil, err
	}
	ctx, cancel := f.withTimeout(ctx)
	return &clusterRun{ctx: ctx, cancel: cancel, out: p, clients: clients}, nil
}

// explain rewrites a cluster error into one clear sentence.
func (r *clusterRun) explain(err error) error { return cluster.Explain(err, r.clients.Cfg) }

// UndoDir is where undo files go when no --undo-file is given:
// $KGROUPS_UNDO_DIR, else $XDG_STATE_HOME/kgroups/undo, else
// ~/.local/state/kgroups/undo (the current directory without a home).
func (f *Factory) UndoDir() string {
	if d := f.Getenv("KGROUPS_UNDO_DIR"); d != "" {
		return d
	}
	if d := f.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "kgroups", "undo")
	}
	if h := f.Getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "state", "kgroups", "undo")
	}
	return "."
}
