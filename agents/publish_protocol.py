"""How a publish of reference data (lists, ownership) is framed on its compacted topic.

A publish is applied by workers as a whole or not at all, so a worker never screens against a
half-written list update. The publisher (`paymon lists publish`, `paymon ownership publish`):

1. writes every changed record keyed by entry id / edge id (a tombstone, value None, for a
   removed one), each with the header `paymon-publish-id: <id>`;
2. waits until the broker acknowledged all of them;
3. writes one marker record, key `paymon-publish/<id>`, header `paymon-control: publish-end`,
   value JSON `{"publish_id", "records", "sources", "mode", "published_at"}`.

A worker holds records of a publish back until it has read the marker and as many records of
that publish as the marker announces (records of one publish are spread over partitions, so a
marker can be read before some of its records). Marker keys are unique per publish, so
compaction never removes them; data records of an old publish may have been compacted away
(superseded by later publishes), which is why the initial load applies every publish whose
marker it has read, whatever its count. Records without a publish header (written by another
tool) are applied as soon as they are read. A publish left without a marker (publisher crashed)
stays held back; the next publish re-sends its keys (the publisher treats them as changed), and
applying it discards the orphaned records it supersedes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import msgspec

PUBLISH_ID_HEADER = "paymon-publish-id"
CONTROL_HEADER = "paymon-control"
PUBLISH_END = b"publish-end"
MARKER_KEY_PREFIX = "paymon-publish/"

PublishMode = Literal["replace", "update"]
ReferenceKind = Literal["lists", "ownership"]


class PublishMarker(msgspec.Struct, kw_only=True, frozen=True):
    """The record that closes a publish: how many records it wrote and what they came from.

    `sources` is the cumulative description of what the topic now holds (for lists: the source
    versions, e.g. `ofac-sdn-2024-05-03`, then `ofac-sdn-2024-09-update` after an update)."""

    publish_id: str
    records: int
    sources: list[str]
    mode: PublishMode
    published_at: str


_marker_decoder = msgspec.json.Decoder(PublishMarker)
_encoder = msgspec.json.Encoder()


def encode_marker(marker: PublishMarker) -> bytes:
    """The marker record's value bytes."""
    return _encoder.encode(marker)


def decode_marker(raw: bytes) -> PublishMarker:
    """Decode a marker value; raises ValueError naming the problem when it is not one."""
    try:
        return _marker_decoder.decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ValueError(f"invalid publish marker: {exc}") from exc


def marker_key(publish_id: str) -> str:
    """The Kafka key of the marker closing `publish_id` (unique, so never compacted away)."""
    return MARKER_KEY_PREFIX + publish_id


@dataclass(frozen=True, slots=True)
class ReferenceRecord:
    """One record read from a reference topic, with what the publish protocol needs to know."""

    kind: ReferenceKind
    key: str
    value: bytes | None
    partition: int
    offset: int
    publish_id: str | None = None
    marker: PublishMarker | None = None


def header_value(headers: object, name: str) -> bytes | None:
    """The value of header `name` in a Kafka record's headers (a sequence of (str, bytes))."""
    if not headers:
        return None
    for key, value in headers:  # type: ignore[attr-defined]
        if key == name:
            return value if isinstance(value, bytes) else None
    return None


def to_reference_record(
    kind: ReferenceKind, key: bytes | None, value: bytes | None, headers: object, partition: int, offset: int
) -> ReferenceRecord | None:
    """Classify one consumed record; None for a record without a key (cannot be applied).

    Raises ValueError when a record claims to be a marker but its value is not one."""
    if key is None:
        return None
    text_key = key.decode("utf-8", errors="replace")
    if header_value(headers, CONTROL_HEADER) == PUBLISH_END:
        if value is None:
            raise ValueError(f"{kind} marker {text_key!r} at {partition}/{offset} has no value")
        return ReferenceRecord(kind, text_key, value, partition, offset, marker=decode_marker(value))
    if text_key.startswith(MARKER_KEY_PREFIX):
        return None  # a tombstoned or foreign marker key: never a list entry
    raw_id = header_value(headers, PUBLISH_ID_HEADER)
    publish_id = raw_id.decode("utf-8", errors="replace") if raw_id is not None else None
    return ReferenceRecord(kind, text_key, value, partition, offset, publish_id=publish_id)
