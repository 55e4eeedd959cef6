"""Speed and memory of the name index on the full lists, against brute force in the same run.

Run: `.venv/bin/python -m bench.speed [--queries N] [--brute N]`.

Loads OFAC SDN 2024-05-03 + OFAC aliases 2025-12 + the 2024-09 update + the UN list of
2026-02-27 through `screening.lists.load_lists`, builds the `ListIndex` (goal <= 10 s), reports
resident memory (goal <= 400 MB), then screens listed names with one typo and clean random
names with `match_name` (goal: median <= 50 us per name on one core). Baselines in the same run:
`rapidfuzz.process.extractOne` over every listed name (what a scan costs even with a C scorer),
paymon's own comparison over every listed name (which also gives the index's recall against
brute force on the same queries), and the Python oracle of the same retrieval and scoring
(`tests/oracle/`), the measurement behind Rust being the one production implementation.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process

from screening.index import ListIndex
from screening.matching.engine import MatchEngine
from screening.matching.listed import kind_slots, prepare_entries
from screening.matching.params import DEFAULT_PARAMS, DEFAULT_THRESHOLD
from screening.matching.prepare import prepare
from screening.model import ListEntry
from tests.oracle.reference_index import ReferenceIndex

LISTS_DIR = (
    Path(
        os.environ.get(
            "PAYMON_SHARED_DATA", Path(__file__).resolve().parent.parent.parent / "shared" / "data"
        )
    )
    / "lists"
)
LIST_PATHS = (
    "ofac-sdn-2024-05-03",
    "ofac-aliases-2025-12",
    "ofac-sdn-2024-09-update",
    "un/consolidated-2026-02-27.xml",
)
SEED = 20261122
# Clean names: common given names, family names and business words (none of them a listed name).
_GIVEN_WORDS = (
    "james maria john anna robert linda michael sarah david laura thomas emma daniel sophie "
    "peter julia pierre claire hans greta carlos lucia marco giulia jan eva lars ingrid yuki kenji"
)
_FAMILY_WORDS = (
    "smith johnson williams brown jones miller davis wilson taylor anderson thomas moore martin "
    "jackson white harris clark lewis walker hall young allen wright scott green baker adams nelson "
    "muller schmidt schneider fischer weber meyer wagner becker dubois moreau laurent rossi ferrari "
    "esposito bianchi romano garcia martinez lopez gonzalez perez sanchez jensen nielsen hansen"
)
_BUSINESS_WORDS = (
    "acme northwind contoso globex initech umbrella stark wayne hooli vandelay bluth pied piper "
    "sunrise riverside lakeside hillcrest oakwood maple cedar granite harbor summit"
)
_SUFFIX_WORDS = "ltd llc gmbh inc sa bv plc limited trading logistics holdings consulting"
GIVEN = tuple(_GIVEN_WORDS.split())
FAMILY = tuple(_FAMILY_WORDS.split())
BUSINESS = tuple(_BUSINESS_WORDS.split())
SUFFIX = tuple(_SUFFIX_WORDS.split())


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size of this process in MB, from /proc/self/status."""
    current = peak = 0.0
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    current = int(line.split()[1]) / 1024
                elif line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) / 1024
    except OSError:  # not Linux: report zeros rather than fail the bench
        pass
    return current, peak


def perturb(name: str, rng: random.Random) -> str:
    """One typo: delete, insert, replace or swap one letter (as payments misspell names)."""
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 4:
        return name
    i = rng.choice(letters[1:-1])
    op = rng.randrange(4)
    if op == 0:
        return name[:i] + name[i + 1 :]
    if op == 1:
        return name[:i] + rng.choice("aeioustrn") + name[i:]
    if op == 2:
        return name[:i] + rng.choice("aeioustrn") + name[i + 1 :]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :] if i + 1 < len(name) else name


def one_typo_queries(
    names: Sequence[tuple[str, str]], count: int, rng: random.Random
) -> tuple[list[tuple[str, str]], list[str]]:
    """`count` listed (entry id, name) pairs drawn at random and each name with one typo (`perturb`)."""
    sources = rng.sample(list(names), count)
    return sources, [perturb(text, rng) for _, text in sources]


def found_with_typo(
    index: ListIndex, sources: Sequence[tuple[str, str]], queries: Sequence[str], threshold: float
) -> int:
    """How many typo queries find the entry they were made from among their 50 best matches at
    `threshold`."""
    return sum(
        1
        for (entry_id, _), q in zip(sources, queries, strict=True)
        if entry_id in {m.entry.entry_id for m in index.match_name(q, limit=50, threshold=threshold)}
    )


def clean_names(count: int, rng: random.Random) -> list[str]:
    """Random person and company names made of common words."""
    out = []
    for n in range(count):
        if n % 2:
            out.append(f"{rng.choice(GIVEN).title()} {rng.choice(FAMILY).title()}")
        else:
            out.append(
                f"{rng.choice(BUSINESS).title()} {rng.choice(BUSINESS).title()} {rng.choice(SUFFIX).upper()}"
            )
    return out


def time_each(fn: Callable[[str], object], queries: Sequence[str]) -> list[float]:
    """Seconds per call, one call per query, garbage collection paused (it is not per-name work)."""
    out = []
    gc.disable()
    try:
        for q in queries:
            start = time.perf_counter()
            fn(q)
            out.append(time.perf_counter() - start)
    finally:
        gc.enable()
    return out


def describe(label: str, seconds: Sequence[float]) -> str:
    """Median / p95 / p99 / mean in microseconds and calls per second (1 / mean)."""
    ordered = sorted(seconds)

    def p(q: float) -> float:
        """The q-quantile in microseconds."""

        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e6

    mean = statistics.fmean(ordered)
    return (
        f"{label:<28} median {statistics.median(ordered) * 1e6:7.1f} us  p95 {p(0.95):7.1f}  "
        f"p99 {p(0.99):8.1f}  mean {mean * 1e6:7.1f}  {1 / mean if mean else 0.0:8,.0f}/s"
        f"  (n={len(ordered)})"
    )


def load_entries() -> list[ListEntry]:
    """The benchmark's lists, through the project's own loader."""
    from screening.lists import load_lists

    lists = load_lists([LISTS_DIR / p for p in LIST_PATHS])
    return list(lists.entries.values())


def main(argv: Sequence[str] | None = None) -> int:
    """Print build time, memory, per-name latency and the brute-force ratios; return 0."""
    parser = argparse.ArgumentParser(prog="bench.speed", description=__doc__)
    parser.add_argument(
        "--queries", type=int, default=2000, help="names screened (half listed+typo, half clean)"
    )
    parser.add_argument("--brute", type=int, default=40, help="queries also run by brute force")
    args = parser.parse_args(argv)
    if not LISTS_DIR.is_dir():
        print(f"bench.speed: no lists at {LISTS_DIR} (../shared absent); skipped")
        return 0
    rng = random.Random(SEED)
    before, _ = rss_mb()
    start = time.perf_counter()
    entries = load_entries()
    loaded = time.perf_counter() - start
    after_load, _ = rss_mb()
    start = time.perf_counter()
    index = ListIndex.build(entries)
    built = time.perf_counter() - start
    after_build, peak = rss_mb()
    names = [(e.entry_id, n.text) for e in entries for n in e.names()]
    print(f"lists: {len(entries):,} entries, {len(names):,} names loaded in {loaded:.1f} s")
    print(f"index build: {built:.2f} s (goal <= 10 s)")
    print(
        f"memory: process RSS {after_build:.0f} MB after build (goal <= 400 MB; "
        f"{before:.0f} MB at start, {after_load:.0f} MB with lists loaded, "
        f"index {after_build - after_load:.0f} MB;"
        f" peak {peak:.0f} MB)"
    )

    half = args.queries // 2
    sources, typo_queries = one_typo_queries(names, half, rng)
    clean = clean_names(half, rng)
    exact_queries = [text for _, text in sources]
    index.match_name("warm up", threshold=DEFAULT_THRESHOLD)
    # Each query is distinct within its set and no whole-query result is remembered anywhere,
    # so these are uncached figures (only per-word work is memoised, as in production).
    match = functools.partial(index.match_name, threshold=DEFAULT_THRESHOLD)
    typo_times = time_each(match, typo_queries)
    clean_times = time_each(match, clean)
    exact_times = time_each(match, exact_queries)
    print(describe("match_name, listed + typo", typo_times))
    print(describe("match_name, listed exact", exact_times))
    print(describe("match_name, clean names", clean_times))
    print(describe("match_name, typo + clean", typo_times + clean_times) + "  (goal: median <= 50 us)")
    found = found_with_typo(index, sources, typo_queries, DEFAULT_THRESHOLD)
    clean_hits = sum(1 for q in clean if index.match_name(q, threshold=DEFAULT_THRESHOLD))
    print(
        f"listed names with one typo found: {found}/{half} = {found / half:.1%}; "
        f"clean random names hitting anything: {clean_hits}/{half} = {clean_hits / half:.1%}"
    )

    # Baselines on a small sample, same queries.
    sample = typo_queries[: args.brute // 2] + clean[: args.brute // 2]
    choices = [" ".join(prepare(text).tokens) for _, text in names]
    prepared_all = [prepare(text) for _, text in names]
    every_name = MatchEngine(DEFAULT_PARAMS, prepared_all, [("any", "any", "any")] * len(prepared_all))
    rf_times = time_each(
        lambda q: process.extractOne(
            " ".join(prepare(q).tokens), choices, scorer=fuzz.WRatio, processor=None
        ),
        sample,
    )
    brute_times: list[float] = []
    recall_hits = recall_total = 0
    for q in sample:
        start = time.perf_counter()
        pq = every_name.query(prepare(q))
        brute = {
            names[i][0]
            for i in range(len(prepared_all))
            if every_name.score(pq, i, "any") >= DEFAULT_THRESHOLD
        }
        brute_times.append(time.perf_counter() - start)
        got = {m.entry.entry_id for m in index.match_name(q, limit=1000, threshold=DEFAULT_THRESHOLD)}
        recall_total += len(brute)
        recall_hits += len(brute & got)
    ours = statistics.median(time_each(match, sample))
    print(
        describe("rapidfuzz extractOne (WRatio)", rf_times)
        + f"  -> index is {statistics.median(rf_times) / ours:,.0f}x faster"
    )
    print(
        describe("paymon compare, every name", brute_times)
        + f"  -> index is {statistics.median(brute_times) / ours:,.0f}x faster"
    )
    if recall_total:
        print(
            f"index recall vs brute-force compare on {len(sample)} queries: "
            f"{recall_hits}/{recall_total} entries = {recall_hits / recall_total:.1%}"
        )

    # The Python oracle of the same look-ups (retrieval + scoring, no explanation), same queries.
    listed = prepare_entries({e.entry_id: e for e in entries}.values())
    kinds = [kind_slots(n.entry_type) for n in listed]
    engine = MatchEngine(DEFAULT_PARAMS, [n.prepared for n in listed], kinds)
    oracle = ReferenceIndex(listed)
    subset = [prepare(q) for q in typo_queries[:200] + clean[:200]]
    python_times = time_each(lambda q: oracle.lookup(q, "any", DEFAULT_THRESHOLD), subset)
    native_times = time_each(
        lambda q: engine.lookup(q, "any", DEFAULT_THRESHOLD, DEFAULT_PARAMS.max_candidates), subset
    )
    print(
        describe("Python oracle look-up, typo+clean", python_times)
        + f"  -> Rust engine is {statistics.median(python_times) / statistics.median(native_times):,.1f}x"
        " faster (same retrieval and rules)"
    )

    texts = [
        f"INVOICE {rng.randrange(10**6)} PAYMENT FOR SERVICES {text.upper()} THANK YOU"
        for _, text in sources[:200]
    ] + [
        f"salary {rng.choice(FAMILY)} {rng.randrange(12)}/2026 ref {rng.randrange(10**8)}" for _ in range(200)
    ]
    scan = functools.partial(index.scan_text, threshold=DEFAULT_THRESHOLD)
    print(describe("scan_text, remittance info", time_each(scan, texts)))
    start = time.perf_counter()
    updated = index.updated(entries[:10], [entries[-1].entry_id])
    print(f"updated() with 10 upserts + 1 removal: {time.perf_counter() - start:.2f} s (old index untouched)")
    del updated
    return 0


if __name__ == "__main__":
    sys.exit(main())
