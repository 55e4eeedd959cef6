"""Tests of agents.metrics: values recorded, label hygiene, exposition and the HTTP server."""

from __future__ import annotations

import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from agents.metrics import (
    DEAD_LETTER_REASONS,
    ListStats,
    PaymonMetrics,
    dead_letter_reason,
    list_stats,
    serve_metrics,
)
from schemas.decision import Decision, Hit
from schemas.payment import PaymentError, decode_payment
from screening.model import EntryType, ListEntry, Name, NameQuality

CREATED = "2026-01-02T03:04:05Z"
CREATED_TS = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp()
# A party name and payment id that must never appear anywhere in the exposition.
SECRET_NAME = "Ivan Secretovich Personalname"
PAYMENT_ID = "pay-7f3a-unique-id"


def hit(list_name: str, reason: str = "name") -> Hit:
    return Hit(
        role="creditor",
        query=SECRET_NAME,
        entry_id=f"{list_name}:1",
        entry_name="LISTED PERSON",
        matched_name="LISTED PERSON",
        list=list_name,
        programs=["SDGT"],
        score=0.93,
        reason=reason,  # type: ignore[arg-type]
        explanation="token match",
    )


def decision(verdict: str, hits: list[Hit]) -> Decision:
    return Decision(
        payment_id=PAYMENT_ID,
        decision=verdict,  # type: ignore[arg-type]
        hits=hits,
        alert_id="a1" if hits else None,
        screened_at=CREATED,
        list_version="v1",
        algorithm="test",
    )


@pytest.fixture
def metrics() -> PaymonMetrics:
    return PaymonMetrics(CollectorRegistry(), worker_version="test")


def value(m: PaymonMetrics, name: str, labels: dict[str, str] | None = None) -> float | None:
    return m.registry.get_sample_value(name, labels or {})


def test_decisions_are_counted_by_verdict_and_alerts_by_list_and_reason(metrics: PaymonMetrics) -> None:
    metrics.observe_decision(decision("pass", []), 0.001)
    metrics.observe_decision(decision("pass", []), 0.001)
    # Two hits on the same list and reason count once; a second list counts on its own.
    alert = decision("alert", [hit("ofac"), hit("ofac"), hit("un", "identifier")])
    metrics.observe_decision(alert, 0.002)
    assert value(metrics, "paymon_payments_screened_total", {"decision": "pass"}) == 2
    assert value(metrics, "paymon_payments_screened_total", {"decision": "alert"}) == 1
    assert value(metrics, "paymon_alerts_total", {"list": "ofac", "reason": "name"}) == 1
    assert value(metrics, "paymon_alerts_total", {"list": "un", "reason": "identifier"}) == 1
    assert value(metrics, "paymon_alerts_total", {"list": "un", "reason": "name"}) is None


def test_screening_duration_lands_in_its_bucket(metrics: PaymonMetrics) -> None:
    metrics.observe_decision(decision("pass", []), 3e-5)
    metrics.observe_decision(decision("pass", []), -1.0)  # a clock oddity never goes negative
    bucket = "paymon_screening_duration_seconds_bucket"
    assert value(metrics, bucket, {"le": "1e-05"}) == 1  # the clamped 0
    assert value(metrics, bucket, {"le": "2.5e-05"}) == 1
    assert value(metrics, bucket, {"le": "5e-05"}) == 2
    assert value(metrics, "paymon_screening_duration_seconds_sum") == pytest.approx(3e-5)


@pytest.mark.parametrize(
    "created_at",
    [CREATED, "2026-01-02t03:04:05z", "2026-01-02T05:04:05+02:00", CREATED_TS, datetime(2026, 1, 2, 3, 4, 5)],
)
def test_latency_from_created_at_accepts_rfc3339_datetime_and_epoch(
    metrics: PaymonMetrics, created_at: str | float | datetime
) -> None:
    metrics.observe_decision(decision("pass", []), 0.001, created_at, None, now=CREATED_TS + 0.75)
    assert value(metrics, "paymon_decision_latency_from_created_seconds_sum") == pytest.approx(0.75)
    assert value(metrics, "paymon_decision_latency_from_created_seconds_count") == 1
    # No append timestamp given: that histogram stays empty.
    assert value(metrics, "paymon_decision_latency_from_append_seconds_count") == 0


def test_latency_from_kafka_append_and_future_timestamps(metrics: PaymonMetrics) -> None:
    metrics.observe_decision(decision("pass", []), 0.001, None, CREATED_TS, now=CREATED_TS + 2.0)
    # A producer clock ahead of ours: recorded as 0, not a negative latency.
    metrics.observe_decision(decision("pass", []), 0.001, CREATED_TS + 60, CREATED_TS + 60, now=CREATED_TS)
    assert value(metrics, "paymon_decision_latency_from_append_seconds_sum") == pytest.approx(2.0)
    assert value(metrics, "paymon_decision_latency_from_append_seconds_count") == 2
    assert value(metrics, "paymon_decision_latency_from_created_seconds_sum") == 0
    assert value(metrics, "paymon_decision_latency_from_created_seconds_count") == 1


def test_unparseable_created_at_skips_only_that_latency(metrics: PaymonMetrics) -> None:
    metrics.observe_decision(decision("pass", []), 0.001, "yesterday", CREATED_TS, now=CREATED_TS + 1)
    assert value(metrics, "paymon_decision_latency_from_created_seconds_count") == 0
    assert value(metrics, "paymon_decision_latency_from_append_seconds_count") == 1
    assert value(metrics, "paymon_payments_screened_total", {"decision": "pass"}) == 1


def test_dead_letters_take_only_fixed_reason_classes(metrics: PaymonMetrics) -> None:
    metrics.dead_letter("invalid_json")
    metrics.dead_letter("invalid_json")
    assert value(metrics, "paymon_dead_letters_total", {"reason": "invalid_json"}) == 2
    # Every class exists at 0 from the start, so rate() has a series before the first dead letter.
    for reason in DEAD_LETTER_REASONS:
        assert value(metrics, "paymon_dead_letters_total", {"reason": reason}) is not None
    with pytest.raises(ValueError, match="not one of"):
        metrics.dead_letter("Expected `str`, got `int` - at `$.payment_id`")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"not json", "invalid_json"),
        (b'{"payment_id": ', "invalid_json"),
        (b"\xff\xfe", "invalid_json"),
        (b'{"payment_id": "\xff\xfe\xfd"}', "invalid_utf8"),
        (b'{"x": ' + b"[" * 10_000 + b"]" * 10_000 + b"}", "too_deep"),
        (b"{}", "missing_field"),
        (b"[1, 2]", "schema"),
        (b'{"payment_id": 5}', "schema"),
    ],
)
def test_dead_letter_reason_classifies_decoder_errors(raw: bytes, reason: str) -> None:
    with pytest.raises(PaymentError) as caught:
        decode_payment(raw)
    assert dead_letter_reason(caught.value) == reason


def test_dead_letter_reason_for_other_failures() -> None:
    assert dead_letter_reason(PaymentError("empty message", "empty")) == "empty"
    assert dead_letter_reason(RuntimeError("index exploded")) == "screening_error"
    assert dead_letter_reason(RecursionError("deep")) == "screening_error"


def test_lag_per_partition_and_forgetting_revoked_partitions(metrics: PaymonMetrics) -> None:
    metrics.set_lag("payments", 0, 12)
    metrics.set_lag("payments", 1, -3)  # end offset read before the position moved: 0
    lag = "paymon_consumer_lag_messages"
    assert value(metrics, lag, {"topic": "payments", "partition": "0"}) == 12
    assert value(metrics, lag, {"topic": "payments", "partition": "1"}) == 0
    metrics.forget_partitions("payments", [0, 7])  # 7 was never reported: no error
    assert value(metrics, lag, {"topic": "payments", "partition": "0"}) is None
    assert value(metrics, lag, {"topic": "payments", "partition": "1"}) == 0


def test_topic_lag_replaces_the_owned_partitions(metrics: PaymonMetrics) -> None:
    lag = "paymon_consumer_lag_messages"
    metrics.set_topic_lag("payments", {0: 5, 1: 6})
    metrics.set_topic_lag("other", {0: 1})
    # After a rebalance this worker owns partitions 1 and 2 only.
    metrics.set_topic_lag("payments", {1: 3, 2: 4})
    assert value(metrics, lag, {"topic": "payments", "partition": "0"}) is None
    assert value(metrics, lag, {"topic": "payments", "partition": "1"}) == 3
    assert value(metrics, lag, {"topic": "payments", "partition": "2"}) == 4
    assert value(metrics, lag, {"topic": "other", "partition": "0"}) == 1
    metrics.set_topic_lag("payments", {})  # everything revoked
    assert value(metrics, lag, {"topic": "payments", "partition": "1"}) is None


def entry(entry_id: str, list_name: str, version: str, aliases: tuple[str, ...] = ()) -> ListEntry:
    return ListEntry(
        entry_id=entry_id,
        list_name=list_name,
        entry_type=EntryType.PERSON,
        primary_name=f"NAME {entry_id}",
        aliases=tuple(Name(a, NameQuality.STRONG) for a in aliases),
        list_version=version,
    )


def test_list_stats_counts_entries_names_and_newest_date() -> None:
    stats = list_stats(
        [
            entry("ofac:1", "ofac", "ofac-sdn-2026-01-02", ("ALIAS ONE", "NAME ofac:1")),  # dup name
            entry("ofac:2", "ofac", "ofac-sdn-2026-01-05"),
            entry("un:1", "un", "un-consolidated"),
        ]
    )
    assert stats == [
        ListStats("ofac", entries=2, names=3, published=datetime(2026, 1, 5, tzinfo=UTC).timestamp()),
        ListStats("un", entries=1, names=1, published=None),
    ]


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("ofac-sdn-2024-05-03", datetime(2024, 5, 3, tzinfo=UTC)),
        ("ofac-sdn-2024-09-update", datetime(2024, 9, 1, tzinfo=UTC)),
        ("ofac-sdn-2024-05-03+ofac-sdn-2024-09-update", datetime(2024, 9, 1, tzinfo=UTC)),
        ("un-2026-02-27@6d65b2ea8a0e", datetime(2026, 2, 27, tzinfo=UTC)),
        ("publish-20261122T192344Z", None),
        ("list-2024-13-45", None),
    ],
)
def test_list_date_is_read_from_the_version(version: str, expected: datetime | None) -> None:
    (stats,) = list_stats([entry("x:1", "x", version)])
    assert stats.published == (expected.timestamp() if expected else None)


def test_reference_gauges_replace_the_previous_load(metrics: PaymonMetrics) -> None:
    published = CREATED_TS - 86400
    metrics.set_reference(
        [ListStats("ofac", 10, 25, published), ListStats("un", 3, 4)], loaded_at=CREATED_TS, version="v1"
    )
    assert value(metrics, "paymon_list_entries", {"list": "ofac"}) == 10
    assert value(metrics, "paymon_list_names", {"list": "ofac"}) == 25
    assert value(metrics, "paymon_list_published_timestamp_seconds", {"list": "ofac"}) == published
    assert value(metrics, "paymon_list_loaded_timestamp_seconds", {"list": "un"}) == CREATED_TS
    assert value(metrics, "paymon_list_version_info", {"version": "v1"}) == 1
    # Alert counters of each loaded list exist at 0 before the first alert.
    assert value(metrics, "paymon_alerts_total", {"list": "un", "reason": "ownership"}) == 0
    age = value(metrics, "paymon_list_age_seconds", {"list": "ofac"})
    assert age is not None and age >= 86400  # computed at scrape time: only grows
    assert value(metrics, "paymon_list_age_seconds", {"list": "un"}) is None  # no list date
    loaded_age = value(metrics, "paymon_list_loaded_age_seconds", {"list": "un"})
    assert loaded_age is not None and loaded_age > 0

    # The next load drops the un list entirely and the old version string.
    metrics.set_reference([ListStats("ofac", 11, 26, published)], version="v2")
    assert value(metrics, "paymon_list_entries", {"list": "ofac"}) == 11
    assert value(metrics, "paymon_list_entries", {"list": "un"}) is None
    assert value(metrics, "paymon_list_loaded_age_seconds", {"list": "un"}) is None
    assert value(metrics, "paymon_list_version_info", {"version": "v1"}) is None
    assert value(metrics, "paymon_list_version_info", {"version": "v2"}) == 1


def test_ownership_readiness_and_batches(metrics: PaymonMetrics) -> None:
    assert value(metrics, "paymon_ready") == 0 and not metrics.is_ready()
    metrics.set_ready(True)
    assert value(metrics, "paymon_ready") == 1 and metrics.is_ready()
    metrics.set_ownership(nodes=5, edges=4, blocked=2)
    assert value(metrics, "paymon_ownership_nodes") == 5
    assert value(metrics, "paymon_ownership_edges") == 4
    assert value(metrics, "paymon_blocked_entities") == 2
    metrics.observe_batch(17)
    assert value(metrics, "paymon_batch_size_sum") == 17
    assert value(metrics, "paymon_batch_size_bucket", {"le": "20.0"}) == 1
    assert value(metrics, "paymon_worker_info", {"version": "test"}) == 1


def test_one_metrics_object_per_registry(metrics: PaymonMetrics) -> None:
    with pytest.raises(ValueError, match="Duplicated"):
        PaymonMetrics(metrics.registry)


def loaded(m: PaymonMetrics) -> PaymonMetrics:
    """A metrics object that has seen every kind of event (a name and payment id included)."""
    m.observe_decision(decision("alert", [hit("ofac")]), 1e-4, CREATED, CREATED_TS, now=CREATED_TS + 1)
    m.observe_decision(decision("pass", []), 5e-5, CREATED, CREATED_TS, now=CREATED_TS + 1)
    m.dead_letter("schema")
    m.observe_batch(2)
    m.set_lag("payments", 3, 40)
    m.set_reference([ListStats("ofac", 10, 20, CREATED_TS)], version="v1")
    m.set_ownership(nodes=3, edges=2, blocked=1)
    m.set_ready(True)
    return m


def test_exposition_follows_naming_rules_and_leaks_nothing(metrics: PaymonMetrics) -> None:
    text = loaded(metrics).exposition().decode()
    assert SECRET_NAME not in text and PAYMENT_ID not in text
    allowed_labels = {"decision", "list", "reason", "topic", "partition", "le", "version", "kind"}
    families = list(text_string_to_metric_families(text))
    assert len(families) >= 20
    for family in families:
        assert family.name.startswith("paymon_"), family.name
        if family.type == "counter":
            assert any(s.name.endswith("_total") for s in family.samples), family.name
        for sample in family.samples:
            assert set(sample.labels) <= allowed_labels, (sample.name, sample.labels)


@pytest.mark.prometheus
def test_promtool_accepts_the_exposition(metrics: PaymonMetrics) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not installed (run `make tools`)")
    result = subprocess.run(
        [promtool, "check", "metrics"],
        input=loaded(metrics).exposition(),
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


@pytest.fixture
def server(metrics: PaymonMetrics) -> Iterator[tuple[PaymonMetrics, str]]:
    running = serve_metrics(metrics, "127.0.0.1", 0)
    try:
        yield metrics, f"http://127.0.0.1:{running.port}"
    finally:
        running.close()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_server_serves_metrics_readiness_and_liveness(server: tuple[PaymonMetrics, str]) -> None:
    metrics, base = server
    assert get(f"{base}/ready") == (503, "not ready: reference lists not loaded\n")
    assert get(f"{base}/live") == (200, "ok\n")
    metrics.set_ready(True)
    assert get(f"{base}/ready") == (200, "ready\n")
    status, body = get(f"{base}/metrics")
    assert status == 200 and "paymon_ready 1.0" in body
    assert get(f"{base}/nothing-here")[0] == 404


def test_server_readiness_callable_wins(metrics: PaymonMetrics) -> None:
    flag = {"ready": False}
    running = serve_metrics(metrics, "127.0.0.1", 0, ready=lambda: flag["ready"])
    try:
        metrics.set_ready(True)  # ignored: the callable decides
        assert get(f"http://127.0.0.1:{running.port}/ready")[0] == 503
        flag["ready"] = True
        assert get(f"http://127.0.0.1:{running.port}/ready")[0] == 200
    finally:
        running.close()


def test_server_refuses_a_taken_port(server: tuple[PaymonMetrics, str]) -> None:
    _, base = server
    port = int(base.rsplit(":", 1)[1])
    with pytest.raises(OSError):
        serve_metrics(PaymonMetrics(CollectorRegistry()), "127.0.0.1", port)
