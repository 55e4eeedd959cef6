"""Loading sanctions lists from their published formats into one `ListSet` of `ListEntry`.

`load_lists(paths)` takes files and folders in order and recognises each by its content:
an OFAC legacy CSV folder (sdn.csv, cons_prim.csv, or only alt.csv/add.csv), a UN consolidated
XML file, an EU Financial Sanctions Files XML file, a UK Sanctions List XML file, an
OpenSanctions FollowTheMoney JSON Lines file (`entities.ftm.json`) or a paymon JSON Lines file.
Later paths update earlier ones by entry id. Any malformed or truncated source raises
`ListLoadError` naming the file, line and problem, and nothing is returned: a list is loaded
whole or not at all.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from screening.lists.errors import ListLoadError
from screening.lists.eu import EU_NAMESPACE, EU_ROOT, load_eu_xml
from screening.lists.file_load import FileLoad
from screening.lists.ftm import is_ftm_line, load_ftm_file
from screening.lists.jsonl import EntryDecodeError, decode_entry, encode_entry, load_jsonl
from screening.lists.ofac import OfacTables, detect_ofac_folder, load_ofac_folder
from screening.lists.uk import UK_ROOT, load_uk_xml
from screening.lists.un import UN_ROOT, load_un_xml
from screening.model import ListEntry

__all__ = [
    "EntryDecodeError",
    "ListLoadError",
    "ListSet",
    "decode_entry",
    "encode_entry",
    "load_lists",
]

# Length of the content hash in `ListSet.version`: 12 hex digits (48 bits) tell list versions
# apart with no practical chance of collision while staying readable in alerts.
VERSION_HASH_LENGTH = 12
# Bytes read to recognise a file's format; enough for an XML prolog, comments and the root tag.
_SNIFF_BYTES = 4096


@dataclass(frozen=True, slots=True)
class ListSet:
    """The loaded lists.

    `entries` maps entry id -> entry; `sources` names each source in load order (e.g.
    'ofac-sdn-2024-05-03', 'un-2026-02-27'); `version` is `<sources joined by '+'>@<hash>` where
    the hash covers every byte read, so the same inputs always give the same version and any
    change gives another; `warnings` lists rows skipped on purpose (e.g. aliases of unknown
    entries).
    """

    entries: dict[str, ListEntry]
    sources: list[str]
    version: str
    warnings: list[str] = field(default_factory=list)


def _sniff_xml_root(head: bytes) -> str | None:
    """The root element name of an XML document, read from its first bytes."""
    text = head.decode("utf-8", errors="replace")
    position = 0
    while True:
        start = text.find("<", position)
        if start < 0 or start + 1 >= len(text):
            return None
        following = text[start + 1]
        if following in "?!":  # prolog, comment or doctype
            end = text.find(">", start)
            if end < 0:
                return None
            position = end + 1
            continue
        name = text[start + 1 :].split(None, 1)[0].split(">", 1)[0].split("/", 1)[0]
        return name.split(":")[-1] or None


_EXPECTED = (
    "OFAC CSV folder, UN XML, EU FSF XML, UK Sanctions List XML, OpenSanctions FtM JSONL or paymon JSONL"
)


def _file_format(path: Path, raw: bytes) -> str:
    head = raw[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        root = _sniff_xml_root(head)
        if root == UN_ROOT:
            return "un"
        if root == UK_ROOT:
            return "uk"
        if root == EU_ROOT and EU_NAMESPACE.encode() in head:
            return "eu"
        raise ListLoadError(
            path,
            1,
            f"XML with root <{root}> is not a list format paymon reads "
            f"(UN <{UN_ROOT}>, EU <{EU_ROOT} xmlns={EU_NAMESPACE!r}>, UK <{UK_ROOT}>)",
        )
    if head.startswith(b"{"):
        return "ftm" if is_ftm_line(head.split(b"\n", 1)[0]) else "jsonl"
    if not head:
        raise ListLoadError(path, None, "file is empty")
    if path.name in {"sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv", "cons_prim.csv"}:
        raise ListLoadError(path, None, "an OFAC CSV file: pass the folder holding it, not the file")
    raise ListLoadError(path, 1, f"unrecognised list format (expected {_EXPECTED})")


_FILE_LOADERS: dict[str, Callable[[Path, bytes], FileLoad]] = {
    "un": load_un_xml,
    "eu": load_eu_xml,
    "uk": load_uk_xml,
    "jsonl": load_jsonl,
}


def _load_file(path: Path) -> FileLoad:
    """One list file, its format recognised from its first bytes. OpenSanctions files (the
    largest, hundreds of MB) are streamed by their loader; the others are read whole."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
        kind = _file_format(path, head)
        if kind == "ftm":
            return load_ftm_file(path)
        raw = path.read_bytes()
    except OSError as exc:
        raise ListLoadError(path, None, f"cannot read: {exc.strerror or exc}") from None
    return _FILE_LOADERS[kind](path, raw)


def load_lists(paths: Iterable[Path | str]) -> ListSet:
    """Load every list source in order into one `ListSet` (see the module docstring).

    Guarantees: later sources replace earlier entries with the same id; OFAC alias/address
    rows attach to OFAC entries loaded by any earlier folder; any unreadable, malformed or
    truncated source raises `ListLoadError` and no partial set is returned.
    """
    entries: dict[str, ListEntry] = {}
    sources: list[str] = []
    warnings: list[str] = []
    digests: list[str] = []
    ofac = OfacTables()
    # OFAC entries are rebuilt once after a run of OFAC folders (not once per folder), and
    # always before a later source of another format may replace them by id.
    dirty: set[int] = set()

    def build_dirty_ofac_entries() -> None:
        for ent_num in sorted(dirty):
            entry = ofac.entry(ent_num)
            entries[entry.entry_id] = entry
        dirty.clear()

    for item in paths:
        path = Path(item)
        if path.is_dir():
            if detect_ofac_folder(path) is None:
                raise ListLoadError(
                    path,
                    None,
                    "folder holds no OFAC CSV list (sdn.csv, cons_prim.csv, alt.csv/add.csv); "
                    "pass UN XML and JSONL files themselves, not their folder",
                )
            loaded = load_ofac_folder(path, ofac)
            dirty.update(loaded.touched)
            sources.append(loaded.source)
            warnings.extend(loaded.warnings)
            digests.append(loaded.digest)
            continue
        result = _load_file(path)
        warnings.extend(result.warnings)
        build_dirty_ofac_entries()
        for entry in result.entries:
            entries[entry.entry_id] = entry
        sources.append(result.source)
        digests.append(result.digest)
    build_dirty_ofac_entries()
    if not sources:
        raise ListLoadError("<no paths>", None, "no list sources given")
    content = hashlib.sha256("\n".join(digests).encode()).hexdigest()[:VERSION_HASH_LENGTH]
    return ListSet(
        entries=entries, sources=sources, version=f"{'+'.join(sources)}@{content}", warnings=warnings
    )
