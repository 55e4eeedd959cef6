"""Prometheus metrics of a paymon worker, and the tiny HTTP server that exposes them.

Every metric lives in one `PaymonMetrics` object created against an injected registry (tests use
a fresh `CollectorRegistry`, the worker its own), in base units (seconds, counts), named
`paymon_*`, counters ending in `_total`. Labels only ever hold small, fixed sets of values
(decision, list name, hit reason, dead-letter reason class, topic, partition): never a party
name, an account, a payment id or raw error text, because those would leak personal data into
the monitoring stack and explode the number of series.

The worker calls, per payment or batch (hot path, each a few microseconds):
  `observe_decision(decision, duration_s, created_at, append_ts)`, `observe_batch(size)`,
  `dead_letter(reason)` (with `dead_letter_reason(exc)` to classify an error);
and on state changes: `set_topic_lag(topic, {partition: lag})` (or `set_lag`),
`set_reference(lists, loaded_at, version)` (with `list_stats(entries)`),
`set_ownership(nodes, edges, blocked)`, `set_ready(bool)`.
`serve_metrics(metrics, host, port)` serves `/metrics`, `/ready` and `/live` from a thread.

These names are a contract with `deploy/prometheus/rules.yml` and `deploy/grafana/dashboards/`:
rename a metric there too (the deploy tests check every name used there exists here).
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Final, Literal, get_args

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest
from prometheus_client.registry import Collector

from schemas.decision import Decision, Reason
from schemas.payment import PaymentError, PaymentProblem
from screening.model import ListEntry

__all__ = [
    "DEAD_LETTER_REASONS",
    "DeadLetterReason",
    "ListStats",
    "MetricsServer",
    "PaymonMetrics",
    "dead_letter_reason",
    "list_stats",
    "serve_metrics",
]

# The only values the `reason` label of `paymon_dead_letters_total` may take: classes of failure,
# never the error text itself (which may quote a name or an account from the payment). The
# decoder's classes (schemas.payment.PaymentProblem), then what can fail after decoding.
DeadLetterReason = Literal[PaymentProblem, "screening_error", "output_too_large"]
DEAD_LETTER_REASONS: Final[tuple[DeadLetterReason, ...]] = get_args(DeadLetterReason)

# Screening one payment takes ~10 µs (no names to score) to tens of ms (long remittance text
# against the full OFAC+UN index); log-spaced 1-2.5-5 buckets over that range, with room above.
SCREENING_BUCKETS: Final = (
    1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 1.0,
)  # fmt: skip
# End-to-end latency spans a healthy few ms to minutes of backlog after a restart or a replay.
LATENCY_BUCKETS: Final = (
    1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0,
)  # fmt: skip
# Faust hands `stream.take()` batches of 1 up to the configured maximum (hundreds to ~1000).
BATCH_BUCKETS: Final = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)

# Hit reasons of schemas.decision.Hit: the `reason` label values of paymon_alerts_total.
HIT_REASONS: Final[tuple[Reason, ...]] = get_args(Reason)

# A list's date inside its version string: 'ofac-sdn-2024-05-03', or only the month as in
# 'ofac-sdn-2024-09-update' (then the first of that month).
_LIST_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)")


@dataclass(frozen=True, slots=True)
class ListStats:
    """Size and date of one loaded list (`name` is the list label, e.g. 'ofac', 'un').

    `published` is the list's own date as seconds since the epoch, or None when the list
    version carries no date.
    """

    name: str
    entries: int
    names: int
    published: float | None = None


def _published_timestamp(list_version: str) -> float | None:
    """Midnight UTC of the newest date (YYYY-MM-DD, or YYYY-MM as its first day) in a list
    version string, or None when it holds no valid date."""
    dates: list[float] = []
    for year, month, day in _LIST_DATE.findall(list_version):
        try:
            dates.append(datetime(int(year), int(month), int(day or 1), tzinfo=UTC).timestamp())
        except ValueError:  # e.g. '2024-13-45' inside an id: not a date
            continue
    return max(dates, default=None)


def list_stats(entries: Iterable[ListEntry]) -> list[ListStats]:
    """Per-list entry and name counts and list date, from the loaded entries.

    Guarantees: one `ListStats` per distinct `list_name`, sorted by name; `names` counts every
    distinct spelling (primary + aliases); `published` is the newest date found in the entries'
    `list_version` of that list (the most recent data the worker holds), None if none has a date.
    O(entries): call it after a reference load or update batch, not per payment.
    """
    counts: dict[str, list[int]] = {}
    newest: dict[str, float] = {}
    version_dates: dict[str, float | None] = {}
    for entry in entries:
        count = counts.setdefault(entry.list_name, [0, 0])
        count[0] += 1
        count[1] += len(entry.names())
        if entry.list_version not in version_dates:
            version_dates[entry.list_version] = _published_timestamp(entry.list_version)
        date = version_dates[entry.list_version]
        if date is not None and date > newest.get(entry.list_name, float("-inf")):
            newest[entry.list_name] = date
    return [ListStats(name, n[0], n[1], newest.get(name)) for name, n in sorted(counts.items())]


def dead_letter_reason(error: BaseException) -> DeadLetterReason:
    """The reason class for a payment that could not be screened, for `dead_letter()`.

    Guarantees: always one of `DEAD_LETTER_REASONS`: the decoder's own class for a
    `schemas.payment.PaymentError` (`problem`), `screening_error` for any other exception.
    """
    if isinstance(error, PaymentError):
        return error.problem
    return "screening_error"


def _event_timestamp(created_at: str | float | datetime | None) -> float | None:
    """Seconds since the epoch of a payment's `created_at`, or None when absent or unparseable.

    Accepts the RFC 3339 text of the payment event (naive times are taken as UTC), a datetime,
    or epoch seconds.
    """
    if created_at is None:
        return None
    if isinstance(created_at, int | float):
        return float(created_at)
    if isinstance(created_at, str):
        try:
            # fromisoformat (3.11) takes 'Z' and any fraction length, but not lower-case 't'/'z'.
            created_at = datetime.fromisoformat(created_at.upper())
        except ValueError:
            return None
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    return created_at.timestamp()


class _ListAgeCollector(Collector):
    """Ages of the loaded lists computed at scrape time, so they grow while nothing changes."""

    def __init__(self, published: Mapping[str, float], loaded: Mapping[str, float]) -> None:
        self._published = published
        self._loaded = loaded

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Yield `paymon_list_age_seconds` and `paymon_list_loaded_age_seconds` by list."""
        now = time.time()
        age = GaugeMetricFamily(
            "paymon_list_age_seconds", "Seconds since the date of the loaded list version.", labels=["list"]
        )
        for name, published in dict(self._published).items():
            age.add_metric([name], now - published)
        loaded_age = GaugeMetricFamily(
            "paymon_list_loaded_age_seconds", "Seconds since the worker loaded the list.", labels=["list"]
        )
        for name, loaded in dict(self._loaded).items():
            loaded_age.add_metric([name], now - loaded)
        yield age
        yield loaded_age

    def describe(self) -> Iterator[GaugeMetricFamily]:
        """Declare the names up front so a registry rejects a clash at registration time."""
        yield GaugeMetricFamily("paymon_list_age_seconds", "", labels=["list"])
        yield GaugeMetricFamily("paymon_list_loaded_age_seconds", "", labels=["list"])


class PaymonMetrics:
    """Every metric a paymon worker exports, registered on `registry`.

    One instance per worker process (a second instance on the same registry raises
    `ValueError: Duplicated timeseries`). All methods are thread-safe (prometheus-client locks
    per metric) and cheap enough for the per-payment path.
    """

    def __init__(self, registry: CollectorRegistry, *, worker_version: str | None = None) -> None:
        self.registry = registry
        self.worker = Info("paymon_worker", "Version of the paymon worker.", registry=registry)
        self.worker.info({"version": worker_version or _paymon_version()})

        self.payments_screened = Counter(
            "paymon_payments_screened_total",
            "Payments decided, by decision (alert or pass; unscreened in the benchmark-only "
            "pass-through mode).",
            ["decision"],
            registry=registry,
        )
        self.alerts = Counter(
            "paymon_alerts_total",
            "Alerts by listing authority and hit reason; an alert on entries two authorities list "
            "counts once for each.",
            ["list", "reason"],
            registry=registry,
        )
        self.dead_letters = Counter(
            "paymon_dead_letters_total",
            "Payments sent to the dead-letter topic, by reason class.",
            ["reason"],
            registry=registry,
        )
        self.screening_duration = Histogram(
            "paymon_screening_duration_seconds",
            "CPU time to screen one payment (decode excluded).",
            buckets=SCREENING_BUCKETS,
            registry=registry,
        )
        self.latency_from_created = Histogram(
            "paymon_decision_latency_from_created_seconds",
            "Time from the payment's created_at to its decision being produced.",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.latency_from_append = Histogram(
            "paymon_decision_latency_from_append_seconds",
            "Time from the payment's Kafka append timestamp to its decision being produced.",
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.batch_size = Histogram(
            "paymon_batch_size",
            "Payments per batch taken from the stream.",
            buckets=BATCH_BUCKETS,
            registry=registry,
        )
        self.consumer_lag = Gauge(
            "paymon_consumer_lag_messages",
            "Messages not yet decided: the partition's end offset minus the group's committed offset.",
            ["topic", "partition"],
            registry=registry,
        )
        self.in_flight = Gauge(
            "paymon_payments_in_flight",
            "Payments taken from the stream whose outputs the broker has not yet acknowledged.",
            registry=registry,
        )
        self.reference_rejected = Gauge(
            "paymon_reference_rejected_records",
            "Reference records (lists, ownership) that did not decode; their publish is not applied.",
            ["kind"],
            registry=registry,
        )
        self.list_entries = Gauge(
            "paymon_list_entries", "Entries loaded, by list.", ["list"], registry=registry
        )
        self.list_names = Gauge(
            "paymon_list_names", "Names (primary + aliases) loaded, by list.", ["list"], registry=registry
        )
        self.list_published = Gauge(
            "paymon_list_published_timestamp_seconds",
            "Date of the loaded list version (epoch seconds, midnight UTC).",
            ["list"],
            registry=registry,
        )
        self.list_loaded = Gauge(
            "paymon_list_loaded_timestamp_seconds",
            "When the worker last loaded or updated the list (epoch seconds).",
            ["list"],
            registry=registry,
        )
        self.list_version = Info(
            "paymon_list_version", "Version string of the loaded list set.", registry=registry
        )
        self.ownership_nodes = Gauge(
            "paymon_ownership_nodes", "Entities in the ownership graph.", registry=registry
        )
        self.ownership_edges = Gauge(
            "paymon_ownership_edges", "Ownership links in the ownership graph.", registry=registry
        )
        self.blocked_entities = Gauge(
            "paymon_blocked_entities",
            "Entities blocked by ownership (50% rule) without being listed themselves.",
            registry=registry,
        )
        self.ready = Gauge(
            "paymon_ready",
            "1 when the worker has its reference data loaded and screens payments, else 0.",
            registry=registry,
        )
        # Ages are derived at scrape time from these two maps (see _ListAgeCollector).
        self._published_at: dict[str, float] = {}
        self._loaded_at: dict[str, float] = {}
        registry.register(_ListAgeCollector(self._published_at, self._loaded_at))
        self._reference_lock = threading.Lock()
        self._is_ready = False
        self._reference_problem: str | None = None
        self._lag_lock = threading.Lock()
        self._lag_partitions: dict[str, set[int]] = {}

        # Pre-bound children: the per-payment path skips label lookup, and every series exists
        # (at 0) from the first scrape, so rate() works before the first alert or dead letter.
        self._screened_alert = self.payments_screened.labels("alert")
        self._screened_pass = self.payments_screened.labels("pass")
        self._dead_letters = {reason: self.dead_letters.labels(reason) for reason in DEAD_LETTER_REASONS}
        self.ready.set(0)
        self.set_reference_rejected({})

    # -- per payment / batch -------------------------------------------------------------------

    def observe_decision(
        self,
        decision: Decision,
        duration_s: float,
        created_at: str | float | datetime | None = None,
        append_ts: float | None = None,
        *,
        now: float | None = None,
    ) -> None:
        """Record one screened payment.

        `duration_s`: seconds spent screening it (e.g. `time.perf_counter()` difference).
        `created_at`: the payment's `created_at` (RFC 3339 text, datetime or epoch seconds).
        `append_ts`: the Kafka record timestamp in epoch SECONDS (faust `event.message.timestamp`;
        aiokafka's `ConsumerRecord.timestamp` is milliseconds: divide by 1000). It is the broker's
        append time when the topic uses LogAppendTime, else the producer's send time.
        `now`: the time the decision was produced (epoch seconds); defaults to `time.time()`.

        Guarantees: counts the payment by decision ("unscreened" apart from "pass"); for an
        alert, counts each distinct (list, reason) among its hits once; observes the screening
        duration and both latencies (a missing or unparseable timestamp skips that latency; clock
        skew putting a timestamp in the future records 0 rather than a negative latency).
        """
        if decision.decision == "alert":
            self._screened_alert.inc()
            # `list` names the authority ('ofac', 'eu', 'uk', …): one per authority listing the entry
            listed = {(who, hit.reason) for hit in decision.hits for who in (hit.authorities or [hit.list])}
            for list_name, reason in listed:
                self.alerts.labels(list_name, reason).inc()
        elif decision.decision == "pass":
            self._screened_pass.inc()
        else:  # only a pass-through (benchmark) worker decides "unscreened": never counted as a pass
            self.payments_screened.labels(decision.decision).inc()
        self.screening_duration.observe(max(duration_s, 0.0))
        produced = time.time() if now is None else now
        created = _event_timestamp(created_at)
        if created is not None:
            self.latency_from_created.observe(max(produced - created, 0.0))
        if append_ts is not None:
            self.latency_from_append.observe(max(produced - append_ts, 0.0))

    def taken(self, count: int) -> None:
        """Count `count` payments taken from the stream and not yet decided (`settled` undoes it)."""
        self.in_flight.inc(count)

    def settled(self, count: int) -> None:
        """`count` payments taken earlier are delivered, or handed back undelivered."""
        self.in_flight.dec(count)

    def observe_batch(self, size: int) -> None:
        """Record the number of payments in one batch taken from the stream (`stream.take`)."""
        self.batch_size.observe(size)

    def dead_letter(self, reason: DeadLetterReason) -> None:
        """Count one payment sent to the dead-letter topic.

        `reason` must be one of `DEAD_LETTER_REASONS` (use `dead_letter_reason(exc)`); anything
        else raises ValueError naming the allowed values, so raw error text never becomes a label.
        """
        child = self._dead_letters.get(reason)
        if child is None:
            raise ValueError(f"dead-letter reason {reason!r} is not one of {', '.join(DEAD_LETTER_REASONS)}")
        child.inc()

    # -- state ---------------------------------------------------------------------------------

    def set_lag(self, topic: str, partition: int, lag: int) -> None:
        """Set the consumer lag of one partition: its end offset minus the group's committed
        offset, i.e. messages not yet decided (a position-based lag reads 0 while fetched
        payments wait unscreened). A negative `lag` (offsets read at different moments) is
        stored as 0."""
        self.consumer_lag.labels(topic, str(partition)).set(max(lag, 0))

    def set_topic_lag(self, topic: str, lags: Mapping[int, int]) -> None:
        """Set the lag of every partition of `topic` this worker owns (partition -> lag) and drop
        the series of the partitions it reported before but no longer owns (after a rebalance)."""
        for partition, lag in lags.items():
            self.set_lag(topic, partition, lag)
        with self._lag_lock:
            stale = self._lag_partitions.get(topic, set()) - set(lags)
            self._lag_partitions[topic] = set(lags)
        self.forget_partitions(topic, stale)

    def forget_partitions(self, topic: str, partitions: Iterable[int]) -> None:
        """Drop the lag series of partitions this worker no longer owns (after a rebalance), so
        the dashboard does not show a frozen lag for a partition another worker now reads."""
        for partition in partitions:
            # KeyError: never reported by this worker, nothing to drop.
            with contextlib.suppress(KeyError):
                self.consumer_lag.remove(topic, str(partition))

    def set_reference(
        self, lists: Iterable[ListStats], *, loaded_at: float | None = None, version: str = ""
    ) -> None:
        """Publish the loaded lists: entries, names, list date and load time per list.

        `lists`: typically `list_stats(index.entries.values())`; lists absent from it disappear
        from the gauges (removed from the reference data); each list's alert counters are
        created at 0 for every hit reason. `loaded_at`: epoch seconds of the
        load (default now). `version`: the `ListSet.version` / decision `list_version`.
        """
        loaded = time.time() if loaded_at is None else loaded_at
        stats = list(lists)
        with self._reference_lock:
            for gauge in (self.list_entries, self.list_names, self.list_published, self.list_loaded):
                gauge.clear()
            self._published_at.clear()
            self._loaded_at.clear()
            for item in stats:
                self.list_entries.labels(item.name).set(item.entries)
                self.list_names.labels(item.name).set(item.names)
                self.list_loaded.labels(item.name).set(loaded)
                self._loaded_at[item.name] = loaded
                if item.published is not None:
                    self.list_published.labels(item.name).set(item.published)
                    self._published_at[item.name] = item.published
                # Alert series of every loaded list exist (at 0) before its first alert, so
                # rate() sees that first alert instead of a series appearing already at 1.
                for reason in HIT_REASONS:
                    self.alerts.labels(item.name, reason)
            self.list_version.info({"version": version})

    def set_ownership(self, *, nodes: int, edges: int, blocked: int) -> None:
        """Publish the ownership graph size and how many entities it blocks (50% rule)."""
        self.ownership_nodes.set(nodes)
        self.ownership_edges.set(edges)
        self.blocked_entities.set(blocked)

    def set_reference_rejected(self, counts: Mapping[str, int], problem: str | None = None) -> None:
        """Set how many reference records of each kind (`lists`, `ownership`) were refused, and
        the problem `/ready` reports while any is (None when all were applied)."""
        for kind in ("lists", "ownership"):
            self.reference_rejected.labels(kind).set(counts.get(kind, 0))
        self._reference_problem = problem

    def reference_problem(self) -> str | None:
        """The refused reference data `/ready` reports, or None."""
        return self._reference_problem

    def set_ready(self, ready: bool) -> None:
        """Set `paymon_ready` to 1 (reference data loaded, screening) or 0."""
        self._is_ready = ready
        self.ready.set(1 if ready else 0)

    def is_ready(self) -> bool:
        """Whether the last `set_ready` call said ready (False before any call)."""
        return self._is_ready

    def exposition(self) -> bytes:
        """The current metrics in the Prometheus text format (what `/metrics` serves)."""
        return generate_latest(self.registry)


def _paymon_version() -> str:
    """The installed paymon package version, or 'unknown' when run from an uninstalled tree."""
    try:
        return package_version("paymon")
    except PackageNotFoundError:
        return "unknown"


NOT_READY_MESSAGE: Final = b"not ready: reference lists not loaded\n"


class MetricsServer:
    """A running metrics HTTP server; `port` is the bound port (useful when asked for port 0)."""

    def __init__(self, server: ThreadingHTTPServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        self.host: str = str(server.server_address[0])
        self.port: int = int(server.server_address[1])

    def close(self) -> None:
        """Stop serving and release the port; returns once the serving thread has ended."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def serve_metrics(
    metrics: PaymonMetrics,
    host: str = "127.0.0.1",
    port: int = 9464,
    ready: Callable[[], bool] | None = None,
) -> MetricsServer:
    """Serve `metrics` over HTTP from a daemon thread; returns once the port is bound.

    Routes: `GET /metrics` (Prometheus text format), `GET /ready` (200 `ready`, or 503
    `not ready: reference lists not loaded` until `ready()` is true; default
    `metrics.is_ready`; 503 also, naming the record, while published reference data was refused
    as undecodable: the worker then screens with the previous complete version, not with what
    was published), `GET /live` (200 `ok` while the process serves: the liveness probe).
    Binds 127.0.0.1 unless told otherwise (a container sets PAYMON_METRICS_HOST=0.0.0.0).
    Raises OSError when the address is unusable (port taken, unknown host).
    """
    is_ready = ready if ready is not None else metrics.is_ready

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._reply(200, metrics.exposition(), CONTENT_TYPE_PLAIN_0_0_4)
            elif path == "/ready":
                problem = metrics.reference_problem()
                detail = f"reference data refused: {problem}\n".encode() if problem else b""
                if not is_ready():
                    self._reply(503, NOT_READY_MESSAGE + detail)
                elif detail:
                    self._reply(503, b"not ready: screening with the previous list version; " + detail)
                else:
                    self._reply(200, b"ready\n")
            elif path in ("/live", "/healthz"):
                self._reply(200, b"ok\n")
            else:
                self._reply(404, b"not found: try /metrics, /ready or /live\n")

        def _reply(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            # Scrapes every few seconds would flood the worker's log; errors still surface.
            return

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="paymon-metrics", daemon=True)
    thread.start()
    return MetricsServer(server, thread)
