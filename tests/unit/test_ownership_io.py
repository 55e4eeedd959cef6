"""Ownership loaders on the project's own small fixtures: each format, bad rows, flags, detection."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.ownership import OwnershipEdge, OwnershipLoadError, decode_edge, encode_edge, load_ownership
from screening.ownership_io import OwnershipFormat, detect_format
from screening.ownership_io.edge import PercentageError, parse_percentage, render_stake
from screening.ownership_io.gleif import normalise_quantity
from screening.ownership_io.psc import band_of


@pytest.fixture()
def own(fixtures_dir: Path) -> Path:
    return fixtures_dir / "ownership"


def edges_by_id(paths: list[Path], strict: bool = True) -> dict[str, OwnershipEdge]:
    graph = load_ownership(paths, strict=strict)
    return {e.edge_id: e for e in graph.edges()}


def test_detects_each_format_from_content(own: Path, tmp_path: Path) -> None:
    assert detect_format(own / "shares.csv") is OwnershipFormat.CSV
    assert detect_format(own / "ftm_ownership.jsonl") is OwnershipFormat.FTM
    assert detect_format(own / "psc.jsonl") is OwnershipFormat.PSC
    assert detect_format(own / "gleif_rr.xml") is OwnershipFormat.GLEIF
    renamed = tmp_path / "data.txt"
    renamed.write_bytes((own / "psc.jsonl").read_bytes())
    assert detect_format(renamed) is OwnershipFormat.PSC
    unknown = tmp_path / "x.csv"
    unknown.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(OwnershipLoadError, match=r"x\.csv:1: unrecognised ownership format"):
        load_ownership([unknown])


def test_csv_reads_exact_text_band_and_unknown_stakes(own: Path) -> None:
    edges = edges_by_id([own / "shares.csv"])
    assert (edges["ftb->pst"].low, edges["ftb->pst"].high, edges["ftb->pst"].low_inclusive) == (60, 60, True)
    assert edges["pst->sl"].low == 50  # '50%'
    assert (edges["hold->sl"].low, edges["hold->sl"].high, edges["hold->sl"].low_inclusive) == (25, 50, False)
    assert (edges["anon->sl"].low, edges["anon->sl"].high) == (0, 100)  # blank: unknown stake
    assert edges["hold->sl"].owner_lei == "PAYMONTESTPARENT0169"
    assert edges["ftb->pst"].source.endswith("shares.csv:2")


def test_csv_bad_rows_name_file_and_line_and_are_never_dropped_silently(own: Path) -> None:
    with pytest.raises(OwnershipLoadError) as info:
        load_ownership([own / "bad_rows.csv"])
    problems = info.value.problems
    assert [p.split(": ", 1)[0].rsplit("/", 1)[-1] for p in problems] == [
        "bad_rows.csv:3",
        "bad_rows.csv:4",
        "bad_rows.csv:5",
    ]
    assert "owner_id is empty" in problems[0] and "'abc'" in problems[1] and "columns" in problems[2]
    graph = load_ownership([own / "bad_rows.csv"], strict=False)
    assert graph.edge_count == 3
    skipped = [w for w in graph.warnings if w.startswith("skipped bad row")]
    assert len(skipped) == 3


def test_percentage_over_100_and_sum_over_100_are_flagged(own: Path) -> None:
    graph = load_ownership([own / "bad_rows.csv"], strict=False)
    over = [w for w in graph.warnings if "outside 0-100" in w]
    assert len(over) == 1 and "bad_rows.csv:6" in over[0] and "120" in over[0]
    assert {e.edge_id: e.low for e in graph.edges()}["A4->B2"] == 100  # clamped
    total = [w for w in graph.warnings if "sum to" in w]
    assert len(total) == 1 and "B1" in total[0] and "110%" in total[0]


def test_ftm_names_from_entities_nested_owners_ended_and_bad_percentages(own: Path) -> None:
    with pytest.raises(
        OwnershipLoadError, match=r"ftm_ownership\.jsonl:5: percentage: .*'a controlling stake'"
    ):
        load_ownership([own / "ftm_ownership.jsonl"])
    graph = load_ownership([own / "ftm_ownership.jsonl"], strict=False)
    edges = {e.edge_id: e for e in graph.edges()}
    assert set(edges) == {"co-pst->co-sunrise", "person-kim->co-pst", "person-choi->co-sunrise"}
    sunrise = edges["co-pst->co-sunrise"]
    assert (sunrise.owner_name, sunrise.asset_name, sunrise.low) == (
        "Pyongyang Sunrise Trading",
        "Sunrise Logistics",
        51,
    )
    assert sunrise.asset_lei == "PAYMONTESTCHILD00131"
    assert edges["person-kim->co-pst"].owner_name == "Kim Chol Nam"  # nested entity
    assert edges["person-kim->co-pst"].low == 75.5  # '75,5 %'
    assert (edges["person-choi->co-sunrise"].low, edges["person-choi->co-sunrise"].high) == (0, 100)
    assert any("endDate in the past" in w for w in graph.warnings)


def test_psc_bands_corporate_chains_and_skipped_kinds(own: Path) -> None:
    with pytest.raises(OwnershipLoadError, match=r"psc\.jsonl:7: natures_of_control"):
        load_ownership([own / "psc.jsonl"])
    edges = edges_by_id([own / "psc.jsonl"], strict=False)
    petrov = edges["psc:AbC123->01234567"]
    assert (petrov.low, petrov.high, petrov.low_inclusive) == (25, 50, False)
    # A UK-registered corporate PSC is the company with that (zero-padded) number: a chain.
    holding = edges["07654321->01234567"]
    assert (holding.low, holding.high, holding.low_inclusive) == (50, 75, False)
    assert edges["psc:Qwe456->07654321"].low == 75
    overseas = edges["psc:Lux333->OE001234"]  # API item form, company from links.self
    assert (overseas.low, overseas.high) == (25, 100)
    assert len(edges) == 4


def test_psc_band_model() -> None:
    assert band_of(["ownership-of-shares-25-to-50-percent"]) == (25.0, 50.0, False)
    assert band_of(["voting-rights-75-to-100-percent", "ownership-of-shares-50-to-75-percent-as-firm"]) == (
        50.0,
        75.0,
        False,
    )
    assert band_of(["significant-influence-or-control"]) is None
    assert band_of(["right-to-share-surplus-assets-75-to-100-percent-limited-liability-partnership"]) == (
        75.0,
        100.0,
        False,
    )


def test_gleif_unit_mix_types_status_and_bad_lei(own: Path) -> None:
    with pytest.raises(OwnershipLoadError, match=r"gleif_rr\.xml:62: LEI 'PAYMONTESTCHILD00299' fails"):
        load_ownership([own / "gleif_rr.xml"])
    graph = load_ownership([own / "gleif_rr.xml"], strict=False)
    edges = {e.edge_id: e for e in graph.edges()}
    assert edges["PAYMONTESTPARENT0169->PAYMONTESTCHILD00131"].low == 100  # '1.00' as a fraction
    assert edges["PAYMONTESTCHILD00131->PAYMONTESTGRANDC0129"].low == 60  # '60' in percent
    assert edges["PAYMONTESTPARENT0169->PAYMONTESTCHILD00228"].low == 100  # a branch is its head office
    assert len(edges) == 3  # fund manager, inactive and redundant ultimate parent not loaded
    assert any("read as a fraction" in w and "gleif_rr.xml:4" in w for w in graph.warnings)
    assert any("1 IS_FUND-MANAGED_BY" in w and "1 inactive" in w for w in graph.warnings)
    assert graph.node_of_lei("paymontestchild00131") == graph.node_of("PAYMONTESTCHILD00131")
    assert normalise_quantity(0.5, "PERCENTAGE") == (50.0, True)
    assert normalise_quantity(51.0, "PERCENTAGE") == (51.0, False)


def test_gleif_records_join_nodes_other_tables_gave_the_same_lei(own: Path) -> None:
    graph = load_ownership([own / "gleif_rr.xml", own / "shares.csv"], strict=False)
    hold = graph.node_of("hold")
    assert hold is not None and graph.node_of_lei("PAYMONTESTPARENT0169") == hold
    owned = {graph.node_id(graph.e_asset[e]) for e in graph.out_edges(hold)}
    assert owned == {"sl", "PAYMONTESTCHILD00131", "PAYMONTESTCHILD00228"}


def test_real_gleif_sample_loads(shared_data: Path) -> None:
    graph = load_ownership([shared_data / "ownership" / "gleif_rr_sample.xml"])
    assert graph.edge_count == 10
    assert any("9 IS_FUND-MANAGED_BY" in w for w in graph.warnings)
    assert {e.low for e in graph.edges()} == {0.0, 100.0}


def test_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(OwnershipLoadError, match="no such file"):
        load_ownership([tmp_path / "absent.csv"])


def test_parse_percentage_forms() -> None:
    assert parse_percentage("51%") == (51.0, 51.0, True)
    assert parse_percentage(" 33,33 % ") == (33.33, 33.33, True)
    assert parse_percentage("25-50%") == (25.0, 50.0, False)
    assert parse_percentage(">50%") == (50.0, 100.0, False)
    assert parse_percentage("") == (0.0, 100.0, False)
    with pytest.raises(PercentageError):
        parse_percentage("majority")
    assert render_stake(60, 60, True) == "60%"
    assert render_stake(50, 75, False) == ">50-75%"


edge_strategy = st.builds(
    OwnershipEdge,
    owner_id=st.text(min_size=1, max_size=12).filter(str.strip),
    asset_id=st.text(min_size=1, max_size=12).filter(str.strip),
    low=st.floats(0, 50),
    high=st.floats(50, 100),
    low_inclusive=st.booleans(),
    owner_name=st.text(max_size=20),
    asset_lei=st.none() | st.just("PAYMONTESTCHILD00131"),
)


@settings(max_examples=50, deadline=None)
@given(edge_strategy)
def test_edge_round_trips_through_topic_encoding(edge: OwnershipEdge) -> None:
    assert decode_edge(encode_edge(edge)) == edge
    assert edge.edge_id == f"{edge.owner_id}->{edge.asset_id}"


def test_decode_edge_rejects_bad_values() -> None:
    with pytest.raises(msgspec.ValidationError, match="low"):
        decode_edge(b'{"owner_id":"a","asset_id":"b","low":"x","high":1}')
    with pytest.raises(ValueError, match="0 <= low <= high <= 100"):
        decode_edge(b'{"owner_id":"a","asset_id":"b","low":60,"high":50}')
    with pytest.raises(ValueError, match="owner_id is empty"):
        decode_edge(b'{"owner_id":" ","asset_id":"b","low":1,"high":1}')


def test_folder_loads_every_recognised_file(own: Path) -> None:
    graph = load_ownership([own], strict=False)
    assert graph.edge_count == 4 + 3 + 3 + 4 + 3  # shares, bad_rows, ftm, psc, gleif
    with pytest.raises(OwnershipLoadError) as info:
        load_ownership([own])
    assert len(info.value.problems) == 3 + 1 + 1 + 1  # bad_rows, ftm, psc, gleif


def test_bulk_and_row_paths_read_the_same_edges(tmp_path: Path) -> None:
    header = "owner_id,owner_name,asset_id,asset_name,percentage\n"
    rows = " A1 , Alpha One ,B1,Beta One,60\nA2,Alpha Two, B1 ,Beta One,40\n"
    plain = tmp_path / "plain.csv"  # every row plain: the bulk path
    plain.write_text(header + rows)
    mixed = tmp_path / "mixed.csv"  # one '30%' row sends the block row by row
    mixed.write_text(header + rows + "A3,Alpha Three,B2,Beta Two,30%\n")
    bulk = {
        e.edge_id: (e.owner_name, e.low, e.source.rsplit(":", 1)[1]) for e in load_ownership([plain]).edges()
    }
    by_row = {
        e.edge_id: (e.owner_name, e.low, e.source.rsplit(":", 1)[1]) for e in load_ownership([mixed]).edges()
    }
    assert bulk == {"A1->B1": ("Alpha One", 60.0, "2"), "A2->B1": ("Alpha Two", 40.0, "3")}
    assert by_row == {**bulk, "A3->B2": ("Alpha Three", 30.0, "4")}
