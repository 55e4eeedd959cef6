"""A real `paymon worker` against the real broker: routing, dead letters, nothing lost, ownership.

One worker serves the whole module (its own topics and group), started after the test list is
published with `paymon lists publish`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from stream_support import (
    WorkerProcess,
    consume_all,
    consume_until,
    fresh_topics,
    payment_event,
    payment_records,
    produce,
    run_paymon,
    start_worker,
)

from agents.settings import TopicNames
from schemas.decision import decode_decision

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "stream"


def event(payment_id: str, creditor: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return payment_event(payment_id, creditor, amount="2500.00", **extra)


CLEAN = [event(f"a-clean-{i}", {"name": f"Bäckerei Nummer {i} KG", "country": "DE"}) for i in range(20)]
ALERTING = {
    "a-name": event("a-name", {"name": "Zorblax Trading House", "country": "RU"}),
    "a-bic": event("a-bic", {"name": "Ordinary Imports Ltd"}, creditor_agent={"bic": "ZORBRUMM"}),
    "a-person": event("a-person", {"name": "Vortigan Blemishkov", "birth_date": "1971-03-04"}),
}
MALFORMED: list[tuple[bytes | None, bytes | None]] = [
    (b"a-bad-json", b'{"payment_id": "a-bad-json", '),
    (b"a-missing", orjson.dumps({"payment_id": "a-missing", "created_at": "2026-03-01T10:00:00Z"})),
    (b"a-bad-currency", orjson.dumps({**event("a-bad-currency", {"name": "X"}), "currency": "euro"})),
    (b"a-empty", None),
]


@pytest.fixture(scope="module")
def stream(
    kafka_broker: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, TopicNames, dict[str, str], WorkerProcess]]:
    topics, env = fresh_topics(kafka_broker, "e2e")
    summary = run_paymon(["lists", "publish", str(FIXTURES / "streamtest-v1.jsonl")], env).stdout
    assert "3 new, 0 changed, 0 removed, 0 unchanged" in summary
    worker = start_worker(env, tmp_path_factory.mktemp("e2e-worker"), "worker")
    try:
        worker.wait_ready()
        yield kafka_broker, topics, env, worker
    finally:
        worker.stop()


def by_id(records: list[tuple[bytes | None, bytes]], prefix: str) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for _key, value in records:
        decision = decode_decision(value)
        if decision.payment_id.startswith(prefix):
            out.setdefault(decision.payment_id, []).append(decision)
    return out


def test_alerts_screened_and_dead_letters_account_for_every_payment(stream: Any) -> None:
    broker, topics, _env, worker = stream
    produce(broker, topics.payments, payment_records([*CLEAN, *ALERTING.values()]) + MALFORMED)
    valid = len(CLEAN) + len(ALERTING)
    consume_until(broker, topics.screened, lambda seen: len(by_id(seen, "a-")) >= valid)
    screened = by_id(consume_all(broker, topics.screened), "a-")
    dead = [orjson.loads(value) for _key, value in consume_until(broker, topics.dlq, lambda s: len(s) >= 4)]
    alerts = by_id(consume_all(broker, topics.alerts), "a-")

    # Nothing lost: every input is screened or dead-lettered (a redelivery may repeat, never drop).
    assert set(screened) == {p["payment_id"] for p in [*CLEAN, *ALERTING.values()]}
    assert {d["key"] for d in dead} == {key.decode() for key, _ in MALFORMED if key}
    assert len(screened) + len({d["key"] for d in dead}) == valid + len(MALFORMED)

    assert set(alerts) == set(ALERTING)
    for payment_id, decisions in screened.items():
        assert decisions[0].decision == ("alert" if payment_id in ALERTING else "pass")
    assert alerts["a-name"][0].hits[0].entry_id == "streamtest:1"
    assert any(h.reason == "identifier" and h.role == "creditor_agent" for h in alerts["a-bic"][0].hits)
    assert alerts["a-person"][0].hits[0].entry_id == "streamtest:2"
    assert alerts["a-name"][0].alert_id == screened["a-name"][0].alert_id
    assert screened["a-name"][0].list_version.startswith("streamtest-v1@")

    reasons = {d["key"]: d for d in dead}
    assert reasons["a-bad-json"]["error"].startswith("not valid JSON")
    assert "$.creditor" in reasons["a-missing"]["error"] or "missing" in reasons["a-missing"]["error"]
    assert "$.currency" in reasons["a-bad-currency"]["error"]
    assert reasons["a-empty"]["error"].startswith("empty message")
    # Counted just after the broker acknowledged the batch; the lag is reported every few seconds.
    worker.wait_for(
        lambda: 'paymon_dead_letters_total{reason="invalid_json"} 1.0' in worker.metrics(), 30, "dead letters"
    )
    worker.wait_for(lambda: "paymon_consumer_lag_messages{" in worker.metrics(), 30, "lag metric")
    for letter in dead:
        assert letter["topic"] == topics.payments and letter["offset"] >= 0 and letter["partition"] >= 0
    assert reasons["a-bad-json"]["value_text"].encode() == MALFORMED[0][1]


def test_published_ownership_makes_an_owned_company_alert_with_its_path(stream: Any) -> None:
    broker, topics, env, worker = stream
    owned = {"name": "Frobnitz Logistik GmbH", "id": "co-frobnitz-logistik", "country": "DE"}
    produce(broker, topics.payments, payment_records([event("d-before", owned)]))
    before = consume_until(broker, topics.screened, lambda seen: "d-before" in by_id(seen, "d-"))
    assert by_id(before, "d-")["d-before"][0].decision == "pass"

    summary = run_paymon(["ownership", "publish", str(FIXTURES / "stream-ownership.csv")], env).stdout
    assert "3 new, 0 changed, 0 removed, 0 unchanged" in summary
    worker.wait_for_output(r"3 ownership edges")
    metrics = worker.metrics()
    assert "paymon_ownership_edges 3.0" in metrics
    assert "paymon_blocked_entities 2.0" in metrics  # Frobnitz Holdings and Frobnitz Logistik

    produce(broker, topics.payments, payment_records([event("d-after", owned)]))
    after = consume_until(broker, topics.alerts, lambda seen: "d-after" in by_id(seen, "d-"))
    hit = by_id(after, "d-")["d-after"][0].hits[0]
    assert hit.reason == "ownership" and hit.entry_id == "streamtest:1"
    assert hit.ownership_path == [
        "ZORBLAX TRADING HOUSE -60%-> FROBNITZ HOLDINGS GMBH",
        "FROBNITZ HOLDINGS GMBH -50%-> FROBNITZ LOGISTIK GMBH",
    ]
    # Publishing the same table again changes nothing.
    again = run_paymon(["ownership", "publish", str(FIXTURES / "stream-ownership.csv")], env).stdout
    assert "0 new, 0 changed, 0 removed, 3 unchanged; nothing to publish" in again
