"""Validation: every rule of the contract, every problem reported at once, naming its field."""

import dataclasses
import datetime
from decimal import Decimal

import pytest

from tilbago import validation as v
from tilbago.countries import ISO_3166_ALPHA2
from tilbago.exceptions import InvalidPayload
from tilbago.payload import Address, Claim, Creditor, ResponsiblePerson
from tilbago.validation import (
    FieldValueError,
    Problem,
    check_case,
    check_date_of_birth,
    check_email,
    check_iban,
    check_interest_rate,
    check_language,
    check_nationality,
    check_sex,
    check_url,
    check_zip,
    is_valid_uid,
    normalize_phone,
    normalize_uid,
    validate_case,
)

D = datetime.date
TODAY = D(2025, 6, 15)


# ------------------------------------------------------------------ field checkers


@pytest.mark.parametrize(
    "value",
    [
        "CHE-107.933.850",  # the seed's Epsitec SA
        "CHE107933850",
        "che-107.933.850",
        " CHE 107 933 850 ",
        "CHE-107.933.850 MWST",
        "CHE-107.933.850 TVA",
        "CHE-107.933.850 IVA",
        "CHE-107.933.850 HR",
        "CHE-107.933.850 MWST/TVA/IVA",
        "CHE107933850MWST",
    ],
)
def test_normalize_uid_accepts_the_usual_forms(value):
    assert normalize_uid(value) == "CHE-107.933.850"
    assert is_valid_uid(value)


def test_normalize_uid_on_the_domain_doc_examples():
    assert normalize_uid("CHE100155212") == "CHE-100.155.212"
    assert is_valid_uid("CHE-100.155.212")
    assert not is_valid_uid("CHE-100.155.213")


@pytest.mark.parametrize(
    "value, words",
    [
        ("CHE-100.155.213", "wrong check digit"),
        ("CHE-107.933.851", "wrong check digit"),
        ("CHE-107.933.85", "CHE and 9 digits"),
        ("CHE-107.933.8500", "CHE and 9 digits"),
        ("107.933.850", "CHE and 9 digits"),
        ("DE123456789", "CHE and 9 digits"),
        ("CHE-ABC.DEF.GHI", "CHE and 9 digits"),
        ("", "CHE and 9 digits"),
        (107933850, "CHE and 9 digits"),
        (None, "CHE and 9 digits"),
    ],
)
def test_normalize_uid_refuses(value, words):
    with pytest.raises(ValueError) as info:
        normalize_uid(value)
    assert words in str(info.value)
    assert "UID (IDE)" in str(info.value)
    assert not is_valid_uid(value)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0848 27 37 87", "+41 848 273 787"),  # the seed's number, phonenumbers' grouping
        ("+41 848 27 37 87", "+41 848 273 787"),
        ("044 123 45 67", "+41 44 123 45 67"),
        ("0041 44 123 45 67", "+41 44 123 45 67"),
        ("+41 (0)44 123 45 67", "+41 44 123 45 67"),
        ("079/123.45.67", "+41 79 123 45 67"),
        ("+423 237 35 35", "+423 237 35 35"),  # Liechtenstein
        ("+49 30 1234567", "+49 30 1234567"),
        ("+33 1 42 68 53 00", "+33 1 42 68 53 00"),
        ("+1 650 253 0000", "+1 650-253-0000"),
    ],
)
def test_normalize_phone(value, expected):
    result = normalize_phone(value)
    assert result == expected
    assert set(result) <= set("0123456789 /-+()")  # what tilbago accepts


def test_normalize_phone_region():
    assert normalize_phone("030 1234567", region="DE") == "+49 30 1234567"


@pytest.mark.parametrize("value", ["12345", "abc", "", "+41 12", "0848 27 37 87 99 99", None, 448273787])
def test_normalize_phone_refuses(value):
    with pytest.raises(ValueError) as info:
        normalize_phone(value)
    assert "not a valid phone number" in str(info.value)
    assert "Phone number" in str(info.value)


def test_normalize_phone_refuses_an_extension():
    with pytest.raises(ValueError) as info:
        normalize_phone("+41 44 123 45 67 ext. 12")
    assert "extension" in str(info.value)


@pytest.mark.parametrize("value, expected", [("1400", "1400"), (" 8001 ", "8001"), (9999, "9999"), ("1000", "1000")])
def test_check_zip_accepts(value, expected):
    assert check_zip(value) == expected


@pytest.mark.parametrize("value", ["0999", "999", "10000", "14OO", "CH-1400", "", 999, True, None, "1400 "[:3]])
def test_check_zip_refuses(value):
    with pytest.raises(ValueError) as info:
        check_zip(value)
    assert "4 digits" in str(info.value)
    assert "Postcode (NPA)" in str(info.value)


@pytest.mark.parametrize(
    "value",
    ["info@cresus.ch", "pierre.dupont@me.ch", "a.b-c+tag@sub.example.co.uk", " x@y.ch ", "o'brien@example.com"],
)
def test_check_email_accepts(value):
    assert check_email(value) == value.strip()


@pytest.mark.parametrize(
    "value",
    ["info", "info@", "@cresus.ch", "info@cresus", "in fo@cresus.ch", "info@@cresus.ch",
     ".info@cresus.ch", "info.@cresus.ch", "in..fo@cresus.ch", "info@cresus..ch",
     "info@-cresus.ch", "info@cresus.c", "", None],
)
def test_check_email_refuses(value):
    with pytest.raises(ValueError) as info:
        check_email(value)
    assert "not a valid e-mail address" in str(info.value)


@pytest.mark.parametrize(
    "value, expected",
    [("5", "5"), (Decimal("4"), "4"), ("4.25", "4.25"), ("0", "0"), (Decimal("99.99999"), "99.99999"),
     ("12.34560", "12.3456"), (5, "5"), (" 5.0 ", "5")],
)
def test_check_interest_rate_accepts(value, expected):
    assert check_interest_rate(value) == Decimal(expected)


@pytest.mark.parametrize(
    "value, words",
    [
        ("100", "between 0 and 99.99999 %"),
        ("99.999991", "between 0 and 99.99999 %"),
        ("-0.5", "between 0 and 99.99999 %"),
        ("4.123456", "more than 5 decimals"),
        ("abc", "must be a number"),
        ("", "must be a number"),
        ("NaN", "must be a number"),
        (4.0, "must be a number"),  # never float
        (True, "must be a number"),
        (None, "must be a number"),
    ],
)
def test_check_interest_rate_refuses(value, words):
    with pytest.raises(ValueError) as info:
        check_interest_rate(value)
    assert words in str(info.value)
    assert "Interest rate" in str(info.value)


@pytest.mark.parametrize("value, expected", [("CH", "CH"), ("ch", "CH"), ("De", "DE"), (" it ", "IT"), ("XK", "XK")])
def test_check_nationality_accepts(value, expected):
    assert check_nationality(value) == expected


@pytest.mark.parametrize("value", ["CHE", "Schweiz", "C", "EU", "ZZ", "UK", "", "41", None])
def test_check_nationality_refuses(value):
    with pytest.raises(ValueError) as info:
        check_nationality(value)
    assert "ISO 3166" in str(info.value)


def test_country_list_is_the_iso_list():
    assert len(ISO_3166_ALPHA2) == 250  # 249 ISO codes + XK
    assert {"CH", "LI", "DE", "FR", "IT", "AT", "GB", "US", "SS", "XK"} <= ISO_3166_ALPHA2
    assert not {"UK", "EU", "EL", "ZZ"} & ISO_3166_ALPHA2


def test_country_list_matches_cldr_when_babel_is_there():
    babel = pytest.importorskip("babel")
    cldr = {code for code in babel.Locale("en").territories if len(code) == 2 and code.isalpha()}
    # CLDR adds continents/unions and exceptionally reserved codes that ISO does not assign
    not_iso = {"AC", "CP", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
    assert cldr - not_iso == ISO_3166_ALPHA2


@pytest.mark.parametrize(
    "value, expected",
    [("1985-03-14", "1985-03-14"), ("14.03.1985", "14.03.1985"), ("1985", "1985"),
     (D(1985, 3, 14), "1985-03-14"), (datetime.datetime(1985, 3, 14, 8, 0), "1985-03-14"),
     ("2025-06-15", "2025-06-15"), ("2025", "2025")],
)
def test_check_date_of_birth_accepts(value, expected):
    assert check_date_of_birth(value, today=TODAY) == expected


@pytest.mark.parametrize(
    "value, words",
    [
        ("1985-02-30", "yyyy-mm-dd, dd.mm.yyyy"),
        ("30.02.1985", "yyyy-mm-dd, dd.mm.yyyy"),
        ("14/03/1985", "yyyy-mm-dd, dd.mm.yyyy"),
        ("1985-3-14", "yyyy-mm-dd, dd.mm.yyyy"),
        ("85", "yyyy-mm-dd, dd.mm.yyyy"),
        ("", "yyyy-mm-dd, dd.mm.yyyy"),
        (1985, "yyyy-mm-dd, dd.mm.yyyy"),
        ("2025-06-16", "in the future"),
        ("16.06.2025", "in the future"),
        ("2026", "in the future"),
        (D(2030, 1, 1), "in the future"),
    ],
)
def test_check_date_of_birth_refuses(value, words):
    with pytest.raises(ValueError) as info:
        check_date_of_birth(value, today=TODAY)
    assert words in str(info.value)
    assert "Date of birth" in str(info.value)


def test_check_date_of_birth_defaults_to_today():
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValueError):
        check_date_of_birth(tomorrow)


@pytest.mark.parametrize("value, expected", [("de", "de"), ("FR", "fr"), (" it ", "it")])
def test_check_language(value, expected):
    assert check_language(value) == expected


@pytest.mark.parametrize("value", ["en", "rm", "german", "", None])
def test_check_language_refuses(value):
    with pytest.raises(ValueError) as info:
        check_language(value)
    assert "de (German), fr (French) or it (Italian)" in str(info.value)


@pytest.mark.parametrize("value, expected", [("M", "M"), ("f", "F"), ("U", "U")])
def test_check_sex(value, expected):
    assert check_sex(value) == expected


@pytest.mark.parametrize("value", ["X", "male", "", None, 1])
def test_check_sex_refuses(value):
    with pytest.raises(ValueError) as info:
        check_sex(value)
    assert "M (male), F (female) or U (unknown)" in str(info.value)


@pytest.mark.parametrize(
    "value, expected",
    [("CH93 0076 2011 6238 5295 7", "CH9300762011623852957"),
     ("ch9300762011623852957", "CH9300762011623852957"),
     ("LI21 0881 0000 2324 013A A", "LI21088100002324013AA")],
)
def test_check_iban(value, expected):
    assert check_iban(value) == expected


@pytest.mark.parametrize(
    "value, words",
    [("CH93 0076 2011 6238 5295 8", "not a valid IBAN"), ("CH93", "not a valid IBAN"),
     ("", "not a valid IBAN"), (None, "not a valid IBAN"),
     ("DE89 3704 0044 0532 0130 00", "Swiss or Liechtenstein")],
)
def test_check_iban_refuses(value, words):
    with pytest.raises(ValueError) as info:
        check_iban(value)
    assert words in str(info.value)


@pytest.mark.parametrize(
    "value",
    ["https://www.zefix.ch/fr/search/entity/list/firm/123456", "http://example.ch",
     "https://vd.chregister.ch/cr-portal/auszug/auszug.xhtml?uid=CHE-107.933.850"],
)
def test_check_url(value):
    assert check_url(value) == value


@pytest.mark.parametrize("value", ["www.zefix.ch", "ftp://zefix.ch", "https://", "https://zefix .ch", "", None])
def test_check_url_refuses(value):
    with pytest.raises(ValueError) as info:
        check_url(value)
    assert "https://" in str(info.value)


def test_field_value_error_carries_template_and_value_for_the_odoo_layer():
    with pytest.raises(FieldValueError) as info:
        normalize_uid("CHE-100.155.213")
    exc = info.value
    assert isinstance(exc, ValueError)
    assert exc.params == {"value": "CHE-100.155.213"}
    assert "%(label)s" in exc.template
    assert exc.render(label="Partner UID").startswith('Partner UID "CHE-100.155.213"')
    # a translator sees the template, not the rendered text
    seen = []
    exc.render(gettext=lambda s: seen.append(s) or s)
    assert exc.template in seen and "UID (IDE)" in seen


def test_checkers_take_a_label():
    with pytest.raises(ValueError) as info:
        check_zip("123", label="Debtor postcode (NPA)")
    assert str(info.value).startswith('Debtor postcode (NPA) "123"')


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
