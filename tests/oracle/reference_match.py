"""The Python reference of the engine's comparison (`native/src/rules.rs`): a test oracle.

Slow and straightforward: `tests/unit/test_oracle.py` holds the production engine to the same
scores, pairs and explanations on generated names and the real lists. It reads the one
`ScreeningParams`, so a parameter changes both sides. Not used in production.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from rapidfuzz.distance import OSA, Levenshtein

from screening.matching.params import DEFAULT_PARAMS as P
from screening.matching.prepare import PreparedName
from screening.matching.results import Comparison, PartyKind
from screening.names import (
    GENERIC_WORDS,
    PARTICLES,
    SKELETON_MAP,
    TOKEN_CACHE_SIZE,
    consonant_skeleton,
    has_non_latin,
    is_syllabic,
    script_of,
)

_DOUBLED = re.compile(r"(.)\1+")


@functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)
def _single_letters(token: str) -> str:
    """`token` with doubled letters single (`jongg` -> `jong`); memoised per word (hot path)."""
    return _DOUBLED.sub(r"\1", token)


def _is_subsequence(short: str, long_: str) -> bool:
    """True when the letters of `short` appear in `long_` in order."""
    letters = iter(long_)
    return all(char in letters for char in short)


def _typo_credit(sim: float) -> float:
    """How much a pair `sim` apart by edits counts: a steep ramp from `P.typo_floor` (no credit) to
    1 (full), because an edit in a short name part is often another name (`Sancho`/`Sanchez`)."""
    return max(0.0, (sim - P.typo_floor) / (1.0 - P.typo_floor))


# What the scripts of two names allow their words to pair by (the engine's `Across`).
SAME_SCRIPT, ABJAD, ALPHABET, SYLLABLES = "same script", "abjad", "alphabet", "syllables"
_BY_SOUND = (ABJAD, ALPHABET)


def _is_abjad(text: str) -> bool:
    return any(lo <= ord(c) <= hi for c in text for lo, hi, _ in P.abjad_ranges)


def across(qa: PreparedName, qb: PreparedName) -> str:
    """How the words of `qa` and `qb` may pair: by spelling (one script), by consonants (one
    name from an abjad), by consonants and vowel places (another transliterated script), or as
    known spellings of one syllable (one name read from Han or Hangul)."""
    if bool(_syllables(qa.name.original)) != bool(_syllables(qb.name.original)):
        return SYLLABLES
    if qa.name.transliterated == qb.name.transliterated:
        return SAME_SCRIPT
    if _is_abjad(qa.name.original) or _is_abjad(qb.name.original):
        return ABJAD
    return ALPHABET


_VARIANT_GROUPS: dict[str, frozenset[int]] = {}
for _id, _group in enumerate(P.syllable_variants):
    for _word in _group.split():
        _VARIANT_GROUPS[_word] = _VARIANT_GROUPS.get(_word, frozenset()) | {_id}


def _same_syllable(a: str, b: str) -> bool:
    """`a` and `b` are spellings of one syllable (`P.syllable_variants`)."""
    return not _VARIANT_GROUPS.get(a, frozenset()).isdisjoint(_VARIANT_GROUPS.get(b, frozenset()))


def _token_similarity(
    qa: PreparedName, i: int, qb: PreparedName, j: int, person: bool, how_across: str
) -> tuple[float, str]:
    """Similarity credit of token `i` of `qa` and `j` of `qb` in [0, 1] and which rule produced it
    ('' when none)."""
    a, b = qa.tokens[i], qb.tokens[j]
    if a == b:
        return 1.0, "exact"
    return _pair_similarity(a, b, person, how_across)


# Distinct (word, word) pairs remembered by `_pair_similarity`: overlapping free-text windows and
# repeated payment names compare the same words again and again. About 100 bytes each.
PAIR_CACHE_SIZE = 1 << 17


@functools.lru_cache(maxsize=PAIR_CACHE_SIZE)
def _pair_similarity(a: str, b: str, person: bool, how_across: str) -> tuple[float, str]:
    """`_token_similarity` of two different words; depends on the words alone, so memoised."""
    if a.isdigit() or b.isdigit():
        return 0.0, ""  # numbers are equal or different, never 'close'
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if how_across == SYLLABLES and _same_syllable(a, b):
        return P.syllable_variant_similarity, "syllable variant"
    if len(short) == 1:
        # an initial stands for a person's name; in other names a letter is just a letter
        return (P.initial_similarity, "initial") if person and long_[0] == short else (0.0, "")
    if how_across == SYLLABLES:
        return 0.0, ""  # a syllable that looks like another is another: known spellings only

    if _single_letters(a) == _single_letters(b):
        return P.doubled_letter_similarity, "doubled letter"
    raw = OSA.normalized_similarity(a, b)  # a swap of two letters is one edit
    sim = _typo_credit(raw) if raw >= P.min_pair_similarity else 0.0
    if sim and OSA.distance(a, b, score_cutoff=P.max_typo_edits) > P.max_typo_edits:
        sim = 0.0  # too many edits: two names sharing a stem (later rules may still pair them)
    how = "typo" if sim > 0 else ""
    if (
        person
        and len(short) >= P.min_prefix_length
        and long_.startswith(short)
        and sim < P.prefix_similarity
        and not long_.endswith(P.patronymic_suffixes)
    ):
        sim, how = P.prefix_similarity, "short form"
    if (
        not person
        and long_ in GENERIC_WORDS
        and sim < P.abbreviation_similarity
        and P.min_prefix_length <= len(short) <= P.max_acronym_length < len(long_)
        and short[0] == long_[0]
        and short[-1] == long_[-1]
        and _is_subsequence(short, long_)
    ):
        sim, how = P.abbreviation_similarity, "abbreviation"  # `intl` ~ `international`
    if sim < P.skeleton_discount:
        ska, skb = consonant_skeleton(a), consonant_skeleton(b)
        if ska and skb:
            if how_across in _BY_SOUND:
                # another script: romanisations disagree on vowels and voicing
                sk = _transliteration_credit(a, b, ska, skb, how_across == ALPHABET)
                if sk > sim:
                    sim, how = sk, "transliteration"
            elif (
                # `husayn`/`hussein`, `qaddafi`/`gaddafi`: spelling variants of one sound
                ska == skb
                and sim < P.spelling_variant_similarity
                and len(ska) >= P.min_skeleton_length
                and a[0].translate(SKELETON_MAP) == b[0].translate(SKELETON_MAP)
                and len(short) >= P.spelling_variant_min_length_ratio * len(long_)
            ):
                sim, how = P.spelling_variant_similarity, "spelling variant"

    return sim, how


_SKELETON = dict(P.skeleton_map)


def _first_sound(token: str) -> str:
    """The first letter rewritten by the skeleton map ("" for any vowel)."""
    return _SKELETON.get(token[0], token[0])


def _vowel_key(token: str) -> str:
    """The token's letters rewritten as in the skeleton, each run of vowels one `a`."""
    mapped = "".join("a" if _SKELETON.get(c) == "" else _SKELETON.get(c, c) for c in token)
    return _single_letters(mapped)


def _vowels_placed_alike(a: str, b: str) -> bool:
    """The vowel keys are `P.transliteration_min_vowel_similarity` alike or, with enough
    consonants (`P.transliteration_near_min_skeleton_length`), hold as many runs."""
    ka, kb = _vowel_key(a), _vowel_key(b)
    consonants = min(len(ka) - ka.count("a"), len(kb) - kb.count("a"))
    return (
        consonants >= P.transliteration_near_min_skeleton_length and ka.count("a") == kb.count("a")
    ) or Levenshtein.normalized_similarity(ka, kb) >= P.transliteration_min_vowel_similarity


def _written_vowels_fit(a: str, b: str) -> bool:
    """One vowel key is a subsequence of the other (an abjad writes only long vowels)."""
    ka, kb = _vowel_key(a), _vowel_key(b)
    short, long_ = (ka, kb) if len(ka) <= len(kb) else (kb, ka)
    return _is_subsequence(short, long_)


_VOICED = str.maketrans(dict(P.voiced_skeleton_map))


def _voiced_skeleton(token: str) -> str:
    """The skeleton that keeps voicing (`P.voiced_skeleton_map`), repeats collapsed."""
    return _single_letters(token.translate(_VOICED))


def _place_holds(suffix: str, last: bool, following: str) -> bool:
    """Where a romanisation rule's letter may stand: `` anywhere, `-` not last, `$` last, `>x`
    just before `x`."""
    if suffix == "":
        return True
    if suffix == "-":
        return not last
    if suffix == "$":
        return last
    return suffix.startswith(">") and following == suffix[1:]


def _one_romanisation_apart(x: str, y: str) -> bool:
    """The skeletons differ by one consonant that `P.romanisation_dropped_letters` /
    `P.romanisation_swapped_letters` name, in its place."""
    if len(x) == len(y):
        differ = [i for i in range(len(x)) if x[i] != y[i]]
        if len(differ) != 1:
            return False
        i = differ[0]
        return any(
            {rule[0], rule[1]} == {x[i], y[i]}
            and rule[0] != rule[1]
            and _place_holds(rule[2:], i == len(x) - 1, "")
            for rule in P.romanisation_swapped_letters
        )
    short, long_ = (x, y) if len(x) < len(y) else (y, x)
    if len(long_) != len(short) + 1:
        return False
    i = next((k for k in range(len(short)) if short[k] != long_[k]), len(short))
    if short[i:] != long_[i + 1 :]:
        return False
    following = long_[i + 1] if i + 1 < len(long_) else ""
    return any(
        rule[0] == long_[i] and _place_holds(rule[1:], i == len(long_) - 1, following)
        for rule in P.romanisation_dropped_letters
    )


def _final_vowels_fit(a: str, b: str) -> bool:
    """Not one word ending in a final vowel an abjad writes (`P.abjad_written_final_vowels`) and
    the other in a consonant."""

    def ending(word: str) -> str:
        if word[-1] in P.abjad_written_final_vowels:
            return "written vowel"
        return "vowel" if _SKELETON.get(word[-1]) == "" else "consonant"

    return {ending(a), ending(b)} != {"written vowel", "consonant"}


def _transliteration_credit(a: str, b: str, ska: str, skb: str, vowels_written: bool) -> float:
    """Credit of two words from different scripts that sound alike (see the engine's
    `transliteration_credit`)."""
    if _first_sound(a) != _first_sound(b):
        return 0.0
    if vowels_written and not _vowels_placed_alike(a, b):
        return 0.0
    if not vowels_written and not _final_vowels_fit(a, b):
        return 0.0
    if vowels_written:
        ska, skb = _voiced_skeleton(a), _voiced_skeleton(b)
    if ska == skb:
        fits = vowels_written or _written_vowels_fit(a, b)
        return P.skeleton_discount if len(ska) >= P.transliteration_min_skeleton_length and fits else 0.0
    near = P.transliteration_near_min_skeleton_length
    if len(ska) >= near and len(skb) >= near and _one_romanisation_apart(ska, skb):
        return P.transliteration_near_similarity
    return 0.0


@dataclass(slots=True)
class _Pair:
    a: tuple[int, ...]
    b: tuple[int, ...]
    sim: float
    how: str


def _align(qa: PreparedName, qb: PreparedName, person: bool, how_across: str) -> list[_Pair]:
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
            sim, how = _token_similarity(qa, i, qb, j, person, how_across)

            if sim > 0.0:
                pairs.append(_Pair((i,), (j,), sim, how))
    # Joined tokens: two adjacent tokens on one side written as one word on the other.
    _joined_pairs(ta, tb, left_a, free_b, pairs, swap=False, how_across=how_across)
    _joined_pairs(tb, ta, free_b, left_a, pairs, swap=True, how_across=how_across)
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
        if not (P.min_acronym_length <= len(word) <= P.max_acronym_length) or not word.isalpha():
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
                    _Pair(tuple(span), (i,), P.acronym_similarity, "acronym")
                    if swap
                    else _Pair((i,), tuple(span), P.acronym_similarity, "acronym")
                )
                out.append(pair)


def _joined_pairs(
    ta: tuple[str, ...],
    tb: tuple[str, ...],
    free_a: list[int],
    free_b: list[int],
    out: list[_Pair],
    swap: bool,
    how_across: str,
) -> None:
    """Two adjacent free words of `ta` written as one word of `tb` (`abd allah` ~ `abdullah`
    across scripts, by consonant skeleton; two syllables only as the same letters)."""
    free = set(free_a)
    for i in free_a:
        if i + 1 not in free:
            continue
        joined = ta[i] + ta[i + 1]
        for j in free_b:
            y = tb[j]
            sim = 0.0
            if how_across == SYLLABLES:
                sim = 1.0 if joined == y else 0.0
            elif len(y) >= len(joined) - P.joined_max_extra_letters:
                sim = Levenshtein.normalized_similarity(joined, y, score_cutoff=P.joined_min_similarity)
            if not sim and how_across in _BY_SOUND:
                sk_joined, sk_y = consonant_skeleton(joined), consonant_skeleton(y)
                if (
                    len(sk_y) >= P.min_skeleton_length
                    and sk_joined == sk_y
                    and (how_across == ABJAD or _vowels_placed_alike(joined, y))
                ):
                    sim = P.skeleton_discount
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
    syllable_unpaired: bool = False
    single_word_by_sound: bool = False
    syllable_misread: tuple[str, ...] = ()
    lone_word_by_sound: bool = False
    unalike_word_by_sound: bool = False
    company_word_by_typo: bool = False
    single_token: bool = False
    generic_only: bool = False
    number_mismatch: bool = False
    patronymic_swapped: bool = False
    kunya_apart: bool = False
    syllable_cap: float = 1.0


def combined_coverage(total_a: float, total_b: float, cov_a: float, cov_b: float) -> float:
    """A comparison's score before any factor: the shorter name's coverage weighs
    `P.short_side_weight`, the longer one's the rest (`_outcome` and every bound of it)."""
    if total_a <= total_b:
        return P.short_side_weight * cov_a + (1 - P.short_side_weight) * cov_b
    return P.short_side_weight * cov_b + (1 - P.short_side_weight) * cov_a


def single_token(distinctive_a: float, distinctive_b: float) -> bool:
    """True when one name has a single distinctive token and the other several (the rule of
    `P.single_token_factor`)."""
    return (
        min(distinctive_a, distinctive_b) <= P.single_token_max_weight
        and max(distinctive_a, distinctive_b) >= P.several_tokens_min_weight
    )


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
        score *= P.single_token_factor
    if numbers_a != numbers_b:
        score *= P.number_conflict_factor
    return score


def _outcome(qa: PreparedName, qb: PreparedName, kind: PartyKind) -> _Outcome:
    if qa.tokens != qb.tokens and (qa.joined == qb.joined or qa.name.unstripped == qb.name.unstripped):
        return _Outcome(P.joined_similarity, [], joined_equal=True)
    # Romanisation variance only exists across scripts: two Cyrillic names transliterate alike.
    how_across = across(qa, qb)
    chosen = _align(qa, qb, kind == "person", how_across)
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
        if pa > P.generic_weight or pb > P.generic_weight:
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
    lone_a = any(wa[i] > P.generic_weight for i in left_a)
    lone_b = any(wb[j] > P.generic_weight for j in left_b)
    # a generic word left against a distinctive one: another kind of body (`Central Bank` vs
    # `Central Election Commission`)
    generic_a = any(qa.tokens[i] in GENERIC_WORDS for i in left_a)
    generic_b = any(qb.tokens[j] in GENERIC_WORDS for j in left_b)
    if (lone_a and lone_b) or (lone_a and generic_b) or (lone_b and generic_a):
        out.conflict = True
        out.score *= P.conflict_factor
    # One name read from Han or Hangul: every syllable counts.
    if how_across == SYLLABLES and (lone_a or lone_b):
        out.syllable_unpaired = True
        out.score *= P.syllable_unpaired_factor
    if single_token(qa.distinctive_weight, qb.distinctive_weight):
        out.single_token = True
        out.score *= P.single_token_factor
    # A company's one distinctive word paired by sound alone across scripts, on few consonants,
    # and nothing else paired.
    if kind != "person" and min(qa.distinctive_weight, qb.distinctive_weight) <= P.single_token_max_weight:
        distinctive_pairs = [p for p in chosen if _pair_weight(qa, qb, p) > P.generic_weight]
        if distinctive_pairs and all(_short_by_sound(qa, qb, p) for p in chosen):
            out.single_word_by_sound = True
            out.score *= P.single_word_by_sound_factor
    # Two names in romanised syllables pairing two different syllables.
    if how_across == SAME_SCRIPT and not _syllables(qa.name.original) and not _syllables(qb.name.original):
        misread = [p for p in chosen if _another_syllable(qa, qb, p)]
        if misread and all(_joined_syllables(t) for t in (*qa.tokens, *qb.tokens)):
            out.syllable_misread = tuple(
                f"{qa.tokens[p.a[0]]}/{qb.tokens[p.b[0]]}"
                for p in chosen
                if p.how in ("typo", "spelling variant", "short form")
            )
            out.score *= P.syllable_misread_factor
    sound_pair = _single_sound_pair(qa, qb, chosen) if how_across in _BY_SOUND else None
    only_pair = _only_distinctive_pair(qa, qb, chosen)
    if (
        kind == "person"
        and how_across in _BY_SOUND
        and only_pair is not None
        and only_pair.how in ("transliteration", "joined")
        and (left_a or left_b)
    ):
        out.lone_word_by_sound = True
        out.score *= P.lone_word_by_sound_factor
    if (
        sound_pair is not None
        and kind != "person"
        and all(p.how == "transliteration" for p in chosen)
        and _unalike_long_words(qa.tokens[sound_pair.a[0]], qb.tokens[sound_pair.b[0]])
    ):
        out.unalike_word_by_sound = True
        out.score *= P.unalike_word_by_sound_factor
    distinctive_pair = _single_distinctive_pair(qa, qb, chosen)
    if (
        kind != "person"
        and how_across in _BY_SOUND
        and distinctive_pair is not None
        and distinctive_pair.how == "typo"
    ):
        out.company_word_by_typo = True
        out.score *= P.company_word_by_typo_factor
    if chosen and all(
        p.how in ("acronym", "initial") for p in chosen if _pair_weight(qa, qb, p) > P.generic_weight
    ):
        distinct = False  # initials alone (`N.N.`, `MB`) identify nobody
    if (
        not distinct
        and out.score > P.generic_only_cap
        and max(qa.distinctive_weight, qb.distinctive_weight) > 0
    ):
        out.generic_only = True
        out.score = P.generic_only_cap
    if qa.numbers != qb.numbers:
        out.number_mismatch = True
        out.score *= P.number_conflict_factor
    if _patronymic_swapped(qa, qb, chosen):
        out.patronymic_swapped = True
        out.score *= P.patronymic_swap_factor
    if how_across != SAME_SCRIPT and _kunya_apart(qa, qb, chosen):
        out.kunya_apart = True
        out.score *= P.kunya_apart_factor
    cap = _same_script_syllables_cap(qa, qb)
    if cap < out.score:
        out.syllable_cap = cap
        out.score = cap
    return out


def _another_syllable(qa: PreparedName, qb: PreparedName, pair: _Pair) -> bool:
    """A distinctive pair of a syllable with another (typo, spelling variant, not a known spelling
    of it) or with a word of several syllables it begins (short form)."""
    if _pair_weight(qa, qb, pair) <= P.generic_weight:
        return False
    a, b = qa.tokens[pair.a[0]], qb.tokens[pair.b[0]]
    if pair.how in ("typo", "spelling variant"):
        return _is_syllable(a) and _is_syllable(b) and not _known_spellings(a, b)
    if pair.how == "short form":
        short, long_ = (a, b) if len(a) <= len(b) else (b, a)
        return _is_syllable(short) and _joined_syllables(long_)
    return False


def _known_spellings(a: str, b: str) -> bool:
    return any(a in group.split() and b in group.split() for group in P.syllable_variants)


def _is_syllable(word: str) -> bool:
    """One romanised syllable: an initial (or none) and a final."""
    return any(
        (at == 0 or word[:at] in P.romanised_initials) and word[at:] in P.romanised_finals
        for at in range(min(P.romanised_initial_max_letters, len(word) - 1) + 1)
    )


def _joined_syllables(word: str) -> bool:
    """One romanised syllable or at most `P.romanised_word_max_syllables` written as one word."""
    fewest = [0] + [len(word) + 1] * len(word)
    for start in range(len(word)):
        if fewest[start] < P.romanised_word_max_syllables:
            for end in range(start + 1, min(len(word), start + P.romanised_syllable_max_letters) + 1):
                if _is_syllable(word[start:end]):
                    fewest[end] = min(fewest[end], fewest[start] + 1)
    return fewest[len(word)] <= P.romanised_word_max_syllables


def _only_distinctive_pair(qa: PreparedName, qb: PreparedName, chosen: list[_Pair]) -> _Pair | None:
    """The one chosen pair that holds a distinctive word (None for none or several)."""
    distinctive = [p for p in chosen if _pair_weight(qa, qb, p) > P.generic_weight]
    return distinctive[0] if len(distinctive) == 1 else None


def _single_distinctive_pair(qa: PreparedName, qb: PreparedName, chosen: list[_Pair]) -> _Pair | None:
    """`_only_distinctive_pair` when a name has a single distinctive word."""
    if min(qa.distinctive_weight, qb.distinctive_weight) > P.single_token_max_weight:
        return None
    return _only_distinctive_pair(qa, qb, chosen)


def _single_sound_pair(qa: PreparedName, qb: PreparedName, chosen: list[_Pair]) -> _Pair | None:
    """`_single_distinctive_pair` when that pair is a transliteration."""
    pair = _single_distinctive_pair(qa, qb, chosen)
    return pair if pair is not None and pair.how == "transliteration" else None


def _unalike_long_words(a: str, b: str) -> bool:
    """Two words of more than `P.single_word_by_sound_max_consonants` consonants spelt unalike."""
    consonants = min(len(consonant_skeleton(a)), len(consonant_skeleton(b)))
    return (
        consonants > P.single_word_by_sound_max_consonants
        and OSA.normalized_similarity(a, b) < P.unalike_word_max_similarity
    )


def _short_by_sound(qa: PreparedName, qb: PreparedName, pair: _Pair) -> bool:
    """A transliteration pair on a skeleton of at most `P.single_word_by_sound_max_consonants`."""
    consonants = min(
        len(consonant_skeleton(qa.tokens[pair.a[0]])), len(consonant_skeleton(qb.tokens[pair.b[0]]))
    )
    return pair.how == "transliteration" and consonants <= P.single_word_by_sound_max_consonants


def _kunya_partner(tokens: tuple[str, ...], index: int) -> int | None:
    """The word a kunya word names: the next one, or the one before it when it is last."""
    if index + 1 < len(tokens):
        return index + 1
    return index - 1 if index > 0 else None


def _kunya_apart(qa: PreparedName, qb: PreparedName, chosen: list[_Pair]) -> bool:
    """The first kunya word (`abu`, `umm`) paired exactly, while the words beside it do not pair
    (asked of names in two scripts only)."""
    for pair in chosen:
        if len(pair.a) == 1 and len(pair.b) == 1:
            word = qa.tokens[pair.a[0]]
            if word == qb.tokens[pair.b[0]] and word in P.kunya_words:
                beside_a = _kunya_partner(qa.tokens, pair.a[0])
                beside_b = _kunya_partner(qb.tokens, pair.b[0])
                if beside_a is None or beside_b is None:
                    return False
                return not any(beside_a in p.a and beside_b in p.b for p in chosen)
    return False


def _own_name_index(tokens: tuple[str, ...]) -> int | None:
    """Index of the word before the first `bin`/`ibn` (the person's own name in `X bin Y`)."""
    for index in range(1, len(tokens)):
        if tokens[index] in P.patronymic_words:
            return None if tokens[index - 1] in PARTICLES else index - 1
    return None


def _patronymic_swapped(qa: PreparedName, qb: PreparedName, chosen: list[_Pair]) -> bool:
    """`Salman bin Muhammad` vs `Muhammad bin Salman`: father and son are different people (the
    own name pairs with a word after the other's own name; one dropped before it, `MOHAMAD BIN
    UDIN` for `MOHAMAD RAFI BIN UDIN`, swaps nothing)."""
    own_a = _own_name_index(qa.tokens)
    own_b = _own_name_index(qb.tokens)
    if own_a is None or own_b is None:
        return False
    for pair in chosen:
        if own_a in pair.a:
            return min(pair.b) > own_b
    return False


def _syllables(text: str) -> str:
    return "".join(c for c in text if is_syllabic(c))


def _same_script_syllables_cap(qa: PreparedName, qb: PreparedName) -> float:
    """Upper bound for two names written in the same syllabic script (Han, Hangul).

    Each character is a syllable and often a whole name part, so `习近朋` vs `习近平` differ in a
    third of the name even though their romanisations differ in one letter: the score is capped at
    the squared character similarity.
    """
    sa, sb = _syllables(qa.name.original), _syllables(qb.name.original)
    if not sa or not sb or sa == sb or script_of(sa[0]) != script_of(sb[0]):
        return 1.0
    return Levenshtein.normalized_similarity(sa, sb) ** 2


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
        if any(qa.weights[i] > P.generic_weight for i in p.a)
        or any(qb.weights[j] > P.generic_weight for j in p.b)
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
        features.append(("conflict", round(P.conflict_factor - 1, 4)))
        notes.append(
            f"unmatched on both sides: {' '.join(qa.tokens[i] for i in out.left_a)} / "
            f"{' '.join(qb.tokens[j] for j in out.left_b)} x{_fmt(P.conflict_factor)}"
        )
    if out.syllable_unpaired:
        features.append(("syllable_unpaired", round(P.syllable_unpaired_factor - 1, 4)))
        sides = ((qa, out.left_a), (qb, out.left_b))
        unpaired = [" ".join(name.tokens[i] for i in left) for name, left in sides if left]
        notes.append(
            f"a syllable of the name unpaired: {' / '.join(unpaired)} x{_fmt(P.syllable_unpaired_factor)}"
        )
    if out.single_token:
        features.append(("single_token", round(P.single_token_factor - 1, 4)))
        notes.append(f"only one distinctive token x{_fmt(P.single_token_factor)}")
    if out.single_word_by_sound:
        features.append(("single_word_by_sound", round(P.single_word_by_sound_factor - 1, 4)))
        notes.append(f"one short word paired by sound alone x{_fmt(P.single_word_by_sound_factor)}")
    if out.syllable_misread:
        features.append(("syllable_misread", round(P.syllable_misread_factor - 1, 4)))
        notes.append(
            f"another syllable of a romanised name: {', '.join(out.syllable_misread)} "
            f"x{_fmt(P.syllable_misread_factor)}"
        )
    if out.lone_word_by_sound:
        features.append(("lone_word_by_sound", round(P.lone_word_by_sound_factor - 1, 4)))
        left = " ".join(qa.tokens[i] for i in out.left_a) + " / " + " ".join(qb.tokens[j] for j in out.left_b)
        notes.append(
            f"one word paired by sound, the rest unpaired: {left} x{_fmt(P.lone_word_by_sound_factor)}"
        )
    if out.unalike_word_by_sound:
        features.append(("unalike_word_by_sound", round(P.unalike_word_by_sound_factor - 1, 4)))
        words = ", ".join(f"{qa.tokens[p.a[0]]} / {qb.tokens[p.b[0]]}" for p in out.chosen)
        factor = _fmt(P.unalike_word_by_sound_factor)
        notes.append(f"one company word paired by sound, spelt unalike: {words} x{factor}")
    if out.company_word_by_typo:
        features.append(("company_word_by_typo", round(P.company_word_by_typo_factor - 1, 4)))
        words = ", ".join(f"{qa.tokens[p.a[0]]} / {qb.tokens[p.b[0]]}" for p in out.chosen if p.how == "typo")
        notes.append(
            f"one company word a typo apart across scripts: {words} x{_fmt(P.company_word_by_typo_factor)}"
        )
    if out.generic_only:
        features.append(("generic_only", P.generic_only_cap))
        notes.append(f"only generic words match, capped at {_fmt(P.generic_only_cap)}")
    if out.number_mismatch:
        features.append(("number_mismatch", round(P.number_conflict_factor - 1, 4)))
        notes.append(f"numbers differ x{_fmt(P.number_conflict_factor)}")
    if out.patronymic_swapped:
        features.append(("patronymic_swapped", round(P.patronymic_swap_factor - 1, 4)))
        notes.append(f"own name and father's name swapped (X bin Y) x{_fmt(P.patronymic_swap_factor)}")
    if out.kunya_apart:
        features.append(("kunya_apart", round(P.kunya_apart_factor - 1, 4)))
        notes.append(f"kunya (abu/umm) beside another name x{_fmt(P.kunya_apart_factor)}")
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
    elif has_non_latin(qa.name.original) or has_non_latin(qb.name.original):
        features.append(("romanised", 1.0))
        notes.append("read in Latin letters as the lists write it")
    score = min(1.0, max(0.0, score))
    return Comparison(round(score, 4), "; ".join(notes), tuple(features))
