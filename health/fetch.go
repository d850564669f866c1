package health

import (
	"context"
	"sort"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/describe"
)

// TakeSamples looks at the selected groups n times, interval apart. Each
// look is one describe.Fetch, so a sample costs the same few batched
// requests whatever the number of groups. between, if set, runs before
// every sample but the first (tests use it to move offsets).
func TakeSamples(ctx context.Context, cl *kgo.Client, sel describe.Selection, n int, interval time.Duration,
	now func() time.Time, between func(i int)) ([]Sample, error) {
	sel.Offsets, sel.Members = true, true
	var out []Sample
	for i := 0; i < n; i++ {
		if i > 0 {
			if between != nil {
				between(i)
			}
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(interval):
			}
		}
		s, err := TakeSample(ctx, cl, sel, now)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// TakeSample is one look: one describe.Fetch (the same batched requests as
// describe --all) built into views.
func TakeSample(ctx context.Context, cl *kgo.Client, sel describe.Selection, now func() time.Time) (Sample, error) {
	sel.Offsets, sel.Members = true, true
	snap, err := describe.Fetch(ctx, cl, sel)
	if err != nil {
		return Sample{}, err
	}
	s := Sample{Time: now(), Groups: map[string]describe.GroupView{}}
	for _, g := range describe.Build(snap, describe.ViewOptions{Topic: sel.Topic}).Groups {
		s.Groups[g.Group] = g
	}
	return s, nil
}

// Connect makes a client with extra options (cluster.Connect with the
// invocation's connection settings).
type Connect func(opts ...kgo.Opt) (*kgo.Client, error)

// RecordTimes reads the timestamp of the first record at or after each
// wanted offset, with a direct consumer that joins no group: one fetch per
// partition leader, several passes only when groups need different offsets
// of the same partition. Partitions not answered within wait are left out.
func RecordTimes(ctx context.Context, connect Connect, want map[describe.TP][]int64, wait time.Duration) (map[describe.TP]map[int64]time.Time, error) {
	out := map[describe.TP]map[int64]time.Time{}
	for tp, offs := range want {
		sort.Slice(offs, func(i, j int) bool { return offs[i] < offs[j] })
		want[tp] = offs
	}
	for pass := 0; ; pass++ {
		parts := map[string]map[int32]kgo.Offset{}
		pending := map[describe.TP]int64{}
		for tp, offs := range want {
			if pass >= len(offs) {
				continue
			}
			if parts[tp.Topic] == nil {
				parts[tp.Topic] = map[int32]kgo.Offset{}
			}
			parts[tp.Topic][tp.Partition] = kgo.NewOffset().At(offs[pass])
			pending[tp] = offs[pass]
		}
		if len(pending) == 0 {
			return out, nil
		}
		cl, err := connect(kgo.ConsumePartitions(parts), kgo.FetchMaxWait(250*time.Millisecond),
			kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
		if err != nil {
			return out, err
		}
		pctx, cancel := context.WithTimeout(ctx, wait)
		for len(pending) > 0 && pctx.Err() == nil {
			cl.PollRecords(pctx, 10000).EachRecord(func(r *kgo.Record) {
				tp := describe.TP{Topic: r.Topic, Partition: r.Partition}
				off, ok := pending[tp]
				if !ok || r.Offset < off {
					return
				}
				if out[tp] == nil {
					out[tp] = map[int64]time.Time{}
				}
				out[tp][off] = r.Timestamp
				delete(pending, tp)
			})
		}
		cancel()
		cl.Close()
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
	}
}
