"""tilbago.client against the local sandbox: endpoints, error kinds, retries, secrecy."""

import hashlib
import json
import logging
import time

import pytest
import requests

from tilbago.client import (
    CaseStatus,
    TilbagoClient,
    content_disposition,
    is_duplicate_reference,
)
from tilbago.exceptions import (
    ApiError,
    AuthenticationError,
    DuplicateReference,
    InsufficientBalance,
    InvalidPayload,
    ProtocolError,
    Rejected,
    ServerError,
    TilbagoError,
    TransportError,
)
from tilbago.sandbox import Sandbox


def _wait_for(predicate, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def _methods(sandbox, method=None):
    return [r for r in sandbox.requests if method is None or r["method"] == method]


# -- the three endpoints ---------------------------------------------------------------


def test_create_case_sends_exactly_the_wire_json(client, sandbox, epsitec_case):
    case_id = client.create_case(epsitec_case)
    assert isinstance(case_id, str) and case_id
    [stored] = sandbox.cases()
    assert stored["caseId"] == case_id
    assert stored["body"] == epsitec_case.to_wire()
    assert stored["body"]["claim"]["amount"] == 1256560
    assert stored["headers"]["Content-Type"] == "application/json; charset=utf-8"
    # the key is checked by the sandbox but never stored with the headers
    assert not any(k.lower() == "api_key" for k in stored["headers"])


def test_create_case_accepts_a_wire_dict_as_is(client, sandbox, epsitec_wire):
    case_id = client.create_case(epsitec_wire)
    assert sandbox.case(case_id)["body"] == epsitec_wire


def test_create_case_with_a_natural_person(client, sandbox, natural_case):
    case_id = client.create_case(natural_case)
    body = sandbox.case(case_id)["body"]
    assert body["debtor"]["surname"] == "Jamois"
    assert "company" not in body["debtor"]


def test_invalid_case_object_is_not_sent(client, sandbox, epsitec_case):
    epsitec_case.debtor.company_uid = "CHE-107.933.851"  # wrong check digit
    epsitec_case.debtor.address.zip = "140"
    with pytest.raises(InvalidPayload) as info:
        client.create_case(epsitec_case)
    fields = {p.field for p in info.value.problems}
    assert {"debtor.companyUid", "debtor.address.zip"} <= fields
    assert sandbox.requests == []
    assert sandbox.cases() == []


def test_create_case_refuses_other_types(client, sandbox):
    with pytest.raises(TypeError):
        client.create_case(["not", "a", "case"])
    assert sandbox.requests == []


def test_get_status_starts_at_review(client, epsitec_wire):
    epsitec_wire["status"] = "002"  # the user asked to review the case in tilbago first
    case_id = client.create_case(epsitec_wire)
    status = client.get_status(case_id)
    assert status == CaseStatus("002", status.description, None)
    assert status.stage == "review"
    assert "review" in status.description
    assert status.to_wire() == {"statusCode": "002", "description": status.description,
                                "eSchKGCode": None}


def test_get_status_follows_the_sandbox(client, sandbox, epsitec_wire):
    case_id = client.create_case(epsitec_wire)
    sandbox.advance(case_id, to="SBX-210")
    status = client.get_status(case_id)
    assert (status.status_code, status.eschkg_code, status.stage) == \
        ("SBX-210", "SBX-E210", "payment_order")


def test_attachment_with_a_non_ascii_name_and_no_content_type(client, sandbox, epsitec_wire):
    case_id = client.create_case(epsitec_wire)
    content = b"%PDF-1.4\n% facture\n"
    attachment_id = client.add_attachment(case_id, "Relevé de compte Zürich.pdf", content)
    assert isinstance(attachment_id, str) and attachment_id
    [stored] = sandbox.case(case_id)["attachments"]
    assert stored["attachmentId"] == attachment_id
    assert stored["filename"] == "Relevé de compte Zürich.pdf"
    assert stored["size"] == len(content)
    assert stored["sha256"] == hashlib.sha256(content).hexdigest()
    headers = {k.lower(): v for k, v in stored["headers"].items()}
    assert "content-type" not in headers
    assert headers["content-disposition"] == (
        'attachment; filename="Releve de compte Zurich.pdf"; '
        "filename*=UTF-8''Relev%C3%A9%20de%20compte%20Z%C3%BCrich.pdf")


def test_attachment_with_an_ascii_name(client, sandbox, epsitec_wire):
    case_id = client.create_case(epsitec_wire)
    client.add_attachment(case_id, "C:\\scans\\acte 1.pdf", b"x")
    [stored] = sandbox.case(case_id)["attachments"]
    assert stored["filename"] == "acte 1.pdf"
    assert stored["headers"]["Content-Disposition"] == 'attachment; filename="acte 1.pdf"'


def test_attachment_refuses_text_content(client):
    with pytest.raises(TypeError):
        client.add_attachment("some-case", "a.txt", "not bytes")


@pytest.mark.parametrize("name, expected", [
    ("facture.pdf", 'attachment; filename="facture.pdf"'),
    ('say "hi".pdf', 'attachment; filename="say \\"hi\\".pdf"'),
    ("../../etc/passwd", 'attachment; filename="passwd"'),
    ("a\r\nX-Evil: 1.pdf", 'attachment; filename="aX-Evil: 1.pdf"'),
    ("Übersicht.pdf", "attachment; filename=\"Ubersicht.pdf\"; "
                      "filename*=UTF-8''%C3%9Cbersicht.pdf"),
    ("報告.pdf", "attachment; filename=\"__.pdf\"; filename*=UTF-8''%E5%A0%B1%E5%91%8A.pdf"),
])
def test_content_disposition(name, expected):
    assert content_disposition(name) == expected


@pytest.mark.parametrize("name", ["", "/", "..", "\r\n"])
def test_content_disposition_needs_a_name(name):
    with pytest.raises(ValueError):
        content_disposition(name)


def test_check_connection(client, sandbox, api_key, closed_port):
    assert client.check_connection() is True
    with TilbagoClient(sandbox.url, "wrong-key") as wrong:
        assert wrong.check_connection() is False
    assert sandbox.cases() == []  # the probe creates nothing
    # the probe went to a case id nobody has, and was answered 404 and 401
    assert [r["status"] for r in sandbox.requests] == [404, 401]
    with TilbagoClient("http://127.0.0.1:%d/v1/" % closed_port, api_key, retries=0) as down:
        with pytest.raises(TransportError):
            down.check_connection()


def test_case_id_is_quoted_in_the_path(client, sandbox):
    with pytest.raises(Rejected) as info:
        client.get_status("a/b c?d")
    assert info.value.status == 404
    assert sandbox.requests[-1]["path"] == "/v1/case/a%2Fb%20c%3Fd/status"


# -- construction ------------------------------------------------------------------------


def test_base_url_gets_its_final_slash():
    assert TilbagoClient("https://api.tilbago.ch/v1", "k").base_url == \
        "https://api.tilbago.ch/v1/"
    assert TilbagoClient(" https://api.tilbago.ch/v1/ ", "k").base_url == \
        "https://api.tilbago.ch/v1/"


@pytest.mark.parametrize("url, key", [
    ("", "k"), ("api.tilbago.ch/v1/", "k"), ("ftp://x/v1/", "k"), ("https://x/v1/", ""),
    ("https://x/v1/", None),
])
def test_base_url_and_key_are_required(url, key):
    with pytest.raises(ValueError):
        TilbagoClient(url, key)


class _SpySession(requests.Session):
    def __init__(self):
        super().__init__()
        self.calls = []

    def request(self, method, url, **kwargs):
        self.calls.append((method, kwargs))
        return super().request(method, url, **kwargs)


def test_every_call_has_a_timeout_and_follows_no_redirect(sandbox, api_key, epsitec_wire):
    spy = _SpySession()
    client = TilbagoClient(sandbox.url, api_key, timeout=(3, 7), session=spy)
    case_id = client.create_case(epsitec_wire)
    client.get_status(case_id)
    client.add_attachment(case_id, "a.pdf", b"x")
    client.check_connection()
    assert len(spy.calls) == 4
    for _method, kwargs in spy.calls:
        assert kwargs["timeout"] == (3, 7)
        assert kwargs["allow_redirects"] is False


# -- each error kind ---------------------------------------------------------------------


def test_401_is_an_authentication_error(sandbox, epsitec_wire):
    with TilbagoClient(sandbox.url, "not-the-key") as client:
        for call in (lambda: client.create_case(epsitec_wire),
                     lambda: client.get_status("x"),
                     lambda: client.add_attachment("x", "a.pdf", b"x")):
            with pytest.raises(AuthenticationError) as info:
                call()
            assert info.value.status == 401
            assert "api_key" in info.value.message
    assert sandbox.cases() == []


def test_402_when_the_balance_is_spent(tmp_path, api_key, epsitec_wire):
    with Sandbox(api_key=api_key, balance=1, step_seconds=0) as sandbox:
        client = TilbagoClient(sandbox.url, api_key)
        client.create_case(epsitec_wire)
        epsitec_wire["externalRef"] = "INV-2020-5876"
        epsitec_wire["claim"]["externalRef"] = "5876"
        with pytest.raises(InsufficientBalance) as info:
            client.create_case(epsitec_wire)
        assert info.value.status == 402
        assert info.value.retryable
        assert len(sandbox.cases()) == 1


def test_400_names_the_field(client, sandbox, epsitec_wire):
    epsitec_wire["debtor"]["address"]["zip"] = "14000"
    epsitec_wire["claim"]["amount"] = 12565.60
    with pytest.raises(Rejected) as info:
        client.create_case(epsitec_wire)
    error = info.value
    assert not isinstance(error, DuplicateReference)
    assert error.status == 400
    assert "debtor.address.zip" in error.message
    assert "claim.amount" in error.message
    assert sandbox.cases() == []


def test_duplicate_external_ref(client, sandbox, epsitec_wire):
    first = client.create_case(epsitec_wire)
    with pytest.raises(DuplicateReference) as info:
        client.create_case(epsitec_wire)
    assert isinstance(info.value, Rejected)
    assert "INV-2020-5875" in info.value.message
    assert [c["caseId"] for c in sandbox.cases()] == [first]


@pytest.mark.parametrize("status, message, expected", [
    (400, 'externalRef: a case with externalRef "X" already exists', True),
    (400, "The externalRef INV-1 is already in use", True),
    (422, "Duplicate external_ref", True),
    (400, "ExternalRef bereits vergeben", True),
    (400, "La référence externe externalRef existe déjà", True),
    (409, "Conflict", True),
    (400, "debtor.address.zip: must be a 4-digit Swiss postcode", False),
    (400, "externalRef: is required", False),
    (401, "externalRef already exists", False),
    (402, "externalRef already exists", False),
    (500, "externalRef already exists", False),
    (400, None, False),
])
def test_duplicate_heuristic(status, message, expected):
    assert is_duplicate_reference(status, message) is expected


def test_duplicate_only_on_create(client, sandbox):
    sandbox.fail_next(status=400, body=json.dumps({"message": "externalRef already exists"}),
                      content_type="application/json")
    with pytest.raises(Rejected) as info:
        client.get_status("x")
    assert type(info.value) is Rejected


def test_500_is_a_server_error(client, sandbox, epsitec_wire):
    sandbox.fail_next(status=500, method="PUT")
    with pytest.raises(ServerError) as info:
        client.create_case(epsitec_wire)
    assert info.value.status == 500
    assert info.value.retryable
    assert len(_methods(sandbox, "PUT")) == 1
    assert sandbox.cases() == []


def test_500_on_get_is_not_retried(client, sandbox):
    sandbox.fail_next(status=500)
    with pytest.raises(ServerError):
        client.get_status("x")
    assert len(sandbox.requests) == 1


def test_html_error_page_keeps_its_status(client, sandbox):
    sandbox.fail_next(status=503, body="<html>Service Unavailable</html>", count=3)
    with pytest.raises(ServerError) as info:
        client.get_status("x")
    assert info.value.status == 503
    assert "Service Unavailable" in info.value.message


def test_timeout_is_a_transport_error(sandbox, api_key, epsitec_wire):
    client = TilbagoClient(sandbox.url, api_key, timeout=(1, 0.2), retries=1,
                           backoff_factor=0)
    case_id = client.create_case(epsitec_wire)
    sandbox.latency_ms = 600
    started = time.monotonic()
    with pytest.raises(TransportError) as info:
        client.get_status(case_id)
    assert time.monotonic() - started < 1.5
    assert "in time" in str(info.value)
    assert info.value.kind == TransportError.TIMEOUT
    assert info.value.retryable
    # a read is retried: two GETs reached the sandbox
    assert len(_methods(sandbox, "GET")) == 2


def test_refused_connection_is_a_transport_error(closed_port, api_key, epsitec_wire):
    client = TilbagoClient("http://127.0.0.1:%d/v1/" % closed_port, api_key, retries=1,
                           backoff_factor=0)
    with pytest.raises(TransportError) as info:
        client.get_status("x")
    assert "could not reach tilbago" in str(info.value)
    assert info.value.kind == TransportError.UNREACHABLE
    assert info.value.detail == str(info.value)  # the technical detail, for the log
    with pytest.raises(TransportError) as info:
        client.create_case(epsitec_wire)
    assert info.value.kind == TransportError.UNREACHABLE


def test_unknown_host_is_a_transport_error(api_key):
    client = TilbagoClient("http://tilbago.invalid/v1/", api_key, retries=0)
    with pytest.raises(TransportError):
        client.get_status("x")


@pytest.mark.parametrize("body, content_type", [
    ("<html><body>Maintenance</body></html>", "text/html"),
    ('{"something": "else"}', "application/json"),
    ('["caseId"]', "application/json"),
    ('{"caseId": ""}', "application/json"),
    ('{"caseId": null}', "application/json"),
])
def test_create_answer_that_is_not_the_documented_json(client, sandbox, epsitec_wire,
                                                       body, content_type):
    sandbox.fail_next(status=200, body=body, content_type=content_type)
    with pytest.raises(ProtocolError):
        client.create_case(epsitec_wire)


@pytest.mark.parametrize("body", [
    "not json", '{"description": "no code"}', '{"statusCode": null}',
    '{"statusCode": "002", "description": 5}',
])
def test_status_answer_that_is_not_the_documented_json(client, sandbox, body):
    sandbox.fail_next(status=200, body=body, content_type="application/json")
    with pytest.raises(ProtocolError):
        client.get_status("x")


def test_attachment_answer_without_its_id(client, sandbox, epsitec_wire):
    case_id = client.create_case(epsitec_wire)
    sandbox.fail_next(status=200, body="{}", content_type="application/json")
    with pytest.raises(ProtocolError):
        client.add_attachment(case_id, "a.pdf", b"x")


def test_status_with_an_unknown_code_is_passed_on_verbatim(client, sandbox):
    sandbox.fail_next(status=200, content_type="application/json", body=json.dumps(
        {"statusCode": "417", "description": "Rechtsöffnung beantragt", "eSchKGCode": 7}))
    status = client.get_status("x")
    assert status == CaseStatus("417", "Rechtsöffnung beantragt", "7")
    assert status.stage is None


def test_redirect_is_a_protocol_error(client, sandbox):
    sandbox.fail_next(status=302, body="")
    with pytest.raises(ProtocolError):
        client.get_status("x")
    assert len(sandbox.requests) == 1


# -- retries -----------------------------------------------------------------------------


def test_get_is_retried_after_a_503(client, sandbox, epsitec_wire):
    case_id = client.create_case(epsitec_wire)
    sandbox.fail_next(status=503, method="GET")
    assert client.get_status(case_id).status_code == "SBX-100"
    assert [r["status"] for r in _methods(sandbox, "GET")] == [503, 200]


def test_get_gives_up_after_its_retries(client, sandbox):
    sandbox.fail_next(status=502, count=10)
    with pytest.raises(ServerError) as info:
        client.get_status("x")
    assert info.value.status == 502
    assert len(sandbox.requests) == 3  # the first try and retries=2


def test_get_is_retried_after_a_lost_answer(client, sandbox, epsitec_wire):
    case_id = client.create_case(epsitec_wire)
    sandbox.fail_next(drop=True, method="GET")
    assert client.get_status(case_id).status_code == "SBX-100"
    assert [r["status"] for r in _methods(sandbox, "GET")] == ["dropped", 200]


def test_put_case_is_not_retried_after_a_503(client, sandbox, epsitec_wire):
    sandbox.fail_next(status=503)
    with pytest.raises(ServerError):
        client.create_case(epsitec_wire)
    assert len(sandbox.requests) == 1


def test_put_case_is_not_retried_after_a_timeout(sandbox, api_key, epsitec_wire):
    client = TilbagoClient(sandbox.url, api_key, timeout=(1, 0.2), retries=3,
                           backoff_factor=0)
    sandbox.latency_ms = 500
    with pytest.raises(TransportError):
        client.create_case(epsitec_wire)
    # the sandbox stored the case, only the answer came too late
    assert _wait_for(lambda: len(sandbox.cases()) == 1)
    assert len(sandbox.requests) == 1
    # the safe retry: same externalRef, refused as a duplicate, never a second case
    sandbox.latency_ms = 0
    with pytest.raises(DuplicateReference):
        client.create_case(epsitec_wire)
    assert len(sandbox.cases()) == 1


def test_put_case_is_not_retried_after_a_lost_answer(client, sandbox, epsitec_wire):
    sandbox.fail_next(drop=True, method="PUT")
    with pytest.raises(TransportError):
        client.create_case(epsitec_wire)
    assert len(sandbox.cases()) == 1
    assert [r["status"] for r in sandbox.requests] == ["dropped"]
    with pytest.raises(DuplicateReference):
        client.create_case(epsitec_wire)
    assert len(sandbox.cases()) == 1


def test_put_case_is_not_retried_after_a_refused_connection(closed_port, api_key,
                                                             epsitec_wire, monkeypatch):
    attempts = []
    original = requests.adapters.HTTPAdapter.send

    def counting_send(self, request, **kwargs):
        attempts.append(request.method)
        return original(self, request, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", counting_send)
    from urllib3.connectionpool import HTTPConnectionPool

    opened = []
    original_new = HTTPConnectionPool._new_conn

    def counting_new_conn(pool):
        opened.append(pool.port)
        return original_new(pool)

    monkeypatch.setattr(HTTPConnectionPool, "_new_conn", counting_new_conn)
    client = TilbagoClient("http://127.0.0.1:%d/v1/" % closed_port, api_key, retries=3,
                           backoff_factor=0)
    with pytest.raises(TransportError):
        client.create_case(epsitec_wire)
    assert len(opened) == 1
    opened.clear()
    with pytest.raises(TransportError):
        client.get_status("x")
    assert len(opened) == 4  # a GET is retried three times


def test_attachment_is_not_retried(client, sandbox, epsitec_wire):
    case_id = client.create_case(epsitec_wire)
    sandbox.fail_next(status=503, method="PUT")
    with pytest.raises(ServerError):
        client.add_attachment(case_id, "a.pdf", b"x")
    assert len(_methods(sandbox, "PUT")) == 2  # the case, then one attachment try
    assert sandbox.case(case_id)["attachments"] == []


# -- the API key stays secret ------------------------------------------------------------


def _chain(exc):
    seen = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def test_the_key_appears_in_no_exception_and_no_log(sandbox, api_key, epsitec_wire,
                                                    closed_port, caplog):
    caplog.set_level(logging.DEBUG)
    good = TilbagoClient(sandbox.url, api_key, timeout=(1, 0.2), retries=1,
                         backoff_factor=0)
    errors = []

    def expect(kind, call):
        with pytest.raises(kind) as info:
            call()
        errors.append(info.value)

    case_id = good.create_case(epsitec_wire)
    expect(DuplicateReference, lambda: good.create_case(epsitec_wire))
    bad = dict(epsitec_wire, externalRef="other", certificateOfLoss="no")
    expect(Rejected, lambda: good.create_case(bad))
    # a server that echoes the key in its message: the client hides it
    sandbox.fail_next(status=400, content_type="application/json",
                      body=json.dumps({"message": "bad key %s here" % api_key}))
    expect(Rejected, lambda: good.get_status(case_id))
    assert "***" in errors[-1].message
    sandbox.fail_next(status=500, body="trace with %s" % api_key)
    expect(ServerError, lambda: good.get_status(case_id))
    sandbox.fail_next(status=200, body="<html>%s</html>" % api_key)
    expect(ProtocolError, lambda: good.get_status(case_id))
    sandbox.latency_ms = 500
    expect(TransportError, lambda: good.get_status(case_id))
    expect(TransportError, lambda: good.create_case(dict(epsitec_wire, externalRef="t")))
    sandbox.latency_ms = 0
    expect(AuthenticationError,
           lambda: TilbagoClient(sandbox.url, api_key + "x").get_status(case_id))
    down = TilbagoClient("http://127.0.0.1:%d/v1/" % closed_port, api_key, retries=0)
    expect(TransportError, lambda: down.create_case(epsitec_wire))
    expect(InvalidPayload, lambda: good.create_case(_invalid_case()))

    kinds = {type(e) for e in errors}
    assert {DuplicateReference, Rejected, ServerError, ProtocolError, TransportError,
            AuthenticationError, InvalidPayload} <= kinds
    for error in errors:
        for exc in _chain(error):
            assert api_key not in str(exc)
            assert api_key not in repr(exc)
            assert api_key not in repr(exc.args)
            if isinstance(exc, ApiError):
                assert api_key not in exc.message
        assert isinstance(error, TilbagoError)
    assert api_key not in repr(good)
    assert "***" in repr(good)
    assert caplog.records, "the client logs its calls"
    assert api_key not in caplog.text
    for record in caplog.records:
        assert api_key not in record.getMessage()


def _invalid_case():
    from conftest import make_epsitec_case

    case = make_epsitec_case()
    case.claim.collocation_class = "4"
    return case


# -- the URLs of a case ------------------------------------------------------------------

def test_case_path_escapes_the_id_as_one_segment():
    from tilbago.client import case_path

    assert case_path("C-1") == "case/C-1"
    assert case_path(" a/b c?d ", "status") == "case/a%2Fb%20c%3Fd/status"
    with pytest.raises(ValueError):
        case_path("  ", "status")


def test_sandbox_url_beside_the_api(sandbox):
    from tilbago.client import PRODUCTION_URL, sandbox_url

    assert sandbox_url(sandbox.url) == sandbox.root_url + "_sandbox/"
    assert sandbox_url("http://127.0.0.1:8765/v1", "cases/x/advance") == \
        "http://127.0.0.1:8765/_sandbox/cases/x/advance"
    assert sandbox_url(PRODUCTION_URL.replace("/v1/", "/v2/")) is None
    assert sandbox_url("") is None
