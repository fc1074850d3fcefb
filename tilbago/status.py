"""Where a tilbago case stands: status codes and the stages they belong to.

tilbago answers ``GET case/{id}/status`` with its own ``statusCode``, a human readable
``description`` and the code of the office's last eSchKG message (``eSchKGCode``). The
only code this project knows for certain from tilbago is ``"002"`` (the user must review
the case in tilbago before it is submitted); tilbago's full list is not public. The list
of eSchKG office codes is not public here either (see docs/swiss-debt-enforcement.md).

This module is the **single source of truth** for the codes this project knows: the real
tilbago code(s) and the local sandbox's own codes (:mod:`tilbago.sandbox` imports them
from here). The sandbox's codes all start with ``SBX-`` so nobody mistakes them for
tilbago's; a real tilbago account never answers them.

:func:`classify` maps a code to a *stage* the Odoo layer maps to its own states. An
unknown code gives ``None``: nothing is guessed, the caller shows the code and tilbago's
``description`` verbatim.

=========  ===================  =========  ==========================================
code       stage                eSchKG     meaning (English / French)
=========  ===================  =========  ==========================================
002        review               –          tilbago: waiting for the user's review /
                                           en attente de la vérification par l'usager
SBX-100    submitted            –          debt collection request submitted to the office
SBX-200    payment_order        SBX-E200   payment order issued (SchKG 69)
SBX-210    payment_order        SBX-E210   payment order served; 20 days to pay (SchKG 69)
SBX-300    opposition           SBX-E300   objection raised by the debtor (SchKG 74)
SBX-310    payment_order        SBX-E310   no objection within 10 days (SchKG 74)
SBX-400    continuation         SBX-E400   continuation requested (SchKG 88)
SBX-500    seizure              SBX-E500   seizure carried out (SchKG 89–115)
SBX-510    continuation         SBX-E510   bankruptcy warning served (SchKG 159–161)
SBX-600    certificate_of_loss  SBX-E600   certificate of loss issued (SchKG 115, 149)
SBX-900    closed               SBX-E900   claim paid to the office, case closed (SchKG 12)
=========  ===================  =========  ==========================================
"""

from collections import namedtuple

from .i18n import _

#: the stages, in the order a case normally moves through them
STAGES = (
    "review",
    "submitted",
    "payment_order",
    "opposition",
    "continuation",
    "seizure",
    "certificate_of_loss",
    "closed",
)

#: stages in which the debt collection is over (a new request may be started)
FINISHED_STAGES = ("certificate_of_loss", "closed")
#: stages that may still move, so the status sync follows them ("unknown": a code
#: tilbago has not published yet, which may move too)
FOLLOWED_STAGES = tuple(s for s in STAGES if s not in FINISHED_STAGES) + ("unknown",)

#: ``code`` (tilbago's ``statusCode``), ``stage`` (one of :data:`STAGES`),
#: ``eschkg_code`` (what the sandbox answers as ``eSchKGCode``, may be None),
#: ``description_en`` / ``description_fr``, ``origin`` ("tilbago" or "sandbox")
StatusCode = namedtuple(
    "StatusCode", "code stage eschkg_code description_en description_fr origin"
)

#: the prefix of every code the local sandbox invents
SANDBOX_PREFIX = "SBX-"

REVIEW = "002"
SUBMITTED = "SBX-100"
PAYMENT_ORDER_ISSUED = "SBX-200"
PAYMENT_ORDER_SERVED = "SBX-210"
OPPOSITION = "SBX-300"
NO_OPPOSITION = "SBX-310"
CONTINUATION = "SBX-400"
SEIZURE = "SBX-500"
BANKRUPTCY_WARNING = "SBX-510"
CERTIFICATE_OF_LOSS = "SBX-600"
PAID = "SBX-900"

_TABLE = (
    StatusCode(
        REVIEW, "review", None,
        _("Waiting for the user's review in tilbago before it is submitted"),
        "En attente de la vérification par l'utilisateur dans tilbago avant l'envoi",
        "tilbago",
    ),
    StatusCode(
        SUBMITTED, "submitted", None,
        _("[sandbox] Debt collection request submitted to the debt collection office"),
        "[sandbox] Réquisition de poursuite transmise à l'office des poursuites",
        "sandbox",
    ),
    StatusCode(
        PAYMENT_ORDER_ISSUED, "payment_order", "SBX-E200",
        _("[sandbox] Payment order issued by the office (SchKG 69)"),
        "[sandbox] Commandement de payer établi par l'office (LP 69)",
        "sandbox",
    ),
    StatusCode(
        PAYMENT_ORDER_SERVED, "payment_order", "SBX-E210",
        _("[sandbox] Payment order served on the debtor: 20 days to pay (SchKG 69)"),
        "[sandbox] Commandement de payer notifié au débiteur : 20 jours pour payer (LP 69)",
        "sandbox",
    ),
    StatusCode(
        OPPOSITION, "opposition", "SBX-E300",
        _("[sandbox] Objection raised by the debtor (SchKG 74): lifting it needs a court "
          "(SchKG 80-83)"),
        "[sandbox] Opposition formée par le débiteur (LP 74) : mainlevée à demander au juge (LP 80-83)",
        "sandbox",
    ),
    StatusCode(
        NO_OPPOSITION, "payment_order", "SBX-E310",
        _("[sandbox] No objection within 10 days (SchKG 74): continuation may be requested"),
        "[sandbox] Pas d'opposition dans les 10 jours (LP 74) : la continuation peut être requise",
        "sandbox",
    ),
    StatusCode(
        CONTINUATION, "continuation", "SBX-E400",
        _("[sandbox] Request to continue the debt collection received by the office (SchKG 88)"),
        "[sandbox] Réquisition de continuer la poursuite reçue par l'office (LP 88)",
        "sandbox",
    ),
    StatusCode(
        SEIZURE, "seizure", "SBX-E500",
        _("[sandbox] Seizure carried out (SchKG 89-115)"),
        "[sandbox] Saisie exécutée (LP 89-115)",
        "sandbox",
    ),
    StatusCode(
        BANKRUPTCY_WARNING, "continuation", "SBX-E510",
        _("[sandbox] Bankruptcy warning served on the debtor (SchKG 159-161)"),
        "[sandbox] Commination de faillite notifiée au débiteur (LP 159-161)",
        "sandbox",
    ),
    StatusCode(
        CERTIFICATE_OF_LOSS, "certificate_of_loss", "SBX-E600",
        _("[sandbox] Certificate of loss issued (SchKG 115, 149)"),
        "[sandbox] Acte de défaut de biens délivré (LP 115, 149)",
        "sandbox",
    ),
    StatusCode(
        PAID, "closed", "SBX-E900",
        _("[sandbox] Claim paid to the debt collection office, case closed (SchKG 12)"),
        "[sandbox] Créance payée à l'office des poursuites, poursuite close (LP 12)",
        "sandbox",
    ),
)

#: every known code -> :class:`StatusCode`
CODES = {entry.code: entry for entry in _TABLE}

#: what a status means for the creditor, when it asks for something (English templates
#: marked for translation; the Odoo layer shows them in the user's language)
ADVICE = {
    REVIEW: _("Check the debtor's data in tilbago and release the request there: until "
              "then nothing goes to the debt collection office."),
    OPPOSITION: _("The debtor raised an objection: the debt collection stops until a "
                  "court lifts it (SchKG 80-83) or the debtor withdraws it."),
    PAID: _("The debtor paid the debt collection office, which pays the amount out to "
            "you: record the payment on the invoices when it reaches your account."),
    CERTIFICATE_OF_LOSS: _("The seizure did not cover the claim: the certificate of loss "
                           "lets you start debt collection again when the debtor comes "
                           "back to "
                           "better fortune (SchKG 149)."),
}

#: the path of a debtor subject to enforcement by seizure (SchKG 42): natural persons
#: and legal persons not entered in the commercial register
SEIZURE_PATH = (
    REVIEW, SUBMITTED, PAYMENT_ORDER_ISSUED, PAYMENT_ORDER_SERVED, NO_OPPOSITION,
    CONTINUATION, SEIZURE, CERTIFICATE_OF_LOSS,
)
#: the path of a debtor subject to enforcement by bankruptcy (SchKG 39): entered in the
#: commercial register; under the threat of bankruptcy the sandbox's debtor pays
BANKRUPTCY_PATH = (
    REVIEW, SUBMITTED, PAYMENT_ORDER_ISSUED, PAYMENT_ORDER_SERVED, NO_OPPOSITION,
    CONTINUATION, BANKRUPTCY_WARNING, PAID,
)


def classify(status_code):
    """Return the stage of ``status_code`` (one of :data:`STAGES`), or None if unknown.

    Unknown codes are never guessed: the caller shows the code and tilbago's
    description as they are.
    """
    if not isinstance(status_code, str):
        return None
    entry = CODES.get(status_code.strip())
    return entry.stage if entry else None


def describe(status_code, lang="en"):
    """The description of a known code in ``lang`` ("en" or "fr"), else None.

    The English description is also a translation template (:func:`tilbago.i18n._`):
    the Odoo layer shows it in the user's language.
    """
    entry = CODES.get(status_code) if isinstance(status_code, str) else None
    if entry is None:
        return None
    return entry.description_fr if (lang or "").lower().startswith("fr") else entry.description_en


def advice(status_code):
    """What the status asks of the creditor (English template), or None."""
    return ADVICE.get(status_code) if isinstance(status_code, str) else None


def is_sandbox_code(status_code):
    """True for the codes the local sandbox invents (never answered by tilbago)."""
    return isinstance(status_code, str) and status_code.startswith(SANDBOX_PREFIX)
