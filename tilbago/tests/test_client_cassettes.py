"""tilbago.client against fixed recorded answers (vcrpy cassettes, record_mode "none").

The cassettes were recorded once against the sandbox by record_cassettes.py; replaying
them tests the client against answers that do not move, with no server and no network.
"""

import re

import pytest
from record_cassettes import (
    ATTACHMENT,
    ATTACHMENT_NAME,
    CASSETTES,
    REPLAY_URL,
    replay_vcr,
)
from vcr.errors import CannotOverwriteExistingCassetteException

from tilbago.client import CaseStatus, TilbagoClient
from tilbago.exceptions import (
    AuthenticationError,
    DuplicateReference,
    InsufficientBalance,
    ProtocolError,
    Rejected,
    ServerError,
)

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture
def replay_client(api_key):
    with TilbagoClient(REPLAY_URL, api_key, retries=2, backoff_factor=0) as client:
        yield client


def test_happy_path_replayed(replay_client, epsitec_case):
    with replay_vcr().use_cassette("happy_path.yaml") as cassette:
        case_id = replay_client.create_case(epsitec_case)
        assert UUID.match(case_id)
        status = replay_client.get_status(case_id)
        assert status.status_code == "002"
        assert status.stage == "review"
        served = replay_client.get_status(case_id)
        assert served == CaseStatus("SBX-210", served.description, "SBX-E210")
        assert "20 days" in served.description
        assert served.stage == "payment_order"
        attachment_id = replay_client.add_attachment(case_id, ATTACHMENT_NAME, ATTACHMENT)
        assert UUID.match(attachment_id)
        assert replay_client.check_connection() is True
        assert cassette.all_played
    # what the client sent, as recorded
    put_attachment = cassette.requests[3]
    assert "content-type" not in {k.lower() for k in put_attachment.headers}
    assert "filename*=UTF-8''Relev%C3%A9%20de%20compte%20Z%C3%BCrich.pdf" in \
        put_attachment.headers["Content-Disposition"]


def test_errors_replayed(replay_client, epsitec_wire, api_key):
    with replay_vcr().use_cassette("errors.yaml") as cassette:
        assert UUID.match(replay_client.create_case(epsitec_wire))
        with pytest.raises(DuplicateReference):
            replay_client.create_case(epsitec_wire)
        bad = dict(epsitec_wire, externalRef="INV-BAD")
        bad["claim"] = dict(epsitec_wire["claim"], externalRef="BAD")
        bad["debtor"] = dict(epsitec_wire["debtor"],
                             address=dict(epsitec_wire["debtor"]["address"], zip="140"))
        with pytest.raises(Rejected) as info:
            replay_client.create_case(bad)
        assert info.value.status == 400
        assert info.value.message.startswith("debtor.address.zip: ")
        intruder = TilbagoClient(REPLAY_URL, "not-the-key", retries=0)
        with pytest.raises(AuthenticationError):
            intruder.get_status("any")
        other = dict(epsitec_wire, externalRef="INV-2020-5876")
        other["claim"] = dict(epsitec_wire["claim"], externalRef="5876")
        with pytest.raises(InsufficientBalance):
            replay_client.create_case(other)
        # a 503 then, retried, the real answer: 404
        with pytest.raises(Rejected) as info:
            replay_client.get_status("unknown-case")
        assert info.value.status == 404
        with pytest.raises(ServerError):
            replay_client.get_status("broken")
        with pytest.raises(ProtocolError):
            replay_client.get_status("garbled")
        assert cassette.all_played
    assert [r["status"]["code"] for r in cassette.responses] == [
        200, 400, 400, 401, 402, 503, 404, 500, 200]


def test_replay_never_reaches_the_network(replay_client):
    with replay_vcr().use_cassette("happy_path.yaml"):
        with pytest.raises(CannotOverwriteExistingCassetteException):
            replay_client.get_status("a-case-never-recorded")


def test_a_changed_payload_does_not_match_the_recording(replay_client, epsitec_case):
    epsitec_case.claim.reason = "Facture 5876"
    with replay_vcr().use_cassette("happy_path.yaml"):
        with pytest.raises(CannotOverwriteExistingCassetteException):
            replay_client.create_case(epsitec_case)


@pytest.mark.parametrize("name", ["happy_path.yaml", "errors.yaml"])
def test_cassettes_hold_no_api_key(name, api_key):
    text = (CASSETTES / name).read_text(encoding="utf-8")
    assert api_key not in text
    assert "not-the-key" not in text
    assert "api_key:" not in text
    assert "127.0.0.1" not in text
