# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..models.account_move_reminder_mail import AccountMove

D = datetime.date
DUE = D(2026, 1, 1)


class ReminderCommon(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # chatter and tracking on: reminders are logged there
        context = dict(cls.env.context)
        for key in ("tracking_disable", "mail_notrack", "mail_create_nolog", "mail_notify_force_send"):
            context.pop(key, None)
        cls.env = cls.env(context=context)
        cls.company = cls.company_data["company"]
        # one reminder per invoice: what these tests check (per debtor: test_reminder_debtor)
        cls.company.write({
            "email": "billing@company1.example.com",
            "tilbago_litigation_delay": 15,
            "tilbago_reminder_per_debtor": False,
        })
        cls.levels = cls.company.tilbago_reminder_level_ids
        for level, fee in zip(cls.levels, (0.0, 20.0, 30.0)):
            level.write({"delay": 10, "fee": fee})
        # invoices of demo data must not take part in these tests' escalation runs
        cls.env["account.move"].sudo().search([("move_type", "=", "out_invoice")]).write(
            {"tilbago_no_reminder": True}
        )
        cls.debtor = cls.env["res.partner"].create(
            {"name": "Debtor Mail", "email": "debtor@example.com", "lang": "en_US"}
        )
        cls.debtor_print = cls.env["res.partner"].create(
            {"name": "Debtor Paper", "street": "Rue du Lac 1", "zip": "1000", "city": "Lausanne"}
        )

    @classmethod
    def _invoice(cls, partner=None, due=DUE, amount=100.0, company=None, post=True):
        company = company or cls.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": (partner or cls.debtor).id,
                    "invoice_date": due - datetime.timedelta(days=30),
                    "invoice_date_due": due,
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Consulting",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    @staticmethod
    def _level(move):
        """"none", "1", "2", ... (the rank of its level) or "litigation"."""
        if move.tilbago_reminder_state == "litigation":
            return "litigation"
        rank = move._tilbago_rank(move._tilbago_levels())
        return str(rank) if rank else "none"

    def _set_level(self, moves, rank, **vals):
        """Put ``moves`` at the level of ``rank`` as the escalation does."""
        moves.with_context(tilbago_escalation=True).write({
            "tilbago_reminder_level_id": self.levels[rank - 1].id,
            "tilbago_reminder_state": "reminder",
            **vals,
        })

    def _run(self, today, limit=1000):
        return self.env["account.move"]._tilbago_escalate_batch(today=today, limit=limit)

    def _commit_tracking(self):
        """What a commit does to tracking: write the tracked changes as messages."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()

    def _reminder_messages(self, move):
        return move.message_ids.filtered(lambda m: m.message_type == "comment")

    def _pay(self, move, amount, date=DUE):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"amount": amount, "payment_date": date})
            ._create_payments()
        )


@tagged("post_install", "-at_install")
class TestReminderEscalation(ReminderCommon):
    def test_escalation_across_all_levels(self):
        move = self._invoice()
        self.assertEqual(move.invoice_date_due, DUE)
        self.assertEqual(self._level(move), "none")
        self.assertEqual(move.tilbago_next_reminder_date, D(2026, 1, 11))

        self.assertEqual(self._run(D(2026, 1, 10)), (0, 0), "not due before the delay")
        self.assertEqual(self._level(move), "none")

        self.assertEqual(self._run(D(2026, 1, 11)), (1, 0))
        self.assertEqual(self._level(move), "1")
        self.assertEqual(move.tilbago_reminder_level_date, D(2026, 1, 11))
        self.assertEqual(move.tilbago_next_reminder_date, D(2026, 1, 21))
        self.assertEqual(move.tilbago_reminder_fee, 0.0)
        message = self._reminder_messages(move)
        self.assertEqual(len(message), 1)
        self.assertIn(move.name, message.subject)
        self.assertIn(self.debtor, message.partner_ids)
        self.assertEqual(len(message.attachment_ids), 1, "the invoice PDF is attached")
        self.assertTrue(message.attachment_ids.name.endswith(".pdf"))
        mails = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(mails.mapped("state"), ["outgoing"], "queued, not sent in the batch")
        # the reminder is recorded: level, day, channel, the message it produced
        reminder = move.tilbago_reminder_ids
        self.assertEqual(len(reminder), 1)
        self.assertEqual(
            (reminder.level_id, reminder.date, reminder.channel, reminder.state,
             reminder.message_id, reminder.fee, reminder.company_id, reminder.partner_id),
            (self.levels[0], D(2026, 1, 11), "email", "sent", message, 0.0, self.company,
             self.debtor),
        )

        # the same day again: nothing more (one level per day at most)
        self.assertEqual(self._run(D(2026, 1, 11)), (0, 0))
        self._run(D(2026, 1, 21))
        self.assertEqual(self._level(move), "2")
        self.assertEqual(move.tilbago_reminder_fee, 20.0)
        body = self._reminder_messages(move).sorted("id")[-1].body
        self.assertIn("Reminder 1 of", body, "the second reminder names the first")

        self._run(D(2026, 1, 31))
        self.assertEqual(self._level(move), "3")
        self.assertEqual(move.tilbago_reminder_fee, 50.0, "fees add up, 20 + 30")
        self.assertEqual(
            move.tilbago_reminder_ids.sorted("date").mapped(lambda r: (r.level_id, r.date, r.fee)),
            [(self.levels[0], D(2026, 1, 11), 0.0), (self.levels[1], D(2026, 1, 21), 20.0),
             (self.levels[2], D(2026, 1, 31), 30.0)],
            "one record per reminder sent, with its own fee",
        )
        self.assertEqual(move._tilbago_reminder_date(2), D(2026, 1, 21))
        self.assertEqual(move._tilbago_final_reminder_date(), D(2026, 1, 31))
        self.assertEqual(move.tilbago_next_reminder_date, D(2026, 2, 15))
        self.assertIn("Last reminder", self._reminder_messages(move).sorted("id")[-1].subject)

        self._run(D(2026, 2, 14))
        self.assertEqual(self._level(move), "3")
        self._run(D(2026, 2, 15))
        self.assertEqual(self._level(move), "litigation")
        self.assertEqual(move.tilbago_litigation_date, D(2026, 2, 15))
        self.assertFalse(move.tilbago_next_reminder_date)
        self.assertEqual(len(self._reminder_messages(move)), 3, "no e-mail for litigation")
        self.assertEqual(len(move.tilbago_reminder_ids), 3, "litigation is no reminder")
        self.assertEqual(move.tilbago_reminder_level_id, self.levels[2], "it keeps its level")
        self.assertTrue(
            move.message_ids.filtered(lambda m: "in litigation" in (m.body or "")),
            "litigation is logged in the chatter",
        )
        self.assertEqual(self._run(D(2027, 1, 1)), (0, 0), "litigation is the last level")
        # fees are recorded, never posted: the invoice total is unchanged
        self.assertEqual(move.amount_total, 100.0)
        self.assertEqual(
            move.with_context(tilbago_today=D(2026, 3, 1)).tilbago_suggested_action,
            "Open a debt collection request",
        )

    def test_reminder_e_mail_keeps_accounting_and_level_tracking(self):
        """Posting the reminder writes the invoice's portal token and main attachment
        with the light-write context and no tracking of its own: the accounting lines
        are left as they were, and the level change is still tracked in the chatter."""
        move = self._invoice()
        lines_before = move.line_ids.read(["account_id", "balance", "amount_residual"])
        self._commit_tracking()  # the invoice was created in an earlier transaction
        self.assertEqual(self._run(D(2026, 1, 11)), (1, 0))
        self._commit_tracking()
        self.assertTrue(move.access_token, "the e-mail links to the invoice in the portal")
        self.assertEqual(move.message_main_attachment_id, self._reminder_messages(move).attachment_ids)
        self.assertEqual(move.line_ids.read(["account_id", "balance", "amount_residual"]), lines_before)
        trackings = move.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "tilbago_reminder_level_id"
        )
        self.assertEqual(len(trackings), 1)
        self.assertEqual(
            (trackings.old_value_char, trackings.new_value_char), ("", "Reminder 1")
        )

    def test_suggested_action_and_days_overdue(self):
        move = self._invoice()
        move = move.with_context(tilbago_today=D(2026, 1, 5))
        self.assertEqual(move.tilbago_days_overdue, 4)
        # in the user's date format, not ISO
        self.assertEqual(move.tilbago_suggested_action, "Wait until 01/11/2026")
        self.env["res.lang"]._activate_lang("fr_CH")
        self.assertIn("11.01.2026", move.with_context(lang="fr_CH").tilbago_suggested_action)
        move = move.with_context(tilbago_today=D(2026, 1, 12))
        self.assertEqual(move.tilbago_suggested_action, "Send reminder 1")

    def test_blocks_on_invoice_and_partner(self):
        blocked = self._invoice()
        blocked.tilbago_no_reminder = True
        self.assertFalse(blocked.tilbago_next_reminder_date)
        other_partner = self.env["res.partner"].create(
            {"name": "Blocked Debtor", "email": "blocked@example.com"}
        )
        contact = self.env["res.partner"].create(
            {"name": "Accounting", "parent_id": other_partner.id, "email": "acc@example.com"}
        )
        by_partner = self._invoice(partner=contact)
        other_partner.tilbago_no_reminder = True
        self.assertFalse(by_partner.tilbago_next_reminder_date, "the company's block counts")
        self.assertEqual(self._run(D(2026, 6, 1)), (0, 0))
        self.assertEqual([self._level(m) for m in blocked | by_partner], ["none"] * 2)
        with self.assertRaises(UserError):
            blocked.action_tilbago_send_reminder_now()

        other_partner.tilbago_no_reminder = False
        self.assertEqual(self._run(D(2026, 6, 1)), (1, 0))
        self.assertEqual(self._level(by_partner), "1")
        self.assertEqual(self._level(blocked), "none")

    def test_payment_stops_escalation_partial_keeps_it(self):
        paid = self._invoice()
        partial = self._invoice()
        draft = self._invoice(post=False)
        self._pay(paid, 100.0)
        self._pay(partial, 40.0)
        self.assertIn(paid.payment_state, ("paid", "in_payment"))
        self.assertEqual(partial.payment_state, "partial")
        self.assertFalse(paid.tilbago_next_reminder_date)
        self.assertEqual(self._run(D(2026, 1, 11)), (1, 0))
        self.assertEqual(self._level(paid), "none")
        self.assertEqual(self._level(draft), "none")
        self.assertEqual(self._level(partial), "1")
        body = self._reminder_messages(partial).body
        self.assertIn("60.00", body, "the reminder shows the open amount")
        self.assertNotIn("100.00", body)

        # paying the rest stops the escalation
        self._pay(partial, 60.0)
        self.assertFalse(partial.tilbago_next_reminder_date)
        self.assertEqual(self._run(D(2026, 3, 1)), (0, 0))
        self.assertEqual(self._level(partial), "1")
        with self.assertRaises(UserError):
            partial.action_tilbago_send_reminder_now()

    def test_reversed_and_cancelled_invoices_never_climb(self):
        reversed_move = self._invoice()
        reversed_move._reverse_moves(cancel=True)
        cancelled = self._invoice()
        cancelled.button_draft()
        cancelled.button_cancel()
        self.assertEqual(self._run(D(2026, 6, 1)), (0, 0))
        self.assertEqual(
            [self._level(m) for m in reversed_move | cancelled], ["none", "none"]
        )

    def test_multi_company_isolation(self):
        company2 = self.setup_other_company(name="Company Two")["company"]
        levels2 = company2.tilbago_reminder_level_ids
        self.assertEqual(len(levels2), 3, "a new company gets the three default levels")
        levels2[0].write({"delay": 30, "fee": 7.0})
        levels2[1].write({"fee": 9.0})
        move1 = self._invoice()
        move2 = self._invoice(company=company2, amount=300.0)
        self.assertEqual(move2.company_id, company2)
        self.assertEqual(move2.tilbago_next_reminder_date, D(2026, 1, 31))
        # the cron escalates every company, each with its own delays
        self.assertEqual(self._run(D(2026, 1, 11)), (1, 0))
        self.assertEqual(self._level(move1), "1")
        self.assertEqual(self._level(move2), "none")
        self._run(D(2026, 1, 31))
        self.assertEqual(self._level(move2), "1")
        self.assertEqual(move2.tilbago_reminder_fee, 7.0, "company 2's own fee")
        self.assertEqual(self._level(move1), "2")
        self.assertEqual(move1.tilbago_reminder_fee, 20.0, "company 1's fee")

        overview = self.env["account.move"].tilbago_reminder_overview()
        by_company = {(row["company_id"], row["level"]): row for row in overview}
        self.assertEqual(
            move2.tilbago_reminder_ids.level_id, levels2[0], "company 2's own level"
        )
        self.assertEqual(by_company[(company2.id, "Reminder 1")]["count"], 1)
        self.assertEqual(by_company[(self.company.id, "Reminder 2")]["count"], 1)
        self.assertEqual(by_company[(company2.id, "Reminder 1")]["amount"], 300.0)

        # a clerk of company 1 sees only company 1
        clerk = new_test_user(
            self.env,
            login="clerk1",
            groups="account.group_account_invoice",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        rows = self.env["account.move"].with_user(clerk).tilbago_reminder_overview()
        self.assertEqual({row["company_id"] for row in rows}, {self.company.id})

    def test_overview_counts(self):
        moves = [self._invoice(amount=amount) for amount in (100.0, 200.0, 300.0, 400.0)]
        self._run(D(2026, 1, 11))  # all four at 1
        self._set_level(moves[1] | moves[2] | moves[3], 2,
                        tilbago_reminder_level_date=D(2026, 1, 12))
        moves[3].with_context(tilbago_escalation=True).write(
            {"tilbago_reminder_state": "litigation"}
        )
        self._pay(moves[2], 50.0)
        rows = {
            row["level"]: row
            for row in self.env["account.move"].tilbago_reminder_overview()
            if row["company_id"] == self.company.id
        }
        self.assertEqual({level: row["count"] for level, row in rows.items()},
                         {"Reminder 1": 1, "Reminder 2": 2, "Litigation": 1})
        self.assertEqual(rows["Reminder 1"]["amount"], 100.0)
        self.assertEqual(rows["Reminder 2"]["amount"], 200.0 + 250.0, "open amounts")
        self.assertEqual(rows["Litigation"]["amount"], 400.0)
        self.assertEqual(rows["Reminder 2"]["level_id"], self.levels[1].id)
        self.assertEqual(rows["Litigation"]["state"], "litigation")
        # the partner summary: worst level and counts per level
        self.debtor.invalidate_recordset()
        self.assertEqual(self.debtor.tilbago_worst_reminder_level, "Litigation")
        self.assertEqual(
            (self.debtor.tilbago_reminder_count, self.debtor.tilbago_litigation_count), (3, 1)
        )
        # the smart button says it in words
        self.assertEqual(
            self.debtor.tilbago_reminder_text,
            "1 in reminder 1, 2 in reminder 2, 1 in litigation",
        )
        self.assertFalse(self.debtor_print.tilbago_reminder_text)
        arch = self.env.ref("l10n_ch_tilbago.view_partner_form").arch_db
        self.assertNotIn("R1 ", arch)
        self.assertFalse(self.debtor_print.tilbago_worst_reminder_level)
        action = self.debtor.action_tilbago_open_reminder_invoices()
        self.assertEqual(len(self.env["account.move"].search(action["domain"])), 4)
        moves[3].with_context(tilbago_escalation=True).write({"tilbago_reminder_state": "reminder"})
        self.debtor.invalidate_recordset()
        self.assertEqual(self.debtor.tilbago_worst_reminder_level, "Reminder 2")


@tagged("post_install", "-at_install")
class TestReminderCron(ReminderCommon):
    def test_cron_batches_resume_without_double_sending(self):
        moves = self.env["account.move"]
        for _i in range(5):
            moves |= self._invoice()
        cron = self.env.ref("l10n_ch_tilbago.ir_cron_tilbago_reminders")
        cron, progress = cron._add_progress()
        Move = self.env["account.move"].with_context(ir_cron_progress_id=progress.id)
        with freeze_time("2026-01-11"):
            # batch 1 (committed by the cron runner: a savepoint here)
            with self.env.cr.savepoint():
                self.assertEqual(Move._cron_tilbago_reminders(batch_size=2), (2, 3))
            self.assertEqual((progress.done, progress.remaining), (2, 3))
            # batch 2 is interrupted in the middle: its transaction is rolled back
            calls = []
            original = AccountMove.message_post

            def crash_on_second(move, **kwargs):
                calls.append(move.id)
                if len(calls) == 2:
                    raise RuntimeError("worker killed")
                return original(move, **kwargs)

            with patch.object(AccountMove, "message_post", crash_on_second):
                with self.assertRaises(RuntimeError), self.env.cr.savepoint():
                    Move._cron_tilbago_reminders(batch_size=2)
            self.env.invalidate_all()
            self.assertEqual(
                sorted(self._level(m) for m in moves), ["1", "1", "none", "none", "none"]
            )
            # the next runs resume with what is left
            self.assertEqual(Move._cron_tilbago_reminders(batch_size=2), (2, 1))
            self.assertEqual(Move._cron_tilbago_reminders(batch_size=2), (1, 0))
            self.assertEqual((progress.done, progress.remaining), (1, 0))
            self.assertEqual(Move._cron_tilbago_reminders(batch_size=2), (0, 0))
        self.assertEqual([self._level(m) for m in moves], ["1"] * 5)
        for move in moves:
            messages = self._reminder_messages(move)
            self.assertEqual(len(messages), 1, "exactly one reminder per invoice")
            self.assertEqual(
                self.env["mail.mail"].search_count([("mail_message_id", "in", messages.ids)]), 1
            )


@tagged("post_install", "-at_install")
class TestReminderManual(ReminderCommon):
    def test_send_reminder_now_is_logged(self):
        move = self._invoice(due=D(2099, 1, 1))  # not even due
        move.action_tilbago_send_reminder_now()
        self.assertEqual(self._level(move), "1")
        self.assertEqual(len(self._reminder_messages(move)), 1)
        self.assertTrue(move.message_ids.filtered(lambda m: "by hand" in (m.body or "")))
        self._set_level(move, 3)
        with self.assertRaisesRegex(UserError, "already had its last reminder"):
            move.action_tilbago_send_reminder_now()
        self.assertEqual(len(move.tilbago_reminder_ids), 1)
        self.assertEqual(move.tilbago_reminder_ids.user_id, self.env.user)

    def test_manual_level_change_managers_only_and_logged(self):
        move = self._invoice()
        clerk = new_test_user(
            self.env, login="clerk", groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        manager = new_test_user(
            self.env, login="boss", groups="account.group_account_manager",
            company_id=self.company.id,
        )
        self.assertFalse(clerk.has_group("l10n_ch_tilbago.group_tilbago_manager"))
        with self.assertRaises(AccessError):
            move.with_user(clerk).write({"tilbago_reminder_level_id": self.levels[1].id})
        with self.assertRaises(AccessError):
            move.with_user(clerk).write({"tilbago_reminder_state": "litigation"})
        # a clerk may still send the reminder (the escalation is not a manual change)
        move.with_user(clerk).action_tilbago_send_reminder_now()
        self.assertEqual(self._level(move), "1")

        move.with_user(manager).write({"tilbago_reminder_level_id": self.levels[2].id})
        self.env.flush_all()
        self.env.cr.flush()  # runs the tracking (precommit)
        self.assertEqual(self._level(move), "3")
        self.assertEqual(move.tilbago_reminder_level_date, fields.Date.today(),
                         "the level's date is set")
        self.assertEqual(len(move.tilbago_reminder_ids), 1, "nothing sent, nothing recorded")
        self.assertTrue(
            move.message_ids.filtered(lambda m: "changed by hand" in (m.body or ""))
        )
        self.assertTrue(
            move.message_ids.tracking_value_ids.filtered(
                lambda t: t.field_id.name == "tilbago_reminder_level_id"
            ),
            "the level change is tracked",
        )
        # litigation by hand keeps the last level and dates the litigation
        move.with_user(manager).write({"tilbago_reminder_state": "litigation"})
        self.assertEqual((self._level(move), move.tilbago_litigation_date),
                         ("litigation", fields.Date.today()))
        self.assertEqual(move.tilbago_reminder_level_id, self.levels[2])
        self.assertFalse(move.tilbago_next_reminder_date)
        move.with_user(manager).write({"tilbago_reminder_state": "none"})
        self.assertFalse(move.tilbago_reminder_level_id or move.tilbago_reminder_level_date
                         or move.tilbago_litigation_date)
        self.assertTrue(move.tilbago_next_reminder_date)
        with self.assertRaisesRegex(UserError, "choose the reminder level"):
            move.with_user(manager).write({"tilbago_reminder_state": "reminder"})


@tagged("post_install", "-at_install")
class TestReminderLettersAndLanguages(ReminderCommon):
    def test_partner_without_email_goes_to_print_list(self):
        moves = self._invoice(partner=self.debtor_print) | self._invoice(
            partner=self.debtor_print, amount=250.0
        )
        self._run(D(2026, 1, 11))
        self.assertEqual(moves.mapped("tilbago_reminder_to_print"), [True, True])
        self.assertEqual(moves.tilbago_reminder_ids.mapped("state"), ["to_print"] * 2)
        self.assertEqual(moves.tilbago_reminder_ids.mapped("channel"), ["letter"] * 2)
        self.assertIn("to print", moves[0].tilbago_reminder_ids.message_id.body)
        self.assertFalse(self._reminder_messages(moves[0]), "no e-mail without an address")
        self.assertTrue(moves[0].message_ids.filtered(lambda m: "to print" in (m.body or "")))
        action = moves.action_tilbago_print_reminders()
        self.assertEqual(action["report_name"], "l10n_ch_tilbago.report_tilbago_reminder")
        self.assertEqual(moves.mapped("tilbago_reminder_to_print"), [False, False])
        self.assertEqual(moves.tilbago_reminder_ids.mapped("state"), ["printed"] * 2)
        self.assertEqual(moves.tilbago_reminder_ids.mapped("date_printed"),
                         [fields.Date.today()] * 2)
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_ch_tilbago.report_tilbago_reminder", moves.ids
        )
        html = html.decode()
        for move in moves:
            self.assertIn(move.name, html, "all letters in one document")
        self.assertIn("250.00", html)

    def test_templates_rendered_in_each_language(self):
        langs = {"de": "de_CH", "fr": "fr_CH", "it": "it_IT", "en": "en_US"}
        for code in langs.values():
            self.env["res.lang"]._activate_lang(code)
        # load the addon's translations (i18n/de.po, fr.po, it.po) for these languages
        self.env["ir.module.module"]._load_module_terms(
            ["l10n_ch_tilbago"], list(langs.values()), overwrite=True
        )
        greetings = {"de": "Guten Tag", "fr": "Bonjour", "it": "Buongiorno", "en": "Dear"}
        subjects = {"de": "Zahlungserinnerung", "fr": "Rappel", "it": "Sollecito", "en": "Reminder"}
        partners = {}
        for short, code in langs.items():
            vals = {"name": f"Debtor {short}", "email": f"{short}@example.com", "lang": code}
            partners[short] = self.env["res.partner"].create(vals)
        # the debtor language field wins over the partner language
        if "tilbago_language" in partners["de"]._fields:
            partners["de"].write({"lang": "en_US", "tilbago_language": "de"})
        moves = {short: self._invoice(partner=partner) for short, partner in partners.items()}
        self._run(D(2026, 1, 21))
        template = self.env.ref("l10n_ch_tilbago.mail_template_tilbago_reminder1")
        for short, move in moves.items():
            self.assertEqual(move._tilbago_reminder_lang(), langs[short])
            rendered_lang = template._render_lang(move.ids)[move.id]
            self.assertEqual(rendered_lang, langs[short])
            message = self._reminder_messages(move)
            self.assertEqual(len(message), 1)
            # dynamic values in the debtor's formats: invoice number, due date, amount
            due = move.with_context(lang=langs[short])
            lang = self.env["res.lang"]._get_data(code=langs[short])
            self.assertIn(move.name, message.body)
            self.assertIn(DUE.strftime(lang.date_format), message.body, short)
            self.assertIn(move.partner_id.name, message.body)
            self.assertIn(greetings[short], message.body, short)
            self.assertTrue(message.subject.startswith(subjects[short]), message.subject)
            self.assertTrue(due)
        # the printed letter uses the same translated text
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "l10n_ch_tilbago.report_tilbago_reminder", moves["fr"].ids
        )
        self.assertIn("Bonjour", html.decode())
