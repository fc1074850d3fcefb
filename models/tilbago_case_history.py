# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The status history of a debt enforcement case: written by the addon only."""

from odoo import fields, models

from .tilbago_case import CASE_STATES


class TilbagoCaseHistory(models.Model):
    _name = "tilbago.case.history"
    _inherit = ["tilbago.evidence.mixin"]
    _description = "Debt Enforcement Case Status History"
    _order = "date desc, id desc"
    _check_company_auto = True

    case_id = fields.Many2one(
        "tilbago.case", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    date = fields.Datetime(default=fields.Datetime.now, required=True)
    state = fields.Selection(CASE_STATES)
    status_code = fields.Char(string="tilbago Code")
    description = fields.Char(help="As tilbago sent it (or what happened in Odoo).")
    eschkg_code = fields.Char(string="eSchKG Code")
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, check_company=True
    )
