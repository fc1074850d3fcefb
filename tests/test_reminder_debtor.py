# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One reminder per debtor: e-mail and letter listing the debtor's invoices, with a
Swiss QR-bill per invoice that a bank payment is matched back with."""

import os
import subprocess
import tempfile

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..models.tilbago_reminder_debtor import make_runs, run_data
from ..tilbago import letters
from .test_reminder import DUE, ReminderCommon, D

#: the run day: two invoices reach reminder 1, one climbs from reminder 1 to reminder 2
RUN_DAY = D(2026, 1, 11)
LANGS = {"de": "de_CH", "fr": "fr_CH", "it": "it_IT", "en": "en_US"}
#: the QR-bill's payment part heading, as l10n_ch translates it
#: queries of a run reminding one debtor, whatever its number of invoices, at most
#: (75 measured once Odoo's caches are warm)
QUERIES_PER_DEBTOR_MAX = 160
PAYMENT_PART = {"de": "Zahlteil", "fr": "Section paiement", "it": "Sezione pagamento",
                "en": "Payment part"}


def pdf_text(content):
    with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as handle:
        handle.write(content)
    try:
        return subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], check=True, capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(handle.name)


class DebtorCommon(ReminderCommon):
    @classmethod
    @AccountTestInvoicingCommon.setup_country("ch")
    def setUpClass(cls):
        super().setUpClass()
        ch = cls.env.ref("base.ch")
        cls.company.write({"tilbago_reminder_per_debtor": True, "qr_code": True})
        cls.company.partner_id.write(
            {"street": "Route de Berne 88", "zip": "2000", "city": "Neuchâtel", "country_id": ch.id}
        )
        cls.qr_bank = cls.env["res.partner.bank"].create(
            {"acc_number": "CH21 3080 8001 2345 6782 7", "partner_id": cls.company.partner_id.id}
        )
        cls.company_data["default_journal_sale"].write({"invoice_reference_model": "ch"})
        cls.address = {"street": "Rue du Lac 1", "zip": "1000", "city": "Lausanne",
                       "country_id": ch.id}
        cls.madam = cls.env.ref("base.res_partner_title_madam")
        # wkhtmltopdf must not fetch the assets from this server: the request would wait
        # for the test's transaction; a closed port makes it go on without them at once
        cls.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")

    @classmethod
    def _debtor(cls, name, lang="en_US", email=True, is_company=True):
        return cls.env["res.partner"].create({
            "name": name,
            "is_company": is_company,
            "title": False if is_company else cls.madam.id,
            "email": email and f"{name.split()[0].lower()}@example.com" or False,
            "lang": lang,
            **cls.address,
        })

    def _three_invoices(self, partner):
        """Two invoices due on DUE (reminder 1 on the run), one already at reminder 1
        (reminder 2 on the run)."""
        moves = self.env["account.move"]
        for amount in (100.0, 200.0, 300.0):
            moves |= self._invoice(partner=partner, amount=amount)
        moves[:1].partner_bank_id = self.qr_bank
        self._set_level(moves[2], 1, tilbago_reminder_level_date=DUE)
        return moves

    def _letter_pdf(self, partner):
        """The letter with its QR-bills as the print list prints it."""
        reminders = self.env["tilbago.reminder"].search([("partner_id", "=", partner.id)])
        runs = make_runs(RUN_DAY, self.env["tilbago.reminder"]._tilbago_lines_by_debtor(reminders))
        content, _type = self.env["ir.actions.report"].with_context(
            force_report_rendering=True
        )._render_qweb_pdf(
            "l10n_ch_tilbago.action_report_tilbago_reminder_debtor",
            [int(pid) for run in runs for pid in run["lines"]],
            data=run_data(runs),
        )
        return pdf_text(content)


@tagged("post_install", "-at_install")
class TestReminderPerDebtor(DebtorCommon):
    def test_one_email_per_debtor_lists_invoices_and_records_each(self):
        debtor = self._debtor("Epsitec SA")
        moves = self._three_invoices(debtor)
        self.assertTrue(all(moves.mapped("payment_reference")), "QR references on invoices")
        self._run(RUN_DAY)
        self.assertEqual([self._level(m) for m in moves], ["1", "1", "2"])
        posted = debtor.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(posted), 1, "one e-mail for the three invoices")
        for move in moves:
            self.assertIn(move.name, posted.body)
        self.assertIn("600.00", posted.body, "the total due")
        self.assertIn("Dear Sir or Madam", posted.body)
        self.assertIn(moves[0].name, posted.subject)
        self.assertIn(debtor, posted.partner_ids, "the debtor is the recipient")
        self.assertEqual(len(posted.attachment_ids), 1, "the letter with its QR-bills")
        self.assertIn("Epsitec", posted.attachment_ids.name)
        # rendered as HTML in tests (Odoo renders PDF reports only outside tests)
        letter = posted.attachment_ids.raw.decode()
        for move in moves:
            self.assertIn(move.name, letter)
        reminders = moves.tilbago_reminder_ids
        self.assertEqual(len(reminders), 3)
        self.assertEqual(reminders.message_id, posted, "each reminder points at the e-mail")
        self.assertEqual(set(reminders.mapped("per_debtor")), {True})
        self.assertEqual(set(reminders.mapped("state")), {"sent"})
        self.assertEqual(reminders.filtered(lambda r: r.move_id == moves[2]).level_id,
                         self.levels[1])
        self.assertEqual(reminders.filtered(lambda r: r.move_id == moves[2]).fee, 20.0)
        for move in moves:
            self.assertFalse(self._reminder_messages(move), "no e-mail on the invoice")
            note = move.message_ids.filtered(lambda m: f"/mail/message/{posted.id}" in (m.body or ""))
            self.assertEqual(len(note), 1, "the invoice's chatter links the reminder")
        mails = self.env["mail.mail"].sudo().search([("mail_message_id", "=", posted.id)])
        self.assertEqual(len(mails), 1, "queued, not sent in the transaction")

    def test_letter_per_debtor_without_email_and_currencies_apart(self):
        debtor = self._debtor("Paper Muster", email=False, is_company=False)
        moves = self._three_invoices(debtor)
        eur = self.env.ref("base.EUR")
        eur.active = True
        eur_move = self._invoice(partner=debtor, amount=50.0, post=False)
        eur_move.write({"currency_id": eur.id})
        eur_move.action_post()
        self._run(RUN_DAY)
        reminders = (moves | eur_move).tilbago_reminder_ids
        self.assertEqual(len(reminders), 4)
        self.assertEqual(set(reminders.mapped("state")), {"to_print"})
        self.assertEqual(len(reminders.message_id), 1, "one letter for the debtor")
        self.assertEqual(reminders.message_id.model, "res.partner")
        self.assertEqual(set((moves | eur_move).mapped("tilbago_reminder_to_print")), {True})
        action = (moves | eur_move).action_tilbago_print_reminders()
        self.assertEqual(action["report_name"], "l10n_ch_tilbago.report_tilbago_reminder_debtor")
        self.assertEqual(set(action["data"]["tilbago_run"]["lines"]), {str(debtor.id)})
        self.assertEqual(set(reminders.mapped("state")), {"printed"})
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_ch_tilbago.report_tilbago_reminder_debtor", debtor.ids,
            data=action["data"],
        )
        html = html.decode()
        self.assertIn("Dear Mrs. Paper Muster", html)
        # the CHF total and the EUR total apart, never summed
        self.assertIn("600.00", html)
        self.assertIn("50.00", html)
        self.assertNotIn("650.00", html)

    def test_setting_off_sends_one_email_per_invoice(self):
        self.company.tilbago_reminder_per_debtor = False
        debtor = self._debtor("Epsitec SA")
        moves = self._three_invoices(debtor)
        self._run(RUN_DAY)
        for move in moves:
            self.assertEqual(len(self._reminder_messages(move)), 1)
        self.assertFalse(debtor.message_ids.filtered(lambda m: m.message_type == "comment"))
        self.assertEqual(set(moves.tilbago_reminder_ids.mapped("per_debtor")), {False})

    def test_fees_and_default_interest_in_the_letter(self):
        self.company.write({"tilbago_reminder_fees_on_qr": True,
                            "tilbago_reminder_interest_rank": 2})
        debtor = self._debtor("Epsitec SA")
        moves = self._three_invoices(debtor)
        self._run(RUN_DAY)
        posted = debtor.message_ids.filtered(lambda m: m.message_type == "comment")
        # fees: 20 on the invoice at reminder 2: total 620
        self.assertIn("620.00", posted.body)
        self.assertIn("20.00", posted.body)
        # 5 % from 2 Jan to 11 Jan (30E/360: 9 days) on 600: 0.75 (0.125 + 0.25 + 0.375)
        expected = sum(
            letters.default_interest("%.2f" % m.amount_residual, 5, DUE, RUN_DAY)[2] for m in moves
        )
        self.assertIn("art. 104", posted.body)
        self.assertIn("%.2f" % expected, posted.body)
        text = self._letter_pdf(debtor)
        self.assertIn("320.00", text, "the QR-bill of the invoice at reminder 2 with its fees")

    def test_preview_shows_what_the_run_sends(self):
        debtor = self._debtor("Anna Muster", lang="en_US", is_company=False)
        moves = self._three_invoices(debtor)
        # one invoice selected: the run would send the debtor's others due that day too
        action = moves[:1].with_context(tilbago_today=RUN_DAY).action_tilbago_preview_reminder()
        preview = self.env["tilbago.reminder.preview"].browse(action["res_id"])
        self.assertEqual(preview.partner_id, debtor)
        self.assertEqual(preview.channel, "email")
        self.assertEqual(preview.lang, "en_US")
        self.assertIn("Dear Mrs. Anna Muster", preview.body)
        for move in moves:
            self.assertIn(move.name, preview.body)
        self.assertIn("600.00", preview.body)
        self.assertFalse(moves.tilbago_reminder_ids, "a preview sends nothing")
        letter = preview.action_print_letter()
        rows = letter["data"]["tilbago_run"]["lines"][str(debtor.id)]
        # reminder 1 for two invoices, reminder 2 for the third
        self.assertEqual(sorted(row[1] for row in rows),
                         sorted(self.levels[:1].ids * 2 + self.levels[1:2].ids))

    def test_preview_per_invoice_when_the_company_reminds_per_invoice(self):
        """Setting off: the preview shows each selected invoice's own reminder (its next
        level's template, in the debtor's language, e-mail or letter), exactly what the
        run then sends, and not the debtor's letter."""
        self.company.tilbago_reminder_per_debtor = False
        self.env["res.lang"]._activate_lang("de_CH")
        self.env["ir.module.module"]._load_module_terms(
            ["l10n_ch_tilbago"], ["de_CH"], overwrite=True
        )
        Message = self.env["mail.message"]

        def sanitized(body):
            return Message._fields["body"].convert_to_cache(body, Message)

        by_mail = self._debtor("Epsitec SA")
        by_letter = self._debtor("Brief AG", lang="de_CH", email=False)
        mail_moves = self._three_invoices(by_mail)
        letter_moves = self._three_invoices(by_letter)
        selected = mail_moves[0] | mail_moves[2] | letter_moves[0]
        action = selected.with_context(tilbago_today=RUN_DAY).action_tilbago_preview_reminder()
        preview = self.env["tilbago.reminder.preview"].browse(action["res_id"])
        self.assertEqual(preview.partner_ids, by_mail | by_letter)
        # as it opens: the first debtor, its oldest selected invoice
        self.assertEqual(preview.partner_id, by_mail)
        opened = preview.read(["channel", "subject", "body"])[0]
        shown = {}
        for debtor, moves in ((by_mail, mail_moves[0] | mail_moves[2]),
                              (by_letter, letter_moves[0])):
            preview.partner_id = debtor
            # the selected invoices only: each is a reminder of its own
            self.assertEqual(preview.invoice_ids, moves)
            self.assertIn(preview.move_id, moves)
            for move in moves:
                preview.move_id = move
                shown[move] = preview.read(["lang", "channel", "email_to", "subject", "body"])[0]
            with self.assertRaises(UserError):
                preview.action_print_letter()
        self.assertFalse(selected.tilbago_reminder_ids, "a preview sends nothing")
        self.env.invalidate_all()
        self.assertEqual(mail_moves[2].tilbago_reminder_level_id, self.levels[0])
        self.assertEqual(mail_moves[2].tilbago_reminder_fee, 0.0, "a preview writes nothing")
        self.assertFalse(mail_moves[0].tilbago_reminder_level_id)

        self._run(RUN_DAY)
        self.assertFalse(by_mail.message_ids.filtered(lambda m: m.message_type == "comment"))
        for move in mail_moves[0] | mail_moves[2]:
            message = self._reminder_messages(move)
            self.assertEqual(len(message), 1)
            self.assertEqual(shown[move]["channel"], "email")
            self.assertEqual(shown[move]["lang"], "en_US")
            self.assertEqual(shown[move]["email_to"], by_mail.email_formatted)
            self.assertEqual(shown[move]["subject"], message.subject)
            # the message's body as stored: sanitized as every message's
            self.assertEqual(sanitized(shown[move]["body"]), message.body)
        self.assertEqual(opened["channel"], "email")
        self.assertEqual(opened["subject"], self._reminder_messages(mail_moves[0]).subject)
        self.assertEqual(sanitized(opened["body"]), self._reminder_messages(mail_moves[0]).body)
        # reminder 2 of the third invoice, with the fee it then carries
        self.assertEqual(self._reminder_messages(mail_moves[2]).subject,
                         "Second reminder: invoice %s" % mail_moves[2].name)
        self.assertIn("20.00", shown[mail_moves[2]]["body"])
        # the debtor without e-mail: the letter of reminder 1, in German
        letter = letter_moves[0]
        self.assertEqual(letter.tilbago_reminder_to_print, True)
        self.assertEqual(shown[letter]["channel"], "letter")
        self.assertEqual(shown[letter]["lang"], "de_CH")
        template = self.levels[0].mail_template_id
        self.assertEqual(
            shown[letter]["subject"],
            template._render_field("subject", letter.ids, compute_lang=True)[letter.id],
        )
        self.assertEqual(shown[letter]["body"], letter._tilbago_reminder_letter_body())
        self.assertIn(letter.name, shown[letter]["body"])


@tagged("post_install", "-at_install")
class TestReminderPerDebtorCompanies(DebtorCommon):
    """A debtor shared by two companies: each company is a creditor of its own, with its
    letterhead, bank account, fees and sender; a run reminds it once per company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ch = cls.env.ref("base.ch")
        data2 = cls.setup_other_company(name="Zweitfirma AG")
        cls.company2 = data2["company"]
        cls.company2.write({
            "email": "billing@company2.example.com",
            "tilbago_reminder_per_debtor": True,
            "qr_code": True,
        })
        cls.company2.partner_id.write(
            {"street": "Bahnhofstrasse 7", "zip": "8001", "city": "Zürich", "country_id": ch.id}
        )
        cls.qr_bank2 = cls.env["res.partner.bank"].create(
            {"acc_number": "CH44 3199 9123 0008 8901 2", "partner_id": cls.company2.partner_id.id}
        )
        # its own numbers: "ZW/..." beside company 1's "INV/..."
        data2["default_journal_sale"].write({"invoice_reference_model": "ch", "code": "ZW"})
        cls.levels2 = cls.company2.tilbago_reminder_level_ids
        for level, fee in zip(cls.levels2, (0.0, 25.0, 35.0)):
            level.write({"delay": 10, "fee": fee})

    def _invoices_of_both(self, debtor):
        """Company 1: 100 and 200 (300 due); company 2: 400 and 500 (900 due), each
        invoice with its company's QR-IBAN."""
        moves = {self.company: self.env["account.move"], self.company2: self.env["account.move"]}
        for company, bank, amounts in ((self.company, self.qr_bank, (100.0, 200.0)),
                                       (self.company2, self.qr_bank2, (400.0, 500.0))):
            for amount in amounts:
                move = self._invoice(partner=debtor, amount=amount, company=company, post=False)
                move.partner_bank_id = bank
                move.action_post()
                moves[company] |= move
        self.assertEqual(moves[self.company2].company_id, self.company2)
        self.assertFalse(set(moves[self.company].mapped("name"))
                         & set(moves[self.company2].mapped("name")))
        return moves

    def test_one_email_per_company_and_debtor(self):
        debtor = self._debtor("Epsitec SA")
        moves = self._invoices_of_both(debtor)
        self._run(RUN_DAY)
        posted = debtor.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(posted), 2, "one e-mail per company reminding the debtor")
        for company, other, total, other_total in ((self.company, self.company2, "300.00", "900.00"),
                                                    (self.company2, self.company, "900.00", "300.00")):
            message = posted.filtered(lambda m, c=company: m.record_company_id == c)
            self.assertEqual(len(message), 1, company.name)
            for move in moves[company]:
                self.assertIn(move.name, message.body)
                self.assertIn(move.name, message.subject)
            for move in moves[other]:
                self.assertNotIn(move.name, message.body, "only the company's own invoices")
            self.assertIn(total, message.body, "the company's total")
            self.assertNotIn(other_total, message.body)
            self.assertIn(company.name, message.body, "signed by the company")
            self.assertNotIn(other.name, message.body)
            self.assertIn(company.email, message.email_from, "sent by the company")
            # the letter attached: the company's invoices only, on its letterhead
            letter = message.attachment_ids.raw.decode()
            self.assertIn(company.name, letter)
            self.assertNotIn(other.name, letter)
            for move in moves[other]:
                self.assertNotIn(move.name, letter)
            reminders = moves[company].tilbago_reminder_ids
            self.assertEqual(len(reminders), 2, "one reminder record per invoice")
            self.assertEqual(reminders.company_id, company)
            self.assertEqual(reminders.message_id, message)
            self.assertEqual(set(reminders.mapped("per_debtor")), {True})
            for move in moves[company]:
                notes = move.message_ids.filtered(
                    lambda m, msg=message: f"/mail/message/{msg.id}" in (m.body or "")
                )
                self.assertEqual(len(notes), 1, "the invoice's chatter links its e-mail")
                self.assertIn("listing 2 invoice(s)", notes.body)

    def test_letters_per_company_with_each_company_qr_account(self):
        """A debtor without e-mail: one letter per company on the print list, printed
        together, each followed by the QR-bills of its invoices to its company's
        account."""
        self.company2.tilbago_reminder_fees_on_qr = True
        debtor = self._debtor("Paper Muster", email=False, is_company=False)
        moves = self._invoices_of_both(debtor)
        # company 2's second invoice climbs to its reminder 2: its own fee, 25
        self.env["account.move"].browse(moves[self.company2][1].id).with_context(
            tilbago_escalation=True
        ).write({"tilbago_reminder_level_id": self.levels2[0].id,
                 "tilbago_reminder_state": "reminder", "tilbago_reminder_level_date": DUE})
        self._run(RUN_DAY)
        all_moves = moves[self.company] | moves[self.company2]
        reminders = all_moves.tilbago_reminder_ids
        self.assertEqual(len(reminders), 4)
        self.assertEqual(set(reminders.mapped("state")), {"to_print"})
        for company in (self.company, self.company2):
            note = moves[company].tilbago_reminder_ids.message_id
            self.assertEqual(len(note), 1, "one letter per company")
            self.assertEqual((note.model, note.res_id), ("res.partner", debtor.id))
            self.assertIn(company.name, note.body)
        self.assertEqual(moves[self.company2][1].tilbago_reminder_fee, 25.0)
        action = all_moves.action_tilbago_print_reminders()
        runs = action["data"]["tilbago_runs"]
        self.assertEqual([run["company"] for run in runs],
                         sorted([self.company.id, self.company2.id]))
        for run in runs:
            company = self.env["res.company"].browse(run["company"])
            self.assertEqual(set(run["lines"]), {str(debtor.id)})
            self.assertEqual({row[0] for row in run["lines"][str(debtor.id)]},
                             set(moves[company].ids))
        self.assertEqual(set(reminders.mapped("state")), {"printed"})
        content, _type = self.env["ir.actions.report"].with_context(
            force_report_rendering=True
        )._render_qweb_pdf(
            "l10n_ch_tilbago.action_report_tilbago_reminder_debtor",
            action["context"]["active_ids"], data=action["data"],
        )
        pages = pdf_text(content).split("\f")
        banks = {self.company: self.qr_bank, self.company2: self.qr_bank2}
        qr_pages = [page for page in pages if PAYMENT_PART["en"] in page]
        self.assertEqual(len(qr_pages), 4, "one QR-bill per invoice")
        self.assertEqual(moves[self.company2][1].amount_residual, 500.0)
        for company, bank in banks.items():
            other = self.company2 if company == self.company else self.company
            letters_of = [page for page in pages if "Dear Mrs. Paper Muster" in page
                          and moves[company][0].name in page]
            self.assertEqual(len(letters_of), 1, company.name)
            self.assertIn(company.name, letters_of[0], "on the company's letterhead")
            for move in moves[other]:
                self.assertNotIn(move.name, letters_of[0])
            for move in moves[company]:
                # each QR-bill by its amount: the references of two companies' invoices
                # numbered alike are alike
                amount = "%.2f" % (move.amount_residual + (
                    move.tilbago_reminder_fee if company == self.company2 else 0.0))
                [page] = [page for page in qr_pages if amount in page]
                self.assertIn(move.space_qrr_reference(move.payment_reference).strip(), page)
                self.assertIn(bank.sanitized_acc_number, page, "the company's own account")
                self.assertNotIn(banks[other].sanitized_acc_number, page)
                self.assertIn(company.name, page, "payable to the company")
        # company 2 charges its fees on the QR-bill: 500 + 25, company 1 does not
        self.assertIn("525.00", "\n".join(qr_pages))

    def test_company_per_debtor_and_company_per_invoice(self):
        self.company2.tilbago_reminder_per_debtor = False
        debtor = self._debtor("Epsitec SA")
        moves = self._invoices_of_both(debtor)
        # the preview: company 1's reminder of the debtor, then company 2's per invoice
        selected = moves[self.company] | moves[self.company2]
        action = selected.with_context(tilbago_today=RUN_DAY).action_tilbago_preview_reminder()
        preview = self.env["tilbago.reminder.preview"].browse(action["res_id"])
        self.assertEqual(preview.partner_id, debtor)
        self.assertFalse(preview.move_id, "company 1 reminds the debtor")
        for move in moves[self.company]:
            self.assertIn(move.name, preview.body)
        for move in moves[self.company2]:
            self.assertNotIn(move.name, preview.body, "company 2 reminds per invoice")
        self.assertIn("300.00", preview.body)
        preview.company_id = self.company2
        self.assertEqual(preview.invoice_ids, moves[self.company2])
        for move in moves[self.company2]:
            preview.move_id = move
            self.assertIn(move.name, preview.subject, "the invoice's own reminder")
        self._run(RUN_DAY)
        posted = debtor.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(len(posted), 1, "company 1's reminder per debtor only")
        self.assertEqual(posted.record_company_id, self.company)
        for move in moves[self.company]:
            self.assertIn(move.name, posted.body)
            self.assertFalse(self._reminder_messages(move))
        for move in moves[self.company2]:
            self.assertNotIn(move.name, posted.body)
            message = self._reminder_messages(move)
            self.assertEqual(len(message), 1, "company 2 reminds per invoice")
            self.assertEqual(move.tilbago_reminder_ids.message_id, message)
        self.assertIn("300.00", posted.body)
        self.assertNotIn("900.00", posted.body)
        self.assertEqual(set(moves[self.company].tilbago_reminder_ids.mapped("per_debtor")),
                         {True})
        self.assertEqual(set(moves[self.company2].tilbago_reminder_ids.mapped("per_debtor")),
                         {False})

    def test_preview_one_reminder_per_company_and_debtor(self):
        debtor = self._debtor("Epsitec SA")
        moves = self._invoices_of_both(debtor)
        selected = moves[self.company][:1] | moves[self.company2][:1]
        action = selected.with_context(tilbago_today=RUN_DAY).action_tilbago_preview_reminder()
        preview = self.env["tilbago.reminder.preview"].browse(action["res_id"])
        # as it opens: company 1's reminder of the debtor, its invoices only
        self.assertEqual(preview.partner_id, debtor)
        for move in moves[self.company2]:
            self.assertNotIn(move.name, preview.body)
        self.assertIn("300.00", preview.body)
        self.assertEqual(preview.company_ids, self.company | self.company2)
        self.assertEqual(preview.partner_ids, debtor)
        shown = {}
        for company, other, total in ((self.company, self.company2, "300.00"),
                                      (self.company2, self.company, "900.00")):
            preview.company_id = company
            self.assertEqual(preview.partner_id, debtor)
            self.assertFalse(preview.move_id, "the debtor's reminder, not an invoice's")
            shown[company] = preview.body
            for move in moves[company]:
                self.assertIn(move.name, preview.body)
            for move in moves[other]:
                self.assertNotIn(move.name, preview.body)
            self.assertIn(total, preview.body)
            self.assertIn(company.name, preview.body)
            run = preview.action_print_letter()["data"]["tilbago_run"]
            self.assertEqual(run["company"], company.id)
            self.assertEqual({row[0] for row in run["lines"][str(debtor.id)]},
                             set(moves[company].ids))
        self.assertFalse((moves[self.company] | moves[self.company2]).tilbago_reminder_ids)
        # what the run then sends, company by company
        self._run(RUN_DAY)
        posted = debtor.message_ids.filtered(lambda m: m.message_type == "comment")
        for company in (self.company, self.company2):
            message = posted.filtered(lambda m, c=company: m.record_company_id == c)
            for move in moves[company]:
                self.assertIn(move.name, message.body)
                self.assertIn(move.name, shown[company])

    def test_queries_of_two_companies_do_not_grow_with_the_debtor_invoices(self):
        """A debtor of both companies with 3 invoices in each, then 6 in each: the
        same queries (one composer per company, not per invoice)."""
        expected = None
        for size in (2, 3, 6):
            debtor = self._debtor(f"Size{size} AG")
            moves = self.env["account.move"]
            for company in (self.company, self.company2):
                for _index in range(size):
                    moves |= self._invoice(partner=debtor, company=company)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            with self.assertQueryCount(expected or 2 * QUERIES_PER_DEBTOR_MAX, flush=False):
                self._run(RUN_DAY)
                self.env.flush_all()
            if size == 3:
                expected = self.env.cr.sql_log_count - before
            self.assertEqual(len(moves.tilbago_reminder_ids), 2 * size)
            self.assertEqual(
                len(debtor.message_ids.filtered(lambda m: m.message_type == "comment")), 2
            )
            moves.write({"tilbago_no_reminder": True})


@tagged("post_install", "-at_install")
class TestReminderPerDebtorLanguages(DebtorCommon):
    def test_email_and_pdf_in_each_language(self):
        for code in LANGS.values():
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            ["base", "l10n_ch", "l10n_ch_tilbago"], list(LANGS.values()), overwrite=True
        )
        companies, persons, invoices = {}, {}, {}
        for short, code in LANGS.items():
            companies[short] = self._debtor(f"Firma{short} AG", lang=code)
            persons[short] = self._debtor(f"Person{short} Muster", lang=code, is_company=False)
            invoices[short] = self._three_invoices(companies[short])
            invoices[short + "p"] = self._three_invoices(persons[short])
        self._run(RUN_DAY)
        for short, code in LANGS.items():
            lang = self.env["res.lang"]._get_data(code=code)
            for partner, moves in ((companies[short], invoices[short]),
                                   (persons[short], invoices[short + "p"])):
                posted = partner.message_ids.filtered(lambda m: m.message_type == "comment")
                self.assertEqual(len(posted), 1)
                title = self.madam.with_context(lang=code)
                label = (title.shortcut or title.name) if short == "en" else title.name
                greeting = letters.greeting(code, partner.is_company, partner.name, label, "f")
                self.assertIn(greeting, posted.body, short)
                for move in moves:
                    self.assertIn(move.name, posted.body)
                    self.assertIn(move.invoice_date_due.strftime(lang.date_format), posted.body)
                self.assertIn("600.00".replace(".", lang.decimal_point), posted.body, short)
            # the PDF: letter then one QR-bill per invoice, in the debtor's language
            moves = invoices[short]
            text = self._letter_pdf(companies[short])
            self.assertIn(letters.COMPANY_GREETINGS[short], text, short)
            for move in moves:
                self.assertIn(move.name, text)
                self.assertIn(move.space_qrr_reference(move.payment_reference).strip(), text)
            self.assertEqual(text.count(PAYMENT_PART[short]), 3, short)
            for amount in ("100.00", "200.00", "300.00"):
                self.assertIn(amount, text, "each QR-bill for its invoice's open amount")


@tagged("post_install", "-at_install")
class TestReminderQrReconciliation(DebtorCommon):
    def test_payment_of_the_qr_reference_reconciles_with_its_invoice(self):
        """Odoo 18 Community has no matching engine (the reconciliation models' rules
        run in Enterprise): it gives the candidates of a statement line
        (``_get_default_amls_matching_domain``) and puts the invoice's QR reference on
        its receivable line. Matched by that reference, as the invoice-matching rule
        does, the payment reconciles with the invoice the QR-bill was for."""
        debtor = self._debtor("Epsitec SA")
        moves = self._three_invoices(debtor)
        self._run(RUN_DAY)
        self.assertEqual(len(set(moves.mapped("payment_reference"))), 3)
        paid = moves[1]
        st_line = self.env["account.bank.statement.line"].create({
            "journal_id": self.company_data["default_journal_bank"].id,
            "date": RUN_DAY,
            "amount": paid.amount_residual,
            "payment_ref": paid.payment_reference,
        })
        candidates = self.env["account.move.line"].search(
            st_line._get_default_amls_matching_domain() + [
                ("account_type", "=", "asset_receivable"),
                ("move_id.payment_reference", "=", st_line.payment_ref),
            ]
        )
        self.assertEqual(candidates.move_id, paid)
        _liquidity, suspense, _other = st_line.with_context(
            skip_account_move_synchronization=True
        )._seek_for_lines()
        suspense.account_id = candidates.account_id
        (suspense + candidates).reconcile()
        self.assertIn(paid.payment_state, ("paid", "in_payment"))
        self.assertEqual(set((moves - paid).mapped("payment_state")), {"not_paid"})


@tagged("post_install", "-at_install")
class TestReminderPerDebtorQueries(DebtorCommon):
    def test_queries_do_not_grow_with_the_debtor_invoices(self):
        """One debtor with 3 invoices, then one with 6: the same queries (the e-mail,
        the letter PDF and the notes are per debtor; the invoices are read in batch)."""
        # the first run fills Odoo's caches (templates, views): not measured. The
        # count of the second is expected of the third, twice its invoices.
        expected = None
        for size in (2, 3, 6):
            debtor = self._debtor(f"Size{size} AG")
            moves = self.env["account.move"]
            for _index in range(size):
                moves |= self._invoice(partner=debtor)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            # flush=False: the precommit hooks are left out, where tracking writes the
            # level change in each invoice's chatter (the escalation's own, with or
            # without this setting)
            with self.assertQueryCount(expected or QUERIES_PER_DEBTOR_MAX, flush=False):
                self._run(RUN_DAY)
                self.env.flush_all()
            if size == 3:
                expected = self.env.cr.sql_log_count - before
            self.assertEqual(len(moves.tilbago_reminder_ids), size)
            # this debtor's invoices take no part in the next run
            moves.write({"tilbago_no_reminder": True})



