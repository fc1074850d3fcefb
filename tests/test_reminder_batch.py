# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The reminder e-mails of a batch go through Odoo's mail composer in batch and keep
what a post per invoice gave: the e-mail in each invoice's chatter with its invoice
PDF, the layout, the followers' notifications, the debtor's language, the level change
tracked; the missing PDFs are rendered in one batch; the queries per invoice do not grow
with the batch."""

import datetime
from unittest.mock import patch

from lxml import etree

from odoo.tests import tagged
from odoo.tools.pdf import PdfReadError

from ..models.account_move_reminder_mail import OLD_PATH_CONTEXT_KEY
from .test_reminder import ReminderCommon

D = datetime.date
FIRST_DAY = D(2026, 1, 11)


@tagged("post_install", "-at_install")
class TestReminderBatch(ReminderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("de_CH", "fr_CH"):
            cls.env["res.lang"]._activate_lang(code)
        # the addon's translations of the templates (i18n/de.po, fr.po)
        cls.env["ir.module.module"]._load_module_terms(
            ["l10n_ch_tilbago"], ["de_CH", "fr_CH"], overwrite=True
        )
        cls.debtor_de = cls.env["res.partner"].create(
            {"name": "Schuldner AG", "email": "de@example.com", "lang": "de_CH"}
        )
        cls.debtor_fr = cls.env["res.partner"].create(
            {"name": "Débiteur SA", "email": "fr@example.com", "lang": "fr_CH"}
        )
        cls.accountant = cls.env["res.partner"].create(
            {"name": "Accountant Follower", "email": "accountant@example.com"}
        )

    def _mails(self, message):
        return self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])

    def test_batch_posts_one_e_mail_per_invoice_with_its_pdf(self):
        moves = self._invoice(self.debtor_de) | self._invoice(self.debtor_fr) | self._invoice()
        moves[0].message_subscribe(partner_ids=self.accountant.ids)
        self._commit_tracking()  # the invoices were created in an earlier transaction
        report = type(self.env["ir.actions.report"])
        original = report._pre_render_qweb_pdf
        renders = []

        def count_renders(self_report, report_ref, res_ids=None, data=None):
            renders.append(list(res_ids))
            return original(self_report, report_ref, res_ids=res_ids, data=data)

        with patch.object(report, "_pre_render_qweb_pdf", count_renders):
            self.assertEqual(self._run(FIRST_DAY), (3, 0))
        self.assertEqual(renders, [moves.ids], "the missing invoice PDFs in one render")
        self._commit_tracking()
        for move, greeting, subject in zip(
            moves, ("Guten Tag", "Bonjour", "Dear"), ("Zahlungserinnerung", "Rappel", "Reminder")
        ):
            message = self._reminder_messages(move)
            self.assertEqual(len(message), 1, "one e-mail in the invoice's chatter")
            # the invoice's own PDF, stored as its invoice PDF, linked to the message
            self.assertTrue(move.invoice_pdf_report_id)
            self.assertEqual(message.attachment_ids, move.invoice_pdf_report_id)
            self.assertEqual(move.message_main_attachment_id, move.invoice_pdf_report_id)
            # the debtor is the recipient, in the debtor's language
            self.assertEqual(message.partner_ids, move.partner_id)
            self.assertIn(greeting, message.body)
            self.assertTrue(message.subject.startswith(subject), message.subject)
            self.assertIn(move.name, message.subject)
            # threading: the message of the invoice, replies come back to it
            self.assertEqual((message.model, message.res_id), ("account.move", move.id))
            self.assertTrue(message.message_id)
            self.assertEqual(move.tilbago_reminder_ids.message_id, message)
            # the e-mail is queued in the layout, with the invoice PDF
            # (the follower of the first invoice gets an e-mail of their own)
            mails = self._mails(message).filtered(lambda m, p=move.partner_id: p in m.recipient_ids)
            self.assertEqual(mails.mapped("state"), ["outgoing"])
            self.assertIn("Powered by", mails.body_html, "the mail layout")
            self.assertIn(move.name.replace("/", "-"), mails.body_html)
            self.assertIn(greeting, mails.body_html)
            self.assertEqual(mails.attachment_ids, move.invoice_pdf_report_id)
            self.assertIn("access_token", mails.body_html, "the debtor's link to the invoice")
            # the level change is tracked as any change of a tracked field
            trackings = move.message_ids.tracking_value_ids.filtered(
                lambda t: t.field_id.name == "tilbago_reminder_level_id"
            )
            self.assertEqual(
                [(t.old_value_char, t.new_value_char) for t in trackings], [("", "Reminder 1")]
            )
        # the follower of the first invoice is notified of its reminder (and only of it)
        notified = self.env["mail.notification"].search(
            [("res_partner_id", "=", self.accountant.id)]
        )
        self.assertEqual(notified.mail_message_id, self._reminder_messages(moves[0]))
        self.assertEqual(notified.notification_type, "email")
        self.assertIn(self.accountant, self._mails(notified.mail_message_id).recipient_ids)

    def test_a_wkhtmltopdf_that_fails_on_several_invoices_renders_them_one_by_one(self):
        """Debian's wkhtmltopdf (unpatched Qt) returns an empty PDF for a run of several
        documents: the reminders still go out, each with its own invoice PDF."""
        moves = self._invoice(self.debtor_de) | self._invoice(self.debtor_fr) | self._invoice()
        report = type(self.env["ir.actions.report"])
        original = report._pre_render_qweb_pdf
        renders = []

        def unpatched_qt(self_report, report_ref, res_ids=None, data=None):
            renders.append(list(res_ids))
            if len(res_ids) > 1:
                raise PdfReadError("Cannot read an empty file")
            return original(self_report, report_ref, res_ids=res_ids, data=data)

        with patch.object(report, "_pre_render_qweb_pdf", unpatched_qt), \
                self.assertLogs("odoo.addons.l10n_ch_tilbago", "WARNING") as logs:
            self.assertEqual(self._run(FIRST_DAY), (3, 0))
        self.assertEqual(renders, [moves.ids] + [[move_id] for move_id in moves.ids])
        self.assertIn("one by one", logs.output[0])
        for move in moves:
            message = self._reminder_messages(move)
            self.assertEqual(message.attachment_ids, move.invoice_pdf_report_id)
            self.assertIn(move.name, move.invoice_pdf_report_id.raw.decode())

    def test_stored_invoice_pdf_is_attached_not_rendered(self):
        move = self._invoice()
        pdf = self.env["ir.attachment"].create({
            "name": "INV_sent.pdf",
            "raw": b"%PDF-1.4 sent",
            "mimetype": "application/pdf",
            "res_model": "account.move",
            "res_id": move.id,
            "res_field": "invoice_pdf_report_file",
        })
        move.invalidate_recordset(["invoice_pdf_report_id"])
        with patch.object(
            type(self.env["ir.actions.report"]), "_pre_render_qweb_pdf",
            side_effect=AssertionError("rendered again"),
        ):
            self._run(FIRST_DAY)
        self.assertEqual(self._reminder_messages(move).attachment_ids, pdf)

    def test_batch_and_former_path_give_the_same_e_mail(self):
        """The per-invoice path (kept for the benchmark only) and the batch path post the
        same message: subject, body, sender, reply-to (the company's catchall, computed
        for the whole batch by the composer, by message_post one by one), recipients,
        attachment, layout."""
        self.env.company.alias_domain_id = self.env["mail.alias.domain"].create(
            {"name": "tilbago-test.example.com", "catchall_alias": "catchall"}
        )
        results = []
        for old in (True, False):
            move = self._invoice(self.debtor_fr)
            self.env["account.move"].with_context(
                **{OLD_PATH_CONTEXT_KEY: old}
            )._tilbago_escalate_batch(today=FIRST_DAY)
            message = self._reminder_messages(move)
            self.assertEqual(len(message), 1)
            mails = self._mails(message)
            results.append((
                message.subject.replace(move.name, "X"),
                message.body.replace(move.name, "X"),
                message.email_from,
                message.reply_to.replace(move.name, "X"),
                message.partner_ids,
                message.subtype_id,
                message.attachment_ids == move.invoice_pdf_report_id,
                "Powered by" in mails.body_html,
                mails.recipient_ids,
            ))
        self.assertIn("catchall@tilbago-test.example.com", results[1][3])
        self.assertEqual(results[0], results[1])

    def test_the_template_body_is_compiled_once_per_language(self):
        """Mail compiles a template's body (an inline QWeb template) again for every
        record; a batch of reminders compiles it once per language, and each debtor
        still reads it in their language with their own invoice."""
        qweb = type(self.env["ir.qweb"])
        original = qweb._generate_code
        compiled = []

        def count(self_qweb, template):
            if isinstance(template, etree._Element):
                compiled.append(template)
            return original(self_qweb, template)

        moves = self.env["account.move"]
        for debtor in (self.debtor_de, self.debtor_fr) * 3:
            moves |= self._invoice(debtor)
        moves._tilbago_render_missing_invoice_pdfs()
        with patch.object(qweb, "_generate_code", count):
            self.assertEqual(self._run(FIRST_DAY), (6, 0))
        self.assertEqual(len(compiled), 2, "one body per language")
        for move, greeting in zip(moves, ("Guten Tag", "Bonjour") * 3):
            body = self._reminder_messages(move).body
            self.assertIn(greeting, body)
            self.assertIn(move.name, body)
        # the former path (a composer per invoice) compiled it at least once per invoice
        compiled.clear()
        moves = self._invoice(self.debtor_de) | self._invoice(self.debtor_de)
        moves._tilbago_render_missing_invoice_pdfs()
        with patch.object(qweb, "_generate_code", count):
            self.env["account.move"].with_context(
                **{OLD_PATH_CONTEXT_KEY: True}
            )._tilbago_escalate_batch(today=FIRST_DAY)
        self.assertGreaterEqual(len(compiled), len(moves))

    def test_queries_per_invoice_do_not_grow_with_the_batch(self):
        """An e-mail costs the same number of queries in a batch of 3 and of 9 invoices
        (message_post itself: message, followers, mail, notification; its tracking
        message at commit); the batch adds a constant number (search, count, level
        writes, the reminders recorded, one render per template and language)."""
        counts = {}
        for size in (1, 3, 6, 9):  # 1: a warm-up (views and templates read once)
            moves = self.env["account.move"]
            for _i in range(size):
                moves |= self._invoice(self.debtor_de)
            moves._tilbago_render_missing_invoice_pdfs()
            self._commit_tracking()
            before = self.env.cr.sql_log_count
            self._run(FIRST_DAY)
            self._commit_tracking()
            counts[size] = self.env.cr.sql_log_count - before
            self.assertEqual(len(moves.tilbago_reminder_ids), size)
            moves.write({"tilbago_no_reminder": True})  # out of the next runs
        per_invoice = (counts[9] - counts[3]) / 6
        self.assertEqual(counts[6] - counts[3], counts[9] - counts[6], counts)
        # the figure of benchmarks/README.md, with some room for the modules installed
        self.assertLessEqual(per_invoice, 18, counts)
        base = counts[3] - 3 * per_invoice
        for size in (3, 9):
            moves = self.env["account.move"]
            for _i in range(size):
                moves |= self._invoice(self.debtor_de)
            moves._tilbago_render_missing_invoice_pdfs()
            self._commit_tracking()
            with self.assertQueryCount(int(base + size * per_invoice)):
                self._run(FIRST_DAY)
                self._commit_tracking()
            moves.write({"tilbago_no_reminder": True})
