"""Per-record isolation and bounds of the payments agent's pure step (`process_batch`).

The same faults against the real broker are in tests/integration/test_stream_poison.py; here
each is pinned on its own, with the real decoder, index and screener.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import orjson
import pytest

from agents.payments import (
    DEAD_LETTER_PREFIX_BYTES,
    OUTPUT_MAX_BYTES,
    BatchContext,
    RawPayment,
    dead_letter,
    process_batch,
)
from schemas.decision import decode_decision
from schemas.payment import PaymentLimits
from screening.index import ListIndex
from screening.lists import decode_entry
from screening.screen import QUOTE_CHARS, ScreeningState

LISTS = Path(__file__).resolve().parents[1] / "fixtures" / "reliability" / "lists.jsonl"


@pytest.fixture(scope="module")
def state() -> ScreeningState:
    entries = [decode_entry(line) for line in LISTS.read_bytes().splitlines() if line.strip()]
    return ScreeningState(index=ListIndex.build(entries), ownership=None, list_version="reltest@1")


def event(payment_id: str, creditor: str = "Bäckerei Beispiel", **extra: Any) -> bytes:
    return orjson.dumps(
        {
            "payment_id": payment_id,
            "created_at": "2026-03-01T10:00:00Z",
            "amount": "10.00",
            "currency": "EUR",
            "debtor": {"name": "Hannelore Beispiel"},
            "creditor": {"name": creditor},
            **extra,
        }
    )


def raw(offset: int, value: bytes | None) -> RawPayment:
    return RawPayment("payments", 0, offset, 1.0, f"k{offset}".encode(), value)


def context(state: ScreeningState, **limits: int) -> BatchContext:
    return BatchContext(state, 0.7, "2026-03-01T10:00:01.000Z", PaymentLimits(**limits))


POISON = {
    "invalid_utf8": b'{"payment_id":"\xff\xfe\xfd"}',
    "too_deep": b'{"payment_id":"x","n":' + b"[" * 10_000 + b"]" * 10_000 + b"}",
    "too_large": b"x" * 900_000,
    "invalid_json": b'{"payment_id": ',
    "empty": None,
}


@pytest.mark.parametrize("reason", sorted(POISON))
def test_a_poison_record_among_valid_ones_dead_letters_only_itself(
    state: ScreeningState, reason: str
) -> None:
    batch = [raw(i, event(f"p-{i}")) for i in range(20)]
    batch.insert(7, raw(99, POISON[reason]))
    outcome = process_batch(batch, context(state))
    assert [decode_decision(r.value).payment_id for r in outcome.screened] == [f"p-{i}" for i in range(20)]
    assert [letter.reason for letter in outcome.dead_letters] == [reason]
    assert len(outcome.dead_letters[0].record.value) <= OUTPUT_MAX_BYTES


def test_a_screening_failure_dead_letters_that_payment_and_decides_the_rest(state: ScreeningState) -> None:
    class BrokenIndex:
        """The real index, except that one name makes it raise (a screening bug)."""

        def __getattr__(self, name: str) -> Any:
            return getattr(state.index, name)

        def match_name(self, query: str, **kwargs: Any) -> Any:
            if query == "Crash Test GmbH":
                raise RecursionError("maximum recursion depth exceeded")
            return state.index.match_name(query, **kwargs)

    broken = ScreeningState(index=BrokenIndex(), ownership=None, list_version="v")  # type: ignore[arg-type]
    outcome = process_batch([raw(0, event("ok-1")), raw(1, event("bad", "Crash Test GmbH"))], context(broken))
    assert [decode_decision(r.value).payment_id for r in outcome.screened] == ["ok-1"]
    letter = orjson.loads(outcome.dead_letters[0].record.value)
    assert outcome.dead_letters[0].reason == "screening_error" and "RecursionError" in letter["error"]


def test_names_and_texts_over_their_bound_are_dead_lettered_naming_the_field(state: ScreeningState) -> None:
    long_name = event("n", "B" * 100_000)
    padded = event("t", remittance_info="Bank Melli Iran " + "x" * 600_000)
    outcome = process_batch([raw(0, long_name), raw(1, padded)], context(state, max_record_bytes=2_000_000))
    errors = [orjson.loads(letter.record.value)["error"] for letter in outcome.dead_letters]
    assert [letter.reason for letter in outcome.dead_letters] == ["too_long", "too_long"]
    assert errors[0].startswith("$.creditor.name: 100000 characters") and "PAYMON_MAX_NAME_CHARS" in errors[0]
    assert errors[1].startswith("$.remittance_info:") and "PAYMON_MAX_TEXT_CHARS" in errors[1]


def test_a_listed_name_in_long_text_alerts_quoting_only_its_window(state: ScreeningState) -> None:
    text = "invoice 4711 goods delivered " * 20_000 + "paid via Bank Melli Iran Tehran " + "ref 42 " * 1000
    payment = event("long", remittance_info=text)
    limits = {"max_record_bytes": 2_000_000, "max_text_chars": 1_000_000}
    outcome = process_batch([raw(0, payment)], context(state, **limits))
    decision = decode_decision(outcome.alerts[0].value)
    hit = decision.hits[0]
    assert hit.entry_id == "reltest:1" and hit.role == "remittance_info"
    assert "Bank Melli Iran" in hit.query and len(hit.query) <= QUOTE_CHARS + 2
    assert len(outcome.alerts[0].value) < 10_000


def test_dead_letters_store_the_bytes_once_and_fit_the_producer_limit() -> None:
    text = dead_letter(raw(3, b'{"a": 1'), "not valid JSON")
    letter = orjson.loads(text.value)
    assert letter["value_text"] == '{"a": 1' and "value_base64" not in letter
    binary = orjson.loads(dead_letter(raw(4, b"\xff" * 10), "x").value)
    assert base64.b64decode(binary["value_base64"]) == b"\xff" * 10 and "value_text" not in binary
    huge = b"\xfe" * 900_000  # base64 would be 1.2 MB
    record = dead_letter(raw(5, huge), "too large")
    assert len(record.value) <= OUTPUT_MAX_BYTES
    big = orjson.loads(record.value)
    assert big["value_bytes"] == 900_000
    assert (big["topic"], big["partition"], big["offset"]) == ("payments", 0, 5)
    assert base64.b64decode(big["value_prefix_base64"]) == huge[:DEAD_LETTER_PREFIX_BYTES]
