package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/kgroups/kgroups/internal/errs"
)

// Exit codes (DESIGN.md §2).
const (
	ExitOK      = errs.ExitOK
	ExitError   = errs.ExitError   // runtime: cluster unreachable, auth, I/O
	ExitUsage   = errs.ExitUsage   // usage or bad input; nothing was changed
	ExitPartial = errs.ExitPartial // some groups/partitions failed, the rest succeeded
	ExitCheck   = errs.ExitCheck   // a check did not pass
)

// FlagError is a usage error: bad flag, argument or input value. Exit 2.
// It is kgroups' one input-error type (errs.InputError).
type FlagError = errs.InputError

// flagErrorf builds a FlagError.
func flagErrorf(format string, args ...any) error { return errs.Inputf(format, args...) }

// PartialError means the output was printed but something failed. Exit 3.
type PartialError = errs.PartialError

// SilentExit carries an exit code whose message was already printed.
type SilentExit = errs.Silent

// handleError prints err as one line on stderr and returns its exit code.
// It is the only place errors are printed; the code comes from the error's
// type alone (errs.Code), never from its text.
func handleError(err error, errOut io.Writer) int {
	if err == nil {
		return ExitOK
	}
	var silent *SilentExit
	if errors.As(err, &silent) {
		return silent.Code
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(errOut, "kgroups: interrupted")
		return 130
	}
	fmt.Fprintln(errOut, "kgroups: "+err.Error())
	return errs.Code(err)
}
