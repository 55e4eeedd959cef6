"""`GraphBuilder`: collects edges from the loaders (row by row or in bulk) and builds one
`OwnershipGraph`, flagging repeats and assets whose stakes sum over 100%."""

from __future__ import annotations

import itertools
import math
import operator
from array import array
from collections.abc import Iterable, Sequence

from screening.ownership_io.edge import OwnershipEdge, check_edge, edge_id
from screening.ownership_io.graph import HUNDRED_UNITS, PCT_SCALE, SUM_SLACK_UNITS, OwnershipGraph, to_units
from screening.ownership_io.store import EdgeStore, Registry

__all__ = ["GraphBuilder", "graph_from_edges"]


class GraphBuilder:
    """Collects edges from loaders, then builds one `OwnershipGraph`.

    Guarantees: a later edge with the same (owner, asset) replaces the earlier one and is
    flagged; stakes outside 0..100 are clamped into range and flagged; an asset whose stakes
    sum over 100% is flagged. Flags go to `warnings` as 'file:line: problem'.
    """

    def __init__(self) -> None:
        self._reg = Registry()
        self._edges = EdgeStore()
        self._lei_of: dict[int, str] = {}
        self._by_lei: dict[str, int] = {}
        self.warnings: list[str] = []
        self.problems: list[str] = []

    def file(self, name: str) -> int:
        """The number under which edges from file `name` record their source."""
        return self._edges.file_index(name)

    def node(self, node_id: str, name: str = "", lei: str | None = None) -> int:
        """The node for an entity id; the first non-empty name and any LEI are kept."""
        n = self._reg.node(node_id, name)
        if name and not self._reg.names[n]:
            self._reg.names[n] = name
        if lei:
            self._lei_of[n] = lei.upper()
            self._by_lei.setdefault(lei.upper(), n)
        return n

    def node_by_lei(self, lei: str) -> int:
        """The node already carrying this LEI (e.g. a CSV row's owner_lei), else a node whose id
        is the LEI itself (GLEIF), so records about one legal entity meet in one node."""
        n = self._by_lei.get(lei.upper())
        return n if n is not None else self.node(lei, lei=lei)

    def add(
        self, owner: int, asset: int, low: float, high: float, low_inclusive: bool, file_no: int, line: int
    ) -> None:
        """Add owner -> asset holding (low, high) percent; clamp and flag figures outside 0..100."""
        if low < 0.0 or high > 100.0:
            where = f"{self._edges.files[file_no]}:{line}"
            self.warnings.append(
                f"{where}: percentage {low:g}{'' if low == high else f'-{high:g}'} is outside 0-100; "
                "clamped into 0-100"
            )
            low, high = min(max(low, 0.0), 100.0), min(max(high, 0.0), 100.0)
        self._edges.append(owner, asset, to_units(low), to_units(high), not low_inclusive, file_no, line)

    def add_exact(
        self,
        owner_id: str,
        owner_name: str,
        asset_id: str,
        asset_name: str,
        pct: float,
        file_no: int,
        line: int,
    ) -> None:
        """`node` + `node` + `add` for an exact percentage, in one call: the bulk CSV path."""
        index = self._reg.index
        o = index.get(owner_id)
        if o is None:
            o = self._reg.node(owner_id, owner_name)
        elif owner_name and not self._reg.names[o]:
            self._reg.names[o] = owner_name
        a = index.get(asset_id)
        if a is None:
            a = self._reg.node(asset_id, asset_name)
        elif asset_name and not self._reg.names[a]:
            self._reg.names[a] = asset_name
        if 0.0 <= pct <= 100.0:
            units = round(pct * PCT_SCALE)
            es = self._edges
            es.owner.append(o)
            es.asset.append(a)
            es.low.append(units)
            es.high.append(units)
            es.strict.append(0)
            es.file_no.append(file_no)
            es.line.append(line)
        else:
            self.add(o, a, pct, pct, True, file_no, line)

    def add_exact_columns(
        self,
        owners: Sequence[str],
        owner_names: Sequence[str],
        assets: Sequence[str],
        asset_names: Sequence[str],
        percentages: Sequence[str],
        file_no: int,
        first_line: int,
    ) -> bool:
        """Add a block of one-line rows (row i on line first_line + i) in bulk, or add nothing and
        return False when any row needs the row-by-row path: an empty id, a percentage
        that is not a plain number within 0..100. Loops run in C: this is the 2M-edge path."""
        # Ids are stripped like the row path does; an empty one sends the block down that path.
        owners = tuple(map(str.strip, owners))
        assets = tuple(map(str.strip, assets))
        if not (all(owners) and all(assets)):
            return False
        try:
            values = array("d", map(float, percentages))
        except ValueError:
            return False
        if not values or any(map(math.isnan, values)) or min(values) < 0.0 or max(values) > 100.0:
            return False
        reg, es, count = self._reg, self._edges, len(values)
        index = reg.index
        before = len(index)
        # Subscripting numbers unseen ids (see _Registry), all inside C loops.
        owner_nodes = array("i", map(index.__getitem__, owners))
        asset_nodes = array("i", map(index.__getitem__, assets))
        if len(index) > before:
            ids = [*owners, *assets]
            names = list(map(str.strip, itertools.chain(owner_names, asset_names)))
            ids.reverse()
            names.reverse()
            reg.adopt_new(before, dict(zip(ids, names, strict=True)))  # reversed: first name wins
        units = array("i", map(round, map(operator.mul, values, itertools.repeat(PCT_SCALE))))
        es.owner.extend(owner_nodes)
        es.asset.extend(asset_nodes)
        es.low.extend(units)
        es.high.extend(units)
        es.strict.extend(bytes(count))
        es.file_no.extend(array("i", itertools.repeat(file_no, count)))
        es.line.extend(array("i", range(first_line, first_line + count)))
        return True

    def _duplicates(self, graph: OwnershipGraph) -> set[int]:
        """Edges replaced by a later edge with the same (owner, asset); each flagged. The in-edge
        order sorts each asset's edges by owner, so repeats sit side by side."""
        es = self._edges
        order = graph._in_order
        span = itertools.repeat(max(len(self._reg.ids), 1))
        assets = map(es.asset.__getitem__, order)
        pair = array(
            "q", map(operator.add, map(operator.mul, assets, span), map(es.owner.__getitem__, order))
        )
        if not any(map(operator.eq, itertools.islice(pair, 1, None), pair)):
            return set()
        seen: dict[tuple[int, int], int] = {}
        dead: set[int] = set()
        for e in range(len(es.owner)):
            key = (es.owner[e], es.asset[e])
            earlier = seen.get(key)
            if earlier is not None:
                dead.add(earlier)
                self.warnings.append(
                    f"{es.files[es.file_no[e]]}:{es.line[e]}: edge "
                    f"{edge_id(self._reg.ids[key[0]], self._reg.ids[key[1]])} repeats "
                    f"{es.files[es.file_no[earlier]]}:{es.line[earlier]}; the later row replaces it"
                )
            seen[key] = e
        return dead

    def build(self) -> OwnershipGraph:
        """The graph of every edge added (a repeated (owner, asset) keeps its last row), with
        repeats and assets whose stakes sum over 100% flagged in `warnings`."""
        es = self._edges
        graph = OwnershipGraph(self._reg, es, range(len(es.owner)), self._lei_of, ())
        dead = self._duplicates(graph)
        if dead:  # rare: build again without the replaced rows
            live = [e for e in range(len(es.owner)) if e not in dead]
            graph = OwnershipGraph(self._reg, es, live, self._lei_of, ())
        # Per-asset sums from prefix sums over the asset-sorted stakes (all C loops).
        in_start, in_order = graph._in_start, graph._in_order
        prefix = array("q", itertools.accumulate(map(es.low.__getitem__, in_order), initial=0))
        limit = HUNDRED_UNITS + SUM_SLACK_UNITS
        for asset, (lo, hi) in enumerate(itertools.pairwise(map(prefix.__getitem__, in_start))):
            if hi - lo > limit:
                first = in_order[in_start[asset]]
                self.warnings.append(
                    f"{graph.source(first)}: stakes in {graph.node_id(asset)} ({graph.name(asset)}) "
                    f"sum to {(hi - lo) / PCT_SCALE:g}% (over 100%)"
                )
        graph.warnings = tuple(self.warnings)
        return graph


def graph_from_edges(edges: Iterable[OwnershipEdge]) -> OwnershipGraph:
    """A graph of decoded edges (e.g. the whole compacted `ownership` topic), later edges with the
    same id replacing earlier ones. Raises ValueError naming the edge for an invalid one."""
    builder = GraphBuilder()
    for edge in edges:
        try:
            check_edge(edge)
        except ValueError as exc:
            raise ValueError(f"edge {edge.edge_id} ({edge.source or 'no source'}): {exc}") from exc
        where, _, line = edge.source.rpartition(":")
        file_no = builder.file(where if line.isdigit() else edge.source or "<edges>")
        o = builder.node(edge.owner_id, edge.owner_name, edge.owner_lei)
        a = builder.node(edge.asset_id, edge.asset_name, edge.asset_lei)
        builder.add(
            o, a, edge.low, edge.high, edge.low_inclusive, file_no, int(line) if line.isdigit() else 0
        )
    return builder.build()
