package cmd

import (
	"github.com/kgroups/kgroups/describe"
)

// refuseShareReset keeps classic resets (OffsetCommit) away from share
// groups, whose start offsets only AlterShareGroupOffsets may move.
func refuseShareReset(groups []describe.GroupFacts) error {
	for _, g := range groups {
		if g.Type == describe.TypeShare {
			return flagErrorf("group %s is a share group: reset-offsets does not reset share groups in this version (kafka-share-groups.sh --reset-offsets does); nothing was changed", g.Name)
		}
	}
	return nil
}
