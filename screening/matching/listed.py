"""The listed names of an index: each entry's spellings, normalised once, and how a query of
each party kind compares with them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from screening.matching.prepare import PreparedName, prepare
from screening.matching.results import PartyKind
from screening.model import EntryType, ListEntry, NameQuality
from screening.names import NameForm

__all__ = [
    "QUERY_KINDS",
    "ListedName",
    "compare_kind",
    "kind_allows",
    "kind_slots",
    "prepare_entries",
    "spellings",
]

# A query's kind -> its slot in each listed name's `kind_slots`.
QUERY_KINDS: tuple[PartyKind, PartyKind, PartyKind] = ("person", "organisation", "any")


@dataclass(frozen=True, slots=True)
class ListedName:
    """One listed spelling of one entry, normalised once."""

    entry_id: str
    text: str
    quality: NameQuality
    entry_type: EntryType
    prepared: PreparedName


def name_form(entry_type: EntryType) -> NameForm:
    """How a listed name of `entry_type` is normalised."""
    if entry_type is EntryType.PERSON:
        return "person"
    if entry_type is EntryType.ORGANISATION:
        return "organisation"
    if entry_type in (EntryType.VESSEL, EntryType.AIRCRAFT):
        return "object"
    return "any"


def kind_allows(kind: PartyKind, entry_type: EntryType) -> bool:
    """False when a query of `kind` never matches an entry of `entry_type` (a person is no vessel)."""
    if kind == "person":
        return entry_type in (EntryType.PERSON, EntryType.UNKNOWN)
    if kind == "organisation":
        return entry_type is not EntryType.PERSON
    return True


def compare_kind(kind: PartyKind, entry_type: EntryType) -> PartyKind:
    """The kind a query of `kind` is compared as against an entry of `entry_type`."""
    if kind != "any":
        return kind
    if entry_type is EntryType.PERSON:
        return "person"
    if entry_type is EntryType.ORGANISATION:
        return "organisation"
    return "any"


def kind_slots(entry_type: EntryType) -> tuple[PartyKind | None, PartyKind | None, PartyKind | None]:
    """How a listed name of `entry_type` is compared by a query of each of `QUERY_KINDS` (None:
    that query skips it), for the engine."""
    person, organisation, any_kind = (
        compare_kind(kind, entry_type) if kind_allows(kind, entry_type) else None for kind in QUERY_KINDS
    )
    return person, organisation, any_kind


# A parenthesised part of a listed name: an acronym or a place the name is also known without
# (`BUTEMBO AIRLINES (BAL)`, `FOREIGN TRADE BANK (FTB)`, `AL-HARAMAIN FOUNDATION (PAKISTAN)`).
_PARENTHESISED = re.compile(r"\s*\([^()]*\)")


def spellings(text: str, entry_type: EntryType) -> tuple[str, ...]:
    """The spellings a listed name of `entry_type` is compared by: the name as listed and, for
    any entry but a person, when it holds a parenthesised part, the name without it (a payment
    writes `Butembo Airlines`, not `(BAL)`: with the acronym kept it scored 0.67, a single
    distinctive word against two). A person's parentheses hold remarks or the name in its own
    script, which the lists' other names already give."""
    if entry_type is EntryType.PERSON:
        return (text,)
    without = " ".join(_PARENTHESISED.sub(" ", text).split())
    return (text, without) if without and without != text else (text,)


def prepare_entries(entries: Iterable[ListEntry]) -> list[ListedName]:
    """Every spelling (`spellings`) of every name of every entry with comparable tokens, in entry
    order, normalised as its entry's type says; each keeps the listed name as its text."""
    out: list[ListedName] = []
    for entry in entries:
        form = name_form(entry.entry_type)
        for name in entry.names():
            for spelling in spellings(name.text, entry.entry_type):
                prepared = prepare(spelling, form)
                if prepared.tokens:
                    out.append(
                        ListedName(entry.entry_id, name.text, name.quality, entry.entry_type, prepared)
                    )
    return out
