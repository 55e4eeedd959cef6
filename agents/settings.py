"""The one frozen settings object of the stream side, built from `PAYMON_*` environment variables.

Nothing here reads the environment at import time: callers build `Settings.from_env()` once (in a
command handler or a test) and pass it in. Secrets are wrapped in `Secret`, whose repr hides them,
so a logged or printed `Settings` never leaks the SASL password.
"""

from __future__ import annotations

import math
import os
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from schemas.payment import (
    DEFAULT_MAX_JSON_DEPTH,
    DEFAULT_MAX_NAME_CHARS,
    DEFAULT_MAX_RECORD_BYTES,
    DEFAULT_MAX_TEXT_CHARS,
    PaymentLimits,
)

if TYPE_CHECKING:
    from faust.types.auth import CredentialsT

ENV_PREFIX = "PAYMON_"
# PAYMON_* variables read by the development tooling (test session, broker jars), not by a worker.
TOOLING_VARIABLES = frozenset(
    {"PAYMON_SHARED_DATA", "PAYMON_KAFKA_LIB", "PAYMON_TEST_BOOTSTRAP", "PAYMON_BENCH_BOOTSTRAP"}
)

SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
# The SASL mechanisms aiokafka authenticates with a username and password alone
# (GSSAPI and OAUTHBEARER need a Kerberos setup or a token callback, which paymon does not offer).
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")
# Ownership regimes the ownership engine knows (screening.ownership.Regime member names).
OWNERSHIP_REGIMES = ("OFAC", "EU", "UK")

DEFAULT_BOOTSTRAP_SERVERS = "127.0.0.1:9092"
DEFAULT_KAFKA_PORT = 9092
DEFAULT_PARTITIONS = 4
DEFAULT_GROUP_ID = "paymon-screening"
# Metrics listen on loopback unless told otherwise: exposing them is a deliberate deploy choice.
DEFAULT_METRICS_HOST = "127.0.0.1"
# 9464 is the port OpenTelemetry's Prometheus exporter made conventional; free of Kafka's 9092/9093.
DEFAULT_METRICS_PORT = 9464
# Payments screened per `stream.take` batch and the longest wait to fill one (seconds). The wait
# is what a payment arriving at a quiet moment waits before screening starts, so it is short: at
# low rates batches stay small and latency low; at high rates payments queue during a batch's
# screening, so batches fill up by themselves. 64 payments screen in ~40 ms, which bounds the
# wait a backlog adds to each payment. (bench.stream, one worker at 500 payments/s, same run:
# p99 24 ms with 64 / 2 ms / linger 1 ms, 510 ms with the former 256 / 50 ms / linger 5 ms;
# draining a backlog, 256 per batch cost the same CPU per payment as 64, 0.71 against 0.70 ms.)
DEFAULT_BATCH_SIZE = 64
DEFAULT_BATCH_TIMEOUT = 0.002
DEFAULT_DATA_DIR = "var/paymon"
# A worker that stops heartbeating is dropped from the group after the session timeout, and only
# then does another worker take its partitions (faust's default, 60 s, left them unscreened for a
# minute after a kill -9). 10 s is above the broker's minimum (6 s) and far above the longest
# pause of a healthy worker (the consumer heartbeats from a thread of its own, whatever a batch's
# screening does on the event loop);
# heartbeats every 2 s let the coordinator miss four before giving up.
DEFAULT_SESSION_TIMEOUT = 10.0
DEFAULT_HEARTBEAT_INTERVAL = 2.0
# faust commits acknowledged offsets every this many seconds (its default is 2.8); one second
# bounds the redelivery after a crash to about a second of payments. Each commit is a broker
# round trip made in the consumer's thread, where it queues with the fetches.
DEFAULT_COMMIT_INTERVAL = 1.0
# Bytes per producer record batch: a decision is ~0.3-2 KB, so 256 KiB holds the records a
# stream.take batch sends to one partition (aiokafka's default 16 KiB holds a few dozen). The
# agent closes each record batch it fills (`agents.producing`), so the producer sends it at once:
# no linger setting, no wait added to a decision's latency.
DEFAULT_PRODUCER_BATCH_BYTES = 256 * 1024
# Compression codecs aiokafka has without optional packages (lz4/zstd/snappy need their own).
PRODUCER_COMPRESSIONS = ("NONE", "GZIP")
# Bytes one fetch may bring per partition: faust's default, 1 MiB, about 1,500 payments of
# ~0.7 KB, several batches (a larger record still comes, alone: Kafka's KIP-74).
DEFAULT_CONSUMER_FETCH_BYTES = 1024 * 1024

# What a worker does with each payment: `SCREEN` (the only mode for real traffic) or
# `PASS-THROUGH`, the benchmark-only ceiling of `agents.pass_through` (decode, encode, produce a
# decision marked "unscreened"); it runs only when PAYMON_SCREENING says so.
SCREENING_MODES = ("SCREEN", "PASS-THROUGH")

_T = TypeVar("_T")


class SettingsError(ValueError):
    """A `PAYMON_*` variable holds an unusable value; the message names the variable and the problem."""


class Secret:
    """A string that does not show itself in repr/str (for passwords); `reveal()` gives it back."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret text itself; call only where it is handed to the client library."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class TopicNames:
    """Names of the six topics paymon reads and writes."""

    payments: str = "payments"
    alerts: str = "sanctions-alerts"
    screened: str = "payments-screened"
    dlq: str = "payments-dlq"
    lists: str = "sanctions-lists"
    ownership: str = "ownership"

    def all(self) -> tuple[str, ...]:
        """Every topic name, in a fixed order (payments, alerts, screened, dlq, lists, ownership)."""
        return (self.payments, self.alerts, self.screened, self.dlq, self.lists, self.ownership)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the stream side needs to know about its broker, topics and worker.

    Build it with `Settings.from_env()`; every field has a default suited to the local broker.
    `threshold` None means the matcher's own `screening.match.DEFAULT_THRESHOLD`. `limits` bound
    every payment taken from the stream (PAYMON_MAX_RECORD_BYTES, PAYMON_MAX_NAME_CHARS,
    PAYMON_MAX_TEXT_CHARS, PAYMON_MAX_JSON_DEPTH); a payment over one is dead-lettered.
    `log_payloads` (PAYMON_LOG_PAYLOADS=1, for debugging only) lets log lines quote payment content.
    `session_timeout`/`heartbeat_interval` (PAYMON_SESSION_TIMEOUT, PAYMON_HEARTBEAT_INTERVAL,
    seconds) bound how long a dead worker's partitions wait before another worker takes them;
    `commit_interval` (PAYMON_COMMIT_INTERVAL, seconds) how many seconds of payments a crash can
    make the next owner screen again.
    `threshold` None means the matcher's own `screening.match.DEFAULT_THRESHOLD`. Stream tuning:
    `producer_batch_bytes`, `producer_compression` (PAYMON_PRODUCER_*) and
    `consumer_fetch_bytes` (PAYMON_CONSUMER_FETCH_BYTES, per partition). `screening`
    (PAYMON_SCREENING): `SCREEN`, or the benchmark-only `PASS-THROUGH` (`pass_through`).
    """

    bootstrap_servers: tuple[str, ...] = (DEFAULT_BOOTSTRAP_SERVERS,)
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: Secret | None = None
    ssl_cafile: Path | None = None
    ssl_certfile: Path | None = None
    ssl_keyfile: Path | None = None
    topics: TopicNames = field(default_factory=TopicNames)
    partitions: int = DEFAULT_PARTITIONS
    replication_factor: int = 1
    group_id: str = DEFAULT_GROUP_ID
    metrics_host: str = DEFAULT_METRICS_HOST
    metrics_port: int = DEFAULT_METRICS_PORT
    threshold: float | None = None
    ownership_regime: str = "OFAC"
    batch_size: int = DEFAULT_BATCH_SIZE
    batch_timeout: float = DEFAULT_BATCH_TIMEOUT
    data_dir: Path = Path(DEFAULT_DATA_DIR)
    limits: PaymentLimits = field(default_factory=PaymentLimits)
    log_payloads: bool = False
    session_timeout: float = DEFAULT_SESSION_TIMEOUT
    heartbeat_interval: float = DEFAULT_HEARTBEAT_INTERVAL
    commit_interval: float = DEFAULT_COMMIT_INTERVAL
    producer_batch_bytes: int = DEFAULT_PRODUCER_BATCH_BYTES
    producer_compression: str = "NONE"
    consumer_fetch_bytes: int = DEFAULT_CONSUMER_FETCH_BYTES
    screening: str = "SCREEN"
    # PAYMON_* variables set in the environment that no setting reads (a typo, or a setting this
    # version removed): the commands warn about each, since an ignored threshold or topic name
    # would otherwise go unnoticed.
    unread_variables: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        """Settings from the `PAYMON_*` variables of `env` (read when called), defaults for the rest.

        Raises `SettingsError` naming the variable for any unusable value, including security
        options that do not fit together (SASL without a username, a mechanism without SASL, ...).
        """
        read = _Reader(env)
        default = TopicNames()
        topics = TopicNames(
            payments=read.text("TOPIC_PAYMENTS", default.payments),
            alerts=read.text("TOPIC_ALERTS", default.alerts),
            screened=read.text("TOPIC_SCREENED", default.screened),
            dlq=read.text("TOPIC_DLQ", default.dlq),
            lists=read.text("TOPIC_LISTS", default.lists),
            ownership=read.text("TOPIC_OWNERSHIP", default.ownership),
        )
        for name, var in zip(topics.all(), _TOPIC_VARS, strict=True):
            _check_topic_name(name, ENV_PREFIX + var)
        if len(set(topics.all())) != len(topics.all()):
            raise SettingsError(
                f"PAYMON_TOPIC_*: topic names must be distinct, got {', '.join(topics.all())}"
            )
        password = read.optional("SASL_PASSWORD")
        settings = cls(
            bootstrap_servers=read.parsed(
                "BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP_SERVERS, parse_bootstrap_servers
            ),
            security_protocol=read.choice("SECURITY_PROTOCOL", "PLAINTEXT", SECURITY_PROTOCOLS),
            sasl_mechanism=read.optional_choice("SASL_MECHANISM", SASL_MECHANISMS),
            sasl_username=read.optional("SASL_USERNAME"),
            sasl_password=Secret(password) if password is not None else None,
            ssl_cafile=read.existing_file("SSL_CAFILE"),
            ssl_certfile=read.existing_file("SSL_CERTFILE"),
            ssl_keyfile=read.existing_file("SSL_KEYFILE"),
            topics=topics,
            partitions=read.integer("PARTITIONS", DEFAULT_PARTITIONS, minimum=1),
            replication_factor=read.integer("REPLICATION_FACTOR", 1, minimum=1),
            group_id=read.text("GROUP_ID", DEFAULT_GROUP_ID),
            metrics_host=read.text("METRICS_HOST", DEFAULT_METRICS_HOST),
            metrics_port=read.integer("METRICS_PORT", DEFAULT_METRICS_PORT, minimum=0, maximum=65535),
            threshold=read.optional_parsed("THRESHOLD", _parse_unit_interval),
            ownership_regime=read.choice("OWNERSHIP_REGIME", "OFAC", OWNERSHIP_REGIMES),
            batch_size=read.integer("BATCH_SIZE", DEFAULT_BATCH_SIZE, minimum=1),
            batch_timeout=read.parsed("BATCH_TIMEOUT", str(DEFAULT_BATCH_TIMEOUT), _parse_positive_seconds),
            data_dir=Path(read.text("DATA_DIR", DEFAULT_DATA_DIR)),
            limits=PaymentLimits(
                max_record_bytes=read.integer("MAX_RECORD_BYTES", DEFAULT_MAX_RECORD_BYTES, minimum=1024),
                max_name_chars=read.integer("MAX_NAME_CHARS", DEFAULT_MAX_NAME_CHARS, minimum=1),
                max_text_chars=read.integer("MAX_TEXT_CHARS", DEFAULT_MAX_TEXT_CHARS, minimum=1),
                max_json_depth=read.integer("MAX_JSON_DEPTH", DEFAULT_MAX_JSON_DEPTH, minimum=2),
            ),
            log_payloads=read.flag("LOG_PAYLOADS"),
            session_timeout=read.parsed(
                "SESSION_TIMEOUT", str(DEFAULT_SESSION_TIMEOUT), _parse_positive_seconds
            ),
            heartbeat_interval=read.parsed(
                "HEARTBEAT_INTERVAL", str(DEFAULT_HEARTBEAT_INTERVAL), _parse_positive_seconds
            ),
            commit_interval=read.parsed(
                "COMMIT_INTERVAL", str(DEFAULT_COMMIT_INTERVAL), _parse_positive_seconds
            ),
            producer_batch_bytes=read.integer(
                "PRODUCER_BATCH_BYTES", DEFAULT_PRODUCER_BATCH_BYTES, minimum=1024
            ),
            producer_compression=read.choice("PRODUCER_COMPRESSION", "NONE", PRODUCER_COMPRESSIONS),
            consumer_fetch_bytes=read.integer(
                "CONSUMER_FETCH_BYTES", DEFAULT_CONSUMER_FETCH_BYTES, minimum=1024
            ),
            screening=read.choice("SCREENING", "SCREEN", SCREENING_MODES),
            unread_variables=read.unread(),
        )
        settings._check_security()
        return settings

    def _check_security(self) -> None:
        """Reject security options that contradict each other, naming the variables involved."""
        sasl = self.security_protocol.startswith("SASL_")
        if sasl:
            if self.sasl_username is None or self.sasl_password is None:
                raise SettingsError(
                    f"PAYMON_SECURITY_PROTOCOL={self.security_protocol} needs PAYMON_SASL_USERNAME "
                    "and PAYMON_SASL_PASSWORD"
                )
        else:
            given = [
                var
                for var, value in (
                    ("PAYMON_SASL_MECHANISM", self.sasl_mechanism),
                    ("PAYMON_SASL_USERNAME", self.sasl_username),
                    ("PAYMON_SASL_PASSWORD", self.sasl_password),
                )
                if value is not None
            ]
            if given:
                raise SettingsError(
                    f"{', '.join(given)} given but PAYMON_SECURITY_PROTOCOL={self.security_protocol} "
                    "does not use SASL (use SASL_PLAINTEXT or SASL_SSL)"
                )
        if not self.uses_tls:
            given = [
                var
                for var, value in (
                    ("PAYMON_SSL_CAFILE", self.ssl_cafile),
                    ("PAYMON_SSL_CERTFILE", self.ssl_certfile),
                    ("PAYMON_SSL_KEYFILE", self.ssl_keyfile),
                )
                if value is not None
            ]
            if given:
                raise SettingsError(
                    f"{', '.join(given)} given but PAYMON_SECURITY_PROTOCOL={self.security_protocol} "
                    "does not use TLS (use SSL or SASL_SSL)"
                )
        if self.ssl_keyfile is not None and self.ssl_certfile is None:
            raise SettingsError("PAYMON_SSL_KEYFILE given without PAYMON_SSL_CERTFILE")
        if self.heartbeat_interval * 3 > self.session_timeout:
            raise SettingsError(
                f"PAYMON_HEARTBEAT_INTERVAL={self.heartbeat_interval:g} must be at most a third of "
                f"PAYMON_SESSION_TIMEOUT={self.session_timeout:g} (Kafka's rule for group members)"
            )

    @property
    def pass_through(self) -> bool:
        """True when payments are passed on unscreened (PAYMON_SCREENING=pass-through, benchmarks only)."""
        return self.screening == "PASS-THROUGH"

    @property
    def uses_tls(self) -> bool:
        """True when connections to the broker are encrypted (SSL or SASL_SSL)."""
        return self.security_protocol in ("SSL", "SASL_SSL")

    @property
    def bootstrap(self) -> str:
        """Bootstrap servers as one comma-separated string ("host:port,host:port")."""
        return ",".join(self.bootstrap_servers)

    def ssl_context(self) -> ssl.SSLContext | None:
        """A TLS client context from the CA/cert/key files when TLS is used, else None.

        With no CA file the system's default CAs verify the broker; hostnames are always checked.
        """
        if not self.uses_tls:
            return None
        from aiokafka.helpers import create_ssl_context

        context: ssl.SSLContext = create_ssl_context(
            cafile=self.ssl_cafile, certfile=self.ssl_certfile, keyfile=self.ssl_keyfile
        )
        return context

    def aiokafka_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for any aiokafka client (producer, consumer, admin): bootstrap + security.

        Only the options that differ from aiokafka's defaults for PLAINTEXT are included, so the
        result can be splatted next to client-specific options.
        """
        kwargs: dict[str, Any] = {
            "bootstrap_servers": list(self.bootstrap_servers),
            "security_protocol": self.security_protocol,
        }
        context = self.ssl_context()
        if context is not None:
            kwargs["ssl_context"] = context
        if self.security_protocol.startswith("SASL_"):
            assert self.sasl_password is not None  # guaranteed by _check_security
            kwargs["sasl_mechanism"] = self.sasl_mechanism or "PLAIN"
            kwargs["sasl_plain_username"] = self.sasl_username
            kwargs["sasl_plain_password"] = self.sasl_password.reveal()
        return kwargs

    def faust_broker(self) -> list[str]:
        """The `broker` argument of `faust.App`: one `kafka://host:port` URL per bootstrap server."""
        return [f"kafka://{server}" for server in self.bootstrap_servers]

    def faust_credentials(self) -> CredentialsT | None:
        """The `broker_credentials` argument of `faust.App` (None for PLAINTEXT).

        SASL_* gives `faust.SASLCredentials` (with the TLS context for SASL_SSL), SSL gives
        `faust.SSLCredentials`; faust derives the security protocol from the credentials' type.
        """
        if self.security_protocol == "PLAINTEXT":
            return None
        from faust.auth import SASLCredentials, SSLCredentials

        context = self.ssl_context()
        if self.security_protocol == "SSL":
            assert context is not None
            return SSLCredentials(context)
        assert self.sasl_password is not None  # guaranteed by _check_security
        return SASLCredentials(
            username=self.sasl_username,
            password=self.sasl_password.reveal(),
            ssl_context=context,
            mechanism=self.sasl_mechanism or "PLAIN",
        )


_TOPIC_VARS = (
    "TOPIC_PAYMENTS",
    "TOPIC_ALERTS",
    "TOPIC_SCREENED",
    "TOPIC_DLQ",
    "TOPIC_LISTS",
    "TOPIC_OWNERSHIP",
)
# Kafka's own rule for topic names (org.apache.kafka.common.internals.Topic): at most 249
# characters of ASCII letters, digits, '.', '_' and '-', and not "." or "..".
_TOPIC_MAX_LENGTH = 249
_TOPIC_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def _check_topic_name(name: str, var: str) -> None:
    if name in (".", "..") or len(name) > _TOPIC_MAX_LENGTH or not set(name) <= _TOPIC_CHARS:
        raise SettingsError(
            f"{var}={name!r}: a Kafka topic name is 1-249 characters of letters, digits, '.', '_', '-'"
        )


class _Reader:
    """Reads `PAYMON_<NAME>` variables, turning every bad value into a `SettingsError`."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env
        self._read: set[str] = set()

    def unread(self) -> tuple[str, ...]:
        """The `PAYMON_*` variables of the environment that no read so far asked for, sorted
        (tooling variables apart)."""
        return tuple(
            sorted(
                name
                for name in self._env
                if name.startswith(ENV_PREFIX)
                and name[len(ENV_PREFIX) :] not in self._read
                and name not in TOOLING_VARIABLES
            )
        )

    def optional(self, name: str) -> str | None:
        """The stripped value, or None when unset or blank."""
        self._read.add(name)
        value = self._env.get(ENV_PREFIX + name)
        if value is None or not value.strip():
            return None
        return value.strip()

    def text(self, name: str, default: str) -> str:
        value = self.optional(name)
        return default if value is None else value

    def parsed(self, name: str, default: str, parse: Callable[[str], _T]) -> _T:
        return self._parse(name, self.text(name, default), parse)

    def optional_parsed(self, name: str, parse: Callable[[str], _T]) -> _T | None:
        value = self.optional(name)
        return None if value is None else self._parse(name, value, parse)

    def _parse(self, name: str, value: str, parse: Callable[[str], _T]) -> _T:
        try:
            return parse(value)
        except ValueError as exc:
            raise SettingsError(f"{ENV_PREFIX}{name}={value!r}: {exc}") from None

    def integer(self, name: str, default: int, *, minimum: int, maximum: int | None = None) -> int:
        value = self.optional(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise SettingsError(f"{ENV_PREFIX}{name}={value!r}: not an integer") from None
        if number < minimum or (maximum is not None and number > maximum):
            bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
            raise SettingsError(f"{ENV_PREFIX}{name}={value!r}: must be {bound}")
        return number

    def flag(self, name: str) -> bool:
        """A yes/no variable: 1/true/yes/on or 0/false/no/off (any case); unset is False."""
        value = self.optional(name)
        if value is None:
            return False
        folded = value.lower()
        if folded in ("1", "true", "yes", "on"):
            return True
        if folded in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{ENV_PREFIX}{name}={value!r}: must be 1/true/yes/on or 0/false/no/off")

    def choice(self, name: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self.optional_choice(name, allowed)
        return default if value is None else value

    def optional_choice(self, name: str, allowed: tuple[str, ...]) -> str | None:
        value = self.optional(name)
        if value is None:
            return None
        if value.upper() not in allowed:
            raise SettingsError(f"{ENV_PREFIX}{name}={value!r}: must be one of {', '.join(allowed)}")
        return value.upper()

    def existing_file(self, name: str) -> Path | None:
        value = self.optional(name)
        if value is None:
            return None
        path = Path(value).expanduser()
        if not path.is_file():
            raise SettingsError(f"{ENV_PREFIX}{name}={value!r}: no such file")
        return path


def parse_bootstrap_servers(value: str) -> tuple[str, ...]:
    """'h1:9092, h2' -> ('h1:9092', 'h2:9092'); raises ValueError saying what is wrong with an entry.

    The parser behind PAYMON_BOOTSTRAP_SERVERS, public for command-line flags that override it.
    """
    servers: list[str] = []
    for raw in value.split(","):
        item = raw.strip()
        if not item:
            raise ValueError("empty entry in the comma-separated list of host:port")
        if "://" in item:
            raise ValueError(f"{item!r}: give host:port without a scheme")
        host, sep, port_text = item.rpartition(":")
        if not sep:
            host, port_text = item, str(DEFAULT_KAFKA_PORT)
        if not host:
            raise ValueError(f"{item!r}: missing host")
        if not port_text.isdigit() or not 0 < int(port_text) <= 65535:
            raise ValueError(f"{item!r}: port must be a number from 1 to 65535")
        servers.append(f"{host}:{int(port_text)}")
    return tuple(servers)


def _parse_number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ValueError("not a number") from None


def _parse_unit_interval(value: str) -> float:
    number = _parse_number(value)
    if not 0.0 <= number <= 1.0:
        raise ValueError("must be a number between 0 and 1")
    return number


def _parse_positive_seconds(value: str) -> float:
    number = _parse_number(value)
    if not math.isfinite(number) or number <= 0:
        raise ValueError("must be a positive number of seconds")
    return number
