"""A local stand-in for tilbago, keeping the whole contract of docs/tilbago-api.md.

For tests, demos and training: ``python -m tilbago sandbox`` (or :class:`Sandbox` from
Python) serves the three endpoints under ``/v1/`` on loopback, with the stdlib's
``ThreadingHTTPServer``; it starts in a few milliseconds.

What it does, like tilbago:

* ``api_key`` header checked on every ``/v1/`` request: 401 ``{"message": ...}``;
* a balance per key (the number of cases it still accepts): 402 once it is spent;
* every field rule of the contract checked on ``PUT case`` (its own checks, independent
  of :mod:`tilbago.validation`, so a test catches the day our validation and the contract
  disagree): 400 with a ``message`` naming each field (``debtor.address.zip: ...``) and the
  same problems as a list in ``errors``; unknown keys are refused too, so a misspelt key
  of ours cannot go unnoticed;
* ``externalRef`` unique per key: a second case gets 400 ``externalRef: a case with
  externalRef "..." already exists``; claims' externalRefs are unique per key too;
* amounts must be JSON integers (Rappen); ``1256560.0`` or ``"1256560"`` get 400;
* a ``creditor`` gets 400: the contract accepts one only from an account filing as the
  representative of another creditor, and the addon files for itself (the creditor's
  fields are checked all the same);
* attachments: 500 when a ``Content-Type`` header is present (as tilbago does), 400 when
  the body is empty or ``Content-Disposition`` names no file, 413 above
  ``max_attachment_bytes`` (10 MB by default), 411 without ``Content-Length``;
* a JSON body ``{"message": ...}`` on every non-2xx answer;
* cases and attachment metadata (name, size, SHA-256, headers) persist across restarts in
  a JSON file (``data_path`` / ``--data``), written atomically (temp file + rename); the
  API key itself is never stored, only its SHA-256.

Statuses move like a real office's, not per refresh. A case sent with ``"status": "002"``
(the user's review, the manual's "Vérifier les données du débiteur") stays at ``002``
until the user releases it: ``python -m tilbago sandbox-advance CASE_ID``, ``POST
/_sandbox/cases/{id}/release`` or the button on the page ``/_sandbox/``. A case sent
without a status (or once released) is at SBX-100, submitted, and then moves one step
along a realistic path every ``step_seconds`` (default 300, five minutes; 0 or None =
only on demand); any step can be taken at once on demand (codes from
:mod:`tilbago.status`, the single table; the sandbox's own codes start with ``SBX-``):

* debtor entered in the commercial register (``isRegistered: true``), enforcement by
  bankruptcy (SchKG 39): 002 → SBX-100 submitted → SBX-200 payment order issued →
  SBX-210 served (20 days to pay, SchKG 69) → SBX-310 no opposition → SBX-400
  continuation requested → SBX-510 bankruptcy warning → SBX-900 paid, closed;
* anybody else, enforcement by seizure (SchKG 42): … SBX-400 → SBX-500 seizure carried
  out → SBX-600 certificate of loss issued.

SBX-300 (opposition raised) is reached on demand only; a case at a code off its path
(SBX-300, or one set with ``?to=``) stays there.

=========  ===================  =========  ==============================================
code       stage                eSchKG     description (English; French by Accept-Language)
=========  ===================  =========  ==============================================
002        review               null       Waiting for the user's review in tilbago
SBX-100    submitted            null       Debt collection request submitted to the office
SBX-200    payment_order        SBX-E200   Payment order issued (SchKG 69)
SBX-210    payment_order        SBX-E210   Payment order served: 20 days to pay (SchKG 69)
SBX-300    opposition           SBX-E300   Objection raised by the debtor (SchKG 74)
SBX-310    payment_order        SBX-E310   No objection within 10 days (SchKG 74)
SBX-400    continuation         SBX-E400   Request for continuation received (SchKG 88)
SBX-500    seizure              SBX-E500   Seizure carried out (SchKG 89-115)
SBX-510    continuation         SBX-E510   Bankruptcy warning served (SchKG 159-161)
SBX-600    certificate_of_loss  SBX-E600   Certificate of loss issued (SchKG 115, 149)
SBX-900    closed               SBX-E900   Claim paid to the office, case closed (SchKG 12)
=========  ===================  =========  ==============================================

Sandbox-only endpoints (no ``api_key``; they do not exist at tilbago):

* ``GET /_sandbox/`` — a page listing every case with its status and a button to release
  a case waiting for review or take its next step (for demos);
* ``POST /_sandbox/cases/{id}/advance[?to=CODE]`` — one step along the path, or to CODE
  (``/_sandbox/case/{id}/advance`` too);
* ``POST /_sandbox/cases/{id}/release`` — release a case waiting for the review (409 when
  it is not at 002);
* ``POST /_sandbox/reset`` — forget every case, restore the starting balance;
* ``POST /_sandbox/balance`` ``{"balance": N}`` (``api_key`` header chooses the key, else
  every key) — set the balance;
* ``GET /_sandbox/cases`` — every case with the exact JSON body received and its headers;
* ``GET /_sandbox/case/{id}/attachments`` — names, sizes, SHA-256, headers received;
* ``GET /_sandbox/requests`` — every ``/v1/`` request received (method, path, status);
* ``POST /_sandbox/fail-next`` — fault injection for the next ``/v1/`` request(s),
  e.g. ``{"status": 503, "method": "GET"}`` or ``{"drop": true}`` (:mod:`.faults`).

Headers received are stored without ``api_key``.

The package, one job per module: :mod:`.contract` (what a ``PUT case`` body must look
like), :mod:`.state` (keys, balances, cases, statuses over time, attachments: no socket,
usable alone in tests), :mod:`.faults` (fault injection), :mod:`.handler` (HTTP),
:mod:`.page` (the page ``/_sandbox/``) and :mod:`.server` (:class:`Sandbox`, all of
them in a background thread).
"""


# the status table is the one of tilbago.status (a test checks the sandbox uses it)
from .. import status as statuses
from .contract import MAX_CLAIMS, check_case_body
from .faults import Faults
from .server import DEFAULT_API_KEY, DEFAULT_MAX_ATTACHMENT_BYTES, Sandbox
from .state import (
    DEFAULT_BALANCE,
    DEFAULT_STEP_SECONDS,
    SandboxError,
    SandboxState,
    hash_key,
)

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_BALANCE",
    "DEFAULT_MAX_ATTACHMENT_BYTES",
    "DEFAULT_STEP_SECONDS",
    "MAX_CLAIMS",
    "Faults",
    "Sandbox",
    "SandboxError",
    "SandboxState",
    "check_case_body",
    "hash_key",
    "statuses",
]
