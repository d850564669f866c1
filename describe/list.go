package describe

// ListDocument is `kgroups list -o json`.
type ListDocument struct {
	SchemaVersion int       `json:"schema_version" yaml:"schema_version"`
	Groups        []ListRow `json:"groups" yaml:"groups"`
	Warnings      []string  `json:"warnings" yaml:"warnings"`
}

// ListRow is one group in the listing.
type ListRow struct {
	Group        string       `json:"group" yaml:"group"`
	State        string       `json:"state" yaml:"state"`
	Type         string       `json:"type" yaml:"type"`
	ProtocolType string       `json:"protocol_type" yaml:"protocol_type"`
	Protocol     *string      `json:"protocol" yaml:"protocol"`
	Members      *int         `json:"members" yaml:"members"`
	Coordinator  *Coordinator `json:"coordinator" yaml:"coordinator"`
	TotalLag     *int64       `json:"total_lag" yaml:"total_lag"` // only with --lag
	Error        *string      `json:"error" yaml:"error"`
}

// BuildList turns a snapshot into the list document. withLag adds total lag
// (the snapshot must then carry offsets).
func BuildList(snap *Snapshot, withMembers, withLag bool) ListDocument {
	out := ListDocument{SchemaVersion: SchemaVersion, Groups: make([]ListRow, 0, len(snap.Groups)), Warnings: snap.Warnings}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	for i := range snap.Groups {
		g := &snap.Groups[i]
		row := ListRow{Group: g.Name, State: g.State, Type: g.Type, ProtocolType: g.ProtocolType}
		if withLag {
			gv := buildGroup(snap, g, ViewOptions{})
			row.Protocol, row.Coordinator, row.Error, row.TotalLag = gv.Protocol, gv.Coordinator, gv.Error, gv.TotalLag
		} else {
			// What buildGroup says about the group, without its rows.
			row.Error = groupError(g)
			if g.Found || g.Err != "" {
				row.Protocol, row.Coordinator = protocolOf(g), coordinatorOf(snap, g)
			}
		}
		if withMembers && Readable(g.Type) {
			n := len(g.Members)
			row.Members = &n
		}
		out.Groups = append(out.Groups, row)
	}
	return out
}
