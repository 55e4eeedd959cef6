"""Generate the published `*.schema.json` files from the typed models.

`python -m schemas.generate` rewrites them; a test checks the committed files equal the output,
so the published contracts can never drift from the code that enforces them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import msgspec

from schemas.decision import Decision
from schemas.list_record import ListEntryRecord
from schemas.payment import Payment

SCHEMA_DIR = Path(__file__).parent


def published_schemas() -> dict[str, dict[str, Any]]:
    """Map each published file name to the JSON Schema generated from its model."""
    models: dict[str, tuple[type, str]] = {
        "payment.schema.json": (Payment, "paymon payment event"),
        "alert.schema.json": (Decision, "paymon screening decision / alert"),
        "list-entry.schema.json": (ListEntryRecord, "paymon sanctions list entry"),
    }
    out: dict[str, dict[str, Any]] = {}
    for filename, (model, title) in models.items():
        schema = msgspec.json.schema(model)
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **schema}
        out[filename] = schema
    return out


def render(schema: dict[str, Any]) -> str:
    """The exact text written for a schema (stable key order, trailing newline)."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    """Write every published schema next to this module."""
    for filename, schema in published_schemas().items():
        (SCHEMA_DIR / filename).write_text(render(schema), encoding="utf-8")


if __name__ == "__main__":
    main()
