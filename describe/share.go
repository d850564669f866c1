package describe

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The share (KIP-932) path of Fetch: ShareGroupDescribe and
// DescribeShareGroupOffsets, each one request per coordinator whatever the
// number of groups, and one DescribeConfigs for every share group's configs.

// describeShare describes share groups. With probe (named groups of
// unknown type) a failed request leaves the groups untouched: they are then
// simply not share groups this broker knows.
func describeShare(ctx context.Context, cl *kgo.Client, names []string, byName map[string]*GroupFacts, probe bool) error {
	if len(names) == 0 {
		return nil
	}
	req := kmsg.NewPtrShareGroupDescribeRequest()
	req.GroupIDs = names
	shards := cl.RequestSharded(ctx, req)
	var firstErr error
	answered := 0
	for _, sh := range shards {
		if sh.Err != nil {
			if probe {
				continue
			}
			if firstErr == nil {
				firstErr = sh.Err
			}
			for _, n := range sh.Req.(*kmsg.ShareGroupDescribeRequest).GroupIDs {
				if g := byName[n]; g != nil {
					g.Err = groupErr("describe", n, sh.Err)
				}
			}
			continue
		}
		answered++
		for _, rg := range sh.Resp.(*kmsg.ShareGroupDescribeResponse).Groups {
			g := byName[rg.GroupID]
			if g == nil {
				continue
			}
			if err := kerr.ErrorForCode(rg.ErrorCode); err != nil {
				if errors.Is(err, kerr.GroupIDNotFound) && !g.Found {
					continue
				}
				if probe {
					continue // DescribeGroups already said what it could
				}
				g.Coordinator = sh.Meta.NodeID
				g.Err = groupErr("describe", rg.GroupID, err)
				continue
			}
			g.Coordinator = sh.Meta.NodeID
			g.Found = true
			g.State = rg.GroupState
			g.Protocol = rg.Assignor
			g.ProtocolType = TypeShare
			epoch, aepoch := rg.GroupEpoch, rg.AssignmentEpoch
			g.Epoch, g.AssignmentEpoch = &epoch, &aepoch
			g.Members = g.Members[:0]
			for _, rm := range rg.Members {
				me := rm.MemberEpoch
				m := MemberFacts{MemberID: rm.MemberID, ClientID: rm.ClientID, Host: rm.ClientHost,
					Subscribed: append([]string(nil), rm.SubscribedTopicNames...), MemberEpoch: &me,
					Assigned: shareAssignment(rm.Assignment)}
				sort.Strings(m.Subscribed)
				g.Members = append(g.Members, m)
			}
		}
	}
	if answered == 0 && firstErr != nil && isConnError(firstErr) {
		return firstErr
	}
	return nil
}

func shareAssignment(a kmsg.ShareGroupDescribeResponseGroupMemberAssignment) map[string][]int32 {
	return keyedAssignment(a.TopicPartitions, func(tp kmsg.ShareGroupDescribeResponseGroupMemberAssignmentTopicPartition) (string, [16]byte, []int32) {
		return tp.Topic, tp.TopicID, tp.Partitions
	})
}

// fetchShareOffsets reads every share partition's start offset and lag:
// all topics the group has state for (Topics null), one request per
// coordinator.
func fetchShareOffsets(ctx context.Context, cl *kgo.Client, names []string, byName map[string]*GroupFacts, snap *Snapshot) error {
	if len(names) == 0 {
		return nil
	}
	req := kmsg.NewPtrDescribeShareGroupOffsetsRequest()
	for _, n := range names {
		rg := kmsg.NewDescribeShareGroupOffsetsRequestGroup()
		rg.GroupID = n
		req.Groups = append(req.Groups, rg)
	}
	shards := cl.RequestSharded(ctx, req)
	var firstErr error
	answered := 0
	for _, sh := range shards {
		if sh.Err != nil {
			if firstErr == nil {
				firstErr = sh.Err
			}
			for _, rg := range sh.Req.(*kmsg.DescribeShareGroupOffsetsRequest).Groups {
				if g := byName[rg.GroupID]; g != nil && g.Err == "" {
					g.Err = groupErr("read the share offsets of", rg.GroupID, sh.Err)
				}
			}
			continue
		}
		answered++
		resp := sh.Resp.(*kmsg.DescribeShareGroupOffsetsResponse)
		lagReported := resp.Version >= 1
		if !lagReported {
			snap.Warnings = append(snap.Warnings, fmt.Sprintf(
				"broker %d answered DescribeShareGroupOffsets v%d, which has no lag (KIP-1226, Kafka 4.2+): share lag is unknown", sh.Meta.NodeID, resp.Version))
		}
		for _, rg := range resp.Groups {
			g := byName[rg.GroupID]
			if g == nil || g.Share == nil {
				continue
			}
			g.Share.LagReported = lagReported
			if err := kerr.ErrorForCode(rg.ErrorCode); err != nil {
				if errors.Is(err, kerr.GroupIDNotFound) {
					continue
				}
				if g.Err == "" {
					g.Err = groupErr("read the share offsets of", rg.GroupID, err)
				}
				continue
			}
			for _, rt := range rg.Topics {
				for _, rp := range rt.Partitions {
					var so ShareOffset
					if err := kerr.ErrorForCode(rp.ErrorCode); err != nil {
						so.Err = kerrText(err)
					} else {
						if rp.StartOffset >= 0 {
							start := rp.StartOffset
							so.Start = &start
						}
						if lagReported && rp.Lag >= 0 {
							lag := rp.Lag
							so.Lag = &lag
						}
					}
					g.Share.Offsets[TP{rt.Topic, rp.Partition}] = so
				}
			}
		}
	}
	if answered == 0 && firstErr != nil && isConnError(firstErr) {
		return firstErr
	}
	return nil
}

// fetchShareConfigs reads the share groups' configs: one DescribeConfigs
// with a GROUP resource per group.
func fetchShareConfigs(ctx context.Context, cl *kgo.Client, names []string, byName map[string]*GroupFacts) {
	if len(names) == 0 {
		return
	}
	req := kmsg.NewPtrDescribeConfigsRequest()
	for _, n := range names {
		r := kmsg.NewDescribeConfigsRequestResource()
		r.ResourceType = kmsg.ConfigResourceTypeGroupConfig
		r.ResourceName = n
		r.ConfigNames = ShareConfigKeys
		req.Resources = append(req.Resources, r)
	}
	setErr := func(name, msg string) {
		if g := byName[name]; g != nil && g.Share != nil {
			g.Share.ConfigsErr = msg
		}
	}
	for _, sh := range cl.RequestSharded(ctx, req) {
		if sh.Err != nil {
			for _, r := range sh.Req.(*kmsg.DescribeConfigsRequest).Resources {
				setErr(r.ResourceName, "describe configs failed: "+errText(sh.Err))
			}
			continue
		}
		for _, r := range sh.Resp.(*kmsg.DescribeConfigsResponse).Resources {
			if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
				setErr(r.ResourceName, "describe configs failed: "+kerrText(err))
				continue
			}
			g := byName[r.ResourceName]
			if g == nil || g.Share == nil {
				continue
			}
			g.Share.Configs = map[string]*string{}
			for _, c := range r.Configs {
				var v *string
				if c.Value != nil {
					s := *c.Value
					v = &s
				}
				g.Share.Configs[c.Name] = v
			}
		}
	}
}
