"""The Python reference of the engine's candidate retrieval (`native/src/retrieve.rs`): a test
oracle, with `reference_match` for the comparison.

`ReferenceIndex.lookup` answers what `MatchEngine.lookup` answers: the candidates of a query that
reach the threshold, with their scores. `tests/unit/test_oracle.py` holds the two to the same
hits and scores. Not used in production.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from rapidfuzz.distance import Levenshtein

from screening.matching.listed import ListedName, compare_kind, kind_allows
from screening.matching.params import DEFAULT_PARAMS as P
from screening.matching.prepare import PreparedName
from screening.matching.results import PartyKind
from screening.names import consonant_skeleton
from tests.oracle.reference_match import combined_coverage, name_factors, score_prepared
from tests.oracle.reference_vocabulary import Vocabulary, idf_unknown

_NOT_CACHED = object()


@dataclass(frozen=True, slots=True)
class _Word:
    """One looked-up query word: (postings, similarity, rarity) of each listed word it may be."""

    size: int
    lists: list[tuple[tuple[int, ...], float, float]]  # joined pairs included
    # the listed words' own postings only (no joined pairs), best similarity first
    evidence: tuple[tuple[tuple[int, ...], float, float], ...]


class ReferenceIndex:
    """Retrieval tables over listed names (positions as given) and the reference look-up."""

    def __init__(self, names: Sequence[ListedName]) -> None:
        self._names = [(item, _Bound.of(item.prepared)) for item in names]
        self._vocab = Vocabulary(P, names)
        by_joined: dict[str, list[int]] = {}
        by_unstripped: dict[str, list[int]] = {}
        for pos, item in enumerate(names):
            by_joined.setdefault(item.prepared.joined, []).append(pos)
            by_unstripped.setdefault(item.prepared.name.unstripped, []).append(pos)
        self._by_joined = {k: tuple(v) for k, v in by_joined.items()}
        self._by_unstripped = {k: tuple(v) for k, v in by_unstripped.items()}
        skeletons: dict[str, list[str]] = {}
        for token in self._vocab.postings:
            skel = consonant_skeleton(token)
            if len(skel) >= P.min_retrieval_skeleton_length:
                skeletons.setdefault(skel, []).append(token)
        self._skeletons = {k: tuple(sorted(v)) for k, v in skeletons.items()}
        self._tie = tuple(P.tie_break * bound.total for _, bound in self._names)
        self._word_cache: dict[tuple[str, bool], _Word | None] = {}

    def lookup(self, query: PreparedName, kind: PartyKind, threshold: float) -> list[tuple[int, float]]:
        """(position, rounded score) of each candidate of `query` compared as its kind says that
        reaches `threshold`, in candidate order."""
        out: list[tuple[int, float]] = []
        for pos in self._candidates(query, threshold, P.max_candidates):
            item = self._names[pos][0]
            if not kind_allows(kind, item.entry_type):
                continue
            score = score_prepared(query, item.prepared, compare_kind(kind, item.entry_type))
            if score >= threshold:
                out.append((pos, score))
        return out

    def _variants(self, token: str, lenient: bool) -> dict[str, float]:
        """Listed tokens this query token may stand for (itself, about one edit away, same
        skeleton), each with its Levenshtein similarity to the token."""
        near = self._vocab.neighbours.get(token)
        if near is not None and not lenient:
            return near  # a listed word: its neighbourhood was computed at build time
        out = dict(near) if near is not None else {}
        if not out:
            out = self._vocab.typo_neighbours(token)
            if token in self._vocab.postings:
                out[token] = 1.0
        if lenient:
            skel = consonant_skeleton(token)
            for other in self._skeletons.get(skel, ()) if len(skel) >= 2 else ():
                if other != token:
                    out[other] = max(P.skeleton_discount, Levenshtein.normalized_similarity(token, other))
        return out

    def _make_word(self, token: str, lenient: bool) -> _Word | None:
        """`token` as a looked-up query word: the listed words (and joined pairs) it may stand
        for, best similarity first; None when it may stand for none."""
        postings = self._vocab.postings
        variants = self._variants(token, lenient)
        lists = [(postings[v], sim, self._vocab.idf[v]) for v, sim in variants.items()]
        joined_hits = self._vocab.joined.get(token)
        if joined_hits is None and len(token) > P.min_fuzzy_length:
            # one query word = two listed words joined, perhaps with one stray letter
            # deletes left to right: the first that hits wins, the same in every process
            for i in range(len(token)):
                joined_hits = self._vocab.joined.get(token[:i] + token[i + 1 :])
                if joined_hits:
                    break
        if joined_hits:
            lists.append((joined_hits, 1.0, idf_unknown(len(self._names))))
        if not lists:
            return None
        # stable sorts: among equal similarities the variants' own order decides, as before
        evidence = tuple(sorted(lists[: len(variants)], key=lambda entry: -entry[1]))
        lists.sort(key=lambda entry: -entry[1])
        return _Word(sum(len(p) for p, _, _ in lists), lists, evidence)

    def _cached_word(self, token: str, lenient: bool) -> _Word | None:
        """`_make_word`, memoised per index (bounded by `P.word_cache_size`); same result."""
        cache = self._word_cache
        key = (token, lenient)
        held = cache.get(key, _NOT_CACHED)  # one look-up: safe if another thread empties it
        if held is not _NOT_CACHED:
            return cast("_Word | None", held)
        word = self._make_word(token, lenient)
        if len(cache) >= P.word_cache_size:
            cache.clear()  # crude but bounded; the hot vocabulary refills it at once
        cache[key] = word
        return word

    def _query_words(self, query: PreparedName) -> tuple[list[_Word], list[int]]:
        """The query's looked-up words with the listed words each may stand for, and the lengths
        of the looked-up words (for the hidden-typo allowance of the bound)."""
        tokens = query.tokens
        postings = self._vocab.postings
        lenient = query.name.transliterated
        words: list[_Word] = []
        lengths: list[int] = []
        for t, w in zip(tokens, query.weights, strict=True):
            if len(t) < P.min_query_word_length or (
                w <= P.generic_weight and not (t.isdigit() and len(t) >= P.min_key_number_length)
            ):
                continue  # generic words never open candidates; long numbers (`RA-78796`) do
            lengths.append(len(t))
            word = self._cached_word(t, lenient)
            if word is not None:
                words.append(word)
        for a, b in itertools.pairwise(tokens):
            # two query words = one listed word (`tsmr bank` ~ `tsmrbank`)
            hit = postings.get(a + b)
            if hit:
                words.append(_Word(len(hit), [(hit, 1.0, self._vocab.idf[a + b])], ()))
        words.sort(key=lambda word: word.size)
        return words, lengths

    def _candidates(self, query: PreparedName, threshold: float, limit: int) -> list[int]:
        """Positions of listed names with the query's letters (ascending), then of those that
        share words with the query and could still reach `threshold` (an optimistic bound of the
        comparison, see `_Bound.could_reach`), most shared rarity first; at most `limit`.

        Words are visited rarest first; they open new candidates until `P.candidate_budget` postings
        have been read, after which commoner words (`mohammad`, `ivanovich`) only add evidence to
        the candidates already found. So a query costs about the budget, whatever its words.
        """
        words, lengths = self._query_words(query)
        # position -> [shared rarity, summed similarity, number of words found]
        acc: dict[int, list[float]] = {}
        names = self._names
        opened = 0
        kept: set[int] | None = None  # the best candidates once common words only add evidence
        for word in words:
            local: dict[int, tuple[float, float]] = {}
            if opened < P.candidate_budget or not acc:
                for plist, sim, weight in word.lists:  # best similarity first: first seen wins
                    if local:
                        fresh = dict.fromkeys(plist, (sim, weight))  # C speed
                        fresh.update(local)
                        local = fresh
                    else:
                        local = dict.fromkeys(plist, (sim, weight))

                opened += word.size
            else:
                # A common word: only the best candidates so far are checked for it, by looking
                # at their (few) tokens rather than reading the word's long postings.
                if kept is None:
                    keep = heapq.nlargest(P.max_evidence_checks, acc, key=lambda pos: acc[pos][0])
                    acc = {pos: acc[pos] for pos in keep}
                    kept = set(keep)
                # A candidate holds a listed word exactly when it is in that word's postings;
                # best similarity first, first seen wins (set intersections run at C speed).
                for plist, sim, weight in word.evidence:
                    for pos in kept.intersection(plist):
                        if pos not in local:
                            local[pos] = (sim, weight)

            if not acc:
                # among equal rarity the shorter listed name first (more of it is shared)
                tie = self._tie
                acc = {pos: [weight * sim - tie[pos], sim, 1.0] for pos, (sim, weight) in local.items()}
                continue
            for pos, (sim, weight) in local.items():
                held = acc.get(pos)
                if held is None:
                    acc[pos] = [weight * sim - self._tie[pos], sim, 1.0]

                else:
                    held[0] += weight * sim
                    held[1] += sim
                    held[2] += 1.0

        # Listed names with the query's very letters come first, however common their words:
        # `YU CHOL U` loses `yu` to the legal forms as a name of unknown kind, and `chol` alone is
        # in too many names for this one to rank among them.
        joined, unstripped = query.joined, query.name.unstripped
        out = sorted(set(self._by_joined.get(joined, ())) | set(self._by_unstripped.get(unstripped, ())))
        del out[limit:]
        if not acc or len(out) >= limit:
            return out
        same_letters = set(out)
        ranked = heapq.nlargest(P.max_bound_checks, acc, key=lambda pos: acc[pos][0])
        bound = _Bound.of(query)
        keys_n = len(lengths)
        # Looked-up words a typo of two or more edits could hide from retrieval, best first. A
        # transliterated query may pair any word through its consonant skeleton.
        if query.name.transliterated:
            hidden = [P.skeleton_discount] * keys_n
            hidden_max = keys_n
        else:
            hidden = sorted((_hidden_typo_similarity(n) for n in lengths), reverse=True)
            hidden_max = P.max_hidden_typos
        for pos in ranked:
            if pos in same_letters:
                continue
            listed = names[pos][0].prepared
            held = acc[pos]
            if (
                listed.joined == joined
                or listed.name.unstripped == unstripped
                or bound.could_reach(
                    names[pos][1], held[1], int(held[2]), keys_n, hidden, hidden_max, threshold
                )
            ):
                out.append(pos)
                if len(out) >= limit:
                    break
        return out


@dataclass(frozen=True, slots=True)
class _Bound:
    """What the optimistic bound of a comparison needs to know about one prepared name."""

    total: float  # total token weight
    generic_w: float  # weight of generic words and particles (not looked up)
    generic_n: int
    initials_n: int  # one-letter tokens (not looked up; may stand for any word)
    distinct_n: int  # tokens looked up by retrieval
    distinctive_w: float  # weight of the distinctive tokens (the single-token rule's input)
    numbers: frozenset[str]  # number tokens (the number-conflict rule's input)

    @staticmethod
    def of(name: PreparedName) -> _Bound:
        """Summarise `name` for `could_reach`."""
        generic_w = 0.0
        generic_n = initials_n = 0
        for t, w in zip(name.tokens, name.weights, strict=True):
            if w <= P.generic_weight:
                generic_w += w
                generic_n += 1
            elif len(t) == 1:
                initials_n += 1
        return _Bound(
            name.total_weight,
            generic_w,
            generic_n,
            initials_n,
            len(name.tokens) - generic_n - initials_n,
            name.distinctive_weight,
            name.numbers,
        )

    def could_reach(
        self,
        listed: _Bound,
        hit_sim: float,
        hit_n: int,
        keys_n: int,
        hidden: list[float],
        hidden_max: int,
        threshold: float,
    ) -> bool:
        """False only when `compare_prepared` (query = self) cannot reach `threshold`.

        Retrieval found `hit_n` of the query's `keys_n` looked-up words in the listed name, with
        summed similarity `hit_sim`. Everything else is assumed to pair as well as it could:
        generic words with generic words, initials with words left over, and the remaining
        looked-up words with left-over listed words at the best credit each

        could still get (`hidden`, best first; at most `hidden_max` of them).
        """
        generic_pairs = min(self.generic_n, listed.generic_n) * P.generic_weight
        left_l = max(0, listed.distinct_n - hit_n)
        left_q = max(0, keys_n - hit_n)
        # initials pair with words left over or with the other side's initials
        q_init = min(self.initials_n, left_l + listed.initials_n)
        l_init = min(listed.initials_n, left_q + self.initials_n)
        left_l = max(0, left_l - q_init)
        left_q = max(0, left_q - l_init)
        typo_pairs = min(hidden_max, left_q, left_l + max(0, listed.generic_n - self.generic_n))
        typo_sim = sum(hidden[:typo_pairs])
        q_extra = min(self.generic_w, generic_pairs) + q_init + l_init + typo_sim
        l_extra = min(listed.generic_w, generic_pairs) + l_init + q_init + typo_sim

        cov_q = min(1.0, (hit_sim + q_extra) / self.total)
        cov_l = min(1.0, (hit_sim + l_extra) / listed.total)
        bound = combined_coverage(self.total, listed.total, cov_q, cov_l)
        if left_q > typo_pairs and left_l > typo_pairs:
            bound *= P.conflict_factor  # a distinctive token on each side has no partner
        # The comparison's factors that depend on the two names alone, not on the alignment,
        # apply exactly as `match._outcome` applies them (every later step only lowers a score).
        bound = name_factors(bound, self.distinctive_w, listed.distinctive_w, self.numbers, listed.numbers)
        return bound >= threshold - P.score_rounding


def _hidden_typo_similarity(length: int) -> float:
    """Best similarity of a word of `length` letters to a word retrieval did not find for it.

    Retrieval finds every word one edit away (two-letter words only exactly), so a hidden partner
    is at least two edits away: similarity at most 1 - 2/(length+2). Words of up to 4 letters may
    hide even a one-edit partner; words between that and `P.hidden_typo_min_length` are taken to have
    none (a trade of recall for speed, measured by `bench.speed` against brute force).
    """
    if length < P.min_fuzzy_length + 2:
        return 1.0 - 1.0 / (length + 1)  # short words: one edit may already be hidden
    if length < P.hidden_typo_min_length:
        return 0.0
    return 1.0 - 2.0 / (length + 2)
