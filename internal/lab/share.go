package lab

import (
	"context"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
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

// seedShareGroups: jobs-workers, two live share consumers that keep a
// visible share lag, and jobs-replay, an Empty share group whose start
// offsets were set before first use.
func seedShareGroups(ctx context.Context, sb *Sandbox, adm *kadm.Client) error {
	if err := SetGroupConfigs(ctx, sb.cl, "jobs-workers", map[string]string{"share.auto.offset.reset": "earliest"}); err != nil {
		return err
	}
	var os kadm.Offsets
	for p := int32(0); p < 3; p++ {
		os.AddOffset("jobs", p, 50, -1)
	}
	resp, err := adm.AlterShareGroupOffsets(ctx, "jobs-replay", os)
	if err != nil {
		return fmt.Errorf("seeding share group jobs-replay: %w", err)
	}
	if err := resp.Error(); err != nil {
		return fmt.Errorf("seeding share group jobs-replay: %w", err)
	}
	for _, s := range []ShareMemberSpec{
		{Group: "jobs-workers", Topics: []string{"jobs"}, ClientID: "worker-1", Accept: 40},
		{Group: "jobs-workers", Topics: []string{"jobs"}, ClientID: "worker-2", Accept: 0},
	} {
		m, err := StartShareMember(sb.Addrs, s)
		if err != nil {
			return err
		}
		sb.members = append(sb.members, m)
	}
	return nil
}

// WaitShareGroup waits until a share group has `members` members, every
// partition of its topics is assigned, and the broker reports share state
// for `partitions` partitions.
func WaitShareGroup(ctx context.Context, cl *kgo.Client, group string, members, partitions int) error {
	adm := kadm.NewClient(cl)
	var last string
	for {
		d, err := adm.DescribeShareGroups(ctx, group)
		o, oerr := adm.DescribeShareGroupOffsets(ctx, group)
		if err == nil && oerr == nil {
			dg := d[group]
			assigned := dg.AssignedPartitions()
			n := 0
			for _, ps := range assigned {
				n += len(ps)
			}
			state := 0
			o[group].Offsets.Each(func(so kadm.ShareOffset) {
				if so.Err == nil && so.StartOffset >= 0 {
					state++
				}
			})
			if len(d[group].Members) == members && n == partitions && state == partitions {
				return nil
			}
			last = fmt.Sprintf("members=%d assigned=%d with state=%d", len(d[group].Members), n, state)
		} else {
			last = fmt.Sprintf("%v / %v", err, oerr)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("share group %s not settled (want %d members, %d partitions): %s", group, members, partitions, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
