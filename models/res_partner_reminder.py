# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

from ..tilbago import reminders
from .account_move import REMINDER_LEVELS


class ResPartner(models.Model):
    """Reminder block and reminder summary of a debtor (issue 4)."""

    _inherit = "res.partner"

    tilbago_no_reminder = fields.Boolean(
        string="No Reminders",
        tracking=True,
        help="Block: none of this debtor's invoices climbs reminder levels while ticked.",
    )
    tilbago_worst_reminder_level = fields.Selection(
        REMINDER_LEVELS,
        string="Worst Reminder Level",
        compute="_compute_tilbago_reminder_summary",
        help="Highest reminder level among the debtor's open invoices.",
    )
    tilbago_reminder1_count = fields.Integer(
        string="Invoices at Reminder 1", compute="_compute_tilbago_reminder_summary"
    )
    tilbago_reminder2_count = fields.Integer(
        string="Invoices at Reminder 2", compute="_compute_tilbago_reminder_summary"
    )
    tilbago_reminder3_count = fields.Integer(
        string="Invoices at Reminder 3", compute="_compute_tilbago_reminder_summary"
    )
    tilbago_litigation_count = fields.Integer(
        string="Invoices in Litigation", compute="_compute_tilbago_reminder_summary"
    )
    tilbago_reminder_text = fields.Char(
        string="Invoices in Reminder",
        compute="_compute_tilbago_reminder_summary",
        help="How many open invoices of the debtor are at each level, in words.",
    )

    def _compute_tilbago_reminder_summary(self):
        """One grouped read for all partners: count of open invoices per level."""
        counts = {}
        commercial = self.commercial_partner_id
        if commercial.ids:
            groups = self.env["account.move"]._read_group(
                [
                    ("commercial_partner_id", "in", commercial.ids),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("tilbago_reminder_level", "!=", "none"),
                ],
                ["commercial_partner_id", "tilbago_reminder_level"],
                ["__count"],
            )
            for partner, level, count in groups:
                counts[(partner.id, level)] = count
        for partner in self:
            key = partner.commercial_partner_id.id
            per_level = {
                level: counts.get((key, level), 0) for level in ("1", "2", "3", "litigation")
            }
            partner.tilbago_reminder1_count = per_level["1"]
            partner.tilbago_reminder2_count = per_level["2"]
            partner.tilbago_reminder3_count = per_level["3"]
            partner.tilbago_litigation_count = per_level["litigation"]
            partner.tilbago_reminder_text = partner._tilbago_reminder_words(per_level)
            reached = [level for level, count in per_level.items() if count]
            partner.tilbago_worst_reminder_level = (
                max(reached, key=reminders.level_rank) if reached else "none"
            )

    def _tilbago_reminder_words(self, per_level):
        """'1 in reminder 3, 1 in litigation': the levels that hold invoices, in words."""
        words = []
        for level in ("1", "2", "3"):
            if per_level[level]:
                words.append(self.env._(
                    "%(count)s in reminder %(level)s", count=per_level[level], level=level
                ))
        if per_level["litigation"]:
            words.append(self.env._(
                "%(count)s in litigation", count=per_level["litigation"]
            ))
        return ", ".join(words) or False

    def action_tilbago_open_reminder_invoices(self):
        """Open the debtor's invoices that have reached a reminder level."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_ch_tilbago.action_tilbago_reminder_all"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("tilbago_reminder_level", "!=", "none"),
        ]
        action["context"] = {}
        return action
