"""Settings from PAYMON_* variables: defaults, parsing, and errors that name the variable."""

from __future__ import annotations

import dataclasses
import ssl
from pathlib import Path

import pytest

from agents.settings import (
    DEFAULT_METRICS_PORT,
    Secret,
    Settings,
    SettingsError,
    TopicNames,
)


def test_defaults_fit_the_local_broker() -> None:
    settings = Settings.from_env({})
    assert settings.bootstrap_servers == ("127.0.0.1:9092",)
    assert settings.bootstrap == "127.0.0.1:9092"
    assert settings.security_protocol == "PLAINTEXT"
    assert settings.topics == TopicNames(
        payments="payments",
        alerts="sanctions-alerts",
        screened="payments-screened",
        dlq="payments-dlq",
        lists="sanctions-lists",
        ownership="ownership",
    )
    assert settings.partitions == 4
    assert settings.replication_factor == 1
    assert settings.group_id == "paymon-screening"
    assert (settings.metrics_host, settings.metrics_port) == ("127.0.0.1", DEFAULT_METRICS_PORT)
    assert settings.threshold is None
    assert settings.ownership_regime == "OFAC"
    assert settings.aiokafka_kwargs() == {
        "bootstrap_servers": ["127.0.0.1:9092"],
        "security_protocol": "PLAINTEXT",
    }
    assert settings.faust_broker() == ["kafka://127.0.0.1:9092"]
    assert settings.faust_credentials() is None


def test_every_variable_is_read() -> None:
    env = {
        "PAYMON_BOOTSTRAP_SERVERS": " kafka-1:9093, kafka-2 ",
        "PAYMON_TOPIC_PAYMENTS": "p",
        "PAYMON_TOPIC_ALERTS": "a",
        "PAYMON_TOPIC_SCREENED": "s",
        "PAYMON_TOPIC_DLQ": "d",
        "PAYMON_TOPIC_LISTS": "l",
        "PAYMON_TOPIC_OWNERSHIP": "o",
        "PAYMON_PARTITIONS": "12",
        "PAYMON_REPLICATION_FACTOR": "3",
        "PAYMON_GROUP_ID": "g",
        "PAYMON_METRICS_HOST": "0.0.0.0",
        "PAYMON_METRICS_PORT": "9100",
        "PAYMON_THRESHOLD": "0.91",
        "PAYMON_OWNERSHIP_REGIME": "eu",
        "PAYMON_BATCH_SIZE": "64",
        "PAYMON_BATCH_TIMEOUT": "0.2",
        "PAYMON_DATA_DIR": "/tmp/paymon-data",
    }
    settings = Settings.from_env(env)
    assert settings.bootstrap_servers == ("kafka-1:9093", "kafka-2:9092")
    assert settings.topics.all() == ("p", "a", "s", "d", "l", "o")
    assert (settings.partitions, settings.replication_factor, settings.group_id) == (12, 3, "g")
    assert (settings.metrics_host, settings.metrics_port) == ("0.0.0.0", 9100)
    assert settings.threshold == pytest.approx(0.91)
    assert settings.ownership_regime == "EU"
    assert (settings.batch_size, settings.batch_timeout) == (64, pytest.approx(0.2))
    assert settings.data_dir == Path("/tmp/paymon-data")
    assert settings.faust_broker() == ["kafka://kafka-1:9093", "kafka://kafka-2:9092"]
    assert settings.unread_variables == ()


def test_variables_no_setting_reads_are_named() -> None:
    env = {
        "PAYMON_THRESHHOLD": "0.9",  # a typo: the threshold stays the default
        "PAYMON_PRODUCER_LINGER_MS": "5",  # removed: batches are sent when closed
        "PAYMON_SHARED_DATA": "/data",  # the test session's, not a worker's
        "PAYMON_BATCH_SIZE": "32",
        "OTHER_THRESHOLD": "1",
    }
    settings = Settings.from_env(env)
    assert settings.unread_variables == ("PAYMON_PRODUCER_LINGER_MS", "PAYMON_THRESHHOLD")
    assert settings.threshold is None and settings.batch_size == 32


def test_blank_values_mean_unset() -> None:
    assert Settings.from_env({"PAYMON_PARTITIONS": "  ", "PAYMON_THRESHOLD": ""}) == Settings.from_env({})


def test_settings_are_frozen() -> None:
    settings = Settings.from_env({})
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.partitions = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("PAYMON_PARTITIONS", "four", "not an integer"),
        ("PAYMON_PARTITIONS", "0", ">= 1"),
        ("PAYMON_REPLICATION_FACTOR", "-1", ">= 1"),
        ("PAYMON_METRICS_PORT", "70000", "between 0 and 65535"),
        ("PAYMON_BATCH_SIZE", "1.5", "not an integer"),
        ("PAYMON_THRESHOLD", "high", "not a number"),
        ("PAYMON_THRESHOLD", "1.2", "between 0 and 1"),
        ("PAYMON_THRESHOLD", "nan", "between 0 and 1"),
        ("PAYMON_BATCH_TIMEOUT", "0", "positive number of seconds"),
        ("PAYMON_BATCH_TIMEOUT", "inf", "positive number of seconds"),
        ("PAYMON_SECURITY_PROTOCOL", "TLS", "PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"),
        ("PAYMON_OWNERSHIP_REGIME", "US", "OFAC, EU, UK"),
        ("PAYMON_BOOTSTRAP_SERVERS", "kafka://h:9092", "without a scheme"),
        ("PAYMON_BOOTSTRAP_SERVERS", "h:port", "port must be a number"),
        ("PAYMON_BOOTSTRAP_SERVERS", "h:1,,h:2", "empty entry"),
        ("PAYMON_BOOTSTRAP_SERVERS", ":9092", "missing host"),
        ("PAYMON_TOPIC_ALERTS", "alerts!", "Kafka topic name"),
        ("PAYMON_TOPIC_DLQ", "..", "Kafka topic name"),
        ("PAYMON_SSL_CAFILE", "/nonexistent/ca.pem", "no such file"),
    ],
)
def test_bad_value_names_the_variable(variable: str, value: str, problem: str) -> None:
    with pytest.raises(SettingsError) as error:
        Settings.from_env({variable: value})
    message = str(error.value)
    assert message.startswith(f"{variable}=")
    assert problem in message


def test_topic_names_must_differ() -> None:
    with pytest.raises(SettingsError, match=r"PAYMON_TOPIC_.*distinct"):
        Settings.from_env({"PAYMON_TOPIC_ALERTS": "payments"})


def test_sasl_needs_username_and_password() -> None:
    with pytest.raises(SettingsError, match="PAYMON_SASL_USERNAME and PAYMON_SASL_PASSWORD"):
        Settings.from_env({"PAYMON_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "PAYMON_SASL_USERNAME": "u"})


def test_sasl_options_without_sasl_protocol_are_rejected() -> None:
    with pytest.raises(SettingsError, match=r"PAYMON_SASL_MECHANISM.*does not use SASL"):
        Settings.from_env({"PAYMON_SASL_MECHANISM": "PLAIN"})


def test_tls_files_without_tls_protocol_are_rejected(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("not read here")
    with pytest.raises(SettingsError, match=r"PAYMON_SSL_CAFILE.*does not use TLS"):
        Settings.from_env({"PAYMON_SSL_CAFILE": str(ca)})


def test_unknown_sasl_mechanism_is_rejected() -> None:
    env = {
        "PAYMON_SECURITY_PROTOCOL": "SASL_SSL",
        "PAYMON_SASL_MECHANISM": "GSSAPI",
        "PAYMON_SASL_USERNAME": "u",
        "PAYMON_SASL_PASSWORD": "p",
    }
    with pytest.raises(SettingsError, match=r"PAYMON_SASL_MECHANISM='GSSAPI'.*PLAIN, SCRAM-SHA-256"):
        Settings.from_env(env)


def test_sasl_password_is_a_secret_and_reaches_the_clients() -> None:
    env = {
        "PAYMON_SECURITY_PROTOCOL": "sasl_plaintext",
        "PAYMON_SASL_MECHANISM": "scram-sha-512",
        "PAYMON_SASL_USERNAME": "screening",
        "PAYMON_SASL_PASSWORD": "hunter2-very-secret",
    }
    settings = Settings.from_env(env)
    assert "hunter2-very-secret" not in repr(settings)
    assert "hunter2-very-secret" not in str(settings)
    assert settings.sasl_password == Secret("hunter2-very-secret")
    kwargs = settings.aiokafka_kwargs()
    assert kwargs["security_protocol"] == "SASL_PLAINTEXT"
    assert kwargs["sasl_mechanism"] == "SCRAM-SHA-512"
    assert kwargs["sasl_plain_username"] == "screening"
    assert kwargs["sasl_plain_password"] == "hunter2-very-secret"
    assert "ssl_context" not in kwargs
    credentials = settings.faust_credentials()
    assert type(credentials).__name__ == "SASLCredentials"
    assert "hunter2-very-secret" not in repr(credentials)


def test_sasl_ssl_gives_both_a_tls_context_and_credentials() -> None:
    env = {
        "PAYMON_SECURITY_PROTOCOL": "SASL_SSL",
        "PAYMON_SASL_USERNAME": "u",
        "PAYMON_SASL_PASSWORD": "p",
    }
    settings = Settings.from_env(env)
    kwargs = settings.aiokafka_kwargs()
    assert isinstance(kwargs["ssl_context"], ssl.SSLContext)
    assert kwargs["ssl_context"].check_hostname
    assert kwargs["sasl_mechanism"] == "PLAIN"
    credentials = settings.faust_credentials()
    assert credentials is not None
    assert getattr(credentials, "ssl_context", None) is not None


def test_ssl_uses_the_given_ca_file(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")
    settings = Settings.from_env({"PAYMON_SECURITY_PROTOCOL": "SSL", "PAYMON_SSL_CAFILE": str(ca)})
    assert settings.ssl_cafile == ca
    # The file is really loaded: a bogus certificate is refused by OpenSSL.
    with pytest.raises(ssl.SSLError):
        settings.aiokafka_kwargs()


def test_key_file_needs_a_certificate(tmp_path: Path) -> None:
    key = tmp_path / "client.key"
    key.write_text("k")
    with pytest.raises(SettingsError, match="PAYMON_SSL_KEYFILE given without PAYMON_SSL_CERTFILE"):
        Settings.from_env({"PAYMON_SECURITY_PROTOCOL": "SSL", "PAYMON_SSL_KEYFILE": str(key)})


def test_environment_is_read_when_called_not_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYMON_GROUP_ID", "late-group")
    assert Settings.from_env().group_id == "late-group"
