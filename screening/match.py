"""Comparing two names: the public face of the matcher (`screening.matching`).

How a score comes about (the engine's named rules, `native/src/rules.rs`; nomenklatura logic-v2
in spirit, tuned on the name bench, `bench.accuracy`):

1. both names are normalised (`screening.names`): Latin script, case, diacritics, legal forms,
   honorifics, number words;
2. their tokens are aligned one-to-one, equal tokens first, then the best fuzzy pairs in any
   order: two joined tokens vs one word (`tsmr bank` ~ `tsmrbank`), an acronym (`U.S.` ~ `United
   States`), a person's initial or short form, a doubled letter, a typo within an edit budget
   (OSA: a swap is one edit), a spelling variant with the same consonants (`husayn` ~ `hussein`),
   or, across scripts, the consonant skeleton (`mhmd` ~ `mohamed`);
3. each side's coverage is the weighted share of its tokens that found a partner, each pair
   counting its similarity credit; particles and generic words (`al`, `bank`) weigh little;
4. the score is the mean of both coverages, then folded through the rules that detect what
   contradicts a match: a distinctive token on each side with no partner (`Frederik Richter` vs
   `Frank Richter`), a single distinctive token against a long name, only generic words or
   initials shared, differing numbers, a swapped `X bin Y`, a different character in a Han/Hangul
   name; the explanation prints the same evidence the score folded;
5. qualifiers (country, date of birth), weak aliases and list-wide word rarity are applied by the
   index, which knows the listed entry (`screening.matching.qualify`).
"""

from __future__ import annotations

from screening.matching.engine import standalone_engine
from screening.matching.params import DEFAULT_PARAMS, DEFAULT_THRESHOLD, ScreeningParams
from screening.matching.prepare import PreparedName, prepare, prepare_normalised
from screening.matching.results import Comparison, NameMatch, PartyKind
from screening.names import name_readings

__all__ = [
    "DEFAULT_THRESHOLD",
    "Comparison",
    "NameMatch",
    "PartyKind",
    "PreparedName",
    "compare_names",
    "compare_prepared",
    "prepare",
]


def compare_prepared(
    qa: PreparedName, qb: PreparedName, kind: PartyKind = "any", params: ScreeningParams = DEFAULT_PARAMS
) -> Comparison:
    """Compare two prepared names (see module doc). Guarantees: score in [0, 1]; never raises."""
    return standalone_engine(params).compare(qa, qb, kind)


def compare_names(
    a: str, b: str, *, kind: PartyKind = "any", params: ScreeningParams = DEFAULT_PARAMS
) -> Comparison:
    """Compare two free-form names of the given party kind.

    Guarantees: score in [0, 1]; never raises on any `str`; identical names score 1.0; the
    explanation names every rule that changed the score. Symmetric except for rounding of ties in
    the token alignment. A first name that may be read two ways (`names.name_readings`: `金正恩`
    as Chinese and as Korean) gives the better comparison (the first reading's on a tie).
    """
    listed = prepare(b, kind)
    comparisons = [
        compare_prepared(prepare_normalised(name), listed, kind, params) for name in name_readings(a, kind)
    ]
    return max(comparisons, key=lambda c: c.score)
