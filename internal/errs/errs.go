// Package errs holds kgroups' error classes. Every error that decides an
// exit code carries its class as a type, set where the error is made; the
// one handler in cmd maps errors to exit codes with errors.As alone and
// never reads message text.
package errs

import (
	"errors"
	"fmt"
)

// Exit codes (DESIGN.md §2).
const (
	ExitOK      = 0
	ExitError   = 1 // runtime: cluster unreachable, auth, I/O on the cluster side
	ExitUsage   = 2 // bad input or a refusal; nothing was changed
	ExitPartial = 3 // some groups/partitions failed, the rest succeeded
	ExitCheck   = 4 // a check did not pass
)

// Coded is implemented by every error that decides its exit code.
type Coded interface {
	error
	ExitCode() int
}

// Code is the exit code of err: the code of the outermost Coded error in
// its chain, else ExitError. nil is ExitOK.
func Code(err error) int {
	if err == nil {
		return ExitOK
	}
	var c Coded
	if errors.As(err, &c) {
		return c.ExitCode()
	}
	return ExitError
}

// InputError is bad user input: a flag, an argument, a file, a key in a
// file. Exit 2; nothing was changed.
type InputError struct {
	Msg string
	Err error // the cause, if any (never printed on its own)
}

func (e *InputError) Error() string { return e.Msg }
func (e *InputError) Unwrap() error { return e.Err }
func (e *InputError) ExitCode() int { return ExitUsage }

// IsInput marks bad user input.
func (e *InputError) IsInput() bool { return true }

// Inputf builds an InputError.
func Inputf(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// RefusedError is a safety check that refused to act (a group with
// members, offsets that moved, a file that exists). Exit 2; nothing was
// changed.
type RefusedError struct{ Msg string }

func (e *RefusedError) Error() string { return e.Msg }
func (e *RefusedError) ExitCode() int { return ExitUsage }

// Refusedf builds a RefusedError.
func Refusedf(format string, args ...any) error {
	return &RefusedError{Msg: fmt.Sprintf(format, args...)}
}

// PartialError: the output was printed, but some of the work failed while
// the rest succeeded. Exit 3.
type PartialError struct{ Msg string }

func (e *PartialError) Error() string { return e.Msg }
func (e *PartialError) ExitCode() int { return ExitPartial }

// Partialf builds a PartialError.
func Partialf(format string, args ...any) error {
	return &PartialError{Msg: fmt.Sprintf(format, args...)}
}

// RuntimeError is a failure of the cluster or the machine (unreachable,
// timed out, not authorized, every write failed). Exit 1.
type RuntimeError struct {
	Msg string
	Err error
}

func (e *RuntimeError) Error() string { return e.Msg }
func (e *RuntimeError) Unwrap() error { return e.Err }
func (e *RuntimeError) ExitCode() int { return ExitError }

// Runtimef builds a RuntimeError.
func Runtimef(format string, args ...any) error {
	return &RuntimeError{Msg: fmt.Sprintf(format, args...)}
}

// Silent carries an exit code whose message was already printed (a check
// that failed, with its findings on stdout).
type Silent struct{ Code int }

func (e *Silent) Error() string { return fmt.Sprintf("exit %d", e.Code) }
func (e *Silent) ExitCode() int { return e.Code }
