""":class:`Sandbox`: the state, the faults and the HTTP server, in a background thread."""

import logging
import threading
import time

from ..documents import MAX_ATTACHMENT_BYTES
from .faults import Faults
from .handler import SandboxHandler, SandboxServer
from .page import render_page
from .state import DEFAULT_BALANCE, DEFAULT_STEP_SECONDS, SandboxState

_logger = logging.getLogger(__name__)

DEFAULT_API_KEY = "sandbox"
#: the one size limit of this package (see tilbago.documents for why 10 MB)
DEFAULT_MAX_ATTACHMENT_BYTES = MAX_ATTACHMENT_BYTES


class Sandbox:
    """The sandbox server, in a background thread.

    :param api_key: the key (or an iterable of keys) it accepts
    :param data_path: JSON file to persist state in (None: memory only)
    :param balance: cases each key may still open (None: unlimited)
    :param step_seconds: seconds per enforcement step (0/None: only on demand)
    :param latency_ms: extra delay before every ``/v1/`` answer (benchmarks, timeouts)
    :param max_attachment_bytes: larger attachments get a 413
    :param clock: time source, for tests
    """

    def __init__(self, host="127.0.0.1", port=0, api_key=DEFAULT_API_KEY, data_path=None,
                 balance=DEFAULT_BALANCE, step_seconds=DEFAULT_STEP_SECONDS, latency_ms=0,
                 max_attachment_bytes=DEFAULT_MAX_ATTACHMENT_BYTES, clock=time.time):
        self.host = host
        self.port = port
        self.state = SandboxState([api_key] if isinstance(api_key, str) else api_key,
                                  data_path=data_path, balance=balance,
                                  step_seconds=step_seconds, clock=clock)
        self.faults = Faults()
        self.latency_ms = latency_ms
        self.max_attachment_bytes = max_attachment_bytes
        self._requests_lock = threading.Lock()
        self._requests = []
        self._server = None
        self._thread = None

    # -- lifecycle --

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        """Listen and serve in a daemon thread; return self."""
        handler = type("BoundSandboxHandler", (SandboxHandler,), {"sandbox": self})
        self._server = SandboxServer((self.host, self.port), handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="tilbago-sandbox", daemon=True)
        self._thread.start()
        _logger.info("tilbago sandbox listening on %s", self.url)
        return self

    def stop(self):
        """Stop serving and close the socket (state stays on disk)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None
            self._thread = None

    def serve_forever(self):
        """Block the calling thread while serving (the CLI); starts the server if needed."""
        if self._server is None:
            self.start()
        try:
            while self._thread is not None and self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    @property
    def root_url(self):
        host = self.host if ":" not in self.host else "[%s]" % self.host
        return "http://%s:%d/" % (host, self.port)

    @property
    def url(self):
        """The base URL of the API, ending in ``/v1/``."""
        return self.root_url + "v1/"

    # -- settings a test may change on a running sandbox --

    @property
    def step_seconds(self):
        return self.state.step_seconds

    @step_seconds.setter
    def step_seconds(self, value):
        self.state.step_seconds = value

    @property
    def initial_balance(self):
        return self.state.initial_balance

    @initial_balance.setter
    def initial_balance(self, value):
        self.state.initial_balance = value

    # -- what tests and the sandbox-only endpoints ask --

    def balance(self, api_key=None):
        """Cases the key (default: the first key) may still open; None = unlimited."""
        return self.state.balance(api_key)

    def set_balance(self, balance, api_key=None):
        """Set the balance of one key, or of every key."""
        self.state.set_balance(balance, api_key)

    def cases(self):
        """Every case (current status computed), with the exact JSON body received."""
        return self.state.cases()

    def case(self, case_id):
        """One case, or None."""
        return self.state.case(case_id)

    def advance(self, case_id, to=None):
        """Move a case one step along its path, or to the code ``to``; return its status."""
        return self.state.advance(case_id, to)

    def release(self, case_id):
        """The user's review done: a case at 002 goes to the office (SBX-100)."""
        return self.state.release(case_id)

    def reset(self):
        """Forget every case, restore the starting balance, clear faults and the log."""
        self.state.reset()
        self.faults.clear()
        with self._requests_lock:
            self._requests.clear()

    def fail_next(self, **fault):
        """Inject a fault into the next ``/v1/`` request(s): see :mod:`.faults`."""
        self.faults.arm(**fault)

    def page(self):
        """The HTML page ``GET /_sandbox/``."""
        return render_page(self.cases(), self.step_seconds)

    def log_request(self, method, path):
        """Note a ``/v1/`` request; the handler fills in the returned record's status."""
        record = {"method": method, "path": path, "status": None}
        with self._requests_lock:
            self._requests.append(record)
        return record

    @property
    def requests(self):
        """Every ``/v1/`` request received: ``{"method", "path", "status"}``."""
        with self._requests_lock:
            return [dict(r) for r in self._requests]
