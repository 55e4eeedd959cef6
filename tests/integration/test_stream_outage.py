"""Broker outages, on a broker of this module's own (the session's broker is shared): kill -9 the
broker under a running worker, and under a running replay, then start it again on the same data
and port. Nothing is lost; the worker's log stays readable; the replay says where to resume."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from stream_support import (
    PAYMON,
    RELIABILITY_LISTS,
    REPO_ROOT,
    consume_all,
    consume_until,
    free_port,
    fresh_topics,
    payment_event,
    payment_records,
    produce,
    run_paymon,
    start_worker,
)

from devtools.local_kafka import LocalKafka
from schemas.decision import decode_decision

OUTAGE_S = 12.0
# The worker reconnects on its own after the outage; generous for two busy cores.
RECOVERY_TIMEOUT_S = 180.0
REPLAY_TIMEOUT_S = 240.0


class RestartableBroker:
    """A LocalKafka on a fixed data folder and port that can be killed and started again."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.broker = self._start()

    def _start(self) -> LocalKafka:
        broker = LocalKafka(data_dir=self.data_dir, port=self.port)
        broker.start()
        broker.wait_ready()
        return broker

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def kill(self) -> None:
        """kill -9: no shutdown, connections dropped, like a crashed broker."""
        assert self.broker.pid is not None
        os.kill(self.broker.pid, signal.SIGKILL)
        self.broker.stop()  # reaps the dead process; the given data folder is kept

    def restart(self) -> None:
        self.broker = self._start()

    def stop(self) -> None:
        self.broker.stop()


@pytest.fixture(scope="module")
def broker(kafka_broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RestartableBroker]:
    # kafka_broker: run only where the session could start a broker at all.
    own = RestartableBroker(tmp_path_factory.mktemp("outage") / "kafka")
    try:
        yield own
    finally:
        own.stop()


def decided(records: list[tuple[bytes | None, bytes]]) -> set[str]:
    return {decode_decision(value).payment_id for _key, value in records}


def test_a_broker_killed_under_a_worker_loses_nothing_and_logs_little(
    broker: RestartableBroker, tmp_path: Path
) -> None:
    topics, env = fresh_topics(broker.bootstrap, "outage")
    run_paymon(["lists", "publish", str(RELIABILITY_LISTS)], env)
    worker = start_worker(env, tmp_path, "worker")
    try:
        worker.wait_ready()
        before = [payment_event(f"o-before-{i:04d}") for i in range(1_000)]
        produce(broker.bootstrap, topics.payments, payment_records(before))
        consume_until(broker.bootstrap, topics.screened, lambda seen: len(seen) >= 100)
        broker.kill()
        lines_before = worker.output().count("\n")
        time.sleep(OUTAGE_S)
        outage_log = worker.output().splitlines()[lines_before:]
        broker.restart()
        after = [payment_event(f"o-after-{i:04d}") for i in range(1_000)]
        produce(broker.bootstrap, topics.payments, payment_records(after))
        wanted = {p["payment_id"] for p in before + after}
        seen = consume_until(
            broker.bootstrap, topics.screened, lambda s: wanted <= decided(s), timeout=RECOVERY_TIMEOUT_S
        )
        assert wanted <= decided(seen)
        # Repeated client errors are written once per interval, not ~145 a second.
        errors = [line for line in outage_log if "[ERROR]" in line]
        assert len(errors) <= 5 * OUTAGE_S, errors[:20]
        assert "Weinhandlung" not in worker.output()  # no payload in the log
    finally:
        worker.stop()


def test_a_replay_stopped_by_the_broker_says_what_was_acknowledged_and_where_to_resume(
    broker: RestartableBroker, tmp_path: Path
) -> None:
    topics, env = fresh_topics(broker.bootstrap, "replay-outage")
    source = tmp_path / "payments.jsonl"
    lines = [payment_event(f"r-{i:05d}") for i in range(20_000)]
    source.write_bytes(b"".join(orjson.dumps(p) + b"\n" for p in lines))
    replay = subprocess.Popen(
        [*PAYMON, "replay", str(source), "--rate", "500/s", "--no-progress"],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        consume_until(broker.bootstrap, topics.payments, lambda seen: len(seen) >= 1_000)
        broker.kill()
        _out, err = replay.communicate(timeout=REPLAY_TIMEOUT_S)
    finally:
        if replay.poll() is None:
            replay.kill()
            replay.wait()
        if not broker.broker.is_running():
            broker.restart()
    assert replay.returncode != 0, err
    found = re.search(r"(\d+) records acknowledged; resume from (\S+):(\d+)", err)
    assert found is not None, err
    acknowledged, path, line = int(found[1]), found[2], int(found[3])
    assert path == str(source) and 1 <= line <= len(lines)
    # What the broker kept: every record before the resume line, and at least the count said.
    consume_until(broker.bootstrap, topics.payments, lambda seen: len(seen) >= acknowledged)
    stored = consume_all(broker.bootstrap, topics.payments)
    kept = {orjson.loads(value)["payment_id"] for _key, value in stored}
    assert {p["payment_id"] for p in lines[: line - 1]} <= kept
    assert len(kept) >= acknowledged
