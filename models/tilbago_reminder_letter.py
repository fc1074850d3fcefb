# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The reminder letter per debtor as a PDF, with a Swiss QR-bill per invoice, and its
preview from the reminder lists.

The letter (report/reminder_debtor_report.xml) is rendered for the debtor; each listed
invoice that can carry a QR-bill (``l10n_ch_is_qr_valid``, CHF or EUR) adds one page
with l10n_ch's QR-bill at its foot: the invoice's own QR or creditor reference, so a
payment is matched to that invoice. The run (which invoices, at which level, for which
company) comes from the report's data (print list, preview) or the context (the e-mail's
PDF); a print list over several companies carries one run per company
(``tilbago_runs``): a debtor of two companies gets a letter from each.
"""

import io
import json

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.pdf import OdooPdfFileReader, OdooPdfFileWriter

from .tilbago_reminder_debtor import DEBTOR_TEMPLATE, QR_REPORT, RUN_KEY

LETTER_REPORT_NAME = "l10n_ch_tilbago.report_tilbago_reminder_debtor"


def _run_of(env, data):
    return (data or {}).get("tilbago_run") or env.context.get(RUN_KEY) or {}


def _runs_of(env, data):
    """The runs of the report: several companies' (``tilbago_runs``) or one."""
    runs = (data or {}).get("tilbago_runs")
    return list(runs) if runs else [_run_of(env, data)]


def _load_runs(text):
    """The preview's runs; a preview of an earlier version holds one run."""
    runs = json.loads(text or "[]")
    return [runs] if isinstance(runs, dict) else runs


class ReportTilbagoReminderDebtor(models.AbstractModel):
    _name = "report.l10n_ch_tilbago.report_tilbago_reminder_debtor"
    _description = "Reminder Letter per Debtor"

    @api.model
    def _get_report_values(self, docids, data=None):
        runs = _runs_of(self.env, data)
        partners = self.env["res.partner"].browse(docids)
        if len(runs) == 1:
            docs = partners.with_context(**{RUN_KEY: runs[0]})
        else:
            # one letter per company and debtor, company by company
            docs = [
                partner.with_context(**{RUN_KEY: run})
                for run in runs for partner in partners.browse(list(dict.fromkeys(docids)))
                if str(partner.id) in run["lines"]
            ]
        return {"doc_ids": docids, "doc_model": "res.partner", "docs": docs}


class ReportTilbagoQrBill(models.AbstractModel):
    _name = "report.l10n_ch_tilbago.report_tilbago_qr_bill"
    _description = "Reminder QR-bill"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["account.move"].browse(docids)
        amounts = dict((data or {}).get("tilbago_amounts") or {})
        urls = {}
        for move in docs:
            amount = amounts.setdefault(str(move.id), move.amount_residual)
            urls[move.id] = move.partner_bank_id.build_qr_code_base64(
                amount, move.ref or move.name, move.payment_reference, move.currency_id,
                move.partner_id, qr_method="ch_qr", silent_errors=False,
            )
        return {
            "doc_ids": docids,
            "doc_model": "account.move",
            "docs": docs,
            "qr_code_urls": urls,
            "tilbago_amounts": amounts,
        }


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        report = self._get_report(report_ref)
        if report.report_name != LETTER_REPORT_NAME or not res_ids:
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids)
        runs = _runs_of(self.env, data)
        if len(runs) > 1:
            # several companies: each one's letters, keyed by company and debtor (a
            # debtor may have a letter of each)
            rest = {key: value for key, value in data.items() if key != "tilbago_runs"}
            streams = {}
            for run in runs:
                ids = [pid for pid in dict.fromkeys(res_ids) if str(pid) in run["lines"]]
                if not ids:
                    continue
                run_streams = self._render_qweb_pdf_prepare_streams(
                    report_ref, dict(rest, tilbago_run=run), ids
                )
                streams.update(
                    ((run.get("company"), key), value) for key, value in run_streams.items()
                )
            return streams
        # one letter per debtor, each followed by the QR-bills of its invoices
        streams = {}
        for res_id in res_ids:
            streams.update(
                super()._render_qweb_pdf_prepare_streams(report_ref, data, [res_id])
            )
        run = _run_of(self.env, data)
        partners = self.env["res.partner"].with_context(**{RUN_KEY: run}).browse(res_ids)
        qr_moves, amounts, moves_of = self.env["account.move"].browse(), {}, {}
        for partner in partners:
            moves, partner_amounts = partner._tilbago_qr_moves()
            qr_moves |= moves
            amounts.update(partner_amounts)
            moves_of[partner.id] = moves
        if not qr_moves:
            return streams
        # one rendering per QR-bill: several records in one wkhtmltopdf run come back
        # as one document that cannot always be split by record
        qr_data = {"tilbago_amounts": amounts}
        pages = {}
        for move in qr_moves:
            qr_streams = super()._render_qweb_pdf_prepare_streams(QR_REPORT, qr_data, move.ids)
            pages[move.id] = next(iter(qr_streams.values()))["stream"]
        for partner in partners:
            if not moves_of[partner.id] or partner.id not in streams:
                continue
            writer = OdooPdfFileWriter()
            letter = OdooPdfFileReader(streams[partner.id]["stream"], strict=False)
            for number in range(letter.getNumPages()):
                writer.addPage(letter.getPage(number))
            for move in moves_of[partner.id]:
                qr_pdf = OdooPdfFileReader(pages[move.id], strict=False)
                writer.addPage(qr_pdf.getPage(0))
            output = io.BytesIO()
            writer.write(output)
            output.seek(0)
            streams[partner.id]["stream"] = output
        return streams


class TilbagoReminderPreview(models.TransientModel):
    """What the run would send to a debtor of the selected invoices.

    One reminder per company and debtor: ``company_id`` and ``partner_id`` choose it.
    A company reminding per debtor: the debtor's reminder listing its invoices of that
    company (``DEBTOR_TEMPLATE``, the letter with its QR-bills). A company reminding per
    invoice (``tilbago_reminder_per_debtor`` off): one reminder per invoice, the
    template of the invoice's next level rendered on the invoice as the run leaves it
    (at that level, with its fees), e-mail or letter as the run decides
    (``account.move._tilbago_reminder_channel``).
    """

    _name = "tilbago.reminder.preview"
    _description = "Reminder Preview"

    run = fields.Text(required=True, readonly=True)
    company_ids = fields.Many2many("res.company", string="Companies", readonly=True)
    company_id = fields.Many2one(
        "res.company",
        domain="[('id', 'in', company_ids)]",
        help="The company whose reminder is shown: each company reminds its own "
        "invoices, as a creditor of its own.",
    )
    partner_ids = fields.Many2many("res.partner", string="Debtors", readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Debtor",
        required=True,
        domain="[('id', 'in', partner_ids)]",
        help="The debtor whose reminder is shown, in the debtor's language.",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        string="Invoices Reminded One by One",
        compute="_compute_invoice_ids",
        help="The debtor's invoices of a company that sends one reminder per invoice "
        "(setting 'One Reminder per Debtor' off).",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        compute="_compute_move_id",
        store=True,
        readonly=False,
        domain="[('id', 'in', invoice_ids)]",
        help="The invoice whose own reminder is shown: its company sends one reminder "
        "per invoice.",
    )
    lang = fields.Char(string="Language", compute="_compute_preview")
    channel = fields.Selection(
        [("email", "E-mail"), ("letter", "Letter")], compute="_compute_preview"
    )
    email_to = fields.Char(string="To", compute="_compute_preview")
    subject = fields.Char(compute="_compute_preview")
    body = fields.Html(compute="_compute_preview", sanitize=False)

    @api.model
    def _tilbago_open(self, runs):
        """:param runs: one run per company (``make_runs``)"""
        runs = [runs] if isinstance(runs, dict) else runs
        debtors = self.env["res.partner"].browse(
            list(dict.fromkeys(int(pid) for run in runs for pid in run["lines"]))
        )
        if not debtors:
            raise UserError(self.env._(
                "None of the selected invoices has a next reminder level: nothing to preview."
            ))
        companies = self.env["res.company"].browse(
            [run["company"] for run in runs if run.get("company")]
        )
        preview = self.create({
            "run": json.dumps(runs),
            "company_ids": [fields.Command.set(companies.ids)],
            "company_id": companies[:1].id,
            "partner_ids": [fields.Command.set(debtors.ids)],
            "partner_id": int(next(iter(runs[0]["lines"]))),
        })
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reminder Preview"),
            "res_model": self._name,
            "res_id": preview.id,
            "view_mode": "form",
            "target": "new",
        }

    def _tilbago_run(self):
        """The run of the company shown (a preview of an earlier version: its run)."""
        runs = _load_runs(self.run)
        return next(
            (run for run in runs if run.get("company", self.company_id.id) == self.company_id.id),
            {},
        )

    def _tilbago_partner(self):
        """The debtor shown, rendered with the company reminding it."""
        return self.partner_id.with_company(self.company_id).with_context(
            **{RUN_KEY: self._tilbago_run()}
        )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        """A debtor chosen: a company reminding it, if the one shown does not."""
        runs = _load_runs(self.run)
        debtor = str(self.partner_id.id)
        if self.partner_id and debtor not in self._tilbago_run().get("lines", {}):
            companies = [run.get("company") for run in runs if debtor in run["lines"]]
            if companies and companies[0]:
                self.company_id = companies[0]

    @api.onchange("company_id")
    def _onchange_company_id(self):
        """A company chosen: a debtor it reminds, if not the one shown."""
        lines = self._tilbago_run().get("lines", {})
        if lines and str(self.partner_id.id) not in lines:
            self.partner_id = int(next(iter(lines)))

    def _tilbago_lines(self):
        """The run's ``[(invoice, level, fees)]`` of the debtor shown."""
        partner = self._tilbago_partner()
        return partner._tilbago_run_lines() if partner else []

    @api.depends("run", "company_id", "partner_id")
    def _compute_invoice_ids(self):
        for preview in self:
            moves = self.env["account.move"].union(
                *(move for move, _level, _fee in preview._tilbago_lines())
            )
            preview.invoice_ids = moves - moves._tilbago_reminded_per_debtor()

    @api.depends("run", "company_id", "partner_id")
    def _compute_move_id(self):
        for preview in self:
            moves = self.env["account.move"].union(
                *(move for move, _level, _fee in preview._tilbago_lines())
            )
            if not (preview.move_id and preview.move_id in preview.invoice_ids):
                # the debtor's own reminder first, when its company sends one
                per_debtor = moves._tilbago_reminded_per_debtor()
                preview.move_id = False if per_debtor else preview.invoice_ids[:1]

    @api.depends("run", "company_id", "partner_id", "move_id")
    def _compute_preview(self):
        template = self.env.ref(DEBTOR_TEMPLATE).sudo()
        for preview in self:
            partner = preview._tilbago_partner()
            if preview.move_id:
                preview.update(preview._tilbago_invoice_preview())
                continue
            if not partner or not partner._tilbago_run_lines():
                preview.update({"lang": False, "channel": False, "email_to": False,
                                "subject": False, "body": False})
                continue
            template = template.with_company(preview.company_id).with_context(
                **{RUN_KEY: partner.env.context.get(RUN_KEY)}
            )
            recipients = partner._tilbago_reminder_debtor_recipients()
            preview.lang = template._render_lang(partner.ids)[partner.id]
            preview.channel = "email" if recipients else "letter"
            preview.email_to = preview._tilbago_emails(recipients)
            preview.subject = template._render_field(
                "subject", partner.ids, compute_lang=True
            )[partner.id]
            preview.body = template._render_field(
                "body_html", partner.ids, compute_lang=True
            )[partner.id]

    def _tilbago_emails(self, recipients):
        """The addresses of ``recipients`` (partner ids, comma separated) that have one."""
        return ", ".join(
            self.env["res.partner"].browse(
                [int(pid) for pid in (recipients or "").split(",") if pid.strip()]
            ).filtered("email").mapped("email_formatted")
        )

    def _tilbago_invoice_preview(self):
        """The reminder the run sends for ``move_id`` alone: its next level's template
        rendered on the invoice at that level and with the fees it would then carry,
        in the debtor's language."""
        self.ensure_one()
        move = self.move_id
        [(level, fee)] = [
            (line_level, line_fee)
            for line_move, line_level, line_fee in self._tilbago_lines()
            if line_move == move
        ]
        template = level.sudo().mail_template_id
        fnames = ["tilbago_reminder_level_id", "tilbago_reminder_fee"]
        move.flush_recordset()
        # the invoice as the run leaves it, in the cache only: nothing is written, and
        # the invoice is read again from the database afterwards (what was computed
        # from these values while rendering included)
        for fname, value in zip(fnames, (level, fee), strict=True):
            field = move._fields[fname]
            self.env.cache.set(move, field, field.convert_to_cache(value, move))
        try:
            channel = move._tilbago_reminder_channel()
            return {
                "lang": template._render_lang(move.ids)[move.id],
                "channel": channel,
                "email_to": self._tilbago_emails(
                    template._render_field("partner_to", move.ids)[move.id]
                ),
                "subject": template._render_field(
                    "subject", move.ids, compute_lang=True
                )[move.id],
                # the letter's body is the level's template too (the print list's letter)
                "body": move._tilbago_reminder_letter_body() if channel == "letter"
                else template._render_field("body_html", move.ids, compute_lang=True)[move.id],
            }
        finally:
            move.invalidate_recordset()

    def action_print_letter(self):
        """The letter with its QR-bills, as the run would print or attach it."""
        self.ensure_one()
        if self.move_id:
            raise UserError(self.env._(
                "The invoice %(invoice)s is reminded on its own (setting 'One Reminder "
                "per Debtor' off): its letter is the text shown here, printed from the "
                "print list once the reminder is sent.",
                invoice=self.move_id.display_name,
            ))
        return self.env.ref("l10n_ch_tilbago.action_report_tilbago_reminder_debtor").report_action(
            self.partner_id, data={"tilbago_run": self._tilbago_run()}, config=False
        )
