package describe_test

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

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
	for t := 0; t < s.topics; t++ {
		name := fmt.Sprintf("topic-%03d", t)
		l.topic(name, int32(s.partitions), 0)
		var recs []*kgo.Record
		for p := 0; p < s.partitions; p++ {
			for i := 0; i < 10; i++ {
				recs = append(recs, &kgo.Record{Topic: name, Partition: int32(p), Value: []byte("v")})
			}
		}
		if err := l.Cl.ProduceSync(l.Ctx, recs...).FirstErr(); err != nil {
			l.T.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	work := make(chan int)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range work {
				offs := map[string]map[int32]int64{}
				for k := 0; k < s.topics; k++ {
					t := fmt.Sprintf("topic-%03d", k)
					offs[t] = map[int32]int64{}
					for p := 0; p < s.partitions; p++ {
						offs[t][int32(p)] = int64((g + p) % 10)
					}
				}
				if err := klab.Commit(l.Ctx, l.Adm, fmt.Sprintf("group-%05d", g), offs); err != nil {
					l.T.Error(err)
				}
			}
		}()
	}
	for g := 0; g < s.groups; g++ {
		work <- g
	}
	close(work)
	wg.Wait()
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
