"""The benchmark-only pass-through mode (PAYMON_SCREENING=pass-through): one road from the variable
to the agent, decisions marked "unscreened" that no consumer can read as a clearance, dead letters
kept, and metrics that never count an unscreened payment as a pass."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

import msgspec
import orjson
import pytest
from prometheus_client import CollectorRegistry

from agents.app import build_app
from agents.metrics import PaymonMetrics
from agents.pass_through import PASS_THROUGH_ALGORITHM, unscreened_decision
from agents.settings import Settings, SettingsError
from schemas.decision import decode_decision, encode_decision
from schemas.generate import published_schemas
from tests.agents.test_payments_agent import EVIL_BANK, assert_empty, build_rig, load, next_value, payment


class OlderDecision(msgspec.Struct):
    """The verdict as the contract had it before the pass-through mode."""

    decision: Literal["alert", "pass"]


def test_screening_is_the_default_and_pass_through_only_when_asked() -> None:
    assert Settings.from_env({}).pass_through is False
    assert Settings.from_env({"PAYMON_SCREENING": "screen"}).pass_through is False
    assert Settings.from_env({"PAYMON_SCREENING": "Pass-Through"}).pass_through is True


def test_an_unknown_screening_mode_is_refused_naming_the_variable() -> None:
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"PAYMON_SCREENING": "off"})
    assert str(error.value).startswith("PAYMON_SCREENING='off'") and "PASS-THROUGH" in str(error.value)


def test_the_worker_built_from_the_variable_says_it_does_not_screen(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    env = {"PAYMON_DATA_DIR": str(tmp_path)}
    with caplog.at_level(logging.WARNING, logger="agents.app"):
        build_app(Settings.from_env(env), follow=False)
    assert "NOT screened" not in caplog.text
    with caplog.at_level(logging.WARNING, logger="agents.app"):
        build_app(Settings.from_env({**env, "PAYMON_SCREENING": "pass-through"}), follow=False)
    assert "PAYMON_SCREENING=pass-through: payments are NOT screened" in caplog.text


def test_an_unscreened_decision_is_neither_pass_nor_alert_and_fits_the_contract() -> None:
    decision = unscreened_decision("p-1", "2026-01-02T03:04:05.000Z")
    assert decision.decision == "unscreened" and decision.algorithm == PASS_THROUGH_ALGORITHM
    assert decision.hits == [] and decision.alert_id is None and decision.list_version == "none"
    assert decode_decision(encode_decision(decision)) == decision
    verdicts = published_schemas()["alert.schema.json"]["$defs"]["Decision"]["properties"]["decision"]
    assert verdicts["enum"] == ["alert", "pass", "unscreened"]
    # A consumer on the older contract (alert | pass) refuses it rather than reading a clearance.
    with pytest.raises(msgspec.ValidationError, match="decision"):
        msgspec.json.decode(encode_decision(decision), type=OlderDecision)


async def test_the_pass_through_agent_marks_every_payment_unscreened_and_dead_letters_bad_ones() -> None:
    rig = build_rig("paymon-pass-through-test", pass_through=True)
    await load(rig.reference, EVIL_BANK)
    async with rig.agent.test_context() as running:
        # A listed name: screening would alert; the pass-through must not pass it either.
        await running.put(payment("p-hit", "Zorblax Trading House"), key=b"p-hit", wait=False)
        await running.put(b'{"payment_id": "p-bad"}', key=b"p-bad", wait=False)
        key, value = await next_value(rig.screened)
        decision = decode_decision(value)
        assert key == b"p-hit" and decision.decision == "unscreened"
        assert decision.algorithm == PASS_THROUGH_ALGORITHM and decision.hits == []
        letter = orjson.loads((await next_value(rig.dlq))[1])
        assert letter["key"] == "p-bad" and "missing required field" in letter["error"]
        await assert_empty(rig.alerts)


def test_metrics_count_unscreened_payments_apart_from_passes() -> None:
    registry = CollectorRegistry()
    metrics = PaymonMetrics(registry)
    metrics.observe_decision(unscreened_decision("p-1", "2026-01-02T03:04:05.000Z"), 0.0)
    screened = {
        sample.labels["decision"]: sample.value
        for family in registry.collect()
        if family.name == "paymon_payments_screened"
        for sample in family.samples
        if sample.name.endswith("_total")
    }
    assert screened == {"alert": 0.0, "pass": 0.0, "unscreened": 1.0}
