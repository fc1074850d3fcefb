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

from ..models.tilbago_reminder_debtor import make_run
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
        run = make_run(RUN_DAY, self.env["tilbago.reminder"]._tilbago_lines_by_debtor(reminders))
        content, _type = self.env["ir.actions.report"].with_context(
            force_report_rendering=True
        )._render_qweb_pdf(
            "l10n_ch_tilbago.action_report_tilbago_reminder_debtor", partner.ids,
            data={"tilbago_run": run},
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



