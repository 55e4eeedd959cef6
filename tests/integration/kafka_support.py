"""Small real-broker helpers for the Kafka tool tests: create a topic, produce, read a topic back."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from agents.settings import Settings

# Bounds on waits for records that must arrive; they only stop a hang, they never pass time.
READ_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class Consumed:
    """One record read back from a topic."""

    partition: int
    offset: int
    key: bytes | None
    value: bytes
    timestamp: int
    headers: tuple[tuple[str, bytes], ...]


async def create_topic(
    settings: Settings, name: str, partitions: int = 1, configs: Mapping[str, str] | None = None
) -> None:
    """Create one topic (it must not exist yet)."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(**settings.aiokafka_kwargs())
    await admin.start()
    try:
        response = await admin.create_topics(
            [NewTopic(name, partitions, 1, topic_configs=dict(configs or {}))]
        )
        [(_, code, message)] = response.topic_errors
        assert code == 0, f"creating {name}: error {code} {message}"
    finally:
        await admin.close()


async def produce(
    settings: Settings, topic: str, records: Iterable[tuple[bytes | None, bytes, int | None]]
) -> None:
    """Send (key, value, timestamp_ms or None) records in order and wait for every ack."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(acks="all", **settings.aiokafka_kwargs())
    await producer.start()
    try:
        for key, value, timestamp_ms in records:
            await producer.send_and_wait(topic, value, key=key, timestamp_ms=timestamp_ms)
    finally:
        await producer.stop()


async def read_all(
    settings: Settings, topic: str, expected: int, timeout: float = READ_TIMEOUT_S
) -> list[Consumed]:
    """Read `topic` from the beginning until `expected` records arrived; then check for one more
    briefly, so a test also sees records that should not be there."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        topic,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        **settings.aiokafka_kwargs(),
    )
    await consumer.start()
    records: list[Consumed] = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(records) < expected and loop.time() < deadline:
            await _fetch(consumer, records, 500)
        await _fetch(consumer, records, 1000)  # anything beyond `expected`?
    finally:
        await consumer.stop()
    assert len(records) >= expected, f"{topic}: got {len(records)} records, expected {expected}"
    return records


async def _fetch(consumer: object, into: list[Consumed], timeout_ms: int) -> None:
    batches = await consumer.getmany(timeout_ms=timeout_ms)  # type: ignore[attr-defined]
    for tp, messages in batches.items():
        for m in messages:
            headers = tuple((k, bytes(v)) for k, v in (m.headers or ()))
            into.append(Consumed(tp.partition, m.offset, m.key, m.value, m.timestamp, headers))
