package cmd

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/cluster"
	"github.com/kgroups/kgroups/output"
)

const contextHelp = `Name clusters once in the config file and pick one per command.

The config file is $KGROUPS_CONFIG, else $XDG_CONFIG_HOME/kgroups/config.yaml,
else ~/.config/kgroups/config.yaml:

  current-context: prod
  contexts:
    prod:
      brokers: [kafka-1:9092, kafka-2:9092]
      command-config: prod.properties      # optional; relative to this file
      properties:                          # optional; on top of command-config
        security.protocol: SASL_SSL
        sasl.mechanism: SCRAM-SHA-512
        sasl.username: ops
        sasl.password: {env: PROD_KAFKA_PASSWORD}   # or {file: /run/secrets/kafka}
      timeout: 10s                         # default --timeout
      output: wide                         # default -o
    staging:
      brokers: [127.0.0.1:9092]

The context used is --context NAME, else KGROUPS_CONTEXT, else current-context.
Flags beat environment variables, which beat the context, which beats the
defaults; -X key=value overrides every property on top. list, describe and
status read several clusters with --context a,b or --all-contexts; commands
that write take one.`

// NewCmdContext builds `kgroups context`.
func NewCmdContext(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "context",
		Short: "Name clusters once (config file) and switch between them",
		Long:  contextHelp,
		Example: `  kgroups context add prod --brokers kafka-1:9092 --command-config prod.properties
  kgroups context add staging -b 127.0.0.1:9092 --sasl-mechanism PLAIN --sasl-user ops --password-env STAGING_PW
  kgroups context use prod
  kgroups context list
  kgroups describe orders-svc --context staging
  kgroups list --lag --all-contexts`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCmdContextList(f), newCmdContextShow(f), newCmdContextUse(f), newCmdContextAdd(f), newCmdContextDelete(f))
	return cmd
}

func newCmdContextList(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the contexts of the config file (* marks the current one)",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cf, err := f.ConfigFile()
			if err != nil {
				return err
			}
			p, err := f.Printer()
			if err != nil {
				return err
			}
			if len(cf.Contexts) == 0 && !p.Structured() {
				fmt.Fprintf(f.IO.ErrOut, "No contexts in %s (kgroups context add NAME --brokers host:port).\n", cf.Path)
				return nil
			}
			return p.Contexts(cf.View())
		},
	}
}

func newCmdContextShow(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:               "show [NAME]",
		Short:             "Show one context (default: the one in use); secrets are never shown",
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: f.completeContextArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := f.Printer()
			if err != nil {
				return err
			}
			var c *cluster.Context
			if len(args) == 1 {
				cf, err := f.ConfigFile()
				if err != nil {
					return err
				}
				if c, err = cf.Lookup(args[0], "context show"); err != nil {
					return err
				}
			} else {
				if f.fanOut() {
					return flagErrorf("context show takes one context: kgroups context show NAME")
				}
				if c, err = f.selectedContext(); err != nil {
					return err
				}
				if c == nil {
					return flagErrorf("no context in use (no --context, KGROUPS_CONTEXT or current-context): name one, kgroups context show NAME")
				}
			}
			cf, _ := f.ConfigFile()
			v := c.View(c.Name == cf.CurrentContext)
			v.SchemaVersion = 1
			return p.ContextShow(v)
		},
	}
}

func newCmdContextUse(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:               "use NAME",
		Short:             "Make NAME the current context",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: f.completeContextArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			cf, err := f.ConfigFile()
			if err != nil {
				return err
			}
			c, err := cf.Lookup(args[0], "context use")
			if err != nil {
				return err
			}
			cf.SetCurrent(c.Name)
			if err := cf.Save(); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "Current context is now %q (%s).\n", c.Name, c.Summary())
			return nil
		},
	}
}

func newCmdContextDelete(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:               "delete NAME",
		Aliases:           []string{"rm"},
		Short:             "Remove a context from the config file",
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: f.completeContextArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			cf, err := f.ConfigFile()
			if err != nil {
				return err
			}
			wasCurrent := cf.CurrentContext == args[0]
			if err := cf.Delete(args[0]); err != nil {
				return err
			}
			if err := cf.Save(); err != nil {
				return err
			}
			msg := fmt.Sprintf("Deleted context %q from %s.", args[0], cf.Path)
			if wasCurrent {
				msg += " No context is current now (kgroups context use NAME)."
			}
			fmt.Fprintln(f.IO.ErrOut, msg)
			return nil
		},
	}
}

func newCmdContextAdd(f *Factory) *cobra.Command {
	var passwordEnv, passwordFile string
	var use bool
	cmd := &cobra.Command{
		Use:   "add NAME --brokers host:port [--command-config FILE] [-X key=value]...",
		Short: "Add a context to the config file (created 0600 if missing)",
		Long: `Add a context built from the connection flags: -b/--brokers, --command-config,
-X key=value, --sasl-mechanism, --sasl-user, --timeout and -o (the context's
defaults). A password is stored as a reference, --password-env VAR or
--password-file FILE, never from --sasl-password. The first context added
becomes the current one (or any with --use).`,
		Example: `  kgroups context add prod -b kafka-1:9092,kafka-2:9092 --command-config /etc/kafka/prod.properties
  kgroups context add dev -b 127.0.0.1:9092 --sasl-mechanism SCRAM-SHA-512 --sasl-user ops --password-env DEV_PW --timeout 10s`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.contextFromFlags(args[0], passwordEnv, passwordFile)
			if err != nil {
				return err
			}
			cf, err := f.ConfigFile()
			if err != nil {
				return err
			}
			first := len(cf.Contexts) == 0
			if err := cf.Add(c); err != nil {
				return err
			}
			if first || use {
				cf.SetCurrent(c.Name)
			}
			if err := cf.Save(); err != nil {
				return err
			}
			msg := fmt.Sprintf("Added context %q (%s) to %s.", c.Name, c.Summary(), cf.Path)
			if cf.CurrentContext == c.Name {
				msg += " It is the current context."
			}
			fmt.Fprintln(f.IO.ErrOut, msg)
			return nil
		},
	}
	cmd.Flags().StringVar(&passwordEnv, "password-env", "", "read the SASL password from this environment `VARIABLE` when the context is used")
	cmd.Flags().StringVar(&passwordFile, "password-file", "", "read the SASL password from this `FILE` when the context is used")
	cmd.Flags().BoolVar(&use, "use", false, "make it the current context")
	cmd.MarkFlagsMutuallyExclusive("password-env", "password-file")
	return cmd
}

// contextFromFlags turns the global connection flags into a new context.
func (f *Factory) contextFromFlags(name, passwordEnv, passwordFile string) (*cluster.Context, error) {
	if err := cluster.ValidContextName(name); err != nil {
		return nil, err
	}
	if f.conn.saslPassword != "" {
		return nil, flagErrorf("context add does not store --sasl-password: use --password-env VARIABLE or --password-file FILE")
	}
	c := &cluster.Context{Name: name}
	for _, b := range f.conn.brokers {
		for _, one := range strings.Split(b, ",") {
			if one = strings.TrimSpace(one); one == "" {
				continue
			}
			if err := cluster.ValidBroker(one); err != nil {
				return nil, flagErrorf("--brokers: %v", err)
			}
			c.Brokers = append(c.Brokers, one)
		}
	}
	if f.conn.commandConfig != "" {
		abs, err := filepath.Abs(f.conn.commandConfig)
		if err != nil {
			return nil, flagErrorf("--command-config %s: %v", f.conn.commandConfig, err)
		}
		props := cluster.NewProperties()
		if err := cluster.LoadPropertiesFile(abs, props); err != nil {
			return nil, err
		}
		c.CommandConfig = abs
	}
	hasBootstrap := false
	set := func(p cluster.ContextProperty) {
		for i := range c.Properties {
			if c.Properties[i].Key == p.Key {
				c.Properties[i] = p
				return
			}
		}
		c.Properties = append(c.Properties, p)
	}
	for _, kv := range f.conn.overrides {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, flagErrorf("-X %q: want key=value, e.g. -X security.protocol=SASL_SSL", kv)
		}
		if err := cluster.CheckProperty(k, "-X"); err != nil {
			return nil, err
		}
		if k == "bootstrap.servers" {
			hasBootstrap = true
		}
		if k == "sasl.password" || (k == "sasl.jaas.config" && strings.Contains(v, "password")) {
			f.Warnf("-X %s is written to the config file in clear text: prefer --password-env or --password-file", k)
		}
		set(cluster.ContextProperty{Key: k, Value: strings.TrimSpace(v)})
	}
	if len(c.Brokers) == 0 && c.CommandConfig == "" && !hasBootstrap {
		return nil, flagErrorf("context add %s: give the brokers: -b/--brokers host:port (or --command-config FILE with bootstrap.servers)", name)
	}
	anySASL := f.conn.saslMechanism != "" || f.conn.saslUser != "" || passwordEnv != "" || passwordFile != ""
	if f.conn.saslMechanism != "" {
		set(cluster.ContextProperty{Key: "sasl.mechanism", Value: f.conn.saslMechanism})
	}
	if f.conn.saslUser != "" {
		set(cluster.ContextProperty{Key: "sasl.username", Value: f.conn.saslUser})
	}
	switch {
	case passwordEnv != "":
		set(cluster.ContextProperty{Key: "sasl.password", Env: passwordEnv})
	case passwordFile != "":
		abs, err := filepath.Abs(passwordFile)
		if err != nil {
			return nil, flagErrorf("--password-file %s: %v", passwordFile, err)
		}
		set(cluster.ContextProperty{Key: "sasl.password", File: abs})
	}
	if anySASL {
		protocol := false
		for _, p := range c.Properties {
			protocol = protocol || p.Key == "security.protocol"
		}
		if !protocol {
			c.Properties = append([]cluster.ContextProperty{{Key: "security.protocol", Value: "SASL_PLAINTEXT"}}, c.Properties...)
		}
	}
	if err := c.Check(); err != nil {
		return nil, err
	}
	if f.flagChanged("timeout") {
		if f.conn.timeout <= 0 {
			return nil, flagErrorf("--timeout %s: want a positive duration", f.conn.timeout)
		}
		c.Timeout = f.conn.timeout
	}
	if f.flagChanged("output") {
		format, err := output.ParseFormat(f.out.format)
		if err != nil {
			return nil, &FlagError{Msg: err.Error()}
		}
		c.Output = string(format)
	}
	return c, nil
}

// completeContextArg offers context names for a positional argument. It
// reads the config file and never dials.
func (f *Factory) completeContextArg(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return f.contextCompletions("", toComplete, nil), cobra.ShellCompDirectiveNoFileComp
}

// completeContextList completes --context a,b: the last name of the list.
func (f *Factory) completeContextList(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	prefix, last := "", toComplete
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		prefix, last = toComplete[:i+1], toComplete[i+1:]
	}
	taken := map[string]bool{}
	for _, n := range strings.Split(prefix, ",") {
		taken[n] = true
	}
	return f.contextCompletions(prefix, last, taken), cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

func (f *Factory) contextCompletions(prefix, toComplete string, taken map[string]bool) []string {
	cf, err := f.ConfigFile()
	if err != nil {
		return nil
	}
	var out []string
	for _, c := range cf.Contexts {
		if strings.HasPrefix(c.Name, toComplete) && !taken[c.Name] {
			out = append(out, prefix+c.Name+"\t"+c.Summary())
		}
	}
	return out
}
