package cmd

import (
	"bytes"
	"io"
	"os"

	"github.com/charmbracelet/x/term"
)

// IOStreams are the three standard streams plus whether stdout is a
// terminal. Tests use Test() and set the TTY flags themselves.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	outTTY   bool
	outWidth int // columns of the stdout terminal; 0 when unknown
	errTTY   bool
}

// System returns the process's streams.
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, outTTY: term.IsTerminal(os.Stdout.Fd()),
		errTTY: term.IsTerminal(os.Stderr.Fd())}
	if s.outTTY {
		if w, _, err := term.GetSize(os.Stdout.Fd()); err == nil && w > 0 {
			s.outWidth = w
		}
	}
	return s
}

// Test returns streams backed by buffers: stdin, stdout, stderr.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// IsStdoutTTY reports whether stdout is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.outTTY }

// SetStdoutTTY overrides terminal detection (tests).
func (s *IOStreams) SetStdoutTTY(v bool) { s.outTTY = v }

// TerminalWidth is the stdout terminal's width in columns: 0 when stdout is
// not a terminal (pipes get full values), 80 when a terminal's width is
// unknown.
func (s *IOStreams) TerminalWidth() int {
	switch {
	case !s.outTTY:
		return 0
	case s.outWidth <= 0:
		return 80
	}
	return s.outWidth
}

// SetTerminalWidth sets the terminal width (tests; no real terminal needed).
func (s *IOStreams) SetTerminalWidth(w int) { s.outWidth = w }

// IsStderrTTY reports whether stderr is a terminal (progress lines).
func (s *IOStreams) IsStderrTTY() bool { return s.errTTY }

// SetStderrTTY overrides terminal detection (tests).
func (s *IOStreams) SetStderrTTY(v bool) { s.errTTY = v }
