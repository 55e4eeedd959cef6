"""Which listed entries designate owners under which ownership regime, when lists are mixed.

One regime is in force at a time (`--regime`, `PAYMON_OWNERSHIP_REGIME`): its 50% rule decides
which companies are blocked by ownership. Every loaded entry still alerts on a direct hit,
whatever its authority; only the *roots* of ownership chains depend on the regime:

- an entry listed by the regime's own authority designates (EU-listed under `eu`, UK-listed
  under `uk`, OFAC-listed under `ofac`), and so does a UN-listed entry under every regime (the
  EU, the UK and the US all give effect to UN designations);
- an entry only another authority lists does not: an OFAC-only entry blocks nothing under `eu`
  (EU law does not apply OFAC's designations), nor does an entry only Switzerland or Japan
  lists (known through OpenSanctions) under any of the three regimes;
- an entry of the operator's own lists (paymon JSONL with a list name of its own) designates
  under every regime: the operator listed it to be blocked.

An OpenSanctions entity listed by several authorities designates under each of theirs.
"""

from __future__ import annotations

from collections.abc import Iterable

from screening.index import ListIndex
from screening.model import ListEntry
from screening.ownership import Regime

__all__ = ["designates_under", "ownership_index"]

# The lists paymon reads in published formats; any other list name is the operator's own.
PUBLISHED_LISTS = frozenset({"ofac", "un", "eu", "uk", "opensanctions"})
_REGIME_AUTHORITY: dict[Regime, str] = {Regime.OFAC: "ofac", Regime.EU: "eu", Regime.UK: "uk"}
# Designations every regime gives effect to.
_UNIVERSAL_AUTHORITY = "un"


def designates_under(entry: ListEntry, regime: Regime) -> bool:
    """True when `entry` can be the root of an ownership chain under `regime` (module docstring)."""
    if entry.list_name not in PUBLISHED_LISTS:
        return True
    codes = entry.authority_codes()
    return _REGIME_AUTHORITY[regime] in codes or _UNIVERSAL_AUTHORITY in codes


def ownership_index(index: ListIndex, regime: Regime) -> ListIndex:
    """The index the ownership engine screens owners against under `regime`.

    Guarantees: `index` itself (no copy, no cost) when every entry designates under `regime`;
    otherwise a new index of exactly the entries that do, so an owner matching only an entry
    of another authority is never a root.
    """
    entries: Iterable[ListEntry] = index.entries.values()
    designating = [entry for entry in entries if designates_under(entry, regime)]
    if len(designating) == len(index):
        return index
    return ListIndex.build(designating, index.params)
