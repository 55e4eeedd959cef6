"""UK Sanctions List (FCDO) XML on the project's fixture: names 1-6 and name types, regimes,
entity types, identifiers, partial dates, and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.lists import ListLoadError, load_lists
from screening.model import Address, EntryType, Identifier, IdentifierScheme, Name, NameQuality


@pytest.fixture()
def uk_file(fixtures_dir: Path) -> Path:
    return fixtures_dir / "lists" / "uk-sanctions-mini.xml"


def test_every_designation_loads_with_unique_id_and_date_generated(uk_file: Path) -> None:
    ls = load_lists([uk_file])
    assert ls.sources == ["uk-2026-02-27"]
    assert len(ls.entries) == 30
    assert all(e.list_name == "uk" and e.list_version == "uk-2026-02-27" for e in ls.entries.values())
    assert {e.entry_type for e in ls.entries.values()} == {
        EntryType.PERSON,
        EntryType.ORGANISATION,
        EntryType.VESSEL,
    }


def test_name_types_and_alias_strength(uk_file: Path) -> None:
    person = load_lists([uk_file]).entries["uk:RUS9001"]
    assert person.primary_name == "Thaddeus Ilyich OGUNWALE-MARSH"  # Name1, Name2, Name6 of 'Primary Name'
    assert person.aliases == (
        Name("Tadeusz Ogunwale Marsh", NameQuality.STRONG),  # 'Primary Name Variation'
        Name("Ted Marsh", NameQuality.STRONG),  # 'Alias', good quality
        Name("The Broker", NameQuality.WEAK),  # 'Alias', low quality
        Name("Таддеус Огунвале-Марш", NameQuality.STRONG),  # NonLatinName
    )
    assert person.programs == ("Russia",)


def test_individual_details(uk_file: Path) -> None:
    person = load_lists([uk_file]).entries["uk:RUS9001"]
    assert person.birth_dates == ("1970-05-14",)
    assert person.countries == ("RU", "NG")
    assert person.identifiers == (
        Identifier(IdentifierScheme.PASSPORT, "7512009988", None, "Passport"),
        Identifier(IdentifierScheme.NATIONAL_ID, "771234567890", None, "National Identifier"),
    )
    assert person.addresses == (Address("Flat 4, 12 Tverskaya Street", "Moscow", "125009", "RU"),)
    assert ("OFSIGroupID", "15001") in person.extra and ("pob", "Lagos, Nigeria") in person.extra
    assert person.remarks == "Also known as a financier of the shipping network."


def test_entity_and_ship_details(uk_file: Path) -> None:
    entries = load_lists([uk_file]).entries
    company = entries["uk:RUS9002"]
    assert company.entry_type is EntryType.ORGANISATION
    assert [(i.scheme, i.value) for i in company.identifiers] == [
        (IdentifierScheme.REGISTRATION, "1162375031221")
    ]
    assert company.linked_to == ("Ogunwale Holdings",)
    assert company.countries == ("RU", "AE")
    ship = entries["uk:RUS9003"]
    assert ship.entry_type is EntryType.VESSEL
    assert [(i.scheme, i.value) for i in ship.identifiers] == [(IdentifierScheme.IMO, "9321456")]
    assert ship.countries == ("CM",)  # the believed flag
    assert ("SanctionsImposed", "Ship specification|Port entry prohibition") in ship.extra


@pytest.mark.parametrize(
    ("entry_id", "dates"),
    [
        ("uk:AFG9004", ("1963", "1965")),  # 'dd/mm/1963' and a bare year
        ("uk:DPR9005", ("1974-04",)),  # '00/04/1974'
    ],
)
def test_partial_birth_dates(uk_file: Path, entry_id: str, dates: tuple[str, ...]) -> None:
    assert load_lists([uk_file]).entries[entry_id].birth_dates == dates


def _broken(uk_file: Path, tmp_path: Path, old: bytes, new: bytes) -> Path:
    raw = uk_file.read_bytes()
    assert old in raw
    path = tmp_path / "uk.xml"
    path.write_bytes(raw.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (b"<UniqueID>RUS9002</UniqueID>", b"", "Designation without UniqueID"),
        (b"<UniqueID>RUS9002</UniqueID>", b"<UniqueID>RUS9001</UniqueID>", "duplicate UniqueID RUS9001"),
        (
            b"<IndividualEntityShip>Ship</IndividualEntityShip>",
            b"<IndividualEntityShip>Aircraft</IndividualEntityShip>",
            "Designation RUS9003: unknown IndividualEntityShip 'Aircraft'",
        ),
        (
            b"<NameType>Alias</NameType><AliasStrength>Good quality",
            b"<NameType>Nickname</NameType><AliasStrength>Good quality",
            "Designation RUS9001: unknown NameType 'nickname'",
        ),
        (b"<Name><Name1>Kim</Name1><Name6>Chol Su</Name6>", b"<Name>", "Designation DPR9005 has no name"),
        (
            b"<DateGenerated>27/02/2026</DateGenerated>",
            b"<DateGenerated>yesterday</DateGenerated>",
            "DateGenerated 'yesterday' is not a date",
        ),
    ],
)
def test_broken_designations_are_refused_naming_the_line(
    uk_file: Path, tmp_path: Path, old: bytes, new: bytes, problem: str
) -> None:
    path = _broken(uk_file, tmp_path, old, new)
    with pytest.raises(ListLoadError, match=rf"^{path}:\d+: {problem}"):
        load_lists([path])


def test_truncated_file_and_missing_date_are_refused(uk_file: Path, tmp_path: Path) -> None:
    raw = uk_file.read_bytes()
    path = tmp_path / "uk.xml"
    path.write_bytes(raw[: len(raw) * 2 // 3])
    with pytest.raises(ListLoadError, match=rf"^{path}:\d+: malformed XML \(truncated\?\)"):
        load_lists([path])
    undated = _broken(uk_file, tmp_path, b"<DateGenerated>27/02/2026</DateGenerated>", b"")
    with pytest.raises(ListLoadError, match="no DateGenerated element"):
        load_lists([undated])
