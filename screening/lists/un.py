"""UN Security Council consolidated list (XML) -> `ListEntry`.

Individuals and entities, aliases with their QUALITY (Good / a.k.a. / f.k.a. -> strong,
Low -> weak), dates of birth (EXACT, APPROXIMATELY, BETWEEN, bare YEAR), nationalities,
addresses and documents (passports, national ids) as identifiers. Entry ids are
`un:<REFERENCE_NUMBER>`, the programme is the UN_LIST_TYPE (sanctions committee), and the list
version is the file's `dateGenerated` date. The file is streamed with lxml's iterparse, and a
truncated or malformed file raises `ListLoadError` with the line lxml stopped at.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from lxml import etree

from screening.identifiers import normalise_identifier
from screening.lists.countries import country_code
from screening.lists.errors import ListLoadError
from screening.lists.file_load import FileLoad
from screening.lists.xml_stream import element_line as _line
from screening.lists.xml_stream import iter_records
from screening.model import Address, EntryType, Identifier, IdentifierScheme, ListEntry, Name, NameQuality

__all__ = ["UN_LIST", "UN_ROOT", "load_un_xml"]

UN_LIST = "un"
UN_ROOT = "CONSOLIDATED_LIST"
_RECORD_TAGS = {"INDIVIDUAL": EntryType.PERSON, "ENTITY": EntryType.ORGANISATION}
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_ALIAS_QUALITY = {
    "good": NameQuality.STRONG,
    "a.k.a.": NameQuality.STRONG,
    "f.k.a.": NameQuality.STRONG,
    "": NameQuality.STRONG,  # unstated quality: the committee listed it as a name
    "low": NameQuality.WEAK,  # the UN's own 'low quality' alias: never enough alone
}
# A BETWEEN range is expanded into its years; wider spans say nothing useful about age.
MAX_DOB_RANGE_YEARS = 15


def _text(element: etree._Element, tag: str) -> str:
    child = element.find(tag)
    if child is None or child.text is None:
        return ""
    return " ".join(child.text.split())


def _values(element: etree._Element, tag: str) -> list[str]:
    return [" ".join(v.text.split()) for v in element.iterfind(f"{tag}/VALUE") if v.text and v.text.strip()]


# 'حسن غول (Hassan Ghul; Hassan Gul)': a name followed by its transliterations.
_NAME_WITH_VARIANTS_RE = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<variants>[^()]*;[^()]*)\)$")


def _split_names(text: str) -> list[str]:
    """The names in one UN name field: 'A; B; C' and 'X (A; B)' list several; empty -> []."""
    if not text:
        return []
    variants = _NAME_WITH_VARIANTS_RE.match(text)
    if variants is None:
        return [part.strip() for part in text.split(";") if part.strip()]
    parts = [variants["name"], *variants["variants"].split(";")]
    return [part.strip() for part in parts if part.strip()]


def _birth_dates(record: etree._Element) -> list[str]:
    dates: list[str] = []
    for dob in record.iterfind("INDIVIDUAL_DATE_OF_BIRTH"):
        kind = _text(dob, "TYPE_OF_DATE").upper()
        date, year = _text(dob, "DATE"), _text(dob, "YEAR")
        start, end = _text(dob, "FROM_YEAR"), _text(dob, "TO_YEAR")
        if kind == "BETWEEN" and start.isdigit() and end.isdigit() and int(start) <= int(end):
            if int(end) - int(start) <= MAX_DOB_RANGE_YEARS:
                dates.extend(str(y) for y in range(int(start), int(end) + 1))
            else:
                dates.extend((start, end))
        elif date:
            dates.append(date[:10])
        elif year:
            dates.append(year)
    return list(dict.fromkeys(dates))


def _document_scheme(kind: str) -> IdentifierScheme:
    lowered = kind.lower()
    if "pass" in lowered:  # 'Passport', 'Número de pasaporte', 'Numéro de passeport'
        return IdentifierScheme.PASSPORT
    if "national" in lowered or "identi" in lowered:
        return IdentifierScheme.NATIONAL_ID
    return IdentifierScheme.OTHER


def _identifiers(record: etree._Element) -> list[Identifier]:
    out: list[Identifier] = []
    for doc in record.iterfind("INDIVIDUAL_DOCUMENT"):
        number = normalise_identifier(_text(doc, "NUMBER"))
        if not number:
            continue
        kind = _text(doc, "TYPE_OF_DOCUMENT")
        issuer = _text(doc, "ISSUING_COUNTRY") or _text(doc, "COUNTRY_OF_ISSUE")
        identifier = Identifier(
            _document_scheme(kind), number, country_code(issuer) if issuer else None, kind
        )
        if identifier not in out:
            out.append(identifier)
    return out


def _addresses(record: etree._Element, tag: str) -> list[Address]:
    out: list[Address] = []
    for node in record.iterfind(tag):
        street = _text(node, "STREET")
        city = ", ".join(p for p in (_text(node, "CITY"), _text(node, "STATE_PROVINCE")) if p)
        country = _text(node, "COUNTRY")
        address = Address(
            street=street,
            city=city,
            postcode=_text(node, "ZIP_CODE"),
            country=country_code(country) or country if country else "",
        )
        if address != Address() and address not in out:
            out.append(address)
    return out


def _entry(path: Path, record: etree._Element, version: str) -> ListEntry:
    entry_type = _RECORD_TAGS[record.tag]
    reference = _text(record, "REFERENCE_NUMBER")
    if not reference:
        raise ListLoadError(path, _line(record), f"{record.tag} without REFERENCE_NUMBER")
    name = " ".join(p for p in (_text(record, part) for part in _NAME_PARTS) if p)
    if not name:
        raise ListLoadError(path, _line(record), f"{record.tag} {reference} has no name")
    alias_tag = "INDIVIDUAL_ALIAS" if entry_type is EntryType.PERSON else "ENTITY_ALIAS"
    # (text, quality) in list order: the parts of a primary name that lists two names, the
    # name in original script, then the aliases (each split where it lists several).
    candidates = [(part, NameQuality.STRONG) for part in _split_names(name) if part != name]
    original = _text(record, "NAME_ORIGINAL_SCRIPT")
    if original:
        candidates.append((original, NameQuality.STRONG))
    for alias in record.iterfind(alias_tag):
        quality = _ALIAS_QUALITY.get(_text(alias, "QUALITY").lower(), NameQuality.STRONG)
        candidates.extend((part, quality) for part in _split_names(_text(alias, "ALIAS_NAME")))
    names: dict[str, Name] = {}
    for text, quality in candidates:
        known = names.get(text)
        if text != name and (known is None or known.quality is NameQuality.WEAK):
            names[text] = Name(text, quality)
    addresses = _addresses(
        record, "INDIVIDUAL_ADDRESS" if entry_type is EntryType.PERSON else "ENTITY_ADDRESS"
    )
    countries: list[str] = []
    for country in [*_values(record, "NATIONALITY"), *(a.country for a in addresses)]:
        code = country if len(country) == 2 and country.isupper() else country_code(country)
        if code and code not in countries:
            countries.append(code)
    extra: list[tuple[str, str]] = []
    for key, tag in (("listed_on", "LISTED_ON"), ("gender", "GENDER")):
        if value := _text(record, tag):
            extra.append((key, value))
    extra.extend(("designation", d) for d in _values(record, "DESIGNATION"))
    extra.extend(("title", t) for t in _values(record, "TITLE"))
    for pob in record.iterfind("INDIVIDUAL_PLACE_OF_BIRTH"):
        place = ", ".join(p for p in (_text(pob, t) for t in ("CITY", "STATE_PROVINCE", "COUNTRY")) if p)
        if place:
            extra.append(("pob", place))
    program = _text(record, "UN_LIST_TYPE")
    return ListEntry(
        entry_id=f"{UN_LIST}:{reference}",
        list_name=UN_LIST,
        entry_type=entry_type,
        primary_name=name,
        aliases=tuple(names.values()),
        programs=(program,) if program else (),
        identifiers=tuple(_identifiers(record)),
        countries=tuple(countries),
        birth_dates=tuple(_birth_dates(record)),
        addresses=tuple(addresses),
        remarks=_text(record, "COMMENTS1"),
        list_version=version,
        blocking=True,
        extra=tuple(extra),
    )


def load_un_xml(path: Path, raw: bytes) -> FileLoad:
    """Every INDIVIDUAL and ENTITY of a UN consolidated list file whose bytes are `raw`.

    Guarantees: the whole document is well-formed and its root is CONSOLIDATED_LIST with a
    dateGenerated attribute, every record has a REFERENCE_NUMBER and a name, and reference
    numbers are unique; otherwise `ListLoadError(path, line, problem)`.
    """
    entries: dict[str, ListEntry] = {}
    version = ""

    def check_root(root: etree._Element) -> None:
        nonlocal version
        if root.tag != UN_ROOT:
            raise ListLoadError(path, _line(root), f"root element is <{root.tag}>, not <{UN_ROOT}>")
        generated = root.get("dateGenerated", "")
        if len(generated) < 10:
            raise ListLoadError(path, _line(root), "root has no dateGenerated attribute")
        version = f"{UN_LIST}-{generated[:10]}"

    for element in iter_records(path, raw, _RECORD_TAGS, check_root):
        entry = _entry(path, element, version)
        if entry.entry_id in entries:
            raise ListLoadError(path, _line(element), f"duplicate REFERENCE_NUMBER {entry.entry_id[3:]}")
        entries[entry.entry_id] = entry
    if not entries:
        raise ListLoadError(path, None, "no INDIVIDUAL or ENTITY records in the list")
    return FileLoad(version, tuple(entries.values()), hashlib.sha256(raw).hexdigest())
