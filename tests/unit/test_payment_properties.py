"""Property tests: whatever bytes arrive, the decoder and the agent's per-record step answer with
a decision or a dead letter naming a reason class, never an exception, within the output limit.

Bounded in time: a fixed number of examples, each with a deadline (no wall-time assertion: the
deadline only makes a pathological example show up as a failure instead of a hang)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.metrics import DEAD_LETTER_REASONS
from agents.payments import OUTPUT_MAX_BYTES, BatchContext, RawPayment, process_batch
from schemas.decision import decode_decision
from schemas.payment import PaymentError, PaymentLimits, decode_payment
from screening.index import ListIndex
from screening.lists import decode_entry
from screening.screen import ScreeningState

LISTS = Path(__file__).resolve().parents[1] / "fixtures" / "reliability" / "lists.jsonl"
BOUNDED = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])

STATE = ScreeningState(
    index=ListIndex.build([decode_entry(line) for line in LISTS.read_bytes().splitlines() if line.strip()]),
    ownership=None,
    list_version="reltest@1",
)
CONTEXT = BatchContext(STATE, 0.7, "2026-03-01T10:00:00.000Z", PaymentLimits())

# Text that stresses the screener: any code point (bidi controls, zero-width, surrogates
# excluded by JSON), long words, listed names mixed in.
names = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
    st.sampled_from(["Bank Melli Iran", "\u202enarI illeM knaB\u202c", "Zorblax Trading House"]),
    st.builds(lambda word, n: word * n, st.text(min_size=1, max_size=3), st.integers(1, 400)),
)


def payment(creditor: str, remittance: str, extra: Any) -> bytes:
    return orjson.dumps(
        {
            "payment_id": "p-1",
            "created_at": "2026-03-01T10:00:00Z",
            "amount": "1.00",
            "currency": "EUR",
            "debtor": {"name": "Anna Example"},
            "creditor": {"name": creditor},
            "remittance_info": remittance,
            "extra": extra,
        }
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=20),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=5), kids, max_size=4),
    max_leaves=30,
)


def check_one(value: bytes) -> None:
    outcome = process_batch([RawPayment("payments", 0, 7, None, b"k", value)], CONTEXT)
    assert len(outcome.screened) + len(outcome.dead_letters) == 1
    for record in outcome.screened:
        assert len(record.value) <= OUTPUT_MAX_BYTES
        decision = decode_decision(record.value)
        assert (decision.decision == "alert") == bool(decision.hits)
    for letter in outcome.dead_letters:
        assert letter.reason in DEAD_LETTER_REASONS and len(letter.record.value) <= OUTPUT_MAX_BYTES


@BOUNDED
@given(st.binary(max_size=2_000))
def test_arbitrary_bytes_are_decided_or_dead_lettered(value: bytes) -> None:
    try:
        decode_payment(value)
    except PaymentError as exc:
        assert exc.problem in DEAD_LETTER_REASONS
    check_one(value)


@BOUNDED
@given(names, names, json_values)
def test_arbitrary_names_texts_and_extra_fields_are_decided(
    creditor: str, remittance: str, extra: Any
) -> None:
    check_one(payment(creditor, remittance, extra))


@BOUNDED
@given(st.binary(max_size=400), st.integers(0, 5_000))
def test_mutated_valid_payments_are_decided_or_dead_lettered(noise: bytes, cut: int) -> None:
    valid = payment("Bank Melli Iran", "invoice 42", None)
    at = cut % (len(valid) + 1)
    check_one(valid[:at] + noise + valid[at:])


@pytest.mark.parametrize("depth", [31, 33, 5_000])
def test_nesting_at_and_over_the_bound(depth: int) -> None:
    value = b'{"payment_id":"x","deep":' + b"[" * depth + b"]" * depth + b"}"
    check_one(value)
