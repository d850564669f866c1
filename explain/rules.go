package explain

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Severities, most severe first.
const (
	Error = "error"
	Warn  = "warn"
	Info  = "info"
)

// SeverityRank orders severities (higher is worse); unknown is -1.
func SeverityRank(s string) int {
	switch s {
	case Error:
		return 2
	case Warn:
		return 1
	case Info:
		return 0
	}
	return -1
}

// Finding is one diagnosis: what, why in numbers, and what to set.
type Finding struct {
	ID       string         `json:"id" yaml:"id"`
	Severity string         `json:"severity" yaml:"severity"`
	Title    string         `json:"title" yaml:"title"`
	Detail   string         `json:"detail" yaml:"detail"`
	Fix      string         `json:"fix" yaml:"fix"`
	Facts    map[string]any `json:"facts" yaml:"facts"`
}

// Report is `kgroups explain -o json`.
type Report struct {
	SchemaVersion int       `json:"schema_version" yaml:"schema_version"`
	Client        string    `json:"client" yaml:"client"`
	Group         *string   `json:"group" yaml:"group"`
	GroupType     *string   `json:"group_type" yaml:"group_type"` // with --group: classic, consumer, share, ...
	Findings      []Finding `json:"findings" yaml:"findings"`
}

// Explain runs every rule over the input. Findings come most severe first,
// then by id.
func Explain(in Input) (Report, error) {
	if in.Client == "" {
		in.Client = Java
	}
	if in.Broker.MaxSession == 0 {
		in.Broker = DefaultBrokerLimits
	}
	rep := Report{SchemaVersion: 1, Client: in.Client, Findings: []Finding{}}
	c, unknown := newConfig(in)
	if err := c.validate(); err != nil {
		return rep, err
	}
	// Unless the assignors were given, a classic live group's chosen
	// protocol is better evidence than the client's default list.
	if in.Live != nil && !c.isSet("partition.assignment.strategy") {
		g := in.Live.Second
		if g.Protocol != nil && *g.Protocol != "" && g.Type != nil && *g.Type == "classic" {
			c.values["partition.assignment.strategy"] = *g.Protocol
			c.set["partition.assignment.strategy"] = Setting{Key: "partition.assignment.strategy", Value: *g.Protocol, Source: "the live group's protocol"}
		}
	}
	// A live KIP-848 group (type consumer) runs group.protocol=consumer:
	// the broker assigns, so the client-side assignor and session rules do
	// not apply unless the user's own settings say otherwise.
	if liveKIP848(in) && !c.isSet("group.protocol") {
		c.values["group.protocol"] = "consumer"
		c.set["group.protocol"] = Setting{Key: "group.protocol", Value: "consumer", Source: liveProtocolSource}
	}
	rules := []func(*config, Input) ([]Finding, error){
		unknownKeys(unknown), pollBudget, heartbeatSession, sessionRange, rebalanceProtocol, staticMembership,
		idleConsumers, throughput, autoCommit, offsetReset, fetchTiming, kip848Keys,
	}
	if liveOnly(in) { // a share group: no consumer-config rule applies
		rules = nil
	}
	for _, rule := range rules {
		fs, err := rule(c, in)
		if err != nil {
			return rep, err
		}
		rep.Findings = append(rep.Findings, fs...)
	}
	if in.Live != nil {
		name := in.Live.Second.Group
		rep.Group = &name
		rep.GroupType = in.Live.Second.Type
		if liveOnly(in) {
			rep.Findings = append(rep.Findings, shareRules(in)...)
		} else {
			rep.Findings = append(rep.Findings, liveRules(c, in)...)
		}
	}
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		a, b := rep.Findings[i], rep.Findings[j]
		if SeverityRank(a.Severity) != SeverityRank(b.Severity) {
			return SeverityRank(a.Severity) > SeverityRank(b.Severity)
		}
		return a.ID < b.ID
	})
	return rep, nil
}

// Worst returns the highest severity among findings ("" when none).
func (r Report) Worst() string {
	worst := ""
	for _, f := range r.Findings {
		if SeverityRank(f.Severity) > SeverityRank(worst) {
			worst = f.Severity
		}
	}
	return worst
}

func unknownKeys(unknown []Setting) func(*config, Input) ([]Finding, error) {
	return func(c *config, in Input) ([]Finding, error) {
		var out []Finding
		t := Tables[in.Client]
		label := tableLabel(in.Client)
		for _, s := range unknown {
			facts := map[string]any{"key": s.Key, "source": s.Source, "client": label}
			rename := equivalent(in.Client, s.Key)
			if rename == "" {
				rename = closestFor(in.Client, s.Key)
			}
			if rename != "" {
				facts["suggestion"] = rename
			}
			var also string
			if others := crossClient(in.Client, s.Key); others != "" {
				also = fmt.Sprintf(" It is a %s setting.", others)
				facts["known_to"] = others
			}
			if t.RejectsUnknown {
				detail := fmt.Sprintf("%s sets %q, which %s does not have: ", s.Source, s.Key, label)
				if in.Client == Librdkafka {
					detail += "rd_kafka_conf_set answers \"No such configuration property\" and the consumer is not created."
				} else {
					detail += "KafkaConsumer raises KafkaConfigurationError (\"Unrecognized configs\") and the consumer is not created."
				}
				detail += also
				if in.Client == Librdkafka && Canonical(s.Key) == "max.poll.records" {
					detail += " librdkafka hands the application one message per rd_kafka_consumer_poll call (rd_kafka_consume_batch takes a count)."
				}
				fix := "remove it"
				if rename != "" {
					fix = "rename it to " + rename
				}
				out = append(out, Finding{ID: "unknown-key", Severity: Error,
					Title: fmt.Sprintf("%s rejects %s: no such property", label, s.Key), Detail: detail, Fix: fix, Facts: facts})
				continue
			}
			ignored := fmt.Sprintf("the %s consumer logs it as supplied but not used and starts without it", label)
			if in.Client == FranzGo {
				ignored = "franz-go has options, not properties, and no option for it"
			}
			if rename != "" {
				out = append(out, Finding{ID: "unknown-key", Severity: Warn,
					Title:  fmt.Sprintf("%s is not a %s consumer setting (did you mean %s?)", s.Key, label, rename),
					Detail: fmt.Sprintf("%s sets %q: %s, so the value you meant for %s is not applied.%s", s.Source, s.Key, ignored, rename, also),
					Fix:    "rename it to " + rename, Facts: facts})
				continue
			}
			out = append(out, Finding{ID: "unknown-key", Severity: Info,
				Title:  fmt.Sprintf("%s is not a %s consumer setting", s.Key, label),
				Detail: fmt.Sprintf("%s sets %q: %s.%s", s.Source, s.Key, ignored, also),
				Fix:    "remove it, or check the spelling against your client's configuration reference", Facts: facts})
		}
		if in.Client == Librdkafka {
			for _, s := range in.Settings {
				k, ok := t.Lookup(s.Key)
				if !ok || !(k.Producer || k.Deprecated) {
					continue
				}
				what, fix := "a producer property: librdkafka warns that a consumer ignores it", "remove it from the consumer's configuration"
				if k.Deprecated {
					what, fix = "marked DEPRECATED in librdkafka 2.0.2", "remove it; see librdkafka's CONFIGURATION.md for its replacement"
				}
				out = append(out, Finding{ID: "unknown-key", Severity: Info,
					Title:  fmt.Sprintf("%s has no effect on a %s consumer", s.Key, label),
					Detail: fmt.Sprintf("%s sets %q, %s.", s.Source, s.Key, what),
					Fix:    fix, Facts: map[string]any{"key": s.Key, "source": s.Source, "client": label}})
			}
		}
		return out, nil
	}
}

// equivalent is the client's own name for a key another client spells
// differently (Java fetch.max.wait.ms is librdkafka's fetch.wait.max.ms),
// "" when there is none.
func equivalent(client, key string) string {
	canon := Canonical(key)
	if client == Librdkafka {
		return nativeName(Librdkafka, canon)
	}
	if canon != native(client, key) { // a librdkafka alias written for Java, kafka-python or franz-go
		if n := nativeName(client, canon); n != "" {
			return n
		}
		if client == FranzGo {
			if _, ok := Tables[Java].Keys[canon]; ok {
				return canon
			}
		}
	}
	return ""
}

// pollBudget: one batch (max.poll.records x per-record latency) must finish
// within max.poll.interval.ms, with headroom.
func pollBudget(c *config, in Input) ([]Finding, error) {
	lat := in.Workload.RecordLatency
	if lat <= 0 {
		return nil, nil
	}
	if in.Client == FranzGo {
		return []Finding{{ID: "poll-budget", Severity: Info,
			Title:  "franz-go has no max.poll.interval.ms",
			Detail: "kgo never leaves the group because processing is slow; a slow poll loop instead delays every rebalance of the group (kgo.RebalanceTimeout, 60 s by default) and, with BlockRebalanceOnPoll, blocks it.",
			Fix:    "keep each PollRecords batch short; nothing to set",
			Facts:  map[string]any{"record_latency_ms": lat.Milliseconds()}}}, nil
	}
	interval, _, err := c.ms("max.poll.interval.ms")
	if err != nil {
		return nil, err
	}
	records := int64(1) // librdkafka hands the application one message per poll
	if in.Client != Librdkafka {
		if records, _, err = c.int("max.poll.records"); err != nil {
			return nil, err
		}
	}
	batch := time.Duration(records) * lat
	facts := map[string]any{"max_poll_records": records, "record_latency_ms": lat.Milliseconds(),
		"batch_ms": batch.Milliseconds(), "max_poll_interval_ms": interval.Milliseconds()}
	arith := fmt.Sprintf("max.poll.records %d × %s per record = %s per poll; max.poll.interval.ms is %s (%s)",
		records, fmtDur(lat), fmtDur(batch), fmtDur(interval), c.where("max.poll.interval.ms"))
	if in.Client == Librdkafka {
		arith = fmt.Sprintf("one message × %s = %s between polls; max.poll.interval.ms is %s (%s)", fmtDur(lat), fmtDur(batch), fmtDur(interval), c.where("max.poll.interval.ms"))
	}
	safe := int64(float64(interval) / 2 / float64(lat))
	need := 2 * batch
	need = ((need + time.Second - 1) / time.Second) * time.Second
	fix := fmt.Sprintf("max.poll.interval.ms=%d", need.Milliseconds())
	switch {
	case in.Client == Librdkafka:
	case safe >= 1:
		fix = fmt.Sprintf("max.poll.records=%d (the largest batch that keeps 50%% headroom), or %s", safe, fix)
	case records > 1:
		// Not even one record fits with headroom: one record per poll and
		// an interval for it is the smallest change, not an interval for
		// the whole batch.
		one := ((2*lat + time.Second - 1) / time.Second) * time.Second
		fix = fmt.Sprintf("max.poll.records=1 and max.poll.interval.ms=%d (one record per poll, 50%% headroom), or %s", one.Milliseconds(), fix)
		facts["interval_needed_for_one_record_ms"] = one.Milliseconds()
	}
	facts["largest_safe_max_poll_records"] = safe
	facts["interval_needed_ms"] = need.Milliseconds()
	switch {
	case batch > interval:
		return []Finding{{ID: "poll-budget", Severity: Error,
			Title:  "a poll's batch takes longer than max.poll.interval.ms",
			Detail: arith + ". The consumer is evicted mid-batch, the group rebalances, and another member redoes the same batch — forever.",
			Fix:    fix, Facts: facts}}, nil
	case batch*2 > interval:
		return []Finding{{ID: "poll-budget", Severity: Warn,
			Title:  "a poll's batch uses over half of max.poll.interval.ms",
			Detail: arith + fmt.Sprintf(" (%.0f%% of it). A slow downstream or a GC pause pushes it over: eviction and rebalance.", 100*float64(batch)/float64(interval)),
			Fix:    fix, Facts: facts}}, nil
	}
	return nil, nil
}

// heartbeatSession: heartbeats at most a third of the session timeout.
func heartbeatSession(c *config, in Input) ([]Finding, error) {
	if c.consumerProtocol() {
		return nil, nil
	}
	session, ok1, err := c.ms("session.timeout.ms")
	if err != nil {
		return nil, err
	}
	hb, ok2, err := c.ms("heartbeat.interval.ms")
	if err != nil || !ok1 || !ok2 {
		return nil, err
	}
	facts := map[string]any{"heartbeat_interval_ms": hb.Milliseconds(), "session_timeout_ms": session.Milliseconds()}
	arith := fmt.Sprintf("heartbeat.interval.ms %s (%s) vs session.timeout.ms %s (%s)", fmtDur(hb), c.where("heartbeat.interval.ms"),
		fmtDur(session), c.where("session.timeout.ms"))
	fix := fmt.Sprintf("heartbeat.interval.ms=%d (a third of the session timeout)", (session / 3).Milliseconds())
	if hb >= session {
		// What each client does, from its source: Java's Heartbeat
		// constructor (clients/consumer/internals/Heartbeat.java) throws on
		// >=; kgo's config validation (config.go) and kafka-python's
		// Heartbeat (coordinator/heartbeat.py) refuse only >; librdkafka
		// 2.0.2 accepts any pair and the broker expires the session.
		var title, detail string
		switch {
		case in.Client == Java:
			title = "the Java consumer refuses to start"
			detail = arith + `: constructing the consumer throws IllegalArgumentException "Heartbeat must be set lower than the session timeout" (Heartbeat.java), so it never joins the group.`
		case in.Client == FranzGo && hb > session:
			title = "franz-go refuses to create the client"
			detail = arith + `: kgo.NewClient fails validation ("heartbeat interval ... is erroneously larger than the session timeout", config.go).`
		case in.Client == KafkaPython && hb > session:
			title = "kafka-python refuses to start"
			detail = arith + `: constructing the consumer fails an assertion ("Heartbeat interval must be lower than the session timeout", coordinator/heartbeat.py).`
		default:
			title = "the session expires between two heartbeats"
			detail = arith + fmt.Sprintf(": %s accepts it, but each next heartbeat is due only when the session has already run out, so the coordinator evicts the member and the group rebalances again and again.", tableLabel(in.Client))
		}
		return []Finding{{ID: "heartbeat-session", Severity: Error, Title: title, Detail: detail, Fix: fix, Facts: facts}}, nil
	}
	if hb*3 > session {
		// k lost heartbeats in a row leave a gap of (k+1) heartbeat
		// intervals; the session expires once that gap reaches it.
		lost := int64((session+hb-1)/hb) - 1
		facts["lost_heartbeats_to_evict"] = lost
		return []Finding{{ID: "heartbeat-session", Severity: Warn, Title: "heartbeat interval is over a third of the session timeout",
			Detail: arith + fmt.Sprintf(": %d lost heartbeat(s) in a row leave a %s gap, at or past the session timeout, and evict the member; at a third, the member survives two.",
				lost, fmtDur(time.Duration(lost+1)*hb)),
			Fix: fix, Facts: facts}}, nil
	}
	return nil, nil
}

// sessionRange: the broker rejects a JoinGroup whose session timeout is
// outside group.min/max.session.timeout.ms.
func sessionRange(c *config, in Input) ([]Finding, error) {
	if c.consumerProtocol() {
		return nil, nil
	}
	session, ok, err := c.ms("session.timeout.ms")
	if err != nil || !ok {
		return nil, err
	}
	b := in.Broker
	facts := map[string]any{"session_timeout_ms": session.Milliseconds(), "broker_min_ms": b.MinSession.Milliseconds(),
		"broker_max_ms": b.MaxSession.Milliseconds(), "broker_limits_from": b.Source}
	var fix string
	switch {
	case session < b.MinSession:
		fix = fmt.Sprintf("session.timeout.ms=%d", b.MinSession.Milliseconds())
	case session > b.MaxSession:
		fix = fmt.Sprintf("session.timeout.ms=%d (or raise group.max.session.timeout.ms on the brokers)", b.MaxSession.Milliseconds())
	default:
		return nil, nil
	}
	return []Finding{{ID: "session-range", Severity: Error, Title: "session.timeout.ms is outside what the brokers allow",
		Detail: fmt.Sprintf("session.timeout.ms %s (%s) is outside [%s, %s] (group.min/max.session.timeout.ms, %s): every JoinGroup fails with INVALID_SESSION_TIMEOUT and the consumer never joins.",
			fmtDur(session), c.where("session.timeout.ms"), fmtDur(b.MinSession), fmtDur(b.MaxSession), b.Source),
		Fix: fix, Facts: facts}}, nil
}

var eagerAssignors = map[string]bool{"range": true, "roundrobin": true, "sticky": true}

// liveProtocolSource names group.protocol=consumer taken from a live
// KIP-848 group rather than from the user's settings.
const liveProtocolSource = "the live group's type (consumer)"

// liveKIP848 reports a live group of type consumer (KIP-848).
func liveKIP848(in Input) bool {
	return in.Live != nil && in.Live.Second.Type != nil && strings.EqualFold(*in.Live.Second.Type, "consumer")
}

// rebalanceProtocol: one eager assignor in the list makes the member eager.
// In a live KIP-848 group the broker assigns and no rebalance is eager,
// whatever the member's assignor list says.
func rebalanceProtocol(c *config, in Input) ([]Finding, error) {
	if c.consumerProtocol() || liveKIP848(in) {
		return nil, nil
	}
	assignors := c.assignors()
	var eager []string
	for _, a := range assignors {
		if eagerAssignors[a] {
			eager = append(eager, a)
		}
	}
	if len(eager) == 0 {
		return nil, nil
	}
	consumers := in.Workload.Consumers
	sev := Info
	if consumers > 1 || in.Workload.RollingDeploys {
		sev = Warn
	}
	detail := fmt.Sprintf("partition.assignment.strategy=%s (%s) includes eager %s, so the member uses the EAGER protocol: every rebalance revokes every partition of every member, and the whole group stops until it completes.",
		strings.Join(assignors, ","), c.where("partition.assignment.strategy"), strings.Join(eager, ", "))
	if strings.Join(assignors, ",") == "range,cooperative-sticky" {
		detail += " (This is Java's default: cooperative-sticky is listed only to allow the upgrade.)"
	}
	if in.Workload.RollingDeploys && consumers > 0 {
		detail += fmt.Sprintf(" A rolling deploy of %d consumers triggers about %d such stop-the-world rebalances.", consumers, 2*consumers)
	}
	var fix string
	switch in.Client {
	case Java:
		fix = "partition.assignment.strategy=cooperative-sticky, reached on a live group in two rolling deploys: first range,cooperative-sticky on every member (the group keeps using range), then cooperative-sticky alone. Never jump straight from range alone to cooperative-sticky alone: the members would share no assignor and the rebalance fails (INCONSISTENT_GROUP_PROTOCOL). Or move to group.protocol=consumer (KIP-848, Kafka 4.0+)"
	case Librdkafka:
		fix = "partition.assignment.strategy=cooperative-sticky; librdkafka refuses a list mixing eager and cooperative, so a live group must switch all members at once (librdkafka 2.0.2 has no group.protocol; a later librdkafka with KIP-848 can move to group.protocol=consumer)"
	case KafkaPython:
		fix = "kafka-python has no cooperative assignor: the group stays eager (use a client that supports cooperative-sticky or KIP-848)"
	default:
		fix = "partition.assignment.strategy=cooperative-sticky (kgo.Balancers(kgo.CooperativeStickyBalancer()))"
	}
	return []Finding{{ID: "eager-rebalance", Severity: sev, Title: "rebalances stop the whole group (eager protocol)",
		Detail: detail, Fix: fix, Facts: map[string]any{"assignors": assignors, "eager": eager}}}, nil
}

// staticMembership: rolling deploys without group.instance.id rebalance on
// every restart; with it, the session must outlast a restart.
func staticMembership(c *config, in Input) ([]Finding, error) {
	w := in.Workload
	if !w.RollingDeploys || c.consumerProtocol() {
		return nil, nil
	}
	restart := w.RestartTime
	if restart <= 0 {
		restart = 30 * time.Second
	}
	session, _, err := c.ms("session.timeout.ms")
	if err != nil {
		return nil, err
	}
	need := restart + restart/2
	if !c.isSet("group.instance.id") || c.str("group.instance.id") == "" {
		if in.Client == KafkaPython {
			return []Finding{{ID: "static-membership", Severity: Warn, Title: "every restart of a rolling deploy rebalances the group",
				Detail: "kafka-python 2.0.2 has no static membership (group.instance.id): each restart leaves and rejoins, two rebalances per instance.",
				Fix:    "accept it, or use a client with group.instance.id", Facts: map[string]any{}}}, nil
		}
		n := w.Consumers
		detail := "Without group.instance.id each restarting instance leaves (one rebalance) and rejoins (another)"
		if n > 0 {
			detail += fmt.Sprintf(": a rolling deploy of %d instances causes about %d rebalances", n, 2*n)
		}
		return []Finding{{ID: "static-membership", Severity: Warn, Title: "every restart of a rolling deploy rebalances the group",
			Detail: detail + ".",
			Fix:    fmt.Sprintf("group.instance.id=<stable per instance, e.g. the pod name> and session.timeout.ms=%d (covers a %s restart with margin)", max(need, session).Milliseconds(), fmtDur(restart)),
			Facts:  map[string]any{"restart_ms": restart.Milliseconds(), "session_timeout_ms": session.Milliseconds()}}}, nil
	}
	if session < restart {
		return []Finding{{ID: "static-membership", Severity: Warn, Title: "a restart outlasts the session timeout",
			Detail: fmt.Sprintf("group.instance.id is set, but a restart takes about %s and session.timeout.ms is %s (%s): the member is evicted before it returns, so the restart still rebalances.",
				fmtDur(restart), fmtDur(session), c.where("session.timeout.ms")),
			Fix:   fmt.Sprintf("session.timeout.ms=%d", need.Milliseconds()),
			Facts: map[string]any{"restart_ms": restart.Milliseconds(), "session_timeout_ms": session.Milliseconds()}}}, nil
	}
	return nil, nil
}

// idleConsumers: a partition is consumed by at most one member.
func idleConsumers(c *config, in Input) ([]Finding, error) {
	w := in.Workload
	if w.Consumers <= 0 || w.Partitions <= 0 || w.Consumers <= w.Partitions {
		return nil, nil
	}
	idle := w.Consumers - w.Partitions
	return []Finding{{ID: "idle-consumers", Severity: Warn, Title: "more consumers than partitions",
		Detail: fmt.Sprintf("%d consumers on %d partitions (%s): each partition goes to one member, so only %d consume and %d sit idle.",
			w.Consumers, w.Partitions, w.PartitionsFrom, w.Partitions, idle),
		Fix:   fmt.Sprintf("run %d consumers, or give the topic at least %d partitions", w.Partitions, w.Consumers),
		Facts: map[string]any{"consumers": w.Consumers, "partitions": w.Partitions, "idle": idle}}}, nil
}

// throughput: sequential consumers each handle 1/latency records per second.
func throughput(c *config, in Input) ([]Finding, error) {
	w := in.Workload
	if w.RecordLatency <= 0 || w.ProduceRate <= 0 || (w.Consumers <= 0 && w.Partitions <= 0) {
		return nil, nil
	}
	effective := w.Consumers
	if effective <= 0 || (w.Partitions > 0 && w.Partitions < effective) {
		effective = w.Partitions
	}
	perConsumer := float64(time.Second) / float64(w.RecordLatency)
	capacity := float64(effective) * perConsumer
	needed := int(math.Ceil(1.25 * w.ProduceRate / perConsumer))
	facts := map[string]any{"effective_consumers": effective, "capacity_per_s": capacity, "produce_rate_per_s": w.ProduceRate,
		"consumers_needed": needed}
	arith := fmt.Sprintf("%d effective consumer(s) × %s records/s each (1 / %s) = %s records/s against %s produced per second",
		effective, fmtNum(perConsumer), fmtDur(w.RecordLatency), fmtNum(capacity), fmtNum(w.ProduceRate))
	fix := fmt.Sprintf("%d consumers (25%% headroom)", needed)
	if w.Partitions > 0 && needed > w.Partitions {
		fix += fmt.Sprintf(" and at least %d partitions (a partition feeds one consumer)", needed)
	} else if w.Partitions <= 0 {
		fix += fmt.Sprintf(", on at least %d partitions", needed)
	}
	fix += ", or process records concurrently / faster"
	switch {
	case capacity < w.ProduceRate:
		grow := w.ProduceRate - capacity
		return []Finding{{ID: "throughput", Severity: Error, Title: "the group consumes slower than producers write",
			Detail: arith + fmt.Sprintf(": lag grows by %s records/s (%s per hour) and never catches up.", fmtNum(grow), fmtNum(grow*3600)),
			Fix:    fix, Facts: facts}}, nil
	case capacity < 1.25*w.ProduceRate:
		spare := capacity - w.ProduceRate
		detail := arith + ": under 25% headroom."
		if spare > 0 {
			detail += fmt.Sprintf(" After a 1-hour outage the backlog (%s records) takes %s to drain.", fmtNum(w.ProduceRate*3600),
				fmtDur(time.Duration(w.ProduceRate*3600/spare)*time.Second))
		} else {
			detail += " Any backlog (an outage, a redeploy) is never drained."
		}
		return []Finding{{ID: "throughput", Severity: Warn, Title: "little headroom to catch up after an outage",
			Detail: detail, Fix: fix, Facts: facts}}, nil
	}
	return nil, nil
}

// autoCommit explains what auto-commit means for duplicates and losses.
func autoCommit(c *config, in Input) ([]Finding, error) {
	on, err := c.bool("enable.auto.commit")
	if err != nil || !on {
		return nil, err
	}
	interval, _, err := c.ms("auto.commit.interval.ms")
	if err != nil {
		return nil, err
	}
	mechanism := "the position (the offset after the records earlier polls returned) is committed from inside poll() once %s have passed, and on rebalance/close"
	switch in.Client {
	case FranzGo:
		mechanism = "a background goroutine commits the offsets of records polled before the latest poll every %s, and on rebalance/close"
	case Librdkafka:
		mechanism = "a background thread commits the stored offsets every %s, and on rebalance/close"
	}
	detail := fmt.Sprintf("enable.auto.commit=true (%s): "+mechanism+". After a crash, up to %s of processed records are consumed again (at-least-once)",
		c.where("enable.auto.commit"), fmtDur(interval), fmtDur(interval))
	if in.Workload.ProduceRate > 0 {
		detail += fmt.Sprintf(" — at %s records/s about %s duplicates", fmtNum(in.Workload.ProduceRate), fmtNum(in.Workload.ProduceRate*interval.Seconds()))
	}
	detail += "."
	sev, fix := Info, "nothing, if handlers are idempotent; otherwise enable.auto.commit=false and commit after processing"
	if in.Client == Librdkafka {
		store, err := c.bool("enable.auto.offset.store")
		if err != nil {
			return nil, err
		}
		if !store {
			detail += fmt.Sprintf(" With enable.auto.offset.store=false (%s) librdkafka stores nothing itself: auto-commit commits only the offsets the application stored with rd_kafka_offsets_store() (offsets_store / store_offsets), so storing after processing makes it at-least-once, and a partition whose offset is never stored is never committed.", c.where("enable.auto.offset.store"))
		}
		if store {
			sev = Warn
			detail += " With enable.auto.offset.store=true librdkafka stores an offset when the message is handed to the application, before it is processed: records in flight when the process dies are committed but never processed (lost, at-most-once)."
			fix = "enable.auto.offset.store=false and call offsets_store() (rd_kafka_offsets_store) after processing each message"
		}
	}
	return []Finding{{ID: "auto-commit", Severity: sev, Title: "auto-commit: the duplicate (and loss) window", Detail: detail, Fix: fix,
		Facts: map[string]any{"auto_commit_interval_ms": interval.Milliseconds()}}}, nil
}

// offsetReset explains what happens when committed offsets are gone.
func offsetReset(c *config, in Input) ([]Finding, error) {
	reset := strings.ToLower(c.str("auto.offset.reset"))
	var detail, fix string
	switch reset {
	case "latest", "largest", "end":
		detail = "auto.offset.reset=" + reset + " (" + c.where("auto.offset.reset") + "): when the group has no valid commit — a new group, offsets expired (offsets.retention.minutes, 7 days after the group went Empty), or a commit below the log start after retention — consumption starts at the log end and every record before it is skipped without an error."
		fix = "auto.offset.reset=earliest if skipping records is worse than replaying them; watch for commits below the log start (kgroups explain --group)"
	case "earliest", "smallest", "beginning":
		if in.Client != FranzGo {
			return nil, nil // replaying is the safe choice: nothing to say
		}
		// franz-go v1.22.2: config.go defaultCfg (startOffset AtStart,
		// resetOffset RewindOffset(time.Minute)); source.go's
		// OFFSET_OUT_OF_RANGE handling.
		detail = "franz-go v1.22.2 starts at the log start when nothing is committed (ConsumeStartOffset default). On OFFSET_OUT_OF_RANGE a partition that has consumed nothing yet — typically a commit below the log start — resumes at the log start; one that fell below the log start while consuming resumes at the log start too. Only when the broker lost data at a point the client cannot locate does the default RewindOffset(time.Minute) apply: it resumes at the first record stamped one minute before the last record it consumed and reports ErrDataLoss, so records are consumed again, none skipped."
		fix = "nothing to set; kgo.ConsumeResetOffset(kgo.NewOffset().AtEnd()) would skip instead of replay"
	case "none", "error":
		detail = "auto.offset.reset=" + reset + ": with no valid commit the consumer fails instead of guessing — an outage until someone resets the offsets."
		fix = "keep it if you want a human to decide; kgroups reset-offsets is the tool"
	default:
		return nil, nil
	}
	return []Finding{{ID: "offset-reset", Severity: Info, Title: "what happens when committed offsets are gone", Detail: detail, Fix: fix,
		Facts: map[string]any{"auto_offset_reset": reset}}}, nil
}

// fetchTiming: a fetch the broker holds must come back before the client
// gives up on it; partition limits should fit in the response limit.
func fetchTiming(c *config, in Input) ([]Finding, error) {
	var out []Finding
	wait, ok1, err := c.ms("fetch.max.wait.ms")
	if err != nil {
		return nil, err
	}
	timeout, ok2, err := c.ms("request.timeout.ms")
	if err != nil {
		return nil, err
	}
	if ok1 && ok2 && in.Client != FranzGo && wait >= timeout {
		out = append(out, Finding{ID: "fetch-timeout", Severity: Error, Title: "fetches can time out while the broker holds them",
			Detail: fmt.Sprintf("%s %s (%s) is not below %s %s (%s): on a quiet topic the broker holds the fetch longer than the client waits, so fetches fail and are retried.",
				c.name("fetch.max.wait.ms"), fmtDur(wait), c.where("fetch.max.wait.ms"), c.name("request.timeout.ms"), fmtDur(timeout), c.where("request.timeout.ms")),
			Fix:   fmt.Sprintf("%s=%d, or %s=%d", c.name("fetch.max.wait.ms"), (timeout / 2).Milliseconds(), c.name("request.timeout.ms"), (wait * 2).Milliseconds()),
			Facts: map[string]any{"fetch_max_wait_ms": wait.Milliseconds(), "request_timeout_ms": timeout.Milliseconds()}})
	}
	part, ok1, err := c.int("max.partition.fetch.bytes")
	if err != nil {
		return nil, err
	}
	total, ok2, err := c.int("fetch.max.bytes")
	if err != nil {
		return nil, err
	}
	if ok1 && ok2 && part > total {
		out = append(out, Finding{ID: "fetch-size", Severity: Warn, Title: "one partition may take more than a whole fetch",
			Detail: fmt.Sprintf("max.partition.fetch.bytes %s (%s) is larger than fetch.max.bytes %s (%s): the response limit wins, so the per-partition setting has no effect and other partitions of the same broker get nothing in that fetch.",
				fmtNum(float64(part)), c.where("max.partition.fetch.bytes"), fmtNum(float64(total)), c.where("fetch.max.bytes")),
			Fix:   fmt.Sprintf("max.partition.fetch.bytes=%d, or fetch.max.bytes=%d", total, part),
			Facts: map[string]any{"max_partition_fetch_bytes": part, "fetch_max_bytes": total}})
	}
	return out, nil
}

// kip848Keys: with group.protocol=consumer the client-side group settings
// are refused or ignored, per client.
func kip848Keys(c *config, in Input) ([]Finding, error) {
	if !c.consumerProtocol() {
		if c.isSet("group.remote.assignor") && in.Client == Java { // librdkafka 2.0.2 and kafka-python reject the key itself (unknown-key)
			return []Finding{{ID: "kip848-keys", Severity: Error, Title: "group.remote.assignor needs group.protocol=consumer",
				Detail: fmt.Sprintf("%s sets group.remote.assignor, but group.protocol is classic: the %s client refuses to start (it cannot be set when group.protocol=CLASSIC).", c.where("group.remote.assignor"), in.Client),
				Fix:    "remove group.remote.assignor, or set group.protocol=consumer",
				Facts:  map[string]any{"group_protocol": "classic"}}}, nil
		}
		return nil, nil
	}
	var set []string
	for _, k := range []string{"partition.assignment.strategy", "session.timeout.ms", "heartbeat.interval.ms"} {
		if c.isSet(k) {
			set = append(set, k)
		}
	}
	live := ""
	if c.where("group.protocol") == liveProtocolSource {
		live = "The live group is a KIP-848 group (type consumer) and the settings given do not set group.protocol, so its members are taken to run group.protocol=consumer. "
	}
	if len(set) == 0 {
		return []Finding{{ID: "kip848-keys", Severity: Info, Title: "KIP-848: the broker runs the group",
			Detail: live + "With group.protocol=consumer the broker assigns partitions (group.remote.assignor, or the broker's group.consumer.assignors), and the session timeout and heartbeat interval are broker settings (group.consumer.session.timeout.ms 45 s, group.consumer.heartbeat.interval.ms 5 s by default). Only partitions that move pause.",
			Fix:    "nothing to set client-side", Facts: map[string]any{}}}, nil
	}
	sev, consequence := Error, ""
	switch in.Client {
	case Java:
		consequence = fmt.Sprintf("the Java client refuses to start: ConfigException \"%s cannot be set when group.protocol=CONSUMER\"", strings.Join(set, ", "))
	case FranzGo:
		sev, consequence = Warn, "franz-go ignores them under the server-side protocol; the broker's values apply"
	default:
		sev, consequence = Warn, "the broker assigns and its group settings govern the group"
	}
	if live != "" {
		// The protocol is inferred, not read from the config: the config
		// as given may belong to a classic member, so no hard error.
		sev = Warn
	}
	return []Finding{{ID: "kip848-keys", Severity: sev, Title: "client-side group settings under group.protocol=consumer",
		Detail: live + fmt.Sprintf("group.protocol=consumer with %s set: %s. The broker's group.consumer.session.timeout.ms and group.consumer.heartbeat.interval.ms apply, and group.remote.assignor picks the assignor.", strings.Join(set, ", "), consequence),
		Fix:    "remove " + strings.Join(set, ", ") + "; to tune, set group.remote.assignor client-side and group.consumer.* on the brokers",
		Facts:  map[string]any{"set": set}}}, nil
}
