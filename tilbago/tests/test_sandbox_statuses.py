"""tilbago.sandbox over HTTP: statuses over time, persistence, sandbox-only endpoints."""

import copy
import json
import os
import time

import pytest
import requests

from sandbox_http import FakeClock, get_status, natural_wire, put_attachment, put_case, sbx
from tilbago import status as statuses
from tilbago.sandbox import Sandbox


@pytest.fixture
def case_id(sandbox, epsitec_wire):
    return put_case(sandbox, epsitec_wire)[1]["caseId"]


# -- statuses over time ------------------------------------------------------------------


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
