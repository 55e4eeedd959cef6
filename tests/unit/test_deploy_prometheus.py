"""deploy/prometheus: the scrape config and alert rules are valid for the real promtool, every
rule is unit-tested firing and quiet, and every metric the rules use is one paymon exports."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client import CollectorRegistry

from agents.metrics import PaymonMetrics
from agents.settings import DEFAULT_METRICS_PORT

REPO = Path(__file__).resolve().parents[2]
PROMETHEUS = REPO / "deploy" / "prometheus"
METRIC_NAME = re.compile(r"\bpaymon_[a-z0-9_]+")
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")


def exported_names() -> set[str]:
    """Every sample name a PaymonMetrics can expose (histogram series included)."""
    metrics = PaymonMetrics(CollectorRegistry())
    names: set[str] = set()
    for family in metrics.registry.collect():
        names.add(family.name)
        names.update(sample.name for sample in family.samples)
        if family.type == "counter":  # labelled counters have no samples until first used
            names.add(family.name + "_total")
        if family.type == "histogram":
            names.update(family.name + suffix for suffix in HISTOGRAM_SUFFIXES)
    # The two age gauges and per-list series only appear once lists are loaded.
    names.update({"paymon_list_age_seconds", "paymon_list_loaded_age_seconds"})
    return names


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.skip("promtool not installed (run `make tools`: Debian's prometheus package)")
    return found


def run_promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([promtool(), *args], capture_output=True, text=True, timeout=120, cwd=PROMETHEUS)


def rules() -> list[dict[str, object]]:
    document = yaml.safe_load((PROMETHEUS / "rules.yml").read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


@pytest.mark.prometheus
def test_promtool_accepts_the_scrape_config_and_rules() -> None:
    config = run_promtool("check", "config", "prometheus.yml")
    assert config.returncode == 0, config.stdout + config.stderr
    checked = run_promtool("check", "rules", "rules.yml")
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.prometheus
def test_promtool_rule_unit_tests_pass() -> None:
    result = run_promtool("test", "rules", "rules_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_rule_is_tested_firing_and_quiet() -> None:
    tests = yaml.safe_load((PROMETHEUS / "rules_test.yml").read_text())["tests"]
    firing: set[str] = set()
    quiet: set[str] = set()
    for case in tests:
        for check in case.get("alert_rule_test", []):
            (firing if check.get("exp_alerts") else quiet).add(check["alertname"])
    names = {str(rule["alert"]) for rule in rules()}
    required = {
        "PaymonConsumerLagGrowing",
        "PaymonListStale",
        "PaymonDeadLetters",
        "PaymonWorkerNotReady",
        "PaymonNoPayments",
    }
    assert required <= names
    assert names <= firing, f"rules never tested firing: {sorted(names - firing)}"
    assert names <= quiet, f"rules never tested quiet: {sorted(names - quiet)}"


def test_rules_only_use_metrics_paymon_exports() -> None:
    exported = exported_names()
    for rule in rules():
        used = set(METRIC_NAME.findall(str(rule["expr"])))
        # PaymonWorkerDown uses Prometheus' own `up` of the worker job.
        assert used or 'up{job="paymon-worker"}' in str(rule["expr"]), (
            f"{rule['alert']}: uses no paymon metric"
        )
        assert used <= exported, f"{rule['alert']}: unknown metrics {sorted(used - exported)}"


def test_every_rule_has_severity_and_explanation() -> None:
    for rule in rules():
        labels = rule.get("labels")
        annotations = rule.get("annotations")
        assert isinstance(labels, dict) and labels.get("severity") in {"warning", "critical"}, rule["alert"]
        assert isinstance(annotations, dict) and annotations.get("summary"), rule["alert"]
        assert annotations.get("description"), rule["alert"]


def test_scrape_config_targets_the_workers_metrics_port() -> None:
    config = yaml.safe_load((PROMETHEUS / "prometheus.yml").read_text())
    assert config["rule_files"] == ["rules.yml"]
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    worker = jobs["paymon-worker"]
    assert worker.get("metrics_path", "/metrics") == "/metrics"
    targets = [t for group in worker["static_configs"] for t in group["targets"]]
    assert len(targets) >= 2
    assert all(t.endswith(f":{DEFAULT_METRICS_PORT}") for t in targets), targets
    # The rules' `up{job=...}` and the dashboard's readiness panel use this job name.
    assert 'job="paymon-worker"' in (PROMETHEUS / "rules.yml").read_text()


def test_make_test_installs_the_tools_without_starting_services() -> None:
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^test: tools\b", makefile, re.MULTILINE), "`make test` must depend on `tools`"
    assert "deploy/prometheus/install-tools.sh" in makefile
    script = (PROMETHEUS / "install-tools.sh").read_text()
    # No recommended packages (prometheus-node-exporter is a service) and a policy-rc.d that
    # forbids starting the packaged prometheus service during the install.
    assert "apt-get install -y --no-install-recommends prometheus" in script
    assert "policy-rc.d" in script and "exit 101" in script


def test_no_packaged_prometheus_service_is_running() -> None:
    pgrep = shutil.which("pgrep")
    if pgrep is None or shutil.which("prometheus") is None:
        pytest.skip("needs pgrep and an installed prometheus package")
    # The Debian package runs its service as user `prometheus`; our tests run their own as us.
    found = subprocess.run([pgrep, "-u", "prometheus", "-l"], capture_output=True, text=True, check=False)
    assert found.stdout.strip() == "", f"packaged services running: {found.stdout}"
