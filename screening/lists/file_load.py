"""What loading one list file gives, whatever its format."""

from __future__ import annotations

from dataclasses import dataclass

from screening.model import ListEntry

__all__ = ["FileLoad"]


@dataclass(frozen=True, slots=True)
class FileLoad:
    """One list file's entries (a later one with the same id wins), its source name (the list
    and its own date, e.g. `un-2026-02-27`), a digest of its content, and the records skipped on
    purpose with the reason (as `path:line: …` warnings)."""

    source: str
    entries: tuple[ListEntry, ...]
    digest: str
    warnings: tuple[str, ...] = ()
