"""Log output that stays readable and private during faults.

During a broker outage the Kafka client and faust log the same error many times a second
(measured: ~145 ERROR lines/s); `RepeatFilter` on the worker's log handlers lets each distinct
message through once per interval and says how many repeats it held back. `RateLimitedLog` does
the same for paymon's own retry loops. Payment content (names, accounts, remittance text) is
personal data: paymon's own log lines name a record by topic/partition/offset, and quote its
content only when the operator turns `PAYMON_LOG_PAYLOADS` on for debugging.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

# One line per distinct message per this many seconds is enough to see an outage start, go on
# and end, without burying everything else.
REPEAT_INTERVAL_S = 10.0
# Distinct messages remembered; beyond it the memory is emptied (messages differ per broker,
# partition or error, a few dozen during an outage).
REPEAT_MEMORY = 1024


class _Gate:
    """Lets one occurrence of each key through per interval; counts the ones it held back."""

    def __init__(self, interval_s: float, clock: Callable[[], float]) -> None:
        self._interval = interval_s
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[object, tuple[float, int]] = {}

    def admit(self, key: object) -> int | None:
        """None to hold this occurrence back, else how many were held back since the last one."""
        now = self._clock()
        with self._lock:
            last = self._seen.get(key)
            if last is not None and now - last[0] < self._interval:
                self._seen[key] = (last[0], last[1] + 1)
                return None
            if len(self._seen) >= REPEAT_MEMORY:
                self._seen.clear()
            self._seen[key] = (now, 0)
            return 0 if last is None else last[1]


class RepeatFilter(logging.Filter):
    """A handler filter passing each distinct (logger, level, message template) at most once per
    `interval_s`; the next one to pass carries "(N similar lines suppressed)".

    Guarantees: records below WARNING always pass; the first occurrence of a message always
    passes; nothing is held back for longer than the interval once the message recurs."""

    def __init__(
        self, interval_s: float = REPEAT_INTERVAL_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self._gate = _Gate(interval_s, clock)

    def filter(self, record: logging.LogRecord) -> bool:
        """Whether `record` is written (it may be annotated with the count held back)."""
        if record.levelno < logging.WARNING:
            return True
        held = self._gate.admit((record.name, record.levelno, str(record.msg)))
        if held is None:
            return False
        if held:
            record.msg = f"{record.msg} ({held} similar lines suppressed)"
        return True


def install_repeat_filter(logger: logging.Logger, interval_s: float = REPEAT_INTERVAL_S) -> RepeatFilter:
    """Add one shared `RepeatFilter` to every handler of `logger` (the worker's root logger)."""
    repeat = RepeatFilter(interval_s)
    for handler in logger.handlers:
        handler.addFilter(repeat)
    return repeat


class RateLimitedLog:
    """ERROR lines of one retry loop, at most one per interval per message template."""

    def __init__(
        self,
        logger: logging.Logger,
        interval_s: float = REPEAT_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._gate = _Gate(interval_s, clock)

    def error(self, message: str, *args: object) -> bool:
        """Log `message % args` at ERROR unless the same template was logged within the
        interval; returns whether it was written."""
        held = self._gate.admit(message)
        if held is None:
            return False
        if held:
            self._logger.error(f"{message} ({held} similar lines suppressed)", *args)
        else:
            self._logger.error(message, *args)
        return True
