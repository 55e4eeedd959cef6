"""Run every benchmark module in `bench/` one after another, each in its own interpreter.

Each bench runs in a fresh process so its memory and timing figures are its own. Exit status is
non-zero when any bench fails; the others still run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# Run first: the headline matching figures; the rest follow in name order.
FIRST = ("accuracy", "speed")


def bench_modules() -> list[str]:
    """Names of the bench modules (every `bench/*.py` except package files), FIRST ones first."""
    here = Path(__file__).resolve().parent
    found = sorted(p.stem for p in here.glob("*.py") if not p.stem.startswith("_"))
    return [m for m in FIRST if m in found] + [m for m in found if m not in FIRST]


def main() -> int:
    """Run each bench module; return 1 if any failed, else 0."""
    failed: list[str] = []
    for name in bench_modules():
        print(f"\n===== bench.{name} =====", flush=True)
        result = subprocess.run([sys.executable, "-m", f"bench.{name}"], check=False)
        if result.returncode != 0:
            failed.append(f"{name} (exit {result.returncode})")
    if failed:
        print(f"\nfailed benches: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
