"""The list index a worker holds: every listed name and identifier, built once, swapped whole.

A thin facade over `screening.matching`: names are normalised once (`matching.listed`), the Rust
engine retrieves and scores candidates by its named rules (`matching.engine`), hits are
explained, qualified and ranked (`matching.rank`, `matching.qualify`), free text is scanned for
listed names (`matching.scan`), identifiers are looked up exactly (`screening.identifiers`).
Every number comes from one `ScreeningParams` (`matching.params`).

Indexes are immutable: `updated()` returns a new index and leaves the old one untouched, so
workers can swap atomically; it normalises only the changed entries and derives the engine's
tables from the old ones (`native/src/retrieve/update.rs`), giving what a build would. The free-text
scanner keeps bounded memo tables that never change a result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from screening.identifiers import IdentifierTable
from screening.matching.engine import MatchEngine
from screening.matching.listed import ListedName, kind_slots, prepare_entries
from screening.matching.params import DEFAULT_PARAMS, ScreeningParams
from screening.matching.prepare import prepare_normalised
from screening.matching.rank import best_hits, ranked_hits
from screening.matching.results import NameMatch, PartyKind
from screening.matching.scan import TextScanner
from screening.model import IdentifierScheme, ListEntry
from screening.names import NormalisedName, name_readings

__all__ = ["ListIndex"]


class ListIndex:
    """Immutable index of listed names and identifiers; see module doc.

    Guarantees: `match_name`/`scan_text` results are best first, one per entry, every score in
    [0, 1] and >= the threshold; building never mutates the given entries.
    """

    __slots__ = (
        "_engine",
        "_entries",
        "_identifiers",
        "_names",
        "_scanner",
        "entries",
        "params",
    )

    def __init__(
        self, entries: dict[str, ListEntry], names: list[ListedName], params: ScreeningParams = DEFAULT_PARAMS
    ) -> None:
        """Use `ListIndex.build`; this assembles the tables from prepared names (in entry order)."""
        engine = MatchEngine(params, [n.prepared for n in names], [kind_slots(n.entry_type) for n in names])
        self._install(entries, names, params, engine, IdentifierTable(entries.values()))

    def _install(
        self,
        entries: dict[str, ListEntry],
        names: list[ListedName],
        params: ScreeningParams,
        engine: MatchEngine,
        identifiers: IdentifierTable,
    ) -> None:
        self.params = params
        self._entries = entries
        self.entries: Mapping[str, ListEntry] = MappingProxyType(entries)
        self._names = names
        self._engine = engine
        self._identifiers = identifiers
        self._scanner = TextScanner(engine, names, entries)

    @classmethod
    def build(cls, entries: Iterable[ListEntry], params: ScreeningParams = DEFAULT_PARAMS) -> ListIndex:
        """Index every name and identifier of `entries` (later entries replace earlier same ids)."""
        by_id: dict[str, ListEntry] = {}
        for entry in entries:
            by_id[entry.entry_id] = entry
        return cls(by_id, prepare_entries(by_id.values()), params)

    def updated(self, upserts: Iterable[ListEntry], removed_ids: Iterable[str]) -> ListIndex:
        """A new index with `upserts` added/replaced and `removed_ids` dropped; `self` is unchanged.

        Guarantees: the index `build` gives for the resulting entries (a replaced entry keeps its
        place, a new one comes last), with every table equal, so every result is the same
        (`tests/unit/test_index_update.py`). Only the changed entries are normalised and only
        the tables they touch are derived again (`MatchEngine.updated`,
        `IdentifierTable.updated`): the work grows with the change, not with the list.
        """
        changed: dict[str, ListEntry] = {}
        for entry in upserts:
            changed[entry.entry_id] = entry
        removed = set(removed_ids) - changed.keys()
        old = self._entries
        leaving = [old[entry_id] for entry_id in (removed | changed.keys()) if entry_id in old]
        entries = {k: v for k, v in old.items() if k not in removed}
        entries.update(changed)
        prepared = {entry.entry_id: prepare_entries([entry]) for entry in changed.values()}
        # Each entry's names sit together, in entry order (`build`): find the old ones' spans.
        spans: dict[str, tuple[int, int]] = {}
        start = 0
        for end, item in enumerate(self._names, 1):
            if end == len(self._names) or self._names[end].entry_id != item.entry_id:
                spans[item.entry_id] = (start, end)
                start = end
        names: list[ListedName] = []
        added: list[tuple[int, ListedName]] = []
        for entry_id in entries:
            fresh = prepared.get(entry_id)
            if fresh is None:
                first, last = spans.get(entry_id, (0, 0))
                names.extend(self._names[first:last])
            else:
                added.extend(enumerate(fresh, len(names)))
                names.extend(fresh)
        dropped = [p for entry in leaving for p in range(*spans.get(entry.entry_id, (0, 0)))]
        engine = self._engine.updated(
            sorted(dropped), [(pos, item.prepared, kind_slots(item.entry_type)) for pos, item in added]
        )
        identifiers = self._identifiers.updated(leaving, changed.values(), entries)
        index = ListIndex.__new__(ListIndex)
        index._install(entries, names, self.params, engine, identifiers)
        return index

    def __len__(self) -> int:
        """Number of entries."""
        return len(self._entries)

    def match_identifier(self, scheme: IdentifierScheme, value: str) -> list[ListEntry]:
        """Entries listing this identifier, exact after normalisation (see `IdentifierTable`)."""
        return [self._entries[i] for i in self._identifiers.entry_ids(scheme, value)]

    def match_name(
        self,
        query: str,
        *,
        threshold: float,
        kind: PartyKind = "any",
        country: str | None = None,
        birth_date: str | None = None,
        limit: int = 10,
    ) -> list[NameMatch]:
        """Listed entries whose names match `query`, best first, one per entry, score >= threshold.

        `country` (ISO alpha-2) and `birth_date` (ISO date or prefix) lower the score when the
        entry lists different ones. A weak alias only counts at `weak_alias_min_score` or above.
        A query that may be read two ways (`names.name_readings`: `金正恩` as Chinese and as
        Korean) is looked up in each, and each entry keeps its best hit.
        """
        readings = name_readings(query, kind)
        found = [self._match_reading(name, kind, country, birth_date, threshold, limit) for name in readings]
        return found[0] if len(found) == 1 else best_hits(found, limit)

    def _match_reading(
        self,
        name: NormalisedName,
        kind: PartyKind,
        country: str | None,
        birth_date: str | None,
        threshold: float,
        limit: int,
    ) -> list[NameMatch]:
        if not name.tokens:
            return []
        prepared = prepare_normalised(name)
        native, scored = self._engine.lookup(prepared, kind, threshold, self.params.max_candidates)
        if not scored:
            return []  # the engine finds and scores; the (rare) hits are explained here
        return ranked_hits(
            self._engine,
            self._names,
            self._entries,
            self._engine.names_holding,
            (native, prepared),
            scored,
            kind=kind,
            country=country,
            birth_date=birth_date,
            threshold=threshold,
            limit=limit,
        )

    def scan_text(self, text: str, *, threshold: float, limit: int = 5) -> list[NameMatch]:
        """Listed names hidden in free text (remittance information), best first, one per entry,
        at most `limit` (see `matching.scan`)."""
        return self._scanner.scan(text, threshold=threshold, limit=limit)
