"""A real `paymon worker` screening against OFAC, UN, EU, UK and OpenSanctions lists published
together, under the EU ownership regime: alerts and metrics name the authority, and a corrupt
list file is refused by `paymon lists publish` while the published lists stay in force."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from stream_support import (
    COMMAND_TIMEOUT_S,
    PAYMON,
    REPO_ROOT,
    WorkerProcess,
    consume_until,
    fresh_topics,
    payment_event,
    payment_records,
    produce,
    run_paymon,
    start_worker,
)

from agents.settings import TopicNames
from schemas.decision import Decision, decode_decision

LISTS = Path(__file__).resolve().parents[1] / "fixtures" / "lists"
SOURCES = [
    LISTS / "ofac-mini",
    LISTS / "un-mini.xml",
    LISTS / "eu-fsf-mini.xml",
    LISTS / "uk-sanctions-mini.xml",
    LISTS / "opensanctions-mini.ftm.json",
]


def event(payment_id: str, creditor: dict[str, Any]) -> dict[str, Any]:
    return payment_event(payment_id, creditor, amount="2500.00")


@pytest.fixture(scope="module")
def stream(
    kafka_broker: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, TopicNames, dict[str, str], WorkerProcess]]:
    topics, env = fresh_topics(kafka_broker, "mixed")
    env["PAYMON_OWNERSHIP_REGIME"] = "EU"
    summary = run_paymon(["lists", "publish", *map(str, SOURCES)], env).stdout
    assert "0 changed, 0 removed, 0 unchanged" in summary
    run_paymon(["ownership", "publish", str(LISTS / "opensanctions-mini.ftm.json")], env)
    worker = start_worker(env, tmp_path_factory.mktemp("mixed-worker"), "worker")
    try:
        worker.wait_ready()
        worker.wait_for_output(r"ownership edges")
        yield kafka_broker, topics, env, worker
    finally:
        worker.stop()


def _alerts(broker: str, topic: str, wanted: set[str]) -> dict[str, Decision]:
    def decisions(seen: list[Any]) -> dict[str, Decision]:
        return {d.payment_id: d for d in (decode_decision(value) for _key, value in seen)}

    seen = consume_until(broker, topic, lambda s: wanted <= set(decisions(s)))
    return decisions(seen)


def _creditor(decision: Decision) -> dict[str, Any]:
    return {hit.entry_id: hit for hit in decision.hits if hit.role == "creditor"}


def test_alerts_on_every_source_name_their_authority_and_count_by_it(stream: Any) -> None:
    broker, topics, _env, worker = stream
    payments = {
        "m-eu": event("m-eu", {"name": "Orlando Veltrami Holdings", "country": "CY"}),
        "m-uk": event("m-uk", {"name": "Bramblecote Maritime Services Limited"}),
        "m-weak": event("m-weak", {"name": "Iggy", "birth_date": "1969-08-02"}),
        "m-owned": event("m-owned", {"name": "Quillfeather Components LLC", "id": "osx-sub"}),
    }
    produce(broker, topics.payments, payment_records(payments.values()))
    alerts = _alerts(broker, topics.alerts, set(payments))
    eu = _creditor(alerts["m-eu"])["eu:130002"]
    assert (eu.authorities, eu.programs) == (["eu"], ["UKR"])
    assert _creditor(alerts["m-uk"])["uk:RUS9002"].authorities == ["uk"]
    weak = _creditor(alerts["m-weak"])["opensanctions:osx-merrow"]
    assert "weak alias" in weak.explanation and weak.datasets == ["ch_seco_sanctions"]
    owned = _creditor(alerts["m-owned"])["opensanctions:osx-quillfeather"]
    assert owned.reason == "ownership" and "EU 50% rule" in owned.explanation
    worker.wait_for(
        lambda: 'paymon_alerts_total{list="uk",reason="name"}' in worker.metrics(), 30, "alerts by authority"
    )
    metrics = worker.metrics()
    assert 'paymon_alerts_total{list="eu",reason="ownership"} 1.0' in metrics
    assert 'paymon_list_entries{list="opensanctions"}' in metrics


def test_a_corrupt_list_is_refused_and_the_published_lists_stay_in_force(stream: Any, tmp_path: Path) -> None:
    broker, topics, env, _worker = stream
    raw = (LISTS / "uk-sanctions-mini.xml").read_bytes()
    corrupt = tmp_path / "uk-sanctions.xml"
    corrupt.write_bytes(raw[: len(raw) // 2])
    done = subprocess.run(
        [*PAYMON, "lists", "publish", *map(str, SOURCES[:3]), str(corrupt)],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
    )
    assert done.returncode == 2
    assert f"{corrupt}:" in done.stderr and "malformed XML" in done.stderr
    # Nothing was sent: publishing the same lists again finds every entry unchanged...
    again = run_paymon(["lists", "publish", *map(str, SOURCES)], env).stdout
    assert "0 new, 0 changed, 0 removed" in again and "nothing to publish" in again
    # ...and the worker still screens against them, the UK entries included.
    produce(broker, topics.payments, payment_records([event("m-after", {"name": "Sea Perdition"})]))
    after = _alerts(broker, topics.alerts, {"m-after"})
    assert "uk:RUS9003" in _creditor(after["m-after"])
