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

	"github.com/kgroups/kgroups/cluster"
	"github.com/kgroups/kgroups/cmd"
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
				m, err := cluster.StartMember(brokers, cluster.MemberSpec{Group: group, Topics: []string{topic}, ClientID: fmt.Sprintf("kgo-%d", i), Balancer: c.bal})
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
