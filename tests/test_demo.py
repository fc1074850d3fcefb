# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo data as a newcomer finds it after ``tools/run`` (installed with demo data).

Skipped, with the reason, on a database installed without demo data.
"""

import tempfile
from unittest.mock import patch

import requests

from odoo.tests import TransactionCase, tagged

from ..models.tilbago_demo import DEMO_ID_PREFIX
from ..tilbago import status as tilbago_status
from ..tilbago.sandbox import DEFAULT_API_KEY, Sandbox
from .test_case_common import _loopback_send

NO_DEMO = "needs the demo data (this database was installed without it)"


class TilbagoDemoCommon:
    """The demo company pointed at an in-process sandbox (set-up only, no demo record)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo_invoice = cls.env.ref(
            "l10n_ch_tilbago.demo_invoice_epsitec", raise_if_not_found=False
        )
        if not cls.demo_invoice:
            return
        patcher = patch.object(requests.sessions.Session, "send", _loopback_send)
        patcher.start()
        cls.addClassCleanup(patcher.stop)
        # the demo company's key (DEFAULT_API_KEY), statuses moving on demand only
        cls.sandbox = Sandbox(port=0, api_key=DEFAULT_API_KEY, step_seconds=0).start()
        cls.addClassCleanup(cls.sandbox.stop)
        cls.company = cls.env.ref("base.demo_company_ch")
        cls.company.write(
            {
                "tilbago_base_url": cls.sandbox.url,
                "tilbago_storage_path": tempfile.mkdtemp(prefix="tilbago_demo_test_"),
            }
        )

    def setUp(self):
        if not self.demo_invoice:
            self.skipTest(NO_DEMO)
        super().setUp()
        self.sandbox.reset()


@tagged("post_install", "-at_install")
class TestDemo(TilbagoDemoCommon, TransactionCase):
    def _demo_cases(self):
        return self.env["tilbago.case"].search([("company_id", "=", self.company.id)])

    def test_admin_starts_in_a_swiss_company(self):
        """On first login the administrator is in a Swiss company, CHF, Swiss chart."""
        admin = self.env.ref("base.user_admin")
        company = admin.company_id
        self.assertEqual(company, self.company)
        self.assertEqual(company.country_id.code, "CH")
        self.assertEqual(company.currency_id.name, "CHF")
        self.assertEqual(company.chart_template, "ch")
        self.assertEqual(
            self.env["account.account"].with_company(company).search(
                [("company_ids", "in", company.id), ("code", "=", "1100")]
            ).account_type,
            "asset_receivable",
            "the Swiss chart's receivable account 1100 exists",
        )
        self.assertEqual(company.account_fiscal_country_id.code, "CH")
        self.assertEqual(admin.with_user(admin).env.company, company)
        # every demo record of this addon is in that company
        invoices = self.env["account.move"].search(
            [("partner_id.name", "in", ("Epsitec SA", "Hans Muster", "Costruzioni Ceresio SA",
                                        "Schreinerei Keller", "Sophie Rochat"))]
        )
        self.assertGreaterEqual(len(invoices), 10)
        self.assertEqual(invoices.company_id, company)
        self.assertEqual(invoices.currency_id.mapped("name"), ["CHF"])
        self.assertEqual(self._demo_cases().company_id, company)
        self.assertEqual(
            set(self._demo_cases().mapped("state")),
            {"review", "payment_order", "opposition", "certificate_of_loss", "error"},
        )

    def test_demo_files_start_when_their_request_went_out(self):
        """A demo case sent days ago was opened as a collection file that day, so the
        deadlines and the start date tell one story."""
        sent = self._demo_cases().filtered("date_sent")
        self.assertTrue(sent)
        for case in sent:
            self.assertEqual(case.date_start, case.date_sent.date(), case.name)

    def test_demo_invoice_passes_the_wizard_checks(self):
        """The Epsitec invoice goes through the wizard without a warning or a problem."""
        admin = self.env.ref("base.user_admin")
        invoice = self.demo_invoice.with_user(admin)
        self.assertEqual(invoice.currency_id.name, "CHF")
        self.assertEqual(invoice.tilbago_reminder_state, "litigation")
        wizard_model = self.env["tilbago.requisition.wizard"].with_user(admin)
        self.assertEqual(wizard_model._tilbago_check_invoices(invoice), [])
        action = invoice.action_tilbago_requisition()
        wizard = wizard_model.browse(action["res_id"])
        self.assertEqual(wizard.amount, 12565.60)
        self.assertTrue(wizard.reason.startswith("Facture INV/"), wizard.reason)
        wizard.action_next()
        wizard.action_next()
        self.assertEqual(wizard.step, "confirm")
        self.assertFalse(wizard.has_problems, wizard.problems)

    def test_reminder_cron_leaves_the_demo_as_designed(self):
        """The first run of the daily reminder cron changes no level, queues no e-mail."""
        moves = self.env["account.move"].search([("move_type", "=", "out_invoice")])

        def levels():
            return {
                move: (move.tilbago_reminder_state, move.tilbago_reminder_level_id.sequence)
                for move in moves
            }

        before = levels()
        self.assertEqual(
            set(before.values()),
            {("none", 0), ("reminder", 10), ("reminder", 20), ("reminder", 30),
             ("litigation", 30)},
            "every level shown",
        )
        mails = self.env["mail.mail"].search_count([])
        self.env["account.move"]._cron_tilbago_reminders()
        self.assertEqual(levels(), before)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        # only the demo debtors' invoices may climb; Odoo's own demo invoices are blocked
        climbing = moves.filtered("tilbago_next_reminder_date")
        self.assertEqual(climbing.company_id, self.company)
        self.assertTrue(all(m.partner_id.tilbago_language for m in climbing))
        keller = self.env.ref("l10n_ch_tilbago.demo_invoice_keller_r3")
        self.assertTrue(keller.tilbago_reminder_to_print)
        # the reminders it went through are recorded, the last letter still to print
        self.assertEqual(keller.tilbago_reminder_ids.sorted("date").mapped("state"),
                         ["sent", "sent", "to_print"])
        self.assertEqual(sum(keller.tilbago_reminder_ids.mapped("fee")),
                         keller.tilbago_reminder_fee)

    def test_demo_cases_refresh_against_the_sandbox(self):
        """The hourly refresh opens the demo cases in the sandbox at their status:
        no error, no stage moved, and a second refresh just reads them."""
        cases = self._demo_cases()
        followed = cases.filtered(lambda c: c.state in ("review", "payment_order", "opposition"))
        self.assertEqual(len(followed), 3)
        self.assertTrue(all(c.tilbago_id.startswith(DEMO_ID_PREFIX) for c in followed))
        states = {case: case.state for case in cases}
        history = {case: len(case.history_ids) for case in cases}
        self.assertGreaterEqual(min(history[c] for c in followed), 2)

        done, errors = self.env["tilbago.case"]._cron_refresh_status()
        self.assertEqual((done, errors), (3, 0))
        self.assertEqual({case: case.state for case in cases}, states)
        received = {c["caseId"]: c for c in self.sandbox.cases()}
        self.assertEqual(set(received), set(followed.mapped("tilbago_id")))
        for case in followed:
            self.assertEqual(received[case.tilbago_id]["statusCode"], case.tilbago_status_code)
            self.assertEqual(received[case.tilbago_id]["externalRef"], case.external_ref)
            self.assertEqual(len(case.history_ids), history[case], "no stage moved")
        # the document of the case at the payment order went to the sandbox too
        ceresio = followed.filtered(lambda c: c.document_ids)
        self.assertEqual(ceresio.document_ids.state, "sent")
        self.assertEqual(len(received[ceresio.tilbago_id]["attachments"]), 1)

        # the finished case, refreshed by hand, is opened in the sandbox as well
        loss = cases.filtered(lambda c: c.state == "certificate_of_loss")
        loss.action_refresh_status()
        self.assertFalse(loss.tilbago_id.startswith(DEMO_ID_PREFIX))
        self.assertEqual(self.sandbox.case(loss.tilbago_id)["statusCode"],
                         tilbago_status.CERTIFICATE_OF_LOSS)
        self.assertEqual(loss.state, "certificate_of_loss")

    def test_demo_case_in_error_is_retried(self):
        """The failed send of the demo is retried against the sandbox and reaches it."""
        case = self._demo_cases().filtered(lambda c: c.state == "error")
        self.assertEqual(case.error_kind, "transport")
        self.assertTrue(case.last_error)
        case.action_retry()
        self.assertTrue(case.tilbago_id)
        self.assertFalse(case.tilbago_id.startswith(DEMO_ID_PREFIX))
        self.assertIn(case.state, ("review", "submitted"))
        [received] = self.sandbox.cases()
        self.assertEqual(received["body"]["debtor"]["company"], "Schreinerei Keller")
        self.assertFalse(received["body"]["debtor"]["isRegistered"])
