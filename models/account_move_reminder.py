# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reminders and litigation of customer invoices: the level an invoice reached, when
its next step is due, the daily escalation and the reminders sent by hand."""

from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date, formatLang

from ..tilbago import reminders
from ..tilbago.status import FINISHED_STAGES as FINISHED_STATES
from .res_company import MANAGER_GROUP

#: where an invoice stands: no reminder yet, climbing the reminder levels, litigation
REMINDER_STATES = [
    ("none", "None"),
    ("reminder", "In Reminder"),
    ("litigation", "Litigation"),
]
#: the fields of the level, written by the escalation or, by hand, by managers only
LEVEL_FIELDS = ("tilbago_reminder_level_id", "tilbago_reminder_state")
#: payment states of an invoice that may still climb reminder levels
OPEN_PAYMENT_STATES = ("not_paid", "partial")
#: invoices escalated per cron batch (each batch is one committed transaction)
CRON_BATCH_SIZE = 200


class AccountMove(models.Model):
    _inherit = "account.move"

    tilbago_reminder_level_id = fields.Many2one(
        "tilbago.reminder.level",
        string="Reminder Level",
        copy=False,
        index="btree_not_null",
        tracking=True,
        check_company=True,
        ondelete="restrict",
        help="The last reminder level the invoice reached (the levels are set per "
        "company in the settings).",
    )
    tilbago_reminder_state = fields.Selection(
        REMINDER_STATES,
        string="Reminder Stage",
        default="none",
        required=True,
        copy=False,
        index=True,
        tracking=True,
        help="None: no reminder sent yet. In reminder: the invoice climbs the reminder "
        "levels. Litigation: the delay after the last reminder has passed, the invoice "
        "is ready for a debt collection request.",
    )
    tilbago_reminder_level_date = fields.Date(
        string="Level Reached On",
        copy=False,
        help="Day the invoice reached its current reminder level; the next step counts "
        "from it.",
    )
    tilbago_litigation_date = fields.Date(string="Litigation Date", copy=False)
    tilbago_reminder_ids = fields.One2many(
        "tilbago.reminder", "move_id", string="Reminders Sent", readonly=True
    )
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
        # in the invoice's currency: never summed over invoices of other currencies
        aggregator=None,
        help="Fees of the reminders sent so far. They are recorded here, not posted: "
        "they become a subsidiary claim of a debt collection request.",
    )
    tilbago_amount_due = fields.Monetary(
        related="amount_residual",
        string="Open Amount",
        currency_field="currency_id",
        aggregator=None,
        help="What the customer still owes on this invoice, in the invoice's currency.",
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
    tilbago_fee_warning = fields.Char(
        string="Fee Warning",
        compute="_compute_tilbago_fee_warning",
        help="Set when the reminder fees exceed what the invoice itself claims.",
    )
    tilbago_suggested_action = fields.Char(
        string="Suggested Next Action", compute="_compute_tilbago_suggested_action"
    )

    # -- levels ------------------------------------------------------------------------
    def _tilbago_levels(self):
        """The reminder levels of the invoice's company, in the order they are climbed."""
        self.ensure_one()
        return self.company_id.sudo().tilbago_reminder_level_ids

    def _tilbago_rank(self, levels):
        """0 before the first reminder, else the position of the level in ``levels``."""
        self.ensure_one()
        level = self.tilbago_reminder_level_id
        return levels.ids.index(level.id) + 1 if level and level.id in levels.ids else 0

    def _tilbago_final_reminder_date(self):
        """Day the invoice reached its company's last reminder level (False before)."""
        self.ensure_one()
        levels = self._tilbago_levels()
        if levels and self.tilbago_reminder_level_id == levels[-1]:
            return self.tilbago_reminder_level_date
        return False

    def _tilbago_reminder_date(self, rank):
        """Day the reminder of ``rank`` (1 = the first level) went out, or False: the
        reminder e-mails name the earlier ones."""
        self.ensure_one()
        levels = self._tilbago_levels()
        if not 0 < rank <= len(levels):
            return False
        sent = self.sudo().tilbago_reminder_ids.filtered(
            lambda r: r.level_id == levels[rank - 1]
        )
        return max(sent.mapped("date")) if sent else False

    @api.depends(
        "move_type",
        "state",
        "payment_state",
        "invoice_date_due",
        "tilbago_reminder_state",
        "tilbago_reminder_level_id",
        "tilbago_reminder_level_date",
        "tilbago_no_reminder",
        "commercial_partner_id.tilbago_no_reminder",
        "company_id.tilbago_reminder_level_ids.delay",
        "company_id.tilbago_reminder_level_ids.sequence",
        "company_id.tilbago_litigation_delay",
    )
    def _compute_tilbago_next_reminder_date(self):
        for move in self:
            if not move._tilbago_can_escalate():
                move.tilbago_next_reminder_date = False
                continue
            levels = move._tilbago_levels()
            move.tilbago_next_reminder_date = reminders.next_due_date(
                move._tilbago_rank(levels),
                move.invoice_date_due,
                move.tilbago_reminder_level_date,
                levels.mapped("delay") + [move.company_id.tilbago_litigation_delay],
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
            and self.tilbago_reminder_state != "litigation"
        )

    @api.depends("invoice_date_due", "payment_state")
    @api.depends_context("tilbago_today")
    def _compute_tilbago_days_overdue(self):
        today = self._tilbago_today()
        for move in self:
            if move.invoice_date_due and move.payment_state in OPEN_PAYMENT_STATES:
                move.tilbago_days_overdue = max((today - move.invoice_date_due).days, 0)
            else:
                move.tilbago_days_overdue = 0

    @api.depends("tilbago_reminder_fee", "amount_total", "currency_id")
    @api.depends_context("lang")
    def _compute_tilbago_fee_warning(self):
        for move in self:
            fee, total = move.tilbago_reminder_fee, move.amount_total
            if move.move_type == "out_invoice" and fee and move.currency_id.compare_amounts(
                fee, total
            ) > 0:
                move.tilbago_fee_warning = self.env._(
                    "The reminder fees (%(fee)s) are larger than the invoice (%(total)s): "
                    "check that they are proportionate before claiming them in a debt "
                    "collection request, or lower the fees in the settings.",
                    fee=formatLang(self.env, fee, currency_obj=move.currency_id),
                    total=formatLang(self.env, total, currency_obj=move.currency_id),
                )
            else:
                move.tilbago_fee_warning = False

    @api.depends(
        "tilbago_reminder_state", "tilbago_reminder_level_id", "tilbago_next_reminder_date",
        "payment_state", "tilbago_case_id.state",
    )
    @api.depends_context("tilbago_today", "lang")
    def _compute_tilbago_suggested_action(self):
        today = self._tilbago_today()
        for move in self:
            if move.move_type != "out_invoice" or move.state != "posted":
                move.tilbago_suggested_action = False
                continue
            # its reference and whether it is finished only: shown to whoever reads the
            # invoice, also without the Debt Collection group
            case = move.sudo().tilbago_case_id
            open_payment = move.payment_state in OPEN_PAYMENT_STATES
            levels = move._tilbago_levels()
            action = reminders.suggested_action(
                move._tilbago_rank(levels), len(levels), move.tilbago_next_reminder_date,
                today, litigation=move.tilbago_reminder_state == "litigation",
                case_open=bool(case) and open_payment
                and case.state not in FINISHED_STATES,
            )
            if action.kind == "enforce" and not open_payment:
                action = reminders.Action("none", None, None)
            move.tilbago_suggested_action = self.env._(
                reminders.ACTION_LABELS[action.kind],  # pylint: disable=translation-required
                level=action.level,
                date=format_date(self.env, action.date) if action.date else "",
                case=case.name or "",
            ) if action.kind in ("send", "wait", "follow") else self.env._(
                reminders.ACTION_LABELS[action.kind]  # pylint: disable=translation-required
            )

    def _tilbago_today(self):
        return self.env.context.get("tilbago_today") or fields.Date.context_today(self)

    # -- language of the debtor --------------------------------------------------------
    def _tilbago_reminder_lang(self):
        """Code of the installed language the debtor's reminders are written in.

        The debtor language (de/fr/it/en) wins; the Swiss variant is preferred
        (de_CH, fr_CH, it_IT), then any installed variant; else the partner's language.
        """
        self.ensure_one()
        partner = self.partner_id
        installed = [code for code, _name in self.env["res.lang"].get_installed()]
        wanted = partner.tilbago_language if "tilbago_language" in partner._fields else False
        if wanted:
            preferred = [f"{wanted}_CH", "en_US" if wanted == "en" else f"{wanted}_IT"]
            for code in preferred + sorted(installed):
                if code in installed and code.split("_")[0] == wanted:
                    return code
        return partner.lang or self.env.lang or "en_US"

    # -- escalation --------------------------------------------------------------------
    @api.model
    def _tilbago_due_domain(self, today):
        """Customer invoices whose next reminder level is due on ``today``."""
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", OPEN_PAYMENT_STATES),
            ("tilbago_next_reminder_date", "<=", today),
            ("tilbago_reminder_state", "!=", "litigation"),
            ("tilbago_no_reminder", "=", False),
            ("commercial_partner_id.tilbago_no_reminder", "=", False),
        ]

    @api.model
    def _tilbago_escalate_batch(self, today=None, limit=CRON_BATCH_SIZE):
        """Escalate one batch of due invoices of every company.

        :return: ``(done, remaining)``
        """
        today = today or fields.Date.context_today(self)
        moves_sudo = self.sudo().with_context(active_test=False)
        domain = self._tilbago_due_domain(today)
        moves = moves_sudo.search(domain, limit=limit, order="id")
        moves._tilbago_escalate(today)
        remaining = moves_sudo.search_count(domain) if len(moves) == limit else 0
        return len(moves), remaining

    @api.model
    def _cron_tilbago_reminders(self, batch_size=CRON_BATCH_SIZE):
        """Daily: one batch per call. Odoo 18's cron runner commits after each call and
        calls again while work remains, so an interrupted run resumes where it stopped:
        the level, its date, the queued e-mail and the reminder record of an invoice are
        written in the same transaction, so nothing is sent twice."""
        done, remaining = self._tilbago_escalate_batch(limit=batch_size)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining

    def _tilbago_escalate(self, today):
        """Raise each invoice of ``self`` one level on ``today`` and send its reminder.

        Writes are grouped (one write per company, level and fee), so the number of
        queries does not grow with the number of invoices beyond the reminder itself.
        """
        groups = defaultdict(list)
        for move in self:
            if move.tilbago_reminder_state == "litigation":
                continue
            levels = move._tilbago_levels()
            rank = reminders.next_rank(move._tilbago_rank(levels), len(levels))
            # no next rank: litigation comes after the last level
            level = levels[rank - 1] if rank else levels.browse()
            key = (move.company_id, move.currency_id, level, move.tilbago_reminder_fee)
            groups[key].append(move.id)
        sent = defaultdict(lambda: self.browse())
        fees = {}
        for (company, currency, level, fee), ids in groups.items():
            moves = self.browse(ids)
            if not level:
                vals = {"tilbago_reminder_state": "litigation", "tilbago_litigation_date": today}
            else:
                level_fee = level.fee
                if level_fee:
                    level_fee = company.currency_id._convert(level_fee, currency, company, today)
                fees.update(dict.fromkeys(ids, level_fee))
                sent[level] |= moves
                vals = {
                    "tilbago_reminder_level_id": level.id,
                    "tilbago_reminder_state": "reminder",
                    "tilbago_reminder_level_date": today,
                    "tilbago_reminder_fee": fee + level_fee,
                }
            moves._tilbago_light_write().write(vals)
        for level, moves in sent.items():
            self.env["tilbago.reminder"]._tilbago_send(moves, level, today, fees)
        in_litigation = self.filtered(lambda m: m.tilbago_reminder_state == "litigation")
        if in_litigation:
            body = Markup("<p>%s</p>") % self.env._(
                "The invoice is in litigation: the delay after the last reminder has "
                "passed. It can now go to debt enforcement."
            )
            in_litigation._message_log_batch(bodies=dict.fromkeys(in_litigation.ids, body))

    def _tilbago_light_write(self):
        """``self`` for writes of reminder fields only: account's sync of the invoice
        lines and its balance check are skipped (no accounting field changes), as they
        cost queries per invoice."""
        return self.with_context(
            tilbago_escalation=True,
            skip_invoice_sync=True,
            check_move_validity=False,
            skip_is_manually_modified=True,
        )

    # -- actions -----------------------------------------------------------------------
    def _tilbago_check_reminder_now(self):
        """Refuse to send a reminder by hand to an invoice that takes none."""
        for move in self:
            if move.move_type != "out_invoice" or move.state != "posted":
                raise UserError(self.env._(
                    "Invoice %(name)s: reminders are only sent for posted customer "
                    "invoices.",
                    name=move.display_name,
                ))
            if move.payment_state not in OPEN_PAYMENT_STATES:
                raise UserError(self.env._(
                    "Invoice %(name)s is paid, in payment or reversed: no reminder.",
                    name=move.display_name,
                ))
            if move.tilbago_no_reminder or move.commercial_partner_id.tilbago_no_reminder:
                raise UserError(self.env._(
                    "Invoice %(name)s is blocked for reminders (field 'No "
                    "Reminders' on the invoice or on the customer).",
                    name=move.display_name,
                ))
            levels = move._tilbago_levels()
            if move.tilbago_reminder_state == "litigation" or (
                reminders.next_rank(move._tilbago_rank(levels), len(levels)) is None
            ):
                raise UserError(self.env._(
                    "Invoice %(name)s already had its last reminder: the next step is "
                    "litigation, then a debt collection request.",
                    name=move.display_name,
                ))

    def action_tilbago_send_reminder_now(self):
        """Button: send the next reminder today, without waiting for its delay."""
        self._tilbago_check_reminder_now()
        self._tilbago_escalate(fields.Date.context_today(self))
        body = Markup("<p>%s</p>") % self.env._(
            "Reminder sent by hand by %(user)s.", user=self.env.user.name
        )
        self._message_log_batch(bodies=dict.fromkeys(self.ids, body))
        return True

    def action_tilbago_print_reminders(self):
        """Print the reminder letters of ``self`` in one PDF, taken off the print list.

        The letter is the report of the invoices' level when they all share one, else
        the standard reminder letter."""
        moves = self.filtered(lambda m: m.tilbago_reminder_state == "reminder")
        if not moves:
            raise UserError(
                self.env._("None of the selected invoices has a reminder to print.")
            )
        moves.with_context(tilbago_escalation=True).write({"tilbago_reminder_to_print": False})
        self.env["tilbago.reminder"].sudo().search(
            [("move_id", "in", moves.ids), ("state", "=", "to_print")]
        )._tilbago_write({"state": "printed", "date_printed": fields.Date.context_today(self)})
        levels = moves.tilbago_reminder_level_id
        reports = levels.letter_report_id
        if len(reports) != 1 or not all(level.letter_report_id for level in levels):
            reports = self.env.ref("l10n_ch_tilbago.action_report_tilbago_reminder")
        return reports.report_action(moves, config=False)

    # -- how the run reminds an invoice (the run and the preview) -----------------------
    def _tilbago_reminded_per_debtor(self):
        """The invoices of ``self`` whose company sends one reminder per debtor
        (tilbago_reminder_debtor.py); the others get one reminder each."""
        return self.filtered(lambda m: m.company_id.tilbago_reminder_per_debtor)

    def _tilbago_reminder_channel(self):
        """How the invoice's reminder goes out: "email" when its customer has an
        e-mail address, else "letter" (the print list)."""
        self.ensure_one()
        return "email" if self.partner_id.email else "letter"

    def _tilbago_reminder_letter_body(self):
        """Body of the reminder letter: the level's mail template, in the debtor's
        language, so an admin edits e-mail and letter in one place."""
        self.ensure_one()
        template = self.tilbago_reminder_level_id.sudo().mail_template_id
        return template._render_field("body_html", self.ids, compute_lang=True)[self.id]

    # -- manual level change (managers) -----------------------------------------------
    def write(self, vals):
        if any(fname in vals for fname in LEVEL_FIELDS) and not self.env.context.get(
            "tilbago_escalation"
        ):
            if not (self.env.su or self.env.user.has_group(MANAGER_GROUP)):
                raise AccessError(
                    self.env._(
                        "Only debt collection managers may change the field 'Reminder "
                        "Level' by hand."
                    )
                )
            return self._tilbago_write_level_by_hand(vals)
        return super().write(vals)

    def _tilbago_level_vals_by_hand(self, vals, today):
        """The level fields of ``vals`` made consistent for this invoice: no level means
        no reminder; litigation keeps (or takes) the last level; a new level counts from
        today. Nothing is sent and no reminder is recorded: nothing went out."""
        self.ensure_one()
        move_vals = dict(vals)
        level = self.tilbago_reminder_level_id
        if "tilbago_reminder_level_id" in vals:
            level = level.browse(vals["tilbago_reminder_level_id"])
        state = vals.get("tilbago_reminder_state") or ("reminder" if level else "none")
        if state == "none":
            level = level.browse()
        elif state == "litigation" and not level:
            level = self._tilbago_levels()[-1:]
        elif not level:
            raise UserError(self.env._(
                "Invoice %(name)s: choose the reminder level it is at.",
                name=self.display_name,
            ))
        move_vals.update(tilbago_reminder_level_id=level.id, tilbago_reminder_state=state)
        if level != self.tilbago_reminder_level_id:
            move_vals.setdefault("tilbago_reminder_level_date", level and today)
        if state == "litigation":
            move_vals.setdefault("tilbago_litigation_date", self.tilbago_litigation_date or today)
        else:
            move_vals.setdefault("tilbago_litigation_date", False)
        return move_vals

    def _tilbago_write_level_by_hand(self, vals):
        """Set the level by hand. Tracking logs the change in the chatter."""
        today = fields.Date.context_today(self)
        result = True
        for move in self:
            result &= super(AccountMove, move).write(move._tilbago_level_vals_by_hand(vals, today))
        if self.ids:
            body = Markup("<p>%s</p>") % self.env._(
                "Reminder level changed by hand by %(user)s.", user=self.env.user.name
            )
            self._message_log_batch(bodies=dict.fromkeys(self.ids, body))
        return result

    # -- overview (Crésus dashboard) ---------------------------------------------------
    @api.model
    def tilbago_reminder_overview(self):
        """Count and open amount of invoices per company and level (grouped read), the
        invoices in litigation in one row per company.

        :return: list of dicts ``{company_id, company, state, level_id, level, count,
            amount}`` (``level``: the level's name, or "Litigation"), amounts in company
            currency
        """
        groups = self._read_group(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", OPEN_PAYMENT_STATES),
                ("tilbago_reminder_state", "!=", "none"),
            ],
            ["company_id", "tilbago_reminder_state", "tilbago_reminder_level_id"],
            ["__count", "amount_residual_signed:sum"],
        )
        labels = dict(self._fields["tilbago_reminder_state"]._description_selection(self.env))
        rows = {}
        for company, state, level, count, amount in groups:
            if state == "litigation":
                level = level.browse()
            row = rows.setdefault((company.id, state, level.id), {
                "company_id": company.id,
                "company": company.name,
                "state": state,
                "level_id": level.id,
                "level": level.sudo().name if level else labels[state],
                "count": 0,
                "amount": 0.0,
            })
            row["count"] += count
            row["amount"] += amount
        return list(rows.values())
