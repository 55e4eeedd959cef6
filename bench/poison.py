"""Screening cost of pathological lengths (issue #10, fault 4): bounded screening vs the raw index.

The baseline is what screening did before the bounds: the index's own `match_name` /
`scan_text` on the field as it came (one word of N characters, or a listed name followed by N
characters of padding); "bounded" is `screen_payment` on the same payment, which cuts words
longer than any listed name's and scans overlong names as text. Baseline sizes stop at 20,000
characters (the cost grows with the square of a word's length: 100 KB took 10 s, 600 KB ~10 min);
bounded sizes go to the issue's 100 KB / 600 KB. Lists: the OFAC + UN lists of ../shared when
present (else the test fixtures, said so). Figures are noisy on a shared machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import orjson

from schemas.payment import PaymentLimits, decode_payment
from screening.index import ListIndex
from screening.lists import decode_entry, load_lists
from screening.screen import ScreeningState, screen_payment

ROOT = Path(__file__).resolve().parents[1]
SHARED_LISTS = ROOT.parent / "shared" / "data" / "lists"
FIXTURE = ROOT / "tests" / "fixtures" / "reliability" / "lists.jsonl"
THRESHOLD = 0.7
UNBOUNDED = PaymentLimits(max_record_bytes=10**8, max_name_chars=10**8, max_text_chars=10**8)


def load_state() -> tuple[ScreeningState, str]:
    fixture = [decode_entry(line) for line in FIXTURE.read_bytes().splitlines() if line.strip()]
    wanted = (SHARED_LISTS / "ofac-sdn-2024-05-03", *sorted((SHARED_LISTS / "un").glob("*.xml"))[-1:])
    sources = [p for p in wanted if p.exists()]
    if sources:
        entries = list(load_lists(sources).entries.values()) + fixture
        label = " + ".join(p.name for p in sources) + " + fixture"
    else:
        entries, label = fixture, "test fixture only (../shared absent)"
    return ScreeningState(index=ListIndex.build(entries), ownership=None, list_version="bench"), label


def payment(name: str, remittance: str | None = None) -> bytes:
    return orjson.dumps(
        {
            "payment_id": "bench",
            "created_at": "2026-03-01T10:00:00Z",
            "amount": "1.00",
            "currency": "EUR",
            "debtor": {"name": "Hannelore Beispiel"},
            "creditor": {"name": name},
            "remittance_info": remittance,
        }
    )


def seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    state, label = load_state()
    print(f"lists: {label}; {len(state.index.entries)} entries")
    print(f"{'input':44s} {'chars':>8s} {'raw index s':>12s} {'bounded s':>10s}")
    for size in (5_000, 10_000, 20_000, 100_000, 200_000, 600_000):
        word = "x" * size
        padded = "Bank Melli Iran " + "x" * size
        cases = (
            ("one-word name", lambda w=word: state.index.match_name(w, kind="any", threshold=THRESHOLD),
             payment(word)),
            ("listed name + padding, remittance",
             lambda t=padded: state.index.scan_text(t, threshold=THRESHOLD), payment("Ordinary", padded)),
        )
        for what, raw_call, event in cases:
            raw = f"{seconds(raw_call):12.3f}" if size <= 20_000 else f"{'(skipped)':>12s}"
            decoded = decode_payment(event, UNBOUNDED)
            fresh = ScreeningState(index=state.index, ownership=None, list_version="bench")  # no memo
            bounded = seconds(
                lambda p=decoded, s=fresh: screen_payment(p, s, threshold=THRESHOLD, screened_at="t")
            )
            print(f"{what:44s} {size:8d} {raw} {bounded:10.3f}")


if __name__ == "__main__":
    main()
