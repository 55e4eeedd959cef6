"""The cross-script recall bench's own rules: its labelled pairs, and which list names make a case."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.script_recall import VARIANTS, RecallCase, entry_cases, recall_lines, variant_cases
from screening.model import EntryType, ListEntry, Name


def test_every_labelled_pair_reads_and_names_its_script() -> None:
    cases = variant_cases(VARIANTS)
    assert len(cases) >= 100
    assert {c.script for c in cases} >= {
        "Arabic",
        "Cyrillic",
        "Greek",
        "Hebrew",
        "Devanagari",
        "Bengali",
        "Thai",
    }
    assert all(c.latin and c.kind == "person" for c in cases)


def test_a_malformed_or_mislabelled_row_is_refused(tmp_path: Path) -> None:
    short = tmp_path / "short.csv"
    short.write_text("# comment\nArabic,محمد\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"data row 1 .* needs script,query,latin"):
        variant_cases(short)
    mislabelled = tmp_path / "mislabelled.csv"
    mislabelled.write_text("Greek,محمد,Muhammad,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="is not written in Greek"):
        variant_cases(mislabelled)


def test_an_entry_gives_one_case_per_non_latin_name_against_its_latin_names() -> None:
    entry = ListEntry(
        "un:QDi.001",
        "un",
        EntryType.PERSON,
        "AYMAN AL-ZAWAHIRI",
        aliases=(Name("أيمن الظواهري"), Name("Aiman al-Zawahiri")),
    )
    no_latin = ListEntry("un:X", "un", EntryType.ORGANISATION, "مكتب الخدمات")
    cases = list(entry_cases("un", [entry, no_latin]))
    assert cases == [
        RecallCase("un", "Arabic", "أيمن الظواهري", ("AYMAN AL-ZAWAHIRI", "Aiman al-Zawahiri"), "person")
    ]


def test_recall_lines_count_found_and_show_misses() -> None:
    found = RecallCase("variants", "Cyrillic", "Владимир Путин", ("PUTIN, Vladimir",), "person")
    missed = RecallCase("variants", "Cyrillic", "Иван Петров", ("SMITH, John",), "person")
    lines = recall_lines([found, missed], threshold=0.7, misses=5)
    assert "   1/2    =  50.0%" in lines[0]
    assert any(line.startswith("  missed [variants Cyrillic] Иван Петров ~ SMITH, John") for line in lines)
