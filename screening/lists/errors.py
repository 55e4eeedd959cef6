"""The one error every list loader raises, naming the file, the line and the problem."""

from __future__ import annotations

from pathlib import Path

__all__ = ["ListLoadError"]


class ListLoadError(ValueError):
    """A list source could not be loaded; nothing from the load is used.

    The message reads `file:line: problem` (or `file: problem` when no line applies), so an
    operator can open the file at the right place.
    """

    def __init__(self, source: str | Path, line: int | None, problem: str) -> None:
        self.source = str(source)
        self.line = line
        self.problem = problem
        where = f"{self.source}:{line}" if line is not None else self.source
        super().__init__(f"{where}: {problem}")
