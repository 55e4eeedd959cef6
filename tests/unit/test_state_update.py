"""A list update applied to a screening state gives the state a build of the new lists gives,
also when only part of the lists designates owners under the regime (the owners' index is then
updated like the list's, not built again)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from screening.index import ListIndex
from screening.lists import load_lists
from screening.matching.params import DEFAULT_THRESHOLD
from screening.model import EntryType, ListEntry
from screening.ownership import Regime, load_ownership
from screening.regimes import designates_under, ownership_index
from screening.state import build_state, updated_state


@pytest.fixture(scope="module")
def lists(fixtures_dir: Path) -> list[ListEntry]:
    folder = fixtures_dir / "lists"
    paths = [
        folder / "ofac-mini",
        folder / "un-mini.xml",
        folder / "eu-fsf-mini.xml",
        folder / "opensanctions-mini.ftm.json",
    ]
    return list(load_lists(paths).entries.values())


def _names(index: ListIndex) -> list[str]:
    return [n.text for e in index.entries.values() for n in e.names()]


@pytest.mark.parametrize("regime", [Regime.EU, Regime.OFAC])
def test_list_updates_of_mixed_lists_give_the_built_state(
    lists: list[ListEntry], fixtures_dir: Path, regime: Regime
) -> None:
    graph = load_ownership([fixtures_dir / "lists" / "opensanctions-mini.ftm.json"])
    state = build_state(lists, graph, list_version="v0", regime=regime, threshold=DEFAULT_THRESHOLD)
    assert state.ownership is not None and state.ownership.index is not state.index  # a mixed list
    entries = {e.entry_id: e for e in lists}
    designating = [e for e in lists if designates_under(e, regime)]
    not_designating = [e for e in lists if not designates_under(e, regime)]
    updates: list[tuple[list[ListEntry], list[str]]] = [
        # a new entry of a list of one's own (designates), one renamed, one removed
        (
            [
                ListEntry("own:1", "own", EntryType.ORGANISATION, "QUILLFEATHER HOLDINGS"),
                dataclasses.replace(designating[0], primary_name="ZENOBIA MARITIME"),
            ],
            [designating[1].entry_id],
        ),
        # an entry that designated now does not (another list), and a non-designating one removed
        (
            [
                dataclasses.replace(
                    designating[2],
                    list_name=not_designating[0].list_name,
                    authorities=not_designating[0].authorities,
                )
            ],
            [not_designating[1].entry_id],
        ),
        # an entry that did not designate comes to: the owners' index is built afresh
        ([dataclasses.replace(not_designating[2], list_name="own", authorities=())], []),
    ]
    for number, (upserts, removed) in enumerate(updates, 1):
        state = updated_state(
            state,
            list_changes=(upserts, removed),
            edge_changes=None,
            whole_graph=lambda: graph,
            holds_edges=True,
            list_version=f"v{number}",
            regime=regime,
            threshold=DEFAULT_THRESHOLD,
        )
        for entry_id in removed:
            entries.pop(entry_id, None)
        entries.update((e.entry_id, e) for e in upserts)
        built = build_state(
            entries.values(), graph, list_version="b", regime=regime, threshold=DEFAULT_THRESHOLD
        )
        assert state.ownership is not None and built.ownership is not None
        want = ownership_index(built.index, regime)
        got = state.ownership.index
        assert list(got.entries) == list(want.entries)
        for name in _names(built.index):
            assert [
                (m.entry.entry_id, m.score) for m in got.match_name(name, threshold=DEFAULT_THRESHOLD)
            ] == [(m.entry.entry_id, m.score) for m in want.match_name(name, threshold=DEFAULT_THRESHOLD)]
        assert state.ownership.designated() == built.ownership.designated()
        assert state.ownership.blocked() == built.ownership.blocked()
