"""The list entry record: paymon's own JSON Lines list format and the value of every message
on the `sanctions-lists` topic (key = entry_id).

One record mirrors one `screening.model.ListEntry`, field for field, so encoding an entry and
decoding it back gives the same entry. Decoding validates types and shapes once at the edge and
raises `msgspec.ValidationError` naming the field (`... - at $.aliases[0].quality`).
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = ["AddressRecord", "AliasRecord", "IdentifierRecord", "ListEntryRecord"]

NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
CountryCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
# ISO date prefixes: a year, a year and month, or a full date.
BirthDate = Annotated[str, msgspec.Meta(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="YYYY[-MM[-DD]]")]
EntryId = Annotated[str, msgspec.Meta(pattern=r"^[^:\s]+:\S.*$", description="<list>:<id>")]
EntryTypeName = Literal["person", "organisation", "vessel", "aircraft", "unknown"]
QualityName = Literal["primary", "strong", "weak"]
SchemeName = Literal["bic", "lei", "imo", "passport", "national_id", "tax", "registration", "other"]


class AliasRecord(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """Another listed spelling of the entry's name; `weak` never alerts alone."""

    name: NonEmpty
    quality: QualityName = "strong"


class IdentifierRecord(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """An identifier compared exactly after normalisation (upper-case, no spaces or dashes)."""

    scheme: SchemeName
    value: NonEmpty
    country: CountryCode | None = None
    label: str = ""


class AddressRecord(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """A listed address; `country` is ISO alpha-2 where known, else the list's own wording."""

    street: str = ""
    city: str = ""
    postcode: str = ""
    country: str = ""


class ListEntryRecord(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One sanctioned party; `entry_id` is `<list>:<id>` and must start with `list`."""

    entry_id: EntryId
    list: NonEmpty
    type: EntryTypeName
    name: NonEmpty
    aliases: tuple[AliasRecord, ...] = ()
    programs: tuple[str, ...] = ()
    identifiers: tuple[IdentifierRecord, ...] = ()
    countries: tuple[CountryCode, ...] = ()
    birth_dates: tuple[BirthDate, ...] = ()
    addresses: tuple[AddressRecord, ...] = ()
    linked_to: tuple[str, ...] = ()
    remarks: str = ""
    list_version: str = ""
    blocking: bool = True
    extra: tuple[tuple[str, str], ...] = ()
    authorities: tuple[NonEmpty, ...] = ()
    datasets: tuple[NonEmpty, ...] = ()
