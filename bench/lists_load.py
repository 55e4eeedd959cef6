"""Time and memory of loading the real lists the screening engine runs on.

Run: `.venv/bin/python -m bench.lists_load [--repeat N]`

Loads OFAC SDN 2024-05-03 + the Dec 2025 alias/address rows + the Sept 2024 update + the UN
2026 list (about 39,000 names) with `load_lists`, and prints the best and median wall time of
N loads (wall and CPU seconds), the first (cold) load including the country table, the entries' memory (traced
allocations retained after the load) and the peak traced during it. As a baseline it times the
bare parse of the same bytes in the same run (csv.reader over each CSV file and lxml over the
XML, building nothing), so the ratio says what turning rows into checked, indexed entries costs.
Needs ../shared (the real data); exits with a message when it is absent.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from lxml import etree

from screening.lists import load_lists

SHARED_LISTS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lists"
SOURCES = (
    "ofac-sdn-2024-05-03",
    "ofac-aliases-2025-12",
    "ofac-sdn-2024-09-update",
    "un/consolidated-2026-02-27.xml",
)


def _bare_parse(paths: list[Path]) -> int:
    """Rows/elements seen by the plainest parse of the same files (the baseline)."""
    seen = 0
    for path in paths:
        files = sorted(path.glob("*.csv")) if path.is_dir() else [path]
        for file in files:
            raw = file.read_bytes()
            if file.suffix == ".csv":
                text = raw.rstrip(b"\r\n\x1a").decode("utf-8")
                seen += sum(1 for _ in csv.reader(io.StringIO(text, newline="")))
            else:
                for _, element in etree.iterparse(io.BytesIO(raw), tag=("INDIVIDUAL", "ENTITY")):
                    seen += 1
                    element.clear()
    return seen


def main(argv: list[str] | None = None) -> int:
    """Print load figures; 1 when the shared data is absent."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed loads after the cold one")
    args = parser.parse_args(argv)
    paths = [SHARED_LISTS / source for source in SOURCES]
    if not all(p.exists() for p in paths):
        print(f"real lists not found under {SHARED_LISTS}", file=sys.stderr)
        return 1

    start, cpu_start = time.perf_counter(), time.process_time()
    cold = load_lists(paths)
    cold_seconds, cold_cpu = time.perf_counter() - start, time.process_time() - cpu_start
    names = sum(len(e.names()) for e in cold.entries.values())
    del cold
    gc.collect()

    warm: list[float] = []
    warm_cpu: list[float] = []
    for _ in range(args.repeat):
        start, cpu_start = time.perf_counter(), time.process_time()
        load_lists(paths)
        warm.append(time.perf_counter() - start)
        warm_cpu.append(time.process_time() - cpu_start)
    baseline_cpu: list[float] = []
    for _ in range(args.repeat):
        cpu_start = time.process_time()
        _bare_parse(paths)
        baseline_cpu.append(time.process_time() - cpu_start)

    gc.collect()
    tracemalloc.start()
    kept = load_lists(paths)
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"sources: {', '.join(kept.sources)}")
    print(f"entries: {len(kept.entries):,}  names: {names:,}  warnings: {len(kept.warnings):,}")
    # CPU seconds are the stable figure on a shared machine; wall seconds include waiting.
    print(f"cold load (first in process): {cold_seconds:.2f} s wall, {cold_cpu:.2f} s CPU")
    print(
        f"load: best {min(warm):.2f} s wall / {min(warm_cpu):.2f} s CPU, "
        f"median {statistics.median(warm):.2f} s wall over {args.repeat}"
    )
    print(f"baseline bare parse: best {min(baseline_cpu):.2f} s CPU")
    print(f"ratio load / bare parse (CPU): {min(warm_cpu) / min(baseline_cpu):.1f}x")
    print(
        f"memory: entries retain {retained / 1e6:.1f} MB, peak during load {peak / 1e6:.1f} MB (tracemalloc)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
