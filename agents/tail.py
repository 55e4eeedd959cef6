"""Follow the alerts topic and show each decision to a person (`paymon alerts tail`).

Reads outside any consumer group (an analyst's look must not steal partitions or move committed
offsets), from the end by default or from the beginning, and stops after `max_alerts` alerts or
after `idle_timeout` seconds without a new one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agents.settings import Settings
    from schemas.decision import Decision, Hit

# How long one poll of the broker waits for records before checking the stop conditions.
POLL_INTERVAL_MS = 500


@dataclass(frozen=True, slots=True)
class TailedRecord:
    """One record from the alerts topic: its raw bytes, where it was, and the decoded decision (or
    the reason it could not be decoded)."""

    raw: bytes
    partition: int
    offset: int
    decision: Decision | None
    error: str | None = None


def format_hit(hit: Hit) -> str:
    """'creditor ofac:306 "BANK MELLI IRAN" 0.97 name [ofac: IRAN]' (role, entry id, entry name,
    score, reason, then who lists the entry and under which programmes; a decision written
    before hits named their authority shows its list instead)."""
    who = ", ".join(hit.authorities) or hit.list
    line = f'{hit.role} {hit.entry_id} "{hit.entry_name}" {hit.score:.2f} {hit.reason} [{who}: '
    line += f"{', '.join(hit.programs) or '-'}]"
    if hit.reason == "ownership" and hit.ownership_path:
        line += f" via {' / '.join(hit.ownership_path)}"
    return line


def format_decision(decision: Decision) -> str:
    """One readable line for a decision: payment id, verdict, then every hit separated by ' | '."""
    hits = " | ".join(format_hit(hit) for hit in decision.hits) or "no hits"
    return f"{decision.payment_id} {decision.decision.upper()} [{len(decision.hits)} hit(s)] {hits}"


async def tail_alerts(
    settings: Settings,
    on_record: Callable[[TailedRecord], None],
    *,
    topic: str | None = None,
    from_beginning: bool = False,
    max_alerts: int | None = None,
    idle_timeout: float | None = None,
) -> int:
    """Call `on_record` for each record of the alerts topic, in partition order; returns the count.

    Starts at the topic's end (only new alerts) unless `from_beginning`. Stops after `max_alerts`
    records, or after `idle_timeout` seconds in which no record arrived; with neither it runs
    until cancelled. Undecodable records are passed on with `error` set, never dropped silently.
    Raises `LookupError` when the topic does not exist.
    """
    from aiokafka import AIOKafkaConsumer, TopicPartition

    from agents.topics import topic_partitions
    from schemas.decision import decode_decision

    name = topic or settings.topics.alerts
    partitions = [TopicPartition(name, p) for p in await topic_partitions(settings, name)]
    consumer = AIOKafkaConsumer(group_id=None, enable_auto_commit=False, **settings.aiokafka_kwargs())
    await consumer.start()
    seen = 0
    try:
        consumer.assign(partitions)
        if from_beginning:
            await consumer.seek_to_beginning(*partitions)
        else:
            await consumer.seek_to_end(*partitions)
        last_record = time.monotonic()
        while max_alerts is None or seen < max_alerts:
            batches = await consumer.getmany(timeout_ms=POLL_INTERVAL_MS)
            for tp, messages in sorted(batches.items(), key=lambda item: item[0].partition):
                for message in messages:
                    raw = message.value or b""
                    try:
                        decision: Decision | None = decode_decision(raw)
                        error = None
                    except Exception as exc:  # any decode failure is reported with the record
                        decision, error = None, f"{type(exc).__name__}: {exc}"
                    on_record(TailedRecord(raw, tp.partition, message.offset, decision, error))
                    seen += 1
                    last_record = time.monotonic()
                    if max_alerts is not None and seen >= max_alerts:
                        return seen
            if idle_timeout is not None and time.monotonic() - last_record > idle_timeout:
                break
    finally:
        await consumer.stop()
    return seen
