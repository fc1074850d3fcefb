# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date, formatLang

from ..tilbago import eligibility
from ..tilbago import money as tilbago_money
from ..tilbago import reminders
from ..tilbago.status import FINISHED_STAGES as FINISHED_STATES
from .res_company import MANAGER_GROUP

_logger = logging.getLogger(__name__)

REMINDER_LEVELS = [
    ("none", "None"),
    ("1", "Reminder 1"),
    ("2", "Reminder 2"),
    ("3", "Reminder 3"),
    ("litigation", "Litigation"),
]
#: payment states of an invoice that may still climb reminder levels
OPEN_PAYMENT_STATES = ("not_paid", "partial")
#: mail template (XML id) of each reminder level
REMINDER_TEMPLATES = {
    "1": "l10n_ch_tilbago.mail_template_tilbago_reminder1",
    "2": "l10n_ch_tilbago.mail_template_tilbago_reminder2",
    "3": "l10n_ch_tilbago.mail_template_tilbago_reminder3",
}
#: invoices escalated per cron batch (each batch is one committed transaction)
CRON_BATCH_SIZE = 200


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
        "(ready for a debt collection request).",
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
        "tilbago_reminder_level", "tilbago_next_reminder_date", "payment_state",
        "tilbago_case_id.state",
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
            action = reminders.suggested_action(
                move.tilbago_reminder_level, move.tilbago_next_reminder_date, today,
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
            ("tilbago_reminder_level", "!=", "litigation"),
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
        the level, its date and the queued e-mail of an invoice are written in the same
        transaction, so nothing is sent twice."""
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
            new_level = reminders.next_level(move.tilbago_reminder_level)
            if not new_level:
                continue
            key = (move.company_id, move.currency_id, new_level, move.tilbago_reminder_fee)
            groups[key].append(move.id)
        for (company, currency, new_level, fee), ids in groups.items():
            vals = {"tilbago_reminder_level": new_level}
            if new_level == "litigation":
                vals["tilbago_litigation_date"] = today
            else:
                vals[f"tilbago_reminder{new_level}_date"] = today
                level_fee = company[f"tilbago_reminder{new_level}_fee"]
                if level_fee:
                    level_fee = company.currency_id._convert(level_fee, currency, company, today)
                vals["tilbago_reminder_fee"] = fee + level_fee
            self.browse(ids)._tilbago_light_write().write(vals)
        for level in reminders.REMINDER_LEVELS:
            self.filtered(lambda m, lv=level: m.tilbago_reminder_level == lv)._tilbago_send_reminder()
        in_litigation = self.filtered(lambda m: m.tilbago_reminder_level == "litigation")
        if in_litigation:
            body = Markup("<p>%s</p>") % self.env._(
                "The invoice is in litigation: the delay after reminder 3 has passed. "
                "It can now go to debt enforcement."
            )
            in_litigation._message_log_batch(bodies=dict.fromkeys(in_litigation.ids, body))

    def _tilbago_send_reminder(self):
        """Send the reminder of the current level: e-mail with the invoice PDF to debtors
        with an address, the "to print" list for the others. Logged in the chatter."""
        if not self:
            return
        level = self[0].tilbago_reminder_level
        assert all(m.tilbago_reminder_level == level for m in self), "one level at a time"
        template = self.env.ref(REMINDER_TEMPLATES[level])
        with_email = self.filtered(lambda m: m.partner_id.email)
        to_print = self - with_email
        if with_email:
            with_email._tilbago_post_reminder_emails(template)
        if to_print:
            to_print._tilbago_light_write().write({"tilbago_reminder_to_print": True})
            body = Markup("<p>%s</p>") % self.env._(
                "Reminder %(level)s is ready to print: the debtor has no e-mail address.",
                level=level,
            )
            to_print._message_log_batch(bodies=dict.fromkeys(to_print.ids, body))

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

    def _tilbago_post_reminder_emails(self, template):
        """Post the reminder of ``template`` on each invoice and queue its e-mail, with
        the invoice PDF, through Odoo's own ``message_post_with_source`` (followers,
        notifications, threading and the bus as for any e-mail of the invoice).

        The e-mails are queued, never sent inside the transaction: a batch that is
        rolled back sends nothing. This costs a constant number of queries per invoice
        (the e-mail itself); the benchmark in the README measures it.
        """
        # no_new_invoice: account must not try to import the attached PDF as an invoice.
        # Posting writes the invoice's portal token and main attachment and the
        # debtor's signup type. The light-write context keeps these writes from
        # re-syncing the invoice's accounting lines. mail_notrack keeps them from
        # recording tracking values (none of these fields is tracked): those would hold
        # records of each e-mail's own environment until commit, and every
        # with_context() scans the environments still alive, so each e-mail of a batch
        # was slower than the one before (benchmark in the README).
        moves = self._tilbago_light_write().with_context(
            mail_notify_force_send=False, no_new_invoice=True, mail_notrack=True
        )
        for move in moves:
            pdf = move._tilbago_invoice_pdf()
            move.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=[(6, 0, pdf.ids)],
                email_layout_xmlid="mail.mail_notification_light",
            )

    def _tilbago_invoice_pdf(self):
        """The invoice PDF sent to the customer, rendered when it was never sent."""
        self.ensure_one()
        if self.invoice_pdf_report_id:
            return self.invoice_pdf_report_id
        content, _type = self.env["ir.actions.report"]._render_qweb_pdf(
            "account.account_invoices", self.ids
        )
        return self.env["ir.attachment"].create(
            {
                "name": f"{(self.name or 'invoice').replace('/', '_')}.pdf",
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )

    # -- actions -----------------------------------------------------------------------
    def action_tilbago_send_reminder_now(self):
        """Button: send the next reminder today, without waiting for its delay."""
        today = fields.Date.context_today(self)
        for move in self:
            if move.move_type != "out_invoice" or move.state != "posted":
                raise UserError(
                    self.env._(
                        "Invoice %(name)s: reminders are only sent for posted customer "
                        "invoices.",
                        name=move.display_name,
                    )
                )
            if move.payment_state not in OPEN_PAYMENT_STATES:
                raise UserError(
                    self.env._(
                        "Invoice %(name)s is paid, in payment or reversed: no reminder.",
                        name=move.display_name,
                    )
                )
            if move.tilbago_no_reminder or move.commercial_partner_id.tilbago_no_reminder:
                raise UserError(
                    self.env._(
                        "Invoice %(name)s is blocked for reminders (field 'No "
                        "Reminders' on the invoice or on the customer).",
                        name=move.display_name,
                    )
                )
            if move.tilbago_reminder_level in ("3", "litigation"):
                raise UserError(
                    self.env._(
                        "Invoice %(name)s already had its third reminder: the next step "
                        "is litigation, then a debt collection request.",
                        name=move.display_name,
                    )
                )
        self._tilbago_escalate(today)
        body = Markup("<p>%s</p>") % self.env._(
            "Reminder sent by hand by %(user)s.", user=self.env.user.name
        )
        self._message_log_batch(bodies=dict.fromkeys(self.ids, body))
        return True

    def action_tilbago_print_reminders(self):
        """Print the reminder letters of ``self`` in one PDF, taken off the print list."""
        moves = self.filtered(lambda m: m.tilbago_reminder_level in reminders.REMINDER_LEVELS)
        if not moves:
            raise UserError(
                self.env._("None of the selected invoices has a reminder to print.")
            )
        moves.with_context(tilbago_escalation=True).write({"tilbago_reminder_to_print": False})
        return self.env.ref("l10n_ch_tilbago.action_report_tilbago_reminder").report_action(
            moves, config=False
        )

    def _tilbago_reminder_letter_body(self):
        """Body of the reminder letter: the level's mail template, in the debtor's
        language, so an admin edits e-mail and letter in one place."""
        self.ensure_one()
        template = self.env.ref(REMINDER_TEMPLATES[self.tilbago_reminder_level])
        return template._render_field("body_html", self.ids, compute_lang=True)[self.id]

    # -- manual level change (managers) -----------------------------------------------
    def write(self, vals):
        if "tilbago_case_id" in vals:
            self._tilbago_check_case_link(vals["tilbago_case_id"])
        if "tilbago_reminder_level" in vals and not self.env.context.get(
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

    def _tilbago_write_level_by_hand(self, vals):
        """Set the level by hand: the dates of the levels above it are cleared, its own
        date set to today when missing. Tracking logs the change in the chatter."""
        level = vals["tilbago_reminder_level"]
        rank = reminders.level_rank(level)
        today = fields.Date.context_today(self)
        result = True
        for move in self:
            move_vals = dict(vals)
            for other in ("1", "2", "3", "litigation"):
                field = (
                    "tilbago_litigation_date"
                    if other == "litigation"
                    else f"tilbago_reminder{other}_date"
                )
                if reminders.level_rank(other) > rank:
                    move_vals.setdefault(field, False)
                elif other == level and not move[field]:
                    move_vals.setdefault(field, today)
            result &= super(AccountMove, move).write(move_vals)
        if self.ids:
            body = Markup("<p>%s</p>") % self.env._(
                "Reminder level changed by hand by %(user)s.", user=self.env.user.name
            )
            self._message_log_batch(bodies=dict.fromkeys(self.ids, body))
        return result

    # -- overview (Crésus dashboard) ---------------------------------------------------
    @api.model
    def tilbago_reminder_overview(self):
        """Count and open amount of invoices per company and level (grouped read).

        :return: list of dicts ``{company_id, company, level, count, amount}``,
            amounts in company currency
        """
        groups = self._read_group(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", OPEN_PAYMENT_STATES),
                ("tilbago_reminder_level", "!=", "none"),
            ],
            ["company_id", "tilbago_reminder_level"],
            ["__count", "amount_residual_signed:sum"],
        )
        return [
            {
                "company_id": company.id,
                "company": company.name,
                "level": level,
                "count": count,
                "amount": amount,
            }
            for company, level, count, amount in groups
        ]

    # ==================================================================================
    # Debt enforcement case (issue 5)
    # ==================================================================================
    tilbago_case_id = fields.Many2one(
        "tilbago.case",
        string="Debt Enforcement Case",
        copy=False,
        index="btree_not_null",
        readonly=True,
        tracking=True,
    )
    tilbago_case_state = fields.Selection(
        related="tilbago_case_id.state",
        string="Debt Enforcement",
        store=True,
    )

    def _tilbago_check_case_link(self, case_id):
        """Only the addon links an invoice to a case, and only to a case that claims it.

        The link is written once tilbago has the case (``_tilbago_link_invoices``, in
        superuser mode: see tilbago_evidence.py); the case's claims checked the invoice
        when they were saved. Unlinking (``False``) is left to the addon as well.
        """
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The field 'Debt Enforcement Case' of an invoice is set by the debt "
                    "collection module only, once tilbago has the case."
                )
            )
        case = self.env["tilbago.case"].browse(case_id)
        if case:
            strangers = self - case.claim_ids.invoice_id
            if strangers:
                raise UserError(
                    self.env._(
                        "The invoices %(invoices)s are not claimed by the debt enforcement "
                        "case %(case)s.",
                        invoices=", ".join(strangers.mapped("display_name")),
                        case=case.display_name,
                    )
                )

    def action_view_tilbago_case(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "tilbago.case",
            "res_id": self.tilbago_case_id.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def _tilbago_open_cases(self, cases=None):
        """Cases not finished, other than ``cases``, that already claim one of these."""
        invoices = self
        claims = self.env["tilbago.case.claim"].sudo().search(
            [
                ("invoice_id", "in", invoices.ids),
                ("case_id.state", "not in", FINISHED_STATES),
            ]
        )
        linked = invoices.sudo().tilbago_case_id.filtered(
            lambda c: c.state not in FINISHED_STATES
        )
        return (claims.case_id | linked).sudo(False) - (cases or self.env["tilbago.case"])

    def _tilbago_check_prosecutable(self, partner=None, cases=None):
        """Refuse what cannot be prosecuted, with every reason at once; return warnings.

        Called when the requisition wizard opens, when it sends, and by the claims of a
        case whenever they are written (``partner``: the debtor of the request;
        ``cases``: the case being written, not counted as another open case).
        """
        invoices = self
        if not invoices:
            raise UserError(self.env._("Select at least one customer invoice."))
        today = fields.Date.context_today(self)
        errors, warnings = [], []

        def words(reasons):
            return [
                reason.render(self.env._, lambda day: format_date(self.env, day))
                for reason in reasons
            ]

        for invoice in invoices:
            # a draft has no number yet ("/"): its display name says "Draft Invoice (* 12)"
            name = invoice.name if invoice.name not in (False, "/") else invoice.display_name
            errors += words(
                eligibility.invoice_reasons(
                    eligibility.Invoice(
                        name=name,
                        move_type=invoice.move_type,
                        posted=invoice.state == "posted",
                        currency=invoice.currency_id.name,
                        payment_state=invoice.payment_state,
                        settled=invoice.currency_id.is_zero(invoice.amount_residual),
                        due_date=invoice.invoice_date_due or None,
                    ),
                    today,
                )
            )
            if errors:
                continue
            if "tilbago_reminder_level" in invoice._fields:
                delay = invoice.company_id.tilbago_litigation_delay or 0
                third = invoice.tilbago_reminder3_date
                if not third:
                    warnings.append(
                        self.env._(
                            "Invoice %(invoice)s has not been through the third reminder "
                            "and the litigation delay.",
                            invoice=name,
                        )
                    )
                elif fields.Date.add(third, days=delay) > today:
                    warnings.append(
                        self.env._(
                            "Invoice %(invoice)s: the litigation delay of %(days)s days "
                            "after the third reminder (%(date)s) is not over.",
                            invoice=name,
                            days=delay,
                            date=format_date(self.env, third),
                        )
                    )
        debtors = invoices.commercial_partner_id
        if len(debtors) > 1:
            errors.append(
                self.env._(
                    "A debt collection request is against one debtor; the selected "
                    "invoices belong to %(count)s debtors: %(names)s. Select the invoices "
                    "of one debtor.",
                    count=len(debtors),
                    names=", ".join(debtors.mapped("display_name")),
                )
            )
        elif partner is not None and debtors != partner.commercial_partner_id:
            errors.append(
                self.env._(
                    "The debtor %(partner)s is not the customer of the invoices "
                    "(%(debtor)s).",
                    partner=partner.display_name,
                    debtor=debtors.display_name,
                )
            )
        if len(invoices.company_id) > 1:
            errors.append(self.env._("The selected invoices belong to several companies."))
        errors += words(eligibility.count_reasons(len(invoices)))
        open_cases = invoices._tilbago_open_cases(cases=cases)
        if open_cases:
            states = dict(
                self.env["tilbago.case"]._fields["state"]._description_selection(self.env)
            )
            errors.append(
                self.env._(
                    "A debt enforcement case is already open for these invoices: "
                    "%(cases)s. Follow it (or close it) instead of starting a new one.",
                    cases=", ".join(
                        "%s (%s)" % (case.sudo().name, states[case.sudo().state])
                        for case in open_cases
                    ),
                )
            )
        if errors:
            raise UserError(
                self.env._(
                    "No debt collection request can be started:\n%(reasons)s",
                    reasons="\n".join("- %s" % e for e in errors),
                )
            )
        if len(debtors) != 1 or len(invoices.company_id) != 1:
            return warnings
        credit_notes = self.env["account.move"].search(
            [
                ("move_type", "=", "out_refund"),
                ("state", "=", "posted"),
                ("commercial_partner_id", "=", debtors.id),
                ("company_id", "=", invoices.company_id.id),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        )
        if credit_notes:
            warnings.append(
                self.env._(
                    "The debtor has open credit notes (%(notes)s, %(amount)s): reconcile "
                    "them with the invoice first, or lower the claim.",
                    notes=", ".join(credit_notes.mapped("name")),
                    amount=tilbago_money.format_chf(
                        tilbago_money.from_float(sum(credit_notes.mapped("amount_residual")))
                    ),
                )
            )
        return warnings

    def action_tilbago_requisition(self):
        """Open the requisition wizard on the selected invoices (button and list action)."""
        return self.env["tilbago.requisition.wizard"]._tilbago_start(self)
