"""Problems found while loading ownership tables, each naming its file and line."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["MAX_LISTED_PROBLEMS", "OwnershipLoadError"]

# An error message lists this many problems and counts the rest: enough to fix a file in one go,
# short enough to read in a terminal.
MAX_LISTED_PROBLEMS = 20


class OwnershipLoadError(ValueError):
    """Raised when ownership rows cannot be read; `problems` holds every 'file:line: problem'."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        shown = list(self.problems[:MAX_LISTED_PROBLEMS])
        if len(self.problems) > MAX_LISTED_PROBLEMS:
            shown.append(f"... and {len(self.problems) - MAX_LISTED_PROBLEMS} more problems")
        super().__init__("\n".join(shown) if shown else "no ownership data")
