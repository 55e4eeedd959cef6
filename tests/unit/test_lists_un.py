"""UN consolidated XML on a hand-written fixture: names, alias quality, DOB kinds, documents, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.lists import ListLoadError, load_lists
from screening.model import Address, EntryType, Identifier, IdentifierScheme, Name, NameQuality


@pytest.fixture()
def un_file(fixtures_dir: Path) -> Path:
    return fixtures_dir / "lists" / "un-mini.xml"


def test_individuals_and_entities_with_reference_ids_and_version(un_file: Path) -> None:
    ls = load_lists([un_file])
    assert ls.sources == ["un-2025-01-15"]
    assert set(ls.entries) == {"un:KPi.901", "un:QDi.902", "un:KPe.903", "un:QDe.904"}
    person = ls.entries["un:KPi.901"]
    assert (person.list_name, person.entry_type, person.primary_name) == (
        "un",
        EntryType.PERSON,
        "IVAN PETROVICH EXAMPLOV",
    )
    assert person.programs == ("DPRK",)
    assert person.list_version == "un-2025-01-15"
    assert ls.entries["un:KPe.903"].entry_type is EntryType.ORGANISATION


def test_alias_quality_good_and_aka_are_strong_low_is_weak_and_empty_aliases_skipped(un_file: Path) -> None:
    person = load_lists([un_file]).entries["un:KPi.901"]
    assert person.aliases == (
        Name("Иван Петрович Экзамплов", NameQuality.STRONG),
        Name("Ivan Examplov", NameQuality.STRONG),
        Name("Vanya", NameQuality.WEAK),
        Name("Ivan P. Examploff", NameQuality.STRONG),
        Name("Ivan Ekzamplov", NameQuality.STRONG),  # 'A; B' in one alias field is two names
        Name("Iwan Examplow", NameQuality.STRONG),
    )


def test_entity_listing_two_names_keeps_the_listed_text_and_each_name(un_file: Path) -> None:
    entity = load_lists([un_file]).entries["un:KPe.903"]
    assert entity.primary_name == "EXAMPLE TRADING CORPORATION (ETC) ; EXAMPLE EXPORT COMPANY (EEC)"
    assert entity.aliases == (
        Name("EXAMPLE TRADING CORPORATION (ETC)", NameQuality.STRONG),
        Name("EXAMPLE EXPORT COMPANY (EEC)", NameQuality.STRONG),
        Name("EXTRACO", NameQuality.STRONG),
        Name("OLD EXAMPLE TRADING", NameQuality.STRONG),
        Name("مؤسسة التجارة", NameQuality.STRONG),  # 'X (A; B)': a name and its transliterations
        Name("Muassasat al-Tijara", NameQuality.STRONG),
        Name("Muasasat al Tijarah", NameQuality.STRONG),
    )


def test_dob_exact_approximately_and_between(un_file: Path) -> None:
    ls = load_lists([un_file])
    assert ls.entries["un:KPi.901"].birth_dates == ("1970-03-04", "1969")
    assert ls.entries["un:QDi.902"].birth_dates == ("1975", "1976", "1977")


def test_nationalities_documents_and_addresses(un_file: Path) -> None:
    ls = load_lists([un_file])
    person = ls.entries["un:KPi.901"]
    assert person.countries == ("RU", "KP")
    assert person.identifiers == (
        Identifier(IdentifierScheme.PASSPORT, "721234567", "RU", "Passport"),
        Identifier(IdentifierScheme.NATIONAL_ID, "4500123456", None, "National Identification Number"),
    )
    assert person.addresses == (Address(street="5 Test Prospekt", city="Vladivostok", country="RU"),)
    assert ("pob", "Khabarovsk, Russian Federation") in person.extra
    french_passport = ls.entries["un:QDi.902"].identifiers
    assert french_passport == (Identifier(IdentifierScheme.PASSPORT, "N009876", "SY", "Numéro de passeport"),)
    entity = ls.entries["un:KPe.903"]
    assert entity.addresses[1] == Address(city="Dubai", postcode="12345", country="AE")
    assert entity.countries == ("KP", "AE")
    assert ls.entries["un:QDe.904"].addresses == ()


def test_truncated_xml_is_refused_with_file_and_line(un_file: Path, tmp_path: Path) -> None:
    cut = tmp_path / "un-cut.xml"
    cut.write_bytes(un_file.read_bytes()[:3000])
    with pytest.raises(ListLoadError, match=rf"^{cut}:\d+: malformed XML"):
        load_lists([cut])


def test_record_without_reference_number_is_refused(un_file: Path, tmp_path: Path) -> None:
    broken = tmp_path / "un-broken.xml"
    broken.write_text(
        un_file.read_text(encoding="utf-8").replace("<REFERENCE_NUMBER>QDi.902</REFERENCE_NUMBER>", "")
    )
    with pytest.raises(ListLoadError, match=rf"^{broken}:\d+: INDIVIDUAL without REFERENCE_NUMBER$"):
        load_lists([broken])


def test_duplicate_reference_number_is_refused(un_file: Path, tmp_path: Path) -> None:
    broken = tmp_path / "un-dup.xml"
    broken.write_text(un_file.read_text(encoding="utf-8").replace("QDi.902", "KPi.901"))
    with pytest.raises(ListLoadError, match=r"duplicate REFERENCE_NUMBER KPi\.901$"):
        load_lists([broken])


def test_missing_date_generated_is_refused(un_file: Path, tmp_path: Path) -> None:
    broken = tmp_path / "un-nodate.xml"
    broken.write_text(
        un_file.read_text(encoding="utf-8").replace('dateGenerated="2025-01-15T00:00:09.554Z"', "")
    )
    with pytest.raises(ListLoadError, match=r"root has no dateGenerated attribute$"):
        load_lists([broken])


def test_list_without_records_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "un-empty.xml"
    empty.write_text(
        '<CONSOLIDATED_LIST dateGenerated="2025-01-01T00:00:00Z">'
        "<INDIVIDUALS/><ENTITIES/></CONSOLIDATED_LIST>"
    )
    with pytest.raises(ListLoadError, match=r"no INDIVIDUAL or ENTITY records"):
        load_lists([empty])
