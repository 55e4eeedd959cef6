"""Property tests: the list parsers never fail with anything but their own clear errors."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from screening.lists import EntryDecodeError, ListLoadError, decode_entry
from screening.lists.ofac_csv import read_csv
from screening.lists.remarks import parse_dob, parse_remarks

# Remarks-like text: OFAC's statement words mixed with arbitrary text, so the parser's branches run.
_WORDS = st.sampled_from(
    [
        "DOB",
        "alt.",
        "circa",
        "to",
        "SWIFT/BIC",
        "Passport",
        "(Russia)",
        "a.k.a.",
        "'X'",
        "Linked To:",
        "nationality",
        "Registration",
        "Number",
        "IMO",
        "1965",
        "Dec",
        "13",
        ";",
        ".",
        "(",
        ")",
        "Tax ID No.",
        "expires",
    ]
)
_REMARKS = st.lists(_WORDS | st.text(max_size=8), max_size=30).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(_REMARKS)
def test_remarks_parser_never_crashes_and_dates_are_iso_prefixes(text: str) -> None:
    facts = parse_remarks(text)
    for date in facts.birth_dates:
        assert len(date) in (4, 7, 10) and date[:4].isdigit()
    assert all(identifier.value for identifier in facts.identifiers)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_dob_parser_returns_none_or_iso_prefixes(text: str) -> None:
    dates = parse_dob(text)
    assert dates is None or all(len(d) in (4, 7, 10) for d in dates)


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=200)
    | st.lists(st.sampled_from([b'"', b",", b"-0- ", b"\r\n", b"\n", b"1", b"\x1a", b"a"]), max_size=40).map(
        b"".join
    )
)
def test_csv_reader_raises_only_list_load_errors(raw: bytes) -> None:
    try:
        rows = read_csv(Path("x.csv"), raw, 3)
    except ListLoadError as exc:
        assert str(exc).startswith("x.csv")
    else:
        assert all(len(row.fields) == 3 for row in rows)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=120) | st.text(max_size=120).map(str.encode))
def test_entry_decoder_raises_only_entry_decode_errors(raw: bytes) -> None:
    try:
        entry = decode_entry(raw)
    except EntryDecodeError as exc:
        assert str(exc)  # the error always says what is wrong
    else:
        assert entry.entry_id.startswith(entry.list_name + ":")
