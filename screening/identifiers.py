"""The one comparable form of an identifier (BIC, LEI, IMO, passport, registration number)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from screening.model import IdentifierScheme, ListEntry

__all__ = ["IdentifierTable", "normalise_identifier"]

# Separators that lists and payments write inside identifiers and that never distinguish two.
_SEPARATORS = re.compile(r"[\s\-./]+")


def normalise_identifier(value: str) -> str:
    """`value` upper-case without spaces, dashes, dots or slashes: the form in which lists,
    payments and ownership tables are compared. Guarantees: idempotent; never raises."""
    return _SEPARATORS.sub("", value).upper()


class IdentifierTable:
    """Listed entries by identifier, exact after `normalise_identifier`. Immutable once built.

    BIC: a BIC11 ending in `XXX` equals its BIC8; a BIC8 query matches every listed BIC8/BIC11 of
    that institution; a BIC11 query matches the same BIC11 or a listed BIC8 of its first 8.
    """

    __slots__ = ("_bic8", "_ids")

    def __init__(self, entries: Iterable[ListEntry]) -> None:
        ids: dict[tuple[IdentifierScheme, str], list[str]] = {}
        bic8: dict[str, list[str]] = {}
        for entry in entries:
            for ident in entry.identifiers:
                value = normalise_identifier(ident.value)
                if not value:
                    continue
                if ident.scheme is IdentifierScheme.BIC:
                    value = _bic_form(value)
                    bic8.setdefault(value[:8], []).append(entry.entry_id)
                ids.setdefault((ident.scheme, value), []).append(entry.entry_id)
        self._ids = {k: tuple(dict.fromkeys(v)) for k, v in ids.items()}
        self._bic8 = {k: tuple(dict.fromkeys(v)) for k, v in bic8.items()}

    def entry_ids(self, scheme: IdentifierScheme, value: str) -> tuple[str, ...]:
        """Ids of the entries listing `value` under `scheme` (see class doc), each once."""
        norm = normalise_identifier(value)
        if not norm:
            return ()
        if scheme is not IdentifierScheme.BIC:
            return self._ids.get((scheme, norm), ())
        norm = _bic_form(norm)
        if len(norm) == 8:
            return self._bic8.get(norm, ())
        both = self._ids.get((scheme, norm), ()) + self._ids.get((scheme, norm[:8]), ())
        return tuple(dict.fromkeys(both))


def _bic_form(value: str) -> str:
    """A BIC11 of the head office (`XXX` branch) is its BIC8."""
    return value[:8] if len(value) == 11 and value.endswith("XXX") else value
