"""Reading OFAC's legacy CSV files exactly as published, refusing anything malformed.

Quirks handled here: no header row, `-0-` (often `-0- `) meaning empty, CRLF or LF line ends,
a trailing 0x1A (DOS end-of-file) byte. A row with the wrong column count, an unterminated
quote, bytes that are not UTF-8 or a last line cut off mid-way raise `ListLoadError` naming the
file and line: a truncated list must never load as a shorter list.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import NamedTuple

from screening.lists.errors import ListLoadError

__all__ = ["CsvRow", "read_csv"]

EMPTY_MARKER = "-0-"
# OFAC writes the marker unquoted, with or without a trailing space; quoted text is kept as is.
_EMPTY_FIELDS = frozenset({EMPTY_MARKER, EMPTY_MARKER + " ", " " + EMPTY_MARKER + " "})
_DOS_EOF = b"\x1a"


class CsvRow(NamedTuple):
    """One record: the 1-based line it starts on and its fields, `-0-` already made empty.

    A named tuple rather than a dataclass: tens of thousands are made per load, and tuples are
    the cheapest immutable record to build.
    """

    line: int
    fields: tuple[str, ...]


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ListLoadError(path, line, f"not UTF-8 text (byte {exc.start}: {exc.reason})") from None


def read_csv(path: Path, raw: bytes, columns: int) -> list[CsvRow]:
    """Every record of an OFAC CSV file whose bytes are `raw`, each with exactly `columns` fields.

    Guarantees: `-0-` becomes '' and other fields are kept as written; blank lines are skipped; any problem
    raises `ListLoadError(path, line, problem)` before a single row is returned.
    """
    trimmed = raw.rstrip(b"\r\n\t ")
    if trimmed.endswith(_DOS_EOF):
        body = trimmed[: -len(_DOS_EOF)]  # the writer appends 0x1A after the last complete line
    else:
        body = raw
        if b"\n" in trimmed and not raw.rstrip(b" \t").endswith(b"\n"):
            # Every published file ends its last record with a line end; one that stops
            # mid-line was cut off, even if the cut happens to fall between two fields.
            last_line = trimmed.count(b"\n") + 1
            raise ListLoadError(path, last_line, "file ends in the middle of a line (truncated?)")
    text = _decode(path, body)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[CsvRow] = []
    start = 1
    try:
        for record in reader:
            if record:
                if len(record) != columns:
                    raise ListLoadError(path, start, f"expected {columns} columns, found {len(record)}")
                fields = tuple(["" if v in _EMPTY_FIELDS else v for v in record])
                rows.append(CsvRow(start, fields))
            start = reader.line_num + 1
    except csv.Error as exc:
        problem = str(exc)
        if "unexpected end of data" in problem or "EOF" in problem:
            problem = "unterminated quoted field (file truncated?)"
        elif "expected after" in problem:
            problem = f"malformed quoting: a quoted field is not closed before the next one ({problem})"
        raise ListLoadError(path, start, problem) from None
    return rows
