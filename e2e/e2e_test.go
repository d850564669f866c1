// Package e2e runs the real kgroups main against a Kafka wire-protocol
// broker: an in-process kfake cluster per script, or the cluster named by
// KGROUPS_E2E_BROKERS (then every topic and group name gets a unique prefix,
// $RUN, so runs do not collide).
package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/kgroups/kgroups/cmd"
	"github.com/kgroups/kgroups/internal/lab"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"kgroups": func() { os.Exit(cmd.Main(cmd.BuildInfo{Version: "e2e"})) },
	})
}

// testCluster returns brokers for one test: a fresh kfake, or the real
// cluster from KGROUPS_E2E_BROKERS with a unique name prefix.
func testCluster(tb testing.TB, cleanup func(func())) (brokers []string, prefix string) {
	if real := os.Getenv("KGROUPS_E2E_BROKERS"); real != "" {
		return strings.Split(real, ","), fmt.Sprintf("e2e-%d-%d-", time.Now().Unix(), rand.IntN(1e6))
	}
	c, err := lab.NewFake()
	if err != nil {
		tb.Fatal(err)
	}
	cleanup(c.Close)
	return c.ListenAddrs(), ""
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			brokers, prefix := testCluster(env.T().(testing.TB), env.Defer)
			env.Setenv("KGROUPS_BROKERS", strings.Join(brokers, ","))
			env.Setenv("RUN", prefix)
			env.Setenv("NO_COLOR", "1")
			// default undo files land in $XDG_STATE_HOME/kgroups/undo
			env.Setenv("XDG_STATE_HOME", env.WorkDir+"/state")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"topic":        cmdTopic,
			"commit":       cmdCommit,
			"member":       cmdMember,
			"wait-group":   cmdWaitGroup,
			"share-member": cmdShareMember,
			"wait-share":   cmdWaitShare,
			"share-init":   cmdShareInit,
		},
	})
}

func labClient(ts *testscript.TestScript) (*kadm.Client, func()) {
	cl, err := lab.Client(strings.Split(ts.Getenv("KGROUPS_BROKERS"), ","))
	ts.Check(err)
	return kadm.NewClient(cl), cl.Close
}

func ctx30() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// topic NAME PARTITIONS RECORDS-PER-PARTITION
func cmdTopic(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: topic NAME PARTITIONS RECORDS")
	}
	parts, _ := strconv.Atoi(args[1])
	recs, _ := strconv.Atoi(args[2])
	adm, done := labClient(ts)
	defer done()
	ctx, cancel := ctx30()
	defer cancel()
	ts.Check(lab.CreateTopic(ctx, adm, args[0], int32(parts), nil))
	cl, err := lab.Client(strings.Split(ts.Getenv("KGROUPS_BROKERS"), ","))
	ts.Check(err)
	defer cl.Close()
	for p := 0; p < parts && recs > 0; p++ {
		ts.Check(lab.Produce(ctx, cl, args[0], int32(p), recs, time.Time{}))
	}
}

// commit GROUP TOPIC P=OFFSET...
func cmdCommit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: commit GROUP TOPIC P=OFFSET...")
	}
	offs := map[int32]int64{}
	for _, kv := range args[2:] {
		p, o, ok := strings.Cut(kv, "=")
		pi, err1 := strconv.Atoi(p)
		oi, err2 := strconv.ParseInt(o, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			ts.Fatalf("bad P=OFFSET %q", kv)
		}
		offs[int32(pi)] = oi
	}
	adm, done := labClient(ts)
	defer done()
	ctx, cancel := ctx30()
	defer cancel()
	ts.Check(lab.Commit(ctx, adm, args[0], map[string]map[int32]int64{args[1]: offs}))
}

// member GROUP TOPIC CLIENT-ID [kip848|cooperative]: a real kgo consumer
// that stays in the group until the script ends.
func cmdMember(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: member GROUP TOPIC CLIENT-ID [kip848]")
	}
	spec := lab.MemberSpec{Group: args[0], Topics: strings.Split(args[1], ","), ClientID: args[2]}
	for _, a := range args[3:] {
		switch a {
		case "kip848":
			spec.KIP848 = true
		default:
			ts.Fatalf("unknown member option %q", a)
		}
	}
	m, err := lab.StartMember(strings.Split(ts.Getenv("KGROUPS_BROKERS"), ","), spec)
	ts.Check(err)
	ts.Defer(m.Close)
}

// wait-group GROUP MEMBERS PARTITIONS
func cmdWaitGroup(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: wait-group GROUP MEMBERS PARTITIONS")
	}
	n, _ := strconv.Atoi(args[1])
	p, _ := strconv.Atoi(args[2])
	cl, err := lab.Client(strings.Split(ts.Getenv("KGROUPS_BROKERS"), ","))
	ts.Check(err)
	defer cl.Close()
	ctx, cancel := ctx30()
	defer cancel()
	ts.Check(lab.WaitGroupAssigned(ctx, cl, args[0], n, p))
}

// share-member GROUP TOPIC CLIENT-ID ACCEPT: a real kgo share consumer
// (KIP-932) that acknowledges ACCEPT records, then holds on (the rest stay
// in the share lag) until the script ends. The group reads from the log
// start (share.auto.offset.reset=earliest, set first).
func cmdShareMember(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 4 {
		ts.Fatalf("usage: share-member GROUP TOPIC CLIENT-ID ACCEPT")
	}
	accept, err := strconv.Atoi(args[3])
	ts.Check(err)
	brokers := strings.Split(ts.Getenv("KGROUPS_BROKERS"), ",")
	cl, err := lab.Client(brokers)
	ts.Check(err)
	defer cl.Close()
	ctx, cancel := ctx30()
	defer cancel()
	ts.Check(lab.SetGroupConfigs(ctx, cl, args[0], map[string]string{"share.auto.offset.reset": "earliest"}))
	m, err := lab.StartShareMember(brokers, lab.ShareMemberSpec{Group: args[0], Topics: strings.Split(args[1], ","), ClientID: args[2], Accept: accept})
	ts.Check(err)
	ts.Defer(m.Close)
}

// wait-share GROUP MEMBERS PARTITIONS: members joined, partitions assigned
// and with share state.
func cmdWaitShare(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: wait-share GROUP MEMBERS PARTITIONS")
	}
	n, _ := strconv.Atoi(args[1])
	p, _ := strconv.Atoi(args[2])
	cl, err := lab.Client(strings.Split(ts.Getenv("KGROUPS_BROKERS"), ","))
	ts.Check(err)
	defer cl.Close()
	ctx, cancel := ctx30()
	defer cancel()
	ts.Check(lab.WaitShareGroup(ctx, cl, args[0], n, p))
}

// share-init GROUP TOPIC P=OFFSET...: set a share group's start offsets
// (AlterShareGroupOffsets), creating the share group if it does not exist.
func cmdShareInit(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: share-init GROUP TOPIC P=OFFSET...")
	}
	var offs kadm.Offsets
	for _, kv := range args[2:] {
		p, o, ok := strings.Cut(kv, "=")
		pi, err1 := strconv.Atoi(p)
		oi, err2 := strconv.ParseInt(o, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			ts.Fatalf("bad P=OFFSET %q", kv)
		}
		offs.AddOffset(args[1], int32(pi), oi, -1)
	}
	adm, done := labClient(ts)
	defer done()
	ctx, cancel := ctx30()
	defer cancel()
	resp, err := adm.AlterShareGroupOffsets(ctx, args[0], offs)
	ts.Check(err)
	ts.Check(resp.Error())
}
