"""A persistent int-keyed map: a shared, never-mutated base dict plus a small private delta.

Each state of the ownership rules keeps which nodes are blocked. Copying a 100,000-entry dict
on every edge update would cost milliseconds; a child map shares its parent's base and copies
only the delta, folding the delta into a fresh base once it grows past a fraction of the base.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

__all__ = ["LayeredMap"]

V = TypeVar("V")

# Fold the delta into a new base when it exceeds 1/16 of the base (amortised O(1) per change),
# but never for tiny maps where copying is cheaper than layering.
_FOLD_FRACTION = 16
_FOLD_MIN = 1024


class LayeredMap(Generic[V]):
    """Map int -> V. Readers only call `get`, `items`, `__contains__`, `__len__`; the owner of a
    fresh `child()` may `set`/`remove` before publishing it. The parent is never changed."""

    __slots__ = ("_base", "_delta", "_size")

    def __init__(self, base: dict[int, V] | None = None) -> None:
        self._base: dict[int, V] = base if base is not None else {}
        self._delta: dict[int, V | None] = {}  # None: removed from the base
        self._size = len(self._base)

    def get(self, key: int) -> V | None:
        """The value for key, or None."""
        delta = self._delta
        if key in delta:
            return delta[key]
        return self._base.get(key)

    def __getitem__(self, key: int) -> V:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: int) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        return self._size

    def items(self) -> Iterator[tuple[int, V]]:
        """Every (key, value), base order then new keys."""
        delta = self._delta
        for key, value in self._base.items():
            if key not in delta:
                yield key, value
        for key, maybe in delta.items():
            if maybe is not None:
                yield key, maybe

    def child(self) -> LayeredMap[V]:
        """A new map with the same content that can be changed without touching this one."""
        out: LayeredMap[V] = LayeredMap.__new__(LayeredMap)
        if len(self._delta) > max(_FOLD_MIN, len(self._base) // _FOLD_FRACTION):
            out._base, out._delta = dict(self.items()), {}
        else:
            out._base, out._delta = self._base, dict(self._delta)
        out._size = self._size
        return out

    def set(self, key: int, value: V) -> None:
        """Bind key (only on a map not yet shared with readers)."""
        if self.get(key) is None:
            self._size += 1
        self._delta[key] = value

    def remove(self, key: int) -> None:
        """Unbind key if bound (only on a map not yet shared with readers)."""
        if self.get(key) is not None:
            self._size -= 1
            if key in self._base:
                self._delta[key] = None  # hide the base entry
            else:
                del self._delta[key]
