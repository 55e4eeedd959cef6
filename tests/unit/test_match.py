"""Scoring rules of `compare_names`: each feature fires where it should and only there."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.match import DEFAULT_THRESHOLD, Comparison, compare_names
from screening.matching import qualify
from screening.matching.params import DEFAULT_PARAMS
from screening.model import EntryType, ListEntry


def features(comparison: Comparison) -> dict[str, float]:
    return dict(comparison.features)


def test_identical_names_score_one() -> None:
    assert compare_names("Vladimir Putin", "Vladimir Putin").score == 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Владимир Путин", "Vladimir Putin"),
        ("Дмитрий Медведев", "Dmitry Medvedev"),
        ("Κυριάκος Μητσοτάκης", "Kyriakos Mitsotakis"),
        ("محمد علي", "Mohamed Ali"),
        ("김정은", "Kim Jong Un"),
        ("习近平", "Xi Jinping"),
    ],
)
def test_cross_script_names_match(a: str, b: str) -> None:
    comparison = compare_names(a, b, kind="person")
    assert comparison.score >= DEFAULT_THRESHOLD
    assert {"transliterated", "romanised"} & set(features(comparison))


def test_reordered_words_match_and_say_so() -> None:
    comparison = compare_names("Agrosoyuz Commercial Bank", "COMMERCIAL BANK AGROSOYUZ", kind="organisation")
    assert comparison.score == 1.0
    assert "reordered" in comparison.explanation


def test_surname_first_with_extra_patronymic_matches() -> None:
    comparison = compare_names("Nikulin Dmitry", "NIKULIN, Dmitry Yuryevich", kind="person")
    assert comparison.score >= DEFAULT_THRESHOLD


def test_legal_forms_do_not_matter_and_are_explained() -> None:
    comparison = compare_names("OOO Romashka", "Romashka LLC", kind="organisation")
    assert comparison.score == 1.0
    assert "legal form removed" in comparison.explanation
    spelled = compare_names("Aktsionernoe obshchestvo Agrosoyuz", "Agrosoyuz JSC", kind="organisation")
    assert spelled.score == 1.0


def test_joined_and_split_words_match() -> None:
    comparison = compare_names("TSMR Bank", "TSMRBANK", kind="organisation")
    assert comparison.score >= 0.95
    assert "joined_tokens" in features(comparison)
    partly = compare_names("Jin Ping Xi", "Xi Jinping", kind="person")  # joined and reordered
    assert partly.score >= 0.9
    assert "joined" in features(partly)


def test_typos_lower_the_score_a_little() -> None:
    comparison = compare_names("Vladimir Putim", "Vladimir Putin", kind="person")
    assert DEFAULT_THRESHOLD <= comparison.score < 1.0
    assert "typo" in features(comparison)


def test_spelling_variants_with_the_same_consonants_match() -> None:
    comparison = compare_names("Saddam Husayn", "Saddam Hussein", kind="person")
    assert comparison.score >= DEFAULT_THRESHOLD
    assert "spelling_variant" in features(comparison)
    doubled = compare_names("Kim Jong-uun", "Kim Jong-un", kind="person")
    assert "doubled_letter" in features(doubled)


def test_swapped_letters_count_as_one_edit() -> None:
    assert compare_names("Emmanuel Marcon", "Emmanuel Macron", kind="person").score >= DEFAULT_THRESHOLD


def test_acronyms_match_the_words_they_abbreviate() -> None:
    comparison = compare_names("U.S. Department of State", "United States Department of State")
    assert comparison.score >= DEFAULT_THRESHOLD
    assert "acronym" in features(comparison)
    # ... but initials alone never identify a person
    assert compare_names("N.N.", "Nursultan Nazarbayev", kind="person").score < DEFAULT_THRESHOLD


def test_number_words_become_digits() -> None:
    assert compare_names("Brigade Forty-Four", "Brigade 44", kind="organisation").score == 1.0
    assert compare_names("1st International Bank", "First International Bank").score == 1.0


def test_father_and_son_are_different_people() -> None:
    comparison = compare_names("Salman bin Muhammad al-Rawi", "Muhammad bin Salman al-Rawi", kind="person")
    assert comparison.score < DEFAULT_THRESHOLD
    assert "patronymic_swapped" in features(comparison)


def test_one_character_changes_a_han_or_hangul_name() -> None:
    comparison = compare_names("习近朋", "习近平", kind="person")
    assert comparison.score < DEFAULT_THRESHOLD
    assert "syllables_differ" in features(comparison)
    assert compare_names("김종은", "김정은", kind="person").score < DEFAULT_THRESHOLD


def test_same_script_names_get_no_transliteration_leniency() -> None:
    assert (
        compare_names("Аляксандр Лукашэвіч", "Аляксандр Лукашэнка", kind="person").score < DEFAULT_THRESHOLD
    )


def test_legal_form_glued_to_the_name() -> None:
    assert compare_names("SiemensAG", "Siemens AG", kind="organisation").score >= DEFAULT_THRESHOLD


def test_contractions_of_generic_words_match() -> None:
    comparison = compare_names("First Bank Intl", "First International Bank", kind="organisation")
    assert comparison.score >= DEFAULT_THRESHOLD
    assert "abbreviation" in features(comparison)
    # a contraction must be of a generic word: `batr` is not `bogatyr`
    assert compare_names("Batr", "Bogatyr", kind="organisation").score < DEFAULT_THRESHOLD


def test_a_single_letter_is_an_initial_only_in_peoples_names() -> None:
    assert compare_names("Stark Initech", "Stark I", kind="organisation").score < 1.0
    assert "initial" not in features(compare_names("Stark Initech", "Stark I", kind="organisation"))


def test_initials_match_a_word_with_that_first_letter() -> None:
    comparison = compare_names("J. Smith Doe", "John Smith Doe", kind="person")
    assert comparison.score >= DEFAULT_THRESHOLD
    assert "initial" in features(comparison)


def test_names_sharing_a_compound_ending_are_compared_on_their_stems() -> None:
    # `hamid` and `halim` are different names; fused to `ullah` they looked like a typo
    assert compare_names("Ahmad Hamidullah", "Ahmad Halimullah", kind="person").score < DEFAULT_THRESHOLD
    # ... while a real slip in the stem still matches
    assert compare_names("Zabihullah Mujahid", "Zabiullah Mujahid", kind="person").score >= DEFAULT_THRESHOLD


def test_a_missing_patronymic_costs_little() -> None:
    comparison = compare_names("Iwan Petrov", "Ivan Sergeevich Petrov", kind="person")
    assert comparison.score >= DEFAULT_THRESHOLD


def test_three_edits_in_one_word_are_another_name() -> None:
    assert compare_names("Karl Hoffmeister", "Karl Hoffmeyer", kind="person").score < DEFAULT_THRESHOLD
    # two edits remain a typo
    comparison = compare_names("Mikhail Khordorovsky", "Mikhail Khodorkovsky", kind="person")
    assert comparison.score >= DEFAULT_THRESHOLD
    assert "typo" in features(comparison)


@pytest.mark.parametrize(
    ("a", "b", "minimum"),
    [
        ("ហ៊ុន សែន", "Hun Sen", 0.9),  # Khmer: no tokens at all before
        ("عبد الله", "Abdullah", 0.85),  # Arabic ayn
        ("محمود عباس", "Mahmoud Abbas", 0.9),  # Arabic long vowels
    ],
)
def test_newly_transliterated_names_match_their_latin_spelling(a: str, b: str, minimum: float) -> None:
    assert compare_names(a, b, kind="person").score >= minimum


def test_different_surname_is_a_conflict() -> None:
    comparison = compare_names("Frederik Richter", "Frank Richter", kind="person")
    assert comparison.score < DEFAULT_THRESHOLD
    assert "conflict" in features(comparison)


def test_generic_words_alone_never_make_a_hit() -> None:
    comparison = compare_names(
        "International Trade Bank", "International Trade Bank of Iran", kind="organisation"
    )
    assert comparison.score < DEFAULT_THRESHOLD
    assert "generic_only" in features(comparison)
    assert compare_names("Commercial Bank", "Agrosoyuz Commercial Bank").score < DEFAULT_THRESHOLD


def test_one_word_against_a_long_name_is_not_enough() -> None:
    comparison = compare_names("Walijan", "Walijan Abdul Ghafoor Haqqani", kind="person")
    assert comparison.score < DEFAULT_THRESHOLD
    assert "single_token" in features(comparison)


def test_numbers_must_agree() -> None:
    comparison = compare_names("Management Company 23", "Management Company 24", kind="organisation")
    assert comparison.score < DEFAULT_THRESHOLD
    assert "number_mismatch" in features(comparison)


def test_names_without_letters_score_zero() -> None:
    assert compare_names("", "Vladimir Putin").score == 0.0
    assert compare_names("---", "!!!").score == 0.0


def _entry(countries: tuple[str, ...] = (), birth_dates: tuple[str, ...] = ()) -> ListEntry:
    return ListEntry(
        entry_id="test:1",
        list_name="test",
        entry_type=EntryType.PERSON,
        primary_name="Ivan Petrov",
        countries=countries,
        birth_dates=birth_dates,
    )


def test_country_mismatch_lowers_the_score() -> None:
    base = compare_names("Ivan Petrov", "Ivan Petrov", kind="person")
    lowered = qualify.apply_qualifiers(
        DEFAULT_PARAMS, base, _entry(countries=("RU",)), country="de", birth_date=None
    )
    assert lowered.score == pytest.approx(base.score - DEFAULT_PARAMS.country_mismatch_penalty)
    assert "country mismatch" in lowered.explanation
    same = qualify.apply_qualifiers(
        DEFAULT_PARAMS, base, _entry(countries=("RU",)), country="RU", birth_date=None
    )
    assert same.score == base.score
    unknown = qualify.apply_qualifiers(DEFAULT_PARAMS, base, _entry(), country="DE", birth_date=None)
    assert unknown.score == base.score


def test_birth_date_qualifies_the_score() -> None:
    base = compare_names("Ivan Petrov", "Ivan Petrow", kind="person")
    entry = _entry(birth_dates=("1970-05-01",))
    lowered = qualify.apply_qualifiers(DEFAULT_PARAMS, base, entry, country=None, birth_date="1981-01-02")
    assert lowered.score == pytest.approx(base.score - DEFAULT_PARAMS.birth_year_mismatch_penalty)
    raised = qualify.apply_qualifiers(DEFAULT_PARAMS, base, entry, country=None, birth_date="1970-05-01")
    assert raised.score > base.score
    assert "birth_date_match" in features(raised)


names = st.text(max_size=60) | st.sampled_from(["Vladimir Putin", "OOO Romashka", "Kim Jong Un", "al-Assad"])


@settings(max_examples=200, deadline=None)
@given(names, names, st.sampled_from(["person", "organisation", "any"]))
def test_compare_never_crashes_and_stays_in_range(a: str, b: str, kind: str) -> None:
    comparison = compare_names(a, b, kind=kind)  # type: ignore[arg-type]
    assert 0.0 <= comparison.score <= 1.0
    assert isinstance(comparison.explanation, str)


@settings(max_examples=200, deadline=None)
@given(names, names)
def test_compare_is_nearly_symmetric(a: str, b: str) -> None:
    # Ties in the greedy alignment may pick different pairs in each direction; the score may
    # differ only by that, never by the order of the arguments as such.
    forward = compare_names(a, b).score
    backward = compare_names(b, a).score
    assert abs(forward - backward) <= 0.15


# Floors for the shared name bench (computed, not timed). paymon scored P 0.923 R 0.880 F1 0.901
# at DEFAULT_THRESHOLD when these were set; nomenklatura logic-v2 scores F1 0.79 on the same pairs.
F1_FLOOR = 0.895
PRECISION_FLOOR = 0.762  # logic-v2's precision: never trade precision below the peer's


@pytest.mark.shared
def test_name_bench_accuracy_stays_above_floor(shared_data: Path) -> None:
    from bench.accuracy import count, load_cases, score_cases

    cases = load_cases(shared_data / "eval")
    counts = count([c.is_match for c in cases], score_cases(cases), DEFAULT_THRESHOLD)
    assert counts.f1 >= F1_FLOOR, counts
    assert counts.precision >= PRECISION_FLOOR, counts


@pytest.mark.parametrize(
    ("innocent", "listed"),
    [
        ("黄丽", "LUO, Huining"),  # li ~ luo: one-consonant skeletons
        ("أحمد محمود", "BEN HAMMEDI, Mohammed"),  # mahmud ~ hammedi: skeletons that merely resemble
    ],
)
def test_transliterated_words_pair_only_as_the_same_sound(innocent: str, listed: str) -> None:
    """Across scripts a word pairs with a listed word only through the same consonant skeleton
    (or one consonant apart in a long word) and the same first sound (bench.false_alerts)."""
    assert compare_names(innocent, listed, kind="person").score < DEFAULT_THRESHOLD
