"""Helpers of the stream integration tests: topics, producing, consuming, worker subprocesses.

Every wait is bounded: a helper raises AssertionError with what it saw when its deadline passes.
Workers run as real `paymon worker` subprocesses, each with its own topic set and group (unique
per test module) so tests sharing the session's broker never see each other's records.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from agents.settings import TopicNames

REPO_ROOT = Path(__file__).resolve().parents[2]
# The installed console script, the command operators run.
PAYMON = [str(Path(sys.executable).with_name("paymon"))]
# Bounds of the waits below, generous for two busy cores; they only limit a hang, never pass time.
WORKER_READY_TIMEOUT_S = 120.0
OUTPUT_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 30.0
COMMAND_TIMEOUT_S = 180.0


def unique_topics(prefix: str) -> TopicNames:
    """A fresh set of the six topic names, unique to one test module."""
    tag = f"{prefix}-{uuid.uuid4().hex[:8]}"
    return TopicNames(
        payments=f"{tag}-payments",
        alerts=f"{tag}-alerts",
        screened=f"{tag}-screened",
        dlq=f"{tag}-dlq",
        lists=f"{tag}-lists",
        ownership=f"{tag}-ownership",
    )


def topic_env(bootstrap: str, topics: TopicNames, group: str, partitions: int = 4) -> dict[str, str]:
    """The environment a paymon command needs to use `topics` on `bootstrap` as `group`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYMON_")}
    env.update(
        {
            "PAYMON_BOOTSTRAP_SERVERS": bootstrap,
            "PAYMON_GROUP_ID": group,
            "PAYMON_PARTITIONS": str(partitions),
            "PAYMON_TOPIC_PAYMENTS": topics.payments,
            "PAYMON_TOPIC_ALERTS": topics.alerts,
            "PAYMON_TOPIC_SCREENED": topics.screened,
            "PAYMON_TOPIC_DLQ": topics.dlq,
            "PAYMON_TOPIC_LISTS": topics.lists,
            "PAYMON_TOPIC_OWNERSHIP": topics.ownership,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


async def _create_topics(bootstrap: str, topics: TopicNames, partitions: int) -> None:
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    compacted = {"cleanup.policy": "compact"}
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics(
            [
                NewTopic(topics.payments, partitions, 1),
                NewTopic(topics.alerts, partitions, 1),
                NewTopic(topics.screened, partitions, 1),
                NewTopic(topics.dlq, 1, 1),
                NewTopic(topics.lists, 2, 1, topic_configs=compacted),
                NewTopic(topics.ownership, 2, 1, topic_configs=compacted),
            ]
        )
    finally:
        await admin.close()


def create_topics(bootstrap: str, topics: TopicNames, partitions: int = 4) -> None:
    """Create the six topics (reference topics compacted, 2 partitions, so a publish spans both)."""
    asyncio.run(_create_topics(bootstrap, topics, partitions))


def fresh_topics(bootstrap: str, prefix: str, partitions: int = 4) -> tuple[TopicNames, dict[str, str]]:
    """Newly created topics unique to `prefix`, and the environment a paymon command needs to use
    them on `bootstrap` as the consumer group `<payments topic>-group`."""
    topics = unique_topics(prefix)
    create_topics(bootstrap, topics, partitions)
    return topics, topic_env(bootstrap, topics, f"{topics.payments}-group", partitions)


async def _produce(bootstrap: str, topic: str, records: Iterable[tuple[bytes | None, bytes | None]]) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        pending = [await producer.send(topic, key=key, value=value) for key, value in records]
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


def produce(bootstrap: str, topic: str, records: Iterable[tuple[bytes | None, bytes | None]]) -> None:
    """Produce (key, value) records and wait for the broker's acknowledgement of each."""
    asyncio.run(_produce(bootstrap, topic, list(records)))


def payment_records(payments: Iterable[Mapping[str, Any]]) -> list[tuple[bytes | None, bytes | None]]:
    """Payment events as (payment_id, JSON) records."""
    return [(str(p["payment_id"]).encode(), orjson.dumps(p)) for p in payments]


async def _consume(
    bootstrap: str, topic: str, until: Any, timeout: float
) -> list[tuple[bytes | None, bytes]]:
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    seen: list[tuple[bytes | None, bytes]] = []
    try:
        deadline = time.monotonic() + timeout
        while not until(seen):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:.0f}s on {topic}; saw {len(seen)} records")
            batch = await consumer.getmany(timeout_ms=500)
            for messages in batch.values():
                seen.extend((m.key, m.value) for m in messages)
    finally:
        await consumer.stop()
    return seen


def consume_until(
    bootstrap: str, topic: str, until: Any, timeout: float = OUTPUT_TIMEOUT_S
) -> list[tuple[bytes | None, bytes]]:
    """Every record of `topic` from the beginning, read until `until(records)` holds (bounded)."""
    return asyncio.run(_consume(bootstrap, topic, until, timeout))


def consume_all(bootstrap: str, topic: str, settle: float = 3.0) -> list[tuple[bytes | None, bytes]]:
    """Every record of `topic`, read until `settle` seconds pass without a new one."""
    state = {"count": -1, "since": time.monotonic()}

    def quiet(seen: list[Any]) -> bool:
        if len(seen) != state["count"]:
            state["count"], state["since"] = len(seen), time.monotonic()
        return time.monotonic() - state["since"] >= settle

    return consume_until(bootstrap, topic, quiet)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_paymon(args: list[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """Run one `paymon` command to completion; fails the test with its output when it fails."""
    done = subprocess.run(
        [*PAYMON, *args],
        env=dict(env),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
    )
    if done.returncode != 0:
        raise AssertionError(
            f"paymon {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        )
    return done


@dataclass
class WorkerProcess:
    """A running `paymon worker` subprocess, its output file and metrics port."""

    process: subprocess.Popen[bytes]
    log_path: Path
    metrics_port: int

    def output(self) -> str:
        """Everything the worker printed so far (stdout and stderr)."""
        return self.log_path.read_text(errors="replace")

    def is_ready(self) -> bool:
        """Whether the worker's /ready endpoint answers 200 (reference data loaded)."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/ready", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def wait_ready(self, timeout: float = WORKER_READY_TIMEOUT_S) -> None:
        """Wait until the worker screens (its reference data loaded); fail with its output if it dies."""
        self.wait_for(lambda: self.is_ready(), timeout, "worker ready")

    def wait_for_output(self, pattern: str, timeout: float = OUTPUT_TIMEOUT_S, count: int = 1) -> None:
        """Wait until `pattern` (regex) appears `count` times in the worker's output."""
        regex = re.compile(pattern)
        self.wait_for(lambda: len(regex.findall(self.output())) >= count, timeout, f"output {pattern!r}")

    def wait_for(self, condition: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None:
                raise AssertionError(
                    f"worker exited {self.process.returncode} waiting for {what}:\n{self.output()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout:.0f}s waiting for {what}:\n{self.output()[-4000:]}"
                )
            time.sleep(0.3)

    def metrics(self) -> str:
        """The worker's /metrics text."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5) as response:
            return str(response.read().decode())

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not stop in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT_S)


def start_worker(
    env: Mapping[str, str], log_dir: Path, name: str, extra: list[str] | None = None
) -> WorkerProcess:
    """Start `paymon worker` with `env`, output to `log_dir/<name>.log`, metrics on a free port."""
    port = free_port()
    log_path = log_dir / f"{name}.log"
    with open(log_path, "wb") as log:
        stream: IO[bytes] = log
        process = subprocess.Popen(
            [*PAYMON, "worker", "--metrics-port", str(port), "--log-level", "warning", *(extra or [])],
            env=dict(env),
            cwd=REPO_ROOT,
            stdout=stream,
            stderr=subprocess.STDOUT,
        )
    return WorkerProcess(process, log_path, port)


async def _group_members(bootstrap: str, group: str) -> tuple[str, list[list[int]]]:
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        responses = await admin.describe_consumer_groups([group])
    finally:
        await admin.close()
    state = ""
    members: list[list[int]] = []
    for response in responses:
        for described in response.groups:
            state = described[2]
            for member in described[5]:
                raw = member[-1]
                partitions: list[int] = []
                if raw:
                    assignment = ConsumerProtocolMemberAssignment.decode(raw)
                    for _topic, parts in assignment.assignment:
                        partitions.extend(parts)
                members.append(sorted(partitions))
    return state, members


def wait_for_group(
    bootstrap: str, group: str, members: int, timeout: float = WORKER_READY_TIMEOUT_S
) -> list[list[int]]:
    """Wait until consumer group `group` is Stable with `members` members, each assigned at least
    one partition; returns each member's partitions."""
    deadline = time.monotonic() + timeout
    last: tuple[str, list[list[int]]] = ("", [])
    while time.monotonic() < deadline:
        last = asyncio.run(_group_members(bootstrap, group))
        state, assigned = last
        if state == "Stable" and len(assigned) == members and all(assigned):
            return assigned
        time.sleep(0.5)
    raise AssertionError(f"group {group} not stable with {members} members after {timeout:.0f}s: {last}")


# The small list of the reliability tests (Bank Melli Iran, two invented entries).
RELIABILITY_LISTS = REPO_ROOT / "tests" / "fixtures" / "reliability" / "lists.jsonl"


def payment_event(
    payment_id: str, creditor: str | Mapping[str, Any] = "Weinhandlung Beispiel", **extra: Any
) -> dict[str, Any]:
    """A valid payment event paying `creditor` (a name, or the whole party); `extra` adds or
    replaces fields."""
    return {
        "payment_id": payment_id,
        "created_at": "2026-03-01T10:00:00Z",
        "amount": "10.00",
        "currency": "EUR",
        "debtor": {"name": "Hannelore Beispiel", "country": "DE"},
        "creditor": {"name": creditor} if isinstance(creditor, str) else dict(creditor),
        **extra,
    }


def paying_melli(payment_id: str) -> list[tuple[bytes | None, bytes | None]]:
    """One payment record paying Bank Melli Iran (listed as reltest:1)."""
    return payment_records([payment_event(payment_id, "Bank Melli Iran")])
