"""Ownership graph scale: build + 50%-rule propagation, list updates, incremental edge changes.

Run: `.venv/bin/python -m bench.ownership [--entities N] [--edges M] [--updates U] [--changes K]
[--skip-synthetic] [--skip-worker-path]`

Synthetic part (default 1,000,000 entities, 2,000,000 edges): writes a paymon ownership CSV to a
temp dir (each entity owned by 1-3 random owners whose stakes split 100%; random owners make
cycles; every entity has its own name from `bench._owner_names`, a register's mix of persons and
companies in Latin and Cyrillic script), then times `load_ownership` (parse + compact graph
build) and the full OFAC propagation from the 0.2% of owners that the list names, designated by
id (`OwnershipState.from_designations`), and reports peak RSS.

List updates: the list is the full OFAC + UN lists from ../shared (as the worker loads them;
only the planted entries when absent) plus one entry naming each of those 0.2% owners. Every
owner is screened (`OwnershipState.build`, timed: the full rebuild). Then U list updates of
`UPDATE_SIZE` entries each (new entries naming owners, half with a typo; removed entries; entries
renamed to another owner) are published one after another: `ListIndex.updated` +
`OwnershipState.with_index`, timed as update-to-effect (the new state decides payments from then
on), with its parts: the list index update, finding the owners to screen again, and the rest
(screening them, propagation). Baseline in the same run: a full rebuild on the final list, which
is what every list update cost before; the bench checks both give the same designated and
blocked entities.

Worker path (`--skip-worker-path` to leave it out): every list entry and ownership edge held as
published records (as a worker holds them), U more updates applied as the worker applies them
(`agents.reference.build_screening_state`: records decoded, snapshot merged and compared,
version hashed, index and owners updated), and the cost of hashing every record for the
version, which each list update paid before the edges' digest was kept.

Edge changes: K single-edge changes (re-weighted, removed and new edges, half of them inside
blocked cones) are applied with `with_edges`; it prints their median and p95 and, as the baseline
measured in the same run, a naive full re-propagation of the changed graph, with the ratio.

Real part: the KEK German media graph from ../shared (skipped when absent) with 20 of its own
owner names listed, screened by the real `ListIndex`, same figures.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench._owner_names import owner_name
from bench.speed import LISTS_DIR, load_entries
from screening.index import ListIndex
from screening.matching.params import DEFAULT_THRESHOLD
from screening.model import EntryType, ListEntry
from screening.ownership import OwnershipEdge, OwnershipGraph, OwnershipState, Regime, load_ownership
from screening.ownership_reach import OwnerReach

SHARED_KEK = (
    Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "ownership" / "kek_media_shares.csv"
)
# 0.2% of owners named by the list (about 1,700 at 1M entities; the real lists match about as
# many more): far above real hit rates, and below the density at which blocking floods this
# random graph (its aggregated stakes cascade: 0.8% designated blocks 99% of it).
PLANTED_FRACTION = 0.002
# Entries per list update: a busy day's OFAC publication.
UPDATE_SIZE = 10
SEED = 20261122


def rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_synthetic(path: Path, names: list[str], edges: int, rng: random.Random) -> int:
    """Write a random ownership CSV over `names` (one per entity) with about `edges` edges;
    returns the number written."""
    entities = len(names)
    mean_owners = edges / entities
    written = 0
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["owner_id", "owner_name", "asset_id", "asset_name", "percentage"])
        for asset in range(entities):
            # 1..3 owners, mean `mean_owners` (2 at the default size).
            k = (
                1
                + (rng.random() < mean_owners - 1)
                + (rng.random() < (mean_owners - 1) / 2)
                - (rng.random() < (mean_owners - 1) / 2)
            )
            k = max(1, min(3, k))
            cuts = sorted(rng.randint(1, 99) for _ in range(k - 1))
            shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
            owners = {rng.randrange(entities) for _ in range(k)} - {asset}
            for owner, share in zip(owners, shares, strict=False):
                if share <= 0:
                    continue
                out.writerow([f"E{owner}", names[owner], f"E{asset}", names[asset], share])
                written += 1
    return written


def time_changes(
    state: OwnershipState, changes: list[tuple[list[OwnershipEdge], list[str]]]
) -> tuple[list[float], OwnershipState]:
    """Apply each change to the state before it (like a worker), returning each one's seconds."""
    times = []
    for upserts, removed in changes:
        start = time.perf_counter()
        state = state.with_edges(upserts, removed)
        times.append(time.perf_counter() - start)
    return times, state


def random_changes(
    graph: OwnershipGraph, state: OwnershipState, count: int, rng: random.Random
) -> list[tuple[list[OwnershipEdge], list[str]]]:
    """Single-edge changes: half on assets inside blocked cones, half anywhere."""
    blocked_nodes = [graph.node_of(party) for party in state.blocked()]
    hot = [n for n in blocked_nodes if n is not None]
    n_nodes = graph.node_count
    out: list[tuple[list[OwnershipEdge], list[str]]] = []
    for i in range(count):
        asset = rng.choice(hot) if hot and i % 2 == 0 else rng.randrange(n_nodes)
        ins = list(graph.in_edges(asset))
        kind = i % 3
        if kind == 0 and ins:  # re-weight an existing stake
            old = graph.edge(rng.choice(ins))
            pct = float(rng.choice([10, 30, 49, 50, 60, 100]))
            out.append(
                (
                    [
                        OwnershipEdge(
                            owner_id=old.owner_id,
                            asset_id=old.asset_id,
                            owner_name=old.owner_name,
                            asset_name=old.asset_name,
                            low=pct,
                            high=pct,
                        )
                    ],
                    [],
                )
            )
        elif kind == 1 and ins:  # remove a stake
            out.append(([], [graph.edge(rng.choice(ins)).edge_id]))
        else:  # a new stake from a random owner
            owner = rng.randrange(n_nodes)
            pct = float(rng.choice([20, 50, 75]))
            out.append(
                (
                    [
                        OwnershipEdge(
                            owner_id=graph.node_id(owner),
                            asset_id=graph.node_id(asset),
                            owner_name=graph.name(owner),
                            asset_name=graph.name(asset),
                            low=pct,
                            high=pct,
                        )
                    ],
                    [],
                )
            )
    return out


def report_changes(
    label: str,
    state: OwnershipState,
    changes: list[tuple[list[OwnershipEdge], list[str]]],
    entries: dict[str, ListEntry],
) -> None:
    """Time the changes, then the baseline: a naive full re-propagation of the final graph from
    the same designated owners (screening excluded on both sides)."""
    times, final = time_changes(state, changes)
    median = statistics.median(times)
    p95 = sorted(times)[int(len(times) * 0.95)]
    designations = {party: entries[entry_id] for party, entry_id in final.designated().items()}
    start = time.perf_counter()
    baseline = OwnershipState.from_designations(
        final.graph, final.index, designations, final.regime, threshold=final.threshold
    )
    naive = time.perf_counter() - start
    same = baseline.blocked() == final.blocked()
    print(
        f"{label}: {len(times)} single-edge changes: median {median * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms"
    )
    print(
        f"{label}: baseline full re-propagation of the changed graph: {naive * 1000:.1f} ms "
        f"-> incremental is {naive / median:.0f}x faster (results identical: {same})"
    )


def synthetic(entities: int, edges: int, changes: int, updates: int, worker: bool) -> None:
    """Print the synthetic-graph figures (see the module docstring)."""
    rng = random.Random(SEED)
    names = [owner_name(rng) for _ in range(entities)]
    with tempfile.TemporaryDirectory(prefix="paymon-bench-") as tmp:
        path = Path(tmp) / "synthetic.csv"
        start = time.perf_counter()
        written = write_synthetic(path, names, edges, rng)
        print(
            f"synthetic: wrote {written:,} edges over {entities:,} entities ({len(set(names)):,} distinct "
            f"names) in {time.perf_counter() - start:.1f} s (generation, not timed below)"
        )
        start, cpu = time.perf_counter(), time.process_time()
        graph = load_ownership([path])
        loaded, loaded_cpu = time.perf_counter() - start, time.process_time() - cpu
    owners = sorted(graph.owners())
    planted = [
        _listed(f"bench:{n}", graph.name(n)) for n in rng.sample(owners, int(len(owners) * PLANTED_FRACTION))
    ]
    real = real_entries()
    index = ListIndex.build([*real, *planted])
    print(
        f"synthetic: {len(owners):,} owners; list: {len(real):,} real entries "
        f"({'OFAC + UN' if real else 'lists absent: ../shared not found'}) + {len(planted):,} naming owners"
    )
    designations = {graph.node_id(int(e.entry_id.split(":")[1])): e for e in planted}
    start, cpu = time.perf_counter(), time.process_time()
    designated_state = OwnershipState.from_designations(
        graph, index, designations, Regime.OFAC, threshold=DEFAULT_THRESHOLD
    )
    propagated, propagated_cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"synthetic: load + graph build {loaded:.1f} s ({graph.edge_count:,} edges, "
        f"{len(graph.warnings):,} warnings), full OFAC propagation {propagated:.1f} s from "
        f"{len(designations):,} designated -> {len(designated_state.blocked()):,} blocked; "
        f"total {loaded + propagated:.1f} s wall, {loaded_cpu + propagated_cpu:.1f} s CPU (target <= 30 s; "
        f"wall time includes waiting for a shared CPU); peak RSS {rss_mb():,.0f} MB (target <= 2,048)"
    )
    state, listed = list_updates(graph, index, owners, planted, updates, rng)
    if worker:
        worker_path(graph, state, owners, listed, updates, rng)
    report_changes(
        "synthetic",
        state,
        random_changes(graph, state, changes, rng),
        dict(state.index.entries),
    )


def list_updates(
    graph: OwnershipGraph,
    index: ListIndex,
    owners: list[int],
    planted: list[ListEntry],
    updates: int,
    rng: random.Random,
) -> tuple[OwnershipState, dict[str, ListEntry]]:
    """Screen every owner (the full build), then publish `updates` list updates of
    `UPDATE_SIZE` entries each and time each one's effect on the state, with a full rebuild on
    the final list as the baseline and the check that both give the same result."""
    start, cpu = time.perf_counter(), time.process_time()
    state = OwnershipState.build(graph, index, Regime.OFAC, threshold=DEFAULT_THRESHOLD)
    built, built_cpu = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    reach = OwnerReach.of(graph, index.params)  # a diagnostic: what `build` spent on indexing the owner names
    print(
        f"synthetic: full build (screen all {len(owners):,} owners, index their names for list "
        f"updates ({time.perf_counter() - start:.1f} s of it), propagate): {built:.1f} s wall, "
        f"{built_cpu:.1f} s CPU -> "
        f"{len(state.designated()):,} designated, {len(state.blocked()):,} blocked; "
        f"peak RSS {rss_mb():,.0f} MB"
    )
    times: list[float] = []
    indexing: list[float] = []  # the list index part alone (`ListIndex.updated`)
    rescreens: list[float] = []  # the ownership part alone (`with_index`)
    cpu_times: list[float] = []
    rescreens_cpu: list[float] = []
    reaching: list[float] = []  # of the ownership part: finding the owners to screen again
    reached: list[int] = []  # owners the changed entries reach (screened again)
    moved: list[int] = []  # owners whose designation changed
    listed = {e.entry_id: e for e in planted}
    for u in range(updates):
        upserts, removed = _update(u, graph, owners, listed, rng)
        old_entries = [
            listed[entry_id] for entry_id in removed + [e.entry_id for e in upserts] if entry_id in listed
        ]
        start = time.perf_counter()
        reached.append(len(reach.reached(graph, [*old_entries, *upserts])))
        reaching.append(time.perf_counter() - start)
        start, cpu = time.perf_counter(), time.process_time()
        new_index = state.index.updated(upserts, removed)
        indexed, indexed_cpu = time.perf_counter(), time.process_time()
        new_state = state.with_index(new_index)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu)
        indexing.append(indexed - start)
        rescreens.append(time.perf_counter() - indexed)
        rescreens_cpu.append(time.process_time() - indexed_cpu)
        moved.append(len(new_state.designated().keys() ^ state.designated().keys()))
        for entry_id in removed:
            listed.pop(entry_id, None)
        listed.update((e.entry_id, e) for e in upserts)
        state = new_state
    start, cpu = time.perf_counter(), time.process_time()
    full = OwnershipState.build(graph, state.index, Regime.OFAC, threshold=DEFAULT_THRESHOLD)
    rebuild, rebuild_cpu = time.perf_counter() - start, time.process_time() - cpu
    same = full.designated() == state.designated() and full.blocked() == state.blocked()
    print(
        f"synthetic: {updates} list updates of {UPDATE_SIZE} entries (added, removed, renamed): "
        f"update-to-effect median {statistics.median(times):.2f} s wall "
        f"({statistics.median(cpu_times):.2f} s CPU), max {max(times):.2f} s (list index update + owner "
        f"re-screen + propagation; target <= 5 s), of which the list index update (`ListIndex.updated`) "
        f"{statistics.median(indexing):.3f} s and the ownership part (`with_index`) "
        f"{statistics.median(rescreens):.2f} s wall ({statistics.median(rescreens_cpu):.2f} s CPU; finding "
        f"the owners to screen again {statistics.median(reaching):.2f} s of it, timed apart); "
        f"owners the changed names reach, screened again: median {statistics.median(reached):,.0f} "
        f"of {len(owners):,}; designations changed: median {statistics.median(moved):.0f}; "
        f"peak RSS {rss_mb():,.0f} MB"
    )
    print(
        f"synthetic: baseline full rebuild on the final list (what every list update cost before): "
        f"{rebuild:.1f} s wall, {rebuild_cpu:.1f} s CPU -> incremental is "
        f"{rebuild / statistics.median(times):.0f}x faster in wall time, "
        f"{rebuild_cpu / statistics.median(cpu_times):.0f}x in CPU "
        f"(designated and blocked identical: {same})"
    )
    print(
        "synthetic: each update, wall / CPU s: "
        + ", ".join(f"{w:.2f} / {c:.2f}" for w, c in zip(times, cpu_times, strict=True))
    )
    return state, listed


def worker_path(
    graph: OwnershipGraph,
    state: OwnershipState,
    owners: list[int],
    listed: dict[str, ListEntry],
    updates: int,
    rng: random.Random,
) -> None:
    """Time list updates as a worker applies them (`agents.reference.build_screening_state`, what
    `ReferenceState.apply` runs before its swap): from the published records of every list entry
    and ownership edge, the update's records decoded, the snapshot merged and compared, its
    version hashed, then the index and the owners updated."""
    from agents.reference import (
        ChangeSet,
        ReferenceSnapshot,
        apply_to_snapshot,
        build_screening_state,
        reference_version,
        snapshot_difference,
    )
    from screening.lists.jsonl import encode_entry
    from screening.ownership import encode_edge
    from screening.screen import ScreeningState

    start = time.perf_counter()
    edges = {}
    for e in range(graph.edge_count):
        edge = graph.edge(e)
        edges[edge.edge_id] = encode_edge(edge)
    lists = {entry_id: encode_entry(entry) for entry_id, entry in state.index.entries.items()}
    snapshot = ReferenceSnapshot(lists=lists, edges=edges, sources=("bench",))
    encoded = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    current = ScreeningState(index=state.index, ownership=state, list_version=reference_version(snapshot))
    hashed, hashed_cpu = time.perf_counter() - start, time.process_time() - cpu
    times: list[float] = []
    cpu_times: list[float] = []
    for u in range(updates):
        upserts, removed = _update(u + 1000, graph, owners, listed, rng)
        records: dict[str, bytes | None] = {entry_id: None for entry_id in removed}
        records.update((e.entry_id, encode_entry(e)) for e in upserts)
        start, cpu = time.perf_counter(), time.process_time()
        published = apply_to_snapshot(snapshot, ChangeSet(lists=records, sources=("bench",)))
        difference = snapshot_difference(snapshot, published)
        current = build_screening_state(published, current, difference, "OFAC", threshold=DEFAULT_THRESHOLD)
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu)
        snapshot = published
        for entry_id in removed:
            listed.pop(entry_id, None)
        listed.update((e.entry_id, e) for e in upserts)
    print(
        f"worker path: {len(edges):,} edge and {len(lists):,} list records held as published "
        f"({encoded:.1f} s to encode, not timed); {updates} list updates of {UPDATE_SIZE} entries as a "
        f"worker applies them (decode, snapshot merge and difference, version, index, owners): median "
        f"{statistics.median(times):.2f} s wall ({statistics.median(cpu_times):.2f} s CPU), max "
        f"{max(times):.2f} s; hashing every record for the version, which each list update did before "
        f"(now only when the edges change): {hashed:.2f} s wall ({hashed_cpu:.2f} s CPU); "
        f"peak RSS {rss_mb():,.0f} MB"
    )


def _update(
    u: int, graph: OwnershipGraph, owners: list[int], listed: dict[str, ListEntry], rng: random.Random
) -> tuple[list[ListEntry], list[str]]:
    """One list update: new entries naming owners (some with a typo), removed entries and
    entries renamed to another owner."""
    third = UPDATE_SIZE // 3
    added = [
        _listed(f"bench:new{u}-{i}", _typo(graph.name(n), rng) if i % 2 else graph.name(n))
        for i, n in enumerate(rng.sample(owners, UPDATE_SIZE - 2 * third))
    ]
    gone = rng.sample(sorted(listed), 2 * third)
    renamed = [
        dataclasses.replace(listed[entry_id], primary_name=graph.name(rng.choice(owners)).upper())
        for entry_id in gone[third:]
    ]
    return [*added, *renamed], gone[:third]


def _typo(name: str, rng: random.Random) -> str:
    k = rng.randrange(len(name))
    return name[:k] + name[k + 1 :]


def _listed(entry_id: str, name: str) -> ListEntry:
    return ListEntry(
        entry_id=entry_id,
        list_name="bench",
        entry_type=EntryType.ORGANISATION,
        primary_name=name.upper(),
        programs=("BENCH",),
    )


def real_entries() -> list[ListEntry]:
    """The full lists the worker screens with (OFAC + UN), or none when ../shared is absent."""
    if not LISTS_DIR.is_dir():
        return []
    return load_entries()


def kek(changes: int) -> None:
    """Print the real KEK graph figures, or say why they are skipped."""
    if not SHARED_KEK.is_file():
        print(f"kek: skipped ({SHARED_KEK} not found; ../shared is absent)")
        return
    rng = random.Random(SEED)
    start = time.perf_counter()
    graph = load_ownership([SHARED_KEK])
    loaded = time.perf_counter() - start
    owners = sorted(graph.owners())
    listed = [
        ListEntry(
            entry_id=f"bench:kek-{n}",
            list_name="bench",
            entry_type=EntryType.ORGANISATION,
            primary_name=graph.name(n).upper(),
            programs=("BENCH",),
        )
        for n in rng.sample(owners, 20)
    ]
    index = ListIndex.build(listed)
    start = time.perf_counter()
    state = OwnershipState.build(graph, index, Regime.OFAC, threshold=DEFAULT_THRESHOLD)
    built = time.perf_counter() - start
    print(
        f"kek: load {loaded * 1000:.0f} ms ({graph.edge_count:,} edges); screen {len(owners):,} owners + "
        f"propagate {built * 1000:.0f} ms -> {len(state.designated())} designated, "
        f"{len(state.blocked())} blocked"
    )
    kek_changes = random_changes(graph, state, changes, rng)
    report_changes(
        "kek",
        state,
        kek_changes,
        dict(index.entries),
    )
    _, final = time_changes(state, kek_changes)
    start = time.perf_counter()
    OwnershipState.build(final.graph, index, Regime.OFAC, threshold=DEFAULT_THRESHOLD)
    rebuild = time.perf_counter() - start
    print(f"kek: naive full rebuild (screen every owner + propagate): {rebuild * 1000:.0f} ms")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; always returns 0 (figures are printed, never asserted)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=2_000_000)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--updates", type=int, default=5, help="list updates to time")
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument(
        "--skip-worker-path", action="store_true", help="skip the updates through the worker's records"
    )
    args = parser.parse_args(argv)
    kek(args.changes)
    if not args.skip_synthetic:
        synthetic(args.entities, args.edges, args.changes, args.updates, not args.skip_worker_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
