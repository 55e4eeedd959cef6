"""The production matcher: the Rust engine (`screening._native`, built from `native/`) that
retrieves candidates and scores them by the named rules of `native/src/rules.rs`.

This module is the only door to it: it hands the engine the `ScreeningParams` when an index is
built, turns prepared names into the engine's form, and turns the engine's evidence into
explained `Comparison`s. The Python reference of the same algorithm lives under `tests/oracle/`
and checks hits and scores; it is not a second production path.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from screening.matching.params import DEFAULT_PARAMS, ScreeningParams
from screening.matching.prepare import PreparedName
from screening.matching.results import Comparison, Evidence, PartyKind, comparison_of
from screening.names import NormalisedName, has_non_latin

if TYPE_CHECKING:
    from screening._native import NativeIndex, NativeName

__all__ = ["EngineUnavailable", "MatchEngine", "standalone_engine"]

_EMPTY = comparison_of(0.0, [Evidence("empty", 1.0, "no comparable name tokens")])


class EngineUnavailable(RuntimeError):
    """The Rust extension is not built (run `make install`)."""


def _native_index_class() -> type[NativeIndex]:
    try:
        from screening._native import NativeIndex
    except ImportError as exc:  # a checkout without `make install`
        raise EngineUnavailable(
            "screening._native is not built: run `make install` (needs a Rust toolchain)"
        ) from exc
    return NativeIndex


def _parts(name: NormalisedName, weights: tuple[float, ...]) -> tuple[list[str], list[float], bool, str, str]:
    return list(name.tokens), list(weights), name.transliterated, name.unstripped, name.original


def _name_evidence(qa: PreparedName, qb: PreparedName) -> list[Evidence]:
    """What normalisation did to the two names (told after the engine's evidence)."""
    out: list[Evidence] = []
    legal = sorted(set(qa.name.legal_forms) | set(qb.name.legal_forms))
    if legal:
        out.append(
            Evidence("legal_form_removed", float(len(legal)), f"legal form removed: {', '.join(legal)}")
        )
    if qa.name.transliterated or qb.name.transliterated:
        out.append(Evidence("transliterated", 1.0, "transliterated to Latin"))
    elif has_non_latin(qa.name.original) or has_non_latin(qb.name.original):
        # read whole the way the lists romanise it (`screening.readings`), compared as spelt
        out.append(Evidence("romanised", 1.0, "read in Latin letters as the lists write it"))
    return out


class MatchEngine:
    """The engine over one index's listed names (positions as given), immutable once built.

    Guarantees: every score is the fold of the named rules over one alignment, in [0, 1] once
    rounded; every explanation lists exactly the evidence that score folded.
    """

    __slots__ = ("_native", "params")

    def __init__(
        self,
        params: ScreeningParams,
        names: Sequence[PreparedName],
        kinds: Sequence[tuple[PartyKind | None, PartyKind | None, PartyKind | None]],
    ) -> None:
        self.params = params
        self._native = _native_index_class()(
            params.native_config(), [_parts(n.name, n.weights) for n in names], kinds
        )

    def updated(
        self,
        removed: Sequence[int],
        added: Sequence[
            tuple[int, PreparedName, tuple[PartyKind | None, PartyKind | None, PartyKind | None]]
        ],
    ) -> MatchEngine:
        """The engine for a list update, this one untouched: its names without those at positions
        `removed`, with the `added` (new position, name, kinds) put in place, positions
        ascending. Guarantees: the tables, and so every result, of `MatchEngine(params, names,
        kinds)` built for the resulting names (`native/src/retrieve/update.rs`); the work grows
        with the names that changed, not with the list."""
        engine = MatchEngine.__new__(MatchEngine)
        engine.params = self.params
        engine._native = self._native.updated(
            list(removed), [(pos, _parts(name.name, name.weights), kinds) for pos, name, kinds in added]
        )
        return engine

    # ------------------------------------------------------------------ look-ups

    def lookup(
        self, name: PreparedName, kind: PartyKind, threshold: float, limit: int
    ) -> tuple[NativeName, list[tuple[int, float]]]:
        """Candidates of `name` compared as `kind`: (the engine's query, [(position, unrounded
        score)] of those within rounding of `threshold`, in candidate order)."""
        return self._native.lookup(*_parts(name.name, name.weights), kind, threshold, limit)

    def explain(
        self, query: NativeName, qa: PreparedName, pos: int, qb: PreparedName, kind: PartyKind
    ) -> Comparison:
        """The explained comparison of a looked-up query with listed name `pos` (`qb`)."""
        score, _, evidence = self._native.explain(query, pos, kind)
        return self._explained(score, evidence, qa, qb)

    def compare(self, qa: PreparedName, qb: PreparedName, kind: PartyKind) -> Comparison:
        """Two prepared names compared and explained. Guarantees: score in [0, 1]; never raises."""
        if not qa.tokens or not qb.tokens:
            return _EMPTY
        native = self._native
        score, _, evidence = native.explain_pair(self.query(qa), self.query(qb), kind)
        return self._explained(score, evidence, qa, qb)

    def _explained(
        self, score: float, evidence: Sequence[tuple[str, float, str]], qa: PreparedName, qb: PreparedName
    ) -> Comparison:
        """The engine's score and evidence as a comparison, with what each name's preparation did."""
        return comparison_of(
            self.params.clamp_score(score), [*(Evidence(*item) for item in evidence), *_name_evidence(qa, qb)]
        )

    def query(self, name: PreparedName) -> NativeName:
        """`name` in the engine's form, for several comparisons."""
        return self._native.query(*_parts(name.name, name.weights))

    def score(self, query: NativeName, pos: int, kind: PartyKind) -> float:
        """The rounded score of a name in the engine's form against listed name `pos`, without
        explanation (free-text windows)."""
        return self.params.clamp_score(self._native.score(query, pos, kind))

    def scan(
        self,
        words: Sequence[str],
        weights: Sequence[float],
        rewrites: Sequence[int],
        threshold: float,
        prepare_window: Callable[[int, int], PreparedName],
    ) -> list[tuple[int, int, int, float]]:
        """The free-text scan of a text's normalised `words` (`native/src/scan.rs`): (position,
        window start, window length, rounded score) of the best window of each anchored listed
        name scoring at least `threshold`, best-anchored names first, the window being the first
        of the best score. `rewrites` are the words' `names.window_rewrites` flags: a window they
        show to normalise to its very words is prepared by the engine, any other by
        `prepare_window(start, length)`, once (windows with no token are skipped)."""

        def parts(start: int, length: int) -> tuple[list[str], list[float], bool, str, str] | None:
            window = prepare_window(start, length)
            return _parts(window.name, window.weights) if window.tokens else None

        return self._native.scan(list(words), list(weights), list(rewrites), threshold, parts)

    def names_holding(self, word: str) -> int:
        """How many listed names hold `word`."""
        return self._native.names_holding(word)

    # ------------------------------------------------------------------ the rules, for the oracle
    # The rules a bound applies, exposed so the Python scan oracle (tests/oracle/) bounds windows
    # with the production rules rather than a copy of them.

    def pair_similarity(self, a: str, b: str, person: bool, lenient: bool) -> float:
        """The credit the alignment gives two different words as a pair (0: they never pair)."""
        return self._native.pair_similarity(a, b, person, lenient)[0]

    def acronym_spans(
        self, word_tokens: Sequence[str], other_tokens: Sequence[str]
    ) -> list[tuple[int, list[int]]]:
        """(i, span): word i of the first name spells the initials of the span of the second."""
        return self._native.acronym_spans(list(word_tokens), list(other_tokens))

    def bound_score(
        self, qa: PreparedName, qb: PreparedName, cov_a: float, cov_b: float, unpaired_on_both_sides: bool
    ) -> float:
        """The score the rules fold from the coverages `cov_a`, `cov_b` when nothing else of the
        alignment is known: the coverage mix, the conflict rule if `unpaired_on_both_sides`, and
        the rules that depend on the two names alone (single distinctive token, differing
        numbers). Never below the score of any alignment with at most those coverages."""
        return self._native.bound_score(
            qa.total_weight,
            qb.total_weight,
            cov_a,
            cov_b,
            unpaired_on_both_sides,
            qa.distinctive_weight,
            qb.distinctive_weight,
            qa.numbers == qb.numbers,
        )

    def syllables_cap(self, qa: PreparedName, qb: PreparedName) -> float:
        """The cap the syllables rule puts on two names in one syllabic script (1.0 otherwise)."""
        return self._native.syllables_cap(qa.name.original, qb.name.original)

    def __len__(self) -> int:
        """Number of listed names."""
        return len(self._native)


@functools.lru_cache(maxsize=8)
def standalone_engine(params: ScreeningParams = DEFAULT_PARAMS) -> MatchEngine:
    """An engine with no listed names, for comparing two given names (`compare_names`)."""
    return MatchEngine(params, [], [])
