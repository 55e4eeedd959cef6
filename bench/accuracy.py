"""Accuracy of `compare_names` on the shared name bench, side by side with nomenklatura logic-v2.

Run: `.venv/bin/python -m bench.accuracy [--threshold X] [--sweep] [--failures N]`.
Prints precision / recall / F1 overall, per quality tier and for the cross-script subset, for
paymon at its threshold and for logic-v2's recorded scores at 0.7 (the baseline, same run);
agreement with the scores read off OFAC's Sanctions List Search tool; and how many of the
cross-script pairs reach their expected minimum similarity.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from screening.match import DEFAULT_THRESHOLD, PartyKind, compare_names

EVAL_DIR = (
    Path(
        os.environ.get(
            "PAYMON_SHARED_DATA", Path(__file__).resolve().parent.parent.parent / "shared" / "data"
        )
    )
    / "eval"
)
# logic-v2's own threshold for its recorded scores (README of the shared data).
LOGIC_V2_THRESHOLD = 0.7
# OFAC's tool is usually run at a minimum score of 85; we compare our call with theirs at it.
OFAC_MATCH_SCORE = 85

_SCHEMA_KIND: dict[str, PartyKind] = {
    "Person": "person",
    "Organization": "organisation",
    "Company": "organisation",
    "LegalEntity": "organisation",
    "PublicBody": "organisation",
}


def schema_kind(schema: str) -> PartyKind:
    """The party kind for a FollowTheMoney schema name (`any` for vessels and unknown schemas)."""
    return _SCHEMA_KIND.get(schema, "any")


def is_cross_script(*names: str) -> bool:
    """True when any name holds a letter outside the Latin script (the cross-script subset)."""
    return any(c.isalpha() and "LATIN" not in unicodedata.name(c, "") for n in names for c in n)


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled pair of the name bench, with logic-v2's recorded score."""

    schema: str
    name1: str
    name2: str
    is_match: bool
    quality: str
    logic_v2: float | None


@dataclass(frozen=True, slots=True)
class Counts:
    """Confusion counts and the derived figures."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 0 when there are no positives."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall; 0 when both are 0."""

        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _parse_bool(value: str, where: str) -> bool:
    if value.strip().lower() in ("true", "1", "yes"):
        return True
    if value.strip().lower() in ("false", "0", "no"):
        return False
    raise ValueError(f"{where}: is_match must be true/false, got {value!r}")


def load_cases(eval_dir: Path = EVAL_DIR) -> list[Case]:
    """The name bench joined with logic-v2's scores (matched by row order and names)."""
    cases_path = eval_dir / "name_bench_cases.csv"
    ref_path = eval_dir / "name_bench_logicv2_reference.csv"
    with cases_path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    ref: dict[tuple[str, str, str], float] = {}
    if ref_path.exists():
        with ref_path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                ref[(row["schema"], row["name1"], row["name2"])] = float(row["score"])
    out = []
    for line, row in enumerate(rows, start=2):
        out.append(
            Case(
                schema=row["schema"],
                name1=row["name1"],
                name2=row["name2"],
                is_match=_parse_bool(row["is_match"], f"{cases_path}:{line}"),
                quality=row["quality"],
                logic_v2=ref.get((row["schema"], row["name1"], row["name2"])),
            )
        )
    return out


def score_cases(cases: Sequence[Case]) -> list[float]:
    """paymon's score for every case, in order."""
    return [compare_names(c.name1, c.name2, kind=schema_kind(c.schema)).score for c in cases]


def count(labels: Iterable[bool], scores: Iterable[float], threshold: float) -> Counts:
    """Confusion counts of `score >= threshold` against the labels."""
    tp = fp = fn = tn = 0
    for label, score in zip(labels, scores, strict=True):
        predicted = score >= threshold
        if predicted and label:
            tp += 1
        elif predicted:
            fp += 1
        elif label:
            fn += 1
        else:
            tn += 1
    return Counts(tp, fp, fn, tn)


def _row(title: str, n: int, ours: Counts, theirs: Counts | None) -> str:
    base = f"{title:<16}{n:>5}  {ours.precision:6.3f} {ours.recall:6.3f} {ours.f1:6.3f}"
    if theirs is None:
        return base
    return base + f"   | {theirs.precision:6.3f} {theirs.recall:6.3f} {theirs.f1:6.3f}"


def accuracy_table(cases: Sequence[Case], scores: Sequence[float], threshold: float) -> list[str]:
    """Lines of the side-by-side table: overall, per quality tier, cross-script subset."""
    lines = [
        f"{'subset':<16}{'n':>5}  {'P':>6} {'R':>6} {'F1':>6}   | logic-v2 @{LOGIC_V2_THRESHOLD}: P R F1",
        f"{'':<16}{'':>5}  paymon @{threshold:.2f}",
    ]
    groups: list[tuple[str, list[int]]] = [("overall", list(range(len(cases))))]
    for tier in sorted({c.quality for c in cases}):
        groups.append((f"tier {tier}", [i for i, c in enumerate(cases) if c.quality == tier]))
    groups.append(("cross-script", [i for i, c in enumerate(cases) if is_cross_script(c.name1, c.name2)]))
    groups.append(("non-ASCII", [i for i, c in enumerate(cases) if not (c.name1 + c.name2).isascii()]))
    for title, idx in groups:
        labels = [cases[i].is_match for i in idx]
        ours = count(labels, [scores[i] for i in idx], threshold)
        # logic-v2's reference scores 812 of the 826 pairs; its figures are over those it scored.
        scored = [i for i in idx if cases[i].logic_v2 is not None]
        theirs = None
        if scored:
            theirs = count(
                [cases[i].is_match for i in scored],
                [cases[i].logic_v2 or 0.0 for i in scored],
                LOGIC_V2_THRESHOLD,
            )
        lines.append(_row(title, len(idx), ours, theirs) + f" (n={len(scored)})")
    return lines


def _pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    vx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    vy = math.sqrt(sum((y - my) ** 2 for y in ys))
    return cov / (vx * vy) if vx and vy else 0.0


def _ranks(xs: Sequence[float]) -> list[float]:
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    ranks = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2
        i = j + 1
    return ranks


def ofac_agreement(eval_dir: Path, threshold: float) -> list[str]:
    """Correlation with OFAC's tool scores and the share of rows where both make the same call."""
    path = eval_dir / "ofac_tool_scores.csv"
    ours: list[float] = []
    theirs: list[float] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            ofac = float(row["ofac_score"])
            if ofac < 0:  # the tool returned nothing for this query (e.g. Cyrillic input)
                continue
            ours.append(compare_names(row["query_name"], row["result_name"]).score)
            theirs.append(ofac)
    same = sum(1 for o, t in zip(ours, theirs, strict=True) if (o >= threshold) == (t >= OFAC_MATCH_SCORE))
    both = sum(1 for o, t in zip(ours, theirs, strict=True) if o >= threshold and t >= OFAC_MATCH_SCORE)
    ofac_hits = sum(1 for t in theirs if t >= OFAC_MATCH_SCORE)
    ours_hits = sum(1 for o in ours if o >= threshold)
    return [
        f"OFAC tool rows: {len(ours)}; Pearson r {_pearson(ours, theirs):.3f}; "
        f"Spearman rho {_pearson(_ranks(ours), _ranks(theirs)):.3f}",
        f"  same call (paymon >= {threshold:.2f} vs OFAC >= {OFAC_MATCH_SCORE}): "
        f"{same}/{len(ours)} = {same / len(ours):.1%}; both match {both}; "
        f"OFAC-only {ofac_hits - both}; paymon-only {ours_hits - both}",
    ]


def cross_script_pairs(eval_dir: Path) -> tuple[list[str], int, int]:
    """Lines describing each cross-script pair's score vs its expected minimum; (lines, reached, n)."""
    path = eval_dir / "cross_script_pairs.csv"
    lines: list[str] = []
    reached = total = 0
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            text = raw.strip()
            if not text or text.startswith("#"):
                continue
            parts = next(csv.reader([text]))
            if len(parts) < 3:
                raise ValueError(f"{path}: row {text!r} needs query,expected,min_score")
            query, expected, minimum = parts[0], parts[1], float(parts[2])
            score = compare_names(query, expected, kind="person").score
            total += 1
            ok = score >= minimum
            reached += ok
            lines.append(f"  {'ok ' if ok else 'LOW'} {score:.2f} >= {minimum:.2f}  {query} ~ {expected}")
    return lines, reached, total


def main(argv: Sequence[str] | None = None) -> int:
    """Print the accuracy report; return 0."""
    parser = argparse.ArgumentParser(prog="bench.accuracy", description=__doc__)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--sweep", action="store_true", help="print F1 over a range of thresholds")
    parser.add_argument("--failures", type=int, default=0, help="print the N worst errors")
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    args = parser.parse_args(argv)
    if not (args.eval_dir / "name_bench_cases.csv").exists():
        print(f"bench.accuracy: no eval data at {args.eval_dir} (../shared absent); skipped")
        return 0
    cases = load_cases(args.eval_dir)
    scores = score_cases(cases)
    print(f"== name bench: {len(cases)} labelled pairs ==")
    for line in accuracy_table(cases, scores, args.threshold):
        print(line)
    if args.sweep:
        labels = [c.is_match for c in cases]
        for t in [x / 100 for x in range(50, 96, 2)]:
            c = count(labels, scores, t)
            print(f"  threshold {t:.2f}: P {c.precision:.3f} R {c.recall:.3f} F1 {c.f1:.3f}")
    if args.failures:
        failures = [
            (abs(s - args.threshold), c, s)
            for c, s in zip(cases, scores, strict=True)
            if (s >= args.threshold) != c.is_match
        ]
        failures.sort(key=lambda e: -e[0])
        for _, case, s in failures[: args.failures]:
            kind = "FP" if s >= args.threshold else "FN"
            print(f"  {kind} {s:.2f} [{case.quality} {case.schema}] {case.name1} | {case.name2}")
    print("== OFAC Sanctions List Search agreement ==")
    for line in ofac_agreement(args.eval_dir, args.threshold):
        print(line)
    lines, reached, total = cross_script_pairs(args.eval_dir)
    print(f"== cross-script pairs reaching their minimum: {reached}/{total} ==")
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
