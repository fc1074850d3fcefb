"""Read many case statuses from tilbago at once, politely.

The status sync spends its time waiting for tilbago: one request after another is
bounded by 1 / latency. :func:`read_statuses` keeps ``connections`` requests in flight
(one :class:`~tilbago.client.TilbagoClient`, hence one HTTP session, per worker thread:
a ``requests.Session`` is not meant to be shared between threads), and never touches a
database: the caller writes the answers afterwards, in its own transaction.

Respecting tilbago:

* ``rate`` caps the requests per second of the whole pool (a token bucket), e.g. the
  ceiling agreed with tilbago; ``None`` = no ceiling;
* an answer 429 (too many requests) or 503 (unavailable) slows the pool down instead of
  failing the case: every worker waits for ``Retry-After`` (when tilbago sends it, else an
  exponential backoff), the number of workers allowed to send at once is halved, and the
  case is asked again, up to ``max_throttled`` times. Each later success lets one more
  worker send again, so the pool climbs back to ``connections`` once tilbago copes.

Every other error (401, 404, a timeout, a broken answer) is the answer for that case: it
is returned, not raised, so one case never stops the others.
"""

import logging
import queue
import threading
import time

from .exceptions import ApiError, TilbagoError

_logger = logging.getLogger(__name__)

DEFAULT_CONNECTIONS = 8
#: how often one case is asked again after a 429/503 before its error is returned
DEFAULT_MAX_THROTTLED = 5
#: the first wait after a 429/503 without Retry-After, doubled at each one in a row
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 60.0
THROTTLE_STATUSES = (429, 503)

__all__ = ["RateLimiter", "read_statuses", "is_throttle"]


def is_throttle(error):
    """Whether ``error`` is tilbago asking us to slow down (429 or 503)."""
    return isinstance(error, ApiError) and error.status in THROTTLE_STATUSES


class RateLimiter:
    """A thread-safe token bucket: at most ``rate`` acquisitions per second.

    ``burst`` tokens may be taken at once (default: one second's worth, at least 1).
    ``rate`` None or 0 means no limit. ``clock`` and ``sleep`` are injectable for tests.
    """

    def __init__(self, rate=None, burst=None, clock=time.monotonic, sleep=time.sleep):
        self.rate = float(rate) if rate else None
        self.burst = float(burst if burst is not None else max(1.0, self.rate or 1.0))
        self._clock = clock
        self._sleep = sleep
        self._tokens = self.burst
        self._stamp = clock()
        self._lock = threading.Lock()

    def acquire(self):
        """Wait until a request may go out; return the seconds waited."""
        if not self.rate:
            return 0.0
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                self._tokens = min(self.burst,
                                   self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if self._tokens >= 1.0 - 1e-9:  # float sums of (now - stamp) × rate
                    self._tokens = max(0.0, self._tokens - 1.0)
                    return waited
                delay = (1.0 - self._tokens) / self.rate
            self._sleep(delay)
            waited += delay


class _Gate:
    """How many workers may send now (AIMD) and until when everybody pauses."""

    def __init__(self, size, clock, sleep):
        self.size = size
        self.allowed = size
        self.pause_until = 0.0
        self.throttles_in_row = 0
        self.throttled = 0
        self._clock = clock
        self._sleep = sleep
        self._cond = threading.Condition()
        self._active = 0

    def enter(self):
        while True:
            with self._cond:
                wait = self.pause_until - self._clock()
                if wait <= 0:
                    if self._active < self.allowed:
                        self._active += 1
                        return
                    self._cond.wait()  # leave() announces a free place
                    continue
            self._sleep(wait)

    def leave(self, throttle_error=None):
        with self._cond:
            self._active -= 1
            if throttle_error is None:
                self.throttles_in_row = 0
                if self.allowed < self.size:
                    self.allowed += 1
            else:
                self.throttled += 1
                self.throttles_in_row += 1
                self.allowed = max(1, self.allowed // 2)
                delay = getattr(throttle_error, "retry_after", None)
                if delay is None:
                    delay = min(BACKOFF_MAX,
                                BACKOFF_FIRST * 2 ** (self.throttles_in_row - 1))
                self.pause_until = max(self.pause_until, self._clock() + float(delay))
            self._cond.notify_all()


class SyncReport:
    """What :func:`read_statuses` did: answers by case id, and how it went."""

    def __init__(self):
        self.results = {}
        self.requests = 0
        self.throttled = 0
        self.seconds = 0.0

    @property
    def statuses(self):
        return {k: v for k, v in self.results.items() if not isinstance(v, TilbagoError)}

    @property
    def errors(self):
        return {k: v for k, v in self.results.items() if isinstance(v, TilbagoError)}


def read_statuses(make_client, case_ids, connections=DEFAULT_CONNECTIONS, rate=None,
                  max_throttled=DEFAULT_MAX_THROTTLED, clock=time.monotonic,
                  sleep=time.sleep):
    """Ask tilbago for the status of every id in ``case_ids``; return a :class:`SyncReport`.

    :param make_client: called once per worker thread, returns an object with
        ``get_status(case_id)`` (a :class:`~tilbago.client.TilbagoClient`); its
        ``close()`` is called when the worker ends
    :param connections: requests in flight at most (worker threads), at least 1
    :param rate: requests per second for the whole pool, None = no ceiling
    :param max_throttled: how often one case is asked again after a 429/503

    ``report.results`` maps each id to a :class:`~tilbago.client.CaseStatus` or to the
    :class:`~tilbago.exceptions.TilbagoError` its last request ended with. Exceptions
    that are not TilbagoErrors (a bug) are raised after every worker stopped.
    """
    ids = list(dict.fromkeys(case_ids))
    report = SyncReport()
    if not ids:
        return report
    size = max(1, min(int(connections or 1), len(ids)))
    limiter = rate if isinstance(rate, RateLimiter) else RateLimiter(rate, clock=clock,
                                                                        sleep=sleep)
    gate = _Gate(size, clock, sleep)
    todo = queue.Queue()
    for case_id in ids:
        todo.put((case_id, 0))
    lock = threading.Lock()
    crashed = []
    start = clock()

    def worker():
        client = None
        try:
            client = make_client()
            while True:
                try:
                    case_id, tries = todo.get_nowait()
                except queue.Empty:
                    return
                gate.enter()
                throttle = None
                try:
                    limiter.acquire()
                    try:
                        result = client.get_status(case_id)
                    except TilbagoError as error:
                        result = error
                    with lock:
                        report.requests += 1
                    if is_throttle(result) and tries < max_throttled:
                        throttle = result
                        todo.put((case_id, tries + 1))
                    else:
                        with lock:
                            report.results[case_id] = result
                finally:
                    gate.leave(throttle)
        except BaseException as exc:  # noqa: BLE001 (re-raised in the caller's thread)
            crashed.append(exc)
            # drain, so the other workers stop too
            while True:
                try:
                    todo.get_nowait()
                except queue.Empty:
                    break
        finally:
            close = getattr(client, "close", None)
            if close:
                close()

    threads = [threading.Thread(target=worker, name="tilbago-sync-%d" % n, daemon=True)
               for n in range(size)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.seconds = clock() - start
    report.throttled = gate.throttled
    if crashed:
        raise crashed[0]
    if report.throttled:
        _logger.info("tilbago status sync: %d answer(s) 429/503, pool slowed down",
                     report.throttled)
    return report


def worker_clients(client):
    """A ``make_client`` for :func:`read_statuses`: ``client`` itself, then clones of it.

    The clones are made in the worker threads without any database: ``client`` already
    holds the URL and the key.
    """
    spare = [client]
    lock = threading.Lock()

    def make():
        with lock:
            if spare:
                return spare.pop()
        return client.clone()

    return make


def read_statuses_with(client, case_ids, connections=DEFAULT_CONNECTIONS, rate=None):
    """:func:`read_statuses` with ``client`` and clones of it (:func:`worker_clients`).

    A client that cannot be cloned (a test double) serves a single worker.
    """
    if not hasattr(client, "clone"):
        connections = 1
    return read_statuses(worker_clients(client), case_ids, connections=connections,
                         rate=rate)
