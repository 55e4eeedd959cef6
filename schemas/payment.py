"""The payment event contract (one JSON object per Kafka message, key = payment_id).

Mirrors the ISO 20022 pacs.008 parties and agents. Unknown fields are accepted and ignored so
producers can add fields without breaking screening. Decoding validates types once at the edge,
within bounds (`PaymentLimits`: record size, JSON nesting, name and text lengths);
`decode_payment` raises `PaymentError` naming the field and the problem, whatever the bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal

import msgspec

# ISO 3166 alpha-2 country and ISO 4217 currency, upper-case.
CountryCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
CurrencyCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$", description="ISO 4217")]
NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
Bic = Annotated[
    str,
    msgspec.Meta(pattern=r"^[A-Za-z]{6}[A-Za-z0-9]{2}([A-Za-z0-9]{3})?$", description="BIC, 8 or 11"),
]
# RFC 3339 date-time; msgspec checks the format when decoding into datetime, we keep the text.
Rfc3339 = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$",
        description="RFC 3339 date-time",
    ),
]
Amount = Annotated[str, msgspec.Meta(pattern=r"^-?\d+(\.\d+)?$")] | float | int


class PostalAddress(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """A party's postal address; every part optional."""

    street: str | None = None
    building: str | None = None
    postcode: str | None = None
    town: str | None = None
    country: CountryCode | None = None
    lines: list[str] = msgspec.field(default_factory=list)


class Party(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """A debtor, creditor or ultimate party. `id` links the party to the ownership tables."""

    name: str | None = None
    id: str | None = None
    lei: str | None = None
    account: str | None = None
    country: CountryCode | None = None
    address: PostalAddress | None = None
    birth_date: str | None = None


class Agent(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """A financial institution acting in the payment chain."""

    bic: Bic | None = None
    name: str | None = None
    lei: str | None = None
    country: CountryCode | None = None


class Payment(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One payment event. `debtor` and `creditor` are required; everything screened is here."""

    payment_id: NonEmpty
    created_at: Rfc3339
    amount: Amount
    currency: CurrencyCode
    debtor: Party
    creditor: Party
    ultimate_debtor: Party | None = None
    ultimate_creditor: Party | None = None
    debtor_agent: Agent | None = None
    creditor_agent: Agent | None = None
    intermediary_agents: list[Agent] = msgspec.field(default_factory=list)
    remittance_info: str | None = None
    purpose: str | None = None


# Why a payment cannot be screened, as a small fixed vocabulary (the dead-letter `reason`).
PaymentProblem = Literal[
    "empty", "invalid_json", "invalid_utf8", "too_large", "too_deep", "too_long", "schema", "missing_field"
]

# Defaults of the input bounds (the operator's PAYMON_* settings start from these, see
# agents/settings.py). A payment is a few KB; half a MiB leaves room for long remittance text
# while a dead letter holding the original bytes still fits Kafka's 1 MB producer limit.
DEFAULT_MAX_RECORD_BYTES = 512 * 1024
# ISO 20022 names are at most 140 characters; 1,000 leaves room for concatenated name lines and
# keeps a name's screening cost (which grows with its length) under a millisecond.
DEFAULT_MAX_NAME_CHARS = 1_000
# Remittance information and purpose: pacs.008 allows repeated 140-character lines; 10,000
# characters is ~70 of them and scans in a few milliseconds.
DEFAULT_MAX_TEXT_CHARS = 10_000
# A payment nests five levels (payment, party, address, lines); 32 leaves room for producers'
# own extra fields while refusing the deep nesting that exhausts a JSON decoder's stack.
DEFAULT_MAX_JSON_DEPTH = 32


@dataclass(frozen=True, slots=True)
class PaymentLimits:
    """Bounds on one payment event, checked before and right after decoding (see the defaults)."""

    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    max_name_chars: int = DEFAULT_MAX_NAME_CHARS
    max_text_chars: int = DEFAULT_MAX_TEXT_CHARS
    max_json_depth: int = DEFAULT_MAX_JSON_DEPTH


class PaymentError(ValueError):
    """A payment event that cannot be screened; the message names the field and the problem,
    `problem` classifies it (one of `PaymentProblem`)."""

    def __init__(self, message: str, problem: PaymentProblem = "schema") -> None:
        super().__init__(message)
        self.problem: PaymentProblem = problem


_decoder = msgspec.json.Decoder(Payment)
_encoder = msgspec.json.Encoder()
# JSON brackets outside strings: strings are matched whole so brackets inside them are skipped.
_JSON_NESTING = re.compile(rb'[\[\]{}]|"(?:[^"\\]++|\\.)*+"')


def decode_payment(raw: bytes | str, limits: PaymentLimits = PaymentLimits()) -> Payment:
    """Decode and validate one JSON payment event within `limits`.

    Guarantees: returns a fully typed `Payment` or raises `PaymentError` (never another
    exception, whatever the bytes) whose message names the offending field path (e.g.
    `$.creditor.country`) or the bound exceeded, and whose `problem` classifies it.
    """
    data = raw.encode("utf-8", errors="surrogatepass") if isinstance(raw, str) else raw
    if len(data) > limits.max_record_bytes:
        raise PaymentError(
            f"record of {len(data)} bytes is over the limit of {limits.max_record_bytes} "
            "(PAYMON_MAX_RECORD_BYTES)",
            "too_large",
        )
    # (a record cannot nest deeper than it has opening brackets: most need no walk at all)
    brackets = data.count(b"{") + data.count(b"[")
    depth = json_depth(data) if brackets > limits.max_json_depth else 0
    if depth > limits.max_json_depth:
        raise PaymentError(
            f"JSON nested {depth} levels deep, over the limit of {limits.max_json_depth} "
            "(PAYMON_MAX_JSON_DEPTH)",
            "too_deep",
        )
    try:
        payment = _decoder.decode(data)
    except msgspec.ValidationError as exc:
        message = str(exc)
        problem: PaymentProblem = "missing_field" if "missing required field" in message else "schema"
        raise PaymentError(message, problem) from None
    except msgspec.DecodeError as exc:
        raise PaymentError(f"not valid JSON: {exc}", "invalid_json") from None
    except UnicodeDecodeError as exc:
        raise PaymentError(f"not valid UTF-8: {exc.reason}", "invalid_utf8") from None
    except RecursionError:
        raise PaymentError("JSON nested too deep for the decoder", "too_deep") from None
    # (a field cannot hold more characters than the record has bytes)
    if len(data) > min(limits.max_name_chars, limits.max_text_chars):
        check_lengths(payment, limits)
    return payment


def json_depth(data: bytes) -> int:
    """The deepest nesting of JSON arrays/objects in `data` (brackets inside strings ignored);
    linear in the length, tolerant of malformed input (which the decoder then refuses)."""
    depth = deepest = 0
    for match in _JSON_NESTING.finditer(data):
        token = match.group()
        if token in (b"{", b"["):
            depth += 1
            deepest = max(deepest, depth)
        elif token in (b"}", b"]"):
            depth -= 1
    return deepest


def check_lengths(payment: Payment, limits: PaymentLimits) -> None:
    """Raise `PaymentError` (`too_long`) naming the first name or text field over its bound."""
    names: list[tuple[str, str | None]] = []
    for role in ("debtor", "creditor", "ultimate_debtor", "ultimate_creditor"):
        party: Party | None = getattr(payment, role)
        if party is not None:
            names.append((f"$.{role}.name", party.name))
    for role in ("debtor_agent", "creditor_agent"):
        agent: Agent | None = getattr(payment, role)
        if agent is not None:
            names.append((f"$.{role}.name", agent.name))
    for i, intermediary in enumerate(payment.intermediary_agents):
        names.append((f"$.intermediary_agents[{i}].name", intermediary.name))
    texts = (("$.remittance_info", payment.remittance_info), ("$.purpose", payment.purpose))
    for fields, bound, variable in (
        (names, limits.max_name_chars, "PAYMON_MAX_NAME_CHARS"),
        (texts, limits.max_text_chars, "PAYMON_MAX_TEXT_CHARS"),
    ):
        for path, value in fields:
            if value is not None and len(value) > bound:
                raise PaymentError(
                    f"{path}: {len(value)} characters, over the limit of {bound} ({variable})", "too_long"
                )


def encode_payment(payment: Payment) -> bytes:
    """Encode a payment event to compact JSON; `decode_payment(encode_payment(p)) == p`."""
    return _encoder.encode(payment)
