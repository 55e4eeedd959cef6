"""OFAC CSV folders on hand-written fixtures: entries, aliases, updates, cons, warnings, refusals."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from screening.lists import ListLoadError, load_lists
from screening.model import Address, EntryType, Identifier, IdentifierScheme, Name, NameQuality

S = IdentifierScheme


@pytest.fixture()
def lists_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "lists"


def test_sdn_folder_entries_types_programs_and_ids(lists_dir: Path) -> None:
    ls = load_lists([lists_dir / "ofac-mini"])
    assert ls.sources == ["ofac-mini"]
    assert set(ls.entries) == {f"ofac:{n}" for n in (1001, 1002, 1003, 1004, 1005, 1006)}
    bank = ls.entries["ofac:1001"]
    assert (bank.list_name, bank.entry_type, bank.primary_name) == (
        "ofac",
        EntryType.ORGANISATION,
        "EXAMPLE BANK OF TESTLAND",
    )
    assert bank.programs == ("RUSSIA-EO14024", "DPRK3")  # 'A] [B' is two programmes
    assert bank.blocking is True
    assert bank.list_version == "ofac-mini"
    assert ls.entries["ofac:1002"].entry_type is EntryType.PERSON
    assert ls.entries["ofac:1003"].entry_type is EntryType.VESSEL
    assert ls.entries["ofac:1005"].entry_type is EntryType.AIRCRAFT


def test_person_name_keeps_the_listed_last_first_text(lists_dir: Path) -> None:
    assert load_lists([lists_dir / "ofac-mini"]).entries["ofac:1002"].primary_name == "DOE, John"


def test_identifiers_and_remark_aliases_come_from_remarks(lists_dir: Path) -> None:
    bank = load_lists([lists_dir / "ofac-mini"]).entries["ofac:1001"]
    assert Identifier(S.BIC, "EXBKTL22", None, "SWIFT/BIC") in bank.identifiers
    assert Identifier(S.TAX, "7700000001", "RU", "Tax ID No.") in bank.identifiers
    assert Identifier(S.LEI, "5493001KJTIIGC8Y1R12", None, "Legal Entity Number") in bank.identifiers
    assert Name("EXBANK", NameQuality.STRONG) in bank.aliases
    assert Name("OLD EXAMPLE BANK", NameQuality.STRONG) in bank.aliases
    assert bank.linked_to == ("DOE, John",)


def test_alt_types_strong_and_weak(lists_dir: Path) -> None:
    ls = load_lists([lists_dir / "ofac-mini"])
    assert Name("EXAMPLE BANK JSC", NameQuality.STRONG) in ls.entries["ofac:1001"].aliases
    assert Name("EXB", NameQuality.WEAK) in ls.entries["ofac:1001"].aliases
    person = ls.entries["ofac:1002"]
    assert Name("DOE, Jonathan", NameQuality.STRONG) in person.aliases  # fka
    assert Name("SMITH, John", NameQuality.STRONG) in person.aliases  # nka


def test_person_facts_dob_nationality_documents_and_addresses(lists_dir: Path) -> None:
    person = load_lists([lists_dir / "ofac-mini"]).entries["ofac:1002"]
    assert person.birth_dates == ("1965-05-13", "1960", "1966-12", "1970", "1971", "1972")
    assert person.countries == ("RU", "IR", "UA")  # nationality, citizen, address in 'Region: Crimea'
    assert Identifier(S.PASSPORT, "A1234567", "RU", "Passport") in person.identifiers
    assert person.addresses == (Address(city="Springfield", country="UA"),)
    assert ("pob", "Springfield, Testland") in person.extra


def test_addresses_split_postcode_and_skip_all_empty_rows(lists_dir: Path) -> None:
    ls = load_lists([lists_dir / "ofac-mini"])
    assert ls.entries["ofac:1001"].addresses == (
        Address(street="1 Example Street", city="Moscow", postcode="101000", country="RU"),
    )
    assert ls.entries["ofac:1003"].addresses == ()


def test_vessel_imo_flag_and_vessel_columns(lists_dir: Path) -> None:
    vessel = load_lists([lists_dir / "ofac-mini"]).entries["ofac:1003"]
    assert Identifier(S.IMO, "9123456", None, "Vessel Registration Identification") in vessel.identifiers
    assert vessel.countries == ("MT",)
    assert ("call_sign", "9HA1234") in vessel.extra
    assert ("vessel_owner", "EXAMPLE SHIPPING CO") in vessel.extra


def test_sdn_comments_continue_the_cut_remarks(lists_dir: Path) -> None:
    holding = load_lists([lists_dir / "ofac-mini"]).entries["ofac:1004"]
    assert holding.linked_to == ("EXAMPLE SUBSIDIARY LLC",)  # 'SUBSIDI' + 'ARY LLC'
    assert Name("EXHOLD", NameQuality.STRONG) in holding.aliases
    assert Identifier(S.REGISTRATION, "HRA12345", "DE", "Registration Number") in holding.identifiers


def test_non_sdn_programme_alone_is_not_blocking(lists_dir: Path) -> None:
    assert load_lists([lists_dir / "ofac-mini"]).entries["ofac:1006"].blocking is False


def test_update_folder_replaces_entries_by_ent_num_and_keeps_earlier_alias_rows(lists_dir: Path) -> None:
    ls = load_lists([lists_dir / "ofac-mini", lists_dir / "ofac-mini-update"])
    bank = ls.entries["ofac:1001"]
    assert bank.primary_name == "EXAMPLE BANK OF TESTLAND PJSC"
    assert bank.programs == ("RUSSIA-EO14024",)
    assert bank.list_version == "ofac-mini-update"
    bics = [i.value for i in bank.identifiers if i.scheme is S.BIC]
    assert bics == ["EXBKTL33"]  # remarks replaced with the row, not merged
    names = {a.text for a in bank.aliases}
    assert {"EXAMPLE BANK JSC", "EXAMPLE BANK PJSC"} <= names  # alt rows of both folders
    assert "EXBANK" not in names  # came from the replaced remarks
    assert ls.entries["ofac:1010"].addresses == (Address(city="Dubai", country="AE"),)


def test_update_alt_rows_attach_to_entries_of_the_earlier_folder(lists_dir: Path) -> None:
    ls = load_lists([lists_dir / "ofac-mini", lists_dir / "ofac-mini-update"])
    person = ls.entries["ofac:1002"]
    assert Name("DOE, J.", NameQuality.STRONG) in person.aliases
    assert person.list_version == "ofac-mini"  # its primary row was not replaced


def test_alias_only_folder_attaches_rows_and_warns_about_unknown_ent_nums(lists_dir: Path) -> None:
    ls = load_lists([lists_dir / "ofac-mini", lists_dir / "ofac-mini-aliases"])
    vessel = ls.entries["ofac:1003"]
    assert Name("SEA STAR I", NameQuality.STRONG) in vessel.aliases
    assert Address(city="Valletta", country="MT") in vessel.addresses
    assert "ofac:9999" not in ls.entries and "ofac:9998" not in ls.entries
    alias_file = lists_dir / "ofac-mini-aliases" / "alt.csv"
    address_file = lists_dir / "ofac-mini-aliases" / "add.csv"
    assert ls.warnings == [
        f"{alias_file}:2: 2 alias rows for unknown ent_num 9999 skipped",
        f"{address_file}:1: address row for unknown ent_num 9998 skipped",
    ]


def test_alias_only_folder_first_attaches_nothing(lists_dir: Path) -> None:
    ls = load_lists([lists_dir / "ofac-mini-aliases", lists_dir / "ofac-mini"])
    assert "SEA STAR I" not in {a.text for a in ls.entries["ofac:1003"].aliases}
    assert len(ls.warnings) == 4  # 1003 and 9999 aliases, 9998 and 1003 addresses


def test_consolidated_non_sdn_entries_are_not_blocking(lists_dir: Path) -> None:
    ls = load_lists([lists_dir / "ofac-mini-cons"])
    central = ls.entries["ofac:2001"]
    assert central.blocking is False
    assert Identifier(S.BIC, "CBTLTL2X", None, "SWIFT/BIC") in central.identifiers
    assert Name("BANK OF TESTLAND", NameQuality.STRONG) in central.aliases
    assert Name("CBT", NameQuality.STRONG) in central.aliases  # from cons_comments.csv
    assert ls.entries["ofac:2002"].birth_dates == ("1962",)


@pytest.mark.parametrize("order", [("ofac-mini", "ofac-mini-cons"), ("ofac-mini-cons", "ofac-mini")])
def test_entry_on_both_sdn_and_non_sdn_lists_stays_blocking_with_both_programmes(
    lists_dir: Path, order: tuple[str, str]
) -> None:
    bank = load_lists([lists_dir / name for name in order]).entries["ofac:1001"]
    assert bank.blocking is True
    assert bank.primary_name == "EXAMPLE BANK OF TESTLAND"
    assert set(bank.programs) == {"RUSSIA-EO14024", "DPRK3", "UKRAINE-EO13662"}


def _copy(lists_dir: Path, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(lists_dir / name, target)
    return target


def test_truncated_alt_file_refuses_the_whole_load(lists_dir: Path, tmp_path: Path) -> None:
    folder = _copy(lists_dir, tmp_path, "ofac-mini")
    alt = folder / "alt.csv"
    alt.write_bytes(alt.read_bytes()[:60])  # cut inside the second row
    with pytest.raises(ListLoadError) as err:
        load_lists([folder])
    assert str(err.value).startswith(f"{alt}:2: ")


def test_wrong_column_count_in_sdn_names_file_and_line(lists_dir: Path, tmp_path: Path) -> None:
    folder = _copy(lists_dir, tmp_path, "ofac-mini")
    sdn = folder / "sdn.csv"
    lines = sdn.read_bytes().split(b"\r\n")
    lines[1] = lines[1].replace(b",-0- ,-0- ,", b",-0- ,", 1)
    sdn.write_bytes(b"\r\n".join(lines))
    with pytest.raises(ListLoadError, match=r"sdn\.csv:2: expected 12 columns, found 11$"):
        load_lists([folder])


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (b'x1,"A",-0- ,"P",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ', "ent_num must be a number, found 'x1'"),
        (b'7,-0- ,-0- ,"P",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ', "SDN_Name is empty"),
        (b'7,"A","robot","P",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ', "unknown SDN_Type 'robot'"),
        (
            b'1001,"A",-0- ,"P",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ',
            "duplicate ent_num 1001 (first on line 1)",
        ),
    ],
)
def test_invalid_primary_rows_are_refused(lists_dir: Path, tmp_path: Path, row: bytes, problem: str) -> None:
    folder = _copy(lists_dir, tmp_path, "ofac-mini")
    sdn = folder / "sdn.csv"
    sdn.write_bytes(sdn.read_bytes().replace(b"\x1a", row + b"\r\n\x1a"))
    with pytest.raises(ListLoadError) as err:
        load_lists([folder])
    assert str(err.value) == f"{sdn}:7: {problem}"


def test_unknown_alt_type_is_refused(lists_dir: Path, tmp_path: Path) -> None:
    folder = _copy(lists_dir, tmp_path, "ofac-mini")
    alt = folder / "alt.csv"
    alt.write_bytes(alt.read_bytes().replace(b'"nka"', b'"maybe"'))
    with pytest.raises(ListLoadError, match=r"alt\.csv:4: unknown alt_type 'maybe'$"):
        load_lists([folder])


def test_comment_for_an_entry_not_in_its_folder_is_reported(lists_dir: Path, tmp_path: Path) -> None:
    folder = _copy(lists_dir, tmp_path, "ofac-mini")
    comments = folder / "sdn_comments.csv"
    comments.write_bytes(comments.read_bytes().replace(b"\x1a", b'4242,"more text."\r\n\x1a'))
    ls = load_lists([folder])
    assert ls.warnings == [f"{comments}:2: comment for unknown ent_num 4242 skipped"]


def test_folder_holding_both_sdn_and_consolidated_files_loads_both(lists_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ofac-all"
    folder.mkdir()
    for name in ("ofac-mini", "ofac-mini-cons"):
        for file in (lists_dir / name).iterdir():
            shutil.copy(file, folder / file.name)
    ls = load_lists([folder])
    assert ls.sources == ["ofac-all"]
    assert ls.entries["ofac:2001"].blocking is False
    assert ls.entries["ofac:1001"].blocking is True
    assert set(ls.entries["ofac:1001"].programs) == {"RUSSIA-EO14024", "DPRK3", "UKRAINE-EO13662"}
    assert ls.warnings == []


def test_empty_primary_file_is_refused(lists_dir: Path, tmp_path: Path) -> None:
    folder = _copy(lists_dir, tmp_path, "ofac-mini-cons")
    (folder / "cons_prim.csv").write_bytes(b"")
    with pytest.raises(ListLoadError, match=r"cons_prim\.csv: no entries: the file is empty"):
        load_lists([folder])


def test_remarks_cut_at_1000_characters_without_continuation_are_reported(
    lists_dir: Path, tmp_path: Path
) -> None:
    folder = _copy(lists_dir, tmp_path, "ofac-mini")
    (folder / "sdn_comments.csv").unlink()
    sdn = folder / "sdn.csv"
    long_remarks = ("Website www.example.test; " * 40)[:990] + "; Tax ID No. 77"
    row = f'1007,"CUT CO",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"{long_remarks}"'.encode()
    sdn.write_bytes(sdn.read_bytes().replace(b"\x1a", row + b"\r\n\x1a"))
    ls = load_lists([folder])
    assert ls.entries["ofac:1007"].identifiers == ()
    assert ls.warnings == [
        f"{sdn}:7: Remarks of ent_num 1007 cut at {len(long_remarks)} characters with no comments-file "
        "continuation; its last statement is ignored"
    ]
    assert ls.entries["ofac:1004"].linked_to == ("EXAMPLE SUBSIDI",)  # short Remarks are not 'cut'
