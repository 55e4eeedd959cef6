"""A real single-node Apache Kafka (KRaft) on 127.0.0.1, run from jars fetched off Maven Central.

No Docker: `deploy/kafka/pom.xml` names `kafka_2.13:3.9.2` plus a log binding, Maven copies the
jars into a cache once (`~/.cache/paymon/kafka-3.9.2/lib`, or `PAYMON_KAFKA_LIB`), and
`LocalKafka` formats a data dir and runs `java -cp 'lib/*' kafka.Kafka server.properties`.

    with LocalKafka() as kafka:          # start + wait_ready; stop on exit
        use(kafka.bootstrap_servers)     # "127.0.0.1:<free port>"

A broker started here never outlives the Python process that started it (atexit, plus the
kernel's parent-death signal on Linux) unless it is `detach()`ed, which the command line does:

    python -m devtools.local_kafka fetch|start|stop|status
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import base64
import contextlib
import ctypes
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from string import Template
from types import TracebackType

KAFKA_VERSION = "3.9.2"
DEPLOY_DIR = Path(__file__).resolve().parent.parent / "deploy" / "kafka"
POM = DEPLOY_DIR / "pom.xml"
LOG4J_CONFIG = DEPLOY_DIR / "log4j.properties"
SERVER_TEMPLATE = DEPLOY_DIR / "server.properties.template"
# Written last into the lib dir; holds the pom's hash so a changed pom or an interrupted fetch
# (no marker) means fetching again.
COMPLETE_MARKER = ".paymon-fetch-complete"
HOST = "127.0.0.1"
# The broker's heap: ample for tests and the demo, and seven engineers share this 2-core machine.
BROKER_HEAP = "512m"
# Longest waits. The first fetch downloads ~50 MB; a cold JVM start of the broker takes 3-10 s on 2
# busy cores, so 90 s leaves room for a loaded CI machine without hiding a hung broker forever.
FETCH_TIMEOUT_S = 480.0
FORMAT_TIMEOUT_S = 120.0
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 20.0
# The broker logs this line (INFO, kept by deploy/kafka/log4j.properties) once it serves clients.
STARTED_LINE = "Kafka Server started"
LOG_TAIL_LINES = 40
# Free ports are picked by binding port 0 and releasing it; another process may grab one before the
# broker binds it, so a start that dies of "Address already in use" is retried with new ports.
PORT_CLASH_RETRIES = 3
DEFAULT_CLI_PORT = 9092


class KafkaUnavailable(RuntimeError):
    """Java or Maven is missing (or too old): a local broker cannot be run on this machine."""


class KafkaStartError(RuntimeError):
    """The jar fetch, storage format or broker start failed; the message carries the log's tail."""


def default_lib_dir(env: Mapping[str, str] = os.environ) -> Path:
    """Where the broker jars live: `PAYMON_KAFKA_LIB`, else `~/.cache/paymon/kafka-3.9.2/lib`."""
    override = env.get("PAYMON_KAFKA_LIB", "").strip()
    if override:
        return Path(override).expanduser()
    return Path.home() / ".cache" / "paymon" / f"kafka-{KAFKA_VERSION}" / "lib"


def _pom_digest() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()


def jars_present(lib_dir: Path) -> bool:
    """True when `lib_dir` holds a complete fetch for the current pom (or a user's own Kafka libs)."""
    marker = lib_dir / COMPLETE_MARKER
    if marker.is_file():
        return marker.read_text().strip() == _pom_digest()
    # PAYMON_KAFKA_LIB pointing at a Kafka distribution's libs/ is used as it is (our own fetches
    # never write into lib_dir directly, so a kafka jar there is not a half-done fetch of ours).
    override = os.environ.get("PAYMON_KAFKA_LIB", "").strip()
    return bool(override) and Path(override).expanduser() == lib_dir and any(lib_dir.glob("kafka_2.13-*.jar"))


def require_tool(name: str) -> str:
    """The absolute path of executable `name`, or `KafkaUnavailable` saying it is missing."""
    path = shutil.which(name)
    if path is None:
        raise KafkaUnavailable(f"`{name}` not found on PATH: the local Kafka broker needs Java 17+ and Maven")
    return path


def java_major_version(java: str) -> int:
    """The major version of the `java` executable (e.g. 17), read from `java -version`."""
    result = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60, check=False)
    match = re.search(r'version "(\d+)(?:\.(\d+))?', result.stderr + result.stdout)
    if match is None:
        raise KafkaUnavailable(
            f"cannot read the Java version from `{java} -version`: {result.stderr.strip()}"
        )
    major = int(match.group(1))
    # Java 8 and older report "1.8.0_x".
    return int(match.group(2) or 0) if major == 1 else major


def ensure_jars(lib_dir: Path | None = None, *, progress: Callable[[str], None] | None = None) -> Path:
    """Make sure the Kafka broker jars are in `lib_dir` (default `default_lib_dir()`); returns it.

    Fetches with Maven only when no complete fetch is there. The jars are copied into a temporary
    sibling folder that is renamed into place with the marker already inside, so an interrupted
    fetch never looks complete. A file lock serialises concurrent fetches (parallel test sessions).
    """
    lib_dir = default_lib_dir() if lib_dir is None else lib_dir
    if jars_present(lib_dir):
        return lib_dir
    mvn = require_tool("mvn")
    lib_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(lib_dir.parent / ".fetch.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if jars_present(lib_dir):  # another process fetched while we waited
            return lib_dir
        staging = Path(tempfile.mkdtemp(prefix=".lib-fetch-", dir=lib_dir.parent))
        try:
            if progress is not None:
                progress(f"fetching Kafka {KAFKA_VERSION} jars from Maven Central into {lib_dir} ...")
            started = time.monotonic()
            command = [
                mvn,
                "-q",
                "-B",
                "-f",
                str(POM),
                "dependency:copy-dependencies",
                f"-DoutputDirectory={staging}",
            ]
            try:
                result = subprocess.run(
                    command, capture_output=True, text=True, timeout=FETCH_TIMEOUT_S, check=False
                )
            except subprocess.TimeoutExpired:
                raise KafkaStartError(
                    f"Maven did not fetch the Kafka jars within {FETCH_TIMEOUT_S:.0f} s"
                ) from None
            if result.returncode != 0 or not any(staging.glob("kafka_2.13-*.jar")):
                output = _tail_text(result.stdout + result.stderr)
                raise KafkaStartError(f"fetching the Kafka jars failed ({' '.join(command)}):\n{output}")
            (staging / COMPLETE_MARKER).write_text(_pom_digest() + "\n")
            staging.chmod(0o755)  # mkdtemp made it private; the jars are public artefacts
            if lib_dir.exists():  # an old or partial fetch: replace it, if it only holds jars
                foreign = [
                    p.name for p in lib_dir.iterdir() if p.suffix != ".jar" and p.name != COMPLETE_MARKER
                ]
                if foreign:
                    raise KafkaStartError(
                        f"{lib_dir} holds other files than jars ({', '.join(sorted(foreign)[:5])}); "
                        "point PAYMON_KAFKA_LIB at an empty or jar-only folder"
                    )
                shutil.rmtree(lib_dir)
            staging.rename(lib_dir)
            if progress is not None:
                progress(
                    f"fetched {len(list(lib_dir.glob('*.jar')))} jars in {time.monotonic() - started:.1f} s"
                )
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return lib_dir


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def new_cluster_id() -> str:
    """A KRaft cluster id: 16 random bytes as 22 characters of URL-safe base64 (no padding).

    Never starts with '-': the storage tool's argument parser would take it for an option
    (Kafka's own Uuid.randomUuid() redraws such ids for the same reason).
    """
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode("ascii").rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def render_server_properties(*, port: int, controller_port: int, log_dir: Path) -> str:
    """The broker's server.properties for these ports and data folder, from the deploy template."""
    return Template(SERVER_TEMPLATE.read_text()).substitute(
        port=port, controller_port=controller_port, log_dir=str(log_dir)
    )


@dataclass(frozen=True, slots=True)
class SecureListener:
    """A SASL_SSL listener beside the PLAINTEXT one, to test TLS and SCRAM against a real broker:
    TLS with the PKCS12 `keystore` (the broker's key and certificate), SCRAM-SHA-256 and -512
    credentials for each of `scram_users` (name -> password), created when storage is formatted."""

    keystore: Path
    keystore_password: str
    scram_users: Mapping[str, str]


_SCRAM_MECHANISMS = ("SCRAM-SHA-256", "SCRAM-SHA-512")
_SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule"


def secure_properties(properties: str, listener: SecureListener, port: int) -> str:
    """`properties` with a SASL_SSL listener on `port` added (inter-broker traffic stays PLAINTEXT)."""
    lines: list[str] = []
    for line in properties.splitlines():
        if line.startswith("listeners="):
            line = line.replace("PLAINTEXT://", f"SASL_SSL://{HOST}:{port},PLAINTEXT://", 1)
        elif line.startswith("advertised.listeners="):
            line += f",SASL_SSL://{HOST}:{port}"
        elif line.startswith("listener.security.protocol.map="):
            line += ",SASL_SSL:SASL_SSL"
        lines.append(line)
    prefix = "listener.name.sasl_ssl."
    lines += [
        f"sasl.enabled.mechanisms={','.join(_SCRAM_MECHANISMS)}",
        *(f"{prefix}{m.lower()}.sasl.jaas.config={_SCRAM_LOGIN} required;" for m in _SCRAM_MECHANISMS),
        f"{prefix}ssl.keystore.type=PKCS12",
        f"{prefix}ssl.keystore.location={listener.keystore}",
        f"{prefix}ssl.keystore.password={listener.keystore_password}",
        f"{prefix}ssl.key.password={listener.keystore_password}",
    ]
    return "\n".join(lines) + "\n"


def _tail_text(text: str, lines: int = LOG_TAIL_LINES) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _tail_file(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        return _tail_text(path.read_text(errors="replace"), lines)
    except FileNotFoundError:
        return "(no log written)"


def _parent_death_signal() -> Callable[[], None] | None:
    """A pre-exec hook asking Linux to SIGTERM the child when this thread dies (even by SIGKILL).

    libc and prctl are resolved here, in the parent, so the hook only makes one system call
    between fork and exec.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    pr_set_pdeathsig = 1  # from <linux/prctl.h>
    sigterm = int(signal.SIGTERM)

    def hook() -> None:
        prctl(pr_set_pdeathsig, sigterm, 0, 0, 0)

    return hook


async def _metadata_ok(bootstrap: str, timeout: float) -> bool:
    """True when the broker answers a metadata request and lists itself as a live broker."""
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000))
    try:
        await asyncio.wait_for(admin.start(), timeout)
        cluster = await asyncio.wait_for(admin.describe_cluster(), timeout)
        return bool(cluster.get("brokers"))
    except Exception:  # not ready yet: any connection/protocol error means "try again"
        return False
    finally:
        with contextlib.suppress(Exception):
            await admin.close()


def broker_answers(bootstrap: str, timeout: float = 5.0) -> bool:
    """True when a Kafka metadata request to `bootstrap` succeeds; callable with or without a loop.

    Runs aiokafka on its own event loop in a helper thread, so it works from sync code and from
    inside a running event loop alike.
    """
    outcome: list[bool] = []
    thread = threading.Thread(target=lambda: outcome.append(asyncio.run(_metadata_ok(bootstrap, timeout))))
    thread.start()
    thread.join(timeout * 3)
    return bool(outcome and outcome[0])


_RUNNING: set[LocalKafka] = set()
_RUNNING_LOCK = threading.Lock()


@atexit.register
def _stop_all_at_exit() -> None:
    with _RUNNING_LOCK:
        brokers = list(_RUNNING)
    for broker in brokers:
        with contextlib.suppress(Exception):
            broker.stop()


@dataclass(frozen=True, slots=True)
class BrokerState:
    """What the command line writes to its state file about a detached broker."""

    pid: int
    port: int
    controller_port: int
    data_dir: str
    log_file: str
    owns_data_dir: bool

    @property
    def bootstrap_servers(self) -> str:
        """ "127.0.0.1:<port>"."""
        return f"{HOST}:{self.port}"


class LocalKafka:
    """One single-node KRaft Kafka broker process on 127.0.0.1.

    `data_dir` None = a temporary folder removed by `stop()`; a given folder is kept (and reused:
    an already formatted folder is not formatted again). `port` None = a free port. The controller
    listener always takes a free port. Unless `outlive_parent` is set (then only `stop()` or
    `stop_detached()` ends it), the broker is stopped at interpreter exit and, on Linux, killed by the
    kernel when the thread that started it dies, so it cannot outlive a killed test session.
    """

    def __init__(
        self,
        data_dir: Path | str | None = None,
        port: int | None = None,
        *,
        lib_dir: Path | None = None,
        java: str | None = None,
        heap: str = BROKER_HEAP,
        outlive_parent: bool = False,
        secure: SecureListener | None = None,
    ) -> None:
        self._requested_data_dir = Path(data_dir) if data_dir is not None else None
        self._requested_port = port
        self._lib_dir = lib_dir
        self._java = java
        self._heap = heap
        self._outlive_parent = outlive_parent
        self._last_returncode: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._data_dir: Path | None = None
        self._owns_data_dir = False
        self.port = 0
        self.controller_port = 0
        self._secure = secure
        self.secure_port = 0  # the SASL_SSL listener's port when `secure` is given

    # -- facts -----------------------------------------------------------------------------
    @property
    def bootstrap_servers(self) -> str:
        """ "127.0.0.1:<port>" of the running broker."""
        if self._process is None:
            raise RuntimeError("LocalKafka is not started")
        return f"{HOST}:{self.port}"

    @property
    def pid(self) -> int | None:
        """The broker's process id while it is started, else None."""
        return self._process.pid if self._process is not None else None

    @property
    def data_dir(self) -> Path:
        """The folder holding server.properties, broker.log and the log dirs (after `start()`)."""
        if self._data_dir is None:
            raise RuntimeError("LocalKafka is not started")
        return self._data_dir

    @property
    def log_file(self) -> Path:
        """The broker's console output (WARN and above, plus the "started" line)."""
        return self.data_dir / "broker.log"

    def is_running(self) -> bool:
        """True while the broker process is alive."""
        return self._process is not None and self._process.poll() is None

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> LocalKafka:
        """Fetch jars if needed, format storage and launch the broker; does not wait (see wait_ready).

        Raises `KafkaUnavailable` without java/mvn, `KafkaStartError` if formatting fails.
        """
        if self._process is not None:
            raise RuntimeError("LocalKafka is already started")
        java = self._java or require_tool("java")
        if java_major_version(java) < 17:
            raise KafkaUnavailable(f"{java} is older than Java 17, which Kafka {KAFKA_VERSION} here needs")
        self._java = java
        self._lib_dir = ensure_jars(self._lib_dir)
        if self._requested_data_dir is None:
            self._data_dir = Path(tempfile.mkdtemp(prefix="paymon-kafka-"))
            self._owns_data_dir = True
        else:
            self._data_dir = self._requested_data_dir.resolve()
            self._data_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._launch()
        except BaseException:
            self._cleanup_data_dir()
            raise
        return self

    def _launch(self) -> None:
        """Pick ports, write server.properties, format (if new) and spawn the broker."""
        self.port = self._requested_port if self._requested_port else free_port()
        self.controller_port = free_port()
        while self.controller_port == self.port:
            self.controller_port = free_port()
        properties = self.data_dir / "server.properties"
        text = render_server_properties(
            port=self.port, controller_port=self.controller_port, log_dir=self.data_dir / "logs"
        )
        if self._secure is not None:
            self.secure_port = free_port()
            text = secure_properties(text, self._secure, self.secure_port)
        properties.write_text(text)
        self._format(properties)
        # A fresh log per launch: a "started" line from an earlier run must not count as readiness.
        log = open(self.log_file, "wb")  # noqa: SIM115 - handed to the child, closed right after
        try:
            self._process = subprocess.Popen(
                [*self._java_command(), "kafka.Kafka", str(properties)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.data_dir,
                # Own session: a Ctrl-C in the terminal reaches Python, which then stops the broker.
                start_new_session=True,
                preexec_fn=None if self._outlive_parent else _parent_death_signal(),
            )
        finally:
            log.close()
        with _RUNNING_LOCK:
            _RUNNING.add(self)

    def _java_command(self, heap: str | None = None) -> list[str]:
        assert self._java is not None and self._lib_dir is not None
        return [
            self._java,
            f"-Xmx{heap or self._heap}",
            "-Djava.awt.headless=true",
            f"-Dlog4j.configuration={LOG4J_CONFIG.as_uri()}",
            "-cp",
            str(self._lib_dir / "*"),
        ]

    def _format(self, properties: Path) -> None:
        """Format the KRaft storage with a fresh cluster id; an already formatted dir is kept."""
        if (self.data_dir / "logs" / "meta.properties").is_file():
            return  # formatted by an earlier start: keep its cluster id and data
        command = [
            *self._java_command(heap="256m"),
            "kafka.tools.StorageTool",
            "format",
            f"--cluster-id={new_cluster_id()}",
            f"--config={properties}",
        ]
        if self._secure is not None:
            for name, password in self._secure.scram_users.items():
                for mechanism in _SCRAM_MECHANISMS:
                    command.append(f"--add-scram={mechanism}=[name={name},password={password}]")
        try:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=FORMAT_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired:
            raise KafkaStartError(f"formatting Kafka storage took over {FORMAT_TIMEOUT_S:.0f} s") from None
        if result.returncode != 0:
            output = _tail_text(result.stdout + result.stderr)
            raise KafkaStartError(f"formatting Kafka storage in {self.data_dir} failed:\n{output}")

    def wait_ready(self, timeout: float = READY_TIMEOUT_S) -> LocalKafka:
        """Block until the broker answers a metadata request listing itself; returns self.

        Raises `KafkaStartError` with the tail of the broker log if the process dies or is not ready
        within `timeout` seconds (the process is then stopped). A start that died because an
        auto-picked port was taken meanwhile is relaunched on new ports.
        """
        if self._process is None:
            raise RuntimeError("LocalKafka is not started")
        deadline = time.monotonic() + timeout
        clashes = 0
        while True:
            if self._process.poll() is not None:
                log = _tail_file(self.log_file)
                if "Address already in use" in log and clashes < PORT_CLASH_RETRIES:
                    clashes += 1
                    self._forget_process()
                    if not self._requested_port:
                        self._launch()
                        continue
                self.stop()
                raise KafkaStartError(
                    f"Kafka broker exited with status {self._process_status()} during start-up; "
                    f"log {self.log_file}:\n{log}"
                )
            if self._started_line_logged() and broker_answers(self.bootstrap_servers, timeout=5.0):
                return self
            if time.monotonic() > deadline:
                log = _tail_file(self.log_file)
                self.stop()
                raise KafkaStartError(f"Kafka broker not ready after {timeout:.0f} s; log tail:\n{log}")
            time.sleep(0.2)

    def _process_status(self) -> str:
        code = self._last_returncode
        return "unknown" if code is None else str(code)

    def _forget_process(self) -> None:
        if self._process is not None:
            self._last_returncode = self._process.returncode
        self._process = None
        with _RUNNING_LOCK:
            _RUNNING.discard(self)

    def _started_line_logged(self) -> bool:
        try:
            with open(self.log_file, "rb") as log:
                return STARTED_LINE.encode() in log.read()
        except FileNotFoundError:
            return False

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """Stop the broker (SIGTERM, then SIGKILL after `timeout` s) and remove a temporary data dir.

        Safe to call twice or on a broker that already died.
        """
        process = self._process
        if process is not None:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout)
            self._forget_process()
        self._cleanup_data_dir()

    def _cleanup_data_dir(self) -> None:
        if self._owns_data_dir and self._data_dir is not None:
            shutil.rmtree(self._data_dir, ignore_errors=True)
            self._owns_data_dir = False

    def detach(self) -> BrokerState:
        """Let the broker outlive this Python process (for `start` on the command line).

        The data dir is then kept until `stop_detached(state)`; returns what that needs.
        """
        if self._process is None:
            raise RuntimeError("LocalKafka is not started")
        if not self._outlive_parent:
            raise RuntimeError("only a LocalKafka(outlive_parent=True) can be detached")
        state = BrokerState(
            pid=self._process.pid,
            port=self.port,
            controller_port=self.controller_port,
            data_dir=str(self.data_dir),
            log_file=str(self.log_file),
            owns_data_dir=self._owns_data_dir,
        )
        with _RUNNING_LOCK:
            _RUNNING.discard(self)
        self._process = None
        self._owns_data_dir = False
        return state

    def __enter__(self) -> LocalKafka:
        self.start()
        return self.wait_ready()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"running on {HOST}:{self.port}" if self.is_running() else "stopped"
        return f"<LocalKafka {state}>"


# -- detached brokers (command line) --------------------------------------------------------------


def _pid_is_our_broker(state: BrokerState) -> bool:
    """True when `state.pid` is alive and is the java process running that data dir's properties."""
    try:
        cmdline = Path(f"/proc/{state.pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        try:
            os.kill(state.pid, 0)
        except OSError:
            return False
        return sys.platform != "linux"  # no /proc: trust the pid
    wanted = str(Path(state.data_dir) / "server.properties").encode()
    return b"kafka.Kafka" in cmdline and wanted in cmdline


def stop_detached(state: BrokerState, timeout: float = STOP_TIMEOUT_S) -> bool:
    """Stop a broker left running by `detach()`; returns False if it was not running any more."""
    was_running = _pid_is_our_broker(state)
    if was_running:
        os.kill(state.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _pid_is_our_broker(state) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _pid_is_our_broker(state):
            os.kill(state.pid, signal.SIGKILL)
    if state.owns_data_dir:
        shutil.rmtree(state.data_dir, ignore_errors=True)
    return was_running


def default_state_file(env: Mapping[str, str] = os.environ) -> Path:
    """The command line's state file: `$PAYMON_DATA_DIR/kafka.json` (default var/paymon/kafka.json)."""
    return Path(env.get("PAYMON_DATA_DIR", "").strip() or "var/paymon") / "kafka.json"


def read_state(path: Path) -> BrokerState | None:
    """The state recorded in `path`, or None when there is none."""
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (ValueError, OSError) as exc:
        raise KafkaStartError(f"{path}: unreadable broker state file ({exc}); delete it") from None
    return BrokerState(**raw)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m devtools.local_kafka fetch|start|stop|status`; exit 0 ok, 1 failure, 3 not running."""
    parser = argparse.ArgumentParser(
        prog="python -m devtools.local_kafka", description="Run a local single-node Kafka broker (no Docker)."
    )
    parser.add_argument(
        "--state-file",
        type=Path,
        default=None,
        help="where a started broker is recorded (default $PAYMON_DATA_DIR/kafka.json)",
    )
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("fetch", help="download the broker jars into the cache (once)")
    start = sub.add_parser("start", help="start a broker in the background and print its bootstrap servers")
    start.add_argument(
        "--port",
        type=int,
        default=DEFAULT_CLI_PORT,
        help=f"broker port (default {DEFAULT_CLI_PORT}; 0 = any free port)",
    )
    start.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="keep the broker's data here (default: a temporary folder removed by stop)",
    )
    start.add_argument("--timeout", type=float, default=READY_TIMEOUT_S, help="seconds to wait for readiness")
    sub.add_parser("stop", help="stop the broker recorded in the state file")
    sub.add_parser("status", help="print the bootstrap servers if the recorded broker runs (exit 3 if not)")
    args = parser.parse_args(argv)
    state_file: Path = args.state_file or default_state_file()

    def say(message: str) -> None:
        print(message, file=sys.stderr)

    try:
        if args.action == "fetch":
            started = time.monotonic()
            lib = ensure_jars(progress=say)
            say(f"Kafka {KAFKA_VERSION} jars ready in {lib} ({time.monotonic() - started:.1f} s)")
            return 0
        state = read_state(state_file)
        if args.action == "start":
            if state is not None and _pid_is_our_broker(state):
                print(state.bootstrap_servers)
                say(f"already running (pid {state.pid}, state {state_file})")
                return 0
            if args.port and not _port_free(args.port):
                say(f"port {args.port} on {HOST} is in use; choose another with --port (0 = any free port)")
                return 1
            started = time.monotonic()
            broker = LocalKafka(data_dir=args.data_dir, port=args.port or None, outlive_parent=True)
            broker.start()
            broker.wait_ready(args.timeout)
            new_state = broker.detach()
            state_file.parent.mkdir(parents=True, exist_ok=True)
            state_file.write_text(json.dumps(asdict(new_state), indent=2) + "\n")
            say(
                f"Kafka {KAFKA_VERSION} ready in {time.monotonic() - started:.1f} s "
                f"(pid {new_state.pid}, log {new_state.log_file})"
            )
            print(new_state.bootstrap_servers)
            return 0
        if args.action == "stop":
            if state is None:
                say(f"no broker recorded in {state_file}")
                return 0
            if stop_detached(state):
                say(f"stopped broker pid {state.pid}")
            else:
                say(f"broker pid {state.pid} was not running")
            state_file.unlink(missing_ok=True)
            return 0
        # status
        if state is not None and _pid_is_our_broker(state):
            print(state.bootstrap_servers)
            ready = broker_answers(state.bootstrap_servers)
            say(f"running (pid {state.pid}, {'answering' if ready else 'NOT answering'} metadata requests)")
            return 0 if ready else 1
        say("not running")
        return 3
    except (KafkaUnavailable, KafkaStartError) as exc:
        say(f"local_kafka: error: {exc}")
        return 1


def _port_free(port: int) -> bool:
    """Whether a listener could bind `port` now. SO_REUSEADDR like the broker's own listener:
    without it the connections a crashed broker left in TIME_WAIT made the port look taken for
    about a minute, though the broker itself can bind it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


if __name__ == "__main__":
    sys.exit(main())
