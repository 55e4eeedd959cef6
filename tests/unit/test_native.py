"""The Rust port of the hot path (`screening._native`) gives exactly the Python reference's results.

`make install` always builds the extension, so its absence is a failure here, not a skip.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_match_speedups import KINDS, LISTED, VOCABULARY

from screening.index import MAX_CANDIDATES, ListIndex
from screening.lists import load_lists
from screening.match import DEFAULT_THRESHOLD, _outcome, prepare
from screening.model import EntryType, ListEntry
from screening.native import name_parts, native_available, new_native_index, outcome_from_native

FIXTURE_LISTS = Path(__file__).resolve().parent.parent / "fixtures" / "lists"
# Words with the comparison's special cases (see test_match_speedups) plus other scripts.
WORDS = [*VOCABULARY, "Ким", "Чен", "Ын", "김정은", "習近平", "عبد", "الله", "Ἀθῆναι", "o'neil", "&", "-"]


def test_the_extension_is_built() -> None:
    assert native_available(), "screening._native is missing: run `make install` (needs cargo)"


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
    if not qa.tokens or not qb.tokens:
        return
    native = new_native_index([])
    want = _outcome(qa, qb, kind)  # type: ignore[arg-type]
    got = outcome_from_native(
        native.compare(
            native.query(*name_parts(qa.name, qa.weights)),
            native.query(*name_parts(qb.name, qb.weights)),
            kind,
        )
    )
    assert got == want, (a, b, kind)


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
    """Every fact of the comparison (score, pairs, coverages, flags) equals `match._outcome`'s."""
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
    native = ListIndex.build(entries, native=True)
    python = ListIndex.build(entries, native=False)
    assert native.native and not python.native
    for query in queries:
        for kind in KINDS:
            prepared = prepare(query, kind)  # type: ignore[arg-type]
            if prepared.tokens:
                want = python._candidates(prepared, DEFAULT_THRESHOLD, MAX_CANDIDATES)
                handle = native._native.query(*name_parts(prepared.name))  # type: ignore[union-attr]
                got = native._native.candidates(handle, DEFAULT_THRESHOLD, MAX_CANDIDATES)  # type: ignore[union-attr]
                assert got == want, (query, kind)
            for threshold in (DEFAULT_THRESHOLD, 0.5):
                assert native.match_name(
                    query, kind=kind, threshold=threshold, limit=50
                ) == python.match_name(  # type: ignore[arg-type]
                    query,
                    kind=kind,
                    threshold=threshold,
                    limit=50,  # type: ignore[arg-type]
                ), (query, kind, threshold)


def test_look_ups_on_the_fixture_lists_are_the_reference() -> None:
    """Candidates (same positions, same order) and hits (same scores and explanations)."""
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
