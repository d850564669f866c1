package cmd

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/cluster"
	"github.com/kgroups/kgroups/internal/labtest"
)

// TestShareGroupListAndDescribe: a live kgo share consumer that
// acknowledged 6 of 40 records; list counts it, describe shows the
// broker's start offsets and lag (34), and nothing reads as empty.
func TestShareGroupListAndDescribe(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("jobs", 2, 20)
	l.ShareMember(cluster.ShareMemberSpec{Group: "sg", Topics: []string{"jobs"}, ClientID: "sg-a", Accept: 6})
	l.WaitShare("sg", 1, 34)
	env := l.Env()

	code, out, stderr := run(t, env, "list", "-o", "json")
	var list struct {
		Groups []struct {
			Group   string `json:"group"`
			Type    string `json:"type"`
			Members *int   `json:"members"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil || code != 0 || len(list.Groups) != 1 {
		t.Fatalf("list: exit %d %v\n%s\n%s", code, err, out, stderr)
	}
	if g := list.Groups[0]; g.Type != "share" || g.Members == nil || *g.Members != 1 {
		t.Fatalf("list row %+v, want share with 1 member", g)
	}

	code, out, stderr = run(t, env, "describe", "sg")
	if code != 0 || !strings.Contains(out, "share/simple · 1 member · lag 34") || !strings.Contains(out, "START-OFFSET") {
		t.Fatalf("describe: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, _ = run(t, env, "describe", "sg", "-o", "json")
	var doc struct {
		Groups []struct {
			TotalLag   *int64  `json:"total_lag"`
			Error      *string `json:"error"`
			Partitions []struct {
				StartOffset     *int64 `json:"start_offset"`
				CommittedOffset *int64 `json:"committed_offset"`
				Lag             *int64 `json:"lag"`
			} `json:"partitions"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 0 {
		t.Fatalf("json: %v\n%s", err, out)
	}
	g := doc.Groups[0]
	if g.Error != nil || g.TotalLag == nil || *g.TotalLag != 34 || len(g.Partitions) != 2 {
		t.Fatalf("json group %+v", g)
	}
	for _, p := range g.Partitions {
		if p.StartOffset == nil || p.CommittedOffset != nil || p.Lag == nil {
			t.Fatalf("json partition %+v", p)
		}
	}
	code, out, _ = run(t, env, "describe", "sg", "--state")
	if code != 0 || !strings.Contains(out, "sg (share): assignment epoch") || !strings.Contains(out, "share.auto.offset.reset=earliest") {
		t.Fatalf("state: exit %d\n%s", code, out)
	}
	code, out, stderr = run(t, env, "status", "sg", "--window", "100ms", "--samples", "2")
	if code != ExitCheck || !strings.Contains(out, "STALL") || !strings.Contains(out, "start offset stayed at") {
		t.Fatalf("status: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, _ = run(t, env, "__complete", "describe", "s")
	if code != 0 || !strings.Contains(out, "sg\tStable (share)") {
		t.Fatalf("completion: exit %d\n%q", code, out)
	}
	code, out, _ = run(t, env, "describe", "--all", "--type", "classic")
	if code != 0 || strings.Contains(out, "sg") {
		t.Fatalf("--type classic shows the share group: exit %d\n%s", code, out)
	}
}

// streamsCluster answers ListGroups with a streams group (KIP-1071), which
// kfake does not implement: a stand-in for any type kgroups cannot read.
func streamsCluster(t *testing.T) map[string]string {
	t.Helper()
	c, env := fakeCluster(t)
	c.ControlKey(int16(kmsg.ListGroups), func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		resp := req.ResponseKind().(*kmsg.ListGroupsResponse)
		g := kmsg.NewListGroupsResponseGroup()
		g.Group, g.ProtocolType, g.GroupState, g.GroupType = "wordcount", "streams", "Stable", "streams"
		resp.Groups = append(resp.Groups, g)
		return resp, nil, true
	})
	return env
}

var _ = kfake.NumBrokers

// TestUnreadableGroupTypeIsNamedNeverEmpty: a streams group is listed with
// its type (members unknown, not 0); describe says in words that the type
// is not described and exits 3 (JSON error set); status never says OK.
func TestUnreadableGroupTypeIsNamedNeverEmpty(t *testing.T) {
	t.Parallel()
	env := streamsCluster(t)
	code, out, _ := run(t, env, "list", "-o", "json")
	if code != 0 || !strings.Contains(out, `"type": "streams"`) || !strings.Contains(out, `"members": null`) {
		t.Fatalf("list: exit %d\n%s", code, out)
	}
	code, out, stderr := run(t, env, "describe", "wordcount")
	if code != ExitPartial || !strings.Contains(out, `group type "streams" is not described by this version`) ||
		strings.Contains(out, "0 members") || strings.Contains(out, "no committed") ||
		!strings.Contains(stderr, "not described by this version of kgroups: wordcount (type streams)") {
		t.Fatalf("describe: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, _ = run(t, env, "describe", "wordcount", "-o", "json")
	var doc struct {
		Groups []struct {
			Type  *string `json:"type"`
			Error *string `json:"error"`
		} `json:"groups"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != ExitPartial || len(doc.Groups) != 1 ||
		doc.Groups[0].Error == nil || *doc.Groups[0].Type != "streams" {
		t.Fatalf("json: exit %d %v\n%s", code, err, out)
	}
	code, out, stderr = run(t, env, "status", "wordcount", "--window", "100ms", "--samples", "2")
	if code == 0 || strings.Contains(out, " OK") || !strings.Contains(out, "not judged") {
		t.Fatalf("status: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, stderr = run(t, env, "explain", "--group", "wordcount", "--sample-interval", "10ms")
	if code == 0 || !strings.Contains(out, "this group type is not diagnosed") || strings.Contains(out, "max.poll") {
		t.Fatalf("explain: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, stderr = run(t, env, "reset-offsets", "wordcount", "--to-earliest", "--all-topics", "--execute")
	if code == 0 || !strings.Contains(stderr, `group type "streams" is not described`) {
		t.Fatalf("reset: exit %d\n%s\n%s", code, out, stderr)
	}
}
