// Package labtest starts an in-process kfake cluster for a test and puts it
// into known states: topics with records, committed offsets, live members.
package labtest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kgroups/kgroups/internal/lab"
)

// Lab is one test's cluster and a client to it.
type Lab struct {
	T       testing.TB
	Cluster *kfake.Cluster
	Brokers []string
	Cl      *kgo.Client
	Adm     *kadm.Client
	Ctx     context.Context
	undoDir string
}

// New starts a kfake cluster that is closed when the test ends.
func New(tb testing.TB, opts ...kfake.Opt) *Lab {
	tb.Helper()
	c, err := lab.NewFake(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Close)
	cl, err := lab.Client(c.ListenAddrs())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(cl.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	tb.Cleanup(cancel)
	return &Lab{T: tb, Cluster: c, Brokers: c.ListenAddrs(), Cl: cl, Adm: kadm.NewClient(cl), Ctx: ctx}
}

// Env is the environment a kgroups invocation uses to reach the lab.
// Undo files written without --undo-file go to a directory of the test's
// own, never into the package directory.
func (l *Lab) Env() map[string]string {
	if l.undoDir == "" {
		l.undoDir = l.T.TempDir()
	}
	return map[string]string{"KGROUPS_BROKERS": strings.Join(l.Brokers, ","), "KGROUPS_UNDO_DIR": l.undoDir}
}

// Topic creates a topic and writes records to every partition.
func (l *Lab) Topic(name string, partitions int32, records int) {
	l.T.Helper()
	l.TopicAt(name, partitions, records, time.Time{})
}

// TopicAt is Topic with record timestamps from ts, one millisecond apart.
func (l *Lab) TopicAt(name string, partitions int32, records int, ts time.Time) {
	l.T.Helper()
	if err := lab.CreateTopic(l.Ctx, l.Adm, name, partitions, nil); err != nil {
		l.T.Fatal(err)
	}
	for p := int32(0); p < partitions && records > 0; p++ {
		if err := lab.Produce(l.Ctx, l.Cl, name, p, records, ts); err != nil {
			l.T.Fatal(err)
		}
	}
}

// Commit commits offsets as an admin (the group must have no members).
func (l *Lab) Commit(group string, offsets map[string]map[int32]int64) {
	l.T.Helper()
	if err := lab.Commit(l.Ctx, l.Adm, group, offsets); err != nil {
		l.T.Fatal(err)
	}
}

// Member starts a real kgo consumer that leaves when the test ends (or
// when Close is called).
func (l *Lab) Member(spec lab.MemberSpec) *lab.Member {
	l.T.Helper()
	m, err := lab.StartMember(l.Brokers, spec)
	if err != nil {
		l.T.Fatal(err)
	}
	l.T.Cleanup(m.Close)
	return m
}

// ShareMember starts a real kgo share consumer (KIP-932) that leaves when
// the test ends. The group reads from the log start
// (share.auto.offset.reset=earliest), set first.
func (l *Lab) ShareMember(spec lab.ShareMemberSpec) *lab.Member {
	l.T.Helper()
	if err := lab.SetGroupConfigs(l.Ctx, l.Cl, spec.Group, map[string]string{"share.auto.offset.reset": "earliest"}); err != nil {
		l.T.Fatal(err)
	}
	m, err := lab.StartShareMember(l.Brokers, spec)
	if err != nil {
		l.T.Fatal(err)
	}
	l.T.Cleanup(m.Close)
	return m
}

// WaitShare waits until the share group has the members and the broker
// reports the share lag wanted (summed over partitions).
func (l *Lab) WaitShare(group string, members int, lag int64) {
	l.T.Helper()
	var last string
	for {
		d, err := l.Adm.DescribeShareGroups(l.Ctx, group)
		o, oerr := l.Adm.DescribeShareGroupOffsets(l.Ctx, group)
		if err == nil && oerr == nil {
			var sum int64
			n := 0
			o[group].Offsets.Each(func(so kadm.ShareOffset) {
				if so.Lag >= 0 {
					sum += so.Lag
					n++
				}
			})
			got := len(d[group].Members)
			if got == members && n > 0 && sum == lag {
				return
			}
			last = fmt.Sprintf("members=%d lag=%d over %d partitions", got, sum, n)
		} else {
			last = fmt.Sprintf("describe: %v / %v", err, oerr)
		}
		select {
		case <-l.Ctx.Done():
			l.T.Fatalf("share group %s never had %d members and lag %d: %s", group, members, lag, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// WaitAssigned waits until the group has the members and partitions.
func (l *Lab) WaitAssigned(group string, members, partitions int) {
	l.T.Helper()
	if err := lab.WaitGroupAssigned(l.Ctx, l.Cl, group, members, partitions); err != nil {
		l.T.Fatal(err)
	}
}

// WaitState waits until the group reports the state (e.g. Empty).
func (l *Lab) WaitState(group, state string) {
	l.T.Helper()
	for {
		d, err := l.Adm.DescribeGroups(l.Ctx, group)
		if err == nil && d[group].State == state {
			return
		}
		select {
		case <-l.Ctx.Done():
			l.T.Fatalf("group %s never reached %s", group, state)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Committed reads a group's committed offsets as {topic: {partition: offset}}.
func (l *Lab) Committed(group string) map[string]map[int32]int64 {
	l.T.Helper()
	resp, err := l.Adm.FetchOffsets(l.Ctx, group)
	out := map[string]map[int32]int64{}
	if err != nil {
		return out // kfake: unknown group
	}
	for t, ps := range resp {
		for p, o := range ps {
			if o.Err == nil && o.At >= 0 {
				if out[t] == nil {
					out[t] = map[int32]int64{}
				}
				out[t][p] = o.At
			}
		}
	}
	return out
}

// Counter counts the requests a kfake cluster receives, by API name.
type Counter struct {
	mu      sync.Mutex
	n       map[string]int
	stopped bool
}

// CountRequests starts counting every request the cluster handles. kfake
// keeps control functions that do not answer, so Stop ends the count.
func CountRequests(c *kfake.Cluster) *Counter {
	ct := &Counter{n: map[string]int{}}
	c.Control(func(req kmsg.Request) (kmsg.Response, error, bool) {
		ct.mu.Lock()
		if !ct.stopped {
			ct.n[kmsg.NameForKey(req.Key())]++
		}
		ct.mu.Unlock()
		return nil, nil, false
	})
	return ct
}

// Stop ends counting and returns the counts.
func (ct *Counter) Stop() map[string]int {
	ct.mu.Lock()
	defer ct.mu.Unlock()
	ct.stopped = true
	return ct.n
}
