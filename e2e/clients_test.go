package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kgroups/kgroups/internal/lab"
)

// needTool finds a third-party client. In CI (CI=true) a missing client is
// a failure, not a skip: .ci/run installs them.
func needTool(t *testing.T, path string) string {
	t.Helper()
	p, err := exec.LookPath(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; CI must install it (.ci/run: apt-get install kcat python3-kafka jq prometheus)", path)
		}
		t.Skipf("%s not installed (apt-get install kcat python3-kafka prometheus)", path)
	}
	return p
}

// startClient runs a member process until the test ends.
func startClient(t *testing.T, name string, args ...string) {
	t.Helper()
	c := exec.Command(name, args...)
	c.Stdout, c.Stderr = nil, nil
	if testing.Verbose() {
		c.Stderr = os.Stderr
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Process.Kill(); c.Wait() })
}

type describedGroup struct {
	Group    string `json:"group"`
	State    string `json:"state"`
	Protocol string `json:"protocol"`
	Members  []struct {
		MemberID   string             `json:"member_id"`
		ClientID   string             `json:"client_id"`
		Assignment map[string][]int32 `json:"assignment"`
	} `json:"members"`
}

// describeJSON runs `kgroups describe GROUP -o json` in-process.
func describeJSON(t *testing.T, brokers []string, group string) describedGroup {
	t.Helper()
	var doc struct {
		Groups []describedGroup `json:"groups"`
	}
	kgroupsJSON(t, brokers, &doc, "describe", group)
	if len(doc.Groups) != 1 {
		t.Fatalf("describe %s: %d groups", group, len(doc.Groups))
	}
	return doc.Groups[0]
}

func setupTopic(t *testing.T, brokers []string, topic string, partitions int32) {
	t.Helper()
	cl, err := lab.Client(brokers)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := lab.CreateTopic(ctx, kadm.NewClient(cl), topic, partitions, nil); err != nil {
		t.Fatal(err)
	}
	for p := int32(0); p < partitions; p++ {
		if err := lab.Produce(ctx, cl, topic, p, 5, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
}

func waitMembers(t *testing.T, brokers []string, group string, members, partitions int) {
	t.Helper()
	cl, err := lab.Client(brokers)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := lab.WaitGroupAssigned(ctx, cl, group, members, partitions); err != nil {
		t.Fatal(err)
	}
}

// checkRange asserts Kafka's range layout: members ordered by member id
// (client.id-uuid), contiguous ranges, extras to the first.
func checkRange(t *testing.T, g describedGroup, topic string, partitions int) {
	t.Helper()
	ms := g.Members
	sort.Slice(ms, func(i, j int) bool { return ms[i].MemberID < ms[j].MemberID })
	next := int32(0)
	for i, m := range ms {
		n := partitions / len(ms)
		if i < partitions%len(ms) {
			n++
		}
		var want []int32
		for k := 0; k < n; k++ {
			want = append(want, next)
			next++
		}
		if fmt.Sprint(m.Assignment[topic]) != fmt.Sprint(want) {
			t.Errorf("member %s (%s): %v, want range %v", m.ClientID, m.MemberID, m.Assignment[topic], want)
		}
	}
}

func TestKcatMembersSeenByDescribe(t *testing.T) {
	kcat := needTool(t, "kcat")
	brokers, prefix := testCluster(t, t.Cleanup)
	topic, group := prefix+"kc-orders", prefix+"kc-group"
	setupTopic(t, brokers, topic, 5)
	for _, id := range []string{"kc-m0", "kc-m1"} {
		startClient(t, kcat, "-b", strings.Join(brokers, ","), "-G", group, "-q",
			"-X", "partition.assignment.strategy=range", "-X", "client.id="+id,
			"-X", "enable.auto.offset.store=false", "-X", "auto.offset.reset=earliest", topic)
	}
	waitMembers(t, brokers, group, 2, 5)
	g := describeJSON(t, brokers, group)
	if g.State != "Stable" || g.Protocol != "range" || len(g.Members) != 2 {
		t.Fatalf("group %+v", g)
	}
	clients := []string{g.Members[0].ClientID, g.Members[1].ClientID}
	sort.Strings(clients)
	if fmt.Sprint(clients) != "[kc-m0 kc-m1]" {
		t.Fatalf("client ids %v", clients)
	}
	checkRange(t, g, topic, 5)
}

func TestKafkaPythonMembersSeenByDescribe(t *testing.T) {
	// Debian's own python3, which sees Debian's python3-kafka (a pyenv
	// python3 earlier on PATH does not).
	py := needTool(t, "/usr/bin/python3")
	if err := exec.Command(py, "-c", "import kafka").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3-kafka is not importable by %s: %v", py, err)
		}
		t.Skipf("python3-kafka not installed: %v", err)
	}
	brokers, prefix := testCluster(t, t.Cleanup)
	topic, group := prefix+"py-orders", prefix+"py-group"
	setupTopic(t, brokers, topic, 4)
	for _, id := range []string{"py-a", "py-b"} {
		startClient(t, py, "testdata/clients/python_member.py", strings.Join(brokers, ","), group, topic, id, "roundrobin")
	}
	waitMembers(t, brokers, group, 2, 4)
	g := describeJSON(t, brokers, group)
	if g.Protocol != "roundrobin" || len(g.Members) != 2 {
		t.Fatalf("group %+v", g)
	}
	// Round robin over member-id order: the first member gets 0 and 2.
	ms := g.Members
	sort.Slice(ms, func(i, j int) bool { return ms[i].MemberID < ms[j].MemberID })
	if fmt.Sprint(ms[0].Assignment[topic]) != "[0 2]" || fmt.Sprint(ms[1].Assignment[topic]) != "[1 3]" {
		t.Fatalf("assignments %v / %v, want [0 2] / [1 3]", ms[0].Assignment[topic], ms[1].Assignment[topic])
	}
}
