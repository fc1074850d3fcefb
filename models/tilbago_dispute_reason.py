# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Why the debtor does not pay: a list each company keeps for its collection files."""

from odoo import fields, models


class TilbagoDisputeReason(models.Model):
    _name = "tilbago.dispute.reason"
    _description = "Debt Collection Dispute Reason"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Empty: offered to every company.",
    )
