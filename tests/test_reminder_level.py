# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reminder levels as configuration (two, three, four levels) and reminders as evidence."""

import psycopg2

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools import mute_logger

from .test_reminder import D, ReminderCommon


@tagged("post_install", "-at_install")
class TestReminderLevels(ReminderCommon):
    def test_defaults_for_every_company_and_templates_kept_on_upgrade(self):
        for company in self.env["res.company"].sudo().search([]):
            levels = company.tilbago_reminder_level_ids
            self.assertEqual(len(levels), 3, company.name)
            self.assertEqual(
                levels.mail_template_id,
                self.env.ref("l10n_ch_tilbago.mail_template_tilbago_reminder1")
                | self.env.ref("l10n_ch_tilbago.mail_template_tilbago_reminder2")
                | self.env.ref("l10n_ch_tilbago.mail_template_tilbago_reminder3"),
            )
        fresh = self.env["res.company"].create({"name": "Fresh Reminders AG"})
        self.assertEqual(fresh.tilbago_reminder_level_ids.mapped("name"),
                         ["Reminder 1", "Reminder 2", "Reminder 3"])
        self.assertEqual(fresh.tilbago_reminder_level_ids.mapped("delay"), [15, 15, 15])
        # a company's wording survives an upgrade
        data = self.env["ir.model.data"].search([
            ("module", "=", "l10n_ch_tilbago"), ("model", "=", "mail.template"),
        ])
        # the three levels' e-mails and the reminder per debtor
        self.assertEqual(len(data), 4)
        self.assertTrue(all(data.mapped("noupdate")))

    def _escalate_all(self, move, days):
        """Run the escalation on each of ``days``; the level reached on each."""
        reached = []
        for day in days:
            self._run(day)
            reached.append(self._level(move))
        return reached

    def test_two_levels(self):
        self.levels[2].write({"sequence": 99})
        self.levels[1].write({"fee": 25.0})
        # the third level goes: nothing reached it
        self.levels[2].unlink()
        move = self._invoice()
        self.assertEqual(
            self._escalate_all(move, [D(2026, 1, 11), D(2026, 1, 21), D(2026, 2, 4),
                                      D(2026, 2, 5)]),
            ["1", "2", "2", "litigation"],
            "litigation 15 days after the second and last reminder",
        )
        self.assertEqual(len(move.tilbago_reminder_ids), 2)
        self.assertEqual(move.tilbago_reminder_fee, 25.0)
        self.assertEqual(move._tilbago_final_reminder_date(), D(2026, 1, 21))

    def test_four_levels(self):
        fourth = self.env["tilbago.reminder.level"].create({
            "company_id": self.company.id,
            "sequence": 40,
            "name": "Formal notice",
            "delay": 5,
            "fee": 40.0,
            "mail_template_id": self.levels[2].mail_template_id.id,
        })
        self.assertEqual(fourth._tilbago_rank(), 4)
        move = self._invoice()
        self.assertEqual(
            self._escalate_all(move, [D(2026, 1, 11), D(2026, 1, 21), D(2026, 1, 31),
                                      D(2026, 2, 5), D(2026, 2, 19), D(2026, 2, 20)]),
            ["1", "2", "3", "4", "4", "litigation"],
        )
        self.assertEqual(move.tilbago_reminder_ids.sorted("date")[-1].level_id, fourth)
        self.assertEqual(move.tilbago_reminder_fee, 90.0)
        self.assertEqual(len(self._reminder_messages(move)), 4)

    def test_level_sending_uses_its_template(self):
        template = self.levels[0].mail_template_id.copy({
            "subject": "Friendly nudge {{ object.name }}",
            "body_html": "<p>A friendly nudge about <t t-out='object.name'/></p>",
        })
        self.levels[0].mail_template_id = template
        move = self._invoice()
        self._run(D(2026, 1, 11))
        self.assertTrue(self._reminder_messages(move).subject.startswith("Friendly nudge"))
        # the letter of a debtor without e-mail has the same words
        self.assertIn("A friendly nudge about %s" % move.name,
                      str(move._tilbago_reminder_letter_body()))

    def test_partner_summary_adds_up_levels_of_two_companies(self):
        company2 = self.setup_other_company(name="Summary Two")["company"]
        company2.tilbago_reminder_level_ids[0].name = "Erste Mahnung"
        self._invoice()
        self._invoice(company=company2)
        self._run(D(2026, 1, 16))  # reminder 1 in both companies
        debtor = self.debtor.sudo()
        self.assertEqual(debtor.tilbago_reminder_text, "2 in reminder 1")
        self.assertEqual(debtor.tilbago_reminder_count, 2)
        self.assertIn(debtor.tilbago_worst_reminder_level, ("Reminder 1", "Erste Mahnung"))

    def test_level_letter_report(self):
        first = self._invoice(partner=self.debtor_print)
        second = self._invoice(partner=self.debtor_print)
        self._run(D(2026, 1, 11))
        self._set_level(second, 2)
        custom = self.env.ref("account.account_invoices")
        self.levels[0].letter_report_id = custom
        self.assertEqual(first.action_tilbago_print_reminders()["report_name"],
                         custom.report_name, "the level's own letter")
        # levels with different letters: the standard letter for all
        self.assertEqual((first | second).action_tilbago_print_reminders()["report_name"],
                         "l10n_ch_tilbago.report_tilbago_reminder")

    def test_level_rules(self):
        Level = self.env["tilbago.reminder.level"]
        for vals, words in (({"delay": -1}, r'Reminder 2 - After \(days\) "-1"'),
                            ({"delay": 400}, "from 0 to 365"),
                            ({"fee": -5.0}, 'Reminder 2 - Fee "-5.0" cannot be negative')):
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, words), \
                    self.env.cr.savepoint():
                self.levels[1].write(vals)
        self.assertEqual((self.levels[1].delay, self.levels[1].fee), (10, 20.0))
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError), \
                self.env.cr.savepoint():
            Level.create({
                "company_id": self.company.id, "sequence": self.levels[0].sequence,
                "name": "Twin", "mail_template_id": self.levels[0].mail_template_id.id,
            })
        # a level an invoice reached stays, and so does the last level of a company
        self._invoice()
        self._run(D(2026, 1, 11))
        with self.assertRaisesRegex(UserError, "invoices have reached them"):
            self.levels[0].unlink()
        (self.levels[1] | self.levels[2]).unlink()
        self.assertEqual(self.company.tilbago_reminder_level_ids, self.levels[0])
        other = self.setup_other_company(name="Level Company")["company"]
        with self.assertRaisesRegex(UserError, "at least one reminder level"):
            other.tilbago_reminder_level_ids.unlink()
        with self.assertRaisesRegex(UserError, "cannot move to another company"):
            self.levels[0].company_id = other

    def test_managers_configure_levels_clerks_read_them(self):
        clerk = new_test_user(self.env, login="level_clerk", groups="account.group_account_invoice",
                              company_id=self.company.id)
        manager = new_test_user(self.env, login="level_boss",
                                groups="account.group_account_manager,base.group_system",
                                company_id=self.company.id)
        self.assertEqual(self.levels.with_user(clerk).mapped("name"),
                         ["Reminder 1", "Reminder 2", "Reminder 3"])
        with self.assertRaises(AccessError):
            self.levels[0].with_user(clerk).write({"fee": 1.0})
        self.levels[0].with_user(manager).write({"fee": 1.0})
        self.assertEqual(self.levels[0].fee, 1.0)
        # the settings open the company's levels
        settings = self.env["res.config.settings"].with_user(manager).create({})
        action = settings.action_tilbago_reminder_levels()
        self.assertEqual(action["res_model"], "tilbago.reminder.level")
        self.assertEqual(
            self.env["tilbago.reminder.level"].with_user(manager).search(action["domain"]),
            self.levels,
        )
        # another company's levels stay hidden
        other = self.setup_other_company(name="Hidden Levels")["company"]
        self.assertFalse(
            self.env["tilbago.reminder.level"].with_user(clerk).search(
                [("company_id", "=", other.id)]
            )
        )


    def test_a_language_activated_later_names_the_default_levels(self):
        """A company adds Italian after installing the addon: its default levels are
        named in Italian, a level it renamed keeps its own name."""
        lang = "it_IT"
        if self.env["res.lang"]._lang_get(lang):
            self.skipTest("Italian is already active in this database")
        self.levels[2].name = "Final notice"
        self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(["l10n_ch_tilbago"], [lang])
        self.assertEqual(
            self.levels.with_context(lang=lang).mapped("name"),
            ["1° sollecito", "2° sollecito", "Final notice"],
        )
        self.assertEqual(
            self.levels.with_context(lang="en_US").mapped("name"),
            ["Reminder 1", "Reminder 2", "Final notice"],
        )

@tagged("post_install", "-at_install")
class TestReminderEvidence(ReminderCommon):
    def test_only_the_module_writes_reminders(self):
        move = self._invoice()
        self._run(D(2026, 1, 11))
        reminder = move.tilbago_reminder_ids
        clerk = new_test_user(
            self.env, login="evidence_clerk", groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        manager = new_test_user(
            self.env, login="evidence_boss", groups="account.group_account_manager",
            company_id=self.company.id,
        )
        for user in (clerk, manager):
            as_user = reminder.with_user(user)
            self.assertEqual(as_user.read(["state"])[0]["state"], "sent")
            with self.assertRaises(AccessError):
                as_user.write({"date": D(2025, 1, 1)})
            with self.assertRaises(AccessError):
                as_user.unlink()
            with self.assertRaises(AccessError):
                self.env["tilbago.reminder"].with_user(user).create({
                    "move_id": move.id, "level_id": self.levels[0].id,
                    "date": D(2025, 1, 1), "state": "sent",
                })
        # even the administrator's own RPC calls (no superuser mode) are refused
        with self.assertRaisesRegex(AccessError, "recorded by the debt collection module"):
            reminder.with_user(self.env.ref("base.user_admin")).write({"fee": 0.0})
        self.assertEqual(reminder.date, D(2026, 1, 11))
        # an invoice with reminders cannot vanish with them
        with mute_logger("odoo.sql_db"), self.assertRaises(Exception), self.env.cr.savepoint():
            self.env.cr.execute("DELETE FROM account_move WHERE id = %s", [move.id])

    def test_reminders_of_another_company_are_hidden(self):
        company2 = self.setup_other_company(name="Company Evidence")["company"]
        self._invoice(company=company2)
        self._invoice()
        self._run(D(2026, 1, 16))  # company 2: the default delay, 15 days
        clerk = new_test_user(
            self.env, login="evidence_clerk1", groups="account.group_account_invoice",
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)],
        )
        seen = self.env["tilbago.reminder"].with_user(clerk).search([])
        self.assertEqual(seen.company_id, self.company)
        self.assertEqual(len(self.env["tilbago.reminder"].sudo().search([
            ("company_id", "in", (self.company | company2).ids),
        ])), 2)
