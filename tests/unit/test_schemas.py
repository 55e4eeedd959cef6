"""The published JSON Schemas match the typed models, and agree with msgspec on what is valid."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paymon_cli.offline import DEMO_DATA
from schemas.decision import Decision, Hit, decode_decision, encode_decision, make_alert_id
from schemas.generate import SCHEMA_DIR, published_schemas, render
from schemas.payment import (
    Agent,
    Party,
    Payment,
    PaymentError,
    PaymentLimits,
    PostalAddress,
    check_lengths,
    decode_payment,
    encode_payment,
    json_depth,
)

VALID_PAYMENT: dict[str, Any] = {
    "payment_id": "p-1",
    "created_at": "2024-10-01T09:00:00Z",
    "amount": "12.50",
    "currency": "EUR",
    "debtor": {"name": "Debtor Ltd", "country": "DE", "address": {"lines": ["1 Main St"], "country": "DE"}},
    "creditor": {"name": "Creditor", "birth_date": "1970-01-01"},
    "debtor_agent": {"bic": "DEUTDEFF"},
    "intermediary_agents": [{"bic": "FTBDKPPYXXX", "name": "x", "lei": "L", "country": "KP"}],
    "remittance_info": "invoice 1",
    "a_field_from_a_newer_producer": {"kept": True},
}


def _with(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A copy of VALID_PAYMENT with the value at `path` replaced (or removed for ...)."""
    doc = copy.deepcopy(VALID_PAYMENT)
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    if value is ...:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


# Each case: a payment document and whether it is a valid event.
PAYMENT_CASES: list[tuple[str, dict[str, Any], bool]] = [
    ("valid", VALID_PAYMENT, True),
    ("numeric amount", _with(("amount",), 12.5), True),
    ("integer amount", _with(("amount",), 12), True),
    ("offset time", _with(("created_at",), "2024-10-01T09:00:00.123+02:00"), True),
    ("no optional parties", _with(("debtor_agent",), ...), True),
    ("null optional", _with(("ultimate_debtor",), None), True),
    ("missing creditor", _with(("creditor",), ...), False),
    ("missing payment_id", _with(("payment_id",), ...), False),
    ("empty payment_id", _with(("payment_id",), ""), False),
    ("lower-case currency", _with(("currency",), "eur"), False),
    ("bad amount text", _with(("amount",), "12,50"), False),
    ("boolean amount", _with(("amount",), True), False),
    ("date without time", _with(("created_at",), "2024-10-01"), False),
    ("time without offset", _with(("created_at",), "2024-10-01T09:00:00"), False),
    ("bad country", _with(("debtor", "country"), "Germany"), False),
    ("bad address country", _with(("debtor", "address", "country"), "de"), False),
    ("short BIC", _with(("debtor_agent", "bic"), "DEUT"), False),
    ("party not an object", _with(("debtor",), "Debtor Ltd"), False),
    ("lines not a list", _with(("debtor", "address", "lines"), "1 Main St"), False),
    ("intermediaries not a list", _with(("intermediary_agents",), {"bic": "DEUTDEFF"}), False),
    ("name not a string", _with(("creditor", "name"), 42), False),
]


def test_committed_schemas_equal_generated_output() -> None:
    generated = published_schemas()
    assert sorted(generated) == sorted(p.name for p in SCHEMA_DIR.glob("*.schema.json"))
    for filename, schema in generated.items():
        committed = (SCHEMA_DIR / filename).read_text(encoding="utf-8")
        assert committed == render(schema), f"{filename} is stale: run python -m schemas.generate"


def test_published_schemas_are_valid_draft_2020_12() -> None:
    for schema in published_schemas().values():
        jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize(("case", "doc", "valid"), PAYMENT_CASES, ids=[c[0] for c in PAYMENT_CASES])
def test_jsonschema_and_msgspec_agree_on_payments(case: str, doc: dict[str, Any], valid: bool) -> None:
    schema = published_schemas()["payment.schema.json"]
    schema_says = jsonschema.Draft202012Validator(schema).is_valid(doc)
    try:
        decode_payment(json.dumps(doc))
        msgspec_says = True
    except PaymentError:
        msgspec_says = False
    assert (schema_says, msgspec_says) == (valid, valid), case


def test_payment_error_names_the_field() -> None:
    with pytest.raises(PaymentError, match=r"\$\.debtor\.country"):
        decode_payment(json.dumps(_with(("debtor", "country"), "Germany")))
    with pytest.raises(PaymentError, match="creditor"):
        decode_payment(json.dumps(_with(("creditor",), ...)))
    with pytest.raises(PaymentError, match="not valid JSON"):
        decode_payment(b'{"payment_id": ')


def _decision(hits: list[Hit]) -> Decision:
    return Decision(
        payment_id="p-1",
        decision="alert" if hits else "pass",
        hits=hits,
        alert_id=make_alert_id("p-1", hits) if hits else None,
        screened_at="2024-10-01T09:00:00.000Z",
        list_version="demo-1",
        algorithm="paymon-match-v1",
    )


HIT = Hit(
    role="intermediary_agent",
    query="FTBDKPPY",
    entry_id="demo:ftb",
    entry_name="FOREIGN TRADE BANK",
    matched_name="BIC FTBDKPPY",
    list="demo",
    programs=["DPRK3"],
    score=1.0,
    reason="identifier",
    explanation="identifier_match",
)


@pytest.mark.parametrize("hits", [[], [HIT]], ids=["pass", "alert"])
def test_decisions_validate_against_the_alert_schema(hits: list[Hit]) -> None:
    schema = published_schemas()["alert.schema.json"]
    decision = _decision(hits)
    jsonschema.validate(json.loads(encode_decision(decision)), schema)
    assert decode_decision(encode_decision(decision)) == decision


def test_alert_schema_rejects_an_unknown_role_like_msgspec() -> None:
    schema = published_schemas()["alert.schema.json"]
    doc = json.loads(encode_decision(_decision([HIT])))
    doc["hits"][0]["role"] = "beneficiary"
    assert not jsonschema.Draft202012Validator(schema).is_valid(doc)
    with pytest.raises(msgspec.ValidationError, match="role"):
        decode_decision(json.dumps(doc))


# --- property tests: any typed payment round-trips and is valid under the published schema ----

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
_country = st.from_regex(r"\A[A-Z]{2}\Z")
_bic = st.from_regex(r"\A[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?\Z")
_addresses = st.builds(
    PostalAddress,
    street=st.none() | _text,
    town=st.none() | _text,
    country=st.none() | _country,
    lines=st.lists(_text, max_size=3),
)
_parties = st.builds(
    Party,
    name=st.none() | _text,
    id=st.none() | _text,
    lei=st.none() | _text,
    country=st.none() | _country,
    address=st.none() | _addresses,
    birth_date=st.none() | _text,
)
_agents = st.builds(Agent, bic=st.none() | _bic, name=st.none() | _text, country=st.none() | _country)
_payments = st.builds(
    Payment,
    payment_id=_text.filter(bool),
    created_at=st.from_regex(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})\Z"),
    amount=st.from_regex(r"\A-?\d{1,12}(\.\d{1,4})?\Z")
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False),
    currency=st.from_regex(r"\A[A-Z]{3}\Z"),
    debtor=_parties,
    creditor=_parties,
    ultimate_debtor=st.none() | _parties,
    debtor_agent=st.none() | _agents,
    intermediary_agents=st.lists(_agents, max_size=3),
    remittance_info=st.none() | _text,
)


@settings(max_examples=60, deadline=None)
@given(_payments)
def test_payment_round_trip_and_schema_validity(payment: Payment) -> None:
    raw = encode_payment(payment)
    assert decode_payment(raw) == payment
    jsonschema.validate(json.loads(raw), published_schemas()["payment.schema.json"])


@pytest.mark.parametrize("which", ["demo list", "fixture list"])
def test_shipped_list_files_follow_the_list_entry_schema(which: str, fixtures_dir: Path) -> None:
    path = (
        DEMO_DATA / "demo_list.jsonl"
        if which == "demo list"
        else fixtures_dir / "payments" / "screen_list.jsonl"
    )
    validator = jsonschema.Draft202012Validator(published_schemas()["list-entry.schema.json"])
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        errors = [error.message for error in validator.iter_errors(json.loads(line))]
        assert not errors, f"{path.name}:{number}: {errors}"


def test_demo_payments_are_valid_except_the_rejects_demo() -> None:
    validator = jsonschema.Draft202012Validator(published_schemas()["payment.schema.json"])
    lines = (DEMO_DATA / "demo_payments.jsonl").read_text(encoding="utf-8").splitlines()
    verdicts = []
    for line in lines:
        try:
            verdicts.append(validator.is_valid(json.loads(line)))
        except json.JSONDecodeError:
            verdicts.append(False)
    assert verdicts == [True] * 20 + [False] * 3  # the last three lines demonstrate rejects


def test_invalid_utf8_inside_a_string_is_a_payment_error() -> None:
    # msgspec decodes string contents with Python's codec, which raised UnicodeDecodeError past
    # the decoder (`paymon screen` stopped on such a line instead of rejecting it).
    raw = b'{"payment_id":"p\xff\xfe","created_at":"2026-01-02T03:04:05Z"}'
    with pytest.raises(PaymentError, match="UTF-8"):
        decode_payment(raw)


def _decoded_with_every_check(raw: bytes, limits: PaymentLimits) -> Payment:
    """`decode_payment` as it reads without its shortcuts: the nesting walked and every field's
    length checked, whatever the record's size."""
    depth = json_depth(raw)
    if depth > limits.max_json_depth:
        raise PaymentError(
            f"JSON nested {depth} levels deep, over the limit of {limits.max_json_depth} "
            "(PAYMON_MAX_JSON_DEPTH)",
            "too_deep",
        )
    unbounded = PaymentLimits(max_json_depth=10**9, max_name_chars=10**9, max_text_chars=10**9)
    payment = decode_payment(raw, unbounded)
    check_lengths(payment, limits)
    return payment


def _outcome(decode: Any, raw: bytes, limits: PaymentLimits) -> tuple[str, str] | Payment:
    try:
        return decode(raw, limits)
    except PaymentError as exc:
        return exc.problem, str(exc)


@settings(max_examples=300)
@given(
    depth=st.integers(0, 12),
    brackets_in_text=st.integers(0, 12),
    name_length=st.integers(0, 300),
    limit=st.integers(2, 10),
    char_limit=st.integers(1, 400),
)
def test_decoding_shortcuts_answer_as_every_check_would(
    depth: int, brackets_in_text: int, name_length: int, limit: int, char_limit: int
) -> None:
    # The bracket count and the record size only let decoding skip a walk or a check that could
    # not fail: the same payment or the same error, at and around each bound.
    raw = json.dumps(
        {
            "payment_id": "p-1",
            "created_at": "2026-03-01T10:00:00Z",
            "amount": "1.00",
            "currency": "EUR",
            "debtor": {"name": ("a" if name_length % 3 else "é") * name_length},
            "creditor": {"name": "Anna"},
            "remittance_info": "[{" * brackets_in_text,
            "extra": json.loads("[" * depth + "]" * depth) if depth else None,
        },
        ensure_ascii=name_length % 2 == 0,
    ).encode()
    limits = PaymentLimits(max_json_depth=limit, max_name_chars=char_limit, max_text_chars=char_limit + 3)
    assert _outcome(decode_payment, raw, limits) == _outcome(_decoded_with_every_check, raw, limits)
