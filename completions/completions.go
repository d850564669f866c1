// Package completions gives cobra dynamic completions for group and topic
// names. Every lookup is bounded by a short timeout and fails quietly
// (ShellCompDirectiveError): a shell must never hang or print an error.
package completions

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/describe"
)

// Timeout bounds one completion lookup.
var Timeout = 2 * time.Second

// Lister is the client completions ask.
type Lister = *kgo.Client

// Completer looks names up through a lazily built client.
type Completer struct {
	client func() (Lister, error)
}

// New returns a completer; client is called only when a completion runs.
func New(client func() (Lister, error)) *Completer { return &Completer{client: client} }

// Groups completes group names, with the group state as description, and
// leaves out groups already on the command line.
func (c *Completer) Groups(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	cl, err := c.client()
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), Timeout)
	defer cancel()
	given := map[string]bool{}
	for _, a := range args {
		given[a] = true
	}
	listed, err := describe.ListGroups(ctx, cl)
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	var out []cobra.Completion
	for name, g := range listed {
		if given[name] || !strings.HasPrefix(name, toComplete) {
			continue
		}
		out = append(out, cobra.CompletionWithDesc(name, g.State+" ("+g.Type+")"))
	}
	sort.Strings(out)
	return out, cobra.ShellCompDirectiveNoFileComp
}

// Topics completes topic names (internal topics left out).
func (c *Completer) Topics(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	cl, err := c.client()
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), Timeout)
	defer cancel()
	req := kmsg.NewPtrMetadataRequest()
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	var out []cobra.Completion
	for _, t := range resp.Topics {
		if t.Topic == nil || t.IsInternal || !strings.HasPrefix(*t.Topic, toComplete) {
			continue
		}
		out = append(out, *t.Topic)
	}
	sort.Strings(out)
	return out, cobra.ShellCompDirectiveNoFileComp
}
