"""The bridge to `screening._native`, the Rust port of the screening hot path.

`ListIndex` finds candidates and scores them through `NativeIndex` when the extension is built
(`make install` builds it); the Python functions it ports (`ListIndex._candidates`,
`match._outcome`) stay the reference, hold every constant and build every explanation.
`tests/unit/test_native.py` holds both to identical results.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from screening import match as _match
from screening import names as _names

if TYPE_CHECKING:
    from screening._native import NativeIndex

__all__ = [
    "comparison_reaching",
    "name_parts",
    "native_available",
    "native_config",
    "new_native_index",
    "outcome_from_native",
]

# Set to 0 to screen with the Python reference only (slower; same results).
ENV_SWITCH = "PAYMON_NATIVE"


def native_available() -> bool:
    """True when the extension is built and not switched off by `PAYMON_NATIVE=0`."""
    if os.environ.get(ENV_SWITCH, "1").strip() == "0":
        return False
    try:
        import screening._native  # noqa: F401
    except ImportError:
        return False
    return True


def native_config() -> dict[str, Any]:
    """Every constant the Rust port reads, from the Python modules that own them."""
    from screening import index as _index  # index imports this module

    return {
        "GENERIC_WEIGHT": _names.GENERIC_WEIGHT,
        "PARTICLES": sorted(_names.PARTICLES),
        "GENERIC_WORDS": sorted(_names.GENERIC_WORDS),
        "MIN_PAIR_SIMILARITY": _match.MIN_PAIR_SIMILARITY,
        "INITIAL_SIMILARITY": _match.INITIAL_SIMILARITY,
        "PREFIX_SIMILARITY": _match.PREFIX_SIMILARITY,
        "MIN_PREFIX_LENGTH": _match.MIN_PREFIX_LENGTH,
        "TYPO_FLOOR": _match.TYPO_FLOOR,
        "MAX_TYPO_EDITS": _match.MAX_TYPO_EDITS,
        "DOUBLED_LETTER_SIMILARITY": _match.DOUBLED_LETTER_SIMILARITY,
        "ACRONYM_SIMILARITY": _match.ACRONYM_SIMILARITY,
        "ABBREVIATION_SIMILARITY": _match.ABBREVIATION_SIMILARITY,
        "MIN_ACRONYM_LENGTH": _match.MIN_ACRONYM_LENGTH,
        "MAX_ACRONYM_LENGTH": _match.MAX_ACRONYM_LENGTH,
        "SPELLING_VARIANT_SIMILARITY": _match.SPELLING_VARIANT_SIMILARITY,
        "MIN_SKELETON_LENGTH": _match.MIN_SKELETON_LENGTH,
        "SPELLING_VARIANT_MIN_LENGTH_RATIO": _match.SPELLING_VARIANT_MIN_LENGTH_RATIO,
        "SKELETON_DISCOUNT": _match.SKELETON_DISCOUNT,
        "SHORT_SIDE_WEIGHT": _match.SHORT_SIDE_WEIGHT,
        "CONFLICT_FACTOR": _match.CONFLICT_FACTOR,
        "PATRONYMIC_SWAP_FACTOR": _match.PATRONYMIC_SWAP_FACTOR,
        "SINGLE_TOKEN_FACTOR": _match.SINGLE_TOKEN_FACTOR,
        "NUMBER_CONFLICT_FACTOR": _match.NUMBER_CONFLICT_FACTOR,
        "GENERIC_ONLY_CAP": _match.GENERIC_ONLY_CAP,
        "JOINED_SIMILARITY": _match.JOINED_SIMILARITY,
        "JOINED_MIN_SIMILARITY": _match.JOINED_MIN_SIMILARITY,
        "PATRONYMIC_SUFFIXES": list(_match._PATRONYMIC_SUFFIXES),
        "PATRONYMIC": sorted(_match._PATRONYMIC),
        "MIN_FUZZY_LENGTH": _index.MIN_FUZZY_LENGTH,
        "MAX_JOINED_POSTINGS": _index.MAX_JOINED_POSTINGS,
        "HIDDEN_TYPO_MIN_LENGTH": _index.HIDDEN_TYPO_MIN_LENGTH,
        "MAX_HIDDEN_TYPOS": _index.MAX_HIDDEN_TYPOS,
        "CANDIDATE_BUDGET": _index.CANDIDATE_BUDGET,
        "TIE_BREAK": _index.TIE_BREAK,
        "MIN_KEY_NUMBER_LENGTH": _index.MIN_KEY_NUMBER_LENGTH,
        "MAX_EVIDENCE_CHECKS": _index.MAX_EVIDENCE_CHECKS,
        "MAX_BOUND_CHECKS": _index.MAX_BOUND_CHECKS,
        "SCORE_ROUNDING": _index.SCORE_ROUNDING,
    }


def name_parts(
    name: _names.NormalisedName, weights: tuple[float, ...] | None = None
) -> tuple[list[str], list[float], bool, str, str]:
    """What `NativeIndex` needs of a normalised name: (tokens, weights, transliterated,
    unstripped, original); `weights` as `match.prepare_normalised` gives them (computed if None)."""
    tokens = name.tokens
    if weights is None:
        weights = _match.token_weights(tokens)
    return list(tokens), list(weights), name.transliterated, name.unstripped, name.original


# A query's kind -> its slot in each listed name's `kinds` (see `new_native_index`).
QUERY_KINDS: tuple[_match.PartyKind, _match.PartyKind, _match.PartyKind] = ("person", "organisation", "any")


def new_native_index(
    names: list[_match.PreparedName],
    kinds: list[tuple[_match.PartyKind | None, _match.PartyKind | None, _match.PartyKind | None]]
    | None = None,
) -> NativeIndex:
    """A `NativeIndex` over `names` (positions as in the list). `kinds[pos]`: the kind listed
    name `pos` is compared as by a query of each of `QUERY_KINDS`, None where that query skips it
    (default: compared as the query's own kind)."""
    from screening._native import NativeIndex

    if kinds is None:
        kinds = [QUERY_KINDS] * len(names)
    return NativeIndex(native_config(), [name_parts(n.name, n.weights) for n in names], kinds)


OutcomeTuple = tuple[
    float,
    list[tuple[list[int], list[int], float, str]],
    tuple[float, float],
    tuple[list[int], list[int]],
    tuple[bool, bool, bool, bool, bool, bool],
    float,
]


def outcome_from_native(out: OutcomeTuple) -> _match._Outcome:
    """The `match._Outcome` a native comparison describes (for `match._explain`)."""
    score, chosen, (cov_a, cov_b), (left_a, left_b), flags, cap = out
    joined_equal, conflict, single_token, generic_only, number_mismatch, swapped = flags
    return _match._Outcome(
        score,
        [_match._Pair(tuple(a), tuple(b), sim, how) for a, b, sim, how in chosen],
        cov_a,
        cov_b,
        tuple(left_a),
        tuple(left_b),
        joined_equal,
        conflict,
        single_token,
        generic_only,
        number_mismatch,
        swapped,
        cap,
    )


def comparison_reaching(
    qa: _match.PreparedName, qb: _match.PreparedName, out: OutcomeTuple, threshold: float
) -> _match.Comparison | None:
    """What `match.compare_prepared_reaching(qa, qb, kind, threshold)` returns, given the native
    outcome of that comparison: the explained comparison, or None below the threshold."""
    outcome = outcome_from_native(out)
    if min(1.0, max(0.0, round(outcome.score, 4))) < threshold:
        return None
    return _match._explain(qa, qb, outcome)
