"""OpenSanctions FollowTheMoney entities (`entities.ftm.json`, one JSON entity a line) -> `ListEntry`.

A Person, Organization, Company, LegalEntity, PublicBody, Vessel or Airplane becomes an entry when its
`topics` include a sanction topic or the export marks it `target: true`; an entry is *blocking*
(it can make owned companies blocked) only when it carries the `sanction` topic itself, so a
merely linked, debarred or export-controlled target alerts on a direct hit and no further.

Names: every `name`, `alias` and `previousName` is a strong name (OpenSanctions' `name` already
holds the transliterations and original-script spellings), `weakAlias` and `abbreviation` are
weak (never alert alone, as OFAC's weak a.k.a.). `birthDate`, nationality/citizenship/country/
jurisdiction/flag, identifiers (registration, tax, LEI, SWIFT/BIC, IMO, passport and id numbers,
and the `Passport`/`Identification` entities whose holder is the entry) and addresses (free text
and `Address` entities) are kept. `Sanction` entities give each entry its programmes
(`programId`, else `program`) and authorities (the Sanction's dataset, see
`screening.lists.authorities`); without any, the entry's own datasets name them. Entry ids are
`opensanctions:<entity id>`; `datasets` lists every dataset the entity appears in.

The `followthemoney` library (4.11.2, compatible with the project's pins) is not used: it adds
about twenty packages (SQLAlchemy, rdflib, networkx, openpyxl, pydantic, …) to the worker for a
schema model of which this loader needs six schema names and two dozen property names, and its
`model.get_proxy` took 20 µs per entity on the samples against 4 µs for the msgspec decoding
here (5x, before reading any property), on files of hundreds of thousands of entities.

Ownership and Directorship entities are ownership data: `screening.ownership_io` reads them from
the same file. The loader streams the file one line at a time (msgspec decodes each line into
the few fields read), so memory holds the entries, never the file; a line that is not an entity
(bad JSON, a truncated last line, `properties` that are not lists of strings) raises
`ListLoadError` naming the line.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import msgspec

from screening.identifiers import normalise_identifier
from screening.lists.authorities import authority_of_dataset
from screening.lists.errors import ListLoadError
from screening.lists.file_load import FileLoad
from screening.model import Address, EntryType, Identifier, IdentifierScheme, ListEntry, Name, NameQuality

__all__ = ["FTM_LIST", "is_ftm_line", "load_ftm_file"]

FTM_LIST = "opensanctions"

_ENTRY_TYPES: dict[str, EntryType] = {
    "Person": EntryType.PERSON,
    "Organization": EntryType.ORGANISATION,
    "Company": EntryType.ORGANISATION,
    "LegalEntity": EntryType.ORGANISATION,
    "PublicBody": EntryType.ORGANISATION,
    "Vessel": EntryType.VESSEL,
    "Airplane": EntryType.AIRCRAFT,
}
# OpenSanctions topics that make an entity a sanctions target. 'sanction.counter' (a country's
# counter-sanctions against Western persons) is deliberately absent.
SANCTION_TOPICS = frozenset({"sanction", "sanction.linked"})
BLOCKING_TOPIC = "sanction"
_STRONG_NAME_PROPS = ("name", "alias", "previousName")
_WEAK_NAME_PROPS = ("weakAlias", "abbreviation")
_COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "flag", "mainCountry")
_IDENTIFIER_PROPS: tuple[tuple[str, IdentifierScheme], ...] = (
    ("registrationNumber", IdentifierScheme.REGISTRATION),
    ("ogrnCode", IdentifierScheme.REGISTRATION),
    ("taxNumber", IdentifierScheme.TAX),
    ("innCode", IdentifierScheme.TAX),
    ("vatCode", IdentifierScheme.TAX),
    ("leiCode", IdentifierScheme.LEI),
    ("swiftBic", IdentifierScheme.BIC),
    ("imoNumber", IdentifierScheme.IMO),
    ("passportNumber", IdentifierScheme.PASSPORT),
    ("idNumber", IdentifierScheme.NATIONAL_ID),
)
_DOCUMENT_SCHEMES = {"Passport": IdentifierScheme.PASSPORT, "Identification": IdentifierScheme.NATIONAL_ID}
# OpenSanctions names its enrichment and annotation sources 'ext_…' and 'ann_…': they add facts
# about an entity but list nobody, so they never name an authority.
_NON_AUTHORITY_PREFIXES = ("ext_", "ann_")
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# A programme named only by its legal text (no programId) is cut to this many characters: enough
# to recognise it in an alert (some, such as Japan's, are whole paragraphs).
MAX_PROGRAM_TEXT = 80

Properties = dict[str, list[str]]


class _Entity(msgspec.Struct):
    """One FtM entity line; only the fields paymon reads (others are ignored)."""

    id: str
    schema: str
    properties: Properties = msgspec.field(default_factory=dict)
    datasets: list[str] = msgspec.field(default_factory=list)
    target: bool = False
    caption: str = ""
    last_change: str = ""


_DECODER = msgspec.json.Decoder(_Entity)


@dataclass(slots=True)
class _Listing:
    """What Sanction entities say about one entity."""

    programs: list[str] = field(default_factory=list)
    authorities: list[str] = field(default_factory=list)


def is_ftm_line(first_line: bytes) -> bool:
    """True when a JSON Lines file's first line (or its first few kB: FtM lines can be long) reads
    as a FollowTheMoney entity, with `schema` and `properties` keys; paymon's own list records have
    `entry_id` instead. A corrupt line is then refused by the loader, with its number."""
    return b'"schema"' in first_line and b'"properties"' in first_line and b'"entry_id"' not in first_line


def _program(text: str) -> str:
    return text if len(text) <= MAX_PROGRAM_TEXT else text[: MAX_PROGRAM_TEXT - 1].rstrip() + "…"


def _values(props: Properties, *keys: str) -> list[str]:
    return [" ".join(v.split()) for key in keys for v in props.get(key, ()) if v and v.strip()]


def _unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _is_listed(entity: _Entity) -> bool:
    if entity.schema not in _ENTRY_TYPES:
        return False
    return entity.target or not SANCTION_TOPICS.isdisjoint(entity.properties.get("topics", ()))


def _address(props: Properties) -> Address:
    country = next(iter(_values(props, "country")), "")
    return Address(
        street=", ".join(_values(props, "street", "street2")) or next(iter(_values(props, "full")), ""),
        city=", ".join(_values(props, "city", "region")),
        postcode=next(iter(_values(props, "postalCode")), ""),
        country=country.upper() if len(country) == 2 else country,
    )


def _names(entity: _Entity) -> tuple[str, tuple[Name, ...]]:
    """The primary name (the caption when it is one of the names) and every other name, strong
    before weak, each once whatever its case."""
    strong = _unique(_values(entity.properties, *_STRONG_NAME_PROPS))
    weak = _unique(_values(entity.properties, *_WEAK_NAME_PROPS))
    if not strong and not weak:
        return "", ()
    caption = " ".join(entity.caption.split())
    primary = caption if caption in strong else (strong or weak)[0]
    # Spellings that differ only in case are one name to the matcher (it folds case): keep the
    # first, so the index does not hold the same name twice ('OSETROVA' / 'Osetrova').
    seen = {primary.casefold()}
    aliases: list[Name] = []
    for texts, quality in ((strong, NameQuality.STRONG), (weak, NameQuality.WEAK)):
        for text in texts:
            if text.casefold() not in seen:
                seen.add(text.casefold())
                aliases.append(Name(text, quality))
    return primary, tuple(aliases)


def _identifiers(props: Properties, documents: list[Identifier]) -> tuple[Identifier, ...]:
    """Each (scheme, value) once: OpenSanctions repeats a number under several properties
    (a Russian INN as taxNumber, innCode and idNumber)."""
    out: dict[tuple[IdentifierScheme, str], Identifier] = {}
    for prop, scheme in _IDENTIFIER_PROPS:
        for value in _values(props, prop):
            number = normalise_identifier(value)
            if scheme is IdentifierScheme.IMO:
                number = number.removeprefix("IMO")
            if number:
                out.setdefault((scheme, number), Identifier(scheme, number, None, prop))
    for document in documents:
        out.setdefault((document.scheme, document.value), document)
    return tuple(out.values())


def _countries(props: Properties) -> tuple[str, ...]:
    # FtM countries are lower-case ISO codes, sometimes regional ('gb-sct') or historic ('suhh').
    codes = [c.upper() for c in _values(props, *_COUNTRY_PROPS) if len(c) == 2 and c.isalpha()]
    return _unique(codes)


def _birth_dates(props: Properties) -> tuple[str, ...]:
    return _unique([d[:10] for d in _values(props, "birthDate") if _ISO_DATE.match(d[:10])])


def _authorities(entry: ListEntry, listing: _Listing | None) -> tuple[str, ...]:
    if listing is not None and listing.authorities:
        return _unique(listing.authorities)
    return _unique(
        [authority_of_dataset(d) for d in entry.datasets if not d.startswith(_NON_AUTHORITY_PREFIXES)]
    )


def _shared(texts: Iterable[str]) -> tuple[str, ...]:
    """Texts repeated across many entries (datasets, topics, programmes) stored once in memory."""
    return tuple(sys.intern(text) for text in dict.fromkeys(texts))


@dataclass(frozen=True, slots=True)
class _Pending:
    """An entry read from its own line, waiting for what other lines say about it."""

    entry: ListEntry
    address_refs: tuple[str, ...]


def _pending(entity: _Entity) -> _Pending | None:
    """The entry for a listed entity from its own properties, or None when it has no name."""
    primary, aliases = _names(entity)
    if not primary:
        return None
    props = entity.properties
    topics = props.get("topics", ())
    addresses = [a for a in (_address({"full": [text]}) for text in _values(props, "address")) if a.street]
    extra = [("topic", sys.intern(topic)) for topic in topics]
    extra += [("position", p) for p in _values(props, "position")[:3]]
    entry = ListEntry(
        entry_id=f"{FTM_LIST}:{entity.id}",
        list_name=FTM_LIST,
        entry_type=_ENTRY_TYPES[entity.schema],
        primary_name=primary,
        aliases=aliases,
        programs=_shared(_values(props, "programId")),
        identifiers=_identifiers(props, []),
        countries=_countries(props),
        birth_dates=_birth_dates(props),
        addresses=tuple(dict.fromkeys(addresses)),
        blocking=BLOCKING_TOPIC in topics,
        extra=tuple(extra),
        datasets=_shared(entity.datasets),
    )
    return _Pending(entry, tuple(props.get("addressEntity", ())))


def _completed(
    pending: _Pending,
    listing: _Listing | None,
    addresses: dict[str, Address],
    documents: list[Identifier],
    version: str,
) -> ListEntry:
    """The entry with what the Sanction, Address and Passport lines said about it."""
    entry = pending.entry
    linked = [addresses[ref] for ref in pending.address_refs if ref in addresses]
    return replace(
        entry,
        programs=_shared([*(listing.programs if listing else ()), *entry.programs]),
        authorities=_shared(_authorities(entry, listing)),
        identifiers=_identifiers({}, [*entry.identifiers, *documents]) if documents else entry.identifiers,
        addresses=tuple(dict.fromkeys([*entry.addresses, *linked])) if linked else entry.addresses,
        list_version=version,
    )


def load_ftm_file(path: Path) -> FileLoad:
    """Every sanctioned Person/Organization/Company/LegalEntity/Vessel/Airplane of an FtM
    JSON Lines file (see the module docstring), read one line at a time.

    Guarantees: every non-blank line is an FtM entity (`id`, `schema`, `properties` as lists of
    strings) or `ListLoadError(path, line, problem)` is raised and nothing is used; a later line
    with the same id replaces an earlier one; targets without any name are skipped and listed
    in `warnings`; a file with no sanctioned entity at all is refused. The file is streamed, so
    memory holds the entries, never the file.
    """
    listed: dict[str, _Pending] = {}
    listings: dict[str, _Listing] = {}
    addresses: dict[str, Address] = {}
    documents: dict[str, list[Identifier]] = {}
    warnings: list[str] = []
    newest = ""
    digest = hashlib.sha256()
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ListLoadError(path, None, f"cannot read: {exc.strerror or exc}") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            digest.update(line)
            if number == 1:
                line = line.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark is not data
            if not line.strip():
                continue
            try:
                entity = _DECODER.decode(line)
            except (msgspec.DecodeError, UnicodeDecodeError) as exc:  # bad JSON, bad UTF-8
                raise ListLoadError(path, number, f"not a FollowTheMoney entity: {exc}") from None
            newest = max(newest, entity.last_change[:10])
            props = entity.properties
            if _is_listed(entity):
                pending = _pending(entity)
                if pending is None:
                    warnings.append(f"{path}: {entity.schema} {entity.id} has no name; not loaded")
                else:
                    listed[entity.id] = pending
            elif entity.schema == "Sanction":
                datasets = [authority_of_dataset(d) for d in entity.datasets]
                programs = _values(props, "programId") or [_program(p) for p in _values(props, "program")]
                for ref in props.get("entity", ()):
                    listing = listings.setdefault(ref, _Listing())
                    listing.authorities.extend(datasets)
                    listing.programs.extend(programs)
            elif entity.schema == "Address":
                addresses[entity.id] = _address(props)
            elif entity.schema in _DOCUMENT_SCHEMES:
                _remember_documents(entity, documents)
    if not listed:
        raise ListLoadError(path, None, "no sanctioned Person/Organization/Company/Vessel/Airplane entities")
    stem = path.name.split(".", 1)[0] or FTM_LIST
    version = f"{stem}-{newest}" if newest else stem
    entries = tuple(
        _completed(pending, listings.get(entity_id), addresses, documents.get(entity_id, []), version)
        for entity_id, pending in listed.items()
    )
    return FileLoad(version, entries, digest.hexdigest(), tuple(warnings))


def _remember_documents(entity: _Entity, documents: dict[str, list[Identifier]]) -> None:
    """A Passport or Identification entity's numbers, under each of its holders."""
    props = entity.properties
    scheme = _DOCUMENT_SCHEMES[entity.schema]
    issuer = next((c.upper() for c in _values(props, "country") if len(c) == 2), None)
    for text in _values(props, "number"):
        value = normalise_identifier(text)
        if value:
            for holder in props.get("holder", ()):
                documents.setdefault(holder, []).append(
                    Identifier(scheme, value, issuer, entity.schema.lower())
                )
