"""Throughput of one `paymon worker` on a real local broker, against offline screening of the
same payments in one process (the baseline, same run).

Run: `.venv/bin/python -m bench.stream [--payments N] [--batch-size B]`.
Lists: OFAC SDN 2024-05-03 + UN 2026-02-27 from ../shared when present, else the demo list.
Prints payments/s offline (decode + screen + encode, no Kafka), payments/s through the worker
(first to last decision, by the decisions' `screened_at`), and the ratio stream / offline: the
share of the pure screening speed the stream keeps after Kafka, faust and batching.
Set PAYMON_BENCH_BOOTSTRAP=host:port to use a running broker instead of starting one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from paymon_cli.offline import DEMO_DATA

SHARED = Path(os.environ.get("PAYMON_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
PAYMON_CHILD = [sys.executable, "-c", "import sys; from paymon_cli.main import main; sys.exit(main())"]
# Bounds on the waits; they only stop a hang.
READY_TIMEOUT_S = 300.0
DRAIN_TIMEOUT_S = 900.0
# One payment in this many pays a listed name, roughly the alert rate a screening team sees
# before tuning (and enough alerts to exercise the alerts path).
ALERT_EVERY = 50

FIRST = ["Anna", "Peter", "Maria", "José", "Li", "Olga", "Ahmed", "Fatima", "John", "Chen", "Ingrid", "Kofi"]
LAST = ["Schmidt", "Garcia", "Ivanov", "Wang", "Smith", "Kowalski", "Rossi", "Dubois", "Nakamura", "Okafor"]
TRADES = ["Trading", "Holdings", "Logistics", "Foods", "Textiles", "Energy", "Shipping", "Consulting"]
LISTED = ["Bank Melli Iran", "Korea Kwangson Banking Corp", "Dandong Zhongsheng Industry and Trade"]


def list_paths() -> list[Path]:
    """The lists the bench screens against."""
    ofac, un = (
        SHARED / "lists" / "ofac-sdn-2024-05-03",
        SHARED / "lists" / "un" / "consolidated-2026-02-27.xml",
    )
    if ofac.is_dir() and un.is_file():
        return [ofac, un]
    return [DEMO_DATA / "demo_list.jsonl"]


def synthetic_payments(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """`count` payment events: people paying companies, a bank on each side, remittance text."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        creditor = (
            rng.choice(LISTED) if i % ALERT_EVERY == 0 else f"{rng.choice(LAST)} {rng.choice(TRADES)} GmbH"
        )
        out.append(
            {
                "payment_id": f"bench-{i:07d}",
                "created_at": "2026-03-01T10:00:00Z",
                "amount": f"{rng.randint(10, 90000)}.00",
                "currency": "EUR",
                "debtor": {"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "country": "DE"},
                "creditor": {"name": creditor, "country": "FR"},
                "debtor_agent": {"bic": "DEUTDEFF"},
                "creditor_agent": {"bic": "BNPAFRPP"},
                "remittance_info": f"Invoice {rng.randint(1000, 9999)} for delivery {i}",
            }
        )
    return out


def offline_rate(raw: list[bytes], paths: list[Path]) -> float:
    """Payments/s of decode + screen + encode in this process (the baseline)."""
    from paymon_cli.offline import load_state
    from schemas.decision import encode_decision
    from schemas.payment import decode_payment
    from screening.match import DEFAULT_THRESHOLD
    from screening.screen import screen_payment

    state = load_state(paths, [])
    started = time.perf_counter()
    for value in raw:
        decision = screen_payment(decode_payment(value), state, threshold=DEFAULT_THRESHOLD, screened_at="t")
        encode_decision(decision)
    return len(raw) / (time.perf_counter() - started)


async def _produce(bootstrap: str, topic: str, raw: list[bytes]) -> None:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=20)
    await producer.start()
    try:
        pending = [
            await producer.send(topic, key=orjson.loads(v)["payment_id"].encode(), value=v) for v in raw
        ]
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


async def _drain(bootstrap: str, topic: str, count: int) -> list[float]:
    """The `screened_at` of the first `count` decisions on `topic` (epoch seconds)."""
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="earliest"
    )
    await consumer.start()
    stamps: list[float] = []
    deadline = time.monotonic() + DRAIN_TIMEOUT_S
    try:
        while len(stamps) < count:
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {len(stamps)} of {count} decisions after {DRAIN_TIMEOUT_S:.0f}s")
            for messages in (await consumer.getmany(timeout_ms=1000)).values():
                for message in messages:
                    at = orjson.loads(message.value)["screened_at"].replace("Z", "+00:00")
                    stamps.append(datetime.fromisoformat(at).timestamp())
    finally:
        await consumer.stop()
    return stamps


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(worker: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the worker did not become ready")
        time.sleep(0.5)


def stream_rate(bootstrap: str, raw: list[bytes], paths: list[Path], batch_size: int) -> float:
    """Payments/s through one worker: first to last decision by `screened_at`."""
    from paymon_cli.main import main as paymon

    tag = f"bench-{uuid.uuid4().hex[:6]}"
    env = {**os.environ, "PAYMON_BOOTSTRAP_SERVERS": bootstrap, "PAYMON_GROUP_ID": tag}
    names = {"PAYMENTS": "payments", "ALERTS": "alerts", "SCREENED": "screened", "DLQ": "dlq"}
    names.update({"LISTS": "lists", "OWNERSHIP": "ownership"})
    for var, name in names.items():
        env[f"PAYMON_TOPIC_{var}"] = os.environ[f"PAYMON_TOPIC_{var}"] = f"{tag}-{name}"
    os.environ["PAYMON_BOOTSTRAP_SERVERS"] = bootstrap
    if paymon(["topics", "create"]) != 0 or paymon(["lists", "publish", *map(str, paths)]) != 0:
        raise RuntimeError("could not create the topics or publish the lists")
    asyncio.run(_produce(bootstrap, f"{tag}-payments", raw))
    port = _free_port()
    worker = subprocess.Popen(
        [*PAYMON_CHILD, "worker", "--metrics-port", str(port), "--batch-size", str(batch_size)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(worker, port)
        stamps = sorted(asyncio.run(_drain(bootstrap, f"{tag}-screened", len(raw))))
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=30)
    span = stamps[-1] - stamps[0]
    return len(raw) / span if span > 0 else float("inf")


def main() -> int:
    """Run the bench; prints the figures and the ratio."""
    parser = argparse.ArgumentParser(prog="python -m bench.stream")
    parser.add_argument("--payments", type=int, default=5000)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()
    paths = list_paths()
    raw = [orjson.dumps(p) for p in synthetic_payments(args.payments)]
    print(f"lists: {', '.join(p.name for p in paths)}; {len(raw)} payments, batch size {args.batch_size}")
    offline = offline_rate(raw, paths)
    print(f"offline (decode + screen + encode, one process): {offline:,.0f} payments/s")
    bootstrap = os.environ.get("PAYMON_BENCH_BOOTSTRAP", "").strip()
    broker = None
    if not bootstrap:
        from devtools.local_kafka import LocalKafka

        broker = LocalKafka(data_dir=Path(tempfile.mkdtemp(prefix="paymon-bench-")))
        broker.start()
        broker.wait_ready()
        bootstrap = broker.bootstrap_servers
    try:
        streamed = stream_rate(bootstrap, raw, paths, args.batch_size)
    finally:
        if broker is not None:
            broker.stop()
    print(f"stream (one paymon worker, Kafka in and out): {streamed:,.0f} payments/s")
    print(f"ratio stream / offline: {streamed / offline:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
