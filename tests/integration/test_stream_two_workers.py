"""Two workers in one consumer group: partitions split, both apply list updates, and every
payment is decided exactly once (counted by payment_id in payments-screened)."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

from stream_support import (
    consume_all,
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

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "stream"
PARTITIONS = 4
PAYMENTS = 400


def event(payment_id: str, creditor: str) -> dict[str, Any]:
    return payment_event(payment_id, {"name": creditor, "country": "FR"})


def screened_count(worker_metrics: str) -> float:
    found = re.findall(
        r'^paymon_payments_screened_total\{decision="\w+"\} ([0-9.e+]+)$', worker_metrics, re.M
    )
    return sum(float(v) for v in found)


def test_two_workers_split_partitions_and_both_follow_list_updates(kafka_broker: str, tmp_path: Path) -> None:
    topics, env = fresh_topics(kafka_broker, "pair", PARTITIONS)
    group = env["PAYMON_GROUP_ID"]
    run_paymon(["lists", "publish", str(FIXTURES / "streamtest-v1.jsonl")], env)
    workers = [start_worker(env, tmp_path, f"worker-{n}") for n in (1, 2)]
    try:
        for worker in workers:
            worker.wait_ready()
        assigned = wait_for_group(kafka_broker, group, members=2)
        assert sorted(p for parts in assigned for p in parts) == list(range(PARTITIONS))

        batch = [event(f"c-{i:04d}", f"Weinhandlung Nummer {i}") for i in range(PAYMENTS)]
        produce(kafka_broker, topics.payments, payment_records(batch))
        consume_until(kafka_broker, topics.screened, lambda seen: len(seen) >= PAYMENTS)
        counts = Counter(
            decode_decision(v).payment_id for _k, v in consume_all(kafka_broker, topics.screened)
        )
        assert set(counts) == {p["payment_id"] for p in batch}
        assert set(counts.values()) == {1}, [pid for pid, n in counts.items() if n > 1]
        # Metrics are counted just after the broker acknowledged a batch: allow them a moment.
        deadline = time.monotonic() + 30
        while sum(shares := [screened_count(worker.metrics()) for worker in workers]) < PAYMENTS:
            assert time.monotonic() < deadline, shares
            time.sleep(0.2)
        assert all(share > 0 for share in shares) and sum(shares) == PAYMENTS

        update = run_paymon(
            ["lists", "publish", "--update", str(FIXTURES / "streamtest-v2-update.jsonl")], env
        ).stdout
        assert "1 new, 0 changed, 0 removed, 0 unchanged" in update
        for worker in workers:
            worker.wait_for_output(r"list_version streamtest-v1\+streamtest-v2-update@")
        hits = [event(f"c-hit-{i:02d}", "Quibblefrost Shipping Company") for i in range(16)]
        produce(kafka_broker, topics.payments, payment_records(hits))
        wanted = {p["payment_id"] for p in hits}

        def all_alerted(seen: list[tuple[bytes | None, bytes]]) -> bool:
            return wanted <= {decode_decision(v).payment_id for _k, v in seen}

        alerts = [decode_decision(v) for _k, v in consume_until(kafka_broker, topics.alerts, all_alerted)]
        assert {a.payment_id for a in alerts} == wanted
        assert all(a.hits[0].entry_id == "streamtest:4" for a in alerts)
        # Both workers screened some of the 16 (spread over all partitions) with the update applied.
        deadline = time.monotonic() + 30
        while sum(after := [screened_count(worker.metrics()) for worker in workers]) < PAYMENTS + len(hits):
            assert time.monotonic() < deadline, after
            time.sleep(0.2)
        assert all(now > before for now, before in zip(after, shares, strict=True))
    finally:
        for worker in workers:
            worker.stop()
