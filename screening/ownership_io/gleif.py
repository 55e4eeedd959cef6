"""GLEIF level-2 relationship records (RR-CDF XML): who consolidates whom, by LEI.

`StartNode IS_DIRECTLY_CONSOLIDATED_BY EndNode` means the end node (parent) consolidates the
start node (child), so the edge is parent -> child and both nodes are their LEIs. Percentages
are rare (`RelationshipQuantifier`) and come in mixed units: `100.0` and `1.00` both mean the
whole. Files may be a full `RelationshipData` document or bare concatenated records (as the
shared sample is).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from screening.ownership_io.builder import GraphBuilder
from screening.ownership_io.edge import UNKNOWN_STAKE
from screening.ownership_io.lei import normalise_lei

__all__ = ["OWNERSHIP_TYPES", "load_gleif", "normalise_quantity"]

# Relationship types that say the end node owns the start node. A branch is the same legal
# person as its head office, so it is held in full; a fund's manager does not own the fund.
OWNERSHIP_TYPES = {
    "IS_DIRECTLY_CONSOLIDATED_BY": None,  # stake from the quantifier, else unknown
    "IS_ULTIMATELY_CONSOLIDATED_BY": None,
    "IS_INTERNATIONAL_BRANCH_OF": (100.0, 100.0, True),
}
# A consolidated stake of at most 1 (e.g. '1.00', '0.75') is a fraction of one, not a percent:
# accounting consolidation needs control, which a 1% holding cannot give.
_FRACTION_MAX = 1.0
_DECLARATION = re.compile(rb"<\?xml[^>]*\?>")
# A full RR-CDF document opens with RelationshipData within its first few KB.
_HEAD_BYTES = 4096
_DOCUMENT_ROOT = re.compile(rb"<(?:\w+:)?RelationshipData[\s>]")


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(el: etree._Element, *path: str) -> etree._Element | None:
    for name in path:
        nxt = None
        for c in el:
            if _local(c.tag) == name:
                nxt = c
                break
        if nxt is None:
            return None
        el = nxt
    return el


def _text(el: etree._Element, *path: str) -> str:
    found = _child(el, *path)
    return (found.text or "").strip() if found is not None else ""


def normalise_quantity(amount: float, units: str) -> tuple[float, bool]:
    """A GLEIF consolidation quantifier as a percentage, and whether it was read as a fraction."""
    if units.upper() == "PERCENTAGE" and 0.0 < amount <= _FRACTION_MAX:
        return amount * 100.0, True
    return amount, False


def load_gleif(path: Path, builder: GraphBuilder) -> None:
    """Add the ownership relationships of an RR-CDF file to `builder`, nodes keyed by LEI.

    Guarantees: a record with a missing or invalid LEI, a non-LEI node, or an unreadable
    quantifier adds a 'file:line: problem'; inactive relationships, non-ownership types (fund
    management, feeder/sub-fund) and ultimate-parent records of a child whose direct parent is
    loaded are counted in one warning per file; a quantity read as a fraction is flagged.
    """
    file_no = builder.file(str(path))
    try:
        records = _records(path)
        skipped: Counter[str] = Counter()
        direct_children: set[str] = set()
        ultimate: list[tuple[int, str, str, tuple[float, float, bool]]] = []
        for record in records:
            _read_record(path, record, builder, file_no, skipped, direct_children, ultimate)
    except etree.XMLSyntaxError as exc:
        builder.problems.append(f"{path}:{exc.lineno}: not well-formed XML: {exc.msg}")
        return
    for line, parent, child, stake in ultimate:
        # The ultimate parent already reaches the child through the direct chain; a second,
        # direct edge would count the same holding twice when stakes are aggregated.
        if child in direct_children:
            skipped["ultimate parent of a child with a direct parent"] += 1
            continue
        builder.add(builder.node_by_lei(parent), builder.node_by_lei(child), *stake, file_no, line)
    if skipped:
        detail = ", ".join(f"{count} {why}" for why, count in sorted(skipped.items()))
        builder.warnings.append(f"{path}: records that are not active ownership, not loaded: {detail}")


def _records(path: Path) -> Iterator[etree._Element]:
    """Every RelationshipRecord: streamed (and freed) from a full document, which may be large;
    bare concatenated records are wrapped in a root first."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if _DOCUMENT_ROOT.search(head):
        for _, record in etree.iterparse(
            str(path), tag="{*}RelationshipRecord", resolve_entities=False, huge_tree=True
        ):
            yield record
            record.clear()  # a full RR file is millions of records: keep memory flat
        return
    # Blank out declarations (same length, so line numbers hold) and wrap bare records in a root.
    raw = _DECLARATION.sub(lambda m: b" " * len(m.group(0)), path.read_bytes())
    root = etree.fromstring(
        b"<paymon-records>" + raw + b"</paymon-records>",
        parser=etree.XMLParser(resolve_entities=False, huge_tree=True),
    )
    yield from root.iter("{*}RelationshipRecord")


def _read_record(
    path: Path,
    record: etree._Element,
    builder: GraphBuilder,
    file_no: int,
    skipped: Counter[str],
    direct_children: set[str],
    ultimate: list[tuple[int, str, str, tuple[float, float, bool]]],
) -> None:
    """Add one record's edge (or count why not); ultimate-parent edges wait in `ultimate`."""
    source_line: object = record.sourceline  # lxml-stubs type it oddly; it is int | None
    line = source_line if isinstance(source_line, int) else 0
    rel = _child(record, "Relationship")
    if rel is None:
        builder.problems.append(f"{path}:{line}: RelationshipRecord without Relationship")
        return
    kind = _text(rel, "RelationshipType")
    if kind not in OWNERSHIP_TYPES:
        skipped[kind or "no RelationshipType"] += 1
        return
    if _text(rel, "RelationshipStatus").upper() != "ACTIVE":
        skipped["inactive"] += 1
        return
    try:
        child = _lei_node(rel, "StartNode")
        parent = _lei_node(rel, "EndNode")
    except ValueError as exc:
        builder.problems.append(f"{path}:{line}: {exc}")
        return
    stake = OWNERSHIP_TYPES[kind] or UNKNOWN_STAKE
    quantifier = _child(rel, "RelationshipQuantifiers", "RelationshipQuantifier")
    if quantifier is not None and OWNERSHIP_TYPES[kind] is None:
        amount_text, units = _text(quantifier, "QuantifierAmount"), _text(quantifier, "QuantifierUnits")
        try:
            amount = float(amount_text)
        except ValueError:
            builder.problems.append(f"{path}:{line}: QuantifierAmount {amount_text!r} is not a number")
            return
        pct, fraction = normalise_quantity(amount, units)
        if fraction:
            builder.warnings.append(
                f"{path}:{line}: QuantifierAmount {amount_text} read as a fraction: {pct:g}%"
            )
        stake = (pct, pct, True)
    if kind == "IS_ULTIMATELY_CONSOLIDATED_BY":
        ultimate.append((line, parent, child, stake))
        return
    direct_children.add(child)
    builder.add(builder.node_by_lei(parent), builder.node_by_lei(child), *stake, file_no, line)


def _lei_node(rel: etree._Element, which: str) -> str:
    node_type = _text(rel, which, "NodeIDType")
    node_id = _text(rel, which, "NodeID")
    if node_type and node_type != "LEI":
        raise ValueError(f"{which} NodeIDType {node_type!r} is not LEI")
    if not node_id:
        raise ValueError(f"{which} has no NodeID")
    return normalise_lei(node_id)
