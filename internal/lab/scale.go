package lab

import (
	"context"
	"fmt"
	"sync"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Scale is a cluster for scale measurements: Groups groups, each with
// committed offsets on Topics topics of Partitions partitions; group i
// commits to topics i..i+Topics-1 of a pool of Pool topics (topic-000, ...),
// each partition holding 10 records. Groups are group-00000, ...
type Scale struct {
	Groups, Topics, Pool, Partitions int
}

// Seed creates the topics and commits every group's offsets, eight groups
// at a time.
func (s Scale) Seed(ctx context.Context, cl *kgo.Client) error {
	if s.Pool < s.Topics {
		s.Pool = s.Topics
	}
	adm := kadm.NewClient(cl)
	for t := 0; t < s.Pool; t++ {
		name := fmt.Sprintf("topic-%03d", t)
		if err := CreateTopic(ctx, adm, name, int32(s.Partitions), nil); err != nil {
			return err
		}
		var recs []*kgo.Record
		for p := 0; p < s.Partitions; p++ {
			for i := 0; i < 10; i++ {
				recs = append(recs, &kgo.Record{Topic: name, Partition: int32(p), Value: []byte("v")})
			}
		}
		if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			return err
		}
	}
	work := make(chan int)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range work {
				offs := map[string]map[int32]int64{}
				for k := 0; k < s.Topics; k++ {
					t := fmt.Sprintf("topic-%03d", (g+k)%s.Pool)
					offs[t] = map[int32]int64{}
					for p := 0; p < s.Partitions; p++ {
						offs[t][int32(p)] = int64((g + p) % 10)
					}
				}
				if err := Commit(ctx, adm, fmt.Sprintf("group-%05d", g), offs); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for g := 0; g < s.Groups; g++ {
		work <- g
	}
	close(work)
	wg.Wait()
	return firstErr
}
