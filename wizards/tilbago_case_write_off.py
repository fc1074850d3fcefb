# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Write off the lost part of a case's invoices, or book a later recovery of it.

One wizard for both, as both make, per invoice, a draft document carrying the invoice's
own taxes (models/tilbago_case_accounting.py): a credit note on the losses account for a
write-off, an invoice on the recovery account for a recovery. The amounts each invoice
allows are computed again from the books when the user confirms, never taken from the
wizard's screen.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero, format_date

KINDS = [("write_off", "Write Off Bad Debt"), ("recovery", "Recovery of a Written-off Debt")]


class TilbagoCaseWriteOff(models.TransientModel):
    _name = "tilbago.case.write.off"
    _description = "Write-off or Recovery of a Debt Enforcement Case"
    _check_company_auto = True

    case_id = fields.Many2one(
        "tilbago.case", required=True, readonly=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="case_id.company_id")
    kind = fields.Selection(KINDS, required=True, readonly=True, default="write_off")
    reason = fields.Selection(
        [("certificate_of_loss", "Certificate of Loss"), ("final_loss", "Final Loss")],
        default="certificate_of_loss",
        help="Certificate of loss: the office certified the uncovered part (SchKG 149, "
        "valid 20 years: the claim stays alive). Final loss: no certificate, e.g. a "
        "bankruptcy closed for lack of assets.",
    )
    certificate_number = fields.Char(string="Certificate of Loss No.")
    certificate_date = fields.Date(string="Certificate of Loss Date")
    note = fields.Char(
        string="Explanation", help="Why the loss is final, named in the credit note."
    )
    post_now = fields.Boolean(
        help="Post the documents at once (a write-off is then reconciled with its "
        "invoice). Unticked, they wait in draft for the accountant.",
    )
    line_ids = fields.One2many("tilbago.case.write.off.line", "wizard_id", string="Invoices")

    def _tilbago_limits(self):
        """{invoice: the most this wizard may book for it}, from the books."""
        self.ensure_one()
        case = self.case_id
        invoices = case._tilbago_claimed_invoices()
        if self.kind == "write_off":
            pending = case._tilbago_booked_per_invoice("write_off", states=("draft",))
            return {inv: inv.amount_residual - pending.get(inv, 0.0) for inv in invoices}
        written = case._tilbago_booked_per_invoice("write_off", states=("posted",))
        recovered = case._tilbago_booked_per_invoice("recovery")
        return {inv: amount - recovered.get(inv, 0.0) for inv, amount in written.items()}

    def _tilbago_fill_lines(self):
        self.ensure_one()
        self.line_ids = [
            fields.Command.create({"invoice_id": invoice.id, "limit": limit,
                                   "amount": limit if self.kind == "write_off" else 0.0})
            for invoice, limit in self._tilbago_limits().items()
            if not float_is_zero(limit, precision_rounding=invoice.currency_id.rounding)
        ]
        if not self.line_ids:
            raise UserError(
                self.env._("The case %(case)s has no open invoice to write off.",
                           case=self.case_id.display_name)
                if self.kind == "write_off" else
                self.env._("The case %(case)s has no posted write-off left to recover.",
                           case=self.case_id.display_name)
            )

    def _tilbago_label(self, invoice):
        case = self.case_id
        if self.kind == "recovery":
            return self.env._(
                "Recovery on %(invoice)s, written off (case %(case)s): VAT due again "
                "(MWSTG art. 41)", invoice=invoice.name, case=case.name,
            )
        if self.reason == "certificate_of_loss":
            return self.env._(
                "Certificate of loss no. %(number)s of %(date)s (SchKG 149): lost part of "
                "%(invoice)s, case %(case)s", number=self.certificate_number,
                date=format_date(self.env, self.certificate_date), invoice=invoice.name,
                case=case.name,
            )
        return self.env._(
            "Final loss (%(note)s): lost part of %(invoice)s, case %(case)s",
            note=self.note, invoice=invoice.name, case=case.name,
        )

    def _tilbago_check(self):
        self.ensure_one()
        labels = {f: self._fields[f]._description_string(self.env) for f in self._fields}
        if self.kind == "write_off":
            missing = [labels[f] for f in (("certificate_number", "certificate_date")
                       if self.reason == "certificate_of_loss" else ("note",)) if not self[f]]
            if not self.reason or missing:
                raise UserError(self.env._(
                    "Fill in %(fields)s: the credit note names the reason of the loss.",
                    fields=", ".join(missing or [labels["reason"]]),
                ))
        limits = self._tilbago_limits()
        lines = self.line_ids.filtered(lambda l: l.amount)
        if not lines:
            raise UserError(self.env._("Enter the amount of at least one invoice."))
        for line in lines:
            limit = limits.get(line.invoice_id, 0.0)
            rounding = line.invoice_id.currency_id.rounding
            if float_compare(line.amount, 0.0, precision_rounding=rounding) < 0 or (
                float_compare(line.amount, limit, precision_rounding=rounding) > 0
            ):
                raise UserError(self.env._(
                    "%(field)s of %(invoice)s must be from 0 to %(limit)s.",
                    field=line._fields["amount"]._description_string(self.env),
                    invoice=line.invoice_id.display_name, limit=max(limit, 0.0),
                ))
        return lines

    def action_confirm(self):
        self.ensure_one()
        case = self.case_id
        case._tilbago_check_accounting_user()
        lines = self._tilbago_check()
        company = case.company_id
        if self.kind == "write_off":
            move_type = "out_refund"
            account = company._tilbago_accounting_account("tilbago_bad_debt_account_id")
        else:
            move_type = "out_invoice"
            account = company._tilbago_accounting_account("tilbago_recovery_account_id")
        moves = self.env["account.move"]
        for line in lines:
            invoice = line.invoice_id
            document = case._tilbago_taxed_document(
                invoice, line.amount, move_type, account, self._tilbago_label(invoice)
            )
            if self.kind == "write_off":
                self._tilbago_same_receivable(document, invoice)
            moves |= case._tilbago_accounting_link(document, self.kind, invoice)
        if self.kind == "write_off":
            # the loss is booked itself now: what was provisioned for it goes back
            moves |= case._tilbago_release_provision()
        if self.post_now:
            moves.action_post()
        case.message_post(body=self.env._(
            "%(what)s prepared by %(user)s: %(moves)s (%(state)s).",
            what=self._fields["kind"].convert_to_export(self.kind, self),
            user=self.env.user.name, moves=", ".join(moves.mapped("display_name")),
            state=self.env._("posted") if self.post_now else self.env._("draft"),
        ))
        return moves._tilbago_accounting_action()

    @staticmethod
    def _tilbago_same_receivable(refund, invoice):
        """The credit note's receivable is the invoice's, so the two reconcile (Odoo
        reconciles a reversal with its invoice per account, on posting)."""
        receivable = invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        ).account_id[:1]
        term_lines = refund.line_ids.filtered(lambda line: line.display_type == "payment_term")
        if receivable and term_lines.account_id != receivable:
            term_lines.account_id = receivable


class TilbagoCaseWriteOffLine(models.TransientModel):
    _name = "tilbago.case.write.off.line"
    _description = "Invoice of a Debt Enforcement Write-off or Recovery"

    wizard_id = fields.Many2one("tilbago.case.write.off", required=True, ondelete="cascade")
    invoice_id = fields.Many2one("account.move", required=True, readonly=True)
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    limit = fields.Monetary(
        string="At Most", readonly=True,
        help="Write-off: what the invoice leaves open. Recovery: what was written off "
        "and not recovered yet.",
    )
    amount = fields.Monetary(help="Taxes included, in the invoice's currency.")

    @api.onchange("amount")
    def _onchange_amount(self):
        if self.amount and float_compare(
            self.amount, self.limit, precision_rounding=self.currency_id.rounding or 0.01
        ) > 0:
            return {"warning": {
                "title": self.env._("Amount too high"),
                "message": self.env._("At most %(limit)s for this invoice.", limit=self.limit),
            }}
        return None
