package describe

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Fetch reads the selected groups. Its requests do not grow with the number
// of groups: one ListGroups per broker, DescribeGroups / ConsumerGroupDescribe
// / OffsetFetch batched per coordinator, one Metadata, and two ListOffsets
// per partition leader.
//
// An error is returned only when nothing useful could be read (cluster
// unreachable, auth failure); per-group and per-partition failures are kept
// in the Snapshot.
func Fetch(ctx context.Context, cl *kgo.Client, sel Selection) (*Snapshot, error) {
	snap := &Snapshot{Topics: map[string]*TopicFacts{}, Brokers: map[int32]string{}, Isolation: sel.Isolation, report: sel.Progress}
	if snap.Isolation == "" {
		snap.Isolation = ReadUncommitted
	}

	// Named groups are described directly: their type comes from the
	// describe answers, so no cluster-wide ListGroups runs first.
	named := len(sel.Groups) > 0 && !sel.All && sel.Regex == nil
	var groups []*GroupFacts
	if named {
		groups = namedGroups(sel.Groups)
	} else {
		listed, err := listGroups(ctx, cl, snap)
		if err != nil {
			return nil, err
		}
		groups = selectGroups(sel, listed)
	}
	if len(groups) == 0 {
		return snap, nil
	}
	byName := map[string]*GroupFacts{}
	for _, g := range groups {
		byName[g.Name] = g
	}
	if named {
		if err := describeNamed(ctx, cl, groups, byName, snap); err != nil {
			return nil, err
		}
		groups = keepMatching(sel, groups)
	} else {
		// Listed groups: the listing gave the type; one describe request
		// per type and coordinator batch.
		classic, consumer, share := byType(groups)
		if sel.Members || sel.Offsets || sel.Topic != "" {
			if err := describeClassic(ctx, cl, classic, byName, snap); err != nil {
				return nil, err
			}
			if err := describeConsumer(ctx, cl, consumer, byName, snap, false); err != nil {
				return nil, err
			}
			if err := describeShare(ctx, cl, share, byName, false); err != nil {
				return nil, err
			}
			fetchShareConfigs(ctx, cl, share, byName)
		}
	}
	var share []string
	for _, g := range groups {
		if g.Type == TypeShare {
			share = append(share, g.Name)
		}
	}
	if sel.Offsets || sel.Topic != "" {
		names := make([]string, 0, len(groups))
		for _, g := range groups {
			if g.Type == TypeClassic || g.Type == TypeConsumer || g.Type == "" {
				names = append(names, g.Name)
			}
		}
		// Listed groups go straight to the coordinator that listed them;
		// named groups through kgo, whose coordinator cache the describe
		// filled (and which names the topics of an OffsetFetch v10 answer).
		if err := fetchCommitted(ctx, cl, names, byName, snap, !named); err != nil {
			return nil, err
		}
		if err := fetchShareOffsets(ctx, cl, share, byName, snap); err != nil {
			return nil, err
		}
	}

	// One Metadata for the topics the groups touch (and ExtraTopics): it
	// names KIP-848 assignments (which may carry only topic ids) and gives
	// partition counts and leaders.
	meta, err := topicMetadata(ctx, cl, groups, sel.ExtraTopics)
	if err != nil {
		return nil, err
	}
	for _, b := range meta.Brokers {
		snap.Brokers[b.NodeID] = net.JoinHostPort(b.Host, strconv.Itoa(int(b.Port)))
	}
	resolveTopicIDs(groups, meta.Topics)

	kept := groups[:0]
	for _, g := range groups {
		// --topic narrows a listing (--all-groups, --regex) to the groups
		// that use the topic; a group asked for by name is always shown,
		// with no rows if it does not use it.
		if sel.Topic != "" && len(sel.Groups) == 0 && !g.touches(sel.Topic) {
			continue
		}
		kept = append(kept, g)
	}
	groups = kept
	for _, g := range groups {
		snap.Groups = append(snap.Groups, *g)
	}
	if !sel.Offsets {
		return snap, nil
	}

	var wanted []string
	for _, g := range groups {
		wanted = append(wanted, g.Topics()...)
	}
	wanted = append(wanted, sel.ExtraTopics...)
	for _, t := range wanted {
		if sel.Topic != "" && t != sel.Topic {
			continue
		}
		if _, ok := snap.Topics[t]; ok {
			continue
		}
		tf := &TopicFacts{Name: t, Partitions: map[int32]*PartitionFacts{}}
		snap.Topics[t] = tf
		td, ok := meta.Topics[t]
		switch {
		case !ok || errors.Is(td.Err, kerr.UnknownTopicOrPartition):
			tf.Err = NoSuchTopic
		case td.Err != nil:
			tf.Err = kerrText(td.Err)
		default:
			tf.Exists = true
			for p, pd := range td.Partitions {
				pf := &PartitionFacts{Leader: pd.Leader}
				if pd.Err != nil && !errors.Is(pd.Err, kerr.ReplicaNotAvailable) {
					pf.Err = kerrText(pd.Err)
				} else if pd.Leader < 0 {
					pf.Err = "partition has no leader"
				}
				tf.Partitions[p] = pf
			}
		}
	}
	if err := listOffsets(ctx, cl, snap, -2, 0, func(pf *PartitionFacts, o int64) { pf.Start = &o }); err != nil {
		return nil, err
	}
	var iso int8
	if snap.Isolation == ReadCommitted {
		iso = 1
	}
	if err := listOffsets(ctx, cl, snap, -1, iso, func(pf *PartitionFacts, o int64) { pf.End = &o }); err != nil {
		return nil, err
	}
	return snap, nil
}

// listGroups lists every group with its type, asking every broker once.
// NoSuchTopic is TopicFacts.Err for a topic the cluster does not have.
const NoSuchTopic = "topic does not exist (deleted?)"

// ListGroups is the one ListGroups path: every broker's groups with their
// state, type and coordinator, keyed by name. Fetch reads the cluster's
// groups through it and completion lists them with it. It fails only when
// no broker answered.
func ListGroups(ctx context.Context, cl *kgo.Client) (map[string]*GroupFacts, error) {
	return listGroups(ctx, cl, &Snapshot{})
}

func listGroups(ctx context.Context, cl *kgo.Client, snap *Snapshot) (map[string]*GroupFacts, error) {
	req := kmsg.NewPtrListGroupsRequest()
	shards := cl.RequestSharded(ctx, req)
	out := map[string]*GroupFacts{}
	var firstErr error
	failed := 0
	for _, sh := range shards {
		if sh.Err != nil {
			failed++
			if firstErr == nil {
				firstErr = sh.Err
			}
			snap.Warnings = append(snap.Warnings, fmt.Sprintf("broker %d: list groups failed: %v", sh.Meta.NodeID, sh.Err))
			continue
		}
		resp := sh.Resp.(*kmsg.ListGroupsResponse)
		if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
			failed++
			if firstErr == nil {
				firstErr = err
			}
			snap.Warnings = append(snap.Warnings, fmt.Sprintf("broker %d: list groups failed: %s", sh.Meta.NodeID, kerrText(err)))
			continue
		}
		for _, g := range resp.Groups {
			typ := g.GroupType
			if typ == "" { // brokers before 3.8 (ListGroups v4 and older) are classic only
				typ = TypeClassic
			}
			out[g.Group] = &GroupFacts{
				Name: g.Group, Found: true, State: g.GroupState, Type: typ,
				ProtocolType: g.ProtocolType, Coordinator: sh.Meta.NodeID,
			}
		}
	}
	if failed == len(shards) && firstErr != nil {
		return nil, firstErr
	}
	return out, nil
}

// selectGroups applies the name selection and the state/type filters.
// Named groups that are not listed are kept (as classic, not yet found) so
// that DescribeGroups can say whether they exist.
func selectGroups(sel Selection, listed map[string]*GroupFacts) []*GroupFacts {
	var out []*GroupFacts
	seen := map[string]bool{}
	add := func(g *GroupFacts) {
		if seen[g.Name] || !sel.matchFilters(g.State, g.Type) {
			return
		}
		seen[g.Name] = true
		out = append(out, g)
	}
	for _, name := range sel.Groups {
		if g, ok := listed[name]; ok {
			add(g)
		} else if !seen[name] {
			seen[name] = true
			out = append(out, &GroupFacts{Name: name, Type: TypeClassic, Coordinator: -1})
		}
	}
	if sel.All || sel.Regex != nil || (len(sel.Groups) == 0) {
		for _, n := range slices.Sorted(maps.Keys(listed)) {
			if sel.Regex != nil && !sel.Regex.MatchString(n) {
				continue
			}
			if !sel.All && sel.Regex == nil && len(sel.Groups) == 0 {
				// no selection at all: list everything
			}
			add(listed[n])
		}
	}
	return out
}

// namedGroups are the groups given by name, once each, in the order given,
// not yet known to exist.
func namedGroups(names []string) []*GroupFacts {
	var out []*GroupFacts
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, &GroupFacts{Name: n, Type: TypeClassic, Coordinator: -1})
		}
	}
	return out
}

// byType splits listed groups by the type the listing gave; a type kgroups
// cannot read gets its error in words and is not described.
func byType(groups []*GroupFacts) (classic, consumer, share []string) {
	for _, g := range groups {
		switch {
		case g.Type == TypeConsumer:
			consumer = append(consumer, g.Name)
		case g.Type == TypeShare:
			share = append(share, g.Name)
			g.Share = &ShareFacts{Offsets: map[TP]ShareOffset{}}
		case g.Type == TypeClassic || g.Type == "":
			classic = append(classic, g.Name)
		default:
			g.Err = UnreadableText(g.Type)
		}
	}
	return classic, consumer, share
}

// describeNamed finds each named group's type from the describe answers,
// one request per API and coordinator, each API asked only about the
// groups the ones before did not know (Kafka and kfake answer
// GROUP_ID_NOT_FOUND for a group of another type; a broker too old for an
// API fails it): ConsumerGroupDescribe, then DescribeGroups (which also
// answers for groups that only have committed offsets), then
// ShareGroupDescribe. Only when a group is still unknown does a ListGroups
// run, so that a group of a type kgroups cannot read (streams, ...) is named
// as such rather than "not found".
func describeNamed(ctx context.Context, cl *kgo.Client, groups []*GroupFacts, byName map[string]*GroupFacts, snap *Snapshot) error {
	unknown := func(only func(*GroupFacts) bool) []string {
		var out []string
		for _, g := range groups {
			if only(g) {
				out = append(out, g.Name)
			}
		}
		return out
	}
	notFound := func(g *GroupFacts) bool { return !g.Found && g.Err == "" }

	if err := describeConsumer(ctx, cl, unknown(func(*GroupFacts) bool { return true }), byName, snap, true); err != nil {
		return err
	}
	if err := describeClassic(ctx, cl, unknown(func(g *GroupFacts) bool { return g.Type != TypeConsumer }), byName, snap); err != nil {
		return err
	}
	if rest := unknown(notFound); len(rest) > 0 {
		if err := describeShare(ctx, cl, rest, byName, true); err != nil {
			return err
		}
		var share []string
		for _, n := range rest {
			if g := byName[n]; g.Found {
				g.Type = TypeShare
				g.Share = &ShareFacts{Offsets: map[TP]ShareOffset{}}
				share = append(share, n)
			}
		}
		fetchShareConfigs(ctx, cl, share, byName)
	}
	if rest := unknown(notFound); len(rest) > 0 {
		listed, err := listGroups(ctx, cl, snap)
		if err != nil {
			return nil // the describes have said what could be said
		}
		for _, n := range rest {
			lg, ok := listed[n]
			if !ok || Readable(lg.Type) {
				continue
			}
			g := byName[n]
			g.Found, g.State, g.Type, g.ProtocolType, g.Coordinator = true, lg.State, lg.Type, lg.ProtocolType, lg.Coordinator
			g.Err = UnreadableText(lg.Type)
		}
	}
	return nil
}

// keepMatching applies the state and type filters to described named
// groups; a group that was not found stays, so that it is reported.
func keepMatching(sel Selection, groups []*GroupFacts) []*GroupFacts {
	kept := groups[:0]
	for _, g := range groups {
		if g.Found && !sel.matchFilters(g.State, g.Type) {
			continue
		}
		kept = append(kept, g)
	}
	return kept
}

// topicMetadata asks Metadata for the topics the groups touch plus extra;
// for every topic only when a KIP-848 assignment names a topic by id alone
// (Metadata cannot be asked by id), and for none (brokers only) when the
// groups touch no topic.
func topicMetadata(ctx context.Context, cl *kgo.Client, groups []*GroupFacts, extra []string) (kadm.Metadata, error) {
	adm := kadm.NewClient(cl)
	set := map[string]bool{}
	for _, t := range extra {
		set[t] = true
	}
	for _, g := range groups {
		g.eachTopic(func(t string) { set[t] = true })
	}
	for t := range set {
		if strings.HasPrefix(t, idPrefix) {
			return adm.Metadata(ctx)
		}
	}
	if len(set) == 0 {
		return adm.BrokerMetadata(ctx)
	}
	return adm.Metadata(ctx, slices.Sorted(maps.Keys(set))...)
}

func describeClassic(ctx context.Context, cl *kgo.Client, names []string, byName map[string]*GroupFacts, snap *Snapshot) error {
	if len(names) == 0 {
		return nil
	}
	shards := requestBatches(ctx, cl, batchGroups(names, byName), describeGroupsRequest, snap.progress("described", len(names)))
	answered := map[string]bool{}
	var firstErr error
	for _, sh := range shards {
		if sh.Err != nil {
			if firstErr == nil {
				firstErr = sh.Err
			}
			for _, n := range sh.Req.(*kmsg.DescribeGroupsRequest).Groups {
				byName[n].Err = groupErr("describe", n, sh.Err)
				answered[n] = true
			}
			continue
		}
		resp := sh.Resp.(*kmsg.DescribeGroupsResponse)
		for _, rg := range resp.Groups {
			g := byName[rg.Group]
			if g == nil {
				continue
			}
			answered[rg.Group] = true
			g.Coordinator = sh.Meta.NodeID
			if err := kerr.ErrorForCode(rg.ErrorCode); err != nil {
				if errors.Is(err, kerr.GroupAuthorizationFailed) {
					g.Err = groupErr("describe", rg.Group, err)
					continue
				}
				if errors.Is(err, kerr.GroupIDNotFound) && g.Found {
					// Kafka answers this for a KIP-848 group asked through the
					// classic API; the listing told us it exists.
					g.Err = "describe failed: " + kerrText(err)
				} else if errors.Is(err, kerr.GroupIDNotFound) {
					g.Found = false
				} else {
					g.Err = "describe failed: " + kerrText(err)
				}
				continue
			}
			if rg.State == "Dead" && !g.Found {
				continue // Kafka's answer for a group it does not know
			}
			g.Found = true
			g.State = rg.State
			g.ProtocolType = rg.ProtocolType
			g.Protocol = rg.Protocol
			for _, rm := range rg.Members {
				m := MemberFacts{MemberID: rm.MemberID, InstanceID: rm.InstanceID, ClientID: rm.ClientID, Host: rm.ClientHost}
				if rg.ProtocolType == "consumer" {
					var meta kmsg.ConsumerMemberMetadata
					if meta.ReadFrom(rm.ProtocolMetadata) == nil {
						m.Subscribed = append([]string(nil), meta.Topics...)
						sort.Strings(m.Subscribed)
					}
					var asg kmsg.ConsumerMemberAssignment
					if asg.ReadFrom(rm.MemberAssignment) == nil {
						m.Assigned = map[string][]int32{}
						for _, t := range asg.Topics {
							m.Assigned[t.Topic] = append(m.Assigned[t.Topic], t.Partitions...)
						}
						sortAssignment(m.Assigned)
					}
				}
				g.Members = append(g.Members, m)
			}
		}
	}
	if len(answered) == 0 && firstErr != nil {
		return firstErr
	}
	return nil
}

// describeConsumer describes KIP-848 groups. With probe (named groups of
// unknown type) a group the API does not answer for is left untouched, for
// DescribeGroups to describe.
func describeConsumer(ctx context.Context, cl *kgo.Client, names []string, byName map[string]*GroupFacts, snap *Snapshot, probe bool) error {
	if len(names) == 0 {
		return nil
	}
	shards := requestBatches(ctx, cl, batchGroups(names, byName), consumerGroupDescribeRequest, nil)
	var firstErr error
	answered := 0
	for _, sh := range shards {
		if sh.Err != nil {
			if firstErr == nil {
				firstErr = sh.Err
			}
			if probe {
				continue
			}
			for _, n := range sh.Req.(*kmsg.ConsumerGroupDescribeRequest).Groups {
				byName[n].Err = groupErr("describe", n, sh.Err)
			}
			continue
		}
		answered++
		resp := sh.Resp.(*kmsg.ConsumerGroupDescribeResponse)
		for _, rg := range resp.Groups {
			g := byName[rg.Group]
			if g == nil {
				continue
			}
			if err := kerr.ErrorForCode(rg.ErrorCode); err != nil {
				if !probe {
					g.Coordinator = sh.Meta.NodeID
					g.Err = groupErr("describe", rg.Group, err)
				}
				continue
			}
			g.Coordinator = sh.Meta.NodeID
			g.Found = true
			g.Type = TypeConsumer
			g.State = rg.State
			g.Protocol = rg.AssignorName
			g.ProtocolType = "consumer"
			epoch, aepoch := rg.Epoch, rg.AssignmentEpoch
			g.Epoch, g.AssignmentEpoch = &epoch, &aepoch
			for _, rm := range rg.Members {
				me := rm.MemberEpoch
				m := MemberFacts{
					MemberID: rm.MemberID, InstanceID: rm.InstanceID, ClientID: rm.ClientID, Host: rm.ClientHost,
					Subscribed: append([]string(nil), rm.SubscribedTopics...), MemberEpoch: &me,
					Assigned: assignmentByRef(rm.Assignment), Target: assignmentByRef(rm.TargetAssignment),
				}
				sort.Strings(m.Subscribed)
				g.Members = append(g.Members, m)
			}
		}
	}
	if answered == 0 && firstErr != nil && !probe {
		return firstErr
	}
	return nil
}

// assignmentByRef keys a KIP-848 assignment by topic name when the broker
// sent one, else by a placeholder holding the topic id; resolveTopicIDs
// replaces placeholders (kfake, unlike Kafka, leaves names empty).
func assignmentByRef(a kmsg.Assignment) map[string][]int32 {
	return keyedAssignment(a.TopicPartitions, func(tp kmsg.AssignmentTopicPartition) (string, [16]byte, []int32) {
		return tp.Topic, tp.TopicID, tp.Partitions
	})
}

// keyedAssignment keys assigned partitions by topic name, or by a
// placeholder holding the topic id where the broker sent no name
// (KIP-848 and share describes), partitions ascending.
func keyedAssignment[T any](tps []T, ref func(T) (topic string, id [16]byte, partitions []int32)) map[string][]int32 {
	out := map[string][]int32{}
	for _, tp := range tps {
		topic, id, ps := ref(tp)
		if topic == "" {
			topic = idPrefix + kadm.TopicID(id).String()
		}
		out[topic] = append(out[topic], ps...)
	}
	sortAssignment(out)
	return out
}

const idPrefix = "\x00id:"

func resolveTopicIDs(groups []*GroupFacts, topics kadm.TopicDetails) {
	names := map[string]string{}
	for name, td := range topics {
		names[idPrefix+td.ID.String()] = name
	}
	fix := func(a map[string][]int32) {
		for k, ps := range a {
			if !strings.HasPrefix(k, idPrefix) {
				continue
			}
			delete(a, k)
			name, ok := names[k]
			if !ok {
				name = "<unknown topic id " + strings.TrimPrefix(k, idPrefix) + ">"
			}
			a[name] = append(a[name], ps...)
		}
		sortAssignment(a)
	}
	for _, g := range groups {
		for i := range g.Members {
			fix(g.Members[i].Assigned)
			fix(g.Members[i].Target)
		}
		fixTPs(g.Committed, names)
		fixTPs(g.CommitErrors, names)
	}
}

// fixTPs renames placeholder topic ids in offsets keyed by partition.
func fixTPs[V any](m map[TP]V, names map[string]string) {
	var moved []TP
	for tp := range m {
		if strings.HasPrefix(tp.Topic, idPrefix) {
			moved = append(moved, tp)
		}
	}
	for _, tp := range moved {
		name, ok := names[tp.Topic]
		if !ok {
			name = "<unknown topic id " + strings.TrimPrefix(tp.Topic, idPrefix) + ">"
		}
		m[TP{name, tp.Partition}] = m[tp]
		delete(m, tp)
	}
}

func sortAssignment(a map[string][]int32) {
	for t, ps := range a {
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		a[t] = ps
	}
}

// fetchCommitted reads the groups' committed offsets (OffsetFetch, batched
// per coordinator) straight into each group's Committed map.
func fetchCommitted(ctx context.Context, cl *kgo.Client, names []string, byName map[string]*GroupFacts, snap *Snapshot, direct bool) error {
	if len(names) == 0 {
		return nil
	}
	batches := batchGroups(names, byName)
	if !direct {
		for i := range batches {
			batches[i].coord = -1
		}
	}
	shards := requestBatches(ctx, cl, batches, offsetFetchRequest, snap.progress("offsets read", len(names)))
	errs := map[string]error{}
	answered := map[string]bool{}
	for _, sh := range shards {
		req := sh.Req.(*kmsg.OffsetFetchRequest)
		var whole error
		if sh.Err != nil {
			whole = sh.Err
		} else if err := kerr.ErrorForCode(sh.Resp.(*kmsg.OffsetFetchResponse).ErrorCode); err != nil {
			whole = err
		}
		if whole != nil {
			for _, rg := range req.Groups {
				errs[rg.Group] = whole
				answered[rg.Group] = true
			}
			continue
		}
		for _, rg := range sh.Resp.(*kmsg.OffsetFetchResponse).Groups {
			g := byName[rg.Group]
			if g == nil {
				continue
			}
			answered[rg.Group] = true
			if err := kerr.ErrorForCode(rg.ErrorCode); err != nil {
				errs[rg.Group] = err
				continue
			}
			size := 0
			for _, t := range rg.Topics {
				size += len(t.Partitions)
			}
			g.Committed = make(map[TP]int64, size)
			if len(rg.Topics) > 0 {
				g.Found = true
			}
			for _, t := range rg.Topics {
				topic := t.Topic
				if topic == "" { // v10 answers name topics by id; resolveTopicIDs names them
					topic = idPrefix + kadm.TopicID(t.TopicID).String()
				}
				for _, p := range t.Partitions {
					tp := TP{topic, p.Partition}
					if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
						if g.CommitErrors == nil {
							g.CommitErrors = map[TP]string{}
						}
						g.CommitErrors[tp] = kerrText(err)
						continue
					}
					if p.Offset >= 0 {
						g.Committed[tp] = p.Offset
					}
				}
			}
		}
	}
	failed := 0
	var firstErr error
	for _, n := range names {
		g := byName[n]
		if g.Committed == nil {
			g.Committed = map[TP]int64{}
		}
		err := errs[n]
		if err == nil || errors.Is(err, kerr.GroupIDNotFound) {
			continue // kfake: unknown group; Kafka answers with no offsets
		}
		failed++
		if firstErr == nil {
			firstErr = err
		}
		if g.Err == "" {
			g.Err = groupErr("read the committed offsets of", n, err)
		}
	}
	if failed == len(names) && firstErr != nil && isConnError(firstErr) {
		return firstErr
	}
	return nil
}

// listOffsets lists one offset (timestamp -2 start, -1 end) for every
// partition of every known topic: one request per partition leader.
// OffsetsForTime lists, per partition, the first offset whose record
// timestamp is at or after ms (-1 when there is none), through the same
// batched ListOffsets path as the log offsets of every snapshot: one
// request per partition leader. A partition that could not be read is in
// errs with the reason; err is set when no leader answered at all.
func OffsetsForTime(ctx context.Context, cl *kgo.Client, tps []TP, ms int64) (offsets map[TP]int64, errs map[TP]string, err error) {
	snap := &Snapshot{Topics: map[string]*TopicFacts{}}
	for _, tp := range tps {
		tf := snap.Topics[tp.Topic]
		if tf == nil {
			tf = &TopicFacts{Name: tp.Topic, Exists: true, Partitions: map[int32]*PartitionFacts{}}
			snap.Topics[tp.Topic] = tf
		}
		tf.Partitions[tp.Partition] = &PartitionFacts{}
	}
	offsets, errs = map[TP]int64{}, map[TP]string{}
	at := map[*PartitionFacts]TP{}
	for t, tf := range snap.Topics {
		for p, pf := range tf.Partitions {
			at[pf] = TP{Topic: t, Partition: p}
		}
	}
	err = listOffsets(ctx, cl, snap, ms, 0, func(pf *PartitionFacts, off int64) { offsets[at[pf]] = off })
	for pf, tp := range at {
		if pf.Err != "" {
			errs[tp] = pf.Err
		} else if _, ok := offsets[tp]; !ok {
			errs[tp] = "no answer for this partition"
		}
	}
	return offsets, errs, err
}

func listOffsets(ctx context.Context, cl *kgo.Client, snap *Snapshot, ts int64, isolation int8, set func(*PartitionFacts, int64)) error {
	req := kmsg.NewPtrListOffsetsRequest()
	req.IsolationLevel = isolation
	names := make([]string, 0, len(snap.Topics))
	for t, tf := range snap.Topics {
		if tf.Exists {
			names = append(names, t)
		}
	}
	sort.Strings(names)
	for _, t := range names {
		rt := kmsg.NewListOffsetsRequestTopic()
		rt.Topic = t
		ps := make([]int32, 0, len(snap.Topics[t].Partitions))
		for p, pf := range snap.Topics[t].Partitions {
			if pf.Err == "" {
				ps = append(ps, p)
			}
		}
		sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
		for _, p := range ps {
			rp := kmsg.NewListOffsetsRequestTopicPartition()
			rp.Partition = p
			rp.Timestamp = ts
			rt.Partitions = append(rt.Partitions, rp)
		}
		if len(rt.Partitions) > 0 {
			req.Topics = append(req.Topics, rt)
		}
	}
	if len(req.Topics) == 0 {
		return nil
	}
	shards := cl.RequestSharded(ctx, req)
	ok := 0
	var firstErr error
	for _, sh := range shards {
		if sh.Err != nil {
			if firstErr == nil {
				firstErr = sh.Err
			}
			for _, rt := range sh.Req.(*kmsg.ListOffsetsRequest).Topics {
				for _, rp := range rt.Partitions {
					if pf := snap.Topics[rt.Topic].Partitions[rp.Partition]; pf != nil && pf.Err == "" {
						pf.Err = "list offsets failed: " + errText(sh.Err)
					}
				}
			}
			continue
		}
		ok++
		for _, t := range sh.Resp.(*kmsg.ListOffsetsResponse).Topics {
			tf := snap.Topics[t.Topic]
			if tf == nil {
				continue
			}
			for _, p := range t.Partitions {
				pf := tf.Partitions[p.Partition]
				if pf == nil {
					continue
				}
				if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
					pf.Err = "list offsets failed: " + kerrText(err)
					continue
				}
				set(pf, p.Offset)
			}
		}
	}
	if ok == 0 && firstErr != nil && isConnError(firstErr) {
		return firstErr
	}
	return nil
}

func isConnError(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, kerr.SaslAuthenticationFailed)
}

// kerrText renders a Kafka error as "NAME: description".
func kerrText(err error) string {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		return ke.Message + ": " + ke.Description
	}
	return err.Error()
}

func errText(err error) string {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return "timed out"
	}
	return kerrText(err)
}

// groupErr words a group-level failure; an ACL refusal always reads
// "not authorized to <action> group <name>", whichever path it came by.
func groupErr(action, group string, err error) string {
	if errors.Is(err, kerr.GroupAuthorizationFailed) {
		return fmt.Sprintf("not authorized to %s group %s (GROUP_AUTHORIZATION_FAILED: the user needs DESCRIBE on it)", action, group)
	}
	if action == "describe" {
		return "describe failed: " + errText(err)
	}
	return "offset fetch failed: " + errText(err)
}
