# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A further claim of the request, a line of the requisition wizard."""

from odoo import fields, models

from ..tilbago import swiss as tilbago_swiss


class TilbagoRequisitionClaim(models.TransientModel):
    _name = "tilbago.requisition.claim"
    _description = "Requisition Wizard: Further Claim"
    _order = "sequence, id"

    _check_company_auto = True

    wizard_id = fields.Many2one(
        "tilbago.requisition.wizard", required=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="wizard_id.company_id")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        [("invoice", "Invoice"), ("fee", "Reminder Fees"), ("other", "Other")],
        default="other",
        required=True,
    )
    invoice_id = fields.Many2one("account.move", check_company=True)
    amount = fields.Monetary(string="Amount (CHF)", required=True)
    reason = fields.Char(required=True)
    due_date = fields.Date()
    interest_rate = fields.Float(string="Interest Rate (%)", digits=(7, 5))
    interest_from = fields.Date(
        help="SchKG 67 al. 1 ch. 3: the request states the interest rate and the date it "
        "runs from; vague interest data gets the request refused.",
    )
    collocation_class = fields.Selection(
        tilbago_swiss.COLLOCATION_SELECTION, default="3", required=True
    )
