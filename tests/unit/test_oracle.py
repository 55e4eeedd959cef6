"""The production engine (Rust, `screening._native`) gives the oracle's hits and scores.

The oracle (`tests/oracle/`) is the Python reference of the same retrieval and rules; both read
the one `ScreeningParams`. Comparisons must agree on score, explanation and features; look-ups on
the hits and their scores (not on the order of ties). `make install` always builds the
extension, so its absence is a failure here, not a skip.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_match_speedups import KINDS, LISTED, VOCABULARY

from screening.lists import load_lists
from screening.matching.engine import MatchEngine, standalone_engine
from screening.matching.listed import kind_slots, prepare_entries
from screening.matching.params import DEFAULT_PARAMS, DEFAULT_THRESHOLD
from screening.matching.prepare import prepare
from screening.model import EntryType, ListEntry
from tests.oracle import reference_match
from tests.oracle.reference_index import ReferenceIndex

FIXTURE_LISTS = Path(__file__).resolve().parent.parent / "fixtures" / "lists"
# Words with the comparison's special cases (see test_match_speedups) plus other scripts.
WORDS = [*VOCABULARY, "Ким", "Чен", "Ын", "김정은", "習近平", "عبد", "الله", "Ἀθῆναι", "o'neil", "&", "-"]


def test_the_extension_is_built() -> None:
    assert len(standalone_engine()) == 0  # raises EngineUnavailable without `make install`


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    if op == 0:
        return word[:i] + word[i + 1 :]
    if op == 1:
        return word[:i] + rng.choice("aeiouz") + word[i:]
    if op == 2:
        return word[:i] + rng.choice("aeiouz") + word[i + 1 :]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _assert_same_outcome(a: str, b: str, kind: str) -> None:
    qa, qb = prepare(a, kind), prepare(b, kind)  # type: ignore[arg-type]
    want = reference_match.compare_prepared(qa, qb, kind)  # type: ignore[arg-type]
    got = standalone_engine().compare(qa, qb, kind)  # type: ignore[arg-type]
    assert (got.score, got.explanation) == (want.score, want.explanation), (a, b, kind)
    assert got.features == tuple((name, round(value, 4)) for name, value in want.features), (a, b, kind)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6),
    st.sampled_from(KINDS),
    st.randoms(use_true_random=False),
)
def test_comparison_is_the_reference(
    left: list[str], right: list[str], kind: str, rng: random.Random
) -> None:
    """Score, explanation and features equal the oracle's."""
    if rng.random() < 0.5:
        right = [_typo(w, rng) for w in right]
    _assert_same_outcome(" ".join(left), " ".join(right), kind)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(LISTED), st.sampled_from(KINDS), st.randoms(use_true_random=False))
def test_comparison_of_listed_names_with_typos(listed: str, kind: str, rng: random.Random) -> None:
    words = listed.replace(",", "").split()
    rng.shuffle(words)
    _assert_same_outcome(listed, " ".join(_typo(w, rng) for w in words), kind)


def _fixture_entries() -> list[ListEntry]:
    entries = list(load_lists([FIXTURE_LISTS / "ofac-mini", FIXTURE_LISTS / "un-mini.xml"]).entries.values())
    types = (EntryType.ORGANISATION, EntryType.PERSON, EntryType.UNKNOWN)
    entries += [ListEntry(f"t:{n}", "test", types[n % 3], text) for n, text in enumerate(LISTED)]
    return entries


def _queries(names: list[str], count: int, seed: int) -> list[str]:
    """Listed names as given, with a typo, reordered, cut short, and names made of loose words."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        words = rng.choice(names).split()
        roll = rng.random()
        if roll < 0.3:
            words = [_typo(w, rng) if rng.random() < 0.5 else w for w in words]
        elif roll < 0.5:
            rng.shuffle(words)
        elif roll < 0.6:
            words = words[: max(1, len(words) - 1)]
        elif roll < 0.8:
            words = rng.sample(WORDS, rng.randrange(1, 4))
        out.append(" ".join(words))
    return out


def _assert_same_matches(entries: list[ListEntry], queries: list[str]) -> None:
    names = prepare_entries({e.entry_id: e for e in entries}.values())
    engine = MatchEngine(
        DEFAULT_PARAMS, [n.prepared for n in names], [kind_slots(n.entry_type) for n in names]
    )
    oracle = ReferenceIndex(names)
    for query in queries:
        for kind in KINDS:
            prepared = prepare(query, kind)  # type: ignore[arg-type]
            if not prepared.tokens:
                continue
            for threshold in (DEFAULT_THRESHOLD, 0.5):
                _, scored = engine.lookup(prepared, kind, threshold, DEFAULT_PARAMS.max_candidates)  # type: ignore[arg-type]
                got = {(pos, round(score, 4)) for pos, score in scored if round(score, 4) >= threshold}
                want = set(oracle.lookup(prepared, kind, threshold))  # type: ignore[arg-type]
                assert got == want, (query, kind, threshold)


def test_look_ups_on_the_fixture_lists_are_the_reference() -> None:
    """The same listed names reach the threshold with the same scores."""
    entries = _fixture_entries()
    names = [n.text for e in entries for n in e.names()]
    _assert_same_matches(entries, names + _queries(names, 600, seed=1))


@pytest.mark.shared
def test_look_ups_on_the_real_lists_are_the_reference(shared_data: Path) -> None:
    lists = shared_data / "lists"
    entries = list(
        load_lists(
            [lists / "ofac-sdn-2024-05-03", lists / "un" / "consolidated-2026-02-27.xml"]
        ).entries.values()
    )
    names = [n.text for e in entries for n in e.names()]
    _assert_same_matches(entries, _queries(names, 400, seed=2))


def test_the_engine_reads_every_parameter_from_screening_params() -> None:
    """Rust holds no number of its own: a missing key is refused by name, and a changed
    parameter changes the engine's score as it changes the oracle's."""
    from screening._native import NativeIndex

    config = DEFAULT_PARAMS.native_config()
    del config["conflict_factor"]
    with pytest.raises(KeyError, match="conflict_factor"):
        NativeIndex(config, [], [])
    lenient = dataclasses.replace(DEFAULT_PARAMS, conflict_factor=1.0)
    a, b = prepare("Frederik Richter", "person"), prepare("Frank Richter", "person")
    strict_score = standalone_engine().compare(a, b, "person").score
    lenient_score = standalone_engine(lenient).compare(a, b, "person").score
    assert lenient_score == pytest.approx(strict_score / DEFAULT_PARAMS.conflict_factor, abs=1e-4)
