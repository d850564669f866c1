package describe

import (
	"fmt"
	"testing"
)

// Batches never exceed 50 groups, never mix coordinators, and keep every
// group exactly once in the order given.
func TestBatchGroupsBoundsAndCoordinators(t *testing.T) {
	t.Parallel()
	byName := map[string]*GroupFacts{}
	var names []string
	for i := 0; i < 233; i++ {
		n := fmt.Sprintf("g%03d", i)
		c := int32(i % 3)
		if i >= 200 {
			c = -1 // named, coordinator unknown
		}
		byName[n] = &GroupFacts{Name: n, Coordinator: c}
		names = append(names, n)
	}
	batches := batchGroups(names, byName)
	seen := map[string]int{}
	perCoord := map[int32]int{}
	for _, b := range batches {
		if len(b.names) == 0 || len(b.names) > groupBatch {
			t.Errorf("batch of %d groups", len(b.names))
		}
		perCoord[b.coord]++
		for i, n := range b.names {
			seen[n]++
			if byName[n].Coordinator != b.coord {
				t.Errorf("%s (coordinator %d) in a batch for %d", n, byName[n].Coordinator, b.coord)
			}
			if i > 0 && b.names[i-1] >= n {
				t.Errorf("batch out of order: %s before %s", b.names[i-1], n)
			}
		}
	}
	for _, n := range names {
		if seen[n] != 1 {
			t.Errorf("%s in %d batches", n, seen[n])
		}
	}
	// 67, 67 and 66 groups per coordinator: two batches each; 33 unknown: one.
	if perCoord[0] != 2 || perCoord[1] != 2 || perCoord[2] != 2 || perCoord[-1] != 1 {
		t.Errorf("batches per coordinator %v, want 2, 2, 2 and 1 for unknown", perCoord)
	}
}
