"""The screening state a worker, a command or a bench screens against, built one way for all.

`build_state` makes it from list entries and an ownership graph; `updated_state` applies a change
of the lists and/or the ownership edges to a previous state and leaves that state untouched (a
worker swaps the new one in whole). Owners are designated under the regime's rules over mixed
lists (`screening.regimes`) at the operator's threshold, the one every name and text is
screened at. A list change updates the list index, and the index of the entries that designate
owners when it is a part of the lists, rather than building them again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from screening.index import ListIndex
from screening.matching.params import DEFAULT_PARAMS, ScreeningParams
from screening.model import ListEntry
from screening.ownership import OwnershipState, Regime
from screening.ownership_io.edge import OwnershipEdge
from screening.ownership_io.graph import OwnershipGraph
from screening.regimes import designates_under, ownership_index
from screening.screen import ScreeningState

__all__ = ["build_state", "updated_state"]


def _ownership(index: ListIndex, graph: OwnershipGraph, regime: Regime, threshold: float) -> OwnershipState:
    return OwnershipState.build(graph, ownership_index(index, regime), regime, threshold=threshold)


def _updated_ownership_index(
    old_index: ListIndex,
    old_owners_index: ListIndex,
    index: ListIndex,
    list_changes: tuple[Sequence[ListEntry], Sequence[str]],
    regime: Regime,
) -> ListIndex:
    """`ownership_index(index, regime)` after `list_changes` turned `old_index` into `index`,
    given the old one (`old_owners_index`): when some entries do not designate under `regime`,
    the designating ones' index is updated like the list's (`ListIndex.updated`), not built
    again. Built afresh only where an update would put an entry elsewhere than a build would (an
    entry that comes to designate while listed before), or when every entry designated before
    or does now."""
    if old_owners_index is old_index or all(designates_under(e, regime) for e in index.entries.values()):
        return ownership_index(index, regime)  # the list itself, or the designating part built
    upserts, removed = list_changes
    kept = [entry for entry in upserts if designates_under(entry, regime)]
    came_to_designate = (
        e.entry_id in old_index.entries and e.entry_id not in old_owners_index.entries for e in kept
    )
    if any(came_to_designate):
        return ownership_index(index, regime)
    dropped = [*removed, *(entry.entry_id for entry in upserts if not designates_under(entry, regime))]
    return old_owners_index.updated(kept, dropped)


def build_state(
    entries: Iterable[ListEntry],
    graph: OwnershipGraph | None,
    *,
    list_version: str,
    regime: Regime,
    threshold: float | None,
    params: ScreeningParams = DEFAULT_PARAMS,
) -> ScreeningState:
    """The state of `entries` (later entries replace earlier ones with the same id) and of the
    ownership `graph` (None: no ownership tables), owners designated under `regime` at
    `threshold`, which a graph requires (ValueError without it). CPU-bound: a worker runs it off
    its event loop."""
    index = ListIndex.build(entries, params)
    ownership = None
    if graph is not None:
        if threshold is None:
            raise ValueError("build_state: owners are designated at a threshold; none was given")
        ownership = _ownership(index, graph, regime, threshold)
    return ScreeningState(index=index, ownership=ownership, list_version=list_version)


def updated_state(
    previous: ScreeningState,
    *,
    list_changes: tuple[Sequence[ListEntry], Sequence[str]] | None,
    edge_changes: tuple[Sequence[OwnershipEdge], Sequence[str]] | None,
    whole_graph: Callable[[], OwnershipGraph],
    holds_edges: bool,
    list_version: str,
    regime: Regime,
    threshold: float,
) -> ScreeningState:
    """`previous` with `list_changes` (upserted entries, removed ids) and `edge_changes`
    (upserted edges, removed edge ids) applied. `holds_edges`: whether any ownership edge is held
    after the change; `whole_graph()` builds the graph of all of them, only called when the
    ownership state must be built afresh. Guarantees: the state `build_state` would give for the
    lists and edges now held; `previous` is untouched."""
    index = previous.index if list_changes is None else previous.index.updated(*list_changes)
    ownership = previous.ownership
    if not holds_edges:
        ownership = None
    elif ownership is None:
        if edge_changes is not None:
            ownership = _ownership(index, whole_graph(), regime, threshold)
    else:
        if list_changes is not None:
            owners_index = _updated_ownership_index(
                previous.index, ownership.index, index, list_changes, regime
            )
            ownership = ownership.with_index(owners_index)
        if edge_changes is not None:
            ownership = ownership.with_edges(*edge_changes)
    return ScreeningState(index=index, ownership=ownership, list_version=list_version)
