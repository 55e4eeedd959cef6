"""Golden tests of `screen_payment` on a small list written from public OFAC facts.

Each role of the payment is screened, identifiers are exact, free text is scanned, hits are
de-duplicated and ordered deterministically, and the decision carries every contract field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.decision import Decision, encode_decision, make_alert_id
from schemas.generate import published_schemas
from schemas.payment import Agent, Party, Payment
from screening.index import ListIndex
from screening.match import DEFAULT_THRESHOLD
from screening.model import EntryType, Identifier, IdentifierScheme, ListEntry, Name, NameQuality
from screening.ownership import OwnershipState, Regime, load_ownership
from screening.screen import ALGORITHM, ScreeningState, screen_payment

SCREENED_AT = "2024-10-01T09:00:00.000Z"

ENTRIES = (
    ListEntry(
        entry_id="test:ftb",
        list_name="test",
        entry_type=EntryType.ORGANISATION,
        primary_name="FOREIGN TRADE BANK OF THE DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA",
        aliases=(Name("NORTH KOREA'S FOREIGN TRADE BANK"), Name("FTB", NameQuality.WEAK)),
        programs=("NPWMD", "DPRK3"),
        identifiers=(Identifier(IdentifierScheme.BIC, "FTBDKPPY", "KP", "SWIFT/BIC"),),
        countries=("KP",),
    ),
    ListEntry(
        entry_id="test:agrosoyuz",
        list_name="test",
        entry_type=EntryType.ORGANISATION,
        primary_name="COMMERCIAL BANK AGROSOYUZ",
        aliases=(Name("LLC COMMERCIAL BANK AGROSOYUZ"),),
        programs=("DPRK4",),
        identifiers=(
            Identifier(IdentifierScheme.BIC, "AGSZRU31", "RU", "SWIFT/BIC"),
            Identifier(IdentifierScheme.BIC, "AGSZRU33", "RU", "SWIFT/BIC"),
        ),
        countries=("RU",),
    ),
    ListEntry(
        entry_id="test:timer",
        list_name="test",
        entry_type=EntryType.ORGANISATION,
        primary_name="TIMER BANK, AO",
        programs=("DPRK3", "RUSSIA-EO14024"),
        identifiers=(Identifier(IdentifierScheme.LEI, "2534006KGFLPAAXC1X76", None, "Legal Entity Number"),),
        countries=("RU",),
    ),
    ListEntry(
        entry_id="test:kkbc",
        list_name="test",
        entry_type=EntryType.ORGANISATION,
        primary_name="KOREA KWANGSON BANKING CORP",
        programs=("NPWMD",),
        countries=("KP",),
    ),
    ListEntry(
        entry_id="test:nikulin",
        list_name="test",
        entry_type=EntryType.PERSON,
        primary_name="NIKULIN, Dmitry Yuryevich",
        programs=("DPRK3", "RUSSIA-EO14024"),
        countries=("RU",),
        birth_dates=("1975-02-20",),
    ),
)


@pytest.fixture(scope="module")
def state() -> ScreeningState:
    return ScreeningState(index=ListIndex.build(ENTRIES), ownership=None, list_version="test@1")


def _payment(**fields: Any) -> Payment:
    """A clean payment with `fields` replaced."""
    base: dict[str, Any] = {
        "payment_id": "p-1",
        "created_at": "2024-10-01T09:00:00Z",
        "amount": "100.00",
        "currency": "EUR",
        "debtor": Party(name="Acme Maschinenbau GmbH", country="DE"),
        "creditor": Party(name="Nordic Timber AB", country="SE"),
        "debtor_agent": Agent(bic="DEUTDEFF", name="Deutsche Bank AG"),
        "creditor_agent": Agent(bic="ESSESESS"),
        "remittance_info": "Invoice 2024-1187 timber delivery",
    }
    base.update(fields)
    return Payment(**base)


def _screen(payment: Payment, state: ScreeningState, threshold: float = DEFAULT_THRESHOLD) -> Decision:
    return screen_payment(payment, state, threshold=threshold, screened_at=SCREENED_AT)


def _found(decision: Decision) -> set[tuple[str, str, str]]:
    return {(hit.role, hit.entry_id, hit.reason) for hit in decision.hits}


def test_clean_payment_passes(state: ScreeningState) -> None:
    decision = _screen(_payment(), state)
    assert decision.decision == "pass"
    assert decision.hits == []
    assert decision.alert_id is None


@pytest.mark.parametrize("role", ["debtor", "creditor", "ultimate_debtor", "ultimate_creditor"])
def test_every_party_role_is_screened_by_name(role: str, state: ScreeningState) -> None:
    decision = _screen(_payment(**{role: Party(name="Commercial Bank Agrosoyuz", country="RU")}), state)
    assert decision.decision == "alert"
    assert _found(decision) == {(role, "test:agrosoyuz", "name")}
    hit = decision.hits[0]
    assert hit.query == "Commercial Bank Agrosoyuz"
    assert hit.entry_name == "COMMERCIAL BANK AGROSOYUZ"
    assert hit.matched_name in {"COMMERCIAL BANK AGROSOYUZ", "LLC COMMERCIAL BANK AGROSOYUZ"}
    assert (hit.list, hit.programs) == ("test", ["DPRK4"])
    assert DEFAULT_THRESHOLD <= hit.score <= 1.0
    assert hit.explanation


def test_reordered_name_with_legal_form_hits(state: ScreeningState) -> None:
    decision = _screen(_payment(creditor=Party(name="Agrosoyuz Commercial Bank LLC")), state)
    assert ("creditor", "test:agrosoyuz", "name") in _found(decision)


def test_person_with_birth_date_is_screened_as_person(state: ScreeningState) -> None:
    same_birth = _screen(
        _payment(debtor=Party(name="Dmitry Yuryevich Nikulin", birth_date="1975-02-20")), state
    )
    other_birth = _screen(
        _payment(debtor=Party(name="Dmitry Yuryevich Nikulin", birth_date="1990-07-01")), state
    )
    assert ("debtor", "test:nikulin", "name") in _found(same_birth)
    best_same = max(h.score for h in same_birth.hits if h.entry_id == "test:nikulin")
    best_other = max((h.score for h in other_birth.hits if h.entry_id == "test:nikulin"), default=0.0)
    assert best_other < best_same  # the birth date is a qualifier, not ignored


@pytest.mark.parametrize("role", ["debtor_agent", "creditor_agent"])
def test_agent_bic_is_an_exact_identifier_hit(role: str, state: ScreeningState) -> None:
    decision = _screen(_payment(**{role: Agent(bic="AGSZRU33XXX")}), state)
    assert _found(decision) == {(role, "test:agrosoyuz", "identifier")}
    hit = decision.hits[0]
    assert (hit.query, hit.score, hit.matched_name) == ("AGSZRU33XXX", 1.0, "BIC AGSZRU33")
    assert "AGSZRU33" in hit.explanation


def test_bic_in_an_intermediary_agent(state: ScreeningState) -> None:
    agents = [Agent(bic="BKCHCNBJ"), Agent(bic="FTBDKPPY")]
    decision = _screen(_payment(intermediary_agents=agents), state)
    assert _found(decision) == {("intermediary_agent", "test:ftb", "identifier")}


def test_lei_of_a_party_and_of_an_agent(state: ScreeningState) -> None:
    party = _screen(_payment(creditor=Party(name="Kazan Motors", lei="2534006kgflpaaxc1x76")), state)
    assert _found(party) == {("creditor", "test:timer", "identifier")}
    agent = _screen(_payment(debtor_agent=Agent(lei="2534006KGFLPAAXC1X76")), state)
    assert _found(agent) == {("debtor_agent", "test:timer", "identifier")}


def test_agent_name_is_screened_as_organisation(state: ScreeningState) -> None:
    decision = _screen(_payment(creditor_agent=Agent(name="Korea Kwangson Banking Corporation")), state)
    assert _found(decision) == {("creditor_agent", "test:kkbc", "name")}


def test_name_hidden_in_remittance_text(state: ScreeningState) -> None:
    text = "Payment on behalf of Korea Kwangson Banking Corp for invoice 88-A"
    decision = _screen(_payment(remittance_info=text), state)
    assert ("remittance_info", "test:kkbc", "remittance") in _found(decision)
    hit = next(h for h in decision.hits if h.entry_id == "test:kkbc")
    assert hit.query == text


def test_purpose_text_is_scanned(state: ScreeningState) -> None:
    decision = _screen(_payment(purpose="Loan repayment to Commercial Bank Agrosoyuz"), state)
    assert ("purpose", "test:agrosoyuz", "remittance") in _found(decision)


def test_same_role_and_entry_keeps_the_best_evidence(state: ScreeningState) -> None:
    agent = Agent(bic="FTBDKPPY", name="Foreign Trade Bank of the Democratic People's Republic of Korea")
    decision = _screen(_payment(debtor_agent=agent), state)
    assert _found(decision) == {("debtor_agent", "test:ftb", "identifier")}
    # Two intermediaries naming the same bank give one hit for the role.
    twice = _screen(_payment(intermediary_agents=[Agent(bic="FTBDKPPY"), Agent(bic="FTBDKPPYXXX")]), state)
    assert [h.entry_id for h in twice.hits] == ["test:ftb"]


def test_hits_follow_the_payment_layout(state: ScreeningState) -> None:
    payment = _payment(
        remittance_info="for Korea Kwangson Banking Corp",
        creditor_agent=Agent(bic="AGSZRU31"),
        intermediary_agents=[Agent(bic="FTBDKPPY")],
        debtor=Party(name="Dmitry Yuryevich Nikulin", birth_date="1975-02-20"),
    )
    roles = list(dict.fromkeys(hit.role for hit in _screen(payment, state).hits))
    assert roles == ["debtor", "intermediary_agent", "creditor_agent", "remittance_info"]


def test_alert_id_is_deterministic_and_independent_of_discovery_order(state: ScreeningState) -> None:
    forward = _payment(intermediary_agents=[Agent(bic="FTBDKPPY"), Agent(bic="AGSZRU31")])
    backward = _payment(intermediary_agents=[Agent(bic="AGSZRU31"), Agent(bic="FTBDKPPY")])
    first, again, reordered = _screen(forward, state), _screen(forward, state), _screen(backward, state)
    assert first.alert_id is not None
    assert first.alert_id == again.alert_id == reordered.alert_id
    assert first.hits == reordered.hits
    assert first.alert_id == make_alert_id("p-1", first.hits)
    other_payment = _screen(
        _payment(payment_id="p-2", intermediary_agents=forward.intermediary_agents), state
    )
    assert other_payment.alert_id != first.alert_id


def test_threshold_filters_names_but_never_identifiers(state: ScreeningState) -> None:
    payment = _payment(
        creditor=Party(name="Comercial Bank Agrosoyus"),  # two typos: a fuzzy hit below 1.0
        intermediary_agents=[Agent(bic="FTBDKPPY")],
    )
    lenient = _screen(payment, state)
    assert ("creditor", "test:agrosoyuz", "name") in _found(lenient)
    fuzzy_score = next(h.score for h in lenient.hits if h.role == "creditor")
    assert fuzzy_score < 1.0
    strict = _screen(payment, state, threshold=(fuzzy_score + 1.0) / 2)
    assert _found(strict) == {("intermediary_agent", "test:ftb", "identifier")}


def test_decision_carries_every_contract_field(state: ScreeningState) -> None:
    decision = _screen(_payment(payment_id="p-9", intermediary_agents=[Agent(bic="FTBDKPPY")]), state)
    assert decision.payment_id == "p-9"
    assert decision.screened_at == SCREENED_AT
    assert decision.list_version == "test@1"
    assert decision.algorithm == ALGORITHM
    document = json.loads(encode_decision(decision))
    jsonschema.validate(document, published_schemas()["alert.schema.json"])
    hit = document["hits"][0]
    assert set(hit) >= {
        "role",
        "query",
        "entry_id",
        "entry_name",
        "matched_name",
        "list",
        "programs",
        "score",
        "reason",
        "explanation",
    }


def test_screening_is_pure(state: ScreeningState) -> None:
    payment = _payment(creditor=Party(name="Commercial Bank Agrosoyuz"))
    assert _screen(payment, state) == _screen(payment, state)
    assert len(state.index.entries) == len(ENTRIES)


@pytest.fixture(scope="module")
def owned_state(fixtures_dir: Path) -> ScreeningState:
    index = ListIndex.build(ENTRIES)
    graph = load_ownership([fixtures_dir / "payments" / "screen_ownership.csv"])
    ownership = OwnershipState.build(graph, index, Regime.OFAC, threshold=DEFAULT_THRESHOLD)
    return ScreeningState(index=index, ownership=ownership, list_version="test@1")


def test_ownership_hit_by_party_id_carries_the_path(owned_state: ScreeningState) -> None:
    party = Party(name="Sunrise Logistics LLC", id="co-sunrise-logistics")
    decision = _screen(_payment(creditor=party), owned_state)
    assert _found(decision) == {("creditor", "test:ftb", "ownership")}
    hit = decision.hits[0]
    assert hit.query == "Sunrise Logistics LLC"
    assert hit.entry_name.startswith("FOREIGN TRADE BANK")
    assert len(hit.ownership_path) == 2
    assert "-60%->" in hit.ownership_path[0] and hit.ownership_path[0].startswith("FOREIGN TRADE BANK")
    assert "-50%->" in hit.ownership_path[1] and hit.ownership_path[1].endswith("SUNRISE LOGISTICS LLC")
    assert hit.explanation.startswith("owned_by_listed_entity: ")
    assert 0.0 < hit.score <= 1.0


def test_no_ownership_hit_below_control_or_without_an_id(owned_state: ScreeningState) -> None:
    minority = _screen(_payment(debtor=Party(name="Minority Stake LLC", id="co-minority")), owned_state)
    assert minority.decision == "pass"  # 30% is not control under the 50% rule
    no_id = _screen(_payment(creditor=Party(name="Sunrise Logistics LLC")), owned_state)
    assert no_id.decision == "pass"  # the name alone is not listed; the id links to the tables


_names = st.sampled_from(
    [
        "Commercial Bank Agrosoyuz",
        "Korea Kwangson Banking Corp",
        "Nordic Timber AB",
        "Dmitry Nikulin",
        "",
        " ",
        "A",
        "Коммерческий банк Агросоюз",
        "ООО Ромашка",
        "北京贸易有限公司",
    ]
) | st.text(max_size=40)
_bics = st.sampled_from(["FTBDKPPY", "AGSZRU31XXX", "DEUTDEFF", "agszru33"])
_random_parties = st.builds(
    Party,
    name=st.none() | _names,
    id=st.none() | st.sampled_from(["co-sunrise-logistics", "co-minority", "x"]),
    lei=st.none() | st.sampled_from(["2534006KGFLPAAXC1X76", "bad lei"]),
    birth_date=st.none() | st.sampled_from(["1975-02-20", "1975", "not a date"]),
)
_random_agents = st.builds(Agent, bic=st.none() | _bics, name=st.none() | _names)


@settings(max_examples=60, deadline=None)
@given(
    debtor=_random_parties,
    creditor=_random_parties,
    agents=st.lists(_random_agents, max_size=3),
    remittance=st.none() | _names,
)
def test_any_payment_screens_within_the_contract(
    owned_state: ScreeningState, debtor: Party, creditor: Party, agents: list[Agent], remittance: str | None
) -> None:
    payment = _payment(
        debtor=debtor, creditor=creditor, intermediary_agents=agents, remittance_info=remittance
    )
    decision = _screen(payment, owned_state)
    assert (decision.decision == "alert") == bool(decision.hits) == (decision.alert_id is not None)
    keys = [(h.role, h.entry_id) for h in decision.hits]
    assert len(keys) == len(set(keys))
    for hit in decision.hits:
        assert 0.0 <= hit.score <= 1.0
        assert hit.reason == "identifier" or hit.score >= DEFAULT_THRESHOLD
        assert hit.explanation and hit.entry_id in owned_state.index.entries
