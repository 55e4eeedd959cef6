"""A real OFAC list update published while a worker runs: MRB Bank (designated 19 Sept 2024)
passes against the 3 May 2024 SDN list alone and alerts once the September update is applied."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from stream_support import (
    consume_until,
    fresh_topics,
    payment_records,
    produce,
    run_paymon,
    start_worker,
)

from schemas.decision import decode_decision

pytestmark = pytest.mark.shared
# MRB BANK, ent_num 50604 in the 2024-09 update's sdn.csv.
MRB_BANK = "ofac:50604"


def mrb_payment(payment_id: str) -> dict[str, Any]:
    return {
        "payment_id": payment_id,
        "created_at": "2024-10-01T12:00:00Z",
        "amount": "150000.00",
        "currency": "USD",
        "debtor": {"name": "Caspian Grain Traders Ltd", "country": "AE"},
        "creditor": {"name": "MRB Bank", "country": "RU"},
    }


def decisions(records: list[tuple[bytes | None, bytes]]) -> dict[str, Any]:
    return {d.payment_id: d for d in (decode_decision(v) for _k, v in records)}


def test_list_update_applies_while_the_worker_runs(
    kafka_broker: str, shared_data: Path, tmp_path: Path
) -> None:
    lists = shared_data / "lists"
    topics, env = fresh_topics(kafka_broker, "update")
    base = run_paymon(["lists", "publish", str(lists / "ofac-sdn-2024-05-03")], env).stdout
    assert re.search(r"lists ofac-sdn-2024-05-03 -> .*: \d{5} new, 0 changed, 0 removed", base), base
    worker = start_worker(env, tmp_path, "worker")
    try:
        worker.wait_ready()
        produce(kafka_broker, topics.payments, payment_records([mrb_payment("u-before")]))
        seen = consume_until(kafka_broker, topics.screened, lambda s: "u-before" in decisions(s))
        before = decisions(seen)["u-before"]
        assert not any(hit.entry_id == MRB_BANK for hit in before.hits)
        assert before.list_version.startswith("ofac-sdn-2024-05-03@")

        update = run_paymon(
            ["lists", "publish", "--update", str(lists / "ofac-sdn-2024-09-update")], env
        ).stdout
        assert re.search(r"\d+ new, \d+ changed, 0 removed", update), update
        assert "sources: ofac-sdn-2024-05-03, ofac-sdn-2024-09-update" in update
        worker.wait_for_output(r"list_version ofac-sdn-2024-05-03\+ofac-sdn-2024-09-update@")

        produce(kafka_broker, topics.payments, payment_records([mrb_payment("u-after")]))
        seen = consume_until(kafka_broker, topics.alerts, lambda s: "u-after" in decisions(s))
        after = decisions(seen)["u-after"]
        assert after.decision == "alert"
        assert any(hit.entry_id == MRB_BANK and hit.role == "creditor" for hit in after.hits)
        assert after.list_version.startswith("ofac-sdn-2024-05-03+ofac-sdn-2024-09-update@")
    finally:
        worker.stop()
