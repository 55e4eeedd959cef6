"""Which graph owners a list update can reach: the owners whose screening may change with it.

An owner is screened with `ListIndex.match_name(name)` (kind `any`) and its LEI with
`match_identifier`. Against two lists that differ in a few entries, that result can differ only
through what the index derives from those entries:

1. Retrieval. A query word opens the listed words about one edit away (a letter dropped from
   either side, so also one replaced or two swapped; OSA similarity at least
   `min_pair_similarity`), the words with its consonant skeleton when the name was
   transliterated, and adjacent listed words written as one (one stray letter allowed); two
   adjacent query words may be one listed word; a listed name with the query's very letters is
   always a candidate. How many names hold each such word orders the look-up and bounds it.
   Short, generic and particle words are never looked up, numbers of `min_key_number_length`
   digits or more are (`ScreeningParams`, read from the index).
2. The common-words qualifier: how many listed names hold a word the owner shares with a hit
   (any word but a generic one or a particle, one-letter words included).
3. The candidate ranking's rarity, log(1 + n / names holding the word), n being the number of
   listed names (see "drift" below).

The comparison itself and an entry's qualifiers read only the two names and the entry.

`OwnerReach` indexes every owner by what links it in (1) and (2): its looked-up words (and the
one-letter words it may share with a hit), its adjacent word pairs, its letters, the skeletons of
a transliterated name, and its LEI. A changed
entry (added, removed, or replaced: its old and its new names) reaches an owner when one of its
words (or adjacent pairs) is within that edit neighbourhood of one of the owner's keys, shares a
skeleton, or has the same letters, or when its LEI is the owner's. Every listed word whose
postings changed is such a word, so (2) and the ordering part of (1) are covered too. Names of a
changed entry are keyed under every name form (the index normalises by entry type), which can
only add owners. Everything else keeps exactly its result, with one exception:

Drift. When the update changes n, the rarity of every listed word moves by less than
|ln(n'/n)| (about 2.5e-4 for ten names on 40,000), the same for equally rare words; a candidate's
summed rarity by less than that times the words it shares. Its effect is confined to the order of
candidates whose words differ and whose sums are within that distance, and it changes a result
only where the ranking is cut (the index compares a bounded number of candidates). `ListIndex`
does not expose how close a query's candidates are to that cut, so the owners it could affect
cannot be singled out here; see `OwnershipState.with_index`.

Keys are stored as Python string hashes (a collision only adds an owner to re-screen). The index
is append-only: owners added later (new or renamed) are added to it; a look-up filters the
nodes by the current graph, so stale entries cost nothing but a check.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import get_args

from rapidfuzz.distance import OSA

from screening.identifiers import normalise_identifier
from screening.matching.params import ScreeningParams
from screening.model import IdentifierScheme, ListEntry
from screening.names import (
    NameForm,
    consonant_skeleton,
    name_readings,
    normalise_name,
    token_weight,
)
from screening.ownership_io.graph import OwnershipGraph

__all__ = ["OwnerReach", "changed_entries"]

# Normalised tokens are lower-case ASCII letters and digits (`NormalisedName`).
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
_FORMS: tuple[NameForm, ...] = get_args(NameForm)
# Prefixes the key of a word that is never looked up but still counts as shared with a hit in
# the common-words qualifier (a one-letter word): only the very same listed word reaches it.
_SHARED_ONLY = "\x01"


def _looked_up(token: str, params: ScreeningParams) -> bool:
    """True when retrieval looks this query word up (it skips short, generic and particle words,
    but looks up numbers of `min_key_number_length` digits or more)."""
    if len(token) < params.min_query_word_length:
        return False
    return token_weight(token) > params.generic_weight or (
        token.isdigit() and len(token) >= params.min_key_number_length
    )


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _inserts(word: str) -> Iterator[str]:
    for i in range(len(word) + 1):
        head, tail = word[:i], word[i:]
        for letter in _ALPHABET:
            yield head + letter + tail


def _edit_neighbourhood(word: str, params: ScreeningParams) -> set[str]:
    """Every word w with a delete of w equal to a delete of `word` (or either equal to the other:
    one letter added, dropped or replaced, two swapped, or one dropped and one added anywhere) and
    as similar as the index requires of a typo pair. This holds every query word the index's typo
    look-up can pair with the listed `word`, and every listed word it can pair with that query
    word."""
    shorter = _deletes(word)
    near = {word, *shorter}
    for base in (word, *shorter):
        near.update(_inserts(base))
    return {w for w in near if OSA.normalized_similarity(word, w) >= params.min_pair_similarity}


def _joined_neighbourhood(pair: str) -> set[str]:
    """Query words the index reads as this pair of adjacent listed words: the pair itself or the
    pair with one stray letter."""
    return {pair, *_inserts(pair)}


class _Keys:
    """The hashed keys of one name's words, pairs, letters and skeletons."""

    __slots__ = ("skeletons", "words")

    def __init__(self) -> None:
        self.words: set[int] = set()
        self.skeletons: set[int] = set()


def _owner_keys(name: str, params: ScreeningParams) -> _Keys:
    """What links an owner name to listed names in retrieval (see the module docstring)."""
    keys = _Keys()
    # every reading the owner is screened under (a Han name may also be read as Korean)
    for normalised in name_readings(name, "any"):
        tokens = normalised.tokens
        if not tokens:
            continue
        for token in tokens:
            if _looked_up(token, params):
                keys.words.add(hash(token))
                skeleton = consonant_skeleton(token)
                if normalised.transliterated and len(skeleton) >= params.min_retrieval_skeleton_length:
                    keys.skeletons.add(hash(skeleton))
            elif token_weight(token) > params.generic_weight:
                keys.words.add(hash(_SHARED_ONLY + token))
        keys.words.update(hash(a + b) for a, b in itertools.pairwise(tokens))
        keys.words.add(hash("".join(tokens)))
        if normalised.unstripped:
            keys.words.add(hash(normalised.unstripped))
    return keys


def _listed_keys(names: Iterable[str], params: ScreeningParams) -> _Keys:
    """The keys an owner must hold to be linked to one of `names` (listed names that changed)."""
    keys = _Keys()
    words: set[str] = set()
    pairs: set[str] = set()
    for text in names:
        for form in _FORMS:
            normalised = normalise_name(text, form)
            tokens = normalised.tokens
            if not tokens:
                continue
            words.update(tokens)
            pairs.update(a + b for a, b in itertools.pairwise(tokens))
            keys.words.add(hash("".join(tokens)))
            if normalised.unstripped:
                keys.words.add(hash(normalised.unstripped))
    for word in words:
        keys.words.update(map(hash, _edit_neighbourhood(word, params)))
        keys.words.add(hash(_SHARED_ONLY + word))
        skeleton = consonant_skeleton(word)
        if len(skeleton) >= params.min_retrieval_skeleton_length:
            keys.skeletons.add(hash(skeleton))
    for pair in pairs:
        keys.words.update(map(hash, _joined_neighbourhood(pair)))
    return keys


def changed_entries(old: Iterable[tuple[str, ListEntry]], new: dict[str, ListEntry]) -> list[ListEntry]:
    """Every version of every entry that differs between two lists: removed entries, added ones,
    and both versions of a replaced one (an unchanged entry is the same object or equal)."""
    out: list[ListEntry] = []
    seen: set[str] = set()
    for entry_id, entry in old:
        seen.add(entry_id)
        other = new.get(entry_id)
        if other is entry:
            continue
        if other is None:
            out.append(entry)
        elif other != entry:
            out.extend((entry, other))
    out.extend(entry for entry_id, entry in new.items() if entry_id not in seen)
    return out


class OwnerReach:
    """Owners of a graph by the keys through which a listed name can reach their screening.

    Guarantees: `reached(graph, entries)` holds every current owner of `graph` whose
    `match_name`/`match_identifier` result can differ between two lists differing only in
    `entries`, except through drift (module docstring), provided every such owner was `add`ed.
    Append-only; safe to share between the states of one graph lineage.
    """

    __slots__ = ("_by_lei", "_by_skeleton", "_by_word", "_names", "_nodes_of_name", "params")

    def __init__(self, params: ScreeningParams) -> None:
        self.params = params  # the retrieval parameters of the indexes this reach stands for
        self._names: list[str] = []
        self._nodes_of_name: dict[str, list[int]] = {}
        # key hash -> one name number, or a list of them (most keys belong to one name)
        self._by_word: dict[int, int | list[int]] = {}
        self._by_skeleton: dict[int, int | list[int]] = {}
        self._by_lei: dict[str, list[int]] = {}

    @classmethod
    def of(cls, graph: OwnershipGraph, params: ScreeningParams) -> OwnerReach:
        """The reach of every owner of `graph` in indexes built with `params`."""
        reach = cls(params)
        reach.add(graph, graph.owners())
        return reach

    def add(self, graph: OwnershipGraph, nodes: Iterable[int]) -> None:
        """Index these nodes under their current names and LEIs (again, if renamed)."""
        for n in nodes:
            lei = graph.lei(n)
            if lei:
                self._by_lei.setdefault(normalise_identifier(lei), []).append(n)
            name = graph.raw_name(n)
            if not name:
                continue
            nodes_of_name = self._nodes_of_name.get(name)
            if nodes_of_name is not None:
                if n not in nodes_of_name:
                    nodes_of_name.append(n)
                continue
            self._nodes_of_name[name] = [n]
            number = len(self._names)
            self._names.append(name)
            keys = _owner_keys(name, self.params)
            _post(self._by_word, keys.words, number)
            _post(self._by_skeleton, keys.skeletons, number)

    def reached(self, graph: OwnershipGraph, entries: Iterable[ListEntry]) -> set[int]:
        """Current owners of `graph` a change of `entries` can reach (see the class docstring)."""
        entries = list(entries)
        keys = _listed_keys((name.text for entry in entries for name in entry.names()), self.params)
        numbers: set[int] = set()
        _collect(self._by_word, keys.words, numbers)
        _collect(self._by_skeleton, keys.skeletons, numbers)
        out: set[int] = set()
        for number in numbers:
            name = self._names[number]
            out.update(n for n in self._nodes_of_name[name] if graph.raw_name(n) == name)
        for entry in entries:
            for ident in entry.identifiers:
                if ident.scheme is IdentifierScheme.LEI:
                    out.update(self._by_lei.get(normalise_identifier(ident.value), ()))
        return {n for n in out if graph.out_edges(n)}


def _post(table: dict[int, int | list[int]], keys: Iterable[int], number: int) -> None:
    for key in keys:
        held = table.get(key)
        if held is None:
            table[key] = number
        elif isinstance(held, int):
            if held != number:
                table[key] = [held, number]
        elif held[-1] != number:
            held.append(number)


def _collect(table: dict[int, int | list[int]], keys: Iterable[int], into: set[int]) -> None:
    for key in keys:
        held = table.get(key)
        if held is None:
            continue
        if isinstance(held, int):
            into.add(held)
        else:
            into.update(held)
