"""Dockerfile, docker-compose.yml and deploy/k8s agree with the code: the commands they run exist
in the CLI, every PAYMON_* variable they set is one the settings read (with a valid value), every
file they mount exists, ports match the metrics port, and the probes hit the worker's endpoints.
No Docker engine or cluster here: these are static checks against the real parser and settings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from agents.settings import DEFAULT_METRICS_PORT, Settings
from paymon_cli.main import build_parser

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"


class RecordingEnv(Mapping[str, str]):
    """An empty environment that records which variables `Settings.from_env` asks for."""

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return default

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def settings_variables() -> set[str]:
    env = RecordingEnv()
    Settings.from_env(env)
    assert env.asked, "Settings.from_env read no variable through the mapping"
    return env.asked


def check_paymon_env(env: Mapping[str, str], where: str) -> Settings:
    """Every PAYMON_* name is read by the settings and the whole set is accepted by them."""
    known = settings_variables()
    names = {name for name in env if name.startswith("PAYMON_")}
    assert names, f"{where}: sets no PAYMON_* variable"
    assert names <= known, f"{where}: variables the settings never read: {sorted(names - known)}"
    return Settings.from_env({k: str(v) for k, v in env.items()})


def assert_cli_command(command: list[str], where: str) -> None:
    assert command[0] == "paymon", f"{where}: {command}"
    try:
        args = build_parser().parse_args(command[1:])
    except SystemExit as exc:  # argparse's way of rejecting arguments
        raise AssertionError(f"{where}: `{' '.join(command)}` is not a paymon command") from exc
    assert callable(getattr(args, "handler", None)), f"{where}: {command} has no handler"


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return data


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = (REPO / "Dockerfile").read_text().replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


# --- Dockerfile -------------------------------------------------------------------------------


def test_dockerfile_builds_from_python_311_slim_with_the_constraints() -> None:
    instructions = dockerfile_instructions()
    bases = [rest.split()[0] for keyword, rest in instructions if keyword == "FROM"]
    assert bases and all(base.startswith("python:3.11-slim") for base in bases), bases
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    assert "pip install -c constraints.txt ." in runs
    copied = [
        rest.split()[:-1] for keyword, rest in instructions if keyword == "COPY" and "--from" not in rest
    ]
    for sources in copied:
        for source in sources:
            assert (REPO / source).exists(), f"Dockerfile copies missing {source}"


def test_dockerfile_runs_the_worker_and_checks_readiness() -> None:
    instructions = dict(dockerfile_instructions())
    assert_cli_command(json.loads(instructions["CMD"]), "Dockerfile CMD")
    assert instructions["EXPOSE"] == str(DEFAULT_METRICS_PORT)
    assert "/ready" in instructions["HEALTHCHECK"]
    env = dict(re.findall(r"(PAYMON_[A-Z_]+)=(\S+)", instructions["ENV"]))
    settings = check_paymon_env(env, "Dockerfile ENV")
    assert settings.metrics_host == "0.0.0.0" and settings.metrics_port == DEFAULT_METRICS_PORT


def test_dockerignore_keeps_what_the_image_copies() -> None:
    ignored = {line.strip() for line in (REPO / ".dockerignore").read_text().splitlines()}
    for needed in ("pyproject.toml", "constraints.txt", "README.md", "screening", "schemas", "agents"):
        assert needed not in ignored
    assert {".git", ".venv"} <= ignored


# --- docker-compose.yml -----------------------------------------------------------------------


def test_compose_has_the_whole_stack() -> None:
    services = compose()["services"]
    assert {"kafka", "topics", "worker-1", "worker-2", "prometheus", "grafana"} <= set(services)
    assert services["kafka"]["image"].startswith("apache/kafka:3.9.")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert services["topics"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    for name in ("worker-1", "worker-2"):
        assert services[name]["depends_on"]["topics"]["condition"] == "service_completed_successfully"


def test_compose_commands_exist_in_the_cli() -> None:
    services = compose()["services"]
    for name in ("topics", "worker-1", "worker-2"):
        assert_cli_command(services[name]["command"], f"docker-compose service {name}")
    assert services["topics"]["command"] == ["paymon", "topics", "create"]
    assert services["worker-1"]["command"] == ["paymon", "worker"]


def test_compose_env_is_what_the_settings_read() -> None:
    services = compose()["services"]
    for name in ("topics", "worker-1", "worker-2"):
        settings = check_paymon_env(services[name]["environment"], f"service {name}")
        assert settings.bootstrap == "kafka:9092"
        assert settings.metrics_port == DEFAULT_METRICS_PORT


def test_compose_ports_are_loopback_only_and_match_the_metrics_port() -> None:
    services = compose()["services"]
    for name, service in services.items():
        for mapping in service.get("ports", []):
            assert str(mapping).startswith("127.0.0.1:"), f"{name}: {mapping} is not bound to 127.0.0.1"
    for name in ("worker-1", "worker-2"):
        (mapping,) = services[name]["ports"]
        assert mapping.rsplit(":", 1)[1] == str(DEFAULT_METRICS_PORT)
    assert services["grafana"]["ports"] == ["127.0.0.1:3000:3000"]


def test_compose_health_checks_use_the_worker_endpoints() -> None:
    services = compose()["services"]
    for name, service in services.items():
        if name == "topics":  # one-shot
            continue
        assert "healthcheck" in service, f"{name} has no health check"
    for name in ("worker-1", "worker-2"):
        test = " ".join(services[name]["healthcheck"]["test"])
        assert f"http://127.0.0.1:{DEFAULT_METRICS_PORT}/ready" in test


def test_compose_mounts_only_files_that_exist() -> None:
    services = compose()["services"]
    named_volumes = set(compose().get("volumes", {}))
    mounted = 0
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source in named_volumes:
                continue
            assert source.startswith("./"), f"{name}: {volume}"
            assert (REPO / source).exists(), f"{name} mounts missing {source}"
            mounted += 1
    assert mounted >= 5


def test_compose_prometheus_scrapes_the_compose_workers() -> None:
    config = yaml.safe_load((REPO / "deploy" / "prometheus" / "prometheus.yml").read_text())
    (job,) = [job for job in config["scrape_configs"] if job["job_name"] == "paymon-worker"]
    targets = {t for group in job["static_configs"] for t in group["targets"]}
    workers = {name for name in compose()["services"] if name.startswith("worker-")}
    assert targets == {f"{name}:{DEFAULT_METRICS_PORT}" for name in workers}


# --- deploy/k8s -------------------------------------------------------------------------------


def k8s_documents() -> dict[str, dict[str, Any]]:
    documents: dict[str, dict[str, Any]] = {}
    for path in sorted(K8S.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document and "kind" in document:
                documents[document["kind"]] = document
    return documents


def test_k8s_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    present = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == present


def test_k8s_configmap_holds_valid_settings() -> None:
    configmap = k8s_documents()["ConfigMap"]
    settings = check_paymon_env(configmap["data"], "deploy/k8s ConfigMap")
    assert settings.metrics_host == "0.0.0.0"
    assert settings.metrics_port == DEFAULT_METRICS_PORT
    assert "PAYMON_SASL_PASSWORD" not in configmap["data"], "secrets go in a Secret"


def test_k8s_deployment_runs_the_worker_with_probes() -> None:
    documents = k8s_documents()
    deployment = documents["Deployment"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert_cli_command(container["command"], "k8s Deployment")
    (port,) = container["ports"]
    assert port["containerPort"] == DEFAULT_METRICS_PORT
    assert container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": port["name"]}
    assert container["livenessProbe"]["httpGet"]["path"] == "/live"
    sources = {ref.get("configMapRef", {}).get("name") for ref in container["envFrom"]}
    assert documents["ConfigMap"]["metadata"]["name"] in sources
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()


def test_k8s_service_and_scaler_target_the_worker() -> None:
    documents = k8s_documents()
    deployment, service, scaled = documents["Deployment"], documents["Service"], documents["ScaledObject"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    (port,) = service["spec"]["ports"]
    assert port["port"] == DEFAULT_METRICS_PORT
    assert service["metadata"]["annotations"]["prometheus.io/port"] == str(DEFAULT_METRICS_PORT)
    assert scaled["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    (trigger,) = scaled["spec"]["triggers"]
    assert trigger["type"] == "kafka"
    data = documents["ConfigMap"]["data"]
    meta = trigger["metadata"]
    # The scaler watches the same group, topic and brokers the workers use.
    assert meta["consumerGroup"] == data["PAYMON_GROUP_ID"]
    assert meta["topic"] == data["PAYMON_TOPIC_PAYMENTS"]
    assert meta["bootstrapServers"] == data["PAYMON_BOOTSTRAP_SERVERS"]
    # More workers than partitions would sit idle.
    assert scaled["spec"]["maxReplicaCount"] <= int(data["PAYMON_PARTITIONS"])


@pytest.mark.parametrize("command", [["paymon", "worker"], ["paymon", "topics", "create"]])
def test_readme_documents_the_deployed_commands(command: list[str]) -> None:
    assert " ".join(command) in (REPO / "README.md").read_text()


def test_k8s_readme_gives_the_scaling_rule_and_a_measured_throughput() -> None:
    text = (K8S / "README.md").read_text()
    for needed in ("Partitions cap the workers", "payments/s", "bench.screen_file", "lagThreshold"):
        assert needed in text
    assert re.search(r"about [\d,]+ payments/s", text), "a measured figure, not a placeholder"
