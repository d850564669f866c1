package explain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kgroups/kgroups/explain"
	"github.com/kgroups/kgroups/internal/lab"
	"github.com/kgroups/kgroups/internal/labtest"
)

func onlyShareFindings(t *testing.T, rep explain.Report) {
	t.Helper()
	for _, f := range rep.Findings {
		if !strings.HasPrefix(f.ID, "share-") {
			t.Errorf("a share group got the consumer finding %s: %s", f.ID, f.Title)
		}
	}
}

// TestLiveShareGroups: real kgo share consumers. A member that holds its
// records (start offset stands, lag stands) is "stuck"; a share group with
// state and no members has lag nobody reads; a member of a group left at
// share.auto.offset.reset=latest with unfetched partitions is told records
// would be skipped. Never a classic-consumer finding.
func TestLiveShareGroups(t *testing.T) {
	t.Parallel()
	l := labtest.New(t)
	l.Topic("jobs", 1, 40)
	l.Topic("fresh", 2, 5)
	l.ShareMember(lab.ShareMemberSpec{Group: "holder", Topics: []string{"jobs"}, ClientID: "h-1", Accept: 6})
	l.WaitShare("holder", 1, 34)
	var os kadm.Offsets
	os.AddOffset("jobs", 0, 30, -1)
	if resp, err := l.Adm.AlterShareGroupOffsets(l.Ctx, "nobody", os); err != nil || resp.Error() != nil {
		t.Fatalf("alter: %v %v", err, resp.Error())
	}
	m, err := lab.StartShareMember(l.Brokers, lab.ShareMemberSpec{Group: "newbie", Topics: []string{"fresh"}, ClientID: "n-1", Accept: 0})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	for {
		d, err := l.Adm.DescribeShareGroups(l.Ctx, "newbie")
		if err == nil && len(d["newbie"].Members) == 1 && len(d["newbie"].Members[0].Assignment["fresh"]) == 2 {
			break
		}
		if l.Ctx.Err() != nil {
			t.Fatal("newbie never got its assignment")
		}
		time.Sleep(20 * time.Millisecond)
	}

	rep := doctor(t, l, "holder", explain.Setting{Key: "max.poll.records", Value: "1", Source: "--set"})
	onlyShareFindings(t, rep)
	f := finding(t, rep, "share-start-offset-stuck")
	if !strings.Contains(f.Detail, "jobs/0 (start offset 6, lag 34 → 34)") || !strings.Contains(f.Detail, "share.delivery.count.limit") {
		t.Fatalf("%s", f.Detail)
	}
	finding(t, rep, "share-consumer-settings-not-checked")

	none(t, rep, "share-auto-offset-reset-latest") // earliest was set for it

	rep = doctor(t, l, "nobody")
	onlyShareFindings(t, rep)
	if f := finding(t, rep, "share-no-members-with-lag"); !strings.Contains(f.Detail, "10 records") {
		t.Fatalf("%s", f.Detail)
	}

	rep = doctor(t, l, "newbie")
	onlyShareFindings(t, rep)
	if f := finding(t, rep, "share-auto-offset-reset-latest"); !strings.Contains(f.Detail, "fresh/0, fresh/1") || !strings.Contains(f.Detail, "by 10 records") {
		t.Fatalf("%s", f.Detail)
	}
}
