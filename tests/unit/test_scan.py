"""The free-text scan in the Rust engine (`native/src/scan.rs`) gives the Python scan it replaced
(`tests/oracle/reference_scan.py`): the same hits, scores, windows and explanations; and the
windows it takes as they are (`names.window_rewrites`) are those normalisation keeps as they are.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_match_speedups import LISTED, VOCABULARY, _entries, reference_scanner

from screening.index import ListIndex
from screening.lists import load_lists
from screening.matching.params import DEFAULT_THRESHOLD
from screening.matching.results import NameMatch
from screening.names import DROPPED_FIRST, REWRITTEN, normalise_name, normalise_text, window_rewrites

# Words normalisation rewrites or drops in a window (legal forms, number words and ordinals,
# digits that join the tens before them, compound endings, honorifics), and plain filler.
REWRITES = [
    "ltd", "co", "llc", "as", "sa", "de", "cv", "gmbh", "ag", "plc", "oy", "kg", "limited",
    "company", "inc", "twenty", "forty", "four", "first", "21st", "20", "5", "7", "hamidullah",
    "shamsuddin", "mr", "dr", "the", "mrs", "her", "general", "la", "le", "dprk", "dpr", "rok",
    "korea", "uae", "rf", "prc", "gongsi", "youxian", "zhongguo",
]  # fmt: skip
FILLER = ["invoice", "payment", "for", "services", "ref", "2024", "thank", "you", "per", "rent", "of", "and"]
words = st.lists(st.sampled_from([*REWRITES, *FILLER, *VOCABULARY]), min_size=1, max_size=14)


@settings(max_examples=400, deadline=None)
@given(words)
def test_plain_windows_normalise_to_their_words(text_words: list[str]) -> None:
    """Every window the flags call plain normalises to exactly its words, and the flags are
    not all raised (the fast path is taken where it can be)."""
    words_ = normalise_text(" ".join(text_words)).split()
    flags = window_rewrites(words_)
    assert len(flags) == len(words_)
    for start in range(len(words_)):
        for end in range(start + 1, min(len(words_), start + 9) + 1):
            if flags[start] & DROPPED_FIRST or any(f & REWRITTEN for f in flags[start:end]):
                continue
            window = " ".join(words_[start:end])
            name = normalise_name(window, "any")
            assert name.tokens == tuple(words_[start:end]), window
            assert (name.legal_forms, name.removed_prefix, name.transliterated) == ((), False, False)
            assert name.unstripped == window.replace(" ", "")


def test_flags_name_what_normalisation_changes() -> None:
    words_ = [
        "acme",
        "trading",
        "co",
        "ltd",
        "paid",
        "as",
        "per",
        "invoice",
        "twenty",
        "5",
        "to",
        "the",
        "30",
        "4",
        "hamidullah",
    ]
    flags = dict(zip(words_, window_rewrites(words_), strict=True))
    assert {w for w, f in flags.items() if f == REWRITTEN} == {
        "co", "ltd", "as", "twenty", "5", "4", "hamidullah",
    }  # fmt: skip
    assert flags["the"] == DROPPED_FIRST
    assert flags["acme"] == flags["invoice"] == flags["30"] == 0


def _found(matches: list[NameMatch]) -> list[tuple[str, float, str, str]]:
    return [(m.entry.entry_id, m.score, m.matched_name, m.explanation) for m in matches]


@pytest.fixture(scope="module")
def index() -> ListIndex:
    return ListIndex.build(_entries())


@settings(max_examples=300, deadline=None)
@given(words, st.sampled_from(LISTED), st.integers(0, 14), st.sampled_from([0.55, DEFAULT_THRESHOLD, 0.85]))
def test_engine_scan_is_the_reference_scan(
    index: ListIndex, filler: list[str], name: str, at: int, threshold: float
) -> None:
    text = " ".join([*filler[:at], name, *filler[at:]])
    ours = index.scan_text(text, threshold=threshold, limit=50)
    theirs = reference_scanner(index).scan(text, threshold=threshold, limit=50)
    assert _found(ours) == _found(theirs)


def test_a_failing_window_preparation_is_raised(index: ListIndex) -> None:
    words_ = ["payment", "ltd", "kim", "jong", "un"]

    def broken(start: int, length: int) -> None:
        raise RuntimeError(f"window {start}+{length}")

    with pytest.raises(RuntimeError, match="window"):
        index._engine._native.scan(words_, [1.0] * 5, window_rewrites(words_), DEFAULT_THRESHOLD, broken)
    with pytest.raises(ValueError, match="one value per word"):
        index._engine._native.scan(words_, [1.0] * 4, [0] * 5, DEFAULT_THRESHOLD, broken)
    with pytest.raises(ValueError, match="words must be"):
        index._engine._native.scan(["Kim"], [1.0], [0], DEFAULT_THRESHOLD, broken)


def test_scans_from_several_threads_answer_as_one_at_a_time(index: ListIndex) -> None:
    # The engine scans without the GIL, taking it back for the windows Python normalises, and
    # shares the scan forms it makes of each listed name: threads must see the same answers.
    rng = random.Random(7)
    texts = [
        " ".join([*rng.sample(FILLER, 3), rng.choice(LISTED), *rng.sample(REWRITES, 2)]) for _ in range(60)
    ]
    fresh = ListIndex.build(_entries())  # its scan forms all made by the threads below
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda t: _found(fresh.scan_text(t, threshold=0.55, limit=50)), texts * 4))
    alone = [_found(index.scan_text(t, threshold=0.55, limit=50)) for t in texts]
    assert together == alone * 4
    assert any(together)


def test_engine_scan_is_the_reference_scan_on_the_real_lists(shared_data: Path) -> None:
    """Remittance-like lines naming random spellings of real listed entries (with typos and
    legal forms around them) give the same hits as the reference."""
    lists = shared_data / "lists"
    paths = [lists / "ofac-sdn-2024-05-03", lists / "un" / "consolidated-2026-02-27.xml"]
    if not all(p.exists() for p in paths):
        pytest.skip("the real OFAC and UN lists are not in ../shared")
    entries = list(load_lists(paths).entries.values())
    index = ListIndex.build(entries)
    reference = reference_scanner(index)
    rng = random.Random(20261203)
    hits = 0
    for entry in rng.sample(entries, 300):
        name = rng.choice([n.text for n in entry.names()])
        if rng.random() < 0.3 and len(name) > 6:
            cut = rng.randrange(1, len(name) - 1)
            name = name[:cut] + name[cut + 1 :]
        filler = rng.sample([*FILLER, *REWRITES], 5)
        text = f"{' '.join(filler[:2])} {name} {' '.join(filler[2:])} {rng.randrange(10**6)}"
        ours = index.scan_text(text, threshold=DEFAULT_THRESHOLD)
        assert _found(ours) == _found(reference.scan(text, threshold=DEFAULT_THRESHOLD, limit=5)), text
        hits += bool(ours)
    assert hits > 200  # the lines do name listed entries
