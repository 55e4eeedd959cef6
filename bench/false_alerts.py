"""False alerts on innocent names in every script, beside the recall checks that must not fall.

Run: `.venv/bin/python -m bench.false_alerts [--count N] [--samples N] [--peer-sample N]`.

Screens the 50,000 innocent names of `bench.innocent_names` (Faker, 25 locales, people and
companies, native scripts and romanised forms) as payment parties of their generated kind,
through the screening state `paymon screen` builds (`load_state`) from OFAC SDN 2024-05-03 +
OFAC aliases 2025-12 + the 2024-09 update + the UN list of 2026-02-27 in ../shared, at the
default threshold. Prints the false-alert rate overall and per script (n, alerts, rate) with
exact homonyms counted apart (every token of the name equals a token of the listed name after
transliteration, `杨帆` vs `FAN, Yang`: a real name match an analyst must see), the same rate
when the party is screened as a payment party without a birth date
(`screening.screen.party_kind`: `organisation` when its name carries a legal form only
organisations have, else `any`), and a sample of false alerts with their explanations
(`--script` shows every one of a script).

In the same run, the recall that a precision fix must not cost: the name bench (P/R/F1,
`bench.accuracy`), the cross-script pairs (`bench.accuracy`), the planted hits of
`bench.screen_file` (its own lists and payments), listed names with one typo found
(`bench.speed`), and UN-listed names mangled (one typo, tokens reordered, a token dropped) found.
The peer: brute-force rapidfuzz `token_sort_ratio >= 85` over every listed name (rapidfuzz's
own `default_process`) on the same names (or a seeded sample of them, as printed).

All figures are counts of deterministic results (the same on every run of the same code); only
the elapsed times printed are noisy.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from bench.accuracy import EVAL_DIR, count, cross_script_pairs, load_cases, score_cases
from bench.innocent_names import DEFAULT_COUNT, InnocentName, generate_innocent_names
from bench.screen_file import default_lists, generate_payments
from bench.speed import LIST_PATHS, LISTS_DIR, SEED, found_with_typo, one_typo_queries, perturb
from paymon_cli.offline import load_state, screen_lines
from screening.match import DEFAULT_THRESHOLD, NameMatch, PartyKind
from screening.names import consonant_skeleton, name_readings, normalise_name
from screening.readings import SYLLABLE_VARIANTS
from screening.screen import party_kind

if TYPE_CHECKING:
    from screening.index import ListIndex
    from screening.model import ListEntry
    from screening.screen import ScreeningState

# rapidfuzz's peer setting: `token_sort_ratio` at 85, the score OFAC's own search tool is
# usually run at (bench.accuracy's OFAC_MATCH_SCORE).
PEER_CUTOFF = 85
# Names the peer screens by default: a seeded sample, since brute force costs about 3 ms a name
# (all 50,000 take 2.5 minutes; `--peer-sample 50000` does that).
PEER_SAMPLE = 20_000
# Listed names drawn for the one-typo check, as bench.speed draws them (same seed, same names).
TYPO_SAMPLE = 1000
MANGLE_SEED = 20261204
# An alert's evidence is shown for at most this many false alerts per script.
DEFAULT_SAMPLES = 3
# Looked-up depth for recall checks: the listed entry must be among this many best matches.
RECALL_DEPTH = 50
# Missed mangled names shown per mangling.
MISSES_SHOWN = 3


@dataclass(frozen=True, slots=True)
class Screened:
    """One innocent name and what screening it found, as its generated kind and as a party
    without a birth date (`party_kind`)."""

    name: InnocentName
    matches: tuple[NameMatch, ...]
    matches_unknown: tuple[NameMatch, ...]


def screen_innocent(state: ScreeningState, names: Sequence[InnocentName], threshold: float) -> list[Screened]:
    """Screen each name as a payment party: `ScreeningState.match_name`, the call
    `screening.screen` makes per party, once with the generated kind and once with the kind
    `screening.screen` gives a party without a birth date (`party_kind`)."""
    out = []
    for name in names:
        kind: PartyKind = name.kind
        found = state.match_name(name.text, kind, None, None, threshold)
        found_unknown = state.match_name(name.text, party_kind(name.text, None), None, None, threshold)
        out.append(Screened(name, found, found_unknown))
    return out


# Scripts that leave short vowels unwritten: their names equal a listed name when the consonants
# do (`کریمی` transliterates as `krimi`, listed as `KARIMI`).
ABJADS = frozenset({"Arabic", "Hebrew"})


# One spelling for each spelling group of a name syllable (`ri`/`lee`/`yi` -> `ri`): Korean and
# Chinese names spelt differently are one name (`이병철` ~ `RI, Pyong Chol`).
_SYLLABLE_SPELLING = {
    word: group.split()[0] for group in reversed(SYLLABLE_VARIANTS) for word in group.split()
}


def _keys(tokens: tuple[str, ...], abjad: bool) -> tuple[str, ...]:
    return tuple(consonant_skeleton(t) or t for t in tokens) if abjad else tokens


def _spelt_alike(tokens: tuple[str, ...]) -> Counter[str]:
    return Counter(_SYLLABLE_SPELLING.get(t, t) for t in tokens)


def _same_name(ours: tuple[str, ...], listed: tuple[str, ...]) -> bool:
    if not ours or not listed:
        return False
    if _spelt_alike(ours) == _spelt_alike(listed):
        return True
    joined = "".join(listed)
    return joined in ("".join(ours), "".join(ours[1:] + ours[:1]), "".join(ours[-1:] + ours[:-1]))


def is_homonym(name: InnocentName, match: NameMatch) -> bool:
    """True when the innocent name is the listed name itself after transliteration: the same
    tokens in any order (`杨帆` ~ `FAN, Yang`; in an abjad the same consonants, `علی کریمی` ~
    `KARIMI, Ali`; a name syllable in any of its spellings, `이병철` ~ `RI, Pyong Chol`), or the
    same letters once joined (`习近平` ~ `XI Jinping`, family name first or last), in any reading
    of the name (`姜明哲` read as Korean is `KANG, Myong Chol`)."""
    abjad = name.script in ABJADS
    listed = _keys(normalise_name(match.matched_name, name.kind).tokens, abjad)
    readings = name_readings(name.text, name.kind)
    return any(_same_name(_keys(reading.tokens, abjad), listed) for reading in readings)


@dataclass(slots=True)
class Tally:
    """Names, false alerts and homonym-only alerts of one group."""

    names: int = 0
    alerts: int = 0
    homonyms: int = 0

    def add(self, matches: Sequence[NameMatch], name: InnocentName) -> bool:
        """Count one screened name; True when it is a false alert (an alert on something other
        than its homonyms)."""
        self.names += 1
        if not matches:
            return False
        if all(is_homonym(name, m) for m in matches):
            self.homonyms += 1
            return False
        self.alerts += 1
        return True

    def rate(self) -> float:
        """False alerts per name (0 when empty)."""
        return self.alerts / self.names if self.names else 0.0


def false_alert_lines(results: Sequence[Screened], samples: int, only_script: str | None = None) -> list[str]:
    """The per-script table (kind as generated, then without a birth date) and a sample of false
    alerts: `samples` per script, or every one of `only_script` alone when it is given."""
    by_script: dict[str, Tally] = defaultdict(Tally)
    by_script_unknown: dict[str, Tally] = defaultdict(Tally)
    by_kind: dict[str, Tally] = defaultdict(Tally)
    total, total_unknown = Tally(), Tally()
    shown: dict[str, list[Screened]] = defaultdict(list)
    for r in results:
        false_alert = by_script[r.name.script].add(r.matches, r.name)
        by_kind[r.name.kind].add(r.matches, r.name)
        total.add(r.matches, r.name)
        by_script_unknown[r.name.script].add(r.matches_unknown, r.name)
        total_unknown.add(r.matches_unknown, r.name)
        wanted = r.name.script == only_script if only_script else len(shown[r.name.script]) < samples
        if false_alert and wanted:
            shown[r.name.script].append(r)
    head = f"{'script':<11}{'names':>7}{'alerts':>8}{'rate':>8}{'homonyms':>10}  | no birth date: alerts rate"
    lines = [head]

    def row(title: str, tally: Tally, tally_unknown: Tally | None) -> str:
        text = f"{title:<11}{tally.names:>7}{tally.alerts:>8}{tally.rate():>8.2%}{tally.homonyms:>10}"
        if tally_unknown is not None:
            text += f"  | {tally_unknown.alerts:>15} {tally_unknown.rate():>6.2%}"
        return text

    for script in sorted(by_script, key=lambda s: -by_script[s].rate()):
        lines.append(row(script, by_script[script], by_script_unknown[script]))
    lines.append(row("overall", total, total_unknown))
    for kind in sorted(by_kind):
        lines.append(row(kind, by_kind[kind], None))
    if only_script:
        lines.append(f"false alerts: every one of {only_script} (in generation order)")
    else:
        lines.append(f"false alerts: a sample of {samples} per script (first in generation order)")
    for script in sorted(shown):
        for r in shown[script]:
            best = r.matches[0]
            lines.append(
                f"  [{script} {r.name.kind} {r.name.locale}] {r.name.text} -> {best.matched_name} "
                f"({best.entry.entry_id}) {best.score:.2f}: {best.explanation}"
            )
    return lines


def write_alerts(results: Sequence[Screened], path: Path) -> None:
    """One TSV line per alert on an innocent name (kind as generated): script, kind, locale,
    name, homonym or not, listed name, entry, score, explanation."""
    with path.open("w", encoding="utf-8") as out:
        for r in results:
            for m in r.matches:
                fields = (
                    r.name.script,
                    r.name.kind,
                    r.name.locale,
                    r.name.text,
                    "homonym" if is_homonym(r.name, m) else "false",
                    m.matched_name,
                    m.entry.entry_id,
                    f"{m.score:.3f}",
                    m.explanation,
                )
                out.write("\t".join(fields) + "\n")


def peer_false_alerts(
    names: Sequence[InnocentName], listed: Sequence[str], sample: int, seed: int
) -> tuple[list[str], int]:
    """Lines of rapidfuzz's brute-force false-alert rate per script, and how many names it
    screened (all of them, or a seeded sample of `sample`).

    `token_sort_ratio` of two texts is `ratio` of their tokens sorted and joined, so each side
    is processed and sorted once and `extractOne` compares the sorted forms (identical scores). Exact
    homonyms are not set apart here (the peer's rate is already the smaller)."""
    chosen = list(names) if sample >= len(names) else random.Random(seed).sample(list(names), sample)

    def sorted_form(text: str) -> str:
        return " ".join(sorted(default_process(text).split()))

    choices = [sorted_form(t) for t in listed]
    per_script: dict[str, Tally] = defaultdict(Tally)
    total = Tally()
    for name in chosen:
        hit = process.extractOne(
            sorted_form(name.text), choices, scorer=fuzz.ratio, processor=None, score_cutoff=PEER_CUTOFF
        )
        for tally in (per_script[name.script], total):
            tally.names += 1
            tally.alerts += hit is not None
    lines = [
        f"  {script:<11}{t.names:>7}{t.alerts:>8}{t.rate():>8.2%}"
        for script, t in sorted(per_script.items(), key=lambda kv: -kv[1].rate())
    ]
    lines.append(f"  {'overall':<11}{total.names:>7}{total.alerts:>8}{total.rate():>8.2%}")
    return lines, len(chosen)


def mangled(name: str, how: str, rng: random.Random) -> str | None:
    """`name` with one typo, its tokens reordered (last first) or one token after the first
    dropped; None when the name is too short for that mangling (one token; two for a drop)."""
    tokens = name.replace(",", " ").split()
    if how == "typo":
        typo = perturb(name, rng)
        return typo if typo != name else None
    if how == "reordered":
        return " ".join(tokens[-1:] + tokens[:-1]) if len(tokens) >= 2 else None
    if how == "dropped token":
        if len(tokens) < 3:
            return None
        del tokens[rng.randrange(1, len(tokens))]
        return " ".join(tokens)
    raise ValueError(f"unknown mangling {how!r}")


MANGLINGS = ("typo", "reordered", "dropped token")


def mangled_recall(index: ListIndex, entries: Sequence[ListEntry], threshold: float) -> list[str]:
    """Lines of how many UN-listed primary names, mangled each way, still find their entry."""
    rng = random.Random(MANGLE_SEED)
    un = sorted((e for e in entries if e.list_name == "un"), key=lambda e: e.entry_id)
    lines = []
    found_all = total_all = 0
    missed: list[str] = []
    for how in MANGLINGS:
        found = total = 0
        for entry in un:
            query = mangled(entry.primary_name, how, rng)
            if query is None:
                continue
            total += 1
            hits = index.match_name(query, threshold=threshold, limit=RECALL_DEPTH)
            if entry.entry_id in {m.entry.entry_id for m in hits}:
                found += 1
            elif sum(m.startswith(how) for m in missed) < MISSES_SHOWN:
                missed.append(f"{how}: {query!r} for {entry.primary_name!r}")
        found_all += found
        total_all += total
        lines.append(f"  {how:<14} {found:>4}/{total:<4} = {found / total:.1%}")
    lines.append(f"  {'all':<14} {found_all:>4}/{total_all:<4} = {found_all / total_all:.1%}")
    lines += [f"  missed e.g. {m}" for m in missed]
    return lines


def planted_hits(threshold: float) -> tuple[int, int]:
    """(alerted, planted) of `bench.screen_file`'s payments, on its own lists and payments."""
    state = load_state(default_lists(), [])
    lines, planted = generate_payments(20_000, state)
    decisions = io.BytesIO()
    screen_lines(lines, state, threshold=threshold, write_decision=decisions.write, write_reject=lambda _: 0)
    alerted = {
        d["payment_id"]
        for d in map(msgspec.json.decode, decisions.getvalue().splitlines())
        if d["decision"] == "alert"
    }
    return len(planted & alerted), len(planted)


def _timed(label: str, fn: Callable[[], list[str]]) -> None:
    start = time.perf_counter()
    lines = fn()
    print(f"== {label} ({time.perf_counter() - start:.1f} s) ==")
    for line in lines:
        print(line)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the false-alert table, the recall checks and the peer; return 0."""
    parser = argparse.ArgumentParser(prog="bench.false_alerts", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help="innocent names screened")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--samples", type=int, default=DEFAULT_SAMPLES, help="false alerts shown per script")
    parser.add_argument(
        "--peer-sample", type=int, default=PEER_SAMPLE, help="names the rapidfuzz peer screens"
    )
    parser.add_argument("--script", help="show every false alert of this script (e.g. Latin)")
    parser.add_argument("--dump", type=Path, help="write every alert (TSV) to this file")
    args = parser.parse_args(argv)
    if not LISTS_DIR.is_dir() or not (EVAL_DIR / "name_bench_cases.csv").exists():
        print(f"bench.false_alerts: no lists/eval data under {LISTS_DIR.parent} (../shared absent); skipped")
        return 0
    threshold = args.threshold
    start = time.perf_counter()
    state = load_state([LISTS_DIR / p for p in LIST_PATHS], [])
    entries = list(state.index.entries.values())
    print(f"lists: {', '.join(LIST_PATHS)}: {len(entries):,} entries ({time.perf_counter() - start:.1f} s)")
    names = generate_innocent_names(args.count)
    print(
        f"innocent names: {len(names):,} ({len({n.text for n in names}):,} distinct) from "
        f"{len({n.locale for n in names})} locales; threshold {threshold:.2f}"
    )
    results: list[Screened] = []

    def screened() -> list[str]:
        results.extend(screen_innocent(state, names, threshold))
        return false_alert_lines(results, args.samples, args.script)

    _timed("false alerts (homonyms apart)", screened)
    if args.dump:
        write_alerts(results, args.dump)
        print(f"every alert written to {args.dump}")

    def name_bench() -> list[str]:
        cases = load_cases(EVAL_DIR)
        c = count([x.is_match for x in cases], score_cases(cases), threshold)
        return [f"  P {c.precision:.3f}  R {c.recall:.3f}  F1 {c.f1:.3f}  (n={len(cases)})"]

    _timed("recall: name bench", name_bench)

    def pairs() -> list[str]:
        lines, reached, total = cross_script_pairs(EVAL_DIR)
        return [f"  reaching their minimum: {reached}/{total}"] + [x for x in lines if "LOW" in x]

    _timed("recall: cross-script pairs", pairs)

    def typos() -> list[str]:
        listed = [(e.entry_id, n.text) for e in entries for n in e.names()]
        sources, queries = one_typo_queries(listed, TYPO_SAMPLE, random.Random(SEED))
        found = found_with_typo(state.index, sources, queries, threshold)
        return [f"  listed names with one typo found: {found}/{len(queries)} = {found / len(queries):.1%}"]

    _timed("recall: one typo (bench.speed's sample)", typos)
    _timed("recall: UN-listed names mangled", lambda: mangled_recall(state.index, entries, threshold))

    def planted() -> list[str]:
        alerted, total = planted_hits(threshold)
        return [f"  planted payments alerted: {alerted}/{total}"]

    _timed("recall: bench.screen_file planted hits", planted)

    def peer() -> list[str]:
        listed = [n.text for e in entries for n in e.names()]
        lines, screened = peer_false_alerts(names, listed, args.peer_sample, MANGLE_SEED)
        scope = "all names" if screened == len(names) else f"a seeded sample of {screened:,} names"
        title = (
            f"  rapidfuzz token_sort_ratio >= {PEER_CUTOFF}, brute force over {len(listed):,} "
            f"listed names, {scope} (homonyms not set apart)"
        )
        return [title, *lines]

    _timed("peer: rapidfuzz brute force false alerts", peer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
