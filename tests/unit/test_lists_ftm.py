"""OpenSanctions FollowTheMoney entities: the project's fixture (every property the loader reads)
and the real samples in ../shared (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.lists import ListLoadError, load_lists
from screening.model import Address, EntryType, Identifier, IdentifierScheme, Name, NameQuality


@pytest.fixture()
def ftm_file(fixtures_dir: Path) -> Path:
    return fixtures_dir / "lists" / "opensanctions-mini.ftm.json"


def test_sanctioned_things_become_entries_and_the_rest_do_not(ftm_file: Path) -> None:
    ls = load_lists([ftm_file])
    assert ls.sources == ["opensanctions-mini-2026-01-15"]
    assert set(ls.entries) == {
        "opensanctions:osx-quillfeather",
        "opensanctions:osx-merrow",
        "opensanctions:osx-vessel",
        "opensanctions:osx-plane",
        "opensanctions:osx-un-org",
        "opensanctions:osx-linked",  # target: true, linked to sanctions
    }  # not: counter-sanctions, a plain company, owned companies, addresses, sanctions
    assert ls.warnings == [f"{ftm_file}: Vessel osx-nameless has no name; not loaded"]
    kinds = {e.entry_id.split(":")[1]: e.entry_type for e in ls.entries.values()}
    assert kinds["osx-vessel"] is EntryType.VESSEL and kinds["osx-plane"] is EntryType.AIRCRAFT
    assert kinds["osx-linked"] is EntryType.ORGANISATION  # LegalEntity


def test_a_company_keeps_every_name_identifier_address_and_its_sanctions(ftm_file: Path) -> None:
    company = load_lists([ftm_file]).entries["opensanctions:osx-quillfeather"]
    assert company.primary_name == "Quillfeather Avionics JSC"
    assert company.aliases == (
        Name("АО Квиллфезер Авионика", NameQuality.STRONG),
        Name("Quillfeather Aero", NameQuality.STRONG),
        Name("Quillfeather Design Bureau", NameQuality.STRONG),  # previousName
        Name("QFA", NameQuality.WEAK),  # weakAlias
        Name("QAJ", NameQuality.WEAK),  # abbreviation
    )
    assert {(i.scheme, i.value) for i in company.identifiers} == {
        (IdentifierScheme.REGISTRATION, "1187746000111"),
        (IdentifierScheme.TAX, "7705000111"),
        (IdentifierScheme.LEI, "2534005QFA0000000070"),
        (IdentifierScheme.BIC, "QFAVRUMM"),
    }
    assert company.addresses == (Address("Leninsky Prospekt 30", "Moscow", "119334", "RU"),)
    assert company.countries == ("RU",)
    assert company.programs == ("EU-UKR", "GB-RUS")
    assert company.authorities == ("eu", "uk")
    assert company.datasets == ("eu_fsf", "gb_fcdo_sanctions")
    assert company.blocking


def test_a_person_keeps_dates_nationalities_and_passport_entities(ftm_file: Path) -> None:
    person = load_lists([ftm_file]).entries["opensanctions:osx-merrow"]
    assert person.entry_type is EntryType.PERSON
    assert Name("Iggy", NameQuality.WEAK) in person.aliases
    assert person.birth_dates == ("1969-08-02", "1970")
    assert person.countries == ("RU", "CY")
    assert person.identifiers == (Identifier(IdentifierScheme.PASSPORT, "751234567", "RU", "passport"),)
    assert person.authorities == ("ch_seco_sanctions",)
    # a programme named only by its legal text is cut to a readable length
    assert len(person.programs[0]) <= 80 and person.programs[0].startswith("Ordinance of 4 March 2022")


def test_authorities_come_from_datasets_without_sanction_entities_and_linked_targets_do_not_block(
    ftm_file: Path,
) -> None:
    entries = load_lists([ftm_file]).entries
    assert entries["opensanctions:osx-un-org"].authorities == ("un",)  # ext_gleif names no authority
    assert entries["opensanctions:osx-vessel"].authorities == ("ofac",)
    assert [(i.scheme, i.value) for i in entries["opensanctions:osx-vessel"].identifiers] == [
        (IdentifierScheme.IMO, "9411223")
    ]
    linked = entries["opensanctions:osx-linked"]
    assert not linked.blocking and linked.authority_codes() == ("opensanctions",)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (b'{"id": "x", "schema": "Person", "properties": {"name": "not a list"}}', r"Expected `array`"),
        (b'{"id": "x", "schema": "Person", "properties": {"name": ["A"]', r"not a FollowTheMoney entity"),
        (b'{"schema": "Person", "properties": {}}', r"missing required field `id`"),
    ],
)
def test_a_bad_line_is_refused_with_its_number(
    ftm_file: Path, tmp_path: Path, line: bytes, problem: str
) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_bytes(ftm_file.read_bytes() + line + b"\n")
    with pytest.raises(ListLoadError, match=rf"^{path}:25: .*{problem}"):
        load_lists([path])


def test_a_file_without_sanctioned_entities_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "entities.ftm.json"
    path.write_bytes(b'{"id": "a", "schema": "Company", "properties": {"name": ["Plain GmbH"]}}\n')
    with pytest.raises(ListLoadError, match="no sanctioned Person/Organization/Company/Vessel/Airplane"):
        load_lists([path])


@pytest.mark.shared
def test_the_zala_cluster_sample(shared_data: Path) -> None:
    ls = load_lists([shared_data / "lists" / "opensanctions" / "zala-cluster.ftm.json"])
    assert len(ls.entries) == 14  # the 14 targets; owned companies only in the registry are not entries
    cst = ls.entries["opensanctions:NK-abdzbEBkqyT29GyREbiURZ"]
    assert cst.primary_name == "LLC CST"
    assert Name("ZALA", NameQuality.WEAK) in cst.aliases
    assert {"eu", "uk", "ofac"} <= set(cst.authorities)
    assert "EU-UKR" in cst.programs and "GB-RUS" in cst.programs
    zakharov = ls.entries["opensanctions:NK-aU5ybkbRFJucf8YMwsJvDw"]
    assert zakharov.entry_type is EntryType.PERSON and zakharov.birth_dates == ("1965-09-21",)
    assert "eu_travel_bans" in zakharov.authorities  # an authority OpenSanctions knows, named by its dataset


@pytest.mark.shared
def test_the_eu_fsf_sample(shared_data: Path) -> None:
    ls = load_lists([shared_data / "lists" / "opensanctions" / "eu-fsf-sample.ftm.json"])
    assert len(ls.entries) == 6  # 4 Person, 2 Organization; the Address is not an entry
    assert all(e.authorities == ("eu",) and e.datasets == ("eu_fsf",) for e in ls.entries.values())
    assert any(i.scheme is IdentifierScheme.REGISTRATION for e in ls.entries.values() for i in e.identifiers)
