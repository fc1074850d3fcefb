# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Click-throughs in headless Chromium (static/tests/tours/tilbago_tours.js).

The tours run on the demo data a newcomer sees after ``tools/run``: the administrator,
the Swiss demo company, the demo Epsitec SA invoice. The test creates no record for
them; it only points the demo company at an in-process sandbox (``TilbagoDemoCommon``),
and skips, with the reason, on a database installed without demo data. Set
``TILBAGO_TOUR_SCREENSHOTS=1`` to save a screenshot of every finished screen (the steps
that log ``tilbago_screen: <name>``) in Odoo's ``--screenshots`` folder.
"""

import os
from contextlib import contextmanager
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, tagged
from odoo.tests.common import ChromeBrowser

from ..tilbago import status as tilbago_status
from .test_demo import TilbagoDemoCommon

SCREEN_MARK = "tilbago_screen: "


@tagged("post_install", "-at_install")
class TestTour(TilbagoDemoCommon, HttpCase):
    @contextmanager
    def _screenshots(self):
        """Screenshot every screen the tour marks, when asked to (development aid)."""
        if not os.environ.get("TILBAGO_TOUR_SCREENSHOTS"):
            yield {}
            return
        original = ChromeBrowser._handle_console

        # Odoo passes the console event's fields by name, "type" among them
        def handle_console(browser, type, args=None, stackTrace=None, **kw):  # noqa: A002 pylint: disable=redefined-builtin
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

    def _invoice_url(self):
        return "/odoo/action-account.action_move_out_invoice_type/%s" % self.demo_invoice.id

    def _check_sent(self):
        """The demo invoice's request reached the sandbox, the case is in tilbago."""
        [received] = self.sandbox.cases()
        body = received["body"]
        self.assertEqual(body["claim"]["amount"], 1256560)
        self.assertEqual(body["claim"]["reason"], "Facture %s" % self.demo_invoice.name)
        self.assertEqual(body["debtor"]["company"], "Epsitec SA")
        self.assertEqual(body["debtor"]["companyUid"], "CHE-107.933.850")
        self.assertEqual(body["debtor"]["preferredLanguage"], "fr")
        case = self.demo_invoice.tilbago_case_id
        self.assertEqual(case.tilbago_id, received["caseId"])
        self.assertEqual(case.create_uid, self.env.ref("base.user_admin"))
        self.assertEqual(case.state, tilbago_status.classify(received["statusCode"]))
        # one status GET right after sending, one more for "Refresh Status"
        status_gets = [
            r for r in self.sandbox.requests
            if r["method"] == "GET" and case.tilbago_id in r["path"]
        ]
        self.assertEqual(len(status_gets), 2, self.sandbox.requests)
        # Attach Document: the demo delivery note went to tilbago
        note = case.document_ids.filtered(lambda d: d.name.startswith("Bon de livraison"))
        self.assertEqual(note.state, "sent")
        self.assertIn(note.name, [a["filename"] for a in received["attachments"]])
        return case

    def test_requisition_tour(self):
        """The administrator sends the demo Epsitec invoice to tilbago, refreshes the
        case and attaches the delivery note, all on the demo data."""
        self.assertFalse(self.demo_invoice.tilbago_case_id)
        self.assertFalse(self.sandbox.cases())
        with self._screenshots() as options:
            self.start_tour(self._invoice_url(), "l10n_ch_tilbago_requisition",
                            login="admin", **options)
        self._check_sent()

    def test_requisition_tour_fr(self):
        """The same in Swiss French: a fr_CH user sees the wizard in French and dates in
        the Swiss format."""
        self.env["res.lang"]._activate_lang("fr_CH")
        self.env["ir.module.module"].search(
            [("name", "in", ("web", "l10n_ch_tilbago"))]
        )._update_translations(filter_lang=["fr_CH"])
        self.env.ref("base.user_admin").lang = "fr_CH"
        with self._screenshots() as options:
            self.start_tour(self._invoice_url(), "l10n_ch_tilbago_requisition_fr",
                            login="admin", **options)
        self._check_sent()

    def test_reminders_tour(self):
        """The demo Epsitec invoice in litigation, from the overview and the list."""
        with self._screenshots() as options:
            self.start_tour("/odoo", "l10n_ch_tilbago_reminders", login="admin", **options)
        self.assertFalse(self.sandbox.cases())

    def test_case_stages_tour(self):
        """The administrator follows the demo case of Costruzioni Ceresio from its
        payment order to the objection the office communicated: the collection file,
        the deadlines of each stage, the statement and the actions to do."""
        case = self.env["tilbago.case"].search(
            [("invoice_ids", "in", self.env.ref("l10n_ch_tilbago.demo_invoice_ceresio_case").id)]
        )
        self.assertEqual(case.state, "payment_order")
        with self._screenshots() as options:
            self.start_tour("/odoo", "l10n_ch_tilbago_case_stages", login="admin", **options)
        self.assertEqual(case.state, "opposition")
        # the date entered in the wizard, not the day of the click
        self.assertTrue(case.date_opposition < fields.Date.context_today(case))
        self.assertEqual(case.history_ids.sorted("id")[-1].state, "opposition")
        [lift] = case.activity_ids.filtered("tilbago_step_id")
        self.assertEqual(
            lift.tilbago_step_id,
            self.env.ref("l10n_ch_tilbago.tilbago_scenario_step_lift_opposition"),
        )
        self.assertEqual(lift.date_deadline, case.date_opposition + timedelta(days=30))
        self.assertTrue(
            case.message_ids.filtered(lambda m: "Letter of the office" in m.body)
        )
        # setting a stage by hand sends nothing to tilbago
        self.assertEqual(self.sandbox.requests, [])

    def test_settings_tour(self):
        """The administrator tests the connection from the settings page."""
        with self._screenshots() as options:
            self.start_tour("/odoo/settings", "l10n_ch_tilbago_settings", login="admin",
                            **options)
        # the connection test creates nothing in tilbago, and the settings saved stay
        self.assertEqual(self.sandbox.cases(), [])
        self.assertEqual(self.company.tilbago_base_url, self.sandbox.url)
