"""`make demo`: the whole stream on this machine, started and stopped in a few minutes.

Starts a local Kafka broker (`devtools.local_kafka`, no Docker), creates the topics, publishes the
packaged demo list and ownership table, starts one `paymon worker` subprocess, replays the demo
payments, prints each alert as it arrives (with its explained hits), the worker's metrics URL and
counters, then stops the worker and the broker, also on Ctrl-C or an error: nothing is left
running. `--offline` (or no Java/Maven for the broker) screens the same demo payments in-process
with `paymon_cli.offline.screen_demo` instead.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from paymon_cli.offline import DEMO_DATA, render_decision, screen_demo

# Bounds on each wait (a cold start on two busy cores: broker 5-20 s, worker 5-15 s); they only
# limit a hang, the demo moves on as soon as each step is done.
BROKER_READY_TIMEOUT_S = 120.0
WORKER_READY_TIMEOUT_S = 120.0
RESULTS_TIMEOUT_S = 120.0
WORKER_STOP_TIMEOUT_S = 30.0
# Run a paymon command in a child process (the worker) with the interpreter running the demo.
PAYMON_CHILD = [sys.executable, "-c", "import sys; from paymon_cli.main import main; sys.exit(main())"]


def say(text: str = "") -> None:
    """Print one demo line now (the worker's and the broker's lines interleave with ours)."""
    print(text, flush=True)


def run_offline() -> int:
    """Screen the demo payments in-process and print every decision (no broker needed)."""
    decisions = screen_demo()
    for decision in decisions:
        say(render_decision(decision))
    alerts = sum(1 for d in decisions if d.decision == "alert")
    lists, payments = DEMO_DATA / "demo_list.jsonl", DEMO_DATA / "demo_payments.jsonl"
    say(f"\n{len(decisions)} demo payments screened, {alerts} alerts (demo data in {DEMO_DATA}).")
    say(f"Malformed demo lines show up as rejects with: paymon screen --lists {lists} --input {payments}")
    return 0


def _paymon(argv: list[str]) -> None:
    """Run one paymon command in-process; a non-zero exit stops the demo."""
    from paymon_cli.main import main

    status = main(argv)
    if status != 0:
        raise RuntimeError(f"`paymon {' '.join(argv)}` failed with exit status {status}")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _wait_worker_ready(worker: subprocess.Popen[bytes], ready_url: str) -> None:
    deadline = time.monotonic() + WORKER_READY_TIMEOUT_S
    while not _http_ok(ready_url):
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited with status {worker.returncode} before it was ready")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the worker was not ready after {WORKER_READY_TIMEOUT_S:.0f}s")
        time.sleep(0.3)


def _stop_worker(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=WORKER_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=WORKER_STOP_TIMEOUT_S)


def _expected_events(path: Path) -> int:
    """Non-blank lines of the demo payments file: each becomes one decision or one dead letter."""
    with path.open("rb") as lines:
        return sum(1 for line in lines if line.strip())


async def _follow_results(bootstrap: str, topics: Any, expected: int) -> tuple[int, int, int]:
    """Print alerts and dead letters as they arrive until every replayed event is accounted for
    (decided or dead-lettered); returns (screened, alerts, dead letters)."""
    import orjson
    from aiokafka import AIOKafkaConsumer

    from schemas.decision import decode_decision

    consumer = AIOKafkaConsumer(
        topics.screened,
        topics.alerts,
        topics.dlq,
        bootstrap_servers=bootstrap,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    screened: set[str] = set()
    alerts: set[str] = set()
    dead = 0
    deadline = time.monotonic() + RESULTS_TIMEOUT_S
    try:
        while len(screened) + dead < expected:
            if time.monotonic() > deadline:
                say(f"(gave up waiting after {RESULTS_TIMEOUT_S:.0f}s: {len(screened) + dead} of {expected})")
                break
            batch = await consumer.getmany(timeout_ms=500)
            for tp, messages in batch.items():
                for message in messages:
                    if tp.topic == topics.dlq:
                        dead += 1
                        letter = orjson.loads(message.value)
                        say(f"DEAD LETTER  key {letter.get('key')!r}: {letter.get('error')}")
                        continue
                    decision = decode_decision(message.value)
                    if tp.topic == topics.alerts:
                        if decision.payment_id not in alerts:
                            alerts.add(decision.payment_id)
                            say(render_decision(decision))
                    else:
                        screened.add(decision.payment_id)
    finally:
        await consumer.stop()
    return len(screened), len(alerts), dead


def _show_metrics(metrics_url: str) -> None:
    try:
        with urllib.request.urlopen(metrics_url, timeout=5) as response:
            text = response.read().decode()
    except OSError as exc:
        say(f"(metrics not reachable: {exc})")
        return
    wanted = re.compile(
        r"^paymon_(payments_screened_total|alerts_total|dead_letters_total|ready|list_entries)\b"
    )
    for line in text.splitlines():
        if wanted.match(line) and not line.endswith(" 0.0"):
            say(f"  {line}")


def run_streaming(keep: bool) -> int:
    """The streaming demo (see the module docstring); returns the exit status."""
    from agents.settings import TopicNames
    from devtools.local_kafka import KafkaUnavailable, LocalKafka

    say("== starting a local Kafka broker (first run downloads the jars from Maven Central)")
    broker = LocalKafka()
    worker: subprocess.Popen[bytes] | None = None
    log_dir = Path(tempfile.mkdtemp(prefix="paymon-demo-"))
    try:
        try:
            broker.start()
        except KafkaUnavailable as exc:
            say(f"no local Kafka broker ({exc}); screening the demo offline instead\n")
            return run_offline()
        broker.wait_ready(BROKER_READY_TIMEOUT_S)
        bootstrap = broker.bootstrap_servers
        say(f"   broker ready at {bootstrap}")
        server = ["--bootstrap-servers", bootstrap]
        topics = TopicNames()

        say("== creating topics")
        _paymon(["topics", "create", *server])
        say("== publishing the demo sanctions list and ownership table")
        _paymon(["lists", "publish", str(DEMO_DATA / "demo_list.jsonl"), *server])
        _paymon(["ownership", "publish", str(DEMO_DATA / "demo_ownership.csv"), *server])

        port = _free_port()
        metrics_url = f"http://127.0.0.1:{port}/metrics"
        env = {**os.environ, "PAYMON_BOOTSTRAP_SERVERS": bootstrap, "PYTHONUNBUFFERED": "1"}
        env["PAYMON_GROUP_ID"] = f"paymon-demo-{uuid.uuid4().hex[:6]}"
        say("== starting a worker (paymon worker)")
        log_path = log_dir / "worker.log"
        with log_path.open("wb") as log:
            sink: IO[bytes] = log
            worker = subprocess.Popen(
                [*PAYMON_CHILD, "worker", "--metrics-port", str(port)],
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        _wait_worker_ready(worker, f"http://127.0.0.1:{port}/ready")
        say(f"   worker ready; its metrics: {metrics_url}  (readiness: http://127.0.0.1:{port}/ready)")

        payments = DEMO_DATA / "demo_payments.jsonl"
        say(f"== replaying {payments.name} (malformed lines included: they go to the dead-letter topic)")
        _paymon(["replay", str(payments), *server])
        say("== alerts as they arrive on the sanctions-alerts topic\n")
        screened, alerts, dead = asyncio.run(_follow_results(bootstrap, topics, _expected_events(payments)))
        say(f"\n== {screened} payments screened, {alerts} alerts, {dead} dead letters")
        say(f"== worker metrics at {metrics_url}:")
        _show_metrics(metrics_url)
        if keep:
            say("\n(--keep: the broker and worker stay up until you press Ctrl-C)")
            with contextlib.suppress(KeyboardInterrupt):
                while worker.poll() is None:
                    time.sleep(1)
        return 0
    except KeyboardInterrupt:
        say("\ninterrupted: stopping")
        return 130
    except Exception as exc:
        say(f"\ndemo failed: {exc}")
        if worker is not None and (log_dir / "worker.log").exists():
            say("--- worker output ---\n" + (log_dir / "worker.log").read_text(errors="replace")[-3000:])
        return 1
    finally:
        say("== stopping the worker and the broker")
        if worker is not None:
            _stop_worker(worker)
        broker.stop()
        for leftover in log_dir.iterdir():
            leftover.unlink()
        log_dir.rmdir()
        say("   stopped; nothing left running")


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m paymon_cli.demo [--offline] [--keep]`: returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m paymon_cli.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--offline", action="store_true", help="screen in-process, no broker or worker")
    parser.add_argument("--keep", action="store_true", help="keep broker and worker up until Ctrl-C")
    args = parser.parse_args(argv)
    return run_offline() if args.offline else run_streaming(args.keep)


if __name__ == "__main__":
    sys.exit(main())
