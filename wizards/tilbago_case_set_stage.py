# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Set a case's stage by hand, with the date the office communicated.

tilbago's status codes other than 002 are not public and an office's letter may arrive
before tilbago knows: a manager records the stage here. The rule (managers only, the
history line, the deadlines) is the case's (``_tilbago_set_stage``).
"""

from odoo import api, fields, models

from ..models.tilbago_case_collection import INSOLVENCY_KINDS

SET_STAGES = [
    ("payment_order", "Payment Order Served"),
    ("opposition", "Objection"),
    ("continuation", "Continuation"),
    ("seizure", "Seizure / Bankruptcy"),
    ("certificate_of_loss", "Certificate of Loss"),
    ("closed", "Closed"),
    ("insolvency", "Debtor's Bankruptcy or Composition"),
]


class TilbagoCaseSetStage(models.TransientModel):
    _name = "tilbago.case.set.stage"
    _description = "Set the Stage of a Debt Enforcement Case"

    case_id = fields.Many2one("tilbago.case", required=True, ondelete="cascade")
    stage = fields.Selection(SET_STAGES, required=True)
    stage_date = fields.Date(
        string="Date",
        required=True,
        default=fields.Date.context_today,
        help="The day the office communicated: the payment order served, the objection "
        "raised, the seizure carried out, the certificate issued, the proceedings opened.",
    )
    insolvency_kind = fields.Selection(INSOLVENCY_KINDS, string="Proceedings", default="bankruptcy")
    claim_deadline = fields.Date(
        string="Claim Filing Deadline",
        help="The day the claim must reach the administrator (published with the "
        "opening of the proceedings, SchKG 232 al. 2 ch. 2, 300).",
    )
    note = fields.Char(help="Added to the note in the case's chatter.")

    @api.model
    def default_get(self, fields_list):
        self.env["tilbago.case"]._tilbago_check_manager()
        return super().default_get(fields_list)

    def action_apply(self):
        self.ensure_one()
        self.case_id._tilbago_set_stage(
            self.stage,
            self.stage_date,
            insolvency_kind=self.insolvency_kind,
            claim_deadline=self.claim_deadline,
            note=self.note,
        )
        return {"type": "ir.actions.act_window_close"}
