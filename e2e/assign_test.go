package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kgroups/kgroups/cmd"
	"github.com/kgroups/kgroups/internal/lab"
)

// kgroupsJSON runs kgroups in-process and decodes its JSON output.
func kgroupsJSON(t *testing.T, brokers []string, v any, args ...string) {
	t.Helper()
	io, _, out, errOut := cmd.Test()
	getenv := func(k string) string {
		if k == "KGROUPS_BROKERS" {
			return strings.Join(brokers, ",")
		}
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if code := cmd.ExecuteWith(ctx, io, append(args, "-o", "json"), getenv, cmd.BuildInfo{}); code != 0 {
		t.Fatalf("kgroups %v: exit %d: %s", args, code, errOut)
	}
	if err := json.Unmarshal(out.Bytes(), v); err != nil {
		t.Fatalf("kgroups %v: %v\n%s", args, err, out)
	}
}

// predictionMatches compares describe's assignment with assign's preview.
func predictionMatches(t *testing.T, brokers []string, group, assignor, client string) {
	t.Helper()
	var described struct {
		Groups []struct {
			Protocol string `json:"protocol"`
			Members  []struct {
				MemberID   string             `json:"member_id"`
				Assignment map[string][]int32 `json:"assignment"`
			} `json:"members"`
		} `json:"groups"`
	}
	kgroupsJSON(t, brokers, &described, "describe", group)
	var preview struct {
		Assignment map[string]map[string][]int32 `json:"assignment"`
		Current    map[string]map[string][]int32 `json:"current"`
	}
	kgroupsJSON(t, brokers, &preview, "assign", "--from-group", group, "--assignor", assignor, "--client", client)
	g := described.Groups[0]
	if g.Protocol != assignor {
		t.Fatalf("the group uses %s, not %s", g.Protocol, assignor)
	}
	for _, m := range g.Members {
		want, got := fmt.Sprint(m.Assignment), fmt.Sprint(preview.Assignment[m.MemberID])
		if len(m.Assignment) == 0 {
			want = "map[]"
		}
		if got != want {
			t.Errorf("%s %s: member %s has %s, kgroups predicted %s", client, assignor, m.MemberID, want, got)
		}
	}
	if len(preview.Assignment) != len(g.Members) {
		t.Errorf("predicted %d members, the group has %d", len(preview.Assignment), len(g.Members))
	}
}

func TestAssignPredictsKcat(t *testing.T) {
	kcat := needTool(t, "kcat")
	for _, assignor := range []string{"range", "roundrobin", "cooperative-sticky"} {
		t.Run(assignor, func(t *testing.T) {
			brokers, prefix := testCluster(t, t.Cleanup)
			group := prefix + "kc-" + assignor
			t1, t2 := prefix+"a-topic", prefix+"b-topic"
			setupTopic(t, brokers, t1, 5)
			setupTopic(t, brokers, t2, 3)
			for i := 0; i < 3; i++ {
				startClient(t, kcat, "-b", strings.Join(brokers, ","), "-G", group, "-q",
					"-X", "partition.assignment.strategy="+assignor, "-X", fmt.Sprintf("client.id=kc-%d", i),
					"-X", "enable.auto.offset.store=false", "-X", "auto.offset.reset=earliest", t1, t2)
			}
			waitMembers(t, brokers, group, 3, 8)
			predictionMatches(t, brokers, group, assignor, "librdkafka")
		})
	}
}

func TestAssignPredictsFranzGo(t *testing.T) {
	for _, c := range []struct {
		name string
		bal  kgo.GroupBalancer
	}{{"range", kgo.RangeBalancer()}, {"roundrobin", kgo.RoundRobinBalancer()}, {"cooperative-sticky", kgo.CooperativeStickyBalancer()}} {
		t.Run(c.name, func(t *testing.T) {
			brokers, prefix := testCluster(t, t.Cleanup)
			group, topic := prefix+"kgo-"+c.name, prefix+"orders"
			setupTopic(t, brokers, topic, 7)
			for i := 0; i < 3; i++ {
				m, err := lab.StartMember(brokers, lab.MemberSpec{Group: group, Topics: []string{topic}, ClientID: fmt.Sprintf("kgo-%d", i), Balancer: c.bal})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(m.Close)
			}
			waitMembers(t, brokers, group, 3, 7)
			predictionMatches(t, brokers, group, c.name, "franz-go")
		})
	}
}

// kafka-python implements Java's range and roundrobin: the java flavour
// must predict its groups exactly.
func TestAssignPredictsKafkaPython(t *testing.T) {
	py := needTool(t, "/usr/bin/python3")
	if err := exec.Command(py, "-c", "import kafka").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3-kafka is not importable by %s: %v", py, err)
		}
		t.Skipf("python3-kafka not installed: %v", err)
	}
	for _, assignor := range []string{"range", "roundrobin"} {
		t.Run(assignor, func(t *testing.T) {
			brokers, prefix := testCluster(t, t.Cleanup)
			group, topic := prefix+"py-"+assignor, prefix+"orders"
			setupTopic(t, brokers, topic, 7)
			for i := 0; i < 3; i++ {
				startClient(t, py, "testdata/clients/python_member.py", strings.Join(brokers, ","), group, topic, fmt.Sprintf("py-%d", i), assignor)
			}
			waitMembers(t, brokers, group, 3, 7)
			predictionMatches(t, brokers, group, assignor, "java")
		})
	}
}

// simPreview is the part of `assign -o json` a join/leave check reads.
type simPreview struct {
	Simulation struct {
		Before map[string]map[string][]int32 `json:"before"`
		After  map[string]map[string][]int32 `json:"after"`
		Moved  int                           `json:"moved"`
		Paused int                           `json:"paused"`
	} `json:"simulation"`
}

// memberState is describe's view: member id -> client id, assignment.
func memberState(t *testing.T, brokers []string, group string) (map[string]string, map[string]string) {
	t.Helper()
	g := describeJSON(t, brokers, group)
	clients, assigned := map[string]string{}, map[string]string{}
	for _, m := range g.Members {
		clients[m.MemberID] = m.ClientID
		a := m.Assignment
		if a == nil {
			a = map[string][]int32{}
		}
		assigned[m.MemberID] = fmt.Sprint(a)
	}
	return clients, assigned
}

// checkChange compares a simulated change with what really happened: every
// member's partitions after it, and how many partitions moved. rename maps
// the preview's joiner ids to the real member ids.
func checkChange(t *testing.T, what string, p simPreview, before, after map[string]string, rename map[string]string) {
	t.Helper()
	got := map[string]string{}
	for id, ts := range p.Simulation.After {
		if real, ok := rename[id]; ok {
			id = real
		}
		flat := map[string][]int32{}
		for topic, ps := range ts {
			flat[topic] = ps
		}
		got[id] = fmt.Sprint(flat)
	}
	if fmt.Sprint(got) != fmt.Sprint(after) {
		t.Errorf("%s: predicted %v, the group has %v", what, got, after)
	}
	realMoves := movedPartitions(before, after)
	if realMoves != p.Simulation.Moved {
		t.Errorf("%s: predicted %d partitions moving, %d moved", what, p.Simulation.Moved, realMoves)
	}
}

// movedPartitions counts partitions whose owner differs between two
// describe snapshots (fmt'd map[topic][]partitions per member).
func movedPartitions(before, after map[string]string) int {
	owners := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for id, s := range m {
			// "map[t:[0 1 2]]" -> t/0, t/1, t/2
			s = strings.TrimSuffix(strings.TrimPrefix(s, "map["), "]")
			for _, part := range strings.Split(s, "] ") {
				topic, ps, ok := strings.Cut(strings.TrimSuffix(part, "]"), ":[")
				if !ok {
					continue
				}
				for _, p := range strings.Fields(ps) {
					out[topic+"/"+p] = id
				}
			}
		}
		return out
	}
	b, a := owners(before), owners(after)
	n := 0
	for k, o := range a {
		if b[k] != o {
			n++
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			n++
		}
	}
	return n
}

// A member really joins, then one really leaves: the preview made before
// each change (--join-id with the joiner's client id, as member ids are
// client.id-UUID; --leave with the real member id) must equal the group
// afterwards, moves included. kgo's eager sticky members rejoin with no
// previous assignment; its cooperative members send what they own.
func TestAssignPredictsJoinsAndLeavesFranzGo(t *testing.T) {
	for _, c := range []struct {
		name string
		bal  func() kgo.GroupBalancer
	}{{"sticky", kgo.StickyBalancer}, {"cooperative-sticky", kgo.CooperativeStickyBalancer}, {"range", kgo.RangeBalancer}} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			brokers, prefix := testCluster(t, t.Cleanup)
			group, topic := prefix+"kgo-join-"+c.name, prefix+"orders"
			setupTopic(t, brokers, topic, 8)
			start := func(i int) *lab.Member {
				m, err := lab.StartMember(brokers, lab.MemberSpec{Group: group, Topics: []string{topic}, ClientID: fmt.Sprintf("kgo-%d", i), Balancer: c.bal()})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(m.Close)
				return m
			}
			var ms []*lab.Member
			for i := 0; i < 3; i++ {
				ms = append(ms, start(i))
			}
			waitMembers(t, brokers, group, 3, 8)
			_, before := memberState(t, brokers, group)

			var join simPreview
			kgroupsJSON(t, brokers, &join, "assign", "--from-group", group, "--assignor", c.name, "--client", "franz-go", "--join-id", "kgo-3-")
			start(3)
			waitMembers(t, brokers, group, 4, 8)
			clients, after := memberState(t, brokers, group)
			rename := map[string]string{}
			for id, cid := range clients {
				if cid == "kgo-3" {
					rename["kgo-3-"] = id
				}
			}
			checkChange(t, "join", join, before, after, rename)

			// kgo-0 leaves.
			var leaver string
			for id, cid := range clients {
				if cid == "kgo-0" {
					leaver = id
				}
			}
			var leave simPreview
			kgroupsJSON(t, brokers, &leave, "assign", "--from-group", group, "--assignor", c.name, "--client", "franz-go", "--leave", leaver)
			ms[0].Close()
			waitMembers(t, brokers, group, 3, 8)
			_, afterLeave := memberState(t, brokers, group)
			checkChange(t, "leave", leave, after, afterLeave, nil)
		})
	}
}

// The same for kcat (librdkafka) members.
func TestAssignPredictsJoinsAndLeavesKcat(t *testing.T) {
	kcat := needTool(t, "kcat")
	for _, assignor := range kcatJoinAssignors {
		t.Run(assignor, func(t *testing.T) {
			t.Parallel()
			brokers, prefix := testCluster(t, t.Cleanup)
			group, topic, other := prefix+"kc-join-"+assignor, prefix+"orders", prefix+"payments"
			setupTopic(t, brokers, topic, 5)
			setupTopic(t, brokers, other, 3)
			stops := map[int]func(){}
			start := func(i int) {
				c := exec.Command(kcat, "-b", strings.Join(brokers, ","), "-G", group, "-q",
					"-X", "partition.assignment.strategy="+assignor, "-X", fmt.Sprintf("client.id=kc-%d", i),
					"-X", "enable.auto.offset.store=false", "-X", "auto.offset.reset=earliest", topic, other)
				if err := c.Start(); err != nil {
					t.Fatal(err)
				}
				// SIGTERM: kcat closes the consumer and leaves the group.
				stop := func() { c.Process.Signal(os.Interrupt); c.Wait() }
				stops[i] = stop
				t.Cleanup(func() { c.Process.Kill(); c.Wait() })
			}
			for i := 0; i < 3; i++ {
				start(i)
			}
			waitMembers(t, brokers, group, 3, 8)
			_, before := memberState(t, brokers, group)
			var join simPreview
			kgroupsJSON(t, brokers, &join, "assign", "--from-group", group, "--assignor", assignor, "--client", "librdkafka", "--join-id", "kc-3-")
			start(3)
			waitMembers(t, brokers, group, 4, 8)
			clients, after := memberState(t, brokers, group)
			rename := map[string]string{}
			var leaver string
			for id, cid := range clients {
				switch cid {
				case "kc-3":
					rename["kc-3-"] = id
				case "kc-0":
					leaver = id
				}
			}
			checkChange(t, "join", join, before, after, rename)
			var leave simPreview
			kgroupsJSON(t, brokers, &leave, "assign", "--from-group", group, "--assignor", assignor, "--client", "librdkafka", "--leave", leaver)
			stops[0]()
			waitMembers(t, brokers, group, 3, 8)
			_, afterLeave := memberState(t, brokers, group)
			checkChange(t, "leave", leave, after, afterLeave, nil)
		})
	}
}

var kcatJoinAssignors = []string{"range", "roundrobin", "cooperative-sticky"}

// A KIP-848 group: --from-group reads the topic ids from Metadata, so the
// uniform preview orders topics as the broker does and says nothing about
// unknown ids.
func TestAssignFromGroupReadsTopicIDs(t *testing.T) {
	brokers, prefix := testCluster(t, t.Cleanup)
	group, t1, t2 := prefix+"kip848-uniform", prefix+"a-topic", prefix+"b-topic"
	setupTopic(t, brokers, t1, 5)
	setupTopic(t, brokers, t2, 3)
	for i := 0; i < 3; i++ {
		m, err := lab.StartMember(brokers, lab.MemberSpec{Group: group, Topics: []string{t1, t2}, ClientID: fmt.Sprintf("k848-%d", i), KIP848: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(m.Close)
	}
	waitMembers(t, brokers, group, 3, 8)
	var preview struct {
		Notes []string `json:"notes"`
	}
	kgroupsJSON(t, brokers, &preview, "assign", "--from-group", group, "--assignor", "uniform")
	notes := strings.Join(preview.Notes, " ")
	if strings.Contains(notes, "topic ids are not known") || !strings.Contains(notes, "HashSet order of topic ids") {
		t.Fatalf("notes: %s", notes)
	}
}
