# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date

from ..tilbago import eligibility
from ..tilbago import money as tilbago_money
from ..tilbago.status import FINISHED_STAGES as FINISHED_STATES

_logger = logging.getLogger(__name__)


class AccountMove(models.Model):
    _inherit = "account.move"

    # ==================================================================================
    # Debt enforcement case
    # ==================================================================================
    tilbago_case_id = fields.Many2one(
        "tilbago.case",
        string="Debt Enforcement Case",
        copy=False,
        index="btree_not_null",
        readonly=True,
        tracking=True,
    )
    tilbago_case_state = fields.Selection(
        related="tilbago_case_id.state",
        string="Debt Enforcement",
        store=True,
    )

    def write(self, vals):
        if "tilbago_case_id" in vals:
            self._tilbago_check_case_link(vals["tilbago_case_id"])
        return super().write(vals)

    def _tilbago_check_case_link(self, case_id):
        """Only the addon links an invoice to a case, and only to a case that claims it.

        The link is written once tilbago has the case (``_tilbago_link_invoices``, in
        superuser mode: see tilbago_evidence.py); the case's claims checked the invoice
        when they were saved. Unlinking (``False``) is left to the addon as well.
        """
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The field 'Debt Enforcement Case' of an invoice is set by the debt "
                    "collection module only, once tilbago has the case."
                )
            )
        case = self.env["tilbago.case"].browse(case_id)
        if case:
            strangers = self - case.claim_ids.invoice_id
            if strangers:
                raise UserError(
                    self.env._(
                        "The invoices %(invoices)s are not claimed by the debt enforcement "
                        "case %(case)s.",
                        invoices=", ".join(strangers.mapped("display_name")),
                        case=case.display_name,
                    )
                )

    def action_view_tilbago_case(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "tilbago.case",
            "res_id": self.tilbago_case_id.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def _tilbago_open_cases(self, cases=None):
        """Cases not finished, other than ``cases``, that already claim one of these."""
        invoices = self
        claims = self.env["tilbago.case.claim"].sudo().search(
            [
                ("invoice_id", "in", invoices.ids),
                ("case_id.state", "not in", FINISHED_STATES),
            ]
        )
        linked = invoices.sudo().tilbago_case_id.filtered(
            lambda c: c.state not in FINISHED_STATES
        )
        return (claims.case_id | linked).sudo(False) - (cases or self.env["tilbago.case"])

    def _tilbago_check_prosecutable(self, partner=None, cases=None):
        """Refuse what cannot be prosecuted, with every reason at once; return warnings.

        Called when the requisition wizard opens, when it sends, and by the claims of a
        case whenever they are written (``partner``: the debtor of the request;
        ``cases``: the case being written, not counted as another open case).
        """
        invoices = self
        if not invoices:
            raise UserError(self.env._("Select at least one customer invoice."))
        today = fields.Date.context_today(self)
        errors, warnings = [], []

        def words(reasons):
            return [
                reason.render(self.env._, lambda day: format_date(self.env, day))
                for reason in reasons
            ]

        for invoice in invoices:
            # a draft has no number yet ("/"): its display name says "Draft Invoice (* 12)"
            name = invoice.name if invoice.name not in (False, "/") else invoice.display_name
            errors += words(
                eligibility.invoice_reasons(
                    eligibility.Invoice(
                        name=name,
                        move_type=invoice.move_type,
                        posted=invoice.state == "posted",
                        currency=invoice.currency_id.name,
                        payment_state=invoice.payment_state,
                        settled=invoice.currency_id.is_zero(invoice.amount_residual),
                        due_date=invoice.invoice_date_due or None,
                    ),
                    today,
                )
            )
            if errors:
                continue
            if "tilbago_reminder_state" in invoice._fields:
                delay = invoice.company_id.tilbago_litigation_delay or 0
                third = invoice._tilbago_final_reminder_date()
                if not third:
                    warnings.append(
                        self.env._(
                            "Invoice %(invoice)s has not been through the third reminder "
                            "and the litigation delay.",
                            invoice=name,
                        )
                    )
                elif fields.Date.add(third, days=delay) > today:
                    warnings.append(
                        self.env._(
                            "Invoice %(invoice)s: the litigation delay of %(days)s days "
                            "after the third reminder (%(date)s) is not over.",
                            invoice=name,
                            days=delay,
                            date=format_date(self.env, third),
                        )
                    )
        debtors = invoices.commercial_partner_id
        if len(debtors) > 1:
            errors.append(
                self.env._(
                    "A debt collection request is against one debtor; the selected "
                    "invoices belong to %(count)s debtors: %(names)s. Select the invoices "
                    "of one debtor.",
                    count=len(debtors),
                    names=", ".join(debtors.mapped("display_name")),
                )
            )
        elif partner is not None and debtors != partner.commercial_partner_id:
            errors.append(
                self.env._(
                    "The debtor %(partner)s is not the customer of the invoices "
                    "(%(debtor)s).",
                    partner=partner.display_name,
                    debtor=debtors.display_name,
                )
            )
        if len(invoices.company_id) > 1:
            errors.append(self.env._("The selected invoices belong to several companies."))
        errors += words(eligibility.count_reasons(len(invoices)))
        open_cases = invoices._tilbago_open_cases(cases=cases)
        if open_cases:
            states = dict(
                self.env["tilbago.case"]._fields["state"]._description_selection(self.env)
            )
            errors.append(
                self.env._(
                    "A debt enforcement case is already open for these invoices: "
                    "%(cases)s. Follow it (or close it) instead of starting a new one.",
                    cases=", ".join(
                        "%s (%s)" % (case.sudo().name, states[case.sudo().state])
                        for case in open_cases
                    ),
                )
            )
        if errors:
            raise UserError(
                self.env._(
                    "No debt collection request can be started:\n%(reasons)s",
                    reasons="\n".join("- %s" % e for e in errors),
                )
            )
        if len(debtors) != 1 or len(invoices.company_id) != 1:
            return warnings
        credit_notes = self.env["account.move"].search(
            [
                ("move_type", "=", "out_refund"),
                ("state", "=", "posted"),
                ("commercial_partner_id", "=", debtors.id),
                ("company_id", "=", invoices.company_id.id),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        )
        if credit_notes:
            warnings.append(
                self.env._(
                    "The debtor has open credit notes (%(notes)s, %(amount)s): reconcile "
                    "them with the invoice first, or lower the claim.",
                    notes=", ".join(credit_notes.mapped("name")),
                    amount=tilbago_money.format_chf(
                        tilbago_money.from_float(sum(credit_notes.mapped("amount_residual")))
                    ),
                )
            )
        return warnings

    def action_tilbago_requisition(self):
        """Open the requisition wizard on the selected invoices (button and list action)."""
        return self.env["tilbago.requisition.wizard"]._tilbago_start(self)
