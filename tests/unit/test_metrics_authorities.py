"""`paymon_alerts_total{list}` names the authority that lists each hit entry (one series per
authority, so an OpenSanctions entity the EU and the UK both list counts for both)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from agents.metrics import PaymonMetrics
from schemas.decision import Decision, Hit


def _hit(list_name: str, authorities: list[str], reason: str = "name") -> Hit:
    return Hit(
        role="creditor",
        query="q",
        entry_id=f"{list_name}:1",
        entry_name="n",
        matched_name="n",
        list=list_name,
        programs=["P"],
        score=0.9,
        reason=reason,  # type: ignore[arg-type]
        explanation="e",
        authorities=authorities,
    )


def test_alerts_are_counted_once_per_authority_of_their_hits() -> None:
    metrics = PaymonMetrics(CollectorRegistry(), worker_version="test")
    hits = [_hit("opensanctions", ["eu", "uk"]), _hit("eu", ["eu"]), _hit("uk", ["uk"], "ownership")]
    decision = Decision(
        payment_id="p",
        decision="alert",
        hits=hits,
        alert_id="a",
        screened_at="t",
        list_version="v",
        algorithm="x",
    )
    metrics.observe_decision(decision, 0.001)

    def count(authority: str, reason: str) -> float | None:
        return metrics.registry.get_sample_value("paymon_alerts_total", {"list": authority, "reason": reason})

    assert count("eu", "name") == 1  # two hits listed by the EU, one alert
    assert count("uk", "name") == 1 and count("uk", "ownership") == 1
    assert count("opensanctions", "name") is None  # the list that carried it is not an authority


def test_a_decision_written_before_hits_named_authorities_counts_by_its_list() -> None:
    metrics = PaymonMetrics(CollectorRegistry(), worker_version="test")
    decision = Decision(
        payment_id="p",
        decision="alert",
        hits=[_hit("ofac", [])],
        alert_id="a",
        screened_at="t",
        list_version="v",
        algorithm="x",
    )
    metrics.observe_decision(decision, 0.001)
    assert metrics.registry.get_sample_value("paymon_alerts_total", {"list": "ofac", "reason": "name"}) == 1
