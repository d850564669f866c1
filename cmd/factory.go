package cmd

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/cluster"
	"github.com/kgroups/kgroups/output"
	"github.com/kgroups/kgroups/resetoffsets"
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
		contexts      []string // --context NAME[,NAME]
		allContexts   bool     // --all-contexts
	}
	rootFlags *pflag.FlagSet // the global flags, to tell a given flag from its default
	out       struct {
		format    string
		noHeaders bool
		color     string
	}

	mu      sync.Mutex
	errMu   sync.Mutex // Warnf
	outMu   sync.Mutex // stderr writes from a fan-out's goroutines
	clients *cluster.Clients
	fanned  map[string]*cluster.Clients // per context, when reading several

	cfgOnce sync.Once
	cfgFile *cluster.ConfigFile
	cfgErr  error
}

// NewFactory returns a factory over the given streams and environment.
func NewFactory(io *IOStreams, getenv func(string) string) *Factory {
	if getenv == nil {
		getenv = os.Getenv
	}
	return &Factory{IO: io, Getenv: getenv, Now: time.Now}
}

// flagChanged reports whether a global flag was given on the command line.
func (f *Factory) flagChanged(name string) bool {
	if f.rootFlags == nil {
		return false
	}
	fl := f.rootFlags.Lookup(name)
	return fl != nil && fl.Changed
}

// ConfigFile reads the config file once, on first use: only commands that
// need a cluster (or the context command) call it, so a broken file never
// stops help, completion, assign or explain without --group.
func (f *Factory) ConfigFile() (*cluster.ConfigFile, error) {
	f.cfgOnce.Do(func() {
		f.cfgFile, f.cfgErr = cluster.LoadConfigFile(cluster.ConfigPath(f.Getenv))
		if f.cfgErr == nil {
			for _, w := range f.cfgFile.Warnings {
				f.Warnf("%s", w)
			}
		}
	})
	return f.cfgFile, f.cfgErr
}

// fanOut reports whether the invocation names several contexts
// (--context a,b or --all-contexts).
func (f *Factory) fanOut() bool { return f.conn.allContexts || len(f.conn.contexts) > 1 }

// selectedContext is the one context this invocation uses: --context, else
// KGROUPS_CONTEXT, else the file's current-context; nil when none.
func (f *Factory) selectedContext() (*cluster.Context, error) {
	name, via := "", ""
	switch {
	case len(f.conn.contexts) == 1:
		name, via = f.conn.contexts[0], "--context"
	case f.Getenv("KGROUPS_CONTEXT") != "":
		name, via = f.Getenv("KGROUPS_CONTEXT"), "KGROUPS_CONTEXT"
	}
	if name != "" {
		if err := cluster.ValidContextName(name); err != nil {
			return nil, flagErrorf("%s: %v", via, err)
		}
	}
	cf, err := f.ConfigFile()
	if err != nil {
		return nil, err
	}
	if name == "" {
		if cf.CurrentContext == "" {
			return nil, nil
		}
		name, via = cf.CurrentContext, "current-context"
	}
	return cf.Lookup(name, via)
}

// contextNames lists the contexts a fan-out read covers, in the order given
// (--all-contexts: file order).
func (f *Factory) contextNames() ([]string, error) {
	if f.conn.allContexts && len(f.conn.contexts) > 0 {
		return nil, flagErrorf("--all-contexts reads every context: do not also give --context")
	}
	if len(f.conn.brokers) > 0 {
		return nil, flagErrorf("-b/--brokers would override the brokers of every context: drop it to read several contexts")
	}
	for _, env := range []string{"KGROUPS_BROKERS", "KAFKA_BROKERS"} {
		if f.Getenv(env) != "" {
			return nil, flagErrorf("%s is set and would override the brokers of every context: unset it to read several contexts", env)
		}
	}
	cf, err := f.ConfigFile()
	if err != nil {
		return nil, err
	}
	if f.conn.allContexts {
		if len(cf.Contexts) == 0 {
			return nil, flagErrorf("--all-contexts: %s defines no contexts (kgroups context add NAME --brokers host:port)", cf.Path)
		}
		return cf.Names(), nil
	}
	seen := map[string]bool{}
	for _, n := range f.conn.contexts {
		if err := cluster.ValidContextName(n); err != nil {
			return nil, flagErrorf("--context: %v", err)
		}
		if seen[n] {
			return nil, flagErrorf("--context names %q twice", n)
		}
		seen[n] = true
		if _, err := cf.Lookup(n, "--context"); err != nil {
			return nil, err
		}
	}
	return f.conn.contexts, nil
}

// Config resolves the connection settings of the one cluster this
// invocation talks to and prints their warnings. Several contexts are
// refused here: only list, describe and status read several (fanOutRun).
func (f *Factory) Config() (cluster.Config, error) {
	if f.fanOut() {
		what := strings.Join(f.conn.contexts, ",")
		if f.conn.allContexts {
			what = "--all-contexts"
		} else {
			what = "--context " + what
		}
		return cluster.Config{}, flagErrorf("%s names several clusters: only list, describe and status read several at once; name one --context", what)
	}
	c, err := f.selectedContext()
	if err != nil {
		return cluster.Config{}, err
	}
	return f.resolve(c)
}

// resolve applies flags and environment over one context (nil: none).
func (f *Factory) resolve(c *cluster.Context) (cluster.Config, error) {
	if f.conn.timeout <= 0 {
		return cluster.Config{}, flagErrorf("--timeout %s: want a positive duration such as 10s or 2m", f.conn.timeout)
	}
	in := cluster.ResolveInput{
		FlagBrokers:   f.conn.brokers,
		Getenv:        f.Getenv,
		CommandConfig: f.conn.commandConfig,
		Overrides:     f.conn.overrides,
		Timeout:       f.conn.timeout,
		Context:       c,
		SASLMechanism: f.conn.saslMechanism,
		SASLUser:      f.conn.saslUser,
		SASLPassword:  f.conn.saslPassword,
	}
	if c != nil && !f.flagChanged("timeout") {
		in.Timeout = 0 // the context's timeout, else the default
	}
	cfg, warns, err := cluster.Resolve(in)
	if err != nil {
		return cluster.Config{}, err
	}
	for _, w := range warns {
		fmt.Fprintln(f.IO.ErrOut, "warning: "+string(w))
	}
	return cfg, nil
}

func (f *Factory) connect(cfg cluster.Config) (*cluster.Clients, error) {
	var extra []kgo.Opt
	if f.conn.verbose {
		extra = append(extra, kgo.WithLogger(kgo.BasicLogger(f.IO.ErrOut, kgo.LogLevelDebug, func() string { return "kgo: " })))
	}
	return cluster.Connect(cfg, extra...)
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
	c, err := f.connect(cfg)
	if err != nil {
		return nil, err
	}
	f.clients = c
	return c, nil
}

// clientsFor connects to one named context of a fan-out read.
func (f *Factory) clientsFor(name string) (*cluster.Clients, error) {
	cf, err := f.ConfigFile()
	if err != nil {
		return nil, err
	}
	c, err := cf.Lookup(name, "--context")
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if cl := f.fanned[name]; cl != nil {
		return cl, nil
	}
	cfg, err := f.resolve(c)
	if err != nil {
		return nil, err
	}
	cl, err := f.connect(cfg)
	if err != nil {
		return nil, err
	}
	if f.fanned == nil {
		f.fanned = map[string]*cluster.Clients{}
	}
	f.fanned[name] = cl
	return cl, nil
}

// Close releases the connection, if one was made.
func (f *Factory) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.clients != nil {
		f.clients.Close()
		f.clients = nil
	}
	for name, c := range f.fanned {
		c.Close()
		delete(f.fanned, name)
	}
}

// Printer builds the output printer from -o, --no-headers and --color.
func (f *Factory) Printer() (*output.Printer, error) { return f.printerAs(f.out.format, "") }

// printerAs builds a printer for format; from names where a format that is
// not the -o flag came from (a config file line), for the error.
func (f *Factory) printerAs(formatName, from string) (*output.Printer, error) {
	format, err := output.ParseFormat(formatName)
	if err != nil {
		if from != "" {
			return nil, &FlagError{Msg: from + ": output " + strings.TrimPrefix(err.Error(), "-o ")}
		}
		return nil, &FlagError{Msg: err.Error()}
	}
	color, err := output.ResolveColor(f.out.color, f.IO.IsStdoutTTY(), f.Getenv)
	if err != nil {
		return nil, &FlagError{Msg: err.Error()}
	}
	// JSON is indented for a person at a terminal and compact in a pipe
	// (docs/json.md): same keys and values, a third of the bytes to write.
	return output.New(f.IO.Out, output.Options{Format: format, NoHeaders: f.out.noHeaders, Color: color,
		Width: f.IO.TerminalWidth(), CompactJSON: !f.IO.IsStdoutTTY()}), nil
}

// Warnf prints a warning line on stderr (safe from several goroutines).
func (f *Factory) Warnf(format string, args ...any) {
	f.errMu.Lock()
	defer f.errMu.Unlock()
	fmt.Fprintf(f.IO.ErrOut, "warning: "+format+"\n", args...)
}

// clusterRun is what a command that talks to the cluster holds for one
// invocation: its printer, its clients and a context bounded by --timeout.
type clusterRun struct {
	ctx     context.Context
	cancel  context.CancelFunc
	out     *output.Printer
	clients *cluster.Clients
	f       *Factory
	fanned  bool // one of several contexts (fanOutRun)
}

// startRun resolves the output options and the connection (in that order,
// so a bad -o fails before any dial); call cancel when done. Without -o the
// selected context's output format applies.
func (f *Factory) startRun(ctx context.Context) (*clusterRun, error) {
	p, err := f.Printer()
	if err != nil {
		return nil, err
	}
	if !f.flagChanged("output") && !f.fanOut() {
		c, err := f.selectedContext()
		if err != nil {
			return nil, err
		}
		if c != nil && c.Output != "" {
			if p, err = f.printerAs(c.Output, c.Source("output")); err != nil {
				return nil, err
			}
		}
	}
	clients, err := f.Clients()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, clients.Cfg.Timeout)
	return &clusterRun{ctx: ctx, cancel: cancel, out: p, clients: clients, f: f}, nil
}

// warnf prints a warning, naming the context when several are read.
func (r *clusterRun) warnf(format string, args ...any) {
	if r.fanned {
		format = "context " + r.clients.Cfg.Context + ": " + format
	}
	r.f.Warnf(format, args...)
}

// clusterRef names the cluster a write goes to: its id (asked now), the
// context and the bootstrap brokers.
func (r *clusterRun) clusterRef() (*resetoffsets.ClusterRef, error) {
	id, err := cluster.ClusterID(r.ctx, r.clients.Kgo)
	if err != nil {
		return nil, r.explain(err)
	}
	ref := &resetoffsets.ClusterRef{ID: id, Bootstrap: append([]string{}, r.clients.Cfg.Brokers...)}
	if c := r.clients.Cfg.Context; c != "" {
		ref.Context = &c
	}
	return ref, nil
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

// timeout is the resolved --timeout of the connected cluster (the flag, else
// the context's, else 30s).
func (f *Factory) timeout() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.clients != nil && f.clients.Cfg.Timeout > 0 {
		return f.clients.Cfg.Timeout
	}
	if f.conn.timeout > 0 {
		return f.conn.timeout
	}
	return 30 * time.Second
}
