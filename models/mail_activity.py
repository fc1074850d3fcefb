# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Activities of debt collection files: which scenario step planned them, and the
file's priority, so the list of actions to do sorts by it (``res_id`` is no relation
the ORM can order by)."""

from odoo import api, fields, models

from .tilbago_case_collection import PRIORITIES


class MailActivity(models.Model):
    _inherit = "mail.activity"

    tilbago_step_id = fields.Many2one(
        "tilbago.scenario.step",
        string="Scenario Step",
        ondelete="set null",
        index="btree_not_null",
        readonly=True,
    )
    tilbago_case_priority = fields.Selection(
        PRIORITIES,
        string="File Priority",
        compute="_compute_tilbago_case_priority",
        store=True,
    )

    @api.depends("res_model", "res_id")
    def _compute_tilbago_case_priority(self):
        cases = self.filtered(lambda a: a.res_model == "tilbago.case")
        priorities = dict(
            self.env["tilbago.case"]
            .sudo()
            .browse(cases.mapped("res_id"))
            .exists()
            .mapped(lambda c: (c.id, c.priority))
        )
        for activity in self:
            activity.tilbago_case_priority = (
                priorities.get(activity.res_id, "0")
                if activity.res_model == "tilbago.case"
                else False
            )
