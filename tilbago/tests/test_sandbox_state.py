"""tilbago.sandbox without a socket: the state, the faults and the page, called directly.

The HTTP side is tested in test_sandbox.py; here a case moves because a fake clock moves.
"""

import copy
import json

import pytest

from tilbago import status as statuses
from tilbago.sandbox import Faults, SandboxError, SandboxState, hash_key
from tilbago.sandbox.page import render_page
from tilbago.sandbox.state import next_step, status_answer

KEY = "state-key"
OWNER = hash_key(KEY)


class FakeClock:
    def __init__(self):
        self.now = 2_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def state(clock):
    return SandboxState([KEY], balance=3, step_seconds=60, clock=clock)


def other_case(wire, ref):
    body = copy.deepcopy(wire)
    body["externalRef"] = body["claim"]["externalRef"] = ref
    return body


def test_a_key_is_known_by_its_hash_only():
    assert hash_key(KEY) != KEY and len(hash_key(KEY)) == 64
    assert SandboxState([KEY, "other"]).key_hashes == {hash_key(KEY), hash_key("other")}
    for keys in ([], [""], [None]):
        with pytest.raises(ValueError):
            SandboxState(keys)


def test_create_charges_the_balance_and_stores_the_exact_body(state, epsitec_wire, clock):
    case_id = state.create_case(OWNER, epsitec_wire, {"X-Test": "1"})["caseId"]
    assert state.balance(KEY) == 2
    case = state.case(case_id)
    assert case["body"] == epsitec_wire and case["headers"] == {"X-Test": "1"}
    assert case["statusCode"] == statuses.SUBMITTED  # sent without "002"
    assert case["createdAt"] == clock.now
    # a copy: changing it changes nothing stored
    case["statusCode"] = "SBX-900"
    assert state.case(case_id)["statusCode"] == statuses.SUBMITTED
    assert state.case("nope") is None


def test_refusals_carry_their_http_status(state, epsitec_wire):
    state.create_case(OWNER, epsitec_wire, {})
    with pytest.raises(SandboxError) as duplicate:
        state.create_case(OWNER, epsitec_wire, {})
    assert duplicate.value.status == 400
    assert [e["field"] for e in duplicate.value.payload()["errors"]] == [
        "externalRef", "claim.externalRef"]
    # another key may use the same references
    other = SandboxState([KEY, "b"], step_seconds=0)
    other.create_case(OWNER, epsitec_wire, {})
    other.create_case(hash_key("b"), epsitec_wire, {})
    state.set_balance(0)
    with pytest.raises(SandboxError) as spent:
        state.create_case(OWNER, other_case(epsitec_wire, "INV-9"), {})
    assert spent.value.status == 402
    assert "balance" in spent.value.payload()["message"]


def test_a_case_belongs_to_its_key(state, epsitec_wire):
    case_id = state.create_case(OWNER, epsitec_wire, {})["caseId"]
    assert state.status(OWNER, case_id)["statusCode"] == statuses.SUBMITTED
    for key_hash, wanted in ((hash_key("intruder"), case_id), (OWNER, "nope")):
        with pytest.raises(SandboxError) as not_found:
            state.status(key_hash, wanted)
        assert not_found.value.status == 404


def test_statuses_move_with_the_clock_along_the_debtors_path(state, epsitec_wire,
                                                              natural_wire_body, clock):
    legal = state.create_case(OWNER, epsitec_wire, {})["caseId"]
    natural = state.create_case(OWNER, natural_wire_body, {})["caseId"]
    clock.now += 59
    assert state.status(OWNER, legal)["statusCode"] == statuses.SUBMITTED
    clock.now += 3600  # far past the end: each stops at its last step
    assert state.status(OWNER, legal)["statusCode"] == statuses.BANKRUPTCY_PATH[-1]
    assert state.status(OWNER, natural)["statusCode"] == statuses.SEIZURE_PATH[-1]
    history = state.case(legal)["history"]
    assert [h["statusCode"] for h in history] == list(statuses.BANKRUPTCY_PATH[1:])
    # each step is dated when it happened, one step apart, not when it was read
    assert [h["at"] - history[0]["at"] for h in history[:3]] == [0, 60, 120]


def test_review_waits_until_released(state, epsitec_wire, clock):
    epsitec_wire["status"] = statuses.REVIEW
    case_id = state.create_case(OWNER, epsitec_wire, {})["caseId"]
    clock.now += 10 * 24 * 3600
    assert state.status(OWNER, case_id)["statusCode"] == statuses.REVIEW
    assert state.release(case_id)["statusCode"] == statuses.SUBMITTED
    with pytest.raises(ValueError):
        state.release(case_id)
    with pytest.raises(KeyError):
        state.release("nope")


def test_advance_on_demand(epsitec_wire):
    state = SandboxState([KEY], step_seconds=0)
    case_id = state.create_case(OWNER, epsitec_wire, {})["caseId"]
    assert next_step(state.case(case_id)) == statuses.BANKRUPTCY_PATH[2]
    assert state.advance(case_id)["statusCode"] == statuses.BANKRUPTCY_PATH[2]
    assert state.advance(case_id, statuses.OPPOSITION)["statusCode"] == statuses.OPPOSITION
    assert next_step(state.case(case_id)) is None  # off its path
    with pytest.raises(ValueError):
        state.advance(case_id)
    with pytest.raises(ValueError):
        state.advance(case_id, "SBX-999")
    state.advance(case_id, statuses.BANKRUPTCY_PATH[-1])
    with pytest.raises(ValueError):
        state.advance(case_id)  # already at the end
    with pytest.raises(KeyError):
        state.advance("nope")


def test_status_answer_in_french():
    case = {"statusCode": statuses.PAYMENT_ORDER_SERVED}
    answer = status_answer(case, "fr-CH")
    assert answer["statusCode"] == statuses.PAYMENT_ORDER_SERVED
    assert answer["eSchKGCode"] == statuses.CODES[statuses.PAYMENT_ORDER_SERVED].eschkg_code
    assert answer["description"] == statuses.describe(statuses.PAYMENT_ORDER_SERVED, "fr")
    assert answer["description"] != status_answer(case)["description"]


def test_attachments_keep_their_metadata_not_their_content(state, epsitec_wire):
    case_id = state.create_case(OWNER, epsitec_wire, {})["caseId"]
    answer = state.add_attachment(OWNER, case_id, "acte.pdf", b"%PDF-1.4", {"A": "b"})
    [stored] = state.case(case_id)["attachments"]
    assert stored["attachmentId"] == answer["attachmentId"]
    assert (stored["filename"], stored["size"], stored["headers"]) == ("acte.pdf", 8,
                                                                      {"A": "b"})
    assert len(stored["sha256"]) == 64 and "%PDF" not in json.dumps(stored)


def test_persisted_and_reset(tmp_path, epsitec_wire, clock):
    path = str(tmp_path / "sandbox.json")
    first = SandboxState([KEY], data_path=path, balance=5, step_seconds=0, clock=clock)
    case_id = first.create_case(OWNER, epsitec_wire, {})["caseId"]
    again = SandboxState([KEY], data_path=path, balance=5, step_seconds=0, clock=clock)
    assert again.case(case_id)["body"] == epsitec_wire
    assert again.balance(KEY) == 4
    again.reset()
    assert again.cases() == [] and again.balance(KEY) == 5
    assert SandboxState([KEY], data_path=path).cases() == []


def test_a_state_built_in_memory_is_saved_once_then_persists(tmp_path, epsitec_wire, clock):
    memory = SandboxState([KEY], balance=None, step_seconds=0, clock=clock)
    ids = [memory.create_case(OWNER, other_case(epsitec_wire, f"R-{n}"), {})["caseId"]
           for n in range(3)]
    assert memory.data_path is None
    memory.advance(ids[0], to=statuses.PAYMENT_ORDER_ISSUED)
    path = str(tmp_path / "saved" / "sandbox.json")
    memory.save_to(path)
    loaded = SandboxState([KEY], data_path=path, step_seconds=0, clock=clock)
    assert sorted(case["caseId"] for case in loaded.cases()) == sorted(ids)
    assert loaded.case(ids[0])["statusCode"] == statuses.PAYMENT_ORDER_ISSUED
    assert loaded.case(ids[1])["statusCode"] == statuses.SUBMITTED
    # from then on every change is written there
    memory.advance(ids[1], to=statuses.PAYMENT_ORDER_ISSUED)
    again = SandboxState([KEY], data_path=path, step_seconds=0, clock=clock)
    assert again.case(ids[1])["statusCode"] == statuses.PAYMENT_ORDER_ISSUED


def test_faults_are_taken_in_order_by_method_and_count():
    faults = Faults()
    with pytest.raises(ValueError):
        faults.arm()
    faults.arm(status=503, method="get", count=2, retry_after=30)
    faults.arm(drop=True)
    put = faults.take("PUT")
    assert (put.drop, put.status) == (True, None)
    assert faults.take("PUT") is None
    first, second = faults.take("GET"), faults.take("GET")
    assert first is second and first.headers() == {"Retry-After": "30"}
    assert faults.take("GET") is None
    faults.arm(delay_ms=10)
    faults.clear()
    assert faults.take("GET") is None


def test_the_page_offers_what_each_case_can_do(epsitec_wire):
    state = SandboxState([KEY], step_seconds=0)
    assert "No case yet." in render_page(state.cases(), 0)
    epsitec_wire["status"] = statuses.REVIEW
    review = state.create_case(OWNER, epsitec_wire, {})["caseId"]
    moving = state.create_case(OWNER, other_case(epsitec_wire, "INV-2") | {"status": None},
                               {})["caseId"]
    page = render_page(state.cases(), 300)
    assert "one step every 300 seconds" in page
    assert "/_sandbox/cases/%s/release?page=1" % review in page
    assert "/_sandbox/cases/%s/advance?page=1" % moving in page
    assert "Next step: %s" % statuses.BANKRUPTCY_PATH[2] in page
    assert "Epsitec" in page


@pytest.fixture
def natural_wire_body():
    from conftest import make_natural_case

    return make_natural_case().to_wire()
