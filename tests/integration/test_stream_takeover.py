"""kill -9 of one of two workers: the survivor takes its partitions and decides their payments
long before faust's default 60 s session timeout would have let it (PAYMON_SESSION_TIMEOUT)."""

from __future__ import annotations

from pathlib import Path

from stream_support import (
    RELIABILITY_LISTS,
    consume_until,
    fresh_topics,
    payment_event,
    payment_records,
    produce,
    run_paymon,
    start_worker,
    wait_for_group,
)

from schemas.decision import decode_decision

PARTITIONS = 4
# The target is 15 s; the bound is generous for two busy cores (the 10 s session timeout
# plus a rebalance), and still half of what the old 60 s session timeout needed.
TAKEOVER_DEADLINE_S = 30.0


def test_the_survivor_decides_a_killed_workers_partitions(kafka_broker: str, tmp_path: Path) -> None:
    topics, env = fresh_topics(kafka_broker, "takeover", PARTITIONS)
    group = env["PAYMON_GROUP_ID"]
    run_paymon(["lists", "publish", str(RELIABILITY_LISTS)], env)
    # INFO logs: a failure shows the survivor's rebalance steps.
    survivor, victim = (
        start_worker(env, tmp_path, name, ["--log-level", "info"]) for name in ("survivor", "victim")
    )
    try:
        for worker in (survivor, victim):
            worker.wait_ready()
        assigned = wait_for_group(kafka_broker, group, members=2)
        assert all(assigned)
        victim.process.kill()  # SIGKILL: no goodbye to the group, its session must time out
        victim.process.wait()
        payments = [payment_event(f"k-{i:03d}") for i in range(200)]  # keys spread over all partitions
        produce(kafka_broker, topics.payments, payment_records(payments))
        wanted = {p["payment_id"] for p in payments}
        seen = consume_until(
            kafka_broker,
            topics.screened,
            lambda records: wanted <= {decode_decision(v).payment_id for _k, v in records},
            timeout=TAKEOVER_DEADLINE_S,
        )
        assert wanted <= {decode_decision(v).payment_id for _k, v in seen}
    finally:
        survivor.stop()
        victim.stop()
