// Command benchcluster runs a 3-broker kfake cluster on loopback seeded for
// the scale measurements in docs/performance.md: GROUPS groups, each with
// committed offsets on TOPICS topics of PARTITIONS partitions (group i
// commits to topics i..i+TOPICS-1 of a pool of POOL topics). It prints the
// bootstrap address and runs until interrupted.
//
//	go run ./internal/benchcluster -groups 500 -topics 20 -partitions 50 -port 29092
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/internal/lab"
)

func main() {
	groups := flag.Int("groups", 200, "number of groups")
	topics := flag.Int("topics", 5, "topics each group commits to")
	pool := flag.Int("pool", 0, "topics in the cluster (default: -topics)")
	partitions := flag.Int("partitions", 20, "partitions per topic")
	port := flag.Int("port", 0, "first port (brokers on port, port+1, port+2)")
	flag.Parse()
	if *pool < *topics {
		*pool = *topics
	}
	if err := run(*groups, *topics, *pool, *partitions, *port); err != nil {
		fmt.Fprintln(os.Stderr, "benchcluster:", err)
		os.Exit(1)
	}
}

func run(groups, topics, pool, partitions, port int) error {
	opts := []kfake.Opt{kfake.NumBrokers(3)}
	if port > 0 {
		opts = append(opts, kfake.Ports(port, port+1, port+2))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return err
	}
	defer c.Close()
	addrs := c.ListenAddrs()
	cl, err := lab.Client(addrs)
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx := context.Background()
	for t := 0; t < pool; t++ {
		name := fmt.Sprintf("topic-%03d", t)
		if err := lab.CreateTopic(ctx, adm, name, int32(partitions), nil); err != nil {
			return err
		}
		var recs []*kgo.Record
		for p := 0; p < partitions; p++ {
			for i := 0; i < 10; i++ {
				recs = append(recs, &kgo.Record{Topic: name, Partition: int32(p), Value: []byte("v")})
			}
		}
		if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
			return err
		}
	}
	work := make(chan int)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for g := range work {
				offs := map[string]map[int32]int64{}
				for k := 0; k < topics; k++ {
					t := fmt.Sprintf("topic-%03d", (g+k)%pool)
					offs[t] = map[int32]int64{}
					for p := 0; p < partitions; p++ {
						offs[t][int32(p)] = int64((g + p) % 10)
					}
				}
				if err := lab.Commit(ctx, adm, fmt.Sprintf("group-%05d", g), offs); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		}()
	}
	start := time.Now()
	for g := 0; g < groups; g++ {
		work <- g
	}
	close(work)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
	}
	fmt.Printf("%s\n", strings.Join(addrs, ","))
	fmt.Fprintf(os.Stderr, "seeded %d groups x %d topics x %d partitions in %s\n", groups, topics, partitions, time.Since(start).Round(time.Millisecond))
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	<-sig
	return nil
}
