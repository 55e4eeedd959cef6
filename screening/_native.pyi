"""Type stub of the Rust extension `screening._native` (source: native/src/lib.rs)."""

from collections.abc import Mapping, Sequence
from typing import Any

# A chosen token pair: (tokens of the first name, tokens of the second, similarity, rule).
_Pair = tuple[list[int], list[int], float, str]
# One line of an explanation: (feature name, value, note; the note may be empty).
_Evidence = tuple[str, float, str]
# (unrounded score, chosen pairs, evidence).
_Explained = tuple[float, list[_Pair], list[_Evidence]]

class NativeName:
    """One query name prepared for every comparison of one look-up."""

class NativeIndex:
    """The listed names of one `ListIndex` with their retrieval tables (immutable).

    `config`: every parameter by its lower-case name (`ScreeningParams.native_config()`); a
    missing key raises KeyError naming it, a malformed value ValueError.
    """

    def __init__(
        self,
        config: Mapping[str, Any],
        names: Sequence[tuple[list[str], list[float], bool, str, str]],
        kinds: Sequence[tuple[str | None, str | None, str | None]],
    ) -> None: ...
    def query(
        self, tokens: list[str], weights: list[float], transliterated: bool, unstripped: str, original: str
    ) -> NativeName: ...
    def candidates(self, query: NativeName, threshold: float, limit: int) -> list[int]: ...
    def lookup(
        self,
        tokens: list[str],
        weights: list[float],
        transliterated: bool,
        unstripped: str,
        original: str,
        kind: str,
        threshold: float,
        limit: int,
    ) -> tuple[NativeName, list[tuple[int, float]]]: ...
    def explain(self, query: NativeName, pos: int, kind: str) -> _Explained: ...
    def explain_pair(self, a: NativeName, b: NativeName, kind: str) -> _Explained: ...
    def name_factors(
        self, score: float, distinctive_a: float, distinctive_b: float, numbers_equal: bool
    ) -> float: ...
    def pair_similarity(self, a: str, b: str, person: bool, lenient: bool) -> tuple[float, str]: ...
    def acronym_spans(self, ta: list[str], tb: list[str]) -> list[tuple[int, list[int]]]: ...
    def syllables_cap(
        self, a_original: str, a_transliterated: bool, b_original: str, b_transliterated: bool
    ) -> float: ...
    def __len__(self) -> int: ...
