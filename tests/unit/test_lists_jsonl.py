"""paymon JSON Lines list records: exact round-trip, loading, and errors naming file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.generate import SCHEMA_DIR, published_schemas, render
from screening.lists import EntryDecodeError, ListLoadError, decode_entry, encode_entry, load_lists
from screening.model import Address, EntryType, Identifier, IdentifierScheme, ListEntry, Name, NameQuality

_text = st.text(min_size=0, max_size=20)
_non_empty = st.text(min_size=1, max_size=20)
_alpha2 = st.from_regex(r"\A[A-Z]{2}\Z")
_birth = st.from_regex(r"\A\d{4}(-\d{2}(-\d{2})?)?\Z")
_list_name = st.from_regex(r"\A[a-z]{1,8}\Z")

entries = st.builds(
    lambda list_name, local_id, **kw: ListEntry(
        entry_id=f"{list_name}:{local_id}", list_name=list_name, **kw
    ),
    list_name=_list_name,
    local_id=st.from_regex(r"\A[A-Za-z0-9.]{1,10}\Z"),
    entry_type=st.sampled_from(EntryType),
    primary_name=_non_empty,
    aliases=st.lists(st.builds(Name, _non_empty, st.sampled_from(NameQuality)), max_size=3).map(tuple),
    programs=st.lists(_text, max_size=3).map(tuple),
    identifiers=st.lists(
        st.builds(Identifier, st.sampled_from(IdentifierScheme), _non_empty, st.none() | _alpha2, _text),
        max_size=3,
    ).map(tuple),
    countries=st.lists(_alpha2, max_size=3).map(tuple),
    birth_dates=st.lists(_birth, max_size=3).map(tuple),
    addresses=st.lists(st.builds(Address, _text, _text, _text, _text), max_size=2).map(tuple),
    linked_to=st.lists(_text, max_size=2).map(tuple),
    remarks=_text,
    list_version=_text,
    blocking=st.booleans(),
    extra=st.lists(st.tuples(_text, _text), max_size=2).map(tuple),
)


@settings(max_examples=100, deadline=None)
@given(entries)
def test_encode_then_decode_gives_the_same_entry(entry: ListEntry) -> None:
    raw = encode_entry(entry)
    assert b"\n" not in raw  # one record is one JSONL line
    assert decode_entry(raw) == entry


_SCHEMA_VALIDATOR = jsonschema.Draft202012Validator(
    json.loads((SCHEMA_DIR / "list-entry.schema.json").read_text(encoding="utf-8"))
)


@settings(max_examples=50, deadline=None)
@given(entries)
def test_every_encoded_entry_validates_against_the_published_schema(entry: ListEntry) -> None:
    _SCHEMA_VALIDATOR.validate(json.loads(encode_entry(entry)))


def test_published_schema_file_is_current() -> None:
    expected = render(published_schemas()["list-entry.schema.json"])
    assert (SCHEMA_DIR / "list-entry.schema.json").read_text(encoding="utf-8") == expected


def test_jsonl_file_loads_entries_of_several_lists(fixtures_dir: Path) -> None:
    ls = load_lists([fixtures_dir / "lists" / "entries.jsonl"])
    assert ls.sources == ["entries"]
    acme = ls.entries["internal:42"]
    assert acme.list_name == "internal"
    assert acme.blocking is False
    assert acme.aliases == (Name("ACME EXPORTS", NameQuality.STRONG), Name("AEH", NameQuality.WEAK))
    assert acme.identifiers == (Identifier(IdentifierScheme.BIC, "ACMEXXAA", "XX"),)
    maria = ls.entries["eu:EU.123.45"]
    assert (maria.list_name, maria.entry_type, maria.birth_dates) == (
        "eu",
        EntryType.PERSON,
        ("1980-07", "1981"),
    )


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (b'{"entry_id":"x:1","list":"x","type":"person"', "malformed|truncated|JSON"),
        (b'{"entry_id":"x:1","list":"x","type":"person"}', "missing required field `name`"),
        (b'{"entry_id":"x:1","list":"x","type":"robot","name":"A"}', r"\$\.type"),
        (
            b'{"entry_id":"x:1","list":"x","type":"person","name":"A","countries":["Russia"]}',
            r"\$\.countries\[0\]",
        ),
        (b'{"entry_id":"y:1","list":"x","type":"person","name":"A"}', "does not start with its list"),
    ],
)
def test_bad_line_is_refused_with_file_line_and_problem(tmp_path: Path, line: bytes, problem: str) -> None:
    good = b'{"entry_id":"x:0","list":"x","type":"person","name":"Z"}'
    path = tmp_path / "bad.jsonl"
    path.write_bytes(good + b"\n\n" + line + b"\n")
    with pytest.raises(ListLoadError, match=rf"^{path}:3: .*({problem})"):
        load_lists([path])


def test_decode_entry_error_names_the_field() -> None:
    with pytest.raises(EntryDecodeError, match=r"\$\.aliases\[0\]\.quality"):
        decode_entry(
            b'{"entry_id":"x:1","list":"x","type":"person","name":"A","aliases":[{"name":"B","quality":"meh"}]}'
        )


def test_later_line_with_the_same_id_wins(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    path.write_bytes(
        b'{"entry_id":"x:1","list":"x","type":"person","name":"Old"}\n'
        b'{"entry_id":"x:1","list":"x","type":"person","name":"New"}\n'
    )
    assert load_lists([path]).entries["x:1"].primary_name == "New"


def test_byte_order_mark_and_crlf_line_ends_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "windows.jsonl"
    path.write_bytes(
        b'\xef\xbb\xbf{"entry_id":"x:1","list":"x","type":"person","name":"A"}\r\n'
        b'{"entry_id":"x:2","list":"x","type":"vessel","name":"B"}\r\n'
    )
    assert set(load_lists([path]).entries) == {"x:1", "x:2"}
