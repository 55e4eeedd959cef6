"""UK Sanctions List (FCDO) XML -> `ListEntry`.

Since 28 January 2026 the FCDO's UK Sanctions List is the single UK source (OFSI's consolidated
list retired). Its XML export has the root `Designations` (with `DateGenerated`) and one
`Designation` per listed person, entity or ship, all data in child elements:

- `UniqueID` (e.g. 'RUS0270') -> entry id `uk:<UniqueID>`; `OFSIGroupID`, `UNReferenceNumber`,
  `DesignationSource` (UK / UN), `SanctionsImposed`, `DateDesignated` -> `extra`;
- `RegimeName` -> the programme; `IndividualEntityShip` (Individual / Entity / Ship) -> type;
- `Names/Name` with `Name1`…`Name6` (Name1 the given name, Name6 the family or whole name) and
  `NameType`: 'Primary Name' is the primary name, 'Primary Name Variation' and 'Alias' are
  strong aliases unless `AliasStrength` says low quality (then weak);
  `NonLatinNames/NonLatinName/NameNonLatinScript` are strong aliases;
- `Addresses/Address` (`AddressLine1`…`AddressLine6`, `AddressPostalCode`, `AddressCountry`);
- `IndividualDetails/Individual`: `DOBs/DOB` as dd/mm/yyyy where unknown parts stay 'dd' and
  'mm' (or 00), `Nationalities/Nationality`, passports (`PassportNumber`) and national ids
  (`NationalIdentifierNumber`) under any item element of their Details container,
  `BirthDetails/Location`, `Genders`;
- `EntityDetails/Entity/BusinessRegistrationNumbers`, `ShipDetails/Ship/IMONumbers` and
  `CurrentBelievedFlagOfShip`.

A malformed or truncated file raises `ListLoadError` with the line; a Designation without a
UniqueID or a name, or with an unknown IndividualEntityShip, raises it naming the element.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

from lxml import etree

from screening.identifiers import normalise_identifier
from screening.lists.countries import country_code
from screening.lists.errors import ListLoadError
from screening.lists.file_load import FileLoad
from screening.lists.xml_stream import element_line as _line
from screening.lists.xml_stream import iter_records
from screening.model import Address, EntryType, Identifier, IdentifierScheme, ListEntry, Name, NameQuality

__all__ = ["UK_LIST", "UK_ROOT", "load_uk_xml"]

UK_LIST = "uk"
UK_ROOT = "Designations"
_TYPES = {"individual": EntryType.PERSON, "entity": EntryType.ORGANISATION, "ship": EntryType.VESSEL}
_PRIMARY = "primary name"
_NAME_TYPES = {"primary name", "primary name variation", "alias"}
# 'dd/mm/1971', '00/00/1971', '12/mm/1971', '03/02/1971'; a bare year too.
_DOB = re.compile(r"^(?P<day>\d{1,2}|dd|00)/(?P<month>\d{1,2}|mm|00)/(?P<year>\d{4})$", re.IGNORECASE)
_DATE_GENERATED = re.compile(r"^(\d{2})/(\d{2})/(\d{4})|^(\d{4}-\d{2}-\d{2})")


def _text(element: etree._Element | None, tag: str) -> str:
    child = None if element is None else element.find(tag)
    if child is None or child.text is None:
        return ""
    return " ".join(child.text.split())


def _texts(element: etree._Element | None, path: str) -> list[str]:
    if element is None:
        return []
    return [" ".join(node.text.split()) for node in element.iterfind(path) if node.text and node.text.strip()]


def _country(text: str) -> str:
    return country_code(text) or "" if text else ""


def _birth_date(text: str) -> str | None:
    if re.fullmatch(r"\d{4}", text):
        return text
    match = _DOB.match(text)
    if match is None:
        return None
    year, month, day = match["year"], match["month"], match["day"]
    if not month.isdigit() or not 1 <= int(month) <= 12:
        return year
    if not day.isdigit() or not 1 <= int(day) <= 31:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _names(path: Path, record: etree._Element, unique_id: str) -> tuple[str, tuple[Name, ...]]:
    found: list[tuple[str, str, NameQuality]] = []
    for node in record.iterfind("Names/Name"):
        text = " ".join(p for p in (_text(node, f"Name{i}") for i in range(1, 7)) if p)
        kind = _text(node, "NameType").lower()
        if kind and kind not in _NAME_TYPES:
            raise ListLoadError(path, _line(node), f"Designation {unique_id}: unknown NameType {kind!r}")
        strength = _text(node, "AliasStrength").lower()
        quality = NameQuality.WEAK if "low" in strength or "weak" in strength else NameQuality.STRONG
        if text:
            found.append((text, kind, quality))
    found.extend(
        (text, "non-latin", NameQuality.STRONG)
        for text in _texts(record, "NonLatinNames/NonLatinName/NameNonLatinScript")
    )
    if not found:
        raise ListLoadError(path, _line(record), f"Designation {unique_id} has no name")
    primary = next((text for text, kind, _ in found if kind == _PRIMARY), found[0][0])
    names: dict[str, Name] = {}
    for text, _, quality in found:
        known = names.get(text)
        if text != primary and (known is None or known.quality is NameQuality.WEAK):
            names[text] = Name(text, quality)
    return primary, tuple(names.values())


def _identifiers(record: etree._Element) -> tuple[Identifier, ...]:
    sources: tuple[tuple[str, IdentifierScheme, str], ...] = (
        (
            "IndividualDetails/Individual/PassportDetails/*/PassportNumber",
            IdentifierScheme.PASSPORT,
            "Passport",
        ),
        (
            "IndividualDetails/Individual/NationalIdentifierDetails/*/NationalIdentifierNumber",
            IdentifierScheme.NATIONAL_ID,
            "National Identifier",
        ),
        (
            "EntityDetails/Entity/BusinessRegistrationNumbers/BusinessRegistrationNumber",
            IdentifierScheme.REGISTRATION,
            "Business Registration Number",
        ),
        ("ShipDetails/Ship/IMONumbers/IMONumber", IdentifierScheme.IMO, "IMO number"),
    )
    out: list[Identifier] = []
    for path, scheme, label in sources:
        for text in _texts(record, path):
            value = normalise_identifier(text)
            if scheme is IdentifierScheme.IMO:
                value = value.removeprefix("IMO")
            identifier = Identifier(scheme, value, None, label)
            if value and identifier not in out:
                out.append(identifier)
    return tuple(out)


def _addresses(record: etree._Element) -> tuple[Address, ...]:
    out: list[Address] = []
    for node in record.iterfind("Addresses/Address"):
        lines = [_text(node, f"AddressLine{i}") for i in range(1, 7)]
        present = [line for line in lines if line]
        country = _text(node, "AddressCountry")
        address = Address(
            street=", ".join(present[:-1]) if len(present) > 1 else ", ".join(present),
            city=present[-1] if len(present) > 1 else "",
            postcode=_text(node, "AddressPostalCode"),
            country=_country(country) or country,
        )
        if address != Address() and address not in out:
            out.append(address)
    return tuple(out)


def _entry(path: Path, record: etree._Element, version: str) -> ListEntry:
    unique_id = _text(record, "UniqueID")
    if not unique_id:
        raise ListLoadError(path, _line(record), "Designation without UniqueID")
    kind = _text(record, "IndividualEntityShip")
    entry_type = _TYPES.get(kind.lower())
    if entry_type is None:
        raise ListLoadError(
            path, _line(record), f"Designation {unique_id}: unknown IndividualEntityShip {kind!r}"
        )
    primary, aliases = _names(path, record, unique_id)
    addresses = _addresses(record)
    individual = record.find("IndividualDetails/Individual")
    countries = [_country(n) for n in _texts(individual, "Nationalities/Nationality")]
    countries += [_country(f) for f in _texts(record, "ShipDetails/Ship/CurrentBelievedFlagOfShip")]
    countries += [a.country for a in addresses if len(a.country) == 2]
    dates = [_birth_date(d) for d in _texts(individual, "DOBs/DOB")]
    extra: list[tuple[str, str]] = []
    for key in (
        "OFSIGroupID",
        "UNReferenceNumber",
        "DesignationSource",
        "SanctionsImposed",
        "DateDesignated",
    ):
        if value := _text(record, key):
            extra.append((key, value))
    extra += [("gender", g) for g in _texts(individual, "Genders/Gender")]
    extra += [("position", p) for p in _texts(individual, "Positions/Position")]
    for place in () if individual is None else individual.iterfind("BirthDetails/Location"):
        if where := ", ".join(p for p in (_text(place, "TownOfBirth"), _text(place, "CountryOfBirth")) if p):
            extra.append(("pob", where))
    regime = _text(record, "RegimeName")
    return ListEntry(
        entry_id=f"{UK_LIST}:{unique_id}",
        list_name=UK_LIST,
        entry_type=entry_type,
        primary_name=primary,
        aliases=aliases,
        programs=(regime,) if regime else (),
        identifiers=_identifiers(record),
        countries=tuple(dict.fromkeys(c for c in countries if c)),
        birth_dates=tuple(dict.fromkeys(d for d in dates if d)),
        addresses=addresses,
        linked_to=tuple(_texts(record, "EntityDetails/Entity/ParentCompanies/ParentCompany")),
        remarks=_text(record, "OtherInformation"),
        list_version=version,
        blocking=True,
        extra=tuple(extra),
    )


def _version(text: str) -> str | None:
    match = _DATE_GENERATED.match(text)
    if match is None:
        return None
    if match[4]:
        return f"{UK_LIST}-{match[4]}"
    return f"{UK_LIST}-{match[3]}-{match[2]}-{match[1]}"


def load_uk_xml(path: Path, raw: bytes) -> FileLoad:
    """Every Designation of a UK Sanctions List XML file whose bytes are `raw`.

    Guarantees: the document is well-formed with root `Designations` and a DateGenerated
    (dd/mm/yyyy or ISO), every Designation has a UniqueID, a known IndividualEntityShip and a
    name, and UniqueIDs are unique; otherwise `ListLoadError(path, line, problem)`.
    """
    entries: dict[str, ListEntry] = {}
    version: str | None = None

    def check_root(root: etree._Element) -> None:
        if root.tag != UK_ROOT:
            raise ListLoadError(path, _line(root), f"root element is <{root.tag}>, not <{UK_ROOT}>")

    for element in iter_records(path, raw, ("Designation", "DateGenerated"), check_root):
        if element.tag == "DateGenerated":
            version = _version(" ".join((element.text or "").split()))
            if version is None:
                raise ListLoadError(path, _line(element), f"DateGenerated {element.text!r} is not a date")
            continue
        entry = _entry(path, element, version or UK_LIST)
        if entry.entry_id in entries:
            raise ListLoadError(path, _line(element), f"duplicate UniqueID {entry.entry_id[3:]}")
        entries[entry.entry_id] = entry
    if version is None:
        raise ListLoadError(path, None, "no DateGenerated element")
    if not entries:
        raise ListLoadError(path, None, "no Designation records in the list")
    # DateGenerated may follow the first Designations: every entry carries the file's version.
    fixed = tuple(
        e if e.list_version == version else replace(e, list_version=version) for e in entries.values()
    )
    return FileLoad(version, fixed, hashlib.sha256(raw).hexdigest())
