"""pacs.008 XML -> Payment: field mapping, envelopes, namespaces, errors, and the real samples."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.payment import Agent, Payment, decode_payment, encode_payment
from screening.pacs008 import Pacs008Error, parse_pacs008

MINIMAL_TX = """
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">
  <FIToFICstmrCdtTrf>
    <GrpHdr><MsgId>M</MsgId>{created}<NbOfTxs>1</NbOfTxs></GrpHdr>
    <CdtTrfTxInf>
      <PmtId><EndToEndId>E2E</EndToEndId></PmtId>
      {amount}
      {debtor}
      <Cdtr><Nm>Creditor Ltd</Nm></Cdtr>
    </CdtTrfTxInf>
  </FIToFICstmrCdtTrf>
</Document>
"""


def _minimal(
    created: str = "<CreDtTm>2024-01-01T00:00:00Z</CreDtTm>",
    amount: str = '<IntrBkSttlmAmt Ccy="EUR">1.00</IntrBkSttlmAmt>',
    debtor: str = "<Dbtr><Nm>Debtor Ltd</Nm></Dbtr>",
) -> bytes:
    return MINIMAL_TX.format(created=created, amount=amount, debtor=debtor).encode()


@pytest.fixture(scope="module")
def envelope_payments(fixtures_dir: Path) -> list[Payment]:
    return parse_pacs008(fixtures_dir / "payments" / "pacs008_v08_envelope_two_tx.xml")


def test_one_payment_per_transaction_in_document_order(envelope_payments: list[Payment]) -> None:
    assert [p.payment_id for p in envelope_payments] == ["0f1e2d3c-4b5a-4697-8877-665544332211", "FIX-TX-2"]


def test_header_amount_and_identifiers(envelope_payments: list[Payment]) -> None:
    first = envelope_payments[0]
    assert first.created_at == "2024-10-02T10:15:00+02:00"
    assert (first.amount, first.currency) == ("125000.50", "EUR")


def test_person_debtor_with_birth_date_address_residence_and_iban(envelope_payments: list[Payment]) -> None:
    debtor = envelope_payments[0].debtor
    assert debtor.name == "Anna Maria Schmidt"
    assert debtor.birth_date == "1980-04-17"
    assert debtor.country == "AT"  # CtryOfRes wins over the address country
    assert debtor.address is not None
    assert (debtor.address.street, debtor.address.building, debtor.address.postcode) == (
        "Hauptstrasse",
        "12",
        "10115",
    )
    assert (debtor.address.town, debtor.address.country) == ("Berlin", "DE")
    assert debtor.account == "DE89370400440532013000"


def test_creditor_address_lines_other_id_and_account(envelope_payments: list[Payment]) -> None:
    creditor = envelope_payments[0].creditor
    assert creditor.address is not None
    assert creditor.address.lines == ["Building 34, Shiwei Road", "Dandong, Liaoning"]
    assert creditor.country == "CN"
    assert creditor.id == "CN-REG-77881"
    assert creditor.account == "6222 0000 1111"


def test_ultimate_parties_and_lei(envelope_payments: list[Payment]) -> None:
    first = envelope_payments[0]
    assert first.ultimate_debtor is not None and first.ultimate_debtor.lei == "5299000EXAMPLE000042"
    assert first.ultimate_creditor is not None and first.ultimate_creditor.name == "Sunrise Logistics LLC"


def test_agents_bic_name_lei_and_country(envelope_payments: list[Payment]) -> None:
    first = envelope_payments[0]
    assert first.debtor_agent == Agent(bic="TESTDEFFXXX", name="Test Bank Frankfurt", country="DE")
    # The address country wins over the BIC's country letters.
    assert first.creditor_agent == Agent(bic="TESTCNBJ", lei="5299000TESTAGENT0007", country="HK")
    assert [a.bic for a in first.intermediary_agents] == ["INTRDEFF", "FTBDKPPY"]
    assert first.intermediary_agents[1].name == "Foreign Trade Bank"


def test_remittance_joins_unstructured_then_structured_text(envelope_payments: list[Payment]) -> None:
    assert envelope_payments[0].remittance_info == (
        "Invoice 77 steel pipes second line INV-77 Korea Kwangson Banking Corp"
    )


def test_purpose_code_or_proprietary(envelope_payments: list[Payment]) -> None:
    assert envelope_payments[0].purpose == "GDDS"
    assert envelope_payments[1].purpose == "SALARY-OCT"


def test_not_provided_end_to_end_id_is_skipped(envelope_payments: list[Payment]) -> None:
    assert envelope_payments[1].payment_id == "FIX-TX-2"


def test_prefixed_v07_local_time_lei_scheme_and_group_header_agent(fixtures_dir: Path) -> None:
    (payment,) = parse_pacs008(fixtures_dir / "payments" / "pacs008_v07_prefixed.xml")
    assert payment.payment_id == "FIX-E2E-3"
    assert payment.created_at == "2024-10-03T12:00:00Z"
    assert payment.creditor.lei == "2534006KGFLPAAXC1X76"
    assert payment.creditor.id is None  # an Othr id with scheme LEI is the LEI, not the party id
    assert payment.debtor_agent == Agent(bic="DBAGGB2L", country="GB")
    assert [a.bic for a in payment.intermediary_agents] == ["GRPHGB2L"]


def test_parsed_payments_round_trip_through_the_json_contract(envelope_payments: list[Payment]) -> None:
    for payment in envelope_payments:
        assert decode_payment(encode_payment(payment)) == payment


def test_bytes_and_path_give_the_same_payments(fixtures_dir: Path) -> None:
    path = fixtures_dir / "payments" / "pacs008_v08_envelope_two_tx.xml"
    assert parse_pacs008(path.read_bytes()) == parse_pacs008(path)


@pytest.mark.parametrize(
    ("xml", "element"),
    [
        (_minimal(created=""), "GrpHdr/CreDtTm"),
        (_minimal(amount=""), "IntrBkSttlmAmt"),
        (_minimal(debtor=""), "Dbtr"),
        (_minimal(amount="<IntrBkSttlmAmt>1.00</IntrBkSttlmAmt>"), "Ccy"),
    ],
)
def test_missing_required_element_is_named(xml: bytes, element: str) -> None:
    with pytest.raises(Pacs008Error, match=element):
        parse_pacs008(xml)


def test_invalid_value_names_field_and_element() -> None:
    bad_currency = _minimal(amount='<IntrBkSttlmAmt Ccy="euro">1.00</IntrBkSttlmAmt>')
    with pytest.raises(Pacs008Error, match=r"\$\.currency.*IntrBkSttlmAmt/@Ccy"):
        parse_pacs008(bad_currency)


def test_not_xml_and_not_pacs008_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(Pacs008Error, match="not well-formed XML"):
        parse_pacs008(b"<Document><unclosed></Document>")
    with pytest.raises(Pacs008Error, match=r"not a pacs\.008 message"):
        parse_pacs008(b"<Document><pain/></Document>")
    with pytest.raises(Pacs008Error, match="cannot read"):
        parse_pacs008(tmp_path / "absent.xml")


def test_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
        + _minimal(debtor="<Dbtr><Nm>&x;</Nm></Dbtr>").decode()
    )
    (payment,) = parse_pacs008(xml.encode())
    assert "TOP SECRET" not in (payment.debtor.name or "")


@pytest.mark.shared
def test_every_real_sample_parses(shared_data: Path) -> None:
    samples = sorted((shared_data / "payments" / "pacs008").glob("*.xml"))
    assert len(samples) >= 10
    for sample in samples:
        payments = parse_pacs008(sample)
        assert len(payments) == 1, sample.name
        payment = payments[0]
        assert payment.debtor.name and payment.creditor.name, sample.name
        assert payment.currency == "USD", sample.name
        assert decode_payment(encode_payment(payment)) == payment


@pytest.mark.shared
def test_real_samples_map_their_distinctive_elements(shared_data: Path) -> None:
    folder = shared_data / "payments" / "pacs008"
    (ultimate_debtor,) = parse_pacs008(folder / "fedwire_CustomerCreditTransfer_Variation3_pacs.008.xml")
    assert ultimate_debtor.ultimate_debtor is not None
    assert ultimate_debtor.ultimate_debtor.name == "Corporation Aa"
    (ultimate_creditor,) = parse_pacs008(folder / "fedwire_CustomerCreditTransfer_Variation4_pacs.008.xml")
    assert ultimate_creditor.ultimate_creditor is not None
    assert ultimate_creditor.ultimate_creditor.name == "Corporation Bb"
    (intermediary,) = parse_pacs008(folder / "fedwire_CustomerCreditTransfer_Variation6_pacs.008.xml")
    assert [a.bic for a in intermediary.intermediary_agents] == ["BANYBRRJ"]
    assert intermediary.purpose == "INSC"
    assert intermediary.remittance_info == "Insurance Benefit/Policy XXAB9876/$500000.00"
    assert intermediary.creditor.account == "BR1800360305000010009795493C1"
    (with_header,) = parse_pacs008(folder / "pacs.008.001.07.xml")
    assert with_header.payment_id == "123456789"  # TxId: this sample has no UETR
    assert with_header.created_at == "2019-10-19T21:00:45Z"
    assert with_header.debtor_agent is not None and with_header.debtor_agent.bic == "ITUSUSP1XXX"


_ELEMENTS = st.sampled_from(
    ["Dbtr", "Cdtr", "Nm", "PmtId", "TxId", "UETR", "CdtTrfTxInf", "PstlAdr", "Ctry", "BICFI", "RmtInf"]
)


@st.composite
def _mangled_messages(draw: st.DrawFn) -> bytes:
    """A valid minimal message with one element renamed or its text replaced by random text."""
    xml = _minimal().decode()
    element = draw(_ELEMENTS)
    if draw(st.booleans()):
        renamed = draw(_ELEMENTS)
        xml = xml.replace(f"<{element}>", f"<{renamed}>").replace(f"</{element}>", f"</{renamed}>")
    else:
        text = draw(st.text(max_size=12)).replace("<", "").replace("&", "")
        xml = xml.replace("Debtor Ltd", text).replace("1.00", draw(st.sampled_from(["1.00", text])))
    return xml.encode()


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=200) | _mangled_messages())
def test_any_input_gives_payments_or_a_pacs008_error(data: bytes) -> None:
    try:
        payments = parse_pacs008(data)
    except Pacs008Error as exc:
        assert str(exc)
    else:
        assert all(isinstance(p, Payment) for p in payments)


def test_legacy_v02_agents_with_bic_element(fixtures_dir: Path) -> None:
    (payment,) = parse_pacs008(fixtures_dir / "payments" / "pacs008_v02_sepa.xml")
    assert payment.payment_id == "SEPA-TX-1"
    assert payment.debtor_agent == Agent(bic="WBKPPLPP", country="PL")
    assert payment.creditor_agent == Agent(bic="AGSZRU31", country="RU")
    assert payment.debtor.account == "PL61109010140000071219812874"
