"""OFAC legacy CSV reading: every file-level quirk, and refusal of malformed or truncated files."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.lists.errors import ListLoadError
from screening.lists.ofac_csv import read_csv

PATH = Path("sdn.csv")


def test_crlf_and_trailing_dos_eof_byte_are_not_data() -> None:
    raw = b'1,"A B",-0- \r\n2,"C",-0- \r\n\x1a'
    rows = read_csv(PATH, raw, 3)
    assert [r.fields for r in rows] == [("1", "A B", ""), ("2", "C", "")]
    assert [r.line for r in rows] == [1, 2]


def test_lf_file_without_dos_eof_reads_the_same() -> None:
    raw = b'1,"A B",-0- \n2,"C",-0- \n'
    assert [r.fields for r in read_csv(PATH, raw, 3)] == [("1", "A B", ""), ("2", "C", "")]


def test_empty_marker_with_and_without_trailing_space_is_empty_but_quoted_text_is_kept() -> None:
    raw = b'1,-0- ,-0-,"-0- x"\r\n\x1a'
    assert read_csv(PATH, raw, 4)[0].fields == ("1", "", "", "-0- x")


def test_quoted_commas_and_doubled_quotes_stay_inside_the_field() -> None:
    raw = b'1,"DOE, John","say ""hi"""\r\n\x1a'
    assert read_csv(PATH, raw, 3)[0].fields == ("1", "DOE, John", 'say "hi"')


def test_wrong_column_count_names_file_and_line() -> None:
    raw = b'1,"A",-0- \r\n2,"B"\r\n\x1a'
    with pytest.raises(ListLoadError) as err:
        read_csv(PATH, raw, 3)
    assert str(err.value) == "sdn.csv:2: expected 3 columns, found 2"


def test_unclosed_quote_is_refused_at_the_line_where_the_field_starts() -> None:
    raw = b'1,"A",-0- \r\n2,"B,-0- \r\n3,"C",-0- \r\n\x1a'
    with pytest.raises(ListLoadError, match=r"^sdn\.csv:2: malformed quoting"):
        read_csv(PATH, raw, 3)


def test_quote_left_open_until_the_end_of_the_file_is_refused() -> None:
    raw = b'1,"A",-0- \r\n2,"B,-0- \r\n3,-0- ,-0- \r\n\x1a'
    with pytest.raises(ListLoadError, match=r"^sdn\.csv:2: unterminated quoted field"):
        read_csv(PATH, raw, 3)


def test_file_cut_mid_line_is_refused_even_when_the_cut_leaves_whole_fields() -> None:
    raw = b'1,"A",-0- \r\n2,"B",-0'
    with pytest.raises(ListLoadError, match=r"^sdn\.csv:2: file ends in the middle of a line"):
        read_csv(PATH, raw, 3)


def test_file_cut_inside_a_quoted_field_is_refused() -> None:
    raw = b'1,"A",-0- \r\n2,"B",-0- \r\n3,"Remarks that were cut'
    with pytest.raises(ListLoadError, match=r"^sdn\.csv:3: "):
        read_csv(PATH, raw, 3)


def test_bytes_that_are_not_utf8_are_refused_with_their_line() -> None:
    raw = b'1,"A",-0- \r\n2,"B\xff",-0- \r\n\x1a'
    with pytest.raises(ListLoadError, match=r"^sdn\.csv:2: not UTF-8"):
        read_csv(PATH, raw, 3)


def test_blank_lines_are_skipped_and_line_numbers_stay_true() -> None:
    raw = b'1,"A",-0- \r\n\r\n3,"C",-0- \r\n\x1a'
    assert [r.line for r in read_csv(PATH, raw, 3)] == [1, 3]
