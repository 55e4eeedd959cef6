"""Publish reference data (list entries, ownership edges) to its compacted topic as one publish.

The publisher reads what the topic holds now (from the beginning, outside any consumer group),
compares it with the new set and writes only the difference, keyed by entry id / edge id:
new and changed records, and a tombstone (value None) for every key the topic holds that the
new set lacks — unless the publish is an update (`mode="update"`), which only adds and
replaces. The records and their closing marker follow `agents.publish_protocol`, so workers apply
the publish whole. Records of an earlier publish that never got its marker are re-sent (or
tombstoned), which lets workers discard them.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from agents.publish_protocol import (
    CONTROL_HEADER,
    PUBLISH_END,
    PUBLISH_ID_HEADER,
    PublishMarker,
    PublishMode,
    ReferenceKind,
    encode_marker,
    marker_key,
    to_reference_record,
)

if TYPE_CHECKING:
    from agents.settings import Settings

# Give up reading the topic's current state after this long without progress: a broker that
# answers metadata but serves no records is broken, and the publisher must not hang forever.
READ_STALL_TIMEOUT_S = 60.0
POLL_TIMEOUT_MS = 500
# A topic created just before the publish can take a few metadata refreshes to appear.
TOPIC_WAIT_S = 10.0


@dataclass(frozen=True, slots=True)
class TopicState:
    """What a reference topic holds: the live value of every key, the cumulative sources of its
    last complete publish, and keys written by publishes that never got their marker."""

    records: dict[str, bytes]
    sources: list[str]
    orphan_keys: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class PublishPlan:
    """The records one publish writes and how the new set compares with the topic."""

    upserts: dict[str, bytes]
    removals: list[str]
    new: int
    changed: int
    removed: int
    unchanged: int

    @property
    def records(self) -> int:
        """How many data records the publish writes."""
        return len(self.upserts) + len(self.removals)


def plan_publish(
    current: TopicState,
    desired: Mapping[str, bytes],
    *,
    same: Callable[[bytes, bytes], bool],
    mode: PublishMode,
) -> PublishPlan:
    """Compare `desired` (key -> encoded record) with what the topic holds.

    Guarantees: a key whose stored record is `same` as the desired one is not re-sent (unless an
    unfinished publish wrote it); in `replace` mode every stored key absent from `desired` gets a
    tombstone, in `update` mode none does."""
    upserts: dict[str, bytes] = {}
    new = changed = unchanged = 0
    for key, value in desired.items():
        old = current.records.get(key)
        if old is None:
            new += 1
            upserts[key] = value
        elif key in current.orphan_keys or not same(old, value):
            changed += 1
            upserts[key] = value
        else:
            unchanged += 1
    removals: list[str] = []
    if mode == "replace":
        removals = sorted(key for key in current.records if key not in desired)
    # Keys an unfinished publish tombstoned or wrote and the new set does not hold: tombstone
    # them again so workers can drop the orphaned records (also in update mode; they never
    # became part of the applied state).
    removals.extend(sorted(k for k in current.orphan_keys if k not in desired and k not in current.records))
    return PublishPlan(upserts, removals, new, changed, len(removals), unchanged)


def cumulative_sources(current: TopicState, new_sources: list[str], mode: PublishMode) -> list[str]:
    """What the topic holds after the publish: the new sources (replace) or the old ones
    followed by the new ones not already among them (update)."""
    if mode == "replace":
        return list(new_sources)
    return current.sources + [s for s in new_sources if s not in current.sources]


async def read_topic_state(settings: Settings, topic: str, kind: ReferenceKind) -> TopicState:
    """Read `topic` from the beginning to its current end (outside any consumer group).

    Raises RuntimeError when the topic does not exist or the read stalls."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(
        group_id=None, enable_auto_commit=False, auto_offset_reset="earliest", **settings.aiokafka_kwargs()
    )
    await consumer.start()
    try:
        partitions = await _partitions(consumer, topic)
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end_offsets: dict[Any, int] = await consumer.end_offsets(tps)
        records: dict[str, bytes] = {}
        written_by: dict[str, str] = {}  # key -> publish id of its last write
        markers: list[PublishMarker] = []
        remaining = {tp for tp in tps if end_offsets[tp] > 0}
        loop = asyncio.get_running_loop()
        last_progress = loop.time()
        while remaining:
            batch = await consumer.getmany(timeout_ms=POLL_TIMEOUT_MS)
            if batch:
                last_progress = loop.time()
            elif loop.time() - last_progress > READ_STALL_TIMEOUT_S:
                raise RuntimeError(f"reading topic {topic!r} stalled for {READ_STALL_TIMEOUT_S:.0f}s")
            for tp, messages in batch.items():
                for msg in messages:
                    record = to_reference_record(
                        kind, msg.key, msg.value, msg.headers, tp.partition, msg.offset
                    )
                    if record is None:
                        continue
                    if record.marker is not None:
                        markers.append(record.marker)
                        continue
                    if record.value is None:
                        records.pop(record.key, None)
                    else:
                        records[record.key] = record.value
                    if record.publish_id is not None:
                        written_by[record.key] = record.publish_id
                    else:
                        written_by.pop(record.key, None)
            for tp in list(remaining):
                if await consumer.position(tp) >= end_offsets[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
    closed = {m.publish_id for m in markers}
    orphans = {key for key, publish_id in written_by.items() if publish_id not in closed}
    latest = max(markers, key=lambda m: m.published_at) if markers else None
    return TopicState(records, list(latest.sources) if latest else [], orphans)


async def _partitions(consumer: Any, topic: str) -> set[int]:
    """The topic's partitions; a topic created a moment ago may take a few metadata refreshes
    to show up, so missing is only final after TOPIC_WAIT_S."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TOPIC_WAIT_S
    while True:
        # The consumer's own metadata only covers assigned topics: ask the cluster for all.
        cluster = await consumer._client.fetch_all_metadata()
        partitions = cluster.partitions_for_topic(topic)
        if partitions:
            return set(partitions)
        if loop.time() > deadline:
            raise RuntimeError(f"topic {topic!r} does not exist (create it with `paymon topics create`)")
        await asyncio.sleep(0.5)


def new_publish_id() -> str:
    """A unique, sortable publish id: UTC time then 8 random hex digits."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}"


async def write_publish(
    settings: Settings, topic: str, plan: PublishPlan, *, sources: list[str], mode: PublishMode
) -> str | None:
    """Write `plan` and its closing marker; returns the publish id (None when there is nothing
    to write). The marker is written only after the broker acknowledged every record."""
    if plan.records == 0:
        return None
    from aiokafka import AIOKafkaProducer

    publish_id = new_publish_id()
    headers = [(PUBLISH_ID_HEADER, publish_id.encode())]
    producer = AIOKafkaProducer(acks="all", **settings.aiokafka_kwargs())
    await producer.start()
    try:
        pending = []
        for key, value in plan.upserts.items():
            pending.append(await producer.send(topic, key=key.encode(), value=value, headers=headers))
        for key in plan.removals:
            pending.append(await producer.send(topic, key=key.encode(), value=None, headers=headers))
        await asyncio.gather(*pending)
        marker = PublishMarker(
            publish_id=publish_id,
            records=plan.records,
            sources=sources,
            mode=mode,
            published_at=datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
        )
        await producer.send_and_wait(
            topic,
            key=marker_key(publish_id).encode(),
            value=encode_marker(marker),
            headers=[(CONTROL_HEADER, PUBLISH_END)],
        )
    finally:
        await producer.stop()
    return publish_id


@dataclass(frozen=True, slots=True)
class PublishResult:
    """The outcome of one publish command."""

    plan: PublishPlan
    publish_id: str | None
    sources: list[str]
    topic: str

    def summary(self, what: str) -> str:
        """One line for people: counts, topic and publish id."""
        plan = self.plan
        head = (
            f"{what} -> {self.topic}: {plan.new} new, {plan.changed} changed, {plan.removed} removed, "
            f"{plan.unchanged} unchanged"
        )
        if self.publish_id is None:
            return head + "; nothing to publish"
        return (
            head + f"; publish {self.publish_id} ({plan.records} records, sources: {', '.join(self.sources)})"
        )


async def publish_records(
    settings: Settings,
    topic: str,
    kind: ReferenceKind,
    desired: Mapping[str, bytes],
    *,
    new_sources: list[str],
    same: Callable[[bytes, bytes], bool],
    mode: PublishMode,
    dry_run: bool = False,
) -> PublishResult:
    """Read the topic, plan the difference to `desired`, write it (unless `dry_run`)."""
    current = await read_topic_state(settings, topic, kind)
    plan = plan_publish(current, desired, same=same, mode=mode)
    sources = cumulative_sources(current, new_sources, mode)
    if dry_run:
        return PublishResult(plan, None, sources, topic)
    publish_id = await write_publish(settings, topic, plan, sources=sources, mode=mode)
    return PublishResult(plan, publish_id, sources, topic)
