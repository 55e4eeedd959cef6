"""From a look-up's scored candidates to hits: explained, qualified, one per entry, best first."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from screening.matching.engine import MatchEngine
from screening.matching.listed import ListedName, compare_kind
from screening.matching.prepare import PreparedName
from screening.matching.qualify import common_words_only, qualified_match
from screening.matching.results import NameMatch, PartyKind
from screening.model import ListEntry

if TYPE_CHECKING:
    from screening._native import NativeName

__all__ = ["best_hits", "ranked_hits"]


def ranked_hits(
    engine: MatchEngine,
    names: Sequence[ListedName],
    entries: Mapping[str, ListEntry],
    names_holding: Callable[[str], int],
    query: tuple[NativeName, PreparedName],
    scored: list[tuple[int, float]],
    *,
    kind: PartyKind,
    country: str | None,
    birth_date: str | None,
    threshold: float,
    limit: int,
) -> list[NameMatch]:
    """The hits of a look-up's `scored` candidates (position, unrounded score; candidate order):
    for each entry its best qualified hit (ties: the earlier candidate), best first, then by entry
    id, at most `limit`.

    Names are visited best rounded score first. Without a birth date every qualifier only lowers
    a score, so a name that cannot beat its entry's hit so far is never explained.
    """
    native, prepared = query
    params = engine.params
    may_raise = birth_date is not None  # a matching birth date adds a bonus
    rounded = [params.clamp_score(score) for _, score in scored]
    best: dict[str, tuple[int, NameMatch]] = {}
    for order in sorted(range(len(scored)), key=lambda k: -rounded[k]):
        if rounded[order] < threshold:
            break  # the rest round under the threshold too
        pos = scored[order][0]
        item = names[pos]
        held = best.get(item.entry_id)
        if (
            not may_raise
            and held is not None
            and (rounded[order] < held[1].score or (rounded[order] == held[1].score and order > held[0]))
        ):
            continue
        comparison = engine.explain(native, prepared, pos, item.prepared, compare_kind(kind, item.entry_type))
        comparison = common_words_only(params, prepared, item.prepared, comparison, names_holding)
        match = qualified_match(
            params,
            comparison,
            entries[item.entry_id],
            item.text,
            item.quality,
            country=country,
            birth_date=birth_date,
            threshold=threshold,
        )
        if match is None:
            continue
        if held is None or match.score > held[1].score or (match.score == held[1].score and order < held[0]):
            best[item.entry_id] = (order, match)
    return _best_first((m for _, m in best.values()), limit)


def best_hits(found: Sequence[Sequence[NameMatch]], limit: int) -> list[NameMatch]:
    """The hits of several readings of one query (each best first): each entry's best hit (ties:
    the earlier reading's), best first, then by entry id, at most `limit`."""
    best: dict[str, NameMatch] = {}
    for hits in found:
        for match in hits:
            held = best.get(match.entry.entry_id)
            if held is None or match.score > held.score:
                best[match.entry.entry_id] = match
    return _best_first(best.values(), limit)


def _best_first(matches: Iterable[NameMatch], limit: int) -> list[NameMatch]:
    """`matches` best first, then by entry id, at most `limit`."""
    return sorted(matches, key=lambda m: (-m.score, m.entry.entry_id))[: max(0, limit)]
