"""UK Companies House 'persons with significant control' (PSC) as JSON lines.

Each line is either the bulk snapshot form `{"company_number": ..., "data": {...}}` or one API
item (`{"kind": ..., "links": {"self": "/company/<number>/persons-with-significant-control/..."}}`).
The stake is a band from `natures_of_control` (psc_natures_of_control.yml): 'more than 25% but
not more than 50%' is the interval (25, 50] — `(25.0, 50.0, False)` — so the rules can tell that
it is surely above 25 but not surely 50 or more. Voting rights and rights to appoint directors
are control, not ownership, and give no stake.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from screening.ownership_io.builder import GraphBuilder
from screening.ownership_io.jsonlines import json_objects

__all__ = ["band_of", "load_psc"]

# 'ownership-of-shares-25-to-50-percent[-as-trust|-as-firm]' and the LLP equivalent: the PSC
# register's own wording is 'more than X% but not more than Y%', hence low exclusive.
_BAND = re.compile(r"^(?:ownership-of-shares|right-to-share-surplus-assets)-(\d+)-to-(\d+)-percent(?:-|$)")
# Registered overseas entities: 'more than 25%' with no upper band.
_MORE_THAN = re.compile(r"^ownership-of-shares-more-than-(\d+)-percent(?:-|$)")
_SELF_LINK = re.compile(r"^/company/([^/]+)/persons-with-significant-control/(?:[^/]+/)?([^/]+)$")
_SKIPPED_KINDS = ("persons-with-significant-control-statement", "super-secure", "exemptions", "totals#")
_UK_REGISTERS = (
    "companies house",
    "england",
    "wales",
    "scotland",
    "northern ireland",
    "united kingdom",
    "uk",
    "registrar of companies",
)


def band_of(natures: list[str]) -> tuple[float, float, bool] | None:
    """The ownership band stated by a PSC's natures of control, or None when it states only
    control (votes, directors, influence). With several ownership natures the narrowest
    surely-held lower bound wins (they describe the same holding)."""
    best: tuple[float, float, bool] | None = None
    for nature in natures:
        if m := _BAND.match(nature):
            band = (float(m.group(1)), float(m.group(2)), False)
        elif m := _MORE_THAN.match(nature):
            band = (float(m.group(1)), 100.0, False)
        else:
            continue
        if best is None or band[0] > best[0]:
            best = band
    return best


def _owner_id(data: dict[str, Any], psc_id: str) -> str:
    """A UK-registered corporate PSC is the company with that number (so chains link up);
    anyone else is the PSC record itself."""
    ident = data.get("identification")
    if isinstance(ident, dict) and "corporate" in str(data.get("kind", "")):
        number = str(ident.get("registration_number") or "").strip().upper().replace(" ", "")
        where = " ".join(
            str(ident.get(k) or "") for k in ("place_registered", "country_registered", "legal_authority")
        ).lower()
        if number and any(reg in where for reg in _UK_REGISTERS):
            return number.zfill(8) if number.isdigit() else number
    return f"psc:{psc_id}"


def load_psc(path: Path, builder: GraphBuilder) -> None:
    """Add every PSC with an ownership band to `builder` (owner: the PSC, asset: the company).

    Guarantees: a line that is not JSON, lacks the company number or `natures_of_control`, adds
    a 'file:line: problem'; statements, exemptions, super-secure PSCs, ceased PSCs and
    control-only PSCs are not ownership and are counted in one warning per file.
    """
    file_no = builder.file(str(path))
    skipped: Counter[str] = Counter()
    for line, record in json_objects(path, builder.problems):
        data = record.get("data", record)
        if not isinstance(data, dict):
            builder.problems.append(f"{path}:{line}: 'data' is not an object")
            continue
        kind = str(data.get("kind", ""))
        if any(k in kind for k in _SKIPPED_KINDS):
            skipped["statements/exemptions/super-secure"] += 1
            continue
        links = data.get("links") if isinstance(data.get("links"), dict) else {}
        m = _SELF_LINK.match(str((links or {}).get("self", "")))
        company = str(record.get("company_number") or (m.group(1) if m else "")).strip().upper()
        if not company:
            builder.problems.append(f"{path}:{line}: no company_number (nor a links.self naming one)")
            continue
        natures = data.get("natures_of_control")
        if not isinstance(natures, list) or not all(isinstance(n, str) for n in natures):
            builder.problems.append(f"{path}:{line}: natures_of_control missing or not a list of strings")
            continue
        if data.get("ceased_on"):
            skipped["ceased"] += 1
            continue
        band = band_of(natures)
        if band is None:
            skipped["control without an ownership band"] += 1
            continue
        # The register's own PSC id when given; else company + name, stable across snapshots.
        psc_id = m.group(2) if m else f"{company}:{str(data.get('name') or '').strip().upper()}"
        owner = builder.node(_owner_id(data, psc_id), str(data.get("name") or "").strip())
        asset = builder.node(company.zfill(8) if company.isdigit() else company)
        builder.add(owner, asset, band[0], band[1], band[2], file_no, line)
    if skipped:
        detail = ", ".join(f"{count} {why}" for why, count in sorted(skipped.items()))
        builder.warnings.append(f"{path}: PSC records that state no ownership, not loaded: {detail}")
