"""`load_ownership`: read ownership tables of any supported format into one graph."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path

import msgspec

from screening.ownership_io.builder import GraphBuilder
from screening.ownership_io.ftm import load_ftm
from screening.ownership_io.gleif import load_gleif
from screening.ownership_io.graph import OwnershipGraph
from screening.ownership_io.issues import OwnershipLoadError
from screening.ownership_io.paymon_csv import load_csv
from screening.ownership_io.psc import load_psc

__all__ = ["OwnershipFormat", "detect_format", "load_ownership"]

# Enough of a file to recognise its format from its first record.
_SNIFF_BYTES = 65_536


class OwnershipFormat(StrEnum):
    """The ownership table formats paymon reads."""

    CSV = "csv"
    FTM = "ftm"
    PSC = "psc"
    GLEIF = "gleif"


def detect_format(path: Path) -> OwnershipFormat:
    """Recognise a file's format from its content (the extension is only a tie-breaker).

    Raises OwnershipLoadError('file:1: ...') when the content matches no supported format.
    """
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<"):
        if b"RelationshipRecord" in head or b"gleif.org" in head:
            return OwnershipFormat.GLEIF
        raise OwnershipLoadError([f"{path}:1: XML that is not GLEIF RR-CDF (no RelationshipRecord)"])
    if text.startswith(b"{"):
        first = text.split(b"\n", 1)[0]
        try:
            record = msgspec.json.decode(first)
        except msgspec.DecodeError as exc:
            raise OwnershipLoadError([f"{path}:1: first line is not JSON: {exc}"]) from exc
        if isinstance(record, dict):
            data = record.get("data", record)
            if "schema" in record and "id" in record:
                return OwnershipFormat.FTM
            if "company_number" in record or (
                isinstance(data, dict) and ("natures_of_control" in data or "kind" in data)
            ):
                return OwnershipFormat.PSC
        raise OwnershipLoadError([f"{path}:1: JSON lines that are neither FtM entities nor UK PSC records"])
    header = text.split(b"\n", 1)[0].decode("utf-8", "replace").lower()
    if "owner_id" in header and "asset_id" in header:
        return OwnershipFormat.CSV
    raise OwnershipLoadError(
        [
            f"{path}:1: unrecognised ownership format (expected CSV with owner_id,...,percentage, "
            "FtM JSON lines, UK PSC JSON lines or GLEIF RR XML)"
        ]
    )


_LOADERS: dict[OwnershipFormat, Callable[[Path, GraphBuilder], None]] = {
    OwnershipFormat.CSV: load_csv,
    OwnershipFormat.FTM: load_ftm,
    OwnershipFormat.PSC: load_psc,
    OwnershipFormat.GLEIF: load_gleif,
}
_FOLDER_SUFFIXES = (".csv", ".json", ".jsonl", ".ndjson", ".xml")


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in _FOLDER_SUFFIXES)
            )
        elif path.is_file():
            files.append(path)
        else:
            raise OwnershipLoadError([f"{path}: no such file or folder"])
    return files


def load_ownership(paths: Sequence[Path], *, strict: bool = True) -> OwnershipGraph:
    """One graph from ownership files or folders, each format recognised by its content.

    Guarantees: later files' edges replace earlier ones with the same (owner, asset) (flagged);
    with `strict` (the default) any bad row raises OwnershipLoadError listing every
    'file:line: problem'; with `strict=False` bad rows are skipped and listed in the graph's
    `warnings` instead, never dropped unreported. Data-quality flags (percentages outside 0-100,
    stakes summing over 100%) are always in `warnings`.
    """
    # Millions of short-lived rows would trigger the cyclic GC over and over, each pass walking
    # the growing graph; nothing built here forms cycles, so it is paused while loading.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _load(paths, strict)
    finally:
        if was_enabled:
            gc.enable()


def _load(paths: Sequence[Path], strict: bool) -> OwnershipGraph:
    builder = GraphBuilder()
    problems: list[str] = []
    detected: list[tuple[Path, OwnershipFormat]] = []
    for path in _expand(paths):
        try:
            detected.append((path, detect_format(path)))
        except OwnershipLoadError as exc:
            problems.extend(exc.problems)
    # GLEIF last: its LEI-only records then join the nodes other tables gave those LEIs.
    for path, fmt in sorted(detected, key=lambda item: item[1] == OwnershipFormat.GLEIF):
        _LOADERS[fmt](path, builder)
    problems.extend(builder.problems)
    if problems and strict:
        raise OwnershipLoadError(problems)
    builder.warnings.extend(f"skipped bad row: {p}" for p in problems)
    return builder.build()
