"""Cheap upper bounds of a comparison's score, so free-text windows that cannot reach the
threshold are never compared.

Each bound credits every token that may pair in full and lets the engine fold those coverages
with its own rules (`MatchEngine.bound_score`: the coverage mix, the conflict rule when it surely
holds, the rules that depend on the names alone; `MatchEngine.syllables_cap`), so a bound is never
below the score the engine would give. The pair tests ask the engine too
(`MatchEngine.pair_similarity`, `MatchEngine.acronym_spans`): no rule is written twice.
"""

from __future__ import annotations

import functools
import math

from rapidfuzz.distance import Levenshtein

from screening.matching.engine import MatchEngine
from screening.matching.params import ScreeningParams
from screening.matching.prepare import PreparedName

__all__ = [
    "acronym_letters",
    "inert_number_length",
    "listed_coverage",
    "masked_score_bound",
    "partner_mask",
    "window_score_bound",
]

# Float comparisons in the over-approximations below are made this much more generous.
_FLOAT_SLACK = 1e-9


def inert_number_length(params: ScreeningParams, other: PreparedName) -> float:
    """A length above which every number (digits only) is inert against `other`: its
    `partner_mask` is 0 and `masked_score_bound` treats any two such numbers alike (a generic
    token with no partner that makes the two names' numbers differ). Infinite when `other` has
    digits or was transliterated.

    Such a number equals no token, is not compared as a word, has too many characters missing
    from every token to join into one (`_few_missing`), is nothing like a joined pair of letters,
    and spells no initials.
    """
    if other.name.transliterated or not (other.joined.isalpha() and other.name.unstripped.isalpha()):
        return math.inf
    longest = max(map(len, other.tokens))
    return (1 - params.joined_min_similarity) * (longest + params.joined_max_extra_letters) + _FLOAT_SLACK


def partner_mask(engine: MatchEngine, word: str, other: PreparedName, person: bool) -> int:
    """Bits j set for every token j of `other` that `word` may be aligned with when it is a
    token of any name in Latin script compared with `other`.

    Guarantees: never a clear bit where the alignment could pair `word` with token j as a word,
    as half of a joined pair with a neighbour, or as an acronym of words of `other`. Not covered: a
    word of `other` spelling the initials of a run of words holding `word` (that depends on the
    whole name; `masked_score_bound` finds it). Bits may be set needlessly; all bits when `other`
    was transliterated. Depends on `word` and `other` alone (callers memoise it).
    """
    params = engine.params
    tb = other.tokens
    if other.name.transliterated:
        return (1 << len(tb)) - 1  # romanisation variants: any pair may be a skeleton match
    number = word.isdigit()
    if number and len(word) > inert_number_length(params, other):
        return 0  # the common case in free text: an invoice number against a name of letters
    mask = 0
    for j, y in enumerate(tb):
        if word == y:
            mask |= 1 << j
        elif not (number or y.isdigit()) and engine.pair_similarity(word, y, person, False) > 0.0:
            mask |= 1 << j  # (different numbers never pair)
        elif (not number or _few_missing(params, word, y)) and _may_join_into(
            params.joined_min_similarity, params.joined_max_extra_letters, word, y
        ):
            mask |= 1 << j
    for j in range(len(tb) - 1):
        joined = tb[j] + tb[j + 1]  # `word` may be two adjacent words of `other` written as one
        if len(word) >= len(joined) - params.joined_max_extra_letters and Levenshtein.normalized_similarity(
            joined, word, score_cutoff=params.joined_min_similarity - _FLOAT_SLACK
        ):
            mask |= 3 << j
    for _, span in engine.acronym_spans((word,), tb):
        for j in span:
            mask |= 1 << j
    return mask


def _few_missing(params: ScreeningParams, word: str, listed: str) -> bool:
    """False when `word` has more letters missing from `listed` than a joined pair allows (the
    check `_may_join_into` starts with, without filling its memo with one-off numbers)."""
    extra = params.joined_max_extra_letters
    budget = (1 - params.joined_min_similarity) * (len(listed) + extra) + _FLOAT_SLACK
    return sum(1 for char in word if char not in listed) <= budget


@functools.lru_cache(maxsize=1 << 17)
def _may_join_into(joined_min_similarity: float, extra_letters: int, word: str, listed: str) -> bool:
    """False only when no word w makes `word + w` or `w + word` a joined pair with `listed`.

    A joined pair needs len(listed) >= len(joined) - 2 (`joined_max_extra_letters`) and
    similarity >= joined_min_similarity, so at most (1 - joined_min_similarity) * (len(listed) +
    extra_letters) edits; aligning `word` with a
    prefix (or suffix) of `listed` is part of those edits.
    """
    if len(listed) < len(word) - 1:
        return False
    budget = (1 - joined_min_similarity) * (len(listed) + extra_letters) + _FLOAT_SLACK
    if sum(1 for char in word if char not in listed) > budget:
        return False  # each letter `listed` lacks costs an edit against any part of it
    return any(
        Levenshtein.distance(word, listed[:k]) <= budget or Levenshtein.distance(word, listed[k:]) <= budget
        for k in range(len(listed) + 1)
    )


def _joined_equal(qa: PreparedName, qb: PreparedName) -> bool:
    return qa.tokens != qb.tokens and (qa.joined == qb.joined or qa.name.unstripped == qb.name.unstripped)


def masked_score_bound(engine: MatchEngine, qa: PreparedName, masks: list[int], qb: PreparedName) -> float:
    """A value never below the engine's score of `qa` against `qb` (before its rounding to 4
    decimals) when `masks[i] == partner_mask(engine, qa.tokens[i], qb, person)` and `qa` is in
    Latin script.

    Tokens that may pair are credited in full; the rules that depend on the names alone (single
    token, numbers, syllables) apply exactly, the conflict factor when each side has a
    distinctive token that can pair with nothing. Cheap: no alignment.
    """
    params = engine.params
    ta, tb = qa.tokens, qb.tokens
    if not ta or not tb:
        return 0.0
    if _joined_equal(qa, qb):
        return 1.0
    if any(params.min_acronym_length <= len(y) <= min(params.max_acronym_length, len(ta)) for y in tb):
        # a word of `qb` spelling the initials of a run of `qa` (the case `partner_mask` leaves
        # out); it needs a word of `qa` per letter, hence the length test first
        spelled = engine.acronym_spans(tb, ta)
        if spelled:
            masks = list(masks)
            for j, span in spelled:
                for i in span:
                    masks[i] |= 1 << j
    generic_weight = params.generic_weight
    covered = 0
    got_a = 0.0
    lone_a = lone_b = False
    for weight, mask in zip(qa.weights, masks, strict=True):
        if mask:
            got_a += weight
            covered |= mask
        elif weight > generic_weight:
            lone_a = True
    got_b = 0.0
    for j, weight in enumerate(qb.weights):
        if covered >> j & 1:
            got_b += weight
        elif weight > generic_weight:
            lone_b = True
    cov_a = min(1.0, got_a / qa.total_weight)
    cov_b = min(1.0, got_b / qb.total_weight)
    # (two lone distinctive tokens stay unpaired whatever the alignment: the conflict rule holds)
    score = engine.bound_score(qa, qb, cov_a, cov_b, lone_a and lone_b)
    return min(score, engine.syllables_cap(qa, qb))


def listed_coverage(params: ScreeningParams, qb: PreparedName, covered: int) -> tuple[float, bool]:
    """(coverage, lone) of `qb` when only its tokens whose bit is set in `covered` may pair:
    the weight share they hold, and whether a distinctive token is left with no partner.

    With `covered` the union of the partner masks of several names' tokens, the coverage is
    never below what `masked_score_bound` credits `qb` against any one of them, and `lone` is
    True only when it holds against every one of them (input of `window_score_bound`).
    """
    got = 0.0
    lone = False
    for j, weight in enumerate(qb.weights):
        if covered >> j & 1:
            got += weight
        elif weight > params.generic_weight:
            lone = True
    return min(1.0, got / qb.total_weight) if qb.total_weight else 0.0, lone


def acronym_letters(params: ScreeningParams, qb: PreparedName) -> tuple[tuple[int, frozenset[str]], ...]:
    """(length, letters) of every token of `qb` that may spell the initials of another name's
    words (the tokens the acronym rule tries), input of `window_score_bound`."""
    return tuple(
        (len(y), frozenset(y))
        for y in qb.tokens
        if params.min_acronym_length <= len(y) <= params.max_acronym_length and y.isalpha()
    )


def window_score_bound(
    engine: MatchEngine,
    qa: PreparedName,
    masks: list[int],
    qb: PreparedName,
    coverage: tuple[float, bool],
    acronyms: tuple[tuple[int, frozenset[str]], ...],
) -> float:
    """A value never below `masked_score_bound(engine, qa, masks, qb)` (hence never below the
    score) when `coverage == listed_coverage(params, qb, c)` for a `c` holding every bit of every
    mask and `acronyms == acronym_letters(params, qb)`.

    Cheaper per window of a free text than `masked_score_bound`: the listed side's coverage is
    worked out once per text (`coverage`) instead of once per window.
    """
    params = engine.params
    ta, tb = qa.tokens, qb.tokens
    if not ta or not tb:
        return 0.0
    if _joined_equal(qa, qb):
        return 1.0
    if acronyms:
        # a listed word spelling initials needs each of its letters to start a word of `qa`
        initials = {t[0] for t in ta}
        if any(n <= len(ta) and letters <= initials for n, letters in acronyms):
            return masked_score_bound(engine, qa, masks, qb)  # the rare case: the exact bound itself
    got_a = 0.0
    lone_a = False
    for weight, mask in zip(qa.weights, masks, strict=True):
        if mask:
            got_a += weight
        elif weight > params.generic_weight:
            lone_a = True
    cov_a = min(1.0, got_a / qa.total_weight)
    cov_b, lone_b = coverage
    return engine.bound_score(qa, qb, cov_a, cov_b, lone_a and lone_b)
