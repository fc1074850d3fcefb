"""Errors of the tilbago layer, shaped so the Odoo layer can act on each kind.

Never put the API key in a message, an ``args`` tuple or a ``repr``.
"""


class TilbagoError(Exception):
    """Base class of every error raised by this package.

    ``str(error)`` is the technical detail (URL, HTTP status, what the library said):
    for the log and the case's technical details, not for the sentence a clerk reads.
    """

    #: whether sending the same request again later may succeed
    retryable = False

    @property
    def detail(self):
        """The technical detail of the error, for the log and the technical details."""
        return str(self)


class InvalidPayload(TilbagoError):
    """The payload breaks one or more rules of the contract; nothing was sent.

    ``problems`` is the list of every :class:`tilbago.validation.Problem` found.
    """

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems))


class ApiError(TilbagoError):
    """tilbago answered with a non-2xx status.

    ``status`` is the HTTP status, ``message`` tilbago's own ``message`` text.
    """

    def __init__(self, status, message):
        self.status = status
        self.message = message
        super().__init__(f"tilbago answered {status}: {message}")


class AuthenticationError(ApiError):
    """401: the API key is missing or invalid."""


class InsufficientBalance(ApiError):
    """402: the tilbago account's balance is spent (tilbago is pay-per-use)."""

    retryable = True


class Rejected(ApiError):
    """Any other 4xx: tilbago refused the request; ``message`` says why."""


class DuplicateReference(Rejected):
    """4xx on ``PUT case`` whose message says the ``externalRef`` is already used.

    tilbago has no search by externalRef, so sending the same externalRef again is the
    safe retry after a lost answer: either the case is created, or it is refused with
    this error, meaning a case with that reference already exists (its id is unknown).
    See :func:`tilbago.client.is_duplicate_reference` for the heuristic.
    """


class ServerError(ApiError):
    """5xx: tilbago failed; the request may be sent again later."""

    retryable = True


class TransportError(TilbagoError):
    """The request did not get an answer: timeout, refused connection, DNS, TLS.

    ``kind`` says which, in one word the caller can turn into a sentence:
    :data:`TIMEOUT`, :data:`UNREACHABLE` (refused, DNS, network), :data:`TLS` or
    :data:`FAILED` (anything else); the message is the technical detail.
    """

    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"
    TLS = "tls"
    FAILED = "failed"

    retryable = True

    def __init__(self, message, kind=UNREACHABLE):
        super().__init__(message)
        self.kind = kind


class ProtocolError(TilbagoError):
    """tilbago answered, but not with the documented JSON."""

    retryable = True
