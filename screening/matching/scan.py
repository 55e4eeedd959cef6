"""Listed names hidden in free text (remittance information).

A text is split into normalised words and handed to the engine (`MatchEngine.scan`, in Rust:
`native/src/scan.rs`), which finds the anchors in one pass over the words (rare listed words,
exactly or about one edit away, and rare adjacent pairs), tries the best-anchored names against
the windows around their anchors, rules out hopeless windows by bounds of the score, and scores
the rest. Python normalises the windows the engine asks for (`prepare`: ICU and rigour; a window
whose words `names.window_rewrites` shows normalisation keeps as they are needs none), then
explains and qualifies the hits.

The Python implementation this replaced is kept as the test oracle
(`tests/oracle/reference_scan.py`); the engine gives the same hits, scores and windows.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from screening.matching.engine import MatchEngine
from screening.matching.listed import ListedName, compare_kind
from screening.matching.prepare import PreparedName, prepare, token_weights
from screening.matching.qualify import qualified_match
from screening.matching.results import NameMatch
from screening.model import ListEntry
from screening.names import normalise_text, window_rewrites

__all__ = ["TextScanner"]

# Windows the engine has Python normalise (a legal form, a number word, an honorific among their
# words) recur from text to text (`trading co ltd`, `sa de cv`); the prepared window is a pure
# function of its words, so it is remembered by them, a bounded number (a few MB).
WINDOW_CACHE_SIZE = 1 << 13
_prepared_window = functools.lru_cache(maxsize=WINDOW_CACHE_SIZE)(prepare)


class TextScanner:
    """Scans free text against one index's listed names (see module doc). Holds no state
    between texts."""

    __slots__ = ("_engine", "_entries", "_names")

    def __init__(
        self, engine: MatchEngine, names: Sequence[ListedName], entries: dict[str, ListEntry]
    ) -> None:
        self._engine = engine
        self._names = names
        self._entries = entries

    def scan(self, text: str, *, threshold: float, limit: int) -> list[NameMatch]:
        """Listed names hidden in `text`, best first, one per entry, at most `limit`, each scoring
        at least `threshold`.

        Only windows around a rare listed token (or two adjacent words that stand side by side in
        few listed names) are compared; a name with a single distinctive token needs that exact
        word (at least `scan_min_single_token_length` letters); generic words alone never hit.
        """
        words = normalise_text(text).split()
        if not words or limit <= 0:
            return []
        windows: dict[tuple[int, int], PreparedName] = {}

        def prepare_window(start: int, length: int) -> PreparedName:
            # once per window: the engine asks once, hits of several names may share one
            window = windows.get((start, length))
            if window is None:
                window = windows[start, length] = _prepared_window(" ".join(words[start : start + length]))
            return window

        engine = self._engine
        found = engine.scan(
            words, token_weights(tuple(words)), window_rewrites(words), threshold, prepare_window
        )
        best: dict[str, NameMatch] = {}
        for pos, start, length, _ in found:
            item = self._names[pos]
            window = prepare_window(start, length)
            kind = compare_kind("any", item.entry_type)
            comparison = engine.explain(engine.query(window), window, pos, item.prepared, kind)
            match = qualified_match(
                engine.params,
                comparison,
                self._entries[item.entry_id],
                item.text,
                item.quality,
                country=None,
                birth_date=None,
                threshold=threshold,
            )
            if match is not None:
                held = best.get(item.entry_id)
                if held is None or match.score > held.score:
                    best[item.entry_id] = match
        found_matches = sorted(best.values(), key=lambda m: (-m.score, m.entry.entry_id))
        return found_matches[:limit]
