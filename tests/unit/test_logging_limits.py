"""Repeated log lines during an outage are held back, and say how many were."""

from __future__ import annotations

import logging

import pytest

from agents.logging_limits import RateLimitedLog, RepeatFilter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def record(message: str, level: int = logging.ERROR) -> logging.LogRecord:
    return logging.LogRecord("aiokafka", level, __file__, 1, message, None, None)


def test_a_repeated_error_passes_once_per_interval_with_the_count_held_back() -> None:
    clock = Clock()
    repeat = RepeatFilter(10.0, clock)
    passed = [repeat.filter(record("Unable to connect to node %s")) for _ in range(145)]
    assert passed.count(True) == 1
    assert repeat.filter(record("another error"))  # a different message is not held back
    assert repeat.filter(record("debug chatter", logging.DEBUG))
    clock.now = 10.5
    again = record("Unable to connect to node %s")
    assert repeat.filter(again) and "(144 similar lines suppressed)" in str(again.msg)


def test_rate_limited_log_writes_the_first_and_then_one_per_interval(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    limited = RateLimitedLog(logging.getLogger("paymon.test"), 10.0, clock)
    with caplog.at_level(logging.ERROR, "paymon.test"):
        written = [limited.error("producing failed (%s)", "KafkaTimeoutError") for _ in range(50)]
        clock.now = 11.0
        limited.error("producing failed (%s)", "KafkaTimeoutError")
    assert written.count(True) == 1
    assert [r.getMessage() for r in caplog.records] == [
        "producing failed (KafkaTimeoutError)",
        "producing failed (KafkaTimeoutError) (49 similar lines suppressed)",
    ]
