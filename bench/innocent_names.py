"""Innocent party names in many locales and scripts: the negatives of the false-alert bench.

Run: `.venv/bin/python -m bench.innocent_names [--count N] [--seed S]` prints how many names each
locale, script and kind contributed and a few examples.

API (stable; `bench.false_alerts` and the payment generators of other benches import it):

    from bench.innocent_names import InnocentName, generate_innocent_names
    names = generate_innocent_names()          # 50,000 distinct names, the same every run
    names[0].text, names[0].locale, names[0].script, names[0].kind

Names come from Faker (pinned exactly, a dev dependency) in `LOCALES`: people and companies as
each locale writes them, in the native script, plus the romanised forms Faker has (Chinese
pinyin / Wade-Giles `romanized_name`, Japanese `romanized_name` and katakana `kana_name`).
`script` is read from the characters (`script_of_text`), never from the locale: a Ukrainian
company called `Зінченко Group` is Cyrillic, a Japanese name in kanji alone is Han.
"""

from __future__ import annotations

import argparse
import random
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from faker import Faker

__all__ = [
    "DEFAULT_COUNT",
    "DEFAULT_SEED",
    "LOCALES",
    "InnocentName",
    "NameKind",
    "generate_innocent_names",
    "script_of_text",
]

NameKind = Literal["person", "organisation"]

DEFAULT_COUNT = 50_000
DEFAULT_SEED = 20261203
# Locales whose people and companies pay and get paid (issue #11). ar_EG and ar_JO are not used:
# Faker 40 has no Arabic person provider for them and falls back to English names.
LOCALES: tuple[str, ...] = (
    "zh_CN",
    "zh_TW",
    "ja_JP",
    "ko_KR",
    "ar_SA",
    "ar_PS",
    "fa_IR",
    "he_IL",
    "hi_IN",
    "bn_BD",
    "th_TH",
    "vi_VN",
    "ru_RU",
    "uk_UA",
    "el_GR",
    "tr_TR",
    "en_US",
    "en_GB",
    "de_DE",
    "es_ES",
    "es_MX",
    "fr_FR",
    "pt_BR",
    "pl_PL",
    "id_ID",
)
# Share of people among one locale's draws (the rest are companies): payment parties are mostly
# people and small firms. Among people, a locale with romanised forms draws them this often
# (a bank in Tokyo or Taipei sends as many Latin-script names as native ones).
PERSON_SHARE = 0.7
ROMANISED_SHARE = 0.3
# Japanese people written in katakana (`ヤマダ カズヤ`), of those not romanised: enough for the
# kana script to have its own false-alert rate (500+ names in the default set).
KANA_SHARE = 0.5
# A generator that draws this many names in a row already produced is spent (small locale
# vocabularies: Faker's bn_BD has about 120 companies); the other generators fill its place.
MAX_REPEATS_IN_A_ROW = 40

# The script names of `script_of_text`, by the first word of a character's Unicode name.
_SCRIPT_BY_NAME_PREFIX = {
    "LATIN": "Latin",
    "CJK": "Han",
    "HIRAGANA": "Kana",
    "KATAKANA": "Kana",
    "KATAKANA-HIRAGANA": "Kana",
    "HALFWIDTH": "Kana",
    "HANGUL": "Hangul",
    "ARABIC": "Arabic",
    "HEBREW": "Hebrew",
    "DEVANAGARI": "Devanagari",
    "BENGALI": "Bengali",
    "THAI": "Thai",
    "CYRILLIC": "Cyrillic",
    "GREEK": "Greek",
}


@dataclass(frozen=True, slots=True)
class InnocentName:
    """One invented name: its text, the Faker locale that made it, the script its letters are
    written in (`script_of_text`) and whether it names a person or an organisation."""

    text: str
    locale: str
    script: str
    kind: NameKind


def script_of_text(text: str) -> str:
    """The script a name is written in, from its letters alone.

    Guarantees: one of Latin, Han, Kana, Hangul, Arabic, Hebrew, Devanagari, Bengali, Thai,
    Cyrillic, Greek, Other or None (no letter). Any kana makes it `Kana` (only Japanese writes
    kana, and then its kanji are Japanese too); otherwise the most frequent non-Latin script wins
    over Latin (`Зінченко Group` is Cyrillic), ties going to the script seen first.
    """
    counts: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            first = unicodedata.name(char, "").split(" ", 1)[0]
            counts[_SCRIPT_BY_NAME_PREFIX.get(first, "Other")] += 1
    if not counts:
        return "None"
    if counts["Kana"]:
        return "Kana"
    non_latin = [(n, script) for script, n in counts.items() if script != "Latin"]
    if not non_latin:
        return "Latin"
    return max(non_latin, key=lambda item: item[0])[1]


_Draw = Callable[[], str]


def _generators(fake: Faker) -> list[tuple[float, NameKind, _Draw]]:
    """(weight, kind, draw) for every way this locale's Faker writes a name."""
    people: list[tuple[float, _Draw]] = [(1.0, fake.name)]
    if hasattr(fake, "romanized_name"):
        people = [(1.0 - ROMANISED_SHARE, fake.name), (ROMANISED_SHARE, fake.romanized_name)]
    if hasattr(fake, "kana_name"):
        native = 1.0 - ROMANISED_SHARE
        people = [
            (native * (1.0 - KANA_SHARE), fake.name),
            (native * KANA_SHARE, fake.kana_name),
            (ROMANISED_SHARE, fake.romanized_name),
        ]
    out: list[tuple[float, NameKind, _Draw]] = [(PERSON_SHARE * w, "person", d) for w, d in people]
    out.append((1.0 - PERSON_SHARE, "organisation", fake.company))
    return out


def generate_innocent_names(count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> list[InnocentName]:
    """`count` distinct invented names from every locale of `LOCALES`, people and companies.

    Guarantees: the same list (same names, same order) for the same `count` and `seed` on every
    run and machine (Faker is pinned exactly); `text`s are pairwise distinct, hold a letter and
    single spaces only between words; locales take turns, one name each, so any prefix of the list
    is spread over all locales as evenly as their vocabularies allow. Raises ValueError when
    `count` is negative or more than the locales can produce distinct (several hundred thousand).
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    seen: set[str] = set()
    out: list[InnocentName] = []
    sources = []
    for number, locale in enumerate(LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed * 1000 + number)
        sources.append((locale, random.Random(seed * 1000 + number), _generators(fake)))
    while len(out) < count:
        active = [s for s in sources if s[2]]
        if not active:
            raise ValueError(f"the locales produce only {len(out)} distinct names, {count} asked")
        for locale, rng, generators in active:
            name = _draw_new(rng, generators, seen)
            if name is None:
                continue
            text, kind = name
            seen.add(text)
            out.append(InnocentName(text, locale, script_of_text(text), kind))
            if len(out) == count:
                break
    return out


def _draw_new(
    rng: random.Random, generators: list[tuple[float, NameKind, _Draw]], seen: set[str]
) -> tuple[str, NameKind] | None:
    """A name not in `seen` from one of `generators` (chosen by weight), or None after dropping
    a spent generator from the list."""
    weights = [w for w, _, _ in generators]
    at = rng.choices(range(len(generators)), weights)[0]
    _, kind, draw = generators[at]
    for _ in range(MAX_REPEATS_IN_A_ROW):
        text = " ".join(draw().split())
        if text not in seen and any(char.isalpha() for char in text):
            return text, kind
    del generators[at]
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Print the composition of the generated set; return 0."""
    parser = argparse.ArgumentParser(prog="bench.innocent_names", description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=DEFAULT_COUNT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    names = generate_innocent_names(args.count, args.seed)
    print(f"{len(names):,} names, {len({n.text for n in names}):,} distinct, {len(LOCALES)} locales")
    by_script = Counter((n.script, n.kind) for n in names)
    for script in sorted({n.script for n in names}):
        people, orgs = by_script[(script, "person")], by_script[(script, "organisation")]
        examples = [n.text for n in names if n.script == script][:3]
        print(f"  {script:<11} {people:>6} people {orgs:>6} organisations   e.g. {' | '.join(examples)}")
    by_locale = Counter(n.locale for n in names)
    print("  per locale: " + ", ".join(f"{loc} {by_locale[loc]}" for loc in LOCALES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
