"""Transliteration to ASCII: rigour's `ascii_text`, computed a word at a time.

rigour transliterates the scripts it admits (Latin, Cyrillic, Greek, Armenian, Georgian,
Hangul) with ICU4X, which costs about 8 us per character of a text it has not seen before
(measured: 65 us for an 8-letter Cyrillic word, over 1 ms for a 140-character remittance line),
and remembers only whole texts. Names and remittance lines are nearly all distinct, but their
words are not: the same given names, surnames and invoice words come back in text after text.
So a text of admitted scripts is transliterated word by word, each word answered from rigour's
own memo after its first time.

Those transliterators work within a word: on 55,000 distinct non-ASCII names and texts (the
OFAC, UN and consolidated lists, 50,000 generated names in 25 locales, a day of generated
payments) the word-by-word result equals the whole-text one every time (`tests/unit/
test_transliteration.py` holds it to that on a fixture corpus). A text holding any other script
(Arabic, Han, Thai, Devanagari, ...) is handed whole to rigour's fallback, as rigour does: that
transliterator reads some punctuation by its neighbours.
"""

from __future__ import annotations

from normality import ascii_text as icu_ascii
from rigour.text.translit import ascii_text as whole_text_ascii
from rigour.text.translit import maybe_ascii, should_ascii

__all__ = ["ascii_text"]


def ascii_text(text: str) -> str:
    """`rigour.text.ascii_text(text)`, the same string, in time that grows with the text's new
    words rather than its characters. Never raises on any `str` rigour accepts."""
    if text.isascii():
        return text
    if not should_ascii(text):
        return whole_text_ascii(text)
    # (split on the ASCII space only: any other separator stays inside its word, as in the text)
    out = " ".join([word if word.isascii() else maybe_ascii(word) for word in text.split(" ")])
    # what rigour leaves non-ASCII (a symbol, a letter outside its tables) goes on to ICU, as there
    return out if out.isascii() else icu_ascii(out)
