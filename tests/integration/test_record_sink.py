"""`KafkaSink` on the real broker: a batch's records arrive whole, in order within each partition,
on the partition aiokafka's own `send` gives their key (so decisions land where they did when
produced record by record), also when they overflow one record batch or carry no key."""

from __future__ import annotations

import asyncio
from collections import defaultdict

from agents.payments import OutRecord
from agents.producing import KafkaSink
from agents.settings import Settings
from tests.integration.kafka_support import create_topic, read_all

PARTITIONS = 4


async def _sink_and_reference(settings: Settings, topic: str, records: list[OutRecord]) -> dict[bytes, int]:
    """Send `records` through a `KafkaSink` (batch size 4 KiB, so they need several batches) and
    the same keys one by one with aiokafka's `send` to a twin topic; the twin's partition of each
    key."""
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(acks="all", max_batch_size=4096, **settings.aiokafka_kwargs())
    await producer.start()
    try:
        futures = await KafkaSink(lambda: producer, topic).send_records(records)
        assert len(futures) < len(records)  # record batches, not one future per record
        await asyncio.gather(*futures)
        keyed = [r.key for r in records if r.key is not None]
        placed = [await producer.send(f"{topic}-twin", b"", key=key) for key in keyed]
        return {key: (await future).partition for key, future in zip(keyed, placed, strict=True)}
    finally:
        await producer.stop()


async def test_records_arrive_in_order_on_the_default_partition_of_their_key(
    kafka_settings: Settings, topic_name: str
) -> None:
    await create_topic(kafka_settings, topic_name, PARTITIONS)
    await create_topic(kafka_settings, f"{topic_name}-twin", PARTITIONS)
    records = [OutRecord(key=f"tx-{n}".encode(), value=f"{n:05d}".encode() * 40) for n in range(200)]
    records.append(OutRecord(key=None, value=b"no key"))
    twin = await _sink_and_reference(kafka_settings, topic_name, records)

    consumed = await read_all(kafka_settings, topic_name, len(records))
    assert sorted(c.value for c in consumed) == sorted(r.value for r in records)
    for record in consumed:
        if record.key is not None:
            assert record.partition == twin[record.key], record.key
    by_partition: dict[int, list[bytes]] = defaultdict(list)
    for record in sorted(consumed, key=lambda c: (c.partition, c.offset)):
        by_partition[record.partition].append(record.value)
    sent_order = [r.value for r in records]
    for values in by_partition.values():
        assert values == sorted(values, key=sent_order.index)


async def test_a_record_larger_than_a_batch_goes_alone(kafka_settings: Settings, topic_name: str) -> None:
    await create_topic(kafka_settings, topic_name, 1)
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(acks="all", max_batch_size=4096, **kafka_settings.aiokafka_kwargs())
    await producer.start()
    try:
        records = [OutRecord(b"a", b"small"), OutRecord(b"b", b"x" * 50_000), OutRecord(b"c", b"small too")]
        await asyncio.gather(*await KafkaSink(lambda: producer, topic_name).send_records(records))
    finally:
        await producer.stop()
    consumed = await read_all(kafka_settings, topic_name, 3)
    assert [c.key for c in sorted(consumed, key=lambda c: c.offset)] == [b"a", b"b", b"c"]
