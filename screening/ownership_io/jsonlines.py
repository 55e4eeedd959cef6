"""Reading a JSON Lines ownership file: one JSON object per line, bad lines reported, never dropped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec


def json_objects(path: Path, problems: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (1-based line number, object) for every JSON object line of `path`.

    Guarantees: blank lines are skipped; a line that is not JSON, or JSON but not an object, is
    reported in `problems` as 'file:line: problem' and not yielded."""
    with path.open("rb") as handle:
        for line, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                value = msgspec.json.decode(raw)
            except msgspec.DecodeError as exc:
                problems.append(f"{path}:{line}: not JSON: {exc}")
                continue
            if not isinstance(value, dict):
                problems.append(f"{path}:{line}: not a JSON object")
                continue
            yield line, value
