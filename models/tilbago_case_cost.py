# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Enforcement costs the creditor advanced on a case (owed by the debtor, SchKG 68).

The payment-order fee of GebV SchKG art. 16 is proposed when the case reaches tilbago;
any other cost (a continuation fee, a lawyer's note, ...) is recorded by the collector.
They are figures of the case's statement, not bookings: the accounting of the fees paid
to the office is done where the invoices are booked.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

COST_KINDS = [
    ("payment_order_fee", "Payment order fee (GebV SchKG art. 16)"),
    ("other", "Other cost"),
]


class TilbagoCaseCost(models.Model):
    _name = "tilbago.case.cost"
    _description = "Debt Enforcement Cost Advanced"
    _order = "case_id, date, id"
    _check_company_auto = True

    case_id = fields.Many2one(
        "tilbago.case",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    description = fields.Char(required=True)
    amount = fields.Monetary(required=True)
    kind = fields.Selection(COST_KINDS, required=True, default="other")

    @api.constrains("amount")
    def _check_amount(self):
        for cost in self:
            if cost.currency_id.compare_amounts(cost.amount, 0.0) <= 0:
                raise ValidationError(
                    self.env._(
                        "The field '%(field)s' of the cost '%(cost)s' must be more than "
                        "zero.",
                        field=self._fields["amount"]._description_string(self.env),
                        cost=cost.description,
                    )
                )

    def _check_case_open_for_costs(self, cases):
        for case in cases:
            if case.tilbago_archived:
                raise UserError(
                    self.env._(
                        "The case %(case)s is archived: its costs can no longer change "
                        "(field '%(field)s').",
                        case=case.display_name,
                        field=self._fields["case_id"]._description_string(self.env),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        cases = self.env["tilbago.case"].browse(
            {vals["case_id"] for vals in vals_list if vals.get("case_id")}
        )
        self._check_case_open_for_costs(cases)
        costs = super().create(vals_list)
        costs.case_id._tilbago_update_payment_figures()
        return costs

    def write(self, vals):
        cases = self.case_id
        if vals.get("case_id"):
            cases |= self.env["tilbago.case"].browse(vals["case_id"])
        self._check_case_open_for_costs(cases)
        result = super().write(vals)
        if {"amount", "date", "case_id"} & set(vals):
            cases._tilbago_update_payment_figures()
        return result

    def unlink(self):
        cases = self.case_id
        self._check_case_open_for_costs(cases)
        result = super().unlink()
        cases.exists()._tilbago_update_payment_figures()
        return result
