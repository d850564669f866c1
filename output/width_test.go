package output

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/health"
)

// wideFixture is the describe fixture with the names real clusters have:
// a long group, a long topic, long member and client ids, long hosts.
func wideFixture() *describe.Snapshot {
	snap := fixture()
	const long = "payments.transactions.settled.eu-west-1.v2"
	t := snap.Topics["orders"]
	t.Name = long
	snap.Topics[long] = t
	delete(snap.Topics, "orders")
	g := &snap.Groups[0]
	g.Name = "settlement-reconciliation-nightly-batch-eu-west-1"
	committed := map[describe.TP]int64{}
	for tp, o := range g.Committed {
		if tp.Topic == "orders" {
			tp.Topic = long
		}
		committed[tp] = o
	}
	g.Committed = committed
	for i := range g.Members {
		m := &g.Members[i]
		m.ClientID = "settlement-reconciler-" + m.ClientID + "-instance-7f9c"
		m.Host = "/ip-10-0-0-7.eu-west-1.compute.internal"
		if ps, ok := m.Assigned["orders"]; ok {
			m.Assigned = map[string][]int32{long: ps}
		}
		m.Subscribed = []string{long}
	}
	return snap
}

func wideStatus() health.StatusDoc {
	st := "Empty"
	lag := int64(1204)
	return health.StatusDoc{SchemaVersion: 1, WindowMs: 30000, Samples: 6, Groups: []health.GroupStatus{{
		Group: "settlement-reconciliation-nightly-batch-eu-west-1", State: &st, Status: "ERR", TotalLag: &lag,
		Reason: "payments.transactions.settled.eu-west-1.v2/3 STOP: commits stopped: the committed offset 1,000 has not moved for 30s (the whole window) while lag is 1,204; no member owns it",
		Partitions: []health.PartitionStatus{{Topic: "payments.transactions.settled.eu-west-1.v2", Partition: 3, Status: "STOP", Lag: &lag,
			Reason: "commits stopped: the committed offset 1,000 has not moved for 30s (the whole window) while lag is 1,204; no member owns it"}},
	}}}
}

// widthCases renders every table view kgroups has at a terminal width.
func widthCases(width int) map[string]func(p *Printer) error {
	doc := describe.Build(wideFixture(), describe.ViewOptions{})
	list := describe.BuildList(wideFixture(), true, true)
	return map[string]func(p *Printer) error{
		"offsets":   func(p *Printer) error { return p.Describe(doc, ViewOffsets) },
		"members":   func(p *Printer) error { return p.Describe(doc, ViewMembers) },
		"state":     func(p *Printer) error { return p.Describe(doc, ViewState) },
		"by_topic":  func(p *Printer) error { return p.Describe(doc, ViewByTopic) },
		"by_member": func(p *Printer) error { return p.Describe(doc, ViewByMember) },
		"list":      func(p *Printer) error { return p.List(list, true) },
		"status":    func(p *Printer) error { return p.Status(wideStatus()) },
		"watch": func(p *Printer) error {
			at := time.Date(2026, 12, 2, 6, 0, 0, 0, time.UTC)
			return p.Watch(health.Watch(&doc, doc, at.Add(5*time.Second), 5*time.Second), false) // a second look: rates, ETA
		},
	}
}

// TestWidthGolden: on a terminal of 80 and 120 columns every line of every
// table view fits (tables shorten ids and names, sentences wrap at words).
func TestWidthGolden(t *testing.T) {
	for _, width := range []int{80, 120} {
		for name, fn := range widthCases(width) {
			t.Run(fmt.Sprintf("%s_%d", name, width), func(t *testing.T) {
				out := render(t, Options{Format: Table, Width: width}, fn)
				for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
					if n := lipgloss.Width(line); n > width {
						t.Errorf("line is %d columns, terminal %d: %q", n, width, line)
					}
				}
				golden(t, out)
			})
		}
	}
}

// TestPipesGetFullValues: without a terminal width (a pipe) and with -o wide
// nothing is shortened or wrapped.
func TestPipesGetFullValues(t *testing.T) {
	for name, fn := range widthCases(0) {
		for _, opts := range []Options{{Format: Table}, {Format: Wide, Width: 80}} {
			out := string(render(t, opts, fn))
			if strings.Contains(out, "…") {
				t.Errorf("%s (%s, width %d): shortened value in\n%s", name, opts.Format, opts.Width, out)
			}
		}
	}
	out := string(render(t, Options{Format: Table}, func(p *Printer) error { return p.Status(wideStatus()) }))
	if !strings.Contains(out, wideStatus().Groups[0].Reason) {
		t.Fatalf("pipe lost the reason:\n%s", out)
	}
	out = string(render(t, Options{Format: Table}, widthCases(0)["state"]))
	if !strings.Contains(out, "settlement-reconciliation-nightly-batch-eu-west-1") || !strings.Contains(out, "127.0.0.1:39001 (0)") {
		t.Fatalf("pipe lost a name:\n%s", out)
	}
}

// A narrower terminal is treated as 80 columns.
func TestNarrowTerminalIsEighty(t *testing.T) {
	a := render(t, Options{Format: Table, Width: 40}, widthCases(40)["offsets"])
	b := render(t, Options{Format: Table, Width: 80}, widthCases(80)["offsets"])
	if string(a) != string(b) {
		t.Fatalf("width 40 differs from 80:\n%s\n---\n%s", a, b)
	}
}

func TestWrapAndShorten(t *testing.T) {
	if got := wrapWords("one two three four", 9); strings.Join(got, "|") != "one two|three|four" {
		t.Fatalf("wrap: %q", got)
	}
	if got := cutMiddle("orders-a-5d1e2f3a-4b5c-6d7e-8f90-a1b2c3d4e5f6", 14); got != "orders-a-…e5f6" || lipgloss.Width(got) != 14 {
		t.Fatalf("cutMiddle: %q", got)
	}
	if got := cutEnd("payments.transactions", 10); got != "payments.…" {
		t.Fatalf("cutEnd: %q", got)
	}
}

// BenchmarkDescribeTable renders the default describe table of 200 copies
// of the wide fixture in a pipe (width 0) and on an 80-column terminal.
func BenchmarkDescribeTable(b *testing.B) {
	snap := wideFixture()
	base := snap.Groups
	snap.Groups = nil
	for i := 0; i < 200; i++ {
		snap.Groups = append(snap.Groups, base[:2]...)
	}
	doc := describe.Build(snap, describe.ViewOptions{})
	for _, width := range []int{0, 80} {
		b.Run(fmt.Sprintf("width=%d", width), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var buf strings.Builder
				if err := New(&buf, Options{Format: Table, Width: width}).Describe(doc, ViewOffsets); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
