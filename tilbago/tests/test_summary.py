"""The confirmation summary shows the request as it will be sent."""

import dataclasses
import datetime
from decimal import Decimal

from tilbago import problems, summary
from tilbago.summary import as_text, costs, summarize

TODAY = datetime.date(2021, 12, 20)


def _rows(sections):
    return {heading: dict(rows) for heading, rows in sections}


def test_epsitec_summary_in_parts(epsitec_case):
    sections = summarize(epsitec_case, TODAY, due_date=datetime.date(2020, 12, 19))
    assert [section.heading for section in sections] == [
        "Claim", "Debtor", "Contact", "Identification",
    ]
    claim, debtor, contact, identification = (section.rows for section in sections)
    assert claim == [
        ("Claim amount (CHF)", "CHF 12'565.60"),
        ("Claim reason", "Facture 5875"),
        ("Due date", "2020-12-19"),
        ("Claim interest rate", "4%"),
        ("Claim interest from", "2020-12-20"),
        ("Claim collocation class", "3 - Every other claim"),
        ("Based on a certificate of loss", "no"),
        ("Payment-order fee (GebV SchKG art. 16)", "CHF 90.00"),
        # 12'565.60 x 4 % x 360 days / 360
        ("Interest accrued to date", "CHF 502.62"),
    ]
    assert debtor == [
        ("Debtor reference", "EB35CF7A"),
        ("Debtor company name", "Epsitec SA"),
        ("Debtor contact person", "Pierre Arnaud"),
        ("Debtor street", "Chemin du Fontenay"),
        ("Debtor house number", "6"),
        ("Debtor postcode (NPA)", "1400"),
        ("Debtor city", "Yverdon-les-Bains"),
    ]
    assert contact == [
        ("Debtor language", "French"),
        ("Debtor phone 1", "+41 848 273 787"),
        ("Debtor e-mail", "info@cresus.ch"),
    ]
    assert identification == [
        ("Debtor UID (IDE)", "CHE-107.933.850"),
        ("Debtor legal seat", "Yverdon-les-Bains"),
        ("Debtor entered in the commercial register", "yes"),
    ]


def test_values_shown_as_sent_not_as_typed(epsitec_case):
    debtor = epsitec_case.debtor
    debtor.phone1 = "0848 27 37 87"
    debtor.company_uid = "che107933850 mwst"
    debtor.company = "  Epsitec   SA "
    rows = _rows(summarize(epsitec_case, TODAY))
    assert rows["Contact"]["Debtor phone 1"] == "+41 848 273 787"
    assert rows["Identification"]["Debtor UID (IDE)"] == "CHE-107.933.850"
    assert rows["Debtor"]["Debtor company name"] == "Epsitec SA"
    wire = epsitec_case.to_wire()["debtor"]
    assert (wire["phone1"], wire["companyUid"]) == ("+41 848 273 787", "CHE-107.933.850")


def test_a_value_that_cannot_be_normalised_is_shown_as_sent(epsitec_case):
    epsitec_case.debtor.phone1 = "12"
    epsitec_case.debtor.company_uid = "CHE-107.933.851"
    epsitec_case.claim.amount = "a lot"
    rows = _rows(summarize(epsitec_case, TODAY))
    assert rows["Contact"]["Debtor phone 1"] == "12"
    assert rows["Identification"]["Debtor UID (IDE)"] == "CHE-107.933.851"
    assert rows["Claim"]["Claim amount (CHF)"] == "a lot"
    assert rows["Claim"]["Payment-order fee (GebV SchKG art. 16)"] == "CHF 0.00"


def test_natural_person_and_further_claims(natural_case):
    natural_case.subsidiary_claims = [
        dataclasses.replace(
            natural_case.claim, external_ref="0042-2", amount=Decimal("20"),
            reason="Mahngebühren", interest_rate=Decimal("0"),
            interest_date_from=datetime.date(2021, 4, 1),
        )
    ]
    sections = summarize(natural_case, TODAY)
    rows = _rows(sections)
    assert rows["Claim"]["Further claim 1"] == (
        "CHF 20.00, Mahngebühren, 0% from 2021-04-01, class 3 - Every other claim"
    )
    assert "Due date" not in rows["Claim"]
    assert rows["Claim"]["Payment-order fee (GebV SchKG art. 16)"] == "CHF 60.00"
    assert rows["Debtor"] == {
        "Debtor reference": "P-1042",
        "Debtor first name": "Gwenaëlle",
        "Debtor last name": "Jamois",
        "Debtor street": "Seestrasse",
        "Debtor house number": "112a",
        "Debtor post-office box": "Postfach 45",
        "Debtor postcode (NPA)": "8002",
        "Debtor city": "Zürich",
    }
    assert rows["Identification"] == {
        "Debtor sex": "Female",
        "Debtor date of birth": "1985-03-14",
        "Debtor nationality": "CH",
    }
    assert "Debtor company name" not in as_text(sections)


def test_missing_required_values_show_a_dash(epsitec_case):
    epsitec_case.debtor.contact_person = None
    epsitec_case.debtor.address.street = "  "
    rows = _rows(summarize(epsitec_case, TODAY))
    assert rows["Debtor"]["Debtor contact person"] == "-"
    assert rows["Debtor"]["Debtor street"] == "-"
    assert "Debtor fax" not in rows["Contact"]


def test_translated_with_the_callers_words_and_formats(epsitec_case):
    french = {
        "Claim": "Créance",
        problems.CLAIM_LABELS["claim"]["interestDateFrom"]: "Intérêts dès",
        summary.NO: "non",
    }
    sections = summarize(
        epsitec_case, TODAY,
        gettext=lambda source: french.get(source, source),
        format_date=lambda day: day.strftime("%d.%m.%Y"),
        choices={"preferredLanguage": {"fr": "Français"}},
    )
    rows = _rows(sections)
    assert rows["Créance"]["Intérêts dès"] == "20.12.2020"
    assert rows["Créance"]["Based on a certificate of loss"] == "non"
    assert rows["Contact"]["Debtor language"] == "Français"


def test_as_text(epsitec_case):
    lines = as_text(summarize(epsitec_case, TODAY)).split("\n")
    assert lines[0] == "Claim amount (CHF): CHF 12'565.60"
    assert "" in lines  # a blank line between two parts
    assert "Debtor phone 1: +41 848 273 787" in lines


def test_costs():
    claims = [
        (Decimal("1000"), Decimal("5"), datetime.date(2021, 1, 1)),
        (Decimal("20"), Decimal("0"), None),
    ]
    total, fee, accrued = costs(claims, datetime.date(2022, 1, 1))
    assert (total, fee, accrued) == (Decimal("1020"), Decimal("60"), Decimal("50.00"))
    assert costs([], TODAY) == (Decimal("0"), Decimal("0"), Decimal("0"))
