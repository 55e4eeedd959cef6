"""Names disguised for the eye: direction overrides, invisible characters, look-alike letters."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from schemas.payment import decode_payment
from screening.index import ListIndex
from screening.lists import decode_entry
from screening.names import lookalike_form, normalise_text, unmask, visual_form
from screening.screen import ScreeningState, screen_payment

LISTS = Path(__file__).resolve().parents[1] / "fixtures" / "reliability" / "lists.jsonl"
REVERSED_OVERRIDE = "\u202enarI illeM knaB\u202c"  # shown on screen as "Bank Melli Iran"


@pytest.fixture(scope="module")
def state() -> ScreeningState:
    entries = [decode_entry(line) for line in LISTS.read_bytes().splitlines() if line.strip()]
    return ScreeningState(index=ListIndex.build(entries), ownership=None, list_version="reltest@1")


def decide(state: ScreeningState, creditor: str, remittance: str | None = None) -> list[str]:
    event = {
        "payment_id": "e-1",
        "created_at": "2026-03-01T10:00:00Z",
        "amount": "1.00",
        "currency": "EUR",
        "debtor": {"name": "Hannelore Beispiel"},
        "creditor": {"name": creditor},
        "remittance_info": remittance,
    }
    decision = screen_payment(decode_payment(orjson.dumps(event)), state, threshold=0.7, screened_at="t")
    return [f"{hit.role}:{hit.entry_id}" for hit in decision.hits]


def test_a_reversed_name_under_a_right_to_left_override_alerts(state: ScreeningState) -> None:
    assert visual_form(REVERSED_OVERRIDE) == "Bank Melli Iran"
    assert decide(state, REVERSED_OVERRIDE) == ["creditor:reltest:1"]
    assert decide(state, "Ordinary GmbH", f"invoice 12 paid to {REVERSED_OVERRIDE} thanks") == [
        "remittance_info:reltest:1"
    ]


@pytest.mark.parametrize(
    "disguised",
    [
        "Bank\u200b Mel\u200dli Ir\u2060an",  # zero-width space, joiner, word joiner
        "\u2067Bank Melli Iran\u2069",  # inside a right-to-left isolate
        "\u202aBank\u202c \ufeffMelli Iran",  # embedding and BOM
        "Ba\u00adnk Mel\u00adli Iran",  # soft hyphens
        "Bаnk Mеlli Irаn",  # Cyrillic а and е inside Latin words
    ],
)
def test_invisible_and_look_alike_characters_do_not_hide_a_listed_name(
    state: ScreeningState, disguised: str
) -> None:
    assert normalise_text(disguised) == "bank melli iran"
    assert decide(state, disguised) == ["creditor:reltest:1"]


def test_a_word_wholly_of_look_alike_letters_is_screened_both_ways(state: ScreeningState) -> None:
    disguised = "ΒΑΝΚ MELLI IRΑΝ"  # Greek capitals: transliterated, ΒΑΝΚ reads VANK
    assert lookalike_form(disguised) == "BANK MELLI IRAN"
    assert decide(state, disguised) == ["creditor:reltest:1"]
    assert lookalike_form("Вера Иванова") is None  # no Latin: a genuine Cyrillic name


def test_unmask_leaves_real_words_of_other_scripts_and_ascii_alone() -> None:
    assert unmask("Вера Иванова") == "Вера Иванова"
    assert unmask("Bank Melli Iran") == "Bank Melli Iran"
    assert unmask(unmask("Bаnk\u200b")) == unmask("Bаnk\u200b") == "Bank"
    assert visual_form("Bank Melli Iran") is None
