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

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import faust

from agents.payments import Outputs, register_payments_agent
from agents.reference import ReferenceSnapshot, ReferenceState, follow_reference
from screening.screen import ScreeningState

if TYPE_CHECKING:
    from agents.metrics import PaymonMetrics
    from agents.settings import Settings

# faust commits acknowledged offsets every this many seconds (its default is 2.8); one second
# bounds the redelivery after a crash to about a second of payments.
COMMIT_INTERVAL_S = 1.0
# The producer waits this long to fill a request before sending. Without it aiokafka sent one
# produce request per one or two decisions (profiled: ~9,000 requests for 20,000 decisions, the
# worker's top cost); 5 ms is small next to a batch's screening time and fills requests.
PRODUCER_LINGER_S = 0.005
# Bytes per producer batch (per partition): a decision is ~0.3-2 KB, so 256 KiB holds a whole
# stream.take batch for one partition (aiokafka's default 16 KiB holds a few dozen).
PRODUCER_BATCH_BYTES = 256 * 1024
# How often the consumer lag of the payments partitions is reported (Prometheus scrapes ~15 s).
LAG_REPORT_INTERVAL_S = 5.0
# Messages faust buffers per partition ahead of the agent. Four batches of the default size keep
# the agent fed without holding much more than a batch in memory per partition.
STREAM_BUFFER_BATCHES = 4


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
        broker_commit_interval=COMMIT_INTERVAL_S,
        consumer_auto_offset_reset="earliest",
        stream_buffer_maxsize=max(settings.batch_size * STREAM_BUFFER_BATCHES, 1024),
        producer_linger=PRODUCER_LINGER_S,
        producer_max_batch_size=PRODUCER_BATCH_BYTES,
        topic_allow_declare=False,
        topic_disable_leader=True,
        topic_partitions=settings.partitions,
        web_enabled=False,
        autodiscover=False,
    )
    topics = settings.topics

    def topic(name: str) -> Any:
        return app.topic(name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")

    outputs = Outputs(screened=topic(topics.screened), alerts=topic(topics.alerts), dlq=topic(topics.dlq))
    threshold = default_threshold(settings)
    reference = ReferenceState(regime=settings.ownership_regime, threshold=threshold)
    if metrics is not None:
        reference.on_installed(_metrics_listener(metrics))
    agent = register_payments_agent(
        app,
        topic(topics.payments),
        outputs,
        reference,
        batch_size=settings.batch_size,
        batch_timeout=settings.batch_timeout,
        threshold=threshold,
        metrics=metrics,
    )
    if metrics is not None:
        _report_lag(app, metrics, topics.payments)
    if follow:

        async def reference_follower() -> None:
            await follow_reference(settings, reference)

        app.task(reference_follower)
    return PaymonApp(app, settings, reference, outputs, agent, metrics)


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


def _report_lag(app: faust.App, metrics: PaymonMetrics, topic: str) -> None:
    """Every LAG_REPORT_INTERVAL_S: end offset minus fetch position of each payments partition
    this worker owns; partitions it no longer owns are dropped from the metric."""
    reported: set[int] = set()

    async def report_lag() -> None:
        consumer = app.consumer
        owned = {tp for tp in consumer.assignment() if tp.topic == topic}
        for tp in owned:
            position = await consumer.position(tp)
            if position is not None:
                metrics.set_lag(topic, tp.partition, consumer.highwater(tp) - position)
        partitions = {tp.partition for tp in owned}
        metrics.forget_partitions(topic, reported - partitions)
        reported.clear()
        reported.update(partitions)

    app.timer(LAG_REPORT_INTERVAL_S)(report_lag)
