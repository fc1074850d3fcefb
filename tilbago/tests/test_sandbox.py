"""tilbago.sandbox: the contract's rules, persistence, statuses over time, sandbox endpoints.

These tests speak raw HTTP (requests) to the sandbox, so they check the stand-in itself,
independently of tilbago.client.
"""

import copy
import json
import os
import time

import pytest
import requests
from stdnum.ch import esr

from tilbago import status as statuses
from tilbago.sandbox import Sandbox, check_case_body


def put_case(sandbox, body, key=None, raw=None):
    response = requests.put(
        sandbox.url + "case", data=raw if raw is not None else json.dumps(body),
        headers={"api_key": key or _key(), "Content-Type": "application/json"},
        timeout=5)
    return response.status_code, response.json()


def _key():
    from conftest import SANDBOX_API_KEY

    return SANDBOX_API_KEY


def get_status(sandbox, case_id, key=None, lang=None):
    headers = {"api_key": key or _key()}
    if lang:
        headers["Accept-Language"] = lang
    response = requests.get(sandbox.url + "case/%s/status" % case_id, headers=headers,
                            timeout=5)
    return response.status_code, response.json()


def put_attachment(sandbox, case_id, content, headers=None, key=None):
    sent = {"api_key": key or _key(),
            "Content-Disposition": 'attachment; filename="acte.pdf"'}
    sent.update(headers or {})
    sent = {k: v for k, v in sent.items() if v is not None}
    response = requests.put(sandbox.url + "case/%s/attachment" % case_id, data=content,
                            headers=sent, timeout=5)
    return response.status_code, response.json()


def sbx(sandbox, method, path, **kwargs):
    response = requests.request(method, sandbox.root_url + "_sandbox/" + path, timeout=5,
                                **kwargs)
    return response.status_code, response.json()


def natural_wire():
    from conftest import make_natural_case

    return make_natural_case().to_wire()


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
                                headers={"api_key": _key()})
    assert response.status_code == expected
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["message"]


# -- statuses over time ------------------------------------------------------------------


def test_status_moves_with_time(epsitec_wire):
    with Sandbox(api_key="k", step_seconds=0.05) as sandbox:
        case_id = put_case(sandbox, epsitec_wire, key="k")[1]["caseId"]
        assert get_status(sandbox, case_id, key="k")[1]["statusCode"] in ("002", "SBX-100")
        path = list(statuses.BANKRUPTCY_PATH)  # Epsitec SA is in the commercial register
        time.sleep(0.2)
        code = get_status(sandbox, case_id, key="k")[1]["statusCode"]
        assert path.index(code) >= 3
        time.sleep(0.05 * len(path))
        assert get_status(sandbox, case_id, key="k")[1] == {
            "statusCode": "SBX-900", "eSchKGCode": "SBX-E900",
            "description": statuses.describe("SBX-900")}


class FakeClock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


def test_status_path_by_the_clock(epsitec_wire):
    clock = FakeClock()
    with Sandbox(api_key="k", step_seconds=60, clock=clock) as sandbox:
        legal = put_case(sandbox, epsitec_wire, key="k")[1]["caseId"]
        natural = put_case(sandbox, natural_wire(), key="k")[1]["caseId"]
        seen = {legal: [], natural: []}
        for _step in range(10):
            for case_id, codes in seen.items():
                code = get_status(sandbox, case_id, key="k")[1]["statusCode"]
                if not codes or codes[-1] != code:
                    codes.append(code)
            clock.now += 60
        # sent without "002": submitted at once, then one step a minute
        assert seen[legal] == list(statuses.BANKRUPTCY_PATH[1:])
        assert seen[natural] == list(statuses.SEIZURE_PATH[1:])
        # 59 seconds are not a step
        third = copy.deepcopy(epsitec_wire)
        third["externalRef"], third["claim"]["externalRef"] = "T", "T"
        case_id = put_case(sandbox, third, key="k")[1]["caseId"]
        clock.now += 59
        assert get_status(sandbox, case_id, key="k")[1]["statusCode"] == "SBX-100"
        clock.now += 1
        assert get_status(sandbox, case_id, key="k")[1]["statusCode"] == "SBX-200"
        history = [h["statusCode"] for h in sandbox.case(legal)["history"]]
        assert history == list(statuses.BANKRUPTCY_PATH[1:])


def test_review_waits_for_the_user_however_long(epsitec_wire):
    """Sent with "002" (review in tilbago first): nothing moves until the user releases
    it, as in tilbago where the user checks the debtor's data first."""
    clock = FakeClock()
    epsitec_wire["status"] = "002"
    with Sandbox(api_key="k", step_seconds=60, clock=clock) as sandbox:
        case_id = put_case(sandbox, epsitec_wire, key="k")[1]["caseId"]
        for _hour in range(48):
            clock.now += 3600
            assert get_status(sandbox, case_id, key="k")[1]["statusCode"] == "002"
        status, answer = sbx(sandbox, "POST", "cases/%s/release" % case_id)
        assert (status, answer["statusCode"]) == (200, "SBX-100")
        # released: a second release is refused, the path goes on at its pace
        assert sbx(sandbox, "POST", "cases/%s/release" % case_id)[0] == 409
        clock.now += 59
        assert get_status(sandbox, case_id, key="k")[1]["statusCode"] == "SBX-100"
        clock.now += 1
        assert get_status(sandbox, case_id, key="k")[1]["statusCode"] == "SBX-200"
        assert sbx(sandbox, "POST", "cases/nope/release")[0] == 404


def test_default_pace_is_minutes_not_refreshes(epsitec_wire):
    clock = FakeClock()
    with Sandbox(api_key="k", clock=clock) as sandbox:
        assert sandbox.step_seconds >= 60
        case_id = put_case(sandbox, epsitec_wire, key="k")[1]["caseId"]
        for _refresh in range(20):  # a clerk pressing Refresh Status again and again
            clock.now += 1
            assert get_status(sandbox, case_id, key="k")[1]["statusCode"] == "SBX-100"


def test_the_page_lists_cases_and_releases_the_review(sandbox, epsitec_wire):
    epsitec_wire["status"] = "002"
    case_id = put_case(sandbox, epsitec_wire)[1]["caseId"]
    page = requests.get(sandbox.root_url + "_sandbox/", timeout=5)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert epsitec_wire["externalRef"] in page.text and "Epsitec SA" in page.text
    assert "Release the review" in page.text
    released = requests.post(sandbox.root_url + "_sandbox/cases/%s/release?page=1" % case_id,
                             timeout=5, allow_redirects=False)
    assert (released.status_code, released.headers["Location"]) == (303, "/_sandbox/")
    assert get_status(sandbox, case_id)[1]["statusCode"] == "SBX-100"
    page = requests.get(sandbox.root_url + "_sandbox/", timeout=5).text
    assert "Next step: SBX-200" in page
    # the page's "Go" form posts the code as a form field
    moved = requests.post(sandbox.root_url + "_sandbox/cases/%s/advance?page=1" % case_id,
                          data={"to": "SBX-300"}, timeout=5, allow_redirects=False)
    assert moved.status_code == 303
    assert get_status(sandbox, case_id)[1]["statusCode"] == "SBX-300"


def test_a_case_sent_with_another_status_starts_there(sandbox, epsitec_wire):
    epsitec_wire["status"] = "SBX-100"
    case_id = put_case(sandbox, epsitec_wire)[1]["caseId"]
    assert get_status(sandbox, case_id)[1]["statusCode"] == "SBX-100"


def test_advance_on_demand(sandbox):
    case_id = put_case(sandbox, natural_wire())[1]["caseId"]
    status, answer = sbx(sandbox, "POST", "case/%s/advance" % case_id)
    assert (status, answer["statusCode"]) == (200, "SBX-200")
    assert get_status(sandbox, case_id)[1]["statusCode"] == "SBX-200"
    status, answer = sbx(sandbox, "POST", "cases/%s/advance" % case_id)  # plural too
    assert (status, answer["statusCode"]) == (200, "SBX-210")
    status, answer = sbx(sandbox, "POST", "case/%s/advance?to=SBX-300" % case_id)
    assert answer == {"statusCode": "SBX-300", "eSchKGCode": "SBX-E300",
                      "description": statuses.describe("SBX-300")}
    # off the path (opposition): waits for ?to=
    status, answer = sbx(sandbox, "POST", "case/%s/advance" % case_id)
    assert status == 409
    sbx(sandbox, "POST", "case/%s/advance?to=SBX-500" % case_id)
    sbx(sandbox, "POST", "case/%s/advance" % case_id)
    assert get_status(sandbox, case_id)[1]["statusCode"] == "SBX-600"
    status, answer = sbx(sandbox, "POST", "case/%s/advance" % case_id)
    assert status == 409
    assert "last step" in answer["message"]
    assert sbx(sandbox, "POST", "case/%s/advance?to=SBX-999" % case_id)[0] == 400
    assert sbx(sandbox, "POST", "case/nope/advance")[0] == 404


def test_description_in_french(sandbox, epsitec_wire):
    case_id = put_case(sandbox, epsitec_wire)[1]["caseId"]
    sandbox.advance(case_id, to="SBX-210")
    answer = get_status(sandbox, case_id, lang="fr-CH,fr;q=0.9")[1]
    assert answer["description"] == statuses.CODES["SBX-210"].description_fr
    assert get_status(sandbox, case_id, lang="de")[1]["description"] == \
        statuses.CODES["SBX-210"].description_en


def test_status_of_an_unknown_case(sandbox):
    status, answer = get_status(sandbox, "nope")
    assert status == 404 and "not found" in answer["message"]


# -- persistence -------------------------------------------------------------------------


def test_state_persists_across_restarts(tmp_path, epsitec_wire):
    data = str(tmp_path / "state" / "sandbox.json")
    with Sandbox(api_key="k", data_path=data, balance=5, step_seconds=0) as sandbox:
        case_id = put_case(sandbox, epsitec_wire, key="k")[1]["caseId"]
        put_attachment(sandbox, case_id, b"%PDF", key="k")
        sandbox.advance(case_id)
    assert os.listdir(os.path.dirname(data)) == ["sandbox.json"]  # no temp file left
    with open(data, encoding="utf-8") as handle:
        text = handle.read()
    assert '"k"' not in text  # the key is stored hashed only
    json.loads(text)
    with Sandbox(api_key="k", data_path=data, balance=5, step_seconds=0) as sandbox:
        assert get_status(sandbox, case_id, key="k")[1]["statusCode"] == "SBX-200"
        [case] = sandbox.cases()
        assert case["body"] == epsitec_wire
        assert case["attachments"][0]["filename"] == "acte.pdf"
        assert sandbox.balance("k") == 4
        assert put_case(sandbox, epsitec_wire, key="k")[0] == 400  # still a duplicate


def test_a_broken_data_file_is_refused(tmp_path):
    path = tmp_path / "s.json"
    path.write_text("[]")
    with pytest.raises(ValueError):
        Sandbox(data_path=str(path))


# -- sandbox-only endpoints --------------------------------------------------------------


def test_cases_endpoint_shows_the_exact_json_received(sandbox, epsitec_wire):
    put_case(sandbox, epsitec_wire)
    status, answer = sbx(sandbox, "GET", "cases")
    assert status == 200
    [case] = answer["cases"]
    assert case["body"] == epsitec_wire
    assert case["statusCode"] == "SBX-100"  # sent without "002": submitted at once
    assert "api_key" not in {k.lower() for k in case["headers"]}


def test_attachments_endpoint(sandbox, case_id):
    put_attachment(sandbox, case_id, b"abc")
    status, answer = sbx(sandbox, "GET", "case/%s/attachments" % case_id)
    assert status == 200
    [item] = answer["attachments"]
    assert item["size"] == 3 and item["headers"]["Content-Disposition"]
    assert sbx(sandbox, "GET", "case/nope/attachments")[0] == 404


def test_requests_endpoint(sandbox, epsitec_wire):
    put_case(sandbox, epsitec_wire)
    get_status(sandbox, "nope")
    status, answer = sbx(sandbox, "GET", "requests")
    assert status == 200
    assert answer["requests"] == [
        {"method": "PUT", "path": "/v1/case", "status": 200},
        {"method": "GET", "path": "/v1/case/nope/status", "status": 404}]


def test_reset_and_balance_endpoints(sandbox, epsitec_wire):
    put_case(sandbox, epsitec_wire)
    assert sbx(sandbox, "POST", "balance", json={"balance": 0}) == (200, {"balance": 0})
    assert sandbox.balance() == 0
    assert sbx(sandbox, "POST", "balance", json={"balance": "x"})[0] == 400
    assert sbx(sandbox, "POST", "reset") == (200, {"reset": True})
    assert sandbox.cases() == [] and sandbox.requests == []
    assert sandbox.balance() == 1000
    assert put_case(sandbox, epsitec_wire)[0] == 200


def test_fail_next_endpoint(sandbox, epsitec_wire):
    assert sbx(sandbox, "POST", "fail-next", json={"status": 503, "method": "GET"})[0] == 200
    assert put_case(sandbox, epsitec_wire)[0] == 200  # a PUT is not affected
    assert get_status(sandbox, "x")[0] == 503
    assert get_status(sandbox, "x")[0] == 404
    assert sbx(sandbox, "POST", "fail-next", json={})[0] == 400
    assert sbx(sandbox, "POST", "fail-next", json=[1])[0] == 400


def test_drop_stores_the_case_and_answers_nothing(sandbox, epsitec_wire):
    sandbox.fail_next(drop=True)
    with pytest.raises(requests.ConnectionError):
        put_case(sandbox, epsitec_wire)
    assert len(sandbox.cases()) == 1


def test_latency(sandbox, epsitec_wire):
    sandbox.latency_ms = 150
    started = time.monotonic()
    put_case(sandbox, epsitec_wire)
    assert time.monotonic() - started >= 0.15
