"""A name prepared once for every comparison: normalised tokens, their weights and sums."""

from __future__ import annotations

import functools
import re
from typing import Final

from screening.names import (
    GENERIC_WEIGHT,
    GENERIC_WORDS,
    PARTICLES,
    TOKEN_CACHE_SIZE,
    NameForm,
    NormalisedName,
    normalise_name,
    token_weight,
)

__all__ = ["PreparedName", "prepare", "prepare_normalised", "token_weights"]


class PreparedName:
    """A normalised name with its per-token weights, computed once (the Rust port derives the
    consonant skeletons and doubled-letter forms it needs itself).

    Immutable by contract (the attributes are `Final`; mypy rejects assignments). A plain slotted
    class rather than a frozen dataclass, whose `__init__` (one `object.__setattr__` per field)
    cost about a microsecond per screened name; equality, hash and repr are the dataclass ones.
    """

    __slots__ = (
        "distinctive_weight",
        "joined",
        "name",
        "numbers",
        "tokens",
        "total_weight",
        "weights",
    )

    def __init__(
        self,
        name: NormalisedName,
        tokens: tuple[str, ...],
        weights: tuple[float, ...],
        joined: str,
        total_weight: float,
        distinctive_weight: float,
        numbers: frozenset[str],
    ) -> None:
        self.name: Final = name
        self.tokens: Final = tokens
        self.weights: Final = weights
        self.joined: Final = joined
        self.total_weight: Final = total_weight
        self.distinctive_weight: Final = distinctive_weight
        self.numbers: Final = numbers

    def _fields(self) -> tuple[object, ...]:
        return (
            self.name,
            self.tokens,
            self.weights,
            self.joined,
            self.total_weight,
            self.distinctive_weight,
            self.numbers,
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, PreparedName)
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (
            f"PreparedName(name={self.name!r}, tokens={self.tokens!r}, weights={self.weights!r}, "
            f"joined={self.joined!r}, "
            f"total_weight={self.total_weight!r}, distinctive_weight={self.distinctive_weight!r}, "
            f"numbers={self.numbers!r})"
        )


def prepare(text: str, form: NameForm = "any") -> PreparedName:
    """Normalise `text` and precompute what the comparison needs. Never raises on any `str`."""
    return prepare_normalised(normalise_name(text, form))


def prepare_normalised(name: NormalisedName) -> PreparedName:
    """Precompute the token weights and their sums for an already normalised name."""
    tokens = name.tokens
    weights = token_weights(tokens)
    joined = "".join(tokens)
    return PreparedName(
        name,
        tokens,
        weights,
        joined,
        sum(weights),
        sum([w for w in weights if w > GENERIC_WEIGHT]),
        # (tokens are `[a-z0-9]`: one without a digit in `joined` has none of its own)
        frozenset([t for t in tokens if t.isdigit()]) if _DIGIT.search(joined) else _NO_NUMBERS,
    )


_DIGIT = re.compile("[0-9]")
_NO_NUMBERS: frozenset[str] = frozenset()

# Weights of particles and generic words, looked up before calling `token_weight` (hot path).
_WEIGHTS: dict[str, float] = {t: token_weight(t) for t in PARTICLES | GENERIC_WORDS}
# ... and of any other word, memoised by the word alone (`token_weight` is pure).
_other_weight = functools.lru_cache(maxsize=TOKEN_CACHE_SIZE)(token_weight)


def token_weights(tokens: tuple[str, ...]) -> tuple[float, ...]:
    """`token_weight` of each token (the weights of `PreparedName`)."""
    return tuple([_WEIGHTS.get(t) or _other_weight(t) for t in tokens])
