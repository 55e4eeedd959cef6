"""Golden tests of `ListIndex` on a small invented list: names, identifiers, free text, updates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.index import ListIndex
from screening.match import DEFAULT_THRESHOLD
from screening.model import EntryType, Identifier, IdentifierScheme, ListEntry, Name, NameQuality


def person(entry_id: str, name: str, *aliases: Name, **extra: object) -> ListEntry:
    return ListEntry(entry_id, "test", EntryType.PERSON, name, aliases=aliases, **extra)  # type: ignore[arg-type]


def org(entry_id: str, name: str, *aliases: Name, **extra: object) -> ListEntry:
    return ListEntry(entry_id, "test", EntryType.ORGANISATION, name, aliases=aliases, **extra)  # type: ignore[arg-type]


# Invented parties; spellings modelled on how lists write names (surname first, legal forms).
ENTRIES = (
    person("test:1", "NIKULIN, Dmitry Yuryevich", countries=("RU",), birth_dates=("1971-03-04",)),
    person("test:2", "PETROVA, Anna Sergeyevna", Name("MALYSHKA", NameQuality.WEAK), countries=("RU",)),
    person("test:3", "KIM, Jong Un", countries=("KP",), birth_dates=("1984",)),
    org(
        "test:4",
        "COMMERCIAL BANK AGROSOYUZ",
        Name("AKTSIONERNOE OBSHCHESTVO KOMMERCHESKI BANK AGROSOYUZ"),
        identifiers=(Identifier(IdentifierScheme.BIC, "AGSZRU31"),),
        countries=("RU",),
    ),
    org(
        "test:5",
        "TSMRBANK, OOO",
        identifiers=(
            Identifier(IdentifierScheme.BIC, "TSMRRUMMXXX"),
            Identifier(IdentifierScheme.LEI, "253400ABCDEF12345678"),
        ),
    ),
    org("test:6", "INTERNATIONAL TRADE BANK OF ZEMLANDIA"),
    org("test:7", "ZARYA SHIPPING LTD", identifiers=(Identifier(IdentifierScheme.BIC, "ZARYGB2LLON"),)),
    org("test:8", "GOLDEN STAR GENERAL TRADING LLC"),
    ListEntry("test:9", "test", EntryType.VESSEL, "OCEAN PEARL"),
)


@pytest.fixture(scope="module")
def index() -> ListIndex:
    return ListIndex.build(ENTRIES)


def ids(matches: list) -> list[str]:  # type: ignore[type-arg]
    return [m.entry.entry_id for m in matches]


@pytest.mark.parametrize(
    ("query", "kind", "expected"),
    [
        ("Dmitry Nikulin", "person", "test:1"),
        ("NIKULIN Dmitri", "person", "test:1"),
        ("Никулин Дмитрий Юрьевич", "person", "test:1"),
        ("Kim Jong-un", "person", "test:3"),
        ("김정은", "any", "test:3"),
        ("Agrosoyuz Commercial Bank", "organisation", "test:4"),
        ("AO KB Agrosoyuz", "organisation", "test:4"),
        ("TSMR Bank", "organisation", "test:5"),
        ("OOO TSMRBANK", "any", "test:5"),
        ("Zarya Shiping Limited", "organisation", "test:7"),
    ],
)
def test_listed_names_are_found_however_written(
    index: ListIndex, query: str, kind: str, expected: str
) -> None:
    matches = index.match_name(query, kind=kind, threshold=DEFAULT_THRESHOLD)  # type: ignore[arg-type]
    assert ids(matches)[:1] == [expected]
    best = matches[0]
    assert DEFAULT_THRESHOLD <= best.score <= 1.0
    assert best.explanation
    assert best.features


def test_clean_names_and_generic_words_do_not_hit(index: ListIndex) -> None:
    assert index.match_name("John Smith", threshold=DEFAULT_THRESHOLD) == []
    assert index.match_name("International Trade Bank", threshold=DEFAULT_THRESHOLD) == []
    assert index.match_name("General Trading LLC", threshold=DEFAULT_THRESHOLD) == []
    assert index.match_name("Bank", threshold=DEFAULT_THRESHOLD) == []


def test_kind_filters_entries(index: ListIndex) -> None:
    assert index.match_name("Golden Star General Trading", kind="person", threshold=DEFAULT_THRESHOLD) == []
    assert ids(
        index.match_name("Golden Star General Trading", kind="organisation", threshold=DEFAULT_THRESHOLD)
    ) == ["test:8"]


def test_weak_alias_needs_a_near_exact_match(index: ListIndex) -> None:
    exact = index.match_name("Malyshka", kind="person", threshold=DEFAULT_THRESHOLD)
    assert ids(exact) == ["test:2"]
    assert "weak alias" in exact[0].explanation
    assert index.match_name("Malyshko", kind="person", threshold=DEFAULT_THRESHOLD) == []


def test_country_and_birth_date_qualify(index: ListIndex) -> None:
    plain = index.match_name("Nikulin Dmitry", kind="person", threshold=DEFAULT_THRESHOLD)[0].score
    other_country = index.match_name(
        "Nikulin Dmitry", kind="person", country="FR", threshold=DEFAULT_THRESHOLD
    )[0]
    assert other_country.score < plain
    assert "country mismatch" in other_country.explanation
    assert index.match_name("Nikulin Dmitry", kind="person", birth_date="1990-01-01", threshold=plain) == []


def test_results_are_one_per_entry_best_first_and_limited(index: ListIndex) -> None:
    matches = index.match_name("Commercial Bank Agrosoyuz", threshold=0.0)
    assert len(set(ids(matches))) == len(matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert len(index.match_name("Commercial Bank Agrosoyuz", threshold=0.0, limit=1)) <= 1


@pytest.mark.parametrize(
    ("scheme", "value", "expected"),
    [
        (IdentifierScheme.BIC, "agszru31", ["test:4"]),  # case
        (IdentifierScheme.BIC, "AGSZ RU 31", ["test:4"]),  # spaces
        (IdentifierScheme.BIC, "AGSZRU31XXX", ["test:4"]),  # BIC11 of the listed BIC8
        (IdentifierScheme.BIC, "AGSZRU31MOS", ["test:4"]),  # a branch of a listed BIC8
        (IdentifierScheme.BIC, "TSMRRUMM", ["test:5"]),  # BIC8 of a listed BIC11 ending XXX
        (IdentifierScheme.BIC, "TSMRRUMMXXX", ["test:5"]),
        (IdentifierScheme.BIC, "ZARYGB2L", ["test:7"]),  # BIC8 query: every branch of the bank
        (IdentifierScheme.BIC, "ZARYGB2LLON", ["test:7"]),
        (IdentifierScheme.BIC, "ZARYGB2LMAN", []),  # another explicit branch
        (IdentifierScheme.BIC, "AGSZRU32", []),
        (IdentifierScheme.LEI, "253400abcdef12345678", ["test:5"]),
        (IdentifierScheme.LEI, "253400ABCDEF12345679", []),
        (IdentifierScheme.REGISTRATION, "253400ABCDEF12345678", []),  # scheme matters
        (IdentifierScheme.BIC, "", []),
    ],
)
def test_identifiers_match_exactly_after_normalisation(
    index: ListIndex, scheme: IdentifierScheme, value: str, expected: list[str]
) -> None:
    assert [e.entry_id for e in index.match_identifier(scheme, value)] == expected


def test_scan_text_finds_names_in_remittance_info(index: ListIndex) -> None:
    found = index.scan_text(
        "INV 2291 PAYMENT FOR GOODS VIA AGROSOYUZ COMMERCIAL BANK THANK YOU", threshold=DEFAULT_THRESHOLD
    )
    assert ids(found) == ["test:4"]
    assert ids(
        index.scan_text("ref 7781 / nikulin dmitry / consulting fee", threshold=DEFAULT_THRESHOLD)
    ) == ["test:1"]


def test_scan_text_does_not_flood_on_generic_words(index: ListIndex) -> None:
    assert (
        index.scan_text(
            "international trade bank general trading company limited shipping", threshold=DEFAULT_THRESHOLD
        )
        == []
    )
    assert index.scan_text("ocean freight and star alliance", threshold=DEFAULT_THRESHOLD) == []
    assert index.scan_text("", threshold=DEFAULT_THRESHOLD) == []


def test_scan_text_limit_and_dedup(index: ListIndex) -> None:
    text = "agrosoyuz commercial bank; commercial bank agrosoyuz; tsmrbank; nikulin dmitry"
    found = index.scan_text(text, limit=2, threshold=DEFAULT_THRESHOLD)
    assert len(found) == 2
    assert len(set(ids(found))) == 2


def test_updated_returns_a_new_index_and_leaves_the_old_one(index: ListIndex) -> None:
    new_entry = org("test:10", "NOVAYA ZEMLYA HOLDINGS")
    changed = person("test:1", "NIKULINA, Darya")
    newer = index.updated([new_entry, changed], removed_ids=["test:5"])
    assert ids(newer.match_name("Novaya Zemlya Holdings", threshold=DEFAULT_THRESHOLD)) == ["test:10"]
    assert newer.match_name("TSMR Bank", threshold=DEFAULT_THRESHOLD) == []
    assert newer.match_name("Dmitry Nikulin", kind="person", threshold=DEFAULT_THRESHOLD) == []
    assert "test:5" not in newer.entries
    # the old index is untouched
    assert index.match_name("Novaya Zemlya Holdings", threshold=DEFAULT_THRESHOLD) == []
    assert ids(index.match_name("TSMR Bank", threshold=DEFAULT_THRESHOLD)) == ["test:5"]
    assert ids(index.match_name("Dmitry Nikulin", kind="person", threshold=DEFAULT_THRESHOLD)) == ["test:1"]
    assert index.match_identifier(IdentifierScheme.BIC, "TSMRRUMM")
    assert not newer.match_identifier(IdentifierScheme.BIC, "TSMRRUMM")


def test_empty_index_matches_nothing() -> None:
    empty = ListIndex.build([])
    assert empty.match_name("Vladimir Putin", threshold=DEFAULT_THRESHOLD) == []
    assert empty.scan_text("Vladimir Putin", threshold=DEFAULT_THRESHOLD) == []
    assert empty.match_identifier(IdentifierScheme.BIC, "AGSZRU31") == []


texts = st.text(max_size=80) | st.sampled_from(["Agrosoyuz", "TSMR Bank", "kim jong un", "OOO", "Ltd."])


@settings(max_examples=150, deadline=None)
@given(texts, st.sampled_from(["person", "organisation", "any"]), st.floats(0.0, 1.0))
def test_match_name_never_crashes_and_respects_threshold(
    index: ListIndex, query: str, kind: str, threshold: float
) -> None:
    matches = index.match_name(query, kind=kind, threshold=threshold)  # type: ignore[arg-type]
    for match in matches:
        assert threshold <= match.score <= 1.0


@settings(max_examples=150, deadline=None)
@given(texts)
def test_scan_text_never_crashes(index: ListIndex, text: str) -> None:
    found = index.scan_text(text, limit=3, threshold=DEFAULT_THRESHOLD)
    assert len(found) <= 3
    assert all(0.0 <= m.score <= 1.0 for m in found)


def test_sharing_only_common_words_with_a_longer_name_is_not_enough() -> None:
    # `maria` and `sanchez` are in many listed names; a query made of them alone should not hit
    # a long listed name that has two more words.
    common = [person(f"test:c{n}", f"SANCHEZ {n:03d}, Maria") for n in range(30)]
    target = person("test:t", "SANCHEZ CARLON, Diana Maria")
    crowded = ListIndex.build([*common, target])
    assert "test:t" not in ids(
        crowded.match_name("Maria Sanchez", kind="person", limit=50, threshold=DEFAULT_THRESHOLD)
    )
    alone = ListIndex.build([target])
    assert ids(alone.match_name("Maria Sanchez", kind="person", threshold=DEFAULT_THRESHOLD)) == ["test:t"]


def test_scan_text_windows_never_drop_a_conflicting_word() -> None:
    listed = ListIndex.build([person("test:k", "KIM, Jung Jong"), person("test:u", "KIM, Jong Un")])
    assert ids(listed.scan_text("transfer to kim jong un", threshold=DEFAULT_THRESHOLD)) == ["test:u"]


def _filler_words(count: int, seed: str) -> list[str]:
    """`count` distinct invented words, far from each other and from the test names."""
    letters = "bdfgklmnprstvz"
    return [f"{seed}{letters[i // 14 % 14]}{letters[i % 14]}o{letters[(i * 5) % 14]}" for i in range(count)]


def test_scan_text_anchors_on_two_common_words_side_by_side() -> None:
    """`chang` and `an` are each in too many names (or too short) to anchor a free-text match,
    but side by side they are in one listed name only: that pair anchors it."""
    entries = [ListEntry("t:target", "test", EntryType.ORGANISATION, "CHANG AN SHIPPING & TECHNOLOGY")]
    entries += [
        ListEntry(f"t:chang{n}", "test", EntryType.PERSON, f"CHANG {word}")
        for n, word in enumerate(_filler_words(45, "q"))
    ]
    index = ListIndex.build(entries)
    hits = index.scan_text(
        "Payment on behalf of CHANG AN SHIPPING & TECHNOLOGY ref 6508", threshold=DEFAULT_THRESHOLD
    )
    assert [m.entry.entry_id for m in hits] == ["t:target"]


def test_scan_text_compares_names_with_rare_exact_words_first() -> None:
    """Only `MAX_SCAN_CANDIDATES` anchored names are compared. A name anchored by a rare word
    spelt exactly must come before names anchored by typo variants of a commoner text word,
    even when those are shorter and come first in the text."""
    entries = [ListEntry("t:target", "test", EntryType.PERSON, "ZORKAN ALTAMIRANO")]
    entries += [  # `altamirano` in too many names to anchor anything
        ListEntry(f"t:alt{n}", "test", EntryType.PERSON, f"ALTAMIRANO {word}")
        for n, word in enumerate(_filler_words(45, "x"))
    ]
    entries += [  # `karimova`, one letter from the text's `karimov`, in 30 short names
        ListEntry(f"t:kar{n}", "test", EntryType.PERSON, f"KARIMOVA {word}")
        for n, word in enumerate(_filler_words(30, "y"))
    ]
    index = ListIndex.build(entries)
    hits = index.scan_text("transfer karimov zorkan altamirano ref 77", threshold=DEFAULT_THRESHOLD)
    assert "t:target" in [m.entry.entry_id for m in hits]


def test_a_name_given_letter_for_letter_is_always_a_candidate() -> None:
    """`YU CHOL U` as a name of unknown kind loses `yu` to the legal forms (rigour reads it as
    one), `u` is too short to look up and `chol` is in too many names for this one to rank among
    them: retrieval must still find the listed name with the very same letters."""
    entries = [ListEntry("t:target", "test", EntryType.PERSON, "YU CHOL U")]
    entries += [
        ListEntry(f"t:chol{n}", "test", EntryType.PERSON, f"CHOL {word}")
        for n, word in enumerate(_filler_words(80, "w"))
    ]
    index = ListIndex.build(entries)
    assert [m.entry.entry_id for m in index.match_name("YU CHOL U", threshold=DEFAULT_THRESHOLD)] == [
        "t:target"
    ]


def test_aircraft_registrations_are_found_in_names_and_free_text() -> None:
    """Registrations keep every part (`EP` is Iran's prefix, not a legal form), so they are
    found as a party name and in remittance text, numbers included; a lone `VIP` is not one."""
    entries = [
        ListEntry("t:vip", "test", EntryType.AIRCRAFT, "EP-VIP"),
        ListEntry("t:ek", "test", EntryType.AIRCRAFT, "EK-30064"),
        ListEntry("t:ship", "test", EntryType.VESSEL, "M/V SEA STAR"),
    ]
    index = ListIndex.build(entries)
    assert [m.entry.entry_id for m in index.match_name("EP-VIP", threshold=DEFAULT_THRESHOLD)] == ["t:vip"]
    assert [
        m.entry.entry_id for m in index.scan_text("on behalf of EP-VIP ref 1743", threshold=DEFAULT_THRESHOLD)
    ] == ["t:vip"]
    assert [
        m.entry.entry_id for m in index.scan_text("charter EK-30064 ref 9761", threshold=DEFAULT_THRESHOLD)
    ] == ["t:ek"]
    assert [m.entry.entry_id for m in index.match_name("Sea Star", threshold=DEFAULT_THRESHOLD)] == ["t:ship"]
    assert index.match_name("VIP", threshold=DEFAULT_THRESHOLD) == []
