"""Look-back screening: `paymon replay --from-topic T --since TIME` re-reads T from the right offsets."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest

from agents.replay import REPLAYED_FROM_HEADER, ReplayInputError, parse_since, replay_topic
from agents.settings import Settings
from paymon_cli.main import main
from tests.integration.kafka_support import create_topic, produce, read_all

OLD_AGE = timedelta(hours=3)
RECENT_AGE = timedelta(minutes=20)


def _records(prefix: str, count: int, timestamp_ms: int) -> list[tuple[bytes | None, bytes, int | None]]:
    return [
        (f"{prefix}-{i % 3}".encode(), f'{{"n": "{prefix}-{i}"}}'.encode(), timestamp_ms)
        for i in range(count)
    ]


async def _source_with_history(settings: Settings, now: datetime) -> None:
    """Payments topic (2 partitions) with 6 records 3 h old, then 5 records 20 min old."""
    source = settings.topics.payments
    await create_topic(settings, source, partitions=2)
    old_ms = int((now - OLD_AGE).timestamp() * 1000)
    recent_ms = int((now - RECENT_AGE).timestamp() * 1000)
    await produce(settings, source, _records("old", 6, old_ms) + _records("new", 5, recent_ms))


async def test_since_selects_records_from_that_time_to_the_end(unique_settings: Settings) -> None:
    settings = unique_settings
    now = datetime.now(UTC)
    await _source_with_history(settings, now)
    target = settings.topics.screened
    await create_topic(settings, target, partitions=1)

    summary = await replay_topic(
        settings, source=settings.topics.payments, since=now - timedelta(hours=1), topic=target
    )
    assert (summary.sent, summary.rejected) == (5, 0)
    replayed = await read_all(settings, target, expected=5)
    assert len(replayed) == 5
    assert sorted(r.value for r in replayed) == sorted(f'{{"n": "new-{i}"}}'.encode() for i in range(5))
    originals = await read_all(settings, settings.topics.payments, expected=11)
    where = {f"{settings.topics.payments}/{r.partition}/{r.offset}": r for r in originals}
    for record in replayed:
        headers = dict(record.headers)
        origin = where[headers[REPLAYED_FROM_HEADER].decode()]
        assert (record.key, record.value) == (origin.key, origin.value)  # same key: same worker order


async def test_since_before_everything_replays_all_and_after_everything_none(
    unique_settings: Settings,
) -> None:
    settings = unique_settings
    now = datetime.now(UTC)
    await _source_with_history(settings, now)
    target = settings.topics.screened
    await create_topic(settings, target)
    everything = await replay_topic(
        settings, source=settings.topics.payments, since=now - timedelta(days=1), topic=target
    )
    assert everything.sent == 11
    nothing = await replay_topic(
        settings, source=settings.topics.payments, since=now - timedelta(minutes=1), topic=target
    )
    assert nothing.sent == 0
    assert len(await read_all(settings, target, expected=11)) == 11


async def test_replaying_a_topic_into_itself_ends(unique_settings: Settings) -> None:
    # Look-back screening of `payments` writes to `payments`: the records it appends must not be
    # read again, or the replay would never end.
    settings = unique_settings
    now = datetime.now(UTC)
    await _source_with_history(settings, now)
    source = settings.topics.payments
    summary = await asyncio.wait_for(
        replay_topic(settings, source=source, since=now - timedelta(hours=1), topic=source), timeout=120
    )
    assert summary.sent == 5
    assert len(await read_all(settings, source, expected=16)) == 16


def test_command_line_look_back(
    unique_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = unique_settings
    now = datetime.now(UTC)
    asyncio.run(_source_with_history(settings, now))
    asyncio.run(create_topic(settings, settings.topics.screened))
    monkeypatch.setenv("PAYMON_BOOTSTRAP_SERVERS", settings.bootstrap)
    since = (now - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    argv = [
        "replay",
        "--from-topic",
        settings.topics.payments,
        "--since",
        since,
        "--topic",
        settings.topics.screened,
        "--rate",
        "1000",
    ]
    assert main(argv) == 0
    assert capsys.readouterr().out.strip() == "sent 5, rejected 0"
    assert (
        main(
            [
                "replay",
                "--from-topic",
                settings.topics.payments,
                "--since",
                "2h",
                "--topic",
                settings.topics.screened,
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == "sent 5, rejected 0"
    assert main(["replay", "--from-topic", f"{settings.topics.payments}-missing", "--since", "2h"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_since_parsing() -> None:
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert parse_since("2h", now=now) == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert parse_since("90m", now=now) == datetime(2024, 5, 1, 10, 30, tzinfo=UTC)
    assert parse_since("7d", now=now) == datetime(2024, 4, 24, 12, 0, tzinfo=UTC)
    assert parse_since("1w", now=now) == parse_since("7d", now=now)
    assert parse_since("2024-05-01T09:15:00Z", now=now) == datetime(2024, 5, 1, 9, 15, tzinfo=UTC)
    assert parse_since("2024-05-01T11:15:00+02:00", now=now) == datetime(2024, 5, 1, 9, 15, tzinfo=UTC)
    with pytest.raises(ReplayInputError, match="UTC offset"):
        parse_since("2024-05-01T09:15:00", now=now)
    with pytest.raises(ReplayInputError, match="future"):
        parse_since("2024-05-02T00:00:00Z", now=now)
    with pytest.raises(ReplayInputError, match="look-back like 2h"):
        parse_since("two hours", now=now)


def test_default_now_is_the_current_time() -> None:
    before = time.time()
    since = parse_since("0s").timestamp()
    assert before - 1 <= since <= time.time() + 1
