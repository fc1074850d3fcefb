# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The reminder e-mails of a batch of invoices: sent through Odoo's mail composer in
batch (one render per template and language, then one ``message_post`` per invoice),
each with the invoice PDF, the missing PDFs rendered before in one batch."""

import logging

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import split_every
from odoo.tools.pdf import PdfReadError

from .ir_qweb import INLINE_CACHE_CONTEXT_KEY

_logger = logging.getLogger(__name__)

#: context key of benchmarks/bench_reminders.py only: post the e-mails one invoice after
#: the other, as before the batch composer, to measure both paths in one run
OLD_PATH_CONTEXT_KEY = "tilbago_reminder_bench_one_by_one"
#: context key set while the composer posts a batch's reminders: each invoice's message
#: links its own invoice PDF (see ``message_post``)
ATTACH_PDF_CONTEXT_KEY = "tilbago_reminder_attach_invoice_pdf"
#: what account renders per wkhtmltopdf call when it sends invoices (same parameter)
PDF_BATCH_PARAM, PDF_BATCH_DEFAULT = "account.pdf_generation_batch", 80
#: the layout of the e-mail around the template's body
EMAIL_LAYOUT = "mail.mail_notification_light"


class AccountMove(models.Model):
    _inherit = "account.move"

    def _tilbago_reminder_post_context(self):
        """``self`` in the context the reminders are posted with.

        no_new_invoice: account must not try to import the attached PDF as an invoice.
        Posting writes the invoice's portal token and main attachment and the debtor's
        signup type; the light-write context keeps these writes from re-syncing the
        invoice's accounting lines. mail_notrack keeps them from recording tracking
        values (none of these fields is tracked): those would hold records of each
        e-mail's own environment until commit, and every with_context() scans the
        environments still alive, so each e-mail of a batch was slower than the one
        before (benchmarks/README.md). The level change itself is written before, with
        tracking, and is tracked at commit as any change. mail_notify_force_send=False:
        the e-mails are queued, never sent inside the transaction, so a batch that is
        rolled back sends nothing.
        """
        return self._tilbago_light_write().with_context(
            mail_notify_force_send=False, no_new_invoice=True, mail_notrack=True
        )

    def _tilbago_post_reminder_emails(self, template):
        """Post the reminder of ``template`` on each invoice of ``self`` and queue its
        e-mail to the debtor, with the invoice PDF.

        Odoo's mail composer in comment mode over all invoices at once: it renders the
        template in batch (subject, body, sender and recipients once per language, the
        language of each debtor from the template's ``lang``), then posts on each
        invoice with ``message_post``: the message in the invoice's chatter, the
        e-mail in the layout, threading, the followers' notifications and the bus as
        for any e-mail of the invoice. The invoice PDFs that were never rendered are
        rendered first, in one batch. The template's body is compiled once for the
        batch (``INLINE_CACHE_CONTEXT_KEY``, models/ir_qweb.py) and the reply-to of all
        messages computed at once (models/mail_compose_message.py). Unlike the former
        post per invoice, the sender is not subscribed to each invoice (the composer in
        batch does not).

        :return: the messages posted, by invoice id
        """
        if not self:
            return {}
        if self.env.context.get(OLD_PATH_CONTEXT_KEY):
            return self._tilbago_post_reminder_emails_one_by_one(template)
        self._tilbago_render_missing_invoice_pdfs()
        # what posting reads of each debtor one after the other (the portal link's signup
        # parameters: the debtor's users, and its contacts when it is written), read for
        # the whole batch in one query each
        self.partner_id.sudo().fetch(["user_ids", "child_ids"])
        moves = self._tilbago_reminder_post_context()
        composer = (
            self.env["mail.compose.message"]
            .with_context(
                moves.env.context,
                **{ATTACH_PDF_CONTEXT_KEY: True, INLINE_CACHE_CONTEXT_KEY: True},
            )
            .create({
                "composition_mode": "comment",
                "model": self._name,
                "res_ids": moves.ids,
                "template_id": template.id,
                "message_type": "comment",
                "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment"),
                "email_layout_xmlid": EMAIL_LAYOUT,
            })
        )
        _mails, messages = composer._action_send_mail()
        return {message.res_id: message for message in messages}

    def message_post(self, **kwargs):
        """While the composer posts a batch of reminders, each invoice's message also
        links the invoice's own PDF (its stored invoice PDF), as the former post per
        invoice did: the composer in batch attaches only what is the same for every
        record, or reports rendered anew for each one. (The template's
        ``report_template_ids`` with account.account_invoices would render each PDF again
        with wkhtmltopdf on every reminder: in Odoo 18 that report has no ``attachment``
        to reuse, and attach a new copy each time.)"""
        if (
            self.env.context.get(ATTACH_PDF_CONTEXT_KEY)
            and len(self) == 1
            and self.invoice_pdf_report_id
        ):
            kwargs["attachment_ids"] = list(kwargs.get("attachment_ids") or []) + [
                self.invoice_pdf_report_id.id
            ]
        return super().message_post(**kwargs)

    def _tilbago_render_missing_invoice_pdfs(self):
        """Render the invoice PDF of each invoice of ``self`` that has none, in batches
        of one wkhtmltopdf call (the size account sends invoices with), and store each
        as the invoice's PDF, as account does when it sends an invoice: the next
        reminders of the invoice attach the same document instead of rendering it
        again."""
        missing = self.filtered(lambda m: not m.invoice_pdf_report_id)
        if not missing:
            return
        Report = self.env["ir.actions.report"]
        report = "account.account_invoices"
        size = int(
            self.env["ir.config_parameter"].sudo().get_param(PDF_BATCH_PARAM, PDF_BATCH_DEFAULT)
        ) or PDF_BATCH_DEFAULT
        for company, moves in missing.grouped("company_id").items():
            for ids in split_every(size, moves.ids):
                content_by_id = self._tilbago_render_invoice_pdfs(
                    Report.with_company(company), report, list(ids)
                )
                self.env["ir.attachment"].sudo().create([
                    {
                        "name": move._get_invoice_report_filename(),
                        "raw": content_by_id[move.id],
                        "mimetype": "application/pdf",
                        "res_model": move._name,
                        "res_id": move.id,
                        "res_field": "invoice_pdf_report_file",
                    }
                    for move in self.browse(ids)
                ])
        missing.invalidate_recordset(["invoice_pdf_report_id", "invoice_pdf_report_file"])

    @api.model
    def _tilbago_render_invoice_pdfs(self, Report, report, ids):
        """The invoice PDF of each id of ``ids``: {id: bytes}, rendered in one call
        when wkhtmltopdf can, else one by one.

        Odoo's recommended wkhtmltopdf (0.12.6 with patched Qt) renders many invoices
        in one run, and account splits the result by invoice. Other builds (Debian's,
        with unpatched Qt) fail on a run of several documents (an empty PDF), or give
        one that cannot be split: the reminders must not fail for that, so such a
        batch is rendered again invoice by invoice, and the log says why."""
        if len(ids) > 1:
            try:
                content, report_type = Report._pre_render_qweb_pdf(report, res_ids=ids)
                content_by_id = Report._get_splitted_report(report, content, report_type)
            except (PdfReadError, UserError) as error:
                content_by_id, reason = {}, error
            else:
                reason = "the PDF could not be split by invoice"
            if set(ids) <= set(content_by_id):
                return content_by_id
            _logger.warning(
                "Invoice PDFs for reminders: %d invoices in one wkhtmltopdf run failed "
                "(%s); rendering them one by one (a wkhtmltopdf with patched Qt renders "
                "them at once)", len(ids), reason,
            )
        content_by_id = {}
        for move_id in ids:
            content, report_type = Report._pre_render_qweb_pdf(report, res_ids=[move_id])
            content_by_id.update(Report._get_splitted_report(report, content, report_type))
        return content_by_id

    # -- the former path, for the benchmark only -------------------------------------
    def _tilbago_post_reminder_emails_one_by_one(self, template):
        """The reminders as they were posted before the batch composer: one
        ``message_post_with_source`` per invoice (a composer each, the template rendered
        per invoice), the missing PDF rendered per invoice. Kept only so that
        benchmarks/bench_reminders.py measures the former path and the batch path in
        one run (context key ``OLD_PATH_CONTEXT_KEY``); nothing else calls it."""
        moves = self._tilbago_reminder_post_context()
        messages = {}
        for move in moves:
            move._tilbago_render_missing_invoice_pdfs()
            messages[move.id] = move.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=[(6, 0, move.invoice_pdf_report_id.ids)],
                email_layout_xmlid=EMAIL_LAYOUT,
            )[:1]
        return messages
