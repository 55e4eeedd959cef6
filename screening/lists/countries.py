"""Country names as sanctions lists spell them -> ISO 3166-1 alpha-2 codes.

The table is rigour's territory list (names, full names and codes; ~0.1 s to build) plus the
spellings OFAC and the UN use that rigour only finds through its multilingual fuzzy lookup
(`Korea, North`, `Burma`, `Palestinian`, `Iran (Islamic Republic of)`, ...). That fuzzy lookup
costs ~1.5 s on first use, too slow for loading lists, so it is not used; the spellings below
were collected by running it over every country string in the OFAC 2021-2025 and UN 2018/2026
files, so those files resolve exactly as rigour would resolve them.
"""

from __future__ import annotations

from functools import cache, lru_cache

from rigour.territories import get_territories
from rigour.territories.territory import Territory

__all__ = ["country_code"]

# List spellings -> alpha-2, beyond rigour's own names (see the module docstring).
LIST_SPELLINGS: dict[str, str] = {
    "turkey": "TR",
    "korea, north": "KP",
    "korea, south": "KR",
    "rpdc": "KP",
    "burma": "MM",
    "hong kong": "HK",
    "china, hong kong special administrative region": "HK",
    "macau": "MO",
    "congo, democratic republic of the": "CD",
    "congo, republic of the": "CG",
    "congo": "CG",
    "palestinian": "PS",
    "palestinian authority": "PS",
    "palestinian territories": "PS",
    "west bank": "PS",
    "gaza": "PS",
    "region: gaza": "PS",
    "region: crimea": "UA",
    "region: northern mali": "ML",
    "iran (islamic republic of)": "IR",
    "virgin islands, british": "VG",
    "the gambia": "GM",
    "bahamas, the": "BS",
    "man, isle of": "IM",
    "north macedonia, the republic of": "MK",
    "macedonia, the former yugoslav republic of": "MK",
    "cote d ivoire": "CI",
    "cabo verde": "CV",
    "st. vincent and the grenadines": "VC",
    "st. kitts & nevis": "KN",
    "st. kitts and nevis": "KN",
    "sao tome and principe": "ST",
    "viet nam": "VN",
    "u.k.": "GB",
    "libyan arab jamahiriya": "LY",
    "union of the comoros": "KM",
    "the netherlands": "NL",
    # Nationalities written as adjectives in UN and OFAC records.
    "tunisian": "TN",
    "pakistani": "PK",
    "yemeni": "YE",
    "afghan": "AF",
    "saudi arabian": "SA",
    "kuwaiti": "KW",
    "algerian": "DZ",
    "moroccan": "MA",
    "german": "DE",
    "somali": "SO",
}


@cache
def _territory_table() -> dict[str, str]:
    """Every rigour territory name, full name and code (casefolded) -> its country's alpha-2.

    Sub-national territories (Crimea, Abkhazia, Kurdistan) map to their parent country because
    payments carry ISO countries; historical states (Soviet Union) are left out, not guessed.
    """
    table: dict[str, str] = {}
    for territory in get_territories():
        country: Territory | None = territory
        while country is not None and not (len(country.code) == 2 and country.code.isalpha()):
            country = country.parent
        if country is None:
            continue
        alpha2 = country.code.upper()
        for name in (territory.name, territory.full_name, *territory.codes):
            if name:
                table.setdefault(name.casefold(), alpha2)
    return table


@lru_cache(maxsize=8192)
def country_code(name: str) -> str | None:
    """The upper-case ISO alpha-2 code for a country name or code as lists write it, or None."""
    key = " ".join(name.split()).casefold()
    if not key:
        return None
    if key.startswith("region: ") and key not in LIST_SPELLINGS:
        key = key[len("region: ") :]  # OFAC's 'Region: West Bank': the place itself
    return LIST_SPELLINGS.get(key) or _territory_table().get(key)
