# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One reminder per debtor and run: the debtor's invoices that reach a level on the same
run go out together, in one e-mail or one letter with a Swiss QR-bill for each invoice.

The escalation (``account.move._tilbago_escalate``) raises the levels as before; with
the company's setting ``tilbago_reminder_per_debtor`` on, ``tilbago.reminder._tilbago_send``
hands the invoices to this run instead of sending one reminder per invoice. The run then

- posts one message per debtor on the debtor (the commercial partner), through Odoo's
  mail composer in comment mode over all debtors at once (template, language,
  recipients, followers and layout as Odoo does), with the letter PDF attached;
- for debtors without an e-mail address, puts the letter on the print list and logs a
  note on the debtor;
- logs on each invoice a note linking that message, and records one ``tilbago.reminder``
  per invoice pointing at it.

Each company is a creditor of its own (letterhead, bank account on the QR-bill, fees,
default interest, sender): a debtor owed by two companies gets one reminder from each,
listing that company's invoices only. What a letter lists travels as a *run*, one per
company: ``{"date": "YYYY-MM-DD", "company": <company id>, "lines": {"<debtor id>":
[[invoice id, level id, fees], ...]}}`` in the context (mail rendering) or the report's
data (``tilbago_run``, or ``tilbago_runs`` for several companies: printing, preview):
JSON, so a report action carries it. Runs are never stored beyond the preview's
transient record; one without ``company`` (before 18.0.2.x) is read as before, its
company that of its first invoice.
"""

import uuid
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import float_repr
from odoo.tools.misc import format_date, formatLang

from ..tilbago import letters, reminders
from .ir_qweb import INLINE_CACHE_CONTEXT_KEY

#: context key of the run being sent or previewed
RUN_KEY = "tilbago_debtor_run"
#: context key collecting the invoices of a run while the escalation raises them
COLLECT_KEY = "tilbago_debtor_collect"
DEBTOR_TEMPLATE = "l10n_ch_tilbago.mail_template_tilbago_reminder_debtor"
LETTER_REPORT = "l10n_ch_tilbago.action_report_tilbago_reminder_debtor"
QR_REPORT = "l10n_ch_tilbago.action_report_tilbago_qr_bill"
#: currencies a Swiss QR-bill can carry
QR_CURRENCIES = ("CHF", "EUR")
TITLE_GENDERS = {
    "base.res_partner_title_madam": "f",
    "base.res_partner_title_miss": "f",
    "base.res_partner_title_mister": "m",
}


def make_run(today, lines_by_debtor, company_id=False):
    """One company's run as JSON: ``lines_by_debtor`` maps a debtor id to ``[(move id,
    level id, fees)]`` of invoices of ``company_id``."""
    run = {
        "date": fields.Date.to_string(today),
        "lines": {
            str(debtor_id): [[move_id, level_id, fee] for move_id, level_id, fee in lines]
            for debtor_id, lines in lines_by_debtor.items()
        },
    }
    if company_id:
        run["company"] = company_id
    return run


def make_runs(today, lines):
    """The runs of several companies: ``lines`` maps ``(company id, debtor id)`` to
    ``[(move id, level id, fees)]``; one run per company, by company id."""
    by_company = defaultdict(dict)
    for (company_id, debtor_id), rows in lines.items():
        by_company[company_id][debtor_id] = rows
    return [make_run(today, debtors, company_id)
            for company_id, debtors in sorted(by_company.items())]


def run_data(runs):
    """A report's data carrying ``runs``: one run as ``tilbago_run``, several as
    ``tilbago_runs``."""
    return {"tilbago_run": runs[0]} if len(runs) == 1 else {"tilbago_runs": runs}


class AccountMove(models.Model):
    _inherit = "account.move"

    def _tilbago_escalate(self, today):
        """Raise the levels as before; the reminders of companies reminding per debtor
        are collected while the levels rise, then sent per debtor."""
        if self.env.context.get(COLLECT_KEY):
            return super()._tilbago_escalate(today)
        # the context holds the run's key, the cursor's cache its list: a list in the
        # context would be shared by every environment of an equal context
        run_key = uuid.uuid4().hex
        runs = self.env.cr.cache.setdefault(COLLECT_KEY, {})
        collected = runs[run_key] = []
        try:
            result = super(
                AccountMove, self.with_context(**{COLLECT_KEY: run_key})
            )._tilbago_escalate(today)
        finally:
            runs.pop(run_key, None)
        if collected:
            self.env["tilbago.reminder"]._tilbago_send_per_debtor(collected, today)
        return result

    def _tilbago_debtor_preview_lines(self):
        """What a run would list for ``self`` today: each invoice at its next level,
        with the fees it would then carry, in one run per company. Invoices without a
        next level are left out."""
        lines = defaultdict(list)
        today = self._tilbago_today()
        for move in self:
            levels = move._tilbago_levels()
            rank = reminders.next_rank(move._tilbago_rank(levels), len(levels))
            if not rank or move.tilbago_reminder_state == "litigation":
                continue
            level = levels[rank - 1]
            fee = level.fee
            if fee:
                fee = move.company_id.currency_id._convert(
                    fee, move.currency_id, move.company_id, today
                )
            lines[move.company_id.id, move.commercial_partner_id.id].append(
                (move.id, level.id, move.tilbago_reminder_fee + fee)
            )
        return make_runs(today, lines)

    def action_tilbago_preview_reminder(self):
        """Button of the reminder lists: the reminder the run would send to the debtors
        of the selected invoices, as e-mail and letter, in each debtor's language.

        Where the company reminds per debtor: one reminder per company and debtor,
        listing the selected invoices and the debtors' others of that company whose
        next level is due today. Where it
        reminds per invoice: the reminder of each selected invoice (its level's
        template), see ``tilbago.reminder.preview``."""
        due = self.search(
            self._tilbago_due_domain(self._tilbago_today())
            + [("commercial_partner_id", "in", self.commercial_partner_id.ids)]
        )._tilbago_reminded_per_debtor()
        runs = (self | due)._tilbago_debtor_preview_lines()
        return self.env["tilbago.reminder.preview"]._tilbago_open(runs)

    def action_tilbago_print_reminders(self):
        """Letters sent per debtor print as one letter per company and debtor, the
        others as before."""
        pending = self.env["tilbago.reminder"].sudo().search(
            [("move_id", "in", self.ids), ("state", "=", "to_print"), ("per_debtor", "=", True)]
        )
        if not pending or pending.move_id != self.filtered(
            lambda m: m.tilbago_reminder_state == "reminder"
        ):
            return super().action_tilbago_print_reminders()
        runs = make_runs(
            max(pending.mapped("date")),
            self.env["tilbago.reminder"]._tilbago_lines_by_debtor(pending),
        )
        super().action_tilbago_print_reminders()
        # a debtor of two companies: its letter of each, company by company
        partners = self.env["res.partner"].browse(
            [int(pid) for run in runs for pid in run["lines"]]
        )
        return self.env.ref(LETTER_REPORT).report_action(
            partners, data=run_data(runs), config=False
        )


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _tilbago_run_lines(self):
        """``[(invoice, level, fees)]`` of the debtor in the run of the context."""
        self.ensure_one()
        run = self.env.context.get(RUN_KEY) or {}
        rows = (run.get("lines") or {}).get(str(self.id), [])
        moves = self.env["account.move"].browse([row[0] for row in rows])
        levels = self.env["tilbago.reminder.level"].browse([row[1] for row in rows])
        lines = [
            (move, level, row[2]) for move, level, row in zip(moves, levels, rows, strict=True)
        ]
        # oldest first, as the debtor's books list them
        return sorted(lines, key=lambda line: (line[0].invoice_date_due or fields.Date.today(),
                                               line[0].name or ""))

    def _tilbago_run_date(self):
        run = self.env.context.get(RUN_KEY) or {}
        return fields.Date.to_date(run.get("date")) or fields.Date.context_today(self)

    def _tilbago_run_company(self):
        """The company reminding the debtor: the run's (that of its listed invoices)."""
        run = self.env.context.get(RUN_KEY) or {}
        if run.get("company"):
            return self.env["res.company"].browse(run["company"])
        # a run of an earlier version, without its company
        lines = self._tilbago_run_lines()
        return lines[0][0].company_id if lines else self.env.company

    def _tilbago_reminder_debtor_lang(self):
        """The language of the debtor's reminder: that of its first listed invoice."""
        lines = self._tilbago_run_lines()
        if lines:
            return lines[0][0]._tilbago_reminder_lang()
        return self.lang or "en_US"

    def _tilbago_reminder_debtor_recipients(self):
        """The invoices' customers with an e-mail address (ids, comma separated)."""
        partners = self.env["res.partner"].browse()
        for move, _level, _fee in self._tilbago_run_lines():
            partners |= move.partner_id.filtered("email")
        return ",".join(str(pid) for pid in partners.ids)

    def _tilbago_greeting(self):
        """The letter's salutation in the language of the environment."""
        self.ensure_one()
        title = self.title
        gender = None
        if title:
            xmlids = {self.env.ref(x, raise_if_not_found=False): g for x, g in TITLE_GENDERS.items()}
            gender = xmlids.get(title)
        lang = self.env.lang or "en_US"
        label = title.shortcut or title.name if letters.language(lang) == "en" else title.name
        return letters.greeting(lang, self.is_company, self.name, label or "", gender)

    def _tilbago_reminder_letter(self):
        """What the reminder e-mail and letter of the debtor show, formatted in the
        language of the environment: the invoices by currency (company currency first,
        never summed across currencies), totals, default interest, greeting."""
        self.ensure_one()
        lines = self._tilbago_run_lines()
        today = self._tilbago_run_date()
        company = self._tilbago_run_company()
        all_levels = company.sudo().tilbago_reminder_level_ids
        rank = max((all_levels.ids.index(lv.id) + 1 for _m, lv, _f in lines
                    if lv.id in all_levels.ids), default=1)
        interest_rank = company.tilbago_reminder_interest_rank
        with_interest = bool(interest_rank) and rank >= interest_rank
        charge_fees = company.tilbago_reminder_fees_on_qr
        rate = None
        rate_text = float_repr(company.tilbago_interest_rate or 0.0, 5)
        by_currency = defaultdict(list)
        for move, level, fee in lines:
            by_currency[move.currency_id].append((move, level, fee))
        currencies = sorted(by_currency, key=lambda c: (c != company.currency_id, c.name))
        groups = []
        for currency in currencies:
            rows, total, total_interest = [], 0.0, 0.0
            for move, level, fee in by_currency[currency]:
                amount = move.amount_residual
                due = amount + (fee if charge_fees else 0.0)
                interest = 0.0
                if with_interest and move.invoice_date_due:
                    rate, _start, interest = letters.default_interest(
                        float_repr(amount, currency.decimal_places), rate_text,
                        move.invoice_date_due, today,
                    )
                    interest = float(interest)
                total += due
                total_interest += interest
                rows.append({
                    "move": move,
                    "number": move.name,
                    "date": format_date(self.env, move.invoice_date),
                    "due_date": format_date(self.env, move.invoice_date_due),
                    "level": level.sudo().with_context(lang=self.env.lang).name,
                    "amount": formatLang(self.env, amount, currency_obj=currency),
                    "fee": formatLang(self.env, fee, currency_obj=currency) if fee else "",
                    "due": due,
                    "interest": formatLang(self.env, interest, currency_obj=currency),
                })
            groups.append({
                "currency": currency.name,
                "rows": rows,
                "total": formatLang(self.env, total, currency_obj=currency),
                "interest": formatLang(self.env, total_interest, currency_obj=currency),
            })
        if rate is None:
            rate = letters.default_interest(0, rate_text, today, today)[0]
        return {
            "greeting": self._tilbago_greeting(),
            "date": format_date(self.env, today),
            "rank": rank,
            "first": rank == 1,
            "last": rank >= len(all_levels),
            "groups": groups,
            "count": len(lines),
            "numbers": ", ".join(move.name for move, _l, _f in lines),
            "charge_fees": charge_fees,
            "with_interest": with_interest,
            "rate": formatLang(self.env, float(rate), digits=2),
            "company": company,
        }

    def _tilbago_reminder_letter_body(self):
        """The body of the debtor's reminder e-mail, as the letter prints it: one text to
        edit for both, in the debtor's language."""
        self.ensure_one()
        template = self.env.ref(DEBTOR_TEMPLATE).sudo()
        return template._render_field("body_html", self.ids, compute_lang=True)[self.id]

    def _tilbago_qr_moves(self):
        """The listed invoices that get a QR-bill, and the amount of each."""
        self.ensure_one()
        moves = self.env["account.move"].browse()
        amounts = {}
        for move, _level, fee in self._tilbago_run_lines():
            if not (move.l10n_ch_is_qr_valid and move.currency_id.name in QR_CURRENCIES):
                continue
            moves |= move
            charge = move.company_id.tilbago_reminder_fees_on_qr
            amounts[str(move.id)] = move.amount_residual + (fee if charge else 0.0)
        return moves, amounts


class TilbagoReminder(models.Model):
    _inherit = "tilbago.reminder"

    @api.model
    def _tilbago_lines_by_debtor(self, reminders):
        """The rows of ``reminders`` by ``(company id, debtor id)`` (see ``make_runs``)."""
        lines = defaultdict(list)
        for reminder in reminders:
            move = reminder.move_id
            lines[move.company_id.id, move.commercial_partner_id.id].append(
                (reminder.move_id.id, reminder.level_id.id, reminder.move_id.tilbago_reminder_fee)
            )
        return lines

    @api.model
    def _tilbago_send_per_debtor(self, collected, today):
        """Send the collected reminders, one per company, debtor and channel, and record
        one reminder per invoice pointing at the shared message.

        :param collected: ``[(invoice id, level id, fee charged now)]``
        :return: the reminders recorded
        """
        moves = self.env["account.move"].browse([row[0] for row in collected])
        level_of = {row[0]: row[1] for row in collected}
        fees = {row[0]: row[2] for row in collected}
        levels = self.env["tilbago.reminder.level"].browse(list(set(level_of.values())))
        by_channel = {"email": defaultdict(list), "letter": defaultdict(list)}
        for move in moves:
            channel = move._tilbago_reminder_channel()
            by_channel[channel][move.company_id.id, move.commercial_partner_id.id].append(
                (move.id, level_of[move.id], move.tilbago_reminder_fee)
            )
        message_of = {}
        # one composer per company: each debtor's message rendered and posted with the
        # company reminding it
        for run in make_runs(today, by_channel["email"]):
            message_of.update(
                ((run["company"], debtor_id), message)
                for debtor_id, message in self._tilbago_post_debtor_emails(run).items()
            )
        if by_channel["letter"]:
            message_of.update(self._tilbago_log_debtor_letters(by_channel["letter"]))
        level_by_id = {level.id: level for level in levels}
        vals_list, notes = [], {}
        for channel, debtors in by_channel.items():
            for key, rows in debtors.items():
                message = message_of.get(key)
                for move_id, level_id, _fee in rows:
                    move = moves.browse(move_id)
                    level = level_by_id[level_id]
                    vals = self._tilbago_vals(
                        move, level, today, fees, channel, message,
                        "sent" if channel == "email" else "to_print",
                    )
                    vals["per_debtor"] = True
                    vals_list.append(vals)
                    notes[move_id] = self._tilbago_debtor_note(level, channel, message, len(rows))
        to_print = moves.browse([row[0] for rows in by_channel["letter"].values() for row in rows])
        if to_print:
            to_print._tilbago_light_write().write({"tilbago_reminder_to_print": True})
        moves._message_log_batch(bodies=notes)
        return self.sudo().create(vals_list)

    def _tilbago_debtor_note(self, level, channel, message, count):
        """The invoice's note: its reminder went out with the debtor's others."""
        if channel == "email":
            text = self.env._(
                "Reminder %(level)s sent by e-mail to the debtor, in one reminder listing "
                "%(count)s invoice(s).",
                level=level._tilbago_rank(), count=count,
            )
        else:
            text = self.env._(
                "Reminder %(level)s is ready to print: one letter to the debtor listing "
                "%(count)s invoice(s) (the debtor has no e-mail address).",
                level=level._tilbago_rank(), count=count,
            )
        if not message:
            return Markup("<p>%s</p>") % text
        return Markup('<p>%s <a href="/mail/message/%s">%s</a></p>') % (
            text, message.id, self.env._("See the reminder on the debtor.")
        )

    @api.model
    def _tilbago_post_debtor_emails(self, run):
        """One e-mail per debtor of ``run`` (one company's), posted on the debtor through
        the mail composer in comment mode over all debtors at once, with the run's
        company (the message's company, the layout's, the PDF's letterhead).

        :return: the message posted, by debtor id
        """
        env = self.with_company(run["company"]).env if run.get("company") else self.env
        partners = env["res.partner"].browse([int(pid) for pid in run["lines"]])
        template = env.ref(DEBTOR_TEMPLATE)
        messages = env["mail.message"].sudo()
        last = messages.search(
            [("model", "=", "res.partner"), ("res_id", "in", partners.ids)],
            order="id desc", limit=1,
        ).id
        composer = env["mail.compose.message"].with_context(
            **{RUN_KEY: run, INLINE_CACHE_CONTEXT_KEY: True},
            mail_notify_force_send=False,
            mail_create_nosubscribe=True,
            mail_notrack=True,
        ).create({
            "composition_mode": "comment",
            "composition_batch": True,
            "model": "res.partner",
            "res_ids": repr(partners.ids),
            "template_id": template.id,
            "message_type": "comment",
            "subtype_id": env.ref("mail.mt_comment").id,
            "email_layout_xmlid": "mail.mail_notification_light",
            "force_send": False,
        })
        composer.action_send_mail()
        posted = messages.search(
            [("model", "=", "res.partner"), ("res_id", "in", partners.ids), ("id", ">", last),
             ("message_type", "=", "comment")],
        )
        return {message.res_id: message for message in posted}

    @api.model
    def _tilbago_log_debtor_letters(self, lines):
        """A note on each debtor without e-mail, for each company reminding it: its
        letter waits to be printed.

        :param lines: the rows by ``(company id, debtor id)``
        :return: the note, by ``(company id, debtor id)``
        """
        moves = self.env["account.move"].browse(
            [row[0] for rows in lines.values() for row in rows]
        )
        notes = {}
        for run in make_runs(fields.Date.today(), lines):
            company = self.env["res.company"].browse(run["company"])
            partners = self.env["res.partner"].with_company(company).browse(
                [int(pid) for pid in run["lines"]]
            )
            bodies = {}
            for partner in partners:
                names = ", ".join(moves.browse(row[0]).name for row in run["lines"][str(partner.id)])
                bodies[partner.id] = Markup("<p>%s</p>") % self.env._(
                    "Reminder letter of %(company)s ready to print for the invoices "
                    "%(names)s.",
                    company=company.name, names=names,
                )
            notes.update(
                ((company.id, note.res_id), note)
                for note in partners._message_log_batch(bodies=bodies)
            )
        return notes
