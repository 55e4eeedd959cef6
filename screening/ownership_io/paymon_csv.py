"""paymon's ownership CSV: `owner_id,owner_name,asset_id,asset_name,percentage` (KEK's layout).

Optional columns `owner_lei` and `asset_lei` link nodes to LEIs. An empty percentage is an
unknown stake (KEK leaves some blank); a figure such as '51%' or '25-50' is read as text.
Rows are read in blocks: a block of plain one-line rows goes to the graph in bulk (C loops), and
any block holding an unusual row is read row by row with exact line numbers.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

from screening.ownership_io.builder import GraphBuilder
from screening.ownership_io.edge import PercentageError, parse_percentage
from screening.ownership_io.lei import normalise_lei

__all__ = ["REQUIRED_COLUMNS", "load_csv"]

REQUIRED_COLUMNS = ("owner_id", "owner_name", "asset_id", "asset_name", "percentage")
# Rows per bulk block: big enough that per-block overhead vanishes, small enough to stay a few MB.
_BLOCK_ROWS = 65_536


def load_csv(path: Path, builder: GraphBuilder) -> None:
    """Add every row of a paymon ownership CSV to `builder`.

    Guarantees: each bad row (missing id, unreadable percentage, bad LEI, wrong column count)
    adds one 'file:line: problem' to `builder.problems` and nothing to the graph; a file
    without the required header adds one problem naming the missing columns. Bulk and
    row-by-row reading give the same edges.
    """
    file_no = builder.file(str(path))
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            builder.problems.append(f"{path}:1: empty file (expected a header {','.join(REQUIRED_COLUMNS)})")
            return
        columns = [c.strip().lower() for c in header]
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            builder.problems.append(f"{path}:{reader.line_num}: header lacks column(s) {', '.join(missing)}")
            return
        picks = [columns.index(c) for c in REQUIRED_COLUMNS]
        leis = (
            columns.index("owner_lei") if "owner_lei" in columns else -1,
            columns.index("asset_lei") if "asset_lei" in columns else -1,
        )
        width = len(columns)
        while True:
            first_line = reader.line_num + 1
            rows = list(itertools.islice(reader, _BLOCK_ROWS))
            if not rows:
                break
            one_line_rows = reader.line_num - first_line + 1 == len(rows)
            if one_line_rows and leis == (-1, -1) and set(map(len, rows)) == {width}:
                owner, owner_name, asset, asset_name, pct = (tuple(col) for col in _columns(rows, picks))
                if builder.add_exact_columns(owner, owner_name, asset, asset_name, pct, file_no, first_line):
                    continue
            _rows_one_by_one(path, builder, rows, first_line, picks, leis, width, file_no)


def _columns(rows: list[list[str]], picks: list[int]) -> list[tuple[str, ...]]:
    transposed = list(zip(*rows, strict=True))
    return [transposed[i] for i in picks]


def _rows_one_by_one(
    path: Path,
    builder: GraphBuilder,
    rows: list[list[str]],
    first_line: int,
    picks: list[int],
    leis: tuple[int, int],
    width: int,
    file_no: int,
) -> None:
    i_owner, i_oname, i_asset, i_aname, i_pct = picks
    i_olei, i_alei = leis
    problems = builder.problems
    line = first_line
    for row in rows:
        row_line = line
        # A quoted field may span lines: the next row starts after its newlines.
        line += 1 + sum(cell.count("\n") for cell in row)
        if len(row) != width:
            if any(cell.strip() for cell in row):
                problems.append(f"{path}:{row_line}: expected {width} columns, found {len(row)}")
            continue
        owner_id, asset_id, pct = row[i_owner].strip(), row[i_asset].strip(), row[i_pct]
        if not owner_id or not asset_id:
            problems.append(f"{path}:{row_line}: {'owner_id' if not owner_id else 'asset_id'} is empty")
            continue
        try:
            stake = parse_percentage(pct)
        except PercentageError as exc:
            problems.append(f"{path}:{row_line}: percentage: {exc}")
            continue
        try:
            owner_lei = normalise_lei(row[i_olei]) if i_olei >= 0 and row[i_olei].strip() else None
            asset_lei = normalise_lei(row[i_alei]) if i_alei >= 0 and row[i_alei].strip() else None
        except ValueError as exc:
            problems.append(f"{path}:{row_line}: {exc}")
            continue
        o = builder.node(owner_id, row[i_oname].strip(), owner_lei)
        a = builder.node(asset_id, row[i_aname].strip(), asset_lei)
        builder.add(o, a, stake[0], stake[1], stake[2], file_no, row_line)
