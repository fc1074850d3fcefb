# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Click-throughs in headless Chromium (static/tests/tours/tilbago_tours.js).

The tours run against the in-process sandbox of ``TilbagoCaseCommon``. Set
``TILBAGO_TOUR_SCREENSHOTS=1`` to save a screenshot of every finished screen (the steps
that log ``tilbago_screen: <name>``) in Odoo's ``--screenshots`` folder.
"""

import os
from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from .test_case_common import TilbagoCaseCommon

SCREEN_MARK = "tilbago_screen: "


@tagged("post_install", "-at_install")
class TestTour(TilbagoCaseCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # seed 000: Facture 5875 of Epsitec SA, CHF 12'565.60, long overdue
        cls.invoice = cls._invoice(
            cls.epsitec,
            12565.60,
            date(2020, 12, 19),
            invoice_date=date(2020, 11, 19),
            name="5875",
        )

    @contextmanager
    def _screenshots(self):
        """Screenshot every screen the tour marks, when asked to (development aid)."""
        if not os.environ.get("TILBAGO_TOUR_SCREENSHOTS"):
            yield {}
            return
        original = ChromeBrowser._handle_console

        def handle_console(browser, type, args=None, stackTrace=None, **kw):  # noqa: A002
            if args:
                first = str(browser._from_remoteobject(args[0]))
                if first.startswith(SCREEN_MARK):
                    name = "".join(
                        c if c.isalnum() else "_" for c in first[len(SCREEN_MARK):]
                    )
                    browser.take_screenshot(prefix="tilbago_%s_" % name)
            return original(browser, type, args=args, stackTrace=stackTrace, **kw)

        with patch.object(ChromeBrowser, "_handle_console", handle_console):
            yield {"step_delay": 1000}

    def test_requisition_tour(self):
        """A billing clerk sends the Epsitec invoice to tilbago, then refreshes the case."""
        self.assertEqual(self.invoice.name, "5875")
        self.assertFalse(self.invoice.tilbago_case_id)
        url = "/odoo/action-account.action_move_out_invoice_type/%s" % self.invoice.id
        with self._screenshots() as options:
            self.start_tour(url, "l10n_ch_tilbago_requisition", login=self.billing_user.login,
                            **options)

        [received] = self.sandbox.cases()
        self.assertEqual(received["body"]["claim"]["amount"], 1256560)
        self.assertEqual(received["body"]["claim"]["reason"], "Facture 5875")
        self.assertEqual(received["body"]["debtor"]["company"], "Epsitec SA")
        self.assertEqual(received["body"]["debtor"]["companyUid"], "CHE-107.933.850")
        case = self.invoice.tilbago_case_id
        self.assertTrue(case)
        self.assertEqual(case.tilbago_id, received["caseId"])
        self.assertEqual(case.state, "review")
        self.assertEqual(case.create_uid, self.billing_user)
        # one status GET right after sending, one more for "Refresh Status"
        status_gets = [
            r for r in self.sandbox.requests
            if r["method"] == "GET" and case.tilbago_id in r["path"]
        ]
        self.assertEqual(len(status_gets), 2, self.sandbox.requests)

    def test_reminders_tour(self):
        """The invoice in litigation shows in the overview and the Litigation list."""
        self.invoice.write(
            {
                "tilbago_reminder_level": "litigation",
                "tilbago_reminder1_date": date(2021, 1, 8),
                "tilbago_reminder2_date": date(2021, 1, 28),
                "tilbago_reminder3_date": date(2021, 2, 17),
                "tilbago_litigation_date": date(2021, 3, 4),
            }
        )
        with self._screenshots() as options:
            self.start_tour("/odoo", "l10n_ch_tilbago_reminders", login=self.billing_user.login,
                            **options)

    def test_settings_tour(self):
        """An administrator tests the connection from the settings page."""
        admin = self.env.ref("base.user_admin")
        admin.write(
            {
                "company_ids": [Command.link(self.company.id)],
                "company_id": self.company.id,
                "groups_id": [Command.link(self.env.ref("account.group_account_manager").id)],
            }
        )
        # the test chart has cash-basis taxes: without this the settings page refuses to
        # load ("You cannot disable this setting ..."), which a real company never meets
        self.company.tax_exigibility = True
        self.assertFalse(self.sandbox.cases())
        with self._screenshots() as options:
            self.start_tour("/odoo/settings", "l10n_ch_tilbago_settings", login="admin",
                            **options)
        # the connection test creates nothing in tilbago, and the settings saved stay
        self.assertEqual(self.sandbox.cases(), [])
        self.assertEqual(self.company.tilbago_base_url, self.sandbox.url)
