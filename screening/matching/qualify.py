"""Qualifiers: what the index and the caller know beyond the two names, applied to a name's
comparison as named evidence after the engine's rules.

- `common_words_only`: the shared words are common across the lists (the index knows how common);
- `weak_alias`: a weak alias only counts when practically exact;
- `country_mismatch` / `country_match`, `birth_date_mismatch` / `birth_date_match`: the party's
  country and birth date against the entry's.
"""

from __future__ import annotations

from collections.abc import Callable

from screening.matching.params import ScreeningParams
from screening.matching.prepare import PreparedName
from screening.matching.results import Comparison, Evidence, NameMatch
from screening.model import ListEntry, NameQuality

__all__ = ["apply_qualifiers", "common_words_only", "qualified_match"]


def _fmt(value: float) -> str:
    return f"{value:.2f}"


def common_words_only(
    params: ScreeningParams,
    query: PreparedName,
    listed: PreparedName,
    comparison: Comparison,
    names_holding: Callable[[str], int],
) -> Comparison:
    """Lower a partial match that shares only common words with a longer listed name.

    `Maria Sanchez` is wholly inside `SANCHEZ CARLON, Diana Maria`, but both words are in dozens
    of listed names (`names_holding(word)`): sharing them says little.
    """
    pairs = list(zip(listed.tokens, listed.weights, strict=True))
    generic = params.generic_weight
    shared = [t for t, w in pairs if w > generic and t in query.tokens]
    unmatched = sum(1 for t, w in pairs if w > generic and len(t) > 1 and t not in query.tokens)
    if not shared or unmatched < 2:
        return comparison
    if any(names_holding(t) <= params.common_word_names for t in shared):
        return comparison
    factor = params.common_words_factor
    return comparison.with_evidence(
        params.clamp_score(comparison.score * factor),
        Evidence(
            "common_words_only",
            factor - 1,
            f"only common words shared ({', '.join(shared[:3])}) x{factor:.2f}",
        ),
    )


def apply_qualifiers(
    params: ScreeningParams,
    comparison: Comparison,
    entry: ListEntry,
    *,
    country: str | None,
    birth_date: str | None,
) -> Comparison:
    """Lower (or slightly raise) a name score by what the caller knows about the party.

    Country: when given and the entry lists countries, none equal -> minus
    `country_mismatch_penalty`. Birth date: when given and the entry lists dates, a differing year
    -> minus `birth_year_mismatch_penalty`; an agreeing full prefix -> plus
    `birth_date_match_bonus`. Guarantees: score stays in [0, 1].
    """
    score = comparison.score
    added: list[Evidence] = []
    if country and entry.countries:
        code = country.strip().upper()
        if code not in entry.countries:
            penalty = params.country_mismatch_penalty
            score -= penalty
            added.append(Evidence("country_mismatch", -penalty, f"country mismatch -{_fmt(penalty)}"))
        else:
            added.append(Evidence("country_match", 0.0, f"country {code} listed"))
    if birth_date and entry.birth_dates:
        given = birth_date.strip()
        years = {d[:4] for d in entry.birth_dates}
        if given[:4] not in years:
            penalty = params.birth_year_mismatch_penalty
            score -= penalty
            added.append(Evidence("birth_date_mismatch", -penalty, f"birth year mismatch -{_fmt(penalty)}"))
        elif any(given.startswith(d) or d.startswith(given) for d in entry.birth_dates):
            bonus = params.birth_date_match_bonus
            score += bonus
            added.append(Evidence("birth_date_match", bonus, f"birth date agrees +{_fmt(bonus)}"))
    if not added:
        return comparison
    return comparison.with_evidence(params.clamp_score(score), *added)


def qualified_match(
    params: ScreeningParams,
    comparison: Comparison,
    entry: ListEntry,
    matched_name: str,
    quality: NameQuality,
    *,
    country: str | None,
    birth_date: str | None,
    threshold: float,
) -> NameMatch | None:
    """The hit a name's comparison makes once the weak-alias rule and the party's qualifiers
    apply, or None under `threshold`."""
    if comparison.score < threshold:
        return None  # qualifiers only lower scores by more than they can raise them
    if quality is NameQuality.WEAK:
        if comparison.score < max(threshold, params.weak_alias_min_score):
            return None
        comparison = comparison.with_evidence(
            comparison.score, Evidence("weak_alias", 1.0, "weak alias (near-exact required)")
        )
    comparison = apply_qualifiers(params, comparison, entry, country=country, birth_date=birth_date)
    if comparison.score < threshold:
        return None
    return NameMatch(entry, matched_name, comparison.score, comparison.explanation, comparison.features)
