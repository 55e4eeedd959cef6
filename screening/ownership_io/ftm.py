"""FollowTheMoney entities as JSON lines: `Ownership` entities are edges, the rest give names.

An `Ownership` has `properties.owner` and `properties.asset` (entity ids, or nested entity
objects in FtM's nested export) and a free-text `percentage` such as '51%'. Names and LEIs come
from the other entities in the same file (`name`, `leiCode`) or from the nested objects.

A `Directorship` (`director` -> `organization`) is an edge only when its `role` or `summary`
states control (a controlling person or beneficial owner, in English or Russian as OpenSanctions
publishes them): control is read as a majority stake ('>50%'). The EU and UK rules treat control
like ownership; OFAC's rule counts ownership only, so under it this is stricter than required
(it fails closed: an analyst clears the alert rather than a payment passing). A
plain directorship (a general director, 'Leader or official of') is management, not ownership,
and is not loaded. This is how an OpenSanctions file (`entities.ftm.json`, e.g. a sanctions
cluster with its owners) serves as an ownership table as well as a list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from screening.ownership_io.builder import GraphBuilder
from screening.ownership_io.edge import PercentageError, parse_percentage
from screening.ownership_io.jsonlines import json_objects
from screening.ownership_io.lei import normalise_lei

__all__ = ["CONTROL_STAKE", "load_ftm"]

# The stake a controlling Directorship stands for: more than half, as a majority holder.
CONTROL_STAKE = ">50%"
# Words in a Directorship's role or summary that say the director controls the organisation.
_CONTROL_WORDS = ("control", "beneficial owner", "контрол", "бенефициар")


@dataclass(frozen=True, slots=True)
class _Stake:
    line: int
    owner: str
    asset: str
    percentage: str


def _first(props: dict[str, Any], key: str) -> Any:
    values = props.get(key)
    if isinstance(values, list):
        return values[0] if values else None
    return values


def _ref(value: Any, names: dict[str, str], leis: dict[str, str]) -> str | None:
    """The entity id of an owner/asset value; a nested entity also yields its name and LEI."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        _remember(value, names, leis)
        return str(value["id"])
    return None


def _remember(entity: dict[str, Any], names: dict[str, str], leis: dict[str, str]) -> None:
    props = entity.get("properties") or {}
    if not isinstance(props, dict):
        return
    name = _first(props, "name")
    if isinstance(name, str) and name.strip():
        names.setdefault(str(entity["id"]), name.strip())
    lei = _first(props, "leiCode")
    if isinstance(lei, str) and lei.strip():
        leis.setdefault(str(entity["id"]), lei)


def _carries_control(props: dict[str, Any]) -> bool:
    """True when a Directorship's role or summary says the director controls the organisation."""
    texts = [v for key in ("role", "summary") for v in (props.get(key) or []) if isinstance(v, str)]
    return any(word in text.lower() for text in texts for word in _CONTROL_WORDS)


def load_ftm(path: Path, builder: GraphBuilder, *, today: dt.date | None = None) -> None:
    """Add the `Ownership` (and controlling `Directorship`) entities of an FtM JSON lines file to `builder`.

    Guarantees: a line that is not a JSON object with `id` and `schema`, an Ownership without
    exactly one owner and one asset, an unreadable percentage or an invalid LEI adds a
    'file:line: problem'; an Ownership whose `endDate` is before `today` has ended and is
    skipped with a warning (counted once per file); a missing percentage is an unknown stake.
    """
    file_no = builder.file(str(path))
    cutoff = (today or dt.date.today()).isoformat()
    names: dict[str, str] = {}
    leis: dict[str, str] = {}
    stakes: list[_Stake] = []
    ended = 0
    for line, entity in json_objects(path, builder.problems):
        if not isinstance(entity.get("id"), str) or "schema" not in entity:
            builder.problems.append(f"{path}:{line}: not an FtM entity (needs 'id' and 'schema')")
            continue
        props = entity.get("properties") or {}
        if not isinstance(props, dict):
            builder.problems.append(f"{path}:{line}: 'properties' is not an object")
            continue
        schema = entity["schema"]
        if schema == "Directorship" and not _carries_control(props):
            continue
        if schema not in ("Ownership", "Directorship"):
            _remember(entity, names, leis)
            continue
        owner_key, asset_key = ("owner", "asset") if schema == "Ownership" else ("director", "organization")
        owners, assets = props.get(owner_key) or [], props.get(asset_key) or []
        if (
            not isinstance(owners, list)
            or not isinstance(assets, list)
            or len(owners) != 1
            or len(assets) != 1
        ):
            builder.problems.append(
                f"{path}:{line}: {schema} needs exactly one {owner_key} and one {asset_key}"
            )
            continue
        owner, asset = _ref(owners[0], names, leis), _ref(assets[0], names, leis)
        if owner is None or asset is None:
            builder.problems.append(
                f"{path}:{line}: {schema} {owner_key if owner is None else asset_key} is not an entity id"
            )
            continue
        end = _first(props, "endDate")
        if isinstance(end, str) and end and end[:10] < cutoff:
            ended += 1
            continue
        pct = _first(props, "percentage") if schema == "Ownership" else CONTROL_STAKE
        stakes.append(
            _Stake(line, owner, asset, pct if isinstance(pct, str) else "" if pct is None else str(pct))
        )
    if ended:
        builder.warnings.append(f"{path}: {ended} Ownership entities have an endDate in the past; not loaded")
    for stake in stakes:
        try:
            low, high, inclusive = parse_percentage(stake.percentage)
        except PercentageError as exc:
            builder.problems.append(f"{path}:{stake.line}: percentage: {exc}")
            continue
        try:
            owner_lei = normalise_lei(leis[stake.owner]) if stake.owner in leis else None
            asset_lei = normalise_lei(leis[stake.asset]) if stake.asset in leis else None
        except ValueError as exc:
            builder.problems.append(f"{path}:{stake.line}: {exc}")
            continue
        o = builder.node(stake.owner, names.get(stake.owner, ""), owner_lei)
        a = builder.node(stake.asset, names.get(stake.asset, ""), asset_lei)
        builder.add(o, a, low, high, inclusive, file_no, stake.line)
