"""A kafka-python group member for the e2e tests: joins GROUP on TOPIC with
the named assignor, polls until killed, never commits.

usage: python_member.py BROKERS GROUP TOPIC CLIENT_ID range|roundrobin
"""
import sys

from kafka import KafkaConsumer
from kafka.coordinator.assignors.range import RangePartitionAssignor
from kafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor

brokers, group, topic, client_id, assignor = sys.argv[1:6]
strategy = {"range": RangePartitionAssignor, "roundrobin": RoundRobinPartitionAssignor}[assignor]
consumer = KafkaConsumer(
    topic,
    bootstrap_servers=brokers.split(","),
    group_id=group,
    client_id=client_id,
    partition_assignment_strategy=[strategy],
    enable_auto_commit=False,
    auto_offset_reset="earliest",
    session_timeout_ms=10000,
    heartbeat_interval_ms=1000,
)
print("started", flush=True)
while True:
    consumer.poll(timeout_ms=500)
