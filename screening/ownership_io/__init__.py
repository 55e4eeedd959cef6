"""Ownership tables: edge type, compact graph and one loader per source format."""

from __future__ import annotations

from screening.ownership_io.edge import OwnershipEdge, decode_edge, edge_id, encode_edge
from screening.ownership_io.graph import OwnershipGraph
from screening.ownership_io.issues import OwnershipLoadError
from screening.ownership_io.load import OwnershipFormat, detect_format, load_ownership

__all__ = [
    "OwnershipEdge",
    "OwnershipFormat",
    "OwnershipGraph",
    "OwnershipLoadError",
    "decode_edge",
    "detect_format",
    "edge_id",
    "encode_edge",
    "load_ownership",
]
