// Package explain diagnoses consumer-group misconfiguration: pure rules over
// facts (a consumer config, the client, the workload, and optionally a live
// group's snapshot) that return findings with the arithmetic and the fix.
package explain

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/kgroups/kgroups/internal/suggest"
)

// Clients whose defaults kgroups knows.
const (
	Java        = "java"
	Librdkafka  = "librdkafka"
	FranzGo     = "franz-go"
	KafkaPython = "kafka-python"
)

// Clients lists the --client values.
var Clients = []string{Java, Librdkafka, FranzGo, KafkaPython}

// Key is one consumer setting kgroups checks.
type Key struct {
	Name     string
	Doc      string
	Defaults map[string]string // per client; "" = the client has no such setting
	Names    map[string]string // the client's own name when it differs
	Related  []string
}

// Keys is the catalogue of checked settings, by canonical (Java) name.
var Keys = map[string]Key{
	"max.poll.records": {
		Name: "max.poll.records",
		Doc:  "Most records one poll() returns. One batch must be processed within max.poll.interval.ms.",
		Defaults: map[string]string{Java: "500", KafkaPython: "500",
			Librdkafka: "", FranzGo: ""},
		Names:   map[string]string{FranzGo: "PollRecords(ctx, n) argument", Librdkafka: "none: librdkafka 2.0.2 rejects the property; rd_kafka_consumer_poll returns one message (rd_kafka_consume_batch takes a count)"},
		Related: []string{"max.poll.interval.ms"},
	},
	"max.poll.interval.ms": {
		Name: "max.poll.interval.ms",
		Doc:  "Longest time between two polls before the client leaves the group and the group rebalances (the batch is then redone by another member).",
		Defaults: map[string]string{Java: "300000", Librdkafka: "300000", KafkaPython: "300000",
			FranzGo: ""},
		Names:   map[string]string{FranzGo: "none: kgo never leaves the group for slow processing; it delays rebalances instead (RebalanceTimeout 60000)"},
		Related: []string{"max.poll.records", "session.timeout.ms"},
	},
	"session.timeout.ms": {
		Name:     "session.timeout.ms",
		Doc:      "How long the coordinator waits for a heartbeat before it removes the member and rebalances. Must lie within the broker's group.min/max.session.timeout.ms. Classic protocol only: with group.protocol=consumer the broker's group.consumer.session.timeout.ms applies.",
		Defaults: map[string]string{Java: "45000", Librdkafka: "45000", FranzGo: "45000", KafkaPython: "10000"},
		Names:    map[string]string{FranzGo: "kgo.SessionTimeout"},
		Related:  []string{"heartbeat.interval.ms", "group.instance.id", "group.protocol"},
	},
	"heartbeat.interval.ms": {
		Name:     "heartbeat.interval.ms",
		Doc:      "How often the member heartbeats. Kafka recommends at most a third of session.timeout.ms: then two heartbeats in a row can be lost before the session expires. It must be below session.timeout.ms (the Java consumer refuses to start otherwise). Classic protocol only.",
		Defaults: map[string]string{Java: "3000", Librdkafka: "3000", FranzGo: "3000", KafkaPython: "3000"},
		Names:    map[string]string{FranzGo: "kgo.HeartbeatInterval"},
		Related:  []string{"session.timeout.ms"},
	},
	"partition.assignment.strategy": {
		Name: "partition.assignment.strategy",
		Doc:  "Client-side assignors, in preference order. If any listed assignor is eager (range, roundrobin, sticky) the member uses the EAGER protocol: every rebalance revokes every partition. Classic protocol only.",
		Defaults: map[string]string{Java: "range,cooperative-sticky", Librdkafka: "range,roundrobin",
			FranzGo: "cooperative-sticky", KafkaPython: "range,roundrobin"},
		Names:   map[string]string{FranzGo: "kgo.Balancers", KafkaPython: "partition_assignment_strategy (assignor classes)"},
		Related: []string{"group.protocol", "group.remote.assignor"},
	},
	"group.instance.id": {
		Name:     "group.instance.id",
		Doc:      "Static membership: a restarted member with the same id rejoins without a rebalance if it is back within session.timeout.ms.",
		Defaults: map[string]string{Java: "(none)", Librdkafka: "(none)", FranzGo: "(none)", KafkaPython: ""},
		Names:    map[string]string{FranzGo: "kgo.InstanceID", KafkaPython: "not supported in 2.0.2"},
		Related:  []string{"session.timeout.ms"},
	},
	"group.protocol": {
		Name:     "group.protocol",
		Doc:      "classic (JoinGroup/SyncGroup, client-side assignors) or consumer (KIP-848: the broker assigns, heartbeats and session timeouts are broker-side, only moving partitions pause).",
		Defaults: map[string]string{Java: "classic", Librdkafka: "", FranzGo: "classic", KafkaPython: ""},
		Names:    map[string]string{FranzGo: "kgo.ServerSideBalancer() switches to consumer", KafkaPython: "not supported: classic only", Librdkafka: "none in librdkafka 2.0.2 (it rejects the property; later versions add KIP-848)"},
		Related:  []string{"group.remote.assignor", "partition.assignment.strategy", "session.timeout.ms", "heartbeat.interval.ms"},
	},
	"group.remote.assignor": {
		Name:     "group.remote.assignor",
		Doc:      "Server-side assignor (uniform or range) for group.protocol=consumer; unset lets the broker choose (group.consumer.assignors, uniform first).",
		Defaults: map[string]string{Java: "(none)", Librdkafka: "", FranzGo: "(from kgo.Balancers: range or uniform)", KafkaPython: ""},
		Names:    map[string]string{Librdkafka: "none in librdkafka 2.0.2 (it rejects the property)"},
		Related:  []string{"group.protocol"},
	},
	"enable.auto.commit": {
		Name:     "enable.auto.commit",
		Doc:      "Commit offsets every auto.commit.interval.ms and on close/rebalance: Java (classic protocol) and kafka-python commit the position from inside poll(); librdkafka and franz-go from a background thread (librdkafka commits the offsets stored for it, see enable.auto.offset.store).",
		Defaults: map[string]string{Java: "true", Librdkafka: "true", FranzGo: "true", KafkaPython: "true"},
		Names:    map[string]string{FranzGo: "on unless kgo.DisableAutoCommit"},
		Related:  []string{"auto.commit.interval.ms", "enable.auto.offset.store", "auto.offset.reset"},
	},
	"auto.commit.interval.ms": {
		Name:     "auto.commit.interval.ms",
		Doc:      "How often auto-commit commits. After a crash, up to this much processed work is consumed again.",
		Defaults: map[string]string{Java: "5000", Librdkafka: "5000", FranzGo: "5000", KafkaPython: "5000"},
		Names:    map[string]string{FranzGo: "kgo.AutoCommitInterval"},
		Related:  []string{"enable.auto.commit"},
	},
	"enable.auto.offset.store": {
		Name:     "enable.auto.offset.store",
		Doc:      "librdkafka: store a message's offset (the in-memory offset auto-commit commits) as soon as the message is handed to the application, before it is processed. With false, auto-commit commits only what the application stored with rd_kafka_offsets_store().",
		Defaults: map[string]string{Librdkafka: "true", Java: "", FranzGo: "", KafkaPython: ""},
		Related:  []string{"enable.auto.commit"},
	},
	"auto.offset.reset": {
		Name: "auto.offset.reset",
		Doc:  "Where to start when the group has no valid committed offset: never committed, expired (offsets.retention.minutes after the group went Empty), or below the log start (deleted by retention).",
		Defaults: map[string]string{Java: "latest", Librdkafka: "largest", KafkaPython: "latest",
			FranzGo: "earliest"},
		Names:   map[string]string{FranzGo: "kgo.ConsumeStartOffset (log start) with nothing committed; kgo.ConsumeResetOffset (RewindOffset(time.Minute)): a commit below the log start resumes at the log start, data the broker lost resumes one minute before the last consumed record"},
		Related: []string{"enable.auto.commit"},
	},
	"fetch.max.wait.ms": {
		Name:     "fetch.max.wait.ms",
		Doc:      "How long the broker may hold a fetch waiting for fetch.min.bytes. Must be well below request.timeout.ms.",
		Defaults: map[string]string{Java: "500", Librdkafka: "500", FranzGo: "5000", KafkaPython: "500"},
		Names:    map[string]string{Librdkafka: "fetch.wait.max.ms", FranzGo: "kgo.FetchMaxWait"},
		Related:  []string{"request.timeout.ms", "fetch.min.bytes"},
	},
	"request.timeout.ms": {
		Name:     "request.timeout.ms",
		Doc:      "How long the client waits for any response, including a fetch the broker holds for fetch.max.wait.ms.",
		Defaults: map[string]string{Java: "30000", Librdkafka: "60000", FranzGo: "15000", KafkaPython: "305000"},
		Names:    map[string]string{Librdkafka: "socket.timeout.ms", FranzGo: "fetch max wait + kgo.RequestTimeoutOverhead (10000)"},
		Related:  []string{"fetch.max.wait.ms"},
	},
	"max.partition.fetch.bytes": {
		Name:     "max.partition.fetch.bytes",
		Doc:      "Most bytes one fetch returns per partition (a larger first batch is still returned).",
		Defaults: map[string]string{Java: "1048576", Librdkafka: "1048576", FranzGo: "1048576", KafkaPython: "1048576"},
		Names:    map[string]string{Librdkafka: "fetch.message.max.bytes (max.partition.fetch.bytes is an alias)", FranzGo: "kgo.FetchMaxPartitionBytes"},
		Related:  []string{"fetch.max.bytes"},
	},
	"fetch.max.bytes": {
		Name:     "fetch.max.bytes",
		Doc:      "Most bytes one fetch response carries over all partitions.",
		Defaults: map[string]string{Java: "52428800", Librdkafka: "52428800", FranzGo: "52428800", KafkaPython: "52428800"},
		Names:    map[string]string{FranzGo: "kgo.FetchMaxBytes"},
		Related:  []string{"max.partition.fetch.bytes"},
	},
	"isolation.level": {
		Name:     "isolation.level",
		Doc:      "read_committed hides records of open and aborted transactions; lag is then measured against the last stable offset.",
		Defaults: map[string]string{Java: "read_uncommitted", Librdkafka: "read_committed", FranzGo: "read_uncommitted", KafkaPython: ""},
		Names:    map[string]string{FranzGo: "kgo.FetchIsolationLevel", KafkaPython: "none: kafka-python 2.0.2 always fetches read_uncommitted (consumer/fetcher.py)"},
	},
}

// aliases maps other clients' names to the canonical Java name.
var aliases = map[string]string{
	"fetch.wait.max.ms":       "fetch.max.wait.ms",
	"fetch.message.max.bytes": "max.partition.fetch.bytes",
	"socket.timeout.ms":       "request.timeout.ms",
}

// Canonical turns a client's key name into the Java name kgroups uses
// (kafka-python's underscores, librdkafka's aliases).
func Canonical(key string) string {
	k := strings.ToLower(strings.TrimSpace(key))
	if !strings.Contains(k, ".") && strings.Contains(k, "_") {
		k = strings.ReplaceAll(k, "_", ".")
	}
	if a, ok := aliases[k]; ok {
		return a
	}
	return k
}

// closestIn suggests one of cands within edit distance 2.
func closestIn(key string, cands []string) string { return suggest.Closest(key, cands, 2) }

// KeyDoc is `kgroups explain KEY`.
type KeyDoc struct {
	SchemaVersion int          `json:"schema_version" yaml:"schema_version"`
	Key           string       `json:"key" yaml:"key"`
	Doc           string       `json:"doc" yaml:"doc"`
	Defaults      []KeyDefault `json:"defaults" yaml:"defaults"`
	Related       []string     `json:"related" yaml:"related"`
}

// KeyDefault is one client's default and name for a key.
type KeyDefault struct {
	Client   string  `json:"client" yaml:"client"`
	Default  *string `json:"default" yaml:"default"`   // null: the client has no such setting, or no default
	Name     *string `json:"name" yaml:"name"`         // the client's own name, when it differs
	Accepted *string `json:"accepted" yaml:"accepted"` // accepted values or type, from the client's source; null: not recorded
	Source   string  `json:"source" yaml:"source"`
}

// Describe documents one key: a key kgroups' rules read (the catalogue), or
// any key one of the clients' tables holds. Unknown keys are an input error
// with a guess that is never the key itself.
func Describe(key string) (KeyDoc, error) {
	canon := Canonical(key)
	if k, ok := Keys[canon]; ok {
		doc := KeyDoc{SchemaVersion: 1, Key: k.Name, Doc: k.Doc, Related: k.Related, Defaults: []KeyDefault{}}
		if doc.Related == nil {
			doc.Related = []string{}
		}
		for _, c := range Clients {
			d := KeyDefault{Client: c, Source: Tables[c].Source}
			if v := k.Defaults[c]; v != "" {
				d.Default = &v
			}
			if n, ok := k.Names[c]; ok {
				d.Name = &n
			}
			if n := nativeName(c, k.Name); n != "" {
				if a := Tables[c].Keys[n].Accepted; a != "" {
					d.Accepted = &a
				}
			}
			doc.Defaults = append(doc.Defaults, d)
		}
		return doc, nil
	}
	doc := KeyDoc{SchemaVersion: 1, Key: canon, Related: []string{}, Defaults: []KeyDefault{}}
	found := false
	for _, c := range Clients {
		d := KeyDefault{Client: c, Source: Tables[c].Source}
		lookup := key
		if c == FranzGo {
			lookup = canon
		}
		if ck, ok := Tables[c].Lookup(lookup); ok {
			found = true
			if ck.Default != "" {
				d.Default = &ck.Default
			}
			if ck.Accepted != "" {
				d.Accepted = &ck.Accepted
			}
			name := ""
			switch {
			case ck.Option != "":
				name = ck.Option
			case ck.Name != canon:
				name = ck.Name
			}
			if ck.AliasOf != "" {
				name = strings.TrimSpace(name + " (alias of " + ck.AliasOf + ")")
			}
			if ck.Producer {
				name = strings.TrimSpace(name + " (producer property: a consumer ignores it)")
			}
			if ck.Deprecated {
				name = strings.TrimSpace(name + " (deprecated)")
			}
			if name != "" {
				d.Name = &name
			}
		} else {
			none := "no such setting in " + tableLabel(c)
			d.Name = &none
		}
		doc.Defaults = append(doc.Defaults, d)
	}
	if found {
		doc.Doc = "kgroups has no rule that reads this key; each client's default and accepted values as its source gives them."
		return doc, nil
	}
	var cands []string
	for _, c := range Clients {
		for n := range Tables[c].Keys {
			if n != canon && n != native(c, key) {
				cands = append(cands, n)
			}
		}
	}
	msg := fmt.Sprintf("%q is not a consumer setting of any client kgroups knows (%s)", key, strings.Join(labels(), ", "))
	if g := closestIn(canon, cands); g != "" {
		msg += fmt.Sprintf("; did you mean %s?", g)
	}
	names := slices.Sorted(maps.Keys(Keys))
	return KeyDoc{}, &InputError{Msg: msg + "; checked by kgroups' rules: " + strings.Join(names, ", ")}
}

func labels() []string {
	var out []string
	for _, c := range Clients {
		out = append(out, tableLabel(c))
	}
	return out
}
