# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One reminder sent for one invoice: the proof that, when and how it went out.

A debt collection request, and a judge after it, may ask whether and when the debtor was
reminded. Each reminder the addon sends leaves one record: the invoice, its level, the
day, the channel (e-mail or letter), the message it produced in the invoice's chatter,
the fee charged and who sent it. It is evidence, so only the addon writes it (see
``tilbago_evidence.py``); users read it and never delete it.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tilbago import reminders

CHANNELS = [("email", "E-mail"), ("letter", "Letter")]
STATES = [
    ("sent", "Sent"),
    ("to_print", "Letter to Print"),
    ("printed", "Letter Printed"),
    ("migrated", "Taken Over"),
]


class TilbagoReminder(models.Model):
    _name = "tilbago.reminder"
    _inherit = ["tilbago.evidence.mixin"]
    _description = "Reminder Sent"
    _order = "date desc, id desc"
    _check_company_auto = True

    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        readonly=True,
    )
    partner_id = fields.Many2one(
        related="move_id.commercial_partner_id",
        string="Debtor",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(
        related="move_id.company_id", string="Company", store=True, index=True
    )
    level_id = fields.Many2one(
        "tilbago.reminder.level",
        required=True,
        ondelete="restrict",
        check_company=True,
        readonly=True,
    )
    date = fields.Date(required=True, readonly=True, index=True)
    channel = fields.Selection(
        CHANNELS,
        readonly=True,
        help="E-mail: sent to the debtor's address. Letter: the debtor has no e-mail "
        "address, the reminder is printed and posted.",
    )
    message_id = fields.Many2one(
        "mail.message",
        ondelete="set null",
        readonly=True,
        help="The e-mail as posted in the invoice's chatter (or, sent per debtor, on the "
        "debtor), or the note that the letter waits to be printed.",
    )
    currency_id = fields.Many2one(related="move_id.currency_id", string="Currency")
    fee = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        aggregator=None,
        help="Fee charged with this reminder, in the invoice's currency.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Sent By",
        readonly=True,
        help="Who sent it: the user who pressed the button, or the daily job.",
    )
    state = fields.Selection(
        STATES,
        string="Result",
        required=True,
        readonly=True,
        help="Sent: the e-mail was handed to the outgoing mail queue. Letter to print / "
        "printed: the debtor has no e-mail address. Taken over: recorded from an "
        "earlier version of the module, which kept only the date of each level.",
    )
    date_printed = fields.Date(string="Printed On", readonly=True)
    per_debtor = fields.Boolean(
        string="Sent per Debtor",
        readonly=True,
        help="Sent in one e-mail or letter with the debtor's other invoices that reached "
        "a level the same day; the message is posted on the debtor.",
    )

    @api.depends("level_id.name", "move_id.name")
    def _compute_display_name(self):
        for reminder in self:
            reminder.display_name = "%s - %s" % (
                reminder.level_id.name or "", reminder.move_id.name or ""
            )

    def _tilbago_refuse(self, fnames=None):
        raise AccessError(self.env._(
            "Reminders are recorded by the debt collection module only, when it sends "
            "them: they prove that and when the debtor was reminded."
        ))

    @api.model
    def _tilbago_send(self, moves, level, today, fees):
        """Send the reminder of ``level`` for ``moves`` and record each one.

        E-mail with the invoice PDF to debtors with an address, the "to print" list
        (and a note in the chatter) for the others. During an escalation, the invoices
        of companies reminding per debtor are only collected here and sent per debtor
        once the run has raised every level.

        :param dict fees: fee charged to each invoice, by invoice id
        :return: the reminders recorded
        """
        run_key = self.env.context.get("tilbago_debtor_collect")
        collect = self.env.cr.cache.get("tilbago_debtor_collect", {}).get(run_key)
        if collect is not None:
            # one reminder per debtor: the run sends them once every level is raised
            # (see tilbago_reminder_debtor.py)
            per_debtor = moves._tilbago_reminded_per_debtor()
            collect.extend((move.id, level.id, fees.get(move.id, 0.0)) for move in per_debtor)
            moves -= per_debtor
            if not moves:
                return self.browse()
        with_email = moves.filtered(lambda m: m._tilbago_reminder_channel() == "email")
        to_print = moves - with_email
        vals_list = []
        if with_email:
            messages = with_email._tilbago_post_reminder_emails(level.mail_template_id)
            vals_list += [
                self._tilbago_vals(move, level, today, fees, "email", messages[move.id], "sent")
                for move in with_email
            ]
        if to_print:
            to_print._tilbago_light_write().write({"tilbago_reminder_to_print": True})
            body = Markup("<p>%s</p>") % self.env._(
                "Reminder %(level)s is ready to print: the debtor has no e-mail address.",
                level=level._tilbago_rank(),
            )
            notes = to_print._message_log_batch(bodies=dict.fromkeys(to_print.ids, body))
            note_of = {note.res_id: note for note in notes}
            vals_list += [
                self._tilbago_vals(move, level, today, fees, "letter", note_of.get(move.id),
                                   "to_print")
                for move in to_print
            ]
        return self.sudo().create(vals_list)

    @api.model
    def _tilbago_vals(self, move, level, today, fees, channel, message, state):
        return {
            "move_id": move.id,
            "level_id": level.id,
            "date": today,
            "channel": channel,
            "message_id": message.id if message else False,
            "fee": fees.get(move.id, 0.0),
            "user_id": self.env.uid,
            "state": state,
        }

    # -- reminders sent before they were recorded -----------------------------------------
    @api.model
    def _tilbago_record_history(self, move, history, fee_total=0.0, litigation_date=False,
                                to_print=False, state="migrated"):
        """Put ``move`` where ``history`` says and record the reminders it went through,
        without sending anything: for the upgrade from the version that kept one date
        per level, and for the demo data.

        :param history: a ``tilbago.reminders.LegacyHistory``
        :param fee_total: the fees the invoice recorded; each reminder carries its
            level's fee when they add up to it (``reminders.split_fees``), else none
        :param to_print: the last reminder is a letter still to print
        :return: the reminders recorded
        """
        levels = move._tilbago_levels()
        rank = min(history.rank, len(levels))
        level = levels[rank - 1] if rank else levels.browse()
        move.with_context(tracking_disable=True)._tilbago_light_write().write({
            "tilbago_reminder_level_id": level.id,
            "tilbago_reminder_state": "litigation" if history.litigation else (
                "reminder" if level else "none"
            ),
            "tilbago_reminder_level_date": history.reached_on or False,
            "tilbago_litigation_date": litigation_date if history.litigation else False,
            "tilbago_reminder_fee": fee_total or 0.0,
            "tilbago_reminder_to_print": bool(to_print and level),
        })
        sent = [(r, day) for r, day in history.reminders if r <= len(levels)]
        fees = reminders.split_fees(
            fee_total, {r: lv.fee for r, lv in enumerate(levels, 1)}, [r for r, _d in sent],
            digits=move.currency_id.decimal_places,
        ) or [0.0] * len(sent)
        # taken over: neither the channel nor the sender is known, except that a letter
        # still to print is a letter
        channel = "email" if move.partner_id.email else "letter"
        vals_list = []
        for index, ((r, day), fee) in enumerate(zip(sent, fees)):
            printing = to_print and index == len(sent) - 1
            vals_list.append({
                "move_id": move.id,
                "level_id": levels[r - 1].id,
                "date": day,
                "channel": "letter" if printing else state != "migrated" and channel,
                "fee": fee,
                "user_id": state != "migrated" and self.env.uid,
                "state": "to_print" if printing else state,
            })
        return self.sudo().create(vals_list)

    @api.model
    def _tilbago_demo_history(self, rows):
        """Demo data: invoices that went through reminders, days ago.

        :param rows: ``[invoice id, [days ago of each reminder], days ago of litigation
            or False, fees recorded, letter still to print]``
        """
        today = fields.Date.context_today(self)
        for move_id, days_ago, litigation_days_ago, fee_total, to_print in rows:
            move = self.env["account.move"].browse(move_id)
            dates = {r: fields.Date.subtract(today, days=d) for r, d in enumerate(days_ago, 1)}
            level = "litigation" if litigation_days_ago else str(len(days_ago) or "none")
            self._tilbago_record_history(
                move,
                reminders.legacy_history(level, dates),
                fee_total=fee_total,
                litigation_date=litigation_days_ago
                and fields.Date.subtract(today, days=litigation_days_ago),
                to_print=to_print,
                state="sent",
            )
