"""The speed mechanisms of matching never change a result: bounds stay above the scores they
stand for, memos are bounded and transparent, skipped work could not have produced a hit."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tests.oracle.reference_scan as reference_scan_module
from screening.index import ListIndex
from screening.matching.engine import standalone_engine
from screening.matching.listed import compare_kind, kind_allows
from screening.matching.params import DEFAULT_PARAMS, DEFAULT_THRESHOLD, ScreeningParams
from screening.matching.prepare import PreparedName, prepare
from screening.matching.rank import ranked_hits
from screening.matching.results import NameMatch
from screening.model import EntryType, ListEntry
from tests.oracle.reference_bounds import (
    acronym_letters,
    inert_number_length,
    listed_coverage,
    masked_score_bound,
    partner_mask,
    window_score_bound,
)
from tests.oracle.reference_scan import ReferenceScanner
from tests.oracle.reference_vocabulary import Vocabulary

ENGINE = standalone_engine()
P = DEFAULT_PARAMS


def score_prepared(qa: PreparedName, qb: PreparedName, kind: str) -> float:
    """The engine's rounded score of two prepared names."""
    return ENGINE.compare(qa, qb, kind).score  # type: ignore[arg-type]


# Scores are rounded to 4 decimals; a bound may sit this far under a score it stands for.
ROUNDING = 5e-5

# Invented names with the features the comparison has special rules for: particles, patronymics,
# doubled letters, spelling variants, joined words, acronyms, numbers, generic words, initials.
VOCABULARY = [
    "al",
    "bin",
    "abd",
    "allah",
    "abdullah",
    "husayn",
    "hussein",
    "mohamed",
    "mohammed",
    "mhmd",
    "jong",
    "un",
    "jongun",
    "kim",
    "petrova",
    "petrov",
    "anna",
    "ann",
    "zarya",
    "zaria",
    "shipping",
    "ltd",
    "bank",
    "melli",
    "bankmelli",
    "us",
    "united",
    "states",
    "pla",
    "peoples",
    "liberation",
    "army",
    "intl",
    "international",
    "fund",
    "2023",
    "2024",
    "a",
    "j",
    "steel",
    "pipes",
    "spare",
    "parts",
    "space",
    "party",
]
LISTED = [
    "ZARYA SHIPPING LTD",
    "KIM, Jong Un",
    "PETROVA, Anna",
    "BANK MELLI",
    "PEOPLES LIBERATION ARMY",
    "UNITED STATES STEEL",
    "ABDULLAH bin HUSAYN",
    "MOHAMMED AL HUSSEIN",
    "FUND 2023",
    "SPACE PARTY",
    "KAVEH PARS",
    "Мохаммед Хуссейн",
]
KINDS = ("any", "person", "organisation")

words = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=6)


def _typo(word: str, at: int) -> str:
    """Drop one letter (a typo the index reaches through its deletion neighbourhood)."""
    return word if len(word) < 4 else word[: at % len(word)] + word[at % len(word) + 1 :]


@settings(max_examples=300, deadline=None)
@given(words, st.sampled_from(LISTED), st.sampled_from(KINDS), st.integers(0, 20), st.booleans())
def test_masked_bound_is_never_below_the_score(
    tokens: list[str], listed_text: str, kind: str, at: int, typo: bool
) -> None:
    if typo:
        tokens = [_typo(tokens[0], at), *tokens[1:]]
    window = prepare(" ".join(tokens), "any")
    listed = prepare(listed_text, "person" if kind == "person" else "any")
    masks = [partner_mask(ENGINE, t, listed, kind == "person") for t in window.tokens]
    bound = masked_score_bound(ENGINE, window, masks, listed)
    assert bound + ROUNDING >= score_prepared(window, listed, kind)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(words, words, st.sampled_from(LISTED), st.sampled_from(KINDS))
def test_window_bound_is_never_below_the_masked_bound(
    tokens: list[str], elsewhere: list[str], listed_text: str, kind: str
) -> None:
    """The per-window bound of free-text scanning, with the listed side's coverage taken from
    every word of the text (`elsewhere` stands for the other windows), never undercuts the
    exact bound of the window alone, hence never the score."""
    person = kind == "person"
    window = prepare(" ".join(tokens), "any")
    listed = prepare(listed_text, "person" if person else "any")
    masks = [partner_mask(ENGINE, t, listed, person) for t in window.tokens]
    covered = 0
    for t in [*window.tokens, *prepare(" ".join(elsewhere), "any").tokens]:
        covered |= partner_mask(ENGINE, t, listed, person)
    coverage = listed_coverage(P, listed, covered)
    bound = window_score_bound(ENGINE, window, masks, listed, coverage, acronym_letters(P, listed))
    assert bound >= masked_score_bound(ENGINE, window, masks, listed)
    assert bound + ROUNDING >= score_prepared(window, listed, kind)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(words, st.sampled_from(LISTED), st.integers(0, 10**9), st.integers(0, 10**9))
def test_inert_numbers_are_interchangeable(tokens: list[str], listed_text: str, one: int, other: int) -> None:
    """Two numbers longer than `inert_number_length` pair with nothing and leave both bounds
    unchanged when swapped (what lets the scan memo stand a placeholder for them)."""
    listed = prepare(listed_text)
    inert = inert_number_length(P, listed)
    first, second = str(one), str(other)
    if not (len(first) > inert and len(second) > inert):
        return
    bounds = []
    for number in (first, second):
        window = prepare(" ".join([*tokens, number]), "any")
        masks = [partner_mask(ENGINE, t, listed, False) for t in window.tokens]
        assert masks[window.tokens.index(number)] == 0
        covered = 0
        for mask in masks:
            covered |= mask
        coverage = listed_coverage(P, listed, covered)
        bounds.append(
            (
                masked_score_bound(ENGINE, window, masks, listed),
                window_score_bound(ENGINE, window, masks, listed, coverage, acronym_letters(P, listed)),
            )
        )
    assert bounds[0] == bounds[1]


def test_inert_number_length_needs_a_name_of_letters() -> None:
    """A name with digits or in another script has no inert numbers; a name of letters does."""
    assert inert_number_length(P, prepare("FUND 2023")) == float("inf")
    assert inert_number_length(P, prepare("Мохаммед Хуссейн")) == float("inf")
    assert inert_number_length(P, prepare("SPACE PARTY")) < 6


def test_masked_bound_rejects_a_window_sharing_one_common_word() -> None:
    """The point of the bound: `spare parts` vs `SPACE PARTY` is hopeless without an alignment."""
    window = prepare("invoice 123456 spare parts")
    listed = prepare("SPACE COMMUNICATIONS")
    masks = [partner_mask(ENGINE, t, listed, False) for t in window.tokens]
    assert masked_score_bound(ENGINE, window, masks, listed) < 0.7
    assert masks[1] == 0  # a number pairs with no word


def _entries() -> list[ListEntry]:
    types = (EntryType.ORGANISATION, EntryType.PERSON, EntryType.UNKNOWN)
    return [ListEntry(f"t:{n}", "test", types[n % 3], text) for n, text in enumerate(LISTED)]


@pytest.fixture(scope="module")
def index() -> ListIndex:
    return ListIndex.build(_entries())


def _exhaustive(index: ListIndex, query: str, kind: str) -> list[tuple[str, float]]:
    """Every listed name scored, no retrieval and no bound: what the index must agree with."""
    prepared = prepare(query, kind)  # type: ignore[arg-type]
    engine = index._engine
    scored = [
        (pos, engine.compare(prepared, item.prepared, compare_kind(kind, item.entry_type)).score)  # type: ignore[arg-type]
        for pos, item in enumerate(index._names)
        if kind_allows(kind, item.entry_type)  # type: ignore[arg-type]
    ]
    found = ranked_hits(
        engine,
        index._names,
        index.entries,
        index._engine.names_holding,
        (engine.query(prepared), prepared),
        scored,
        kind=kind,  # type: ignore[arg-type]
        country=None,
        birth_date=None,
        threshold=DEFAULT_THRESHOLD,
        limit=50,
    )
    return [(m.entry.entry_id, m.score) for m in found]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(LISTED), min_size=1, max_size=2), st.sampled_from(KINDS), st.randoms())
def test_candidate_bound_drops_no_hit_of_listed_words(
    index: ListIndex, names: list[str], kind: str, rng: object
) -> None:
    """Queries made of listed words, shuffled and cut: retrieval and its bound lose no hit the
    comparison of every listed name finds (typos are the accuracy bench's job, not this one's)."""
    tokens = prepare(" ".join(names)).tokens
    picked = list(tokens)
    rng.shuffle(picked)  # type: ignore[attr-defined]
    query = " ".join(picked[: max(1, len(picked) - rng.randrange(2))])  # type: ignore[attr-defined]
    got = [
        (m.entry.entry_id, m.score)
        for m in index.match_name(query, kind=kind, limit=50, threshold=DEFAULT_THRESHOLD)
    ]  # type: ignore[arg-type]
    assert got == _exhaustive(index, query, kind)


def reference_scanner(index: ListIndex, params: ScreeningParams = DEFAULT_PARAMS) -> ReferenceScanner:
    """The Python reference scan (`tests/oracle/reference_scan.py`) over `index`'s names."""
    return ReferenceScanner(index._engine, index._names, Vocabulary(params, index._names), index._entries)


def _found(matches: list[NameMatch]) -> list[tuple[str, float, str, str]]:
    return [(m.entry.entry_id, m.score, m.matched_name, m.explanation) for m in matches]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from([*VOCABULARY, "invoice", "payment", "ref", "2024", "for"]), max_size=10),
    st.sampled_from(LISTED),
)
def test_scan_bound_skips_only_hopeless_windows(index: ListIndex, filler: list[str], name: str) -> None:
    """The engine's scan (with its bounds) gives what the reference scan gives with every window
    scored (its bounds replaced by 1.0), and so does the reference with its own bounds."""
    text = " ".join([*filler[:4], name, *filler[4:]])
    engine = index.scan_text(text, threshold=DEFAULT_THRESHOLD)
    with_bound = reference_scanner(index).scan(text, threshold=DEFAULT_THRESHOLD, limit=5)
    module = reference_scan_module
    original, original_window = module.masked_score_bound, module.window_score_bound
    module.masked_score_bound = lambda *_: 1.0  # type: ignore[assignment]
    module.window_score_bound = lambda *_: 1.0  # type: ignore[assignment]
    try:
        without = reference_scanner(index).scan(text, threshold=DEFAULT_THRESHOLD, limit=5)
    finally:
        module.masked_score_bound = original
        module.window_score_bound = original_window
    assert _found(engine) == _found(without) == _found(with_bound)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from([*VOCABULARY, "invoice", "ref", "for"]), max_size=6),
    st.sampled_from(LISTED),
    st.integers(100, 10**8),
    st.integers(100, 10**8),
)
def test_hopeless_memo_is_transparent(
    index: ListIndex, filler: list[str], name: str, one: int, other: int
) -> None:
    """A text scanned after one that differs only in its number gives what it gives alone (the
    reference's memo of hopeless windows; the engine keeps nothing between texts)."""

    def text(number: int) -> str:
        return " ".join([*filler[:3], str(number), *filler[3:], name])

    warmed = reference_scanner(index)
    warmed.scan(text(one), threshold=DEFAULT_THRESHOLD, limit=5)
    after = warmed.scan(text(other), threshold=DEFAULT_THRESHOLD, limit=5)
    alone = reference_scanner(index).scan(text(other), threshold=DEFAULT_THRESHOLD, limit=5)
    engine = index.scan_text(text(other), threshold=DEFAULT_THRESHOLD)
    assert _found(after) == _found(alone) == _found(engine)


def test_word_memo_is_bounded_and_transparent() -> None:
    small = ScreeningParams(word_cache_size=3, mask_cache_size=5)
    warm = ListIndex.build(_entries(), small)
    scanner = reference_scanner(warm, small)
    queries = ["Kim Jong Un", "Zarya Shiping", "Petrova Anna", "Bank Meli", "Abdullah bin Husayn"] * 2
    texts = [f"payment to {q} ref 42" for q in queries]
    first = [[m.score for m in warm.match_name(q, threshold=DEFAULT_THRESHOLD)] for q in queries]
    scans = [[m.score for m in scanner.scan(t, threshold=DEFAULT_THRESHOLD, limit=5)] for t in texts]
    assert len(scanner._mask_cache) <= 5
    assert len(scanner._near_cache) <= 3
    cold = [
        [m.score for m in ListIndex.build(_entries()).match_name(q, threshold=DEFAULT_THRESHOLD)]
        for q in queries
    ]
    assert first == cold
    assert scans == [
        [m.score for m in ListIndex.build(_entries()).scan_text(t, threshold=DEFAULT_THRESHOLD)]
        for t in texts
    ]
    assert any(first)  # the fixture queries do hit
    assert any(scans)


_SAME_IN_EVERY_PROCESS = """
from screening.index import ListIndex
from screening.matching.params import DEFAULT_THRESHOLD
from screening.model import EntryType, ListEntry, Name
names = {names!r}
entries = [ListEntry(f"t:{{n}}", "test", EntryType.UNKNOWN, text) for n, text in enumerate(names)]
# equally good spellings of one entry: which one is reported must not depend on the process
aliases = (Name("JONDULLAH"), Name("JONDALLAH"), Name("JONDILLAH"), Name("JONDELLAH"))
entries.append(ListEntry("t:alias", "test", EntryType.PERSON, "JONDOLLAH", aliases=aliases))
index = ListIndex.build(entries)
T = DEFAULT_THRESHOLD
for query in ["Mohamed Husein", "Jondllah", "Pars Party", "Abdulah bin Hussein"]:
    print([(m.entry.entry_id, m.matched_name, m.score) for m in index.match_name(query, threshold=T)])
text = "pay Kim Jong Un and Mohammed al Husayn"
print([(m.entry.entry_id, m.score) for m in index.scan_text(text, threshold=T)])
"""


def test_results_do_not_depend_on_the_process_hash_seed() -> None:
    """Ties between equally good candidates are broken in a fixed order, so two workers (or a
    replay) screening the same payment give the same decision."""
    import os
    import subprocess
    import sys

    names = [*LISTED, "MOHAMED HUSEIN", "MOHAMMED HUSEYN", "PARS PARTI"]
    script = _SAME_IN_EVERY_PROCESS.format(names=names)
    outputs = []
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        outputs.append(done.stdout)
    assert all(output == outputs[0] for output in outputs)
    assert "t:alias" in outputs[0]
