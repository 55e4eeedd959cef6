"""The payments agent under faust's `test_context()`: routing, dead letters, readiness, swaps.

Outputs go to in-memory faust channels (faust has no in-memory broker transport); the same
agent against a real broker is covered by tests/integration/test_stream_*.py.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import faust
import orjson
import pytest

from agents.payments import Outputs, register_payments_agent
from agents.producing import ChannelSink
from agents.reference import ChangeSet, ReferenceState
from schemas.decision import decode_decision
from schemas.payment import PaymentLimits
from screening.lists import encode_entry
from screening.model import EntryType, Identifier, IdentifierScheme, ListEntry

# A short batch window keeps each test quick; outputs are awaited with this bound.
BATCH_TIMEOUT_S = 0.05
WAIT_S = 10.0
# Long enough for a batch to be screened had the agent (wrongly) taken it.
NOTHING_ELSE_S = 0.5

EVIL_BANK = ListEntry(
    entry_id="test:1",
    list_name="test",
    entry_type=EntryType.ORGANISATION,
    primary_name="ZORBLAX TRADING HOUSE",
    programs=("TEST",),
    identifiers=(Identifier(IdentifierScheme.BIC, "ZORBRUMM"),),
    list_version="test-2026-01-01",
)
SECOND_ENTRY = ListEntry(
    entry_id="test:2",
    list_name="test",
    entry_type=EntryType.ORGANISATION,
    primary_name="QUIBBLEFROST SHIPPING COMPANY",
    programs=("TEST",),
    list_version="test-2026-02-01",
)


def payment(payment_id: str, creditor: str, **extra: Any) -> bytes:
    event = {
        "payment_id": payment_id,
        "created_at": "2026-01-02T03:04:05Z",
        "amount": "100.00",
        "currency": "EUR",
        "debtor": {"name": "Anna Example", "country": "DE"},
        "creditor": {"name": creditor, "country": "FR"},
        **extra,
    }
    return orjson.dumps(event)


@dataclass
class Rig:
    agent: Any
    reference: ReferenceState
    outputs: Outputs
    screened: Any
    alerts: Any
    dlq: Any


def build_rig(app_id: str, *, pass_through: bool = False) -> Rig:
    """The payments agent on a faust app whose outputs are in-memory channels."""
    app = faust.App(
        app_id,
        store="memory://",
        key_serializer="raw",
        value_serializer="raw",
        autodiscover=False,
    )
    screened, alerts, dlq = app.channel(), app.channel(), app.channel()
    outputs = Outputs(screened=ChannelSink(screened), alerts=ChannelSink(alerts), dlq=ChannelSink(dlq))
    reference = ReferenceState(threshold=0.7)
    agent = register_payments_agent(
        app,
        app.channel(),
        outputs,
        reference,
        batch_size=8,
        batch_timeout=BATCH_TIMEOUT_S,
        threshold=0.7,
        limits=PaymentLimits(),
        pass_through=pass_through,
    )
    app.finalize()
    app.flow_control.resume()
    # A faust channel delivers only to iterators subscribed before the send.
    return Rig(agent, reference, outputs, aiter(screened), aiter(alerts), aiter(dlq))


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    yield build_rig("paymon-agent-test")


async def load(reference: ReferenceState, *entries: ListEntry) -> None:
    await reference.apply(
        ChangeSet(lists={e.entry_id: encode_entry(e) for e in entries}, sources=("test",)), rebuild=True
    )


async def next_value(channel: Any) -> tuple[bytes | None, bytes]:
    event = await channel.get(timeout=WAIT_S)
    return event.key, event.value


async def assert_empty(channel: Any) -> None:
    await asyncio.sleep(NOTHING_ELSE_S)
    assert channel.empty()


async def test_alert_goes_to_alerts_and_screened_clean_payment_only_to_screened(rig: Rig) -> None:
    await load(rig.reference, EVIL_BANK)
    async with rig.agent.test_context() as agent:
        await agent.put(payment("p-clean", "Boulangerie Martin"), key=b"p-clean", wait=False)
        await agent.put(payment("p-hit", "Zorblax Trading House"), key=b"p-hit", wait=False)
        first = [await next_value(rig.screened), await next_value(rig.screened)]
        decisions = {key: decode_decision(value) for key, value in first}
        assert decisions[b"p-clean"].decision == "pass"
        assert decisions[b"p-hit"].decision == "alert"
        assert decisions[b"p-hit"].hits[0].entry_id == "test:1"
        assert decisions[b"p-hit"].list_version.startswith("test@")
        key, value = await next_value(rig.alerts)
        alert = decode_decision(value)
        assert key == b"p-hit" and alert.alert_id == decisions[b"p-hit"].alert_id
        await assert_empty(rig.alerts)
        assert rig.dlq.empty()


async def test_undecodable_payment_becomes_a_dead_letter_with_its_bytes_and_position(rig: Rig) -> None:
    await load(rig.reference, EVIL_BANK)
    bad = b'{"payment_id": "p-bad", "currency": "EURO"}'
    async with rig.agent.test_context() as agent:
        await agent.put(bad, key=b"p-bad", wait=False)
        await agent.put(b"\xff\xfenot json", key=None, wait=False)
        letters = [orjson.loads((await next_value(rig.dlq))[1]) for _ in range(2)]
        await assert_empty(rig.screened)
    by_key = {letter["key"]: letter for letter in letters}
    schema_error = by_key["p-bad"]
    assert "missing required field" in schema_error["error"] or "$." in schema_error["error"]
    # The original bytes are stored once: as text when they are UTF-8, else base64.
    assert schema_error["value_text"] == bad.decode() and "value_base64" not in schema_error
    assert schema_error["offset"] == 0 and schema_error["partition"] == 0 and "topic" in schema_error
    binary = by_key[None]
    assert binary["error"].startswith("not valid JSON")
    assert base64.b64decode(binary["value_base64"]) == b"\xff\xfenot json" and "value_text" not in binary
    assert binary["offset"] == 1


async def test_nothing_is_screened_before_the_reference_data_is_loaded(rig: Rig) -> None:
    async with rig.agent.test_context() as agent:
        await agent.put(payment("p-early", "Zorblax Trading House"), key=b"p-early", wait=False)
        await assert_empty(rig.screened)
        assert rig.dlq.empty()
        # An empty publish does not open the gate either: an empty list would pass everything.
        await rig.reference.apply(ChangeSet(lists={}, sources=("empty",)), rebuild=True)
        await assert_empty(rig.screened)
        await load(rig.reference, EVIL_BANK)
        key, value = await next_value(rig.screened)
        assert key == b"p-early" and decode_decision(value).decision == "alert"


async def test_a_list_update_is_swapped_in_whole_between_batches(rig: Rig) -> None:
    await load(rig.reference, EVIL_BANK)
    before = rig.reference.current
    async with rig.agent.test_context() as agent:
        await agent.put(payment("p-1", "Quibblefrost Shipping Company"), key=b"p-1", wait=False)
        first = decode_decision((await next_value(rig.screened))[1])
        assert first.decision == "pass"
        await rig.reference.apply(
            ChangeSet(
                lists={SECOND_ENTRY.entry_id: encode_entry(SECOND_ENTRY), "test:1": None}, sources=("upd",)
            )
        )
        assert rig.reference.current is not before
        assert set(before.index.entries) == {"test:1"}  # the old state is untouched
        await agent.put(payment("p-2", "Quibblefrost Shipping Company"), key=b"p-2", wait=False)
        await agent.put(payment("p-3", "Zorblax Trading House"), key=b"p-3", wait=False)
        second = {k: decode_decision(v) for k, v in [await next_value(rig.screened) for _ in range(2)]}
    assert second[b"p-2"].decision == "alert" and second[b"p-2"].hits[0].entry_id == "test:2"
    assert second[b"p-3"].decision == "pass"  # test:1 was removed by the same update
    assert second[b"p-2"].list_version != first.list_version
    assert second[b"p-2"].list_version.startswith("upd@")
