package errs

import (
	"errors"
	"fmt"
	"testing"
)

func TestCode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{errors.New("bad input: invalid argument"), ExitError}, // text decides nothing
		{Inputf("x"), ExitUsage},
		{Refusedf("x"), ExitUsage},
		{Partialf("x"), ExitPartial},
		{Runtimef("x"), ExitError},
		{&Silent{Code: ExitCheck}, ExitCheck},
		{fmt.Errorf("outer: %w", Partialf("inner")), ExitPartial},
		{&RuntimeError{Msg: "outer", Err: Inputf("inner")}, ExitError}, // the outermost class wins
		{&InputError{Msg: "outer", Err: Runtimef("inner")}, ExitUsage},
	}
	for _, c := range cases {
		if got := Code(c.err); got != c.want {
			t.Errorf("Code(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}
