"""Where the payments agent's outputs go: record sinks that take a whole batch's records at once.

`KafkaSink` writes the records of one output topic as Kafka record batches, one per partition
(aiokafka `create_batch`/`send_batch`), with one delivery future per record batch. Producing one
record at a time through faust's `Topic.send` cost a faust message, an aiokafka message future
and an event-loop callback per record, and with them the largest share of the worker's own
(non-screening) time in a py-spy profile of the pass-through worker. Records keep the placement
aiokafka's default partitioner gives them (murmur2 of the key, Java's rule; a random available
partition for a record without a key), so a payment's decision lands where it did before.
aiokafka queues at most one record batch per partition: while the one before is still waiting
for the producer's request in flight, `send_batch` waits until it is sent (about one produce
round trip, during which the agent does not take its next batch), where per-record sends would
have joined the waiting batch.

`ChannelSink` sends record by record to a faust channel or topic: the in-memory channels the
agent's unit tests read (faust has no in-memory broker transport).
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from aiokafka.partitioner import DefaultPartitioner

if TYPE_CHECKING:
    from agents.payments import OutRecord


class RecordSink(Protocol):
    """What the agent produces to: one output topic."""

    async def send_records(self, records: Sequence[OutRecord]) -> list[Awaitable[Any]]:
        """Hand `records` to the producer in order; one future per unit of delivery, each
        resolving when the broker acknowledged its records (or failing with the error)."""
        ...


class KafkaSink:
    """One output topic written with the worker's aiokafka producer, a record batch per partition.

    `producer` gives the started `AIOKafkaProducer` when asked (faust starts its producer with the
    app, before any agent runs, with the PAYMON_PRODUCER_* settings)."""

    def __init__(self, producer: Any, topic: str) -> None:
        self._producer = producer
        self.topic = topic
        self._partitioner = DefaultPartitioner()

    async def send_records(self, records: Sequence[OutRecord]) -> list[Awaitable[Any]]:
        """Queue `records` as one record batch per partition (more when one would exceed the
        producer's batch size; a record larger than that goes alone) and return one delivery
        future per record batch. Guarantees: within a partition the records keep their order;
        a record is placed by the default partitioner on its key."""
        if not records:
            return []
        producer = self._producer()
        partitions = sorted(await producer.partitions_for(self.topic))
        by_partition: dict[int, list[OutRecord]] = {}
        for record in records:
            partition = self._partitioner(record.key, partitions, partitions)
            by_partition.setdefault(partition, []).append(record)
        futures: list[Awaitable[Any]] = []
        for partition, placed in by_partition.items():
            batch = producer.create_batch()
            for record in placed:
                if batch.append(key=record.key, value=record.value, timestamp=None) is None:
                    # Full: this one opens the next batch (an empty batch takes any record).
                    futures.append(await self._send(producer, batch, partition))
                    batch = producer.create_batch()
                    if batch.append(key=record.key, value=record.value, timestamp=None) is None:
                        # never drop a record silently: the pipeline produces the batch again
                        raise RuntimeError(f"{self.topic}: an empty record batch refused a record")
            futures.append(await self._send(producer, batch, partition))
        return futures

    async def _send(self, producer: Any, batch: Any, partition: int) -> Awaitable[Any]:
        # Closed, the batch is complete: the producer sends it without lingering for more.
        batch.close()
        future: Awaitable[Any] = await producer.send_batch(batch, self.topic, partition=partition)
        return future


class ChannelSink:
    """A faust channel or topic as a sink: one `send` per record, one future each."""

    def __init__(self, channel: Any) -> None:
        self.channel = channel

    async def send_records(self, records: Sequence[OutRecord]) -> list[Awaitable[Any]]:
        """Send `records` one by one in order; one delivery future per record."""
        return [await self.channel.send(key=record.key, value=record.value) for record in records]
