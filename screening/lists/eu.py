"""EU Financial Sanctions Files (FSF) XML, `xmlFullSanctionsList_1_1` -> `ListEntry`.

The file (root `export` in the namespace `http://eu.europa.ec/fpi/fsd/export`, attributes
`generationDate` and `globalFileId`) holds one `sanctionEntity` per listed person or
enterprise, with its data in attributes of child elements:

- `subjectType code="person|enterprise"` (classificationCode P/E) -> person / organisation;
- `regulation programme="UKR"` (one per amending act) -> the entry's programmes;
- `nameAlias wholeName=… nameLanguage=… strong="true|false"`: the first strong alias is the
  primary name; `strong="false"` aliases are weak (the EU's own mark for names too short or
  common to identify anyone alone); an alias without `wholeName` is built from
  firstName/middleName/lastName;
- `birthdate birthdate="YYYY-MM-DD"` or only `year`, or `yearRangeFrom`/`yearRangeTo`;
- `citizenship countryIso2Code=…`, `address … countryIso2Code=…` (the EU writes `00` for an
  unknown country, which is dropped);
- `identification number=… latinNumber=… identificationTypeCode="passport|id|regnumber|
  swiftbic|fiscalcode|…"`.

Entry ids are `eu:<logicalId>` (the stable id the EU gives the entity; `euReferenceNumber`,
e.g. 'EU.27.28', is kept in `extra`). The list version is the generation date. The file is
streamed with lxml's iterparse; a malformed or truncated file raises `ListLoadError` with the
line, and an entity without logicalId or any name raises it naming the element.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from lxml import etree

from screening.identifiers import normalise_identifier
from screening.lists.countries import country_code
from screening.lists.errors import ListLoadError
from screening.lists.file_load import FileLoad
from screening.lists.un import MAX_DOB_RANGE_YEARS
from screening.lists.xml_stream import element_line as _line
from screening.lists.xml_stream import iter_records
from screening.model import Address, EntryType, Identifier, IdentifierScheme, ListEntry, Name, NameQuality

__all__ = ["EU_LIST", "EU_NAMESPACE", "EU_ROOT", "load_eu_xml"]

EU_LIST = "eu"
EU_NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
EU_ROOT = "export"
_NS = f"{{{EU_NAMESPACE}}}"
_ENTITY = f"{_NS}sanctionEntity"
_SUBJECT_TYPES = {"person": EntryType.PERSON, "enterprise": EntryType.ORGANISATION}
_CLASSIFICATIONS = {"P": EntryType.PERSON, "E": EntryType.ORGANISATION}
_IDENTIFICATION_SCHEMES = {
    "passport": IdentifierScheme.PASSPORT,
    "id": IdentifierScheme.NATIONAL_ID,
    "regnumber": IdentifierScheme.REGISTRATION,
    "swiftbic": IdentifierScheme.BIC,
    "fiscalcode": IdentifierScheme.TAX,
    "imo": IdentifierScheme.IMO,
}
# The EU's code for a country it does not know.
_UNKNOWN_COUNTRY = "00"


def _attr(element: etree._Element, name: str) -> str:
    return " ".join((element.get(name) or "").split())


def _children(element: etree._Element, tag: str) -> list[etree._Element]:
    return list(element.iterchildren(f"{_NS}{tag}"))


def _country(element: etree._Element) -> str:
    code = _attr(element, "countryIso2Code").upper()
    if len(code) == 2 and code.isalpha():
        return code
    description = _attr(element, "countryDescription")
    if code == _UNKNOWN_COUNTRY or not description or description.upper() == "UNKNOWN":
        return ""
    return country_code(description) or ""


def _alias_text(alias: etree._Element) -> str:
    whole = _attr(alias, "wholeName")
    if whole:
        return whole
    return " ".join(p for p in (_attr(alias, k) for k in ("firstName", "middleName", "lastName")) if p)


def _names(path: Path, record: etree._Element, logical_id: str) -> tuple[str, tuple[Name, ...]]:
    """The primary name (the first strong alias, else the first) and every other alias."""
    found: list[tuple[str, NameQuality]] = []
    for alias in _children(record, "nameAlias"):
        text = _alias_text(alias)
        if text:
            strong = _attr(alias, "strong").lower() != "false"
            found.append((text, NameQuality.STRONG if strong else NameQuality.WEAK))
    if not found:
        raise ListLoadError(path, _line(record), f"sanctionEntity {logical_id} has no nameAlias with a name")
    primary = next((text for text, quality in found if quality is NameQuality.STRONG), found[0][0])
    names: dict[str, Name] = {}
    for text, quality in found:
        known = names.get(text)
        if text != primary and (known is None or known.quality is NameQuality.WEAK):
            names[text] = Name(text, quality)
    return primary, tuple(names.values())


def _birth_dates(record: etree._Element) -> tuple[str, ...]:
    dates: list[str] = []
    for node in _children(record, "birthdate"):
        full, year = _attr(node, "birthdate"), _attr(node, "year")
        start, end = _attr(node, "yearRangeFrom"), _attr(node, "yearRangeTo")
        month = _attr(node, "monthOfYear")
        if len(full) >= 10:
            dates.append(full[:10])
        elif year.isdigit() and month.isdigit() and 1 <= int(month) <= 12:
            dates.append(f"{year}-{int(month):02d}")
        elif year.isdigit():
            dates.append(year)
        elif start.isdigit() and end.isdigit() and int(start) <= int(end):
            if int(end) - int(start) <= MAX_DOB_RANGE_YEARS:
                dates.extend(str(y) for y in range(int(start), int(end) + 1))
            else:
                dates.extend((start, end))
    return tuple(dict.fromkeys(dates))


def _identifiers(record: etree._Element) -> tuple[Identifier, ...]:
    out: list[Identifier] = []
    for node in _children(record, "identification"):
        kind = _attr(node, "identificationTypeCode").lower()
        scheme = _IDENTIFICATION_SCHEMES.get(kind, IdentifierScheme.OTHER)
        label = _attr(node, "identificationTypeDescription") or kind
        for text in (_attr(node, "number"), _attr(node, "latinNumber")):
            value = normalise_identifier(text)
            if value:
                identifier = Identifier(scheme, value, _country(node) or None, label)
                if identifier not in out:
                    out.append(identifier)
    return tuple(out)


def _addresses(record: etree._Element) -> tuple[Address, ...]:
    out: list[Address] = []
    for node in _children(record, "address"):
        street = ", ".join(p for p in (_attr(node, "street"), _attr(node, "poBox")) if p)
        city = ", ".join(p for p in (_attr(node, "city"), _attr(node, "region"), _attr(node, "place")) if p)
        address = Address(street=street, city=city, postcode=_attr(node, "zipCode"), country=_country(node))
        if address != Address() and address not in out:
            out.append(address)
    return tuple(out)


def _entry_type(path: Path, record: etree._Element, logical_id: str) -> EntryType:
    for node in _children(record, "subjectType"):
        kind = _SUBJECT_TYPES.get(_attr(node, "code").lower()) or _CLASSIFICATIONS.get(
            _attr(node, "classificationCode").upper()
        )
        if kind is not None:
            return kind
        raise ListLoadError(
            path, _line(node), f"sanctionEntity {logical_id}: unknown subjectType {_attr(node, 'code')!r}"
        )
    return EntryType.UNKNOWN


def _entry(path: Path, record: etree._Element, version: str) -> ListEntry:
    logical_id = _attr(record, "logicalId")
    if not logical_id:
        raise ListLoadError(path, _line(record), "sanctionEntity without logicalId")
    entry_type = _entry_type(path, record, logical_id)
    primary, aliases = _names(path, record, logical_id)
    addresses = _addresses(record)
    countries = [_country(node) for node in _children(record, "citizenship")]
    countries += [a.country for a in addresses]
    programs = [_attr(node, "programme") for node in _children(record, "regulation")]
    extra: list[tuple[str, str]] = []
    for key in ("euReferenceNumber", "unitedNationId", "designationDate"):
        if value := _attr(record, key):
            extra.append((key, value))
    for alias in _children(record, "nameAlias"):
        if (language := _attr(alias, "nameLanguage")) and (text := _alias_text(alias)):
            extra.append((f"name_{language.lower()}", text))
        if function := _attr(alias, "function"):
            extra.append(("function", function))
    remarks = "; ".join(" ".join((node.text or "").split()) for node in _children(record, "remark"))
    return ListEntry(
        entry_id=f"{EU_LIST}:{logical_id}",
        list_name=EU_LIST,
        entry_type=entry_type,
        primary_name=primary,
        aliases=aliases,
        programs=tuple(dict.fromkeys(p for p in programs if p)),
        identifiers=_identifiers(record),
        countries=tuple(dict.fromkeys(c for c in countries if c)),
        birth_dates=_birth_dates(record),
        addresses=addresses,
        remarks=remarks.strip("; "),
        list_version=version,
        blocking=True,
        extra=tuple(dict.fromkeys(extra)),
    )


def load_eu_xml(path: Path, raw: bytes) -> FileLoad:
    """Every sanctionEntity of an EU FSF XML file whose bytes are `raw`.

    Guarantees: the document is well-formed, its root is `export` in the FSF namespace with a
    generationDate, every entity has a logicalId, a known subjectType and a name, and logicalIds
    are unique; otherwise `ListLoadError(path, line, problem)` and nothing is used.
    """
    entries: dict[str, ListEntry] = {}
    version = ""

    def check_root(root: etree._Element) -> None:
        nonlocal version
        if root.tag != f"{_NS}{EU_ROOT}":
            raise ListLoadError(
                path, _line(root), f"root element is <{root.tag}>, not <{EU_ROOT}> in {EU_NAMESPACE}"
            )
        generated = _attr(root, "generationDate")
        if len(generated) < 10:
            raise ListLoadError(path, _line(root), "root has no generationDate attribute")
        version = f"{EU_LIST}-{generated[:10]}"

    for element in iter_records(path, raw, (_ENTITY,), check_root):
        entry = _entry(path, element, version)
        if entry.entry_id in entries:
            raise ListLoadError(path, _line(element), f"duplicate logicalId {entry.entry_id[3:]}")
        entries[entry.entry_id] = entry
    if not entries:
        raise ListLoadError(path, None, "no sanctionEntity records in the list")
    return FileLoad(version, tuple(entries.values()), hashlib.sha256(raw).hexdigest())
