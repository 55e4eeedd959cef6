"""The Python reference of the free-text scan (formerly `screening/matching/scan.py`), a test
oracle of the engine's scan (`native/src/scan.rs`): listed names hidden in free text.

A text is split into normalised words; rare listed words (and rare adjacent pairs) found in it,
exactly or about one edit away, anchor the listed names holding them; only the best-anchored
names are tried, each against the windows of the text around its anchors, as long as the name
and one word longer. Cheap bounds (`bounds.window_score_bound`, then `bounds.masked_score_bound`)
rule out hopeless windows before the engine scores the rest.

The scanner's memo tables (word neighbourhoods, partner masks, hopeless window layouts) depend
only on the words and the immutable index they were built for; they are bounded and emptied
when full, and never change a result.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from screening.matching.engine import MatchEngine
from screening.matching.listed import ListedName, compare_kind
from screening.matching.prepare import PreparedName, prepare
from screening.matching.qualify import qualified_match
from screening.matching.results import NameMatch
from screening.model import ListEntry
from screening.names import normalise_text, token_weight
from tests.oracle.reference_bounds import (
    acronym_letters,
    inert_number_length,
    listed_coverage,
    masked_score_bound,
    partner_mask,
    window_score_bound,
)
from tests.oracle.reference_vocabulary import Vocabulary, idf_unknown

if TYPE_CHECKING:
    from screening._native import NativeName

__all__ = ["ReferenceScanner"]

# Stands for any number inert against a listed name in the memo of hopeless windows (no token
# of a normalised name holds a NUL).
INERT_NUMBER = "\x00"


class _Window:
    """One window of a text: its prepared name, and the engine's form of it once scored."""

    __slots__ = ("native", "prepared")

    def __init__(self, prepared: PreparedName) -> None:
        self.prepared = prepared
        self.native: NativeName | None = None


_Layout = tuple[list[_Window], tuple[tuple[str, ...], ...]]


class _TextWindows:
    """Per text: each window by (start, length), and each layout of windows by (anchors, length,
    inert number length) with its memo shape."""

    __slots__ = ("layouts", "spans")

    def __init__(self) -> None:
        self.spans: dict[tuple[int, int], _Window] = {}
        self.layouts: dict[tuple[tuple[int, ...], int, float], _Layout] = {}


class ReferenceScanner:
    """Scans free text against one index's listed names (see module doc)."""

    __slots__ = (
        "_engine",
        "_entries",
        "_hopeless",
        "_inert",
        "_mask_cache",
        "_names",
        "_near_cache",
        "_vocab",
    )

    def __init__(
        self,
        engine: MatchEngine,
        names: Sequence[ListedName],
        vocabulary: Vocabulary,
        entries: dict[str, ListEntry],
    ) -> None:
        self._engine = engine
        self._names = names
        self._vocab = vocabulary
        self._entries = entries
        self._inert = tuple(inert_number_length(engine.params, item.prepared) for item in names)
        self._near_cache: dict[str, dict[str, float]] = {}
        self._mask_cache: dict[tuple[str, int], int] = {}
        self._hopeless: set[tuple[int, float, tuple[tuple[str, ...], ...]]] = set()

    def scan(self, text: str, *, threshold: float, limit: int) -> list[NameMatch]:
        """Listed names hidden in `text`, best first, one per entry, at most `limit`, each scoring
        at least `threshold`.

        Only windows around a rare listed token (or two adjacent words that stand side by side in
        few listed names) are compared; a name with a single distinctive token needs that exact
        word (at least `scan_min_single_token_length` letters); generic words alone never hit.
        """
        params = self._engine.params
        words = normalise_text(text).split()
        if not words or limit <= 0:
            return []
        vocab = self._vocab
        generic = params.generic_weight
        anchors: dict[int, list[int]] = {}  # listed name position -> text positions of rare words
        rarity: dict[int, float] = {}  # listed name position -> summed rarity x similarity
        for at, word in enumerate(words):
            if len(word) < params.scan_min_anchor_length or word.isdigit() or token_weight(word) <= generic:
                continue
            variants = vocab.neighbours.get(word)
            if not variants:
                variants = (
                    self._unlisted_neighbours(word)
                    if len(word) >= params.scan_min_fuzzy_anchor_length
                    else {}
                )
            for v, sim in variants.items():
                plist = vocab.postings[v]
                if len(plist) > params.scan_max_postings or (
                    sim < 1.0 and len(word) < params.scan_min_fuzzy_anchor_length
                ):
                    continue  # a common word (`ocean`, `star`) anchors nothing in free text
                evidence = vocab.idf[v] * sim
                for pos in plist:
                    anchors.setdefault(pos, []).append(at)
                    rarity[pos] = rarity.get(pos, 0.0) + evidence
        # Two adjacent words that stand side by side in few listed names anchor those names even
        # when each word alone is common (`Chang An Shipping`: `chang` is in hundreds of names).
        for at, (a, b) in enumerate(itertools.pairwise(words)):
            # (one may be a number: `EK-30064` is a registration)
            if max(token_weight(a), token_weight(b)) <= generic:
                continue
            pair_hits = vocab.joined.get(a + b)
            if pair_hits is None or len(pair_hits) > params.scan_max_postings:
                continue
            evidence = idf_unknown(vocab.size)
            for pos in pair_hits:
                anchors.setdefault(pos, []).extend((at, at + 1))
                rarity[pos] = rarity.get(pos, 0.0) + evidence
        # Names anchored by the most distinct text words first, then by the rarest evidence (a
        # rare exact word before a common word's typo variants), then the shortest; only the
        # best few are compared.
        names = self._names
        ranked = heapq.nlargest(
            params.max_scan_candidates,
            anchors,
            key=lambda pos: (len(set(anchors[pos])), rarity[pos], -names[pos].prepared.total_weight),
        )
        windows = _TextWindows()
        best: dict[str, NameMatch] = {}
        for pos in ranked:
            item = names[pos]
            ats = anchors[pos]
            listed = item.prepared
            if listed.distinctive_weight <= 1.0:
                exact = [a for a in ats if words[a] in listed.tokens]
                if not exact or max(len(words[a]) for a in exact) < params.scan_min_single_token_length:
                    continue
            match = self._best_window(words, ats, pos, threshold, windows)
            if match is not None:
                held = best.get(item.entry_id)
                if held is None or match.score > held.score:
                    best[item.entry_id] = match
        found = sorted(best.values(), key=lambda m: (-m.score, m.entry.entry_id))
        return found[:limit]

    def _unlisted_neighbours(self, word: str) -> dict[str, float]:
        """Typo neighbours of a word no listed name holds, memoised (bounded): remittance texts
        repeat the same unlisted words (`invoice`, `membership`)."""
        cache = self._near_cache
        near = cache.get(word)
        if near is None:
            near = self._vocab.typo_neighbours(word)
            if len(cache) >= self._engine.params.word_cache_size:
                cache.clear()
            cache[word] = near
        return near

    def _partner_mask(self, word: str, pos: int, person: bool) -> int:
        """`partner_mask` of a text word and listed name `pos`, memoised (bounded)."""
        cache = self._mask_cache
        key = (word, pos)
        mask = cache.get(key)
        if mask is None:
            mask = partner_mask(self._engine, word, self._names[pos].prepared, person)
            if len(cache) >= self._engine.params.mask_cache_size:
                cache.clear()
            cache[key] = mask
        return mask

    def _windows(
        self, words: list[str], ats: list[int], size: int, inert: float, windows: _TextWindows
    ) -> _Layout:
        """The non-empty windows of `size` (and one more) words around the anchors `ats`, in a
        fixed order, and their tokens with every number longer than `inert` as `INERT_NUMBER`.

        Memoised per text (`windows`): listed names of one length anchored by the same words
        share their windows, and each window is normalised once whichever names it meets.
        """
        params = self._engine.params
        anchors = tuple(sorted(set(ats))[: params.max_scan_anchors])
        layout_key = (anchors, size, inert)
        layout = windows.layouts.get(layout_key)
        if layout is not None:
            return layout
        plain_key = (anchors, size, math.inf)  # the same windows with no number as a placeholder
        plain = windows.layouts.get(plain_key)
        if plain is None:
            seen: set[tuple[int, int]] = set()  # anchors close together share windows: score each once
            spans: list[_Window] = []
            for at in anchors:
                # Never shorter than the name: a shorter window drops the word that would conflict
                # (`kim jong | un` is not `KIM, Jung Jong`).
                for length in {size, min(size + 1, params.max_scan_tokens)}:
                    for start in range(max(0, at - length + 1), min(at, len(words) - length) + 1):
                        span = (start, length)
                        if span in seen:
                            continue
                        seen.add(span)
                        window = windows.spans.get(span)
                        if window is None:
                            window = _Window(prepare(" ".join(words[start : start + length]), "any"))
                            windows.spans[span] = window
                        if window.prepared.tokens:
                            spans.append(window)
            plain = (spans, tuple(w.prepared.tokens for w in spans))
            windows.layouts[plain_key] = plain
        spans, tokens = plain
        # Texts repeat around their numbers (`Invoice 5123 steel pipes`): windows that differ
        # only in numbers inert against a name get the same cheap bounds (`inert_number_length`).
        shape = tuple(
            tuple([INERT_NUMBER if len(t) > inert and t.isdigit() else t for t in window])
            for window in tokens
        )
        windows.layouts[layout_key] = (spans, shape)
        return spans, shape

    def _native_window(self, window: _Window) -> NativeName:
        if window.native is None:
            window.native = self._engine.query(window.prepared)
        return window.native

    def _best_window(
        self, words: list[str], ats: list[int], pos: int, threshold: float, windows: _TextWindows
    ) -> NameMatch | None:
        """The best-scoring window of the text around the anchor positions, as a hit or None.

        The hit is the first window (in window order) of the best score.
        """
        engine = self._engine
        params = engine.params
        item = self._names[pos]
        spans, shape = self._windows(words, ats, len(item.prepared.tokens), self._inert[pos], windows)
        hopeless_key = (pos, threshold, shape)
        if hopeless_key in self._hopeless:
            return None
        kind = compare_kind("any", item.entry_type)
        person = kind == "person"
        rounding = params.score_rounding
        best_score = -1.0
        best_window: _Window | None = None
        # The listed side's coverage is bounded once for all windows (by every word any window
        # holds), so each window's own cheap bound costs one pass over its words.
        partner = {t: self._partner_mask(t, pos, person) for window in spans for t in window.prepared.tokens}
        covered = 0
        for mask in partner.values():
            covered |= mask
        listed = item.prepared
        coverage = listed_coverage(params, listed, covered)
        acronyms = acronym_letters(params, listed)
        hopeful: list[tuple[float, int, _Window, list[int]]] = []
        for order, window in enumerate(spans):
            partners = [partner[t] for t in window.prepared.tokens]
            # Cheap bounds first: most windows around a rare word are hopeless.
            quick = window_score_bound(engine, window.prepared, partners, listed, coverage, acronyms)
            if quick + rounding >= threshold:  # else the exact bound would skip it too
                hopeful.append((quick, order, window, partners))
        passed = bool(hopeful)  # some window passed the cheap bound against the threshold
        # Most promising windows first, so the best score so far rules out the rest sooner.
        hopeful.sort(key=lambda h: -h[0])
        best_order = len(spans)
        for quick, order, window, partners in hopeful:
            if quick + rounding < best_score:
                break  # no window left can reach the best score
            if quick + rounding <= best_score and order > best_order:
                continue  # at best a tie with an earlier window, which wins ties
            reach = masked_score_bound(engine, window.prepared, partners, listed)
            if reach + rounding < threshold or reach + rounding < best_score:
                continue  # it could neither hit nor beat the best window so far
            if reach + rounding <= best_score and order > best_order:
                continue
            score = engine.score(self._native_window(window), pos, kind)
            if score > best_score or (score == best_score and order < best_order):
                best_score, best_window, best_order = score, window, order
        if not passed:
            if len(self._hopeless) >= params.mask_cache_size:
                self._hopeless.clear()
            self._hopeless.add(hopeless_key)
        if best_window is None or best_score < threshold:
            return None
        comparison = engine.explain(self._native_window(best_window), best_window.prepared, pos, listed, kind)
        return qualified_match(
            params,
            comparison,
            self._entries[item.entry_id],
            item.text,
            item.quality,
            country=None,
            birth_date=None,
            threshold=threshold,
        )
