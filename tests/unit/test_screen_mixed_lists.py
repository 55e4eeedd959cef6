"""Payments screened against OFAC, UN, EU, UK and OpenSanctions lists loaded together: hits on
entries only one authority lists, weak aliases, authorities and programmes in every hit, and the
ownership regimes over mixed lists (`screening.regimes`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from schemas.decision import Decision, Hit
from schemas.payment import Party, Payment
from screening.index import ListIndex
from screening.lists import decode_entry, encode_entry, load_lists
from screening.match import DEFAULT_THRESHOLD
from screening.model import EntryType, ListEntry
from screening.ownership import OwnershipState, Regime, load_ownership
from screening.regimes import designates_under, ownership_index
from screening.screen import ScreeningState, screen_payment

SCREENED_AT = "2026-03-01T10:00:00.000Z"


@pytest.fixture(scope="module")
def lists(fixtures_dir: Path) -> list[Path]:
    folder = fixtures_dir / "lists"
    return [
        folder / "ofac-mini",
        folder / "un-mini.xml",
        folder / "eu-fsf-mini.xml",
        folder / "uk-sanctions-mini.xml",
        folder / "opensanctions-mini.ftm.json",
    ]


@pytest.fixture(scope="module")
def index(lists: list[Path]) -> ListIndex:
    return ListIndex.build(load_lists(lists).entries.values())


def _payment(creditor: Party) -> Payment:
    return Payment(
        payment_id="p-1",
        created_at="2026-03-01T10:00:00Z",
        amount="100.00",
        currency="EUR",
        debtor=Party(name="Hannelore Beispiel", country="DE"),
        creditor=creditor,
    )


def _screen(creditor: Party, state: ScreeningState) -> Decision:
    return screen_payment(_payment(creditor), state, threshold=DEFAULT_THRESHOLD, screened_at=SCREENED_AT)


def _creditor_hits(decision: Decision) -> dict[str, Hit]:
    return {hit.entry_id: hit for hit in decision.hits if hit.role == "creditor"}


def test_an_entry_only_the_eu_lists_alerts_with_its_authority_and_programme(index: ListIndex) -> None:
    state = ScreeningState(index=index, ownership=None, list_version="v")
    hit = _creditor_hits(_screen(Party(name="Orlando Veltrami Holdings", country="CY"), state))["eu:130002"]
    assert (hit.list, hit.authorities, hit.programs, hit.reason) == ("eu", ["eu"], ["UKR"], "name")


def test_an_entry_only_the_uk_lists_alerts_with_its_regime(index: ListIndex) -> None:
    state = ScreeningState(index=index, ownership=None, list_version="v")
    hit = _creditor_hits(_screen(Party(name="Bramblecote Maritime Services Ltd"), state))["uk:RUS9002"]
    assert (hit.list, hit.authorities, hit.programs) == ("uk", ["uk"], ["Russia"])


def test_an_opensanctions_entity_alerts_through_its_weak_alias_reported_as_weak(index: ListIndex) -> None:
    state = ScreeningState(index=index, ownership=None, list_version="v")
    hits = _creditor_hits(_screen(Party(name="Iggy", birth_date="1969-08-02"), state))
    hit = hits["opensanctions:osx-merrow"]
    assert hit.matched_name == "Iggy" and "weak alias" in hit.explanation
    assert hit.authorities == ["ch_seco_sanctions"] and hit.datasets == ["ch_seco_sanctions"]


def test_ofac_and_un_entries_still_alert_beside_the_new_lists(index: ListIndex) -> None:
    assert any(e.list_name == "ofac" for e in index.entries.values())
    state = ScreeningState(index=index, ownership=None, list_version="v")
    un = next(e for e in index.entries.values() if e.list_name == "un" and e.entry_type is EntryType.PERSON)
    hit = _creditor_hits(_screen(Party(name=un.primary_name), state))[un.entry_id]
    assert hit.authorities == ["un"]


def test_entries_keep_authorities_and_datasets_through_the_topic_encoding(index: ListIndex) -> None:
    for entry in index.entries.values():
        assert decode_entry(encode_entry(entry)) == entry


# --- regimes ------------------------------------------------------------------------------


def _entry(entry_id: str, list_name: str, authorities: tuple[str, ...] = ()) -> ListEntry:
    return ListEntry(entry_id, list_name, EntryType.ORGANISATION, entry_id, authorities=authorities)


@pytest.mark.parametrize(
    ("entry", "regimes"),
    [
        (_entry("ofac:1", "ofac"), {Regime.OFAC}),
        (_entry("eu:1", "eu"), {Regime.EU}),
        (_entry("uk:1", "uk"), {Regime.UK}),
        (_entry("un:1", "un"), {Regime.OFAC, Regime.EU, Regime.UK}),
        (_entry("internal:1", "internal"), {Regime.OFAC, Regime.EU, Regime.UK}),
        (_entry("opensanctions:1", "opensanctions", ("eu", "uk")), {Regime.EU, Regime.UK}),
        (_entry("opensanctions:2", "opensanctions", ("ch_seco_sanctions",)), set()),
        (
            _entry("opensanctions:3", "opensanctions", ("ch_seco_sanctions", "un")),
            {Regime.OFAC, Regime.EU, Regime.UK},
        ),
    ],
)
def test_which_entries_designate_owners_under_which_regime(entry: ListEntry, regimes: set[Regime]) -> None:
    assert {regime for regime in Regime if designates_under(entry, regime)} == regimes


def test_the_ownership_index_is_the_same_index_when_every_entry_designates(fixtures_dir: Path) -> None:
    only_eu = ListIndex.build(load_lists([fixtures_dir / "lists" / "eu-fsf-mini.xml"]).entries.values())
    assert ownership_index(only_eu, Regime.EU) is only_eu
    assert len(ownership_index(only_eu, Regime.OFAC)) == 0


def _ownership_state(index: ListIndex, tables: list[Path], regime: Regime) -> ScreeningState:
    graph = load_ownership(tables)
    ownership = OwnershipState.build(
        graph, ownership_index(index, regime), regime, threshold=DEFAULT_THRESHOLD
    )
    return ScreeningState(index=index, ownership=ownership, list_version="v")


def test_an_eu_listed_owner_blocks_its_company_under_the_eu_regime_only(
    index: ListIndex, fixtures_dir: Path
) -> None:
    tables = [fixtures_dir / "lists" / "opensanctions-mini.ftm.json"]
    subsidiary = Party(name="Quillfeather Components LLC", id="osx-sub")
    for regime in (Regime.EU, Regime.UK):
        hit = _creditor_hits(_screen(subsidiary, _ownership_state(index, tables, regime)))[
            "opensanctions:osx-quillfeather"
        ]
        assert hit.reason == "ownership"
        assert hit.ownership_path == ["Quillfeather Avionics JSC -100%-> Quillfeather Components LLC"]
    # OFAC does not list Quillfeather, and its Swiss-listed owner designates under no regime here
    under_ofac = _screen(subsidiary, _ownership_state(index, tables, Regime.OFAC))
    assert not [h for h in under_ofac.hits if h.reason == "ownership"]


def test_a_controlling_directorship_blocks_like_a_majority_stake(fixtures_dir: Path, tmp_path: Path) -> None:
    own_list = tmp_path / "internal.jsonl"
    listed = ListEntry("internal:merrow", "internal", EntryType.PERSON, "Ignatius Merrowby")
    own_list.write_bytes(encode_entry(listed) + b"\n")
    index = ListIndex.build(load_lists([own_list]).entries.values())
    tables = [fixtures_dir / "lists" / "opensanctions-mini.ftm.json"]
    state = _ownership_state(index, tables, Regime.UK)
    controlled = _creditor_hits(_screen(Party(name="Merrowby Trading Cyprus Ltd", id="osx-ctrl"), state))
    assert controlled["internal:merrow"].ownership_path == [
        "Ignatius Merrowby ->50%-> Merrowby Trading Cyprus Ltd"
    ]
    # a plain directorship is management, not ownership
    managed = _screen(Party(name="Merrowby Consulting Ltd", id="osx-managed"), state)
    assert not [h for h in managed.hits if h.reason == "ownership"]


@pytest.mark.shared
def test_a_company_owned_through_the_zala_cluster_ownership_entities(shared_data: Path) -> None:
    cluster = shared_data / "lists" / "opensanctions" / "zala-cluster.ftm.json"
    index = ListIndex.build(load_lists([cluster]).entries.values())
    state = _ownership_state(index, [cluster], Regime.EU)
    # LLC CST's own id, under a name that matches nothing listed: only ownership can find it
    hits = _creditor_hits(
        _screen(Party(name="Izhevsk Avionics Supply", id="NK-abdzbEBkqyT29GyREbiURZ"), state)
    )
    owned = [h for h in hits.values() if h.reason == "ownership"]
    assert owned, hits
    hit: Any = owned[0]
    assert hit.entry_id == "opensanctions:NK-aU5ybkbRFJucf8YMwsJvDw"  # Alexander Zakharov, 51%
    assert "eu" in hit.authorities and "EU-UKR" in hit.programs
    # the 51% stake without an end date; the ended ones (Aeroscan, CST 50%/48%) are not counted
    assert hit.ownership_path == [
        'Aleksandr Vyacheslavovich Zakharov -51%-> Товариство з обмеженою відповідальністю "ЦСТ"'
    ]
    assert hit.explanation.startswith("owned_by_listed_entity: EU 50% rule")


@pytest.mark.shared
def test_the_zala_cluster_weak_alias_is_reported_as_weak(shared_data: Path) -> None:
    cluster = shared_data / "lists" / "opensanctions" / "zala-cluster.ftm.json"
    state = ScreeningState(
        index=ListIndex.build(load_lists([cluster]).entries.values()), ownership=None, list_version="v"
    )
    hit = _creditor_hits(_screen(Party(name="ZALA", country="RU"), state))[
        "opensanctions:NK-abdzbEBkqyT29GyREbiURZ"
    ]
    assert hit.matched_name == "ZALA" and "weak alias" in hit.explanation
    assert "us_ofac_sdn" in hit.datasets
