"""`paymon worker` / `lists publish` / `ownership publish` argument handling (no broker needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from paymon_cli.connection import settings_from
from paymon_cli.main import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "stream"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(argv)
    return status, capsys.readouterr().err


def test_missing_path_is_a_clear_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, err = run(["lists", "publish", str(tmp_path / "nope.jsonl")], capsys)
    assert status == 2 and "nope.jsonl: no such file or folder" in err
    status, err = run(["ownership", "publish", str(tmp_path / "gone.csv")], capsys)
    assert status == 2 and "gone.csv: no such file or folder" in err


def test_unloadable_list_names_file_and_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "broken.jsonl"
    bad.write_text('{"entry_id": "x:1"}\n')
    status, err = run(["lists", "publish", str(bad)], capsys)
    assert status == 2 and "broken.jsonl" in err


def test_unreachable_broker_is_reported_not_a_traceback(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    monkeypatch.setenv("PAYMON_BOOTSTRAP_SERVERS", "127.0.0.1:1")
    status, err = run(["lists", "publish", "--dry-run", str(FIXTURES / "streamtest-v1.jsonl")], capsys)
    assert status == 2 and "Kafka at 127.0.0.1:1 failed" in err


def test_worker_flags_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse

    monkeypatch.setenv("PAYMON_GROUP_ID", "from-env")
    monkeypatch.setenv("PAYMON_BATCH_SIZE", "64")
    args = argparse.Namespace(
        bootstrap_servers="10.0.0.1:9092,10.0.0.2:9092", group_id="from-flag", batch_size=None
    )
    settings = settings_from(args)
    assert settings.bootstrap_servers == ("10.0.0.1:9092", "10.0.0.2:9092")
    assert settings.group_id == "from-flag" and settings.batch_size == 64


def test_an_unread_variable_is_a_warning(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    monkeypatch.setenv("PAYMON_THRESHHOLD", "0.9")
    settings_from(argparse.Namespace())
    err = capsys.readouterr().err
    assert "paymon: warning: PAYMON_THRESHHOLD is set but no paymon setting reads it" in err


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--batch-size", "0"], "--batch-size must be at least 1"),
        (["--batch-timeout", "-1"], "--batch-timeout must be positive"),
        (["--bootstrap-servers", "kafka://h:9092"], "give host:port without a scheme"),
        (["--bootstrap-servers", "h:99999"], "port must be a number"),
    ],
)
def test_bad_worker_flags_are_usage_errors(
    flags: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, err = run(["worker", *flags], capsys)
    assert status == 2 and message in err
