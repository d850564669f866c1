package assign

import (
	"context"
	"fmt"
	"sort"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/describe"
)

// Group is what FromGroup tells about the live group besides its members:
// its name, type (classic or consumer, KIP-848) and the assignor it
// reports (classic: the members' chosen protocol; consumer: the broker's
// server assignor, "uniform" or "range").
type Group struct {
	Name, Type, Protocol string
}

// KIP848 says the broker assigns the group's partitions (type consumer).
func (g Group) KIP848() bool { return g.Type == describe.TypeConsumer }

// Assignor is the assignor that previews the group as it runs now: a
// classic group's protocol as reported ("" when none), a KIP-848 group's
// server assignor (range is server-range; none reported is Kafka's
// default, uniform, the first of group.consumer.assignors). A server
// assignor kgroups does not model is an error naming it.
func (g Group) Assignor() (string, error) {
	if !g.KIP848() {
		return g.Protocol, nil
	}
	switch g.Protocol {
	case "", Uniform:
		return Uniform, nil
	case "range", ServerRange:
		return ServerRange, nil
	}
	return "", errorf("--from-group %s is a KIP-848 group whose broker assigns with server assignor %q, which kgroups does not model (it models uniform and range): give --assignor to preview another", g.Name, g.Protocol)
}

// Note says, for a KIP-848 group, which server assignor the broker uses
// and what the preview runs instead when asked (asked: --assignor given);
// "" for a classic group.
func (g Group) Note(previewed string, asked bool) string {
	if !g.KIP848() {
		return ""
	}
	uses, err := g.Assignor()
	broker := fmt.Sprintf("its %s assignor", g.Protocol)
	if g.Protocol == "" {
		broker = "its default assignor (it reports none; Kafka's default is uniform, the first of group.consumer.assignors)"
	}
	lead := fmt.Sprintf("%s is a KIP-848 group (type consumer): the broker assigns its partitions with %s", g.Name, broker)
	switch {
	case asked && err == nil:
		return fmt.Sprintf("%s (%s); this preview uses --assignor %s as asked", lead, uses, previewed)
	case asked:
		return fmt.Sprintf("%s, which kgroups does not model; this preview uses --assignor %s as asked", lead, previewed)
	}
	return fmt.Sprintf("%s, previewed as %s; --client does not apply", lead, previewed)
}

// FromGroup reads a live group as a scenario: its members (in the order
// the coordinator lists them), their subscriptions and current partitions
// (as owned, one generation), and the partition counts of the subscribed
// topics. It also returns the assignment as it is now and the group's
// name, type and reported assignor.
func FromGroup(ctx context.Context, cl *kgo.Client, group string) (Scenario, Assignment, Group, error) {
	snap, err := describe.Fetch(ctx, cl, describe.Selection{Groups: []string{group}, Members: true, Offsets: true})
	if err != nil {
		return Scenario{}, nil, Group{}, err
	}
	g := snap.Groups[0]
	if !g.Found {
		return Scenario{}, nil, Group{}, errorf("--from-group %s: group not found", group)
	}
	if g.Type == describe.TypeShare || !describe.Readable(g.Type) {
		// A share group's partitions are shared by the broker's assignor; a
		// type kgroups cannot read has no members to take.
		return Scenario{}, nil, Group{}, errorf("--from-group %s is a %s group: assign previews consumer-group assignors only", group, g.Type)
	}
	if len(g.Members) == 0 {
		return Scenario{}, nil, Group{}, errorf("--from-group %s: the group has no members (it is %s)", group, g.State)
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
				return Scenario{}, nil, Group{}, err
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
			return Scenario{}, nil, Group{}, err
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
	return s, current, Group{Name: group, Type: g.Type, Protocol: g.Protocol}, nil
}
