"""Scores are rounded by one setting, `ScreeningParams.score_decimals`, on every path."""

from __future__ import annotations

from screening.index import ListIndex
from screening.matching.params import ScreeningParams
from screening.model import EntryType, ListEntry

LISTED = [
    ListEntry("t:1", "test", EntryType.PERSON, "KIM Jong Un"),
    ListEntry("t:2", "test", EntryType.ORGANISATION, "ZARYA SHIPPING COMPANY LIMITED"),
    ListEntry("t:3", "test", EntryType.PERSON, "PETROVA, Anna Sergeyevna"),
]
# Near misses whose unrounded scores carry more than two decimals.
QUERIES = ["Kim Jong Uun", "Zarya Shiping Co", "Anna Petrovaa", "Petrova Ana Sergeevna"]


def _decimals(score: float) -> int:
    text = f"{score:.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def test_score_decimals_reaches_names_text_and_bounds() -> None:
    params = ScreeningParams(score_decimals=2)
    assert params.score_rounding == 0.005  # derived, never set apart
    index = ListIndex.build(LISTED, params)
    names = [m.score for q in QUERIES for m in index.match_name(q, threshold=0.5)]
    texts = [m.score for q in QUERIES for m in index.scan_text(f"invoice 42 to {q} for parts", threshold=0.5)]
    assert names and texts
    assert all(_decimals(score) <= 2 for score in names + texts), (names, texts)
    default = ListIndex.build(LISTED)
    finer = [m.score for q in QUERIES for m in default.match_name(q, threshold=0.5)]
    assert any(_decimals(score) > 2 for score in finer), finer  # the test would see a missed path


def test_clamp_score_rounds_then_bounds() -> None:
    params = ScreeningParams()
    assert params.clamp_score(0.123456) == 0.1235
    assert params.clamp_score(1.00004) == 1.0 and params.clamp_score(-0.2) == 0.0
