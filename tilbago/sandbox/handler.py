"""The sandbox's HTTP side: one request handler, routing to the state and the faults.

The stdlib's ``ThreadingHTTPServer``; every non-2xx answer is a JSON ``{"message": ...}``,
the stdlib's own errors too. Headers received are stored without ``api_key``.
"""

import contextlib
import json
import logging
import time
from email.message import Message
from email.utils import collapse_rfc2231_value
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from .faults import FAULT_KEYS
from .state import SandboxError, hash_key

_logger = logging.getLogger(__name__)


def _disposition_filename(disposition):
    """The file name of an ``attachment`` Content-Disposition; ``filename*`` wins (RFC 6266)."""
    if not disposition:
        return None
    message = Message()
    message["Content-Disposition"] = disposition
    if message.get_content_disposition() != "attachment":
        return None
    plain = extended = None
    for name, value in message.get_params(header="content-disposition")[1:]:
        if name.lower() != "filename":
            continue
        if isinstance(value, tuple):  # filename*=charset'lang'percent-encoded (RFC 5987)
            # an unknown charset leaves the plain filename= (if any) to name the file
            with contextlib.suppress(LookupError):
                extended = collapse_rfc2231_value(value)
        else:
            plain = value
    return extended or plain or None


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that hung up (timeout, test) is no error worth a traceback."""
        _logger.debug("sandbox: connection from %s ended abruptly", client_address,
                      exc_info=True)


class SandboxHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tilbago-sandbox/1"
    # headers and body leave in two writes: without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK add ~40 ms to every keep-alive answer
    disable_nagle_algorithm = True
    sandbox = None  # set on the subclass by Sandbox.start

    def log_message(self, fmt, *args):  # the stdlib passes its format positionally
        _logger.debug("sandbox: " + fmt, *args)

    # -- answers --

    def _send_json(self, status, payload, headers=None):
        if not getattr(self, "_body_read", True) and self.headers.get("Content-Length") \
                not in (None, "0"):
            self.close_connection = True  # an unread body would poison the next request
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        return status

    def _send_page(self, html):
        data = html.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return 200

    def _redirect(self, location):
        self.send_response(303)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()
        return 303

    def send_error(self, code, message=None, explain=None):
        """The stdlib's errors (malformed request line...) as JSON too."""
        self.close_connection = True
        # the client may be gone already: nobody is left to answer then
        with contextlib.suppress(OSError):
            self._send_json(code, {"message": message or self.responses.get(code, ("",))[0]})

    def _headers_received(self):
        return {k: v for k, v in self.headers.items() if k.lower() != "api_key"}

    def _read_body(self, limit=None):
        if self._body_read:
            return self._body
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise SandboxError(411, "send the body with a Content-Length header")
        length = self.headers.get("Content-Length")
        try:
            length = int(length) if length is not None else 0
        except ValueError:
            self.close_connection = True
            raise SandboxError(400, "Content-Length is not a number") from None
        if limit is not None and length > limit:
            self.close_connection = True  # the body stays unread
            raise SandboxError(413, "file: larger than the %d bytes allowed" % limit)
        self._body = self.rfile.read(length) if length else b""
        self._body_read = True
        return self._body

    def _read_json(self):
        raw = self._read_body()
        if not raw:
            raise SandboxError(400, "body: empty, a JSON object is expected")
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise SandboxError(400, "body: not valid UTF-8 JSON (%s)" % exc) from None

    # -- dispatch --

    def do_GET(self):
        self._dispatch("GET")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def _dispatch(self, method):
        self._body_read = False
        self._body = b""
        parts = urlsplit(self.path)
        path = parts.path
        query = parse_qs(parts.query)
        if path.startswith("/_sandbox/"):
            try:
                self._sandbox_endpoint(method, path[len("/_sandbox/"):], query)
            except SandboxError as answer:
                self._send_json(answer.status, answer.payload())
            return
        if not path.startswith("/v1/"):
            self._send_json(404, {"message": "no such endpoint: %s (the API is under /v1/)"
                                  % path})
            return
        self._api(method, path[len("/v1/"):])

    def _api(self, method, path):
        sandbox = self.sandbox
        record = sandbox.log_request(method, "/v1/" + path)
        fault = sandbox.faults.take(method)
        if fault and fault.status is not None:
            self._read_body()
            if fault.delay_ms:
                time.sleep(fault.delay_ms / 1000)
            record["status"] = fault.status
            self._send_fault(fault)
            return
        try:
            status, payload = 200, self._api_answer(method, path)
        except SandboxError as answer:
            status, payload = answer.status, answer.payload()
        except Exception:  # noqa: BLE001 (a stand-in answers 500 like a real server)
            _logger.exception("sandbox: internal error")
            status, payload = 500, {"message": "internal sandbox error"}
        delay = (sandbox.latency_ms or 0) + (fault.delay_ms if fault else 0)
        if delay:
            time.sleep(delay / 1000)
        if fault and fault.drop:
            record["status"] = "dropped"
            self.close_connection = True
            return
        record["status"] = status
        self._send_json(status, payload)

    def _send_fault(self, fault):
        headers = fault.headers()
        if fault.body is None:
            self._send_json(fault.status, {"message": "injected fault %s" % fault.status},
                            headers)
            return
        data = str(fault.body).encode("utf-8")
        self.send_response(fault.status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", fault.content_type or "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _api_answer(self, method, path):
        state = self.sandbox.state
        key = self.headers.get("api_key")
        key_hash = hash_key(key) if key else None
        if key_hash not in state.key_hashes:
            self._read_body()
            raise SandboxError(401, "invalid or missing api_key")
        segments = [unquote(s) for s in path.split("/")]
        if segments == ["case"]:
            if method != "PUT":
                raise SandboxError(405, "use PUT to open a case")
            return state.create_case(key_hash, self._read_json(), self._headers_received())
        if len(segments) == 3 and segments[0] == "case" and segments[1]:
            case_id, action = segments[1], segments[2]
            if action == "status":
                if method != "GET":
                    raise SandboxError(405, "use GET to read a status")
                return state.status(key_hash, case_id,
                                    self.headers.get("Accept-Language", "en"))
            if action == "attachment":
                if method != "PUT":
                    raise SandboxError(405, "use PUT to add an attachment")
                return self._attachment(key_hash, case_id)
        self._read_body()
        raise SandboxError(404, "no such endpoint: %s %s" % (method, "/v1/" + path))

    def _attachment(self, key_hash, case_id):
        sandbox = self.sandbox
        sandbox.state.owned_case(key_hash, case_id)
        if self.headers.get("Content-Type") is not None:
            self._read_body(sandbox.max_attachment_bytes)
            # what tilbago does (client-observed): a Content-Type header gets a 500
            raise SandboxError(500, "An unexpected error occurred (the sandbox answers 500 to "
                               "an attachment sent with a Content-Type header, as tilbago "
                               "does)")
        content = self._read_body(sandbox.max_attachment_bytes)
        filename = _disposition_filename(self.headers.get("Content-Disposition"))
        if not filename:
            raise SandboxError(400, "Content-Disposition: send 'attachment; filename=\"...\"'")
        if not content:
            raise SandboxError(400, "file: the attachment is empty")
        return sandbox.state.add_attachment(key_hash, case_id, filename, content,
                                            self._headers_received())

    def _sandbox_endpoint(self, method, path, query):
        sandbox = self.sandbox
        segments = [unquote(s) for s in path.split("/")]
        if method == "GET" and segments == ["cases"]:
            return self._send_json(200, {"cases": sandbox.cases()})
        if method == "GET" and segments == ["requests"]:
            return self._send_json(200, {"requests": sandbox.requests})
        if method == "POST" and segments == ["reset"]:
            self._read_body()
            sandbox.reset()
            return self._send_json(200, {"reset": True})
        if method == "POST" and segments == ["balance"]:
            payload = self._read_json()
            balance = payload.get("balance") if isinstance(payload, dict) else None
            if balance is not None and (isinstance(balance, bool)
                                        or not isinstance(balance, int)):
                raise SandboxError(400, "balance: an integer or null is expected")
            sandbox.set_balance(balance, self.headers.get("api_key"))
            return self._send_json(200, {"balance": balance})
        if method == "POST" and segments == ["fail-next"]:
            payload = self._read_json()
            if not isinstance(payload, dict):
                raise SandboxError(400, "body: a JSON object is expected")
            try:
                sandbox.fail_next(**{key: payload[key] for key in FAULT_KEYS if key in payload})
            except (TypeError, ValueError, AttributeError) as exc:
                raise SandboxError(400, str(exc)) from None
            return self._send_json(200, {"armed": True})
        if method == "GET" and segments == [""]:
            return self._send_page(sandbox.page())
        if len(segments) == 3 and segments[0] in ("case", "cases"):
            case_id, action = segments[1], segments[2]
            if method == "POST" and action in ("advance", "release"):
                form = parse_qs(self._read_body().decode("utf-8", "replace"))
                to = query.get("to", form.get("to", [None]))[0] or None
                try:
                    answer = sandbox.release(case_id) if action == "release" else \
                        sandbox.advance(case_id, to)
                except KeyError:
                    raise SandboxError(404, "case %s not found" % case_id) from None
                except ValueError as exc:
                    raise SandboxError(409 if to is None else 400, str(exc)) from None
                if "page" in query:  # the page's buttons: back to the page
                    return self._redirect("/_sandbox/")
                return self._send_json(200, answer)
            if method == "GET" and action == "attachments":
                case = sandbox.case(case_id)
                if case is None:
                    raise SandboxError(404, "case %s not found" % case_id)
                return self._send_json(200, {"attachments": case["attachments"]})
        self._read_body()
        raise SandboxError(404, "no such sandbox endpoint: %s /_sandbox/%s" % (method, path))
