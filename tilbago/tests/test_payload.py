"""Payloads: exact wire JSON of the contract, and parsing it back."""

import copy
import datetime
import json
from decimal import Decimal

import pytest

from tilbago.payload import (
    Address,
    Case,
    Claim,
    Creditor,
    Debtor,
    ResponsiblePerson,
    format_rate,
)
from tilbago.examples import epsitec_wire
from tilbago.validation import validate_case

D = datetime.date

EPSITEC_WIRE = epsitec_wire()

NATURAL_WIRE = {
    "externalRef": "INV-2021-0042",
    "certificateOfLoss": False,
    "debtor": {
        "externalRef": "P-1042",
        "name": "Gwenaëlle",
        "surname": "Jamois",
        "sex": "F",
        "dateOfBirth": "1985-03-14",
        "nationality": "CH",
        "preferredLanguage": "de",
        "phone1": "+41 79 123 45 67",
        "email": "g.jamois@example.ch",
        "address": {
            "street": "Seestrasse",
            "streetnumber": "112a",
            "zip": "8002",
            "pob": "Postfach 45",
            "city": "Zürich",
        },
    },
    "claim": {
        "externalRef": "0042",
        "amount": 100000,
        "reason": "Rechnung 0042",
        "interestDateFrom": "2021-03-01",
        "interestRate": "5.0",
        "collocationClass": "3",
    },
}


def test_epsitec_legal_person_exact_wire(epsitec_case):
    assert epsitec_case.to_wire() == EPSITEC_WIRE


def test_epsitec_as_the_clerk_types_it_gives_the_same_wire(epsitec_case):
    # the seed's confirmation screen: CHE-107.933.850 typed compact, 0848 27 37 87 as
    # printed, 4 %, CHF 12'565.60 given as text
    case = epsitec_case
    case.debtor.company_uid = "CHE107933850 MWST"
    case.debtor.phone1 = "0848 27 37 87"
    case.debtor.preferred_language = "FR"
    case.debtor.external_ref = " EB35CF7A "
    case.claim.amount = "12565.60"
    case.claim.interest_rate = "4"
    assert validate_case(case) == []
    assert case.to_wire() == EPSITEC_WIRE


def test_natural_person_exact_wire(natural_case):
    assert natural_case.to_wire() == NATURAL_WIRE


def test_wire_is_json_and_survives_a_json_round_trip(epsitec_case, natural_case):
    for case in (epsitec_case, natural_case):
        text = json.dumps(case.to_wire(), ensure_ascii=False)
        assert Case.from_wire(json.loads(text)) == case


@pytest.mark.parametrize("fixture", ["epsitec_case", "natural_case"])
def test_round_trip(request, fixture):
    case = request.getfixturevalue(fixture)
    assert Case.from_wire(case.to_wire()) == case


def test_from_wire_of_the_literal_wire(epsitec_case, natural_case):
    case = Case.from_wire(copy.deepcopy(EPSITEC_WIRE))
    assert case == epsitec_case
    assert case.claim.amount == Decimal("12565.60")
    assert str(case.claim.amount) == "12565.60"
    assert case.claim.interest_rate == Decimal("4")
    assert case.claim.interest_date_from == D(2020, 12, 20)
    assert case.debtor.is_legal_person
    natural = Case.from_wire(copy.deepcopy(NATURAL_WIRE))
    assert natural == natural_case
    assert not natural.debtor.is_legal_person
    assert natural.debtor.date_of_birth == D(1985, 3, 14)


def test_to_wire_is_idempotent_through_from_wire_even_unnormalised(natural_case):
    case = natural_case
    case.debtor.nationality = "ch"
    case.debtor.sex = "f"
    case.debtor.phone1 = "079 123 45 67"
    case.debtor.date_of_birth = "14.03.1985"
    wire = case.to_wire()
    assert wire["debtor"]["nationality"] == "CH"
    assert wire["debtor"]["sex"] == "F"
    assert wire["debtor"]["phone1"] == "+41 79 123 45 67"
    assert wire["debtor"]["dateOfBirth"] == "14.03.1985"  # a form tilbago takes, kept
    assert Case.from_wire(wire).to_wire() == wire


@pytest.mark.parametrize(
    "rate, text",
    [
        (Decimal("5"), "5.0"),
        (Decimal("5.00"), "5.0"),
        (Decimal("4"), "4.0"),
        (Decimal("4.25"), "4.25"),
        (Decimal("4.250"), "4.25"),
        (Decimal("0"), "0.0"),
        (Decimal("10"), "10.0"),
        (Decimal("1E+1"), "10.0"),
        (Decimal("99.99999"), "99.99999"),
        (Decimal("0.00001"), "0.00001"),
        ("4.5", "4.5"),
        (7, "7.0"),
    ],
)
def test_interest_rate_wire_form(rate, text):
    assert format_rate(rate) == text
    claim = Claim("1", Decimal("1"), "r", D(2021, 1, 1), rate, "3")
    assert claim.to_wire()["interestRate"] == text


def test_legal_person_sends_no_natural_keys_and_vice_versa(epsitec_case, natural_case):
    epsitec_case.debtor.name = "Pierre"
    epsitec_case.debtor.sex = "M"
    epsitec_case.debtor.nationality = "CH"
    assert epsitec_case.to_wire() == EPSITEC_WIRE
    natural_case.debtor.company_uid = "CHE-107.933.850"
    natural_case.debtor.legal_seat = "Zürich"
    natural_case.debtor.is_registered = False
    assert natural_case.to_wire() == NATURAL_WIRE


def test_optional_keys_are_left_out_when_blank(epsitec_case):
    d = epsitec_case.debtor
    d.name_addon = ""
    d.phone2 = "  "
    d.fax = None
    d.address.pob = ""
    d.address.streetnumber = None
    epsitec_case.source_ref_key = ""
    epsitec_case.subsidiary_claims = []
    wire = epsitec_case.to_wire()
    assert "nameAddon" not in wire["debtor"] and "phone2" not in wire["debtor"]
    assert wire["debtor"]["address"] == {
        "street": "Chemin du Fontenay", "zip": "1400", "city": "Yverdon-les-Bains"
    }
    assert set(wire) == {"externalRef", "certificateOfLoss", "debtor", "claim"}


def test_is_registered_false_is_sent(epsitec_case):
    epsitec_case.debtor.is_registered = False
    assert epsitec_case.to_wire()["debtor"]["isRegistered"] is False


def test_every_optional_case_key(epsitec_case):
    epsitec_case.responsible_person = ResponsiblePerson("compta@example.ch")
    epsitec_case.source_ref_key = "odoo-l10n_ch_tilbago"
    epsitec_case.source_ref_email = "odoo@example.ch"
    epsitec_case.payee_reference = "210000000003139471430009017"
    epsitec_case.status = "002"
    epsitec_case.certificate_of_loss = True
    epsitec_case.subsidiary_claims = [
        Claim("5875-F", Decimal("20.00"), "Frais de rappel", D(2021, 3, 1), Decimal("0"), "3"),
        Claim("5875-P", Decimal("73.30"), "Frais de poursuite", D(2021, 5, 19), Decimal("5"), "3"),
    ]
    epsitec_case.creditor = Creditor(
        external_ref="CR-1",
        company="Muster Treuhand AG",
        company_uid="CHE-100.155.212",
        legal_seat="Bern",
        contact_person="Anna Muster",
        is_registered=True,
        address=Address("Bundesplatz", "3", "3003", "Bern"),
        trade_register_url="https://www.zefix.ch/de/search/entity/list/firm/1",
        iban="CH93 0076 2011 6238 5295 7",
    )
    wire = epsitec_case.to_wire()
    expected = dict(EPSITEC_WIRE)
    expected.update(
        {
            "certificateOfLoss": True,
            "responsiblePerson": {"email": "compta@example.ch"},
            "sourceRefKey": "odoo-l10n_ch_tilbago",
            "sourceRefEmail": "odoo@example.ch",
            "payeeReference": "210000000003139471430009017",
            "creditor": {
                "externalRef": "CR-1",
                "company": "Muster Treuhand AG",
                "companyUid": "CHE-100.155.212",
                "legalSeat": "Bern",
                "contactPerson": "Anna Muster",
                "isRegistered": True,
                "tradeRegisterUrl": "https://www.zefix.ch/de/search/entity/list/firm/1",
                "iban": "CH9300762011623852957",
                "address": {"street": "Bundesplatz", "streetnumber": "3", "zip": "3003", "city": "Bern"},
            },
            "subsidiaryClaims": [
                {"externalRef": "5875-F", "amount": 2000, "reason": "Frais de rappel",
                 "interestDateFrom": "2021-03-01", "interestRate": "0.0", "collocationClass": "3"},
                {"externalRef": "5875-P", "amount": 7330, "reason": "Frais de poursuite",
                 "interestDateFrom": "2021-05-19", "interestRate": "5.0", "collocationClass": "3"},
            ],
            "status": "002",
        }
    )
    assert wire == expected
    assert list(wire) == [
        "externalRef", "certificateOfLoss", "responsiblePerson", "sourceRefKey",
        "sourceRefEmail", "payeeReference", "debtor", "creditor", "claim",
        "subsidiaryClaims", "status",
    ]
    parsed = Case.from_wire(wire)
    assert isinstance(parsed.creditor, Creditor)
    assert parsed.creditor.iban == "CH9300762011623852957"
    assert parsed.to_wire() == wire
    epsitec_case.creditor.iban = "CH9300762011623852957"
    assert parsed == epsitec_case


def test_to_wire_never_raises_and_keeps_bad_values_verbatim(epsitec_case):
    d = epsitec_case.debtor
    d.company_uid = " CHE-100.155.213 "
    d.phone1 = "12345"
    d.preferred_language = "en"
    d.is_registered = None
    d.address.zip = 140
    c = epsitec_case.claim
    c.amount = 12565.6  # float: refused by validation, sent as text
    c.interest_rate = Decimal("120")
    c.interest_date_from = "20.12.2020"
    c.collocation_class = 3
    epsitec_case.subsidiary_claims = [
        Claim("x", Decimal("NaN"), None, None, 4.5, None),
    ]
    wire = epsitec_case.to_wire()
    assert wire["debtor"]["companyUid"] == "CHE-100.155.213"
    assert wire["debtor"]["phone1"] == "12345"
    assert wire["debtor"]["preferredLanguage"] == "en"
    assert wire["debtor"]["isRegistered"] is None  # required key: present, null
    assert wire["debtor"]["address"]["zip"] == "140"
    assert wire["claim"]["amount"] == "12565.6"
    assert wire["claim"]["interestRate"] == "120"
    assert wire["claim"]["interestDateFrom"] == "20.12.2020"
    assert wire["claim"]["collocationClass"] == "3"
    assert wire["subsidiaryClaims"][0] == {
        "externalRef": "x", "amount": "NaN", "reason": None, "interestDateFrom": None,
        "interestRate": "4.5", "collocationClass": None,
    }
    json.dumps(wire)  # still serialisable
    assert len(validate_case(epsitec_case)) >= 8


def test_required_keys_are_present_even_when_missing():
    wire = Case(None, None, None, None).to_wire()
    assert wire == {"externalRef": None, "certificateOfLoss": None, "debtor": None, "claim": None}
    debtor = Debtor("R", None).to_wire()
    assert debtor == {"externalRef": "R", "name": None, "surname": None, "address": None}
    legal = Debtor("R", Address(), company="X SA").to_wire()
    assert legal == {
        "externalRef": "R", "company": "X SA", "companyUid": None, "legalSeat": None,
        "contactPerson": None, "isRegistered": None,
        "address": {"street": None, "zip": None, "city": None},
    }


def test_from_wire_tolerates_missing_and_bad_values_so_validation_reports_them():
    case = Case.from_wire(
        {
            "externalRef": "A",
            "certificateOfLoss": "no",
            "debtor": {"externalRef": "D", "company": "X SA", "address": {"zip": "1400"}},
            "claim": {"amount": 12.5, "interestRate": "abc", "interestDateFrom": "2020-13-01"},
            "unknownKey": 1,
        }
    )
    assert case.claim.amount == 12.5
    assert case.claim.interest_rate == "abc"
    assert case.claim.interest_date_from == "2020-13-01"
    assert case.subsidiary_claims == []
    fields = [p.field for p in validate_case(case)]
    assert fields == [
        "certificateOfLoss",
        "debtor.companyUid", "debtor.legalSeat", "debtor.contactPerson", "debtor.isRegistered",
        "debtor.address.street", "debtor.address.city",
        "claim.externalRef", "claim.amount", "claim.reason", "claim.interestDateFrom",
        "claim.interestRate", "claim.collocationClass",
    ]


@pytest.mark.parametrize(
    "data, words",
    [
        ([], "a tilbago case must be a JSON object"),
        ("{}", "a tilbago case must be a JSON object"),
        ({"debtor": "EB35CF7A"}, "debtor must be a JSON object"),
        ({"claim": [1]}, "claim must be a JSON object"),
        ({"debtor": {"address": "Chemin du Fontenay 6"}}, "address must be a JSON object"),
        ({"subsidiaryClaims": {"amount": 1}}, "subsidiaryClaims must be a JSON list"),
        ({"creditor": 1}, "creditor must be a JSON object"),
        ({"responsiblePerson": "a@b.ch"}, "responsiblePerson must be a JSON object"),
    ],
)
def test_from_wire_refuses_a_shape_that_is_not_the_contract(data, words):
    with pytest.raises(TypeError) as info:
        Case.from_wire(data)
    assert words in str(info.value)


def test_is_legal_person():
    assert Debtor("R", None, company="Epsitec SA").is_legal_person
    assert not Debtor("R", None, company="  ").is_legal_person
    assert not Debtor("R", None, name="Pierre", surname="Dupont").is_legal_person
    assert Creditor("R", None, company="X").is_legal_person


def test_claims_property(epsitec_case):
    extra = Claim("2", Decimal("1"), "r", D(2021, 1, 1), Decimal("5"), "3")
    epsitec_case.subsidiary_claims = [extra]
    assert epsitec_case.claims == [epsitec_case.claim, extra]


def test_amounts_are_integer_rappen_with_half_up_rounding(epsitec_case):
    epsitec_case.claim.amount = Decimal("10.125")
    assert epsitec_case.to_wire()["claim"]["amount"] == 1013
    epsitec_case.claim.amount = Decimal("0.005")
    assert epsitec_case.to_wire()["claim"]["amount"] == 1
    epsitec_case.claim.amount = 100  # an int is francs
    assert epsitec_case.to_wire()["claim"]["amount"] == 10000
