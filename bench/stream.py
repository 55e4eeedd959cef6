"""paymon workers end to end on a real local broker, on realistic traffic (`bench.traffic`).

Run: `.venv/bin/python -m bench.stream [--rates 200,500,1000] [--step-seconds 10] [--workers 1,2]`

Lists: OFAC SDN 2024-05-03 + the Dec 2025 aliases + the Sept 2024 update + UN 2026 from ../shared
(the bench says so and stops when they are absent), published to the lists topic, and the
generated ownership table published to the ownership topic. Each configuration (screening with
one worker, with two) gets fresh event topics and fresh `paymon worker` processes, and replays
the same payments:

- at each produce rate (default 200, 500 and 1,000 payments/s, `--step-seconds` each): latency
  p50/p95/p99/max from the payment record's append time (the payments topic uses LogAppendTime)
  to the moment its decision (or dead letter) is readable by a consumer, whether the workers keep
  up (lag stops growing), and CPU (share of one core) and resident memory of each worker;
- sustained throughput: the workers are paused (SIGSTOP) while a backlog is produced, resumed,
  and the rate at which outputs arrive is the highest produce rate at which lag stops growing.

The ceilings in the same run: the pass-through worker (`PAYMON_SCREENING=pass-through`: the same
`paymon worker` with screening replaced by decode, encode and produce, its decisions marked
"unscreened"), through the same steps and backlog: what the stream alone carries on this machine;
and the offline screening loop (decode + screen + encode in one process) on the same payments,
as payments/s and CPU ms per payment; the ratio of the worker's CPU per payment to the offline
loop's is the stream's own cost. Every ratio is printed (stream / pass-through, stream /
offline, two workers / one).
The broker, the bench's producer/consumer and the workers share this machine's cores: figures are
noisy; compare only against the ceilings measured in the same run. The worker CPU time per payment
(printed with the sustained throughput) holds better than payments/s when other processes take
the cores; the load average is printed at the start and the end, and beside each step how busy
the whole machine was (every core, every process) and how much of it this bench's own producer
and collector took: a worker short of CPU on a machine 100% busy is the machine's limit.

Options: `--variant PAYMON_X=V[,PAYMON_Y=W]` (repeatable) adds a one-worker configuration with
those settings, a tuning change measured against the defaults in the same run; `--profile`
samples each worker with py-spy while it drains the backlog and prints where its time goes
(screening vs the stream's own cost, see `bench._profile`); `--lists` publishes other lists.
`--baseline CHECKOUT` runs every configuration also with that checkout's workers (its `.venv`),
each right after its twin: a code change against its baseline in the same run.
Set PAYMON_BENCH_BOOTSTRAP=host:port to use a running broker instead of starting one.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.traffic import SHARED_LISTS, generate_traffic, listed_sample, real_list_paths

PAYMON = [str(Path(sys.executable).with_name("paymon"))]
DEFAULT_RATES = (200, 500, 1000)
DEFAULT_STEP_SECONDS = 10.0
DEFAULT_BACKLOG = 8_000
DEFAULT_OFFLINE_PAYMENTS = 2_000
DEFAULT_PARTITIONS = 4
PASS_THROUGH = "pass-through x1"
# Label suffix of a configuration run with the `--baseline` checkout's workers.
BASELINE_SUFFIX = " @baseline"
# After a step's last payment is produced, outputs still arriving within this many seconds count
# (a worker that keeps up answers within its batch time); later ones mean the lag grew.
STEP_GRACE_S = 5.0
# Payments (of their own, at the first rate) that warm each configuration up before it is
# measured, and how long their outputs may take (a first batch waits for the group to settle).
WARMUP_PAYMENTS = 300
WARMUP_GRACE_S = 60.0
# A step keeps up when the backlog at the end of production is under this many seconds of
# traffic; else the workers fall behind and the higher rates are skipped.
KEEPS_UP_BACKLOG_S = 1.0
# The longest the sustained-throughput window runs (the rest of the backlog is left).
SATURATION_WINDOW_S = 20.0
# Payments produced per pacing tick: at most 100 ticks a second keeps the pacing close to even.
TICKS_PER_SECOND = 100
# Bounds on waits; they only stop a hang.
READY_TIMEOUT_S = 240.0
COMMAND_TIMEOUT_S = 300.0
STOP_TIMEOUT_S = 30.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class WorkerSample:
    """CPU seconds and memory of one worker process at one moment."""

    cpu_s: float
    rss_mb: float
    peak_rss_mb: float


@dataclass
class StepResult:
    """One produce rate on one configuration."""

    rate: int
    produced: int
    answered: int
    keeps_up: bool
    backlog_growth: float  # payments/s the backlog grew during production (0 when keeping up)
    latencies_ms: list[float]
    cpu: list[float]  # share of one core, per worker
    rss_mb: list[float]
    machine_busy: float  # share of all the machine's cores busy (every process)
    bench_cpu: float  # cores' worth used by this bench's producer and collector

    def latency(self, q: float) -> float:
        """The q-quantile of the latencies (ms), nan when none."""
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass
class Saturation:
    """A backlog drained: outputs/s, CPU share of one core per worker, worker CPU ms per payment
    (the figure that holds when other processes take the cores: throughput ~ cores / cost)."""

    rate: float
    cpu: list[float]
    cost_ms: float
    machine_busy: float
    bench_cpu: float


@dataclass
class ConfigResult:
    """Every figure of one configuration (mode x worker count)."""

    label: str
    workers: int
    steps: list[StepResult] = field(default_factory=list)
    sustained: float = float("nan")
    sustained_cpu: list[float] = field(default_factory=list)
    cost_ms: float = float("nan")
    peak_rss_mb: list[float] = field(default_factory=list)
    sustained_machine_busy: float = float("nan")
    sustained_bench_cpu: float = float("nan")


# ---------------------------------------------------------------------------------------------
# Workers (real `paymon worker` subprocesses)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _sample(pid: int) -> WorkerSample:
    """CPU seconds (user + system) and RSS / peak RSS of `pid` from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return WorkerSample(cpu, int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024)


@dataclass
class MachineSample:
    """Busy and total CPU time of the whole machine (every core, every process: the broker, this
    bench's producer and collector, other users) and this bench process's own CPU time."""

    busy_s: float
    total_s: float
    bench_s: float

    def shares(self, earlier: MachineSample) -> tuple[float, float]:
        """(share of the machine's cores busy, cores' worth used by this bench) since `earlier`."""
        total = self.total_s - earlier.total_s
        if total <= 0:
            return float("nan"), float("nan")
        cores = os.cpu_count() or 1
        return (self.busy_s - earlier.busy_s) / total, cores * (self.bench_s - earlier.bench_s) / total


def _machine() -> MachineSample:
    """The `cpu` line of /proc/stat (idle and iowait are the idle time) and this process's CPU."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = ticks[3] + ticks[4]
    return MachineSample((sum(ticks) - idle) / CLOCK_TICKS, sum(ticks) / CLOCK_TICKS, time.process_time())


class Workers:
    """`count` `paymon worker` processes sharing one consumer group, started with `env`."""

    def __init__(
        self, count: int, env: dict[str, str], log_dir: Path, paymon: Sequence[str] = PAYMON
    ) -> None:
        self.processes: list[subprocess.Popen[bytes]] = []
        self.ports: list[int] = []
        for number in range(count):
            port = _free_port()
            log = (log_dir / f"{env['PAYMON_GROUP_ID']}-{number}.log").open("wb")
            self.processes.append(
                subprocess.Popen(
                    [*paymon, "worker", "--metrics-port", str(port)],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            self.ports.append(port)

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        for process, port in zip(self.processes, self.ports, strict=True):
            while not _is_ready(port):
                if process.poll() is not None:
                    raise RuntimeError(f"a worker exited with {process.returncode} before being ready")
                if time.monotonic() > deadline:
                    raise RuntimeError("a worker did not become ready")
                time.sleep(0.5)

    def samples(self) -> list[WorkerSample]:
        return [_sample(p.pid) for p in self.processes]

    def profile(self, prefix: Path, seconds: float) -> list[subprocess.Popen[bytes]]:
        """Start py-spy on every worker for `seconds` (collapsed stacks, idle threads included)."""
        return [
            subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("py-spy")),
                    "record",
                    "--pid",
                    str(process.pid),
                    "--duration",
                    str(max(1, int(seconds))),
                    "--format",
                    "raw",
                    "--idle",
                    "--threads",
                    "--nonblocking",
                    "--output",
                    f"{prefix}-{number}.txt",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for number, process in enumerate(self.processes)
        ]

    def pause(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGCONT)
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT_S)


def _is_ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


# ---------------------------------------------------------------------------------------------
# Producing at a set rate and collecting the outputs


class Collector:
    """Reads the decisions and dead letters of one configuration, noting when each became
    readable (keyed by payment id, the key of both)."""

    def __init__(self, bootstrap: str, topics: Sequence[str]) -> None:
        from aiokafka import AIOKafkaConsumer

        self.consumer = AIOKafkaConsumer(
            *topics,
            bootstrap_servers=bootstrap,
            group_id=None,
            auto_offset_reset="earliest",
            fetch_max_wait_ms=5,
            fetch_max_bytes=8 * 1024 * 1024,
            max_partition_fetch_bytes=4 * 1024 * 1024,
        )
        self.seen: dict[bytes, float] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.consumer.start()
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            batches = await self.consumer.getmany(timeout_ms=100, max_records=10_000)
            now = time.time()
            for messages in batches.values():
                for message in messages:
                    self.seen.setdefault(message.key, now)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.consumer.stop()


class Producer:
    """Produces payments (keyed by payment id) and notes each record's append time."""

    def __init__(self, bootstrap: str, topic: str) -> None:
        from aiokafka import AIOKafkaProducer

        self.topic = topic
        self.producer = AIOKafkaProducer(
            bootstrap_servers=bootstrap, acks=1, linger_ms=2, max_batch_size=512 * 1024
        )
        self.appended: dict[bytes, float] = {}

    async def start(self) -> None:
        await self.producer.start()

    async def stop(self) -> None:
        await self.producer.stop()

    async def send(self, items: Sequence[tuple[bytes, bytes]]) -> list[Any]:
        """Queue `items` (key, value); returns the delivery futures."""
        futures = []
        for key, value in items:
            future = await self.producer.send(self.topic, key=key, value=value)
            future.add_done_callback(self._noted(key))
            futures.append(future)
        return futures

    def _noted(self, key: bytes) -> Any:
        def note(future: Any) -> None:
            if not future.cancelled() and future.exception() is None:
                # LogAppendTime topic: the metadata's timestamp is the broker's append time (ms)
                self.appended[key] = future.result().timestamp / 1000.0

        return note


async def run_step(
    producer: Producer,
    collector: Collector,
    workers: Workers,
    items: Sequence[tuple[bytes, bytes]],
    rate: int,
    grace: float = STEP_GRACE_S,
) -> StepResult:
    """Produce `items` at `rate` payments/s, then wait up to `grace` seconds for their outputs."""
    before, machine_before = workers.samples(), _machine()
    started = time.monotonic()
    keys = [key for key, _ in items]
    per_tick = max(1, rate // TICKS_PER_SECOND)
    futures: list[Any] = []
    backlog_samples: list[tuple[float, int]] = []
    for offset in range(0, len(items), per_tick):
        due = started + offset / rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        futures.extend(await producer.send(items[offset : offset + per_tick]))
        if offset % rate < per_tick:  # about once a second
            answered = sum(1 for k in keys[:offset] if k in collector.seen)
            backlog_samples.append((time.monotonic() - started, offset - answered))
    await asyncio.gather(*futures)
    production_s = time.monotonic() - started
    produced_end = time.monotonic()
    backlog_end = sum(1 for k in keys if k not in collector.seen)
    while time.monotonic() - produced_end < grace and any(k not in collector.seen for k in keys):
        await asyncio.sleep(0.05)
    after = workers.samples()
    machine_busy, bench_cpu = _machine().shares(machine_before)
    elapsed = time.monotonic() - started
    latencies = [
        (collector.seen[k] - producer.appended[k]) * 1000.0
        for k in keys
        if k in collector.seen and k in producer.appended
    ]
    growth = _slope(backlog_samples[len(backlog_samples) // 2 :])
    keeps_up = backlog_end <= rate * KEEPS_UP_BACKLOG_S and len(latencies) == len(keys)
    return StepResult(
        rate=rate,
        produced=len(items),
        answered=len(latencies),
        keeps_up=keeps_up,
        backlog_growth=0.0 if keeps_up else max(growth, (backlog_end / production_s)),
        latencies_ms=latencies,
        cpu=[(a.cpu_s - b.cpu_s) / elapsed for a, b in zip(after, before, strict=True)],
        rss_mb=[a.rss_mb for a in after],
        machine_busy=machine_busy,
        bench_cpu=bench_cpu,
    )


def _slope(points: Sequence[tuple[float, int]]) -> float:
    """Least-squares slope of (t, backlog) points (payments/s), 0 for fewer than two."""
    if len(points) < 2:
        return 0.0
    mean_t = statistics.fmean(t for t, _ in points)
    mean_b = statistics.fmean(b for _, b in points)
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    return sum((t - mean_t) * (b - mean_b) for t, b in points) / spread if spread else 0.0


async def run_saturation(
    producer: Producer,
    collector: Collector,
    workers: Workers,
    items: Sequence[tuple[bytes, bytes]],
    profile: Path | None = None,
) -> Saturation:
    """Outputs/s while the workers drain a backlog produced while they were paused, their CPU
    (share of one core) meanwhile, and the worker CPU time spent per payment (ms). With
    `profile`, py-spy samples each worker meanwhile into `<profile>-<n>.txt` (collapsed stacks,
    idle threads included)."""
    workers.pause()
    try:
        await asyncio.gather(*await producer.send(items))
    finally:
        workers.resume()
    spies = [] if profile is None else workers.profile(profile, SATURATION_WINDOW_S / 2)
    answered_before = len(collector.seen)
    before, machine_before = workers.samples(), _machine()
    started = time.monotonic()
    target = answered_before + len(items)
    # Measure from the first output after the resume to the last one in the window.
    while len(collector.seen) == answered_before and time.monotonic() - started < SATURATION_WINDOW_S:
        await asyncio.sleep(0.01)
    first, first_count = time.monotonic(), len(collector.seen)
    last, last_count = first, first_count
    while len(collector.seen) < target and time.monotonic() - first < SATURATION_WINDOW_S:
        await asyncio.sleep(0.05)
        if len(collector.seen) != last_count:
            last, last_count = time.monotonic(), len(collector.seen)
    after = workers.samples()
    machine_busy, bench_cpu = _machine().shares(machine_before)
    elapsed = time.monotonic() - started
    for spy in spies:
        spy.wait(timeout=COMMAND_TIMEOUT_S)
    rate = (last_count - first_count) / (last - first) if last > first else float("nan")
    cpu_s = [a.cpu_s - b.cpu_s for a, b in zip(after, before, strict=True)]
    answered = len(collector.seen) - answered_before
    cost_ms = 1000.0 * sum(cpu_s) / answered if answered else float("nan")
    return Saturation(rate, [c / elapsed for c in cpu_s], cost_ms, machine_busy, bench_cpu)


# ---------------------------------------------------------------------------------------------
# Configurations


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command[1:])} failed: {result.stderr.strip()[-2000:]}")


def _env(bootstrap: str, tag: str, reference: str, partitions: int, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAYMON_") or k == "PAYMON_SHARED_DATA"}
    # Tuning knobs the operator exported (PAYMON_BATCH_SIZE, producer/consumer settings) still apply.
    env.update({k: v for k, v in os.environ.items() if k.startswith("PAYMON_") and "TOPIC" not in k})
    env.update(
        {
            "PAYMON_BOOTSTRAP_SERVERS": bootstrap,
            "PAYMON_GROUP_ID": tag,
            "PAYMON_PARTITIONS": str(partitions),
            "PAYMON_TOPIC_PAYMENTS": f"{tag}-payments",
            "PAYMON_TOPIC_ALERTS": f"{tag}-alerts",
            "PAYMON_TOPIC_SCREENED": f"{tag}-screened",
            "PAYMON_TOPIC_DLQ": f"{tag}-dlq",
            "PAYMON_TOPIC_LISTS": f"{reference}-lists",
            "PAYMON_TOPIC_OWNERSHIP": f"{reference}-ownership",
            # screening unless a configuration asks for the pass-through ceiling
            "PAYMON_SCREENING": "screen",
            "PYTHONUNBUFFERED": "1",
            **extra,
        }
    )
    return env


async def _create_event_topics(bootstrap: str, tag: str, partitions: int) -> None:
    """The four event topics of one configuration; payments with LogAppendTime so a record's
    timestamp is the moment the broker appended it."""
    from agents.settings import Settings
    from agents.topics import TopicSpec, ensure_topics

    settings = Settings(bootstrap_servers=(bootstrap,))
    specs = [
        TopicSpec(f"{tag}-payments", partitions, 1, {"message.timestamp.type": "LogAppendTime"}),
        *(TopicSpec(f"{tag}-{name}", partitions, 1) for name in ("alerts", "screened", "dlq")),
    ]
    await ensure_topics(settings, specs)


def publish_reference(bootstrap: str, reference: str, paths: list[Path], ownership_csv: Path) -> None:
    """Create the reference topics and publish the lists and the ownership table to them."""
    env = _env(bootstrap, f"{reference}-setup", reference, 1, {})
    _run([*PAYMON, "topics", "create", "--partitions", "1"], env)
    _run([*PAYMON, "lists", "publish", *map(str, paths)], env)
    _run([*PAYMON, "ownership", "publish", str(ownership_csv)], env)


async def run_config(
    *,
    label: str,
    count: int,
    bootstrap: str,
    reference: str,
    payments: Sequence[tuple[bytes, bytes]],
    rates: Sequence[int],
    step_seconds: float,
    backlog: int,
    partitions: int,
    extra_env: dict[str, str],
    log_dir: Path,
    profile: bool,
    paymon: Sequence[str] = PAYMON,
) -> ConfigResult:
    """One configuration: fresh event topics, `count` workers, every rate step, then the
    sustained-throughput backlog."""
    tag = f"bench-{uuid.uuid4().hex[:6]}"
    await _create_event_topics(bootstrap, tag, partitions)
    env = _env(bootstrap, tag, reference, partitions, extra_env)
    result = ConfigResult(label, count)
    workers = Workers(count, env, log_dir, paymon)
    collector = Collector(bootstrap, [f"{tag}-screened", f"{tag}-dlq"])
    producer = Producer(bootstrap, f"{tag}-payments")
    try:
        await asyncio.to_thread(workers.wait_ready)
        await collector.start()
        await producer.start()
        # Warm-up on payments of their own: the group's first assignment, first fetches and
        # connections happen here, not in the first measured step.
        warmup = payments[len(payments) - WARMUP_PAYMENTS :]
        await run_step(producer, collector, workers, warmup, rates[0], grace=WARMUP_GRACE_S)
        cursor = 0
        for rate in rates:
            size = int(rate * step_seconds)
            step = await run_step(producer, collector, workers, payments[cursor : cursor + size], rate)
            cursor += size
            result.steps.append(step)
            print(f"  {label}: {_step_line(step)}", flush=True)
            if not step.keeps_up:
                break
        prefix = log_dir / f"profile-{label.replace(' ', '')}" if profile else None
        # Every configuration drains the same backlog, whatever steps it ran.
        first = sum(int(rate * step_seconds) for rate in rates)
        drained = await run_saturation(
            producer, collector, workers, payments[first : first + backlog], prefix
        )
        result.sustained, result.sustained_cpu, result.cost_ms = drained.rate, drained.cpu, drained.cost_ms
        result.sustained_machine_busy, result.sustained_bench_cpu = drained.machine_busy, drained.bench_cpu
        result.peak_rss_mb = [s.peak_rss_mb for s in workers.samples()]
        print(
            f"  {label}: sustained {result.sustained:,.0f} payments/s, "
            f"{result.cost_ms:.2f} worker-CPU ms/payment",
            flush=True,
        )
    finally:
        await producer.stop()
        await collector.stop()
        workers.stop()
    return result


def _step_line(step: StepResult) -> str:
    state = "keeps up" if step.keeps_up else f"FALLS BEHIND (backlog +{step.backlog_growth:,.0f}/s)"
    cpu = "/".join(f"{c:.0%}" for c in step.cpu)
    rss = "/".join(f"{r:.0f}" for r in step.rss_mb)
    return (
        f"{step.rate:>5}/s  p50 {step.latency(0.50):7.1f}  p95 {step.latency(0.95):7.1f}  "
        f"p99 {step.latency(0.99):7.1f}  max {max(step.latencies_ms, default=float('nan')):7.1f} ms  "
        f"({step.answered}/{step.produced} answered)  cpu {cpu}  rss {rss} MB  "
        f"machine {step.machine_busy:.0%} busy, bench {step.bench_cpu:.0%}  {state}"
    )


# ---------------------------------------------------------------------------------------------
# The offline ceiling


@dataclass
class Offline:
    """The offline loop: payments/s and CPU ms per payment (this process's CPU time)."""

    rate: float
    cost_ms: float


def offline_rate(values: Sequence[bytes], paths: list[Path], ownership_csv: Path) -> Offline:
    """Decode + screen + encode in this process on `values` (the same payments the workers get),
    against the same lists and ownership table: payments/s and CPU ms per payment."""
    from paymon_cli.offline import load_state, screen_lines
    from screening.match import DEFAULT_THRESHOLD

    state = load_state(paths, [ownership_csv], threshold=DEFAULT_THRESHOLD)
    sink: list[bytes] = []
    started, cpu_started = time.perf_counter(), time.process_time()
    counts = screen_lines(
        [v + b"\n" for v in values],
        state,
        threshold=DEFAULT_THRESHOLD,
        write_decision=sink.append,
        write_reject=sink.append,
    )
    done = counts.screened + counts.rejected
    cpu_ms = 1000.0 * (time.process_time() - cpu_started) / done
    return Offline(done / (time.perf_counter() - started), cpu_ms)


# ---------------------------------------------------------------------------------------------


def _parse_ints(text: str) -> tuple[int, ...]:
    values = tuple(int(part) for part in text.split(",") if part.strip())
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give positive integers separated by commas")
    return values


def _load() -> str:
    """The machine's load averages: other processes on the cores make every figure lower."""
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def _parse_variant(text: str) -> dict[str, str]:
    pairs = [part.partition("=") for part in text.split(",")]
    if not pairs or any(not name.startswith("PAYMON_") or not sep for name, sep, _ in pairs):
        raise argparse.ArgumentTypeError(f"{text!r}: give PAYMON_NAME=VALUE[,PAYMON_NAME=VALUE]")
    return {name: value for name, _, value in pairs}


@contextlib.contextmanager
def _broker() -> Iterator[str]:
    bootstrap = os.environ.get("PAYMON_BENCH_BOOTSTRAP", "").strip()
    if bootstrap:
        yield bootstrap
        return
    from devtools.local_kafka import LocalKafka

    with LocalKafka(data_dir=Path(tempfile.mkdtemp(prefix="paymon-bench-"))) as broker:
        yield broker.bootstrap_servers


def main() -> int:
    """Run the bench; prints every figure and ratio."""
    parser = argparse.ArgumentParser(prog="python -m bench.stream", description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=_parse_ints, default=DEFAULT_RATES, help="payments/s steps")
    parser.add_argument("--step-seconds", type=float, default=DEFAULT_STEP_SECONDS)
    parser.add_argument("--workers", type=_parse_ints, default=(1, 2), help="worker counts to screen with")
    parser.add_argument(
        "--backlog", type=int, default=DEFAULT_BACKLOG, help="payments for sustained throughput"
    )
    parser.add_argument("--offline-payments", type=int, default=DEFAULT_OFFLINE_PAYMENTS)
    parser.add_argument("--partitions", type=int, default=DEFAULT_PARTITIONS)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="py-spy each worker while it drains the backlog; print a summary",
    )
    parser.add_argument(
        "--variant",
        action="append",
        type=_parse_variant,
        default=[],
        metavar="NAME=VALUE[,NAME=VALUE]",
        help="also run one screening worker with these PAYMON_* settings (repeatable): a tuning "
        "change measured against the defaults in the same run",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        default=None,
        metavar="CHECKOUT",
        help="also run every configuration with the workers of another checkout (its .venv's "
        "paymon, e.g. main's): a code change measured against its baseline in the same run",
    )
    parser.add_argument(
        "--lists", nargs="+", type=Path, default=None, help="lists to publish instead of the real four"
    )
    args = parser.parse_args()

    paths = args.lists or real_list_paths()
    if paths is None:
        print(f"bench.stream: needs the real lists in {SHARED_LISTS} (../shared is absent); skipped")
        return 0
    from screening.lists import load_lists

    total = int(sum(args.rates) * args.step_seconds) + args.backlog + WARMUP_PAYMENTS
    started = time.perf_counter()
    traffic = generate_traffic(total, listed_sample(load_lists(paths).entries.values()))
    print(f"lists: {', '.join(p.name for p in paths)}; load average at the start: {_load()}")
    print(f"traffic: {traffic.summary()} (generated in {time.perf_counter() - started:.1f} s)")
    items = [(i.encode(), v) for i, v in zip(traffic.ids, traffic.payments, strict=True)]
    work = Path(tempfile.mkdtemp(prefix="paymon-bench-stream-"))
    ownership_csv = work / "ownership.csv"
    ownership_csv.write_text(traffic.ownership_csv, encoding="utf-8")
    offline = offline_rate(traffic.payments[: args.offline_payments], paths, ownership_csv)
    print(
        f"offline loop (decode + screen + encode, one process, {args.offline_payments} payments): "
        f"{offline.rate:,.0f} payments/s, {offline.cost_ms:.2f} CPU ms/payment",
        flush=True,
    )

    configs: list[tuple[str, int, dict[str, str]]] = [(f"screen x{n}", n, {}) for n in args.workers]
    # The pass-through ceiling right after the one-worker screening run it is compared with.
    configs.insert(1 if 1 in args.workers else 0, (PASS_THROUGH, 1, {"PAYMON_SCREENING": "pass-through"}))
    for variant in args.variant:
        configs.append((f"screen x1 {','.join(f'{k}={v}' for k, v in variant.items())}", 1, variant))
    if args.variant:
        # The defaults once more after the variants: the spread between the two default runs is
        # the noise a variant's difference must exceed.
        configs.append(("screen x1 again", 1, {}))
    commands = {label: PAYMON for label, _, _ in configs}
    if args.baseline is not None:
        # Each configuration right after its twin on the baseline's code: the pair shares the
        # machine's load of that moment.
        baseline_paymon = [str(args.baseline / ".venv" / "bin" / "paymon")]
        paired: list[tuple[str, int, dict[str, str]]] = []
        for label, count, extra in configs:
            paired += [(label, count, extra), (f"{label}{BASELINE_SUFFIX}", count, extra)]
            commands[f"{label}{BASELINE_SUFFIX}"] = baseline_paymon
        configs = paired
    results: list[ConfigResult] = []
    with _broker() as bootstrap:
        reference = f"bench-ref-{uuid.uuid4().hex[:6]}"
        publish_reference(bootstrap, reference, paths, ownership_csv)
        for label, count, extra in configs:
            results.append(
                asyncio.run(
                    run_config(
                        label=label,
                        count=count,
                        bootstrap=bootstrap,
                        reference=reference,
                        payments=items,
                        rates=args.rates,
                        step_seconds=args.step_seconds,
                        backlog=args.backlog,
                        partitions=args.partitions,
                        extra_env=extra,
                        log_dir=work,
                        profile=args.profile,
                        paymon=commands[label],
                    )
                )
            )
    print_report(results, offline, args.offline_payments)
    print(f"machine load average (1/5/15 min) at the end: {_load()}; cores: {os.cpu_count()}")
    if args.profile:
        from bench._profile import summarise

        for path in sorted(work.glob("profile-*.txt")):
            print(f"\nprofile of {path.stem} while draining the backlog:")
            print("\n".join(summarise(path)) or "(no samples)")
    print(f"(worker logs in {work})")
    return 0


def print_report(results: list[ConfigResult], offline: Offline, offline_count: int) -> None:
    """The table of every configuration and every ratio."""
    print("\nlatency: append time of the payment -> its decision readable, over the payments answered")
    print("within the step (a lower bound where the workers do not keep up)")
    print(
        "configuration     rate     p50     p95     p99     max (ms)  keeps up  cpu/worker  rss MB/worker"
        "  machine busy  bench cpu"
    )
    for result in results:
        for step in result.steps:
            print(
                f"{result.label:<16} {step.rate:>5} {step.latency(0.5):7.1f} {step.latency(0.95):7.1f} "
                f"{step.latency(0.99):7.1f} {max(step.latencies_ms, default=float('nan')):9.1f}  "
                f"{'yes' if step.keeps_up else 'NO':<8}  {'/'.join(f'{c:.0%}' for c in step.cpu):<10}  "
                f"{'/'.join(f'{r:.0f}' for r in step.rss_mb):<13}  {step.machine_busy:>12.0%}  "
                f"{step.bench_cpu:>9.0%}"
            )
    print("\nsustained throughput (drain of a backlog; the highest rate at which lag stops growing):")
    for result in results:
        cpu = "/".join(f"{c:.0%}" for c in result.sustained_cpu)
        peak = "/".join(f"{r:.0f}" for r in result.peak_rss_mb)
        print(
            f"  {result.label:<16} {result.sustained:>8,.0f} payments/s  cpu {cpu}  "
            f"{result.cost_ms:.2f} worker-CPU ms/payment  peak rss {peak} MB  "
            f"machine {result.sustained_machine_busy:.0%} busy, bench {result.sustained_bench_cpu:.0%}"
        )
    print(
        f"  offline loop     {offline.rate:>8,.0f} payments/s  {offline.cost_ms:.2f} CPU ms/payment  "
        f"(one process, {offline_count} payments)"
    )
    by_label = {r.label: r for r in results}
    one = by_label.get("screen x1")
    two = by_label.get("screen x2")
    ceiling = by_label.get(PASS_THROUGH)
    print("ratios:")
    if one is not None:
        if ceiling is not None:
            print(
                f"  stream x1 / pass-through x1:    {one.sustained / ceiling.sustained:6.2f}  "
                f"(target >= 0.5; CPU per payment {one.cost_ms / ceiling.cost_ms:.2f})"
            )
        print(f"  stream x1 / offline loop:       {one.sustained / offline.rate:6.2f}")
        print(f"  CPU per payment, stream x1 / offline loop: {one.cost_ms / offline.cost_ms:6.2f}")
        if two is not None:
            print(f"  stream x2 / stream x1:          {two.sustained / one.sustained:6.2f}  (target >= 1.6)")
        print(f"  stream x1 / target 2,000/s:     {one.sustained / 2000:6.2f}")
        for result in results:
            variant = result.label.startswith("screen x1 ") and not result.label.endswith(BASELINE_SUFFIX)
            if variant and result.label != "screen x1 again":
                print(
                    f"  {result.label} / screen x1: {result.sustained / one.sustained:6.2f} "
                    f"(CPU per payment {result.cost_ms / one.cost_ms:.2f})"
                )
        again = by_label.get("screen x1 again")
        if again is not None:
            print(
                f"  noise: screen x1 again / screen x1: {again.sustained / one.sustained:6.2f} "
                f"(CPU per payment {again.cost_ms / one.cost_ms:.2f})"
            )
        for result in results:
            twin = by_label.get(f"{result.label}{BASELINE_SUFFIX}")
            if twin is not None:
                print(
                    f"  {result.label} / its baseline: {result.sustained / twin.sustained:6.2f} payments/s "
                    f"(CPU per payment {result.cost_ms / twin.cost_ms:.2f})"
                )
        at_500 = [s for s in one.steps if s.rate == 500]
        if at_500:
            print(f"  p99 at 500/s / target 50 ms:    {at_500[0].latency(0.99) / 50:6.2f}")


if __name__ == "__main__":
    sys.exit(main())
