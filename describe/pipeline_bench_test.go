package describe_test

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kgroups/kgroups/describe"
	klab "github.com/kgroups/kgroups/internal/lab"
	"github.com/kgroups/kgroups/output"
)

// pipelineSize is GROUPS x TOPICS x PARTITIONS: every group commits to
// TOPICS topics of PARTITIONS partitions each.
type pipelineSize struct{ groups, topics, partitions int }

func (s pipelineSize) String() string {
	return fmt.Sprintf("%dx%d", s.groups, s.topics*s.partitions)
}

// pipelineSizes reads KGROUPS_BENCH_PIPELINE ("200x5x20,500x20x50,10000x1x20",
// the sizes of docs/performance.md); the default is small so that the
// suite's -bench runs stay fast.
func pipelineSizes(b *testing.B) []pipelineSize {
	env := os.Getenv("KGROUPS_BENCH_PIPELINE")
	if env == "" {
		return []pipelineSize{{20, 5, 20}}
	}
	var out []pipelineSize
	for _, f := range strings.Split(env, ",") {
		parts := strings.Split(strings.TrimSpace(f), "x")
		var n []int
		for _, p := range parts {
			v, err := strconv.Atoi(p)
			if err != nil || v < 1 {
				break
			}
			n = append(n, v)
		}
		if len(n) != 3 {
			b.Fatalf("KGROUPS_BENCH_PIPELINE=%q: want GROUPSxTOPICSxPARTITIONS[,...], e.g. 500x20x50", env)
		}
		out = append(out, pipelineSize{n[0], n[1], n[2]})
	}
	return out
}

// seedPipeline creates the topics (10 records per partition) and commits
// every group's offsets, eight groups at a time.
func seedPipeline(l *lab, s pipelineSize) {
	l.T.Helper()
	if err := (klab.Scale{Groups: s.groups, Topics: s.topics, Partitions: s.partitions}).Seed(l.Ctx, l.Cl); err != nil {
		l.T.Fatal(err)
	}
}

// BenchmarkPipeline is the whole of `kgroups describe --all` after flag
// parsing: a fresh client, Fetch, Build and rendering to io.Discard, as
// compact JSON (a pipe) and as the default table, on a 3-broker kfake in
// the same process (which shares the CPU).
//
//	go test ./describe -run '^$' -bench Pipeline -benchmem
//	KGROUPS_BENCH_PIPELINE=200x5x20,500x20x50,10000x1x20 go test ./describe -run '^$' -bench Pipeline -benchmem -benchtime 3x -timeout 30m
func BenchmarkPipeline(b *testing.B) {
	for _, size := range pipelineSizes(b) {
		l := newLab(b, kfake.NumBrokers(3))
		seedPipeline(l, size)
		for _, format := range []output.Format{output.JSON, output.Table} {
			b.Run(fmt.Sprintf("%s/%s", size, format), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					cl, err := klab.Client(l.Brokers)
					if err != nil {
						b.Fatal(err)
					}
					snap, err := describe.Fetch(l.Ctx, cl, describe.Selection{All: true, Offsets: true, Members: true})
					if err != nil {
						b.Fatal(err)
					}
					doc := describe.Build(snap, describe.ViewOptions{})
					if len(doc.Groups) != size.groups {
						b.Fatalf("got %d groups, want %d", len(doc.Groups), size.groups)
					}
					p := output.New(io.Discard, output.Options{Format: format, CompactJSON: true})
					if err := p.Describe(doc, output.ViewOffsets); err != nil {
						b.Fatal(err)
					}
					cl.Close()
				}
			})
		}
	}
}

// BenchmarkRender is the output step alone, from a built document.
func BenchmarkRender(b *testing.B) {
	for _, size := range pipelineSizes(b) {
		l := newLab(b, kfake.NumBrokers(3))
		seedPipeline(l, size)
		snap, err := describe.Fetch(l.Ctx, l.Cl, describe.Selection{All: true, Offsets: true, Members: true})
		if err != nil {
			b.Fatal(err)
		}
		doc := describe.Build(snap, describe.ViewOptions{})
		for _, format := range []output.Format{output.JSON, output.Table} {
			b.Run(fmt.Sprintf("%s/%s", size, format), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					p := output.New(io.Discard, output.Options{Format: format, CompactJSON: true})
					if err := p.Describe(doc, output.ViewOffsets); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
