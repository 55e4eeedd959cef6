"""The listed words of an index, for anchoring free text: which names hold each word, how rare
it is, and the listed words about one edit from it."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from rapidfuzz.distance import OSA

from screening.matching.listed import ListedName
from screening.matching.params import ScreeningParams

__all__ = ["Vocabulary", "idf_unknown"]


def idf_unknown(size: int) -> float:
    """Rarity of a word no listed name holds: as rare as a word in one name."""
    return math.log(1 + max(1, size))


def _deletes(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


class Vocabulary:
    """Postings of listed words and of joined adjacent pairs, their rarity (IDF), and each
    listed word's typo neighbourhood. Immutable once built.

    Guarantees: `postings[w]` lists, ascending, the positions of the names holding word `w`;
    `joined[ab]` those holding `a b` side by side (only when at most `max_joined_postings` do).
    """

    __slots__ = ("_deletes", "_params", "idf", "joined", "neighbours", "postings", "size")

    def __init__(self, params: ScreeningParams, names: Sequence[ListedName]) -> None:
        self._params = params
        self.size = len(names)
        postings: dict[str, list[int]] = {}
        joined: dict[str, list[int]] = {}
        for pos, item in enumerate(names):
            toks = item.prepared.tokens
            for key in set(toks):
                postings.setdefault(key, []).append(pos)
            for key in {a + b for a, b in itertools.pairwise(toks)}:
                joined.setdefault(key, []).append(pos)
        # Single tokens and joined adjacent pairs are kept apart so a name is never counted
        # twice for the same words (`natalya valeryevna` and `natalyavaleryevna`).
        self.postings: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in postings.items()}
        self.joined: dict[str, tuple[int, ...]] = {
            k: tuple(v) for k, v in joined.items() if len(v) <= params.max_joined_postings
        }
        n = max(1, len(names))
        self.idf = {k: math.log(1 + n / len(v)) for k, v in self.postings.items()}
        deletes: dict[str, list[str]] = {}
        for token in self.postings:
            if len(token) >= params.min_fuzzy_length and not token.isdigit():
                for key in _deletes(token):
                    deletes.setdefault(key, []).append(token)
        self._deletes = {k: tuple(v) for k, v in deletes.items()}
        # Most text words worth anchoring are listed words: their neighbourhoods are built once.
        self.neighbours: dict[str, dict[str, float]] = {}
        for token in self.postings:
            near = self.typo_neighbours(token)
            near[token] = 1.0
            self.neighbours[token] = near

    def names_holding(self, word: str) -> int:
        """How many listed names hold `word`."""
        return len(self.postings.get(word, ()))

    def typo_neighbours(self, token: str) -> dict[str, float]:
        """Listed words about one edit from `token` (SymSpell deletes on both sides), with their
        OSA similarity, in a fixed order (sorted words): equal candidates rank alike everywhere."""
        min_fuzzy = self._params.min_fuzzy_length
        found: set[str] = set()
        deletes = self._deletes
        postings = self.postings
        if len(token) >= min_fuzzy - 1 and not token.isdigit():
            found.update(deletes.get(token, ()))  # a letter missing from the query word
            for key in _deletes(token):
                if key in postings and len(key) >= min_fuzzy:
                    found.add(key)  # a letter added to the query word
                if len(key) >= min_fuzzy - 1:
                    found.update(deletes.get(key, ()))  # a letter replaced or two swapped
            for i in range(len(token) - 1):
                swapped = token[:i] + token[i + 1] + token[i] + token[i + 2 :]
                if swapped in postings:
                    found.add(swapped)
        found.discard(token)
        out: dict[str, float] = {}
        for other in sorted(found):
            sim = OSA.normalized_similarity(token, other)  # a swap of two letters is one edit
            if sim >= self._params.min_pair_similarity:
                out[other] = sim
        return out
