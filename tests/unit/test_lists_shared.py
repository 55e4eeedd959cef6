"""The loaders on the real published lists in ../shared (skipped when that folder is absent)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from screening.lists import ListSet, decode_entry, encode_entry, load_lists
from screening.model import EntryType, IdentifierScheme, NameQuality

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def current(shared_data: Path) -> ListSet:
    """The set the screening engine runs on: SDN May 2024, Dec 2025 aliases, Sept 2024 update, UN 2026."""
    lists = shared_data / "lists"
    return load_lists(
        [
            lists / "ofac-sdn-2024-05-03",
            lists / "ofac-aliases-2025-12",
            lists / "ofac-sdn-2024-09-update",
            lists / "un" / "consolidated-2026-02-27.xml",
        ]
    )


@pytest.fixture(scope="module")
def older(shared_data: Path) -> ListSet:
    lists = shared_data / "lists"
    return load_lists([lists / "ofac-sdn-2021-07", lists / "ofac-cons-2025-12"])


def _bics(ls: ListSet, entry_id: str) -> set[str]:
    return {i.value for i in ls.entries[entry_id].identifiers if i.scheme is IdentifierScheme.BIC}


def test_sdn_2024_05_03_has_every_published_entry(shared_data: Path) -> None:
    ls = load_lists([shared_data / "lists" / "ofac-sdn-2024-05-03"])
    assert len(ls.entries) == 14_965  # the README's count for this file
    assert all(e.blocking for e in ls.entries.values() if "NS-PLC" not in e.programs)
    types = Counter(e.entry_type for e in ls.entries.values())
    assert types[EntryType.VESSEL] == 851 and types[EntryType.AIRCRAFT] == 376
    # No alt.csv for this date: aliases stand in Remarks.
    assert "BNC" in {a.text for a in ls.entries["ofac:306"].aliases}


def test_update_replaces_tsmrbank_and_adds_the_september_2024_designations(current: ListSet) -> None:
    tsmr = current.entries["ofac:22488"]
    assert tsmr.primary_name == "TSMRBANK, OOO"
    assert tsmr.programs == ("UKRAINE-EO13660", "DPRK3", "RUSSIA-EO14024")  # May 2024 had only the first
    assert tsmr.list_version == "ofac-sdn-2024-09-update"
    assert ("044525059", "RU") in {(i.value, i.country) for i in tsmr.identifiers if i.label == "BIK (RU)"}
    mrb = current.entries["ofac:50604"]
    assert mrb.primary_name == "MRB BANK"
    assert "INTERNATIONAL SETTLEMENT BANK LLC" in {a.text for a in mrb.aliases}
    assert ("1159800030409", "RU") in {(i.value, i.country) for i in mrb.identifiers}
    assert _bics(current, "ofac:50610") == {"TIMERU2K"}  # TIMER BANK


def test_russian_financial_corporation_has_its_bic_from_remarks(current: ListSet) -> None:
    rfc = current.entries["ofac:24026"]
    assert rfc.primary_name == "RUSSIAN FINANCIAL CORPORATION"
    assert _bics(current, "ofac:24026") == {"RFCBRUMM"}
    assert "RFC-BANK" in {a.text for a in rfc.aliases}


def test_dandong_zhongsheng_is_present_with_update_aliases_and_address(current: ListSet) -> None:
    dandong = current.entries["ofac:24518"]
    assert dandong.primary_name == "DANDONG ZHONGSHENG INDUSTRY & TRADE CO., LTD."
    assert "DANDONG ZHONGSHONG INDUSTRY & TRADE" in {a.text for a in dandong.aliases}
    assert "CN" in dandong.countries


def test_december_2025_aliases_attach_and_unknown_ent_nums_are_reported(current: ListSet) -> None:
    assert "NATIONAL BANK OF CUBA" in {a.text for a in current.entries["ofac:306"].aliases}
    unknown = [w for w in current.warnings if "for unknown ent_num" in w]
    assert unknown and all("ofac-aliases-2025-12" in w for w in unknown)
    # 18 Remarks in the May 2024 file stop at the 1,000-character cut (no sdn_comments.csv).
    cut = [w for w in current.warnings if "cut at" in w]
    assert len(cut) == 18 and all("ofac-sdn-2024-05-03" in w for w in cut)
    assert len(unknown) + len(cut) == len(current.warnings)


def test_un_2026_counts_and_alias_qualities(current: ListSet) -> None:
    un = [e for e in current.entries.values() if e.list_name == "un"]
    types = Counter(e.entry_type for e in un)
    assert (types[EntryType.PERSON], types[EntryType.ORGANISATION]) == (730, 273)  # README counts
    qualities = Counter(a.quality for e in un for a in e.aliases)
    assert qualities[NameQuality.WEAK] > 500 and qualities[NameQuality.STRONG] > 2000
    assert current.sources[-1] == "un-2026-02-27"


def test_the_full_set_is_about_39000_names_and_round_trips_as_records(current: ListSet) -> None:
    names = sum(len(e.names()) for e in current.entries.values())
    assert 35_000 < names < 45_000
    assert all(decode_entry(encode_entry(e)) == e for e in current.entries.values())


def test_central_bank_of_russia_in_cons_is_not_blocking(older: ListSet) -> None:
    cbr = older.entries["ofac:31695"]
    assert cbr.primary_name == "CENTRAL BANK OF THE RUSSIAN FEDERATION"
    assert cbr.blocking is False
    assert _bics(older, "ofac:31695") == {"CBRFRUMM"}


def test_sdn_comments_continue_remarks_of_2021_entries(older: ListSet) -> None:
    cifuentes = older.entries["ofac:12300"]
    assert "PROMO RAIZ S.A.S." in cifuentes.linked_to  # 'PROMO RAI' + 'Z S.A.S.' from sdn_comments.csv
    assert cifuentes.birth_dates[:3] == ("1965-05-13", "1968-04-13", "1964-07-07")


def test_un_2018_list_loads(shared_data: Path) -> None:
    ls = load_lists([shared_data / "lists" / "un" / "consolidated-2018-10-29.xml"])
    assert ls.sources == ["un-2018-10-29"]
    assert len(ls.entries) > 1000
