"""The one comparable form of an identifier (BIC, LEI, IMO, passport, registration number)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TypeVar

from screening.model import IdentifierScheme, ListEntry

__all__ = ["IdentifierTable", "normalise_identifier"]

_K = TypeVar("_K")

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
            for key, head in _keys(entry):
                ids.setdefault(key, []).append(entry.entry_id)
                if head is not None:
                    bic8.setdefault(head, []).append(entry.entry_id)
        self._ids = {k: tuple(dict.fromkeys(v)) for k, v in ids.items()}
        self._bic8 = {k: tuple(dict.fromkeys(v)) for k, v in bic8.items()}

    def updated(
        self, leaving: Iterable[ListEntry], arriving: Iterable[ListEntry], entries: Mapping[str, ListEntry]
    ) -> IdentifierTable:
        """The table `IdentifierTable(entries.values())` gives, from this table of a list that
        differs from `entries` by the `leaving` entries (removed ones, old versions of replaced
        ones) and the `arriving` ones; this table is untouched. Only the identifiers of those
        entries are looked at again."""
        leaving, arriving = list(leaving), list(arriving)
        gone = {entry.entry_id for entry in leaving}
        new_ids: dict[tuple[IdentifierScheme, str], list[str]] = {}
        new_bic8: dict[str, list[str]] = {}
        for entry in leaving:
            for key, head in _keys(entry):
                new_ids.setdefault(key, [])
                if head is not None:
                    new_bic8.setdefault(head, [])
        for entry in arriving:
            for key, head in _keys(entry):
                new_ids.setdefault(key, []).append(entry.entry_id)
                if head is not None:
                    new_bic8.setdefault(head, []).append(entry.entry_id)
        order = {entry_id: i for i, entry_id in enumerate(entries)} if new_ids else {}
        table = IdentifierTable.__new__(IdentifierTable)
        table._ids = _patched(self._ids, new_ids, gone, order)
        table._bic8 = _patched(self._bic8, new_bic8, gone, order)
        return table

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


def _keys(entry: ListEntry) -> Iterator[tuple[tuple[IdentifierScheme, str], str | None]]:
    """Each identifier of `entry` as its table key, with the BIC8 a BIC is also found by."""
    for ident in entry.identifiers:
        value = normalise_identifier(ident.value)
        if not value:
            continue
        head = None
        if ident.scheme is IdentifierScheme.BIC:
            value = _bic_form(value)
            head = value[:8]
        yield (ident.scheme, value), head


def _patched(
    table: Mapping[_K, tuple[str, ...]],
    arriving: Mapping[_K, list[str]],
    gone: set[str],
    order: Mapping[str, int],
) -> dict[_K, tuple[str, ...]]:
    """`table` with the ids of the `arriving` keys recomputed: the held ones not `gone`, and the
    arriving ones, in list order (`order`), each once."""
    out = dict(table)
    for key, added in arriving.items():
        ids = sorted({*(i for i in table.get(key, ()) if i not in gone), *added}, key=order.__getitem__)
        if ids:
            out[key] = tuple(ids)
        else:
            out.pop(key, None)
    return out


def _bic_form(value: str) -> str:
    """A BIC11 of the head office (`XXX` branch) is its BIC8."""
    return value[:8] if len(value) == 11 and value.endswith("XXX") else value
