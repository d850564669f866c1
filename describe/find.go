package describe

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// LagFilter is a --lag expression: >N, >=N, <N, <=N or =N (N a whole
// number >= 0). Unknown lag (null) never matches: it is not known to be
// above, below or equal to anything.
type LagFilter struct {
	Op string // ">", ">=", "<", "<=", "="
	N  int64
	// Raw is the expression as given, for messages.
	Raw string
}

// ParseLagFilter parses a --lag expression.
func ParseLagFilter(s string) (LagFilter, error) {
	raw := s
	s = strings.TrimSpace(s)
	op := ""
	for _, o := range []string{">=", "<=", ">", "<", "="} {
		if strings.HasPrefix(s, o) {
			op, s = o, strings.TrimSpace(s[len(o):])
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if op == "" || err != nil || n < 0 || strings.HasPrefix(s, "+") {
		return LagFilter{}, fmt.Errorf("--lag %q: want >N, >=N, <N, <=N or =N with N a whole number >= 0, e.g. --lag '>1000'", raw)
	}
	return LagFilter{Op: op, N: n, Raw: raw}, nil
}

// Match reports whether a lag passes the filter; nil never does.
func (f LagFilter) Match(lag *int64) bool {
	if lag == nil {
		return false
	}
	v := *lag
	switch f.Op {
	case ">":
		return v > f.N
	case ">=":
		return v >= f.N
	case "<":
		return v < f.N
	case "<=":
		return v <= f.N
	}
	return v == f.N
}

// FilterLag keeps the groups whose total lag matches and, in them, the
// partitions whose lag matches. Totals, members, summary and anomalies stay
// the group's own (computed over all its partitions).
func FilterLag(doc *Document, f LagFilter) {
	kept := doc.Groups[:0]
	for _, g := range doc.Groups {
		if !f.Match(g.TotalLag) {
			continue
		}
		rows := []PartitionView{}
		for _, p := range g.Partitions {
			if f.Match(p.Lag) {
				rows = append(rows, p)
			}
		}
		g.Partitions = rows
		kept = append(kept, g)
	}
	doc.Groups = kept
}

// FilterListLag keeps the listed groups whose total lag matches.
func FilterListLag(doc *ListDocument, f LagFilter) {
	kept := doc.Groups[:0]
	for _, g := range doc.Groups {
		if f.Match(g.TotalLag) {
			kept = append(kept, g)
		}
	}
	doc.Groups = kept
}

// Sort keys for --sort.
var SortKeys = []string{"name", "lag", "state"}

// ParseSort validates a --sort key.
func ParseSort(s string) (string, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	for _, v := range SortKeys {
		if k == v {
			return k, nil
		}
	}
	return "", fmt.Errorf("--sort %q is not valid; use one of: %s", s, strings.Join(SortKeys, ", "))
}

// lagLess orders by lag, largest first, unknown (nil) last, then by name.
func lagLess(a, b *int64, an, bn string) bool {
	switch {
	case a != nil && b != nil && *a != *b:
		return *a > *b
	case a != nil && b == nil:
		return true
	case a == nil && b != nil:
		return false
	}
	return an < bn
}

func stateLess(a, b *string, an, bn string) bool {
	as, bs := "", ""
	if a != nil {
		as = *a
	}
	if b != nil {
		bs = *b
	}
	if as != bs {
		// Unknown state (group not found or unreadable) last.
		if as == "" || bs == "" {
			return bs == ""
		}
		return as < bs
	}
	return an < bn
}

// SortGroups orders describe's groups: name (ascending), lag (largest
// first, unknown last) or state (alphabetical, unknown last), ties by name.
func SortGroups(gs []GroupView, key string) {
	sort.SliceStable(gs, func(i, j int) bool {
		a, b := gs[i], gs[j]
		switch key {
		case "lag":
			return lagLess(a.TotalLag, b.TotalLag, a.Group, b.Group)
		case "state":
			return stateLess(a.State, b.State, a.Group, b.Group)
		}
		return a.Group < b.Group
	})
}

// SortList orders list rows by the same keys as SortGroups.
func SortList(rows []ListRow, key string) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		switch key {
		case "lag":
			return lagLess(a.TotalLag, b.TotalLag, a.Group, b.Group)
		case "state":
			as, bs := a.State, b.State
			return stateLess(&as, &bs, a.Group, b.Group)
		}
		return a.Group < b.Group
	})
}

// Roll-up views for --by.
var ByKeys = []string{"group", "topic", "member"}

// ParseBy validates a --by key.
func ParseBy(s string) (string, error) {
	k := strings.ToLower(strings.TrimSpace(s))
	for _, v := range ByKeys {
		if k == v {
			return k, nil
		}
	}
	return "", fmt.Errorf("--by %q is not valid; use one of: %s", s, strings.Join(ByKeys, ", "))
}
