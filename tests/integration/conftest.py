"""Integration fixtures: one real Kafka broker for the whole test session.

`kafka_broker` starts `devtools.local_kafka.LocalKafka` once (fetching the jars on first use) and
yields its bootstrap servers, "127.0.0.1:PORT". Set `PAYMON_TEST_BOOTSTRAP=host:port` to test
against a broker you run yourself instead. Every test using the broker is marked `kafka`
automatically, so `pytest -m "not kafka"` runs the rest.
"""

from __future__ import annotations

import os
import signal
import threading
import uuid
from collections.abc import Iterator

import pytest

from agents.settings import Settings
from devtools.local_kafka import KafkaUnavailable, LocalKafka

BROKER_FIXTURES = frozenset({"kafka_broker"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that needs the broker with `pytest.mark.kafka`."""
    for item in items:
        if BROKER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.kafka)


def _interrupt_on_sigterm() -> None:
    """Make SIGTERM end the session like Ctrl-C does, so fixture teardown stops the broker and
    removes its data (by default SIGTERM kills Python without running any cleanup; the kernel's
    parent-death signal would still stop the broker, but its temporary data would stay)."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    if (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    ):
        signal.signal(signal.SIGTERM, interrupt)


@pytest.fixture(scope="session")
def kafka_broker() -> Iterator[str]:
    """Bootstrap servers of a running broker: `PAYMON_TEST_BOOTSTRAP`, or a LocalKafka for the session.

    Skips (with the reason) when Java or Maven is missing; any other start failure is an error
    carrying the broker log's tail. The broker is stopped, and its data removed, after the session.
    """
    external = os.environ.get("PAYMON_TEST_BOOTSTRAP", "").strip()
    if external:
        yield external
        return
    _interrupt_on_sigterm()
    broker = LocalKafka()
    try:
        broker.start()
    except KafkaUnavailable as exc:
        pytest.skip(f"no local Kafka broker: {exc}")
    try:
        broker.wait_ready()
        yield broker.bootstrap_servers
    finally:
        broker.stop()


@pytest.fixture
def kafka_settings(kafka_broker: str) -> Settings:
    """Default `Settings` pointed at the session's broker (PLAINTEXT)."""
    return Settings.from_env({"PAYMON_BOOTSTRAP_SERVERS": kafka_broker})


@pytest.fixture
def topic_name(request: pytest.FixtureRequest) -> str:
    """A topic name unique to this test run, so tests sharing the broker never see each other's data."""
    test = "".join(ch if ch.isalnum() else "-" for ch in request.node.name)[:80].strip("-")
    return f"t-{test}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def unique_settings(kafka_broker: str, topic_name: str) -> Settings:
    """`Settings` on the session's broker whose six topic names are unique to this test (not created)."""
    env = {"PAYMON_BOOTSTRAP_SERVERS": kafka_broker}
    for variable, suffix in (
        ("PAYMON_TOPIC_PAYMENTS", "payments"),
        ("PAYMON_TOPIC_ALERTS", "alerts"),
        ("PAYMON_TOPIC_SCREENED", "screened"),
        ("PAYMON_TOPIC_DLQ", "dlq"),
        ("PAYMON_TOPIC_LISTS", "lists"),
        ("PAYMON_TOPIC_OWNERSHIP", "ownership"),
    ):
        env[variable] = f"{topic_name}-{suffix}"
    return Settings.from_env(env)
