package assign

import (
	"context"
	"sort"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/describe"
)

// FromGroup reads a live group as a scenario: its members (in the order
// the coordinator lists them), their subscriptions and current partitions
// (as owned, one generation), and the partition counts of the subscribed
// topics. It also returns the assignment as it is now and the group's
// assignor.
func FromGroup(ctx context.Context, cl *kgo.Client, group string) (Scenario, Assignment, string, error) {
	snap, err := describe.Fetch(ctx, cl, describe.Selection{Groups: []string{group}, Members: true, Offsets: true})
	if err != nil {
		return Scenario{}, nil, "", err
	}
	g := snap.Groups[0]
	if !g.Found {
		return Scenario{}, nil, "", errorf("--from-group %s: group not found", group)
	}
	if g.Type == describe.TypeShare || !describe.Readable(g.Type) {
		// A share group's partitions are shared by the broker's assignor; a
		// type kgroups cannot read has no members to take.
		return Scenario{}, nil, "", errorf("--from-group %s is a %s group: assign previews consumer-group assignors only", group, g.Type)
	}
	if len(g.Members) == 0 {
		return Scenario{}, nil, "", errorf("--from-group %s: the group has no members (it is %s)", group, g.State)
	}
	var topics []string
	seen := map[string]bool{}
	for _, m := range g.Members {
		for _, t := range m.Subscribed {
			if !seen[t] {
				seen[t] = true
				topics = append(topics, t)
			}
		}
	}
	sort.Strings(topics)
	// Partition counts come with the log offsets describe read; a second
	// look is needed only for subscribed topics nobody is assigned.
	counts := snap
	for _, t := range topics {
		if counts.Topics[t] == nil {
			if counts, err = describe.Fetch(ctx, cl, describe.Selection{Groups: []string{group}, Offsets: true, ExtraTopics: topics}); err != nil {
				return Scenario{}, nil, "", err
			}
			break
		}
	}
	s := Scenario{Topics: map[string]int32{}}
	for _, t := range topics {
		if tf := counts.Topics[t]; tf != nil && tf.Exists {
			s.Topics[t] = int32(len(tf.Partitions))
		}
	}
	// The server-side uniform assignor orders topics by id: read them.
	if len(s.Topics) > 0 {
		names := make([]string, 0, len(s.Topics))
		for t := range s.Topics {
			names = append(names, t)
		}
		md, err := kadm.NewClient(cl).Metadata(ctx, names...)
		if err != nil {
			return Scenario{}, nil, "", err
		}
		s.TopicIDs = map[string]string{}
		for t, d := range md.Topics {
			if _, ok := s.Topics[t]; ok && d.Err == nil && d.ID != (kadm.TopicID{}) {
				s.TopicIDs[t] = UUIDString(d.ID)
			}
		}
		// Replica racks (broker.rack) for rack-aware range; members'
		// client.rack is not in the group's description (--rack gives it).
		rackOf := map[int32]string{}
		for _, b := range md.Brokers {
			if b.Rack != nil && *b.Rack != "" {
				rackOf[b.NodeID] = *b.Rack
			}
		}
		if len(rackOf) > 0 {
			s.PartitionRacks = map[string][][]string{}
			for t, d := range md.Topics {
				n, ok := s.Topics[t]
				if !ok || d.Err != nil {
					continue
				}
				racks := make([][]string, n)
				for p, pd := range d.Partitions {
					if p < 0 || p >= n {
						continue
					}
					for _, r := range pd.Replicas {
						if rack, ok := rackOf[r]; ok {
							racks[p] = append(racks[p], rack)
						}
					}
				}
				s.PartitionRacks[t] = racks
			}
		}
	}
	current := Assignment{}
	one := int32(1)
	for _, m := range g.Members {
		owned := map[string][]int32{}
		for t, ps := range m.Assigned {
			owned[t] = append([]int32(nil), ps...)
		}
		s.Members = append(s.Members, Member{ID: m.MemberID, InstanceID: m.InstanceID, Subscription: append([]string(nil), m.Subscribed...),
			Owned: owned, Generation: &one})
		current[m.MemberID] = owned
	}
	current.normalize(s.Members)
	return s, current, g.Protocol, nil
}
