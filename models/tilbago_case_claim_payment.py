# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What each claim of a case has received and still asks, from the case's statement."""

from odoo import api, fields, models

from .tilbago_case_statement import _float


class TilbagoCaseClaim(models.Model):
    _inherit = "tilbago.case.claim"

    interest_accrued = fields.Monetary(
        compute="_compute_tilbago_paid"
    )
    amount_paid = fields.Monetary(
        string="Paid",
        compute="_compute_tilbago_paid",
        help="What the payments after the request paid of this claim and its interest "
        "(after the costs, OR 85).",
    )
    amount_open = fields.Monetary(
        string="Open",
        compute="_compute_tilbago_paid",
        help="What remains of this claim and its interest.",
    )

    @api.depends_context("tilbago_today")
    @api.depends("amount", "interest_rate", "interest_from", "case_id.cost_ids.amount")
    def _compute_tilbago_paid(self):
        # one statement per case, all the cases of the claims at once
        statements = self.case_id._tilbago_statements()
        for claim in self:
            statement = statements.get(claim.case_id.id)
            row = statement.claims.get(claim.id) if statement else None
            if not row:
                claim.interest_accrued = claim.amount_paid = 0.0
                claim.amount_open = claim.amount
                continue
            claim.interest_accrued = _float(row["interest"])
            claim.amount_open = _float(row["open"])
            # what it asked (capital and interest to date) less what it still asks
            claim.amount_paid = claim.currency_id.round(
                claim.amount + claim.interest_accrued - claim.amount_open
            )
