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
* ``POST /_sandbox/fail-next`` — fault injection for the next ``/v1/`` request(s):
  ``{"status": 503}`` answers that status without doing anything, optionally with
  ``"body"`` (raw text) and ``"content_type"``; ``{"drop": true}`` does the work (stores
  the case) then closes the connection without answering — the lost answer;
  ``"delay_ms"`` answers late; ``"method"`` limits it to GET or PUT; ``"count"`` (1);
  ``"retry_after"`` adds a ``Retry-After`` header (seconds or an HTTP date) to the answer.

Headers received are stored without ``api_key``.
"""

import datetime
import hashlib
import json
import logging
import os
import re
import tempfile
import threading
import time
import uuid
from email.message import Message
from email.utils import collapse_rfc2231_value
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

from stdnum import iban as stdnum_iban
from stdnum import iso11649
from stdnum.ch import esr, uid as stdnum_uid

from . import status as statuses
from .documents import MAX_ATTACHMENT_BYTES
from .validation import LANGUAGES, SEXES

_logger = logging.getLogger(__name__)

DEFAULT_API_KEY = "sandbox"
DEFAULT_BALANCE = 1000
#: seconds between two enforcement steps: a demo sees a case move within the hour, a
#: refresh right after sending sees nothing move (0/None: only on demand)
DEFAULT_STEP_SECONDS = 300.0
#: the one size limit of this package (see tilbago.documents for why 10 MB)
DEFAULT_MAX_ATTACHMENT_BYTES = MAX_ATTACHMENT_BYTES
MAX_CLAIMS = 10

_CASE_KEYS = {
    "externalRef", "certificateOfLoss", "responsiblePerson", "sourceRefKey",
    "sourceRefEmail", "payeeReference", "debtor", "creditor", "claim",
    "subsidiaryClaims", "status",
}
_CLAIM_KEYS = {"externalRef", "amount", "reason", "interestDateFrom", "interestRate",
               "collocationClass"}
_ADDRESS_KEYS = {"street", "streetnumber", "zip", "pob", "city"}
_COMMON_PERSON_KEYS = {"externalRef", "preferredLanguage", "phone1", "phone2", "phone3",
                       "fax", "email", "address", "company"}
_NATURAL_KEYS = {"name", "surname", "sex", "dateOfBirth", "birthName", "title",
                 "nationality"}
_LEGAL_KEYS = {"nameAddon", "companyUid", "legalSeat", "contactPerson", "isRegistered"}
_CREDITOR_KEYS = {"tradeRegisterUrl", "iban"}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_PHONE = re.compile(r"^[0-9 /()+-]+$")
_UID = re.compile(r"^(CHE-\d{3}\.\d{3}\.\d{3}|CHE\d{9})$")
_ZIP = re.compile(r"^[1-9]\d{3}$")
_RATE = re.compile(r"^\d{1,2}(\.\d{1,5})?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ALPHA2 = re.compile(r"^[A-Za-z]{2}$")


def _hash_key(api_key):
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


# -- the contract's field rules --------------------------------------------------------


class _Checker:
    """Collects ``field: problem`` lines for one request body."""

    def __init__(self):
        self.errors = []

    def add(self, field, message):
        self.errors.append({"field": field, "message": "%s: %s" % (field, message)})

    @staticmethod
    def present(value):
        return value is not None

    def unknown_keys(self, obj, allowed, prefix):
        for key in sorted(set(obj) - allowed):
            self.add(prefix + key, "unknown field")

    def string(self, obj, key, prefix, required=False, max_length=None, pattern=None,
               pattern_hint=None):
        value = obj.get(key)
        field = prefix + key
        if value is None:
            if required:
                self.add(field, "is required")
            return None
        if not isinstance(value, str):
            self.add(field, "must be a string")
            return None
        if required and not value.strip():
            self.add(field, "is required")
            return None
        if max_length and len(value) > max_length:
            self.add(field, "is longer than %d characters" % max_length)
        if pattern is not None and value and not pattern.match(value):
            self.add(field, pattern_hint or "has an invalid format")
            return None
        return value

    def boolean(self, obj, key, prefix, required=False):
        value = obj.get(key)
        if value is None:
            if required:
                self.add(prefix + key, "is required (true or false)")
        elif not isinstance(value, bool):
            self.add(prefix + key, "must be true or false")
        return value

    def obj(self, parent, key, prefix, required=False):
        value = parent.get(key)
        if value is None:
            if required:
                self.add(prefix + key, "is required")
            return None
        if not isinstance(value, dict):
            self.add(prefix + key, "must be an object")
            return None
        return value


def _valid_date(text, fmt):
    try:
        datetime.datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def check_case_body(body):
    """Every problem of a ``PUT case`` body, as ``[{"field", "message"}]`` (contract rules)."""
    c = _Checker()
    if not isinstance(body, dict):
        c.add("body", "must be a JSON object")
        return c.errors
    c.unknown_keys(body, _CASE_KEYS, "")
    c.string(body, "externalRef", "", required=True)
    c.boolean(body, "certificateOfLoss", "", required=True)
    person = c.obj(body, "responsiblePerson", "")
    if person is not None:
        c.unknown_keys(person, {"email"}, "responsiblePerson.")
        c.string(person, "email", "responsiblePerson.", required=True, pattern=_EMAIL,
                 pattern_hint="is not a valid e-mail address")
    c.string(body, "sourceRefKey", "")
    c.string(body, "sourceRefEmail", "", pattern=_EMAIL,
             pattern_hint="is not a valid e-mail address")
    reference = c.string(body, "payeeReference", "")
    if reference:
        compact = reference.replace(" ", "")
        if not (esr.is_valid(compact) or iso11649.is_valid(compact)):
            c.add("payeeReference", "is neither a valid QR reference nor a valid "
                  "creditor reference (RF): the checksum does not hold")
    debtor = c.obj(body, "debtor", "", required=True)
    if debtor is not None:
        _check_person(c, debtor, "debtor.", creditor=False)
    creditor = c.obj(body, "creditor", "")
    if creditor is not None:
        _check_person(c, creditor, "creditor.", creditor=True)
    claim = c.obj(body, "claim", "", required=True)
    claims = [("claim.", claim, 640)] if claim is not None else []
    subsidiary = body.get("subsidiaryClaims")
    if subsidiary is not None:
        if not isinstance(subsidiary, list):
            c.add("subsidiaryClaims", "must be a list")
        else:
            if len(subsidiary) + 1 > MAX_CLAIMS:
                c.add("subsidiaryClaims", "a request carries at most %d claims in all, "
                      "this one has %d" % (MAX_CLAIMS, len(subsidiary) + 1))
            for index, item in enumerate(subsidiary):
                prefix = "subsidiaryClaims[%d]." % index
                if not isinstance(item, dict):
                    c.add(prefix.rstrip("."), "must be an object")
                else:
                    claims.append((prefix, item, 80))
    seen = {}
    for prefix, item, reason_length in claims:
        ref = _check_claim(c, item, prefix, reason_length)
        if ref is not None:
            if ref in seen:
                c.add(prefix + "externalRef", 'is used twice in this request (also %s)'
                      % (seen[ref] + "externalRef"))
            seen.setdefault(ref, prefix)
    status = body.get("status")
    if status is not None and (not isinstance(status, str) or status not in statuses.CODES):
        c.add("status", "unknown status %r (send \"002\" or nothing)" % (status,))
    return c.errors


def _check_claim(c, claim, prefix, reason_length):
    c.unknown_keys(claim, _CLAIM_KEYS, prefix)
    ref = c.string(claim, "externalRef", prefix, required=True)
    amount = claim.get("amount")
    if amount is None:
        c.add(prefix + "amount", "is required (an integer number of Rappen)")
    elif isinstance(amount, bool) or not isinstance(amount, int):
        c.add(prefix + "amount", "must be an integer number of Rappen (CHF 12'565.60 is "
              "1256560), got %s" % json.dumps(amount))
    elif amount <= 0:
        c.add(prefix + "amount", "must be more than 0")
    c.string(claim, "reason", prefix, required=True, max_length=reason_length)
    day = c.string(claim, "interestDateFrom", prefix, required=True, pattern=_ISO_DATE,
                   pattern_hint="must be a date YYYY-MM-DD")
    if day and not _valid_date(day, "%Y-%m-%d"):
        c.add(prefix + "interestDateFrom", "is not a valid date")
    c.string(claim, "interestRate", prefix, required=True, pattern=_RATE,
             pattern_hint="must be a decimal number from 0 to 99.99999 written with a "
                          "point, e.g. \"5.0\"")
    collocation = claim.get("collocationClass")
    if collocation is None:
        c.add(prefix + "collocationClass", "is required (\"1\", \"2\" or \"3\")")
    elif collocation not in ("1", "2", "3"):
        c.add(prefix + "collocationClass", "must be \"1\", \"2\" or \"3\"")
    return ref


def _check_person(c, person, prefix, creditor):
    legal = person.get("company") is not None
    allowed = _COMMON_PERSON_KEYS | (_LEGAL_KEYS if legal else _NATURAL_KEYS)
    if creditor:
        allowed |= _CREDITOR_KEYS
    for key in sorted(set(person) - allowed):
        if key in _NATURAL_KEYS | _LEGAL_KEYS and person[key] is not None:
            kind = "a legal person (company is set)" if legal else \
                "a natural person (no company)"
            c.add(prefix + key, "does not apply to %s" % kind)
        elif key not in _NATURAL_KEYS | _LEGAL_KEYS:
            c.add(prefix + key, "unknown field")
    c.string(person, "externalRef", prefix, required=True)
    if legal:
        c.string(person, "company", prefix, required=True)
        c.string(person, "nameAddon", prefix)
        uid = c.string(person, "companyUid", prefix, required=True, pattern=_UID,
                       pattern_hint="must be written CHE-XXX.XXX.XXX or CHEXXXXXXXXX")
        if uid and not stdnum_uid.is_valid(uid):
            c.add(prefix + "companyUid", "the check digit does not hold")
        c.string(person, "legalSeat", prefix, required=True)
        c.string(person, "contactPerson", prefix, required=True)
        c.boolean(person, "isRegistered", prefix, required=True)
    else:
        c.string(person, "name", prefix, required=True)
        c.string(person, "surname", prefix, required=True)
        sex = person.get("sex")
        if sex is not None and sex not in SEXES:
            c.add(prefix + "sex", "must be \"M\", \"F\" or \"U\"")
        birth = c.string(person, "dateOfBirth", prefix)
        if birth and not any(_valid_date(birth, fmt) and len(birth) == size for fmt, size
                             in (("%Y-%m-%d", 10), ("%d.%m.%Y", 10), ("%Y", 4))):
            c.add(prefix + "dateOfBirth", "must be yyyy-mm-dd, dd.mm.yyyy or yyyy")
        c.string(person, "birthName", prefix)
        c.string(person, "title", prefix)
        c.string(person, "nationality", prefix, pattern=_ALPHA2,
                 pattern_hint="must be a two-letter ISO 3166-1 country code")
    language = person.get("preferredLanguage")
    if language is not None and language not in LANGUAGES:
        c.add(prefix + "preferredLanguage", "must be \"de\", \"fr\" or \"it\"")
    for key in ("phone1", "phone2", "phone3", "fax"):
        phone = c.string(person, key, prefix, pattern=_PHONE,
                         pattern_hint="may hold only digits, spaces and / - + ( )")
        if phone and sum(ch.isdigit() for ch in phone) < 4:
            c.add(prefix + key, "has too few digits")
    c.string(person, "email", prefix, pattern=_EMAIL,
             pattern_hint="is not a valid e-mail address")
    address = c.obj(person, "address", prefix, required=True)
    if address is not None:
        aprefix = prefix + "address."
        c.unknown_keys(address, _ADDRESS_KEYS, aprefix)
        street = c.string(address, "street", aprefix)
        c.string(address, "streetnumber", aprefix)
        pob = c.string(address, "pob", aprefix)
        c.string(address, "zip", aprefix, required=True, pattern=_ZIP,
                 pattern_hint="must be a 4-digit Swiss postcode (NPA), e.g. \"1400\"")
        c.string(address, "city", aprefix, required=True)
        if not (street and street.strip()) and not (pob and pob.strip()):
            c.add(aprefix + "street", "is required (or a post-office box in pob)")
    if creditor:
        iban = c.string(person, "iban", prefix)
        if iban and not stdnum_iban.is_valid(iban):
            c.add(prefix + "iban", "is not a valid IBAN")
        c.string(person, "tradeRegisterUrl", prefix, pattern=re.compile(r"^https?://\S+$"),
                 pattern_hint="must be an http(s) URL")


# -- the server ------------------------------------------------------------------------


class _Answer(Exception):
    """Raised inside a handler to answer ``status`` with ``{"message": ...}``."""

    def __init__(self, status, message, extra=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra or {}


class Sandbox:
    """The sandbox server, in a background thread.

    :param api_key: the key (or an iterable of keys) it accepts
    :param data_path: JSON file to persist state in (None: memory only)
    :param balance: cases each key may still open (None: unlimited)
    :param step_seconds: seconds per enforcement step (0/None: only on demand)
    :param latency_ms: extra delay before every ``/v1/`` answer (benchmarks, timeouts)
    :param representative: whether the account files as representative (``creditor``)
    :param clock: time source, for tests
    """

    def __init__(self, host="127.0.0.1", port=0, api_key=DEFAULT_API_KEY, data_path=None,
                 balance=DEFAULT_BALANCE, step_seconds=DEFAULT_STEP_SECONDS, latency_ms=0,
                 max_attachment_bytes=DEFAULT_MAX_ATTACHMENT_BYTES, representative=False,
                 clock=time.time):
        keys = [api_key] if isinstance(api_key, str) else list(api_key)
        if not keys or not all(isinstance(k, str) and k for k in keys):
            raise ValueError("the sandbox needs at least one non-empty api_key")
        self.host = host
        self.port = port
        self._key_hashes = {_hash_key(k) for k in keys}
        self.data_path = data_path
        self.initial_balance = balance
        self.step_seconds = step_seconds
        self.latency_ms = latency_ms
        self.max_attachment_bytes = max_attachment_bytes
        self.representative = representative
        self.clock = clock
        self._lock = threading.RLock()
        self._faults = []
        self._requests = []
        self._server = None
        self._thread = None
        self._state = self._empty_state()
        self._load()

    # -- lifecycle --

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        """Listen and serve in a daemon thread; return self."""
        handler = type("SandboxHandler", (_Handler,), {"sandbox": self})
        self._server = _Server((self.host, self.port), handler)
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

    # -- state --

    def _empty_state(self):
        return {"version": 1, "balances": {}, "cases": {}}

    def _load(self):
        if not self.data_path or not os.path.exists(self.data_path):
            return
        with open(self.data_path, encoding="utf-8") as handle:
            state = json.load(handle)
        if not isinstance(state, dict) or not isinstance(state.get("cases"), dict):
            raise ValueError("%s is not a sandbox data file" % self.data_path)
        state.setdefault("balances", {})
        self._state = state

    def _save(self):
        if not self.data_path:
            return
        directory = os.path.dirname(os.path.abspath(self.data_path))
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".sandbox-", suffix=".json", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._state, handle, ensure_ascii=False, indent=1)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.data_path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def _balance(self, key_hash):
        balances = self._state["balances"]
        if key_hash not in balances:
            balances[key_hash] = self.initial_balance
        return balances[key_hash]

    def balance(self, api_key=None):
        """Cases the key (default: the first key) may still open; None = unlimited."""
        with self._lock:
            key_hash = _hash_key(api_key) if api_key else sorted(self._key_hashes)[0]
            return self._balance(key_hash)

    def set_balance(self, balance, api_key=None):
        """Set the balance of one key, or of every key."""
        with self._lock:
            hashes = [_hash_key(api_key)] if api_key else list(self._key_hashes)
            for key_hash in hashes:
                self._state["balances"][key_hash] = balance
            self._save()

    def reset(self):
        """Forget every case, restore the starting balance, clear faults and the log."""
        with self._lock:
            self._state = self._empty_state()
            self._faults.clear()
            self._requests.clear()
            self._save()

    def fail_next(self, status=None, drop=False, body=None, content_type=None,
                  delay_ms=0, method=None, count=1, retry_after=None):
        """Inject a fault into the next ``count`` ``/v1/`` requests (see module doc)."""
        fault = {"status": status, "drop": bool(drop), "body": body,
                 "content_type": content_type, "delay_ms": delay_ms or 0,
                 "method": method.upper() if method else None, "count": int(count),
                 "retry_after": None if retry_after is None else str(retry_after)}
        if status is None and not drop and not delay_ms:
            raise ValueError("a fault needs a status, drop or delay_ms")
        with self._lock:
            self._faults.append(fault)

    def _take_fault(self, method):
        with self._lock:
            for fault in self._faults:
                if fault["method"] in (None, method):
                    fault["count"] -= 1
                    if fault["count"] <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def cases(self):
        """Every case (current status computed), as sandbox-only JSON-able dicts."""
        with self._lock:
            changed = [self._progress(case) for case in self._state["cases"].values()]
            if any(changed):
                self._save()
            return json.loads(json.dumps(list(self._state["cases"].values())))

    def page(self):
        """The HTML page ``GET /_sandbox/``: every case, and what can be done with it."""
        options = "".join('<option value="%s">%s %s</option>' % (
            escape(code), escape(code), escape(entry.description_en))
            for code, entry in statuses.CODES.items())
        rows = []
        for case in sorted(self.cases(), key=lambda c: c["createdAt"], reverse=True):
            debtor = case["body"].get("debtor") or {}
            name = debtor.get("company") or " ".join(
                filter(None, (debtor.get("name"), debtor.get("surname"))))
            code = case["statusCode"]
            path = case["path"]
            action = "/_sandbox/cases/%s/%%s?page=1" % quote(case["caseId"], safe="")
            if code == statuses.REVIEW:
                button = "release", "Release the review: submit to the office"
            elif code in path and path.index(code) < len(path) - 1:
                button = "advance", "Next step: %s" % path[path.index(code) + 1]
            else:
                button = None
            buttons = ('<form method="post" action="%s"><button>%s</button></form>'
                       % (escape(action % button[0]), escape(button[1]))) if button else ""
            buttons += ('<form method="post" action="%s"><select name="to">%s</select>'
                        '<button>Go</button></form>' % (escape(action % "advance"), options))
            rows.append("<tr><td>%s</td><td>%s</td><td><code>%s</code></td><td><b>%s</b> "
                        "%s</td><td>%s</td></tr>" % (
                            escape(case["externalRef"]), escape(name),
                            escape(case["caseId"]), escape(code),
                            escape(statuses.describe(code) or ""), buttons))
        step = ("one step every %g seconds" % self.step_seconds) if self.step_seconds \
            else "steps only on demand"
        return (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>tilbago sandbox</title>'
            "<style>body{font-family:sans-serif;margin:2em}td,th{border-bottom:1px solid #ccc;"
            "padding:.4em;text-align:left;vertical-align:top}form{display:inline-block;"
            "margin:0 .3em .3em 0}</style></head><body><h1>tilbago sandbox</h1>"
            "<p>Not tilbago: a local stand-in. Cases sent for review wait here until "
            "released; the others move %s.</p><table><tr><th>External reference</th>"
            "<th>Debtor</th><th>Case ID</th><th>Status</th><th></th></tr>%s</table>"
            "</body></html>" % (escape(step), "".join(rows) or
                                '<tr><td colspan="5">No case yet.</td></tr>'))

    def case(self, case_id):
        for case in self.cases():
            if case["caseId"] == case_id:
                return case
        return None

    @property
    def requests(self):
        """Every ``/v1/`` request received: ``{"method", "path", "status"}``."""
        with self._lock:
            return [dict(r) for r in self._requests]

    def _progress(self, case):
        """Move ``case`` along its path by elapsed time; True when it moved."""
        step = self.step_seconds
        path = case["path"]
        if not step or step <= 0 or case["statusCode"] not in path:
            return False
        if case["statusCode"] == statuses.REVIEW:
            return False  # waits for the user's review, however long it takes
        index = path.index(case["statusCode"])
        if index >= len(path) - 1:
            return False
        steps = int((self.clock() - case["statusSince"]) // step)
        if steps <= 0:
            return False
        moved = min(steps, len(path) - 1 - index)
        for n in range(1, moved + 1):
            at = case["statusSince"] + step
            case["statusSince"] = at
            case["statusCode"] = path[index + n]
            case["history"].append({"statusCode": path[index + n], "at": at})
        return True

    def advance(self, case_id, to=None):
        """Move a case one step along its path, or to the code ``to``; return its status.

        Raises KeyError for an unknown case, ValueError for an unknown code or a case
        already at the end of its path.
        """
        with self._lock:
            case = self._state["cases"].get(case_id)
            if case is None:
                raise KeyError(case_id)
            self._progress(case)
            if to is not None:
                if to not in statuses.CODES:
                    raise ValueError("unknown status code %r" % to)
                target = to
            else:
                path = case["path"]
                if case["statusCode"] not in path:
                    raise ValueError("case is at %s, off its path: give ?to=CODE"
                                     % case["statusCode"])
                index = path.index(case["statusCode"])
                if index >= len(path) - 1:
                    raise ValueError("case is already at the last step (%s)"
                                     % case["statusCode"])
                target = path[index + 1]
            now = self.clock()
            case["statusCode"] = target
            case["statusSince"] = now
            case["history"].append({"statusCode": target, "at": now})
            self._save()
            return self.status_answer(case)

    def release(self, case_id):
        """The user's review done: a case at 002 goes to the office (SBX-100).

        Raises KeyError for an unknown case, ValueError when it is not waiting for review.
        """
        with self._lock:
            case = self._state["cases"].get(case_id)
            if case is None:
                raise KeyError(case_id)
            if case["statusCode"] != statuses.REVIEW:
                raise ValueError("case is at %s, not waiting for review (002)"
                                 % case["statusCode"])
        return self.advance(case_id, statuses.SUBMITTED)

    @staticmethod
    def status_answer(case, lang="en"):
        entry = statuses.CODES[case["statusCode"]]
        return {"statusCode": entry.code,
                "description": statuses.describe(entry.code, lang),
                "eSchKGCode": entry.eschkg_code}

    # -- the API, called by the handler under no lock --

    def api_create_case(self, key_hash, body, headers):
        errors = check_case_body(body)
        with self._lock:
            if isinstance(body, dict) and isinstance(body.get("externalRef"), str):
                for case in self._state["cases"].values():
                    if case["owner"] == key_hash and case["externalRef"] == body["externalRef"]:
                        errors.insert(0, {
                            "field": "externalRef",
                            "message": 'externalRef: a case with externalRef "%s" already '
                                       'exists' % body["externalRef"]})
                        break
                claim_refs = {ref for case in self._state["cases"].values()
                              if case["owner"] == key_hash for ref in case["claimRefs"]}
                for prefix, claim in _claims(body):
                    ref = claim.get("externalRef")
                    if isinstance(ref, str) and ref in claim_refs:
                        errors.append({"field": prefix + "externalRef",
                                       "message": '%sexternalRef: a claim with externalRef '
                                       '"%s" already exists' % (prefix, ref)})
            if isinstance(body, dict) and body.get("creditor") is not None \
                    and not self.representative:
                errors.append({"field": "creditor", "message": "creditor: this account "
                               "does not file as representative of another creditor"})
            if errors:
                raise _Answer(400, "; ".join(e["message"] for e in errors),
                              {"errors": errors})
            balance = self._balance(key_hash)
            if balance is not None and balance <= 0:
                raise _Answer(402, "insufficient account balance: no case can be opened")
            if balance is not None:
                self._state["balances"][key_hash] = balance - 1
            debtor = body["debtor"]
            registered = debtor.get("company") is not None and debtor.get("isRegistered")
            path = statuses.BANKRUPTCY_PATH if registered else statuses.SEIZURE_PATH
            # without "002" tilbago submits the request at once
            start = body.get("status") or statuses.SUBMITTED
            now = self.clock()
            case_id = str(uuid.uuid4())
            self._state["cases"][case_id] = {
                "caseId": case_id,
                "owner": key_hash,
                "externalRef": body["externalRef"],
                "claimRefs": [claim["externalRef"] for _, claim in _claims(body)],
                "body": body,
                "headers": headers,
                "createdAt": now,
                "path": list(path),
                "statusCode": start,
                "statusSince": now,
                "history": [{"statusCode": start, "at": now}],
                "attachments": [],
            }
            self._save()
            return {"caseId": case_id}

    def _owned_case(self, key_hash, case_id):
        case = self._state["cases"].get(case_id)
        if case is None or case["owner"] != key_hash:
            raise _Answer(404, "case %s not found" % case_id)
        return case

    def api_status(self, key_hash, case_id, lang):
        with self._lock:
            case = self._owned_case(key_hash, case_id)
            if self._progress(case):
                self._save()
            return self.status_answer(case, lang)

    def api_add_attachment(self, key_hash, case_id, filename, content, headers):
        with self._lock:
            case = self._owned_case(key_hash, case_id)
            attachment = {
                "attachmentId": str(uuid.uuid4()),
                "filename": filename,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
                "headers": headers,
                "receivedAt": self.clock(),
            }
            case["attachments"].append(attachment)
            self._save()
            return {"attachmentId": attachment["attachmentId"]}


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
            try:
                extended = collapse_rfc2231_value(value)
            except LookupError:
                pass
        else:
            plain = value
    return extended or plain or None


def _claims(body):
    claims = []
    if isinstance(body.get("claim"), dict):
        claims.append(("claim.", body["claim"]))
    if isinstance(body.get("subsidiaryClaims"), list):
        claims.extend(("subsidiaryClaims[%d]." % i, c)
                      for i, c in enumerate(body["subsidiaryClaims"]) if isinstance(c, dict))
    return claims


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that hung up (timeout, test) is no error worth a traceback."""
        _logger.debug("sandbox: connection from %s ended abruptly", client_address,
                      exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tilbago-sandbox/1"
    # headers and body leave in two writes: without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK add ~40 ms to every keep-alive answer
    disable_nagle_algorithm = True
    sandbox = None  # set on the subclass by Sandbox.start

    def log_message(self, format, *args):  # noqa: A002 (stdlib signature)
        _logger.debug("sandbox: " + format, *args)

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
        try:
            self._send_json(code, {"message": message or self.responses.get(code, ("",))[0]})
        except OSError:
            pass

    def _headers_received(self):
        return {k: v for k, v in self.headers.items() if k.lower() != "api_key"}

    def _read_body(self, limit=None):
        if self._body_read:
            return self._body
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise _Answer(411, "send the body with a Content-Length header")
        length = self.headers.get("Content-Length")
        try:
            length = int(length) if length is not None else 0
        except ValueError:
            self.close_connection = True
            raise _Answer(400, "Content-Length is not a number") from None
        if limit is not None and length > limit:
            self.close_connection = True  # the body stays unread
            raise _Answer(413, "file: larger than the %d bytes allowed" % limit)
        self._body = self.rfile.read(length) if length else b""
        self._body_read = True
        return self._body

    def _read_json(self):
        raw = self._read_body()
        if not raw:
            raise _Answer(400, "body: empty, a JSON object is expected")
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise _Answer(400, "body: not valid UTF-8 JSON (%s)" % exc) from None

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
            except _Answer as answer:
                self._send_json(answer.status, {"message": answer.message, **answer.extra})
            return
        if not path.startswith("/v1/"):
            self._send_json(404, {"message": "no such endpoint: %s (the API is under /v1/)"
                                  % path})
            return
        self._api(method, path[len("/v1/"):])

    def _api(self, method, path):
        sandbox = self.sandbox
        record = {"method": method, "path": "/v1/" + path, "status": None}
        with sandbox._lock:
            sandbox._requests.append(record)
        fault = sandbox._take_fault(method)
        if fault and fault["status"] is not None:
            self._read_body()
            if fault["delay_ms"]:
                time.sleep(fault["delay_ms"] / 1000)
            record["status"] = fault["status"]
            self._send_fault(fault)
            return
        try:
            status, payload = 200, self._api_answer(method, path)
        except _Answer as answer:
            status, payload = answer.status, {"message": answer.message, **answer.extra}
        except Exception:  # noqa: BLE001 (a stand-in answers 500 like a real server)
            _logger.exception("sandbox: internal error")
            status, payload = 500, {"message": "internal sandbox error"}
        delay = (sandbox.latency_ms or 0) + (fault["delay_ms"] if fault else 0)
        if delay:
            time.sleep(delay / 1000)
        if fault and fault["drop"]:
            record["status"] = "dropped"
            self.close_connection = True
            return
        record["status"] = status
        self._send_json(status, payload)

    def _send_fault(self, fault):
        headers = {"Retry-After": fault["retry_after"]} if fault["retry_after"] else {}
        if fault["body"] is None:
            self._send_json(fault["status"], {"message": "injected fault %s" % fault["status"]},
                            headers)
            return
        data = str(fault["body"]).encode("utf-8")
        self.send_response(fault["status"])
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", fault["content_type"] or "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _api_answer(self, method, path):
        sandbox = self.sandbox
        key = self.headers.get("api_key")
        key_hash = _hash_key(key) if key else None
        if key_hash not in sandbox._key_hashes:
            self._read_body()
            raise _Answer(401, "invalid or missing api_key")
        segments = [unquote(s) for s in path.split("/")]
        if segments == ["case"]:
            if method != "PUT":
                raise _Answer(405, "use PUT to open a case")
            return sandbox.api_create_case(key_hash, self._read_json(),
                                           self._headers_received())
        if len(segments) == 3 and segments[0] == "case" and segments[1]:
            case_id, action = segments[1], segments[2]
            if action == "status":
                if method != "GET":
                    raise _Answer(405, "use GET to read a status")
                return sandbox.api_status(key_hash, case_id,
                                          self.headers.get("Accept-Language", "en"))
            if action == "attachment":
                if method != "PUT":
                    raise _Answer(405, "use PUT to add an attachment")
                return self._attachment(key_hash, case_id)
        self._read_body()
        raise _Answer(404, "no such endpoint: %s %s" % (method, "/v1/" + path))

    def _attachment(self, key_hash, case_id):
        sandbox = self.sandbox
        with sandbox._lock:
            sandbox._owned_case(key_hash, case_id)
        if self.headers.get("Content-Type") is not None:
            self._read_body(sandbox.max_attachment_bytes)
            # what tilbago does (client-observed): a Content-Type header gets a 500
            raise _Answer(500, "An unexpected error occurred (the sandbox answers 500 to "
                               "an attachment sent with a Content-Type header, as tilbago "
                               "does)")
        content = self._read_body(sandbox.max_attachment_bytes)
        filename = _disposition_filename(self.headers.get("Content-Disposition"))
        if not filename:
            raise _Answer(400, "Content-Disposition: send 'attachment; filename=\"...\"'")
        if not content:
            raise _Answer(400, "file: the attachment is empty")
        return sandbox.api_add_attachment(key_hash, case_id, filename, content,
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
                raise _Answer(400, "balance: an integer or null is expected")
            sandbox.set_balance(balance, self.headers.get("api_key"))
            return self._send_json(200, {"balance": balance})
        if method == "POST" and segments == ["fail-next"]:
            payload = self._read_json()
            if not isinstance(payload, dict):
                raise _Answer(400, "body: a JSON object is expected")
            try:
                sandbox.fail_next(payload.get("status"), payload.get("drop", False),
                                  payload.get("body"), payload.get("content_type"),
                                  payload.get("delay_ms", 0), payload.get("method"),
                                  payload.get("count", 1), payload.get("retry_after"))
            except (TypeError, ValueError) as exc:
                raise _Answer(400, str(exc)) from None
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
                    raise _Answer(404, "case %s not found" % case_id) from None
                except ValueError as exc:
                    raise _Answer(409 if to is None else 400, str(exc)) from None
                if "page" in query:  # the page's buttons: back to the page
                    return self._redirect("/_sandbox/")
                return self._send_json(200, answer)
            if method == "GET" and action == "attachments":
                case = sandbox.case(case_id)
                if case is None:
                    raise _Answer(404, "case %s not found" % case_id)
                return self._send_json(200, {"attachments": case["attachments"]})
        self._read_body()
        raise _Answer(404, "no such sandbox endpoint: %s /_sandbox/%s" % (method, path))
