package cmd

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/kgroups/kgroups/internal/numfmt"
)

// progressAfter is how long a run goes quietly before it says how far it is.
const progressAfter = time.Second

// progress is one line on stderr, rewritten in place, saying how many
// groups have been read; only on a terminal and only once the run has taken
// longer than progressAfter. finish erases it.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	tty     bool
	now     func() time.Time
	start   time.Time
	printed bool
}

func newProgress(w io.Writer, tty bool, now func() time.Time) *progress {
	return &progress{w: w, tty: tty, now: now, start: now()}
}

// report is a describe.Selection.Progress.
func (p *progress) report(stage string, done, total int) {
	if !p.tty {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.now().Sub(p.start) < progressAfter {
		return
	}
	fmt.Fprintf(p.w, "\r\x1b[Kreading groups: %s of %s %s…", numfmt.Thousands(int64(done)), numfmt.Thousands(int64(total)), stage)
	p.printed = true
}

// finish erases the line, if one was printed.
func (p *progress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.printed {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.printed = false
	}
}
