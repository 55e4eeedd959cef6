"""The realistic payment generator shared by the benches (`bench.traffic`): seeded, valid where it
should be, malformed where it says, diverse, and planting exactly what it reports."""

from __future__ import annotations

import csv
import io

import msgspec
import pytest

from bench.traffic import USTRD_MAX, ListedSample, Traffic, generate_traffic
from schemas.payment import PaymentError, decode_payment

LISTED = ListedSample(
    names=("BANK MELLI IRAN", "KOREA KWANGSON BANKING CORP", "Ivan Ivanovich PETROV"),
    bics=("MELIIRTH", "KKBCKPPY"),
)
COUNT = 3000


@pytest.fixture(scope="module")
def traffic() -> Traffic:
    return generate_traffic(COUNT, LISTED, seed=7, name_pool=4000, listed_share=0.02)


def test_same_seed_same_bytes(traffic: Traffic) -> None:
    again = generate_traffic(COUNT, LISTED, seed=7, name_pool=4000, listed_share=0.02)
    assert again.payments == traffic.payments and again.ownership_csv == traffic.ownership_csv
    other = generate_traffic(200, LISTED, seed=8, name_pool=4000, listed_share=0.02)
    assert other.payments != traffic.payments[:200]


def test_valid_payments_decode_and_malformed_ones_are_refused(traffic: Traffic) -> None:
    assert len(traffic.ids) == len(set(traffic.ids)) == COUNT
    assert traffic.malformed, "a few malformed records are part of the mix"
    for number, raw in enumerate(traffic.payments):
        if number in traffic.malformed:
            with pytest.raises(PaymentError):
                decode_payment(raw)
            continue
        payment = decode_payment(raw)
        assert payment.payment_id == traffic.ids[number]
        assert payment.remittance_info is None or len(payment.remittance_info) <= USTRD_MAX


def test_names_are_diverse_and_parties_many(traffic: Traffic) -> None:
    assert traffic.distinct_names > COUNT  # debtor and creditor rarely repeat
    assert len([s for s in traffic.scripts if s != "listed"]) >= 3
    events = [msgspec.json.decode(p) for n, p in enumerate(traffic.payments) if n not in traffic.malformed]
    assert sum("ultimate_debtor" in e or "ultimate_creditor" in e for e in events) > COUNT // 20
    bics = {e["debtor_agent"]["bic"] for e in events}
    assert len(bics) > 500 and all(len(b) in (8, 11) and b[4:6].isalpha() for b in bics)


def test_planted_payments_carry_what_is_reported(traffic: Traffic) -> None:
    owners = {
        row["asset_id"]: row["owner_name"]
        for row in csv.DictReader(io.StringIO(traffic.ownership_csv))
        if float(row["percentage"]) > 50
    }
    assert 0.01 * COUNT < len(traffic.planted) < 0.03 * COUNT
    position = {payment_id: n for n, payment_id in enumerate(traffic.ids)}
    for payment_id, kind in traffic.planted.items():
        event = msgspec.json.decode(traffic.payments[position[payment_id]])
        parties = [event.get(r) or {} for r in ("debtor", "creditor", "ultimate_debtor", "ultimate_creditor")]
        if kind == "name":
            assert any(p.get("name") in LISTED.names for p in parties)
        elif kind == "bic":
            assert event["intermediary_agents"][0]["bic"] in LISTED.bics
        elif kind == "remittance":
            assert any(name in event["remittance_info"] for name in LISTED.names)
        else:
            assert kind == "ownership" and owners[event["creditor"]["id"]] in LISTED.names
