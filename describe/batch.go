package describe

import (
	"context"
	"sync"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Group requests (DescribeGroups, ConsumerGroupDescribe, OffsetFetch) carry
// at most groupBatch groups each, as Apache Kafka's own tool does since
// KAFKA-19558: one request for every group of a large cluster can take a
// coordinator longer than any timeout. Up to batchesInFlight batches are
// sent at once.
const (
	groupBatch      = 50
	batchesInFlight = 8
)

// batch is up to groupBatch groups of one coordinator (-1: not known yet).
type batch struct {
	coord int32
	names []string
}

// batchGroups splits names into batches of at most groupBatch, each batch
// holding groups of one coordinator as far as known (from the listing). A
// coordinator with at most groupBatch groups gets one request, as without
// batching.
func batchGroups(names []string, byName map[string]*GroupFacts) []batch {
	var order []int32
	by := map[int32][]string{}
	for _, n := range names {
		c := byName[n].Coordinator
		if _, ok := by[c]; !ok {
			order = append(order, c)
		}
		by[c] = append(by[c], n)
	}
	var out []batch
	for _, c := range order {
		ns := by[c]
		for len(ns) > groupBatch {
			out = append(out, batch{c, ns[:groupBatch:groupBatch]})
			ns = ns[groupBatch:]
		}
		out = append(out, batch{c, ns})
	}
	return out
}

// groupRequest builds one request kind for a batch of groups. unmoved
// removes from a coordinator's answer the groups it answered with "not
// the coordinator (any more)" and returns their names, or every name when
// the answer cannot be used (a broker too old to batch).
type groupRequest struct {
	build   func(names []string) kmsg.Request
	unmoved func(resp kmsg.Response, names []string) (retry []string)
}

// requestBatches sends each batch, batchesInFlight at a time, and returns
// every answer in batch order (so what is read does not depend on which
// answer came first). A batch whose coordinator the listing named goes
// straight to that broker: no FindCoordinator. Groups it no longer
// coordinates, a failed connection, and groups of unknown coordinator go
// through kgo's sharding, which finds coordinators and retries. progress,
// if set, is told after each batch.
func requestBatches(ctx context.Context, cl *kgo.Client, batches []batch, gr groupRequest, progress func(groups int)) []kgo.ResponseShard {
	one := func(b batch) []kgo.ResponseShard {
		defer func() {
			if progress != nil {
				progress(len(b.names))
			}
		}()
		if b.coord < 0 {
			return cl.RequestSharded(ctx, gr.build(b.names))
		}
		req := gr.build(b.names)
		resp, err := cl.Broker(int(b.coord)).Request(ctx, req)
		if err != nil {
			if ctx.Err() != nil {
				return []kgo.ResponseShard{{Meta: kgo.BrokerMetadata{NodeID: b.coord}, Req: req, Err: err}}
			}
			return cl.RequestSharded(ctx, gr.build(b.names))
		}
		shards := []kgo.ResponseShard{{Meta: kgo.BrokerMetadata{NodeID: b.coord}, Req: req, Resp: resp}}
		if retry := gr.unmoved(resp, b.names); len(retry) > 0 {
			if len(retry) == len(b.names) {
				shards = nil
			}
			shards = append(shards, cl.RequestSharded(ctx, gr.build(retry))...)
		}
		return shards
	}
	if len(batches) == 1 {
		return one(batches[0])
	}
	results := make([][]kgo.ResponseShard, len(batches))
	sem := make(chan struct{}, batchesInFlight)
	var wg sync.WaitGroup
	for i, b := range batches {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = one(b)
		}()
	}
	wg.Wait()
	var out []kgo.ResponseShard
	for _, r := range results {
		out = append(out, r...)
	}
	return out
}

// moved reports an error code that means "ask the group's coordinator
// again": it moved, or is loading.
func moved(code int16) bool {
	return code == kerr.NotCoordinator.Code || code == kerr.CoordinatorNotAvailable.Code ||
		code == kerr.CoordinatorLoadInProgress.Code
}

// keepUnmoved filters groups in place, returning the names of the moved ones.
func keepUnmoved[G any](groups *[]G, name func(*G) string, code func(*G) int16) []string {
	var retry []string
	kept := (*groups)[:0]
	for i := range *groups {
		g := &(*groups)[i]
		if moved(code(g)) {
			retry = append(retry, name(g))
			continue
		}
		kept = append(kept, *g)
	}
	*groups = kept
	return retry
}

var describeGroupsRequest = groupRequest{
	build: func(names []string) kmsg.Request {
		req := kmsg.NewPtrDescribeGroupsRequest()
		req.Groups = names
		return req
	},
	unmoved: func(resp kmsg.Response, _ []string) []string {
		r := resp.(*kmsg.DescribeGroupsResponse)
		return keepUnmoved(&r.Groups, func(g *kmsg.DescribeGroupsResponseGroup) string { return g.Group },
			func(g *kmsg.DescribeGroupsResponseGroup) int16 { return g.ErrorCode })
	},
}

var consumerGroupDescribeRequest = groupRequest{
	build: func(names []string) kmsg.Request {
		req := kmsg.NewPtrConsumerGroupDescribeRequest()
		req.Groups = names
		return req
	},
	unmoved: func(resp kmsg.Response, _ []string) []string {
		r := resp.(*kmsg.ConsumerGroupDescribeResponse)
		return keepUnmoved(&r.Groups, func(g *kmsg.ConsumerGroupDescribeResponseGroup) string { return g.Group },
			func(g *kmsg.ConsumerGroupDescribeResponseGroup) int16 { return g.ErrorCode })
	},
}

var offsetFetchRequest = groupRequest{
	build: func(names []string) kmsg.Request {
		req := kmsg.NewPtrOffsetFetchRequest()
		for _, n := range names {
			rg := kmsg.NewOffsetFetchRequestGroup()
			rg.Group = n
			req.Groups = append(req.Groups, rg)
		}
		return req
	},
	unmoved: func(resp kmsg.Response, names []string) []string {
		r := resp.(*kmsg.OffsetFetchResponse)
		if r.GetVersion() < 8 || moved(r.ErrorCode) {
			return names // one group per request before v8 (KIP-709): kgo's sharding splits
		}
		return keepUnmoved(&r.Groups, func(g *kmsg.OffsetFetchResponseGroup) string { return g.Group },
			func(g *kmsg.OffsetFetchResponseGroup) int16 { return g.ErrorCode })
	},
}
