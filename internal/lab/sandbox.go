package lab

import (
	"context"
	crand "crypto/rand"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// SandboxGroup is one group of the sandbox story.
type SandboxGroup struct {
	Name    string
	Story   string
	Members int // live members once settled
	Parts   int // partitions assigned once settled (live groups)
	Share   bool
}

// SandboxGroups is the story the sandbox seeds, in the order it is told.
var SandboxGroups = []SandboxGroup{
	{"payments-processor", "healthy: 2 range members keep up with a steady stream", 2, 4, false},
	{"orders-fulfillment", "one hot partition: orders/2 gets most traffic, 2 slow cooperative-sticky members fall behind", 2, 6, false},
	{"inventory-sync", "4 members on a 2-partition topic: 2 members sit idle", 4, 2, false},
	{"clickstream-etl", "KIP-848 (server-side assignor) members that never commit", 2, 3, false},
	{"audit-archiver", "Empty; its commits fell below the log start (records deleted by retention)", 0, 0, false},
	{"reporting-batch", "Empty and caught up (a nightly batch job between runs)", 0, 0, false},
	{"jobs-workers", "share group (KIP-932): 2 share consumers on a queue; worker-1 acknowledged 40 records and holds on, worker-2 never acknowledges: the start offsets stand and the share lag grows", 2, 3, true},
	{"jobs-replay", "share group, Empty: start offsets set to 50 before first use, records waiting", 0, 0, true},
}

// SandboxOptions tunes the sandbox.
type SandboxOptions struct {
	Brokers int   // default 3
	Ports   []int // fixed ports, else random free loopback ports
	Logf    func(format string, args ...any)
}

// Sandbox is a running, seeded kfake cluster.
type Sandbox struct {
	Cluster *kfake.Cluster
	Addrs   []string
	members []*Member
	cl      *kgo.Client
	stop    context.CancelFunc
	wg      sync.WaitGroup
}

// StartSandbox starts a kfake cluster on loopback and seeds the story:
// topics, backlogs, commits, live members and producers that keep writing.
// It returns once every live group has settled.
func StartSandbox(ctx context.Context, opts SandboxOptions) (*Sandbox, error) {
	logf := opts.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	kopts := []kfake.Opt{kfake.NumBrokers(max(opts.Brokers, 1))}
	if opts.Brokers == 0 {
		kopts[0] = kfake.NumBrokers(3)
	}
	if len(opts.Ports) > 0 {
		kopts = append(kopts, kfake.Ports(opts.Ports...))
	}
	// A cluster id of its own (kfake's default is the same for every
	// cluster), so a plan made on one sandbox is told apart from another.
	var id [16]byte
	_, _ = crand.Read(id[:])
	kopts = append(kopts, kfake.ClusterID(base64.RawURLEncoding.EncodeToString(id[:])))
	c, err := kfake.NewCluster(kopts...)
	if err != nil {
		return nil, fmt.Errorf("starting the sandbox cluster: %w", err)
	}
	sb := &Sandbox{Cluster: c, Addrs: c.ListenAddrs()}
	ok := false
	defer func() {
		if !ok {
			sb.Close()
		}
	}()
	cl, err := Client(sb.Addrs)
	if err != nil {
		return nil, err
	}
	sb.cl = cl
	adm := kadm.NewClient(cl)

	topics := []struct {
		name       string
		partitions int32
	}{{"payments", 4}, {"orders", 6}, {"inventory", 2}, {"clickstream", 3}, {"audit-log", 3}, {"reports", 2}, {"jobs", 3}}
	for _, t := range topics {
		if err := CreateTopic(ctx, adm, t.name, t.partitions, nil); err != nil {
			return nil, fmt.Errorf("creating topic %s: %w", t.name, err)
		}
	}
	logf("seeded topics")

	// History: a day of backlog, timestamps an hour apart from yesterday.
	yesterday := time.Now().Add(-24 * time.Hour)
	seed := map[string][]int{
		"payments": {200, 200, 200, 200}, "orders": {300, 300, 6000, 300, 300, 300},
		"inventory": {50, 50}, "clickstream": {400, 400, 400}, "audit-log": {1000, 1000, 1000}, "reports": {120, 80},
		"jobs": {100, 100, 100},
	}
	for t, counts := range seed {
		for p, n := range counts {
			if err := Produce(ctx, cl, t, int32(p), n, yesterday); err != nil {
				return nil, fmt.Errorf("producing to %s/%d: %w", t, p, err)
			}
		}
	}
	commitAll := func(group, topic string, offs map[int32]int64) error {
		return Commit(ctx, adm, group, map[string]map[int32]int64{topic: offs})
	}
	// Commits made before members join (admin commits need an empty group).
	if err := commitAll("payments-processor", "payments", map[int32]int64{0: 200, 1: 200, 2: 200, 3: 200}); err != nil {
		return nil, err
	}
	if err := commitAll("orders-fulfillment", "orders", map[int32]int64{0: 300, 1: 300, 2: 1000, 3: 300, 4: 300, 5: 300}); err != nil {
		return nil, err
	}
	if err := commitAll("inventory-sync", "inventory", map[int32]int64{0: 50, 1: 50}); err != nil {
		return nil, err
	}
	if err := commitAll("audit-archiver", "audit-log", map[int32]int64{0: 100, 1: 150, 2: 1000}); err != nil {
		return nil, err
	}
	if err := commitAll("reporting-batch", "reports", map[int32]int64{0: 120, 1: 80}); err != nil {
		return nil, err
	}
	// Retention deleted the oldest audit records: audit-archiver's commits on
	// partitions 0 and 1 now point below the log start.
	for p := int32(0); p < 2; p++ {
		if err := DeleteRecordsBefore(ctx, adm, "audit-log", p, 400); err != nil {
			return nil, err
		}
	}
	logf("seeded commits")
	if err := seedShareGroups(ctx, sb, adm); err != nil {
		return nil, err
	}
	logf("seeded share groups")

	specs := []MemberSpec{
		{Group: "payments-processor", Topics: []string{"payments"}, ClientID: "payments-1", AutoCommit: true},
		{Group: "payments-processor", Topics: []string{"payments"}, ClientID: "payments-2", AutoCommit: true},
		{Group: "orders-fulfillment", Topics: []string{"orders"}, ClientID: "fulfil-1", AutoCommit: true,
			Balancer: kgo.CooperativeStickyBalancer(), MaxPoll: 40, Throttle: 500 * time.Millisecond},
		{Group: "orders-fulfillment", Topics: []string{"orders"}, ClientID: "fulfil-2", AutoCommit: true,
			Balancer: kgo.CooperativeStickyBalancer(), MaxPoll: 40, Throttle: 500 * time.Millisecond},
		{Group: "clickstream-etl", Topics: []string{"clickstream"}, ClientID: "etl-1", KIP848: true},
		{Group: "clickstream-etl", Topics: []string{"clickstream"}, ClientID: "etl-2", KIP848: true},
	}
	for i := 1; i <= 4; i++ {
		specs = append(specs, MemberSpec{Group: "inventory-sync", Topics: []string{"inventory"},
			ClientID: fmt.Sprintf("inventory-%d", i), AutoCommit: true})
	}
	for _, s := range specs {
		m, err := StartMember(sb.Addrs, s)
		if err != nil {
			return nil, err
		}
		sb.members = append(sb.members, m)
	}
	for _, g := range SandboxGroups {
		if g.Members == 0 {
			continue
		}
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		wait := WaitGroupAssigned
		if g.Share {
			wait = WaitShareGroup
		}
		err := wait(wctx, cl, g.Name, g.Members, g.Parts)
		cancel()
		if err != nil {
			return nil, err
		}
		logf("group %s settled", g.Name)
	}

	pctx, stop := context.WithCancel(context.Background())
	sb.stop = stop
	sb.wg.Add(1)
	go sb.produceForever(pctx)
	ok = true
	return sb, nil
}

// produceForever keeps traffic flowing so lag moves: a steady stream to
// payments, clickstream and inventory, and a hot key on orders/2.
func (sb *Sandbox) produceForever(ctx context.Context) {
	defer sb.wg.Done()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		var recs []*kgo.Record
		add := func(topic string, p int32, n int) {
			for i := 0; i < n; i++ {
				recs = append(recs, &kgo.Record{Topic: topic, Partition: p, Value: []byte("event")})
			}
		}
		add("payments", rand.Int32N(4), 2)
		add("orders", 2, 12)
		add("orders", rand.Int32N(6), 1)
		add("clickstream", rand.Int32N(3), 3)
		add("inventory", rand.Int32N(2), 1)
		add("jobs", rand.Int32N(3), 1)
		sb.cl.ProduceSync(ctx, recs...)
	}
}

// Close stops producers and members and shuts the cluster down.
func (sb *Sandbox) Close() {
	if sb.stop != nil {
		sb.stop()
		sb.wg.Wait()
	}
	var wg sync.WaitGroup
	for _, m := range sb.members {
		wg.Add(1)
		go func() { defer wg.Done(); m.Close() }()
	}
	wg.Wait()
	if sb.cl != nil {
		sb.cl.Close()
	}
	sb.Cluster.Close()
}
