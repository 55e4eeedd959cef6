"""`paymon replay` from files against the real broker, and the pure parts it is built from."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import orjson
import pytest

from agents.replay import (
    ReplayInputError,
    TokenBucket,
    expand_inputs,
    parse_rate,
    payment_key,
    read_jsonl,
    replay_files,
)
from agents.settings import Settings
from paymon_cli.main import main
from schemas.payment import decode_payment
from screening.pacs008 import parse_pacs008
from tests.integration.kafka_support import create_topic, read_all

KEYS = ("pay-a", "pay-b", "pay-c", "pay-d", "pay-e")
EVENTS_PER_KEY = 8


def _payment(payment_id: str, seq: int) -> dict[str, object]:
    return {
        "payment_id": payment_id,
        "created_at": f"2024-05-01T10:{seq:02d}:00Z",
        "amount": f"{100 + seq}.00",
        "currency": "EUR",
        "debtor": {"name": f"Debtor {seq}", "country": "DE"},
        "creditor": {"name": "Creditor GmbH", "country": "AT"},
        "remittance_info": f"seq {seq}",
    }


@pytest.fixture
def payments_file(tmp_path: Path) -> Path:
    """40 valid events interleaved over 5 payment ids, a malformed line, a line without an id, blanks."""
    lines = [orjson.dumps(_payment(key, seq)) for seq in range(EVENTS_PER_KEY) for key in KEYS]
    lines.insert(7, b'{"payment_id": "pay-broken", "amount": ')  # malformed JSON
    lines.insert(20, b'{"note": "no payment id here"}')
    lines.insert(30, b"   ")
    path = tmp_path / "payments.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n\n")
    return path


async def test_every_line_is_sent_keyed_and_in_order_per_key(
    unique_settings: Settings, payments_file: Path
) -> None:
    settings = unique_settings
    topic = settings.topics.payments
    await create_topic(settings, topic, partitions=3)
    summary = await replay_files(settings, [payments_file], topic=topic, rate=400.0)
    assert (summary.sent, summary.rejected, summary.unkeyed) == (42, 0, 2)
    assert summary.line() == "sent 42, rejected 0 (2 sent without a key: no payment_id)"

    records = await read_all(settings, topic, expected=42)
    assert len(records) == 42
    sent_lines = [line for line in payments_file.read_bytes().splitlines() if line.strip()]
    assert sorted(r.value for r in records) == sorted(sent_lines)  # raw bytes, malformed line too
    by_key: dict[bytes | None, int] = defaultdict(int)
    for record in records:
        by_key[record.key] += 1
        if record.key is not None:
            assert orjson.loads(record.value)["payment_id"] == record.key.decode()
    assert by_key == {**{key.encode(): EVENTS_PER_KEY for key in KEYS}, None: 2}
    for key in KEYS:
        keyed = sorted((r for r in records if r.key == key.encode()), key=lambda r: r.offset)
        assert len({r.partition for r in keyed}) == 1  # one key, one partition
        sequence = [orjson.loads(r.value)["remittance_info"] for r in keyed]
        assert sequence == [f"seq {seq}" for seq in range(EVENTS_PER_KEY)]


async def test_validate_sends_only_valid_events(unique_settings: Settings, payments_file: Path) -> None:
    settings = unique_settings
    topic = settings.topics.payments
    await create_topic(settings, topic)
    rejections = []
    summary = await replay_files(
        settings, [payments_file], topic=topic, validate=True, on_rejection=rejections.append
    )
    assert (summary.sent, summary.rejected, summary.unkeyed) == (40, 2, 0)
    assert [r.where for r in rejections] == [f"{payments_file}:8", f"{payments_file}:21"]
    assert "not valid JSON" in rejections[0].error
    records = await read_all(settings, topic, expected=40)
    assert len(records) == 40
    for record in records:
        assert record.key == decode_payment(record.value).payment_id.encode()


async def test_pacs008_files_become_payment_events(unique_settings: Settings, fixtures_dir: Path) -> None:
    settings = unique_settings
    topic = settings.topics.payments
    await create_topic(settings, topic)
    folder = fixtures_dir / "payments"
    expected = [p for xml in sorted(folder.glob("*.xml")) for p in parse_pacs008(xml)]
    summary = await replay_files(settings, [folder], topic=topic, fmt="pacs008")
    assert (summary.sent, summary.rejected) == (len(expected), 0)
    records = sorted(await read_all(settings, topic, expected=len(expected)), key=lambda r: r.offset)
    assert [decode_payment(r.value) for r in records] == expected
    assert [r.key for r in records] == [p.payment_id.encode() for p in expected]


def test_command_line_replay(
    unique_settings: Settings,
    payments_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import asyncio

    settings = unique_settings
    topic = settings.topics.payments
    asyncio.run(create_topic(settings, topic))
    monkeypatch.setenv("PAYMON_BOOTSTRAP_SERVERS", settings.bootstrap)
    monkeypatch.setenv("PAYMON_TOPIC_PAYMENTS", topic)
    assert main(["replay", str(payments_file), "--rate", "500/s", "--validate", "--no-progress"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "sent 40, rejected 2"
    assert f"rejected {payments_file}:8: not valid JSON" in captured.err
    records = asyncio.run(read_all(settings, topic, expected=40))
    assert len(records) == 40


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["replay"], "no input files given"),
        (["replay", "/nonexistent/payments.jsonl"], "/nonexistent/payments.jsonl: no such file or folder"),
        (["replay", "FILE", "--rate", "fast"], "--rate 'fast': expected events per second"),
        (["replay", "FILE", "--rate", "-5"], "must be a finite number >= 0"),
        (["replay", "FILE", "--since", "2h"], "--since needs --from-topic"),
        (["replay", "--from-topic", "payments"], "--from-topic needs --since"),
        (["replay", "FILE", "--from-topic", "payments", "--since", "2h"], "either PATHs or --from-topic"),
        (["replay", "--from-topic", "payments", "--since", "yesterday"], "--since 'yesterday': expected"),
    ],
)
def test_bad_arguments_are_usage_errors(
    argv: list[str], message: str, payments_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(payments_file) if a == "FILE" else a for a in argv]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_folder_is_read_in_name_order(tmp_path: Path) -> None:
    for name in ("b.jsonl", "a.jsonl", "c.xml", "notes.txt"):
        (tmp_path / name).write_text("{}\n")
    assert expand_inputs([tmp_path]) == [
        (tmp_path / "a.jsonl", "jsonl"),
        (tmp_path / "b.jsonl", "jsonl"),
        (tmp_path / "c.xml", "pacs008"),
    ]
    assert expand_inputs([tmp_path], "jsonl") == [
        (tmp_path / "a.jsonl", "jsonl"),
        (tmp_path / "b.jsonl", "jsonl"),
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ReplayInputError, match="folder has no"):
        expand_inputs([empty])


def test_keys_come_from_payment_id_only() -> None:
    assert payment_key(b'{"payment_id": "p-1", "x": 1}') == b"p-1"
    assert payment_key(b'{"payment_id": 7}') is None
    assert payment_key(b'{"payment_id": ""}') is None
    assert payment_key(b"[1, 2]") is None
    assert payment_key(b"not json") is None


def test_crlf_line_endings_are_not_sent(tmp_path: Path) -> None:
    path = tmp_path / "windows.jsonl"
    path.write_bytes(b'{"payment_id": "p-1"}\r\n{"payment_id": "p-2"}\r\n')
    assert [r.value for r in read_jsonl(path)] == [b'{"payment_id": "p-1"}', b'{"payment_id": "p-2"}']


def test_rate_parsing() -> None:
    assert parse_rate("0") == 0.0
    assert parse_rate("250") == 250.0
    assert parse_rate("12.5/s") == 12.5
    for bad in ("", "abc", "-1", "nan", "inf"):
        with pytest.raises(ReplayInputError):
            parse_rate(bad)


class FakeClock:
    """A clock that only moves when the bucket sleeps, so pacing is checked without wall time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.now += seconds
        self.slept += seconds


async def test_token_bucket_holds_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(50.0, clock=clock, sleep=clock.sleep)
    for _ in range(101):
        await bucket.take()
    # 101 events at 50/s: the first goes at once, the other 100 need 2 s of tokens.
    assert clock.slept == pytest.approx(2.0, rel=1e-6)


async def test_token_bucket_allows_only_a_short_burst_after_idling() -> None:
    clock = FakeClock()
    bucket = TokenBucket(100.0, clock=clock, sleep=clock.sleep)
    await bucket.take()
    clock.now += 60.0  # idle for a minute: tokens are capped at BURST_SECONDS worth (10 events)
    for _ in range(10):
        await bucket.take()
    assert clock.slept == 0.0
    await bucket.take()
    assert clock.slept == pytest.approx(0.01, rel=1e-6)


def test_a_missing_destination_topic_is_a_clear_error(
    unique_settings: Settings,
    payments_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PAYMON_BOOTSTRAP_SERVERS", unique_settings.bootstrap)
    missing = unique_settings.topics.payments  # never created in this test
    assert main(["replay", str(payments_file), "--topic", missing]) == 2
    assert f"--topic: topic '{missing}' does not exist" in capsys.readouterr().err
