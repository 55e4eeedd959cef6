"""The operator's threshold (PAYMON_THRESHOLD / --threshold) decides which ownership owners count as
designated, in the worker and in the CLI alike ('Zhelyabov Mining' scores about 0.67 against the
listed 'ZHELYABOV MINING COMBINE')."""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.app import build_app
from agents.reference import ChangeSet, ReferenceState
from agents.settings import Settings
from paymon_cli.offline import load_state
from screening.lists import encode_entry
from screening.match import DEFAULT_THRESHOLD
from screening.model import EntryType, ListEntry
from screening.ownership import OwnershipEdge, encode_edge


def listed(entry_id: str, name: str) -> ListEntry:
    return ListEntry(
        entry_id=entry_id,
        list_name="test",
        entry_type=EntryType.ORGANISATION,
        primary_name=name,
        programs=("TEST",),
    )


LISTED = listed("test:zh", "ZHELYABOV MINING COMBINE")
OTHER = listed("test:ko", "KORYO MARITIME NAVIGATION")
STAKE = OwnershipEdge(
    owner_id="zh", asset_id="sub", owner_name="Zhelyabov Mining", asset_name="Sub Holding", low=60, high=60
)


async def designated_at(threshold: float) -> list[dict[str, str]]:
    """The designated owners after the initial load and after a lists-only update."""
    state = ReferenceState(threshold=threshold)
    await state.apply(
        ChangeSet(
            lists={LISTED.entry_id: encode_entry(LISTED)},
            ownership={STAKE.edge_id: encode_edge(STAKE)},
            sources=("v1",),
        ),
        rebuild=True,
    )
    out = []
    for change in (None, ChangeSet(lists={OTHER.entry_id: encode_entry(OTHER)}, sources=("v2",))):
        if change is not None:
            await state.apply(change)
        ownership = state.current.ownership
        assert ownership is not None
        out.append(ownership.designated())
    return out


async def test_the_worker_designates_owners_at_its_threshold() -> None:
    assert await designated_at(0.6) == [{"zh": "test:zh"}, {"zh": "test:zh"}]
    assert await designated_at(0.7) == [{}, {}]


def test_the_settings_threshold_reaches_the_reference_state(tmp_path: Path) -> None:
    env = {"PAYMON_DATA_DIR": str(tmp_path)}
    assert (
        build_app(Settings.from_env({**env, "PAYMON_THRESHOLD": "0.6"}), follow=False).reference.threshold
        == 0.6
    )
    assert build_app(Settings.from_env(env), follow=False).reference.threshold == DEFAULT_THRESHOLD


def test_the_cli_threshold_reaches_ownership(tmp_path: Path) -> None:
    lists = tmp_path / "list.jsonl"
    lists.write_bytes(encode_entry(LISTED) + b"\n")
    ownership = tmp_path / "ownership.csv"
    ownership.write_text(
        "owner_id,owner_name,asset_id,asset_name,percentage\nzh,Zhelyabov Mining,sub,Sub Holding,60\n"
    )
    for threshold, expected in ((0.6, {"zh": "test:zh"}), (0.7, {})):
        state = load_state([lists], [ownership], threshold=threshold)
        assert state.ownership is not None
        assert state.ownership.designated() == expected
    with pytest.raises(ValueError, match="threshold"):
        load_state([lists], [ownership])
