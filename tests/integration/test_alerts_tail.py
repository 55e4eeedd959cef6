"""`paymon alerts tail` reads real decisions from the broker and prints one line per alert."""

from __future__ import annotations

import asyncio

import msgspec
import pytest

from agents.settings import Settings
from agents.tail import TailedRecord, format_decision, tail_alerts
from paymon_cli.main import main
from schemas.decision import Decision, Hit, encode_decision, make_alert_id
from tests.integration.kafka_support import create_topic, produce


def _alert(payment_id: str, *hits: Hit) -> Decision:
    return Decision(
        payment_id=payment_id,
        decision="alert",
        hits=list(hits),
        alert_id=make_alert_id(payment_id, list(hits)),
        screened_at="2024-05-01T10:00:00Z",
        list_version="test-lists@abc123",
        algorithm="paymon-test",
    )


NAME_HIT = Hit(
    role="creditor",
    query="Bank Melli Iran",
    entry_id="ofac:306",
    entry_name="BANK MELLI IRAN",
    matched_name="BANK MELLI IRAN",
    list="ofac-sdn",
    programs=["IRAN"],
    score=0.97,
    reason="name",
    explanation="all tokens equal after normalisation",
)
BIC_HIT = Hit(
    role="debtor_agent",
    query="BMJIIRTHXXX",
    entry_id="ofac:306",
    entry_name="BANK MELLI IRAN",
    matched_name="BMJIIRTH",
    list="ofac-sdn",
    programs=["IRAN"],
    score=1.0,
    reason="identifier",
    explanation="BIC8 equal",
)
OWNED_HIT = Hit(
    role="ultimate_creditor",
    query="Volga Trading Ltd",
    entry_id="un:QDe.001",
    entry_name="EXAMPLE HOLDING",
    matched_name="EXAMPLE HOLDING",
    list="un",
    programs=["UN-1267"],
    score=0.9,
    reason="ownership",
    explanation="owned 60% by a listed entity",
    ownership_path=["EXAMPLE HOLDING -60%-> VOLGA TRADING LTD"],
)
DECISIONS = [
    _alert("pay-1", NAME_HIT),
    _alert("pay-2", BIC_HIT, NAME_HIT),
    _alert("pay-3", OWNED_HIT),
]


def test_one_readable_line_per_alert() -> None:
    line = format_decision(DECISIONS[1])
    assert line == (
        'pay-2 ALERT [2 hit(s)] debtor_agent ofac:306 "BANK MELLI IRAN" 1.00 identifier [ofac-sdn: IRAN]'
        ' | creditor ofac:306 "BANK MELLI IRAN" 0.97 name [ofac-sdn: IRAN]'
    )
    assert "via EXAMPLE HOLDING -60%-> VOLGA TRADING LTD" in format_decision(DECISIONS[2])


def test_a_hit_names_every_authority_and_programme() -> None:
    hit = msgspec.structs.replace(NAME_HIT, authorities=["eu", "uk"], programs=["EU-UKR", "GB-RUS"])
    assert format_decision(_alert("pay-4", hit)).endswith('0.97 name [eu, uk: EU-UKR, GB-RUS]')


async def _alerts_topic(settings: Settings, *extra: bytes) -> str:
    topic = settings.topics.alerts
    await create_topic(settings, topic, partitions=1)
    records = [(d.payment_id.encode(), encode_decision(d), None) for d in DECISIONS]
    records += [(None, raw, None) for raw in extra]
    await produce(settings, topic, records)
    return topic


def test_command_line_prints_alerts_from_the_beginning(
    unique_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = unique_settings
    asyncio.run(_alerts_topic(settings, b"not a decision"))
    monkeypatch.setenv("PAYMON_BOOTSTRAP_SERVERS", settings.bootstrap)
    monkeypatch.setenv("PAYMON_TOPIC_ALERTS", settings.topics.alerts)

    assert main(["alerts", "tail", "--from-beginning", "--max", "4", "--timeout", "30"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [format_decision(d) for d in DECISIONS]
    assert "undecodable record at partition 0 offset 3" in captured.err

    assert main(["alerts", "tail", "--from-beginning", "--json", "--max", "2"]) == 0
    assert capsys.readouterr().out.splitlines() == [encode_decision(d).decode() for d in DECISIONS[:2]]


def test_timeout_ends_a_quiet_tail(
    unique_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = unique_settings
    asyncio.run(_alerts_topic(settings))
    monkeypatch.setenv("PAYMON_BOOTSTRAP_SERVERS", settings.bootstrap)
    monkeypatch.setenv("PAYMON_TOPIC_ALERTS", settings.topics.alerts)
    # Asks for more alerts than exist: only the idle timeout can end it.
    assert main(["alerts", "tail", "--from-beginning", "--max", "10", "--timeout", "2"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(DECISIONS)
    assert main(["alerts", "tail", "--topic", "no-such-alerts-topic", "--timeout", "1"]) == 1
    assert "does not exist" in capsys.readouterr().err


async def test_default_start_is_the_end_of_the_topic(unique_settings: Settings) -> None:
    settings = unique_settings
    topic = await _alerts_topic(settings)  # three old alerts already there
    seen: list[TailedRecord] = []
    tail = asyncio.create_task(tail_alerts(settings, seen.append, max_alerts=1, idle_timeout=60))
    fresh = _alert("pay-fresh", NAME_HIT)
    # Keep producing until the tail, positioned at the end whenever it got there, sees one.
    for _ in range(100):
        if tail.done():
            break
        await produce(settings, topic, [(b"pay-fresh", encode_decision(fresh), None)])
        await asyncio.wait({tail}, timeout=0.5)
    assert await asyncio.wait_for(tail, 30) == 1
    assert [r.decision for r in seen] == [fresh]
