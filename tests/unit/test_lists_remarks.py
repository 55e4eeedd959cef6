"""OFAC Remarks parsing: identifiers with countries, dates of birth, nationality, aliases, links."""

from __future__ import annotations

import pytest

from screening.identifiers import normalise_identifier
from screening.lists.countries import country_code
from screening.lists.remarks import parse_dob, parse_remarks
from screening.model import Identifier, IdentifierScheme, Name, NameQuality

S = IdentifierScheme


def test_swift_bic_and_russian_bik_are_separate_identifiers() -> None:
    facts = parse_remarks("SWIFT/BIC RFCBRUMM; BIK (RU) 044525257; Website www.example.test.")
    assert facts.identifiers == [
        Identifier(S.BIC, "RFCBRUMM", None, "SWIFT/BIC"),
        Identifier(S.OTHER, "044525257", "RU", "BIK (RU)"),
    ]


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("Tax ID No. 7750056670 (Russia)", Identifier(S.TAX, "7750056670", "RU", "Tax ID No.")),
        (
            "Registration ID 1157700005759 (Russia)",
            Identifier(S.REGISTRATION, "1157700005759", "RU", "Registration ID"),
        ),
        (
            "Passport 772043761 (Russia) expires 14 Dec 2033",
            Identifier(S.PASSPORT, "772043761", "RU", "Passport"),
        ),
        ("National ID No. 12-345 678 (Iran)", Identifier(S.NATIONAL_ID, "12345678", "IR", "National ID No.")),
        (
            "Legal Entity Number 2534006KGFLPAAXC1X76",
            Identifier(S.LEI, "2534006KGFLPAAXC1X76", None, "Legal Entity Number"),
        ),
        (
            "Vessel Registration Identification IMO 9123456",
            Identifier(S.IMO, "9123456", None, "Vessel Registration Identification"),
        ),
        ("Company Number IMO 5123456", Identifier(S.IMO, "5123456", None, "Company Number")),
        (
            "Registration Number HRA 12345 (Stuttgart) (Germany)",
            Identifier(S.REGISTRATION, "HRA12345", "DE", "Registration Number"),
        ),
        (
            "Business Registration Number 312106037714354404 (China)",
            Identifier(S.REGISTRATION, "312106037714354404", "CN", "Business Registration Number"),
        ),
        ("alt. Passport X-1 (Korea, North)", Identifier(S.PASSPORT, "X1", "KP", "Passport")),
        ("Cedula No. 71234567 (Colombia)", Identifier(S.NATIONAL_ID, "71234567", "CO", "Cedula No.")),
    ],
)
def test_identifier_statements_give_scheme_value_and_country(statement: str, expected: Identifier) -> None:
    assert parse_remarks(statement + ".").identifiers == [expected]


def test_identifiers_are_normalised_upper_case_without_spaces_or_dashes() -> None:
    assert normalise_identifier("ab-12 34") == "AB1234"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13 May 1965", ["1965-05-13"]),
        ("1962", ["1962"]),
        ("circa 1960", ["1960"]),
        ("circa 07 Jul 1966", ["1966-07-07"]),
        ("Dec 1966", ["1966-12"]),
        ("1960 to 1962", ["1960", "1961", "1962"]),
        ("circa 1979-1982", ["1979", "1980", "1981", "1982"]),
        ("01 Jan 1973 to 31 Dec 1973", ["1973"]),
        ("01 Jan 1961 to 31 Dec 1963", ["1961", "1962", "1963"]),
        ("1900 to 1990", ["1900", "1990"]),  # wider than any useful birth-year span: ends only
        ("32 Jan 1970", None),
        ("29 Feb 1970", None),
        ("29 Feb 1972", ["1972-02-29"]),
        ("sometime in spring", None),
    ],
)
def test_dob_variants(text: str, expected: list[str] | None) -> None:
    assert parse_dob(text) == expected


def test_multiple_alt_dobs_are_all_kept_in_order_without_duplicates() -> None:
    facts = parse_remarks("DOB 13 May 1965; alt. DOB 1965; alt. DOB Dec 1966; alt. DOB 13 May 1965.")
    assert facts.birth_dates == ["1965-05-13", "1965", "1966-12"]


def test_unparsed_dob_is_kept_as_extra_not_dropped() -> None:
    assert parse_remarks("DOB unknown.").extra == [("dob", "unknown")]


def test_nationality_and_citizenship_become_iso_codes() -> None:
    facts = parse_remarks(
        "nationality Russia; alt. nationality Korea, North; citizen Burma; nationality Russia."
    )
    assert facts.countries == ["RU", "KP", "MM"]


def test_aliases_in_remarks_including_apostrophes_are_strong_names() -> None:
    facts = parse_remarks(
        "a.k.a. 'BNC'; f.k.a. 'OLD BANK'; n.k.a. 'O'BRIEN, John'; a.k.a. 'AL-NU'MAN TRADING'."
    )
    assert facts.aliases == [
        Name("BNC", NameQuality.STRONG),
        Name("OLD BANK", NameQuality.STRONG),
        Name("O'BRIEN, John", NameQuality.STRONG),
        Name("AL-NU'MAN TRADING", NameQuality.STRONG),
    ]


def test_place_of_birth_gender_and_links() -> None:
    facts = parse_remarks(
        "POB Moscow, Russia; Gender Male; Linked To: TSMRBANK, OOO; Linked To: LAZARUS GROUP."
    )
    assert facts.extra == [("pob", "Moscow, Russia"), ("gender", "Male")]
    assert facts.linked_to == ["TSMRBANK, OOO", "LAZARUS GROUP"]


def test_prose_statements_are_ignored_not_errors() -> None:
    facts = parse_remarks(
        "Secondary sanctions risk: See Section 11 of Executive Order 14024.; "
        "Target Type Financial Institution."
    )
    assert (facts.identifiers, facts.aliases, facts.birth_dates, facts.countries) == ([], [], [], [])


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Region: West Bank", "PS"),
        ("Region: Crimea", "UA"),
        ("Korea, North", "KP"),
        ("Burma", "MM"),
        ("Undetermined", None),
    ],
)
def test_list_country_spellings(name: str, code: str | None) -> None:
    assert country_code(name) == code


def test_cut_remarks_ignore_their_half_last_statement() -> None:
    text = "SWIFT/BIC EXBKTL22; Tax ID No. 77070"
    assert [i.value for i in parse_remarks(text).identifiers] == ["EXBKTL22", "77070"]
    assert [i.value for i in parse_remarks(text, cut=True).identifiers] == ["EXBKTL22"]
