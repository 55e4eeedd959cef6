"""Cross-script recall: names written in their own script that must keep matching their Latin name.

Run: `.venv/bin/python -m bench.script_recall [--threshold T] [--misses N]`.

The measure that makes cutting cross-script false alerts safe (`bench.false_alerts` counts the
alerts; this counts what a cut must not lose). Each case is a name in a non-Latin script and the
Latin names of the same person or body; it is found when the best `compare_names` score of the
name against one of them (compared as the entry's kind) reaches the threshold. Three sources:

- `un`: every UN-listed entry with a NAME_ORIGINAL_SCRIPT (Arabic, Cyrillic) against the entry's
  Latin primary name and aliases (`../shared/data/lists/un`, real list data);
- `ftm`: every non-Latin name of the OpenSanctions FollowTheMoney samples in `../shared`
  (Cyrillic, Greek, kana, ...) against the entity's Latin names (real data);
- `variants`: `bench/script_variants.csv`, the project's own labelled pairs: the usual writings
  of listed persons and common names in Arabic/Persian (the q/gh/k spellings of `ق`, `محمد` as
  Muhammad/Mohamed/Mohammed), Cyrillic, Greek, Hebrew, Devanagari, Bengali and Thai.

Prints found/total per source and per script, and the misses with their best score. All figures
are deterministic counts.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.innocent_names import script_of_text
from bench.speed import LISTS_DIR
from screening.lists import load_lists
from screening.match import DEFAULT_THRESHOLD, PartyKind, compare_names
from screening.model import EntryType, ListEntry

UN_LIST = LISTS_DIR / "un" / "consolidated-2026-02-27.xml"
FTM_FILES = (
    LISTS_DIR / "opensanctions" / "zala-cluster.ftm.json",
    LISTS_DIR / "opensanctions" / "eu-fsf-sample.ftm.json",
)
VARIANTS = Path(__file__).resolve().parent / "script_variants.csv"
DEFAULT_MISSES = 10


@dataclass(frozen=True, slots=True)
class RecallCase:
    """A name in its own script, the Latin names it must match, and where the pair comes from."""

    source: str
    script: str
    query: str
    latin: tuple[str, ...]
    kind: PartyKind


def _kind(entry: ListEntry) -> PartyKind:
    return "person" if entry.entry_type is EntryType.PERSON else "organisation"


def entry_cases(source: str, entries: Sequence[ListEntry]) -> Iterator[RecallCase]:
    """One case per non-Latin name of each entry that also has a Latin name (none otherwise)."""
    for entry in entries:
        texts = [n.text for n in entry.names()]
        latin = tuple(t for t in texts if script_of_text(t) == "Latin")
        if not latin:
            continue
        for text in texts:
            script = script_of_text(text)
            if script not in ("Latin", "None"):
                yield RecallCase(source, script, text, latin, _kind(entry))


def variant_cases(path: Path = VARIANTS) -> list[RecallCase]:
    """The labelled pairs of `script_variants.csv` (persons); a malformed row raises ValueError
    naming the file and the row."""
    cases = []
    with path.open(encoding="utf-8") as fh:
        rows = csv.reader(line for line in fh if line.strip() and not line.startswith("#"))
        for number, row in enumerate(rows, 1):
            if len(row) < 3 or not row[1] or not row[2]:
                raise ValueError(f"{path}: data row {number} {row!r} needs script,query,latin")
            script, query, latin = row[0], row[1], row[2]
            if script_of_text(query) != script:
                raise ValueError(f"{path}: data row {number}: {query!r} is not written in {script}")
            cases.append(RecallCase("variants", script, query, (latin,), "person"))
    return cases


def recall_cases() -> list[RecallCase]:
    """Every case of the three sources (the real-data ones only when ../shared is present)."""
    cases: list[RecallCase] = []
    if UN_LIST.exists():
        cases += entry_cases("un", list(load_lists([UN_LIST]).entries.values()))
    present = [p for p in FTM_FILES if p.exists()]
    if present:
        cases += entry_cases("ftm", list(load_lists(present).entries.values()))
    return cases + variant_cases()


def best_score(case: RecallCase) -> tuple[float, str]:
    """The best score of the case's name against one of its Latin names, and that name."""
    return max((compare_names(case.query, latin, kind=case.kind).score, latin) for latin in case.latin)


@dataclass(slots=True)
class Found:
    """Cases found and cases tried of one group."""

    found: int = 0
    total: int = 0

    def text(self) -> str:
        """`found/total = rate`."""
        rate = self.found / self.total if self.total else 0.0
        return f"{self.found:>4}/{self.total:<4} = {rate:6.1%}"


def recall_lines(cases: Sequence[RecallCase], threshold: float, misses: int) -> list[str]:
    """Found/total per source and script, overall, then up to `misses` misses with their score."""
    groups: dict[tuple[str, str], Found] = defaultdict(Found)
    by_script: dict[str, Found] = defaultdict(Found)
    total = Found()
    missed: list[str] = []
    for case in cases:
        score, latin = best_score(case)
        hit = score >= threshold
        for group in (groups[(case.source, case.script)], by_script[case.script], total):
            group.total += 1
            group.found += hit
        if not hit:
            missed.append(f"  missed [{case.source} {case.script}] {case.query} ~ {latin} {score:.2f}")
    lines = [f"  {source:<9}{script:<11}{found.text()}" for (source, script), found in sorted(groups.items())]
    lines += [f"  {'script':<9}{script:<11}{found.text()}" for script, found in sorted(by_script.items())]
    lines.append(f"  {'all':<20}{total.text()}")
    more = [f"  ... {len(missed) - misses} more missed"] if len(missed) > misses else []
    return lines + missed[:misses] + more


def main(argv: Sequence[str] | None = None) -> int:
    """Print the cross-script recall; return 0."""
    parser = argparse.ArgumentParser(prog="bench.script_recall", description=__doc__.split("\n\n")[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--misses", type=int, default=DEFAULT_MISSES, help="misses shown")
    args = parser.parse_args(argv)
    if not UN_LIST.exists():
        print(f"bench.script_recall: {UN_LIST} absent (../shared): the list-derived cases are skipped")
    print(f"== cross-script recall at threshold {args.threshold:.2f} ==")
    for line in recall_lines(recall_cases(), args.threshold, args.misses):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
