"""The innocent-name generator of the false-alert bench: stable, distinct, labelled by its letters."""

from __future__ import annotations

import pytest

from bench.innocent_names import LOCALES, InnocentName, generate_innocent_names, script_of_text


def test_same_names_every_run_and_a_seed_changes_them() -> None:
    first = generate_innocent_names(3000)
    assert first == generate_innocent_names(3000)
    assert first != generate_innocent_names(3000, seed=7)


def test_names_are_distinct_and_come_from_every_locale_in_both_kinds() -> None:
    names = generate_innocent_names(5000)
    assert len({n.text for n in names}) == len(names) == 5000
    assert {n.locale for n in names} == set(LOCALES)
    assert {n.kind for n in names} == {"person", "organisation"}
    assert all(n.text == " ".join(n.text.split()) for n in names)


def test_native_scripts_and_romanised_forms_are_both_present() -> None:
    names = generate_innocent_names(5000)
    scripts = {n.script for n in names}
    assert {"Han", "Kana", "Hangul", "Arabic", "Hebrew", "Cyrillic", "Greek", "Thai"} <= scripts
    assert {"Devanagari", "Bengali", "Latin"} <= scripts
    # Faker's pinyin / romaji names of the Chinese and Japanese locales are Latin
    assert any(n.script == "Latin" and n.locale == "ja_JP" and n.kind == "person" for n in names)
    assert any(n.script == "Latin" and n.locale == "zh_CN" and n.kind == "person" for n in names)


def test_a_prefix_is_the_smaller_set() -> None:
    assert generate_innocent_names(500) == generate_innocent_names(1000)[:500]


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("佐藤 健", "Han"),  # kanji alone cannot be told from Chinese
        ("三浦 くみ子", "Kana"),  # any kana: Japanese
        ("ヤマダ カズヤ", "Kana"),
        ("최유진", "Hangul"),
        ("Зінченко Group", "Cyrillic"),  # the non-Latin script wins over a Latin legal form
        ("बोस Inc", "Devanagari"),
        ("محمد رضایی", "Arabic"),
        ("Quý ông Thành Phạm", "Latin"),
        ("7", "None"),
    ],
)
def test_script_is_read_from_the_letters(text: str, script: str) -> None:
    assert script_of_text(text) == script


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="count"):
        generate_innocent_names(-1)


def test_names_are_immutable() -> None:
    name = generate_innocent_names(1)[0]
    assert isinstance(name, InnocentName)
    with pytest.raises(AttributeError):
        name.text = "x"  # type: ignore[misc]
