"""One ownership edge: who holds how much of what, as an interval, and its topic encoding.

A stake is an interval `(low, high)` in percent with `low_inclusive` telling whether `low` itself
is possible: an exact figure is `(60, 60, True)`, a UK PSC band 'more than 25% but not more than
50%' is `(25, 50, False)` and an unknown stake is `(0, 100, False)`. The rules only ever use what
is *surely* held (the lower bound), so a band never blocks more than the data proves.
"""

from __future__ import annotations

import math
import re

import msgspec

__all__ = [
    "UNKNOWN_STAKE",
    "OwnershipEdge",
    "PercentageError",
    "check_edge",
    "decode_edge",
    "edge_id",
    "encode_edge",
    "parse_percentage",
    "render_stake",
]

# (low, high, low_inclusive) of a stake whose size the source does not state.
UNKNOWN_STAKE: tuple[float, float, bool] = (0.0, 100.0, False)


class OwnershipEdge(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """`owner_id` holds between `low` and `high` percent of `asset_id`.

    Guarantees (when built by a loader or `decode_edge`): ids are non-empty, `0 <= low <= high
    <= 100`; `source` says where the edge came from ('file:line' or a topic key) for error
    messages and audits.
    """

    owner_id: str
    asset_id: str
    low: float
    high: float
    low_inclusive: bool = True
    owner_name: str = ""
    asset_name: str = ""
    owner_lei: str | None = None
    asset_lei: str | None = None
    source: str = ""

    @property
    def edge_id(self) -> str:
        """The stable key of this edge on the compacted `ownership` topic."""
        return edge_id(self.owner_id, self.asset_id)


def edge_id(owner_id: str, asset_id: str) -> str:
    """`'<owner_id>-><asset_id>'`: one edge per (owner, asset) pair; a later edge replaces it."""
    return f"{owner_id}->{asset_id}"


class PercentageError(ValueError):
    """A percentage text that cannot be read as a stake."""


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(OwnershipEdge)


def encode_edge(edge: OwnershipEdge) -> bytes:
    """The JSON value written to the `ownership` topic (key: `edge.edge_id`); round-trips."""
    return _encoder.encode(edge)


def decode_edge(raw: bytes | str) -> OwnershipEdge:
    """Decode and validate one `ownership` topic value.

    Raises `msgspec.ValidationError` naming the field for a wrong type, and `ValueError` for an
    empty id or an interval outside 0..100 / with `low > high`.
    """
    edge = _decoder.decode(raw)
    check_edge(edge)
    return edge


def check_edge(edge: OwnershipEdge) -> None:
    """Raise ValueError naming the problem when `edge` breaks the guarantees of `OwnershipEdge`."""
    if not edge.owner_id.strip():
        raise ValueError("owner_id is empty")
    if not edge.asset_id.strip():
        raise ValueError("asset_id is empty")
    if not (math.isfinite(edge.low) and math.isfinite(edge.high)):
        raise ValueError(f"stake bounds must be finite numbers, got low={edge.low} high={edge.high}")
    if not 0.0 <= edge.low <= edge.high <= 100.0:
        raise ValueError(f"stake must satisfy 0 <= low <= high <= 100, got low={edge.low} high={edge.high}")


_NUMBER = r"(\d+(?:[.,]\d+)?|[.,]\d+)"
_EXACT = re.compile(rf"^{_NUMBER}\s*%?$")
_RANGE = re.compile(rf"^{_NUMBER}\s*%?\s*(?:-|–|to|bis)\s*{_NUMBER}\s*%?$", re.IGNORECASE)
_ABOVE = re.compile(rf"^(>=|>|≥|more than|over|at least)\s*{_NUMBER}\s*%?$", re.IGNORECASE)
_BELOW = re.compile(rf"^(<=|<|≤|less than|under|up to)\s*{_NUMBER}\s*%?$", re.IGNORECASE)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse_percentage(text: str) -> tuple[float, float, bool]:
    """Read a free-text percentage ('51%', '51,5 %', '25-50%', '>50%', '') as (low, high, low_inclusive).

    Guarantees: an empty text is the unknown stake `(0, 100, False)`; an exact figure gives
    `low == high`; a range 'a-b' is treated as 'more than a, at most b' like the PSC bands;
    values are NOT clamped (the caller flags figures outside 0..100). Raises PercentageError
    for anything else, so a wrong figure is never guessed.
    """
    value = text.strip()
    if not value:
        return UNKNOWN_STAKE
    if m := _EXACT.match(value):
        pct = _number(m.group(1))
        return (pct, pct, True)
    if m := _RANGE.match(value):
        low, high = _number(m.group(1)), _number(m.group(2))
        if low > high:
            raise PercentageError(f"percentage range {value!r} has its bounds reversed")
        return (low, high, low == high)
    if m := _ABOVE.match(value):
        low = _number(m.group(2))
        return (low, 100.0, m.group(1).lower() in (">=", "≥", "at least"))
    if m := _BELOW.match(value):
        return (0.0, _number(m.group(2)), False)
    raise PercentageError(f"cannot read percentage {value!r} (expected e.g. '51', '51%', '25-50%', '>50%')")


def _fmt(pct: float) -> str:
    return f"{pct:.4f}".rstrip("0").rstrip(".")


def render_stake(low: float, high: float, low_inclusive: bool) -> str:
    """How a stake reads in an ownership path: '60%', '>50-75%', '>25%', '?%' (unknown)."""
    if low == high and low_inclusive:
        return f"{_fmt(low)}%"
    if low == 0.0 and not low_inclusive and high == 100.0:
        return "?%"
    prefix = ">=" if low_inclusive else ">"
    if high >= 100.0:
        return f"{prefix}{_fmt(low)}%"
    return f"{prefix}{_fmt(low)}-{_fmt(high)}%"
