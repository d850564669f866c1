package cmd

import (
	"fmt"
	"io"

	"github.com/kgroups/kgroups/describe"
)

// shareResetNotes says, for each share group in a reset, what the plan's
// numbers are: its share start offsets, moved with AlterShareGroupOffsets.
func shareResetNotes(w io.Writer, groups []describe.GroupFacts) {
	for _, g := range groups {
		if g.Type == describe.TypeShare {
			fmt.Fprintf(w, "note: %s is a share group: CURRENT-OFFSET is its share start offset; --execute moves it with AlterShareGroupOffsets (only while it has no members)\n", g.Name)
		}
	}
}

// shareDeleteNotes: what delete and delete-offsets do to a share group and
// what their undo file can restore.
func shareDeleteNotes(w io.Writer, groups []describe.GroupFacts, offsets bool) {
	for _, g := range groups {
		if g.Type != describe.TypeShare {
			continue
		}
		if offsets {
			fmt.Fprintf(w, "note: %s is a share group: its share state (start offsets) is deleted per topic with DeleteShareGroupOffsets; "+
				"the undo file restores it with reset-offsets --share (which recreates the group if it was removed)\n", g.Name)
		} else {
			fmt.Fprintf(w, "note: %s is a share group: deleting it drops its share state; the undo file keeps its start offsets (reset-offsets --share recreates it)\n", g.Name)
		}
	}
}
