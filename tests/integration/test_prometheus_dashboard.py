"""The Grafana dashboard against the real thing: a real broker, a real `paymon worker`, a real
Prometheus scraping it every second; then EVERY dashboard panel query is evaluated through
Prometheus' HTTP API (template variables substituted as Grafana would) and must return data.

Flow: create the topics (`paymon topics create`), publish the packaged demo list and
ownership (`paymon lists publish`, `paymon ownership publish`), start a worker on a free
127.0.0.1 metrics port, start Prometheus on a free 127.0.0.1 port with a generated config (and
the project's alert rules), wait for its first scrapes, replay the demo payments plus malformed
ones (`paymon replay`), wait until Prometheus has seen every decision, then query.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from agents.metrics import dead_letter_reason
from schemas.payment import PaymentError, decode_payment
from tests.integration.stream_support import (
    REPO_ROOT,
    WorkerProcess,
    free_port,
    run_paymon,
    start_worker,
    topic_env,
    unique_topics,
)

pytestmark = pytest.mark.prometheus

DEMO = REPO_ROOT / "paymon_cli" / "demo_data"
DASHBOARD = REPO_ROOT / "deploy" / "grafana" / "dashboards" / "paymon.json"
RULES = REPO_ROOT / "deploy" / "prometheus" / "rules.yml"
# Grafana's $__rate_interval is max(4 x scrape interval, step + scrape interval); a minute
# covers the whole replay at a 1 s scrape, so every rate sees the payments.
RATE_INTERVAL = "1m"
SCRAPE_INTERVAL = "1s"
# Partitions of the payments topic (`paymon topics create` reads PAYMON_PARTITIONS).
PARTITIONS = 3
# Bounds on the waits (they only cut a hang short; nothing here asserts on time).
PROMETHEUS_READY_TIMEOUT_S = 60.0
DATA_TIMEOUT_S = 120.0
# Payments that are not screenable, each a different dead-letter class.
MALFORMED = [
    '{"payment_id": "bad-json", "amount": ',  # truncated JSON
    '{"payment_id": "bad-missing", "created_at": "2026-01-01T00:00:00Z"}',  # no amount, debtor, ...
]


@dataclass
class Prometheus:
    """A running Prometheus subprocess and its HTTP base URL."""

    process: subprocess.Popen[bytes]
    url: str
    log_path: Path

    def api(self, path: str, **params: str) -> Any:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        with urllib.request.urlopen(f"{self.url}{path}{query}", timeout=10) as response:
            body = json.loads(response.read())
        assert body["status"] == "success", body
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        data = self.api("/api/v1/query", query=expr)
        assert data["resultType"] == "vector", (expr, data)
        result: list[dict[str, Any]] = data["result"]
        return result

    def wait_for(
        self, expr: str, accept: Any, what: str, timeout: float = DATA_TIMEOUT_S
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"prometheus exited {self.process.returncode}:\n{self.log()}")
            result = self.query(expr)
            if accept(result):
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}: {expr} = {result}\n{self.log()[-3000:]}")
            time.sleep(0.5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def scalar(result: list[dict[str, Any]]) -> float:
    return sum(float(sample["value"][1]) for sample in result)


def start_prometheus(tmp: Path, worker_port: int) -> Prometheus:
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.skip("prometheus not installed (run `make tools`: Debian's prometheus package)")
    config = {
        "global": {"scrape_interval": SCRAPE_INTERVAL, "evaluation_interval": SCRAPE_INTERVAL},
        "rule_files": [str(RULES)],
        "scrape_configs": [
            {
                "job_name": "paymon-worker",
                "scrape_interval": SCRAPE_INTERVAL,
                "static_configs": [{"targets": [f"127.0.0.1:{worker_port}"]}],
            }
        ],
    }
    config_path = tmp / "prometheus.yml"
    config_path.write_text(yaml.safe_dump(config))
    port = free_port()
    log_path = tmp / "prometheus.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                binary,
                f"--config.file={config_path}",
                f"--storage.tsdb.path={tmp / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--storage.tsdb.retention.time=1h",
                "--web.console.templates=/nonexistent",
                "--web.console.libraries=/nonexistent",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    prometheus = Prometheus(process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + PROMETHEUS_READY_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise AssertionError(f"prometheus exited {process.returncode}:\n{prometheus.log()}")
        try:
            with urllib.request.urlopen(f"{prometheus.url}/-/ready", timeout=2) as response:
                if response.status == 200:
                    return prometheus
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"prometheus not ready:\n{prometheus.log()}")
        time.sleep(0.3)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


@dataclass
class Stack:
    worker: WorkerProcess
    prometheus: Prometheus
    instance: str
    valid_payments: list[str]
    dead_letter_reasons: set[str]
    partitions: int


def split_payments(lines: list[str]) -> tuple[list[str], set[str]]:
    """The screenable lines, and the dead-letter reason classes the others must be counted under."""
    valid: list[str] = []
    reasons: set[str] = set()
    for line in lines:
        try:
            decode_payment(line)
        except PaymentError as exc:
            reasons.add(dead_letter_reason(exc))
        else:
            valid.append(line)
    return valid, reasons


@pytest.fixture(scope="module")
def stack(kafka_broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    tmp = tmp_path_factory.mktemp("prometheus-dashboard")
    topics = unique_topics("dash")
    env = topic_env(kafka_broker, topics, group=f"dash-{topics.payments}", partitions=PARTITIONS)
    run_paymon(["topics", "create"], env)
    run_paymon(["lists", "publish", str(DEMO / "demo_list.jsonl")], env)
    run_paymon(["ownership", "publish", str(DEMO / "demo_ownership.csv")], env)
    worker = start_worker(env, tmp, "worker")
    prometheus: Prometheus | None = None
    try:
        worker.wait_ready()
        prometheus = start_prometheus(tmp, worker.metrics_port)
        instance = f"127.0.0.1:{worker.metrics_port}"
        # Scraped at least twice before any payment: every counter's rise lands inside a rate window.
        prometheus.wait_for(
            f'count_over_time(paymon_ready{{instance="{instance}"}}[5m])',
            lambda r: scalar(r) >= 2,
            "the first scrapes of the worker",
        )
        lines = [line for line in (DEMO / "demo_payments.jsonl").read_text().splitlines() if line.strip()]
        lines += MALFORMED
        valid, reasons = split_payments(lines)
        payments_file = tmp / "payments.jsonl"
        payments_file.write_text("\n".join(lines) + "\n")
        run_paymon(["replay", str(payments_file)], env)
        screened = prometheus.wait_for(
            f'sum(paymon_payments_screened_total{{instance="{instance}"}})',
            lambda r: scalar(r) >= len(valid),
            f"{len(valid)} decisions in Prometheus",
        )
        assert scalar(screened) == len(valid)
        prometheus.wait_for(
            f'sum(paymon_dead_letters_total{{instance="{instance}"}})',
            lambda r: scalar(r) >= len(lines) - len(valid),
            "the dead letters in Prometheus",
        )
        # Two more scrapes after the last change, so every rate window holds the final values.
        scraped = f'timestamp(paymon_ready{{instance="{instance}"}})'
        last = scalar(prometheus.query(scraped))
        prometheus.wait_for(scraped, lambda r: scalar(r) >= last + 2, "two more scrapes")
        yield Stack(worker, prometheus, instance, valid, reasons, PARTITIONS)
    finally:
        if prometheus is not None:
            stop(prometheus.process)
        worker.stop()


def dashboard_queries() -> list[tuple[str, str, str]]:
    """(panel title, refId, expr) of every query in the dashboard."""
    dashboard = json.loads(DASHBOARD.read_text())
    return [
        (panel["title"], target["refId"], target["expr"])
        for panel in dashboard["panels"]
        if panel["type"] != "row"
        for target in panel["targets"]
    ]


def grafana_substitute(expr: str, instance: str) -> str:
    """What Grafana sends for `expr` with the given worker selected."""
    return expr.replace("$__rate_interval", RATE_INTERVAL).replace("$instance", instance)


def finite_values(result: list[dict[str, Any]]) -> list[float]:
    return [v for v in (float(sample["value"][1]) for sample in result) if math.isfinite(v)]


@pytest.mark.parametrize(("title", "ref", "expr"), dashboard_queries(), ids=lambda v: str(v)[:40])
def test_every_dashboard_query_returns_data(stack: Stack, title: str, ref: str, expr: str) -> None:
    # "All workers" (the variable's allValue) and this one worker selected.
    for selection in (".*", stack.instance.replace(".", "\\\\.")):
        query = grafana_substitute(expr, selection)
        result = stack.prometheus.query(query)
        assert result, f"panel {title!r} ({ref}) returned no data with instance={selection}: {query}"
        assert finite_values(result), f"panel {title!r} ({ref}) returned only NaN/Inf: {query} = {result}"


def test_panels_show_what_happened(stack: Stack) -> None:
    """Spot checks that the data behind the panels is the replay's, not just present."""
    prometheus, selector = stack.prometheus, f'instance="{stack.instance}"'
    by_decision = {
        s["metric"]["decision"]: float(s["value"][1])
        for s in prometheus.query(f"sum by (decision) (paymon_payments_screened_total{{{selector}}})")
    }
    assert by_decision["alert"] > 0 and by_decision["pass"] > 0
    assert by_decision["alert"] + by_decision["pass"] == len(stack.valid_payments)
    alert_lists = {s["metric"]["list"] for s in prometheus.query(f"paymon_alerts_total{{{selector}}} > 0")}
    assert alert_lists == {"demo"}
    reasons = {
        s["metric"]["reason"] for s in prometheus.query(f"paymon_dead_letters_total{{{selector}}} > 0")
    }
    assert reasons == stack.dead_letter_reasons
    assert {"invalid_json", "missing_field"} <= reasons
    (ready,) = prometheus.query(f"paymon_ready{{{selector}}}")
    assert ready["value"][1] == "1"
    entries = prometheus.query(f'paymon_list_entries{{{selector},list="demo"}}')
    demo_entries = len([line for line in (DEMO / "demo_list.jsonl").read_text().splitlines() if line.strip()])
    assert scalar(entries) == demo_entries
    # The demo ownership table was published: the graph is loaded.
    assert scalar(prometheus.query(f"paymon_ownership_edges{{{selector}}}")) > 0
    # One lag series per payments partition (the worker owns all of them), none negative.
    lag = prometheus.query(f"paymon_consumer_lag_messages{{{selector}}}")
    assert len({s["metric"]["partition"] for s in lag}) == stack.partitions
    assert all(float(s["value"][1]) >= 0 for s in lag)


def test_alert_rules_evaluate_on_real_data(stack: Stack) -> None:
    """Prometheus loaded the project's rules and evaluates each without error; the dead letters
    of the replay make PaymonDeadLetters pending or firing."""
    groups = stack.prometheus.api("/api/v1/rules")["groups"]
    rules = {rule["name"]: rule for group in groups for rule in group["rules"]}
    expected = {r["alert"] for g in yaml.safe_load(RULES.read_text())["groups"] for r in g["rules"]}
    assert set(rules) == expected
    stack.prometheus.wait_for(
        'ALERTS{alertname="PaymonDeadLetters"}', lambda r: bool(r), "PaymonDeadLetters to be active"
    )
    for name, rule in rules.items():
        assert rule["health"] == "ok", (name, rule.get("lastError"))


def test_worker_exposition_passes_promtool(stack: Stack) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not installed (run `make tools`)")
    checked = subprocess.run(
        [promtool, "check", "metrics"], input=stack.worker.metrics().encode(), capture_output=True, timeout=60
    )
    assert checked.returncode == 0, checked.stdout.decode() + checked.stderr.decode()
