"""Core value types of the screening engine: list entries and their names and identifiers.

Every type here is immutable and slotted; they are built once when lists load and shared by
every screening call afterwards. Hits and decisions are contracts and live in `schemas`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from schemas.decision import Decision, Hit

__all__ = [
    "Address",
    "Decision",
    "EntryType",
    "Hit",
    "Identifier",
    "IdentifierScheme",
    "ListEntry",
    "Name",
    "NameQuality",
]


class EntryType(StrEnum):
    """What a listed entry is; drives which name rules apply."""

    PERSON = "person"
    ORGANISATION = "organisation"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"
    UNKNOWN = "unknown"


class NameQuality(StrEnum):
    """How much a listed name can be trusted to identify its entry on its own."""

    PRIMARY = "primary"  # the list's own name for the entry
    STRONG = "strong"  # a.k.a., f.k.a., UN 'good quality' aliases
    WEAK = "weak"  # OFAC 'weak a.k.a.', UN 'low quality' aliases: never alert alone


class IdentifierScheme(StrEnum):
    """Identifier kinds compared exactly (after normalisation) rather than fuzzily."""

    BIC = "bic"
    LEI = "lei"
    IMO = "imo"
    PASSPORT = "passport"
    NATIONAL_ID = "national_id"
    TAX = "tax"
    REGISTRATION = "registration"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Name:
    """One listed spelling of an entry's name."""

    text: str
    quality: NameQuality = NameQuality.STRONG


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifier as the list gives it; `value` is upper-case with spaces and dashes removed."""

    scheme: IdentifierScheme
    value: str
    country: str | None = None
    label: str = ""  # the list's own wording, e.g. 'SWIFT/BIC', 'Tax ID No.'


@dataclass(frozen=True, slots=True)
class Address:
    """A listed address; any part may be missing."""

    street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""  # ISO 3166 alpha-2 where the source allows, else the list's country name


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One sanctioned party as loaded from a list.

    Guarantees: `entry_id` is `<list>:<id>` (e.g. `ofac:24518`, `un:KPe.019`), `primary_name` is
    non-empty, and every tuple is immutable so an entry can be shared across threads and indexes.
    `blocking` is False for non-blocking programmes (e.g. OFAC menu-based directives), which still
    alert on a direct hit but never make owned entities blocked.
    """

    entry_id: str
    list_name: str  # 'ofac', 'un', 'eu', 'uk', 'opensanctions' or a paymon JSONL list name
    entry_type: EntryType
    primary_name: str
    aliases: tuple[Name, ...] = ()
    programs: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    countries: tuple[str, ...] = ()  # ISO 3166 alpha-2 codes: nationality, citizenship, addresses
    birth_dates: tuple[str, ...] = ()  # ISO prefixes: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'
    addresses: tuple[Address, ...] = ()
    linked_to: tuple[str, ...] = ()  # names of linked entries, as the list states them
    remarks: str = ""
    list_version: str = ""  # the source's date/version, e.g. 'ofac-sdn-2024-09-update'
    blocking: bool = True
    extra: tuple[tuple[str, str], ...] = field(default=())
    # Who sanctions the entry: 'ofac', 'un', 'eu', 'uk', or an OpenSanctions dataset name such
    # as 'ch_seco_sanctions'; empty means the list itself is the authority (`list_name`).
    authorities: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()  # OpenSanctions datasets that list the entity

    def authority_codes(self) -> tuple[str, ...]:
        """The authorities that list this entry, never empty (the list's own name by default)."""
        return self.authorities or (self.list_name,)

    def names(self) -> tuple[Name, ...]:
        """The primary name first, then every alias, each once."""
        seen = {self.primary_name}
        out = [Name(self.primary_name, NameQuality.PRIMARY)]
        for alias in self.aliases:
            if alias.text not in seen:
                seen.add(alias.text)
                out.append(alias)
        return tuple(out)
