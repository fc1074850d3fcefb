# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The upgrade from 18.0.1 (one date per level) to levels and reminder records.

The columns of 18.0.1 are put back by SQL on this database, filled as 18.0.1 left them,
and the migration scripts of migrations/18.0.2.0.0 run on them.
"""

import importlib.util
import json
import os

from odoo.tests import tagged

from .test_reminder import D, ReminderCommon

MIGRATIONS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations", "18.0.2.0.0")


def _script(name):
    spec = importlib.util.spec_from_file_location(
        "l10n_ch_tilbago_" + name.replace("-", "_"), os.path.join(MIGRATIONS, name + ".py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestReminderMigration(ReminderCommon):
    def _legacy_company(self):
        """A company as 18.0.1 left it: delays and fees on itself, no levels."""
        company = self.setup_other_company(name="Legacy Reminders SA")["company"]
        cr = self.env.cr
        cr.execute("DELETE FROM tilbago_reminder_level WHERE company_id = %s", [company.id])
        for n in (1, 2, 3):
            cr.execute(f"ALTER TABLE res_company ADD COLUMN IF NOT EXISTS "
                       f"tilbago_reminder{n}_delay integer")
            cr.execute(f"ALTER TABLE res_company ADD COLUMN IF NOT EXISTS "
                       f"tilbago_reminder{n}_fee numeric")
        cr.execute(
            """UPDATE res_company SET tilbago_reminder1_delay = 10, tilbago_reminder2_delay = 20,
                      tilbago_reminder3_delay = 30, tilbago_reminder1_fee = NULL,
                      tilbago_reminder2_fee = 20, tilbago_reminder3_fee = 30,
                      tilbago_litigation_delay = 12
                WHERE id = %s""",
            [company.id],
        )
        self.env.invalidate_all()
        return company

    def _legacy_invoice(self, company, level, dates=(), litigation=None, fee=0.0,
                        to_print=False, partner=None):
        move = self._invoice(company=company, partner=partner)
        cr = self.env.cr
        cr.execute("ALTER TABLE account_move ADD COLUMN IF NOT EXISTS "
                   "tilbago_reminder_level varchar")
        for n in (1, 2, 3):
            cr.execute(f"ALTER TABLE account_move ADD COLUMN IF NOT EXISTS "
                       f"tilbago_reminder{n}_date date")
        dates = list(dates) + [None] * (3 - len(dates))
        cr.execute(
            """UPDATE account_move SET tilbago_reminder_level = %s, tilbago_reminder1_date = %s,
                      tilbago_reminder2_date = %s, tilbago_reminder3_date = %s,
                      tilbago_litigation_date = %s, tilbago_reminder_fee = %s,
                      tilbago_reminder_to_print = %s
                WHERE id = %s""",
            [level, *dates, litigation, fee, to_print, move.id],
        )
        self.env.invalidate_all()
        return move

    def test_dates_and_fees_become_levels_and_reminders(self):
        company = self._legacy_company()
        fresh = self._legacy_invoice(company, "none")
        first = self._legacy_invoice(company, "1", [D(2026, 1, 11)])
        second = self._legacy_invoice(company, "2", [D(2026, 1, 11), D(2026, 1, 31)], fee=20.0)
        # set to 3 by hand, a letter waiting to be printed
        by_hand = self._legacy_invoice(company, "3", [None, None, D(2026, 3, 1)],
                                       to_print=True, partner=self.debtor_print)
        litigation = self._legacy_invoice(
            company, "litigation", [D(2026, 1, 11), D(2026, 1, 31), D(2026, 3, 2)],
            litigation=D(2026, 3, 14), fee=50.0,
        )
        # fees that do not add up to the levels' fees (changed in between)
        odd_fees = self._legacy_invoice(
            company, "litigation", [D(2025, 1, 11), D(2025, 1, 31), D(2025, 3, 2)],
            litigation=D(2025, 3, 14), fee=45.0,
        )
        # a company's own wording, in two languages, naming the old fields
        template = self.env.ref("l10n_ch_tilbago.mail_template_tilbago_reminder3")
        own = "<p>Mahnung 1 vom <t t-out='format_date(object.tilbago_reminder1_date)'/></p>"
        self.env.cr.execute(
            "UPDATE mail_template SET body_html = %s::jsonb WHERE id = %s",
            [json.dumps({"en_US": own.replace("Mahnung 1 vom", "Reminder 1 of"),
                         "de_CH": own}), template.id],
        )
        self.env.cr.execute(
            """UPDATE ir_model_data SET noupdate = FALSE
                WHERE module = 'l10n_ch_tilbago' AND model = 'mail.template'
                  AND name LIKE 'mail_template_tilbago_reminder_'"""
        )

        _script("pre-migrate").migrate(self.env.cr, "18.0.1.0.0")
        _script("post-migrate").migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()

        # the levels, with the company's delays and fees
        levels = company.tilbago_reminder_level_ids
        self.assertEqual(levels.mapped("delay"), [10, 20, 30])
        self.assertEqual(levels.mapped("fee"), [0.0, 20.0, 30.0])
        self.assertEqual(levels.mapped("name"), ["Reminder 1", "Reminder 2", "Reminder 3"])
        self.assertEqual(len(self.company.tilbago_reminder_level_ids), 3, "others untouched")
        # each invoice keeps its level; one record per reminder date
        self.assertEqual(self._level(fresh), "none")
        self.assertFalse(fresh.tilbago_reminder_ids)
        self.assertEqual(fresh.tilbago_next_reminder_date, D(2026, 1, 11), "10 days")
        self.assertEqual((self._level(first), first.tilbago_reminder_level_date),
                         ("1", D(2026, 1, 11)))
        self.assertEqual(first.tilbago_next_reminder_date, D(2026, 1, 31), "20 days")
        self.assertEqual(
            second.tilbago_reminder_ids.sorted("date").mapped(
                lambda r: (r.level_id, r.date, r.fee, r.state, r.channel)
            ),
            [(levels[0], D(2026, 1, 11), 0.0, "migrated", False),
             (levels[1], D(2026, 1, 31), 20.0, "migrated", False)],
        )
        self.assertEqual(second.tilbago_reminder_fee, 20.0)
        self.assertEqual(self._level(by_hand), "3")
        self.assertEqual(by_hand.tilbago_reminder_ids.mapped(lambda r: (r.level_id, r.state)),
                         [(levels[2], "to_print")])
        self.assertEqual(by_hand.tilbago_reminder_ids.channel, "letter")
        self.assertTrue(by_hand.tilbago_reminder_to_print)
        self.assertEqual(by_hand.tilbago_next_reminder_date, D(2026, 3, 13), "12 days")
        # litigation stays, at the last level, with its date; fees split by level
        self.assertEqual(self._level(litigation), "litigation")
        self.assertEqual(litigation.tilbago_reminder_level_id, levels[2])
        self.assertEqual(litigation.tilbago_litigation_date, D(2026, 3, 14))
        self.assertEqual(litigation._tilbago_final_reminder_date(), D(2026, 3, 2))
        self.assertFalse(litigation.tilbago_next_reminder_date)
        self.assertEqual(litigation.tilbago_reminder_ids.sorted("date").mapped("fee"),
                         [0.0, 20.0, 30.0])
        self.assertEqual(odd_fees.tilbago_reminder_ids.mapped("fee"), [0.0, 0.0, 0.0])
        self.assertEqual(odd_fees.tilbago_reminder_fee, 45.0, "the total is kept")
        self.assertEqual(
            litigation.with_context(tilbago_today=D(2026, 4, 1)).tilbago_suggested_action,
            "Open a debt collection request",
        )
        # the old columns are gone
        self.env.cr.execute(
            """SELECT count(*) FROM information_schema.columns
                WHERE table_name IN ('account_move', 'res_company')
                  AND column_name ~ '^tilbago_reminder([123]_(date|delay|fee)|_level)$'"""
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        # the templates keep their words and read the dates from the reminders
        self.env.cr.execute("SELECT body_html FROM mail_template WHERE id = %s", [template.id])
        body = self.env.cr.fetchone()[0]
        self.assertEqual(body["de_CH"], own.replace("object.tilbago_reminder1_date",
                                                    "object._tilbago_reminder_date(1)"))
        self.assertIn("Reminder 1 of", body["en_US"])
        # (the templates of 18.0.1; the reminder per debtor came with 18.0.2)
        self.assertTrue(all(self.env["ir.model.data"].search([
            ("module", "=", "l10n_ch_tilbago"), ("model", "=", "mail.template"),
            ("name", "=like", "mail_template_tilbago_reminder_"),
        ]).mapped("noupdate")))
        self.assertIn("Reminder 1 of 01/11/2026", template._render_field(
            "body_html", litigation.ids)[litigation.id])

    def test_nothing_to_do_on_install(self):
        before = self.env["tilbago.reminder"].search_count([])
        _script("pre-migrate").migrate(self.env.cr, None)
        _script("post-migrate").migrate(self.env.cr, None)
        # run on a database without the old columns: nothing to take over
        _script("post-migrate").migrate(self.env.cr, "18.0.1.0.0")
        self.assertEqual(self.env["tilbago.reminder"].search_count([]), before)
