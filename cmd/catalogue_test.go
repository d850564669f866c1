package cmd

import (
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the bad-input table in docs/reliability.md")

// badInput is one catalogue case: the command line (files under {dir}),
// and what the one-line message must name.
type badInput struct {
	args string
	want string
	env  string // "" the lab cluster; "none" no brokers at all
}

// catalogue is every bad input kgroups is tested with: each exits 2, prints
// one line naming the flag, file or line at fault, prints nothing on
// stdout, and leaves every committed offset as it was.
var catalogue = []badInput{
	// connection and output, any command
	{"list -o xml", `-o "xml" is not a format; use one of: table, wide, json, yaml`, ""},
	{"describe svc --color sometimes", `--color "sometimes" is not valid`, ""},
	{"list", "no brokers given", "none"},
	{"list -b localhost", `broker "localhost" is not host:port`, "none"},
	{"list --command-config {dir}/nonexistent.properties", "--command-config {dir}/nonexistent.properties: file not found", "none"},
	{"list --command-config {dir}/bad.properties", `bad.properties:2: unsupported property "sasl.mechansim" (did you mean "sasl.mechanism"?)`, "none"},
	{"list -X novalue", `-X "novalue": want key=value`, ""},
	{"list -X security.protocol=TLS", `security.protocol="TLS" is not valid`, ""},
	{"list -X security.protocol=SSL -X ssl.truststore.type=JKS", "ssl.truststore.type=JKS is not supported; convert to PEM", ""},
	{"list --sasl-user ops", "SASL needs a username and password", ""},
	{"descrbe svc", `unknown command "descrbe"`, ""},
	// list
	{"list --state sleeping", `--state "sleeping" is not a group state`, ""},
	{"list --type share-ish", `--type "share-ish" is not a group type`, ""},
	{"list --lag >>3", `--lag ">>3": want >N, >=N, <N, <=N or =N`, ""},
	{"list --lag=5", `--lag "5": want >N, >=N, <N, <=N or =N`, ""},
	{"list --sort size", `--sort "size" is not valid; use one of: name, lag, state`, ""},
	{"list extra", `list takes no arguments (got "extra")`, ""},
	// describe
	{"describe", "name at least one group, or use --all-groups or --regex", ""},
	{"describe --al", "unknown flag: --al", ""},
	{"describe svc --timeout soon", `--timeout "soon": want a duration such as 500ms, 10s or 2m`, ""},
	{"describe nosuch", `group "nosuch" not found`, ""},
	{"describe svc --all", "--all-groups describes every group", ""},
	{"describe svc --all-groups", "--all-groups describes every group", ""},
	{"describe svc --topic orders:x", `--topic "orders:x": "x" is not a partition number or range`, ""},
	{"describe svc --topic orders:", `--topic "orders:": no partitions after ':'`, ""},
	{"describe svc svc", `group "svc" is named twice`, ""},
	{"describe --regex (", `--regex "("`, ""},
	{"describe svc --isolation dirty", `--isolation "dirty" is not valid`, ""},
	{"describe svc --members --state", "none of the others can be", ""},
	{"describe svc --count 3", "--count 3 only goes with --watch", ""},
	{"describe svc --watch=10ms", "--watch 10ms: refresh at most every 100ms", ""},
	{"describe svc --watch=0s --count 1", "--watch 0s: refresh at most every 100ms", ""},
	{"describe svc --watch --count -1", "--count -1: want 1 or more refreshes", ""},
	{"describe svc --watch --count 0", "--count 0: want 1 or more refreshes (leave --count out to watch until Ctrl-C)", ""},
	{"describe svc --lag >>3", `--lag ">>3": want >N, >=N, <N, <=N or =N`, ""},
	{"describe svc --lag >-1", `--lag ">-1": want >N`, ""},
	{"describe svc --sort size", `--sort "size" is not valid; use one of: name, lag, state`, ""},
	{"describe svc --by host", `--by "host" is not valid; use one of: group, topic, member`, ""},
	{"describe svc --by topic --members", "--by topic is a view of its own", ""},
	{"describe svc --topic nosuch", "--topic nosuch: topic does not exist", ""},
	{"describe svc --topic orders:9", "--topic orders:9: partition 9 of orders does not exist (it has 3: 0-2)", ""},
	// reset-offsets
	{"reset-offsets svc --all-topics --to-earliest --to-latest", "give one target, not --to-earliest and --to-latest", ""},
	{"reset-offsets svc --all-topics", "give one target: --to-earliest", ""},
	{"reset-offsets svc --all-topics --to-offset -5", `--to-offset "-5": want an offset >= 0`, ""},
	{"reset-offsets svc --all-topics --to-offset abc", `--to-offset "abc"`, ""},
	{"reset-offsets svc --all-topics --shift-by 0", `--shift-by "0": want a non-zero whole number`, ""},
	{"reset-offsets svc --all-topics --shift-by 1.5", `--shift-by "1.5"`, ""},
	{"reset-offsets svc --all-topics --to-datetime yesterday", `--to-datetime "yesterday": use yyyy-MM-ddTHH:mm:ss`, ""},
	{"reset-offsets svc --all-topics --to-datetime 2026-11-21", `--to-datetime "2026-11-21"`, ""},
	{"reset-offsets svc --all-topics --to-datetime 2026-13-01T00:00:00.000", `--to-datetime "2026-13-01T00:00:00.000"`, ""},
	{"reset-offsets svc --all-topics --to-datetime 12345678901", "--to-datetime 12345678901: a unix timestamp must have up to 10 digits", ""},
	{"reset-offsets svc --all-topics --by-duration P1Y", "--by-duration \"P1Y\": use ISO-8601 PnDTnHnMnS with days, hours, minutes and seconds only", ""},
	{"reset-offsets svc --all-topics --by-duration P2W", "years, months and weeks are not durations", ""},
	{"reset-offsets svc --all-topics --by-duration -90m", `--by-duration "-90m" must be longer than zero`, ""},
	{"reset-offsets svc --from-file {dir}/two.csv", "two.csv:1: 2 columns; want topic,partition,offset", ""},
	{"reset-offsets svc --from-file {dir}/five.csv", "five.csv:1: 5 columns", ""},
	{"reset-offsets svc --from-file {dir}/mixed.csv", "mixed.csv:2: 4 columns, but line 1 has 3", ""},
	{"reset-offsets svc --from-file {dir}/badpart.csv", `badpart.csv:1: partition "zero" is not a number >= 0`, ""},
	{"reset-offsets svc --from-file {dir}/negoffset.csv", `negoffset.csv:1: offset "-3" is not a number >= 0`, ""},
	{"reset-offsets svc --from-file {dir}/dup.csv", "dup.csv:2: orders/0 is already on line 1", ""},
	{"reset-offsets svc --from-file {dir}/nopart.csv", "nopart.csv:1: partition 9 of orders does not exist (it has 3: 0-2)", ""},
	{"reset-offsets svc --from-file {dir}/missing.csv", "missing.csv: file not found", ""},
	{"reset-offsets svc --from-file {dir}/empty.csv", "empty.csv: the file is empty", ""},
	{"reset-offsets svc --from-file {dir}/other.json", `other.json: row 1 is for group "other", which is not being reset`, ""},
	{"reset-offsets svc --from-file {dir}/notplan.json", `notplan.json:1: "hello" is not a plan key`, ""},
	{"reset-offsets svc --from-file {dir}/nokind.json", `nokind.json: the plan has no "kind"`, ""},
	// a reviewed plan edited by hand: never a silent 0 or partition 0
	{"reset-offsets svc --from-file {dir}/no-new-offset.json", `no-new-offset.json:1: rows[0]: no "new_offset": every row needs group, topic, partition, new_offset`, ""},
	{"reset-offsets svc --from-file {dir}/typo.json", `typo.json:1: rows[0]: "new_ofset" is not a plan key (did you mean "new_offset"?)`, ""},
	{"reset-offsets svc --from-file {dir}/no-partition.json", `no-partition.json:1: rows[0]: no "partition"`, ""},
	{"reset-offsets svc --from-file {dir}/unknown-key.json", `unknown-key.json:1: rows[0]: "reviewed_by" is not a plan key`, ""},
	{"reset-offsets svc --from-file {dir}/dup-key.json", `dup-key.json:1: rows[0]: "new_offset" is given twice`, ""},
	{"reset-offsets svc --from-file {dir}/trailing.json", "trailing.json:1: more data after the plan object", ""},
	{"reset-offsets svc --from-file {dir}/string-offset.json", `string-offset.json:1: rows[0]: "new_offset" is "90"; want a whole number`, ""},
	{"reset-offsets svc --from-file {dir}/array.json", "array.json:1: a JSON array, not a kgroups plan", ""},
	{"reset-offsets svc --from-file {dir}/plan-typo.yaml", `plan-typo.yaml: rows[0]: "new_ofset" is not a plan key`, ""},
	{"reset-offsets svc --from-file {dir}/bad-quote.csv", "bad-quote.csv:1: ", ""},
	{"reset-offsets svc --from-file {dir}/plan.txt", "read as Kafka's CSV: not .json, .yaml or .csv, and not JSON or YAML", ""},
	{"reset-offsets svc other --from-file {dir}/three.csv", "three.csv:1: a 3-column file (topic,partition,offset) needs exactly one group", ""},
	{"reset-offsets svc --topic orders:9 --to-earliest", "partition 9 of orders does not exist", ""},
	{"reset-offsets svc --topic nope --to-earliest", "--topic nope: topic does not exist", ""},
	{"reset-offsets svc --topic orders: --to-earliest", `--topic "orders:": no partitions after ':'`, ""},
	{"reset-offsets svc --topic :1 --to-earliest", `--topic ":1": empty topic name`, ""},
	{"reset-offsets svc --topic orders:x --to-earliest", `--topic "orders:x": "x" is not a partition number`, ""},
	{"reset-offsets svc --topic or$ders --to-earliest", `--topic "or$ders": "or$ders" is not a Kafka topic name`, ""},
	{"reset-offsets svc --all-topics --topic orders --to-earliest", "--all-topics and --topic exclude each other", ""},
	{"reset-offsets svc --to-earliest", "choose the partitions: --topic TOPIC[:P,...] (repeatable) or --all-topics", ""},
	{"reset-offsets svc svc --all-topics --to-earliest", `group "svc" is named twice`, ""},
	{"reset-offsets --all-topics --to-earliest", "name the groups to reset, or use --all-groups or --regex", ""},
	{"reset-offsets svc --all-groups --all-topics --to-earliest", "only one of them", ""},
	{"reset-offsets --regex ( --all-topics --to-earliest", `--regex "("`, ""},
	{"reset-offsets svc --all-topics --to-earliest --execute --dry-run", "--dry-run and --execute exclude each other", ""},
	{"reset-offsets svc --all-topics --to-earliest --export {dir}/plan.txt", "--export {dir}/plan.txt: use a .csv", ""},
	{"reset-offsets svc --all-topics --to-earliest --force", "--force only matters with --execute", ""},
	{"reset-offsets svc --all-topics --to-earliest --undo-file {dir}/u.json", "--undo-file only matters with --execute", ""},
	{"reset-offsets svc --to-group svc", "--to-group svc is also a group being reset", ""},
	{"reset-offsets svc --to-group nobody", "--to-group nobody: that group has no committed offsets to copy", ""},
	{"reset-offsets svc --topic orders:2 --allow-new-partitions --shift-by 1 --to-group other", "give one target, not --shift-by and --to-group", ""},
	{"reset-offsets other --topic orders --allow-new-partitions --shift-by 1", "--shift-by needs a committed offset to shift, and other has none on orders/1", ""},
	{"reset-offsets brand-new --all-topics --to-earliest", "nothing to reset: group brand-new does not exist (check the name", ""},
	{"reset-offsets svc --share --all-topics --to-earliest", "--share: group svc exists and is a classic group, not a share group", ""},
	{"reset-offsets --regex sv --share --all-topics --to-earliest", "--share goes with named groups", ""},
	// time and arithmetic that cannot wrap into Kafka's sentinels
	{"reset-offsets svc --all-topics --to-datetime 1969-12-31T23:59:59.999Z", "--to-datetime 1969-12-31T23:59:59.999Z: 1969-12-31T23:59:59.999Z is before 1970-01-01T00:00:00Z", ""},
	{"reset-offsets svc --all-topics --to-datetime 0000-01-01T00:00:00", "is before 1970-01-01T00:00:00Z", ""},
	{"reset-offsets svc --all-topics --to-datetime -1", "--to-datetime -1: a negative unix timestamp is before 1970", ""},
	{"reset-offsets svc --all-topics --by-duration P40000D", "is before 1970-01-01T00:00:00Z; Kafka keeps no record that old", ""},
	{"reset-offsets svc --all-topics --shift-by 9223372036854775808", `--shift-by "9223372036854775808": want a non-zero whole number from`, ""},
	// the undo file is never lost
	{"reset-offsets svc --all-topics --to-earliest --execute --undo-file {dir}/exists.json", "--undo-file {dir}/exists.json: the file exists; an undo file is never overwritten", ""},
	{"reset-offsets svc --from-file {dir}/reviewed.json --execute --undo-file {dir}/reviewed.json", "--undo-file {dir}/reviewed.json: the file exists", ""},
	{"reset-offsets svc --all-topics --to-earliest --execute --undo-file /proc/kgroups-nope/u.json", "--undo-file /proc/kgroups-nope/u.json: cannot create files in /proc", ""},
	{"reset-offsets svc --all-topics --to-earliest --execute --undo-file {dir}/u.json --undo-of {dir}/reviewed.json", "--undo-of {dir}/reviewed.json: not a kgroups undo file", ""},
	{"reset-offsets svc --all-topics --to-earliest --undo-of {dir}/reviewed.json", "--undo-of only matters with --execute", ""},
	{"reset-offsets svc --all-topics --to-earliest --export {dir}/exists.json", "--export {dir}/exists.json: that file is an undo file", ""},
	{"reset-offsets svc --all-topics --to-earliest --export /proc/kgroups-nope/plan.json", "--export /proc/kgroups-nope/plan.json: cannot write", ""},
	{"list --timeout 0s", "--timeout 0s: want a positive duration", ""},
	{"describe svc --timeout -5s", "--timeout -5s: want a positive duration", ""},
	{"reset-offsets live --all-topics --to-earliest --execute --undo-file {dir}/u.json", "live is Stable with 1 member(s): live-1@", ""},
	// delete, delete-offsets
	{"delete", "requires at least 1 arg", ""},
	{"delete svc svc", `group "svc" is named twice`, ""},
	{"delete nosuch --execute", `group "nosuch" not found`, ""},
	{"delete svc --execute --dry-run", "--dry-run and --execute exclude each other", ""},
	{"delete-offsets svc", "choose the offsets to delete: --topic", ""},
	{"delete-offsets svc other --topic orders", "accepts 1 arg(s), received 2", ""},
	{"delete-offsets live --topic nope", "--topic nope: group live has no committed offsets on it", ""},
	{"delete-offsets svc --topic orders:9", "partition 9 of orders does not exist", ""},
	{"delete-offsets nosuch --topic orders", `group "nosuch" not found`, ""},
	// status
	{"status", "name at least one group, or use --all-groups or --regex", ""},
	{"status svc --samples 1", "--samples 1: want at least 2", ""},
	{"status svc --window soon", `--window "soon": want a positive duration`, ""},
	{"status svc --fail-on ok", `--fail-on "ok" is not valid; use one of: error, warn, info, never`, ""},
	{"status svc --allowed-lag -1", "--allowed-lag -1: want 0 or more", ""},
	{"status nosuch --window 100ms --samples 2", `group "nosuch" not found`, ""},
	// assign
	{"assign", "give the group: --consumers N", "none"},
	{"assign --consumers 3", "give the partitions: --partitions P or --topic NAME=P", "none"},
	{"assign --consumers 0 --partitions 3", "--consumers 0: want at least 1", "none"},
	{"assign --consumers 3 --partitions 0", "--partitions 0: want 1 to 10000000", "none"},
	{"assign --consumers 3 --topic orders", `--topic "orders": want NAME=PARTITIONS`, "none"},
	{"assign --consumers 3 --topic a:1 --topic a:2", "--topic a is given twice", "none"},
	{"assign --consumers 3 --partitions 3 --topic a:1", "--partitions names one topic", "none"},
	{"assign --consumers 3 --partitions 3 --assignor fair", `assignor "fair" is not known`, "none"},
	{"assign --consumers 3 --partitions 3 --client java8", `client "java8" is not known`, "none"},
	{"assign --consumers 3 --partitions 3 --assignor sticky --client librdkafka", "librdkafka has no eager sticky", "none"},
	{"assign --consumers 3 --partitions 3 --compare range,fair", `"fair" is not an assignor`, "none"},
	{"assign --consumers 3 --partitions 3 --compare roundrobin --join 1", "--compare shows assignments side by side", "none"},
	{"assign --consumers 3 --partitions 3 --join -1", "--join -1: want 0 or more", "none"},
	{"assign --consumers 3 --partitions 3 --leave c09", "--leave c09: no such member (members: c01, c02, c03)", "none"},
	{"assign --consumers 3 --partitions 3 --from-group g", "exclude each other", "none"},
	{"assign --from-file {dir}/missing.json", "missing.json: file not found", "none"},
	{"assign --from-file {dir}/scenario-extra.json", `unknown field "colour"`, "none"},
	{"assign --from-file {dir}/scenario-broken.json", "scenario-broken.json: not a scenario: line 3", "none"},
	{"assign --from-file {dir}/scenario-trailing.json", "unexpected data after the scenario object", "none"},
	{"assign --from-file {dir}/scenario-dup.json", `member "a" appears twice`, "none"},
	{"assign --from-group nosuch", "--from-group nosuch: group not found", ""},
	{"assign --from-file {dir}/scenario-negative.json", `member "a" owns t/-1: partitions are >= 0`, "none"},
	// serve
	{"serve", "name the groups to serve, or use --all-groups or --regex: exactly one of them", "none"},
	{"serve svc --all-groups", "exactly one of them", "none"},
	{"serve --all-groups --listen 9308", `--listen "9308": want host:port`, "none"},
	{"serve --all-groups --listen 127.0.0.1:http", `--listen "127.0.0.1:http": port "http" is not a number`, "none"},
	{"serve --all-groups --listen example.com:9308", `host "example.com" is not an IP address or localhost`, "none"},
	{"serve --all-groups --interval 10ms", `--interval "10ms": want a duration of at least 1s`, "none"},
	{"serve --all-groups --interval soon", `--interval "soon"`, "none"},
	{"serve --all-groups --samples 1", "--samples 1: want 2 to 1000", "none"},
	{"serve --all-groups --max-series -1", "--max-series -1: want 0 (no limit) or more", "none"},
	{"serve --all-groups --type queue", `--type "queue" is not a group type`, "none"},
	{"serve --all-groups --listen {listening}", "cannot listen", ""},
	// sandbox --scale (benchmarks)
	{"sandbox --scale 500x20", `--scale "500x20": want GROUPSxTOPICSxPARTITIONS[/POOL]`, "none"},
	{"sandbox --scale 0x1x1", `--scale "0x1x1": want at least one group, topic and partition`, "none"},
	// explain
	{"explain sesion.timeout.ms", "did you mean session.timeout.ms?", "none"},
	{"explain --client java9", `--client "java9" is not valid; use one of: java, librdkafka, franz-go, kafka-python`, "none"},
	{"explain --record-latency fast", `--record-latency "fast": want a positive duration`, "none"},
	{"explain --consumers 0", "--consumers 0: want at least 1", "none"},
	{"explain --produce-rate -5", "--produce-rate -5: want records per second > 0", "none"},
	{"explain --set novalue", `--set "novalue": want key=value`, "none"},
	{"explain --config {dir}/nonexistent.properties", "--config {dir}/nonexistent.properties: file not found", "none"},
	{"explain --config {dir}/consumer-bad.properties --record-latency 1s", `consumer-bad.properties:2: max.poll.records="lots" is not a positive whole number`, "none"},
	{"explain --record-latency 10ms --consumers many", `--consumers "many": want a whole number`, "none"},
	{"explain --set max.poll.records=abc", `--set: max.poll.records="abc" is not a positive whole number`, "none"},
	{"explain --partitions 3 --topic t", "--partitions and --topic exclude each other", "none"},
	{"explain --fail-on sometimes", `--fail-on "sometimes" is not valid`, "none"},
	{"explain session.timeout.ms --consumers 3", "explain KEY documents one setting", "none"},
	{"explain --group nosuch --sample-interval 10ms", "--group nosuch: group not found", ""},
	// the config file and contexts
	{"list", `config-bad.yaml:4: context "dev": unknown key "brokrs" (did you mean "brokers"?)`, "config:config-bad.yaml"},
	{"describe svc", "config-syntax.yaml:3: ", "config:config-syntax.yaml"},
	{"list", `config-unset.yaml:6: context "x": sasl.password comes from environment variable NOPE_PW, which is not set`, "config:config-unset.yaml"},
	{"list", `config-output.yaml:5: output "jsn" is not a format`, "config:config-output.yaml"},
	{"list --context nope", `--context "nope": no such context in {dir}/contexts.yaml; contexts: a, b`, "config:contexts.yaml"},
	{"list --context a,a", `--context names "a" twice`, "config:contexts.yaml"},
	{"list --context a,b,", `context name "" is not valid`, "config:contexts.yaml"},
	{"list --all-contexts", "KGROUPS_BROKERS is set and would override the brokers of every context", ""},
	{"reset-offsets svc --all-topics --to-earliest --execute --context a,b", "--context a,b names several clusters: only list, describe and status read several at once", "config:contexts.yaml"},
	{"delete svc --all-contexts", "--all-contexts names several clusters", "config:contexts.yaml"},
	{"context add x", "context add x: give the brokers", "config:contexts.yaml"},
	{"context add a -b 127.0.0.1:9092", `context "a" already exists in {dir}/contexts.yaml`, "config:contexts.yaml"},
	{"context use c", `context use "c": no such context`, "config:contexts.yaml"},
	// a plan made on another cluster
	{"reset-offsets svc --from-file {dir}/other-cluster.json --execute", "other-cluster.json was made on cluster elsewhere (context prod, 10.0.0.1:9092), but this is cluster kfake", ""},
	{"reset-offsets svc --all-topics --to-earliest --force-cluster", "--force-cluster only matters with --from-file or --undo-of", ""},
}

var catalogueFiles = map[string]string{
	"bad.properties":          "bootstrap.servers=127.0.0.1:1\nsasl.mechansim=PLAIN\n",
	"consumer-bad.properties": "session.timeout.ms=45000\nmax.poll.records=lots\n",
	"two.csv":                 "orders,0\n",
	"five.csv":                "a,b,orders,0,1\n",
	"mixed.csv":               "orders,0,1\nsvc,orders,1,2\n",
	"badpart.csv":             "orders,zero,1\n",
	"negoffset.csv":           "orders,0,-3\n",
	"dup.csv":                 "orders,0,1\norders,0,2\n",
	"nopart.csv":              "orders,9,1\n",
	"three.csv":               "orders,0,1\n",
	"empty.csv":               "",
	"other.json":              `{"schema_version":1,"kind":"kgroups-reset-plan","target":"--to-earliest","rows":[{"group":"other","topic":"orders","partition":0,"new_offset":0}]}`,
	"notplan.json":            `{"hello": "world"}`,
	"nokind.json":             `{"schema_version":1,"rows":[{"group":"svc","topic":"orders","partition":0,"new_offset":0}]}`,
	"no-new-offset.json":      `{"schema_version":1,"kind":"kgroups-reset-plan","rows":[{"group":"svc","topic":"orders","partition":0,"current_offset":5}]}`,
	"typo.json":               `{"schema_version":1,"kind":"kgroups-reset-plan","rows":[{"group":"svc","topic":"orders","partition":0,"new_ofset":1}]}`,
	"no-partition.json":       `{"schema_version":1,"kind":"kgroups-reset-plan","rows":[{"group":"svc","topic":"orders","new_offset":1}]}`,
	"unknown-key.json":        `{"schema_version":1,"kind":"kgroups-reset-plan","rows":[{"group":"svc","topic":"orders","partition":0,"new_offset":1,"reviewed_by":"me"}]}`,
	"dup-key.json":            `{"schema_version":1,"kind":"kgroups-reset-plan","rows":[{"group":"svc","topic":"orders","partition":0,"new_offset":1,"new_offset":0}]}`,
	"trailing.json":           `{"schema_version":1,"kind":"kgroups-reset-plan","rows":[{"group":"svc","topic":"orders","partition":0,"new_offset":1}]}{"schema_version":1}`,
	"string-offset.json":      `{"schema_version":1,"kind":"kgroups-reset-plan","rows":[{"group":"svc","topic":"orders","partition":0,"new_offset":"90"}]}`,
	"array.json":              `[{"group":"svc","topic":"orders","partition":0,"new_offset":1}]`,
	"plan-typo.yaml":          "schema_version: 1\nkind: kgroups-reset-plan\nrows:\n  - group: svc\n    topic: orders\n    partition: 0\n    new_ofset: 1\n",
	"bad-quote.csv":           "\"svc,orders,0,1\n",
	"plan.txt":                "orders;0;1\n",
	"reviewed.json":           `{"schema_version":1,"kind":"kgroups-reset-plan","target":"--to-earliest","rows":[{"group":"svc","topic":"orders","partition":0,"current_offset":5,"new_offset":0}]}`,
	"exists.json":             `{"schema_version":1,"kind":"kgroups-reset-plan","target":"undo of --to-earliest","rows":[{"group":"svc","topic":"orders","partition":0,"current_offset":0,"new_offset":5}]}`,
	"scenario-extra.json":     `{"assignor":"range","topics":{"t":1},"members":[{"id":"a","subscription":["t"],"colour":"red"}]}`,
	"scenario-broken.json":    "{\n\"assignor\": \"range\",\n\"topics\": x\n}",
	"scenario-trailing.json":  `{"assignor":"range","topics":{"t":1},"members":[{"id":"a","subscription":["t"]}]}}`,
	"scenario-dup.json":       `{"assignor":"range","topics":{"t":1},"members":[{"id":"a","subscription":["t"]},{"id":"a","subscription":["t"]}]}`,
	"scenario-negative.json":  `{"assignor":"sticky","topics":{"t":1},"members":[{"id":"a","subscription":["t"],"owned":{"t":[-1]}}]}`,
	"config-bad.yaml":         "current-context: dev\ncontexts:\n  dev:\n    brokrs: [127.0.0.1:9092]\n",
	"config-syntax.yaml":      "contexts:\n  dev:\n\tbrokers: [127.0.0.1:9092]\n",
	"config-unset.yaml":       "current-context: x\ncontexts:\n  x:\n    brokers: [127.0.0.1:1]\n    properties:\n      sasl.password: {env: NOPE_PW}\n",
	"config-output.yaml":      "current-context: x\ncontexts:\n  x:\n    brokers: [127.0.0.1:1]\n    output: jsn\n",
	"contexts.yaml":           "contexts:\n  a:\n    brokers: [127.0.0.1:1]\n  b:\n    brokers: [127.0.0.1:2]\n",
	"other-cluster.json":      `{"schema_version":1,"kind":"kgroups-reset-plan","target":"--to-earliest","cluster":{"id":"elsewhere","context":"prod","bootstrap":["10.0.0.1:9092"]},"rows":[{"group":"svc","topic":"orders","partition":0,"current_offset":5,"new_offset":0}]}`,
}

func TestBadInputCatalogue(t *testing.T) {
	if len(catalogue) < 40 {
		t.Fatalf("the catalogue shrank to %d cases", len(catalogue))
	}
	l, env := resetLab(t)
	dir := t.TempDir()
	for name, content := range catalogueFiles {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A loopback port that is taken, for serve --listen.
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	busy := taken.Addr().String()
	before := committedAll(l)
	for _, c := range catalogue {
		t.Run(c.args, func(t *testing.T) {
			e := env
			switch {
			case c.env == "none":
				e = map[string]string{}
			case strings.HasPrefix(c.env, "config:"):
				e = map[string]string{"KGROUPS_CONFIG": filepath.Join(dir, strings.TrimPrefix(c.env, "config:"))}
			}
			args := strings.Fields(strings.ReplaceAll(strings.ReplaceAll(c.args, "{dir}", dir), "{listening}", busy))
			want := strings.ReplaceAll(c.want, "{dir}", dir)
			code, stdout, stderr := run(t, e, args...)
			if code != ExitUsage {
				t.Fatalf("exit %d, want 2\nstderr: %s", code, stderr)
			}
			if !strings.HasPrefix(stderr, "kgroups: ") || !strings.Contains(stderr, want) {
				t.Fatalf("stderr %q\nwant a line containing %q", stderr, want)
			}
			if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
				t.Fatalf("stack trace: %s", stderr)
			}
			if stdout != "" {
				t.Fatalf("stdout should be empty, got %q", stdout)
			}
			if after := committedAll(l); after != before {
				t.Fatalf("offsets changed:\n before %s\n after  %s", before, after)
			}
		})
	}
}

// catalogueTable renders the catalogue as the markdown table in
// docs/reliability.md.
func catalogueTable() string {
	var b strings.Builder
	b.WriteString("| command line | kgroups says (exit 2, nothing changed) |\n|---|---|\n")
	for _, c := range catalogue {
		args := strings.ReplaceAll(strings.ReplaceAll(c.args, "{dir}/", ""), "{listening}", "127.0.0.1:9308 (a port in use)")
		want := strings.ReplaceAll(c.want, "{dir}/", "")
		fmt.Fprintf(&b, "| `kgroups %s` | %s |\n", strings.ReplaceAll(args, "|", `\|`), strings.ReplaceAll(want, "|", `\|`))
	}
	return b.String()
}

const catalogueStart, catalogueEnd = "<!-- bad-input catalogue: start -->\n", "<!-- bad-input catalogue: end -->"

// TestCatalogueDocumented keeps docs/reliability.md's table equal to the
// catalogue; go test ./cmd -run CatalogueDocumented -update-docs rewrites it.
func TestCatalogueDocumented(t *testing.T) {
	path := filepath.Join("..", "docs", "reliability.md")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, catalogueStart), strings.Index(doc, catalogueEnd)
	if i < 0 || j < i {
		t.Fatalf("%s has no catalogue markers", path)
	}
	want := doc[:i+len(catalogueStart)] + catalogueTable() + doc[j:]
	if *updateDocs {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want != doc {
		t.Fatal("docs/reliability.md's bad-input table is stale: go test ./cmd -run CatalogueDocumented -update-docs")
	}
}
