"""Diverse synthetic entity names for the ownership bench: a company register's mix, not a
handful of repeated names.

Persons (40%): a given and a family name, each a common real one (Mohammad, Kim, Ivanov, Garcia:
the words sanctions lists hold too) or an invented pronounceable word; companies (60%):
two invented words, often a business word (Trading, Energy, Shipping) and a legal form. About 2% are
written in Cyrillic. A million names hold several hundred thousand distinct words; a fraction of
a percent of them match a real OFAC/UN name at the default threshold (look-alikes such as 'Poro
Trading SA' ~ 'POLO TRADING').
"""

from __future__ import annotations

import random

__all__ = ["owner_name"]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_CONSONANTS = _words("b c d f g h k l m n p r s t v z sh ch kh")
_VOWELS = _words("a e i o u ai ei ou ia")
_GIVEN = _words(
    "mohammad ali hassan ahmed kim lee wang li zhang chen ivan sergei olga maria anna jose juan "
    "carlos pierre hans peter john david michael fatima omar yusuf ibrahim nguyen tran singh raj "
    "amir reza hamid viktor elena"
)
_FAMILY = _words(
    "ivanov petrov smirnov kuznetsov garcia martinez lopez muller schmidt schneider fischer weber "
    "smith jones brown khan hussain rahman kim park choi wang liu yang huang zhao nguyen le pham "
    "rossi russo dubois martin bernard silva santos"
)
_BUSINESS = _words(
    "trading logistics energy invest shipping marine consulting technologies capital partners "
    "industries petro agro textile media verlag stroy neft gaz bau immobilien pharma foods metals "
    "mining solutions systems services global international oriental pacific atlantic star sun "
    "golden eagle"
)
_LEGAL_FORMS = _words("LLC GmbH Ltd SA JSC OOO AG BV Inc SARL")
_CYRILLIC = str.maketrans(
    {
        "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
        "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т",
        "u": "у", "v": "в", "z": "з",
    }
)  # fmt: skip


def _invented(rng: random.Random) -> str:
    return "".join(rng.choice(_CONSONANTS) + rng.choice(_VOWELS) for _ in range(rng.choice((2, 3, 3, 4))))


def owner_name(rng: random.Random) -> str:
    """One random person or company name (see the module docstring)."""
    if rng.random() < 0.4:
        given = rng.choice(_GIVEN) if rng.random() < 0.2 else _invented(rng)
        family = rng.choice(_FAMILY) if rng.random() < 0.1 else _invented(rng)
        name = f"{given.title()} {family.title()}"
    else:
        # two invented words: a one-word name is mostly a look-alike of some short listed name
        parts = [_invented(rng).title(), _invented(rng).title()]
        if rng.random() < 0.6:
            parts.append(rng.choice(_BUSINESS).title())
        parts.append(rng.choice(_LEGAL_FORMS))
        name = " ".join(parts)
    if rng.random() < 0.02:
        name = name.lower().translate(_CYRILLIC)
    return name
