"""Validation: every rule of the contract, every problem reported at once, naming its field."""

import datetime
from decimal import Decimal

import pytest

from tilbago.countries import ISO_3166_ALPHA2
from tilbago.validation import (
    FieldValueError,
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
