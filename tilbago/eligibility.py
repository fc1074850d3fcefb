"""Which invoices a debt collection request may start from, and why not, in words.

The rules of the request itself, whatever system keeps the invoices: a posted customer
invoice (not a credit note), in Swiss francs, not paid, past its due date, and at most
:data:`~tilbago.swiss.MAX_CLAIMS` of them in one request. The Odoo layer describes each
invoice as an :class:`Invoice` and renders the :class:`Reason` of every refusal in the
user's language (``reason.render(env._, format_date)``), so the rule and its wording are
written once, here.
"""

import datetime
from dataclasses import dataclass, field as dc_field

from .i18n import _
from .swiss import MAX_CLAIMS

#: payment states of an invoice with nothing left to claim (Odoo's account.move)
PAID_STATES = frozenset({"paid", "in_payment", "reversed"})

CREDIT_NOTE = _(
    "Credit note %(invoice)s is money you owe the customer: a credit note cannot go to "
    "debt collection."
)
NOT_CUSTOMER_INVOICE = _("Entry %(invoice)s is not a customer invoice.")
NOT_POSTED = _("%(invoice)s is not posted.")
NOT_CHF = _(
    "Invoice %(invoice)s is in %(currency)s: a debt collection request is in Swiss francs "
    "(CHF) only. Convert the claim and start the request from a CHF invoice, or file it "
    "in tilbago directly."
)
PAID = _("Invoice %(invoice)s is already paid.")
NOT_OVERDUE = _("Invoice %(invoice)s is not overdue (due on %(date)s).")
TOO_MANY_INVOICES = _(
    "A debt collection request carries at most %(max)s claims; %(count)s invoices are "
    "selected."
)


@dataclass(frozen=True)
class Invoice:
    """What the rules need to know of an invoice.

    ``move_type`` as Odoo names it (``out_invoice``, ``out_refund``, …); ``currency`` the
    ISO code; ``settled``: nothing is left to pay in the invoice's currency, whatever its
    payment state says.
    """

    name: str
    move_type: str
    posted: bool
    currency: str
    payment_state: str = "not_paid"
    settled: bool = False
    due_date: datetime.date = None


@dataclass(frozen=True)
class Reason:
    """Why an invoice cannot go to debt collection: an English template and its values."""

    template: str
    params: dict = dc_field(default_factory=dict)

    def render(self, gettext=None, format_date=None):
        """The sentence, through ``gettext`` (Odoo's ``env._``); dates by ``format_date``."""
        text = gettext(self.template) if gettext else self.template
        show_date = format_date or datetime.date.isoformat
        params = {
            key: (show_date(value) if isinstance(value, datetime.date) else value)
            for key, value in self.params.items()
        }
        return text % {key: "-" if value is None else value for key, value in params.items()}

    def __str__(self):
        return self.render()


def invoice_reasons(invoice, today):
    """Every reason why ``invoice`` (an :class:`Invoice`) cannot be claimed; [] if none."""
    if invoice.move_type == "out_refund":
        return [Reason(CREDIT_NOTE, {"invoice": invoice.name})]
    if invoice.move_type != "out_invoice":
        return [Reason(NOT_CUSTOMER_INVOICE, {"invoice": invoice.name})]
    reasons = []
    if not invoice.posted:
        reasons.append(Reason(NOT_POSTED, {"invoice": invoice.name}))
    if invoice.currency != "CHF":
        reasons.append(Reason(NOT_CHF, {"invoice": invoice.name, "currency": invoice.currency}))
    # a draft is neither paid nor due yet
    if invoice.posted and (invoice.payment_state in PAID_STATES or invoice.settled):
        reasons.append(Reason(PAID, {"invoice": invoice.name}))
    elif invoice.posted and (not invoice.due_date or invoice.due_date >= today):
        reasons.append(Reason(NOT_OVERDUE, {"invoice": invoice.name, "date": invoice.due_date}))
    return reasons


def count_reasons(count):
    """The refusal of a request from ``count`` invoices, when there are too many."""
    if count > MAX_CLAIMS:
        return [Reason(TOO_MANY_INVOICES, {"max": MAX_CLAIMS, "count": count})]
    return []
