"""ISO 20022 pacs.008 (FI-to-FI customer credit transfer) XML -> paymon payment events.

Reads versions .001.07 and .001.08 (and older ones such as SEPA's .001.02, whose agents carry
`BIC` instead of `BICFI`), bare `<Document>` or wrapped in an envelope with a business
application header (`<AppHdr>` + `<Document>`), in any namespace: elements are matched by local
name only. One `Payment` per `CdtTrfTxInf`.

Field mapping (element paths relative to `CdtTrfTxInf` unless noted):

- `payment_id`: `PmtId/UETR` when present (SWIFT gpi's end-to-end tracking reference, unique
  per transaction by design), else `PmtId/TxId` (unique per instructing agent), else
  `PmtId/EndToEndId` (set by the originator, may be `NOTPROVIDED`, which is skipped).
- `created_at`: `GrpHdr/CreDtTm` of the message; ISO 20022 allows a local time without offset,
  which is recorded as UTC (`Z` appended) because the contract requires RFC 3339.
- `amount`, `currency`: `IntrBkSttlmAmt` and its `Ccy` attribute.
- parties `Dbtr`, `Cdtr`, `UltmtDbtr`, `UltmtCdtr`: `Nm`; `PstlAdr` (`StrtNm`, `BldgNb`, `PstCd`,
  `TwnNm`, `Ctry`, `AdrLine`*); `country` from `CtryOfRes`, else the address country; `lei` from
  `Id/OrgId/LEI` (or an `Othr` id whose scheme is LEI); `id` (the ownership-table key) from the
  first `Id/OrgId/Othr/Id` or `Id/PrvtId/Othr/Id`; `birth_date` from
  `Id/PrvtId/DtAndPlcOfBirth/BirthDt`; `account` from `DbtrAcct`/`CdtrAcct` `Id/IBAN` or
  `Id/Othr/Id`.
- agents `DbtrAgt`, `CdtrAgt`, `IntrmyAgt1..3` (`FinInstnId`): `BICFI`, `Nm`, `LEI`; `country`
  from `PstlAdr/Ctry`, else characters 5-6 of the BIC (the ISO country of the institution).
  `intermediary_agents` also carries every other bank the transaction names (`PrvsInstgAgt1..3`,
  `InstgAgt`, `InstdAgt`, the group header's agents, `ChrgsInf/Agt`), each once, so a listed
  bank anywhere in the chain is screened; agents identified only by a clearing member id (no
  BIC, name or LEI) carry nothing to screen and are left out.
- `remittance_info`: every `RmtInf/Ustrd`, then the text of every `RmtInf/Strd` leaf, joined by
  spaces (names can hide in invoice references and invoicee names).
- `purpose`: `Purp/Cd` or `Purp/Prtry`.

Every payment goes through the same validation as a JSON event, so a bad value is reported
with the element it came from.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgspec
from lxml import etree

from schemas.payment import Payment

__all__ = ["Pacs008Error", "parse_pacs008"]

# EndToEndId value the standard prescribes when the originator gave none: not an identifier.
_NOT_PROVIDED = "NOTPROVIDED"

_PARTY_ELEMENTS = (
    ("debtor", "Dbtr", "DbtrAcct"),
    ("creditor", "Cdtr", "CdtrAcct"),
    ("ultimate_debtor", "UltmtDbtr", None),
    ("ultimate_creditor", "UltmtCdtr", None),
)

# Payment field -> pacs.008 element, to name the element when a value fails validation.
_FIELD_ELEMENTS = {
    "payment_id": "PmtId/UETR|TxId|EndToEndId",
    "created_at": "GrpHdr/CreDtTm",
    "amount": "IntrBkSttlmAmt",
    "currency": "IntrBkSttlmAmt/@Ccy",
    "debtor": "Dbtr",
    "creditor": "Cdtr",
    "ultimate_debtor": "UltmtDbtr",
    "ultimate_creditor": "UltmtCdtr",
    "debtor_agent": "DbtrAgt/FinInstnId",
    "creditor_agent": "CdtrAgt/FinInstnId",
    "intermediary_agents": "IntrmyAgt1..3/FinInstnId",
}


class Pacs008Error(ValueError):
    """A pacs.008 message that cannot be turned into payments; the message names the element."""


def parse_pacs008(source: bytes | Path) -> list[Payment]:
    """Parse one pacs.008 message (bytes, or a path to a file) into payments.

    Guarantees: one validated `Payment` per `CdtTrfTxInf`, in document order; raises
    `Pacs008Error` naming the file (for a path), the transaction and the missing or invalid
    element, never a bare lxml or msgspec error. External entities and network access are
    disabled while parsing.
    """
    origin = str(source) if isinstance(source, Path) else "pacs.008 message"
    try:
        data = source.read_bytes() if isinstance(source, Path) else source
    except OSError as exc:
        raise Pacs008Error(f"{origin}: cannot read: {exc.strerror or exc}") from exc
    # No entity resolution or network access: payment files come from outside.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise Pacs008Error(f"{origin}: not well-formed XML: {exc}") from exc
    transfers = [el for el in root.iter() if _local(el) == "FIToFICstmrCdtTrf"]
    if not transfers:
        raise Pacs008Error(f"{origin}: no FIToFICstmrCdtTrf element: not a pacs.008 message")
    payments: list[Payment] = []
    for transfer in transfers:
        created_at = _created_at(transfer, origin)
        header = _child(transfer, "GrpHdr")
        group_agents = (
            []
            if header is None
            else [el for el in (_child(header, "InstgAgt"), _child(header, "InstdAgt")) if el is not None]
        )
        transactions = _children(transfer, "CdtTrfTxInf")
        if not transactions:
            raise Pacs008Error(f"{origin}: FIToFICstmrCdtTrf has no CdtTrfTxInf element")
        for number, tx in enumerate(transactions, start=1):
            where = f"{origin}: CdtTrfTxInf #{number}"
            payments.append(_payment(tx, created_at, group_agents, where))
    return payments


def _payment(tx: etree._Element, created_at: str, group_agents: list[etree._Element], where: str) -> Payment:
    """One validated payment from one `CdtTrfTxInf`."""
    payment_id = _payment_id(tx, where)
    where = f"{where} ({payment_id})"
    amount_el = _required(tx, "IntrBkSttlmAmt", where)
    currency = amount_el.get("Ccy")
    if not currency:
        raise Pacs008Error(f"{where}: IntrBkSttlmAmt has no Ccy attribute")
    event: dict[str, Any] = {
        "payment_id": payment_id,
        "created_at": created_at,
        "amount": _text(amount_el),
        "currency": currency,
    }
    for field, element, account_element in _PARTY_ELEMENTS:
        party_el = _child(tx, element)
        if party_el is None:
            if field in ("debtor", "creditor"):
                raise Pacs008Error(f"{where}: missing required element {element}")
            continue
        account_el = _child(tx, account_element) if account_element else None
        event[field] = _party(party_el, account_el)
    for field, element in (("debtor_agent", "DbtrAgt"), ("creditor_agent", "CdtrAgt")):
        agent = _agent(_child(tx, element))
        if agent:
            event[field] = agent
    event["intermediary_agents"] = _chain_agents(tx, group_agents, event)
    remittance = _remittance(_child(tx, "RmtInf"))
    if remittance:
        event["remittance_info"] = remittance
    purpose_el = _child(tx, "Purp")
    if purpose_el is not None:
        purpose = _first_text(purpose_el, ("Cd",), ("Prtry",))
        if purpose:
            event["purpose"] = purpose
    try:
        return msgspec.convert(event, Payment)
    except msgspec.ValidationError as exc:
        raise Pacs008Error(f"{where}: {_name_element(str(exc))}") from exc


def _chain_agents(
    tx: etree._Element, group_agents: list[etree._Element], event: dict[str, Any]
) -> list[dict[str, Any]]:
    """`IntrmyAgt1..3`, then every other bank the transaction names, each once.

    The other banks (previous instructing agents, the instructing/instructed agents of this hop
    and of the group header, and agents taking charges) are screened like intermediaries: a
    listed bank anywhere in the chain is a hit, whatever its ISO role.
    """
    elements = [_child(tx, f"IntrmyAgt{n}") for n in (1, 2, 3)]
    elements += [_child(tx, f"PrvsInstgAgt{n}") for n in (1, 2, 3)]
    elements += [_child(tx, "InstgAgt"), _child(tx, "InstdAgt"), *group_agents]
    elements += [_child(charges, "Agt") for charges in _children(tx, "ChrgsInf")]
    # Banks already screened as debtor/creditor agent are not repeated.
    seen = [event[role] for role in ("debtor_agent", "creditor_agent") if role in event]
    agents: list[dict[str, Any]] = []
    for element in elements:
        agent = _agent(element)
        if agent and agent not in seen:
            seen.append(agent)
            agents.append(agent)
    return agents


def _payment_id(tx: etree._Element, where: str) -> str:
    """UETR, else TxId, else EndToEndId (see the module docstring for why this order)."""
    pmt_id = _required(tx, "PmtId", where)
    for name in ("UETR", "TxId", "EndToEndId"):
        value = _text(_child(pmt_id, name))
        if value and value != _NOT_PROVIDED:
            return value
    raise Pacs008Error(f"{where}: PmtId has none of UETR, TxId, EndToEndId")


def _created_at(transfer: etree._Element, origin: str) -> str:
    """`GrpHdr/CreDtTm`, with `Z` appended when the message gives no offset."""
    header = _child(transfer, "GrpHdr")
    value = _text(_child(header, "CreDtTm")) if header is not None else ""
    if not value:
        raise Pacs008Error(f"{origin}: missing required element GrpHdr/CreDtTm")
    has_offset = value.endswith(("Z", "z")) or (len(value) > 19 and value[-6] in "+-")
    return value if has_offset else value + "Z"


def _party(party_el: etree._Element, account_el: etree._Element | None) -> dict[str, Any]:
    """A contract Party from a `Dbtr`/`Cdtr`/`UltmtDbtr`/`UltmtCdtr` element."""
    party: dict[str, Any] = {}
    name = _text(_child(party_el, "Nm"))
    if name:
        party["name"] = name
    address = _address(_child(party_el, "PstlAdr"))
    if address:
        party["address"] = address
    country = _text(_child(party_el, "CtryOfRes")) or address.get("country", "")
    if country:
        party["country"] = country
    ident = _child(party_el, "Id")
    org = _child(ident, "OrgId") if ident is not None else None
    private = _child(ident, "PrvtId") if ident is not None else None
    lei = _text(_child(org, "LEI")) if org is not None else ""
    other_ids = [
        (_text(_child(other, "Id")), _scheme(other))
        for holder in (org, private)
        if holder is not None
        for other in _children(holder, "Othr")
    ]
    if not lei:
        lei = next((value for value, scheme in other_ids if scheme in ("LEI", "LEIC") and value), "")
    if lei:
        party["lei"] = lei
    party_id = next((value for value, scheme in other_ids if scheme not in ("LEI", "LEIC") and value), "")
    if party_id:
        party["id"] = party_id
    if private is not None:
        birth = _child(private, "DtAndPlcOfBirth")
        birth_date = _text(_child(birth, "BirthDt")) if birth is not None else ""
        if birth_date:
            party["birth_date"] = birth_date
    if account_el is not None:
        account_id = _child(account_el, "Id")
        if account_id is not None:
            account = _first_text(account_id, ("IBAN",), ("Othr", "Id"))
            if account:
                party["account"] = account
    return party


def _address(address_el: etree._Element | None) -> dict[str, Any]:
    """A contract PostalAddress (empty when absent)."""
    if address_el is None:
        return {}
    address: dict[str, Any] = {}
    for field, element in (
        ("street", "StrtNm"),
        ("building", "BldgNb"),
        ("postcode", "PstCd"),
        ("town", "TwnNm"),
        ("country", "Ctry"),
    ):
        value = _text(_child(address_el, element))
        if value:
            address[field] = value
    lines = [_text(line) for line in _children(address_el, "AdrLine")]
    if any(lines):
        address["lines"] = [line for line in lines if line]
    return address


def _agent(agent_el: etree._Element | None) -> dict[str, Any]:
    """A contract Agent from an agent element's `FinInstnId` (empty when absent)."""
    if agent_el is None:
        return {}
    institution = _child(agent_el, "FinInstnId")
    if institution is None:
        return {}
    agent: dict[str, Any] = {}
    for field, element in (("bic", "BICFI"), ("name", "Nm"), ("lei", "LEI")):
        value = _text(_child(institution, element))
        if value:
            agent[field] = value
    if "bic" not in agent:
        # Versions before .001.04 (SEPA still uses pacs.008.001.02) call the element `BIC`.
        legacy_bic = _text(_child(institution, "BIC"))
        if legacy_bic:
            agent["bic"] = legacy_bic
    country = _text(_child(_child(institution, "PstlAdr"), "Ctry"))
    if not country and len(agent.get("bic", "")) >= 6:
        # Characters 5-6 of a BIC are the ISO 3166 country of the institution.
        country = agent["bic"][4:6].upper()
    if country:
        agent["country"] = country
    return agent


def _remittance(remittance_el: etree._Element | None) -> str:
    """Unstructured remittance lines, then every structured leaf text, joined by spaces."""
    if remittance_el is None:
        return ""
    parts = [_text(line) for line in _children(remittance_el, "Ustrd")]
    for structured in _children(remittance_el, "Strd"):
        parts.extend(_text(leaf) for leaf in _leaves(structured))
    return " ".join(part for part in parts if part)


def _scheme(other_el: etree._Element) -> str:
    """The scheme code (or proprietary name) of an `Othr` identifier, upper-case."""
    scheme_el = _child(other_el, "SchmeNm")
    if scheme_el is None:
        return ""
    return _first_text(scheme_el, ("Cd",), ("Prtry",)).upper()


def _first_text(el: etree._Element, *paths: tuple[str, ...]) -> str:
    """The text at the first of `paths` (child local names) that has any."""
    for path in paths:
        node: etree._Element | None = el
        for name in path:
            node = _child(node, name)
        value = _text(node)
        if value:
            return value
    return ""


def _required(el: etree._Element, name: str, where: str) -> etree._Element:
    """The child `name` of `el`, or a `Pacs008Error` naming it."""
    child = _child(el, name)
    if child is None:
        raise Pacs008Error(f"{where}: missing required element {name}")
    return child


def _child(el: etree._Element | None, name: str) -> etree._Element | None:
    """The first child element with local name `name`, in any namespace."""
    if el is None:
        return None
    for child in el:
        if _local(child) == name:
            return child
    return None


def _children(el: etree._Element, name: str) -> list[etree._Element]:
    """Every child element with local name `name`, in document order."""
    return [child for child in el if _local(child) == name]


def _leaves(el: etree._Element) -> Iterator[etree._Element]:
    """Every descendant element without element children."""
    for node in el.iter():
        if isinstance(node.tag, str) and not any(isinstance(child.tag, str) for child in node):
            yield node


def _local(el: etree._Element) -> str:
    """An element's tag without its namespace ('' for comments and processing instructions)."""
    tag: object = el.tag  # a function, not a string, for comments and processing instructions
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def _text(el: etree._Element | None) -> str:
    """An element's own text, stripped ('' when absent)."""
    if el is None or el.text is None:
        return ""
    return el.text.strip()


def _name_element(message: str) -> str:
    """Rewrite a msgspec message's `$.field` path to also name the pacs.008 element."""
    marker = " - at `$."
    if marker not in message:
        return message
    field = message.split(marker, 1)[1].split("`", 1)[0]
    top = field.split(".", 1)[0].split("[", 1)[0]
    element = _FIELD_ELEMENTS.get(top)
    return f"{message} (element {element})" if element else message
