"""validate_case and check_case on whole cases: each rule, on each kind of debtor, all at
once; the creditor; every problem renders and translates."""

import dataclasses
import datetime
from decimal import Decimal

import pytest

from tilbago import validation as v
from tilbago.exceptions import InvalidPayload
from tilbago.payload import Address, Claim, Creditor, ResponsiblePerson
from tilbago.problems import Problem
from tilbago.validation import check_case, validate_case

D = datetime.date
TODAY = D(2025, 6, 15)


# ------------------------------------------------------------------ the whole case


def test_valid_cases_have_no_problem(epsitec_case, natural_case):
    assert validate_case(epsitec_case) == []
    assert validate_case(natural_case) == []
    assert check_case(epsitec_case) is epsitec_case


def test_unnormalised_but_valid_values_pass(epsitec_case):
    epsitec_case.debtor.company_uid = "CHE107933850 MWST"
    epsitec_case.debtor.phone1 = "0848 27 37 87"
    epsitec_case.debtor.preferred_language = "FR"
    epsitec_case.claim.interest_rate = "4.0"
    epsitec_case.claim.amount = "12565.60"
    assert validate_case(epsitec_case) == []


def _only(problems):
    assert len(problems) == 1, [p.message for p in problems]
    return problems[0]


def _set(obj, path, value):
    *parents, last = path.split(".")
    for name in parents:
        obj = getattr(obj, name)
    setattr(obj, last, value)


# (attribute path on the Case, bad value, wire field, label, words of the message)
LEGAL_RULES = [
    ("external_ref", None, "externalRef", "Case reference", "is required"),
    ("external_ref", "  ", "externalRef", "Case reference", "is required"),
    ("external_ref", 42, "externalRef", "Case reference", "must be text"),
    ("certificate_of_loss", None, "certificateOfLoss", "Based on a certificate of loss", "is required"),
    ("certificate_of_loss", "no", "certificateOfLoss", "Based on a certificate of loss", "yes or no"),
    ("debtor.external_ref", "", "debtor.externalRef", "Debtor reference", "is required"),
    ("debtor.company_uid", None, "debtor.companyUid", "Debtor UID (IDE)", "is required"),
    ("debtor.company_uid", "CHE-100.155.213", "debtor.companyUid", "Debtor UID (IDE)", "wrong check digit"),
    ("debtor.company_uid", "CHE-123", "debtor.companyUid", "Debtor UID (IDE)", "CHE and 9 digits"),
    ("debtor.legal_seat", None, "debtor.legalSeat", "Debtor legal seat", "is required"),
    ("debtor.contact_person", " ", "debtor.contactPerson", "Debtor contact person", "is required"),
    ("debtor.is_registered", None, "debtor.isRegistered", "Debtor entered in the commercial register", "is required"),
    ("debtor.is_registered", "yes", "debtor.isRegistered", "Debtor entered in the commercial register", "yes or no"),
    ("debtor.name_addon", 5, "debtor.nameAddon", "Debtor company name addition", "must be text"),
    ("debtor.preferred_language", "en", "debtor.preferredLanguage", "Debtor language", "de (German)"),
    ("debtor.phone1", "12345", "debtor.phone1", "Debtor phone 1", "not a valid phone number"),
    ("debtor.phone2", "abc", "debtor.phone2", "Debtor phone 2", "not a valid phone number"),
    ("debtor.phone3", "+41 12", "debtor.phone3", "Debtor phone 3", "not a valid phone number"),
    ("debtor.fax", "0", "debtor.fax", "Debtor fax", "not a valid phone number"),
    ("debtor.email", "info@cresus", "debtor.email", "Debtor e-mail", "not a valid e-mail"),
    ("debtor.address", None, "debtor.address", "Debtor address", "is required"),
    ("debtor.address.street", None, "debtor.address.street", "Debtor street", "is required"),
    ("debtor.address.zip", None, "debtor.address.zip", "Debtor postcode (NPA)", "is required"),
    ("debtor.address.zip", "140", "debtor.address.zip", "Debtor postcode (NPA)", "exactly 4 digits"),
    ("debtor.address.zip", "0400", "debtor.address.zip", "Debtor postcode (NPA)", "exactly 4 digits"),
    ("debtor.address.zip", "F-74000", "debtor.address.zip", "Debtor postcode (NPA)", "exactly 4 digits"),
    ("debtor.address.city", "", "debtor.address.city", "Debtor city", "is required"),
    ("debtor.address.streetnumber", 6, "debtor.address.streetnumber", "Debtor house number", "must be text"),
    ("debtor.address.pob", 45, "debtor.address.pob", "Debtor post-office box", "must be text"),
    ("claim", None, "claim", "Claim", "is required"),
    ("claim.external_ref", None, "claim.externalRef", "Claim reference", "is required"),
    ("claim.amount", None, "claim.amount", "Claim amount (CHF)", "is required"),
    ("claim.amount", Decimal("0"), "claim.amount", "Claim amount (CHF)", "more than CHF 0.00"),
    ("claim.amount", Decimal("-10"), "claim.amount", "Claim amount (CHF)", "more than CHF 0.00"),
    ("claim.amount", Decimal("0.004"), "claim.amount", "Claim amount (CHF)", "more than CHF 0.00"),
    ("claim.amount", Decimal("1000000000.00"), "claim.amount", "Claim amount (CHF)",
     "above the highest amount of a claim, CHF 999'999'999.99"),
    ("claim.amount", Decimal("1E+15"), "claim.amount", "Claim amount (CHF)", "highest amount"),
    ("claim.amount", 12565.6, "claim.amount", "Claim amount (CHF)", "amount in CHF"),
    ("claim.amount", "12'565.60", "claim.amount", "Claim amount (CHF)", "amount in CHF"),
    ("claim.reason", "", "claim.reason", "Claim reason", "is required"),
    ("claim.reason", "x" * 641, "claim.reason", "Claim reason", "641 characters long; the payment order leaves room for 640"),
    ("claim.interest_date_from", None, "claim.interestDateFrom", "Claim interest from", "is required"),
    ("claim.interest_date_from", "20.12.2020", "claim.interestDateFrom", "Claim interest from", "must be a date"),
    ("claim.interest_date_from", datetime.datetime(2020, 12, 20), "claim.interestDateFrom", "Claim interest from", "must be a date"),
    ("claim.interest_rate", None, "claim.interestRate", "Claim interest rate", "is required"),
    ("claim.interest_rate", Decimal("100"), "claim.interestRate", "Claim interest rate", "between 0 and 99.99999 %"),
    ("claim.interest_rate", Decimal("4.123456"), "claim.interestRate", "Claim interest rate", "more than 5 decimals"),
    ("claim.interest_rate", 4.0, "claim.interestRate", "Claim interest rate", "must be a number"),
    ("claim.collocation_class", None, "claim.collocationClass", "Claim collocation class", "is required"),
    ("claim.collocation_class", "4", "claim.collocationClass", "Claim collocation class", "must be 1, 2 or 3"),
    ("claim.collocation_class", "III", "claim.collocationClass", "Claim collocation class", "must be 1, 2 or 3"),
    ("responsible_person", ResponsiblePerson(""), "responsiblePerson.email", "Responsible person e-mail", "is required"),
    ("responsible_person", ResponsiblePerson("boss"), "responsiblePerson.email", "Responsible person e-mail", "not a valid e-mail"),
    ("source_ref_email", "odoo@", "sourceRefEmail", "Contact e-mail of the calling system", "not a valid e-mail"),
    ("status", "001", "status", "Case status", "only status a request may carry is 002"),
]


@pytest.mark.parametrize(
    "path, value, field, label, words", LEGAL_RULES, ids=[f"{r[0]}={r[1]!r}"[:60] for r in LEGAL_RULES]
)
def test_each_rule_on_a_legal_person(epsitec_case, path, value, field, label, words):
    _set(epsitec_case, path, value)
    problem = _only(validate_case(epsitec_case))
    assert problem.field == field
    assert problem.field_label == label
    assert label in problem.message
    assert words in problem.message
    with pytest.raises(InvalidPayload) as info:
        check_case(epsitec_case)
    assert info.value.problems == [problem]


NATURAL_RULES = [
    ("debtor.name", None, "debtor.name", "Debtor first name", "is required"),
    ("debtor.surname", "", "debtor.surname", "Debtor last name", "is required"),
    ("debtor.sex", "X", "debtor.sex", "Debtor sex", "M (male)"),
    ("debtor.date_of_birth", "1985-02-30", "debtor.dateOfBirth", "Debtor date of birth", "yyyy-mm-dd"),
    ("debtor.date_of_birth", D(2030, 1, 1), "debtor.dateOfBirth", "Debtor date of birth", "in the future"),
    ("debtor.nationality", "Schweiz", "debtor.nationality", "Debtor nationality", "ISO 3166"),
    ("debtor.birth_name", 3, "debtor.birthName", "Debtor birth name", "must be text"),
    ("debtor.title", 3, "debtor.title", "Debtor title", "must be text"),
    ("debtor.email", "g.jamois@", "debtor.email", "Debtor e-mail", "not a valid e-mail"),
    ("debtor.address.zip", "80021", "debtor.address.zip", "Debtor postcode (NPA)", "exactly 4 digits"),
]


@pytest.mark.parametrize(
    "path, value, field, label, words", NATURAL_RULES, ids=[f"{r[0]}={r[1]!r}" for r in NATURAL_RULES]
)
def test_each_rule_on_a_natural_person(natural_case, path, value, field, label, words):
    _set(natural_case, path, value)
    problem = _only(validate_case(natural_case))
    assert problem.field == field
    assert label in problem.message
    assert words in problem.message


def test_optional_natural_fields_may_be_blank(natural_case):
    d = natural_case.debtor
    d.sex = d.date_of_birth = d.nationality = d.preferred_language = None
    d.phone1 = d.email = ""
    d.address.pob = d.address.streetnumber = None
    assert validate_case(natural_case) == []


@pytest.mark.parametrize("dob", ["14.03.1985", "1985", "1985-03-14"])
def test_date_of_birth_may_be_text_in_the_accepted_forms(natural_case, dob):
    natural_case.debtor.date_of_birth = dob
    assert validate_case(natural_case) == []


def test_legal_person_does_not_need_natural_fields_and_vice_versa(epsitec_case, natural_case):
    # natural-person rules do not apply to a legal person: junk there is not sent either
    epsitec_case.debtor.sex = "X"
    epsitec_case.debtor.name = None
    assert validate_case(epsitec_case) == []
    natural_case.debtor.company_uid = "junk"
    natural_case.debtor.is_registered = None
    assert validate_case(natural_case) == []


def test_a_natural_person_without_names_gets_both_problems(epsitec_case):
    epsitec_case.debtor.company = None  # no company: a natural person, who needs names
    fields = [p.field for p in validate_case(epsitec_case)]
    assert fields == ["debtor.name", "debtor.surname"]


def _claim(ref, amount="100.00", reason="Facture", cls="3"):
    return Claim(ref, Decimal(amount), reason, D(2021, 1, 1), Decimal("5"), cls)


def test_subsidiary_claims_are_checked_with_their_position(epsitec_case):
    epsitec_case.subsidiary_claims = [
        _claim("A1"),
        _claim("A2", amount="0"),
        _claim("A3", reason="y" * 81, cls="9"),
    ]
    problems = validate_case(epsitec_case)
    assert [p.field for p in problems] == [
        "subsidiaryClaims[1].amount",
        "subsidiaryClaims[2].reason",
        "subsidiaryClaims[2].collocationClass",
    ]
    assert problems[0].field_label == "Further claim 2 amount (CHF)"
    assert problems[0].message.startswith('Further claim 2 amount (CHF) "0" must be more than CHF 0.00')
    assert "81 characters long; the payment order leaves room for 80" in problems[1].message
    assert problems[2].message == 'Further claim 3 collocation class "9" must be 1, 2 or 3.'


def test_other_claims_reason_may_be_80_characters(epsitec_case):
    epsitec_case.subsidiary_claims = [_claim("A1", reason="y" * 80)]
    epsitec_case.claim.reason = "x" * 640
    assert validate_case(epsitec_case) == []


def test_a_missing_subsidiary_claim(epsitec_case):
    epsitec_case.subsidiary_claims = [None]
    problem = _only(validate_case(epsitec_case))
    assert problem.field == "subsidiaryClaims[0]"
    assert problem.message == "Further claim 1 is required."


def test_at_most_ten_claims(epsitec_case):
    epsitec_case.subsidiary_claims = [_claim(f"S{i}") for i in range(9)]
    assert validate_case(epsitec_case) == []  # 1 + 9 = 10
    epsitec_case.subsidiary_claims.append(_claim("S9"))
    problem = _only(validate_case(epsitec_case))
    assert problem.field == "subsidiaryClaims"
    assert problem.message == "Claims: this request has 11 claims, at most 10 are allowed."


def test_claim_references_are_unique_in_the_request(epsitec_case):
    epsitec_case.subsidiary_claims = [_claim("A1"), _claim("5875"), _claim(" A1 ")]
    problems = validate_case(epsitec_case)
    assert [p.field for p in problems] == [
        "subsidiaryClaims[1].externalRef",
        "subsidiaryClaims[2].externalRef",
    ]
    assert problems[0].message.startswith('Further claim 2 reference "5875" is used by another claim')


def test_all_problems_are_reported_at_once(epsitec_case):
    epsitec_case.debtor.company_uid = "CHE-100.155.213"
    epsitec_case.debtor.address.zip = "140"
    epsitec_case.debtor.email = "info@"
    epsitec_case.claim.interest_rate = Decimal("120")
    epsitec_case.claim.collocation_class = "4"
    problems = validate_case(epsitec_case)
    assert len(problems) == 5
    assert [p.field for p in problems] == [
        "debtor.companyUid",
        "debtor.email",
        "debtor.address.zip",
        "claim.interestRate",
        "claim.collocationClass",
    ]
    with pytest.raises(InvalidPayload) as info:
        check_case(epsitec_case)
    assert len(info.value.problems) == 5
    text = str(info.value)
    for label in ("Debtor UID (IDE)", "Debtor e-mail", "Debtor postcode (NPA)",
                  "Claim interest rate", "Claim collocation class"):
        assert label in text


def test_an_empty_case_lists_every_required_field():
    from tilbago.payload import Case

    problems = validate_case(Case(None, None, None, None))
    assert [p.field for p in problems] == ["externalRef", "certificateOfLoss", "debtor", "claim"]
    assert all(p.template == v.REQUIRED for p in problems)


# ------------------------------------------------------------------ creditor


def _creditor(**kw):
    values = dict(
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
    values.update(kw)
    return Creditor(**values)


def test_a_valid_creditor(epsitec_case):
    epsitec_case.creditor = _creditor()
    assert validate_case(epsitec_case) == []


@pytest.mark.parametrize(
    "changes, field, label, words",
    [
        ({"iban": "CH93 0076 2011 6238 5295 8"}, "creditor.iban", "Creditor IBAN", "not a valid IBAN"),
        ({"iban": "DE89 3704 0044 0532 0130 00"}, "creditor.iban", "Creditor IBAN", "Swiss or Liechtenstein"),
        ({"trade_register_url": "zefix.ch"}, "creditor.tradeRegisterUrl",
         "Creditor commercial register entry (web address)", "https://"),
        ({"company_uid": "CHE-100.155.213"}, "creditor.companyUid", "Creditor UID (IDE)", "wrong check digit"),
        ({"address": Address("Bundesplatz", "3", "300", "Bern")}, "creditor.address.zip",
         "Creditor postcode (NPA)", "4 digits"),
        ({"company": None, "name": "Anna"}, "creditor.surname", "Creditor last name", "is required"),
    ],
)
def test_creditor_rules(epsitec_case, changes, field, label, words):
    epsitec_case.creditor = _creditor(**changes)
    problem = _only(validate_case(epsitec_case))
    assert problem.field == field
    assert label in problem.message
    assert words in problem.message


def test_creditor_iban_and_url_are_optional(epsitec_case):
    epsitec_case.creditor = _creditor(iban=None, trade_register_url="")
    assert validate_case(epsitec_case) == []


# ------------------------------------------------------------------ Problem and labels


def test_problem_renders_and_translates():
    problem = Problem("subsidiaryClaims[0].amount", v.CLAIM_LABELS["subsidiaryClaims"]["amount"],
                      v.AMOUNT_NOT_POSITIVE, {"number": 1, "value": "0"})
    assert problem.message == 'Further claim 1 amount (CHF) "0" must be more than CHF 0.00.'
    assert str(problem) == problem.message
    catalogue = {
        v.AMOUNT_NOT_POSITIVE: '%(label)s « %(value)s » doit être supérieur à CHF 0.00.',
        "Further claim %(number)s amount (CHF)": "Montant de la créance supplémentaire %(number)s (CHF)",
    }
    assert problem.render(lambda s: catalogue.get(s, s)) == (
        "Montant de la créance supplémentaire 1 (CHF) « 0 » doit être supérieur à CHF 0.00."
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        problem.field = "x"


def test_every_label_and_template_renders():
    labels = [label for table in (v.PERSON_LABELS, v.CLAIM_LABELS) for d in table.values() for label in d.values()]
    labels += list(v.CASE_LABELS.values())
    for label in labels:
        assert label % {"number": 1}
    templates = [value for name, value in vars(v).items() if name.isupper() and isinstance(value, str)]
    params = {"label": "L", "value": "x", "length": 1, "max": 2, "count": 3, "number": 1,
              "char": "U+0007 BEL", "position": 1}
    for template in templates:
        assert template % params
    assert set(v.PERSON_LABELS["creditor"]) == set(v.PERSON_LABELS["debtor"]) | {"tradeRegisterUrl", "iban"}
