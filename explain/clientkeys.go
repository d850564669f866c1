package explain

import (
	"bufio"
	"embed"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// The per-client key tables in sources/ are facts read from each client
// (names, defaults, accepted values); sources/gen.sh says how each was
// produced and keys_test.go checks them against the clients' own sources
// where those are on the machine.
//
//go:embed sources/*.tsv
var sourceFS embed.FS

// ClientKey is one property as a client's own source defines it.
type ClientKey struct {
	Name       string // as the client spells it (franz-go: the Java name its option stands for)
	Default    string // "" = no default
	Accepted   string // the accepted values or type; "" = not recorded
	AliasOf    string // librdkafka: the property this name is an alias for
	Producer   bool   // librdkafka: a producer property, ignored by a consumer
	Deprecated bool   // librdkafka: marked DEPRECATED
	Option     string // franz-go: the kgo option
}

// ClientTable is every consumer key one client knows.
type ClientTable struct {
	Client  string
	Version string
	Source  string
	Keys    map[string]ClientKey
	// Prefixes are key families accepted by prefix (Java's ssl.* and sasl.*).
	Prefixes []string
	// RejectsUnknown: the client refuses to start on a key it does not know
	// (librdkafka: rd_kafka_conf_set answers "No such configuration
	// property"; kafka-python: KafkaConfigurationError "Unrecognized
	// configs"). Java logs the key as unused and starts; franz-go has
	// options, not properties.
	RejectsUnknown bool
}

// Tables are the per-client key tables, by client.
var Tables = loadTables()

var tableFiles = map[string]struct{ file, version, source string }{
	Java:        {"sources/java-4.0.tsv", "4.0", "Apache Kafka 4.0 clients: ConsumerConfig.java, CommonClientConfigs.java (apache/kafka 1eb7644)"},
	Librdkafka:  {"sources/librdkafka-2.0.2.tsv", "2.0.2", "librdkafka 2.0.2: CONFIGURATION.md as kcat -X list prints it (Debian bookworm)"},
	FranzGo:     {"sources/franz-go-1.22.2.tsv", "v1.22.2", "franz-go v1.22.2: pkg/kgo/config.go (defaultCfg and its options; mapped to Java key names)"},
	KafkaPython: {"sources/kafka-python-2.0.2.tsv", "2.0.2", "kafka-python 2.0.2: kafka/consumer/group.py KafkaConsumer.DEFAULT_CONFIG"},
}

func loadTables() map[string]ClientTable {
	out := map[string]ClientTable{}
	for client, f := range tableFiles {
		t := ClientTable{Client: client, Version: f.version, Source: f.source, Keys: map[string]ClientKey{}}
		switch client {
		case Java:
			t.Prefixes = []string{"ssl.", "sasl."}
		case Librdkafka, KafkaPython:
			t.RejectsUnknown = true
		}
		data, err := sourceFS.ReadFile(f.file)
		if err != nil {
			panic(err) // embedded: cannot happen
		}
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for sc.Scan() {
			line := sc.Text()
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			col := strings.Split(line, "\t")
			get := func(i int) string {
				if i >= len(col) || col[i] == "-" {
					return ""
				}
				return col[i]
			}
			k := ClientKey{Name: col[0]}
			switch client {
			case Librdkafka: // name, C/P, section, default, range, alias of, deprecated
				k.Producer = get(1) == "P"
				k.Default, k.Accepted, k.AliasOf = get(3), get(4), get(5)
				k.Deprecated = get(6) == "deprecated"
			case KafkaPython: // name, default
				k.Default = get(1)
				if k.Default == "None" {
					k.Default = ""
				}
				k.Default = strings.Trim(k.Default, "'") // a Python str repr
			case Java: // name, default, accepted
				k.Default, k.Accepted = get(1), get(2)
			case FranzGo: // Java name, default, option, field, expression
				k.Default, k.Option = get(1), "kgo."+get(2)
			}
			t.Keys[k.Name] = k
		}
		out[client] = t
	}
	return out
}

// native is the spelling a client's table uses for a key as written.
func native(client, key string) string {
	k := strings.ToLower(strings.TrimSpace(key))
	if client == KafkaPython {
		return strings.ReplaceAll(k, ".", "_")
	}
	if client != Librdkafka && !strings.Contains(k, ".") && strings.Contains(k, "_") {
		return strings.ReplaceAll(k, "_", ".")
	}
	return k
}

// Lookup finds a key, as written, in the client's table.
func (t ClientTable) Lookup(key string) (ClientKey, bool) {
	n := native(t.Client, key)
	if k, ok := t.Keys[n]; ok {
		return k, true
	}
	for _, p := range t.Prefixes {
		if strings.HasPrefix(n, p) {
			return ClientKey{Name: n}, true
		}
	}
	return ClientKey{}, false
}

// knownTo reports whether the client accepts key as written. franz-go has
// options, not properties: a Java name stands for its option, or for nothing.
func knownTo(client, key string) (ClientKey, bool) {
	if k, ok := Tables[client].Lookup(key); ok {
		return k, true
	}
	if client == FranzGo {
		return Tables[Java].Lookup(key)
	}
	return ClientKey{}, false
}

// closestFor suggests a key of the client's own table within edit distance
// 2, never the key itself.
func closestFor(client, key string) string {
	n := native(client, key)
	t := Tables[client]
	cands := slices.Collect(maps.Keys(t.Keys))
	if client == FranzGo {
		cands = append(cands, slices.Collect(maps.Keys(Tables[Java].Keys))...)
	}
	cands = slices.DeleteFunc(cands, func(c string) bool { return c == n })
	return closestIn(n, cands)
}

// nativeName is the client's own name for a catalogue (Java) key, "" when
// the client has none.
func nativeName(client, javaKey string) string {
	t := Tables[client]
	switch client {
	case KafkaPython:
		n := strings.ReplaceAll(javaKey, ".", "_")
		if _, ok := t.Keys[n]; ok {
			return n
		}
		return ""
	case Librdkafka:
		if k, ok := t.Keys[javaKey]; ok && !k.Producer {
			return javaKey
		}
		for a, canon := range aliases {
			if canon == javaKey {
				if k, ok := t.Keys[a]; ok && !k.Producer {
					return a
				}
			}
		}
		return ""
	}
	if _, ok := t.Keys[javaKey]; ok {
		return javaKey
	}
	return ""
}

// crossClient says which other clients accept a key the given client does
// not, as "java, kafka-python" ("" when none).
func crossClient(client, key string) string {
	var others []string
	for _, c := range Clients {
		if c == client || c == FranzGo {
			continue
		}
		if _, ok := Tables[c].Lookup(key); ok {
			others = append(others, c)
		}
	}
	return strings.Join(others, ", ")
}

func tableLabel(client string) string {
	return fmt.Sprintf("%s %s", client, Tables[client].Version)
}
