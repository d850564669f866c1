package explain

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/describe"
)

// FetchLive samples a group twice, interval apart (the only way to tell a
// group stuck rebalancing from one passing through a rebalance).
func FetchLive(ctx context.Context, cl *kgo.Client, group string, interval time.Duration) (*Live, error) {
	sample := func() (describe.GroupView, error) {
		snap, err := describe.Fetch(ctx, cl, describe.Selection{Groups: []string{group}, Offsets: true, Members: true})
		if err != nil {
			return describe.GroupView{}, err
		}
		return describe.Build(snap, describe.ViewOptions{}).Groups[0], nil
	}
	first, err := sample()
	if err != nil {
		return nil, err
	}
	if first.State == nil { // unknown group: no second look needed
		return nil, &InputError{Msg: fmt.Sprintf("--group %s: group not found (kgroups list shows the groups that exist)", group)}
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(interval):
	}
	second, err := sample()
	if err != nil {
		return nil, err
	}
	return &Live{First: first, Second: second, Interval: interval}, nil
}

// FetchBrokerLimits reads group.min/max.session.timeout.ms from one broker;
// Kafka's defaults stand in for what the broker does not report.
func FetchBrokerLimits(ctx context.Context, adm *kadm.Client) BrokerLimits {
	limits := DefaultBrokerLimits
	rcs, err := adm.DescribeBrokerConfigs(ctx)
	if err != nil || len(rcs) == 0 {
		return limits
	}
	found := 0
	for _, rc := range rcs {
		for _, c := range rc.Configs {
			if c.Value == nil {
				continue
			}
			ms, err := strconv.ParseInt(*c.Value, 10, 64)
			if err != nil {
				continue
			}
			switch c.Key {
			case "group.min.session.timeout.ms":
				limits.MinSession, found = time.Duration(ms)*time.Millisecond, found+1
			case "group.max.session.timeout.ms":
				limits.MaxSession, found = time.Duration(ms)*time.Millisecond, found+1
			}
		}
		break
	}
	if found > 0 {
		limits.Source = "the cluster's broker configs"
	}
	return limits
}

// FetchPartitions returns how many partitions a topic has.
func FetchPartitions(ctx context.Context, adm *kadm.Client, topic string) (int, error) {
	tds, err := adm.ListTopics(ctx, topic)
	if err != nil {
		return 0, err
	}
	td, ok := tds[topic]
	if !ok || td.Err != nil {
		return 0, &InputError{Msg: fmt.Sprintf("--topic %s: topic does not exist", topic)}
	}
	return len(td.Partitions), nil
}
