"""The decision / alert contract: what paymon decided about one payment and why.

A `Decision` is written for every screened payment (audit topic) and, when `decision == "alert"`,
to the alerts topic. `decision == "unscreened"` (algorithm `unscreened-pass-through`) marks a
payment a benchmark worker passed on without screening it: never a clearance. `alert_id` is
deterministic from the payment id and its hits so consumers can drop duplicates after a redelivery.
"""


import builtins
import hashlib
from typing import Literal

import msgspec

Role = Literal[
    "debtor",
    "creditor",
    "ultimate_debtor",
    "ultimate_creditor",
    "debtor_agent",
    "creditor_agent",
    "intermediary_agent",
    "remittance_info",
    "purpose",
]
Reason = Literal["name", "identifier", "remittance", "ownership"]
# "unscreened" is written only by a worker in the benchmark-only pass-through mode
# (PAYMON_SCREENING=pass-through, `agents.pass_through`): the payment was decoded and passed on
# without being screened. It is neither "pass" nor "alert", so a consumer that acts on "pass"
# never clears an unscreened payment.
Verdict = Literal["alert", "pass", "unscreened"]


class Hit(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One reason to alert: a screened field that matched a listed entry."""

    role: Role
    query: str
    entry_id: str
    entry_name: str
    matched_name: str
    list: str
    programs: builtins.list[str]
    score: float
    reason: Reason
    explanation: str
    # `builtins.list`: inside this class body `list` is the field above, not the type.
    ownership_path: builtins.list[str] = msgspec.field(default_factory=builtins.list)
    # Who lists the entry ('ofac', 'un', 'eu', 'uk' or an OpenSanctions dataset name) and, for
    # OpenSanctions entities, every dataset that lists it; absent in decisions of older versions.
    authorities: builtins.list[str] = msgspec.field(default_factory=builtins.list)
    datasets: builtins.list[str] = msgspec.field(default_factory=builtins.list)


class Decision(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """The outcome of screening one payment."""

    payment_id: str
    decision: Verdict
    hits: list[Hit]
    alert_id: str | None
    screened_at: str
    list_version: str
    algorithm: str


def make_alert_id(payment_id: str, hits: list[Hit]) -> str:
    """A stable id for an alert: the same payment with the same hits always gives the same id,
    whatever order the hits were found in and whenever it is screened."""
    digest = hashlib.sha256(payment_id.encode())
    for key in sorted(f"{h.role}|{h.entry_id}|{h.reason}|{h.query}" for h in hits):
        digest.update(b"\x00" + key.encode())
    return digest.hexdigest()[:32]


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Decision)


def encode_decision(decision: Decision) -> bytes:
    """Encode a decision to compact JSON (the bytes written to the alerts and audit topics)."""
    return _encoder.encode(decision)


def decode_decision(raw: bytes | str) -> Decision:
    """Decode a decision written by `encode_decision`; raises msgspec errors on bad input."""
    return _decoder.decode(raw)
