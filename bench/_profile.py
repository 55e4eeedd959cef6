"""Where a sampled process spent its time: a short text summary of a py-spy `raw` profile.

Run: `.venv/bin/python -m bench._profile PROFILE.txt [--top N]`

py-spy's raw format is one collapsed stack per line (`frame;frame;... count`, outermost first,
the thread first when recorded with `--threads`). The summary gives, per thread, its share of the
samples and how much of it was idle (waiting in `select`/`epoll`, a lock or a queue), then the
functions with the largest inclusive and self shares of the busy samples.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

# Innermost frames that mean "waiting, not working": py-spy marks idle threads only by them
# (`_worker` innermost is an executor thread blocked on its work queue).
_IDLE = re.compile(r"^(?:[\w<>]+\.)*(select|poll|epoll|wait|acquire|sleep|serve_forever|_worker) \(")
# The worker's batch function: samples inside it are the payments' own work, the rest is the
# stream's (fetching, producing, the event loop).
SPLIT = "process_batch"
# Frames every sample of a thread passes through (thread start, event loop, executor, the
# command's entry): left out of the inclusive list, where they would only fill the top.
_PLUMBING = re.compile(
    r"^(Thread\._bootstrap\w*|Thread\.run|_worker|_WorkItem\.run|BaseEventLoop\.(run_forever|"
    r"run_until_complete|_run_once)|Handle\._run|<module>|main|Worker\.execute_from_commandline|"
    r"run_worker|Service\._execute_task|ServiceThread\.\w+|WorkerThread\.run) \("
)
_FRAME = re.compile(r"^(?P<name>[^ ]+) \((?P<where>[^)]*)\)$")


def _function(frame: str) -> str:
    """`name (file.py:12)` -> `name (file.py)`: one entry per function, not per line."""
    match = _FRAME.match(frame)
    if match is None:
        return frame
    return f"{match['name']} ({match['where'].rsplit(':', 1)[0]})"


def summarise(path: Path, top: int = 12) -> list[str]:
    """Lines describing the profile at `path` (see the module docstring); [] when it is empty."""
    threads: Counter[str] = Counter()
    idle: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    busy = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = stack.split(";")
        thread = frames[0] if frames[0].startswith("thread") else "process"
        calls = frames[1:] if thread != "process" else frames
        threads[thread] += count
        if not calls or _IDLE.match(calls[-1]):
            idle[thread] += count
            continue
        busy += count
        for name in {_function(f) for f in calls if not _PLUMBING.match(f)}:
            inclusive[name] += count
        self_time[_function(calls[-1])] += count
    total = sum(threads.values())
    if not total:
        return []
    lines = [f"{total} samples; busy {busy / total:.0%}"]
    for thread, count in threads.most_common():
        if not count:
            continue
        lines.append(f"  {thread}: {count / total:.0%} of samples, {idle[thread] / count:.0%} of them idle")
    inside = inclusive[_function(f"{SPLIT} (agents/payments.py)")]
    if busy:
        lines.append(
            f"  busy in {SPLIT} (decode, screen, encode): {inside / busy:.0%}; elsewhere (faust, "
            f"aiokafka, asyncio, metrics: the stream's own cost): {1 - inside / busy:.0%}"
        )
    lines.append("  inclusive share of busy samples:")
    lines += [f"    {n / busy:6.1%}  {name}" for name, n in inclusive.most_common(top)] if busy else []
    lines.append("  self share of busy samples:")
    lines += [f"    {n / busy:6.1%}  {name}" for name, n in self_time.most_common(top)] if busy else []
    return lines


def main() -> int:
    """Print the summary of each profile given."""
    parser = argparse.ArgumentParser(prog="python -m bench._profile")
    parser.add_argument("profiles", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    for path in args.profiles:
        print(f"== {path}")
        print("\n".join(summarise(path, args.top)) or "(no samples)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
