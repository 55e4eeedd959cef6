"""deploy/grafana: the provisioned dashboard is well-formed, covers every panel operations needs,
uses only metrics paymon exports, and every query is valid PromQL for the real promtool."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client import CollectorRegistry

from agents.metrics import PaymonMetrics

REPO = Path(__file__).resolve().parents[2]
GRAFANA = REPO / "deploy" / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "paymon.json"
METRIC_NAME = re.compile(r"\bpaymon_[a-z0-9_]+")


def exported_names() -> set[str]:
    """Every sample name a PaymonMetrics can expose (histogram series and scrape-time ages included)."""
    names: set[str] = {"paymon_list_age_seconds", "paymon_list_loaded_age_seconds"}
    for family in PaymonMetrics(CollectorRegistry()).registry.collect():
        names.add(family.name)
        names.update(sample.name for sample in family.samples)
        if family.type == "counter":  # labelled counters have no samples until first used
            names.add(family.name + "_total")
        if family.type == "histogram":
            names.update(family.name + suffix for suffix in ("_bucket", "_sum", "_count"))
    return names


def dashboard() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return data


def query_panels() -> list[dict[str, Any]]:
    return [panel for panel in dashboard()["panels"] if panel["type"] != "row"]


def substitute(expr: str, rate_interval: str = "1m", instance: str = ".*") -> str:
    """A panel query as Grafana sends it: template variables replaced by concrete values."""
    return expr.replace("$__rate_interval", rate_interval).replace("$instance", instance)


def test_dashboard_is_well_formed() -> None:
    data = dashboard()
    assert data["uid"] == "paymon" and data["title"]
    ids = [panel["id"] for panel in data["panels"]]
    assert len(ids) == len(set(ids)), "panel ids must be unique"
    variables = {v["name"]: v for v in data["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["instance"]["includeAll"] and variables["instance"]["allValue"] == ".*"
    for panel in query_panels():
        assert panel["title"] and panel.get("description"), panel["id"]
        assert panel["datasource"]["uid"] == "${datasource}", panel["title"]
        assert panel["targets"], panel["title"]
        refs = [target["refId"] for target in panel["targets"]]
        assert len(refs) == len(set(refs)), panel["title"]
        for target in panel["targets"]:
            assert target["expr"].strip(), panel["title"]
            # Every query follows the worker selector, so the dashboard filters per worker.
            assert "$instance" in target["expr"], (panel["title"], target["expr"])


def test_dashboard_covers_what_operations_needs() -> None:
    exprs = {panel["title"]: " ".join(t["expr"] for t in panel["targets"]) for panel in query_panels()}
    joined = " ".join(exprs.values())

    def panel_using(metric: str) -> list[str]:
        return [title for title, expr in exprs.items() if metric in expr]

    assert panel_using("paymon_payments_screened_total")  # throughput by decision
    assert panel_using("paymon_alerts_total")  # alert rate by list
    for quantile in ("0.5", "0.95", "0.99"):
        assert f"histogram_quantile({quantile}, sum by (le) (rate(paymon_screening_duration_seconds" in joined
        assert (
            f"histogram_quantile({quantile}, sum by (le) (rate(paymon_decision_latency_from_append" in joined
        )
        assert (
            f"histogram_quantile({quantile}, sum by (le) (rate(paymon_decision_latency_from_created" in joined
        )
    assert panel_using("paymon_consumer_lag_messages")
    assert panel_using("paymon_payments_in_flight")
    assert panel_using("paymon_reference_rejected_records")
    assert panel_using("paymon_dead_letters_total")
    assert panel_using("paymon_list_age_seconds")
    assert panel_using("paymon_ready")
    # Per-worker breakdowns.
    per_worker = [title for title, expr in exprs.items() if "by (instance" in expr]
    assert len(per_worker) >= 5, per_worker


def test_dashboard_uses_only_exported_metrics() -> None:
    exported = exported_names()
    for panel in query_panels():
        for target in panel["targets"]:
            used = set(METRIC_NAME.findall(target["expr"]))
            assert used <= exported, (panel["title"], sorted(used - exported))


@pytest.mark.prometheus
def test_every_panel_query_is_valid_promql(tmp_path: Path) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not installed (run `make tools`)")
    # promtool parses rule expressions: wrap each query in a recording rule and let it check them.
    records = [
        {"record": f"paymon:panel_{panel['id']}_{target['refId']}", "expr": substitute(target["expr"])}
        for panel in query_panels()
        for target in panel["targets"]
    ]
    rules_file = tmp_path / "panels.yml"
    rules_file.write_text(yaml.safe_dump({"groups": [{"name": "panels", "rules": records}]}))
    result = subprocess.run([promtool, "check", "rules", str(rules_file)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(records)} rules found" in result.stdout


def test_provisioning_points_grafana_at_prometheus_and_the_dashboard() -> None:
    datasources = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())
    (source,) = datasources["datasources"]
    assert source["type"] == "prometheus"
    assert re.fullmatch(r"http://prometheus:9090/?", source["url"])
    variables = {v["name"]: v for v in dashboard()["templating"]["list"]}
    assert variables["datasource"]["current"]["value"] == source["uid"]

    providers = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "paymon.yml").read_text())
    (provider,) = providers["providers"]
    assert provider["type"] == "file"
    # docker-compose.yml mounts deploy/grafana/dashboards at the provider's path.
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    assert f"./deploy/grafana/dashboards:{provider['options']['path']}:ro" in mounts
