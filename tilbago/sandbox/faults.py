"""Fault injection: what the next ``/v1/`` request(s) meet instead of a plain answer.

Armed by :meth:`Sandbox.fail_next <tilbago.sandbox.Sandbox.fail_next>` or ``POST
/_sandbox/fail-next``, taken by the handler one request at a time:

* ``status``: answer that status without doing anything, with ``body`` (raw text, of
  ``content_type``) or a JSON ``{"message": ...}``;
* ``drop``: do the work (store the case), then close the connection without answering:
  the lost answer;
* ``delay_ms``: answer late;
* ``method``: only GET or only PUT requests; ``count``: for that many requests (1);
* ``retry_after``: a ``Retry-After`` header (seconds or an HTTP date) on the answer.
"""

import threading
from dataclasses import dataclass

#: the keys of a ``POST /_sandbox/fail-next`` body: the arguments of :meth:`Faults.arm`
FAULT_KEYS = ("status", "drop", "body", "content_type", "delay_ms", "method", "count",
              "retry_after")


@dataclass(slots=True)
class Fault:
    """One armed fault (see the module docstring)."""

    status: int = None
    drop: bool = False
    body: str = None
    content_type: str = None
    delay_ms: int = 0
    method: str = None
    count: int = 1
    retry_after: str = None

    def headers(self):
        """The extra headers of the faulty answer."""
        return {"Retry-After": self.retry_after} if self.retry_after else {}


class Faults:
    """The armed faults, in order; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._armed = []

    def arm(self, status=None, drop=False, body=None, content_type=None, delay_ms=0,
            method=None, count=1, retry_after=None):
        """Arm a fault for the next ``count`` ``/v1/`` requests (of ``method``)."""
        if status is None and not drop and not delay_ms:
            raise ValueError("a fault needs a status, drop or delay_ms")
        fault = Fault(status=status, drop=bool(drop), body=body, content_type=content_type,
                      delay_ms=delay_ms or 0, method=method.upper() if method else None,
                      count=int(count),
                      retry_after=None if retry_after is None else str(retry_after))
        with self._lock:
            self._armed.append(fault)

    def take(self, method):
        """The fault the next request of ``method`` meets (spending one of its count)."""
        with self._lock:
            for fault in self._armed:
                if fault.method in (None, method):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._armed.remove(fault)
                    return fault
        return None

    def clear(self):
        with self._lock:
            self._armed.clear()
