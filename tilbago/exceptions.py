"""Errors of the tilbago layer, shaped so the Odoo layer can act on each kind.

Each class says, for the case that met it, its :attr:`~TilbagoError.error_kind` (the
case's *error kind*) and what happened in a clerk's words: an English
:attr:`~TilbagoError.template` marked for translation (:mod:`tilbago.i18n`), filled by
:meth:`~TilbagoError.render` with what the error knows and what the caller adds (the
case's reference, where the settings are), translated through the caller's ``gettext``
(Odoo's ``env._``).

Never put the API key in a message, an ``args`` tuple or a ``repr``.
"""

import logging

from .i18n import _, render

_logger = logging.getLogger(__name__)

#: said after the errors where tilbago may or may not have the case
RETRY_SAFELY = _(
    "Retry later: the same request is sent again with the same reference, so no "
    "second case can be opened."
)


def translate(template, params, gettext=None):
    """``template`` translated through ``gettext`` and filled with ``params``.

    A translation whose placeholders do not match the parameters gives the English
    text (and a warning in the log) rather than no message at all.
    """
    if gettext is not None:
        try:
            return render(gettext(template), params)
        except (KeyError, TypeError, ValueError):
            _logger.warning("Untranslatable message %r", template, exc_info=True)
    return render(template, params)


def translate_problem(problem, gettext=None):
    """A :class:`tilbago.problems.Problem` in the language of ``gettext``."""
    if gettext is not None:
        try:
            return problem.render(gettext)
        except (KeyError, TypeError, ValueError):
            _logger.warning("Untranslatable problem %r", problem, exc_info=True)
    return problem.message


class TilbagoError(Exception):
    """Base class of every error raised by this package.

    ``str(error)`` is the technical detail (URL, HTTP status, what the library said):
    for the log and the case's technical details, not for the sentence a clerk reads.
    """

    #: whether sending the same request again later may succeed
    retryable = False
    #: the case's error kind (``tilbago.case.error_kind``)
    error_kind = "server"
    #: what happened, for a clerk (``%(name)s`` placeholders, see :meth:`render`)
    template = _("tilbago reported an error. Retry later.")
    #: a sentence said after the template, or None
    advice = None

    @property
    def detail(self):
        """The technical detail, for the log and the case's technical details; None
        when the clerk's sentence already says everything."""
        return str(self)

    def params(self, gettext=None):
        """The values this error gives to the placeholders of its template."""
        return {}

    def render(self, gettext=None, template=None, **context):
        """What happened, in the language of ``gettext`` (English without it).

        ``context`` fills the placeholders the error cannot know (e.g. ``ref``, the
        case's external reference; ``settings``, where a manager finds the settings);
        ``template`` replaces the class's own.
        """
        words = translate(
            template or self.template, {**context, **self.params(gettext)}, gettext
        )
        if self.advice:
            words = "%s %s" % (words, translate(self.advice, {}, gettext))
        return words


class InvalidPayload(TilbagoError):
    """The payload breaks one or more rules of the contract; nothing was sent.

    ``problems`` is the list of every :class:`tilbago.problems.Problem` found.
    """

    error_kind = "invalid"
    template = _("The request was not sent, the data are incomplete:\n%(problems)s")

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems))

    @property
    def detail(self):
        return None  # the problems are the sentence itself

    def params(self, gettext=None):
        return {
            "problems": "\n".join(
                "- %s" % translate_problem(problem, gettext) for problem in self.problems
            )
        }


class ApiError(TilbagoError):
    """tilbago answered with a non-2xx status.

    ``status`` is the HTTP status, ``message`` tilbago's own ``message`` text.
    """

    def __init__(self, status, message):
        self.status = status
        self.message = message
        super().__init__(f"tilbago answered {status}: {message}")

    @property
    def detail(self):
        return "HTTP %s: %s" % (self.status, self.message)

    def params(self, gettext=None):
        return {"status": self.status, "message": self.message}


class AuthenticationError(ApiError):
    """401: the API key is missing or invalid."""

    error_kind = "auth"
    #: ``%(settings)s``: where a manager finds the settings (given by the caller)
    template = _(
        "tilbago refused the API key (401). A manager must check the key in "
        "%(settings)s (generated in tilbago under My account > Company > "
        "Generate the API key)."
    )


class InsufficientBalance(ApiError):
    """402: the tilbago account's balance is spent (tilbago is pay-per-use)."""

    retryable = True
    error_kind = "balance"
    template = _(
        "tilbago refused the request because the balance of your tilbago "
        "account is spent (402). Top it up in tilbago, then retry."
    )


class Rejected(ApiError):
    """Any other 4xx: tilbago refused the request; ``message`` says why."""

    error_kind = "rejected"
    template = _("tilbago refused the request (%(status)s): %(message)s")

    @property
    def detail(self):
        return None  # tilbago's words are in the sentence, and may hold debtor data


class DuplicateReference(Rejected):
    """4xx on ``PUT case`` whose message says the ``externalRef`` is already used.

    tilbago has no search by externalRef, so sending the same externalRef again is the
    safe retry after a lost answer: either the case is created, or it is refused with
    this error, meaning a case with that reference already exists (its id is unknown).
    See :func:`tilbago.client.is_duplicate_reference` for the heuristic.

    :attr:`template` is the sentence after an earlier attempt whose answer was lost;
    :attr:`FIRST_ATTEMPT` the one when no attempt of ours came before. Both take
    ``%(ref)s``, the external reference (given by the caller).
    """

    error_kind = "duplicate"
    template = _(
        "tilbago already has a case with the external reference %(ref)s: an "
        "earlier attempt reached tilbago although its answer was lost. Find the "
        "case in tilbago (search for the reference %(ref)s) and enter its "
        "tilbago case ID here. tilbago said: %(message)s"
    )
    FIRST_ATTEMPT = _(
        "tilbago refused the request because a case with the external reference "
        "%(ref)s already exists in tilbago. If it is this case, enter its "
        "tilbago case ID here. tilbago said: %(message)s"
    )


class ServerError(ApiError):
    """5xx: tilbago failed; the request may be sent again later."""

    retryable = True
    error_kind = "server"
    template = _(
        "tilbago failed to process the request (HTTP %(status)s) and may or may "
        "not have opened the case."
    )
    advice = RETRY_SAFELY


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
    error_kind = "transport"
    advice = RETRY_SAFELY
    #: the sentence of each ``kind``; any other kind gets :attr:`template`
    TEMPLATES = {
        TIMEOUT: _("tilbago did not answer in time."),
        TLS: _("The secure connection to tilbago failed."),
    }

    def __init__(self, message, kind=UNREACHABLE):
        super().__init__(message)
        self.kind = kind
        self.template = self.TEMPLATES.get(kind, _("tilbago could not be reached."))


class ProtocolError(TilbagoError):
    """tilbago answered, but not with the documented JSON."""

    retryable = True
    error_kind = "protocol"
    template = _("tilbago answered something unexpected. Retry later.")
