"""LEI (ISO 17442) normalisation and check-digit validation."""

from __future__ import annotations

import re

from screening.identifiers import normalise_identifier

__all__ = ["normalise_lei"]

_LEI = re.compile(r"^[0-9A-Z]{18}[0-9]{2}$")


def normalise_lei(text: str) -> str:
    """The LEI in its comparable form (`normalise_identifier`); raises ValueError when it is not a
    valid LEI (20 characters, ISO 7064 MOD 97-10 check digits, as GLEIF issues them)."""
    lei = normalise_identifier(text)
    if not _LEI.match(lei):
        raise ValueError(f"LEI {text!r} is not 18 letters/digits followed by 2 check digits")
    if int("".join(str(int(ch, 36)) for ch in lei)) % 97 != 1:
        raise ValueError(f"LEI {text!r} fails its ISO 17442 check digits")
    return lei
