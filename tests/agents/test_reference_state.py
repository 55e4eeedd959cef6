"""The worker's reference state: built whole, updated by copy, ownership kept in step with lists."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from agents.reference import ChangeSet, ReferenceNotReady, ReferenceState
from schemas.payment import decode_payment
from screening.lists import encode_entry, load_lists
from screening.match import DEFAULT_THRESHOLD
from screening.model import EntryType, ListEntry
from screening.ownership import encode_edge, load_ownership
from screening.screen import screen_payment

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "stream"
OWNED = (
    b'{"payment_id":"r-1","created_at":"2026-01-01T00:00:00Z","amount":"1","currency":"EUR",'
    b'"debtor":{"name":"Anna Example"},"creditor":{"name":"Plain Child AG","id":"co-plain-child"}}'
)
PLAIN_PARENT = ListEntry(
    entry_id="streamtest:9",
    list_name="streamtest",
    entry_type=EntryType.ORGANISATION,
    primary_name="PLAIN PARENT AG",
    programs=("TEST-D",),
    list_version="streamtest-v3",
)


def ownership_hits(state: ReferenceState) -> list[str]:
    decision = screen_payment(decode_payment(OWNED), state.current, threshold=0.7, screened_at="t")
    return [hit.entry_id for hit in decision.hits if hit.reason == "ownership"]


async def test_lists_and_ownership_updates_keep_the_ownership_state_in_step() -> None:
    lists = load_lists([FIXTURES / "streamtest-v1.jsonl"])
    graph = load_ownership([FIXTURES / "stream-ownership.csv"])
    edges = {edge.edge_id: encode_edge(edge) for edge in graph.edges()}
    state = ReferenceState(threshold=DEFAULT_THRESHOLD)
    with pytest.raises(ReferenceNotReady):
        _ = state.current
    await state.apply(
        ChangeSet(
            lists={k: encode_entry(e) for k, e in lists.entries.items()}, ownership=edges, sources=("v1",)
        ),
        rebuild=True,
    )
    assert state.ready.is_set()
    assert ownership_hits(state) == []  # PLAIN PARENT AG is not listed yet
    first = state.current

    # A lists-only publish designates the parent: the ownership state follows the new index.
    await state.apply(
        ChangeSet(lists={PLAIN_PARENT.entry_id: encode_entry(PLAIN_PARENT)}, sources=("v1", "v3"))
    )
    assert ownership_hits(state) == ["streamtest:9"]
    assert state.current.list_version.startswith("v1+v3@")
    assert first.ownership is not None and first.ownership is not state.current.ownership

    # An ownership-only publish removes the edge: the child is no longer owned.
    await state.apply(ChangeSet(ownership={"co-unrelated-parent->co-plain-child": None}))
    assert ownership_hits(state) == []
    assert len(state.snapshot.edges) == 2
    assert state.updates_applied == 3


async def test_payments_are_screened_with_the_previous_lists_until_an_update_is_in_force() -> None:
    """While a list update is built (off the event loop), every payment is screened with the
    whole previous state; then with the whole new one: never a half-applied one, never none."""
    lists = load_lists([FIXTURES / "streamtest-v1.jsonl"])
    graph = load_ownership([FIXTURES / "stream-ownership.csv"])
    state = ReferenceState(threshold=DEFAULT_THRESHOLD)
    await state.apply(
        ChangeSet(
            lists={k: encode_entry(e) for k, e in lists.entries.items()},
            ownership={edge.edge_id: encode_edge(edge) for edge in graph.edges()},
            sources=("v1",),
        ),
        rebuild=True,
    )
    before = state.current
    update = asyncio.create_task(
        state.apply(
            ChangeSet(lists={PLAIN_PARENT.entry_id: encode_entry(PLAIN_PARENT)}, sources=("v1", "v3"))
        )
    )
    seen: list[tuple[str, list[str]]] = []
    while not update.done():
        seen.append((state.current.list_version, ownership_hits(state)))
        await asyncio.sleep(0)
    assert await update
    after = state.current
    assert after is not before and after.list_version != before.list_version
    assert seen and seen[0] == (before.list_version, [])  # screened with the previous lists meanwhile
    assert all(
        seen_state in ((before.list_version, []), (after.list_version, ["streamtest:9"]))
        for seen_state in seen
    )
    assert ownership_hits(state) == ["streamtest:9"]
