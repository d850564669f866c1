package serve

import (
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kgroups/kgroups/describe"
	"github.com/kgroups/kgroups/health"
	"github.com/kgroups/kgroups/internal/lab"
	"github.com/kgroups/kgroups/internal/labtest"
)

// BenchmarkSampleAndScrape is one interval of `kgroups serve` on kfake:
// one sample (fetch → build → verdicts over the window) and one scrape of
// /metrics, for N groups of 20 partitions. KGROUPS_BENCH_GROUPS=10000 for
// the scale case (seeding it takes a while); the default stays small.
func BenchmarkSampleAndScrape(b *testing.B) {
	sizes := []int{100}
	if env := os.Getenv("KGROUPS_BENCH_GROUPS"); env != "" {
		sizes = nil
		for _, f := range strings.Split(env, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				b.Fatalf("KGROUPS_BENCH_GROUPS=%q: want group counts", env)
			}
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		for _, guard := range []struct {
			name string
			max  int
		}{{"default", 250000}, {"off", 0}} {
			if n >= 10000 && guard.max == 0 && os.Getenv("KGROUPS_BENCH_ALL_SERIES") == "" {
				continue // 1.8 M series: only on request
			}
			benchSampleAndScrape(b, n, guard.name, guard.max)
		}
	}
}

func benchSampleAndScrape(b *testing.B, n int, guard string, maxSeries int) {
	{
		b.Run(fmt.Sprintf("groups=%d/max-series=%s", n, guard), func(b *testing.B) {
			l := labtest.New(b, kfake.NumBrokers(3))
			if err := (lab.Scale{Groups: n, Topics: 1, Pool: 2, Partitions: 20}).Seed(l.Ctx, l.Cl); err != nil {
				b.Fatal(err)
			}
			cl, err := lab.Client(l.Brokers)
			if err != nil {
				b.Fatal(err)
			}
			defer cl.Close()
			now := time.Now()
			take := func(ctx context.Context) (health.Sample, error) {
				now = now.Add(30 * time.Second)
				return health.TakeSample(ctx, cl, describe.Selection{All: true}, func() time.Time { return now })
			}
			e := New(Options{Interval: 10 * time.Minute, Samples: 10, MaxSeries: maxSeries}, take, func() time.Time { return now }, io.Discard)
			if err := e.SampleOnce(context.Background()); err != nil { // the window has two samples from the first timed one on
				b.Fatal(err)
			}
			srv := httptest.NewServer(e.Handler())
			defer srv.Close()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := e.SampleOnce(context.Background()); err != nil {
					b.Fatal(err)
				}
				resp, err := srv.Client().Get(srv.URL + "/metrics")
				if err != nil {
					b.Fatal(err)
				}
				nb, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if i == 0 {
					b.ReportMetric(float64(nb)/1e6, "MB/scrape")
					b.ReportMetric(float64(e.state.Load().Series), "series")
				}
			}
		})
	}
}
