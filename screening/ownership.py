"""Ownership enrichment: the 50% rule over real ownership graphs (OFAC, EU and UK regimes).

Owners in the graph are screened against the lists with the same matcher and threshold as
payment parties (`ListIndex.match_name` on their names, `match_identifier(LEI, ...)` on their
LEIs); an owner matching a blocking entry is a *designated* node. A list update screens again
only the owners its changed entries can reach (`screening.ownership_reach`). Blocking then
spreads down the graph:

- OFAC (2014 guidance) and EU (as this project defines it): an entity is blocked when blocked
  persons own 50% or more of it, directly or indirectly, alone or in aggregate. A blocked
  intermediary's stake counts in full; percentages are never multiplied along a chain.
- UK (OFSI): more than 50%, and holdings of different designated persons are not added up: a
  designated person's holding is what it owns directly or through entities it owns (>50%).

Propagation is a fixpoint over *levels*: a designated node has level 0, and a node has level
k+1 when the stakes of blocked owners of level <= k first reach the threshold. That level is a
local function of the owners' levels, so a priority-queue worklist computes the least fixpoint
(cycles settle; a cycle with no designated root never blocks itself). Because a node's status
rests only on owners of lower level, an update re-evaluates the changed nodes against the old
statuses, resets only the cone of nodes that counted a node which got worse, and re-runs the
worklist from there: exactly the result of a full recomputation (property-tested), at a cost
proportional to what changed. Statuses live in a `LayeredMap`, so a new state shares the old
one's table and an update never copies it. Each blocked node remembers the owner behind its
largest counting stake (`via`), which yields the explained path of a finding.

Stakes are intervals (PSC bands); the rules use only what is surely held: the lower bound, and
whether that bound is excluded ('more than 25%') when the test is strict.
"""

from __future__ import annotations

import gc
import heapq
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from screening.index import ListIndex
from screening.match import NameMatch
from screening.model import IdentifierScheme, ListEntry
from screening.ownership_io.builder import graph_from_edges
from screening.ownership_io.edge import OwnershipEdge, decode_edge, edge_id, encode_edge, render_stake
from screening.ownership_io.graph import PCT_SCALE, OwnershipGraph
from screening.ownership_io.issues import OwnershipLoadError
from screening.ownership_io.layered import LayeredMap
from screening.ownership_io.load import load_ownership
from screening.ownership_reach import OwnerReach, changed_entries

__all__ = [
    "OwnershipEdge",
    "OwnershipFinding",
    "OwnershipGraph",
    "OwnershipLoadError",
    "OwnershipState",
    "Regime",
    "decode_edge",
    "edge_id",
    "encode_edge",
    "graph_from_edges",
    "load_ownership",
]

# The ownership threshold of all three regimes: 50% (OFAC's 2014 guidance and, as this project
# specifies them, EU: 50% or more; UK OFSI guidance: more than 50%).
THRESHOLD_PCT = 50
_THRESHOLD = THRESHOLD_PCT * PCT_SCALE


class Regime(StrEnum):
    """Which sanctions authority's ownership rule applies."""

    OFAC = "ofac"  # 50% or more, aggregated across all blocked owners
    EU = "eu"  # 50% or more, aggregated across all blocked owners (this project's EU rule)
    UK = "uk"  # more than 50%, per designated person (no aggregation across persons)


@dataclass(frozen=True, slots=True)
class _Rule:
    strictly_more: bool  # True: total must exceed the threshold; False: reaching it is enough
    per_person: bool  # True: one propagation per designated person, never summed across persons


_RULES = {
    Regime.OFAC: _Rule(strictly_more=False, per_person=False),
    Regime.EU: _Rule(strictly_more=False, per_person=False),
    Regime.UK: _Rule(strictly_more=True, per_person=True),
}


@dataclass(frozen=True, slots=True)
class _Root:
    """Why a graph node is designated: the blocking entry it matched and how."""

    entry: ListEntry
    match: NameMatch | None  # None when the LEI matched
    score: float
    explanation: str


@dataclass(frozen=True, slots=True)
class OwnershipFinding:
    """A party blocked by ownership: the designated root, how the root owner matched the list,
    and the chain of stakes from the root down to the party.

    `path` holds one rendered hop per stake, root first, e.g.
    ('FOREIGN TRADE BANK OF THE DPRK -60%-> Pyongyang Sunrise Trading',
     'Pyongyang Sunrise Trading -50%-> Sunrise Logistics'); `rendered` joins them into one line.
    Where stakes of several blocked owners were added up, the path follows the largest one and
    `aggregated` is True; `explanation` says so with the total.
    """

    entry: ListEntry
    owner_match: NameMatch | None
    path: tuple[str, ...]
    score: float
    explanation: str
    regime: Regime
    owner_name: str
    aggregated: bool
    rendered: str  # the whole chain on one line: 'ROOT -60%-> A -50%-> PARTY'


Status = tuple[int, int]  # (level, via owner node; -1 for a designated node)
StatusGet = Callable[[int], Status | None]


@dataclass(frozen=True, slots=True)
class _Run:
    """One propagation: its designated nodes and the resulting blocked nodes."""

    seeds: frozenset[int]
    status: LayeredMap[Status]  # never changed once the run is published in a state


def _evaluate(
    n: int, seeds: frozenset[int], get: StatusGet, graph: OwnershipGraph, strictly_more: bool
) -> Status | None:
    """The level and via-owner n gets from its blocked owners' current levels, or None."""
    if n in seeds:
        return (0, -1)
    e_owner = graph.e_owner
    found: list[tuple[int, int]] | None = None
    for e in graph.in_edges(n):
        st = get(e_owner[e])
        if st is not None:
            if found is None:
                found = []
            found.append((st[0], e))
    if found is None:
        return None
    found.sort()
    e_low, e_strict = graph.e_low, graph.e_strict
    total, any_strict, i, count = 0, False, 0, len(found)
    while i < count:
        level = found[i][0]
        while i < count and found[i][0] == level:
            e = found[i][1]
            total += e_low[e]
            any_strict = any_strict or bool(e_strict[e])
            i += 1
        # A strict bound ('more than 25%') makes an exact tie surely exceed the threshold.
        if total > _THRESHOLD or (total == _THRESHOLD and (any_strict or not strictly_more)):
            best = max(found[:i], key=lambda c: (e_low[c[1]], e_strict[c[1]], -c[0], -e_owner[c[1]]))
            return (level + 1, e_owner[best[1]])
    return None


def _propagate(
    graph: OwnershipGraph,
    seeds: frozenset[int],
    get: StatusGet,
    put: Callable[[int, Status], None],
    start: Iterable[int],
    strictly_more: bool,
) -> None:
    """Run the worklist from `start` until every node agrees with its owners.

    Levels only ever go down here (callers reset what may go up), and nodes settle in level
    order, so each node's level is final when popped: the least fixpoint, cycles included.
    """
    heap: list[tuple[int, int]] = []
    for n in start:
        ev = _evaluate(n, seeds, get, graph, strictly_more)
        if ev is not None and ev != get(n):
            heap.append((ev[0], n))
    heapq.heapify(heap)
    e_asset = graph.e_asset
    while heap:
        level, n = heapq.heappop(heap)
        ev = _evaluate(n, seeds, get, graph, strictly_more)
        if ev is None or ev[0] != level or get(n) == ev:
            continue  # stale entry: a better one was queued, or nothing changed
        put(n, ev)
        for e in graph.out_edges(n):
            a = e_asset[e]
            ev_a = _evaluate(a, seeds, get, graph, strictly_more)
            if ev_a is not None and ev_a != get(a):
                heapq.heappush(heap, (ev_a[0], a))


def _full_run(graph: OwnershipGraph, seeds: frozenset[int], strictly_more: bool) -> _Run:
    status: dict[int, Status] = {}
    _propagate(graph, seeds, status.get, status.__setitem__, seeds, strictly_more)
    return _Run(seeds, LayeredMap(status))


def _updated_run(
    graph: OwnershipGraph, old: _Run, seeds: frozenset[int], changed: set[int], strictly_more: bool
) -> _Run:
    """The run after the in-edges or designation of `changed` nodes changed (old run untouched).

    A node's status rests only on owners of lower level, so re-evaluating a changed node against
    the old statuses is exact unless it got worse (higher level or unblocked). Only then is its
    cone reset: the nodes that counted it, transitively (assets of strictly higher old level).
    Everything else can only improve, which the worklist handles.
    """
    starts = changed | (seeds ^ old.seeds)
    old_get = old.status.get
    worsened: list[int] = []
    moved = False
    for c in starts:
        before = old_get(c)
        now = _evaluate(c, seeds, old_get, graph, strictly_more)
        if now != before:
            moved = True
            if before is not None and (now is None or now[0] > before[0]):
                worsened.append(c)
    if not moved:
        return old if seeds == old.seeds else _Run(seeds, old.status)
    status = old.status.child()
    cone: set[int] = set()
    e_asset = graph.e_asset
    while worsened:
        x = worsened.pop()
        if x in cone:
            continue
        cone.add(x)
        x_status = old_get(x)
        assert x_status is not None  # only blocked nodes enter the cone
        for e in graph.out_edges(x):
            a = e_asset[e]
            a_status = old_get(a)
            if a_status is not None and a_status[0] > x_status[0] and a not in cone:
                worsened.append(a)
    for x in cone:
        status.remove(x)
    _propagate(graph, seeds, status.get, status.set, cone | starts, strictly_more)
    return _Run(seeds, status)


def _screen_owner(
    graph: OwnershipGraph,
    n: int,
    index: ListIndex,
    threshold: float,
    cache: dict[str, tuple[NameMatch, ...]],
) -> _Root | None:
    """The best blocking list entry owner n matches by LEI or by name at `threshold`, or None."""
    best: _Root | None = None
    lei = graph.lei(n)
    if lei:
        for entry in index.match_identifier(IdentifierScheme.LEI, lei):
            if entry.blocking and (best is None or entry.entry_id < best.entry.entry_id):
                best = _Root(
                    entry, None, 1.0, f"identifier_match: LEI {lei} is listed for {entry.primary_name}"
                )
    name = graph.raw_name(n)
    if name and name != lei:
        matches = cache.get(name)
        if matches is None:
            matches = cache[name] = tuple(index.match_name(name, threshold=threshold))
        for m in matches:
            if not m.entry.blocking:
                continue  # e.g. OFAC menu-based directives: a direct hit alerts, ownership does not
            if best is None or (m.score, best.entry.entry_id) > (best.score, m.entry.entry_id):
                best = _Root(m.entry, m, m.score, m.explanation)
    return best


# Run key of the aggregate run. Under a per-person rule it only filters lookups: whatever one
# person holds, all designated persons together hold at least as much, so a node outside the
# aggregate run is outside every per-person run, and most lookups stop after one dict probe.
_AGGREGATE = "*"


def _seed_groups(roots: Mapping[int, _Root], rule: _Rule) -> dict[str, frozenset[int]]:
    """Designated nodes per run: the aggregate run, plus one run per listed entry for UK."""
    groups: dict[str, set[int]] = {}
    if rule.per_person:
        for n, root in roots.items():
            groups.setdefault(root.entry.entry_id, set()).add(n)
    return {_AGGREGATE: frozenset(roots), **{key: frozenset(nodes) for key, nodes in groups.items()}}


class OwnershipState:
    """The ownership graph screened against one list index under one regime: who is blocked.

    Owners count as designated when they match a blocking entry at `threshold`, the operator's
    screening threshold (the same one payment parties are screened at).

    Immutable: `with_edges` and `with_index` return new states and re-derive only the part of
    the graph downstream of what changed; a worker may keep screening with the old state while
    the new one is built, and never sees a half-applied update.
    """

    __slots__ = ("_reach", "_roots", "_rule", "_runs", "graph", "index", "regime", "threshold")

    def __init__(
        self,
        graph: OwnershipGraph,
        index: ListIndex,
        regime: Regime,
        threshold: float,
        roots: dict[int, _Root],
        runs: dict[str, _Run],
        reach: OwnerReach | None = None,
    ) -> None:
        self.graph = graph
        self.index = index
        self.regime = regime
        self.threshold = threshold
        self._rule = _RULES[regime]
        self._roots = roots
        self._runs = runs
        # Owners by what links them to listed names (built by `build`, else on the first list
        # update), shared by the states derived from this one: append-only, and every look-up
        # is filtered by the asking state's graph.
        self._reach = reach

    @classmethod
    def build(
        cls, graph: OwnershipGraph, index: ListIndex, regime: Regime, *, threshold: float
    ) -> OwnershipState:
        """Screen every owner in `graph` against `index` at `threshold`, propagate blocking to a
        fixpoint, and index the owners' names for later list updates (`with_index`)."""
        cache: dict[str, tuple[NameMatch, ...]] = {}
        roots: dict[int, _Root] = {}
        for n in graph.owners():
            root = _screen_owner(graph, n, index, threshold, cache)
            if root is not None:
                roots[n] = root
        state = cls._from_roots(graph, index, regime, threshold, roots)
        # Indexed now, so that the first list update is as fast as the next ones.
        state._reach = OwnerReach.of(graph, index.params)
        return state

    @classmethod
    def from_designations(
        cls,
        graph: OwnershipGraph,
        index: ListIndex,
        designations: Mapping[str, ListEntry],
        regime: Regime,
        *,
        threshold: float,
    ) -> OwnershipState:
        """A state whose designated owners are given (entity id -> list entry) instead of found
        by screening every owner: matches an analyst confirmed, or a screening run cached per
        list version. Non-blocking entries and ids not in the graph are ignored. Later
        `with_edges` and `with_index` screen the owners they reach against the index at
        `threshold` as usual."""
        roots: dict[int, _Root] = {}
        for node_id, entry in designations.items():
            n = graph.node_of(node_id)
            if n is not None and entry.blocking:
                roots[n] = _Root(entry, None, 1.0, f"designated by id as {entry.entry_id}")
        return cls._from_roots(graph, index, regime, threshold, roots)

    @classmethod
    def _from_roots(
        cls,
        graph: OwnershipGraph,
        index: ListIndex,
        regime: Regime,
        threshold: float,
        roots: dict[int, _Root],
    ) -> OwnershipState:
        rule = _RULES[regime]
        groups = _seed_groups(roots, rule)
        # Propagation makes many short-lived tuples and no cycles: pause the cyclic GC meanwhile.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            runs = {key: _full_run(graph, seeds, rule.strictly_more) for key, seeds in groups.items()}
        finally:
            if was_enabled:
                gc.enable()
        return cls(graph, index, regime, threshold, roots, runs)

    # --- changes ---------------------------------------------------------------------------
    def with_edges(self, upserts: Iterable[OwnershipEdge], removed_edge_ids: Iterable[str]) -> OwnershipState:
        """A new state with edges removed (by id '<owner>-><asset>') and upserted; owners that
        are new or renamed are screened, and only the cone downstream of the change is re-derived.
        Raises ValueError naming the edge for an invalid upsert; this state is never changed."""
        graph, change = self.graph.with_edges(upserts, removed_edge_ids)
        roots = self._roots
        rescreen = [n for n in change.touched_owners if graph.out_edges(n)]
        # Only owners are screened (as in `build`): a designated node that no longer owns
        # anything is no longer a root, so a full rebuild and this update agree.
        gone = [n for n in change.changed_owners if n in roots and not graph.out_edges(n)]
        changed = set(change.changed_assets) | set(gone)
        if gone:
            roots = {n: root for n, root in roots.items() if n not in gone}
        if rescreen:
            if self._reach is not None:
                self._reach.add(graph, rescreen)
            roots, designation_changed = self._rescreened(graph, self.index, roots, rescreen)
            changed |= designation_changed
        return self._evolved(graph, self.index, roots, changed)

    def with_index(self, index: ListIndex) -> OwnershipState:
        """A new state screened against a new list index (e.g. after a list update).

        Only the owners the changed entries can reach are screened again (`OwnerReach`: owners
        whose looked-up words are about an edit from a word of an added, removed or replaced
        name, or share its letters or skeleton, or carry its LEI, and owners designated by a
        changed entry); every other owner keeps its result, which a full rebuild reproduces
        except where the list's size moves the candidate ranking across its cut (drift, see
        `screening.ownership_reach`), and only the cones of owners whose designation changed are
        re-derived. A state not made by `build` indexes its owners' names on its first call (once
        per graph lineage). The same index object returns this state unchanged."""
        if index is self.index:
            return self
        entries = changed_entries(self.index.entries.items(), dict(index.entries))
        if not entries:
            return OwnershipState(
                self.graph, index, self.regime, self.threshold, self._roots, self._runs, self._reach
            )
        if index.params != self.index.params:
            # another matcher: every owner's result may change
            rebuilt = OwnershipState.build(self.graph, index, self.regime, threshold=self.threshold)
            evolved = self._evolved(self.graph, index, rebuilt._roots, set(rebuilt._roots) | set(self._roots))
            evolved._reach = rebuilt._reach
            return evolved
        reach = self._reach if self._reach is not None else OwnerReach.of(self.graph, index.params)
        changed_ids = {entry.entry_id for entry in entries}
        rescreen = reach.reached(self.graph, entries)
        rescreen.update(n for n, root in self._roots.items() if root.entry.entry_id in changed_ids)
        roots, changed = self._rescreened(self.graph, index, self._roots, rescreen)
        state = self._evolved(self.graph, index, roots, changed)
        state._reach = reach
        return state

    def _rescreened(
        self, graph: OwnershipGraph, index: ListIndex, roots: dict[int, _Root], nodes: Iterable[int]
    ) -> tuple[dict[int, _Root], set[int]]:
        """`roots` with `nodes` screened again (a copy when any changed), and the nodes whose
        designation changed."""
        cache: dict[str, tuple[NameMatch, ...]] = {}
        out = roots
        changed: set[int] = set()
        for n in nodes:
            root = _screen_owner(graph, n, index, self.threshold, cache)
            if root != roots.get(n):
                if out is roots:
                    out = dict(roots)
                changed.add(n)
                if root is None:
                    del out[n]
                else:
                    out[n] = root
        return out, changed

    def _evolved(
        self, graph: OwnershipGraph, index: ListIndex, roots: dict[int, _Root], changed: set[int]
    ) -> OwnershipState:
        rule = self._rule
        groups = _seed_groups(roots, rule)
        old_aggregate = self._runs[_AGGREGATE]
        aggregate = _updated_run(graph, old_aggregate, groups.pop(_AGGREGATE), changed, rule.strictly_more)
        runs: dict[str, _Run] = {_AGGREGATE: aggregate}
        # A per-person run is a subset of the aggregate one: a change at nodes outside both the
        # old and the new aggregate run cannot touch it (the UK update stays O(change), not
        # O(designated persons)).
        relevant = {n for n in changed if n in old_aggregate.status or n in aggregate.status}
        for key, seeds in groups.items():
            old = self._runs.get(key)
            if old is None:
                runs[key] = _full_run(graph, seeds, rule.strictly_more)
            elif not relevant and seeds == old.seeds:
                runs[key] = old
            else:
                runs[key] = _updated_run(graph, old, seeds, relevant, rule.strictly_more)
        return OwnershipState(graph, index, self.regime, self.threshold, roots, runs, self._reach)

    # --- reading ---------------------------------------------------------------------------
    def blocked(self) -> dict[str, int]:
        """Every entity blocked by ownership (not the designated owners themselves), by entity id,
        with its level (1 = owned directly by designated persons)."""
        out: dict[str, int] = {}
        for run in self._deciding_runs():
            for n, (level, _) in run.status.items():
                if level > 0:
                    node_id = self.graph.node_id(n)
                    out[node_id] = min(level, out.get(node_id, level))
        return out

    def designated(self) -> dict[str, str]:
        """Graph owners matched to a blocking list entry: entity id -> entry id."""
        return {self.graph.node_id(n): root.entry.entry_id for n, root in self._roots.items()}

    def lookup(self, party_id: str | None, lei: str | None = None) -> OwnershipFinding | None:
        """The ownership finding for a payment party, found by its id in the tables or else its
        LEI; None when the party is not in the tables, not blocked by ownership, or is itself a
        designated owner (a direct match is the name/identifier screener's hit)."""
        for n in (self.graph.node_of(party_id), self.graph.node_of_lei(lei)):
            if n is None:
                continue
            if n not in self._runs[_AGGREGATE].status:
                continue
            best: tuple[int, str, _Run] | None = None
            for run in self._deciding_runs():
                st = run.status.get(n)
                if st is None or st[0] == 0:
                    continue
                root_entry = self._root_of(run, n).entry.entry_id
                if best is None or (st[0], root_entry) < best[:2]:
                    best = (st[0], root_entry, run)
            if best is not None:
                return self._finding(best[2], n)
        return None

    def _deciding_runs(self) -> list[_Run]:
        """The runs whose blocked nodes are blocked under this regime."""
        if not self._rule.per_person:
            return [self._runs[_AGGREGATE]]
        return [run for key, run in self._runs.items() if key != _AGGREGATE]

    def _root_of(self, run: _Run, n: int) -> _Root:
        while True:
            level, via = run.status[n]
            if level == 0:
                return self._roots[n]
            n = via

    def _finding(self, run: _Run, party: int) -> OwnershipFinding:
        chain = [party]
        while run.status[chain[-1]][0] > 0:
            chain.append(run.status[chain[-1]][1])
        chain.reverse()
        root = self._roots[chain[0]]
        graph = self.graph
        hops: list[str] = []
        notes: list[str] = []
        rendered = self._label(chain[0], root)
        for owner, asset in itertools.pairwise(chain):
            e = graph.find_edge(owner, asset)
            assert e is not None  # via always names an owner with an edge into the asset
            stake = render_stake(
                graph.e_low[e] / PCT_SCALE, graph.e_high[e] / PCT_SCALE, not graph.e_strict[e]
            )
            hops.append(
                f"{self._label(owner, root if owner == chain[0] else None)} -{stake}-> {graph.name(asset)}"
            )
            rendered += f" -{stake}-> {graph.name(asset)}"
            note = self._aggregation_note(run, asset, e)
            if note:
                notes.append(note)
        wording = (
            "more than 50%, per designated person"
            if self._rule.strictly_more
            else "50% or more, in aggregate"
        )
        rule = f"{self.regime.value.upper()} 50% rule ({wording})"
        entry = root.entry
        how = f"matched {entry.entry_id} {entry.primary_name!r} (score {root.score:.2f}: {root.explanation})"
        explanation = (
            f"{rule}: {graph.name(party)} is owned through {' ; '.join(hops)}; "
            f"root owner {self._label(chain[0], root)!r} {how}"
        )
        if notes:
            explanation += "; aggregated: " + "; ".join(notes)
        return OwnershipFinding(
            entry=root.entry,
            owner_match=root.match,
            path=tuple(hops),
            score=root.score,
            explanation=explanation,
            regime=self.regime,
            owner_name=self._label(chain[0], root),
            aggregated=bool(notes),
            rendered=rendered,
        )

    def _label(self, n: int, root: _Root | None) -> str:
        """A node's name in a path; a designated node the tables leave unnamed (a GLEIF LEI) shows
        the listed name with its LEI."""
        name = self.graph.raw_name(n)
        if name or root is None:
            return name or self.graph.name(n)
        return f"{root.entry.primary_name} [{self.graph.node_id(n)}]"

    def _aggregation_note(self, run: _Run, asset: int, via_edge: int) -> str:
        """'' when the via stake alone meets the test, else how the blocked stakes add up."""
        graph = self.graph
        level = run.status[asset][0]
        low, strict = graph.e_low[via_edge], graph.e_strict[via_edge]
        if low > _THRESHOLD or (low == _THRESHOLD and (strict or not self._rule.strictly_more)):
            return ""
        counted = [
            e
            for e in graph.in_edges(asset)
            if (st := run.status.get(graph.e_owner[e])) is not None and st[0] < level
        ]
        total = sum(graph.e_low[e] for e in counted) / PCT_SCALE
        return (
            f"{graph.name(asset)} is held {total:g}% in total by {len(counted)} blocked owners "
            f"(the path follows the largest stake)"
        )
