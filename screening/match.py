"""Scoring one screened name against one listed name, every feature explained.

The algorithm (nomenklatura logic-v2 in spirit, tuned on the name bench, `bench.accuracy`):

1. both names are normalised (`screening.names`): Latin script, case, diacritics, legal forms,
   honorifics, number words;
2. their tokens are aligned one-to-one, equal tokens first, then the best fuzzy pairs in any
   order: two joined tokens vs one word (`tsmr bank` ~ `tsmrbank`), an acronym (`U.S.` ~ `United
   States`), a person's initial or short form, a doubled letter, a typo within an edit budget
   (OSA: a swap is one edit), a spelling variant with the same consonants (`husayn` ~ `hussein`),
   or, across scripts, the consonant skeleton (`mhmd` ~ `mohamed`);
3. each side's coverage is the weighted share of its tokens that found a partner, each pair
   counting its similarity credit; particles and generic words (`al`, `bank`) weigh little;
4. the score is the mean of both coverages, then lowered by what contradicts a match: a
   distinctive token on each side with no partner (`Frederik Richter` vs `Frank Richter`), a single
   distinctive token against a long name, only generic words or initials shared, differing
   numbers, a swapped `X bin Y`, a different character in a Han/Hangul name;
5. qualifiers (country, date of birth), weak aliases and list-wide word rarity are applied by the
   index, which knows the listed entry (`apply_qualifiers`, `ListIndex.match_name`).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from dataclasses import dataclass
from typing import Final, Literal

from rapidfuzz.distance import OSA, Levenshtein

from screening.model import ListEntry
from screening.names import (
    GENERIC_WEIGHT,
    GENERIC_WORDS,
    PARTICLES,
    SKELETON_MAP,
    TOKEN_CACHE_SIZE,
    NameForm,
    NormalisedName,
    consonant_skeleton,
    is_syllabic,
    normalise_name,
    script_of,
    token_weight,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "Comparison",
    "NameMatch",
    "PartyKind",
    "PreparedName",
    "apply_qualifiers",
    "combined_coverage",
    "compare_names",
    "compare_prepared",
    "compare_prepared_reaching",
    "masked_score_bound",
    "name_factors",
    "partner_mask",
    "prepare",
    "prepare_normalised",
    "score_prepared",
    "token_weights",
]

PartyKind = Literal["person", "organisation", "any"]

_DOUBLED = re.compile(r"(.)\1+")


@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _single_letters(token: str) -> str:
    """`token` with doubled letters single (`jongg` -> `jong`); memoised per word (hot path)."""
    return _DOUBLED.sub(r"\1", token)


# `Oleksandrovych` is the son of an Oleksandr, not a long form of the name.
_PATRONYMIC_SUFFIXES = (
    "ovich",
    "evich",
    "ovych",
    "evych",
    "ovna",
    "evna",
    "ichna",
    "ivna",
    "oglu",
    "ogly",
    "ovic",
)

# Default alert threshold. Where it came from: `python -m bench.accuracy --sweep` on the 826-pair
# name bench (`name_bench_cases.csv`): F1 0.901 at 0.68-0.70 (P 0.923, R 0.880), 0.892 at 0.66,
# 0.897 at 0.72, 0.896 at 0.74, 0.881 at 0.76, 0.864 at 0.62. 0.70 is the top of the plateau and
# the same nominal threshold as nomenklatura logic-v2 (F1 0.794, P 0.762 there).

DEFAULT_THRESHOLD = 0.70

# Token-pair similarities (OSA similarity, 1 - edits / longer length, a swap of two letters being
# one edit) below this are not a pair at all but two different words: 0.65 lets `schulze`~`scholz`
# (2 edits in 7) pair while `frank`~`frederik` does not. Value from the name bench sweep
# (`python -m bench.accuracy --sweep`; grid over this, TYPO_FLOOR, SHORT_SIDE_WEIGHT, CONFLICT_FACTOR).
MIN_PAIR_SIMILARITY = 0.65
# The similarities and factors below are judgement values checked on the name bench: moving any
# one of them by +-0.1 changes F1 by at most 0.004 (set the module constant and
# rerun `bench.accuracy`), except CONFLICT_FACTOR (0.9 costs 0.027) and SINGLE_TOKEN_FACTOR (0.75
# costs 0.004), which were therefore swept on a grid.
# An initial stands for any word starting with it; it identifies less than the full word.
INITIAL_SIMILARITY = 0.8

# `Ben` ~ `Benjamin`, `Alex` ~ `Alexander`: a person's short form is a prefix of the long form.
PREFIX_SIMILARITY = 0.75
MIN_PREFIX_LENGTH = 3
# Token pairs by edit distance: similarity at or below this floor earns no credit, 1 earns all
# (see `_typo_credit`): one edit in a long word costs little, two in a short word a lot. From the
# same sweep (0.3 best of 0.2-0.6).
TYPO_FLOOR = 0.3
# ... and a pair more than this many edits apart (OSA) is no typo at all, however long the words:
# slips of the keyboard or ear rarely touch three letters of one word, while names built on one
# stem do (`Monteiro`/`Montenegro`, `Pezeshfar`/`Pezeshkian`, `Petromechanical`/`Petrochemical`).
# On the name bench the 3+-edit typo pairs were 8 non-matches to 1 match (whose identical pair is
# also labelled a non-match); 2-edit pairs are mostly matches (`Khordorovsky`/`Khodorkovsky`).
MAX_TYPO_EDITS = 2
# `Jong-uun`/`Jong-un`, `Mohammed`/`Mohamed`: a doubled letter is a spelling habit, not a new name.
DOUBLED_LETTER_SIMILARITY = 0.95
# `U.S.`/`United States`, `PLA`/`People's Liberation Army`: a word made of the other's initials.
ACRONYM_SIMILARITY = 0.9
# `Intl`/`International`, `Mgmt`/`Management`: a contraction of a generic business word keeps its
# first and last letter and some in between, in order (organisations only; distinctive words are
# not contracted in payments, and `batr` is not `bogatyr`).

ABBREVIATION_SIMILARITY = 0.85

MIN_ACRONYM_LENGTH = 2
MAX_ACRONYM_LENGTH = 6
# Latin spellings with the same consonant skeleton (`husayn`/`hussein`) are variants of one name.
SPELLING_VARIANT_SIMILARITY = 0.85
MIN_SKELETON_LENGTH = 3
# ... and start alike and have about the same length (`batr` is not `battery`).
SPELLING_VARIANT_MIN_LENGTH_RATIO = 0.75
# A transliterated name matched only on its consonant skeleton is good but not certain evidence.
SKELETON_DISCOUNT = 0.9
# The shorter name's coverage weighs this much; the longer one's the rest. The sweep found 0.5
# (a plain average, which keeps the score symmetric) as good as 0.6-0.7: extra middle names are
# already forgiven by the conflict rule only firing when both sides have unmatched words.
SHORT_SIDE_WEIGHT = 0.5
# Each side has a distinctive token the other lacks: multiply by this (name bench: differing
# surnames/given names must fall well under the threshold; 0.7 and 0.8 tie in the sweep).
CONFLICT_FACTOR = 0.8
# `Salman bin Muhammad` vs `Muhammad bin Salman`: the son is not the father. Strong enough to
# take an otherwise identical name well under the threshold.
PATRONYMIC_SWAP_FACTOR = 0.6
# Only one distinctive token on the short side while the long side has several: `WALIJAN` alone
# says little about `WALIJAN ABDUL GHAFOOR HAQQANI`.
SINGLE_TOKEN_FACTOR = 0.85
# Numbers identify (`Fund 23` vs `Fund 24`); differing numbers multiply by this.
NUMBER_CONFLICT_FACTOR = 0.9
# When the matched tokens of one side are only generic words while the other has distinctive ones,
# the score cannot exceed this: generic words never make a hit on their own.
GENERIC_ONLY_CAP = 0.5
# Joined/split words: the two names equal once spaces are removed (`TSMR Bank` vs `TSMRBANK`).
JOINED_SIMILARITY = 0.97
# Two joined tokens vs one word: at most one edit in five (`tsmr bank` ~ `tsmrbank`, `jin ping` ~ `jinping`).
JOINED_MIN_SIMILARITY = 0.8
# Qualifiers applied when the caller knows them and the entry lists them.
COUNTRY_MISMATCH_PENALTY = 0.10
BIRTH_YEAR_MISMATCH_PENALTY = 0.15
BIRTH_DATE_MATCH_BONUS = 0.05
# A weak alias (OFAC 'weak a.k.a.', UN low-quality) only counts when practically exact.
WEAK_ALIAS_MIN_SCORE = 0.97


@dataclass(frozen=True, slots=True)
class Comparison:
    """The result of comparing two names: score in [0, 1], human explanation, features fired."""

    score: float
    explanation: str
    features: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class NameMatch:
    """One listed entry hit by a screened name; `matched_name` is the listed spelling that scored."""

    entry: ListEntry
    matched_name: str
    score: float
    explanation: str
    features: tuple[tuple[str, float], ...]


class PreparedName:
    """A normalised name with its per-token weights, computed once (the Rust port derives the
    consonant skeletons and doubled-letter forms it needs itself).

    Immutable by contract (the attributes are `Final`; mypy rejects assignments). A plain slotted
    class rather than a frozen dataclass, whose `__init__` (one `object.__setattr__` per field)
    cost about a microsecond per screened name; equality, hash and repr are the dataclass ones.
    """

    __slots__ = (
        "distinctive_weight",
        "joined",
        "name",
        "numbers",
        "tokens",
        "total_weight",
        "weights",
    )

    def __init__(
        self,
        name: NormalisedName,
        tokens: tuple[str, ...],
        weights: tuple[float, ...],
        joined: str,
        total_weight: float,
        distinctive_weight: float,
        numbers: frozenset[str],
    ) -> None:
        self.name: Final = name
        self.tokens: Final = tokens
        self.weights: Final = weights
        self.joined: Final = joined
        self.total_weight: Final = total_weight
        self.distinctive_weight: Final = distinctive_weight
        self.numbers: Final = numbers

    def _fields(self) -> tuple[object, ...]:
        return (
            self.name,
            self.tokens,
            self.weights,
            self.joined,
            self.total_weight,
            self.distinctive_weight,
            self.numbers,
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, PreparedName)
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (
            f"PreparedName(name={self.name!r}, tokens={self.tokens!r}, weights={self.weights!r}, "
            f"joined={self.joined!r}, "
            f"total_weight={self.total_weight!r}, distinctive_weight={self.distinctive_weight!r}, "
            f"numbers={self.numbers!r})"
        )


def prepare(text: str, form: NameForm = "any") -> PreparedName:
    """Normalise `text` and precompute what the comparison needs. Never raises on any `str`."""
    return prepare_normalised(normalise_name(text, form))


def prepare_normalised(name: NormalisedName) -> PreparedName:
    """Precompute the token weights and their sums for an already normalised name."""
    tokens = name.tokens
    weights = token_weights(tokens)
    joined = "".join(tokens)
    return PreparedName(
        name,
        tokens,
        weights,
        joined,
        sum(weights),
        sum([w for w in weights if w > GENERIC_WEIGHT]),
        # (tokens are `[a-z0-9]`: one without a digit in `joined` has none of its own)
        frozenset([t for t in tokens if t.isdigit()]) if _DIGIT.search(joined) else _NO_NUMBERS,
    )


_DIGIT = re.compile("[0-9]")
_NO_NUMBERS: frozenset[str] = frozenset()

# Weights of particles and generic words, looked up before calling `token_weight` (hot path).
_WEIGHTS: dict[str, float] = {t: token_weight(t) for t in PARTICLES | GENERIC_WORDS}
# ... and of any other word, memoised by the word alone (`token_weight` is pure).
_other_weight = functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)(token_weight)


def token_weights(tokens: tuple[str, ...]) -> tuple[float, ...]:
    """`token_weight` of each token (the weights of `PreparedName`)."""
    return tuple([_WEIGHTS.get(t) or _other_weight(t) for t in tokens])


def _is_subsequence(short: str, long_: str) -> bool:
    """True when the letters of `short` appear in `long_` in order."""
    letters = iter(long_)
    return all(char in letters for char in short)


def _typo_credit(sim: float) -> float:
    """How much a pair `sim` apart by edits counts: a steep ramp from `TYPO_FLOOR` (no credit) to
    1 (full), because an edit in a short name part is often another name (`Sancho`/`Sanchez`)."""
    return max(0.0, (sim - TYPO_FLOOR) / (1.0 - TYPO_FLOOR))


def _token_similarity(
    qa: PreparedName, i: int, qb: PreparedName, j: int, person: bool, lenient: bool
) -> tuple[float, str]:
    """Similarity credit of token `i` of `qa` and `j` of `qb` in [0, 1] and which rule produced it
    ('' when none)."""
    a, b = qa.tokens[i], qb.tokens[j]
    if a == b:
        return 1.0, "exact"
    return _pair_similarity(a, b, person, lenient)


# Distinct (word, word) pairs remembered by `_pair_similarity`: overlapping free-text windows and
# repeated payment names compare the same words again and again. About 100 bytes each.
PAIR_CACHE_SIZE = 1 << 17


@functools.lru_cache(maxsize=PAIR_CACHE_SIZE)
def _pair_similarity(a: str, b: str, person: bool, lenient: bool) -> tuple[float, str]:
    """`_token_similarity` of two different words; depends on the words alone, so memoised."""
    if a.isdigit() or b.isdigit():
        return 0.0, ""  # numbers are equal or different, never 'close'
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) == 1:
        # an initial stands for a person's name; in other names a letter is just a letter
        return (INITIAL_SIMILARITY, "initial") if person and long_[0] == short else (0.0, "")

    if _single_letters(a) == _single_letters(b):
        return DOUBLED_LETTER_SIMILARITY, "doubled letter"
    raw = OSA.normalized_similarity(a, b)  # a swap of two letters is one edit
    sim = _typo_credit(raw) if raw >= MIN_PAIR_SIMILARITY else 0.0
    if sim and OSA.distance(a, b, score_cutoff=MAX_TYPO_EDITS) > MAX_TYPO_EDITS:
        sim = 0.0  # too many edits: two names sharing a stem (later rules may still pair them)
    how = "typo" if sim > 0 else ""
    if (
        person
        and len(short) >= MIN_PREFIX_LENGTH
        and long_.startswith(short)
        and sim < PREFIX_SIMILARITY
        and not long_.endswith(_PATRONYMIC_SUFFIXES)
    ):
        sim, how = PREFIX_SIMILARITY, "short form"
    if (
        not person
        and long_ in GENERIC_WORDS
        and sim < ABBREVIATION_SIMILARITY
        and MIN_PREFIX_LENGTH <= len(short) <= MAX_ACRONYM_LENGTH < len(long_)
        and short[0] == long_[0]
        and short[-1] == long_[-1]
        and _is_subsequence(short, long_)
    ):
        sim, how = ABBREVIATION_SIMILARITY, "abbreviation"  # `intl` ~ `international`
    if sim < SKELETON_DISCOUNT:
        ska, skb = consonant_skeleton(a), consonant_skeleton(b)
        if ska and skb:
            if lenient:
                # another script: romanisations disagree on vowels and voicing
                sk = Levenshtein.normalized_similarity(ska, skb) * SKELETON_DISCOUNT
                if sk > sim:
                    sim, how = sk, "transliteration"
            elif (
                # `husayn`/`hussein`, `qaddafi`/`gaddafi`: spelling variants of one sound
                ska == skb
                and sim < SPELLING_VARIANT_SIMILARITY
                and len(ska) >= MIN_SKELETON_LENGTH
                and a[0].translate(SKELETON_MAP) == b[0].translate(SKELETON_MAP)
                and len(short) >= SPELLING_VARIANT_MIN_LENGTH_RATIO * len(long_)
            ):
                sim, how = SPELLING_VARIANT_SIMILARITY, "spelling variant"

    return sim, how


@dataclass(slots=True)
class _Pair:
    a: tuple[int, ...]
    b: tuple[int, ...]
    sim: float
    how: str


def _align(qa: PreparedName, qb: PreparedName, person: bool, lenient: bool) -> list[_Pair]:
    """One-to-one token alignment: equal tokens first, then the best fuzzy pairs among the rest."""
    ta, tb = qa.tokens, qb.tokens
    chosen: list[_Pair] = []
    free_b = list(range(len(tb)))
    left_a: list[int] = []
    for i, x in enumerate(ta):
        for k, j in enumerate(free_b):
            if tb[j] == x:
                chosen.append(_Pair((i,), (j,), 1.0, "exact"))
                del free_b[k]
                break
        else:
            left_a.append(i)
    if not left_a or not free_b:
        return chosen
    pairs: list[_Pair] = []
    for i in left_a:
        for j in free_b:
            sim, how = _token_similarity(qa, i, qb, j, person, lenient)

            if sim > 0.0:
                pairs.append(_Pair((i,), (j,), sim, how))
    # Joined tokens: two adjacent tokens on one side written as one word on the other.
    _joined_pairs(ta, tb, left_a, free_b, pairs, swap=False, lenient=lenient)
    _joined_pairs(tb, ta, free_b, left_a, pairs, swap=True, lenient=lenient)
    _acronym_pairs(ta, tb, left_a, free_b, pairs, swap=False)
    _acronym_pairs(tb, ta, free_b, left_a, pairs, swap=True)
    if not pairs:
        return chosen
    # Best pairs first; among equals, the pair covering more tokens first.
    pairs.sort(key=lambda p: (p.sim, len(p.a) + len(p.b)), reverse=True)
    used_a: set[int] = set()
    used_b: set[int] = set()
    for pair in pairs:
        if used_a.isdisjoint(pair.a) and used_b.isdisjoint(pair.b):
            chosen.append(pair)
            used_a.update(pair.a)
            used_b.update(pair.b)
    return chosen


def _acronym_pairs(
    ta: tuple[str, ...],
    tb: tuple[str, ...],
    free_a: list[int],
    free_b: list[int],
    out: list[_Pair],
    swap: bool,
) -> None:
    """A word of `ta` spelling the initials of consecutive free words of `tb` (particles such as
    `of` may be skipped): `us` ~ `united states`, `pla` ~ `peoples liberation army`."""
    free = set(free_b)
    for i in free_a:
        word = ta[i]
        if not (MIN_ACRONYM_LENGTH <= len(word) <= MAX_ACRONYM_LENGTH) or not word.isalpha():
            continue
        for start in free_b:
            if tb[start][0] != word[0]:
                continue
            initials = ""
            span: list[int] = []
            j = start
            while j in free and len(initials) < len(word):
                if tb[j] not in PARTICLES or not initials:
                    initials += tb[j][0]
                span.append(j)
                j += 1
            if initials == word and len(span) >= 2:
                pair = (
                    _Pair(tuple(span), (i,), ACRONYM_SIMILARITY, "acronym")
                    if swap
                    else _Pair((i,), tuple(span), ACRONYM_SIMILARITY, "acronym")
                )
                out.append(pair)


def _joined_pairs(
    ta: tuple[str, ...],
    tb: tuple[str, ...],
    free_a: list[int],
    free_b: list[int],
    out: list[_Pair],
    swap: bool,
    lenient: bool,
) -> None:
    """Two adjacent free words of `ta` written as one word of `tb` (`abd allah` ~ `abdullah`
    across scripts, by consonant skeleton)."""
    free = set(free_a)
    for i in free_a:
        if i + 1 not in free:
            continue
        joined = ta[i] + ta[i + 1]
        for j in free_b:
            y = tb[j]
            sim = 0.0
            if len(y) >= len(joined) - 2:
                sim = Levenshtein.normalized_similarity(joined, y, score_cutoff=JOINED_MIN_SIMILARITY)
            if not sim and lenient:
                sk_joined, sk_y = consonant_skeleton(joined), consonant_skeleton(y)
                if len(sk_y) >= MIN_SKELETON_LENGTH and sk_joined == sk_y:
                    sim = SKELETON_DISCOUNT
            if sim:
                pair = (
                    _Pair((j,), (i, i + 1), sim, "joined") if swap else _Pair((i, i + 1), (j,), sim, "joined")
                )
                out.append(pair)


def _fmt(value: float) -> str:
    return f"{value:.2f}"


@dataclass(slots=True)
class _Outcome:
    """The facts of one comparison, from which the score and (on demand) the explanation follow."""

    score: float
    chosen: list[_Pair]
    cov_a: float = 0.0
    cov_b: float = 0.0
    left_a: tuple[int, ...] = ()
    left_b: tuple[int, ...] = ()
    joined_equal: bool = False
    conflict: bool = False
    single_token: bool = False
    generic_only: bool = False
    number_mismatch: bool = False
    patronymic_swapped: bool = False
    syllable_cap: float = 1.0


def combined_coverage(total_a: float, total_b: float, cov_a: float, cov_b: float) -> float:
    """A comparison's score before any factor: the shorter name's coverage weighs
    `SHORT_SIDE_WEIGHT`, the longer one's the rest (`_outcome` and every bound of it)."""
    if total_a <= total_b:
        return SHORT_SIDE_WEIGHT * cov_a + (1 - SHORT_SIDE_WEIGHT) * cov_b
    return SHORT_SIDE_WEIGHT * cov_b + (1 - SHORT_SIDE_WEIGHT) * cov_a


def single_token(distinctive_a: float, distinctive_b: float) -> bool:
    """True when one name has a single distinctive token and the other several (the rule of
    `SINGLE_TOKEN_FACTOR`)."""
    return min(distinctive_a, distinctive_b) <= 1.0 and max(distinctive_a, distinctive_b) >= 2.0


def name_factors(
    score: float,
    distinctive_a: float,
    distinctive_b: float,
    numbers_a: frozenset[str],
    numbers_b: frozenset[str],
) -> float:
    """`score` times the factors of `_outcome` that depend on the two names alone, not on their
    alignment (single token, then differing numbers), applied in `_outcome`'s order: what every
    bound of the score applies exactly."""
    if single_token(distinctive_a, distinctive_b):
        score *= SINGLE_TOKEN_FACTOR
    if numbers_a != numbers_b:
        score *= NUMBER_CONFLICT_FACTOR
    return score


def _outcome(qa: PreparedName, qb: PreparedName, kind: PartyKind) -> _Outcome:
    if qa.tokens != qb.tokens and (qa.joined == qb.joined or qa.name.unstripped == qb.name.unstripped):
        return _Outcome(JOINED_SIMILARITY, [], joined_equal=True)
    # Romanisation variance only exists across scripts: two Cyrillic names transliterate alike.
    lenient = qa.name.transliterated != qb.name.transliterated
    chosen = _align(qa, qb, kind == "person", lenient)
    wa, wb = qa.weights, qb.weights
    got_a = got_b = 0.0
    distinct = False
    used_a: set[int] = set()
    used_b: set[int] = set()
    for pair in chosen:
        pa = sum(wa[i] for i in pair.a)
        pb = sum(wb[j] for j in pair.b)
        got_a += pair.sim * pa
        got_b += pair.sim * pb
        if pa > GENERIC_WEIGHT or pb > GENERIC_WEIGHT:
            distinct = True
        used_a.update(pair.a)
        used_b.update(pair.b)
    cov_a = got_a / qa.total_weight
    cov_b = got_b / qb.total_weight
    left_a = tuple(i for i in range(len(qa.tokens)) if i not in used_a)
    left_b = tuple(j for j in range(len(qb.tokens)) if j not in used_b)
    score = combined_coverage(qa.total_weight, qb.total_weight, cov_a, cov_b)
    out = _Outcome(score, chosen, cov_a, cov_b, left_a, left_b)
    # A distinctive word on each side without a partner: two different names.
    if any(wa[i] > GENERIC_WEIGHT for i in left_a) and any(wb[j] > GENERIC_WEIGHT for j in left_b):
        out.conflict = True
        out.score *= CONFLICT_FACTOR
    if single_token(qa.distinctive_weight, qb.distinctive_weight):
        out.single_token = True
        out.score *= SINGLE_TOKEN_FACTOR
    if chosen and all(
        p.how in ("acronym", "initial") for p in chosen if _pair_weight(qa, qb, p) > GENERIC_WEIGHT
    ):
        distinct = False  # initials alone (`N.N.`, `MB`) identify nobody
    if (
        not distinct
        and out.score > GENERIC_ONLY_CAP
        and max(qa.distinctive_weight, qb.distinctive_weight) > 0
    ):
        out.generic_only = True
        out.score = GENERIC_ONLY_CAP
    if qa.numbers != qb.numbers:
        out.number_mismatch = True
        out.score *= NUMBER_CONFLICT_FACTOR
    if _patronymic_swapped(qa, qb, chosen):
        out.patronymic_swapped = True
        out.score *= PATRONYMIC_SWAP_FACTOR
    cap = _same_script_syllables_cap(qa, qb)
    if cap < out.score:
        out.syllable_cap = cap
        out.score = cap
    return out


_PATRONYMIC = frozenset({"bin", "ibn", "bint", "ben"})


def _own_name_index(tokens: tuple[str, ...]) -> int | None:
    """Index of the word before the first `bin`/`ibn` (the person's own name in `X bin Y`)."""
    for index in range(1, len(tokens)):
        if tokens[index] in _PATRONYMIC:
            return None if tokens[index - 1] in PARTICLES else index - 1
    return None


def _patronymic_swapped(qa: PreparedName, qb: PreparedName, chosen: list[_Pair]) -> bool:
    """`Salman bin Muhammad` vs `Muhammad bin Salman`: father and son are different people."""
    own_a = _own_name_index(qa.tokens)
    own_b = _own_name_index(qb.tokens)
    if own_a is None or own_b is None:
        return False
    for pair in chosen:
        if own_a in pair.a:
            return own_b not in pair.b
    return False


def _syllables(text: str) -> str:
    return "".join(c for c in text if is_syllabic(c))


def _same_script_syllables_cap(qa: PreparedName, qb: PreparedName) -> float:
    """Upper bound for two names written in the same syllabic script (Han, Hangul).

    Each character is a syllable and often a whole name part, so `习近朋` vs `习近平` differ in a
    third of the name even though their romanisations differ in one letter: the score is capped at
    the squared character similarity.
    """
    if not (qa.name.transliterated and qb.name.transliterated):
        return 1.0
    sa, sb = _syllables(qa.name.original), _syllables(qb.name.original)
    if not sa or not sb or sa == sb or script_of(sa[0]) != script_of(sb[0]):
        return 1.0
    return Levenshtein.normalized_similarity(sa, sb) ** 2


def inert_number_length(other: PreparedName) -> float:
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
    return (1 - JOINED_MIN_SIMILARITY) * (max(map(len, other.tokens)) + 2) + _FLOAT_SLACK


def partner_mask(word: str, other: PreparedName, person: bool) -> int:
    """Bits j set for every token j of `other` that `word` may be aligned with (see `_align`) when
    it is a token of any name in Latin script compared with `other`.

    Guarantees: never a clear bit where `_align` could pair `word` with token j as a word, as half
    of a joined pair with a neighbour, or as an acronym of words of `other`. Not covered: a word of
    `other` spelling the initials of a run of words holding `word` (that depends on the whole name;
    `masked_score_bound` finds it). Bits may be set needlessly; all bits when `other` was
    transliterated. Depends on `word` and `other` alone (callers memoise it).
    """
    tb = other.tokens
    if other.name.transliterated:
        return (1 << len(tb)) - 1  # romanisation variants: any pair may be a skeleton match
    number = word.isdigit()
    if number and len(word) > inert_number_length(other):
        return 0  # the common case in free text: an invoice number against a name of letters
    mask = 0
    for j, y in enumerate(tb):
        if word == y:
            mask |= 1 << j
        elif not (number or y.isdigit()) and _pair_similarity(word, y, person, False)[0] > 0.0:
            mask |= 1 << j  # (different numbers never pair; nor is a number kept in the memo)
        elif (not number or _few_missing(word, y)) and _may_join_into(word, y):
            mask |= 1 << j
    for j in range(len(tb) - 1):
        joined = tb[j] + tb[j + 1]  # `word` may be two adjacent words of `other` written as one
        if len(word) >= len(joined) - 2 and Levenshtein.normalized_similarity(
            joined, word, score_cutoff=JOINED_MIN_SIMILARITY - _FLOAT_SLACK
        ):
            mask |= 3 << j
    spelled: list[_Pair] = []
    _acronym_pairs((word,), tb, [0], list(range(len(tb))), spelled, swap=False)
    for pair in spelled:
        for j in pair.b:
            mask |= 1 << j
    return mask


# Float comparisons in the over-approximations below are made this much more generous.
_FLOAT_SLACK = 1e-9


def _few_missing(word: str, listed: str) -> bool:
    """False when `word` has more letters missing from `listed` than a joined pair allows (the
    check `_may_join_into` starts with, without filling its memo with one-off numbers)."""
    budget = (1 - JOINED_MIN_SIMILARITY) * (len(listed) + 2) + _FLOAT_SLACK
    return sum(1 for char in word if char not in listed) <= budget


@functools.lru_cache(maxsize=PAIR_CACHE_SIZE)
def _may_join_into(word: str, listed: str) -> bool:
    """False only when no word w makes `word + w` or `w + word` a joined pair with `listed`.

    `_joined_pairs` needs len(listed) >= len(joined) - 2 and similarity >= JOINED_MIN_SIMILARITY,
    so at most (1 - JOINED_MIN_SIMILARITY) * (len(listed) + 2) edits; aligning `word` with a prefix
    (or suffix) of `listed` is part of those edits.
    """
    if len(listed) < len(word) - 1:
        return False
    budget = (1 - JOINED_MIN_SIMILARITY) * (len(listed) + 2) + _FLOAT_SLACK
    if sum(1 for char in word if char not in listed) > budget:
        return False  # each letter `listed` lacks costs an edit against any part of it
    return any(
        Levenshtein.distance(word, listed[:k]) <= budget or Levenshtein.distance(word, listed[k:]) <= budget
        for k in range(len(listed) + 1)
    )


def masked_score_bound(qa: PreparedName, masks: list[int], qb: PreparedName) -> float:
    """A value never below `score_prepared(qa, qb, kind)` (before its rounding to 4 decimals) when
    `masks[i] == partner_mask(qa.tokens[i], qb, kind == "person")` and `qa` is in Latin script.

    Tokens that may pair are credited in full; the factors that depend on the names alone
    (single token, numbers, syllables) apply exactly, the conflict factor when each side has a
    distinctive token that can pair with nothing. Cheap: no alignment.
    """
    ta, tb = qa.tokens, qb.tokens
    if not ta or not tb:
        return 0.0
    if ta != tb and (qa.joined == qb.joined or qa.name.unstripped == qb.name.unstripped):
        return 1.0
    if any(MIN_ACRONYM_LENGTH <= len(y) <= min(MAX_ACRONYM_LENGTH, len(ta)) for y in tb):
        # a word of `qb` spelling the initials of a run of `qa` (the case `partner_mask` leaves
        # out); it needs a word of `qa` per letter, hence the length test first
        spelled: list[_Pair] = []
        _acronym_pairs(tb, ta, list(range(len(tb))), list(range(len(ta))), spelled, swap=True)
        if spelled:
            masks = list(masks)
            for pair in spelled:
                for i in pair.a:
                    masks[i] |= 1 << pair.b[0]
    covered = 0
    got_a = 0.0
    lone_a = lone_b = False
    for weight, mask in zip(qa.weights, masks, strict=True):
        if mask:
            got_a += weight
            covered |= mask
        elif weight > GENERIC_WEIGHT:
            lone_a = True
    got_b = 0.0
    for j, weight in enumerate(qb.weights):
        if covered >> j & 1:
            got_b += weight
        elif weight > GENERIC_WEIGHT:
            lone_b = True
    cov_a = min(1.0, got_a / qa.total_weight)
    cov_b = min(1.0, got_b / qb.total_weight)
    score = combined_coverage(qa.total_weight, qb.total_weight, cov_a, cov_b)
    if lone_a and lone_b:
        score *= CONFLICT_FACTOR  # those two stay unpaired whatever the alignment
    score = name_factors(score, qa.distinctive_weight, qb.distinctive_weight, qa.numbers, qb.numbers)
    return min(score, _same_script_syllables_cap(qa, qb))


def listed_coverage(qb: PreparedName, covered: int) -> tuple[float, bool]:
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
        elif weight > GENERIC_WEIGHT:
            lone = True
    return min(1.0, got / qb.total_weight) if qb.total_weight else 0.0, lone


def acronym_letters(qb: PreparedName) -> tuple[tuple[int, frozenset[str]], ...]:
    """(length, letters) of every token of `qb` that may spell the initials of another name's
    words (the tokens `_acronym_pairs` tries), input of `window_score_bound`."""
    return tuple(
        (len(y), frozenset(y))
        for y in qb.tokens
        if MIN_ACRONYM_LENGTH <= len(y) <= MAX_ACRONYM_LENGTH and y.isalpha()
    )


def window_score_bound(
    qa: PreparedName,
    masks: list[int],
    qb: PreparedName,
    coverage: tuple[float, bool],
    acronyms: tuple[tuple[int, frozenset[str]], ...],
) -> float:
    """A value never below `masked_score_bound(qa, masks, qb)` (hence never below the score)
    when `coverage == listed_coverage(qb, c)` for a `c` holding every bit of every mask and
    `acronyms == acronym_letters(qb)`.

    Cheaper per window of a free text than `masked_score_bound`: the listed side's coverage is
    worked out once per text (`coverage`) instead of once per window.
    """
    ta, tb = qa.tokens, qb.tokens
    if not ta or not tb:
        return 0.0
    if ta != tb and (qa.joined == qb.joined or qa.name.unstripped == qb.name.unstripped):
        return 1.0
    if acronyms:
        # a listed word spelling initials needs each of its letters to start a word of `qa`
        initials = {t[0] for t in ta}
        if any(n <= len(ta) and letters <= initials for n, letters in acronyms):
            return masked_score_bound(qa, masks, qb)  # the rare case: the exact bound itself
    got_a = 0.0
    lone_a = False
    for weight, mask in zip(qa.weights, masks, strict=True):
        if mask:
            got_a += weight
        elif weight > GENERIC_WEIGHT:
            lone_a = True
    cov_a = min(1.0, got_a / qa.total_weight)
    cov_b, lone_b = coverage
    score = combined_coverage(qa.total_weight, qb.total_weight, cov_a, cov_b)
    if lone_a and lone_b:
        score *= CONFLICT_FACTOR
    score = name_factors(score, qa.distinctive_weight, qb.distinctive_weight, qa.numbers, qb.numbers)
    return score


def score_prepared(qa: PreparedName, qb: PreparedName, kind: PartyKind = "any") -> float:
    """The score `compare_prepared` would give, without building its explanation (hot path)."""
    if not qa.tokens or not qb.tokens:
        return 0.0
    return min(1.0, max(0.0, round(_outcome(qa, qb, kind).score, 4)))


def compare_prepared(qa: PreparedName, qb: PreparedName, kind: PartyKind = "any") -> Comparison:
    """Compare two prepared names (see module doc). Guarantees: score in [0, 1]; never raises."""
    if not qa.tokens or not qb.tokens:
        return Comparison(0.0, "no comparable name tokens", (("empty", 1.0),))
    return _explain(qa, qb, _outcome(qa, qb, kind))


def compare_prepared_reaching(
    qa: PreparedName, qb: PreparedName, kind: PartyKind, threshold: float
) -> Comparison | None:
    """`compare_prepared(qa, qb, kind)` when `score_prepared(qa, qb, kind) >= threshold`, else None.

    One alignment instead of two for a hit, and no explanation built for a miss (hot path).
    """
    if not qa.tokens or not qb.tokens:
        return compare_prepared(qa, qb, kind) if threshold <= 0.0 else None
    out = _outcome(qa, qb, kind)
    if min(1.0, max(0.0, round(out.score, 4))) < threshold:
        return None
    return _explain(qa, qb, out)


def _explain(qa: PreparedName, qb: PreparedName, out: _Outcome) -> Comparison:
    """The comparison with its explanation and features, from the facts of `_outcome`."""
    features: list[tuple[str, float]] = []
    notes: list[str] = []
    if out.joined_equal:
        features.append(("joined_tokens", 1.0))
        notes.append("same letters once spaces are removed (joined/split words)")
        return _finish(out.score, qa, qb, features, notes)
    rare = [
        " ".join(qb.tokens[j] for j in p.b)
        for p in out.chosen
        if any(qa.weights[i] > GENERIC_WEIGHT for i in p.a)
        or any(qb.weights[j] > GENERIC_WEIGHT for j in p.b)
    ][:3]
    matched_b = len(qb.tokens) - len(out.left_b)
    features.append(("coverage_query", round(out.cov_a, 4)))
    features.append(("coverage_listed", round(out.cov_b, 4)))
    notes.append(
        f"token overlap {matched_b}/{len(qb.tokens)}" + (f" (rare: {', '.join(rare)})" if rare else "")
    )
    kinds: dict[str, int] = {}
    for pair in out.chosen:
        if pair.how != "exact":
            kinds[pair.how] = kinds.get(pair.how, 0) + 1
    for how, count in sorted(kinds.items()):
        features.append((how.replace(" ", "_"), float(count)))
        notes.append(f"{how} x{count}")
    if _reordered(out.chosen):
        features.append(("reordered", 1.0))
        notes.append("reordered")
    if out.conflict:
        features.append(("conflict", round(CONFLICT_FACTOR - 1, 4)))
        notes.append(
            f"unmatched on both sides: {' '.join(qa.tokens[i] for i in out.left_a)} / "
            f"{' '.join(qb.tokens[j] for j in out.left_b)} x{_fmt(CONFLICT_FACTOR)}"
        )
    if out.single_token:
        features.append(("single_token", round(SINGLE_TOKEN_FACTOR - 1, 4)))
        notes.append(f"only one distinctive token x{_fmt(SINGLE_TOKEN_FACTOR)}")
    if out.generic_only:
        features.append(("generic_only", GENERIC_ONLY_CAP))
        notes.append(f"only generic words match, capped at {_fmt(GENERIC_ONLY_CAP)}")
    if out.number_mismatch:
        features.append(("number_mismatch", round(NUMBER_CONFLICT_FACTOR - 1, 4)))
        notes.append(f"numbers differ x{_fmt(NUMBER_CONFLICT_FACTOR)}")
    if out.patronymic_swapped:
        features.append(("patronymic_swapped", round(PATRONYMIC_SWAP_FACTOR - 1, 4)))
        notes.append(f"own name and father's name swapped (X bin Y) x{_fmt(PATRONYMIC_SWAP_FACTOR)}")
    if out.syllable_cap < 1.0:
        features.append(("syllables_differ", out.syllable_cap))
        notes.append(f"characters differ in the original script, capped at {_fmt(out.syllable_cap)}")
    return _finish(out.score, qa, qb, features, notes)


def _pair_weight(qa: PreparedName, qb: PreparedName, pair: _Pair) -> float:
    """The larger side weight of one aligned pair."""
    return max(sum(qa.weights[i] for i in pair.a), sum(qb.weights[j] for j in pair.b))


def _reordered(chosen: list[_Pair]) -> bool:
    order = sorted(chosen, key=lambda p: p.a[0])
    positions = [p.b[0] for p in order]
    return any(x > y for x, y in itertools.pairwise(positions))


def _finish(
    score: float,
    qa: PreparedName,
    qb: PreparedName,
    features: list[tuple[str, float]],
    notes: list[str],
) -> Comparison:
    legal = sorted(set(qa.name.legal_forms) | set(qb.name.legal_forms))
    if legal:
        features.append(("legal_form_removed", float(len(legal))))
        notes.append(f"legal form removed: {', '.join(legal)}")
    if qa.name.transliterated or qb.name.transliterated:
        features.append(("transliterated", 1.0))
        notes.append("transliterated to Latin")
    score = min(1.0, max(0.0, score))
    return Comparison(round(score, 4), "; ".join(notes), tuple(features))


def _form(kind: PartyKind) -> NameForm:
    return kind


def compare_names(a: str, b: str, *, kind: PartyKind = "any") -> Comparison:
    """Compare two free-form names of the given party kind.

    Guarantees: score in [0, 1]; never raises on any `str`; identical names score 1.0; the
    explanation names every feature that changed the score. Symmetric except for rounding of
    ties in the token alignment.
    """
    return compare_prepared(prepare(a, _form(kind)), prepare(b, _form(kind)), kind)


def apply_qualifiers(
    comparison: Comparison,
    entry: ListEntry,
    *,
    country: str | None,
    birth_date: str | None,
) -> Comparison:
    """Lower (or slightly raise) a name score by what the caller knows about the party.

    Country: when given and the entry lists countries, none equal -> minus
    `COUNTRY_MISMATCH_PENALTY`. Birth date: when given and the entry lists dates, a differing year
    -> minus `BIRTH_YEAR_MISMATCH_PENALTY`; an agreeing full prefix -> plus `BIRTH_DATE_MATCH_BONUS`.
    Guarantees: score stays in [0, 1].
    """
    score = comparison.score
    features = list(comparison.features)
    notes = [comparison.explanation] if comparison.explanation else []
    if country and entry.countries:
        code = country.strip().upper()
        if code not in entry.countries:
            score -= COUNTRY_MISMATCH_PENALTY
            features.append(("country_mismatch", -COUNTRY_MISMATCH_PENALTY))
            notes.append(f"country mismatch -{_fmt(COUNTRY_MISMATCH_PENALTY)}")
        else:
            features.append(("country_match", 0.0))
            notes.append(f"country {code} listed")
    if birth_date and entry.birth_dates:
        given = birth_date.strip()
        years = {d[:4] for d in entry.birth_dates}
        if given[:4] not in years:
            score -= BIRTH_YEAR_MISMATCH_PENALTY
            features.append(("birth_date_mismatch", -BIRTH_YEAR_MISMATCH_PENALTY))
            notes.append(f"birth year mismatch -{_fmt(BIRTH_YEAR_MISMATCH_PENALTY)}")
        elif any(given.startswith(d) or d.startswith(given) for d in entry.birth_dates):
            score += BIRTH_DATE_MATCH_BONUS
            features.append(("birth_date_match", BIRTH_DATE_MATCH_BONUS))
            notes.append(f"birth date agrees +{_fmt(BIRTH_DATE_MATCH_BONUS)}")
    score = round(min(1.0, max(0.0, score)), 4)
    return Comparison(score, "; ".join(notes), tuple(features))
