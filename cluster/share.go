package cluster

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// SetGroupConfigs sets group configs (a GROUP config resource, e.g.
// share.auto.offset.reset) with IncrementalAlterConfigs.
func SetGroupConfigs(ctx context.Context, cl *kgo.Client, group string, configs map[string]string) error {
	req := kmsg.NewPtrIncrementalAlterConfigsRequest()
	r := kmsg.NewIncrementalAlterConfigsRequestResource()
	r.ResourceType = kmsg.ConfigResourceTypeGroupConfig
	r.ResourceName = group
	for k, v := range configs {
		c := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
		c.Name, c.Value = k, kmsg.StringPtr(v)
		c.Op = kmsg.IncrementalAlterConfigOpSet
		r.Configs = append(r.Configs, c)
	}
	req.Resources = append(req.Resources, r)
	resp, err := req.RequestWith(ctx, cl)
	if err != nil {
		return err
	}
	for _, rr := range resp.Resources {
		if err := kerr.ErrorForCode(rr.ErrorCode); err != nil {
			return fmt.Errorf("set configs of group %s: %w", group, err)
		}
	}
	return nil
}

// ShareMemberSpec describes a live share-group (KIP-932) member to start.
type ShareMemberSpec struct {
	Group    string
	Topics   []string
	ClientID string
	// Accept is how many records the member acknowledges; it releases the
	// rest of what it fetched, then stops polling and just stays in the
	// group (heartbeating), so the other records stay unacknowledged and
	// the share lag stays visible. 0: it never polls. Negative: it
	// acknowledges everything, forever.
	Accept int
}

// StartShareMember starts a real kgo share consumer (kgo.ShareGroup).
func StartShareMember(brokers []string, spec ShareMemberSpec) (*Member, error) {
	opts := []kgo.Opt{
		kgo.SeedBrokers(brokers...),
		kgo.ShareGroup(spec.Group),
		kgo.ConsumeTopics(spec.Topics...),
		kgo.FetchMaxWait(200 * time.Millisecond),
		kgo.MetadataMinAge(100 * time.Millisecond),
	}
	if spec.ClientID != "" {
		opts = append(opts, kgo.ClientID(spec.ClientID))
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Member{Client: cl, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(m.done)
		accepted := 0
		for ctx.Err() == nil && (spec.Accept < 0 || accepted < spec.Accept) {
			cl.PollFetches(ctx).EachRecord(func(r *kgo.Record) {
				if spec.Accept < 0 || accepted < spec.Accept {
					r.Ack(kgo.AckAccept)
					accepted++
				} else {
					// Back to the broker, undelivered: once released and
					// never fetched again, it stays in the lag.
					r.Ack(kgo.AckRelease)
				}
			})
			select {
			case <-ctx.Done():
			case <-time.After(20 * time.Millisecond):
			}
		}
		if ctx.Err() == nil {
			_ = cl.FlushAcks(ctx)
		}
		<-ctx.Done()
	}()
	return m, nil
}
