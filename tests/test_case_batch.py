# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Many debtors at once: a batch of requests, reviewed, queued and sent by the job."""

import json
import logging
from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .test_case_common import TilbagoCaseCommon
from .test_demo import TilbagoDemoCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestCaseBatch(TilbagoCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # sorted by name, the failing debtor comes first, the one with problems second
        cls.failing = cls.env["res.partner"].create(
            dict(cls._epsitec_values(), name="Aarau Fail AG", city="Aarau", zip="5000",
                 street="Bahnhofstrasse 1")
        )  # fmt: skip
        cls.bad = cls.env["res.partner"].create(
            dict(cls._epsitec_values(), name="Bad Address SA", street=False,
                 tilbago_contact_person=False)
        )  # fmt: skip
        cls.cron = cls.env.ref("l10n_ch_tilbago.ir_cron_tilbago_case_batch_send")

    # -- helpers ---------------------------------------------------------------------
    def _three_debtors(self):
        """Epsitec: 6 invoices with reminder fees (12 claims); one invoice of each other."""
        epsitec = self.env["account.move"]
        for day in range(1, 7):
            epsitec |= self._invoice(self.epsitec, 100.0 * day, date(2024, 1, day))
        epsitec.write({"tilbago_reminder_fee": 20.0})
        failing = self._invoice(self.failing, 500.0, date(2024, 2, 1))
        bad = self._invoice(self.bad, 700.0, date(2024, 2, 1))
        return epsitec, failing, bad

    def _prepare(self, invoices, user=None):
        invoices = invoices.with_user(user or self.billing_user)
        action = invoices.action_tilbago_prepare_batch()
        self.assertEqual(action["res_model"], "tilbago.case.batch")
        return invoices.env["tilbago.case.batch"].browse(action["res_id"])

    def _run_cron(self, batch_size=10):
        """One run of the job as Odoo's cron runs it; returns (done, remaining)."""
        _cron, progress = self.cron._add_progress()
        self.env["tilbago.case.batch.line"].with_context(
            ir_cron_progress_id=progress.id
        )._cron_send_queued(batch_size=batch_size)
        return progress.done, progress.remaining

    def _queued_batch(self, invoices):
        batch = self._prepare(invoices)
        batch.action_confirm_ready()
        batch.action_send_confirmed()
        return batch

    # -- the whole flow --------------------------------------------------------------
    def test_three_debtors_split_problem_failure_and_progress(self):
        epsitec, failing, bad = self._three_debtors()
        batch = self._prepare(epsitec | failing | bad)
        self.assertEqual(batch.company_id, self.company)
        self.assertEqual(batch.user_id, self.billing_user)
        self.assertTrue(batch.name.startswith("DEB/"))
        self.assertEqual(batch.state, "draft")
        lines = batch.line_ids
        self.assertEqual(
            lines.mapped("partner_id"), self.failing | self.bad | self.epsitec
        )
        self.assertEqual(len(lines), 4)
        fail_line, bad_line, first, second = lines
        # more than 10 claims: two requests, the oldest invoices first
        self.assertEqual((first.claim_count, second.claim_count), (10, 2))
        self.assertEqual(first.invoice_ids, epsitec[:5])
        self.assertEqual(second.invoice_ids, epsitec[5])
        self.assertAlmostEqual(first.amount, 1500.0 + 5 * 20.0)
        # the debtor with problems: the wizard's words, no confirmation
        self.assertEqual(bad_line.state, "problem")
        self.assertIn("contact person", bad_line.problems.lower())
        self.assertIn("street", bad_line.problems.lower())
        with self.assertRaises(ValidationError):
            bad_line.with_user(self.billing_user).confirmed = True
        self.assertEqual((fail_line.state, first.state, second.state), ("ready",) * 3)
        self.assertEqual((batch.ready_count, batch.problem_count), (3, 1))

        batch.action_confirm_ready()
        self.assertEqual(batch.confirmed_count, 3)
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)])
        batch.action_send_confirmed()
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)]),
            triggers + 1,
        )
        # saved as draft cases with their reference, nothing sent yet
        self.assertEqual(batch.state, "sending")
        self.assertEqual(batch.queued_count, 3)
        self.assertFalse(bad_line.case_id)
        cases = (fail_line | first | second).case_id
        self.assertEqual(len(cases), 3)
        self.assertEqual(set(cases.mapped("state")), {"draft"})
        self.assertEqual(first.case_id.claim_ids.invoice_id, epsitec[:5])
        self.assertEqual(len(first.case_id.claim_ids), 10)
        self.assertEqual(self.sandbox.cases(), [])
        for case in cases:
            self.assertEqual(json.loads(case.request_payload)["externalRef"], case.external_ref)

        # the job, two requests at a time; tilbago refuses the first debtor's
        self.sandbox.fail_next(
            status=400, method="PUT",
            body=json.dumps({"message": "debtor.address.zip: 5000 is not served"}),
            content_type="application/json",
        )  # fmt: skip
        self.assertEqual(self._run_cron(batch_size=2), (2, 1))
        self.assertEqual(batch.state, "sending")
        self.assertEqual((batch.sent_count, batch.error_count, batch.queued_count), (1, 1, 1))
        self.assertAlmostEqual(batch.progress, 200.0 / 3)
        self.assertEqual(self._run_cron(batch_size=2), (1, 0))
        self.assertEqual(self._run_cron(batch_size=2), (0, 0))

        self.assertEqual(batch.state, "done")
        self.assertEqual((batch.sent_count, batch.error_count, batch.progress), (2, 1, 100.0))
        self.assertEqual(fail_line.state, "error")
        self.assertEqual(fail_line.case_id.state, "error")
        self.assertEqual(fail_line.case_id.error_kind, "rejected")
        self.assertIn("5000 is not served", fail_line.result)
        for line in (first, second):
            self.assertEqual(line.state, "sent")
            self.assertEqual(line.case_id.state, "review")
            self.assertIn(line.case_id.tilbago_id, line.result)
            self.assertEqual(line.case_id.invoice_ids, line.invoice_ids)
        self.assertEqual(
            sorted(c["externalRef"] for c in self.sandbox.cases()),
            sorted((first | second).case_id.mapped("external_ref")),
        )
        # the result is on the case, as with the wizard
        self.assertTrue(
            any("Sending to tilbago failed" in (m.body or "")
                for m in fail_line.case_id.message_ids)
        )  # fmt: skip

        # a crash after a case was committed and before its line left the queue: the
        # next run sends nothing twice
        (first | second).sudo().write({"to_send": True})
        self.assertEqual(self._run_cron(), (2, 0))
        self.assertEqual(len(self.sandbox.cases()), 2)
        self.assertEqual((first.state, second.state), ("sent", "sent"))

        # retried from the case, the line follows
        fail_line.case_id.with_user(self.billing_user).action_retry()
        self.assertEqual(fail_line.state, "sent")
        self.assertEqual(batch.sent_count, 3)
        self.assertEqual(len(self.sandbox.cases()), 3)
        # the debtor corrected, its request checked again and sent
        self.bad.write({"street": "Rue du Lac 3", "tilbago_contact_person": "Anne Roux"})
        batch.action_check_again()
        self.assertEqual(bad_line.state, "ready")
        bad_line.with_user(self.billing_user).confirmed = True
        batch.action_send_confirmed()
        self._run_cron()
        self.assertEqual(bad_line.state, "sent")
        self.assertEqual(len(self.sandbox.cases()), 4)
        with self.assertRaises(UserError):
            batch.with_user(self.billing_user).unlink()

    def test_worker_dies_while_sending_never_a_second_case(self):
        invoice = self._invoice(self.epsitec, 800.0, date(2024, 1, 31))
        batch = self._queued_batch(invoice)
        line = batch.line_ids
        # tilbago opened the case, the answer never came
        self.sandbox.fail_next(drop=True, method="PUT")
        self._run_cron()
        self.assertEqual(line.state, "error")
        self.assertTrue(line.case_id.outcome_unknown)
        # as if the worker died waiting: the case left in "sending", its line queued
        line.case_id._tilbago_write({"state": "sending", "outcome_unknown": False})
        line.sudo().write({"to_send": True})
        self.assertEqual(line.state, "queued")
        self._run_cron()
        self.assertEqual(line.case_id.error_kind, "duplicate")
        [in_tilbago] = self.sandbox.cases()
        self.assertEqual(in_tilbago["externalRef"], line.case_id.external_ref)

    def test_unexpected_failure_does_not_stop_the_others(self):
        first = self._invoice(self.failing, 500.0, date(2024, 1, 31))
        second = self._invoice(self.epsitec, 600.0, date(2024, 1, 31))
        batch = self._queued_batch(first | second)
        Case = type(self.env["tilbago.case"])
        original = Case._tilbago_send

        def broken(case):
            if case.partner_id == self.failing:
                raise RuntimeError("boom")
            return original(case)

        logger = "odoo.addons.l10n_ch_tilbago.models.tilbago_case_batch_line"
        with patch.object(Case, "_tilbago_send", broken), self.assertLogs(logger, "ERROR"):
            self.assertEqual(self._run_cron(), (2, 0))
        fail_line, good_line = batch.line_ids
        self.assertEqual(fail_line.state, "error")
        self.assertIn("RuntimeError", fail_line.result)
        self.assertEqual(fail_line.case_id.state, "draft")  # retry from the case
        self.assertEqual(good_line.state, "sent")
        self.assertEqual(batch.state, "done")
        fail_line.case_id.action_retry()
        self.assertEqual(fail_line.state, "sent")

    # -- what is refused ---------------------------------------------------------------
    def test_invoices_that_cannot_be_prosecuted_are_a_problem_line(self):
        sent = self._invoice(self.epsitec, 300.0, date(2024, 1, 10))
        case, _action = self._send(self._go_confirm(self._start(sent)))
        self.assertTrue(case.tilbago_id)
        good = self._invoice(self.epsitec, 400.0, date(2024, 1, 20))
        eur = self._invoice(self.epsitec, 100.0, date(2024, 1, 25), currency=self.eur)
        other = self._invoice(self.failing, 200.0, date(2024, 1, 31))
        orphan = self.env["account.move"].create(
            {"move_type": "out_invoice", "company_id": self.company.id}
        )
        batch = self._prepare(sent | good | eur | other | orphan)
        lines = batch.line_ids
        self.assertEqual(len(lines), 4)
        other_line, good_line, refused, orphan_line = lines
        self.assertEqual(orphan_line.invoice_ids, orphan)
        self.assertEqual(orphan_line.state, "problem")
        self.assertIn("not posted", orphan_line.problems)
        self.assertEqual(other_line.invoice_ids, other)
        self.assertEqual(good_line.invoice_ids, good)
        self.assertEqual(good_line.state, "ready")
        self.assertEqual(refused.invoice_ids, sent | eur)
        self.assertEqual(refused.state, "problem")
        self.assertIn(case.name, refused.problems)  # already in a live case
        self.assertIn("EUR", refused.problems)

    def test_one_company_per_batch(self):
        other_company = self.setup_other_company()["company"]
        mine = self._invoice(self.epsitec, 300.0, date(2024, 1, 10))
        theirs = self.init_invoice(
            "out_invoice", partner=self.epsitec, amounts=[100.0], company=other_company
        )
        with self.assertRaisesRegex(UserError, "one company"):
            self.env["tilbago.case.batch"]._tilbago_prepare(mine | theirs)

    def test_access_rights_over_rpc(self):
        invoice = self._invoice(self.epsitec, 300.0, date(2024, 1, 10))
        batch = self._prepare(invoice)
        line = batch.line_ids
        # an employee who may not send requests
        employee = new_test_user(
            self.env, login="t5_batch_employee", groups="base.group_user",
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)],
        )  # fmt: skip
        with self.assertRaises(AccessError):
            self._prepare(invoice, user=employee)
        with self.assertRaises(AccessError):
            batch.with_user(employee).read(["name"])
        with self.assertRaises(AccessError):
            batch.with_user(employee).action_send_confirmed()
        # another company's manager does not see the batch, nor its lines
        other = self.env["res.company"].create({"name": "Other SA", "currency_id": self.chf.id})
        outsider = new_test_user(
            self.env, login="t5_batch_outsider",
            groups="base.group_user,l10n_ch_tilbago.group_tilbago_manager",
            company_id=other.id, company_ids=[Command.set(other.ids)],
        )  # fmt: skip
        self.assertFalse(self.env["tilbago.case.batch"].with_user(outsider).search([]))
        self.assertFalse(self.env["tilbago.case.batch.line"].with_user(outsider).search([]))
        with self.assertRaises(AccessError):
            batch.with_user(outsider).action_send_confirmed()
        with self.assertRaises(AccessError):
            line.with_user(outsider).write({"confirmed": True})
        # the clerk ticks "Confirmed", nothing else; batches are made by the module
        clerk_line = line.with_user(self.billing_user)
        for vals in ({"problems": False}, {"to_send": True}, {"case_id": False},
                     {"invoice_ids": [Command.clear()]}):
            with self.assertRaises(AccessError):
                clerk_line.write(vals)
        with self.assertRaises(AccessError):
            batch.with_user(self.billing_user).write({"company_id": other.id})
        with self.assertRaises(AccessError):
            self.env["tilbago.case.batch"].with_user(self.billing_user).create(
                {"company_id": self.company.id}
            )
        with self.assertRaises(AccessError):
            self.env["tilbago.case.batch.line"].with_user(self.billing_user).create(
                {"batch_id": batch.id, "invoice_ids": [Command.set(invoice.ids)]}
            )
        clerk_line.confirmed = True
        self.assertEqual(batch.confirmed_count, 1)

    def test_views_load_for_billing_user(self):
        Batch = self.env["tilbago.case.batch"].with_user(self.billing_user)
        views = Batch.get_views([(False, "list"), (False, "form"), (False, "search")])
        self.assertIn("action_send_confirmed", views["views"]["form"]["arch"])
        litigation = self.env["account.move"].with_user(self.billing_user).get_views(
            [(self.env.ref("l10n_ch_tilbago.view_tilbago_litigation_list").id, "list")]
        )
        self.assertIn("action_tilbago_prepare_batch", litigation["views"]["list"]["arch"])
        menu = self.env.ref("l10n_ch_tilbago.menu_tilbago_case_batch")
        self.assertIn(
            menu.id, self.env["ir.ui.menu"].with_user(self.billing_user)._visible_menu_ids()
        )

    def test_open_in_wizard_then_check_again_links_the_case(self):
        invoice = self._invoice(self.epsitec, 300.0, date(2024, 1, 10))
        other = self._invoice(self.failing, 200.0, date(2024, 1, 31))
        batch = self._prepare(invoice | other)
        other_line, line = batch.line_ids
        action = line.with_user(self.billing_user).action_open_wizard()
        wizard = self.env["tilbago.requisition.wizard"].browse(action["res_id"])
        self.assertEqual(wizard.invoice_ids, invoice)
        case, _action = self._send(wizard)
        batch.action_check_again()
        self.assertEqual(line.case_id, case)
        self.assertEqual(line.state, "sent")
        self.assertEqual(other_line.state, "ready")
        self.assertEqual(batch.sent_count, 1)

    def test_preparing_costs_the_same_queries_per_debtor(self):
        """Preparing grows with the debtors, each costing the same few queries."""
        partners = self.env["res.partner"].create(
            [dict(self._epsitec_values(), name="Debtor %02d AG" % i) for i in range(14)]
        )
        invoices = [self._invoice(partner, 100.0 + i, date(2024, 1, 10))
                    for i, partner in enumerate(partners)]  # fmt: skip
        counts = {}
        # a warm-up batch first, as a running server has its caches filled
        for size, chunk in ((0, invoices[:2]), (2, invoices[2:4]), (4, invoices[4:8]),
                            (6, invoices[8:14])):
            moves = self.env["account.move"].concat(*chunk).with_user(self.billing_user)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.env["tilbago.case.batch"].with_user(self.billing_user)._tilbago_prepare(moves)
            self.env.flush_all()
            counts[size] = self.cr.sql_log_count - before
        per_debtor = (counts[4] - counts[2]) / 2
        _logger.info("preparing a batch: %s queries (by debtors), %s per debtor",
                     counts, per_debtor)
        self.assertEqual(counts[6] - counts[4], counts[4] - counts[2], counts)


@tagged("post_install", "-at_install")
class TestCaseBatchTour(TilbagoDemoCommon, HttpCase):
    def test_batch_tour(self):
        """The administrator prepares the requests of two demo debtors in litigation
        from the list, confirms the ready ones and sends them; the job sends them."""
        keller = self.env.ref("l10n_ch_tilbago.demo_invoice_keller_r3")
        keller.tilbago_reminder_state = "litigation"
        self.start_tour("/odoo", "l10n_ch_tilbago_batch", login="admin")
        batch = self.env["tilbago.case.batch"].search([], limit=1)
        self.assertEqual(batch.user_id, self.env.ref("base.user_admin"))
        epsitec = batch.line_ids.filtered(lambda line: self.demo_invoice in line.invoice_ids)
        self.assertEqual(epsitec.state, "queued")
        self.assertEqual(self.sandbox.cases(), [])
        queued = batch.line_ids.filtered(lambda line: line.state == "queued")
        self.env["tilbago.case.batch.line"]._cron_send_queued()
        self.assertEqual(epsitec.state, "sent", epsitec.result)
        self.assertEqual(self.demo_invoice.tilbago_case_id, epsitec.case_id)
        self.assertEqual(len(self.sandbox.cases()), len(queued))
