package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Exit codes (DESIGN.md §2).
const (
	ExitOK      = 0
	ExitError   = 1 // runtime: cluster unreachable, auth, I/O
	ExitUsage   = 2 // usage or bad input; nothing was changed
	ExitPartial = 3 // some groups/partitions failed, the rest succeeded
	ExitCheck   = 4 // a check did not pass
)

// FlagError is a usage error: bad flag, argument or input value. Exit 2.
type FlagError struct{ msg string }

func (e *FlagError) Error() string { return e.msg }

// flagErrorf builds a FlagError.
func flagErrorf(format string, args ...any) error {
	return &FlagError{msg: fmt.Sprintf(format, args...)}
}

// PartialError means the output was printed but something failed. Exit 3.
type PartialError struct{ msg string }

func (e *PartialError) Error() string { return e.msg }

// SilentExit carries an exit code whose message was already printed.
type SilentExit struct{ Code int }

func (e *SilentExit) Error() string { return fmt.Sprintf("exit %d", e.Code) }

// handleError prints err as one line on stderr and returns its exit code.
// It is the only place errors are printed.
func handleError(err error, errOut io.Writer) int {
	if err == nil {
		return ExitOK
	}
	var silent *SilentExit
	if errors.As(err, &silent) {
		return silent.Code
	}
	code := ExitError
	var fe *FlagError
	var ie interface{ IsInput() bool } // cluster.InputError, resetoffsets.InputError
	var pe *PartialError
	switch {
	case errors.As(err, &fe), errors.As(err, &ie):
		code = ExitUsage
	case errors.As(err, &pe):
		code = ExitPartial
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(errOut, "kgroups: interrupted")
		return 130
	}
	fmt.Fprintln(errOut, "kgroups: "+err.Error())
	return code
}
