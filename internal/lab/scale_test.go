package lab

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
)

// Scale.Seed leaves exactly the groups, topics and commits it says.
func TestScaleSeed(t *testing.T) {
	t.Parallel()
	c, err := NewFake(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cl, err := Client(c.ListenAddrs())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := (Scale{Groups: 5, Topics: 2, Pool: 3, Partitions: 4}).Seed(ctx, cl); err != nil {
		t.Fatal(err)
	}
	adm := kadm.NewClient(cl)
	listed, err := adm.ListGroups(ctx)
	if err != nil || len(listed) != 5 {
		t.Fatalf("groups %v %v", listed.Groups(), err)
	}
	off, err := adm.FetchOffsets(ctx, "group-00004")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	off.Each(func(o kadm.OffsetResponse) { got[o.Topic]++ })
	// group 4 commits topics 4%3 and 5%3 of the pool, 4 partitions each
	if fmt.Sprint(got) != "map[topic-001:4 topic-002:4]" {
		t.Fatalf("group-00004 committed %v", got)
	}
}
