// Package lab is kgroups' laboratory: an in-process kfake cluster and the
// small building blocks that put it into a known state (topics, records,
// commits, live classic, KIP-848 and share members), the seeded sandbox
// behind `kgroups sandbox` and `kgroups demo`, and what the tests build
// their situations from. Nothing here is used to reach a real cluster.
package lab

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The lab: small building blocks that put a cluster into a known state
// (records, commits, live members). The sandbox uses them to tell its story;
// tests use them to build the situations they check.

// NewFake starts an in-process kfake cluster on loopback, on free ports.
func NewFake(opts ...kfake.Opt) (*kfake.Cluster, error) {
	base := []kfake.Opt{kfake.NumBrokers(1)} // ports: random free loopback ports
	return kfake.NewCluster(append(base, opts...)...)
}

// Client is a plain kgo client for lab work (producing, committing).
func Client(brokers []string, opts ...kgo.Opt) (*kgo.Client, error) {
	base := []kgo.Opt{kgo.SeedBrokers(brokers...), kgo.RecordPartitioner(kgo.ManualPartitioner()),
		kgo.ProducerLinger(0), kgo.MetadataMinAge(100 * time.Millisecond),
		kgo.ProducerBatchCompression(kgo.NoCompression())} // readable by every client (kafka-python lacks snappy)
	return kgo.NewClient(append(base, opts...)...)
}

// CreateTopic creates a topic with the given partitions and configs.
func CreateTopic(ctx context.Context, adm *kadm.Client, topic string, partitions int32, configs map[string]*string) error {
	resp, err := adm.CreateTopic(ctx, partitions, 1, configs, topic)
	if err != nil {
		return err
	}
	return resp.Err
}

// Produce writes n records to one partition, with timestamps starting at ts
// (zero: now) and one millisecond apart.
func Produce(ctx context.Context, cl *kgo.Client, topic string, partition int32, n int, ts time.Time) error {
	recs := make([]*kgo.Record, 0, n)
	for i := 0; i < n; i++ {
		r := &kgo.Record{Topic: topic, Partition: partition, Value: []byte("record-" + strconv.Itoa(i))}
		if !ts.IsZero() {
			r.Timestamp = ts.Add(time.Duration(i) * time.Millisecond)
		}
		recs = append(recs, r)
	}
	return cl.ProduceSync(ctx, recs...).FirstErr()
}

// Commit commits offsets for a group as an admin (no member id, generation
// -1): Kafka accepts it only while the group has no members.
func Commit(ctx context.Context, adm *kadm.Client, group string, offsets map[string]map[int32]int64) error {
	var os kadm.Offsets
	for t, ps := range offsets {
		for p, o := range ps {
			os.AddOffset(t, p, o, -1)
		}
	}
	resp, err := adm.CommitOffsets(ctx, group, os)
	if err != nil {
		return err
	}
	return resp.Error()
}

// DeleteRecordsBefore moves a partition's log start to offset (as retention
// would): the records before it are gone.
func DeleteRecordsBefore(ctx context.Context, adm *kadm.Client, topic string, partition int32, offset int64) error {
	var os kadm.Offsets
	os.AddOffset(topic, partition, offset, -1)
	resp, err := adm.DeleteRecords(ctx, os)
	if err != nil {
		return err
	}
	return resp.Error()
}

// MemberSpec describes a live group member to start.
type MemberSpec struct {
	Group      string
	Topics     []string
	ClientID   string
	InstanceID string
	Balancer   kgo.GroupBalancer // nil: range
	KIP848     bool              // server-side assignment (group.protocol=consumer)
	AutoCommit bool              // commit what it consumes (else never commits)
	// Throttle, when > 0, sleeps this long after each poll of at most
	// MaxPoll records, so the member falls behind a busy partition.
	Throttle time.Duration
	MaxPoll  int
}

// Member is a running group member; Close makes it leave the group.
type Member struct {
	Client *kgo.Client
	cancel context.CancelFunc
	done   chan struct{}
}

// Close stops polling and leaves the group.
func (m *Member) Close() {
	m.cancel()
	<-m.done
	m.Client.Close()
}

// StartMember starts a real kgo consumer that joins spec.Group and polls
// until closed.
func StartMember(brokers []string, spec MemberSpec) (*Member, error) {
	bal := spec.Balancer
	if bal == nil {
		bal = kgo.RangeBalancer()
	}
	opts := []kgo.Opt{
		kgo.SeedBrokers(brokers...),
		kgo.ConsumerGroup(spec.Group),
		kgo.ConsumeTopics(spec.Topics...),
		kgo.Balancers(bal),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.SessionTimeout(6 * time.Second),
		kgo.HeartbeatInterval(500 * time.Millisecond),
		kgo.RebalanceTimeout(5 * time.Second),
		kgo.MetadataMinAge(100 * time.Millisecond),
	}
	if spec.ClientID != "" {
		opts = append(opts, kgo.ClientID(spec.ClientID))
	}
	if spec.InstanceID != "" {
		opts = append(opts, kgo.InstanceID(spec.InstanceID))
	}
	if spec.KIP848 {
		opts = append(opts, kgo.ServerSideBalancer())
	}
	if spec.AutoCommit {
		opts = append(opts, kgo.AutoCommitInterval(500*time.Millisecond))
	} else {
		opts = append(opts, kgo.DisableAutoCommit())
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Member{Client: cl, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(m.done)
		for ctx.Err() == nil {
			var fs kgo.Fetches
			if spec.MaxPoll > 0 {
				fs = cl.PollRecords(ctx, spec.MaxPoll)
			} else {
				fs = cl.PollFetches(ctx)
			}
			_ = fs
			if spec.Throttle > 0 {
				select {
				case <-ctx.Done():
				case <-time.After(spec.Throttle):
				}
			}
		}
	}()
	return m, nil
}

// WaitGroupAssigned waits until the group has `members` members and every
// partition of its topics is assigned, for classic or KIP-848 groups.
func WaitGroupAssigned(ctx context.Context, cl *kgo.Client, group string, members int, partitions int) error {
	var last string
	for {
		n, assigned, state, err := groupAssignment(ctx, cl, group)
		if err == nil && n == members && assigned == partitions && (state == "Stable" || state == "stable") {
			return nil
		}
		last = fmt.Sprintf("members=%d assigned=%d state=%q err=%v", n, assigned, state, err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("group %s not settled (want %d members, %d partitions): %s", group, members, partitions, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func groupAssignment(ctx context.Context, cl *kgo.Client, group string) (members, assigned int, state string, err error) {
	// Try the KIP-848 API first; fall back to classic.
	creq := kmsg.NewPtrConsumerGroupDescribeRequest()
	creq.Groups = []string{group}
	if cresp, err := creq.RequestWith(ctx, cl); err == nil && len(cresp.Groups) == 1 && cresp.Groups[0].ErrorCode == 0 && len(cresp.Groups[0].Members) > 0 {
		g := cresp.Groups[0]
		for _, m := range g.Members {
			for _, tp := range m.Assignment.TopicPartitions {
				assigned += len(tp.Partitions)
			}
		}
		return len(g.Members), assigned, g.State, nil
	}
	described, err := kadm.NewClient(cl).DescribeGroups(ctx, group)
	if err != nil {
		return 0, 0, "", err
	}
	g := described[group]
	for _, m := range g.Members {
		if a, ok := m.Assigned.AsConsumer(); ok {
			for _, t := range a.Topics {
				assigned += len(t.Partitions)
			}
		}
	}
	return len(g.Members), assigned, g.State, g.Err
}
