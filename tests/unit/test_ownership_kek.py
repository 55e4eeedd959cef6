"""The real KEK German media ownership graph (../shared): real chains blocked by a designated root."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.index import ListIndex
from screening.lists import decode_entry
from screening.match import DEFAULT_THRESHOLD
from screening.ownership import OwnershipGraph, OwnershipState, Regime, load_ownership

pytestmark = pytest.mark.shared

# Paymon JSONL list records naming two real KEK owners as if they were designated (a test list).
BAYREUTH = (
    b'{"entry_id": "test:kek-1", "list": "test", "type": "organisation",'
    b' "name": "BAYREUTH DRUCK + MEDIA GMBH & CO. KG", "programs": ["TEST"]}'
)
SCHOELLER = (
    b'{"entry_id": "test:kek-2", "list": "test", "type": "organisation",'
    b' "name": "MONIKA SCHOELLER FAMILIENGESELLSCHAFT GBR", "programs": ["TEST"]}'
)


@pytest.fixture(scope="module")
def kek(shared_data: Path) -> OwnershipGraph:
    return load_ownership([shared_data / "ownership" / "kek_media_shares.csv"])


def test_kek_loads_every_edge_and_flags_sums_over_100(kek: OwnershipGraph) -> None:
    assert kek.edge_count == 2904
    over = [w for w in kek.warnings if "over 100%" in w]
    assert over and all("kek_media_shares.csv:" in w for w in over)
    assert any("101.1%" in w for w in over)  # DLJ MGM Acquisition's stakes add up to 101.1%


def test_real_two_hop_chain_is_blocked_with_its_path(kek: OwnershipGraph) -> None:
    state = OwnershipState.build(
        kek, ListIndex.build([decode_entry(BAYREUTH)]), Regime.OFAC, threshold=DEFAULT_THRESHOLD
    )
    assert state.designated() == {"3419": "test:kek-1"}
    # 3419 -63%-> 2466 (Nordbayerischer Kurier) -100%-> 807 (Aktuelle Welle ... Bayreuth)
    finding = state.lookup("807")
    assert finding is not None
    assert finding.entry.entry_id == "test:kek-1"
    assert finding.path == (
        "Bayreuth Druck + Media GmbH & Co. KG -63%-> Nordbayerischer Kurier GmbH & Co. Zeitungsverlag KG",
        "Nordbayerischer Kurier GmbH & Co. Zeitungsverlag KG -100%-> "
        "Aktuelle Welle Programm- und Werbegesellschaft Bayreuth mbH",
    )
    assert finding.owner_match is not None and finding.owner_match.score >= 0.9
    assert state.blocked()["2466"] == 1 and state.blocked()["807"] == 2
    # The root's own 47.5% owner is upstream, never blocked by it.
    assert state.lookup("1225") is None


def test_real_exactly_50_percent_chain_differs_between_eu_and_uk(kek: OwnershipGraph) -> None:
    index = ListIndex.build([decode_entry(SCHOELLER)])
    eu = OwnershipState.build(kek, index, Regime.EU, threshold=DEFAULT_THRESHOLD)
    uk = OwnershipState.build(kek, index, Regime.UK, threshold=DEFAULT_THRESHOLD)
    # 2149 holds exactly 50% of Georg von Holtzbrinck GmbH & Co. KG (1229), which owns aboutbooks (3738).
    finding = eu.lookup("3738")
    assert finding is not None
    assert finding.rendered.startswith(
        "Monika Schoeller Familiengesellschaft GbR -50%-> Georg von Holtzbrinck"
    )
    assert uk.lookup("3738") is None and uk.lookup("1229") is None


def test_kek_incremental_cut_and_restore(kek: OwnershipGraph) -> None:
    index = ListIndex.build([decode_entry(BAYREUTH)])
    state = OwnershipState.build(kek, index, Regime.OFAC, threshold=DEFAULT_THRESHOLD)
    cut = state.with_edges([], ["3419->2466"])
    assert cut.lookup("807") is None
    assert (
        cut.blocked()
        == OwnershipState.build(cut.graph, index, Regime.OFAC, threshold=DEFAULT_THRESHOLD).blocked()
    )
    original = next(e for e in kek.edges() if e.edge_id == "3419->2466")
    restored = cut.with_edges([original], [])
    assert restored.blocked() == state.blocked()
