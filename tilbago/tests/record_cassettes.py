"""Record the vcrpy cassettes replayed by test_client_cassettes.py.

    python3 tilbago/tests/record_cassettes.py

Each scenario runs the client against a fresh local sandbox while vcrpy records the HTTP
exchanges into ``tilbago/tests/cassettes/<scenario>.yaml``. The ``api_key`` header is
filtered out of the recording, and the sandbox's random address is rewritten to
:data:`REPLAY_URL` so the replay depends on no port and reaches no network. Re-record
when the wire format or the sandbox's answers change on purpose (the replay matches
requests on their body too, so a changed payload shows up as a failing replay).
"""

import sys
from pathlib import Path

import vcr

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE)]

from conftest import SANDBOX_API_KEY, make_epsitec_case, make_epsitec_wire  # noqa: E402

from tilbago.client import TilbagoClient  # noqa: E402
from tilbago.exceptions import TilbagoError  # noqa: E402
from tilbago.sandbox import Sandbox  # noqa: E402

CASSETTES = HERE / "cassettes"
REPLAY_URL = "http://tilbago.sandbox.test/v1/"
MATCH_ON = ("method", "scheme", "host", "port", "path", "query", "body")
ATTACHMENT_NAME = "Relevé de compte Zürich.pdf"
ATTACHMENT = b"%PDF-1.4\n% l10n_ch_tilbago cassette\n"


def replay_vcr():
    """The vcrpy configuration of the replay: never records, never reaches the network."""
    return vcr.VCR(cassette_library_dir=str(CASSETTES), record_mode="none",
                   match_on=MATCH_ON, filter_headers=["api_key"])


def _recorder(sandbox):
    def rewrite(request):
        request.uri = request.uri.replace(sandbox.url, REPLAY_URL)
        return request

    return vcr.VCR(cassette_library_dir=str(CASSETTES), record_mode="all",
                   match_on=MATCH_ON, filter_headers=["api_key"],
                   before_record_request=rewrite)


def _attempt(call):
    try:
        return call()
    except TilbagoError as exc:
        return exc


def happy_path(sandbox, client):
    case_id = client.create_case(make_epsitec_case())
    client.get_status(case_id)
    sandbox.advance(case_id, to="SBX-210")  # Python API: not part of the recording
    client.get_status(case_id)
    client.add_attachment(case_id, ATTACHMENT_NAME, ATTACHMENT)
    client.check_connection()


def errors(sandbox, client):
    wire = make_epsitec_wire()
    client.create_case(wire)
    _attempt(lambda: client.create_case(wire))  # duplicate externalRef
    bad = make_epsitec_wire()
    bad["externalRef"] = "INV-BAD"
    bad["claim"]["externalRef"] = "BAD"
    bad["debtor"]["address"]["zip"] = "140"
    _attempt(lambda: client.create_case(bad))  # 400 naming the field
    intruder = TilbagoClient(sandbox.url, "not-the-key", retries=0)
    _attempt(lambda: intruder.get_status("any"))  # 401
    sandbox.set_balance(0)
    other = make_epsitec_wire()
    other["externalRef"] = "INV-2020-5876"
    other["claim"]["externalRef"] = "5876"
    _attempt(lambda: client.create_case(other))  # 402
    sandbox.fail_next(status=503, method="GET")
    _attempt(lambda: client.get_status("unknown-case"))  # 503, retried: 404
    sandbox.fail_next(status=500, method="GET")
    _attempt(lambda: client.get_status("broken"))  # 500
    sandbox.fail_next(status=200, method="GET", body="<html>maintenance</html>")
    _attempt(lambda: client.get_status("garbled"))  # not JSON


SCENARIOS = {"happy_path": happy_path, "errors": errors}


def main():
    CASSETTES.mkdir(exist_ok=True)
    for name, scenario in SCENARIOS.items():
        with Sandbox(api_key=SANDBOX_API_KEY, step_seconds=0) as sandbox:
            client = TilbagoClient(sandbox.url, SANDBOX_API_KEY, retries=2,
                                   backoff_factor=0)
            with _recorder(sandbox).use_cassette(name + ".yaml"):
                scenario(sandbox, client)
        print("recorded", CASSETTES / (name + ".yaml"))


if __name__ == "__main__":
    main()
