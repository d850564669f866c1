package explain

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kgroups/kgroups/describe"
)

func sets(kv ...string) []Setting {
	var out []Setting
	for _, s := range kv {
		k, v, _ := strings.Cut(s, "=")
		out = append(out, Setting{Key: k, Value: v, Source: "--set"})
	}
	return out
}

// find returns the finding with id, if any.
func find(t *testing.T, in Input, id string) *Finding {
	t.Helper()
	rep, err := Explain(in)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rep.Findings {
		if rep.Findings[i].ID == id {
			return &rep.Findings[i]
		}
	}
	return nil
}

// fixSettings turns "a=1 (why), or b=2" into the first key=value of a fix.
var fixKV = regexp.MustCompile(`([a-z.]+)=([0-9a-z-]+(?:,[0-9a-z-]+)*)`)

// applyFix applies every key=value of the fix's first alternative (the text
// before ", or"): "max.poll.records=1 and max.poll.interval.ms=720000" sets both.
func applyFix(in Input, f *Finding) Input {
	first, _, _ := strings.Cut(f.Fix, ", or ")
	in.Settings = append([]Setting(nil), in.Settings...)
	for _, m := range fixKV.FindAllStringSubmatch(first, -1) {
		in.Settings = append(in.Settings, Setting{Key: m[1], Value: m[2], Source: "fix"})
	}
	return in
}

type boundaryCase struct {
	name     string
	in       Input
	severity string   // "" = no finding
	numbers  []string // must appear in the detail
}

func runBoundaries(t *testing.T, id string, cases []boundaryCase, fixClears bool) {
	t.Helper()
	for _, c := range cases {
		t.Run(id+"/"+c.name, func(t *testing.T) {
			f := find(t, c.in, id)
			switch {
			case c.severity == "" && f != nil:
				t.Fatalf("unexpected %s finding: %s", f.Severity, f.Detail)
			case c.severity != "" && f == nil:
				t.Fatalf("no %s finding", id)
			case f == nil:
				return
			}
			if f.Severity != c.severity {
				t.Fatalf("severity %s, want %s: %s", f.Severity, c.severity, f.Detail)
			}
			for _, n := range c.numbers {
				if !strings.Contains(f.Detail, n) {
					t.Errorf("detail lacks %q: %s", n, f.Detail)
				}
			}
			if f.Fix == "" || f.Title == "" || f.Facts == nil {
				t.Fatalf("incomplete finding %+v", f)
			}
			if fixClears {
				if again := find(t, applyFix(c.in, f), id); again != nil {
					t.Fatalf("the fix %q did not clear it: %s", f.Fix, again.Detail)
				}
			}
		})
	}
}

func TestPollBudget(t *testing.T) {
	in := func(records string, lat time.Duration) Input {
		return Input{Client: Java, Settings: sets("max.poll.records=" + records), Workload: Workload{RecordLatency: lat}}
	}
	runBoundaries(t, "poll-budget", []boundaryCase{
		{"half the interval", in("150", time.Second), "", nil},
		{"just over half", in("151", time.Second), Warn, []string{"151 × 1 s", "151 s per poll", "300 s"}},
		{"exactly the interval", in("300", time.Second), Warn, []string{"300 × 1 s per record = 300 s per poll", "(100% of it)"}},
		{"just over", in("301", time.Second), Error, []string{"301 × 1 s per record = 301 s per poll", "max.poll.interval.ms is 300 s (java default)"}},
		{"ms latency", in("500", 700*time.Millisecond), Error, []string{"500 × 700 ms per record = 350 s"}},
	}, true)
	// The interval fix alone clears it too.
	f := find(t, in("500", time.Second), "poll-budget")
	if !strings.Contains(f.Fix, "max.poll.records=150") || !strings.Contains(f.Fix, "max.poll.interval.ms=1000000") {
		t.Fatalf("fix %q", f.Fix)
	}
	if find(t, Input{Client: Java, Settings: sets("max.poll.interval.ms=1000000"), Workload: Workload{RecordLatency: time.Second}}, "poll-budget") != nil {
		t.Fatal("the interval fix did not clear it")
	}
	// librdkafka: one message per poll; franz-go: no such limit.
	if f := find(t, Input{Client: Librdkafka, Workload: Workload{RecordLatency: 301 * time.Second}}, "poll-budget"); f == nil || f.Severity != Error {
		t.Fatal("librdkafka: a message slower than the interval must be an error")
	}
	if f := find(t, Input{Client: FranzGo, Workload: Workload{RecordLatency: time.Hour}}, "poll-budget"); f == nil || f.Severity != Info {
		t.Fatal("franz-go: want the info that there is no poll interval")
	}
	if find(t, Input{Client: Java}, "poll-budget") != nil {
		t.Fatal("no latency given: no poll-budget finding")
	}
}

func TestHeartbeatSession(t *testing.T) {
	in := func(hb string) Input {
		return Input{Client: Java, Settings: sets("heartbeat.interval.ms="+hb, "session.timeout.ms=45000")}
	}
	runBoundaries(t, "heartbeat-session", []boundaryCase{
		{"a third", in("15000"), "", nil},
		{"just over a third", in("15001"), Warn, []string{"15.0 s", "45 s"}},
		{"just under the session", in("44999"), Warn, []string{"45.0 s"}},
		{"equal to the session", in("45000"), Error, []string{"heartbeat.interval.ms 45 s (--set) vs session.timeout.ms 45 s (--set)"}},
	}, true)
	// kafka-python's 10 s session with its 3 s heartbeat is fine; 4 s is not.
	if find(t, Input{Client: KafkaPython}, "heartbeat-session") != nil {
		t.Fatal("kafka-python defaults flagged")
	}
	if find(t, Input{Client: KafkaPython, Settings: sets("heartbeat_interval_ms=4000")}, "heartbeat-session") == nil {
		t.Fatal("kafka-python underscore key not read")
	}
}

func TestSessionRange(t *testing.T) {
	in := func(s string) Input {
		return Input{Client: Java, Settings: sets("session.timeout.ms="+s, "heartbeat.interval.ms=1000")}
	}
	runBoundaries(t, "session-range", []boundaryCase{
		{"at the minimum", in("6000"), "", nil},
		{"below the minimum", in("5999"), Error, []string{"6.0 s", "[6 s, 1800 s]", "INVALID_SESSION_TIMEOUT"}},
		{"at the maximum", in("1800000"), "", nil},
		{"above the maximum", in("1800001"), Error, []string{"1800.0 s"}},
	}, true)
	narrow := Input{Client: Java, Settings: sets("session.timeout.ms=45000"), Broker: BrokerLimits{MinSession: 6 * time.Second, MaxSession: 30 * time.Second, Source: "the cluster's broker configs"}}
	if f := find(t, narrow, "session-range"); f == nil || !strings.Contains(f.Detail, "the cluster's broker configs") {
		t.Fatal("cluster limits not used")
	}
}

func TestEagerRebalance(t *testing.T) {
	in := func(strategy string, consumers int) Input {
		s := []Setting{}
		if strategy != "" {
			s = sets("partition.assignment.strategy=" + strategy)
		}
		return Input{Client: Java, Settings: s, Workload: Workload{Consumers: consumers}}
	}
	runBoundaries(t, "eager-rebalance", []boundaryCase{
		{"cooperative only", in("cooperative-sticky", 4), "", nil},
		{"java default, one consumer", in("", 1), Info, []string{"range,cooperative-sticky (java default)", "Java's default"}},
		{"java default, many consumers", in("", 4), Warn, []string{"eager range"}},
		{"class names", in("org.apache.kafka.clients.consumer.RoundRobinAssignor", 2), Warn, []string{"eager roundrobin"}},
	}, true)
	if find(t, Input{Client: FranzGo, Workload: Workload{Consumers: 4}}, "eager-rebalance") != nil {
		t.Fatal("franz-go defaults to cooperative-sticky")
	}
	f := find(t, Input{Client: Librdkafka, Workload: Workload{Consumers: 3}}, "eager-rebalance")
	if f == nil || !strings.Contains(f.Fix, "refuses a list mixing eager and cooperative") {
		t.Fatal("librdkafka default range,roundrobin is eager, with its own upgrade path")
	}
}

func TestStaticMembership(t *testing.T) {
	in := func(restart time.Duration, kv ...string) Input {
		return Input{Client: Java, Settings: sets(kv...), Workload: Workload{RollingDeploys: true, Consumers: 5, RestartTime: restart}}
	}
	runBoundaries(t, "static-membership", []boundaryCase{
		{"no instance id", in(30 * time.Second), Warn, []string{"5 instances causes about 10 rebalances"}},
		{"instance id, restart within session", in(45*time.Second, "group.instance.id=pod-1"), "", nil},
		{"instance id, restart longer than session", in(46*time.Second, "group.instance.id=pod-1"), Warn, []string{"46 s", "45 s (java default)"}},
	}, false)
	f := find(t, in(46*time.Second, "group.instance.id=pod-1"), "static-membership")
	if again := find(t, applyFix(in(46*time.Second, "group.instance.id=pod-1"), f), "static-membership"); again != nil {
		t.Fatalf("fix %q did not clear it", f.Fix)
	}
	if find(t, Input{Client: Java}, "static-membership") != nil {
		t.Fatal("no rolling deploys: nothing to say")
	}
}

func TestIdleConsumersAndThroughput(t *testing.T) {
	idle := func(c, p int) Input {
		return Input{Client: Java, Workload: Workload{Consumers: c, Partitions: p, PartitionsFrom: "--partitions"}}
	}
	runBoundaries(t, "idle-consumers", []boundaryCase{
		{"equal", idle(6, 6), "", nil},
		{"one more", idle(7, 6), Warn, []string{"7 consumers on 6 partitions", "only 6 consume and 1 sit idle"}},
	}, false)

	tp := func(consumers int, rate float64) Input {
		return Input{Client: Java, Workload: Workload{Consumers: consumers, Partitions: 12, RecordLatency: 10 * time.Millisecond, ProduceRate: rate}}
	}
	runBoundaries(t, "throughput", []boundaryCase{
		{"25% headroom", tp(4, 320), "", nil},
		{"exactly the rate", tp(4, 400), Warn, []string{"4 effective consumer(s) × 100 records/s", "400 records/s against 400"}},
		{"just over", tp(4, 401), Error, []string{"lag grows by 1 records/s", "3,600 per hour"}},
	}, false)
	f := find(t, tp(4, 401), "throughput")
	if f.Facts["consumers_needed"] != 6 {
		t.Fatalf("consumers needed %v, want 6 (ceil(1.25 × 401 / 100))", f.Facts["consumers_needed"])
	}
	if find(t, tp(6, 401), "throughput") != nil {
		t.Fatal("the fix (6 consumers) did not clear it")
	}
	// Partitions cap the consumers that help.
	capped := Input{Client: Java, Workload: Workload{Consumers: 10, Partitions: 2, RecordLatency: 10 * time.Millisecond, ProduceRate: 300}}
	if f := find(t, capped, "throughput"); f == nil || f.Severity != Error || !strings.Contains(f.Fix, "at least 4 partitions") {
		t.Fatalf("partition cap: %+v", f)
	}
}

func TestFetchAndCommitRules(t *testing.T) {
	runBoundaries(t, "fetch-timeout", []boundaryCase{
		{"below", Input{Client: Java, Settings: sets("fetch.max.wait.ms=29999")}, "", nil},
		{"equal", Input{Client: Java, Settings: sets("fetch.max.wait.ms=30000")}, Error, []string{"30 s", "30 s (java default)"}},
		{"librdkafka names", Input{Client: Librdkafka, Settings: sets("fetch.wait.max.ms=60000")}, Error, []string{"60 s"}},
	}, true)
	runBoundaries(t, "fetch-size", []boundaryCase{
		{"equal", Input{Client: Java, Settings: sets("max.partition.fetch.bytes=52428800")}, "", nil},
		{"larger", Input{Client: Java, Settings: sets("max.partition.fetch.bytes=52428801")}, Warn, []string{"52,428,801", "52,428,800"}},
	}, true)
	if f := find(t, Input{Client: Librdkafka}, "auto-commit"); f == nil || f.Severity != Warn || !strings.Contains(f.Fix, "enable.auto.offset.store=false") {
		t.Fatal("librdkafka auto offset store: want a warning")
	}
	if find(t, Input{Client: Librdkafka, Settings: sets("enable.auto.offset.store=false")}, "auto-commit").Severity != Info {
		t.Fatal("with the store off it is only the duplicate window")
	}
	if f := find(t, Input{Client: Java, Workload: Workload{ProduceRate: 200}}, "auto-commit"); !strings.Contains(f.Detail, "about 1,000 duplicates") {
		t.Fatalf("duplicates not quantified: %s", f.Detail)
	}
	if find(t, Input{Client: Java, Settings: sets("enable.auto.commit=false")}, "auto-commit") != nil {
		t.Fatal("auto-commit off: nothing to say")
	}
}

func TestKIP848Keys(t *testing.T) {
	cases := []struct {
		client string
		kv     []string
		sev    string
		want   string
	}{
		{Java, []string{"group.protocol=consumer", "session.timeout.ms=30000", "partition.assignment.strategy=range"}, Error,
			`ConfigException "partition.assignment.strategy, session.timeout.ms cannot be set when group.protocol=CONSUMER"`},
		{FranzGo, []string{"group.protocol=consumer", "session.timeout.ms=30000"}, Warn, "franz-go ignores them"},
		{Java, []string{"group.protocol=consumer"}, Info, "the broker assigns partitions"},
		{Java, []string{"group.remote.assignor=uniform"}, Error, "group.protocol is classic"},
	}
	for _, c := range cases {
		f := find(t, Input{Client: c.client, Settings: sets(c.kv...)}, "kip848-keys")
		if f == nil || f.Severity != c.sev || !strings.Contains(f.Detail, c.want) {
			t.Errorf("%s %v: %+v", c.client, c.kv, f)
		}
	}
	// Under KIP-848 the classic session/heartbeat rules do not apply.
	if find(t, Input{Client: Java, Settings: sets("group.protocol=consumer", "heartbeat.interval.ms=50000")}, "heartbeat-session") != nil {
		t.Fatal("classic rule applied to a consumer-protocol config")
	}
}

func TestUnknownKeysAndBadValues(t *testing.T) {
	f := find(t, Input{Client: Java, Settings: sets("max.poll.record=100")}, "unknown-key")
	if f == nil || f.Severity != Warn || !strings.Contains(f.Title, "did you mean max.poll.records?") {
		t.Fatalf("%+v", f)
	}
	if f := find(t, Input{Client: Java, Settings: sets("my.app.setting=1")}, "unknown-key"); f == nil || f.Severity != Info {
		t.Fatalf("%+v", f)
	}
	if find(t, Input{Client: Java, Settings: sets("bootstrap.servers=x:1", "ssl.truststore.location=/x", "group.id=g")}, "unknown-key") != nil {
		t.Fatal("valid keys reported as unknown")
	}
	_, err := Explain(Input{Client: Java, Settings: []Setting{{Key: "max.poll.records", Value: "lots", Source: "c.properties:3"}}, Workload: Workload{RecordLatency: time.Second}})
	if err == nil || err.Error() != `c.properties:3: max.poll.records="lots" is not a positive whole number` {
		t.Fatalf("bad value: %v", err)
	}
	// A bad value is refused even when no rule would read it (no workload).
	for _, c := range []struct{ set, want string }{
		{"fetch.min.bytes=abc", `--set: fetch.min.bytes="abc" is not a positive whole number`},
		{"fetch.max.bytes=1MB", `--set: fetch.max.bytes="1MB" is not a positive whole number`},
		{"auto.commit.interval.ms=5s", `--set: auto.commit.interval.ms="5s" is not a whole number of milliseconds`},
		{"enable.auto.offset.store=yes", `--set: enable.auto.offset.store="yes" is not true or false`},
	} {
		kv := strings.SplitN(c.set, "=", 2)
		_, err := Explain(Input{Client: Librdkafka, Settings: []Setting{{Key: kv[0], Value: kv[1], Source: "--set"}}})
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: got %v, want %q", c.set, err, c.want)
		}
	}
}

// The realistic bad config, and a good one.
func TestRealisticConfigs(t *testing.T) {
	bad := Input{Client: Java,
		Settings: sets("heartbeat.interval.ms=20000", "session.timeout.ms=45000", "partition.assignment.strategy=range"),
		Workload: Workload{RecordLatency: time.Second, Consumers: 8, Partitions: 6, PartitionsFrom: "--partitions"}}
	rep, err := Explain(bad)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, f.Severity+":"+f.ID)
	}
	want := []string{"error:poll-budget", "warn:eager-rebalance", "warn:heartbeat-session", "warn:idle-consumers", "info:auto-commit", "info:offset-reset"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("findings\n got %v\nwant %v", got, want)
	}
	if rep.Worst() != Error {
		t.Fatal("worst should be error")
	}
	good := Input{Client: Java,
		Settings: sets("max.poll.records=100", "partition.assignment.strategy=cooperative-sticky", "enable.auto.commit=false", "auto.offset.reset=earliest"),
		Workload: Workload{RecordLatency: time.Second, Consumers: 6, Partitions: 6, ProduceRate: 4}}
	rep, _ = Explain(good)
	if len(rep.Findings) != 0 {
		t.Fatalf("good config has findings: %+v", rep.Findings)
	}
}

func TestDescribeKey(t *testing.T) {
	doc, err := Describe("session_timeout_ms")
	if err != nil || doc.Key != "session.timeout.ms" || len(doc.Defaults) != 4 {
		t.Fatalf("%+v %v", doc, err)
	}
	byClient := map[string]string{}
	for _, d := range doc.Defaults {
		byClient[d.Client] = *d.Default
	}
	if byClient[KafkaPython] != "10000" || byClient[Java] != "45000" {
		t.Fatalf("defaults %v", byClient)
	}
	if _, err := Describe("sesion.timeout.ms"); err == nil || !strings.Contains(err.Error(), "did you mean session.timeout.ms?") {
		t.Fatalf("%v", err)
	}
	// Every key documents every client, with a source.
	keys := make([]string, 0, len(Keys))
	for k := range Keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, c := range Clients {
			if _, ok := Keys[k].Defaults[c]; !ok {
				t.Errorf("%s: no %s default recorded (use \"\" for no such setting)", k, c)
			}
		}
	}
}

// Live rules over literal views (the kfake tests build real groups).
func TestStuckRebalanceNeedsTwoSamples(t *testing.T) {
	view := func(state string) describe.GroupView {
		return describe.GroupView{Group: "g", State: &state, Members: []describe.MemberView{}}
	}
	in := func(a, b string) Input {
		return Input{Client: Java, Live: &Live{First: view(a), Second: view(b), Interval: 5 * time.Second}}
	}
	if f := find(t, in("PreparingRebalance", "CompletingRebalance"), "stuck-rebalance"); f == nil || f.Severity != Error {
		t.Fatal("two rebalancing samples must be an error")
	}
	if find(t, in("PreparingRebalance", "Stable"), "stuck-rebalance") != nil {
		t.Fatal("a rebalance that finished is not stuck")
	}
}

// Issue 14's corrections, one test per rule.

// franz-go v1.22.2 (source.go): nothing consumed resumes at the log start;
// only unlocatable data loss rewinds, and that re-reads, never skips.
func TestOffsetResetFranzGoFromSource(t *testing.T) {
	t.Parallel()
	f := find(t, Input{Client: FranzGo}, "offset-reset")
	if f == nil {
		t.Fatal("no offset-reset finding for franz-go")
	}
	for _, want := range []string{"resumes at the log start", "one minute before the last record it consumed", "none skipped", "ErrDataLoss"} {
		if !strings.Contains(f.Detail, want) {
			t.Errorf("detail lacks %q: %s", want, f.Detail)
		}
	}
	if strings.Contains(f.Detail, "log end") || strings.Contains(f.Detail, "are skipped") {
		t.Errorf("the old false rewind-to-the-end text is back: %s", f.Detail)
	}
	if find(t, Input{Client: Java, Settings: sets("auto.offset.reset=earliest")}, "offset-reset") != nil {
		t.Error("Java earliest replays: nothing to say")
	}
}

// heartbeat >= session: what each client really does, from its source.
func TestHeartbeatNotBelowSessionPerClient(t *testing.T) {
	t.Parallel()
	cases := []struct {
		client, hb, session, title, detail string
	}{
		{Java, "45000", "45000", "the Java consumer refuses to start", "IllegalArgumentException"},
		{Java, "50000", "45000", "the Java consumer refuses to start", "Heartbeat must be set lower than the session timeout"},
		{FranzGo, "50000", "45000", "franz-go refuses to create the client", "kgo.NewClient"},
		{FranzGo, "45000", "45000", "the session expires between two heartbeats", "franz-go v1.22.2 accepts it"},
		{KafkaPython, "20000", "10000", "kafka-python refuses to start", "Heartbeat interval must be lower"},
		{KafkaPython, "10000", "10000", "the session expires between two heartbeats", "kafka-python 2.0.2 accepts it"},
		{Librdkafka, "50000", "45000", "the session expires between two heartbeats", "librdkafka 2.0.2 accepts it"},
	}
	for _, c := range cases {
		f := find(t, Input{Client: c.client, Settings: sets("heartbeat.interval.ms="+c.hb, "session.timeout.ms="+c.session)}, "heartbeat-session")
		if f == nil || f.Severity != Error || f.Title != c.title || !strings.Contains(f.Detail, c.detail) {
			t.Errorf("%s hb=%s session=%s: %+v", c.client, c.hb, c.session, f)
			continue
		}
		if again := find(t, applyFix(Input{Client: c.client, Settings: sets("heartbeat.interval.ms="+c.hb, "session.timeout.ms="+c.session)}, f), "heartbeat-session"); again != nil {
			t.Errorf("%s: the fix %q did not clear it", c.client, f.Fix)
		}
	}
	// 20 s against 45 s: one lost heartbeat leaves a 40 s gap (fine); two
	// leave 60 s and evict. The old text said one lost heartbeat evicts.
	f := find(t, Input{Client: Java, Settings: sets("heartbeat.interval.ms=20000")}, "heartbeat-session")
	if f == nil || f.Severity != Warn || !strings.Contains(f.Detail, "2 lost heartbeat(s) in a row leave a 60 s gap") || strings.Contains(f.Detail, "one delayed or lost") {
		t.Fatalf("%+v", f)
	}
	if f.Facts["lost_heartbeats_to_evict"] != int64(2) {
		t.Errorf("facts %v", f.Facts)
	}
}

// librdkafka 2.0.2's own property list decides what it accepts.
func TestUnknownKeysPerClient(t *testing.T) {
	t.Parallel()
	f := find(t, Input{Client: Librdkafka, Settings: sets("max.poll.records=100")}, "unknown-key")
	if f == nil || f.Severity != Error || !strings.Contains(f.Detail, "No such configuration property") || !strings.Contains(f.Detail, "java, kafka-python setting") {
		t.Fatalf("librdkafka max.poll.records: %+v", f)
	}
	for _, k := range []string{"socket.keepalive.enable=true", "log.connection.close=false", "fetch.wait.max.ms=100", "queued.min.messages=1000"} {
		if f := find(t, Input{Client: Librdkafka, Settings: sets(k)}, "unknown-key"); f != nil {
			t.Errorf("librdkafka %s is valid: %+v", k, f)
		}
	}
	// A Java name librdkafka spells differently: rejected, with its name there.
	f = find(t, Input{Client: Librdkafka, Settings: sets("fetch.max.wait.ms=100")}, "unknown-key")
	if f == nil || f.Severity != Error || f.Fix != "rename it to fetch.wait.max.ms" {
		t.Fatalf("%+v", f)
	}
	// Java logs a librdkafka-only key as unused and starts.
	f = find(t, Input{Client: Java, Settings: sets("socket.keepalive.enable=true")}, "unknown-key")
	if f == nil || f.Severity != Info || !strings.Contains(f.Detail, "It is a librdkafka setting") {
		t.Fatalf("java socket.keepalive.enable: %+v", f)
	}
	// kafka-python refuses unknown configs.
	f = find(t, Input{Client: KafkaPython, Settings: sets("group.instance.id=a")}, "unknown-key")
	if f == nil || f.Severity != Error || !strings.Contains(f.Detail, "Unrecognized configs") {
		t.Fatalf("kafka-python group.instance.id: %+v", f)
	}
	// A producer property on a librdkafka consumer: a note, and not applied.
	rep, err := Explain(Input{Client: Librdkafka, Settings: sets("request.timeout.ms=100", "fetch.wait.max.ms=500")})
	if err != nil {
		t.Fatal(err)
	}
	var note, timeout bool
	for _, f := range rep.Findings {
		note = note || (f.ID == "unknown-key" && f.Severity == Info && strings.Contains(f.Detail, "producer property"))
		timeout = timeout || f.ID == "fetch-timeout"
	}
	if !note || timeout {
		t.Fatalf("producer property: note %v, applied %v: %+v", note, timeout, rep.Findings)
	}
}

// enable.auto.offset.store=false: auto-commit commits what the application
// stored, not what poll handed out.
func TestAutoCommitOffsetStoreMechanism(t *testing.T) {
	t.Parallel()
	f := find(t, Input{Client: Librdkafka, Settings: sets("enable.auto.offset.store=false")}, "auto-commit")
	if f == nil || f.Severity != Info || !strings.Contains(f.Detail, "commits only the offsets the application stored with rd_kafka_offsets_store()") ||
		!strings.Contains(f.Detail, "background thread commits the stored offsets") {
		t.Fatalf("%+v", f)
	}
	if strings.Contains(f.Detail, "returned by poll are committed") {
		t.Errorf("old mechanism text: %s", f.Detail)
	}
	if f := find(t, Input{Client: Java}, "auto-commit"); f == nil || !strings.Contains(f.Detail, "from inside poll()") {
		t.Fatalf("java: %+v", f)
	}
}

// 6 minutes per record with 500 records: one record per poll, not 100 hours.
func TestPollBudgetOneRecordFix(t *testing.T) {
	t.Parallel()
	in := Input{Client: Java, Workload: Workload{RecordLatency: 6 * time.Minute}}
	f := find(t, in, "poll-budget")
	if f == nil || !strings.HasPrefix(f.Fix, "max.poll.records=1 and max.poll.interval.ms=720000") {
		t.Fatalf("%+v", f)
	}
	if again := find(t, applyFix(in, f), "poll-budget"); again != nil {
		t.Fatalf("the fix %q did not clear it: %s", f.Fix, again.Detail)
	}
}

// explain KEY answers for every key of every client's table.
func TestDescribeEveryTableKey(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"fetch.min.bytes", "retry.backoff.ms", "check.crcs"} {
		doc, err := Describe(key)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if d := doc.Defaults[0]; d.Client != Java || d.Default == nil {
			t.Fatalf("%s: java default missing: %+v", key, d)
		}
	}
	if doc, _ := Describe("check.crcs"); *doc.Defaults[0].Default != "true" {
		t.Errorf("check.crcs java default %q", *doc.Defaults[0].Default)
	}
	for _, c := range Clients {
		for name := range Tables[c].Keys {
			if _, err := Describe(name); err != nil {
				t.Errorf("%s %s: %v", c, name, err)
			}
		}
	}
	_, err := Describe("fetch.min.byte")
	if err == nil || !strings.Contains(err.Error(), "did you mean fetch.min.bytes?") {
		t.Fatalf("typo: %v", err)
	}
}

// hotGroup builds two samples of a Stable group on topic t, with one
// member owning every partition (or no member): each partition's lag and
// log end in the first and the second sample.
func hotGroup(members bool, lag1, lag2, end1, end2 []int64) *Live {
	view := func(lags, ends []int64) describe.GroupView {
		state, typ, owner := "Stable", "classic", "c-1"
		g := describe.GroupView{Group: "g", State: &state, Type: &typ, Members: []describe.MemberView{}}
		if members {
			g.Members = append(g.Members, describe.MemberView{MemberID: "m-1", ClientID: owner, Partitions: len(lags)})
		}
		var total int64
		for i, l := range lags {
			committed := ends[i] - l
			p := describe.PartitionView{Topic: "t", Partition: int32(i), CommittedOffset: &committed, LogEndOffset: &ends[i], Lag: &lags[i]}
			if members {
				p.ClientID = &owner
			}
			g.Partitions = append(g.Partitions, p)
			total += l
			if g.Summary.MaxLag == nil || l > g.Summary.MaxLag.Lag {
				g.Summary.MaxLag = &describe.PartitionLag{Topic: "t", Partition: int32(i), Lag: l}
			}
		}
		g.TotalLag = &total
		return g
	}
	return &Live{First: view(lag1, end1), Second: view(lag2, end2), Interval: 5 * time.Second}
}

// A hot key needs members consuming, a two-thirds majority of the lag and
// evidence over the two samples (lag growing, or produce skew); a group
// with no members or a partition whose lag a commit below the log start
// explains is never one.
func TestHotPartitionNeedsEvidence(t *testing.T) {
	t.Parallel()
	ends := []int64{1000, 1000, 1000}
	flat := []int64{1000, 1000, 1000}
	cases := []struct {
		name       string
		members    bool
		lag1, lag2 []int64
		end2       []int64
		belowStart bool
		want       string // "" for no finding, else a detail fragment
	}{
		{"below two thirds", true, []int64{189, 51, 50}, []int64{199, 51, 50}, flat, false, ""},
		{"at two thirds", true, []int64{190, 50, 50}, []int64{200, 50, 50}, flat, false, "t/0 has 200 of the group's 300 lag (67%), owned by c-1, and between the samples 5 s apart its lag grew by 10"},
		{"above two thirds", true, []int64{240, 25, 25}, []int64{250, 25, 25}, flat, false, "250 of the group's 300 lag (83%)"},
		{"no members", false, []int64{240, 25, 25}, []int64{250, 25, 25}, flat, false, ""},
		{"lag from a commit below the log start", true, []int64{240, 25, 25}, []int64{250, 25, 25}, flat, true, ""},
		{"lag stood, nothing produced", true, []int64{250, 25, 25}, []int64{250, 25, 25}, flat, false, ""},
		{"lag stood, produce skewed at two thirds", true, []int64{250, 25, 25}, []int64{250, 25, 25}, []int64{1020, 1005, 1005}, false, "it received 20 of the 30 records produced (67%)"},
		{"lag stood, produce below two thirds", true, []int64{250, 25, 25}, []int64{250, 25, 25}, []int64{1019, 1006, 1005}, false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			live := hotGroup(tc.members, tc.lag1, tc.lag2, ends, tc.end2)
			if tc.belowStart {
				start, anomaly := int64(900), describe.AnomalyBelowStart
				p := &live.Second.Partitions[0]
				*p.CommittedOffset, p.LogStartOffset, p.Anomaly = 100, &start, &anomaly
			}
			f := find(t, Input{Client: Java, Live: live}, "hot-partition")
			switch {
			case tc.want == "" && f != nil:
				t.Fatalf("no evidence, yet: %s", f.Detail)
			case tc.want != "" && (f == nil || !strings.Contains(f.Detail, tc.want)):
				t.Fatalf("want %q, got %+v", tc.want, f)
			}
			if s := find(t, Input{Client: Java, Live: live}, "slow-member"); s != nil {
				t.Fatalf("one partition with half the lag is not a slow member: %s", s.Detail)
			}
		})
	}
}
