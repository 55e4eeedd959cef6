"""TLS and SASL/SCRAM against a real broker: a broker of this module's own with a SASL_SSL
listener (certificates made here with the JDK's keytool, SCRAM users created at format time).
A worker, `paymon topics create` and `paymon lists publish` all connect through it; a wrong
password or an unknown CA fails with a clear message; the password is never printed."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from stream_support import (
    PAYMON,
    RELIABILITY_LISTS,
    REPO_ROOT,
    consume_until,
    paying_melli,
    produce,
    run_paymon,
    start_worker,
    topic_env,
    unique_topics,
)

from devtools.local_kafka import LocalKafka, SecureListener
from schemas.decision import decode_decision

USER = "paymon-worker"
PASSWORD = "s3cr3t-Scram-Pa55"
STORE_PASSWORD = "store-pass-123"
SAN = "SAN=ip:127.0.0.1,dns:localhost"


def keytool(*args: str, cwd: Path) -> None:
    subprocess.run(["keytool", *args], cwd=cwd, check=True, capture_output=True, timeout=120)


def make_ca(folder: Path, name: str) -> Path:
    """A self-signed CA in `folder/name.p12`; returns its certificate as PEM."""
    store = f"{name}.p12"
    keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-dname", f"CN={name}",
            "-ext", "bc:c", "-validity", "2", "-keystore", store, "-storetype", "PKCS12",
            "-storepass", STORE_PASSWORD, cwd=folder)  # fmt: skip
    keytool("-exportcert", "-rfc", "-alias", name, "-keystore", store, "-storepass", STORE_PASSWORD,
            "-file", f"{name}.pem", cwd=folder)  # fmt: skip
    return folder / f"{name}.pem"


def make_broker_keystore(folder: Path, ca: str) -> Path:
    """The broker's PKCS12 keystore: a key and a certificate for 127.0.0.1 signed by `ca`."""
    common = ("-keystore", "broker.p12", "-storepass", STORE_PASSWORD)
    keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
            "-ext", SAN, "-validity", "2", "-storetype", "PKCS12", *common, cwd=folder)  # fmt: skip
    keytool("-certreq", "-alias", "broker", "-file", "broker.csr", *common, cwd=folder)
    keytool("-gencert", "-alias", ca, "-keystore", f"{ca}.p12", "-storepass", STORE_PASSWORD,
            "-infile", "broker.csr", "-outfile", "broker.crt", "-rfc", "-ext", SAN, "-validity", "2",
            cwd=folder)  # fmt: skip
    keytool("-importcert", "-alias", ca, "-file", f"{ca}.pem", "-noprompt", *common, cwd=folder)
    keytool("-importcert", "-alias", "broker", "-file", "broker.crt", "-noprompt", *common, cwd=folder)
    return folder / "broker.p12"


@dataclass
class SecureBroker:
    broker: LocalKafka
    ca: Path
    stranger_ca: Path

    @property
    def plaintext(self) -> str:
        return self.broker.bootstrap_servers

    def env(self, topics: Any, **overrides: str) -> dict[str, str]:
        env = topic_env(f"127.0.0.1:{self.broker.secure_port}", topics, f"{topics.payments}-group")
        env |= {
            "PAYMON_SECURITY_PROTOCOL": "SASL_SSL",
            "PAYMON_SASL_MECHANISM": "SCRAM-SHA-256",
            "PAYMON_SASL_USERNAME": USER,
            "PAYMON_SASL_PASSWORD": PASSWORD,
            "PAYMON_SSL_CAFILE": str(self.ca),
        }
        return env | overrides


@pytest.fixture(scope="module")
def secure_broker(kafka_broker: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecureBroker]:
    if shutil.which("keytool") is None:
        pytest.skip("keytool (JDK) not found: cannot make the test certificates")
    folder = tmp_path_factory.mktemp("tls")
    ca = make_ca(folder, "paymon-test-ca")
    stranger = make_ca(folder, "stranger-ca")
    keystore = make_broker_keystore(folder, "paymon-test-ca")
    listener = SecureListener(keystore, keystore_password=STORE_PASSWORD, scram_users={USER: PASSWORD})
    broker = LocalKafka(secure=listener)
    broker.start()
    try:
        broker.wait_ready()
        yield SecureBroker(broker, ca, stranger)
    finally:
        broker.stop()


def run_failing(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [*PAYMON, *args], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode != 0, done.stdout
    return done.stdout + done.stderr


def test_a_worker_screens_through_tls_and_scram(secure_broker: SecureBroker, tmp_path: Path) -> None:
    topics = unique_topics("secure")
    env = secure_broker.env(topics)
    created = run_paymon(["topics", "create", "--partitions", "2"], env)
    published = run_paymon(["lists", "publish", str(RELIABILITY_LISTS)], env)
    worker = start_worker(env, tmp_path, "worker", ["--log-level", "info"])
    try:
        worker.wait_ready()
        produce(secure_broker.plaintext, topics.payments, paying_melli("s-1"))
        seen = consume_until(secure_broker.plaintext, topics.alerts, lambda records: len(records) >= 1)
        assert decode_decision(seen[0][1]).hits[0].entry_id == "reltest:1"
    finally:
        worker.stop()
    for output in (created.stdout + created.stderr, published.stdout + published.stderr, worker.output()):
        assert PASSWORD not in output


def test_a_wrong_password_or_an_unknown_ca_is_refused_without_printing_the_secret(
    secure_broker: SecureBroker,
) -> None:
    topics = unique_topics("refused")
    bad_password = secure_broker.env(topics, PAYMON_SASL_PASSWORD="not-the-password")
    wrong = run_failing(["topics", "create"], bad_password)
    assert "Authentication" in wrong or "authentication" in wrong, wrong
    assert "not-the-password" not in wrong
    unknown_ca = secure_broker.env(topics, PAYMON_SSL_CAFILE=str(secure_broker.stranger_ca))
    stranger = run_failing(["topics", "create"], unknown_ca)
    assert "CERTIFICATE_VERIFY_FAILED" in stranger or "certificate verify failed" in stranger, stranger
    assert PASSWORD not in stranger
