"""Replay payment events into Kafka: from files (JSON Lines or pacs.008 XML) or from a topic's past.

- Files: every non-blank JSON line is sent as it is (malformed lines too, so dead-letter handling
  can be exercised), keyed by its `payment_id` when it has one; `validate=True` sends only lines
  that `schemas.payment.decode_payment` accepts and reports the others as rejected, naming file
  and line. pacs.008 files become one event per transaction via `screening.pacs008.parse_pacs008`.
- Topic: `replay_topic` re-reads a topic from the offsets at a past time to its end as of the
  start, and re-produces the records, so past payments are screened again against today's lists
  (look-back screening).

Sends are paced by a token bucket (`rate` events/s, 0 = as fast as the broker takes them) and
ordered per key: one producer, idempotent, so a key's events keep their input order.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import orjson

if TYPE_CHECKING:
    from agents.settings import Settings

InputFormat = Literal["auto", "jsonl", "pacs008"]
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
PACS008_SUFFIXES = (".xml",)
# Header added to records re-produced from a topic, "<topic>/<partition>/<offset>" of the original.
REPLAYED_FROM_HEADER = "paymon-replayed-from"
# Seconds of tokens the bucket may hold: short bursts are allowed, the long-run rate is exact.
BURST_SECONDS = 0.1
# Sends awaited in groups of this many, bounding memory while keeping the producer's batches full.
MAX_PENDING_SENDS = 2_000
# aiokafka retries a send to an unreachable broker for ever: a replay gives up when a group of
# sends is not acknowledged within this long (a broker restart takes seconds), reporting what was
# acknowledged and where to resume; closing the producer then waits at most STOP_TIMEOUT_S.
ACK_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
# A topic replay gives up when no record arrives for this long although the end is not reached.
TOPIC_IDLE_TIMEOUT_S = 30.0
_RELATIVE_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|d|w)\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


class ReplayInputError(ValueError):
    """An unusable input path, format, rate or time; the message names it and the problem."""


class ReplayInterrupted(RuntimeError):
    """A replay stopped by the broker: how many records it acknowledged and where to resume.

    `resume_from` is the `where` of the first input record (in input order) not acknowledged,
    None when every record sent was acknowledged; replaying from it may send a few records
    again (acknowledged ones after it), never skip one."""

    def __init__(self, cause: BaseException, acknowledged: int, resume_from: str | None) -> None:
        self.acknowledged = acknowledged
        self.resume_from = resume_from
        where = f"resume from {resume_from}" if resume_from else "nothing left to resume"
        if isinstance(cause, TimeoutError):
            why = f"no acknowledgement from the broker within {ACK_TIMEOUT_S:.0f} s"
        else:
            why = f"{type(cause).__name__}: {cause}"
        super().__init__(f"replay stopped ({why}); {acknowledged} records acknowledged; {where}")


@dataclass(frozen=True, slots=True)
class Record:
    """One event to produce; `where` is "file:line" (or "topic/partition/offset") for messages."""

    key: bytes | None
    value: bytes
    where: str
    headers: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that was not sent, with the reason naming where it came from."""

    where: str
    error: str


@dataclass(frozen=True, slots=True)
class ReplaySummary:
    """Counts of one replay: `sent` records, `rejected` inputs, `unkeyed` sent without a key."""

    sent: int
    rejected: int
    unkeyed: int = 0

    def line(self) -> str:
        """The closing line printed by `paymon replay`: "sent N, rejected M"."""
        extra = f" ({self.unkeyed} sent without a key: no payment_id)" if self.unkeyed else ""
        return f"sent {self.sent}, rejected {self.rejected}{extra}"


# -- pacing ----------------------------------------------------------------------------------------


class TokenBucket:
    """Paces events to `rate` per second on average, allowing bursts of `BURST_SECONDS` worth.

    Kept as a "theoretical arrival time" (the GCRA form of a token bucket): each event moves it
    one interval on, and an event may go once the clock is within the burst tolerance of it. No
    float token count, so no rounding loop: one sleep per waiting event, of exactly the wait.
    """

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        if not rate > 0:
            raise ValueError(f"rate must be > 0 events/s, got {rate}")
        self.rate = rate
        self.capacity = max(1.0, rate * BURST_SECONDS)
        self._interval = 1.0 / rate
        self._tolerance = (self.capacity - 1.0) * self._interval
        self._clock = clock
        self._sleep = sleep
        # Start as if a full burst had just been sent: the first event goes at once, no initial burst.
        self._arrival = clock() + self._tolerance

    async def take(self) -> None:
        """Wait until one more event may be sent within the rate, and count it as sent."""
        now = self._clock()
        earliest = self._arrival - self._tolerance
        if now < earliest:
            await self._sleep(earliest - now)
            now = earliest
        self._arrival = max(self._arrival, now) + self._interval


def parse_rate(text: str) -> float:
    """'250', '250/s' or '0' (unlimited) -> events per second; raises ReplayInputError otherwise."""
    cleaned = text.strip().lower().removesuffix("/s").strip()
    try:
        rate = float(cleaned)
    except ValueError:
        raise ReplayInputError(f"--rate {text!r}: expected events per second, e.g. 200 or 200/s") from None
    if not rate >= 0 or rate == float("inf"):
        raise ReplayInputError(f"--rate {text!r}: must be a finite number >= 0 (0 = as fast as possible)")
    return rate


def parse_since(text: str, *, now: datetime | None = None) -> datetime:
    """An RFC 3339 time ('2024-05-01T10:00:00Z') or a look-back ('90m', '2h', '7d') -> aware UTC time.

    Raises ReplayInputError for other text, a time without UTC offset, or a time in the future.
    """
    now = datetime.now(UTC) if now is None else now
    relative = _RELATIVE_TIME.match(text)
    if relative:
        seconds = float(relative.group(1)) * _UNIT_SECONDS[relative.group(2).lower()]
        return now - timedelta(seconds=seconds)
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ReplayInputError(
            f"--since {text!r}: expected an RFC 3339 time (2024-05-01T10:00:00Z) "
            "or a look-back like 2h, 30m, 7d"
        ) from None
    if moment.tzinfo is None:
        raise ReplayInputError(f"--since {text!r}: give a UTC offset (Z or +02:00)")
    if moment > now:
        raise ReplayInputError(f"--since {text!r}: is in the future")
    return moment.astimezone(UTC)


# -- reading inputs --------------------------------------------------------------------------------


def expand_inputs(
    paths: Sequence[Path], fmt: InputFormat = "auto"
) -> list[tuple[Path, Literal["jsonl", "pacs008"]]]:
    """Files to replay, each with its format: files as given, folders' matching files sorted by name.

    `auto` decides by suffix (.xml = pacs.008, else JSON Lines). Raises ReplayInputError for a
    missing path or a folder without matching files.
    """
    if not paths:
        raise ReplayInputError("no input files given")
    wanted = {
        "jsonl": JSONL_SUFFIXES,
        "pacs008": PACS008_SUFFIXES,
        "auto": JSONL_SUFFIXES + PACS008_SUFFIXES,
    }[fmt]
    files: list[tuple[Path, Literal["jsonl", "pacs008"]]] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in wanted)
            if not found:
                raise ReplayInputError(f"{path}: folder has no {'/'.join(wanted)} files")
        elif path.is_file():
            found = [path]
        else:
            raise ReplayInputError(f"{path}: no such file or folder")
        for file in found:
            if fmt == "auto":
                files.append((file, "pacs008" if file.suffix.lower() in PACS008_SUFFIXES else "jsonl"))
            else:
                files.append((file, fmt))
    return files


def payment_key(line: bytes) -> bytes | None:
    """The UTF-8 `payment_id` of a JSON object line, or None when the line has none (or is not JSON)."""
    try:
        event = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if isinstance(event, dict):
        payment_id = event.get("payment_id")
        if isinstance(payment_id, str) and payment_id:
            return payment_id.encode()
    return None


def read_jsonl(path: Path, *, validate: bool = False) -> Iterator[Record | Rejection]:
    """Each non-blank line of `path` as a Record keyed by payment_id (raw bytes, line ending removed).

    With `validate`, a line `decode_payment` refuses becomes a Rejection naming file:line and why.
    """
    if validate:
        from schemas.payment import PaymentError, decode_payment
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, start=1):
            line = raw.rstrip(b"\r\n")
            if not line.strip():
                continue
            where = f"{path}:{number}"
            if validate:
                try:
                    payment = decode_payment(line)
                except PaymentError as exc:
                    yield Rejection(where, str(exc))
                    continue
                yield Record(payment.payment_id.encode(), line, where)
            else:
                yield Record(payment_key(line), line, where)


def read_pacs008(path: Path) -> Iterator[Record | Rejection]:
    """One Record per pacs.008 transaction (JSON payment event keyed by payment_id); a file the
    parser refuses is one Rejection carrying the parser's message."""
    from schemas.payment import encode_payment
    from screening.pacs008 import Pacs008Error, parse_pacs008

    try:
        payments = parse_pacs008(path)
    except (Pacs008Error, OSError) as exc:
        yield Rejection(str(path), str(exc))
        return
    for index, payment in enumerate(payments, start=1):
        yield Record(payment.payment_id.encode(), encode_payment(payment), f"{path}#tx{index}")


def read_inputs(
    files: Iterable[tuple[Path, Literal["jsonl", "pacs008"]]], *, validate: bool = False
) -> Iterator[Record | Rejection]:
    """Records and rejections of all `files`, in file order then line order."""
    for path, fmt in files:
        yield from (read_jsonl(path, validate=validate) if fmt == "jsonl" else read_pacs008(path))


def count_lines(files: Iterable[tuple[Path, Literal["jsonl", "pacs008"]]]) -> int | None:
    """Newline count of the JSON Lines files (a progress-bar total), None when pacs.008 is involved."""
    total = 0
    for path, fmt in files:
        if fmt != "jsonl":
            return None
        with open(path, "rb") as handle:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    return total


# -- producing -------------------------------------------------------------------------------------


async def produce(
    settings: Settings,
    topic: str,
    items: Iterable[Record | Rejection] | AsyncIterator[Record | Rejection],
    *,
    rate: float = 0.0,
    total: int | None = None,
    progress: bool = False,
    on_rejection: Callable[[Rejection], None] | None = None,
) -> ReplaySummary:
    """Send every Record of `items` to `topic` at `rate` events/s (0 = unlimited); count Rejections.

    Returns only after every record is acknowledged by the broker (acks=all); a failed send
    raises `ReplayInterrupted` (from the producer's error) with the count acknowledged and the
    first input record to resume from. Records with the same key keep their order (idempotent
    producer).
    Raises ReplayInputError at once when `topic` does not exist (brokers here never auto-create).
    """
    from aiokafka import AIOKafkaProducer
    from tqdm import tqdm

    from agents.topics import topic_partitions

    try:
        await topic_partitions(settings, topic)
    except LookupError as exc:
        raise ReplayInputError(f"--topic: {exc}") from None

    bucket = TokenBucket(rate) if rate > 0 else None
    producer = AIOKafkaProducer(
        acks="all", enable_idempotence=True, linger_ms=5, **settings.aiokafka_kwargs()
    )
    sent = rejected = unkeyed = acknowledged = 0
    # In input order: (where, its send's future) of every record not yet known acknowledged.
    pending: list[tuple[str, asyncio.Future[Any]]] = []
    current: str | None = None
    bar = tqdm(total=total, unit="ev", file=sys.stderr, disable=not progress, desc=f"→ {topic}")
    await producer.start()
    try:
        async for item in _as_async(items):
            if isinstance(item, Rejection):
                rejected += 1
                if on_rejection is not None:
                    on_rejection(item)
                bar.update(1)
                continue
            if bucket is not None:
                await bucket.take()
            current = item.where
            future = await producer.send(topic, item.value, key=item.key, headers=list(item.headers) or None)
            pending.append((item.where, future))
            current = None
            sent += 1
            unkeyed += item.key is None
            bar.update(1)
            if len(pending) >= MAX_PENDING_SENDS:
                await _acknowledged(pending)
                acknowledged += len(pending)
                pending.clear()
        await _acknowledged(pending)
    except (asyncio.CancelledError, ReplayInputError):
        raise
    except Exception as exc:
        if pending:  # sends already answered count; the others are not waited for again
            await asyncio.wait([f for _w, f in pending], timeout=0.1)
        done = [f.done() and not f.cancelled() and f.exception() is None for _w, f in pending]
        acknowledged += sum(done)
        unacknowledged = [where for (where, _f), ok in zip(pending, done, strict=True) if not ok]
        raise ReplayInterrupted(exc, acknowledged, unacknowledged[0] if unacknowledged else current) from exc
    finally:
        bar.close()
        with contextlib.suppress(TimeoutError):  # the broker is gone: nothing more to flush
            await asyncio.wait_for(producer.stop(), STOP_TIMEOUT_S)
    return ReplaySummary(sent=sent, rejected=rejected, unkeyed=unkeyed)


async def _acknowledged(pending: Sequence[tuple[str, asyncio.Future[Any]]]) -> None:
    """Wait until every pending send is acknowledged; raises its error, or TimeoutError after
    ACK_TIMEOUT_S."""
    if pending:
        await asyncio.wait_for(asyncio.gather(*(f for _w, f in pending)), ACK_TIMEOUT_S)


async def _as_async(items: Iterable[Any] | AsyncIterator[Any]) -> AsyncIterator[Any]:
    if isinstance(items, AsyncIterator):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item


async def replay_files(
    settings: Settings,
    paths: Sequence[Path],
    *,
    topic: str,
    fmt: InputFormat = "auto",
    rate: float = 0.0,
    validate: bool = False,
    progress: bool = False,
    on_rejection: Callable[[Rejection], None] | None = None,
) -> ReplaySummary:
    """Replay JSON Lines / pacs.008 files (or folders of them) to `topic`; see the module doc."""
    files = expand_inputs(paths, fmt)
    return await produce(
        settings,
        topic,
        read_inputs(files, validate=validate),
        rate=rate,
        total=count_lines(files) if progress else None,
        progress=progress,
        on_rejection=on_rejection,
    )


# -- look-back from a topic ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TopicRange:
    """Offsets [start, end) of one partition to re-read; end is the log end when the replay began."""

    partition: int
    start: int
    end: int


async def topic_ranges(consumer: Any, settings: Settings, topic: str, since: datetime) -> list[TopicRange]:
    """Per partition of `topic`: the first offset with a timestamp >= `since` up to the current end.

    Partitions with nothing at or after `since` are left out. Raises ReplayInputError when the
    topic does not exist.
    """
    from aiokafka import TopicPartition

    from agents.topics import topic_partitions

    try:
        partitions = await topic_partitions(settings, topic)
    except LookupError as exc:
        raise ReplayInputError(f"--from-topic: {exc}") from None
    tps = [TopicPartition(topic, p) for p in sorted(partitions)]
    when_ms = int(since.timestamp() * 1000)
    starts = await consumer.offsets_for_times({tp: when_ms for tp in tps})
    ends = await consumer.end_offsets(tps)
    ranges = []
    for tp in tps:
        found = starts.get(tp)
        if found is not None and found.offset < ends[tp]:
            ranges.append(TopicRange(tp.partition, found.offset, ends[tp]))
    return ranges


async def read_topic_range(
    settings: Settings, topic: str, since: datetime, *, ranges_out: list[TopicRange] | None = None
) -> AsyncIterator[Record]:
    """Records of `topic` from the offsets at `since` to the end as of the call, partition by
    partition interleaved as fetched; each carries its original key, value and headers plus a
    `paymon-replayed-from` header. Records appended after the call are not read."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **settings.aiokafka_kwargs(),
    )
    await consumer.start()
    try:
        ranges = await topic_ranges(consumer, settings, topic, since)
        if ranges_out is not None:
            ranges_out.extend(ranges)
        if not ranges:
            return
        remaining = {TopicPartition(topic, r.partition): r for r in ranges}
        consumer.assign(list(remaining))
        for tp, wanted in remaining.items():
            consumer.seek(tp, wanted.start)
        idle_since = time.monotonic()
        while remaining:
            batches = await consumer.getmany(*remaining, timeout_ms=500)
            got_any = False
            for tp, messages in batches.items():
                span = remaining.get(tp)
                if span is None:
                    continue
                for message in messages:
                    if message.offset >= span.end:
                        break
                    got_any = True
                    origin = f"{topic}/{tp.partition}/{message.offset}"
                    headers = tuple((k, bytes(v)) for k, v in (message.headers or ()))
                    yield Record(
                        message.key,
                        message.value if message.value is not None else b"",
                        origin,
                        (*headers, (REPLAYED_FROM_HEADER, origin.encode())),
                    )
            for tp in list(remaining):
                # position() passes transaction markers and compacted-away offsets too.
                if await consumer.position(tp) >= remaining[tp].end:
                    del remaining[tp]
                    consumer.pause(tp)  # records appended since the start are not replayed
            if got_any:
                idle_since = time.monotonic()
            elif remaining and time.monotonic() - idle_since > TOPIC_IDLE_TIMEOUT_S:
                left = ", ".join(
                    [
                        f"{tp.partition}@{await consumer.position(tp)}<{span.end}"
                        for tp, span in remaining.items()
                    ]
                )
                raise RuntimeError(f"replay from {topic!r} stalled for {TOPIC_IDLE_TIMEOUT_S:.0f} s ({left})")
    finally:
        await consumer.stop()


async def replay_topic(
    settings: Settings,
    *,
    source: str,
    since: datetime,
    topic: str,
    rate: float = 0.0,
    progress: bool = False,
) -> ReplaySummary:
    """Re-produce the records of `source` from `since` to its current end into `topic` (look-back)."""
    return await produce(
        settings, topic, read_topic_range(settings, source, since), rate=rate, progress=progress
    )
