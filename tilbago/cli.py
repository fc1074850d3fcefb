"""Command line of the tilbago layer (``python -m tilbago``), for admins and scripts.

::

    python -m tilbago create-case CASE.json     # CASE.json: the wire format of PUT case
    python -m tilbago status CASE_ID
    python -m tilbago attach CASE_ID FILE [--name NAME]
    python -m tilbago check                     # is the key accepted? creates nothing
    options of the four client commands: --base-url URL --api-key KEY --timeout S --retries N
    python -m tilbago sandbox [--host H] [--port P] [--api-key K] [--data FILE]
                              [--balance N] [--step-seconds S] [--latency-ms MS]
                              [--max-attachment-bytes N]
    python -m tilbago sandbox-advance CASE_ID [--to CODE] [--sandbox URL]
                              # release a case waiting for review, or take its next step

The base URL and the key come from ``--base-url`` / ``--api-key`` (before or after the
command) or the environment ``TILBAGO_BASE_URL`` / ``TILBAGO_API_KEY``. tilbago's JSON
answer goes to stdout. Exit codes:

* 0 — done;
* 2 — invalid input: every problem on stderr, one per line naming its field, nothing sent
  (also an unreadable file, bad JSON, a missing base URL or key);
* 3 — refused by tilbago (4xx; its answer ``{"status", "message"}`` on stdout);
* 4 — transport or server failure (5xx, timeout, refused connection, not the documented
  JSON).
"""

# The command line answers on stdout and reports on stderr: print is its interface here,
# not a stand-in for logging.
# pylint: disable=print-used

import argparse
import contextlib
import json
import os
import signal
import sys

from .exceptions import (
    ApiError,
    InvalidPayload,
    ProtocolError,
    ServerError,
    TransportError,
)

EXIT_OK = 0
EXIT_INVALID = 2
EXIT_REFUSED = 3
EXIT_FAILURE = 4


class _Invalid(Exception):
    """Invalid input: ``lines`` go to stderr, exit 2."""

    def __init__(self, *lines):
        super().__init__(lines)
        self.lines = lines


def _parser():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--base-url", default=argparse.SUPPRESS,
                        help="tilbago base URL, e.g. https://api.tilbago.ch/v1/ "
                             "(default: $TILBAGO_BASE_URL)")
    common.add_argument("--api-key", default=argparse.SUPPRESS,
                        help="tilbago API key (default: $TILBAGO_API_KEY)")
    common.add_argument("--timeout", type=float, default=argparse.SUPPRESS,
                        help="seconds to wait for an answer (default: 30)")
    common.add_argument("--retries", type=int, default=argparse.SUPPRESS,
                        help="times a status read is tried again (default: 3; a case "
                             "or an attachment is never sent twice)")

    parser = argparse.ArgumentParser(
        prog="python -m tilbago", parents=[common],
        description="Talk to tilbago (Swiss debt enforcement) or run its local sandbox.",
        epilog="Exit codes: 0 done, 2 invalid input (nothing sent), 3 refused by tilbago "
               "(4xx), 4 transport or server failure.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    create = commands.add_parser("create-case", parents=[common],
                                 help="open a case from a JSON file in the wire format")
    create.add_argument("case_file", metavar="CASE.json")

    status = commands.add_parser("status", parents=[common], help="print a case's status")
    status.add_argument("case_id", metavar="CASE_ID")

    attach = commands.add_parser("attach", parents=[common],
                                 help="add a document to a case")
    attach.add_argument("case_id", metavar="CASE_ID")
    attach.add_argument("file", metavar="FILE")
    attach.add_argument("--name", help="file name sent to tilbago (default: FILE's name)")

    commands.add_parser("check", parents=[common],
                        help="check the base URL and the key without creating anything")

    sandbox = commands.add_parser(
        "sandbox", help="run the local stand-in for tilbago (see tilbago/README.md)")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8765,
                         help="port (default 8765; 0 = any free port)")
    sandbox.add_argument("--api-key", dest="sandbox_api_keys", action="append",
                         help="key the sandbox accepts (repeat for several; default: "
                              "$TILBAGO_API_KEY or 'sandbox')")
    sandbox.add_argument("--data", help="JSON file keeping cases across restarts")
    sandbox.add_argument("--balance", type=int, default=None,
                         help="cases each key may open (default 1000; "
                              "a data file keeps the balance left)")
    sandbox.add_argument("--step-seconds", type=float, default=None,
                         help="seconds per enforcement step (default 300; 0 = on demand); "
                              "a case sent for review waits until released")
    sandbox.add_argument("--latency-ms", type=int, default=0,
                         help="delay before every API answer (benchmarks)")
    sandbox.add_argument("--max-attachment-bytes", type=int, default=None,
                         help="larger attachments get a 413 (default 10 MB)")
    advance = commands.add_parser(
        "sandbox-advance",
        help="in a running sandbox: release a case waiting for review (002), or move it "
             "one step (or to --to CODE) at once")
    advance.add_argument("case_id", metavar="CASE_ID")
    advance.add_argument("--to", metavar="CODE", help="the status code to move to")
    advance.add_argument("--sandbox", default="http://127.0.0.1:8765/",
                         help="the sandbox's address (default http://127.0.0.1:8765/)")
    return parser


def _client(args):
    from .client import DEFAULT_TIMEOUT, TilbagoClient

    base_url = getattr(args, "base_url", None) or os.environ.get("TILBAGO_BASE_URL")
    api_key = getattr(args, "api_key", None) or os.environ.get("TILBAGO_API_KEY")
    missing = []
    if not base_url:
        missing.append("base URL: give --base-url or set TILBAGO_BASE_URL")
    if not api_key:
        missing.append("API key: give --api-key or set TILBAGO_API_KEY")
    if missing:
        raise _Invalid(*missing)
    timeout = getattr(args, "timeout", None)
    timeout = (min(DEFAULT_TIMEOUT[0], timeout), timeout) if timeout else DEFAULT_TIMEOUT
    try:
        return TilbagoClient(base_url, api_key, timeout=timeout,
                             retries=max(0, getattr(args, "retries", 3)))
    except ValueError as exc:
        raise _Invalid(str(exc)) from None


def _read_case(path):
    from .payload import Case
    from .validation import validate_case

    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as exc:
        raise _Invalid("%s: cannot read the file (%s)" % (path, exc.strerror or exc)) from None
    except UnicodeDecodeError:
        raise _Invalid("%s: not UTF-8 text" % path) from None
    except json.JSONDecodeError as exc:
        raise _Invalid("%s: not valid JSON (line %d, column %d: %s)"
                       % (path, exc.lineno, exc.colno, exc.msg)) from None
    try:
        case = Case.from_wire(data)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise _Invalid("%s: %s" % (path, exc)) from None
    problems = validate_case(case)
    if problems:
        raise _Invalid(*("%s: %s" % (p.field, p.message) for p in problems))
    return case


def _print(payload):
    print(json.dumps(payload, ensure_ascii=False))


def _run_create(args):
    case = _read_case(args.case_file)
    client = _client(args)
    _print({"caseId": client.create_case(case)})


def _run_status(args):
    _print(_client(args).get_status(args.case_id).to_wire())


def _run_attach(args):
    try:
        with open(args.file, "rb") as handle:
            content = handle.read()
    except OSError as exc:
        raise _Invalid("%s: cannot read the file (%s)"
                       % (args.file, exc.strerror or exc)) from None
    if not content:
        raise _Invalid("%s: the file is empty" % args.file)
    name = args.name or os.path.basename(args.file)
    client = _client(args)
    _print({"attachmentId": client.add_attachment(args.case_id, name, content)})


def _run_check(args):
    accepted = _client(args).check_connection()
    _print({"keyAccepted": accepted})
    if not accepted:
        print("refused by tilbago: the API key is not accepted (401)", file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


def _run_sandbox(args):
    from .sandbox import (
        DEFAULT_API_KEY,
        DEFAULT_BALANCE,
        DEFAULT_MAX_ATTACHMENT_BYTES,
        DEFAULT_STEP_SECONDS,
        Sandbox,
    )

    keys = args.sandbox_api_keys or [getattr(args, "api_key", None)
                                     or os.environ.get("TILBAGO_API_KEY") or DEFAULT_API_KEY]
    try:
        sandbox = Sandbox(
            host=args.host, port=args.port, api_key=keys, data_path=args.data,
            balance=DEFAULT_BALANCE if args.balance is None else args.balance,
            step_seconds=DEFAULT_STEP_SECONDS if args.step_seconds is None
            else args.step_seconds,
            latency_ms=args.latency_ms,
            max_attachment_bytes=DEFAULT_MAX_ATTACHMENT_BYTES if args.max_attachment_bytes is None
            else args.max_attachment_bytes)
    except (OSError, ValueError) as exc:
        raise _Invalid("--data: %s" % exc) from None

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        sandbox.start()
    except OSError as exc:
        raise _Invalid("cannot listen on %s:%s (%s)" % (args.host, args.port,
                                                        exc.strerror or exc)) from None
    key_note = "api_key %r" % DEFAULT_API_KEY if keys == [DEFAULT_API_KEY] else \
        "api_key as given"
    print("tilbago sandbox on %s (%s, data: %s); Ctrl-C stops it"
          % (sandbox.url, key_note, args.data or "memory only"), file=sys.stderr)
    _print({"url": sandbox.url})
    sys.stdout.flush()
    # Ctrl-C (or SIGTERM, see stop above) is the normal way out; serve_forever closes
    # the socket on its way out
    with contextlib.suppress(KeyboardInterrupt):
        sandbox.serve_forever()


def _run_sandbox_advance(args):
    import requests  # noqa: PLC0415

    from urllib.parse import quote  # noqa: PLC0415

    root = args.sandbox.split("/v1/")[0].rstrip("/")
    url = "%s/_sandbox/cases/%s/advance" % (root, quote(args.case_id, safe=""))
    try:
        response = requests.post(url, params={"to": args.to} if args.to else None,
                                 timeout=10)
        answer = response.json()
    except requests.RequestException as exc:
        print("error: no sandbox at %s (%s)" % (root, exc), file=sys.stderr)
        return EXIT_FAILURE
    except ValueError:
        print("error: %s is not a tilbago sandbox" % root, file=sys.stderr)
        return EXIT_FAILURE
    _print(answer)
    if response.status_code != 200:
        print("refused by the sandbox: %s" % answer.get("message"), file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


_COMMANDS = {
    "create-case": _run_create,
    "status": _run_status,
    "attach": _run_attach,
    "check": _run_check,
    "sandbox": _run_sandbox,
    "sandbox-advance": _run_sandbox_advance,
}


def main(argv=None):
    """Run the command line; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 on a usage error, 0 for --help
        return exc.code if isinstance(exc.code, int) else EXIT_INVALID
    try:
        code = _COMMANDS[args.command](args)
    except _Invalid as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return EXIT_INVALID
    except InvalidPayload as exc:
        for problem in exc.problems:
            print("%s: %s" % (problem.field, problem.message), file=sys.stderr)
        return EXIT_INVALID
    except (ServerError, TransportError, ProtocolError) as exc:
        if isinstance(exc, ServerError):
            _print({"status": exc.status, "message": exc.message})
        print("error: %s" % exc, file=sys.stderr)
        return EXIT_FAILURE
    except ApiError as exc:
        _print({"status": exc.status, "message": exc.message})
        print("refused by tilbago: %s" % exc, file=sys.stderr)
        return EXIT_REFUSED
    return code or EXIT_OK
