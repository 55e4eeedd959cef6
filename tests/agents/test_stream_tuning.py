"""The stream tuning settings (PAYMON_PRODUCER_*, PAYMON_CONSUMER_FETCH_BYTES,
PAYMON_COMMIT_INTERVAL) reach the faust app that the worker runs: one road from the variable to
the client (no broker needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agents.app import build_app
from agents.settings import (
    DEFAULT_COMMIT_INTERVAL,
    DEFAULT_CONSUMER_FETCH_BYTES,
    DEFAULT_PRODUCER_BATCH_BYTES,
    Settings,
    SettingsError,
)


def _conf(env: dict[str, str], tmp_path: Path) -> Any:
    settings = Settings.from_env({**env, "PAYMON_DATA_DIR": str(tmp_path)})
    return build_app(settings, follow=False).app.conf


def test_defaults_reach_the_app(tmp_path: Path) -> None:
    conf = _conf({}, tmp_path)
    assert conf.producer_max_batch_size == DEFAULT_PRODUCER_BATCH_BYTES
    assert conf.producer_compression_type is None
    assert conf.consumer_max_fetch_size == DEFAULT_CONSUMER_FETCH_BYTES
    assert conf.broker_commit_interval == DEFAULT_COMMIT_INTERVAL


def test_variables_reach_the_app(tmp_path: Path) -> None:
    conf = _conf(
        {
            "PAYMON_PRODUCER_BATCH_BYTES": "65536",
            "PAYMON_PRODUCER_COMPRESSION": "GZIP",
            "PAYMON_CONSUMER_FETCH_BYTES": "1048576",
            "PAYMON_COMMIT_INTERVAL": "2.5",
        },
        tmp_path,
    )
    assert conf.producer_max_batch_size == 65536
    assert conf.producer_compression_type == "gzip"
    assert conf.consumer_max_fetch_size == 1048576
    assert conf.broker_commit_interval == 2.5


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("PAYMON_PRODUCER_BATCH_BYTES", "5k", "not an integer"),
        ("PAYMON_PRODUCER_BATCH_BYTES", "100", ">= 1024"),
        ("PAYMON_PRODUCER_COMPRESSION", "lz4", "one of NONE, GZIP"),
        ("PAYMON_CONSUMER_FETCH_BYTES", "big", "not an integer"),
        ("PAYMON_COMMIT_INTERVAL", "0", "positive number of seconds"),
    ],
)
def test_bad_tuning_value_names_the_variable(variable: str, value: str, problem: str) -> None:
    with pytest.raises(SettingsError) as error:
        Settings.from_env({variable: value})
    assert str(error.value).startswith(f"{variable}=") and problem in str(error.value)
