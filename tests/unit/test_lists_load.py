"""`load_lists`: format detection by content, update order across formats, version, refusals."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from screening.lists import ListLoadError, ListSet, encode_entry, load_lists
from screening.model import EntryType, ListEntry


@pytest.fixture()
def lists_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "lists"


def test_every_format_is_recognised_by_content_not_by_name(lists_dir: Path, tmp_path: Path) -> None:
    un_renamed = tmp_path / "un-list.data"
    shutil.copy(lists_dir / "un-mini.xml", un_renamed)
    jsonl_renamed = tmp_path / "mine.json"
    shutil.copy(lists_dir / "entries.jsonl", jsonl_renamed)
    ls = load_lists([lists_dir / "ofac-mini", lists_dir / "ofac-mini-cons", un_renamed, jsonl_renamed])
    assert ls.sources == ["ofac-mini", "ofac-mini-cons", "un-2025-01-15", "mine"]
    assert {"ofac:1001", "ofac:2001", "un:KPi.901", "internal:42"} <= set(ls.entries)


def test_version_is_stable_for_the_same_input_and_changes_with_content(
    lists_dir: Path, tmp_path: Path
) -> None:
    first = load_lists([lists_dir / "ofac-mini", lists_dir / "un-mini.xml"])
    again = load_lists([str(lists_dir / "ofac-mini"), str(lists_dir / "un-mini.xml")])
    assert first.version == again.version
    assert first.version.startswith("ofac-mini+un-2025-01-15@")
    assert len(first.version.split("@")[1]) == 12
    changed = tmp_path / "ofac-mini"
    shutil.copytree(lists_dir / "ofac-mini", changed)
    (changed / "alt.csv").write_bytes(
        (changed / "alt.csv").read_bytes().replace(b"EXAMPLE BANK JSC", b"EXAMPLE BANK AO")
    )
    assert load_lists([changed, lists_dir / "un-mini.xml"]).version != first.version


def test_later_sources_replace_earlier_entries_by_id_across_formats(lists_dir: Path, tmp_path: Path) -> None:
    override = ListEntry(
        entry_id="ofac:1001", list_name="ofac", entry_type=EntryType.ORGANISATION, primary_name="RENAMED BANK"
    )
    patch = tmp_path / "patch.jsonl"
    patch.write_bytes(encode_entry(override) + b"\n")
    ls = load_lists([lists_dir / "ofac-mini", patch])
    assert ls.entries["ofac:1001"] == override
    # ...and an OFAC folder loaded after the JSONL file wins again for what it touches.
    ls = load_lists([lists_dir / "ofac-mini", patch, lists_dir / "ofac-mini-update"])
    assert ls.entries["ofac:1001"].primary_name == "EXAMPLE BANK OF TESTLAND PJSC"


def test_list_set_shape(lists_dir: Path) -> None:
    ls = load_lists([lists_dir / "ofac-mini"])
    assert isinstance(ls, ListSet)
    assert all(key == entry.entry_id for key, entry in ls.entries.items())
    assert ls.warnings == []


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "file is empty"),
        (b'<?xml version="1.0"?>\n<sdnList></sdnList>', "XML with root <sdnList> is not a list format"),
        (b"name,country\nACME,RU\n", "unrecognised list format"),
    ],
)
def test_unrecognised_files_are_refused(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "list.bin"
    path.write_bytes(content)
    with pytest.raises(ListLoadError, match=rf"^{path}(:\d+)?: {problem}"):
        load_lists([path])


def test_a_single_ofac_csv_file_is_refused_with_advice(lists_dir: Path) -> None:
    with pytest.raises(ListLoadError, match="pass the folder holding it"):
        load_lists([lists_dir / "ofac-mini" / "sdn.csv"])


def test_missing_path_and_foreign_folder_and_no_paths_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ListLoadError, match="cannot read"):
        load_lists([tmp_path / "absent.xml"])
    with pytest.raises(ListLoadError, match="folder holds no OFAC CSV list"):
        load_lists([tmp_path])
    with pytest.raises(ListLoadError, match="no list sources given"):
        load_lists([])


def test_a_bad_source_after_good_ones_refuses_everything(lists_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"entry_id":"x:1"')
    with pytest.raises(ListLoadError, match=rf"^{bad}:1: "):
        load_lists([lists_dir / "ofac-mini", lists_dir / "un-mini.xml", bad])
