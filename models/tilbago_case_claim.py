# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The claims of a debt enforcement case, as sent: written by the addon only.

Whatever writes them (the wizard, a retry, an import run by the addon), the claims of a
case are checked here, in the model: every invoice they refer to must be one that may
be prosecuted (``account.move._tilbago_check_prosecutable``: posted customer
invoice in CHF, overdue, not paid, of the case's debtor and company, not claimed by
another open case), and a claim on an invoice never asks more than the invoice's open
amount (reminder fees and interest are claims of their own), nor more than tilbago's
ceiling (``tilbago.money.MAX_AMOUNT``).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tilbago import money as tilbago_money
from ..tilbago.swiss import COLLOCATION_SELECTION


class TilbagoCaseClaim(models.Model):
    _name = "tilbago.case.claim"
    _inherit = ["tilbago.evidence.mixin"]
    _description = "Debt Enforcement Claim"
    _order = "case_id, sequence, id"
    _check_company_auto = True

    case_id = fields.Many2one(
        "tilbago.case", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    sequence = fields.Integer(default=10)
    is_main = fields.Boolean(string="Main Claim")
    external_ref = fields.Char(string="External Reference", readonly=True)
    amount = fields.Monetary(required=True)
    reason = fields.Char(required=True)
    due_date = fields.Date()
    interest_rate = fields.Float(string="Interest Rate (%)", digits=(7, 5))
    interest_from = fields.Date()
    collocation_class = fields.Selection(COLLOCATION_SELECTION, default="3")
    invoice_id = fields.Many2one("account.move", index=True, check_company=True)
    kind = fields.Selection(
        [("invoice", "Invoice"), ("fee", "Reminder Fees"), ("other", "Other")],
        default="invoice",
    )
    state = fields.Selection(related="case_id.state", store=True, string="Case State")

    @api.constrains("case_id", "invoice_id", "amount", "kind")
    def _check_tilbago_claims(self):
        """The invoices and amounts of every case touched, all reasons at once."""
        for case in self.case_id:
            claims = case.claim_ids
            problems = claims._tilbago_amount_problems()
            if claims.invoice_id:
                try:
                    claims.invoice_id._tilbago_check_prosecutable(
                        partner=case.partner_id, cases=case
                    )
                except UserError as error:
                    problems.insert(0, error.args[0])
            if problems:
                raise ValidationError("\n".join(problems))

    def _tilbago_amount_problems(self):
        """Why the amounts of these claims (of one request) cannot be claimed, in words."""
        return self._tilbago_amount_problems_for(
            [
                (claim.invoice_id, "main" if claim.is_main else claim.kind, claim.amount)
                for claim in self.sorted("sequence")
            ]
        )

    @api.model
    def _tilbago_amount_problems_for(self, rows):
        """The same for ``rows``: ``(invoice, kind, amount)`` of each claim, in order.

        ``kind`` is "main", "invoice", "fee" or "other"; ``amount`` as typed (a float of
        the ORM, taken through its shortest repr). Whatever its kind, a claim on an
        invoice is that invoice's money: only fee claims count against the reminder
        fees recorded on it, every other claim against its open amount.
        """
        problems = []
        ceiling = tilbago_money.MAX_AMOUNT
        claimed, fees = {}, {}
        for number, (invoice, kind, value) in enumerate(rows, start=1):
            amount = tilbago_money.from_float(value)
            if amount > ceiling:
                problems.append(
                    self.env._(
                        "Claim %(number)s: the amount %(amount)s is above the highest "
                        "amount a request can carry (%(max)s).",
                        number=number,
                        amount=tilbago_money.format_chf(amount),
                        max=tilbago_money.format_chf(ceiling),
                    )
                )
            if invoice:
                bucket = fees if kind == "fee" else claimed
                bucket[invoice] = bucket.get(invoice, 0) + amount
        for invoice, amount in fees.items():
            recorded = tilbago_money.from_float(
                invoice.tilbago_reminder_fee if "tilbago_reminder_fee" in invoice else 0.0
            )
            if amount > recorded:
                problems.append(
                    self.env._(
                        "The reminder fees claimed on invoice %(invoice)s (%(amount)s) are "
                        "more than the fees recorded on it (%(recorded)s).",
                        invoice=invoice.name,
                        amount=tilbago_money.format_chf(amount),
                        recorded=tilbago_money.format_chf(recorded),
                    )
                )
        for invoice, amount in claimed.items():
            open_amount = tilbago_money.from_float(invoice.amount_residual)
            if amount > open_amount:
                problems.append(
                    self.env._(
                        "The claim amount %(amount)s on invoice %(invoice)s is more than "
                        "its open amount %(open)s. Reminder fees and interest are claims "
                        "of their own.",
                        amount=tilbago_money.format_chf(amount),
                        invoice=invoice.name,
                        open=tilbago_money.format_chf(open_amount),
                    )
                )
        return problems
