"""Incremental updates (`with_edges`, `with_index`) give exactly what a full recomputation gives,
and never change the state they start from."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.index import ListIndex
from screening.match import DEFAULT_THRESHOLD
from screening.model import EntryType, ListEntry
from screening.ownership import OwnershipEdge, OwnershipState, Regime, graph_from_edges
from screening.ownership_io import graph as graph_module
from screening.ownership_io import layered as layered_module
from screening.ownership_io.layered import LayeredMap

# Eight entities; the first three are listable. Names far apart so the matcher links each graph
# node to its own entry only.
NAMES = [
    "KORYO MARITIME NAVIGATION",
    "ZHELYABOV MINING COMBINE",
    "TAEBAEK ORIENT SHIPPING",
    "Alder Textiles",
    "Birchwood Foods",
    "Cedar Ventures",
    "Dogwood Printing",
    "Elmstead Dairy",
]
STAKES = [
    (10, 10, True),
    (25, 25, True),
    (25, 50, False),
    (30, 30, True),
    (40, 40, True),
    (50, 50, True),
    (50, 75, False),
    (51, 51, True),
    (60, 60, True),
    (100, 100, True),
]


def listed(keys: set[int]) -> ListIndex:
    return ListIndex.build(
        ListEntry(
            entry_id=f"test:{k}",
            list_name="test",
            entry_type=EntryType.ORGANISATION,
            primary_name=NAMES[k],
            programs=("TEST",),
        )
        for k in sorted(keys)
    )


def make_edge(owner: int, asset: int, stake: int) -> OwnershipEdge:
    low, high, inclusive = STAKES[stake]
    return OwnershipEdge(
        owner_id=f"n{owner}",
        asset_id=f"n{asset}",
        owner_name=NAMES[owner],
        asset_name=NAMES[asset],
        low=low,
        high=high,
        low_inclusive=inclusive,
    )


node = st.integers(0, len(NAMES) - 1)
edge_spec = st.tuples(node, node, st.integers(0, len(STAKES) - 1)).filter(lambda t: t[0] != t[1])
change = st.one_of(
    st.tuples(st.just("upsert"), edge_spec),
    st.tuples(st.just("remove"), st.tuples(node, node, st.just(0))),
)


def snapshot(state: OwnershipState) -> dict[str, tuple[str, tuple[str, ...]]]:
    out = {}
    for party in state.blocked():
        finding = state.lookup(party)
        assert finding is not None
        out[party] = (finding.entry.entry_id, finding.path)
    return out


@settings(max_examples=60, deadline=None)
@given(
    edges=st.lists(edge_spec, max_size=14),
    designated=st.sets(st.integers(0, 2), min_size=1),
    changes=st.lists(st.lists(change, min_size=1, max_size=3), min_size=1, max_size=4),
    regime=st.sampled_from(list(Regime)),
)
def test_with_edges_equals_full_recomputation(
    edges: list[tuple[int, int, int]],
    designated: set[int],
    changes: list[list[tuple[str, tuple[int, int, int]]]],
    regime: Regime,
) -> None:
    index = listed(designated)
    state = OwnershipState.build(
        graph_from_edges(make_edge(*e) for e in edges), index, regime, threshold=DEFAULT_THRESHOLD
    )
    for batch in changes:
        before = snapshot(state)
        upserts = [make_edge(*spec) for kind, spec in batch if kind == "upsert"]
        removed = [f"n{spec[0]}->n{spec[1]}" for kind, spec in batch if kind == "remove"]
        new = state.with_edges(upserts, removed)
        assert snapshot(state) == before  # the state in use is untouched
        full = OwnershipState.build(new.graph, index, regime, threshold=DEFAULT_THRESHOLD)
        assert new.blocked() == full.blocked()
        assert snapshot(new) == snapshot(full)
        # And a graph rebuilt from scratch out of the same edges blocks the same entities.
        rebuilt = OwnershipState.build(
            graph_from_edges(new.graph.edges()), index, regime, threshold=DEFAULT_THRESHOLD
        )
        assert new.blocked() == rebuilt.blocked()
        state = new


@settings(max_examples=30, deadline=None)
@given(
    edges=st.lists(edge_spec, min_size=1, max_size=14),
    first=st.sets(st.integers(0, 2)),
    second=st.sets(st.integers(0, 2)),
    regime=st.sampled_from(list(Regime)),
)
def test_with_index_equals_full_recomputation(
    edges: list[tuple[int, int, int]], first: set[int], second: set[int], regime: Regime
) -> None:
    graph = graph_from_edges(make_edge(*e) for e in edges)
    state = OwnershipState.build(graph, listed(first), regime, threshold=DEFAULT_THRESHOLD)
    before = snapshot(state)
    new = state.with_index(listed(second))
    assert snapshot(state) == before
    full = OwnershipState.build(graph, listed(second), regime, threshold=DEFAULT_THRESHOLD)
    assert new.blocked() == full.blocked()
    assert snapshot(new) == snapshot(full)


def test_removing_the_designated_owners_edge_unblocks_the_whole_cone() -> None:
    edges = [make_edge(0, 3, 9), make_edge(3, 4, 8), make_edge(4, 3, 8), make_edge(4, 5, 7)]
    state = OwnershipState.build(
        graph_from_edges(edges), listed({0}), Regime.OFAC, threshold=DEFAULT_THRESHOLD
    )
    assert set(state.blocked()) == {"n3", "n4", "n5"}
    cut = state.with_edges([], ["n0->n3"])
    assert cut.blocked() == {}  # the n3 <-> n4 cycle does not keep itself blocked
    assert set(state.blocked()) == {"n3", "n4", "n5"}
    back = cut.with_edges([make_edge(0, 4, 5)], [])
    assert set(back.blocked()) == {"n3", "n4", "n5"}
    assert back.lookup("n5") is not None


def test_renamed_owner_is_screened_again() -> None:
    state = OwnershipState.build(
        graph_from_edges([make_edge(3, 4, 9)]), listed({0}), Regime.OFAC, threshold=DEFAULT_THRESHOLD
    )
    assert state.blocked() == {}
    renamed = OwnershipEdge(owner_id="n3", asset_id="n4", owner_name=NAMES[0], low=100, high=100)
    new = state.with_edges([renamed], [])
    assert new.blocked() == {"n4": 1}
    assert new.designated() == {"n3": "test:0"}
    assert state.designated() == {}


def test_unknown_removal_and_invalid_upsert() -> None:
    state = OwnershipState.build(
        graph_from_edges([make_edge(0, 3, 9)]), listed({0}), Regime.OFAC, threshold=DEFAULT_THRESHOLD
    )
    same = state.with_edges([], ["nobody->nothing"])
    assert same.blocked() == state.blocked()
    bad = OwnershipEdge(owner_id="n0", asset_id="n3", low=80, high=60)
    try:
        state.with_edges([bad], [])
    except ValueError as exc:
        assert "n0->n3" in str(exc)
    else:
        raise AssertionError("an interval with low > high must be refused")


def test_designated_owner_that_stops_owning_agrees_with_a_rebuild() -> None:
    # n0 is designated while it owns n3; once its only stake goes, a rebuild does not screen it
    # (only owners are screened), and n3 -> n0 then blocks n0 as an owned entity.
    edges = [make_edge(0, 3, 9), make_edge(1, 0, 9)]
    state = OwnershipState.build(
        graph_from_edges(edges), listed({0, 1}), Regime.OFAC, threshold=DEFAULT_THRESHOLD
    )
    assert state.designated() == {"n0": "test:0", "n1": "test:1"}
    new = state.with_edges([], ["n0->n3"])
    full = OwnershipState.build(new.graph, listed({0, 1}), Regime.OFAC, threshold=DEFAULT_THRESHOLD)
    assert new.designated() == full.designated() == {"n1": "test:1"}
    assert new.blocked() == full.blocked() == {"n0": 1}


def test_compaction_keeps_the_graph_and_results(monkeypatch: pytest.MonkeyPatch) -> None:
    # Fold overlays into a fresh CSR after every couple of changes, as a long-running worker would.
    monkeypatch.setattr(graph_module, "_COMPACT_MIN_OVERLAY", 2)
    monkeypatch.setattr(graph_module, "_COMPACT_OVERLAY_FRACTION", 10**9)
    index = listed({0, 1})
    state = OwnershipState.build(
        graph_from_edges([make_edge(0, 3, 9), make_edge(3, 4, 8)]),
        index,
        Regime.OFAC,
        threshold=DEFAULT_THRESHOLD,
    )
    for spec in [(1, 5, 7), (5, 6, 9), (4, 7, 5), (3, 4, 0)]:
        state = state.with_edges([make_edge(*spec)], [])
        full = OwnershipState.build(
            graph_from_edges(state.graph.edges()), index, Regime.OFAC, threshold=DEFAULT_THRESHOLD
        )
        assert state.blocked() == full.blocked()
        assert {e.edge_id for e in state.graph.edges()} == {e.edge_id for e in full.graph.edges()}
    assert state.blocked() == {"n3": 1, "n5": 1, "n6": 2}


def test_layered_map_matches_a_dict_through_folds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layered_module, "_FOLD_MIN", 2)
    rng = random.Random(7)
    maps = [LayeredMap[int]()]
    mirrors: list[dict[int, int]] = [{}]
    for _ in range(300):
        child, mirror = maps[-1].child(), dict(mirrors[-1])
        for _ in range(rng.randint(1, 4)):
            key = rng.randrange(20)
            if rng.random() < 0.3:
                child.remove(key)
                mirror.pop(key, None)
            else:
                child.set(key, rng.randrange(100))
                mirror[key] = child[key]
        maps.append(child)
        mirrors.append(mirror)
    for m, mirror in zip(maps, mirrors, strict=True):  # every version still reads as it was made
        assert dict(m.items()) == mirror and len(m) == len(mirror)
        assert all(m.get(k) == mirror.get(k) for k in range(20))
