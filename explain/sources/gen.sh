#!/usr/bin/env bash
# Regenerates the per-client key tables from the clients themselves. Each
# table holds facts only (names, defaults, accepted values), never prose.
#   librdkafka-2.0.2.tsv   kcat -X list (Debian bookworm kcat 1.7.1, librdkafka 2.0.2)
#   kafka-python-2.0.2.tsv KafkaConsumer.DEFAULT_CONFIG (Debian python3-kafka 2.0.2)
# java-4.0.tsv and franz-go-1.22.2.tsv are transcribed by hand from
# ConsumerConfig.java / CommonClientConfigs.java (apache/kafka 1eb7644, 4.0.0)
# and pkg/kgo/config.go (v1.22.2); keys_test.go checks them against those
# sources where they are on the machine.
set -euo pipefail
cd "$(dirname "$0")"
{
  echo "# librdkafka 2.0.2 (kcat -X list): name, C/P, section, default, range, alias of, deprecated"
  kcat -X list | awk -F'|' '
  /^## Topic/ {topic=1}
  NF>=6 && $1 !~ /^Property|^---/ {
    name=$1; cp=$2; rng=$3; def=$4; desc=$6
    gsub(/^ +| +$/,"",name); gsub(/ /,"",cp); gsub(/^ +| +$/,"",rng); gsub(/^ +| +$/,"",def)
    if (seen[name]++) next
    alias=""
    if (match(desc, /Alias for `[^`]*`/)) alias=substr(desc, RSTART+11, RLENGTH-12)
    dep = (desc ~ /\*\*DEPRECATED\*\*/) ? "deprecated" : "-"
    printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, cp, (topic ? "topic" : "global"), (def == "" ? "-" : def), (rng == "" ? "-" : rng), (alias == "" ? "-" : alias), dep
  }'
} > librdkafka-2.0.2.tsv
/usr/bin/python3 - > kafka-python-2.0.2.tsv <<'PY'
import kafka
from kafka import KafkaConsumer
print("# kafka-python %s KafkaConsumer.DEFAULT_CONFIG: name, default (Python repr; objects by class name)" % kafka.__version__)
for k, v in KafkaConsumer.DEFAULT_CONFIG.items():
    if callable(v) and not isinstance(v, type):
        r = "<function>"
    elif isinstance(v, type):
        r = v.__name__
    elif isinstance(v, (tuple, list)) and v and all(isinstance(x, type) for x in v):
        r = ",".join(x.__name__ for x in v)
    else:
        r = repr(v)
    print("%s\t%s" % (k, r))
PY
