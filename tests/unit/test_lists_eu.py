"""EU Financial Sanctions Files XML on the project's fixture: every element and quirk, and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from screening.lists import ListLoadError, load_lists
from screening.model import Address, EntryType, Identifier, IdentifierScheme, Name, NameQuality


@pytest.fixture()
def eu_file(fixtures_dir: Path) -> Path:
    return fixtures_dir / "lists" / "eu-fsf-mini.xml"


def test_every_sanction_entity_loads_with_logical_id_and_generation_date(eu_file: Path) -> None:
    ls = load_lists([eu_file])
    assert ls.sources == ["eu-2026-02-20"]
    assert len(ls.entries) == 30
    assert all(key.startswith("eu:13") and e.list_name == "eu" for key, e in ls.entries.items())
    assert all(
        e.list_version == "eu-2026-02-20" and e.authority_codes() == ("eu",) for e in ls.entries.values()
    )


def test_a_person_keeps_every_name_language_date_document_and_address(eu_file: Path) -> None:
    person = load_lists([eu_file]).entries["eu:130001"]
    assert (person.entry_type, person.primary_name) == (EntryType.PERSON, "Kasimir Aleksandrovich DROZDOVSKY")
    assert person.aliases == (
        Name("Казимир Александрович Дроздовский", NameQuality.STRONG),
        Name("Kazimierz Drozdowski", NameQuality.STRONG),
        Name("Kasi", NameQuality.WEAK),  # strong="false": the EU's own weak mark
    )
    assert person.programs == ("UKR",)  # two regulations of the same programme, once
    assert person.birth_dates == ("1961-03-14",)
    assert person.countries == ("RU",)
    assert Identifier(IdentifierScheme.PASSPORT, "724455190", "RU", "National passport") in person.identifiers
    # the number as written and its latin transcription are both identifiers
    assert {i.value for i in person.identifiers if i.scheme is IdentifierScheme.NATIONAL_ID} == {
        "ИН4455",
        "IN4455",
    }
    assert person.addresses == (Address("Nevsky Prospekt 12", "Saint Petersburg", "191186", "RU"),)
    assert ("euReferenceNumber", "EU.9001.11") in person.extra
    assert ("name_ru", "Казимир Александрович Дроздовский") in person.extra
    assert ("function", "Chairman of the Board of Veltrami Bank") in person.extra
    assert person.remarks == "Date of listing: 23.2.2022."


def test_an_enterprise_keeps_its_registration_bic_tax_number_and_addresses(eu_file: Path) -> None:
    company = load_lists([eu_file]).entries["eu:130002"]
    assert company.entry_type is EntryType.ORGANISATION
    assert {(i.scheme, i.value) for i in company.identifiers} == {
        (IdentifierScheme.REGISTRATION, "1027700132195"),
        (IdentifierScheme.BIC, "VELTRUMMXXX"),
        (IdentifierScheme.TAX, "7702070139"),
    }
    assert Name("OVH Group", NameQuality.WEAK) in company.aliases
    assert company.countries == ("RU", "CY")  # from the addresses
    assert company.addresses[1] == Address("PO Box 5512", "Limassol", "", "CY")


@pytest.mark.parametrize(
    ("entry_id", "dates"),
    [
        ("eu:130003", ("1968",)),  # a year only
        ("eu:130004", ("1975-07",)),  # month and year, circa
        ("eu:130005", ("1958", "1959", "1960", "1961", "1962")),  # yearRangeFrom/To
    ],
)
def test_partial_birth_dates(eu_file: Path, entry_id: str, dates: tuple[str, ...]) -> None:
    assert load_lists([eu_file]).entries[entry_id].birth_dates == dates


def test_quirks_unknown_country_parts_only_names_and_a_weak_first_alias(eu_file: Path) -> None:
    entries = load_lists([eu_file]).entries
    assert entries["eu:130003"].countries == ()  # countryIso2Code "00" is the EU's unknown
    assert ("unitedNationId", "QDi.901") in entries["eu:130003"].extra
    assert entries["eu:130006"].primary_name == "Ales Piatrovich KAVALIOU"  # no wholeName: the parts
    assert entries["eu:130007"].primary_name == "Kaveh Sahand Logistics Company"  # first strong alias
    assert entries["eu:130007"].aliases == (Name("KSL", NameQuality.WEAK),)
    assert [i.value for i in entries["eu:130008"].identifiers] == ["KP2201"]  # only a latinNumber


def _broken(eu_file: Path, tmp_path: Path, old: bytes, new: bytes) -> Path:
    raw = eu_file.read_bytes()
    assert old in raw
    path = tmp_path / "eu.xml"
    path.write_bytes(raw.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            b'euReferenceNumber="EU.9002.22" logicalId="130002"',
            b'euReferenceNumber="EU.9002.22"',
            "sanctionEntity without logicalId",
        ),
        (b'logicalId="130002"', b'logicalId="130001"', "duplicate logicalId 130001"),
        (
            b'subjectType code="enterprise" classificationCode="E"',
            b'subjectType code="vessel" classificationCode="V"',
            "sanctionEntity 130002: unknown subjectType 'vessel'",
        ),
        (b'generationDate="2026-02-20T17:05:11.493+01:00" ', b"", "root has no generationDate attribute"),
    ],
)
def test_broken_entities_are_refused_naming_the_line(
    eu_file: Path, tmp_path: Path, old: bytes, new: bytes, problem: str
) -> None:
    path = _broken(eu_file, tmp_path, old, new)
    with pytest.raises(ListLoadError, match=rf"^{path}:\d+: {problem}"):
        load_lists([path])


def test_a_blank_alias_is_skipped_and_the_next_strong_one_is_primary(eu_file: Path, tmp_path: Path) -> None:
    path = _broken(eu_file, tmp_path, b'wholeName="Orlando Veltrami Holdings"', b'wholeName=""')
    assert load_lists([path]).entries["eu:130002"].primary_name == "Холдинг Орландо Велтрами"


def test_an_entity_without_any_name_is_refused(eu_file: Path, tmp_path: Path) -> None:
    path = _broken(eu_file, tmp_path, b'wholeName="Nadim Haddad el-Khoury"', b'wholeName=""')
    with pytest.raises(
        ListLoadError, match=rf"^{path}:\d+: sanctionEntity 130004 has no nameAlias with a name"
    ):
        load_lists([path])


def test_truncated_file_is_refused_with_its_line(eu_file: Path, tmp_path: Path) -> None:
    raw = eu_file.read_bytes()
    path = tmp_path / "eu.xml"
    path.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(ListLoadError, match=rf"^{path}:\d+: malformed XML \(truncated\?\)"):
        load_lists([path])


def test_another_namespace_is_not_taken_for_the_eu_format(eu_file: Path, tmp_path: Path) -> None:
    path = _broken(eu_file, tmp_path, b"http://eu.europa.ec/fpi/fsd/export", b"http://example.org/other")
    with pytest.raises(ListLoadError, match=r"XML with root <export> is not a list format"):
        load_lists([path])
