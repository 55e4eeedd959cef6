"""A list record that does not decode: its publish is refused whole, the previous complete
version keeps screening under its own version, and the refusal clears once the record is fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.reference import ChangeSet, ReferenceNotReady, ReferenceRejected, ReferenceState
from screening.lists import decode_entry

LISTS = Path(__file__).resolve().parents[1] / "fixtures" / "reliability" / "lists.jsonl"
RECORDS = {
    decode_entry(line).entry_id: line for line in LISTS.read_bytes().splitlines() if line.strip()
}
CORRUPT = b'{"entry_id": "reltest:1", "list": "reltest", "name": '
EXTRA = (
    b'{"entry_id":"reltest:4","list":"reltest","type":"organisation","name":"QUIBBLEFROST SHIPPING",'
    b'"programs":["TEST"],"list_version":"reltest-2026-02-01"}'
)


def names(state: ReferenceState) -> set[str]:
    return {entry.primary_name for entry in state.current.index.entries.values()}


async def test_a_corrupt_update_keeps_the_previous_version_until_it_is_fixed() -> None:
    state = ReferenceState(threshold=0.7)
    seen: list[ReferenceRejected | None] = []
    state.on_rejected(seen.append)
    assert await state.apply(ChangeSet(lists=dict(RECORDS), sources=("v1",)), rebuild=True)
    version = state.current.list_version

    # The corrupt record replaces a listed entry: nothing of this publish is applied.
    assert await state.apply(ChangeSet(lists={"reltest:1": CORRUPT, "reltest:4": EXTRA}, sources=("v2",)))
    assert state.current.list_version == version
    assert "BANK MELLI IRAN" in names(state) and "QUIBBLEFROST SHIPPING" not in names(state)
    assert state.rejected is not None and set(state.rejected.records) == {("lists", "reltest:1")}
    assert state.rejected.counts() == {"lists": 1} and seen[-1] is state.rejected

    # A later publish of other records is still refused while the corrupt one stands.
    more = RECORDS["reltest:2"].replace(b"TEST", b"TEST-B")
    assert await state.apply(ChangeSet(lists={"reltest:2": more}, sources=("v3",)))
    assert state.current.list_version == version

    # Fixed: everything published since (reltest:4 and the reltest:2 change) is applied.
    assert await state.apply(ChangeSet(lists={"reltest:1": RECORDS["reltest:1"]}, sources=("v4",)))
    assert state.rejected is None and seen[-1] is None
    assert {"BANK MELLI IRAN", "QUIBBLEFROST SHIPPING"} <= names(state)
    assert state.current.index.entries["reltest:2"].programs == ("TEST-B",)
    assert state.current.list_version.startswith("v4@") and state.current.list_version != version


async def test_a_corrupt_record_at_start_leaves_the_worker_not_ready() -> None:
    state = ReferenceState(threshold=0.7)
    lists = {**RECORDS, "reltest:1": CORRUPT}
    assert not await state.apply(ChangeSet(lists=lists, sources=("v1",)), rebuild=True)
    assert not state.ready.is_set() and state.rejected is not None
    with pytest.raises(ReferenceNotReady):
        state.current  # noqa: B018 - the property raises: nothing screens, payments wait
    assert "reltest:1" in str(state.rejected) and CORRUPT.decode() not in str(state.rejected)
