"""The 50% rule: OFAC's own worked examples, EU vs UK, cycles, non-blocking entries, paths."""

from __future__ import annotations

import pytest

from screening.index import ListIndex
from screening.match import DEFAULT_THRESHOLD
from screening.model import EntryType, Identifier, IdentifierScheme, ListEntry
from screening.ownership import OwnershipEdge, OwnershipState, Regime, graph_from_edges

# Names chosen far apart so the real matcher links each graph owner to at most its own entry.
DESIGNATED = {
    "X": "KORYO MARITIME NAVIGATION",
    "Y": "ZHELYABOV MINING COMBINE",
    "FTB": "FOREIGN TRADE BANK OF THE DPRK",
    "CBR": "CENTRAL BANK OF THE RUSSIAN FEDERATION",
}
PLAIN = {
    "A": "Alder Textiles",
    "B": "Birchwood Foods",
    "C": "Cedar Ventures",
    "D": "Dogwood Printing",
    "PST": "Pyongyang Sunrise Trading",
    "SL": "Sunrise Logistics",
}


def entry(key: str, *, blocking: bool = True, lei: str | None = None) -> ListEntry:
    """A listed organisation for a designated graph owner."""
    return ListEntry(
        entry_id=f"test:{key}",
        list_name="test",
        entry_type=EntryType.ORGANISATION,
        primary_name=DESIGNATED[key],
        programs=("TEST",),
        identifiers=(Identifier(IdentifierScheme.LEI, lei),) if lei else (),
        blocking=blocking,
    )


def edge(
    owner: str, asset: str, pct: float, *, low: float | None = None, strict: bool = False
) -> OwnershipEdge:
    """owner -> asset at pct% (or the band (low, pct] when `low` is given)."""
    names = DESIGNATED | PLAIN
    return OwnershipEdge(
        owner_id=owner,
        asset_id=asset,
        owner_name=names[owner],
        asset_name=names[asset],
        low=pct if low is None else low,
        high=pct,
        low_inclusive=not strict,
    )


def state(
    edges: list[OwnershipEdge], listed: list[ListEntry], regime: Regime = Regime.OFAC
) -> OwnershipState:
    return OwnershipState.build(
        graph_from_edges(edges), ListIndex.build(listed), regime, threshold=DEFAULT_THRESHOLD
    )


def blocked(st: OwnershipState) -> set[str]:
    return set(st.blocked())


# --- OFAC's worked examples (OFAC, Revised Guidance on Entities Owned by Persons Whose Property
# and Interests in Property Are Blocked, 13 Aug 2014, examples 1-4) ------------------------------


def test_ofac_example_chain_50_of_50_blocks() -> None:
    st = state([edge("X", "A", 50), edge("A", "B", 50)], [entry("X")])
    assert blocked(st) == {"A", "B"}


def test_ofac_example_aggregation_through_two_blocked_intermediaries() -> None:
    st = state(
        [edge("X", "A", 50), edge("X", "B", 50), edge("A", "C", 25), edge("B", "C", 25)],
        [entry("X")],
    )
    assert blocked(st) == {"A", "B", "C"}
    finding = st.lookup("C")
    assert finding is not None and finding.aggregated
    assert "50% in total by 2 blocked owners" in finding.explanation


def test_ofac_example_direct_plus_indirect_stake() -> None:
    st = state([edge("X", "A", 50), edge("X", "B", 10), edge("A", "B", 40)], [entry("X")])
    assert blocked(st) == {"A", "B"}
    finding = st.lookup("B")
    assert finding is not None and finding.aggregated
    # The path follows the largest counting stake: A's 40%, not X's direct 10%.
    assert finding.path == (
        "KORYO MARITIME NAVIGATION -50%-> Alder Textiles",
        "Alder Textiles -40%-> Birchwood Foods",
    )


def test_ofac_example_percentages_are_not_multiplied_but_unblocked_do_not_count() -> None:
    st = state(
        [edge("X", "A", 25), edge("X", "B", 25), edge("A", "C", 50), edge("B", "C", 50)],
        [entry("X")],
    )
    assert blocked(st) == set()
    assert st.lookup("C") is None


# --- EU vs UK -----------------------------------------------------------------------------------


def test_exactly_50_blocks_under_ofac_and_eu_but_not_uk() -> None:
    edges = [edge("X", "A", 50)]
    assert blocked(state(edges, [entry("X")], Regime.OFAC)) == {"A"}
    assert blocked(state(edges, [entry("X")], Regime.EU)) == {"A"}
    assert blocked(state(edges, [entry("X")], Regime.UK)) == set()
    assert blocked(state([edge("X", "A", 50.01)], [entry("X")], Regime.UK)) == {"A"}


def test_two_designated_persons_30_and_25_aggregate_in_eu_not_in_uk() -> None:
    edges = [edge("X", "A", 30), edge("Y", "A", 25)]
    listed = [entry("X"), entry("Y")]
    assert blocked(state(edges, listed, Regime.EU)) == {"A"}
    assert blocked(state(edges, listed, Regime.OFAC)) == {"A"}
    assert blocked(state(edges, listed, Regime.UK)) == set()


def test_uk_adds_what_one_person_holds_directly_and_through_its_companies() -> None:
    # X holds 30% of C directly and 30% through A, which X owns 60%: X holds 60% of C.
    edges = [edge("X", "A", 60), edge("X", "C", 30), edge("A", "C", 30)]
    st = state(edges, [entry("X")], Regime.UK)
    assert blocked(st) == {"A", "C"}
    finding = st.lookup("C")
    assert finding is not None and finding.regime is Regime.UK and finding.entry.entry_id == "test:X"


def test_uk_band_more_than_50_is_surely_over_the_line_but_25_to_50_is_not() -> None:
    over = [edge("X", "A", 75, low=50, strict=True)]  # PSC 'more than 50% but not more than 75%'
    assert blocked(state(over, [entry("X")], Regime.UK)) == {"A"}
    band = [edge("X", "A", 50, low=25, strict=True)]  # PSC 'more than 25% but not more than 50%'
    assert blocked(state(band, [entry("X")], Regime.UK)) == set()
    assert blocked(state(band, [entry("X")], Regime.OFAC)) == set()
    # Two such bands held by blocked persons: surely more than 50% in aggregate.
    two = [edge("X", "A", 50, low=25, strict=True), edge("Y", "A", 50, low=25, strict=True)]
    assert blocked(state(two, [entry("X"), entry("Y")], Regime.OFAC)) == {"A"}
    assert blocked(state(two, [entry("X"), entry("Y")], Regime.UK)) == set()


# --- graph shapes -------------------------------------------------------------------------------


def test_cycle_with_a_designated_root_settles_and_without_one_never_blocks() -> None:
    cycle = [edge("A", "B", 60), edge("B", "A", 60)]
    assert blocked(state(cycle, [entry("X")])) == set()
    rooted = [*cycle, edge("X", "A", 50), edge("B", "C", 50)]
    st = state(rooted, [entry("X")])
    assert blocked(st) == {"A", "B", "C"}
    finding = st.lookup("C")
    assert finding is not None
    assert finding.rendered == (
        "KORYO MARITIME NAVIGATION -50%-> Alder Textiles -60%-> Birchwood Foods -50%-> Cedar Ventures"
    )


def test_owner_blocked_only_through_another_owner() -> None:
    # D is not listed; it is blocked because X owns it, and then D's own stake blocks B.
    st = state([edge("X", "D", 100), edge("D", "B", 55), edge("A", "B", 45)], [entry("X")])
    assert blocked(st) == {"D", "B"}
    finding = st.lookup("B")
    assert finding is not None and not finding.aggregated
    assert finding.path == (
        "KORYO MARITIME NAVIGATION -100%-> Dogwood Printing",
        "Dogwood Printing -55%-> Birchwood Foods",
    )


def test_non_blocking_entry_does_not_block_owned_entities() -> None:
    st = state([edge("CBR", "A", 100)], [entry("CBR", blocking=False)])
    assert st.designated() == {}
    assert blocked(st) == set()


def test_finding_for_the_brief_example_carries_entry_match_and_path() -> None:
    st = state([edge("FTB", "PST", 60), edge("PST", "SL", 50)], [entry("FTB")])
    finding = st.lookup("SL", None)
    assert finding is not None
    assert (
        finding.rendered
        == "FOREIGN TRADE BANK OF THE DPRK -60%-> Pyongyang Sunrise Trading -50%-> Sunrise Logistics"
    )
    assert finding.entry.entry_id == "test:FTB"
    assert finding.owner_match is not None and finding.owner_match.entry.entry_id == "test:FTB"
    assert finding.score == pytest.approx(finding.owner_match.score)
    assert not finding.aggregated
    # A designated owner itself is the name screener's hit, not an ownership finding.
    assert st.lookup("FTB") is None
    assert st.lookup("unknown-party") is None


def test_owner_designated_by_lei_and_party_found_by_lei() -> None:
    lei = "PAYMONTESTPARENT0169"
    owner = OwnershipEdge(
        owner_id="o1",
        asset_id="a1",
        owner_name="Harbour Holdings",
        asset_name="Alder Textiles",
        low=80,
        high=80,
        owner_lei=lei,
    )
    child = OwnershipEdge(
        owner_id="a1",
        asset_id="a2",
        asset_name="Birchwood Foods",
        low=70,
        high=70,
        asset_lei="PAYMONTESTCHILD00131",
    )
    st = state([owner, child], [entry("X", lei=lei)])
    assert st.designated() == {"o1": "test:X"}
    finding = st.lookup(None, "PAYMONTESTCHILD00131")
    assert finding is not None and finding.owner_match is None and finding.score == 1.0
    assert finding.path[0] == "Harbour Holdings -80%-> Alder Textiles"
