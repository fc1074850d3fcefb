"""Bad input refused by the plain layer before anything is sent, each naming its field.

Invisible and control characters in every text, dates out of range, the PO-box-only
address, the messages that named the wrong thing, the key echoed in another letter case,
tilbago's message bodies kept out of the INFO log, and the case files folder.
"""

import dataclasses
import datetime
import json
import logging
import os
import unicodedata

import pytest

from tilbago import validation as v
from tilbago.client import TilbagoClient
from tilbago.documents import MAX_ATTACHMENT_BYTES, check_document
from tilbago.exceptions import Rejected
from tilbago.payload import Address, Debtor
from tilbago.storage import check_storage_root, redact
from tilbago.validation import (
    FieldValueError,
    check_date_of_birth,
    check_interest_rate,
    find_invisible,
    normalize_text,
    validate_case,
)

TODAY = datetime.date(2026, 6, 15)

# -- invisible and control characters ---------------------------------------------------

#: (attribute path on the natural-person case, refused value, label named in the message)
INVISIBLE = [
    ("debtor.surname", "\u200b\u200b\u200b", "Debtor last name"),  # zero-width spaces only
    ("debtor.surname", "Jam\u202eois", "Debtor last name"),  # right-to-left override
    ("debtor.name", "Gwen\u202eaëlle", "Debtor first name"),
    ("debtor.name", "\ufeffGwenaëlle", "Debtor first name"),  # BOM in front
    ("debtor.address.street", "Seestrasse\n12", "Debtor street"),  # newline inside
    ("debtor.address.street", "Seestrasse\r\nHinterhaus", "Debtor street"),
    ("debtor.address.city", "Z\x07rich", "Debtor city"),  # BEL
    ("debtor.address.city", "Zürich\x00", "Debtor city"),  # NUL at the end
    ("debtor.address.pob", "Postfach\u2028 12", "Debtor post-office box"),  # line separator
    ("debtor.address.streetnumber", "1\u00ad2", "Debtor house number"),  # soft hyphen
    ("debtor.birth_name", "Mül\u200dler", "Debtor birth name"),  # zero-width joiner
    ("debtor.title", "Dr\tmed", "Debtor title"),  # tab
    ("claim.reason", "Facture\x1b[31m 5875", "Claim reason"),  # ANSI escape
    ("claim.reason", "Facture \u2029 5875", "Claim reason"),  # paragraph separator
    ("external_ref", "REF\u200b-1", "Case reference"),
    ("debtor.external_ref", "D\x7f1", "Debtor reference"),  # DEL
    ("claim.external_ref", "C\x851", "Claim reference"),  # NEL (C1 control)
    ("debtor.address.street", "Rue\ue000 du Lac", "Debtor street"),  # private use
]


def _set(case, path, value):
    *parents, attr = path.split(".")
    target = case
    for name in parents:
        target = getattr(target, name)
    setattr(target, attr, value)


@pytest.mark.parametrize("path, value, label", INVISIBLE)
def test_invisible_and_control_characters_are_refused_naming_the_field(
        natural_case, path, value, label):
    _set(natural_case, path, value)
    problems = validate_case(natural_case, today=TODAY)
    assert len(problems) == 1, [p.message for p in problems]
    message = problems[0].message
    assert message.startswith(label + " contains an invisible or control character (U+")
    char = next(c for c in value.strip()
                if unicodedata.category(c) in v.FORBIDDEN_CATEGORIES)
    assert "U+%04X" % ord(char) in message


def test_a_company_name_with_a_right_to_left_override(epsitec_case):
    epsitec_case.debtor.company = "Epsitec\u202e SA"
    epsitec_case.debtor.contact_person = "Pierre\u200bArnaud"
    fields = [p.field for p in validate_case(epsitec_case, today=TODAY)]
    assert fields == ["debtor.company", "debtor.contactPerson"]


def test_a_creditor_web_address_with_an_invisible_character(epsitec_case):
    from tilbago.payload import Creditor

    epsitec_case.creditor = Creditor(
        external_ref="CR1", company="Crésus SA", company_uid="CHE-107.933.850",
        legal_seat="Yverdon", contact_person="A B", is_registered=True,
        address=Address(street="Rue 1", zip="1400", city="Yverdon"),
        trade_register_url="https://example.ch/\u202efdp.exe",
    )
    [problem] = validate_case(epsitec_case, today=TODAY)
    assert problem.field == "creditor.tradeRegisterUrl"


def test_ordinary_spaces_are_normalised_not_refused(natural_case):
    natural_case.debtor.surname = "  Ja\u00a0\u00a0mois  "  # no-break spaces
    natural_case.debtor.address.street = "Rue   du\u2009Lac"  # thin space
    natural_case.debtor.name = "Gwenae\u0308lle"  # e + combining diaeresis (NFD)
    assert validate_case(natural_case, today=TODAY) == []
    wire = natural_case.to_wire()
    assert wire["debtor"]["surname"] == "Ja mois"
    assert wire["debtor"]["address"]["street"] == "Rue du Lac"
    assert wire["debtor"]["name"] == "Gwenaëlle"  # NFC: one code point
    assert len(wire["debtor"]["name"]) == 9


def test_leading_and_trailing_newlines_are_stripped_not_refused(natural_case):
    natural_case.debtor.address.city = "\nZürich\n"
    assert validate_case(natural_case, today=TODAY) == []
    assert natural_case.to_wire()["debtor"]["address"]["city"] == "Zürich"


def test_normalize_text():
    assert normalize_text(" a \u00a0 b ") == "a b"
    assert normalize_text("A\u0308") == "Ä"
    assert normalize_text(None) is None
    assert normalize_text(12) == 12


def _further(case):
    case.subsidiary_claims = [dataclasses.replace(case.claim, external_ref="X-2",
                                                  reason="Frais de rappel")]
    return case


def test_reason_length_counts_the_normalised_text(epsitec_case):
    _further(epsitec_case).subsidiary_claims[0].reason = "x " + " " * 100 + "y"
    assert validate_case(epsitec_case, today=TODAY) == []


# -- dates --------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    datetime.date(1899, 12, 31), datetime.date(1, 1, 1), "1899-12-31", "31.12.1899", "1850",
    "0001",
])
def test_date_of_birth_before_1900_is_refused(value):
    with pytest.raises(FieldValueError) as info:
        check_date_of_birth(value, today=TODAY)
    assert "before 1900" in str(info.value)


@pytest.mark.parametrize("value", ["١٩٩٠", "１９９０-０１-０１", "1990-01-01\n"[:-1] + "\u200b"])
def test_date_of_birth_in_other_digits_is_refused(value):
    with pytest.raises(FieldValueError):
        check_date_of_birth(value, today=TODAY)


def test_date_of_birth_from_1900_on_is_accepted():
    assert check_date_of_birth(datetime.date(1900, 1, 1), today=TODAY) == "1900-01-01"
    assert check_date_of_birth("1900", today=TODAY) == "1900"


def test_interest_from_in_the_future_is_refused(epsitec_case):
    _further(epsitec_case).claim.interest_date_from = TODAY + datetime.timedelta(days=1)
    epsitec_case.subsidiary_claims[0].interest_date_from = datetime.date(2099, 1, 1)
    problems = validate_case(epsitec_case, today=TODAY)
    assert [p.field for p in problems] == [
        "claim.interestDateFrom", "subsidiaryClaims[0].interestDateFrom"]
    assert problems[0].message == (
        'Claim interest from "2026-06-16" lies in the future: interest can only run from '
        "today or an earlier day.")
    assert problems[1].message.startswith('Further claim 1 interest from "2099-01-01"')
    epsitec_case.claim.interest_date_from = TODAY
    epsitec_case.subsidiary_claims[0].interest_date_from = TODAY
    assert validate_case(epsitec_case, today=TODAY) == []


# -- the address: a street or a post-office box -------------------------------------------

def test_a_po_box_only_address_is_accepted(epsitec_case):
    epsitec_case.debtor.address = Address(street=None, zip="6900", city="Lugano",
                                          pob="Casella postale 7")
    assert validate_case(epsitec_case, today=TODAY) == []
    address = epsitec_case.to_wire()["debtor"]["address"]
    assert address["pob"] == "Casella postale 7" and address["street"] is None


@pytest.mark.parametrize("street, pob", [(None, None), ("  ", None), (None, "  "), ("", "")])
def test_neither_street_nor_po_box_is_refused(epsitec_case, street, pob):
    epsitec_case.debtor.address = Address(street=street, zip="6900", city="Lugano", pob=pob)
    [problem] = validate_case(epsitec_case, today=TODAY)
    assert problem.field == "debtor.address.street"
    assert problem.message == "Debtor street is required, or a post-office box."


def test_the_sandbox_takes_a_po_box_only_address(epsitec_case):
    from tilbago.sandbox import check_case_body

    epsitec_case.debtor.address = Address(zip="6900", city="Lugano", pob="Casella postale 7")
    assert check_case_body(epsitec_case.to_wire()) == []


# -- messages that named the wrong thing -------------------------------------------------

@pytest.mark.parametrize("company", ["", "   ", "\u3000"])
def test_an_empty_company_name_asks_for_the_company_name(epsitec_case, company):
    epsitec_case.debtor.company = company
    messages = [p.message for p in validate_case(epsitec_case, today=TODAY)]
    assert messages == ["Debtor company name is required."]


def test_a_person_without_company_still_asks_for_the_first_name(natural_case):
    natural_case.debtor.name = None
    messages = [p.message for p in validate_case(natural_case, today=TODAY)]
    assert messages == ["Debtor first name is required."]


@pytest.mark.parametrize("value, shown", [
    (v.Decimal("100.00000").normalize(), "100"),  # Decimal('1E+2'), as the wizard passes it
    (v.Decimal("1E+3"), "1000"),
    ("100.00000", "100"),
    (100, "100"),
    ("-0.50", "-0.5"),
    (v.Decimal("4.1234567"), "4.1234567"),
])
def test_rates_are_shown_as_people_type_them(value, shown):
    with pytest.raises(FieldValueError) as info:
        check_interest_rate(value)
    assert '"%s"' % shown in str(info.value)
    assert "E+" not in str(info.value)


def test_a_file_one_byte_too_large_says_so_in_bytes():
    [problem] = check_document("scan.pdf", MAX_ATTACHMENT_BYTES + 1)
    assert "10.0 MB" not in problem.message
    assert "10'485'761 bytes, larger than the 10'485'760 bytes" in problem.message


# -- the key echoed back in another letter case -------------------------------------------

def test_the_key_echoed_in_any_letter_case_is_masked(sandbox, api_key, caplog):
    caplog.set_level(logging.DEBUG)
    client = TilbagoClient(sandbox.url, api_key, retries=0)
    for echoed in (api_key.upper(), api_key.swapcase(), api_key.title()):
        assert echoed != api_key
        sandbox.fail_next(status=400, content_type="application/json",
                          body=json.dumps({"message": "unknown key %s" % echoed}))
        with pytest.raises(Rejected) as info:
            client.get_status("C1")
        assert echoed.lower() not in str(info.value).lower()
        assert "***" in info.value.message
    assert api_key.lower() not in caplog.text.lower()
    client.close()
    secret = "AbC-secret"
    assert redact({"m": "x abc-SECRET y ABC-secret"}, [secret]) == {"m": "x *** y ***"}


def test_tilbago_messages_are_logged_at_debug_only(sandbox, api_key, caplog):
    caplog.set_level(logging.DEBUG, logger="tilbago.client")
    client = TilbagoClient(sandbox.url, api_key, retries=0)
    sandbox.fail_next(status=400, content_type="application/json",
                      body=json.dumps({"message": "debtor Hans Muster born 1970-01-01"}))
    with pytest.raises(Rejected):
        client.get_status("C1")
    client.close()
    info = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any("400" in line for line in info)
    assert not any("Hans Muster" in line for line in info)
    assert any("Hans Muster" in line for line in debug)


# -- the case files folder ------------------------------------------------------------------

BAD_ROOTS = [
    ("/", "lies in /"),
    ("/etc", "lies in /etc"),
    ("/etc/tilbago", "lies in /etc"),
    ("/usr/local/share/cases", "lies in /usr"),
    ("/bin", "lies in /bin"),
    ("/sbin/x", "lies in /sbin"),
    ("/lib/cases", "lies in /lib"),
    ("/lib64", "lies in /lib64"),
    ("/proc/self/cwd", "lies in /proc"),
    ("/sys/x", "lies in /sys"),
    ("/dev/shm/cases", "lies in /dev"),
    ("/boot/cases", "lies in /boot"),
    ("/var/lib/postgresql/16/main", "lies in /var/lib/postgresql"),
    ("/tmp/cases/../../etc", 'must not contain ".."'),
    ("/tmp/../etc", 'must not contain ".."'),
    ("/tmp/cases/..", 'must not contain ".."'),
    ("/tmp/ca\x00ses", "control or invisible character (U+0000)"),
    ("/tmp/ca\nses", "control or invisible character (U+000A)"),
    ("/tmp/\u202ecases", "control or invisible character (U+202E)"),
    ("cases", "must be an absolute folder"),
    ("./cases", "must be an absolute folder"),
    ("~/cases", "must be an absolute folder"),
    ("", "must be an absolute folder"),
    (None, "must be an absolute folder"),
]


@pytest.mark.parametrize("path, words", BAD_ROOTS)
def test_storage_root_refused(path, words):
    with pytest.raises(FieldValueError) as info:
        check_storage_root(path)
    assert str(info.value).startswith("Case files folder")
    assert words in str(info.value)


def test_storage_root_protected_folders_and_symlinks(tmp_path):
    odoo_dir = tmp_path / "odoo"
    (odoo_dir / "addons").mkdir(parents=True)
    with pytest.raises(FieldValueError) as info:
        check_storage_root(str(odoo_dir / "addons" / "cases"), protected=[str(odoo_dir)])
    assert "lies in %s" % odoo_dir in str(info.value)
    link = tmp_path / "to-etc"
    os.symlink("/etc", link)
    with pytest.raises(FieldValueError) as info:
        check_storage_root(str(link / "cases"))
    assert "lies in /etc" in str(info.value)
    good = tmp_path / "cases"
    assert check_storage_root(" %s " % good) == os.path.realpath(good)
    assert not good.exists()  # nothing created


def test_storage_root_is_not_a_prefix_match(tmp_path):
    # /var/lib/postgresql-backup is not inside /var/lib/postgresql, /etcetera not /etc
    assert check_storage_root("/var/lib/postgresql-cases") == "/var/lib/postgresql-cases"
    assert check_storage_root("/etcetera/cases") == "/etcetera/cases"


# -- the payload keeps the debtor as the caller gave it ----------------------------------

def test_debtor_fields_unchanged_by_validation(natural_case):
    before = dataclasses.asdict(natural_case.debtor)
    validate_case(natural_case, today=TODAY)
    assert dataclasses.asdict(natural_case.debtor) == before
    assert isinstance(natural_case.debtor, Debtor)


def test_odoo_empty_fields_are_not_the_text_false():
    from tilbago.address import parse_address

    # Odoo gives False for an empty street2: a PO-box-only partner has no street
    address = parse_address("Casella postale 7", False, "6900", "Lugano")
    assert (address.street, address.pob) == (None, "Casella postale 7")
    assert parse_address(False, False, False, False) == Address()


@pytest.mark.parametrize("name, expected", [
    ("..", "document"), (".", "document"), ("...", "document"), ("", "document"),
    ("   ", "document"), (None, "document"), ("\u202e\u200b", "document"),
    (".pdf", "document.pdf"), ("\x07\x07.pdf", "document.pdf"), ("\x00.pdf", "document.pdf"),
    ("CON", "_CON"), ("a/b\\c.pdf", "a_b_c.pdf"), ("Rapport final.PDF", "Rapport final.PDF"),
])
def test_safe_document_name(name, expected):
    from tilbago.storage import safe_document_name

    assert safe_document_name(name) == expected
