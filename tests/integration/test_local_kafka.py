"""The local broker itself: it starts, serves, stops, cleans up, and never outlives its owner."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devtools.local_kafka import (
    COMPLETE_MARKER,
    BrokerState,
    KafkaStartError,
    LocalKafka,
    broker_answers,
    ensure_jars,
    new_cluster_id,
    read_state,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
# Generous bound for a killed process to be gone; the test returns as soon as it is.
PROCESS_GONE_TIMEOUT_S = 30.0


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, already dead but not yet reaped, counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


def _wait_gone(pid: int) -> bool:
    deadline = time.monotonic() + PROCESS_GONE_TIMEOUT_S
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_session_broker_answers_metadata(kafka_broker: str) -> None:
    assert broker_answers(kafka_broker)


def test_start_stop_leaves_no_process_and_no_data(kafka_broker: str) -> None:
    # kafka_broker is requested so this runs only where a broker can run at all.
    broker = LocalKafka()
    with broker:
        pid = broker.pid
        data_dir = broker.data_dir
        assert pid is not None and _alive(pid)
        assert broker_answers(broker.bootstrap_servers)
        assert broker.bootstrap_servers != kafka_broker
    assert not broker.is_running()
    assert not _alive(pid)
    assert not data_dir.exists()
    broker.stop()  # a second stop is harmless


def test_given_data_dir_is_kept_and_reused(kafka_broker: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "kafka"
    with LocalKafka(data_dir=data_dir):
        pass
    meta = data_dir / "logs" / "meta.properties"
    cluster_line = next(line for line in meta.read_text().splitlines() if line.startswith("cluster.id="))
    with LocalKafka(data_dir=data_dir) as again:  # already formatted: started, not re-formatted
        assert broker_answers(again.bootstrap_servers)
    assert cluster_line in meta.read_text()


def test_port_in_use_fails_with_the_broker_log(kafka_broker: str) -> None:
    taken_port = int(kafka_broker.rsplit(":", 1)[1])
    if os.environ.get("PAYMON_TEST_BOOTSTRAP"):
        pytest.skip("needs the port of a broker on this machine")
    broker = LocalKafka(port=taken_port)
    broker.start()
    with pytest.raises(KafkaStartError, match="Address already in use"):
        broker.wait_ready()
    assert not broker.is_running()


def test_broker_dies_with_its_killed_owner(kafka_broker: str, tmp_path: Path) -> None:
    owner_script = (
        "import sys, time\n"
        "from devtools.local_kafka import LocalKafka\n"
        f"broker = LocalKafka(data_dir={str(tmp_path / 'data')!r}).start()\n"
        "print(broker.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    owner = subprocess.Popen(
        [sys.executable, "-c", owner_script], cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert owner.stdout is not None
        broker_pid = int(owner.stdout.readline())
        assert _alive(broker_pid)
        owner.send_signal(signal.SIGKILL)  # no atexit, no finally: only the kernel can clean up
        owner.wait()
        assert _wait_gone(broker_pid), f"broker pid {broker_pid} outlived its killed owner"
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()


def test_command_line_start_status_stop(kafka_broker: str, tmp_path: Path) -> None:
    state_file = tmp_path / "kafka.json"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "devtools.local_kafka", "--state-file", str(state_file), *args],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    started = run("start", "--port", "0")
    assert started.returncode == 0, started.stderr
    bootstrap = started.stdout.strip()
    state = read_state(state_file)
    assert isinstance(state, BrokerState) and state.bootstrap_servers == bootstrap
    try:
        # The CLI process has exited; the detached broker must still serve.
        assert broker_answers(bootstrap)
        status = run("status")
        assert status.returncode == 0 and status.stdout.strip() == bootstrap
    finally:
        stopped = run("stop")
    assert stopped.returncode == 0, stopped.stderr
    assert _wait_gone(state.pid)
    assert not Path(state.data_dir).exists()
    assert not state_file.exists()
    assert run("status").returncode == 3


def test_command_line_refuses_a_busy_port(kafka_broker: str, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "devtools.local_kafka",
                "--state-file",
                str(tmp_path / "s.json"),
                "start",
                "--port",
                str(port),
            ],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert f"port {port}" in result.stderr and "in use" in result.stderr


def test_interrupted_fetch_is_redone(kafka_broker: str, tmp_path: Path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "kafka_2.13-3.9.2.jar").write_bytes(b"truncated by an interrupted download")
    ensure_jars(lib)
    assert (lib / COMPLETE_MARKER).is_file()
    jar = lib / "kafka_2.13-3.9.2.jar"
    assert jar.stat().st_size > 1_000_000  # the real jar replaced the partial one
    marker_time = (lib / COMPLETE_MARKER).stat().st_mtime_ns
    ensure_jars(lib)  # complete: nothing fetched again
    assert (lib / COMPLETE_MARKER).stat().st_mtime_ns == marker_time


def test_state_file_is_plain_json(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text(
        json.dumps(
            {
                "pid": 1,
                "port": 2,
                "controller_port": 3,
                "data_dir": "d",
                "log_file": "l",
                "owns_data_dir": False,
            }
        )
    )
    assert read_state(path) == BrokerState(1, 2, 3, "d", "l", False)
    assert read_state(tmp_path / "missing.json") is None
    path.write_text("{not json")
    with pytest.raises(KafkaStartError, match="state file"):
        read_state(path)


def test_cluster_id_is_22_url_safe_characters_never_read_as_an_option() -> None:
    # 1 id in 64 would start with '-' if drawn naively; 2,000 draws all but surely include one.
    ids = {new_cluster_id() for _ in range(2000)}
    assert len(ids) == 2000
    for cluster_id in ids:
        assert len(cluster_id) == 22
        assert not cluster_id.startswith("-")
        assert set(cluster_id) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_a_port_taken_between_pick_and_bind_is_retried(
    kafka_broker: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import devtools.local_kafka as local_kafka

    real_free_port = local_kafka.free_port
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        picks = iter([taken])  # the first pick is already taken by the time the broker binds it
        monkeypatch.setattr(local_kafka, "free_port", lambda: next(picks, None) or real_free_port())
        with LocalKafka() as broker:
            assert broker.port != taken
            assert broker_answers(broker.bootstrap_servers)
