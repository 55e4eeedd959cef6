"""Publishes of reference data are applied whole: the assembler and the publisher's plan."""

from __future__ import annotations

import pytest

from agents.publish import TopicState, cumulative_sources, plan_publish
from agents.publish_protocol import (
    CONTROL_HEADER,
    PUBLISH_END,
    PUBLISH_ID_HEADER,
    PublishMarker,
    ReferenceRecord,
    encode_marker,
    marker_key,
    to_reference_record,
)
from agents.reference import PublishAssembler, ReferenceSnapshot, apply_to_snapshot, reference_version


def record(
    key: str, value: bytes | None, offset: int, publish: str | None = "p1", partition: int = 0
) -> ReferenceRecord:
    return ReferenceRecord("lists", key, value, partition, offset, publish_id=publish)


def marker(publish: str, records: int, sources: tuple[str, ...] = ("src-a",)) -> ReferenceRecord:
    mark = PublishMarker(
        publish_id=publish,
        records=records,
        sources=list(sources),
        mode="replace",
        published_at="2026-01-01T00:00:00Z",
    )
    return ReferenceRecord("lists", marker_key(publish), encode_marker(mark), 0, 99, marker=mark)


def test_live_publish_is_held_until_marker_and_all_records_arrived() -> None:
    assembler = PublishAssembler()
    assembler.add(record("ofac:1", b"one", 0, partition=0))
    assert not assembler.take_ready(initial=False)
    assembler.add(marker("p1", records=2))
    # Marker read before the record on the other partition: still held back.
    assert not assembler.take_ready(initial=False)
    assert assembler.held_back == 1
    assembler.add(record("ofac:2", None, 5, partition=1))
    changes = assembler.take_ready(initial=False)
    assert changes.lists == {"ofac:1": b"one", "ofac:2": None}
    assert changes.sources == ("src-a",)
    assert assembler.held_back == 0


def test_initial_load_applies_marked_publishes_even_when_compaction_removed_records() -> None:
    assembler = PublishAssembler()
    assembler.add(record("ofac:1", b"one", 0))
    assembler.add(marker("p1", records=3))  # two of its records were compacted away
    assembler.add(record("ofac:9", b"nine", 1, publish="in-flight"))
    changes = assembler.take_ready(initial=True)
    assert changes.lists == {"ofac:1": b"one"}
    assert assembler.held_back == 1  # the publish without a marker waits


def test_unframed_records_and_late_records_of_an_applied_publish_apply_at_once() -> None:
    assembler = PublishAssembler()
    assembler.add(record("un:A", b"a", 0, publish=None))
    assert assembler.take_ready(initial=False).lists == {"un:A": b"a"}
    assembler.add(record("ofac:1", b"one", 1))
    assembler.add(marker("p1", records=1))
    assert assembler.take_ready(initial=False).lists == {"ofac:1": b"one"}
    assembler.add(record("ofac:1", b"again", 2))
    assert assembler.take_ready(initial=False).lists == {"ofac:1": b"again"}


def test_last_write_of_a_key_wins_and_orphans_are_superseded() -> None:
    assembler = PublishAssembler()
    assembler.add(record("ofac:1", b"orphan", 0, publish="crashed"))
    assembler.add(record("ofac:1", b"v1", 1, publish="p2"))
    assembler.add(record("ofac:1", b"v2", 2, publish="p2"))
    assembler.add(marker("p2", records=2))
    assert assembler.take_ready(initial=False).lists == {"ofac:1": b"v2"}
    assert assembler.held_back == 0  # the crashed publish's record was dropped


def test_consumed_records_are_classified_by_headers() -> None:
    mark = PublishMarker(publish_id="p", records=1, sources=["x"], mode="update", published_at="t")
    got = to_reference_record(
        "lists", b"paymon-publish/p", encode_marker(mark), [(CONTROL_HEADER, PUBLISH_END)], 0, 3
    )
    assert got is not None and got.marker == mark
    data = to_reference_record("lists", b"ofac:7", b"{}", [(PUBLISH_ID_HEADER, b"p")], 1, 4)
    assert data == ReferenceRecord("lists", "ofac:7", b"{}", 1, 4, publish_id="p")
    assert to_reference_record("lists", None, b"{}", None, 0, 0) is None
    with pytest.raises(ValueError, match="invalid publish marker"):
        to_reference_record("lists", b"paymon-publish/q", b"not json", [(CONTROL_HEADER, PUBLISH_END)], 0, 1)


def test_snapshot_changes_and_version() -> None:
    base = ReferenceSnapshot(lists={"a": b"1", "b": b"2"}, edges={}, sources=("s1",))
    from agents.reference import ChangeSet

    after = apply_to_snapshot(base, ChangeSet(lists={"a": None, "c": b"3"}, sources=("s1", "s2")))
    assert dict(after.lists) == {"b": b"2", "c": b"3"}
    assert dict(base.lists) == {"a": b"1", "b": b"2"}  # untouched
    assert reference_version(after).startswith("s1+s2@")
    assert reference_version(after) != reference_version(base)
    same_content = ReferenceSnapshot(lists={"c": b"3", "b": b"2"}, edges={}, sources=("s1", "s2"))
    assert reference_version(same_content) == reference_version(after)


def test_plan_replace_sends_only_differences_and_tombstones_missing_keys() -> None:
    current = TopicState(records={"a": b"1", "b": b"2", "gone": b"x"}, sources=["old"])
    plan = plan_publish(current, {"a": b"1", "b": b"22", "new": b"n"}, same=bytes.__eq__, mode="replace")
    assert plan.upserts == {"b": b"22", "new": b"n"}
    assert plan.removals == ["gone"]
    assert (plan.new, plan.changed, plan.removed, plan.unchanged) == (1, 1, 1, 1)
    assert cumulative_sources(current, ["fresh"], "replace") == ["fresh"]


def test_plan_update_removes_nothing_and_resends_orphans() -> None:
    current = TopicState(records={"a": b"1", "b": b"2"}, sources=["base"], orphan_keys={"a", "lost"})
    plan = plan_publish(current, {"a": b"1", "c": b"3"}, same=bytes.__eq__, mode="update")
    assert plan.upserts == {"a": b"1", "c": b"3"}  # 'a' was written by an unfinished publish
    assert plan.removals == ["lost"]
    assert cumulative_sources(current, ["base", "upd"], "update") == ["base", "upd"]


def test_a_list_update_keeps_the_edges_digest_and_the_version_still_covers_everything() -> None:
    from agents.reference import ChangeSet

    edges = {f"E{i}->E{i + 1}": str(i).encode() for i in range(50)}
    first = ReferenceSnapshot(lists={"a": b"1"}, edges=edges, sources=("s",))
    v1 = reference_version(first)
    list_update = apply_to_snapshot(first, ChangeSet(lists={"b": b"2"}))
    assert list_update.edges is edges  # the remembered edges digest applies
    v2 = reference_version(list_update)
    assert v2 != v1
    # equal records in new mappings give the same version: nothing stale was reused
    copy = ReferenceSnapshot(lists=dict(list_update.lists), edges=dict(edges), sources=("s",))
    assert reference_version(copy) == v2
    edge_update = apply_to_snapshot(list_update, ChangeSet(ownership={"E0->E1": b"x"}))
    assert reference_version(edge_update) not in (v1, v2)
    assert reference_version(list_update) == v2
