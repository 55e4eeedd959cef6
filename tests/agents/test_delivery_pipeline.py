"""The delivery pipeline of the payments agent: a batch's offsets are released only after the
broker acknowledged its outputs and those of every batch taken before it; a failed delivery is
produced again, never released undelivered; at most BATCHES_IN_FLIGHT batches wait.

The producer here is a recorder whose acknowledgements the test gives or refuses (the same
pipeline against the real broker: tests/integration/test_stream_faults.py, test_stream_outage.py,
test_stream_takeover.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from agents.logging_limits import RateLimitedLog
from agents.payments import (
    BATCHES_IN_FLIGHT,
    BatchOutcome,
    DeliveryPipeline,
    Outputs,
    OutRecord,
)

WAIT_S = 5.0


@dataclass
class Message:
    """What `hold_back` touches of a faust message: its reference count."""

    refcount: int = 1

    def incref(self) -> None:
        self.refcount += 1


@dataclass
class Event:
    """What the pipeline touches of a faust event: `ack()` (the release of its hold)."""

    name: str
    released: list[str]
    message: Message = field(default_factory=lambda: Message())

    def ack(self) -> bool:
        self.released.append(self.name)
        return True


@dataclass
class Broker:
    """Records every send and answers it with a future the test resolves (or fails)."""

    sent: list[bytes] = field(default_factory=list)
    acks: list[asyncio.Future[None]] = field(default_factory=list)

    async def send_records(self, records: Sequence[OutRecord]) -> list[asyncio.Future[None]]:
        futures: list[asyncio.Future[None]] = []
        for record in records:
            self.sent.append(record.value)
            futures.append(asyncio.get_running_loop().create_future())
        self.acks += futures
        return futures

    def acknowledge(self, index: int) -> None:
        self.acks[index].set_result(None)


def outcome(*values: bytes) -> BatchOutcome:
    return BatchOutcome([OutRecord(key=v, value=v) for v in values], [], [], [], "v1")


def events(released: list[str], *names: str) -> list[Event]:
    return [Event(name, released) for name in names]


async def taken(line: DeliveryPipeline, batch: list[Event], screened: BatchOutcome) -> None:
    """What the agent does with each batch: take it from the stream, then put its outcome."""
    line.take(batch)
    await line.put(batch, screened)


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


@pytest.fixture
def broker() -> Broker:
    return Broker()


def pipeline(broker: Broker) -> DeliveryPipeline:
    outputs = Outputs(screened=broker, alerts=broker, dlq=broker)
    return DeliveryPipeline(outputs, RateLimitedLog(logging.getLogger(__name__)), None)


async def test_a_batch_is_released_only_after_its_own_and_every_earlier_batch_is_acknowledged(
    broker: Broker,
) -> None:
    released: list[str] = []
    line = pipeline(broker)
    await taken(line, events(released, "a1", "a2"), outcome(b"a1", b"a2"))
    await taken(line, events(released, "b1"), outcome(b"b1"))
    assert broker.sent == [b"a1", b"a2", b"b1"]  # the second batch went out before the first was acked
    broker.acknowledge(2)  # the later batch first
    await settle()
    assert released == []
    broker.acknowledge(0)
    await settle()
    assert released == []  # a2 still unacknowledged
    broker.acknowledge(1)
    await asyncio.wait_for(_until(lambda: len(released) == 3), WAIT_S)
    assert released == ["a1", "a2", "b1"]
    await line.close()


async def test_a_failed_delivery_is_produced_again_and_released_only_once_acknowledged(
    broker: Broker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("agents.payments.DELIVERY_RETRY_FIRST_S", 0.01)
    released: list[str] = []
    line = pipeline(broker)
    await taken(line, events(released, "a1"), outcome(b"a1"))
    broker.acks[0].set_exception(ConnectionError("broker gone"))
    await asyncio.wait_for(_until(lambda: len(broker.sent) == 2), WAIT_S)
    assert broker.sent == [b"a1", b"a1"] and released == []
    broker.acknowledge(1)
    await asyncio.wait_for(_until(lambda: released == ["a1"]), WAIT_S)
    await line.close()


async def test_batches_still_waiting_when_closed_stay_held_back(broker: Broker) -> None:
    released: list[str] = []
    line = pipeline(broker)
    batch = events(released, "a1")
    await taken(line, batch, outcome(b"a1"))
    # The extra reference keeps the take's own acknowledgement from committing the offset.
    assert batch[0].message.refcount == 2
    await line.close()
    broker.acknowledge(0)
    await settle()
    assert released == []


async def test_at_most_the_in_flight_bound_of_batches_waits(broker: Broker) -> None:
    released: list[str] = []
    line = pipeline(broker)
    # The confirmer holds one batch while awaiting it; the queue holds the bound.
    for number in range(BATCHES_IN_FLIGHT + 1):
        await asyncio.wait_for(taken(line, events(released, f"e{number}"), outcome(b"x")), WAIT_S)
    blocked = asyncio.create_task(taken(line, events(released, "late"), outcome(b"late")))
    await settle()
    assert not blocked.done()
    broker.acknowledge(0)
    await asyncio.wait_for(blocked, WAIT_S)
    assert released == ["e0"]
    await line.close()


async def _until(condition: Any) -> None:
    while not condition():
        await asyncio.sleep(0.005)
