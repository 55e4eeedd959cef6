"""A list update applied to an index gives the index a build of the new list gives.

`ListIndex.updated` derives the engine's tables from the old ones (`native/src/retrieve/update.rs`)
and patches the identifier table; these tests run updates one after another (new entries,
removed ones, renamed ones, aliases added, dropped and changed, entry types and identifiers
changed, new and vanished words, typos of listed words) and compare every result the index gives
(names, free text, identifiers, word counts) with a fresh `ListIndex.build` of the same entries,
on many queries. The Rust unit test `updated_tables_equal_built_ones` compares the tables
themselves.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from pathlib import Path

import pytest

from screening.index import ListIndex
from screening.lists import load_lists
from screening.matching.params import DEFAULT_THRESHOLD
from screening.matching.prepare import PreparedName, prepare
from screening.matching.results import NameMatch, PartyKind
from screening.model import EntryType, Identifier, IdentifierScheme, ListEntry, Name, NameQuality
from screening.names import normalise_name

FIXTURE_LISTS = Path(__file__).resolve().parent.parent / "fixtures" / "lists"
KINDS: tuple[PartyKind, ...] = ("any", "person", "organisation")
TYPES = (EntryType.PERSON, EntryType.ORGANISATION, EntryType.UNKNOWN, EntryType.VESSEL)
# Words of made-up names: a few common ones (so postings and rarities move with every update)
# and rarer ones that updates add and remove.
COMMON = ["bank", "trading", "holding", "ivanov", "petrov", "al", "ahmed", "sea", "star", "group"]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 3:
        return word
    k = rng.randrange(len(word))
    roll = rng.random()
    if roll < 0.4:
        return word[:k] + word[k + 1 :]
    if roll < 0.7:
        return word[:k] + rng.choice("aeioukrst") + word[k + 1 :]
    return word[:k] + rng.choice("aeioukrst") + word[k:]


def _made_up_name(rng: random.Random, words: Sequence[str]) -> str:
    parts = [
        rng.choice(COMMON) if rng.random() < 0.35 else rng.choice(words) for _ in range(rng.randint(1, 4))
    ]
    if rng.random() < 0.3:
        parts = [_typo(p, rng) for p in parts]
    if rng.random() < 0.1:
        parts.append(str(rng.randint(1, 999)))
    if rng.random() < 0.1:
        parts = ["".join(parts[:2]), *parts[2:]]  # two words written as one
    return " ".join(parts).upper()


def _base_entries() -> list[ListEntry]:
    return list(
        load_lists(
            [FIXTURE_LISTS / "ofac-mini", FIXTURE_LISTS / "un-mini.xml", FIXTURE_LISTS / "entries.jsonl"]
        ).entries.values()
    )


def _vocabulary(entries: Sequence[ListEntry]) -> list[str]:
    words = {w for e in entries for n in e.names() for w in n.text.split() if w.isalpha()}
    return sorted(words)


def _update(
    rng: random.Random, entries: dict[str, ListEntry], words: Sequence[str], serial: int
) -> tuple[list[ListEntry], list[str]]:
    """One list update: new entries, removed ones, renamed ones, aliases and identifiers changed."""
    ids = sorted(entries)
    upserts: list[ListEntry] = []
    for i in range(rng.randint(1, 6)):
        upserts.append(
            ListEntry(
                entry_id=f"upd:{serial}-{i}",
                list_name="upd",
                entry_type=rng.choice(TYPES),
                primary_name=_made_up_name(rng, words),
                aliases=tuple(Name(_made_up_name(rng, words)) for _ in range(rng.randint(0, 2))),
                identifiers=(Identifier(IdentifierScheme.BIC, f"UPDX{serial:02d}{i}XXX"[:11]),)
                if rng.random() < 0.3
                else (),
            )
        )
    for entry_id in rng.sample(ids, rng.randint(0, 4)):
        entry = entries[entry_id]
        roll = rng.random()
        if roll < 0.3:  # renamed
            changed = dataclasses.replace(entry, primary_name=_made_up_name(rng, words))
        elif roll < 0.55:  # an alias added (a typo of its name) and one dropped
            aliases = (*entry.aliases[1:], Name(_typo(entry.primary_name, rng), NameQuality.WEAK))
            changed = dataclasses.replace(entry, aliases=aliases)
        elif roll < 0.7:  # every alias changed
            changed = dataclasses.replace(
                entry, aliases=tuple(Name(_made_up_name(rng, words)) for _ in entry.aliases)
            )
        elif roll < 0.85:  # another type: its names are normalised as that type
            changed = dataclasses.replace(entry, entry_type=rng.choice(TYPES))
        else:  # identifiers changed
            changed = dataclasses.replace(
                entry, identifiers=(Identifier(IdentifierScheme.BIC, f"CHGD{serial:02d}AA"),)
            )
        upserts.append(changed)
    removed = rng.sample(ids, rng.randint(0, 5))
    removed.append("nowhere:1")  # an unknown id is ignored
    return upserts, removed


def _found(matches: list[NameMatch]) -> list[tuple[str, float, str, str]]:
    return [(m.entry.entry_id, m.score, m.matched_name, str(m.explanation)) for m in matches]


def _candidates(index: ListIndex, prepared: PreparedName, threshold: float) -> list[int]:
    engine = index._engine
    return engine._native.candidates(engine.query(prepared), threshold, index.params.max_candidates)


def _assert_same_results(
    updated: ListIndex, built: ListIndex, queries: Sequence[str], rng: random.Random
) -> None:
    assert list(updated.entries) == list(built.entries)
    assert len(updated) == len(built)
    for query in queries:
        for kind in KINDS:
            for threshold in (DEFAULT_THRESHOLD, 0.5):
                assert _found(updated.match_name(query, threshold=threshold, kind=kind)) == _found(
                    built.match_name(query, threshold=threshold, kind=kind)
                ), (query, kind, threshold)
        prepared = prepare(query, "any")
        if prepared.tokens:  # the candidates in their order: the rarities order them
            for threshold in (DEFAULT_THRESHOLD, 0.3):
                assert _candidates(updated, prepared, threshold) == _candidates(built, prepared, threshold), (
                    query
                )
        words = normalise_name(query, "any").tokens
        for word in words:
            assert updated._engine.names_holding(word) == built._engine.names_holding(word), word
    for _ in range(len(queries) // 4):
        text = f"invoice {rng.randint(1, 9999)} for {rng.choice(queries)} and {rng.choice(queries)} services"
        assert _found(updated.scan_text(text, threshold=DEFAULT_THRESHOLD)) == _found(
            built.scan_text(text, threshold=DEFAULT_THRESHOLD)
        ), text
    for entry in built.entries.values():
        for ident in entry.identifiers:
            for value in (ident.value, ident.value[:8]):
                assert updated.match_identifier(ident.scheme, value) == built.match_identifier(
                    ident.scheme, value
                )


def _queries(
    rng: random.Random, entries: dict[str, ListEntry], words: Sequence[str], count: int
) -> list[str]:
    names = [n.text for e in entries.values() for n in e.names()]
    out = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.5:
            out.append(
                " ".join(_typo(w, rng) if rng.random() < 0.3 else w for w in rng.choice(names).split())
            )
        else:
            out.append(_made_up_name(rng, words))
    return out


def _run_updates(base: list[ListEntry], rounds: int, queries_per_round: int, seed: int) -> None:
    rng = random.Random(seed)
    words = _vocabulary(base)
    index = ListIndex.build(base)
    entries = dict(index.entries)
    for serial in range(rounds):
        upserts, removed = _update(rng, entries, words, serial)
        before_queries = _queries(rng, entries, words, queries_per_round // 2)
        old = index
        index = index.updated(upserts, removed)
        for entry_id in removed:
            if entry_id not in {e.entry_id for e in upserts}:
                entries.pop(entry_id, None)
        entries.update((e.entry_id, e) for e in upserts)
        built = ListIndex.build(entries.values())
        changed_names = [n.text for e in upserts for n in e.names()]
        queries = [*changed_names, *before_queries, *_queries(rng, entries, words, queries_per_round // 2)]
        _assert_same_results(index, built, queries, rng)
        assert old is not index and len(old.entries) != 0  # the old index is left whole


def test_updates_give_what_a_build_gives_on_the_fixture_lists() -> None:
    """Twelve updates one after another, each compared with a build on about 400 queries."""
    _run_updates(_base_entries(), rounds=12, queries_per_round=400, seed=7)


def test_an_update_removing_every_name_of_a_word_and_adding_it_back() -> None:
    """Words vanish from the list and come back; the update of an empty index works."""
    entries = [
        ListEntry("t:1", "t", EntryType.ORGANISATION, "ZARYA SHIPPING"),
        ListEntry("t:2", "t", EntryType.ORGANISATION, "ZARYA TRADING"),
        ListEntry("t:3", "t", EntryType.PERSON, "Ivan ZARIA"),
    ]
    empty = ListIndex.build([])
    index = empty.updated(entries, [])
    queries = ["Zarya Shipping", "Zaria Trading", "Ivan Zarya", "zaryashipping"]
    _assert_same_results(index, ListIndex.build(entries), queries, random.Random(1))
    gone = index.updated([], ["t:1", "t:2", "t:3"])
    _assert_same_results(gone, ListIndex.build([]), queries, random.Random(1))
    back = gone.updated([entries[1], entries[0]], [])
    _assert_same_results(back, ListIndex.build([entries[1], entries[0]]), queries, random.Random(1))


@pytest.mark.shared
def test_updates_give_what_a_build_gives_on_the_real_lists(shared_data: Path) -> None:
    """Updates on the full OFAC + UN lists, the size a worker holds."""
    lists = shared_data / "lists"
    base = list(
        load_lists(
            [lists / "ofac-sdn-2024-05-03", lists / "un" / "consolidated-2026-02-27.xml"]
        ).entries.values()
    )
    _run_updates(base, rounds=3, queries_per_round=300, seed=11)
