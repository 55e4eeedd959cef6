"""Reference data (sanctions lists, ownership edges) -> every worker's in-memory screening state.

Every worker reads the compacted `sanctions-lists` and `ownership` topics in full, outside the
consumer group (a plain aiokafka consumer with no group id, all partitions assigned, from the
beginning): a GlobalTable does not sync reliably across instances (faust-streaming #283), and each
worker needs every entry anyway. Fail-closed: `ReferenceState.ready` is set only once the initial
load (everything up to the end offsets seen at start) is built into a `ScreeningState` with at
least one list entry; the payments agent awaits it before taking any payment.

Live updates are grouped into whole publishes (see `agents.publish_protocol`), applied to a copy
(`ListIndex.updated`, `OwnershipState.with_edges`) off the event loop, and swapped in with one
assignment, so a batch is always screened against one complete state.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agents.publish_protocol import PublishMarker, ReferenceKind, ReferenceRecord, to_reference_record
from screening.screen import ScreeningState

if TYPE_CHECKING:
    from agents.settings import Settings

log = logging.getLogger(__name__)

# How long one poll of the reference topics waits for records. Half a second keeps a list update
# visible within about a second while costing nothing when the topics are idle.
POLL_TIMEOUT_MS = 500
# A crashed follower (broker gone, topic deleted) retries after this long; the last complete
# state keeps serving meanwhile (it was complete when it was built).
RETRY_DELAY_S = 2.0
# Log 'waiting for the reference topics' at most this often.
WAIT_LOG_EVERY_S = 10.0


class ReferenceNotReady(RuntimeError):
    """Raised when screening is attempted before the initial load of the reference data."""


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """Records of complete publishes, ready to apply: key -> new value bytes (None = removed)."""

    lists: dict[str, bytes | None] = field(default_factory=dict)
    ownership: dict[str, bytes | None] = field(default_factory=dict)
    sources: tuple[str, ...] | None = None  # from the last lists marker among them

    def __bool__(self) -> bool:
        return bool(self.lists or self.ownership or self.sources is not None)


class PublishAssembler:
    """Groups records read from the reference topics into whole publishes.

    Guarantees: a record carrying a publish id is released only when that publish's marker has
    been read and (outside the initial load) as many of its records as the marker announces;
    records are released in topic order per key, so the last write of a key wins; releasing a
    publish drops older held-back records of the same keys (orphans of a publisher that crashed
    before writing its marker)."""

    def __init__(self) -> None:
        self._held: dict[tuple[ReferenceKind, str], list[ReferenceRecord]] = {}
        self._markers: dict[tuple[ReferenceKind, str], PublishMarker] = {}
        self._applied: set[tuple[ReferenceKind, str]] = set()
        self._ready: list[ReferenceRecord] = []
        self._sources: tuple[str, ...] | None = None

    @property
    def held_back(self) -> int:
        """How many records wait for the rest of their publish."""
        return sum(len(records) for records in self._held.values())

    def add(self, record: ReferenceRecord) -> None:
        """Take one record in topic order (per partition)."""
        if record.marker is not None:
            self._markers[(record.kind, record.marker.publish_id)] = record.marker
            return
        if record.publish_id is None or (record.kind, record.publish_id) in self._applied:
            self._ready.append(record)
            return
        self._held.setdefault((record.kind, record.publish_id), []).append(record)

    def take_ready(self, *, initial: bool) -> ChangeSet:
        """Release every complete publish (and unframed records) as one change set.

        `initial` releases every publish whose marker was read, even with fewer records than it
        announced: on the initial load compaction may have removed superseded records."""
        for publish, marker in list(self._markers.items()):
            held = self._held.get(publish, [])
            if initial or len(held) >= marker.records:
                self._ready.extend(self._held.pop(publish, []))
                self._applied.add(publish)
                del self._markers[publish]
                if publish[0] == "lists":
                    self._sources = tuple(marker.sources)
        ready, self._ready = self._ready, []
        sources, self._sources = self._sources, None
        if not ready and sources is None:
            return ChangeSet()
        self._drop_superseded(ready)
        ready.sort(key=lambda r: (r.kind, r.partition, r.offset))
        changes = ChangeSet(sources=sources)
        for record in ready:
            target = changes.lists if record.kind == "lists" else changes.ownership
            target[record.key] = record.value
        return changes

    def _drop_superseded(self, released: list[ReferenceRecord]) -> None:
        """Forget held-back records of keys just released with a later offset (orphans)."""
        latest: dict[tuple[ReferenceKind, str], int] = {}
        for record in released:
            slot = (record.kind, record.key)
            latest[slot] = max(latest.get(slot, -1), record.offset)
        for publish, records in list(self._held.items()):
            kept = [r for r in records if latest.get((r.kind, r.key), -1) < r.offset]
            if kept:
                self._held[publish] = kept
            else:
                del self._held[publish]


@dataclass(frozen=True, slots=True)
class ReferenceSnapshot:
    """The raw reference data a screening state was built from (never mutated: copied on change)."""

    lists: Mapping[str, bytes]
    edges: Mapping[str, bytes]
    sources: tuple[str, ...]


def reference_version(snapshot: ReferenceSnapshot) -> str:
    """`<sources joined by +>@<12 hex>`: the hash covers every list entry and ownership edge, so
    two workers with the same data report the same version and any applied change alters it."""
    digest = hashlib.sha256()
    for prefix, records in ((b"L", snapshot.lists), (b"O", snapshot.edges)):
        digest.update(prefix + _records_digest(prefix, records))
    label = "+".join(snapshot.sources) if snapshot.sources else "lists"
    return f"{label}@{digest.hexdigest()[:12]}"


# The last digest computed per record kind, with the mapping it covers. Snapshot mappings are
# never changed once made, and a publish of lists only keeps the edges mapping: its digest
# (2 million edge records: about 4 s of CPU, `bench.ownership`) is not computed again on every
# list update.
_DIGESTS: dict[bytes, tuple[Mapping[str, bytes], bytes]] = {}


def _records_digest(prefix: bytes, records: Mapping[str, bytes]) -> bytes:
    """SHA-256 over every record of one kind in key order."""
    held = _DIGESTS.get(prefix)
    if held is not None and held[0] is records:
        return held[1]
    digest = hashlib.sha256()
    for key in sorted(records):
        digest.update(prefix + key.encode() + b"\x00" + records[key] + b"\x01")
    out = digest.digest()
    _DIGESTS[prefix] = (records, out)
    return out


class ReferenceRejected(ValueError):
    """Published reference records that do not decode: the publish holding them is not applied.

    `records` maps (kind, key) to the decoder's complaint (which names the field, never the
    record's content)."""

    def __init__(self, records: Mapping[tuple[str, str], str]) -> None:
        self.records = dict(records)
        first = sorted(self.records.items())[:5]
        listed = ", ".join(f"{kind} record {key!r} ({error})" for (kind, key), error in first)
        more = f" and {len(self.records) - 5} more" if len(self.records) > 5 else ""
        super().__init__(f"{len(self.records)} undecodable: {listed}{more}")

    def counts(self) -> dict[str, int]:
        """How many records of each kind were refused."""
        out: dict[str, int] = {}
        for kind, _key in self.records:
            out[kind] = out.get(kind, 0) + 1
        return out


def _decode_all(
    records: Mapping[str, bytes | None], decode: Callable[[bytes], Any], what: str
) -> tuple[list[Any], list[str]]:
    """Decode upserts and collect removed keys.

    Raises `ReferenceRejected` naming every record that does not decode: a list applied without
    one of its entries would stop screening that entry under a version that claims it."""
    upserts: list[Any] = []
    removed: list[str] = []
    refused: dict[tuple[str, str], str] = {}
    for key, raw in records.items():
        if raw is None:
            removed.append(key)
            continue
        try:
            upserts.append(decode(raw))
        except Exception as exc:  # a foreign or corrupt record: the whole publish is refused
            refused[(what, key)] = f"{type(exc).__name__}: {exc}"[:300]
    if refused:
        raise ReferenceRejected(refused)
    return upserts, removed


def build_screening_state(
    snapshot: ReferenceSnapshot,
    previous: ScreeningState | None,
    changes: ChangeSet | None,
    regime: str = "OFAC",
    *,
    threshold: float,
) -> ScreeningState:
    """Build the state for `snapshot` (`screening.state`): from scratch when `previous` is None,
    else by applying `changes` to a copy of `previous` (the previous state is untouched); owners
    count as designated at `threshold`. CPU-bound: run it off the event loop."""
    from screening.lists import decode_entry
    from screening.ownership import Regime, graph_from_edges
    from screening.state import build_state, updated_state

    version = reference_version(snapshot)

    def whole_graph() -> Any:
        edges, _ = _decode_all(snapshot.edges, _decode_edge, "ownership")
        return graph_from_edges(edges)

    if previous is None or changes is None:
        entries, _ = _decode_all(snapshot.lists, decode_entry, "lists")
        graph = whole_graph() if snapshot.edges else None
        return build_state(entries, graph, list_version=version, regime=Regime[regime], threshold=threshold)
    return updated_state(
        previous,
        list_changes=_decode_all(changes.lists, decode_entry, "lists") if changes.lists else None,
        edge_changes=_decode_all(changes.ownership, _decode_edge, "ownership") if changes.ownership else None,
        whole_graph=whole_graph,
        holds_edges=bool(snapshot.edges),
        list_version=version,
        regime=Regime[regime],
        threshold=threshold,
    )


def _decode_edge(raw: bytes) -> Any:
    # Imported on first use: a worker without ownership data never loads the ownership engine.
    from screening.ownership import decode_edge

    return decode_edge(raw)


def apply_to_snapshot(snapshot: ReferenceSnapshot, changes: ChangeSet) -> ReferenceSnapshot:
    """A new snapshot with `changes` applied (None values remove keys)."""

    def merged(base: Mapping[str, bytes], upd: Mapping[str, bytes | None]) -> dict[str, bytes]:
        out = dict(base)
        for key, value in upd.items():
            if value is None:
                out.pop(key, None)
            else:
                out[key] = value
        return out

    return ReferenceSnapshot(
        lists=merged(snapshot.lists, changes.lists) if changes.lists else snapshot.lists,
        edges=merged(snapshot.edges, changes.ownership) if changes.ownership else snapshot.edges,
        sources=changes.sources if changes.sources is not None else snapshot.sources,
    )


class ReferenceState:
    """The worker's current screening state, swapped whole on every applied publish.

    Guarantees: `current` is never a half-applied update; it raises `ReferenceNotReady` until
    the initial load is installed with at least one list entry (fail-closed); `ready` is set
    from then on. When published data holds a record that does not decode, nothing of it is
    installed: the previous complete state (if any) keeps screening under its own version,
    `rejected` names the records, and it is retried whole with every later publish (which
    installs it once the records are fixed)."""

    def __init__(self, *, threshold: float, regime: str = "OFAC") -> None:
        self.regime = regime  # ownership regime (screening.ownership.Regime name)
        self.threshold = threshold  # the screening threshold owners are designated at
        self.ready = asyncio.Event()
        self._snapshot = ReferenceSnapshot(lists={}, edges={}, sources=())  # what is installed
        self._published = self._snapshot  # everything read from the topics, installed or not
        self._state: ScreeningState | None = None
        self.updates_applied = 0
        self.rejected: ReferenceRejected | None = None
        self._listeners: list[Callable[[ScreeningState, ReferenceSnapshot], None]] = []
        self._rejection_listeners: list[Callable[[ReferenceRejected | None], None]] = []

    @property
    def current(self) -> ScreeningState:
        """The state to screen the next batch with."""
        if self._state is None:
            raise ReferenceNotReady("the sanctions lists have not been loaded yet")
        return self._state

    @property
    def snapshot(self) -> ReferenceSnapshot:
        """The raw reference data behind `current`."""
        return self._snapshot

    def on_installed(self, listener: Callable[[ScreeningState, ReferenceSnapshot], None]) -> None:
        """Call `listener(state, snapshot)` after every install (metrics, logs)."""
        self._listeners.append(listener)

    def on_rejected(self, listener: Callable[[ReferenceRejected | None], None]) -> None:
        """Call `listener(rejection)` whenever published data is refused, and `listener(None)`
        when a later install clears an earlier refusal (metrics, /ready)."""
        self._rejection_listeners.append(listener)

    async def wait_ready(self) -> ScreeningState:
        """Wait until the initial load is installed; returns the state then current."""
        await self.ready.wait()
        return self.current

    async def apply(self, changes: ChangeSet, *, rebuild: bool = False) -> bool:
        """Apply `changes` off the event loop and swap the result in; returns whether a state
        is installed. With `rebuild` (initial load, also after a reconnect) `changes` is the whole
        reference data: the state is built from scratch, nothing of the previous one is kept.
        What is applied is the difference between the installed data and everything published
        so far, so records of a refused publish are applied once it is fixed."""
        base = ReferenceSnapshot(lists={}, edges={}, sources=()) if rebuild else self._published
        published = apply_to_snapshot(base, changes)
        self._published = published
        if not published.lists:
            # An empty list set would pass every payment: never install one. Before the first
            # install payments wait; after it the last complete state keeps screening: more
            # alerts, never fewer.
            if self._state is None:
                log.warning("no sanctions list entries published yet: payments wait for a lists publish")
                return False
            log.error("a publish would remove every sanctions list entry: ignored, the lists stay loaded")
            return True
        previous = None if rebuild or self._state is None else self._state
        difference = None if previous is None else snapshot_difference(self._snapshot, published)
        loop = asyncio.get_running_loop()
        try:
            state = await loop.run_in_executor(
                None,
                functools.partial(
                    build_screening_state,
                    published,
                    previous,
                    difference,
                    self.regime,
                    threshold=self.threshold,
                ),
            )
        except ReferenceRejected as rejection:
            self._refuse(rejection)
            return self._state is not None
        self._snapshot, self._state = published, state  # the swap: one batch sees old or new, never both
        self.updates_applied += 1
        self.ready.set()
        if self.rejected is not None:
            self.rejected = None
            log.info("the refused reference data is fixed: all of it is now applied")
            for rejected_listener in self._rejection_listeners:
                rejected_listener(None)
        for listener in self._listeners:
            listener(state, published)
        log.info(
            "reference state installed: %d list entries, %d ownership edges, version %s",
            len(published.lists),
            len(published.edges),
            state.list_version,
        )
        return True

    def _refuse(self, rejection: ReferenceRejected) -> None:
        """Keep the installed state, and say loudly what was refused and what screens instead."""
        self.rejected = rejection
        if self._state is None:
            log.error(
                "reference data refused, nothing screens until it is fixed (payments wait): %s", rejection
            )
        else:
            log.error(
                "reference data refused, still screening with list_version %s: %s",
                self._state.list_version,
                rejection,
            )
        for listener in self._rejection_listeners:
            listener(rejection)


def snapshot_difference(installed: ReferenceSnapshot, published: ReferenceSnapshot) -> ChangeSet:
    """The change set turning `installed` into `published` (changed or new records, and None for
    removed ones); O(records), no decoding."""

    def changed(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> dict[str, bytes | None]:
        if old is new:
            return {}
        out: dict[str, bytes | None] = {key: value for key, value in new.items() if old.get(key) != value}
        out.update((key, None) for key in old.keys() - new.keys())
        return out

    return ChangeSet(
        lists=changed(installed.lists, published.lists),
        ownership=changed(installed.edges, published.edges),
        sources=published.sources,
    )


async def follow_reference(settings: Settings, state: ReferenceState) -> None:
    """Load the reference topics from the beginning into `state`, then follow them forever.

    Retries (keeping the last installed state) when the broker or topics are unavailable;
    returns only when cancelled (worker shutdown)."""
    while True:
        try:
            await _follow_once(settings, state)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.error(
                "reference follower failed (%s: %s); retrying in %.0fs",
                type(exc).__name__,
                exc,
                RETRY_DELAY_S,
            )
            await asyncio.sleep(RETRY_DELAY_S)


async def _follow_once(settings: Settings, state: ReferenceState) -> None:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    topics: dict[str, ReferenceKind] = {
        settings.topics.lists: "lists",
        settings.topics.ownership: "ownership",
    }
    consumer = AIOKafkaConsumer(
        group_id=None,  # outside the consumer group: every worker reads every partition
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        **settings.aiokafka_kwargs(),
    )
    await consumer.start()
    try:
        partitions = await _wait_for_partitions(consumer, list(topics))
        tps = [TopicPartition(topic, p) for topic, parts in partitions.items() for p in sorted(parts)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end_offsets: dict[Any, int] = await consumer.end_offsets(tps)
        assembler = PublishAssembler()
        remaining = {tp for tp in tps if end_offsets[tp] > 0}
        while remaining:
            batch = await consumer.getmany(timeout_ms=POLL_TIMEOUT_MS)
            _feed(assembler, topics, batch)
            for tp in list(remaining):
                if await consumer.position(tp) >= end_offsets[tp]:
                    remaining.discard(tp)
        await state.apply(assembler.take_ready(initial=True), rebuild=True)
        if assembler.held_back:
            log.info("%d reference records wait for the end of their publish", assembler.held_back)
        while True:
            batch = await consumer.getmany(timeout_ms=POLL_TIMEOUT_MS)
            if not batch:
                continue
            _feed(assembler, topics, batch)
            changes = assembler.take_ready(initial=False)
            if changes:
                await state.apply(changes)
    finally:
        await consumer.stop()


def _feed(
    assembler: PublishAssembler, topics: Mapping[str, ReferenceKind], batch: Mapping[Any, Iterable[Any]]
) -> None:
    for tp, messages in batch.items():
        kind = topics[tp.topic]
        for msg in messages:
            try:
                record = to_reference_record(kind, msg.key, msg.value, msg.headers, tp.partition, msg.offset)
            except ValueError as exc:
                log.error("skipping %s record at %s/%d: %s", kind, tp.partition, msg.offset, exc)
                continue
            if record is not None:
                assembler.add(record)


async def _wait_for_partitions(consumer: Any, topics: list[str]) -> dict[str, set[int]]:
    """The partitions of every topic, waiting (fail-closed) until all of them exist."""
    loop = asyncio.get_running_loop()
    last_log = 0.0
    while True:
        # The consumer's own metadata only covers assigned topics: ask the cluster for all.
        cluster = await consumer._client.fetch_all_metadata()
        found = {topic: cluster.partitions_for_topic(topic) for topic in topics}
        missing = [topic for topic, parts in found.items() if not parts]
        if not missing:
            return {topic: set(parts) for topic, parts in found.items() if parts}
        if loop.time() - last_log >= WAIT_LOG_EVERY_S:
            log.warning("waiting for reference topics to exist: %s", ", ".join(missing))
            last_log = loop.time()
        await asyncio.sleep(1.0)
