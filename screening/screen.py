"""Screen one payment: every party, agent and free-text field against the loaded lists.

`screen_payment` is pure (no I/O, no clock, no globals): the same payment, state, threshold and
`screened_at` always give the same `Decision`, so the stream workers and the offline command
share it and an alert can be reproduced later from the list version it names. The state
remembers match results per distinct query (its index never changes), which only saves time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz.fuzz import partial_ratio_alignment

from schemas.decision import Decision, Hit, Reason, Role, make_alert_id
from schemas.payment import Agent, Party, Payment
from screening.identifiers import normalise_identifier
from screening.model import IdentifierScheme, ListEntry
from screening.names import MAX_NAME_TOKENS, lookalike_form, organisation_legal_form, visual_form

if TYPE_CHECKING:
    from screening.index import ListIndex
    from screening.match import NameMatch, PartyKind
    from screening.ownership import OwnershipFinding, OwnershipState

__all__ = ["ALGORITHM", "MAX_HITS_PER_FIELD", "ScreeningState", "party_kind", "screen_payment"]

# Written into every decision so an alert names the rules that produced it; bump the suffix
# whenever roles screened, hit de-duplication or scoring inputs change.
ALGORITHM = "paymon-match-v2"

# At most this many listed entries are reported for one screened name or text. Ten is what an
# analyst reviews on one screen; more candidates for one field mean the query is too vague to
# be useful anyway, and the best ones are kept (match_name returns best first).
MAX_HITS_PER_FIELD = 10

# Comparing one word costs time that grows with the square of its length (measured: a 100,000
# character word took 10 s to scan). No listed name has a word near this long (the longest,
# run-together transliterations, are ~30 characters), so a longer word is screened cut into
# pieces of this length: the cost stays linear and every character is still screened.
MAX_WORD_CHARS = 64
_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")

# A hit on free text quotes at most this many characters around the name found (an analyst
# reads the sentence it stands in; the whole field may be hundreds of KB).
QUOTE_CHARS = 300

# An identifier (BIC, LEI) is compared exactly after normalisation: a match is certain.
IDENTIFIER_SCORE = 1.0

# Order of roles in a decision: the payment's parties first, then its banks, then free text,
# so the reviewer reads the alert in the order the payment is laid out.
_ROLE_ORDER: dict[str, int] = {
    role: rank
    for rank, role in enumerate(
        (
            "debtor",
            "ultimate_debtor",
            "creditor",
            "ultimate_creditor",
            "debtor_agent",
            "intermediary_agent",
            "creditor_agent",
            "remittance_info",
            "purpose",
        )
    )
}

# When one role hits the same entry for several reasons with equal scores, the most conclusive
# reason is kept: an exact identifier beats a name, a name beats text found in a sentence, and
# an ownership inference comes last because it depends on the ownership tables.
_REASON_RANK: dict[str, int] = {"identifier": 0, "name": 1, "remittance": 2, "ownership": 3}

_PARTY_ROLES: tuple[Role, ...] = ("debtor", "creditor", "ultimate_debtor", "ultimate_creditor")

# Distinct name / text queries whose matches one state remembers. Payment streams repeat the
# same counterparties, banks and standing-order texts over and over (a bank's own customers and
# correspondents), and the index is immutable, so a remembered answer is exactly the answer.
# 200,000 results (mostly empty, a few hundred bytes each) stay within tens of MB; when full
# the memo is emptied rather than managed as an LRU, which keeps the hit path one dict lookup.
MEMO_SIZE = 200_000

_MemoKey = tuple[str, str, str | None, str | None, float]


@dataclass(frozen=True, slots=True)
class ScreeningState:
    """Everything one worker screens against: the list index, the ownership state built on the
    same index (or None when no ownership tables are loaded), and the version string of the
    loaded lists that every decision records. Immutable: a list update builds a new state (with
    an empty memo, so no answer from an old index is ever reused)."""

    index: ListIndex
    ownership: OwnershipState | None
    list_version: str
    # Remembered match results for this index (see MEMO_SIZE); never part of equality.
    _memo: dict[_MemoKey, tuple[NameMatch, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def match_name(
        self, query: str, kind: PartyKind, country: str | None, birth_date: str | None, threshold: float
    ) -> tuple[NameMatch, ...]:
        """`index.match_name` with the screening limits, remembered per distinct query."""
        key = (query, kind, country, birth_date, threshold)
        found = self._memo.get(key)
        if found is None:
            found = tuple(
                self.index.match_name(
                    query,
                    kind=kind,
                    country=country,
                    birth_date=birth_date,
                    threshold=threshold,
                    limit=MAX_HITS_PER_FIELD,
                )
            )
            self._remember(key, found)
        return found

    def scan_text(self, text: str, threshold: float) -> tuple[NameMatch, ...]:
        """`index.scan_text` with the screening limits, remembered per distinct text."""
        key = (text, "text", None, None, threshold)
        found = self._memo.get(key)
        if found is None:
            found = tuple(self.index.scan_text(text, threshold=threshold, limit=MAX_HITS_PER_FIELD))
            self._remember(key, found)
        return found

    def _remember(self, key: _MemoKey, found: tuple[NameMatch, ...]) -> None:
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = found


def screen_payment(
    payment: Payment, state: ScreeningState, *, threshold: float, screened_at: str
) -> Decision:
    """Screen every party, agent and free-text field of `payment` against `state`.

    Guarantees: pure and deterministic; every hit has a score in [0, 1] at or above `threshold`
    (identifier hits score 1.0; an ownership hit scores its root owner's list match), carries its
    explanation, and appears once per (role, entry)
    with its best evidence; hits are ordered by role (payment layout), then score descending,
    then entry id; `decision` is "alert" with a deterministic `alert_id` exactly when there is at
    least one hit, else "pass" with `alert_id` None.
    """
    found = list(_screen_parties(payment, state, threshold))
    found.extend(_screen_agents(payment, state, threshold))
    found.extend(_screen_texts(payment, state, threshold))
    hits = _best_per_role_and_entry(found)
    return Decision(
        payment_id=payment.payment_id,
        decision="alert" if hits else "pass",
        hits=hits,
        alert_id=make_alert_id(payment.payment_id, hits) if hits else None,
        screened_at=screened_at,
        list_version=state.list_version,
        algorithm=ALGORITHM,
    )


def _screen_parties(payment: Payment, state: ScreeningState, threshold: float) -> Iterator[Hit]:
    """Name, LEI and ownership hits for the debtor, creditor and ultimate parties."""
    parties = (payment.debtor, payment.creditor, payment.ultimate_debtor, payment.ultimate_creditor)
    for role, party in zip(_PARTY_ROLES, parties, strict=True):
        if party is None:
            continue
        if party.name and party.name.strip():
            kind = party_kind(party.name, party.birth_date)
            for form in _forms(party.name):
                matches = state.match_name(form, kind, _party_country(party), party.birth_date, threshold)
                yield from _name_hits(role, party.name, matches, reason="name")
                yield from _long_name_hits(role, form, state, threshold)
        if party.lei:
            yield from _identifier_hits(role, state, IdentifierScheme.LEI, party.lei)
        if state.ownership is not None and (party.id or party.lei):
            finding = state.ownership.lookup(party.id, party.lei)
            # The finding's score is how well the root owner matched the list: a fuzzy owner
            # match below the caller's threshold is no more certain than a fuzzy name hit.
            if finding is not None and finding.score >= threshold:
                yield _ownership_hit(role, party, finding)


def party_kind(name: str, birth_date: str | None) -> PartyKind:
    """The kind a payment party named `name` is screened as: `person` when it has a birth date,
    `organisation` when its name carries a legal form only an organisation has (`Ltd`, `GmbH`,
    `ООО`, `有限公司`: `names.organisation_legal_form`), else `any`. A sole trader (`ИП`, `e.K.`,
    `trading as`) and a name whose only legal form may be a word of a person's name (`SA`, `NA`)
    stay `any`: restricting the kind of a party that may be a person would miss a listed person
    paid by name."""
    if birth_date:
        return "person"
    return "organisation" if organisation_legal_form(name) is not None else "any"


def _screen_agents(payment: Payment, state: ScreeningState, threshold: float) -> Iterator[Hit]:
    """BIC and LEI (exact) and name (fuzzy, as an organisation) hits for every bank in the chain."""
    agents: list[tuple[Role, Agent]] = []
    if payment.debtor_agent is not None:
        agents.append(("debtor_agent", payment.debtor_agent))
    agents.extend(("intermediary_agent", agent) for agent in payment.intermediary_agents)
    if payment.creditor_agent is not None:
        agents.append(("creditor_agent", payment.creditor_agent))
    for role, agent in agents:
        if agent.bic:
            yield from _identifier_hits(role, state, IdentifierScheme.BIC, agent.bic)
        if agent.lei:
            yield from _identifier_hits(role, state, IdentifierScheme.LEI, agent.lei)
        if agent.name and agent.name.strip():
            for form in _forms(agent.name):
                matches = state.match_name(form, "organisation", agent.country, None, threshold)
                yield from _name_hits(role, agent.name, matches, reason="name")
                yield from _long_name_hits(role, form, state, threshold)


def _screen_texts(payment: Payment, state: ScreeningState, threshold: float) -> Iterator[Hit]:
    """Listed names hidden in the remittance information and the purpose."""
    texts: tuple[tuple[Role, str | None], ...] = (
        ("remittance_info", payment.remittance_info),
        ("purpose", payment.purpose),
    )
    for role, text in texts:
        if text and text.strip():
            for form in _forms(text):
                yield from _text_hits(role, form, state.scan_text(form, threshold), reason="remittance")


def _forms(text: str) -> tuple[str, ...]:
    """The forms of a screened field to match: as stored (words cut to `MAX_WORD_CHARS`) and,
    when it could fool a reader, as the reader sees it (`screening.names.visual_form`,
    `lookalike_form`)."""
    stored = _LONG_WORD.sub(_cut_word, text) if _LONG_WORD.search(text) else text
    displayed = visual_form(stored)
    latin = lookalike_form(displayed or stored)
    return tuple(dict.fromkeys(form for form in (stored, displayed, latin) if form is not None))


def _cut_word(word: re.Match[str]) -> str:
    """A word longer than any listed name's, cut into `MAX_WORD_CHARS` pieces."""
    text = word.group()
    return " ".join(text[i : i + MAX_WORD_CHARS] for i in range(0, len(text), MAX_WORD_CHARS))


def _long_name_hits(role: Role, name: str, state: ScreeningState, threshold: float) -> Iterator[Hit]:
    """A name of more words than a name comparison weighs is also scanned as text, so a listed
    name padded with other words is found where it stands rather than diluted away."""
    if len(name.split()) > MAX_NAME_TOKENS:
        yield from _text_hits(role, name, state.scan_text(name, threshold), reason="name")


def _text_hits(role: Role, text: str, matches: Iterable[NameMatch], *, reason: Reason) -> Iterator[Hit]:
    """One hit per listed name found in `text`, quoting only the window where it stands."""
    for match in matches:
        yield _hit(
            role,
            quote_window(text, match.matched_name),
            match.entry,
            matched_name=match.matched_name,
            score=match.score,
            reason=reason,
            explanation=match.explanation,
        )


def quote_window(text: str, found: str) -> str:
    """The part of `text` an alert quotes for a name found in it: the whole text up to
    `QUOTE_CHARS`, else the `QUOTE_CHARS` around the best alignment of `found` (marked with `…`
    where cut), so a decision stays small however long the field is."""
    if len(text) <= QUOTE_CHARS:
        return text
    aligned = partial_ratio_alignment(found.casefold(), text.casefold())
    middle = (aligned.dest_start + aligned.dest_end) // 2 if aligned is not None else 0
    start = max(0, min(middle - QUOTE_CHARS // 2, len(text) - QUOTE_CHARS))
    end = start + QUOTE_CHARS
    return ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")


def _party_country(party: Party) -> str | None:
    """The party's country: its own, else its address's (both ISO 3166 alpha-2)."""
    if party.country:
        return party.country
    if party.address is not None:
        return party.address.country
    return None


def _name_hits(role: Role, query: str, matches: Iterable[NameMatch], *, reason: Reason) -> Iterator[Hit]:
    """One hit per name match, carrying the matcher's own explanation."""
    for match in matches:
        yield _hit(
            role,
            query,
            match.entry,
            matched_name=match.matched_name,
            score=match.score,
            reason=reason,
            explanation=match.explanation,
        )


def _identifier_hits(
    role: Role, state: ScreeningState, scheme: IdentifierScheme, value: str
) -> Iterator[Hit]:
    """One certain hit per listed entry carrying this BIC / LEI (exact after normalisation)."""
    for entry in state.index.match_identifier(scheme, value):
        listed = _listed_identifier(entry, scheme, value)
        yield _hit(
            role,
            value,
            entry,
            matched_name=f"{scheme.value.upper()} {listed}",
            score=IDENTIFIER_SCORE,
            reason="identifier",
            explanation=f"identifier_match: {scheme.value.upper()} {value} is listed as {listed} "
            f"for {entry.primary_name}",
        )


def _listed_identifier(entry: ListEntry, scheme: IdentifierScheme, value: str) -> str:
    """The entry's own spelling of the identifier that matched (a BIC8 query can match a BIC11)."""
    wanted = normalise_identifier(value)
    candidates = [ident.value for ident in entry.identifiers if ident.scheme == scheme]
    for listed in candidates:
        form = normalise_identifier(listed)
        if form == wanted or form.startswith(wanted[:8]) or wanted.startswith(form):
            return listed
    return candidates[0] if candidates else wanted


def _ownership_hit(role: Role, party: Party, finding: OwnershipFinding) -> Hit:
    """A hit on the sanctioned owner at the root of the party's ownership chain."""
    owner_name = finding.owner_match.matched_name if finding.owner_match else finding.entry.primary_name
    return _hit(
        role,
        party.name or party.id or party.lei or "",
        finding.entry,
        matched_name=owner_name,
        score=finding.score,
        reason="ownership",
        explanation=f"owned_by_listed_entity: {finding.explanation}",
        ownership_path=list(finding.path),
    )


def _hit(
    role: Role,
    query: str,
    entry: ListEntry,
    *,
    matched_name: str,
    score: float,
    reason: Reason,
    explanation: str,
    ownership_path: list[str] | None = None,
) -> Hit:
    """A contract `Hit` for one listed entry; the score (already rounded where it was made,
    `ScreeningParams.clamp_score`) is kept within [0, 1]."""
    return Hit(
        role=role,
        query=query,
        entry_id=entry.entry_id,
        entry_name=entry.primary_name,
        matched_name=matched_name,
        list=entry.list_name,
        programs=list(entry.programs),
        score=min(1.0, max(0.0, score)),
        reason=reason,
        explanation=explanation,
        ownership_path=ownership_path or [],
        authorities=list(entry.authority_codes()),
        datasets=list(entry.datasets),
    )


def _best_per_role_and_entry(hits: Iterable[Hit]) -> list[Hit]:
    """Keep the best hit per (role, entry) and order them deterministically."""
    best: dict[tuple[str, str], Hit] = {}
    for hit in hits:
        key = (hit.role, hit.entry_id)
        kept = best.get(key)
        if kept is None or _preference(hit) < _preference(kept):
            best[key] = hit
    return sorted(best.values(), key=lambda h: (_ROLE_ORDER[h.role], -h.score, h.entry_id, h.query))


def _preference(hit: Hit) -> tuple[float, int, str, str]:
    """Sort key among hits on the same role and entry: highest score, most conclusive reason,
    then text, so the kept hit never depends on the order the hits were found in."""
    return (-hit.score, _REASON_RANK[hit.reason], hit.query, hit.matched_name)
