"""HTTP client of the tilbago Easy-API (see docs/tilbago-api.md).

One :class:`requests.Session` per client, the ``api_key`` header on every request, a
timeout on every call, and every failure turned into an exception of
:mod:`tilbago.exceptions` the Odoo layer can act on:

=========================================  =============================================
what happened                              exception
=========================================  =============================================
401                                        :class:`AuthenticationError`
402                                        :class:`InsufficientBalance`
4xx saying the externalRef is already used :class:`DuplicateReference` (a :class:`Rejected`)
other 4xx                                  :class:`Rejected` (carrying tilbago's message)
5xx                                        :class:`ServerError`
timeout, refused, DNS, TLS, connection lost :class:`TransportError`
not the documented JSON, a redirect        :class:`ProtocolError`
=========================================  =============================================

Retries: only ``GET`` (reading a status) is retried, with exponential backoff, by urllib3's
``Retry`` mounted on the session's adapters (connection and read errors, 502/503/504).
``PUT case`` is **never** retried automatically, not even after a refused connection: a
lost answer must not create a second case. The caller retries by sending the same
``externalRef`` again; tilbago then either creates the case or refuses it as a duplicate
(:class:`DuplicateReference`), never two cases. ``PUT attachment`` is not retried either.

Redirects are not followed: requests would forward the custom ``api_key`` header to
whatever host a redirect names.

The API key never appears in an exception, a log line or a ``repr``.
"""

import datetime
import email.utils
import json
import logging
import posixpath
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import exceptions as urllib3_exceptions
from urllib3.util.retry import Retry

from .exceptions import (
    AuthenticationError,
    DuplicateReference,
    InsufficientBalance,
    ProtocolError,
    Rejected,
    ServerError,
    TransportError,
)
from .status import classify

_logger = logging.getLogger(__name__)

PRODUCTION_URL = "https://api.tilbago.ch/v1/"
DEFAULT_TIMEOUT = (5, 30)
DEFAULT_USER_AGENT = "l10n_ch_tilbago (Odoo 18; python-requests)"
#: the case id :meth:`TilbagoClient.check_connection` asks for; no case can have it
PROBE_CASE_ID = "l10n-ch-tilbago-connection-check-00000000"

__all__ = [
    "CaseStatus",
    "TilbagoClient",
    "case_path",
    "content_disposition",
    "is_duplicate_reference",
    "sandbox_url",
    "PRODUCTION_URL",
]


# -- the URLs: every address of a case is built here ------------------------------------

def case_path(case_id, action=None):
    """The path of a case below the API's base URL: ``case/{id}`` or ``case/{id}/{action}``.

    The id is one path segment, whatever it holds (``/``, ``?``, spaces are escaped).
    """
    value = str(case_id if case_id is not None else "").strip()
    if not value:
        raise ValueError("the tilbago case id is missing")
    path = "case/%s" % quote(value, safe="")
    return "%s/%s" % (path, action) if action else path


def sandbox_url(base_url, path=""):
    """The address of the local sandbox's own page ``path`` (``tilbago.sandbox``), for
    the API it serves at ``base_url``; None when ``base_url`` does not end in ``/v1/``.

    The sandbox serves its pages under ``/_sandbox/``, beside the API under ``/v1/``.
    """
    root = (base_url or "").strip().rstrip("/")
    if not root.endswith("/v1"):
        return None
    return root[: -len("v1")] + "_sandbox/" + path


@dataclass(frozen=True)
class CaseStatus:
    """The answer of ``GET case/{id}/status``.

    ``status_code`` is tilbago's own code, ``description`` its human readable text (show
    it verbatim), ``eschkg_code`` the code of the office's last eSchKG message or None.
    """

    status_code: str
    description: str
    eschkg_code: str | None = None

    @property
    def stage(self):
        """The stage of :mod:`tilbago.status` the code belongs to, None when unknown."""
        return classify(self.status_code)

    def to_wire(self):
        """The status as tilbago sent it (camelCase keys)."""
        return {
            "statusCode": self.status_code,
            "description": self.description,
            "eSchKGCode": self.eschkg_code,
        }


class _IdempotentOnlyRetry(Retry):
    """A ``Retry`` that gives a method outside ``allowed_methods`` no second try at all.

    urllib3 retries connection errors whatever the method; this class does not, so a
    ``PUT`` is sent exactly once.
    """

    def increment(self, method=None, url=None, *args, **kwargs):
        if method is None or method.upper() not in (self.allowed_methods or ()):
            # requests' own default: no retry, read errors raised as they are
            return Retry(0, read=False).increment(method, url, *args, **kwargs)
        return super().increment(method, url, *args, **kwargs)


_DUPLICATE_WORDS = re.compile(
    r"already|exist|duplicate|unique|in use|bereits|existiert|vergeben|déjà|deja|esiste|già",
    re.IGNORECASE,
)
_EXTERNAL_REF = re.compile(r"external\s*_?ref", re.IGNORECASE)


def is_duplicate_reference(status, message):
    """Heuristic: does this 4xx answer to ``PUT case`` say the externalRef is taken?

    tilbago documents no error code for it, only a free-text ``message``. The answer is
    taken for a duplicate when the status is 409 (Conflict), or when it is another 4xx
    (not 401/402) whose message names ``externalRef`` together with a word like
    "already", "exists", "duplicate", "unique" (or German/French/Italian equivalents).
    A message about a *claim's* externalRef matches too: on a retry it means the same
    thing, the claims (so the case) were already received.
    """
    if status == 409:
        return True
    if not (400 <= status < 500) or status in (401, 402):
        return False
    message = message or ""
    return bool(_EXTERNAL_REF.search(message) and _DUPLICATE_WORDS.search(message))


def _ascii_fallback(filename):
    """An ASCII-only stand-in for ``filename`` (accents dropped, the rest replaced)."""
    decomposed = unicodedata.normalize("NFKD", filename)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_name = "".join(c if 0x20 <= ord(c) < 0x7F else "_" for c in stripped)
    return ascii_name.strip() or "attachment"


def content_disposition(filename):
    """The ``Content-Disposition`` header value for an attachment named ``filename``.

    RFC 6266: ``attachment; filename="<name>"`` for an ASCII name; for any other name an
    ASCII fallback in ``filename`` plus the exact name in ``filename*=UTF-8''...``
    (RFC 5987 percent-encoding). Directory parts and control characters (a header
    injection) are removed; quotes and backslashes are escaped.
    """
    name = str(filename).replace("\\", "/")
    name = posixpath.basename(name)
    name = "".join(c for c in name if unicodedata.category(c) != "Cc").strip()
    if not name or name in (".", ".."):
        raise ValueError("attachment file name is empty")

    def quoted(value):
        return '"%s"' % value.replace("\\", "\\\\").replace('"', '\\"')

    if name.isascii():
        return "attachment; filename=%s" % quoted(name)
    encoded = quote(name, safe="!#$&+-.^_`|~")
    return "attachment; filename=%s; filename*=UTF-8''%s" % (
        quoted(_ascii_fallback(name)), encoded)


class TilbagoClient:
    """Client of the tilbago Easy-API.

    :param base_url: e.g. :data:`PRODUCTION_URL`; a missing final ``/`` is added
    :param api_key: the key generated in tilbago (never shown by this object)
    :param timeout: ``(connect, read)`` seconds, or one number, for every call
    :param retries: how many times a ``GET`` is tried again (0 = never)
    :param backoff_factor: urllib3's exponential backoff between GET retries
    :param session: a :class:`requests.Session` to use instead of a new one
    """

    def __init__(self, base_url, api_key, timeout=DEFAULT_TIMEOUT, retries=3,
                 session=None, user_agent=DEFAULT_USER_AGENT, backoff_factor=0.5):
        if not base_url or not isinstance(base_url, str):
            raise ValueError("the tilbago base URL is missing")
        parts = urlsplit(base_url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("the tilbago base URL must start with https:// (or http://)")
        if not api_key or not isinstance(api_key, str):
            raise ValueError("the tilbago API key is missing")
        self.base_url = base_url.strip().rstrip("/") + "/"
        self.timeout = timeout
        self.__api_key = api_key
        self._settings = {"timeout": timeout, "retries": retries, "user_agent": user_agent,
                          "backoff_factor": backoff_factor}
        self.session = session if session is not None else requests.Session()
        retry = _IdempotentOnlyRetry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            other=0,
            redirect=0,
            backoff_factor=backoff_factor,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET"}),
            raise_on_status=False,
            respect_retry_after_header=True,
        )
        adapter = HTTPAdapter(max_retries=retry)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers.update({
            "api_key": api_key,
            "Accept": "application/json",
            "User-Agent": user_agent,
        })

    def __repr__(self):
        return "TilbagoClient(base_url=%r, api_key='***')" % self.base_url

    def clone(self):
        """A client with the same URL, key and settings, and an HTTP session of its own.

        For :func:`tilbago.sync.read_statuses`: a ``requests.Session`` is not meant to
        be shared between threads, so each worker gets a clone.
        """
        return type(self)(self.base_url, self.__api_key, **self._settings)

    def close(self):
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- endpoints ----------------------------------------------------------------

    def create_case(self, case):
        """Open a case (``PUT case``); return tilbago's ``caseId``.

        ``case`` is a :class:`tilbago.payload.Case` (checked with
        :func:`tilbago.validation.check_case` first: nothing is sent when it breaks a
        rule, :class:`~tilbago.exceptions.InvalidPayload` lists every problem) or a wire
        dict, sent as it is. Never retried: see the module docstring.
        """
        if isinstance(case, dict):
            body = case
        elif not hasattr(case, "to_wire"):
            raise TypeError("create_case needs a tilbago.payload.Case or a wire dict")
        else:
            from .validation import check_case  # noqa: PLC0415 (optional dependency)

            check_case(case)
            body = case.to_wire()
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        response = self._request(
            "PUT", "case", data=data,
            headers={"Content-Type": "application/json; charset=utf-8"},
            duplicate_check=True,
        )
        return self._string_field(response, "caseId")

    def get_status(self, case_id):
        """Where case ``case_id`` stands (``GET case/{id}/status``) as a :class:`CaseStatus`."""
        response = self._request("GET", case_path(case_id, "status"))
        payload = self._json(response)
        code = payload.get("statusCode")
        description = payload.get("description", "")
        eschkg = payload.get("eSchKGCode")
        if isinstance(code, int) and not isinstance(code, bool):
            code = str(code)
        if not isinstance(code, str) or not code:
            raise ProtocolError("tilbago's status answer has no statusCode")
        if description is None:
            description = ""
        if not isinstance(description, str):
            raise ProtocolError("tilbago's status answer has a description that is not text")
        if eschkg is not None and not isinstance(eschkg, str):
            eschkg = str(eschkg)
        return CaseStatus(code, description, eschkg or None)

    def add_attachment(self, case_id, filename, content):
        """Add a document to a case (``PUT case/{id}/attachment``); return its attachmentId.

        The bytes travel as the raw body with ``Content-Disposition`` (see
        :func:`content_disposition`) and **no** ``Content-Type`` header: tilbago answers
        500 when one is present. Not retried.
        """
        if isinstance(content, str):
            raise TypeError("attachment content must be bytes")
        content = bytes(content)
        response = self._request(
            "PUT", case_path(case_id, "attachment"), data=content,
            # None removes the header: requests never adds one for a bytes body
            headers={"Content-Disposition": content_disposition(filename),
                     "Content-Type": None},
        )
        return self._string_field(response, "attachmentId")

    def check_connection(self):
        """Check the base URL and the API key without creating anything.

        tilbago has no "who am I" endpoint, so this asks for the status of a case id no
        case can have (:data:`PROBE_CASE_ID`). tilbago checks the key before it looks
        for the case: 401 means the key is refused (returns False); any other 4xx answer
        (404 not found, 400 bad id, 402 balance spent) means the key was accepted
        (returns True), and so does a 200. A 5xx, a transport failure or an answer that
        is not JSON raise as for any call.
        """
        try:
            self._request("GET", case_path(PROBE_CASE_ID, "status"))
        except AuthenticationError:
            return False
        except (Rejected, InsufficientBalance):
            return True
        return True

    # -- plumbing -----------------------------------------------------------------

    def _clean(self, text):
        """``text`` without the API key in it, in any letter case (a server might echo it)."""
        return re.sub(re.escape(self.__api_key), "***", str(text), flags=re.IGNORECASE)

    def _request(self, method, path, duplicate_check=False, **kwargs):
        url = self.base_url + path
        try:
            response = self.session.request(
                method, url, timeout=self.timeout, allow_redirects=False, **kwargs)
        except requests.exceptions.Timeout:
            error = TransportError("tilbago did not answer in time (%s %s)" % (method, url),
                                   TransportError.TIMEOUT)
        except requests.exceptions.SSLError:
            error = TransportError("secure connection to tilbago failed (%s)" % url,
                                   TransportError.TLS)
        except requests.exceptions.ConnectionError as exc:
            reason = getattr(exc.args[0] if exc.args else None, "reason", None)
            if isinstance(reason, urllib3_exceptions.TimeoutError) and not isinstance(
                    reason, urllib3_exceptions.NewConnectionError):
                # a timeout after GET retries arrives as a ConnectionError (urllib3's
                # NewConnectionError, a refused connection, subclasses its TimeoutError)
                error = TransportError("tilbago did not answer in time (%s %s)"
                                       % (method, url), TransportError.TIMEOUT)
            else:
                error = TransportError("could not reach tilbago at %s (%s)"
                                       % (url, self._clean(_reason(exc))))
        except requests.exceptions.RequestException as exc:
            error = TransportError("request to tilbago failed (%s: %s)"
                                   % (type(exc).__name__, url), TransportError.FAILED)
        else:
            error = None
        if error is not None:
            _logger.info("tilbago %s %s: %s", method, url, error)
            raise error from None
        _logger.debug("tilbago %s %s -> %s", method, url, response.status_code)
        if 200 <= response.status_code < 300:
            return response
        if 300 <= response.status_code < 400:
            raise ProtocolError("tilbago answered a redirect (%s) to %s %s"
                                % (response.status_code, method, url))
        raise self._error(response, duplicate_check)

    def _error(self, response, duplicate_check):
        status = response.status_code
        message = None
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict) and body.get("message") is not None:
            message = str(body["message"])
        if not message:
            text = (response.text or "").strip()
            message = text[:300] if text else (response.reason or "no message")
        message = self._clean(message)
        # tilbago's message may quote debtor data: the status code only at INFO
        _logger.info("tilbago refused %s %s: HTTP %s", response.request.method,
                     self._clean(response.url), status)
        _logger.debug("tilbago's message for HTTP %s: %s", status, message)
        if status == 401:
            return AuthenticationError(status, message)
        if status == 402:
            return InsufficientBalance(status, message)
        if 400 <= status < 500:
            if duplicate_check and is_duplicate_reference(status, message):
                return DuplicateReference(status, message)
            error = Rejected(status, message)
        else:
            error = ServerError(status, message)
        # 429 / 503: how long tilbago asks us to wait (tilbago.sync honours it)
        error.retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        return error

    def _json(self, response):
        try:
            payload = response.json()
        except ValueError:
            raise ProtocolError("tilbago's answer to %s is not JSON"
                                % response.request.method) from None
        if not isinstance(payload, dict):
            raise ProtocolError("tilbago's answer is not a JSON object")
        return payload

    def _string_field(self, response, key):
        value = self._json(response).get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise ProtocolError("tilbago's answer has no %s" % key)
        return value


def retry_after_seconds(value, now=None):
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    None when absent or unreadable; never negative; at most one hour (a server asking
    for more is not waited for inside one sync run).
    """
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.timezone.utc)
        now = now or datetime.datetime.now(datetime.timezone.utc)
        seconds = (when - now).total_seconds()
    return min(max(seconds, 0.0), 3600.0)


def _reason(exc):
    """The innermost reason of a requests ConnectionError, short and without headers."""
    reason = exc.args[0] if exc.args else exc
    reason = getattr(reason, "reason", reason)
    text = str(reason)
    # urllib3 formats "<urllib3.connection.HTTPConnection object at 0x..>: Failed to ..."
    if ">: " in text:
        text = text.split(">: ", 1)[1]
    return text[:200]
