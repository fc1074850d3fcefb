"""tilbago.sandbox over HTTP: start, key, balance, the contract's rules, attachments, errors.

Statuses, persistence and the sandbox-only endpoints: test_sandbox_statuses.py; the state
without a socket: test_sandbox_state.py.
"""

import copy
import json
import time

import pytest
import requests
from stdnum.ch import esr

from sandbox_http import default_key, get_status, natural_wire, put_attachment, put_case
from tilbago.sandbox import Sandbox, check_case_body


# -- start, authentication, balance -------------------------------------------------------


def test_starts_in_well_under_a_second(tmp_path):
    started = time.monotonic()
    with Sandbox(data_path=str(tmp_path / "s.json")) as sandbox:
        assert time.monotonic() - started < 0.5
        assert sandbox.url.endswith("/v1/")
        assert sandbox.url.startswith("http://127.0.0.1:")
        assert sandbox.port > 0


@pytest.mark.parametrize("key", [None, "", "wrong"])
def test_401_without_the_right_key(sandbox, epsitec_wire, key):
    headers = {} if key is None else {"api_key": key}
    for method, path in (("PUT", "case"), ("GET", "case/x/status"),
                         ("PUT", "case/x/attachment")):
        response = requests.request(method, sandbox.url + path, headers=headers,
                                    data=json.dumps(epsitec_wire), timeout=5)
        assert response.status_code == 401
        assert "api_key" in response.json()["message"]
    assert sandbox.cases() == []


def test_402_when_the_balance_is_spent(sandbox, epsitec_wire):
    sandbox.set_balance(1)
    assert put_case(sandbox, epsitec_wire)[0] == 200
    assert sandbox.balance() == 0
    second = dict(epsitec_wire, externalRef="INV-2")
    second["claim"] = dict(epsitec_wire["claim"], externalRef="5876")
    status, answer = put_case(sandbox, second)
    assert status == 402
    assert "balance" in answer["message"]
    # an invalid case costs nothing and is refused as invalid first
    sandbox.set_balance(0)
    status, _answer = put_case(sandbox, dict(second, certificateOfLoss=None))
    assert status == 400


def test_unlimited_balance(epsitec_wire):
    with Sandbox(api_key="k", balance=None, step_seconds=0) as sandbox:
        for n in range(3):
            body = copy.deepcopy(epsitec_wire)
            body["externalRef"] = "INV-%d" % n
            body["claim"]["externalRef"] = "C-%d" % n
            assert put_case(sandbox, body, key="k")[0] == 200
        assert sandbox.balance() is None


def test_external_ref_unique_per_key(epsitec_wire):
    with Sandbox(api_key=["key-a", "key-b"], step_seconds=0) as sandbox:
        status, first = put_case(sandbox, epsitec_wire, key="key-a")
        assert status == 200
        status, answer = put_case(sandbox, epsitec_wire, key="key-a")
        assert status == 400
        assert answer["message"].startswith(
            'externalRef: a case with externalRef "INV-2020-5875" already exists')
        # another customer (key) may use the same references
        status, other = put_case(sandbox, epsitec_wire, key="key-b")
        assert status == 200
        # and cannot see the first customer's case
        assert get_status(sandbox, first["caseId"], key="key-b")[0] == 404
        assert get_status(sandbox, other["caseId"], key="key-b")[0] == 200


def test_claim_external_ref_unique_per_key(sandbox, epsitec_wire):
    put_case(sandbox, epsitec_wire)
    body = dict(epsitec_wire, externalRef="INV-other")
    status, answer = put_case(sandbox, body)
    assert status == 400
    assert [e["field"] for e in answer["errors"]] == ["claim.externalRef"]


# -- every field rule --------------------------------------------------------------------


def _set(path, value):
    def mutate(body):
        *parents, last = path.split(".")
        target = body
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if value is _DELETE:
            target.pop(last, None)
        else:
            target[last] = value
    return mutate


_DELETE = object()

LEGAL_ERRORS = [
    ("externalRef", _set("externalRef", _DELETE)),
    ("externalRef", _set("externalRef", "  ")),
    ("externalRef", _set("externalRef", 42)),
    ("certificateOfLoss", _set("certificateOfLoss", _DELETE)),
    ("certificateOfLoss", _set("certificateOfLoss", "False")),
    ("responsiblePerson.email", _set("responsiblePerson", {"email": "not-an-email"})),
    ("responsiblePerson.email", _set("responsiblePerson", {})),
    ("sourceRefEmail", _set("sourceRefEmail", "odoo@")),
    ("payeeReference", _set("payeeReference", "210000000003139471430009018")),
    ("status", _set("status", "999")),
    ("creditor", _set("creditor", {"externalRef": "C", "name": "A", "surname": "B",
                                   "address": {"street": "S", "zip": "8000",
                                               "city": "Zürich"}})),
    ("eschkgCode", _set("eschkgCode", "x")),
    ("debtor", _set("debtor", _DELETE)),
    ("debtor", _set("debtor", "Epsitec SA")),
    ("debtor.externalRef", _set("debtor.externalRef", _DELETE)),
    ("debtor.company", _set("debtor.company", "")),
    ("debtor.companyUid", _set("debtor.companyUid", "CHE-107.933.851")),
    ("debtor.companyUid", _set("debtor.companyUid", "107.933.850")),
    ("debtor.companyUid", _set("debtor.companyUid", "CHE 107 933 850")),
    ("debtor.companyUid", _set("debtor.companyUid", _DELETE)),
    ("debtor.legalSeat", _set("debtor.legalSeat", _DELETE)),
    ("debtor.contactPerson", _set("debtor.contactPerson", _DELETE)),
    ("debtor.isRegistered", _set("debtor.isRegistered", _DELETE)),
    ("debtor.isRegistered", _set("debtor.isRegistered", "yes")),
    ("debtor.surname", _set("debtor.surname", "Arnaud")),
    ("debtor.preferredLanguage", _set("debtor.preferredLanguage", "en")),
    ("debtor.phone1", _set("debtor.phone1", "call me")),
    ("debtor.phone2", _set("debtor.phone2", "12")),
    ("debtor.fax", _set("debtor.fax", "024 445 24 01 ext. 3")),
    ("debtor.email", _set("debtor.email", "info@cresus")),
    ("debtor.address", _set("debtor.address", _DELETE)),
    ("debtor.address.zip", _set("debtor.address.zip", "140")),
    ("debtor.address.zip", _set("debtor.address.zip", "14000")),
    ("debtor.address.zip", _set("debtor.address.zip", "0400")),
    ("debtor.address.zip", _set("debtor.address.zip", 1400)),
    ("debtor.address.zip", _set("debtor.address.zip", _DELETE)),
    ("debtor.address.city", _set("debtor.address.city", _DELETE)),
    ("debtor.address.street", _set("debtor.address.street", "")),
    ("debtor.address.country", _set("debtor.address.country", "CH")),
    ("claim", _set("claim", _DELETE)),
    ("claim.externalRef", _set("claim.externalRef", _DELETE)),
    ("claim.amount", _set("claim.amount", 12565.60)),
    ("claim.amount", _set("claim.amount", 1256560.0)),
    ("claim.amount", _set("claim.amount", "1256560")),
    ("claim.amount", _set("claim.amount", True)),
    ("claim.amount", _set("claim.amount", 0)),
    ("claim.amount", _set("claim.amount", -100)),
    ("claim.amount", _set("claim.amount", _DELETE)),
    ("claim.reason", _set("claim.reason", "")),
    ("claim.reason", _set("claim.reason", "x" * 641)),
    ("claim.interestDateFrom", _set("claim.interestDateFrom", "20.12.2020")),
    ("claim.interestDateFrom", _set("claim.interestDateFrom", "2021-02-29")),
    ("claim.interestDateFrom", _set("claim.interestDateFrom", _DELETE)),
    ("claim.interestRate", _set("claim.interestRate", "100")),
    ("claim.interestRate", _set("claim.interestRate", "99.999999")),
    ("claim.interestRate", _set("claim.interestRate", "4,0")),
    ("claim.interestRate", _set("claim.interestRate", "-1")),
    ("claim.interestRate", _set("claim.interestRate", 4.0)),
    ("claim.interestRate", _set("claim.interestRate", _DELETE)),
    ("claim.collocationClass", _set("claim.collocationClass", "4")),
    ("claim.collocationClass", _set("claim.collocationClass", 3)),
    ("claim.collocationClass", _set("claim.collocationClass", _DELETE)),
    ("subsidiaryClaims", _set("subsidiaryClaims", {"externalRef": "x"})),
    ("subsidiaryClaims[0]", _set("subsidiaryClaims", ["x"])),
]


@pytest.mark.parametrize("field, mutate", LEGAL_ERRORS,
                         ids=["%s-%d" % (f, i) for i, (f, _m) in enumerate(LEGAL_ERRORS)])
def test_each_rule_is_refused_with_a_400_naming_the_field(sandbox, epsitec_wire, field,
                                                           mutate):
    mutate(epsitec_wire)
    status, answer = put_case(sandbox, epsitec_wire)
    assert status == 400
    assert [e["field"] for e in answer["errors"]] == [field]
    assert answer["message"].startswith(field + ": ")
    assert sandbox.cases() == []


NATURAL_ERRORS = [
    ("debtor.name", _set("debtor.name", _DELETE)),
    ("debtor.surname", _set("debtor.surname", "")),
    ("debtor.sex", _set("debtor.sex", "X")),
    ("debtor.dateOfBirth", _set("debtor.dateOfBirth", "1985/03/14")),
    ("debtor.dateOfBirth", _set("debtor.dateOfBirth", "1985-02-30")),
    ("debtor.dateOfBirth", _set("debtor.dateOfBirth", "14.3.1985")),
    ("debtor.nationality", _set("debtor.nationality", "CHE")),
    ("debtor.companyUid", _set("debtor.companyUid", "CHE-107.933.850")),
    ("debtor.isRegistered", _set("debtor.isRegistered", False)),
]


@pytest.mark.parametrize("field, mutate", NATURAL_ERRORS,
                         ids=["%s-%d" % (f, i) for i, (f, _m) in enumerate(NATURAL_ERRORS)])
def test_natural_person_rules(sandbox, field, mutate):
    body = natural_wire()
    mutate(body)
    status, answer = put_case(sandbox, body)
    assert status == 400, answer
    assert [e["field"] for e in answer["errors"]] == [field]


@pytest.mark.parametrize("mutate", [
    _set("debtor.companyUid", "CHE107933850"),
    _set("debtor.address.street", _DELETE),  # a post-office box instead of a street
    _set("claim.interestRate", "99.99999"),
    _set("claim.interestRate", "0"),
    _set("claim.interestRate", "5"),
    _set("claim.reason", "x" * 640),
    _set("debtor.phone1", "(024) 445-24-01 / +41"),
    _set("debtor.nameAddon", None),  # null is the same as absent
    _set("payeeReference", "RF18 5390 0754 7034"),
    _set("payeeReference", "21000000000313947143000901"
         + esr.calc_check_digit("21000000000313947143000901")),
    _set("status", "002"),
    _set("responsiblePerson", {"email": "claire@example.ch"}),
    _set("subsidiaryClaims", []),
])
def test_valid_variants_are_accepted(sandbox, epsitec_wire, mutate):
    epsitec_wire["debtor"]["address"]["pob"] = "Case postale 12"
    mutate(epsitec_wire)
    status, answer = put_case(sandbox, epsitec_wire)
    assert status == 200, answer
    assert answer["caseId"]


@pytest.mark.parametrize("birth", ["1985-03-14", "14.03.1985", "1985"])
def test_natural_person_birth_date_formats(sandbox, birth):
    body = natural_wire()
    body["debtor"]["dateOfBirth"] = birth
    body["debtor"]["nationality"] = "ch"  # any case
    assert put_case(sandbox, body)[0] == 200


def _claim(n, reason="Facture %d"):
    return {"externalRef": "S-%d" % n, "amount": 100 * (n + 1), "reason": reason % n,
            "interestDateFrom": "2021-01-01", "interestRate": "5.0", "collocationClass": "3"}


def test_at_most_ten_claims(sandbox, epsitec_wire):
    epsitec_wire["subsidiaryClaims"] = [_claim(n) for n in range(10)]
    status, answer = put_case(sandbox, epsitec_wire)
    assert status == 400
    assert answer["errors"][0]["field"] == "subsidiaryClaims"
    assert "at most 10" in answer["message"]
    epsitec_wire["subsidiaryClaims"] = [_claim(n) for n in range(9)]
    assert put_case(sandbox, epsitec_wire)[0] == 200


def test_further_claims_have_80_characters_of_reason(sandbox, epsitec_wire):
    epsitec_wire["subsidiaryClaims"] = [_claim(1), _claim(2, "y" * 81 + "%d")]
    status, answer = put_case(sandbox, epsitec_wire)
    assert status == 400
    assert [e["field"] for e in answer["errors"]] == ["subsidiaryClaims[1].reason"]


def test_claim_refs_unique_within_a_request(sandbox, epsitec_wire):
    epsitec_wire["subsidiaryClaims"] = [dict(_claim(1), externalRef="5875")]
    status, answer = put_case(sandbox, epsitec_wire)
    assert status == 400
    assert [e["field"] for e in answer["errors"]] == ["subsidiaryClaims[0].externalRef"]


def test_every_problem_is_reported_at_once(sandbox, epsitec_wire):
    epsitec_wire["debtor"]["companyUid"] = "CHE-107.933.851"
    epsitec_wire["debtor"]["address"]["zip"] = "1400 "
    epsitec_wire["claim"]["amount"] = "12565.60"
    status, answer = put_case(sandbox, epsitec_wire)
    assert status == 400
    assert [e["field"] for e in answer["errors"]] == [
        "debtor.companyUid", "debtor.address.zip", "claim.amount"]
    assert answer["message"] == "; ".join(e["message"] for e in answer["errors"])


CREDITOR = {"externalRef": "CR-1", "company": "Muster AG", "companyUid": "CHE-100.155.212",
            "legalSeat": "Bern", "contactPerson": "Anna Muster", "isRegistered": True,
            "iban": "CH93 0076 2011 6238 5295 7",
            "tradeRegisterUrl": "https://www.zefix.ch/en/search/entity/list?name=muster",
            "address": {"street": "Bundesplatz", "streetnumber": "1", "zip": "3003",
                        "city": "Bern"}}


def test_a_creditor_is_refused_and_its_fields_still_checked(sandbox, epsitec_wire):
    """The account files for itself: a creditor (representation) is refused, and its
    fields are checked against the contract all the same."""
    epsitec_wire["creditor"] = copy.deepcopy(CREDITOR)
    assert check_case_body(epsitec_wire) == []
    status, answer = put_case(sandbox, epsitec_wire)
    assert status == 400
    assert [e["field"] for e in answer["errors"]] == ["creditor"]
    epsitec_wire["creditor"]["iban"] = "CH93 0076 2011 6238 5295 8"
    status, answer = put_case(sandbox, epsitec_wire)
    assert [e["field"] for e in answer["errors"]] == ["creditor.iban", "creditor"]
    assert sandbox.cases() == []


@pytest.mark.parametrize("raw, field", [
    (b"", "body"), (b"{not json", "body"), (b"[1, 2]", "body"), ("\"x\"".encode(), "body"),
    (b"\xff\xfe", "body"),
])
def test_a_body_that_is_not_a_json_object(sandbox, raw, field):
    status, answer = put_case(sandbox, None, raw=raw)
    assert status == 400
    assert answer["message"].startswith(field)


def test_the_epsitec_case_passes_both_our_validation_and_the_sandbox(epsitec_case,
                                                                     natural_case):
    # the day our payload/validation and the contract disagree, this fails
    assert check_case_body(epsitec_case.to_wire()) == []
    assert check_case_body(natural_case.to_wire()) == []


# -- attachments -------------------------------------------------------------------------


@pytest.fixture
def case_id(sandbox, epsitec_wire):
    return put_case(sandbox, epsitec_wire)[1]["caseId"]


def test_attachment_stored_with_its_metadata(sandbox, case_id):
    status, answer = put_attachment(sandbox, case_id, b"%PDF-1.4")
    assert status == 200
    [stored] = sandbox.case(case_id)["attachments"]
    assert stored["attachmentId"] == answer["attachmentId"]
    assert (stored["filename"], stored["size"]) == ("acte.pdf", 8)


def test_attachment_with_a_content_type_gets_a_500(sandbox, case_id):
    status, answer = put_attachment(sandbox, case_id, b"%PDF",
                                    {"Content-Type": "application/pdf"})
    assert status == 500
    assert "Content-Type" in answer["message"]
    assert sandbox.case(case_id)["attachments"] == []


def test_empty_attachment_gets_a_400(sandbox, case_id):
    status, answer = put_attachment(sandbox, case_id, b"")
    assert status == 400
    assert "empty" in answer["message"]


@pytest.mark.parametrize("disposition", [None, "inline", "attachment", "form-data; name=x"])
def test_attachment_needs_a_file_name(sandbox, case_id, disposition):
    status, answer = put_attachment(sandbox, case_id, b"x",
                                    {"Content-Disposition": disposition})
    assert status == 400
    assert answer["message"].startswith("Content-Disposition")


def test_attachment_file_name_star_wins(sandbox, case_id):
    put_attachment(sandbox, case_id, b"x", {
        "Content-Disposition": "attachment; filename=\"Acte de defaut.pdf\"; "
                               "filename*=UTF-8''Acte%20de%20d%C3%A9faut.pdf"})
    assert sandbox.case(case_id)["attachments"][0]["filename"] == "Acte de défaut.pdf"


def test_attachment_size_limit(epsitec_wire):
    with Sandbox(api_key="k", max_attachment_bytes=1000, step_seconds=0) as sandbox:
        case_id = put_case(sandbox, epsitec_wire, key="k")[1]["caseId"]
        assert put_attachment(sandbox, case_id, b"x" * 1000, key="k")[0] == 200
        status, answer = put_attachment(sandbox, case_id, b"x" * 1001, key="k")
        assert status == 413
        assert "1000 bytes" in answer["message"]
        assert len(sandbox.case(case_id)["attachments"]) == 1


def test_attachment_to_an_unknown_case(sandbox):
    status, answer = put_attachment(sandbox, "no-such-case", b"x")
    assert status == 404
    assert "not found" in answer["message"]


# -- every non-2xx answer is JSON -------------------------------------------------------


@pytest.mark.parametrize("method, path, expected", [
    ("GET", "v1/nothing", 404), ("GET", "elsewhere", 404), ("GET", "v1/case", 405),
    ("POST", "v1/case", 405), ("DELETE", "v1/case/x/status", 405),
    ("PUT", "v1/case/x/status", 405), ("GET", "v1/case/x/attachment", 405),
    ("GET", "_sandbox/nothing", 404), ("GET", "", 404),
])
def test_errors_are_json(sandbox, method, path, expected):
    response = requests.request(method, sandbox.root_url + path, timeout=5,
                                headers={"api_key": default_key()})
    assert response.status_code == expected
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["message"]
