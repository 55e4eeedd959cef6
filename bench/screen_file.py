"""Throughput of offline screening (`paymon screen`'s loop) on realistic payments.

Run: `.venv/bin/python -m bench.screen_file [--payments N] [--lists PATH ...] [--no-repetitive]`

The headline figure screens N (default 20,000) payments of `bench.traffic` (tens of thousands of
distinct names in many scripts, real-shaped BICs, real-length remittance text, multi-party,
about 0.5% carrying a listed name, BIC or ownership, a few malformed) with their generated
ownership table: payments/s for the full screening loop (decode, screen every party / agent /
text, encode, write) after start-up, and as a baseline the decode + encode-only loop over the
same lines in the same run, so the ratio says what screening itself costs. It also prints how
many planted payments alerted (by kind), how many others did (false alerts) and the rejects.

Diagnostic, labelled as such: the old repetitive mix (`generate_payments`: parties, banks and
half the remittance texts repeat as in one bank's file, 3% listed), which the screening memo
answers mostly from memory; its planted-hit count is the free-text scan's regression yardstick.
Lists default to the real OFAC SDN (2024-05-03 + the Sept 2024 update) and UN lists in
../shared, else the packaged demo list.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec

from bench.traffic import Traffic, generate_traffic, listed_sample
from paymon_cli.offline import DEMO_DATA, ScreenCounts, load_state, screen_lines
from schemas.payment import PaymentError, decode_payment, encode_payment
from screening.match import DEFAULT_THRESHOLD
from screening.model import IdentifierScheme
from screening.ownership import Regime, load_ownership
from screening.screen import ScreeningState
from screening.state import updated_state

# ../shared beside the clone (or $PAYMON_SHARED_DATA, as in tests/conftest.py).
SHARED_LISTS = (
    Path(os.environ.get("PAYMON_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
    / "lists"
)
DEFAULT_PAYMENTS = 20_000
# Share of the repetitive mix's payments that carry something listed (name, BIC or remittance).
LISTED_SHARE = 0.03
# Size of the simulated customer base, correspondent banks and recurring remittance texts of
# one bank's payment file: parties repeat (about 5 payments each in 20,000), banks repeat a lot.
COUNTERPARTIES = 8_000
BANKS = 300
RECURRING_TEXTS = 400
_GOODS = ["steel pipes", "office furniture", "consulting services", "spare parts", "fresh fruit", "software"]

_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "sa",
    "to",
    "vel",
    "dor",
    "an",
    "bri",
    "cas",
    "fen",
    "gal",
    "hol",
    "jun",
    "kes",
    "lum",
    "nor",
    "pet",
    "quin",
    "rav",
    "sol",
    "tur",
]
_FIRST = [
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Farid",
    "Giulia",
    "Hugo",
    "Irina",
    "Jonas",
    "Katarzyna",
    "Luis",
    "Maria",
    "Nikolai",
    "Olga",
    "Pavel",
]
_LAST = [
    "Schmidt",
    "Rossi",
    "Novak",
    "Garcia",
    "Dubois",
    "Jensen",
    "Kowalski",
    "Silva",
    "Ivanova",
    "Brown",
    "Yilmaz",
    "Haddad",
    "Larsen",
    "Moreau",
]
_FORMS = ["GmbH", "Ltd", "LLC", "SARL", "AB", "SpA", "BV", "Inc", "OOO", "Co Ltd", "AG", "AS"]
_SECTORS = ["Trading", "Logistics", "Textiles", "Foods", "Machinery", "Consulting", "Shipping", "Metals"]
_COUNTRIES = ["DE", "FR", "GB", "US", "CN", "RU", "AE", "TR", "IT", "SE", "PL", "SG", "HK", "KR", "BR"]


def default_lists() -> list[Path]:
    """The real OFAC + UN lists when ../shared is present, else the packaged demo list."""
    real = [
        SHARED_LISTS / "ofac-sdn-2024-05-03",
        SHARED_LISTS / "ofac-sdn-2024-09-update",
        SHARED_LISTS / "un" / "consolidated-2026-02-27.xml",
    ]
    if all(path.exists() for path in real):
        return real
    return [DEMO_DATA / "demo_list.jsonl"]


def generate_payments(
    count: int, state: ScreeningState, seed: int = 20240919
) -> tuple[list[bytes], set[str]]:
    """`count` JSON payment lines, deterministic for a seed, and the ids of those carrying
    something listed.

    Modelled on one bank's outgoing file: parties drawn from a customer base of
    `COUNTERPARTIES` (customers pay the same suppliers again and again), banks from
    `BANKS` correspondents, remittance text half recurring (salaries, rent, standing orders),
    half unique invoice references; `LISTED_SHARE` of payments touch a listed name or BIC.
    """
    rng = random.Random(seed)
    entries = sorted(state.index.entries.values(), key=lambda e: e.entry_id)
    listed_names = [e.primary_name for e in entries]
    listed_bics = sorted(
        ident.value for e in entries for ident in e.identifiers if ident.scheme == IdentifierScheme.BIC
    )
    parties = [_party(rng) for _ in range(COUNTERPARTIES)]
    banks = [{"bic": _bic(rng), "name": f"{_company(rng).rsplit(' ', 1)[0]} Bank"} for _ in range(BANKS)]
    recurring = [_recurring_text(rng) for _ in range(RECURRING_TEXTS)]
    encoder = msgspec.json.Encoder()
    lines = []
    planted: set[str] = set()
    for number in range(count):
        debtor_agent, creditor_agent = rng.choice(banks), rng.choice(banks)
        event: dict[str, Any] = {
            "payment_id": f"bench-{number:06d}",
            "created_at": "2024-10-01T09:00:00Z",
            "amount": f"{rng.randint(1, 10**7) / 100:.2f}",
            "currency": rng.choice(["EUR", "USD", "GBP"]),
            "debtor": dict(rng.choice(parties)),
            "creditor": dict(rng.choice(parties)),
            "debtor_agent": {"bic": debtor_agent["bic"]},
            "creditor_agent": creditor_agent,
            "remittance_info": rng.choice(recurring)
            if rng.random() < 0.5
            else f"Invoice {rng.randint(1000, 999999)} {rng.choice(_GOODS)}",
        }
        if rng.random() < 0.2:
            event["intermediary_agents"] = [{"bic": rng.choice(banks)["bic"]}]
        if rng.random() < LISTED_SHARE:
            planted.add(event["payment_id"])
            kind = rng.randrange(3)
            if kind == 0 and listed_names:
                event["creditor"] = {"name": rng.choice(listed_names)}
            elif kind == 1 and listed_bics:
                event["intermediary_agents"] = [{"bic": rng.choice(listed_bics)}]
            elif listed_names:
                event["remittance_info"] = f"on behalf of {rng.choice(listed_names)} ref {number}"
        lines.append(encoder.encode(event) + b"\n")
    return lines, planted


def _recurring_text(rng: random.Random) -> str:
    month = rng.choice(["January", "February", "March", "April", "May", "June", "October"])
    return rng.choice(
        [
            f"Salary {month}",
            f"Rent {month} flat {rng.randint(1, 40)}",
            f"Standing order {rng.randint(100, 999)} membership fee",
            f"Loan instalment {rng.randint(1, 60)}",
            f"Dividend {month} 2024",
        ]
    )


def _party(rng: random.Random) -> dict[str, Any]:
    if rng.random() < 0.4:
        party: dict[str, Any] = {"name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"}
        if rng.random() < 0.3:
            party["birth_date"] = f"19{rng.randint(40, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    else:
        party = {"name": _company(rng)}
    party["country"] = rng.choice(_COUNTRIES)
    return party


def _company(rng: random.Random) -> str:
    stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{stem} {rng.choice(_SECTORS)} {rng.choice(_FORMS)}"


def _bic(rng: random.Random) -> str:
    letters = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVWXYZ") for _ in range(4))
    return f"{letters}{rng.choice(_COUNTRIES)}{rng.choice(['2X', '33', '22', 'PP', 'MM'])}"


def _drop_remittance(line: bytes) -> bytes:
    event = msgspec.json.decode(line)
    event.pop("remittance_info", None)
    return msgspec.json.encode(event) + b"\n"


def _codec_only(lines: list[bytes]) -> Iterator[bytes]:
    """The baseline: decode and re-encode each line, nothing screened (bad lines skipped)."""
    for line in lines:
        try:
            yield encode_payment(decode_payment(line)) + b"\n"
        except PaymentError:
            continue


def _timed_screen(lines: list[bytes], state: ScreeningState) -> tuple[float, float, ScreenCounts, set[str]]:
    """Payments/s of the screening loop over `lines` (screened and rejected alike) by the clock
    and per CPU second of this process (the steadier figure on a shared machine), its counts and
    the ids of the payments that alerted."""
    decisions = io.BytesIO()
    started, cpu_started = time.perf_counter(), time.process_time()
    counts = screen_lines(
        lines, state, threshold=DEFAULT_THRESHOLD, write_decision=decisions.write, write_reject=_discard
    )
    done = counts.screened + counts.rejected
    rate = done / (time.perf_counter() - started)
    cpu_rate = done / max(time.process_time() - cpu_started, 1e-9)
    alerted = {
        d["payment_id"]
        for d in map(msgspec.json.decode, decisions.getvalue().splitlines())
        if d["decision"] == "alert"
    }
    return rate, cpu_rate, counts, alerted


def _discard(_: bytes) -> None:
    return None


def _codec_rate(lines: list[bytes]) -> float:
    sink = io.BytesIO()
    started = time.perf_counter()
    for encoded in _codec_only(lines):
        sink.write(encoded)
    return len(lines) / (time.perf_counter() - started)


def _with_ownership(state: ScreeningState, traffic: Traffic) -> ScreeningState:
    """A fresh state (empty memo) on the same index with the traffic's ownership table."""
    with tempfile.TemporaryDirectory(prefix="paymon-bench-") as folder:
        table = Path(folder) / "ownership.csv"
        table.write_text(traffic.ownership_csv, encoding="utf-8")
        graph = load_ownership([table])
    without_ownership = ScreeningState(index=state.index, ownership=None, list_version=state.list_version)
    return updated_state(
        without_ownership,
        list_changes=None,
        edge_changes=(list(graph.edges()), []),
        whole_graph=lambda: graph,
        holds_edges=True,
        list_version=state.list_version,
        regime=Regime.OFAC,
        threshold=DEFAULT_THRESHOLD,
    )


def realistic(state: ScreeningState, count: int) -> None:
    """The headline: the screening loop on `bench.traffic` payments against the codec baseline."""
    started = time.perf_counter()
    traffic = generate_traffic(count, listed_sample(state.index.entries.values()))
    print(f"realistic traffic: {traffic.summary()} (generated in {time.perf_counter() - started:.1f} s)")
    lines = [payment + b"\n" for payment in traffic.payments]
    baseline = _codec_rate(lines)
    screening, screening_cpu, counts, alerted = _timed_screen(lines, _with_ownership(state, traffic))
    # Diagnostic: the same payments without remittance text, on a fresh state (empty memo),
    # to show how much of the cost is free-text scanning rather than names and identifiers.
    without_text = [_drop_remittance(line) for i, line in enumerate(lines) if i not in traffic.malformed]
    names_only, names_only_cpu, _, _ = _timed_screen(without_text, _with_ownership(state, traffic))
    planted = set(traffic.planted)
    found: dict[str, list[int]] = {}
    for payment_id, kind in traffic.planted.items():
        found.setdefault(kind, [0, 0])[0] += payment_id in alerted
        found.setdefault(kind, [0, 0])[1] += 1
    by_kind = ", ".join(f"{kind} {hit}/{total}" for kind, (hit, total) in sorted(found.items()))
    print(
        f"payments: {counts.screened} screened, {counts.alerts} alerts, {counts.rejected} rejected "
        f"(malformed generated: {len(traffic.malformed)})"
    )
    print(f"  carrying something listed: {len(planted)}, alerted {len(planted & alerted)} ({by_kind})")
    print(f"  others alerted: {len(alerted - planted)} of {counts.screened - len(planted)} (false alerts)")
    print(f"decode+encode only (baseline): {baseline:>10,.0f} payments/s")
    print(
        f"paymon screen loop:            {screening:>10,.0f} payments/s ({screening_cpu:,.0f} per CPU second)"
    )
    print(
        f"  same, no remittance text:    {names_only:>10,.0f} payments/s ({names_only_cpu:,.0f} per CPU "
        "second; diagnostic)"
    )
    print(f"ratio screen / baseline:       {screening / baseline:10.3f}")
    print(
        f"ratio screen / target 5,000/s: {screening / 5000:10.3f} "
        f"(per CPU second: {screening_cpu / 5000:.3f})"
    )


def repetitive(state: ScreeningState, count: int) -> None:
    """Diagnostic: the old repetitive mix (the memo answers most of it) and its planted hits."""
    lines, planted = generate_payments(count, state)
    fresh = ScreeningState(index=state.index, ownership=None, list_version=state.list_version)
    screening, screening_cpu, counts, alerted = _timed_screen(lines, fresh)
    print(
        f"repetitive mix (diagnostic; parties, banks and texts repeat): {counts.screened} screened, "
        f"{counts.alerts} alerts"
    )
    print(
        f"  carrying a listed name/BIC: {len(planted)}, alerted {len(planted & alerted)}; "
        f"others alerted: {len(alerted - planted)} of {counts.screened - len(planted)} "
        "(invented names that resemble listed ones)"
    )
    print(
        f"  paymon screen loop:          {screening:>10,.0f} payments/s ({screening_cpu:,.0f} per CPU "
        "second; memo-bound, not a speed figure)"
    )


def main() -> None:
    """Measure and print throughput of the screening loop against the codec-only baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--payments", type=int, default=DEFAULT_PAYMENTS)
    parser.add_argument("--lists", nargs="+", type=Path, default=None)
    parser.add_argument("--no-repetitive", action="store_true", help="skip the repetitive-mix diagnostic")
    args = parser.parse_args()

    list_paths = args.lists or default_lists()
    started = time.perf_counter()
    state = load_state(list_paths, [])
    startup = time.perf_counter() - started
    print(f"lists: {', '.join(str(p) for p in list_paths)}")
    print(
        f"entries: {len(state.index.entries)}  list_version: {state.list_version}  start-up: {startup:.2f} s"
    )
    realistic(state, args.payments)
    if not args.no_repetitive:
        repetitive(state, args.payments)


if __name__ == "__main__":
    main()
