"""The ownership graph in compact form: int node ids, parallel arrays of edges, CSR adjacency.

Scale is the reason for the shape: a million entities and two million edges must load and be
walked in pure Python within seconds and well under 2 GB, so an edge is a position in a few
`array`s, not an object, and adjacency is two CSR index arrays (in-edges by asset, out-edges by
owner). Stakes are stored as integers in units of 1/10,000 of a percent so that sums such as
25 + 25 == 50 are exact.

A graph is immutable to its readers. `with_edges` returns a *new* graph: changed adjacency goes
to small per-node overlay dicts copied on write, while the node registry and the edge arrays are
append-only and shared (a graph never looks at an edge or node it did not itself link), so a
worker screening with the old graph never sees a half-applied update.
"""

from __future__ import annotations

import itertools
import operator
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from screening.ownership_io.edge import OwnershipEdge, check_edge
from screening.ownership_io.layered import LayeredMap
from screening.ownership_io.store import EdgeStore, Registry

__all__ = ["HUNDRED_UNITS", "PCT_SCALE", "SUM_SLACK_UNITS", "GraphChange", "OwnershipGraph", "to_units"]

# Stake units per percent: four decimals is finer than any register publishes (KEK uses two).
PCT_SCALE = 10_000
HUNDRED_UNITS = 100 * PCT_SCALE
# Registers round each stake (KEK to two decimals), so three equal thirds sum to 100.01%: only
# a sum beyond this slack is flagged as over 100%.
SUM_SLACK_UNITS = PCT_SCALE // 20  # 0.05 percentage points
# Rebuild the CSR once this many nodes carry overlay adjacency: a rebuild is O(edges) (seconds at
# 2M edges, off the screening path: the old graph serves meanwhile), and lookups through large
# overlays cost memory per changed node, so this bounds both.
_COMPACT_MIN_OVERLAY = 65_536
_COMPACT_OVERLAY_FRACTION = 8  # ... or 1/8 of the nodes, whichever is larger


def to_units(pct: float) -> int:
    """A percentage as integer stake units (see PCT_SCALE)."""
    return round(pct * PCT_SCALE)


@dataclass(frozen=True, slots=True)
class GraphChange:
    """What `OwnershipGraph.with_edges` changed: assets whose in-edges differ, owners whose
    out-edges differ, nodes whose name, LEI or owner role is new (they must be screened again),
    and removals of unknown edges."""

    changed_assets: frozenset[int]
    changed_owners: frozenset[int]
    touched_owners: frozenset[int]
    unknown_removals: tuple[str, ...]


def _csr(
    keys: array[int], live: Sequence[int], node_count: int, tie: array[int] | None = None
) -> tuple[array[int], array[int]]:
    """(start, order): edges of node n are order[start[n]:start[n+1]], grouped by keys[edge] and
    within a group ordered by `tie[edge]` (so repeated pairs end up side by side)."""
    if tie is None:
        order = array("i", sorted(live, key=keys.__getitem__))
    else:
        span = max(node_count, 1)
        combined = array("q", map(operator.add, map(operator.mul, keys, itertools.repeat(span)), tie))
        order = array("i", sorted(live, key=combined.__getitem__))
    grouped = array("i", map(keys.__getitem__, order))
    start = array("i", map(bisect_left, itertools.repeat(grouped), range(node_count + 1)))
    return start, order


class OwnershipGraph:
    """Who owns how much of whom. Immutable to readers; see the module docstring for sharing.

    Node numbers are ints from the shared registry; `node_of(id)` / `node_of_lei(lei)` find
    them. Edge numbers index the arrays `e_owner`, `e_asset`, `e_low`, `e_high`, `e_strict`
    (stake units: PCT_SCALE per percent). `warnings` holds data-quality flags (percentages
    outside 0-100, an asset's stakes summing over 100%, duplicate edges) naming file and line.
    """

    __slots__ = (
        "_csr_nodes",
        "_edges",
        "_in_order",
        "_in_over",
        "_in_start",
        "_lei_of",
        "_name_over",
        "_node_of_lei",
        "_out_order",
        "_out_over",
        "_out_start",
        "_reg",
        "edge_count",
        "warnings",
    )

    def __init__(
        self,
        reg: Registry,
        edges: EdgeStore,
        live: Sequence[int],
        lei_of: dict[int, str],
        warnings: tuple[str, ...],
    ) -> None:
        self._reg = reg
        self._edges = edges
        self._csr_nodes = len(reg.ids)
        self._in_start, self._in_order = _csr(edges.asset, live, self._csr_nodes, edges.owner)
        self._out_start, self._out_order = _csr(edges.owner, live, self._csr_nodes)
        self._in_over: LayeredMap[tuple[int, ...]] = LayeredMap()
        self._out_over: LayeredMap[tuple[int, ...]] = LayeredMap()
        self._name_over: LayeredMap[str] = LayeredMap()
        self._lei_of = lei_of
        self._node_of_lei = {lei: n for n, lei in lei_of.items()}
        self.edge_count = len(live)
        self.warnings = warnings

    # --- read side -------------------------------------------------------------------------
    @property
    def e_owner(self) -> array[int]:
        """Owner node of each edge number."""
        return self._edges.owner

    @property
    def e_asset(self) -> array[int]:
        """Asset node of each edge number."""
        return self._edges.asset

    @property
    def e_low(self) -> array[int]:
        """Lower bound of each stake in units (PCT_SCALE per percent)."""
        return self._edges.low

    @property
    def e_high(self) -> array[int]:
        """Upper bound of each stake in units (PCT_SCALE per percent)."""
        return self._edges.high

    @property
    def e_strict(self) -> bytearray:
        """1 where the lower bound itself is excluded (a band 'more than 25%')."""
        return self._edges.strict

    @property
    def node_count(self) -> int:
        """Number of node numbers in the registry (some may have no edges in this version)."""
        return len(self._reg.ids)

    def node_of(self, node_id: str | None) -> int | None:
        """The node number of an entity id, or None when the id is not in the tables."""
        return None if not node_id else self._reg.index.get(node_id)

    def node_of_lei(self, lei: str | None) -> int | None:
        """The node number carrying this LEI (GLEIF nodes are their LEIs), or None."""
        if not lei:
            return None
        key = lei.strip().upper()
        n = self._node_of_lei.get(key)
        return n if n is not None else self._reg.index.get(key)

    def node_id(self, n: int) -> str:
        """The entity id of node n."""
        return self._reg.ids[n]

    def name(self, n: int) -> str:
        """The display name of node n (its id when the tables give no name)."""
        name = self._name_over.get(n)
        if name is None:
            name = self._reg.names[n]
        return name or self._reg.ids[n]

    def raw_name(self, n: int) -> str:
        """The name the tables give node n, or '' (GLEIF records carry LEIs only)."""
        name = self._name_over.get(n)
        return self._reg.names[n] if name is None else name

    def lei(self, n: int) -> str | None:
        """The LEI of node n, if the tables give one."""
        return self._lei_of.get(n)

    def in_edges(self, n: int) -> Sequence[int]:
        """Edge numbers of the stakes held in node n (n is the asset)."""
        over = self._in_over.get(n)
        if over is not None:
            return over
        if n >= self._csr_nodes:
            return ()
        return self._in_order[self._in_start[n] : self._in_start[n + 1]]

    def out_edges(self, n: int) -> Sequence[int]:
        """Edge numbers of the stakes node n holds (n is the owner)."""
        over = self._out_over.get(n)
        if over is not None:
            return over
        if n >= self._csr_nodes:
            return ()
        return self._out_order[self._out_start[n] : self._out_start[n + 1]]

    def owners(self) -> Iterator[int]:
        """Every node holding at least one stake in this version."""
        for n in range(self.node_count):
            if self.out_edges(n):
                yield n

    def edge(self, e: int) -> OwnershipEdge:
        """Edge number e as a full `OwnershipEdge` (names, LEIs, source 'file:line')."""
        es = self._edges
        o, a = es.owner[e], es.asset[e]
        return OwnershipEdge(
            owner_id=self.node_id(o),
            asset_id=self.node_id(a),
            low=es.low[e] / PCT_SCALE,
            high=es.high[e] / PCT_SCALE,
            low_inclusive=not es.strict[e],
            owner_name=self.raw_name(o),
            asset_name=self.raw_name(a),
            owner_lei=self.lei(o),
            asset_lei=self.lei(a),
            source=self.source(e),
        )

    def source(self, e: int) -> str:
        """Where edge e came from: 'file:line' (line 0 when the source has no lines)."""
        es = self._edges
        return f"{es.files[es.file_no[e]]}:{es.line[e]}"

    def edges(self) -> Iterator[OwnershipEdge]:
        """Every live edge, grouped by asset."""
        for n in range(self.node_count):
            for e in self.in_edges(n):
                yield self.edge(e)

    def find_edge(self, owner: int, asset: int) -> int | None:
        """The edge number of owner -> asset in this version, or None."""
        owners = self._edges.owner
        for e in self.in_edges(asset):
            if owners[e] == owner:
                return e
        return None

    # --- write side (returns new graphs) ------------------------------------------------------
    def _split_edge_id(self, key: str) -> tuple[int, int] | None:
        parts = key.split("->")
        for k in range(1, len(parts)):
            o = self.node_of("->".join(parts[:k]))
            a = self.node_of("->".join(parts[k:]))
            if o is not None and a is not None:
                return o, a
        return None

    def with_edges(
        self, upserts: Iterable[OwnershipEdge], removed_edge_ids: Iterable[str]
    ) -> tuple[OwnershipGraph, GraphChange]:
        """A new graph with `removed_edge_ids` removed, then `upserts` added or replacing the edge
        with the same id. This graph is left exactly as it was.

        Raises ValueError (naming the edge id and the problem) for an invalid upsert, before
        anything is changed. Removing an edge the graph does not have is not an error (a
        compacted topic replays tombstones); it is reported in `GraphChange.unknown_removals`.
        """
        upserts = list(upserts)
        for edge in upserts:
            try:
                check_edge(edge)
            except ValueError as exc:
                raise ValueError(f"edge {edge.edge_id} ({edge.source or 'upsert'}): {exc}") from exc
        new = object.__new__(OwnershipGraph)
        new._reg, new._edges, new._csr_nodes = self._reg, self._edges, self._csr_nodes
        new._in_start, new._in_order = self._in_start, self._in_order
        new._out_start, new._out_order = self._out_start, self._out_order
        new._in_over, new._out_over = self._in_over.child(), self._out_over.child()
        new._name_over = self._name_over.child()
        new._lei_of, new._node_of_lei = self._lei_of, self._node_of_lei
        new.edge_count, new.warnings = self.edge_count, self.warnings
        changed: set[int] = set()
        owners: set[int] = set()
        touched: set[int] = set()
        unknown: list[str] = []
        for key in removed_edge_ids:
            pair = new._split_edge_id(key)
            e = None if pair is None else new.find_edge(*pair)
            if pair is None or e is None:
                unknown.append(key)
                continue
            new._unlink(e)
            owners.add(pair[0])
            changed.add(pair[1])
        es = self._edges
        file_no = es.file_index("<update>")
        for edge in upserts:
            o = new._node(edge.owner_id, edge.owner_name, edge.owner_lei, touched)
            a = new._node(edge.asset_id, edge.asset_name, edge.asset_lei, touched)
            if not new.out_edges(o):
                touched.add(o)  # becomes an owner: it has never been screened
            old = new.find_edge(o, a)
            if old is not None:
                new._unlink(old)
            line = int(edge.source.rsplit(":", 1)[1]) if edge.source.rsplit(":", 1)[-1].isdigit() else 0
            e = es.append(
                o, a, to_units(edge.low), to_units(edge.high), not edge.low_inclusive, file_no, line
            )
            new._in_over.set(a, (*new.in_edges(a), e))
            new._out_over.set(o, (*new.out_edges(o), e))
            new.edge_count += 1
            changed.add(a)
            owners.add(o)
            total = sum(es.low[x] for x in new.in_edges(a))
            if total > HUNDRED_UNITS + SUM_SLACK_UNITS:
                new.warnings = (
                    *new.warnings,
                    f"{edge.source or edge.edge_id}: stakes in {edge.asset_id} sum to "
                    f"{total / PCT_SCALE:g}% (over 100%)",
                )
        if len(new._in_over) + len(new._out_over) > max(
            _COMPACT_MIN_OVERLAY, new._csr_nodes // _COMPACT_OVERLAY_FRACTION
        ):
            new = new._compacted()
        return new, GraphChange(frozenset(changed), frozenset(owners), frozenset(touched), tuple(unknown))

    def _node(self, node_id: str, name: str, lei: str | None, touched: set[int]) -> int:
        """The node for an upserted endpoint; a new name or LEI goes to this version only."""
        n = self._reg.node(node_id, name)
        if name and self.name(n) != name:
            self._name_over.set(n, name)
            touched.add(n)
        if lei and self._lei_of.get(n) != lei.upper():
            self._lei_of = {**self._lei_of, n: lei.upper()}
            self._node_of_lei = {**self._node_of_lei, lei.upper(): n}
            touched.add(n)
        return n

    def _unlink(self, e: int) -> None:
        o, a = self._edges.owner[e], self._edges.asset[e]
        self._in_over.set(a, tuple(x for x in self.in_edges(a) if x != e))
        self._out_over.set(o, tuple(x for x in self.out_edges(o) if x != e))
        self.edge_count -= 1

    def _compacted(self) -> OwnershipGraph:
        """The same graph with overlays folded into a fresh CSR over fresh edge arrays."""
        es = self._edges
        live = list(itertools.chain.from_iterable(map(self.in_edges, range(self.node_count))))
        fresh = EdgeStore(
            owner=array("i", map(es.owner.__getitem__, live)),
            asset=array("i", map(es.asset.__getitem__, live)),
            low=array("i", map(es.low.__getitem__, live)),
            high=array("i", map(es.high.__getitem__, live)),
            strict=bytearray(map(es.strict.__getitem__, live)),
            file_no=array("i", map(es.file_no.__getitem__, live)),
            line=array("i", map(es.line.__getitem__, live)),
            files=list(es.files),
        )
        reg = Registry(list(self._reg.ids), [self.raw_name(n) for n in range(self.node_count)])
        return OwnershipGraph(reg, fresh, range(len(live)), dict(self._lei_of), self.warnings)
