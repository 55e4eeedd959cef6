"""OFAC legacy CSV folders -> `ListEntry`: the SDN set (sdn/alt/add/sdn_comments.csv), the
consolidated non-SDN set (cons_prim/alt/add/comments.csv) and folders holding only alt/add rows.

OFAC publishes three related tables keyed by `ent_num` (primary rows), `(ent_num, alt_num)`
(aliases) and `(ent_num, add_num)` (addresses). `OfacTables` keeps exactly those tables across
every folder of one load, so a later folder updates rows by their keys: an update folder's
sdn.csv replaces the primary row with the same ent_num, and alt/add rows attach to an entry
loaded from any earlier folder, keeping that entry's earlier alias/address rows unless a row
with the same alt_num/add_num replaces them. Entries are rebuilt from the tables for every
ent_num a folder touched. Nothing is ever deleted by a later folder: to drop delisted entries,
load a full list.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from screening.lists.countries import country_code
from screening.lists.errors import ListLoadError
from screening.lists.ofac_csv import CsvRow, read_csv
from screening.lists.remarks import RemarkFacts, parse_remarks
from screening.model import Address, EntryType, Identifier, ListEntry, Name, NameQuality

__all__ = ["OFAC_LIST", "FolderLoad", "OfacTables", "detect_ofac_folder", "load_ofac_folder"]

OFAC_LIST = "ofac"

# (file, column count) for each kind of folder; the primary file decides the kind.
_SDN_FILES = {
    "primary": ("sdn.csv", 12),
    "alt": ("alt.csv", 5),
    "add": ("add.csv", 6),
    "comments": ("sdn_comments.csv", 2),
}
_CONS_FILES = {
    "primary": ("cons_prim.csv", 12),
    "alt": ("cons_alt.csv", 5),
    "add": ("cons_add.csv", 6),
    "comments": ("cons_comments.csv", 2),
}
_ALIAS_ONLY_FILES = {"alt": ("alt.csv", 5), "add": ("add.csv", 6)}

SDN = "sdn"  # the blocking Specially Designated Nationals list
CONS = "cons"  # the consolidated non-SDN lists (SSI, NS-MBS, CMIC, CAPTA, NS-PLC): not blocking

_ENTRY_TYPES = {
    "": EntryType.ORGANISATION,  # OFAC leaves SDN_Type empty ('-0-') for entities
    "individual": EntryType.PERSON,
    "vessel": EntryType.VESSEL,
    "aircraft": EntryType.AIRCRAFT,
}
_ALT_QUALITY = {
    "aka": NameQuality.STRONG,
    "fka": NameQuality.STRONG,
    "nka": NameQuality.STRONG,
    "weakaka": NameQuality.WEAK,  # 'weak a.k.a.': too short or generic to identify alone
}
# Program tags of non-SDN (menu-based / non-blocking) sanctions, seen when such an entry sits
# in sdn.csv too: 'NS-PLC', 'NS-MBS', 'CAATSA ... -MBS'.
_NON_SDN_PROGRAM_RE = re.compile(r"^NS-|MBS$")
# OFAC cuts the Remarks column at 1,000 characters and continues it in sdn_comments.csv /
# cons_comments.csv; complete Remarks end with '.', so a long one that does not was cut.
REMARKS_CUT_LENGTH = 1000
_EXTRA_COLUMNS = (
    (4, "title"),
    (5, "call_sign"),
    (6, "vessel_type"),
    (7, "tonnage"),
    (8, "grt"),
    (9, "vessel_flag"),
    (10, "vessel_owner"),
)


@dataclass(slots=True)
class _Primary:
    kind: str  # SDN or CONS
    fields: tuple[str, ...]
    remarks: str
    facts: RemarkFacts
    source: str


@dataclass(slots=True)
class OfacTables:
    """OFAC's three tables as loaded so far (see the module docstring)."""

    primaries: dict[int, dict[str, _Primary]] = field(default_factory=dict)
    alts: dict[int, dict[int, Name]] = field(default_factory=dict)
    adds: dict[int, dict[int, Address]] = field(default_factory=dict)

    def entry(self, ent_num: int) -> ListEntry:
        """The entry for a loaded ent_num, built from its primary row(s), aliases and addresses.

        An ent_num on both the SDN and the non-SDN list is one entry: the SDN row leads, the
        programmes and facts of both are kept, and it stays blocking.
        """
        rows = self.primaries[ent_num]
        base = rows.get(SDN) or rows[CONS]
        ordered = [base] if len(rows) == 1 else [base, *(row for row in rows.values() if row is not base)]
        names: dict[str, Name] = {}
        alt_rows = self.alts.get(ent_num)
        candidates = list(alt_rows.values()) if alt_rows else []
        for row in ordered:
            candidates.extend(row.facts.aliases)
        for name in candidates:
            known = names.get(name.text)
            if known is None or (known.quality is NameQuality.WEAK and name.quality is not NameQuality.WEAK):
                names[name.text] = name
        primary_name = base.fields[1]
        names.pop(primary_name, None)
        add_rows = self.adds.get(ent_num)
        addresses = tuple(add_rows[k] for k in sorted(add_rows)) if add_rows else ()
        countries: list[str] = []
        programs: list[str] = []
        identifiers: list[Identifier] = []
        birth_dates: list[str] = []
        linked_to: list[str] = []
        extra = [(name, base.fields[i]) for i, name in _EXTRA_COLUMNS if base.fields[i]]
        for row in ordered:
            facts = row.facts
            countries.extend(facts.countries)
            programs.extend(_split_programs(row.fields[3]))
            identifiers.extend(facts.identifiers)
            birth_dates.extend(facts.birth_dates)
            linked_to.extend(facts.linked_to)
            extra.extend(facts.extra)
        if base.fields[9]:  # a vessel's flag
            countries.append(country_code(base.fields[9]) or "")
        for address in addresses:
            countries.append(
                address.country if len(address.country) == 2 and address.country.isupper() else ""
            )
        unique_programs = _unique(programs)
        return ListEntry(
            entry_id=f"{OFAC_LIST}:{ent_num}",
            list_name=OFAC_LIST,
            entry_type=_ENTRY_TYPES[base.fields[2].lower()],
            primary_name=primary_name,
            aliases=tuple(names.values()),
            programs=unique_programs,
            identifiers=_unique(identifiers),
            countries=tuple(c for c in _unique(countries) if c),
            birth_dates=_unique(birth_dates),
            addresses=addresses,
            linked_to=_unique(linked_to),
            remarks=base.remarks,
            list_version=base.source,
            blocking=SDN in rows and not all(_NON_SDN_PROGRAM_RE.search(p) for p in unique_programs),
            extra=tuple(extra),
        )


@dataclass(frozen=True, slots=True)
class FolderLoad:
    """What one folder contributed: its source name, the ent_nums it touched, any warnings and
    a digest of the bytes read (for the list set's version)."""

    source: str
    touched: frozenset[int]
    warnings: tuple[str, ...]
    digest: str


_T = TypeVar("_T")


def _unique(items: Iterable[_T]) -> tuple[_T, ...]:
    return tuple(dict.fromkeys(items))


def _split_programs(text: str) -> list[str]:
    """'UKRAINE-EO13660] [DPRK3' -> ['UKRAINE-EO13660', 'DPRK3']."""
    if "]" not in text:
        return [text] if text else []
    return [p for p in (part.strip(" []") for part in text.split("] [")) if p]


def _ent_num(path: Path, row: CsvRow) -> int:
    text = row.fields[0]
    if not text.isdigit():
        raise ListLoadError(path, row.line, f"ent_num must be a number, found {text!r}")
    return int(text)


def _row_num(path: Path, row: CsvRow, column: str) -> int:
    text = row.fields[1]
    if not text.isdigit():
        raise ListLoadError(path, row.line, f"{column} must be a number, found {text!r}")
    return int(text)


def detect_ofac_folder(folder: Path) -> str | None:
    """'sdn', 'cons', 'sdn+cons' or 'aliases' for a folder of OFAC legacy CSV files, else None."""
    kinds = [
        kind
        for kind, files in ((SDN, _SDN_FILES), (CONS, _CONS_FILES))
        if (folder / files["primary"][0]).is_file()
    ]
    if kinds:
        return "+".join(kinds)
    if any((folder / name).is_file() for name, _ in _ALIAS_ONLY_FILES.values()):
        return "aliases"
    return None


# OFAC packs city, state and postcode into one column; the postcode is the trailing run of
# tokens that contain a digit ('Moscow 127055', 'London EC3N 1DY', 'Zurich CH-8022').
_CITY_POSTCODE_RE = re.compile(r"^(?P<city>.*?\D)[\s,]+(?P<postcode>\S*\d\S*(?:\s+\S*\d\S*)*)$")


def _split_city(text: str) -> tuple[str, str]:
    """'Moscow 127055' -> ('Moscow', '127055'); text without a trailing postcode is all city."""
    match = _CITY_POSTCODE_RE.match(text)
    if match is None:
        return text, ""
    return match["city"].rstrip(", "), match["postcode"]


def _address(row: CsvRow) -> Address:
    _, _, street, city_zip, country, _ = row.fields
    city, postcode = _split_city(city_zip)
    return Address(street=street, city=city, postcode=postcode, country=country_code(country) or country)


@dataclass(slots=True)
class _Staged:
    """Rows of one folder checked and waiting to be applied to the tables all at once."""

    tables: OfacTables
    source: str
    primaries: dict[int, dict[str, _Primary]] = field(default_factory=dict)
    alts: dict[tuple[int, int], Name] = field(default_factory=dict)
    adds: dict[tuple[int, int], Address] = field(default_factory=dict)
    # (file, row kind) -> ent_num -> lines: reported once per unknown ent_num, not per row.
    unknown: dict[tuple[Path, str], dict[int, list[int]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def known(self, ent_num: int) -> bool:
        return ent_num in self.primaries or ent_num in self.tables.primaries

    def primary_rows(
        self, kind: str, path: Path, rows: list[CsvRow], comments: tuple[Path, list[CsvRow]] | None
    ) -> None:
        # ent_num -> (first line, continuation texts); comments continue rows of their own file set.
        continuations: dict[int, tuple[int, list[str]]] = {}
        if comments is not None:
            for row in comments[1]:
                continuations.setdefault(_ent_num(comments[0], row), (row.line, []))[1].append(row.fields[1])
        if not rows:
            raise ListLoadError(path, None, "no entries: the file is empty (truncated download?)")
        first_line: dict[int, int] = {}
        for row in rows:
            ent_num = _ent_num(path, row)
            if ent_num in first_line:
                raise ListLoadError(
                    path, row.line, f"duplicate ent_num {ent_num} (first on line {first_line[ent_num]})"
                )
            first_line[ent_num] = row.line
            if not row.fields[1]:
                raise ListLoadError(path, row.line, "SDN_Name is empty")
            if row.fields[2].lower() not in _ENTRY_TYPES:
                raise ListLoadError(path, row.line, f"unknown SDN_Type {row.fields[2]!r}")
            # The comments file continues a Remarks text cut at 1,000 characters, mid-word.
            remarks = row.fields[11] + "".join(continuations.pop(ent_num, (0, []))[1])
            cut = len(remarks) >= REMARKS_CUT_LENGTH and not remarks.endswith(".")
            if cut:
                self.warnings.append(
                    f"{path}:{row.line}: Remarks of ent_num {ent_num} cut at {len(remarks)} characters "
                    "with no comments-file continuation; its last statement is ignored"
                )
            primary = _Primary(kind, row.fields, remarks, parse_remarks(remarks, cut=cut), self.source)
            self.primaries.setdefault(ent_num, {})[kind] = primary
        if comments is not None:
            self.warnings.extend(
                f"{comments[0]}:{line}: comment for unknown ent_num {n} skipped"
                for n, (line, _) in sorted(continuations.items())
            )

    def alt_rows(self, path: Path, rows: list[CsvRow]) -> None:
        for row in rows:
            ent_num, alt_num = _ent_num(path, row), _row_num(path, row, "alt_num")
            quality = _ALT_QUALITY.get(row.fields[2].lower().replace(".", "").replace(" ", ""))
            if quality is None:
                raise ListLoadError(path, row.line, f"unknown alt_type {row.fields[2]!r}")
            if not row.fields[3]:
                raise ListLoadError(path, row.line, "alt_name is empty")
            if not self.known(ent_num):
                self.unknown.setdefault((path, "alias"), {}).setdefault(ent_num, []).append(row.line)
                continue
            self.alts[ent_num, alt_num] = Name(row.fields[3], quality)

    def add_rows(self, path: Path, rows: list[CsvRow]) -> None:
        for row in rows:
            ent_num, add_num = _ent_num(path, row), _row_num(path, row, "add_num")
            if not self.known(ent_num):
                self.unknown.setdefault((path, "address"), {}).setdefault(ent_num, []).append(row.line)
                continue
            address = _address(row)
            if address != Address():  # OFAC writes all-empty ('-0-') address rows; they say nothing
                self.adds[ent_num, add_num] = address

    def apply(self) -> frozenset[int]:
        """Write the staged rows into the tables; the ent_nums touched."""
        for ent_num, by_kind in self.primaries.items():
            self.tables.primaries.setdefault(ent_num, {}).update(by_kind)
        for (ent_num, alt_num), alias in self.alts.items():
            self.tables.alts.setdefault(ent_num, {})[alt_num] = alias
        for (ent_num, add_num), address in self.adds.items():
            self.tables.adds.setdefault(ent_num, {})[add_num] = address
        for (path, what), by_ent_num in self.unknown.items():
            for ent_num, lines in by_ent_num.items():
                count = f"{len(lines)} {what} rows" if len(lines) > 1 else f"{what} row"
                self.warnings.append(f"{path}:{lines[0]}: {count} for unknown ent_num {ent_num} skipped")
        return frozenset(self.primaries) | {e for e, _ in self.alts} | {e for e, _ in self.adds}


def load_ofac_folder(folder: Path, tables: OfacTables) -> FolderLoad:
    """Read one OFAC CSV folder (SDN files, consolidated files, both, or only alt/add files)
    into `tables`, after checking every file in it.

    Guarantees: every file is fully parsed and validated before `tables` changes, so a
    malformed file raises `ListLoadError` (file, line, problem) and changes nothing; alias and
    address rows whose ent_num is not loaded (from this or an earlier folder), and comment rows
    whose ent_num is not in their own file set, are skipped with a warning.
    """
    detected = detect_ofac_folder(folder)
    if detected is None:
        raise ListLoadError(
            folder, None, "not an OFAC CSV folder (no sdn.csv, cons_prim.csv, alt.csv or add.csv)"
        )
    file_sets = (
        [(SDN, _SDN_FILES), (CONS, _CONS_FILES)] if detected != "aliases" else [("", _ALIAS_ONLY_FILES)]
    )
    digest = hashlib.sha256()
    parsed: list[tuple[str, dict[str, tuple[Path, list[CsvRow]]]]] = []
    for kind, files in file_sets:
        if kind and kind not in detected.split("+"):
            continue
        by_role: dict[str, tuple[Path, list[CsvRow]]] = {}
        for role, (name, columns) in files.items():
            path = folder / name
            if path.is_file():
                raw = path.read_bytes()
                digest.update(name.encode() + b"\0" + raw)
                by_role[role] = (path, read_csv(path, raw, columns))
        parsed.append((kind, by_role))

    staged = _Staged(tables, folder.name)
    for kind, by_role in parsed:  # every primary row first, so alias rows may refer to either set
        if "primary" in by_role:
            staged.primary_rows(kind, *by_role["primary"], by_role.get("comments"))
    for _, by_role in parsed:
        if "alt" in by_role:
            staged.alt_rows(*by_role["alt"])
        if "add" in by_role:
            staged.add_rows(*by_role["add"])
    touched = staged.apply()
    return FolderLoad(folder.name, touched, tuple(staged.warnings), digest.hexdigest())
