"""Sanctioning authorities: the short codes entries, hits, filters and metrics name them by.

An authority code is 'ofac', 'un', 'eu' or 'uk' for the four authorities paymon reads in their
own formats, and for any other authority known only through OpenSanctions, the name of the
OpenSanctions dataset that publishes its list (e.g. 'ch_seco_sanctions', 'au_dfat_sanctions').
Datasets are mapped explicitly, never guessed from a country prefix: 'gb_coh_disqualified'
(director disqualifications) is a UK source but not the UK sanctions list, so it stays itself.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["KNOWN_AUTHORITIES", "authority_of_dataset", "parse_authorities"]

# The OpenSanctions datasets that republish the lists of the four authorities paymon also reads
# directly (the dataset names are OpenSanctions' own, from its published dataset index).
_DATASET_AUTHORITY: dict[str, str] = {
    "us_ofac_sdn": "ofac",
    "us_ofac_cons": "ofac",
    "un_sc_sanctions": "un",
    "eu_fsf": "eu",
    "eu_journal_sanctions": "eu",
    "eu_sanctions_map": "eu",
    "gb_fcdo_sanctions": "uk",
    "gb_hmt_sanctions": "uk",
}

KNOWN_AUTHORITIES: tuple[str, ...] = ("ofac", "un", "eu", "uk")


def authority_of_dataset(dataset: str) -> str:
    """The authority code of an OpenSanctions dataset: one of KNOWN_AUTHORITIES, else the dataset."""
    return _DATASET_AUTHORITY.get(dataset, dataset)


def parse_authorities(text: str | Iterable[str]) -> frozenset[str]:
    """Authority codes from 'eu,uk' (or an iterable of such texts), lower-cased, blanks dropped.

    Raises ValueError when nothing is left, so an empty filter never silently screens nothing.
    """
    parts = [text] if isinstance(text, str) else list(text)
    codes = frozenset(code.strip().lower() for part in parts for code in part.split(",") if code.strip())
    if not codes:
        raise ValueError("no authority given (expected e.g. 'eu,uk')")
    return codes
