"""Realistic payment traffic shared by the benches: diverse names, real-shaped banks, real-length
remittance text, a few listed parties and a few malformed records.

A bench whose payments repeat a few dozen names measures the screening memo, not the screening.
`generate_traffic` builds payments the way a bank's outgoing flow looks:

- parties from a pool of tens of thousands of distinct person and company names in many locales
  and scripts (`bench.innocent_names`), each with the country of its locale; companies carry an
  id that links them to a generated ownership table (`Traffic.ownership_csv`);
- agents with real-shaped BIC8/BIC11 codes (bank code, ISO country, location, branch) drawn
  from a few thousand correspondents, some with the bank's name;
- ISO 20022 unstructured remittance (`Ustrd`, at most 140 characters) in several languages with
  invoice, contract and order vocabulary and numbers, some lines naming a person or company;
- multi-party payments (ultimate debtor / creditor) and intermediary agents;
- about `LISTED_SHARE` of payments carrying something listed (a listed name as a party, a listed
  BIC on an agent, a listed name inside the remittance, or a party owned by a listed name through
  the ownership table), from the real lists the caller loaded;
- about `MALFORMED_SHARE` malformed records (broken JSON, invalid UTF-8, missing creditor, bad
  currency, bad BIC), which must be dead-lettered / rejected, never lost.

Everything is seeded: the same arguments give the same bytes.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from bench.innocent_names import InnocentName, generate_innocent_names
from screening.model import EntryType, IdentifierScheme, ListEntry

# ../shared beside the clone (or $PAYMON_SHARED_DATA, as in tests/conftest.py).
SHARED_LISTS = (
    Path(os.environ.get("PAYMON_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
    / "lists"
)
# The full lists the benches screen against (as in production: SDN, its aliases, the Sept 2024
# update on top, and the UN list).
REAL_LISTS = (
    "ofac-sdn-2024-05-03",
    "ofac-aliases-2025-12",
    "ofac-sdn-2024-09-update",
    "un/consolidated-2026-02-27.xml",
)
# Distinct names in the party pool: tens of thousands, so a payment stream of a few thousand
# payments per second rarely repeats a name within a memo's lifetime (a bank's customer base).
DEFAULT_NAME_POOL = 30_000
# Correspondent banks: a few thousand BICs, as a mid-size bank's SWIFT RMA relationships.
BANK_POOL = 3_000
# Share of payments that carry something listed: about one in two hundred, an alert rate a
# screening team sees before tuning (and enough alerts to exercise the alerts path).
LISTED_SHARE = 0.005
# Share of malformed records: a few per ten thousand, enough that the dead-letter path runs.
MALFORMED_SHARE = 0.002
# Shares of the optional parts of a payment (pacs.008 fields present in part of real traffic).
ULTIMATE_SHARE = 0.15
INTERMEDIARY_SHARE = 0.15
AGENT_NAME_SHARE = 0.3
PURPOSE_SHARE = 0.3
REMITTANCE_SHARE = 0.9
# Share of remittance lines that name a person or company (tenant, employee, on behalf of).
NAMED_REMITTANCE_SHARE = 0.25
# Share of companies that carry an ownership id, and of those owned by a listed name.
OWNED_SHARE = 0.3
# ISO 20022 unstructured remittance (`Ustrd`) holds at most 140 characters.
USTRD_MAX = 140

# ISO 20022 ExternalPurpose1Code values common in commercial payments.
_PURPOSES = ("SUPP", "GDDS", "SCVE", "SALA", "RENT", "TRAD", "INTC", "LOAN", "TAXS", "CBFF")
_CURRENCIES = ("EUR", "EUR", "EUR", "USD", "USD", "GBP", "CHF", "SEK", "PLN", "JPY", "CNY", "TRY")
_BANK_WORDS = ("Bank", "Banque", "Banca", "Sparkasse", "Credit", "Trust", "Finance", "Savings Bank")
_GOODS = (
    "office supplies",
    "spare parts",
    "steel pipes",
    "consulting services",
    "software licence",
    "freight charges",
    "fresh produce",
    "maintenance Q1",
    "legal fees",
    "textile samples",
    "machine tools",
    "catering",
)
# Remittance templates per language: invoice, contract, order and delivery vocabulary.
_TEMPLATES = (
    "INV {inv} {goods}",
    "Invoice no. {inv} dated {date}",
    "Payment of invoice {inv} and {inv2}, {goods}",
    "Contract {contract} instalment {n} of {m}",
    "PO {po} / delivery note DN-{n}{m}",
    "/INV/{inv}/{date} {goods}",
    "Ref {ref} settlement of account {acct}",
    "Rechnung Nr. {inv} vom {date}",
    "Rechnung {inv} Lieferung {goods} Kundennr {acct}",
    "Facture n° F-{inv} du {date}",
    "Fattura n. {n}/{year} saldo",
    "Factura {year}/{inv} pago parcial",
    "Faktura nr {inv} z dnia {date}",
    "Счет № {n} от {date} за поставку товаров",
    "Оплата по договору {contract} НДС не облагается",
    "货款 发票号 {inv}",
    "請求書番号 {inv} お支払い",
    "دفعة فاتورة رقم {inv}",
    "Fatura no {inv} ödeme",
)
_NAMED_TEMPLATES = (
    "Rent {month} tenant {name}",
    "Salary {month} {name}",
    "on behalf of {name} invoice {inv}",
    "Reimbursement travel expenses {name}",
    "Invoice {inv} for {name}",
    "Commission to {name} contract {contract}",
    "Im Auftrag von {name} Rechnung {inv}",
    "Pour le compte de {name} facture {inv}",
)
_LISTED_TEMPLATES = (
    "on behalf of {name} invoice {inv}",
    "Invoice {inv} {name}",
    "payment for {name} contract {contract}",
    "Rechnung {inv} an {name}",
)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "October", "November")
_BIC_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_BIC_CHARS = _BIC_LETTERS + "0123456789"


@dataclass(frozen=True, slots=True)
class ListedSample:
    """What the generator plants from the loaded lists: names of persons and organisations and
    the listed BICs."""

    names: tuple[str, ...]
    bics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Traffic:
    """Generated payments (one JSON document each, no newline) and their ids, what was planted in which
    (payment id -> `name`, `bic`, `remittance` or `ownership`), which records are malformed
    (by position in `payments`), the ownership table the payments' party ids refer to, and the
    number of distinct party names the payments carry."""

    payments: list[bytes]
    ids: list[str]
    planted: dict[str, str]
    malformed: frozenset[int]
    ownership_csv: str
    distinct_names: int
    name_pool: int
    scripts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line describing the traffic (size, distinct names, scripts, planted, malformed)."""
        kinds: dict[str, int] = {}
        for kind in self.planted.values():
            kinds[kind] = kinds.get(kind, 0) + 1
        scripts = ", ".join(f"{s} {n}" for s, n in sorted(self.scripts.items(), key=lambda x: -x[1]))
        planted = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        return (
            f"{len(self.payments):,} payments, {self.distinct_names:,} distinct party names "
            f"(pool {self.name_pool:,}; scripts: {scripts}); listed: {len(self.planted)} ({planted}); "
            f"malformed: {len(self.malformed)}"
        )


def real_list_paths() -> list[Path] | None:
    """The four real lists of REAL_LISTS in ../shared, or None when any is absent."""
    paths = [SHARED_LISTS / source for source in REAL_LISTS]
    return paths if all(p.exists() for p in paths) else None


def listed_sample(entries: Iterable[ListEntry]) -> ListedSample:
    """The primary names of listed persons and organisations and every listed BIC, sorted (so
    the generated traffic depends only on the lists' content)."""
    names: set[str] = set()
    bics: set[str] = set()
    for entry in entries:
        if entry.entry_type in (EntryType.PERSON, EntryType.ORGANISATION):
            names.add(entry.primary_name)
        bics.update(i.value for i in entry.identifiers if i.scheme == IdentifierScheme.BIC)
    return ListedSample(names=tuple(sorted(names)), bics=tuple(sorted(b for b in bics if _bic_shaped(b))))


def generate_traffic(
    count: int,
    listed: ListedSample,
    *,
    seed: int = 20260301,
    name_pool: int = DEFAULT_NAME_POOL,
    listed_share: float = LISTED_SHARE,
    malformed_share: float = MALFORMED_SHARE,
    id_prefix: str = "tx",
) -> Traffic:
    """`count` payments as described in the module docstring, deterministic for the arguments.

    Guarantees: payment ids are `<id_prefix>-<n>` and unique; every well-formed payment
    validates against `schemas.payment`; remittance lines are at most `USTRD_MAX` characters;
    every planted payment carries exactly one listed element, recorded in `planted`."""
    rng = random.Random(seed)
    people, companies = _split_pool(generate_innocent_names(name_pool, seed))
    banks = [_bank(rng, companies) for _ in range(BANK_POOL)]
    owned = [c for c in companies if rng.random() < OWNED_SHARE]
    owned_ids = {c.text: f"co-{n:06d}" for n, c in enumerate(owned)}
    listed_owned = _listed_owners(rng, owned, listed)
    generator = _Generator(rng, people, companies, banks, owned_ids, listed, listed_owned)
    payments: list[bytes] = []
    ids: list[str] = []
    planted: dict[str, str] = {}
    malformed: set[int] = set()
    used_names: set[str] = set()
    scripts: dict[str, int] = {}
    for number in range(count):
        payment_id = f"{id_prefix}-{number:07d}"
        ids.append(payment_id)
        event = generator.payment(payment_id)
        if rng.random() < listed_share:
            planted[payment_id] = generator.plant(event)
        for role in ("debtor", "creditor", "ultimate_debtor", "ultimate_creditor"):
            party = event.get(role)
            if party is not None and party["name"] not in used_names:
                used_names.add(party["name"])
                script = generator.script_of.get(party["name"], "listed")
                scripts[script] = scripts.get(script, 0) + 1
        if rng.random() < malformed_share:
            malformed.add(number)
            planted.pop(payment_id, None)
            payments.append(_malform(rng, event))
        else:
            payments.append(msgspec.json.encode(event))
    return Traffic(
        payments=payments,
        ids=ids,
        planted=planted,
        malformed=frozenset(malformed),
        ownership_csv=_ownership_csv(rng, owned, owned_ids, people, companies, listed_owned),
        distinct_names=len(used_names),
        name_pool=len(people) + len(companies),
        scripts=scripts,
    )


def _split_pool(names: Sequence[InnocentName]) -> tuple[list[InnocentName], list[InnocentName]]:
    people = [n for n in names if n.kind == "person"]
    companies = [n for n in names if n.kind != "person"]
    if not people or not companies:
        raise ValueError("the name pool needs both persons and companies")
    return people, companies


def _listed_owners(rng: random.Random, owned: list[InnocentName], listed: ListedSample) -> dict[str, str]:
    """Company name -> the listed name that owns it (a few dozen companies, for planting)."""
    if not listed.names or not owned:
        return {}
    picks = rng.sample(owned, min(50, len(owned)))
    return {c.text: rng.choice(listed.names) for c in picks}


class _Generator:
    """Builds one payment at a time from the pools (state: the seeded random source)."""

    def __init__(
        self,
        rng: random.Random,
        people: list[InnocentName],
        companies: list[InnocentName],
        banks: list[dict[str, str]],
        owned_ids: dict[str, str],
        listed: ListedSample,
        listed_owned: dict[str, str],
    ) -> None:
        self.rng = rng
        self.people = people
        self.companies = companies
        self.banks = banks
        self.owned_ids = owned_ids
        self.listed = listed
        self.listed_owned = sorted(listed_owned)
        self.script_of = {n.text: n.script for n in (*people, *companies)}

    def payment(self, payment_id: str) -> dict[str, Any]:
        rng = self.rng
        debtor_agent, creditor_agent = rng.choice(self.banks), rng.choice(self.banks)
        event: dict[str, Any] = {
            "payment_id": payment_id,
            "created_at": f"2026-03-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
            f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z",
            "amount": f"{rng.lognormvariate(7, 2):.2f}",
            "currency": rng.choice(_CURRENCIES),
            "debtor": self.party(),
            "creditor": self.party(),
            "debtor_agent": self.agent(debtor_agent),
            "creditor_agent": self.agent(creditor_agent),
        }
        if rng.random() < ULTIMATE_SHARE:
            event["ultimate_debtor"] = self.party()
        if rng.random() < ULTIMATE_SHARE:
            event["ultimate_creditor"] = self.party()
        if rng.random() < INTERMEDIARY_SHARE:
            event["intermediary_agents"] = [self.agent(rng.choice(self.banks))]
        if rng.random() < REMITTANCE_SHARE:
            event["remittance_info"] = self.remittance()
        if rng.random() < PURPOSE_SHARE:
            event["purpose"] = rng.choice(_PURPOSES)
        return event

    def party(self) -> dict[str, Any]:
        rng = self.rng
        person = rng.random() < 0.5
        name = rng.choice(self.people if person else self.companies)
        party: dict[str, Any] = {"name": name.text, "account": _iban_like(rng, _country(name))}
        country = _country(name)
        if country is not None:
            party["country"] = country
        if person and rng.random() < 0.2:
            party["birth_date"] = (
                f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            )
        company_id = self.owned_ids.get(name.text)
        if company_id is not None:
            party["id"] = company_id
        return party

    def agent(self, bank: dict[str, str]) -> dict[str, str]:
        if self.rng.random() < AGENT_NAME_SHARE:
            return dict(bank)
        return {"bic": bank["bic"]}

    def remittance(self) -> str:
        rng = self.rng
        if rng.random() < NAMED_REMITTANCE_SHARE:
            name = rng.choice(self.people if rng.random() < 0.6 else self.companies).text
            return self._fill(rng.choice(_NAMED_TEMPLATES), name)
        return self._fill(rng.choice(_TEMPLATES), "")

    def plant(self, event: dict[str, Any]) -> str:
        """Put one listed element into `event`; returns its kind."""
        rng = self.rng
        kinds = ["name", "remittance"] * 2 + (["bic"] if self.listed.bics else [])
        kinds += ["ownership"] if self.listed_owned else []
        kind = rng.choice(kinds)
        if kind == "name":
            event[rng.choice(("debtor", "creditor", "ultimate_creditor"))] = {
                "name": rng.choice(self.listed.names)
            }
        elif kind == "bic":
            event["intermediary_agents"] = [{"bic": rng.choice(self.listed.bics)}]
        elif kind == "remittance":
            event["remittance_info"] = self._fill(
                rng.choice(_LISTED_TEMPLATES), rng.choice(self.listed.names)
            )
        else:
            company = rng.choice(self.listed_owned)
            event["creditor"] = {"name": company, "id": self.owned_ids[company]}
        return kind

    def _fill(self, template: str, name: str) -> str:
        rng = self.rng
        year = rng.randint(2024, 2026)
        text = template.format(
            name=name,
            inv=f"{rng.choice(('', 'RE', 'INV-', 'F'))}{year}{rng.randint(1, 99999):05d}",
            inv2=str(rng.randint(10000, 999999)),
            date=f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{year}",
            contract=f"{rng.randint(1, 999)}/{year}",
            po=str(rng.randint(4500000000, 4599999999)),
            ref="".join(rng.choice(_BIC_CHARS) for _ in range(12)),
            acct=str(rng.randint(100000, 9999999)),
            goods=rng.choice(_GOODS),
            month=rng.choice(_MONTHS),
            n=rng.randint(1, 12),
            m=rng.randint(12, 48),
            year=year,
        )
        return text[:USTRD_MAX]


def _country(name: InnocentName) -> str | None:
    """The ISO country of a name's locale (`de_DE` -> `DE`), None for a language-only locale."""
    _, _, region = name.locale.partition("_")
    return region.upper() if len(region) == 2 and region.isalpha() else None


def _iban_like(rng: random.Random, country: str | None) -> str:
    return f"{country or 'XX'}{rng.randint(10, 99)}{rng.randint(10**15, 10**16 - 1)}"


def _bank(rng: random.Random, companies: list[InnocentName]) -> dict[str, str]:
    """A correspondent: a real-shaped BIC (4-letter bank code, ISO country, 2-character location,
    an 11-character branch code in a third of them) and a bank name."""
    home = rng.choice(companies)
    country = _country(home) or rng.choice(("DE", "FR", "GB", "US", "CN", "AE", "SG"))
    code = "".join(rng.choice(_BIC_LETTERS) for _ in range(4))
    # A location whose second character is not '0' (that marks a test BIC); '1' marks a passive one.
    location = rng.choice(_BIC_CHARS) + rng.choice(_BIC_LETTERS + "23456789")
    branch = (
        "" if rng.random() < 0.67 else rng.choice(("XXX", "".join(rng.choice(_BIC_CHARS) for _ in range(3))))
    )
    stem = home.text.split()[0] if home.script == "Latin" else code.title()
    return {"bic": f"{code}{country}{location}{branch}", "name": f"{stem} {rng.choice(_BANK_WORDS)}"}


def _bic_shaped(value: str) -> bool:
    return len(value) in (8, 11) and value[:6].isalpha() and value.isalnum() and value.isascii()


def _malform(rng: random.Random, event: dict[str, Any]) -> bytes:
    """One malformed record from a good one: broken JSON, invalid UTF-8, a missing required
    party, a bad currency or a bad BIC."""
    kind = rng.randrange(5)
    if kind == 0:
        return msgspec.json.encode(event)[:-7]
    if kind == 1:
        return msgspec.json.encode(event).replace(b'"debtor":{"name":"', b'"debtor":{"name":"\xff\xfe', 1)
    if kind == 2:
        event.pop("creditor")
    elif kind == 3:
        event["currency"] = "euro"
    else:
        event["debtor_agent"] = {"bic": "NOT A BIC"}
    return msgspec.json.encode(event)


def _ownership_csv(
    rng: random.Random,
    owned: list[InnocentName],
    owned_ids: dict[str, str],
    people: list[InnocentName],
    companies: list[InnocentName],
    listed_owned: dict[str, str],
) -> str:
    """paymon ownership CSV for the companies that carry an id: one to three owners each (persons
    or companies with their own ids), the `listed_owned` ones held 60% by a listed name."""
    lines = ["owner_id,owner_name,asset_id,asset_name,percentage"]
    owner_number = 0

    def row(owner: str, asset: InnocentName, share: float) -> None:
        nonlocal owner_number
        owner_number += 1
        lines.append(
            f"ow-{owner_number:06d},{_csv_field(owner)},{owned_ids[asset.text]},"
            f"{_csv_field(asset.text)},{share:.2f}"
        )

    for company in owned:
        listed_owner = listed_owned.get(company.text)
        if listed_owner is not None:
            row(listed_owner, company, 60.0)
            row(rng.choice(people).text, company, 40.0)
            continue
        owners = rng.randint(1, 3)
        shares = [rng.random() + 0.1 for _ in range(owners)]
        for share in shares:
            owner = rng.choice(people if rng.random() < 0.6 else companies).text
            row(owner, company, 100.0 * share / sum(shares))
    return "\n".join(lines) + "\n"


def _csv_field(text: str) -> str:
    if any(c in text for c in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def main() -> int:
    """Generate the default traffic against the real lists (or the demo list) and describe it."""
    import argparse
    import time

    from paymon_cli.offline import DEMO_DATA
    from screening.lists import load_lists

    parser = argparse.ArgumentParser(prog="python -m bench.traffic", description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=20_000)
    parser.add_argument("--show", type=int, default=3, help="print this many payments")
    args = parser.parse_args()
    paths = real_list_paths() or [DEMO_DATA / "demo_list.jsonl"]
    listed = listed_sample(load_lists(paths).entries.values())
    started = time.perf_counter()
    traffic = generate_traffic(args.payments, listed)
    elapsed = time.perf_counter() - started
    print(f"lists: {', '.join(p.name for p in paths)} ({len(listed.names):,} names, {len(listed.bics)} BICs)")
    print(f"traffic: {traffic.summary()}; generated in {elapsed:.1f} s")
    for payment in traffic.payments[: args.show]:
        print(f"  {payment.decode('utf-8', errors='replace')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
