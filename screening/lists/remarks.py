"""Facts OFAC keeps inside the free-text Remarks column: aliases, birth dates, nationality,
identifiers (SWIFT/BIC, tax, registration, passport, IMO, ...), places of birth and links.

Remarks are `; `-separated statements such as `DOB circa 1960`, `alt. DOB Dec 1966`,
`SWIFT/BIC RFCBRUMM`, `Tax ID No. 7750056670 (Russia)`, `a.k.a. 'BNC'`, `Linked To: X`.
Statements we do not recognise stay in the remarks text and are otherwise ignored: remarks are
prose, so an unknown statement is not an error.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from screening.identifiers import normalise_identifier
from screening.lists.countries import country_code
from screening.model import Identifier, IdentifierScheme, Name, NameQuality

__all__ = ["RemarkFacts", "parse_dob", "parse_remarks"]

_S = IdentifierScheme

# The list's own label for each identifier kind -> the scheme it is compared under. Labels are
# OFAC's exact wording (seen in the 2021-2025 SDN and consolidated files).
_ID_LABELS: dict[str, IdentifierScheme] = {
    "SWIFT/BIC": _S.BIC,
    "BIK (RU)": _S.OTHER,  # Russian domestic bank code, not a SWIFT BIC
    "Legal Entity Number": _S.LEI,
    "LEI": _S.LEI,
    "IMO": _S.IMO,
    "Vessel Registration Identification": _S.REGISTRATION,  # 'IMO 1234567' values become IMO
    "Passport": _S.PASSPORT,
    "Diplomatic Passport": _S.PASSPORT,
    "National ID No.": _S.NATIONAL_ID,
    "National Identification Number": _S.NATIONAL_ID,
    "Identification Number": _S.NATIONAL_ID,
    "Personal ID Card": _S.NATIONAL_ID,
    "Cedula No.": _S.NATIONAL_ID,
    "C.U.R.P.": _S.NATIONAL_ID,
    "C.U.R.P. #": _S.NATIONAL_ID,
    "D.N.I.": _S.NATIONAL_ID,
    "SSN": _S.NATIONAL_ID,
    "Citizen's Card Number": _S.NATIONAL_ID,
    "Electoral Registry No.": _S.NATIONAL_ID,
    "Credencial electoral": _S.NATIONAL_ID,
    "Birth Certificate Number": _S.NATIONAL_ID,
    "Residency Number": _S.NATIONAL_ID,
    "Kenyan ID No.": _S.NATIONAL_ID,
    "Tax ID No.": _S.TAX,
    "V.A.T. Number": _S.TAX,
    "R.F.C.": _S.TAX,
    "RFC": _S.TAX,
    "C.U.I.T.": _S.TAX,
    "C.U.I.": _S.TAX,
    "NIT #": _S.TAX,
    "RUC #": _S.TAX,
    "RTN": _S.TAX,
    "Italian Fiscal Code": _S.TAX,
    "Registration ID": _S.REGISTRATION,
    "Registration Number": _S.REGISTRATION,
    "Business Registration Number": _S.REGISTRATION,
    "Business Registration Document #": _S.REGISTRATION,
    "Business Number": _S.REGISTRATION,
    "Company Number": _S.REGISTRATION,
    "UK Company Number": _S.REGISTRATION,
    "Commercial Registry Number": _S.REGISTRATION,
    "Government Gazette Number": _S.REGISTRATION,
    "Folio Mercantil No.": _S.REGISTRATION,
    "Matricula Mercantil No": _S.REGISTRATION,
    "Chamber of Commerce Number": _S.REGISTRATION,
    "Trade License No.": _S.REGISTRATION,
    "Economic Register Number (CBLS)": _S.REGISTRATION,
    "Unified Social Credit Code (USCC)": _S.REGISTRATION,
    "D-U-N-S Number": _S.REGISTRATION,
    "Enterprise Number": _S.REGISTRATION,
    "Certificate of Incorporation Number": _S.REGISTRATION,
    "Public Registration Number": _S.REGISTRATION,
    "Registered Charity No.": _S.REGISTRATION,
    "US FEIN": _S.TAX,
    "MMSI": _S.OTHER,
    "Aircraft Tail Number": _S.OTHER,
    "Aircraft Manufacturer's Serial Number (MSN)": _S.OTHER,
    "Driver's License No.": _S.OTHER,
}
# Labels that name their country themselves.
_LABEL_COUNTRY = {"BIK (RU)": "RU"}
# Longest label first so 'Registration ID' never shadows 'Business Registration ...'.
_ID_RE = re.compile(
    r"^(?P<label>"
    + "|".join(re.escape(label) for label in sorted(_ID_LABELS, key=len, reverse=True))
    + r")[\s:]+(?P<rest>.+)$"
)
# First words of the labels: most statements are prose and are skipped without the regex.
_ID_LABEL_HEADS = frozenset(label.split(" ", 1)[0] for label in _ID_LABELS)
_IMO_VALUE_RE = re.compile(r"^IMO\s*(\d{7})\b")
# Trailing validity notes on documents: 'Passport X (Russia) issued 01 Jan 2010 expires ...'.
_VALIDITY_RE = re.compile(r"\s+(?:issued|expires|Issue Date|Expire Date|Expiration Date)\b.*$", re.I)
_TRAILING_PAREN_RE = re.compile(r"\s*\(([^()]*)\)\s*$")
_ALIAS_RE = re.compile(r"^(?P<kind>a\.k\.a\.|f\.k\.a\.|n\.k\.a\.),?\s*'(?P<name>.+)'$")

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_DATE_RE = re.compile(r"^(?:(?P<day>\d{1,2})\s+)?(?:(?P<mon>[A-Za-z]{3})[a-z]*\.?\s+)?(?P<year>\d{4})$")
_RANGE_RE = re.compile(r"^(?P<start>.+?)(?:\s+to\s+|\s*-\s*)(?P<end>.+)$")
# A DOB range is expanded into its years; wider spans carry no useful birth-year information.
MAX_DOB_RANGE_YEARS = 15


@dataclass(slots=True)
class RemarkFacts:
    """Everything recognised in one Remarks text."""

    aliases: list[Name] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # nationality / citizenship, alpha-2
    identifiers: list[Identifier] = field(default_factory=list)
    linked_to: list[str] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)  # pob, gender, unparsed dob


def _single_date(text: str) -> tuple[int, int | None, int | None] | None:
    match = _DATE_RE.match(text.strip())
    if match is None:
        return None
    year = int(match["year"])
    month: int | None = None
    if match["mon"]:
        month = _MONTHS.get(match["mon"].lower())
        if month is None:
            return None
    day = int(match["day"]) if match["day"] else None
    if day is not None and (month is None or not 1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    return year, month, day


def _iso(parts: tuple[int, int | None, int | None]) -> str:
    year, month, day = parts
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_dob(text: str) -> list[str] | None:
    """ISO prefixes for an OFAC DOB value, or None when it is not a date we understand.

    `13 May 1965` -> `1965-05-13`, `Dec 1966` -> `1966-12`, `1962` and
    `circa 1962` -> `1962`, ranges `1960 to 1962` / `1979-1982` / `01 Jan 1960 to 31 Dec 1962` ->
    each year. Impossible dates (`31 Feb 1970`) are not understood rather than guessed.
    """
    value = text.strip()
    if value.lower().startswith("circa "):
        value = value[6:].strip()
    ranged = _RANGE_RE.match(value)
    if ranged is not None:
        start, end = _single_date(ranged["start"]), _single_date(ranged["end"])
        if start is None or end is None or end[0] < start[0]:
            return None
        if start[0] == end[0] and start[1:] == end[1:] and start[1] is not None:
            return [_iso(start)]
        if end[0] - start[0] > MAX_DOB_RANGE_YEARS:
            return [_iso(start), _iso(end)]
        return [f"{year:04d}" for year in range(start[0], end[0] + 1)]
    single = _single_date(value)
    return [_iso(single)] if single is not None else None


def _identifier(label: str, rest: str) -> Identifier | None:
    scheme = _ID_LABELS[label]
    text = _VALIDITY_RE.sub("", rest.strip())
    country = _LABEL_COUNTRY.get(label)
    # '123 (Stuttgart) (Germany)': the right-most parenthesis is the issuing country; any
    # others (registry courts, regions) are not part of the value either.
    paren = _TRAILING_PAREN_RE.search(text)
    if paren is not None and country is None:
        country = country_code(paren.group(1))
    while paren is not None:
        text = text[: paren.start()]
        paren = _TRAILING_PAREN_RE.search(text)
    text = text.strip().lstrip("#:").strip()
    imo = _IMO_VALUE_RE.match(text)
    if imo is not None and scheme in (_S.IMO, _S.REGISTRATION, _S.NATIONAL_ID):
        return Identifier(_S.IMO, imo.group(1), country, label)
    value = normalise_identifier(text)
    if not value:
        return None
    return Identifier(scheme, value, country, label)


def _statements(remarks: str) -> list[str]:
    text = remarks.strip()
    if text.endswith("."):
        text = text[:-1]
    return [part for part in map(str.strip, text.split("; ")) if part]


def parse_remarks(remarks: str, *, cut: bool = False) -> RemarkFacts:
    """Every fact recognised in an OFAC Remarks text (see the module docstring).

    `cut` says the text was cut off mid-statement: its last statement is then ignored, so a
    half identifier ('Tax ID No. 77070') never becomes a wrong identifier.
    """
    facts = RemarkFacts()
    statements = _statements(remarks)
    if cut:
        statements = statements[:-1]
    for statement in statements:
        if statement[1:6] == ".k.a.":
            alias = _ALIAS_RE.match(statement)
            if alias is not None:
                facts.aliases.append(Name(alias["name"].strip(), NameQuality.STRONG))
                continue
        body = statement[5:] if statement.startswith(("alt. ", "Alt. ")) else statement
        head, _, rest = body.partition(" ")
        if head == "DOB":
            dates = parse_dob(rest)
            if dates is None:
                facts.extra.append(("dob", rest.strip()))
            else:
                facts.birth_dates.extend(d for d in dates if d not in facts.birth_dates)
        elif head in ("nationality", "citizen"):
            code = country_code(rest)
            if code is not None and code not in facts.countries:
                facts.countries.append(code)
        elif head == "POB":
            facts.extra.append(("pob", rest.strip()))
        elif head == "Gender":
            facts.extra.append(("gender", rest.strip()))
        elif head == "Linked" and rest.startswith("To:"):
            target = rest[3:].strip()
            if target:
                facts.linked_to.append(target)
        elif head in _ID_LABEL_HEADS:
            labelled = _ID_RE.match(body)
            if labelled is not None:
                identifier = _identifier(labelled["label"], labelled["rest"])
                if identifier is not None and identifier not in facts.identifiers:
                    facts.identifiers.append(identifier)
    return facts
