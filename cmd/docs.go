package cmd

import (
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// NewCmdDocs builds the hidden `kgroups docs` generator (markdown and man
// pages); it needs no cluster.
func NewCmdDocs(f *Factory) *cobra.Command {
	var dir, man string
	cmd := &cobra.Command{
		Use:    "docs",
		Short:  "Generate markdown and man pages for every command",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			root.DisableAutoGenTag = true
			root.InitDefaultHelpCmd()
			root.InitDefaultCompletionCmd()
			if dir != "" {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return err
				}
				if err := doc.GenMarkdownTree(root, dir); err != nil {
					return err
				}
			}
			if man != "" {
				if err := os.MkdirAll(man, 0o755); err != nil {
					return err
				}
				if err := doc.GenManTree(root, &doc.GenManHeader{Title: "KGROUPS", Section: "1"}, man); err != nil {
					return err
				}
			}
			if dir == "" && man == "" {
				return flagErrorf("give --markdown DIR and/or --man DIR")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "markdown", "", "write markdown pages into `DIR`")
	cmd.Flags().StringVar(&man, "man", "", "write man pages into `DIR`")
	return cmd
}
