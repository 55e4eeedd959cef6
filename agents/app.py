"""The faust application of a paymon worker: broker, topics, the payments agent, reference data.

`create_app(settings)` builds a `faust.App` whose id is the consumer group id, so several
workers started with the same settings share the payments partitions. Everything is raw bytes
on the wire (`value_serializer="raw"`): payments are decoded and validated once by
`schemas.payment`, decisions encoded once by `schemas.decision`. Processing is at-least-once
(exactly-once uses Kafka transactions, reported to crash on rebalance: robinhood/faust #658);
decisions carry a deterministic `alert_id` so consumers drop redelivered duplicates. Topics are
created by `paymon topics create`, never by the worker (`topic_allow_declare=False`), so a typo in
a topic name cannot silently create an empty topic. faust's web server is off: the worker's
Prometheus metrics are served by `agents.metrics.serve_metrics` on 127.0.0.1 by default.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import faust

from agents.logging_limits import RateLimitedLog
from agents.payments import Outputs, register_payments_agent
from agents.producing import KafkaSink
from agents.reference import ReferenceRejected, ReferenceSnapshot, ReferenceState, follow_reference
from screening.screen import ScreeningState

if TYPE_CHECKING:
    from agents.metrics import PaymonMetrics
    from agents.settings import Settings

log = logging.getLogger(__name__)

# How often the consumer lag of the payments partitions is reported (Prometheus scrapes ~15 s).
LAG_REPORT_INTERVAL_S = 5.0
# Messages faust buffers per partition ahead of the agent: four batches, and at least 1,024 (about
# a second of a busy worker's payments, 16 batches of the default 64), so the agent is kept fed
# while the consumer waits for its next fetch.
STREAM_BUFFER_BATCHES = 4
STREAM_BUFFER_MIN = 1024


@dataclass(frozen=True, slots=True)
class PaymonApp:
    """A worker's faust app and the pieces tests and the worker command reach into."""

    app: faust.App
    settings: Settings
    reference: ReferenceState
    outputs: Outputs
    agent: Any
    metrics: PaymonMetrics | None


def default_threshold(settings: Settings) -> float:
    """The screening threshold: the settings' value, else the matcher's default."""
    if settings.threshold is not None:
        return settings.threshold
    from screening.match import DEFAULT_THRESHOLD

    return DEFAULT_THRESHOLD


def build_app(settings: Settings, *, metrics: PaymonMetrics | None = None, follow: bool = True) -> PaymonApp:
    """Build the worker's faust app and its reference state.

    `follow` starts the reference follower (the lists and ownership topics) with the app;
    tests of the agent alone pass False and install reference data themselves."""
    # faust keeps a small state folder per app and creates only its last level
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = faust.App(
        settings.group_id,
        broker=settings.faust_broker(),
        broker_credentials=settings.faust_credentials(),
        store="memory://",
        datadir=str(settings.data_dir / f"{settings.group_id}-data"),
        key_serializer="raw",
        value_serializer="raw",
        processing_guarantee="at_least_once",
        broker_commit_interval=settings.commit_interval,
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=settings.heartbeat_interval,
        consumer_auto_offset_reset="earliest",
        stream_buffer_maxsize=max(settings.batch_size * STREAM_BUFFER_BATCHES, STREAM_BUFFER_MIN),
        producer_max_batch_size=settings.producer_batch_bytes,
        producer_compression_type=_compression_type(settings.producer_compression),
        consumer_max_fetch_size=settings.consumer_fetch_bytes,
        topic_allow_declare=False,
        topic_disable_leader=True,
        topic_partitions=settings.partitions,
        web_enabled=False,
        autodiscover=False,
    )
    topics = settings.topics

    def topic(name: str) -> Any:
        return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")

    producer = _started_producer(app)
    outputs = Outputs(
        screened=KafkaSink(producer, topics.screened),
        alerts=KafkaSink(producer, topics.alerts),
        dlq=KafkaSink(producer, topics.dlq),
    )
    threshold = default_threshold(settings)
    reference = ReferenceState(regime=settings.ownership_regime, threshold=threshold)
    if metrics is not None:
        reference.on_installed(_metrics_listener(metrics))
        reference.on_rejected(_rejection_listener(metrics))
    agent = register_payments_agent(
        app,
        topic(topics.payments),
        outputs,
        reference,
        batch_size=settings.batch_size,
        batch_timeout=settings.batch_timeout,
        threshold=threshold,
        limits=settings.limits,
        log_payloads=settings.log_payloads,
        pass_through=settings.pass_through,
        metrics=metrics,
    )
    if settings.pass_through:
        log.warning(
            "PAYMON_SCREENING=pass-through: payments are NOT screened; every decision says "
            "'unscreened' (a benchmark ceiling, never for real traffic)"
        )
    if metrics is not None:
        _report_lag(app, metrics, settings)
    if follow:

        async def reference_follower() -> None:
            await follow_reference(settings, reference)

        app.task(reference_follower)
    return PaymonApp(app, settings, reference, outputs, agent, metrics)


def _started_producer(app: faust.App) -> Callable[[], Any]:
    """The aiokafka producer faust starts with the app (configured above with the PAYMON_PRODUCER_*
    settings), asked for when the agent produces: faust's driver keeps it as `_ensure_producer()`
    (faust-streaming is pinned; the stream integration tests produce through it)."""

    def producer() -> Any:
        return app.producer._ensure_producer()  # type: ignore[attr-defined]

    return producer


def _compression_type(compression: str) -> str | None:
    """The producer's `compression_type` for a PAYMON_PRODUCER_COMPRESSION value (NONE -> None)."""
    return None if compression == "NONE" else compression.lower()


def create_app(settings: Settings) -> faust.App:
    """The faust app of one paymon worker (see `build_app`)."""
    return build_app(settings).app


def _metrics_listener(metrics: PaymonMetrics) -> Any:
    from agents.metrics import list_stats

    def installed(state: ScreeningState, snapshot: ReferenceSnapshot) -> None:
        metrics.set_reference(list_stats(state.index.entries.values()), version=state.list_version)
        ownership = state.ownership
        if ownership is None:
            metrics.set_ownership(nodes=0, edges=0, blocked=0)
        else:
            metrics.set_ownership(
                nodes=ownership.graph.node_count, edges=len(snapshot.edges), blocked=len(ownership.blocked())
            )
        metrics.set_ready(True)

    return installed


def _rejection_listener(metrics: PaymonMetrics) -> Any:
    def rejected(rejection: ReferenceRejected | None) -> None:
        if rejection is None:
            metrics.set_reference_rejected({})
        else:
            metrics.set_reference_rejected(rejection.counts(), str(rejection))

    return rejected


def _report_lag(app: faust.App, metrics: PaymonMetrics, settings: Settings) -> None:
    """Every LAG_REPORT_INTERVAL_S: end offset minus the group's committed offset of each payments
    partition this worker owns (what is not yet decided: a fetched but unscreened payment still
    counts); partitions it no longer owns are dropped from the metric. The committed offsets are
    the broker's, read with an admin client (the number an external lag monitor sees)."""
    topic = settings.topics.payments
    admin: list[Any] = []  # started on first use, kept for the worker's life
    errors = RateLimitedLog(log)

    async def report_lag() -> None:
        from aiokafka.admin import AIOKafkaAdminClient

        consumer = app.consumer
        owned = [tp for tp in consumer.assignment() if tp.topic == topic]
        try:
            if not admin:
                client = AIOKafkaAdminClient(**settings.aiokafka_kwargs())
                await client.start()
                admin.append(client)
            committed = await admin[0].list_consumer_group_offsets(settings.group_id, partitions=owned)
            # Only a partition with no committed offset needs its earliest one, asked of the
            # consumer: every call to it queues with the fetches (faust runs it in the consumer's
            # thread, two calls at a time), so a slow answer would hold payments back.
            uncommitted = [tp for tp in owned if _committed_offset(committed, tp) is None]
            earliest = await consumer.earliest_offsets(*uncommitted) if uncommitted else {}
        except Exception as exc:  # broker unreachable: keep the last figures, say why once a while
            errors.error("cannot read committed offsets for the lag (%s: %s)", type(exc).__name__, exc)
            return
        lags: dict[int, int] = {}
        for tp in owned:
            end: int | None = consumer.highwater(tp)  # aiokafka: None before the first fetch
            if end is None:
                continue
            done = _committed_offset(committed, tp)
            if done is None:
                done = earliest.get(tp, 0)
            lags[tp.partition] = end - done
        metrics.set_topic_lag(topic, lags)

    app.timer(LAG_REPORT_INTERVAL_S)(report_lag)


def _committed_offset(committed: Any, tp: Any) -> int | None:
    """The group's committed offset of `tp` from an admin answer, None when it has none."""
    found = committed.get(tp)
    return int(found.offset) if found is not None and found.offset >= 0 else None
