"""What a comparison and a look-up return: evidence, comparisons and hits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from screening.model import ListEntry

# Feature values in a comparison are reported to this many decimals (a display precision: scores
# are rounded by `ScreeningParams.clamp_score`).
FEATURE_DECIMALS = 4

__all__ = ["Comparison", "Evidence", "NameMatch", "PartyKind", "comparison_of"]

PartyKind = Literal["person", "organisation", "any"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """One fact that shaped a score: a feature name (the rule or measure it comes from), its
    value (a factor minus 1, a cap, a count or a coverage) and the note an analyst reads."""

    feature: str
    value: float
    note: str


@dataclass(frozen=True, slots=True)
class Comparison:
    """The result of comparing two names: score in [0, 1], human explanation, features fired."""

    score: float
    explanation: str
    features: tuple[tuple[str, float], ...]
    evidence: tuple[Evidence, ...] = ()

    def with_evidence(self, score: float, *added: Evidence) -> Comparison:
        """This comparison with a new score (rounded by the caller) and `added` evidence after its
        own (qualifiers)."""
        return comparison_of(score, (*self.evidence, *added))


@dataclass(frozen=True, slots=True)
class NameMatch:
    """One listed entry hit by a screened name; `matched_name` is the listed spelling that scored."""

    entry: ListEntry
    matched_name: str
    score: float
    explanation: str
    features: tuple[tuple[str, float], ...]


def comparison_of(score: float, evidence: Iterable[Evidence]) -> Comparison:
    """The comparison an evidence list describes: the explanation prints its notes in order, the
    features list each item's value rounded to `FEATURE_DECIMALS`, the score (rounded by the
    caller, `ScreeningParams.clamp_score`) is kept within [0, 1]. The one place an explanation is
    written."""
    items = tuple(evidence)
    return Comparison(
        min(1.0, max(0.0, score)),
        "; ".join(item.note for item in items if item.note),
        tuple((item.feature, round(item.value, FEATURE_DECIMALS)) for item in items),
        items,
    )
