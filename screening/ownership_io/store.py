"""The shared, append-only storage behind every version of one ownership graph: the node
registry (ids, names, numbering) and the parallel edge arrays.

Append-only is what makes sharing safe: a graph version only ever reads the node and edge
numbers it linked itself, so later appends by a newer version are invisible to it.
"""

from __future__ import annotations

import itertools
from array import array
from collections import defaultdict
from dataclasses import dataclass, field

__all__ = ["EdgeStore", "Registry"]


class Registry:
    """Append-only node registry shared by every version of one graph.

    `index[id]` (subscript) gives an unseen id the next node number, so bulk loads can number
    a column of ids in one C-level `map`; readers only ever use `index.get` / `in`.
    """

    __slots__ = ("ids", "index", "names")

    def __init__(self, ids: list[str] | None = None, names: list[str] | None = None) -> None:
        self.ids: list[str] = ids if ids is not None else []
        self.names: list[str] = names if names is not None else []  # first name seen
        self.index: defaultdict[str, int] = defaultdict(itertools.count(len(self.ids)).__next__)
        self.index.update(zip(self.ids, range(len(self.ids)), strict=True))

    def node(self, node_id: str, name: str) -> int:
        """The number of node_id, registering it (with this name) when new."""
        n = self.index.get(node_id)
        if n is None:
            n = self.index[node_id]  # numbered by the shared counter
            self.ids.append(node_id)
            self.names.append(name)
        return n

    def adopt_new(self, before: int, name_of: dict[str, str]) -> None:
        """Record ids and names for nodes numbered in bulk since there were `before` nodes."""
        added = len(self.index) - before
        if added:
            new_ids = list(itertools.islice(reversed(self.index), added))
            new_ids.reverse()
            self.ids.extend(new_ids)
            self.names.extend(map(name_of.__getitem__, new_ids))


@dataclass
class EdgeStore:
    """Append-only parallel edge arrays shared by every version of one graph."""

    owner: array[int] = field(default_factory=lambda: array("i"))
    asset: array[int] = field(default_factory=lambda: array("i"))
    low: array[int] = field(default_factory=lambda: array("i"))
    high: array[int] = field(default_factory=lambda: array("i"))
    strict: bytearray = field(default_factory=bytearray)  # 1 when `low` itself is excluded
    file_no: array[int] = field(default_factory=lambda: array("i"))
    line: array[int] = field(default_factory=lambda: array("i"))
    files: list[str] = field(default_factory=list)

    def append(
        self, owner: int, asset: int, low: int, high: int, strict: bool, file_no: int, line: int
    ) -> int:
        """Append one edge; returns its edge number."""
        e = len(self.owner)
        self.owner.append(owner)
        self.asset.append(asset)
        self.low.append(low)
        self.high.append(high)
        self.strict.append(1 if strict else 0)
        self.file_no.append(file_no)
        self.line.append(line)
        return e

    def file_index(self, name: str) -> int:
        """The number of a source file name in `files`, adding it when new."""
        try:
            return self.files.index(name)
        except ValueError:
            self.files.append(name)
            return len(self.files) - 1
