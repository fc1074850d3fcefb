# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tilbago import reminders

REMINDER_LEVELS = [
    ("none", "None"),
    ("1", "Reminder 1"),
    ("2", "Reminder 2"),
    ("3", "Reminder 3"),
    ("litigation", "Litigation"),
]
#: payment states of an invoice that may still climb reminder levels
OPEN_PAYMENT_STATES = ("not_paid", "partial")


def _company_delays(company):
    """The company's reminder delays in days, keyed by the level they lead to."""
    return {
        "1": company.tilbago_reminder1_delay,
        "2": company.tilbago_reminder2_delay,
        "3": company.tilbago_reminder3_delay,
        "litigation": company.tilbago_litigation_delay,
    }


class AccountMove(models.Model):
    _inherit = "account.move"

    # ==================================================================================
    # Reminders and litigation (issue 4)
    # ==================================================================================
    tilbago_reminder_level = fields.Selection(
        REMINDER_LEVELS,
        string="Reminder Level",
        default="none",
        required=True,
        copy=False,
        index=True,
        tracking=True,
        help="How far the invoice has climbed: reminders 1, 2 and 3, then litigation "
        "(ready for a debt enforcement request).",
    )
    tilbago_reminder1_date = fields.Date(string="Reminder 1 Date", copy=False)
    tilbago_reminder2_date = fields.Date(string="Reminder 2 Date", copy=False)
    tilbago_reminder3_date = fields.Date(string="Reminder 3 Date", copy=False)
    tilbago_litigation_date = fields.Date(string="Litigation Date", copy=False)
    tilbago_next_reminder_date = fields.Date(
        string="Next Reminder Date",
        compute="_compute_tilbago_next_reminder_date",
        store=True,
        index=True,
        help="Day on which the invoice reaches its next level, empty when it cannot "
        "climb (paid, blocked, cancelled or already in litigation).",
    )
    tilbago_no_reminder = fields.Boolean(
        string="No Reminders",
        copy=False,
        tracking=True,
        help="Block: this invoice never climbs reminder levels while ticked.",
    )
    tilbago_reminder_fee = fields.Monetary(
        string="Reminder Fees",
        currency_field="currency_id",
        copy=False,
        help="Fees of the reminders sent so far. They are recorded here, not posted: "
        "they become a subsidiary claim of a debt enforcement request.",
    )
    tilbago_reminder_to_print = fields.Boolean(
        string="Reminder to Print",
        copy=False,
        index=True,
        help="The debtor has no e-mail address: the last reminder waits to be printed "
        "and posted.",
    )
    tilbago_days_overdue = fields.Integer(
        string="Days Overdue", compute="_compute_tilbago_days_overdue"
    )
    tilbago_suggested_action = fields.Char(
        string="Suggested Next Action", compute="_compute_tilbago_suggested_action"
    )

    @api.depends(
        "move_type",
        "state",
        "payment_state",
        "invoice_date_due",
        "tilbago_reminder_level",
        "tilbago_reminder1_date",
        "tilbago_reminder2_date",
        "tilbago_reminder3_date",
        "tilbago_no_reminder",
        "commercial_partner_id.tilbago_no_reminder",
        "company_id.tilbago_reminder1_delay",
        "company_id.tilbago_reminder2_delay",
        "company_id.tilbago_reminder3_delay",
        "company_id.tilbago_litigation_delay",
    )
    def _compute_tilbago_next_reminder_date(self):
        for move in self:
            if not move._tilbago_can_escalate():
                move.tilbago_next_reminder_date = False
                continue
            move.tilbago_next_reminder_date = reminders.next_due_date(
                move.tilbago_reminder_level,
                move.invoice_date_due,
                move._tilbago_level_dates(),
                _company_delays(move.company_id),
            ) or False

    def _tilbago_can_escalate(self):
        """True when the invoice may still climb a level (open, not blocked)."""
        self.ensure_one()
        return bool(
            self.move_type == "out_invoice"
            and self.state == "posted"
            and self.payment_state in OPEN_PAYMENT_STATES
            and not self.tilbago_no_reminder
            and not self.commercial_partner_id.tilbago_no_reminder
            and self.tilbago_reminder_level != "litigation"
        )

    def _tilbago_level_dates(self):
        self.ensure_one()
        return {
            "1": self.tilbago_reminder1_date,
            "2": self.tilbago_reminder2_date,
            "3": self.tilbago_reminder3_date,
            "litigation": self.tilbago_litigation_date,
        }

    @api.depends("invoice_date_due", "payment_state")
    @api.depends_context("tilbago_today")
    def _compute_tilbago_days_overdue(self):
        today = self._tilbago_today()
        for move in self:
            if move.invoice_date_due and move.payment_state in OPEN_PAYMENT_STATES:
                move.tilbago_days_overdue = max((today - move.invoice_date_due).days, 0)
            else:
                move.tilbago_days_overdue = 0

    @api.depends("tilbago_reminder_level", "tilbago_next_reminder_date")
    @api.depends_context("tilbago_today", "lang")
    def _compute_tilbago_suggested_action(self):
        today = self._tilbago_today()
        for move in self:
            if move.move_type != "out_invoice" or move.state != "posted":
                move.tilbago_suggested_action = False
                continue
            action = reminders.suggested_action(
                move.tilbago_reminder_level, move.tilbago_next_reminder_date, today
            )
            if move.tilbago_reminder_level == "litigation" and not (
                move.payment_state in OPEN_PAYMENT_STATES
            ):
                action = reminders.Action("none", None, None)
            move.tilbago_suggested_action = self.env._(
                reminders.ACTION_LABELS[action.kind],  # pylint: disable=translation-required
                level=action.level,
                date=action.date and fields.Date.to_string(action.date) or "",
            ) if action.kind in ("send", "wait") else self.env._(
                reminders.ACTION_LABELS[action.kind]  # pylint: disable=translation-required
            )

    def _tilbago_today(self):
        return self.env.context.get("tilbago_today") or fields.Date.context_today(self)
