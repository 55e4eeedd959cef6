"""paymon's own list format: JSON Lines of `schemas.list_record.ListEntryRecord`, one entry per
line, each naming its own list. The same record is the value on the `sanctions-lists` topic.

`encode_entry` / `decode_entry` round-trip exactly: `decode_entry(encode_entry(e)) == e`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import msgspec

from schemas.list_record import AddressRecord, AliasRecord, IdentifierRecord, ListEntryRecord
from screening.lists.errors import ListLoadError
from screening.lists.file_load import FileLoad
from screening.model import Address, EntryType, Identifier, IdentifierScheme, ListEntry, Name, NameQuality

__all__ = [
    "EntryDecodeError",
    "FileLoad",
    "decode_entry",
    "encode_entry",
    "from_record",
    "load_jsonl",
    "to_record",
]

_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(ListEntryRecord)


class EntryDecodeError(ValueError):
    """Bytes that are not a valid list entry record; the message names the field and problem."""


def to_record(entry: ListEntry) -> ListEntryRecord:
    """The record for an entry (every field kept)."""
    return ListEntryRecord(
        entry_id=entry.entry_id,
        list=entry.list_name,
        type=entry.entry_type.value,
        name=entry.primary_name,
        aliases=tuple(AliasRecord(name=a.text, quality=a.quality.value) for a in entry.aliases),
        programs=entry.programs,
        identifiers=tuple(
            IdentifierRecord(scheme=i.scheme.value, value=i.value, country=i.country, label=i.label)
            for i in entry.identifiers
        ),
        countries=entry.countries,
        birth_dates=entry.birth_dates,
        addresses=tuple(
            AddressRecord(street=a.street, city=a.city, postcode=a.postcode, country=a.country)
            for a in entry.addresses
        ),
        linked_to=entry.linked_to,
        remarks=entry.remarks,
        list_version=entry.list_version,
        blocking=entry.blocking,
        extra=entry.extra,
        authorities=entry.authorities,
        datasets=entry.datasets,
    )


def from_record(record: ListEntryRecord) -> ListEntry:
    """The entry for a record; raises `EntryDecodeError` if `entry_id` is not `<list>:<id>`."""
    if not record.entry_id.startswith(record.list + ":"):
        raise EntryDecodeError(f"entry_id {record.entry_id!r} does not start with its list {record.list!r}:")
    return ListEntry(
        entry_id=record.entry_id,
        list_name=record.list,
        entry_type=EntryType(record.type),
        primary_name=record.name,
        aliases=tuple(Name(a.name, NameQuality(a.quality)) for a in record.aliases),
        programs=record.programs,
        identifiers=tuple(
            Identifier(IdentifierScheme(i.scheme), i.value, i.country, i.label) for i in record.identifiers
        ),
        countries=record.countries,
        birth_dates=record.birth_dates,
        addresses=tuple(Address(a.street, a.city, a.postcode, a.country) for a in record.addresses),
        linked_to=record.linked_to,
        remarks=record.remarks,
        list_version=record.list_version,
        blocking=record.blocking,
        extra=record.extra,
        authorities=record.authorities,
        datasets=record.datasets,
    )


def encode_entry(entry: ListEntry) -> bytes:
    """One entry as a compact JSON object (no newline): a JSONL line and a topic value."""
    return _ENCODER.encode(to_record(entry))


def decode_entry(raw: bytes | str) -> ListEntry:
    """The entry encoded in `raw`; raises `EntryDecodeError` naming the field and the problem."""
    try:
        record = _DECODER.decode(raw)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:  # ValidationError is a DecodeError
        raise EntryDecodeError(str(exc)) from None
    return from_record(record)


def load_jsonl(path: Path, raw: bytes) -> FileLoad:
    """Every entry of a JSON Lines file whose bytes are `raw`; blank lines are skipped.

    Guarantees: any bad line (invalid JSON, a truncated last line, a missing or mistyped field)
    raises `ListLoadError(path, line, problem)` and nothing from the file is used.
    """
    entries: dict[str, ListEntry] = {}
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw  # a UTF-8 byte-order mark is not data
    for number, line in enumerate(body.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            entry = decode_entry(line)
        except EntryDecodeError as exc:
            raise ListLoadError(path, number, str(exc)) from None
        entries.pop(entry.entry_id, None)  # keep file order of the latest version
        entries[entry.entry_id] = entry
    if not entries:
        raise ListLoadError(path, None, "no list entries in the file")
    return FileLoad(path.stem, tuple(entries.values()), hashlib.sha256(raw).hexdigest())
