"""The free-text scan (`ListIndex.scan_text`) per remittance line, against the Python scan it
replaced (`tests/oracle/reference_scan.py`), in the same run on the same lines.

Run: `.venv/bin/python -m bench.scan [--payments N] [--named N]`.

Lines: the distinct remittance lines of `bench.screen_file`'s payment file (recurring salary and
rent lines, invoice references, and its planted `on behalf of <listed name>` lines), plus
`--named` lines naming a listed name (a random spelling of a random entry) inside invoice text,
each line distinct (a bench whose inputs repeat measures a memo). Prints median/p95/p99 per line
for both scans and their ratio (goal: median <= 100 us), the engine's median CPU time per line
(the steadier figure on a shared machine), whether both give identical results,
the planted names found by each, and the lines without a listed name that alert with each. Then
`bench.screen_file`'s whole payment file screened with each scan (payments/s, planted payments
alerted, other payments alerted).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence

import msgspec

from bench.screen_file import default_lists, generate_payments
from paymon_cli.offline import load_state, screen_lines
from screening.matching.params import DEFAULT_THRESHOLD
from screening.matching.results import NameMatch
from screening.screen import ScreeningState
from tests.oracle.reference_scan import ReferenceScanner
from tests.oracle.reference_vocabulary import Vocabulary

SEED = 20261203


def _figures(times: Sequence[float]) -> str:
    ordered = sorted(times)

    def p(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e6

    return f"median {statistics.median(ordered) * 1e6:8.1f} us  p95 {p(0.95):8.1f}  p99 {p(0.99):8.1f}"


def _timed(
    scan: Callable[[str], list[NameMatch]], text: str, times: list[float], cpu_times: list[float]
) -> list[NameMatch]:
    start, cpu_start = time.perf_counter(), time.thread_time()
    found = scan(text)
    cpu_times.append(time.thread_time() - cpu_start)
    times.append(time.perf_counter() - start)
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Print the scan figures of both implementations; return 0."""
    parser = argparse.ArgumentParser(prog="bench.scan", description=__doc__)
    parser.add_argument("--payments", type=int, default=20_000, help="payments of the screen_file mix")
    parser.add_argument("--named", type=int, default=2_000, help="invoice lines naming a listed name")
    args = parser.parse_args(argv)
    state = load_state(default_lists(), [])
    index = state.index
    entries = sorted(index.entries.values(), key=lambda e: e.entry_id)
    start = time.perf_counter()
    reference = ReferenceScanner(
        index._engine, index._names, Vocabulary(index.params, index._names), index._entries
    )
    built = time.perf_counter() - start
    print(f"lists: {len(entries):,} entries; Python reference scanner built in {built:.1f} s")

    lines, planted_ids = generate_payments(args.payments, state)
    decoder = msgspec.json.Decoder()
    file_lines: dict[str, str | None] = {}  # remittance line -> the listed name planted in it
    for raw in lines:
        event = decoder.decode(raw)
        text = event.get("remittance_info")
        if text:
            planted = event["payment_id"] in planted_ids and text.startswith("on behalf of ")
            file_lines[text] = text.removeprefix("on behalf of ").rsplit(" ref ", 1)[0] if planted else None
    rng = random.Random(SEED)
    named: dict[str, str] = {}
    for entry in rng.sample(entries, min(args.named, len(entries))):
        name = rng.choice([n.text for n in entry.names()])
        purpose = rng.choice(["PAYMENT FOR SERVICES", "CONSULTING FEE", "RENT"])
        text = f"INVOICE {rng.randrange(10**6)} {purpose} {name.upper()} THANK YOU"
        named[text] = entry.entry_id
    clean = [t for t, n in file_lines.items() if n is None]
    planted_lines = [t for t, n in file_lines.items() if n is not None]
    print(
        f"lines: {len(clean):,} distinct remittance lines of {args.payments:,} payments without a listed "
        f"name, {len(planted_lines)} with one planted (bench.screen_file), {len(named):,} invoice lines "
        "naming a listed entry"
    )

    def engine_scan(text: str) -> list[NameMatch]:
        return index.scan_text(text, threshold=DEFAULT_THRESHOLD)

    def reference_scan(text: str) -> list[NameMatch]:
        return reference.scan(text, threshold=DEFAULT_THRESHOLD, limit=5)

    for text in clean[:50]:  # warm both (the reference's word memos, the allocator)
        engine_scan(text)
        reference_scan(text)
    different = 0
    alerts = {"engine": 0, "reference": 0}
    found = {"engine": 0, "reference": 0}
    named_found = {"engine": 0, "reference": 0}
    times: dict[str, list[float]] = {"engine": [], "reference": []}
    # CPU time of this thread per line: the steadier figure when others share the machine
    cpu_times: dict[str, list[float]] = {"engine": [], "reference": []}
    by_group: dict[tuple[str, str], list[float]] = {}
    cpu_by_group: dict[tuple[str, str], list[float]] = {}
    every = (
        [(t, "clean") for t in clean]
        + [(t, "planted") for t in planted_lines]
        + [(t, "named") for t in named]
    )
    rng.shuffle(every)
    for text, group in every:
        ours = _timed(engine_scan, text, times["engine"], cpu_times["engine"])
        theirs = _timed(reference_scan, text, times["reference"], cpu_times["reference"])
        different += ours != theirs
        for who in ("engine", "reference"):
            by_group.setdefault((who, group), []).append(times[who][-1])
            cpu_by_group.setdefault((who, group), []).append(cpu_times[who][-1])
        for who, hits in (("engine", ours), ("reference", theirs)):
            if group == "clean":
                alerts[who] += bool(hits)
            elif group == "planted":
                found[who] += bool(hits)
            else:
                named_found[who] += named[text] in {m.entry.entry_id for m in hits}
    ratio = statistics.median(times["reference"]) / statistics.median(times["engine"])
    n = len(every)
    print(f"scan_text (Rust engine) per line  {_figures(times['engine'])}  (n={n:,}; goal: median <= 100 us)")
    print(
        f"Python reference scan per line    {_figures(times['reference'])}  -> engine is {ratio:,.1f}x faster"
    )
    for group, label in (
        ("clean", "without a listed name"),
        ("planted", "planted name"),
        ("named", "naming a listed entry"),
    ):
        engine_times, reference_times = by_group[("engine", group)], by_group[("reference", group)]
        print(
            f"  lines {label:22} engine {_figures(engine_times)} | reference {_figures(reference_times)}"
            f"  ({statistics.median(reference_times) / statistics.median(engine_times):,.1f}x)"
        )
    print(
        "engine CPU time per line (this thread)  "
        + "  ".join(
            f"{label} median {statistics.median(cpu) * 1e6:.1f} us"
            for label, cpu in (
                ("all", cpu_times["engine"]),
                ("without a listed name", cpu_by_group[("engine", "clean")]),
                ("planted", cpu_by_group[("engine", "planted")]),
                ("naming a listed entry", cpu_by_group[("engine", "named")]),
            )
        )
    )
    print(f"results identical on {len(every) - different:,} of {len(every):,} lines")
    for who in ("engine", "reference"):
        print(
            f"{who:9}: planted lines alerting {found[who]}/{len(planted_lines)}; named entries found "
            f"{named_found[who]}/{len(named)}; lines without a listed name alerting "
            f"{alerts[who]}/{len(clean)}"
        )

    # The whole payment file of bench.screen_file, screened with each scan (fresh memos each).
    def screen_file(label: str) -> None:
        decisions: list[bytes] = []
        fresh = ScreeningState(index=index, ownership=state.ownership, list_version=state.list_version)
        start = time.perf_counter()
        counts = screen_lines(
            lines, fresh, threshold=DEFAULT_THRESHOLD, write_decision=decisions.append, write_reject=len
        )
        rate = counts.screened / (time.perf_counter() - start)
        alerted = set()
        for chunk in decisions:
            for line in chunk.splitlines():
                decision = decoder.decode(line)
                if decision["decision"] == "alert":
                    alerted.add(decision["payment_id"])
        print(
            f"screen_file payments with the {label:9} scan: {rate:8,.0f} payments/s; planted alerted "
            f"{len(planted_ids & alerted)}/{len(planted_ids)}; others alerted {len(alerted - planted_ids)} "
            f"of {counts.screened - len(planted_ids)}"
        )

    screen_file("engine")
    engine_scanner = index._scanner
    # a fresh reference: its word and window memos hold nothing of the lines above
    index._scanner = ReferenceScanner(  # type: ignore[assignment]
        index._engine, index._names, Vocabulary(index.params, index._names), index._entries
    )
    try:
        screen_file("reference")
    finally:
        index._scanner = engine_scanner
    return 0


if __name__ == "__main__":
    sys.exit(main())
