"""tilbago.sync: many statuses read in parallel, with a rate ceiling and 429/503 backoff."""

import threading
import time

import pytest

from tilbago.client import TilbagoClient
from tilbago.exceptions import AuthenticationError, Rejected, ServerError
from tilbago.sync import RateLimiter, is_throttle, read_statuses, read_statuses_with



def _open_cases(client, epsitec_wire, count):
    ids = []
    for n in range(count):
        body = dict(epsitec_wire, externalRef="SYNC-%03d" % n)
        body["claim"] = dict(epsitec_wire["claim"], externalRef="SYNC-%03d-1" % n)
        ids.append(client.create_case(body))
    return ids


def _factory(sandbox, made=None, api_key="sbx-test-key-4f1c9e2a"):
    def make():
        client = TilbagoClient(sandbox.url, api_key, timeout=(2, 5), retries=0)
        if made is not None:
            made.append(client)
        return client
    return make


class FakeClock:
    """A clock that advances only when something sleeps on it."""

    def __init__(self):
        self.now = 0.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


# -- against the sandbox ----------------------------------------------------------------

def test_reads_every_status_once_with_one_session_per_worker(sandbox, client, epsitec_wire):
    ids = _open_cases(client, epsitec_wire, 12)
    sandbox.advance(ids[3])
    made = []
    report = read_statuses(_factory(sandbox, made), ids, connections=4)
    assert set(report.results) == set(ids)
    assert not report.errors
    # sent without review: submitted; the one advanced: a step further
    assert report.statuses[ids[0]].status_code == "SBX-100"
    assert report.statuses[ids[3]].status_code == "SBX-200"
    assert report.requests == 12
    assert len(made) == 4  # one client (HTTP session) per worker, each closed
    gets = [r for r in sandbox.requests if r["method"] == "GET"]
    assert len(gets) == 12


def test_requests_overlap_against_a_slow_server(sandbox, client, epsitec_wire):
    """Up to ``connections`` requests wait on tilbago at the same time (speed itself is
    measured by benchmarks/bench_case_sync.py, not asserted here)."""
    ids = _open_cases(client, epsitec_wire, 16)
    sandbox.latency_ms = 100
    in_flight, peak, lock = [0], [0], threading.Lock()
    make_real = _factory(sandbox)

    class Counting:
        def __init__(self):
            self.real = make_real()

        def get_status(self, case_id):
            with lock:
                in_flight[0] += 1
                peak[0] = max(peak[0], in_flight[0])
            try:
                return self.real.get_status(case_id)
            finally:
                with lock:
                    in_flight[0] -= 1

        def close(self):
            self.real.close()

    report = read_statuses(Counting, ids, connections=8)
    assert len(report.statuses) == 16
    assert peak[0] == 8
    serial = read_statuses(Counting, ids, connections=1)
    assert len(serial.statuses) == 16
    assert serial.seconds >= 16 * 0.1  # one after another: at least the latencies


def test_an_error_is_the_answer_of_its_case_only(sandbox, client, epsitec_wire):
    ids = _open_cases(client, epsitec_wire, 3)
    report = read_statuses(_factory(sandbox), ids + ["no-such-case"], connections=2)
    assert set(report.statuses) == set(ids)
    assert isinstance(report.errors["no-such-case"], Rejected)
    assert report.errors["no-such-case"].status == 404


def test_a_refused_key_is_reported_per_case(sandbox, client, epsitec_wire):
    ids = _open_cases(client, epsitec_wire, 2)

    report = read_statuses(_factory(sandbox, api_key="wrong-key"), ids, connections=2)
    assert all(isinstance(e, AuthenticationError) for e in report.errors.values())
    assert set(report.errors) == set(ids)


def test_429_slows_down_and_the_case_is_asked_again(sandbox, client, epsitec_wire):
    ids = _open_cases(client, epsitec_wire, 6)
    sandbox.fail_next(status=429, method="GET", count=2)
    report = read_statuses(_factory(sandbox), ids, connections=3)
    assert not report.errors
    assert set(report.statuses) == set(ids)
    assert report.throttled == 2
    assert report.requests == 8
    # the pool paused: two backoffs (0.5 s, then 1 s, or overlapping) before it finished
    assert report.seconds >= 0.5


def test_503_beyond_max_throttled_becomes_the_case_error(sandbox, client, epsitec_wire):
    ids = _open_cases(client, epsitec_wire, 1)
    sandbox.fail_next(status=503, method="GET", count=10)
    clock = FakeClock()
    report = read_statuses(_factory(sandbox), ids, connections=1, max_throttled=2,
                           clock=clock, sleep=clock.sleep)
    assert isinstance(report.errors[ids[0]], ServerError)
    assert report.requests == 3  # the first try and two more


def test_duplicate_ids_are_asked_once(sandbox, client, epsitec_wire):
    ids = _open_cases(client, epsitec_wire, 2)
    report = read_statuses(_factory(sandbox), ids + ids, connections=4)
    assert report.requests == 2


def test_no_ids_no_client():
    def make():
        raise AssertionError("no client needed")
    assert read_statuses(make, []).results == {}


# -- without sockets ----------------------------------------------------------------------

class ScriptedClient:
    """Answers from a shared script: each id's list of results, in order."""

    def __init__(self, script, log):
        self.script = script
        self.log = log
        self.closed = False

    def get_status(self, case_id):
        self.log.append((case_id, time.monotonic()))
        result = self.script[case_id].pop(0)
        if isinstance(result, Exception):
            raise result
        return result

    def close(self):
        self.closed = True


def test_retry_after_from_tilbago_pauses_the_pool(sandbox, client, epsitec_wire):
    ids = _open_cases(client, epsitec_wire, 3)
    sandbox.fail_next(status=429, method="GET", retry_after=1)
    report = read_statuses(_factory(sandbox), ids, connections=2)
    assert not report.errors and report.throttled == 1
    assert report.seconds >= 1.0  # the case asked again after the second tilbago asked for


def test_client_reads_retry_after(sandbox, client):
    sandbox.fail_next(status=503, method="GET", retry_after=7)
    with TilbagoClient(sandbox.url, "sbx-test-key-4f1c9e2a", retries=0) as plain:
        with pytest.raises(ServerError) as caught:
            plain.get_status("whatever")
    assert caught.value.retry_after == 7.0
    sandbox.fail_next(status=429, method="GET")
    with pytest.raises(Rejected) as caught:
        client.get_status("whatever")
    assert caught.value.retry_after is None


def test_clone_has_its_own_session_and_the_same_key(sandbox, client, epsitec_wire):
    twin = client.clone()
    try:
        assert twin.session is not client.session
        assert twin.base_url == client.base_url and twin.timeout == client.timeout
        case_id = _open_cases(client, epsitec_wire, 1)[0]
        assert twin.get_status(case_id).status_code == client.get_status(case_id).status_code
        assert "sbx-test-key" not in repr(twin)
    finally:
        twin.close()


@pytest.mark.parametrize("value, seconds", [
    ("2", 2.0), ("0", 0.0), ("", None), (None, None), ("soon", None), ("-3", None),
    ("99999", 3600.0), ("Wed, 21 Oct 2015 07:28:10 GMT", 10.0),
    ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
])
def test_retry_after_seconds(value, seconds):
    import datetime

    from tilbago.client import retry_after_seconds
    now = datetime.datetime(2015, 10, 21, 7, 28, tzinfo=datetime.timezone.utc)
    assert retry_after_seconds(value, now=now) == seconds


def test_retry_after_is_honoured():
    throttle = Rejected(429, "slow down")
    throttle.retry_after = 0.3
    script = {"a": [throttle, "ok-a"], "b": ["ok-b"]}
    log = []
    report = read_statuses(lambda: ScriptedClient(script, log), ["a", "b"], connections=1)
    assert report.results == {"a": "ok-a", "b": "ok-b"}
    # after the 429 on "a", nothing was sent for 0.3 s
    first, later = log[0][1], [t for _id, t in log[1:]]
    assert min(later) - first >= 0.29


def test_a_bug_in_a_worker_is_raised_and_every_client_closed():
    clients = []

    class Broken(ScriptedClient):
        def get_status(self, case_id):
            raise KeyError("bug")

    def make():
        clients.append(Broken({}, []))
        return clients[-1]
    with pytest.raises(KeyError):
        read_statuses(make, list("abcdef"), connections=3)
    assert clients and all(c.closed for c in clients)


def test_rate_limiter_spaces_requests():
    clock = FakeClock()
    limiter = RateLimiter(rate=10, burst=1, clock=clock, sleep=clock.sleep)
    for _n in range(5):
        limiter.acquire()
    # the first goes at once, each next one 0.1 s later
    assert clock.now == pytest.approx(0.4)


def test_rate_limiter_none_never_waits():
    clock = FakeClock()
    limiter = RateLimiter(rate=None, clock=clock, sleep=clock.sleep)
    for _n in range(100):
        assert limiter.acquire() == 0.0
    assert clock.slept == []


def test_rate_ceiling_caps_the_pool(sandbox, client, epsitec_wire):
    ids = _open_cases(client, epsitec_wire, 10)
    report = read_statuses(_factory(sandbox), ids, connections=8,
                           rate=RateLimiter(rate=20, burst=1))
    # 10 requests at 20/s: the last one leaves 0.45 s after the first
    assert report.seconds >= 0.44
    assert not report.errors


def test_at_most_connections_requests_in_flight():
    in_flight = []
    peak = []
    lock = threading.Lock()

    class Slow:
        def get_status(self, case_id):
            with lock:
                in_flight.append(case_id)
                peak.append(len(in_flight))
            time.sleep(0.02)
            with lock:
                in_flight.remove(case_id)
            return case_id

    report = read_statuses(Slow, ["c%d" % n for n in range(30)], connections=5)
    assert len(report.statuses) == 30
    assert max(peak) == 5


def test_is_throttle():
    assert is_throttle(Rejected(429, "x"))
    assert is_throttle(ServerError(503, "x"))
    assert not is_throttle(ServerError(500, "x"))
    assert not is_throttle(ValueError("x"))


# -- one configured client, cloned for the other workers ----------------------------------

class CloneableClient(ScriptedClient):
    """A scripted client that counts its clones, all answering from the same script."""

    def __init__(self, script, log, clones):
        super().__init__(script, log)
        self.clones = clones

    def clone(self):
        twin = CloneableClient(self.script, self.log, self.clones)
        self.clones.append(twin)
        return twin


def test_read_statuses_with_uses_the_client_then_its_clones():
    script = {case_id: ["ok-%s" % case_id] for case_id in "abcdef"}
    clones = []
    first = CloneableClient(script, [], clones)
    report = read_statuses_with(first, list(script), connections=3)
    assert report.statuses == {case_id: "ok-%s" % case_id for case_id in "abcdef"}
    assert len(clones) == 2  # the client itself serves the first worker
    assert first.closed and all(twin.closed for twin in clones)


def test_read_statuses_with_a_client_that_cannot_be_cloned_has_one_worker():
    log = []
    script = {case_id: ["ok"] for case_id in "abc"}
    single = ScriptedClient(script, log)
    report = read_statuses_with(single, list(script), connections=8)
    assert set(report.statuses) == set("abc") and single.closed
    assert [case_id for case_id, _when in log] == list("abc")  # one after another
