"""Word-by-word transliteration gives rigour's whole-text result, on names and texts of every script."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from rigour.text import ascii_text as rigour_ascii_text

from bench.innocent_names import generate_innocent_names
from screening.lists import load_lists
from screening.transliteration import ascii_text

# Texts that stress word boundaries: separators other than the space, marks standing alone,
# scripts mixed in one text (admitted ones only, and with a script rigour hands to ICU).
EDGES = [
    "Шевченко\u00a0Тарас",  # no-break space: stays inside the "word"
    "Ελένη\tΠαπαδοπούλου Σοφία",  # tab, final sigma
    "  Щука  Ёлка ",  # leading, trailing and double spaces
    "\u0301Ab \u0301 c",  # combining mark alone and at a word's start
    "Ωмега ★ Müller",  # a symbol rigour leaves to ICU
    "Ǝ ǝ Ʒ ĳssel ŀa ß ẞ æ Ǆ",  # letters outside NFKD, rigour's own table
    "Hello мир Γειά",
    "Tokyo東京 Шевченко",  # Han: the text goes to ICU, as rigour sends it
    "Invoice 5 محمد رضایی, a+b $5 ~ rent 王伟",  # ICU drops ASCII symbols of any word
    "گروه كشاورزي ، دامپروري",  # an Arabic comma read by its neighbours
    "김 민준 Ким Мин Джун",
    "Ⅻ ½ ² ﬁnance ﬂ",
    "Invoice 4711 for Σοφία Γεωργίου, rent March",
    # other scripts read by ICU a word of letters at a time, punctuation with its neighbours
    "สมชาย ใจดี จำกัด",
    "राम कुमार शर्मा",  # vowel signs are marks, still letters of the word
    "בן-דוד משה",
    "محمد ٣ علي",
    "عبد الله (شركة)",
    "王伟 李娜",
    "Ahmed محمد Müller Шевченко",
    "",
    "plain ascii text",
]


def test_edges_read_as_rigour_reads_them() -> None:
    for text in EDGES:
        assert ascii_text(text) == rigour_ascii_text(text), text


def test_generated_names_of_every_script_read_as_rigour_reads_them() -> None:
    names = [n.text for n in generate_innocent_names(6000)]
    # names joined into running text too: the same words in other positions and neighbours
    texts = names + [
        text
        for i, (a, b) in enumerate(pairwise(names))
        for text in (f"Invoice {i} {a} and {b} rent", f"{a}, ref: {b}. $5+VAT", f"{a}  {b}|x")
    ]
    different = [t for t in texts if ascii_text(t) != rigour_ascii_text(t)]
    assert not different, different[:5]


def test_real_listed_names_read_as_rigour_reads_them(shared_data: Path) -> None:
    lists = shared_data / "lists"
    paths = [
        lists / "ofac-sdn-2024-05-03",
        lists / "ofac-aliases-2025-12",
        lists / "un" / "consolidated-2026-02-27.xml",
    ]
    entries = load_lists(paths).entries
    names = [name.text for entry in entries.values() for name in entry.names() if not name.text.isascii()]
    assert len(names) > 500  # the UN list writes names in Arabic, Cyrillic and accented Latin
    different = [t for t in names if ascii_text(t) != rigour_ascii_text(t)]
    assert not different, different[:5]


@pytest.mark.parametrize("text", ["Шевченко Тарас", "Müller Straße", "김민준"])
def test_known_words_answer_the_same_in_a_new_text(text: str) -> None:
    assert ascii_text(f"{text} {text}") == f"{ascii_text(text)} {ascii_text(text)}"
