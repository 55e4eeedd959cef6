"""`bench._profile` reads py-spy's collapsed stacks: idle waits apart, screening vs the rest."""

from __future__ import annotations

from pathlib import Path

from bench._profile import summarise

_STACKS = [
    (
        "MainThread",
        "<module> (paymon:8);BaseEventLoop.run_forever (asyncio/base_events.py:608);"
        "EpollSelector.select (selectors.py:468)",
        50,
    ),
    (
        "MainThread",
        "<module> (paymon:8);send_outcome (agents/payments.py:230);gather (asyncio/tasks.py:700)",
        10,
    ),
    ("asyncio_0", "Thread._bootstrap (threading.py:1002);_worker (concurrent/futures/thread.py:81)", 10),
    (
        "asyncio_0",
        "Thread._bootstrap (threading.py:1002);process_batch (agents/payments.py:120);"
        "screen_payment (screening/screen.py:140);ascii_text (rigour/text/translit.py:30)",
        25,
    ),
    (
        "asyncio_0",
        "Thread._bootstrap (threading.py:1002);process_batch (agents/payments.py:121);"
        "decode_payment (schemas/payment.py:98)",
        5,
    ),
]
# py-spy raw format with --threads: `thread (id): name;outermost;...;innermost count`.
PROFILE = "".join(
    f"thread ({1 if name == 'MainThread' else 2}): {name};{stack} {count}\n" for name, stack, count in _STACKS
)


def test_summary_separates_idle_screening_and_stream(tmp_path: Path) -> None:
    path = tmp_path / "profile.txt"
    path.write_text(PROFILE)
    lines = summarise(path, top=3)
    assert lines[0] == "100 samples; busy 40%"  # select and the executor's queue wait are idle
    assert any("MainThread: 60% of samples, 83% of them idle" in line for line in lines)
    split = next(line for line in lines if "busy in process_batch" in line)
    assert "75%" in split and "25%" in split  # 30 of 40 busy samples inside process_batch
    inclusive = lines[lines.index("  inclusive share of busy samples:") + 1]
    assert inclusive.split() == ["75.0%", "process_batch", "(agents/payments.py)"]
    assert "  self share of busy samples:" in lines
    assert any("ascii_text (rigour/text/translit.py)" in line for line in lines)


def test_empty_profile_gives_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("")
    assert summarise(path) == []
