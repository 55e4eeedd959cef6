"""Transliteration to ASCII: rigour's `ascii_text`, the same strings, computed a word at a time.

rigour transliterates the scripts it admits (Latin, Cyrillic, Greek, Armenian, Georgian,
Hangul) with ICU4X, which costs about 8 us per character of a text it has not seen before
(measured: 65 us for an 8-letter Cyrillic word, over 1 ms for a 140-character remittance line),
and remembers only whole texts. Any other script (Arabic, Han, Thai, Devanagari, ...) goes to
ICU whole (`normality.ascii_text`, 1-2 us per character), text and all. Names and remittance
lines are nearly all distinct, but their words are not: the same given names, surnames and
invoice words come back in text after text. So:

- a text of admitted scripts is transliterated word by word, each word answered from rigour's
  own memo after its first time;
- any other text has only its non-ASCII words transliterated by ICU, each word of letters
  alone by itself (remembered by normality), a word holding punctuation or digits together with
  its neighbours (ICU reads some punctuation by them: an Arabic comma alone is `?`); the ASCII
  words between them are kept as ICU keeps them (it removes only the symbols `$+<=>^`|~`).

Both transliterators work within those bounds: on 55,000 distinct non-ASCII names and texts
(the OFAC, UN and consolidated lists, 50,000 generated names in 25 locales, a day of generated
payments) the result equals rigour's whole-text one every time (`tests/unit/
test_transliteration.py` holds it to that on generated names, texts and edge cases).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

from normality import ascii_text as icu_ascii
from rigour.text.translit import maybe_ascii, should_ascii

__all__ = ["ascii_text"]


def ascii_text(text: str) -> str:
    """`rigour.text.ascii_text(text)`, the same string, in time that grows with the text's new
    words rather than its characters. Never raises on any `str` rigour accepts."""
    if text.isascii():
        return text
    if not should_ascii(text):
        return _icu_by_runs(text)
    # (split on the ASCII space only: any other separator stays inside its word, as in the text)
    out = " ".join([word if word.isascii() else maybe_ascii(word) for word in text.split(" ")])
    # what rigour leaves non-ASCII (a symbol, a letter outside its tables) goes on to ICU, as there
    return out if out.isascii() else icu_ascii(out)


# ASCII characters the ICU chain removes (symbols) wherever they stand; it keeps every other
# ASCII character as it is.
_ICU_SYMBOL = re.compile("[$+<=>^`|~]")


def _icu_by_runs(text: str) -> str:
    """What rigour's fallback (ICU, `normality.ascii_text`) makes of `text`, asked only of its
    runs of non-ASCII words (`_icu_run`); the ASCII words between runs lose only the symbols ICU
    removes."""
    pieces: list[str] = []
    run: list[str] = []
    for word in text.split(" "):
        if (not word and run) or not word.isascii():
            run.append(word)
            continue
        if run:
            pieces.append(_icu_run(run))
            run = []
        pieces.append(_ICU_SYMBOL.sub("", word))
    if run:
        pieces.append(_icu_run(run))
    return " ".join(pieces)


def _icu_run(words: list[str]) -> str:
    """ICU's reading of a run of words, a word at a time where that reads the same: between two
    words of letters alone (`محمد رضایی`), each read by itself and remembered by normality; a
    word holding punctuation or a digit (`،`, an Arabic comma, reads `?` alone) is read together
    with its neighbours."""
    out: list[str] = []
    group = [words[0]]
    for before, word in pairwise(words):
        if _letters_only(before) and _letters_only(word):
            out.append(icu_ascii(" ".join(group)))
            group = [word]
        else:
            group.append(word)
    out.append(icu_ascii(" ".join(group)))
    return " ".join(out)


def _letters_only(word: str) -> bool:
    """A word of letters and their marks only (no punctuation, digit or symbol), not empty."""
    return bool(word) and all(unicodedata.category(char)[0] in "LM" for char in word)
