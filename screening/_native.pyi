"""Type stub of the Rust extension `screening._native` (source: native/src/lib.rs)."""

from collections.abc import Sequence
from typing import Any

_Pair = tuple[list[int], list[int], float, str]
_Outcome = tuple[
    float,
    list[_Pair],
    tuple[float, float],
    tuple[list[int], list[int]],
    tuple[bool, bool, bool, bool, bool, bool],
    float,
]

class NativeName:
    """One query name prepared for every comparison of one look-up."""

class NativeIndex:
    """The listed names of one `ListIndex` with their retrieval tables (immutable)."""

    def __init__(
        self,
        config: dict[str, Any],
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
    def facts(self, query: NativeName, pos: int, kind: str) -> _Outcome: ...
    def compare(self, a: NativeName, b: NativeName, kind: str) -> _Outcome: ...
    def __len__(self) -> int: ...
