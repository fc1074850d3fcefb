# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who takes part in a collection file: the debtor's people, ours, the office, a lawyer."""

from odoo import fields, models

PARTICIPANT_ROLES = [
    ("debtor", "Debtor's Contact"),
    ("creditor", "Our Contact"),
    ("office", "Enforcement Office"),
    ("lawyer", "Lawyer"),
    ("other", "Other"),
]


class TilbagoCaseParticipant(models.Model):
    _name = "tilbago.case.participant"
    _description = "Debt Collection File Participant"
    _order = "sequence, id"
    _check_company_auto = True

    case_id = fields.Many2one(
        "tilbago.case", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, check_company=True
    )
    role = fields.Selection(PARTICIPANT_ROLES, required=True, default="debtor")
    email = fields.Char(related="partner_id.email")
    phone = fields.Char(related="partner_id.phone")
    note = fields.Char()
