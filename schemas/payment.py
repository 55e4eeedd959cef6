"""The payment event contract (one JSON object per Kafka message, key = payment_id).

Mirrors the ISO 20022 pacs.008 parties and agents. Unknown fields are accepted and ignored so
producers can add fields without breaking screening. Decoding validates types once at the edge;
`decode_payment` raises `PaymentError` naming the field and the problem.
"""

from __future__ import annotations

from typing import Annotated

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


class PaymentError(ValueError):
    """A payment event that cannot be screened; the message names the field and the problem."""


_decoder = msgspec.json.Decoder(Payment)
_encoder = msgspec.json.Encoder()


def decode_payment(raw: bytes | str) -> Payment:
    """Decode and validate one JSON payment event.

    Guarantees: returns a fully typed `Payment` or raises `PaymentError` whose message names the
    offending field path (e.g. `$.creditor.country`) and what is wrong with it.
    """
    try:
        return _decoder.decode(raw)
    except msgspec.ValidationError as exc:
        raise PaymentError(str(exc)) from exc
    except msgspec.DecodeError as exc:
        raise PaymentError(f"not valid JSON: {exc}") from exc
    except UnicodeDecodeError as exc:  # msgspec decodes string contents with Python's codec
        raise PaymentError(f"not valid UTF-8: {exc}") from exc


def encode_payment(payment: Payment) -> bytes:
    """Encode a payment event to compact JSON; `decode_payment(encode_payment(p)) == p`."""
    return _encoder.encode(payment)
