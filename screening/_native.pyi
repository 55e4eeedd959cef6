"""Type stub of the Rust engine `screening._native` (source: native/src/lib.rs)."""

from collections.abc import Callable, Sequence
from typing import Any

_NameParts = tuple[list[str], list[float], bool, str, str]
_Pair = tuple[list[int], list[int], float, str]
_Evidence = tuple[str, float, str]
_Explained = tuple[float, list[_Pair], list[_Evidence]]

class NativeName:
    """One name prepared for every comparison of one look-up."""

class NativeIndex:
    """The listed names of one index with their retrieval tables (immutable)."""

    def __init__(
        self,
        config: dict[str, Any],
        names: Sequence[tuple[list[str], list[float], bool, str, str]],
        kinds: Sequence[tuple[str | None, str | None, str | None]],
    ) -> None: ...
    def updated(
        self,
        removed: list[int],
        added: list[tuple[int, _NameParts, tuple[str | None, str | None, str | None]]],
    ) -> NativeIndex: ...
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
    def score(self, query: NativeName, pos: int, kind: str) -> float: ...
    def pair_similarity(self, a: str, b: str, person: bool, lenient: bool) -> tuple[float, str]: ...
    def acronym_spans(self, ta: list[str], tb: list[str]) -> list[tuple[int, list[int]]]: ...
    def bound_score(
        self,
        total_a: float,
        total_b: float,
        cov_a: float,
        cov_b: float,
        unpaired_on_both_sides: bool,
        distinctive_a: float,
        distinctive_b: float,
        numbers_equal: bool,
    ) -> float: ...
    def syllables_cap(self, a_original: str, b_original: str) -> float: ...
    def scan(
        self,
        words: list[str],
        weights: list[float],
        flags: list[int],
        threshold: float,
        prepare: Callable[[int, int], _NameParts | None],
    ) -> list[tuple[int, int, int, float]]: ...
    def names_holding(self, word: str) -> int: ...
    def __len__(self) -> int: ...
