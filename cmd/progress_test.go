package cmd

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressOnlyOnATerminalAfterASecond(t *testing.T) {
	t.Parallel()
	at := time.Unix(0, 0)
	clock := func() time.Time { return at }
	var pipe, quick, slow bytes.Buffer

	p := newProgress(&pipe, false, clock)
	at = at.Add(5 * time.Second)
	p.report("described", 50, 10000)
	p.finish()

	at = time.Unix(0, 0)
	q := newProgress(&quick, true, clock)
	at = at.Add(500 * time.Millisecond)
	q.report("described", 50, 10000)
	q.finish()

	at = time.Unix(0, 0)
	s := newProgress(&slow, true, clock)
	at = at.Add(1500 * time.Millisecond)
	s.report("described", 3200, 10000)
	s.report("offsets read", 50, 10000)
	s.finish()

	if pipe.Len() != 0 || quick.Len() != 0 {
		t.Errorf("progress in a pipe %q or before a second %q", pipe.String(), quick.String())
	}
	out := slow.String()
	if !strings.Contains(out, "reading groups: 3,200 of 10,000 described") || !strings.Contains(out, "50 of 10,000 offsets read") {
		t.Errorf("progress line %q does not say how far the run is", out)
	}
	if !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("progress line %q is not erased at the end", out)
	}
}
