"""Candidate retrieval over every listed name, built once, then scored by `screening.match`.

A query never scans all names. Every listed name is normalised once at build time; its tokens go
into an inverted index weighted by rarity (IDF). Typos are reached through a deletion
neighbourhood (every token minus one letter -> the tokens it came from, SymSpell style), joined
words through the concatenation of adjacent tokens, and transliterated names through consonant
skeletons. Query words are looked up rarest first; they open candidates until a budget of
postings is read, after which commoner words only add evidence to the candidates found. The best
candidates by shared rarity pass an optimistic bound of the comparison (so hopeless ones are not
scored) and the survivors are scored with the full comparison. Generic words (`bank`,
`trading`) never make a name a candidate.

Speed: per-word work that depends only on the word and this (immutable) index is memoised in
bounded per-index tables (a query word's postings and variants, an unlisted text word's typo
neighbours, which words of a listed name a text word may pair with); no whole-query result is
remembered. In free text, each window gets cheap upper bounds of its score
(`match.window_score_bound`, then `match.masked_score_bound`) before the comparison, so hopeless
windows cost a few look-ups; a listed name whose every window failed the cheaper bound is
remembered with those windows (numbers inert against it as placeholders) and skipped when a later
text brings the same windows.

Native path: when the Rust extension is built (`screening.native`), `match_name` hands the
normalised query to `NativeIndex.lookup`, a port of `_candidates` and of the comparison; only
the hits come back to Python, which explains and qualifies them. The Python code here stays the
reference (same results, checked by tests/unit/test_native.py) and serves `PAYMON_NATIVE=0`;
free-text scanning (`scan_text`) runs in Python.

Indexes are immutable: `updated()` returns a new index (reusing the normalisation of unchanged
entries) and leaves the old one untouched, so workers can swap atomically.
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, cast

from rapidfuzz.distance import OSA, Levenshtein

from screening.match import (
    CONFLICT_FACTOR,
    DEFAULT_THRESHOLD,
    MIN_PAIR_SIMILARITY,
    SKELETON_DISCOUNT,
    WEAK_ALIAS_MIN_SCORE,
    Comparison,
    NameMatch,
    PartyKind,
    PreparedName,
    acronym_letters,
    apply_qualifiers,
    combined_coverage,
    compare_prepared,
    compare_prepared_reaching,
    inert_number_length,
    listed_coverage,
    masked_score_bound,
    name_factors,
    partner_mask,
    prepare,
    prepare_normalised,
    score_prepared,
    window_score_bound,
)
from screening.model import EntryType, IdentifierScheme, ListEntry, NameQuality
from screening.names import (
    GENERIC_WEIGHT,
    NameForm,
    consonant_skeleton,
    normalise_name,
    normalise_text,
    token_weight,
)
from screening.native import (
    QUERY_KINDS,
    comparison_reaching,
    name_parts,
    native_available,
    new_native_index,
)

if TYPE_CHECKING:
    from screening._native import NativeIndex, NativeName

__all__ = ["ListIndex", "normalise_identifier"]

# Words shorter than this get no typo neighbourhood (two letters: an edit is another word).
MIN_FUZZY_LENGTH = 3
# A joined pair of adjacent listed words shared by more names than this is no evidence of one
# name (`bank melli` is, `limited liability` is not).
MAX_JOINED_POSTINGS = 30
# How many candidates passing the bound get the full comparison, most shared rarity first.
# bench.speed: on listed names with a typo a median of 7 pass, about 2 of them real matches;
# 12 vs 24 found the same entries in the bench's brute-force sample.
MAX_CANDIDATES = 12
# Words at least this long may hide a two-edit typo from retrieval (`aleksandrovich` ~
# `alexandrovich`); the candidate bound allows for it. Shorter words with two edits are mostly
# other words (similarity <= 0.75).
HIDDEN_TYPO_MIN_LENGTH = 7
# ... and at most this many such words per name (two badly misspelt words is another name).
MAX_HIDDEN_TYPOS = 1
# Postings read before common query words stop opening new candidates (see `_candidates`):
# bounds the work per query. bench.speed: 80 and 150 find the same share of typo'd listed names.
CANDIDATE_BUDGET = 80
# Rarity is lowered by this much per unit of listed-name weight, so among names sharing the same
# words the shortest ranks first (far below any word's rarity, which is at least log 2).
TIE_BREAK = 1e-3
# A listed word in more names than this is common (`maria`, `sanchez`, `kim`); a partial match
# sharing only common words with a listed name that has two or more other words is multiplied by
# COMMON_WORDS_FACTOR (bench.speed: clean random names hitting anything went from 1.0% to 0.1%).
COMMON_WORD_NAMES = 20
COMMON_WORDS_FACTOR = 0.85
# Numbers at least this long are looked up like words (tail numbers, series, registry numbers).
MIN_KEY_NUMBER_LENGTH = 3
# Once common words only add evidence, this many best candidates so far are kept and checked
# for them (ties on the first word are common: `ri`, `un`, `kim` are in hundreds of names).
MAX_EVIDENCE_CHECKS = 160
# Only this many best candidates by shared rarity are checked against the bound at all.
MAX_BOUND_CHECKS = 32
# Free-text scanning: windows of up to this many tokens around a rare token.
MAX_SCAN_TOKENS = 8
# Free text: at most this many anchored listed names are compared, each around at most this many
# of its anchor words (remittance lines are short; this bounds a pathological one).
MAX_SCAN_CANDIDATES = 24
MAX_SCAN_ANCHORS = 4
# A text word found in more listed names than this is too common to anchor a free-text match.
SCAN_MAX_POSTINGS = 40
# A listed name with only one distinctive token must match a free-text word exactly, and that
# word must be at least this long: short single words in remittance text are mostly noise.
SCAN_MIN_SINGLE_TOKEN_LENGTH = 5
# Looked-up query words remembered per index (a word's postings, variants and rarities depend
# only on the word and the immutable index; payment names reuse a small vocabulary). Bounded:
# the memo is emptied when it holds this many words (about 20 MB at worst).
WORD_CACHE_SIZE = 1 << 15
# (text word, listed name) pairs whose `partner_mask` is remembered (free-text scanning).
MASK_CACHE_SIZE = 1 << 17
# Scores are rounded to 4 decimals, so a bound this far under the threshold may still round up.
SCORE_ROUNDING = 5e-5
# Stands for any number inert against a listed name in the memo of hopeless windows (no token
# of a normalised name holds a NUL).
INERT_NUMBER = "\x00"
_ID_STRIP = re.compile(r"[\s\-./]+")


def normalise_identifier(scheme: IdentifierScheme, value: str) -> str:
    """Upper-case, without spaces, dashes, dots or slashes (the form lists and payments share)."""
    return _ID_STRIP.sub("", value).upper()


def _form_for(entry_type: EntryType) -> NameForm:
    if entry_type is EntryType.PERSON:
        return "person"
    if entry_type is EntryType.ORGANISATION:
        return "organisation"
    if entry_type in (EntryType.VESSEL, EntryType.AIRCRAFT):
        return "object"
    return "any"


def _kind_allows(kind: PartyKind, entry_type: EntryType) -> bool:
    if kind == "person":
        return entry_type in (EntryType.PERSON, EntryType.UNKNOWN)
    if kind == "organisation":
        return entry_type is not EntryType.PERSON
    return True


def _compare_kind(kind: PartyKind, entry_type: EntryType) -> PartyKind:
    if kind != "any":
        return kind
    if entry_type is EntryType.PERSON:
        return "person"
    if entry_type is EntryType.ORGANISATION:
        return "organisation"
    return "any"


def _kind_slots(entry_type: EntryType) -> tuple[PartyKind | None, PartyKind | None, PartyKind | None]:
    """How a listed name of `entry_type` is compared by a query of each of `QUERY_KINDS` (None:
    that query skips it), for the native index."""
    person, organisation, any_kind = (
        _compare_kind(kind, entry_type) if _kind_allows(kind, entry_type) else None for kind in QUERY_KINDS
    )
    return person, organisation, any_kind


@dataclass(frozen=True, slots=True)
class _Listed:
    """One listed spelling of one entry, normalised once."""

    entry_id: str
    text: str
    quality: NameQuality
    entry_type: EntryType
    prepared: PreparedName
    bound: _Bound


@dataclass(frozen=True, slots=True)
class _Word:
    """One looked-up query word: (postings, similarity, rarity) of each listed word it may be."""

    size: int
    lists: list[tuple[tuple[int, ...], float, float]]  # joined pairs included
    # the listed words' own postings only (no joined pairs), best similarity first
    evidence: tuple[tuple[tuple[int, ...], float, float], ...]


_NOT_CACHED = object()

# Per text: each window by (start, length), and each layout of windows by (anchors, length,
# inert number length) with its memo shape (`ListIndex._windows`).
_TextWindows = dict[
    tuple[int, int] | tuple[tuple[int, ...], int, float],
    PreparedName | tuple[list[PreparedName], tuple[tuple[str, ...], ...]],
]


def idf_unknown(size: int) -> float:
    """Rarity of a word no listed name holds: as rare as a word in one name."""
    return math.log(1 + max(1, size))


def _deletes(token: str) -> set[str]:
    return {token[:i] + token[i + 1 :] for i in range(len(token))}


class ListIndex:
    """Immutable index of listed names and identifiers; see module doc.

    Guarantees: `match_name`/`scan_text` results are best first, one per entry, every score in
    [0, 1] and >= the threshold; building never mutates the given entries.
    """

    __slots__ = (
        "_bic8",
        "_by_joined",
        "_by_unstripped",
        "_deletes",
        "_entries",
        "_hopeless",
        "_idf",
        "_ids",
        "_inert",
        "_joined",
        "_mask_cache",
        "_names",
        "_native",
        "_near_cache",
        "_neighbours",
        "_postings",
        "_skeletons",
        "_tie",
        "_word_cache",
        "entries",
    )

    def __init__(
        self, entries: dict[str, ListEntry], listed: list[_Listed], *, native: bool | None = None
    ) -> None:
        """Use `ListIndex.build`; this assembles the lookup tables from prepared names.

        `native` (default: when built) looks names up through the Rust port of `_candidates` and
        the comparison (`screening.native`); False uses the Python reference. Same results.
        """
        self._entries = entries
        self.entries: Mapping[str, ListEntry] = MappingProxyType(entries)
        self._names = listed
        postings: dict[str, list[int]] = {}
        joined: dict[str, list[int]] = {}
        for pos, item in enumerate(listed):
            toks = item.prepared.tokens
            for key in set(toks):
                postings.setdefault(key, []).append(pos)
            for key in {a + b for a, b in itertools.pairwise(toks)}:
                joined.setdefault(key, []).append(pos)
        # Single tokens and joined adjacent pairs are kept apart so a name is never counted
        # twice for the same words (`natalya valeryevna` and `natalyavaleryevna`).
        self._postings: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in postings.items()}
        by_joined: dict[str, list[int]] = {}
        by_unstripped: dict[str, list[int]] = {}
        for pos, item in enumerate(listed):
            by_joined.setdefault(item.prepared.joined, []).append(pos)
            by_unstripped.setdefault(item.prepared.name.unstripped, []).append(pos)
        # names by their letters alone (tokens joined; every letter and digit, legal forms too)
        self._by_joined = {k: tuple(v) for k, v in by_joined.items()}
        self._by_unstripped = {k: tuple(v) for k, v in by_unstripped.items()}
        self._joined: dict[str, tuple[int, ...]] = {
            k: tuple(v) for k, v in joined.items() if len(v) <= MAX_JOINED_POSTINGS
        }
        n = max(1, len(listed))
        self._idf = {k: math.log(1 + n / len(v)) for k, v in self._postings.items()}
        deletes: dict[str, list[str]] = {}
        skeletons: dict[str, list[str]] = {}
        for token in self._postings:
            if len(token) >= MIN_FUZZY_LENGTH and not token.isdigit():
                for key in _deletes(token):
                    deletes.setdefault(key, []).append(token)
            skel = consonant_skeleton(token)
            if len(skel) >= 2:
                skeletons.setdefault(skel, []).append(token)
        self._deletes = {k: tuple(v) for k, v in deletes.items()}
        self._skeletons = {k: tuple(sorted(v)) for k, v in skeletons.items()}
        # Most query words are listed words: their typo neighbourhoods are computed once here.
        self._neighbours: dict[str, dict[str, float]] = {}
        for token in self._postings:
            near = self._typo_neighbours(token)
            near[token] = 1.0
            self._neighbours[token] = near
        ids: dict[tuple[IdentifierScheme, str], list[str]] = {}
        bic8: dict[str, list[str]] = {}
        for entry in entries.values():
            for ident in entry.identifiers:
                value = normalise_identifier(ident.scheme, ident.value)
                if not value:
                    continue
                if ident.scheme is IdentifierScheme.BIC:
                    if len(value) == 11 and value.endswith("XXX"):
                        value = value[:8]
                    bic8.setdefault(value[:8], []).append(entry.entry_id)
                ids.setdefault((ident.scheme, value), []).append(entry.entry_id)
        self._ids = {k: tuple(dict.fromkeys(v)) for k, v in ids.items()}
        self._bic8 = {k: tuple(dict.fromkeys(v)) for k, v in bic8.items()}
        self._tie = tuple(TIE_BREAK * item.bound.total for item in listed)
        self._inert = tuple(inert_number_length(item.prepared) for item in listed)
        self._word_cache: dict[tuple[str, bool], _Word | None] = {}
        self._near_cache: dict[str, dict[str, float]] = {}
        self._mask_cache: dict[tuple[str, int], int] = {}
        self._hopeless: set[tuple[int, float, tuple[tuple[str, ...], ...]]] = set()
        use_native = native_available() if native is None else native
        self._native = (
            new_native_index(
                [item.prepared for item in listed], [_kind_slots(item.entry_type) for item in listed]
            )
            if use_native
            else None
        )

    # ------------------------------------------------------------------ building

    @classmethod
    def build(cls, entries: Iterable[ListEntry], *, native: bool | None = None) -> ListIndex:
        """Index every name and identifier of `entries` (later entries replace earlier same ids).

        `native`: see `ListIndex.__init__` (default: the Rust port when it is built).
        """
        by_id: dict[str, ListEntry] = {}
        for entry in entries:
            by_id[entry.entry_id] = entry
        return cls(by_id, _prepare_entries(by_id.values()), native=native)

    @property
    def native(self) -> bool:
        """True when names are looked up through the Rust port (`screening.native`)."""
        return self._native is not None

    def updated(self, upserts: Iterable[ListEntry], removed_ids: Iterable[str]) -> ListIndex:
        """A new index with `upserts` added/replaced and `removed_ids` dropped; `self` is unchanged.

        Names of unchanged entries are not normalised again, only the lookup tables are rebuilt.
        """
        changed: dict[str, ListEntry] = {}
        for entry in upserts:
            changed[entry.entry_id] = entry
        removed = set(removed_ids) - changed.keys()
        entries = {k: v for k, v in self._entries.items() if k not in removed and k not in changed}
        listed = [
            item for item in self._names if item.entry_id not in removed and item.entry_id not in changed
        ]
        entries.update(changed)
        listed.extend(_prepare_entries(changed.values()))
        return ListIndex(entries, listed, native=self._native is not None)

    def __len__(self) -> int:
        """Number of entries."""
        return len(self._entries)

    # ------------------------------------------------------------------ identifiers

    def match_identifier(self, scheme: IdentifierScheme, value: str) -> list[ListEntry]:
        """Entries listing this identifier, exact after normalisation (case, spaces, dashes).

        BIC: a BIC11 ending in `XXX` equals its BIC8; a BIC8 query matches every listed BIC8/BIC11
        of that institution; a BIC11 query matches the same BIC11 or a listed BIC8 of its first 8.
        """
        norm = normalise_identifier(scheme, value)
        if not norm:
            return []
        ids: tuple[str, ...]
        if scheme is IdentifierScheme.BIC:
            if len(norm) == 11 and norm.endswith("XXX"):
                norm = norm[:8]
            if len(norm) == 8:
                ids = self._bic8.get(norm, ())
            else:
                ids = self._ids.get((scheme, norm), ()) + self._ids.get((scheme, norm[:8]), ())
        else:
            ids = self._ids.get((scheme, norm), ())
        return [self._entries[i] for i in dict.fromkeys(ids)]

    # ------------------------------------------------------------------ names

    def _variants(self, token: str, lenient: bool) -> dict[str, float]:
        """Listed tokens this query token may stand for (itself, about one edit away, same
        skeleton), each with its Levenshtein similarity to the token."""
        near = self._neighbours.get(token)
        if near is not None and not lenient:
            return near  # a listed word: its neighbourhood was computed at build time
        out = dict(near) if near is not None else {}
        if not out:
            out = self._typo_neighbours(token)
            if token in self._postings:
                out[token] = 1.0
        if lenient:
            skel = consonant_skeleton(token)
            for other in self._skeletons.get(skel, ()) if len(skel) >= 2 else ():
                if other != token:
                    out[other] = max(SKELETON_DISCOUNT, Levenshtein.normalized_similarity(token, other))
        return out

    def _typo_neighbours(self, token: str) -> dict[str, float]:
        """Listed words about one edit from `token` (SymSpell deletes on both sides)."""
        found: set[str] = set()
        deletes = self._deletes
        postings = self._postings
        if len(token) >= MIN_FUZZY_LENGTH - 1 and not token.isdigit():
            found.update(deletes.get(token, ()))  # a letter missing from the query word
            for key in _deletes(token):
                if key in postings and len(key) >= MIN_FUZZY_LENGTH:
                    found.add(key)  # a letter added to the query word
                if len(key) >= MIN_FUZZY_LENGTH - 1:
                    found.update(deletes.get(key, ()))  # a letter replaced or two swapped
            for i in range(len(token) - 1):
                swapped = token[:i] + token[i + 1] + token[i] + token[i + 2 :]
                if swapped in postings:
                    found.add(swapped)
        found.discard(token)
        out: dict[str, float] = {}
        for other in sorted(found):  # a fixed order: equal candidates rank alike in every process
            sim = OSA.normalized_similarity(token, other)  # a swap of two letters is one edit
            if sim >= MIN_PAIR_SIMILARITY:
                out[other] = sim
        return out

    def _make_word(self, token: str, lenient: bool) -> _Word | None:
        """`token` as a looked-up query word: the listed words (and joined pairs) it may stand
        for, best similarity first; None when it may stand for none."""
        postings = self._postings
        variants = self._variants(token, lenient)
        lists = [(postings[v], sim, self._idf[v]) for v, sim in variants.items()]
        joined_hits = self._joined.get(token)
        if joined_hits is None and len(token) > MIN_FUZZY_LENGTH:
            # one query word = two listed words joined, perhaps with one stray letter
            # deletes left to right: the first that hits wins, the same in every process
            for i in range(len(token)):
                joined_hits = self._joined.get(token[:i] + token[i + 1 :])
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
        """`_make_word`, memoised per index (bounded by `WORD_CACHE_SIZE`); same result."""
        cache = self._word_cache
        key = (token, lenient)
        held = cache.get(key, _NOT_CACHED)  # one look-up: safe if another thread empties it
        if held is not _NOT_CACHED:
            return cast("_Word | None", held)
        word = self._make_word(token, lenient)
        if len(cache) >= WORD_CACHE_SIZE:
            cache.clear()  # crude but bounded; the hot vocabulary refills it at once
        cache[key] = word
        return word

    def _unlisted_neighbours(self, word: str) -> dict[str, float]:
        """`_typo_neighbours` of a word no listed name holds, memoised per index (bounded):
        remittance texts repeat the same unlisted words (`invoice`, `membership`)."""
        cache = self._near_cache
        near = cache.get(word)
        if near is None:
            near = self._typo_neighbours(word)
            if len(cache) >= WORD_CACHE_SIZE:
                cache.clear()
            cache[word] = near
        return near

    def _partner_mask(self, word: str, pos: int, person: bool, cache: dict[tuple[str, int], int]) -> int:
        """`partner_mask` of a text word and listed name `pos`, memoised per index (bounded)."""
        key = (word, pos)
        mask = cache.get(key)
        if mask is None:
            mask = partner_mask(word, self._names[pos].prepared, person)
            if len(cache) >= MASK_CACHE_SIZE:
                cache.clear()
            cache[key] = mask
        return mask

    def _query_words(self, query: PreparedName) -> tuple[list[_Word], list[int]]:
        """The query's looked-up words with the listed words each may stand for, and the lengths
        of the looked-up words (for the hidden-typo allowance of the bound)."""
        tokens = query.tokens
        postings = self._postings
        lenient = query.name.transliterated
        words: list[_Word] = []
        lengths: list[int] = []
        for t, w in zip(tokens, query.weights, strict=True):
            if len(t) < 2 or (w <= GENERIC_WEIGHT and not (t.isdigit() and len(t) >= MIN_KEY_NUMBER_LENGTH)):
                continue  # generic words never open candidates; long numbers (`RA-78796`) do
            lengths.append(len(t))
            word = self._cached_word(t, lenient)
            if word is not None:
                words.append(word)
        for a, b in itertools.pairwise(tokens):
            # two query words = one listed word (`tsmr bank` ~ `tsmrbank`)
            hit = postings.get(a + b)
            if hit:
                words.append(_Word(len(hit), [(hit, 1.0, self._idf[a + b])], ()))
        words.sort(key=lambda word: word.size)
        return words, lengths

    def _candidates(self, query: PreparedName, threshold: float, limit: int) -> list[int]:
        """Positions of listed names with the query's letters (ascending), then of those that
        share words with the query and could still reach `threshold` (an optimistic bound of the
        comparison, see `_Bound.could_reach`), most shared rarity first; at most `limit`.

        Words are visited rarest first; they open new candidates until `CANDIDATE_BUDGET` postings
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
            if opened < CANDIDATE_BUDGET or not acc:
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
                    keep = heapq.nlargest(MAX_EVIDENCE_CHECKS, acc, key=lambda pos: acc[pos][0])
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
        ranked = heapq.nlargest(MAX_BOUND_CHECKS, acc, key=lambda pos: acc[pos][0])
        bound = _Bound.of(query)
        keys_n = len(lengths)
        # Looked-up words a typo of two or more edits could hide from retrieval, best first. A
        # transliterated query may pair any word through its consonant skeleton.
        if query.name.transliterated:
            hidden = [SKELETON_DISCOUNT] * keys_n
            hidden_max = keys_n
        else:
            hidden = sorted((_hidden_typo_similarity(n) for n in lengths), reverse=True)
            hidden_max = MAX_HIDDEN_TYPOS
        for pos in ranked:
            if pos in same_letters:
                continue
            listed = names[pos].prepared
            held = acc[pos]
            if (
                listed.joined == joined
                or listed.name.unstripped == unstripped
                or bound.could_reach(
                    names[pos].bound, held[1], int(held[2]), keys_n, hidden, hidden_max, threshold
                )
            ):
                out.append(pos)
                if len(out) >= limit:
                    break
        return out

    def match_name(
        self,
        query: str,
        *,
        kind: PartyKind = "any",
        country: str | None = None,
        birth_date: str | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 10,
    ) -> list[NameMatch]:
        """Listed entries whose names match `query`, best first, one per entry, score >= threshold.

        `country` (ISO alpha-2) and `birth_date` (ISO date or prefix) lower the score when the
        entry lists different ones. A weak alias only counts at `WEAK_ALIAS_MIN_SCORE` or above.
        """
        name = normalise_name(query, kind)
        if not name.tokens:
            return []
        if self._native is None:
            prepared = prepare_normalised(name)
            positions = self._candidates(prepared, threshold, MAX_CANDIDATES)
            return self._ranked(
                prepared,
                self._compared(prepared, positions, kind, threshold),
                country,
                birth_date,
                threshold,
                limit,
            )
        native = self._native
        query_name, scored = native.lookup(*name_parts(name), kind, threshold, MAX_CANDIDATES)
        if not scored:
            return []  # Rust only finds and scores; the (rare) hits are explained in Python
        prepared = prepare_normalised(name)
        if birth_date is not None:  # a matching birth date may raise a score: explain every one
            compared = self._explained(prepared, query_name, scored, kind, threshold)
            return self._ranked(prepared, compared, country, birth_date, threshold, limit)
        return self._ranked_native(prepared, query_name, scored, kind, country, threshold, limit)

    def _compared(
        self, prepared: PreparedName, positions: Iterable[int], kind: PartyKind, threshold: float
    ) -> Iterable[tuple[int, Comparison]]:
        """(position, comparison) of each listed name of `positions` the query reaches, in Python."""
        for pos in positions:
            item = self._names[pos]
            if not _kind_allows(kind, item.entry_type):
                continue
            # the name must reach the threshold on its own; qualifiers adjust hits only
            comparison = compare_prepared_reaching(
                prepared, item.prepared, _compare_kind(kind, item.entry_type), threshold
            )
            if comparison is not None:
                yield pos, comparison

    def _explained(
        self,
        prepared: PreparedName,
        query: NativeName,
        scored: list[tuple[int, float]],
        kind: PartyKind,
        threshold: float,
    ) -> Iterable[tuple[int, Comparison]]:
        """`_compared` for the names a native look-up scored (`NativeIndex.lookup`)."""
        for pos, _ in scored:
            comparison = self._explained_one(prepared, query, pos, kind, threshold)
            if comparison is not None:
                yield pos, comparison

    def _explained_one(
        self, prepared: PreparedName, query: NativeName, pos: int, kind: PartyKind, threshold: float
    ) -> Comparison | None:
        """The explained comparison of the query with listed name `pos` (from the native facts of
        it), or None below the threshold."""
        item = self._names[pos]
        out = cast("NativeIndex", self._native).facts(query, pos, _compare_kind(kind, item.entry_type))
        return comparison_reaching(prepared, item.prepared, out, threshold)

    def _qualified(
        self,
        prepared: PreparedName,
        item: _Listed,
        comparison: Comparison,
        country: str | None,
        birth_date: str | None,
        threshold: float,
    ) -> NameMatch | None:
        """The hit a comparison makes once list-wide rarity and the entry's qualifiers apply."""
        comparison = self._common_words_only(prepared, item, comparison)
        return self._qualify(comparison, item, country, birth_date, threshold)

    def _ranked(
        self,
        prepared: PreparedName,
        compared: Iterable[tuple[int, Comparison]],
        country: str | None,
        birth_date: str | None,
        threshold: float,
        limit: int,
    ) -> list[NameMatch]:
        """The qualified hits of `compared`, best first, one per entry, at most `limit`."""
        best: dict[str, NameMatch] = {}
        for pos, comparison in compared:
            item = self._names[pos]
            match = self._qualified(prepared, item, comparison, country, birth_date, threshold)
            if match is not None:
                held = best.get(item.entry_id)
                if held is None or match.score > held.score:
                    best[item.entry_id] = match
        ranked = sorted(best.values(), key=lambda m: (-m.score, m.entry.entry_id))
        return ranked[: max(0, limit)]

    def _ranked_native(
        self,
        prepared: PreparedName,
        query: NativeName,
        scored: list[tuple[int, float]],
        kind: PartyKind,
        country: str | None,
        threshold: float,
        limit: int,
    ) -> list[NameMatch]:
        """`_ranked` of the native look-up's scored names when no birth date is given, explaining
        only the names that can still be their entry's hit.

        With no birth date every qualifier only lowers the rounded score, so a listed name whose
        rounded score is below the best hit of its entry so far (or equal, but later in candidate
        order, which loses ties) cannot change the result: its explanation is never built.
        Names are visited best rounded score first; ties keep candidate order. Same result as
        `_ranked(prepared, self._explained(...), country, None, threshold, limit)`.
        """
        rounded = [min(1.0, max(0.0, round(score, 4))) for _, score in scored]
        best: dict[str, tuple[int, NameMatch]] = {}
        for order in sorted(range(len(scored)), key=lambda k: -rounded[k]):
            if rounded[order] < threshold:
                break  # the rest round under the threshold too
            pos = scored[order][0]
            item = self._names[pos]
            held = best.get(item.entry_id)
            if held is not None and (
                rounded[order] < held[1].score or (rounded[order] == held[1].score and order > held[0])
            ):
                continue
            comparison = self._explained_one(prepared, query, pos, kind, threshold)
            if comparison is None:
                continue
            match = self._qualified(prepared, item, comparison, country, None, threshold)
            if match is None:
                continue
            if (
                held is None
                or match.score > held[1].score
                or (match.score == held[1].score and order < held[0])
            ):
                best[item.entry_id] = (order, match)
        ranked = sorted((m for _, m in best.values()), key=lambda m: (-m.score, m.entry.entry_id))
        return ranked[: max(0, limit)]

    def _common_words_only(self, query: PreparedName, item: _Listed, comparison: Comparison) -> Comparison:
        """Lower a partial match that shares only common words with a longer listed name.

        `Maria Sanchez` is wholly inside `SANCHEZ CARLON, Diana Maria`, but both words are in
        dozens of listed names: sharing them says little. Only the index knows how common a word
        is across the lists, so this qualifier lives here rather than in `compare_names`.
        """
        listed = item.prepared
        pairs = list(zip(listed.tokens, listed.weights, strict=True))
        shared = [t for t, w in pairs if w > GENERIC_WEIGHT and t in query.tokens]
        unmatched = sum(1 for t, w in pairs if w > GENERIC_WEIGHT and len(t) > 1 and t not in query.tokens)
        if not shared or unmatched < 2:
            return comparison
        if any(len(self._postings.get(t, ())) <= COMMON_WORD_NAMES for t in shared):
            return comparison
        score = round(comparison.score * COMMON_WORDS_FACTOR, 4)
        return Comparison(
            score,
            f"{comparison.explanation}; only common words shared ({', '.join(shared[:3])}) "
            f"x{COMMON_WORDS_FACTOR:.2f}",
            (*comparison.features, ("common_words_only", round(COMMON_WORDS_FACTOR - 1, 4))),
        )

    def _qualify(
        self,
        comparison: Comparison,
        item: _Listed,
        country: str | None,
        birth_date: str | None,
        threshold: float,
    ) -> NameMatch | None:
        if comparison.score < threshold:
            return None  # qualifiers only lower scores by more than they can raise them
        entry = self._entries[item.entry_id]
        if item.quality is NameQuality.WEAK:
            if comparison.score < max(threshold, WEAK_ALIAS_MIN_SCORE):
                return None
            comparison = Comparison(
                comparison.score,
                comparison.explanation + "; weak alias (near-exact required)",
                (*comparison.features, ("weak_alias", 1.0)),
            )
        comparison = apply_qualifiers(comparison, entry, country=country, birth_date=birth_date)
        if comparison.score < threshold:
            return None
        return NameMatch(entry, item.text, comparison.score, comparison.explanation, comparison.features)

    # ------------------------------------------------------------------ free text

    def scan_text(
        self, text: str, *, threshold: float = DEFAULT_THRESHOLD, limit: int = 5
    ) -> list[NameMatch]:
        """Listed names hidden in free text (remittance information), best first, one per entry.

        Only windows of the text around a rare listed token (or two adjacent words that stand side
        by side in few listed names) are compared; a name with a single
        distinctive token needs that exact word (at least `SCAN_MIN_SINGLE_TOKEN_LENGTH` letters);
        generic words alone never hit. At most `limit` results.
        """
        words = normalise_text(text).split()
        if not words or limit <= 0:
            return []
        anchors: dict[int, list[int]] = {}  # listed name position -> text positions of rare words
        rarity: dict[int, float] = {}  # listed name position -> summed rarity x similarity
        for at, word in enumerate(words):
            if len(word) < 3 or word.isdigit() or token_weight(word) <= GENERIC_WEIGHT:
                continue
            variants = self._neighbours.get(word)
            if not variants:
                variants = self._unlisted_neighbours(word) if len(word) >= 5 else {}
            for v, sim in variants.items():
                plist = self._postings[v]
                if len(plist) > SCAN_MAX_POSTINGS or (sim < 1.0 and len(word) < 5):
                    continue  # a common word (`ocean`, `star`) anchors nothing in free text
                evidence = self._idf[v] * sim
                for pos in plist:
                    anchors.setdefault(pos, []).append(at)
                    rarity[pos] = rarity.get(pos, 0.0) + evidence
        # Two adjacent words that stand side by side in few listed names anchor those names even
        # when each word alone is common (`Chang An Shipping`: `chang` is in hundreds of names).
        for at, (a, b) in enumerate(itertools.pairwise(words)):
            # (one may be a number: `EK-30064` is a registration)
            if max(token_weight(a), token_weight(b)) <= GENERIC_WEIGHT:
                continue
            pair_hits = self._joined.get(a + b)
            if pair_hits is None or len(pair_hits) > SCAN_MAX_POSTINGS:
                continue
            evidence = idf_unknown(len(self._names))
            for pos in pair_hits:
                anchors.setdefault(pos, []).extend((at, at + 1))
                rarity[pos] = rarity.get(pos, 0.0) + evidence
        # Names anchored by the most distinct text words first, then by the rarest evidence (a
        # rare exact word before a common word's typo variants), then the shortest; only the
        # best few are compared.
        names = self._names
        ranked = heapq.nlargest(
            MAX_SCAN_CANDIDATES,
            anchors,
            key=lambda pos: (len(set(anchors[pos])), rarity[pos], -names[pos].bound.total),
        )
        windows: _TextWindows = {}
        best: dict[str, NameMatch] = {}
        for pos in ranked:
            item = names[pos]
            ats = anchors[pos]
            listed = item.prepared
            if listed.distinctive_weight <= 1.0:
                exact = [a for a in ats if words[a] in listed.tokens]
                if not exact or max(len(words[a]) for a in exact) < SCAN_MIN_SINGLE_TOKEN_LENGTH:
                    continue
            match = self._best_window(words, ats, pos, threshold, windows)
            if match is not None:
                held = best.get(item.entry_id)
                if held is None or match.score > held.score:
                    best[item.entry_id] = match
        found = sorted(best.values(), key=lambda m: (-m.score, m.entry.entry_id))
        return found[:limit]

    @staticmethod
    def _windows(
        words: list[str], ats: list[int], size: int, inert: float, windows: _TextWindows
    ) -> tuple[list[PreparedName], tuple[tuple[str, ...], ...]]:
        """The non-empty windows of `size` (and one more) words around the anchors `ats`, in a
        fixed order, and their tokens with every number longer than `inert` as `INERT_NUMBER`.

        Memoised per text (`windows`): listed names of one length anchored by the same words
        share their windows, and each window is normalised once whichever names it meets.
        """
        anchors = tuple(sorted(set(ats))[:MAX_SCAN_ANCHORS])
        layout_key = (anchors, size, inert)
        layout = windows.get(layout_key)
        if layout is not None:
            return cast("tuple[list[PreparedName], tuple[tuple[str, ...], ...]]", layout)
        plain_key = (anchors, size, math.inf)  # the same windows with no number as a placeholder
        plain = windows.get(plain_key)
        if plain is None:
            seen: set[tuple[int, int]] = set()  # anchors close together share windows: score each once
            spans: list[PreparedName] = []
            for at in anchors:
                # Never shorter than the name: a shorter window drops the word that would conflict
                # (`kim jong | un` is not `KIM, Jung Jong`).
                for length in {size, min(size + 1, MAX_SCAN_TOKENS)}:
                    for start in range(max(0, at - length + 1), min(at, len(words) - length) + 1):
                        span = (start, length)
                        if span in seen:
                            continue
                        seen.add(span)
                        window = windows.get(span)
                        if window is None:
                            window = prepare(" ".join(words[start : start + length]), "any")
                            windows[span] = window
                        if cast("PreparedName", window).tokens:
                            spans.append(cast("PreparedName", window))
            plain = (spans, tuple(window.tokens for window in spans))
            windows[plain_key] = plain
        spans, tokens = cast("tuple[list[PreparedName], tuple[tuple[str, ...], ...]]", plain)
        # Texts repeat around their numbers (`Invoice 5123 steel pipes`): windows that differ
        # only in numbers inert against a name get the same cheap bounds (`inert_number_length`).
        shape = tuple(
            tuple([INERT_NUMBER if len(t) > inert and t.isdigit() else t for t in window])
            for window in tokens
        )
        windows[layout_key] = (spans, shape)
        return spans, shape

    def _best_window(
        self,
        words: list[str],
        ats: list[int],
        pos: int,
        threshold: float,
        windows: _TextWindows,
    ) -> NameMatch | None:
        """The best-scoring window of the text around the anchor positions, as a hit or None.

        Windows are as long as the listed name, one word shorter or longer; each window is
        normalised once per text (`windows`) whichever listed names it is compared with.
        """
        item = self._names[pos]
        spans, shape = self._windows(words, ats, len(item.prepared.tokens), self._inert[pos], windows)
        hopeless_key = (pos, threshold, shape)
        if hopeless_key in self._hopeless:
            return None
        kind = _compare_kind("any", item.entry_type)
        person = kind == "person"
        masks = self._mask_cache
        best_score = -1.0
        best_window: PreparedName | None = None
        # The listed side's coverage is bounded once for all windows (by every word any window
        # holds), so each window's own cheap bound costs one pass over its words.
        partner = {t: self._partner_mask(t, pos, person, masks) for window in spans for t in window.tokens}
        covered = 0
        for mask in partner.values():
            covered |= mask
        listed = item.prepared
        coverage = listed_coverage(listed, covered)
        acronyms = acronym_letters(listed)
        hopeful: list[tuple[float, int, PreparedName, list[int]]] = []
        for order, window in enumerate(spans):
            partners = [partner[t] for t in window.tokens]
            # Cheap bounds first: most windows around a rare word are hopeless.
            quick = window_score_bound(window, partners, listed, coverage, acronyms)
            if quick + SCORE_ROUNDING >= threshold:  # else the exact bound would skip it too
                hopeful.append((quick, order, window, partners))
        passed = bool(hopeful)  # some window passed the cheap bound against the threshold
        # Most promising windows first, so the best score so far rules out the rest sooner; the
        # hit is still the first window (in `spans` order) of the best score, as in one pass.
        hopeful.sort(key=lambda h: -h[0])
        best_order = len(spans)
        for quick, order, window, partners in hopeful:
            if quick + SCORE_ROUNDING < best_score:
                break  # no window left can reach the best score
            if quick + SCORE_ROUNDING <= best_score and order > best_order:
                continue  # at best a tie with an earlier window, which wins ties
            reach = masked_score_bound(window, partners, listed)
            if reach + SCORE_ROUNDING < threshold or reach + SCORE_ROUNDING < best_score:
                continue  # it could neither hit nor beat the best window so far
            if reach + SCORE_ROUNDING <= best_score and order > best_order:
                continue
            score = score_prepared(window, listed, kind)
            if score > best_score or (score == best_score and order < best_order):
                best_score, best_window, best_order = score, window, order
        if not passed:
            if len(self._hopeless) >= MASK_CACHE_SIZE:
                self._hopeless.clear()
            self._hopeless.add(hopeless_key)
        if best_window is None or best_score < threshold:
            return None
        comparison = compare_prepared(best_window, item.prepared, kind)
        return self._qualify(comparison, item, None, None, threshold)


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
            if w <= GENERIC_WEIGHT:
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
        generic_pairs = min(self.generic_n, listed.generic_n) * GENERIC_WEIGHT
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
            bound *= CONFLICT_FACTOR  # a distinctive token on each side has no partner
        # The comparison's factors that depend on the two names alone, not on the alignment,
        # apply exactly as `match._outcome` applies them (every later step only lowers a score).
        bound = name_factors(bound, self.distinctive_w, listed.distinctive_w, self.numbers, listed.numbers)
        return bound >= threshold - SCORE_ROUNDING


def _hidden_typo_similarity(length: int) -> float:
    """Best similarity of a word of `length` letters to a word retrieval did not find for it.

    Retrieval finds every word one edit away (two-letter words only exactly), so a hidden partner
    is at least two edits away: similarity at most 1 - 2/(length+2). Words of up to 4 letters may
    hide even a one-edit partner; words between that and `HIDDEN_TYPO_MIN_LENGTH` are taken to have
    none (a trade of recall for speed, measured by `bench.speed` against brute force).
    """
    if length < MIN_FUZZY_LENGTH + 2:
        return 1.0 - 1.0 / (length + 1)  # short words: one edit may already be hidden
    if length < HIDDEN_TYPO_MIN_LENGTH:
        return 0.0
    return 1.0 - 2.0 / (length + 2)


def _prepare_entries(entries: Iterable[ListEntry]) -> list[_Listed]:
    out: list[_Listed] = []
    for entry in entries:
        form = _form_for(entry.entry_type)
        for name in entry.names():
            prepared = prepare(name.text, form)

            if prepared.tokens:
                out.append(
                    _Listed(
                        entry.entry_id,
                        name.text,
                        name.quality,
                        entry.entry_type,
                        prepared,
                        _Bound.of(prepared),
                    )
                )
    return out
