package cmd

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/kgroups/kgroups/output"
)

// dataCommands print a document with -o json|yaml. Every invocation of one
// of them prints exactly one document on stdout: its own, or, when it
// failed before printing anything, an error document.
var dataCommands = map[string]bool{
	"list": true, "describe": true, "status": true, "reset-offsets": true, "delete": true,
	"delete-offsets": true, "explain": true, "assign": true,
}

// ErrorDocument is the document a data command prints with -o json|yaml
// when it failed before it had anything else to print.
type ErrorDocument struct {
	SchemaVersion int    `json:"schema_version" yaml:"schema_version"`
	Kind          string `json:"kind" yaml:"kind"`
	Command       string `json:"command" yaml:"command"`
	Error         string `json:"error" yaml:"error"`
	ExitCode      int    `json:"exit_code" yaml:"exit_code"`
}

// countingWriter tells whether anything reached stdout.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// errorDocument prints the error document when a data command asked for
// json or yaml failed and printed nothing (a bad -o value cannot be honoured).
func errorDocument(f *Factory, cmd *cobra.Command, stdout *countingWriter, err error, code int) {
	if err == nil || code == ExitOK || stdout.n > 0 || cmd == nil || !dataCommands[cmd.Name()] {
		return
	}
	format, ferr := output.ParseFormat(f.out.format)
	if ferr != nil || (format != output.JSON && format != output.YAML) {
		return
	}
	msg := err.Error()
	if _, silent := err.(*SilentExit); silent {
		msg = "check failed"
	}
	p := output.New(stdout, output.Options{Format: format})
	_ = p.Data(ErrorDocument{SchemaVersion: 1, Kind: "kgroups-error", Command: cmd.CommandPath(), Error: msg, ExitCode: code})
}
