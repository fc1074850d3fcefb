# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A batch of requests over JSON-RPC, as the user who would break its rules.

``call_kw`` over real HTTP, as the web client (or a script) calls it: a billing clerk
does what the form's buttons do and ticks *Confirmed*, but writes nothing the module
records (the lines' state, queue, case, problems, tilbago's answer; the batch's name,
company, user and currency); a user without the Debt Collection groups, an auditor who
reads the invoices, and a portal user reach nothing; a clerk or a manager of another
company neither sees nor moves the first company's batches and lines, nor puts its
invoices in a batch.
"""

from datetime import date

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .test_case_common import TilbagoCaseCommon
from .test_model_rules import RpcError, _RpcMixin

BATCH = "tilbago.case.batch"
LINE = "tilbago.case.batch.line"
BATCH_ACTIONS = ("action_check_again", "action_confirm_ready", "action_send_confirmed",
                 "action_view_cases")


@tagged("post_install", "-at_install")
class TestCaseBatchRpc(_RpcMixin, TilbagoCaseCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bad = cls.env["res.partner"].create(
            dict(cls._epsitec_values(), name="Bad Address SA", street=False,
                 tilbago_contact_person=False)
        )  # fmt: skip
        cls.company_b = cls.setup_other_company(name="Batch Company B SA")["company"]
        cls.clerk_b = new_test_user(
            cls.env, login="wta_batch_clerk_b", groups="account.group_account_invoice",
            company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)],
        )  # fmt: skip
        cls.manager_b = new_test_user(
            cls.env, login="wta_batch_manager_b", groups="account.group_account_manager",
            company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)],
        )  # fmt: skip
        # reads the invoices of the company, is no Debt Collection user
        cls.auditor = new_test_user(
            cls.env, login="wta_batch_auditor", groups="account.group_account_readonly",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)],
        )  # fmt: skip
        cls.portal = new_test_user(
            cls.env, login="wta_batch_portal", groups="base.group_portal",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)],
        )  # fmt: skip

    # -- helpers -----------------------------------------------------------------------
    def _as(self, login):
        self.authenticate(login, login)

    def _refused(self, model, method, *args, **kwargs):
        """The call fails; returns (error class name, message)."""
        with self.assertRaises(RpcError) as caught:
            self._rpc(model, method, *args, **kwargs)
        return caught.exception.args

    def _access_refused(self, model, method, *args, **kwargs):
        kind, message = self._refused(model, method, *args, **kwargs)
        self.assertIn("AccessError", kind, message)
        return message

    def _prepare(self, invoices):
        """The clerk's batch of ``invoices``, prepared over RPC as the list's button."""
        self._as("t5_billing")
        action = self._rpc("account.move", "action_tilbago_prepare_batch", invoices.ids)
        self.assertEqual(action["res_model"], BATCH)
        return self.env[BATCH].browse(action["res_id"])

    def _batch_with_problem(self):
        """A batch of a ready request (Epsitec) and one with problems (Bad Address)."""
        good = self._invoice(self.epsitec, 300.0, date(2024, 1, 10))
        bad = self._invoice(self.bad, 700.0, date(2024, 2, 1))
        batch = self._prepare(good | bad)
        bad_line, ready = batch.line_ids
        self.assertEqual((bad_line.state, ready.state), ("problem", "ready"))
        return batch, ready, bad_line

    def _snapshot(self, records, fnames):
        self.env.invalidate_all()
        return [record.read(fnames)[0] for record in records]

    # -- the clerk ---------------------------------------------------------------------
    def test_clerk_uses_the_buttons_and_ticks_confirmed(self):
        """What the clerk may do works over RPC: the refusals below are the rules'."""
        batch, ready, bad_line = self._batch_with_problem()
        self.assertEqual(batch.user_id, self.billing_user)
        self._as("t5_billing")
        self.assertTrue(self._rpc(BATCH, "action_check_again", batch.ids))
        self._rpc(LINE, "write", ready.ids, {"confirmed": True})
        self._rpc(LINE, "write", ready.ids, {"confirmed": False})
        self.assertTrue(self._rpc(BATCH, "action_confirm_ready", batch.ids))
        self.env.invalidate_all()
        self.assertTrue(ready.confirmed)
        self.assertFalse(bad_line.confirmed, "Confirm All Ready leaves the problems alone")
        action = self._rpc(BATCH, "action_send_confirmed", batch.ids)
        self.assertEqual(action["params"]["type"], "success")
        self.env.invalidate_all()
        self.assertEqual(ready.state, "queued")
        self.assertTrue(ready.case_id)
        cases = self._rpc(BATCH, "action_view_cases", batch.ids)
        self.assertEqual(cases["domain"], [["id", "in", ready.case_id.ids]])
        self.assertEqual(self._rpc(LINE, "action_view_case", ready.ids)["res_id"],
                         ready.case_id.id)

    def test_clerk_cannot_confirm_a_request_with_problems(self):
        batch, _ready, bad_line = self._batch_with_problem()
        self._as("t5_billing")
        kind, message = self._refused(LINE, "write", bad_line.ids, {"confirmed": True})
        self.assertIn("ValidationError", kind)
        self.assertIn("cannot be confirmed", message)
        # not by the batch's one2many either, as the form saves it
        kind, message = self._refused(
            BATCH, "write", batch.ids, {"line_ids": [[1, bad_line.id, {"confirmed": True}]]}
        )
        self.assertIn("ValidationError", kind)
        self.env.invalidate_all()
        self.assertFalse(bad_line.confirmed)
        # nor sent: Send Confirmed finds nothing of it
        kind, message = self._refused(BATCH, "action_send_confirmed", batch.ids)
        self.assertIn("UserError", kind)
        self.assertIn("No request to send", message)
        self.env.invalidate_all()
        self.assertFalse(batch.line_ids.case_id)

    def test_clerk_cannot_write_what_the_module_records(self):
        batch, ready, bad_line = self._batch_with_problem()
        other = self._prepare(self._invoice(self.epsitec, 90.0, date(2024, 1, 5)))
        line_fields = ["state", "to_send", "case_id", "problems", "has_problems",
                       "invoice_ids", "partner_id", "amount", "send_error", "batch_id"]
        batch_fields = ["name", "company_id", "user_id", "state", "currency_id"]
        before = self._snapshot(ready | bad_line, line_fields)
        batch_before = self._snapshot(batch, batch_fields)
        case = self.env["tilbago.case"].search([], limit=1)
        self._as("t5_billing")
        for line, vals in (
            (ready, {"state": "sent"}),
            (ready, {"to_send": True}),
            (ready, {"send_error": "tilbago refused it"}),
            (ready, {"case_id": case.id}),
            (ready, {"invoice_ids": [[6, 0, other.line_ids.invoice_ids.ids]]}),
            (ready, {"amount": 1.0}),
            (ready, {"batch_id": other.id}),
            (bad_line, {"problems": False, "has_problems": False}),
            (bad_line, {"has_problems": False, "confirmed": True}),
        ):
            with self.subTest(vals=vals):
                message = self._access_refused(LINE, "write", line.ids, vals)
                self.assertIn("written by the debt collection module only", message)
        admin = self.env.ref("base.user_admin")
        for vals in ({"user_id": admin.id}, {"name": "DEB/FORGED"},
                     {"company_id": self.company_b.id}, {"currency_id": self.eur.id}):
            with self.subTest(vals=vals):
                message = self._access_refused(BATCH, "write", batch.ids, vals)
                self.assertIn("written by the debt collection module only", message)
        # no request made by hand, nor moved from another batch through the one2many
        self._access_refused(
            LINE, "create", {"batch_id": batch.id, "invoice_ids": [[6, 0, ready.invoice_ids.ids]]}
        )
        self._access_refused(
            BATCH, "write", batch.ids,
            {"line_ids": [[0, 0, {"invoice_ids": [[6, 0, other.line_ids.invoice_ids.ids]]}]]},
        )
        self._access_refused(BATCH, "write", batch.ids, {"line_ids": [[4, other.line_ids.id]]})
        self._access_refused(BATCH, "create", {"company_id": self.company.id})
        self.assertEqual(self._snapshot(ready | bad_line, line_fields), before)
        self.assertEqual(self._snapshot(batch, batch_fields), batch_before)
        self.assertEqual(other.line_ids.batch_id, other)

    def test_clerk_cannot_forge_tilbago_answer_on_a_saved_request(self):
        batch, ready, _bad_line = self._batch_with_problem()
        self._as("t5_billing")
        self._rpc(BATCH, "action_confirm_ready", batch.ids)
        self._rpc(BATCH, "action_send_confirmed", batch.ids)
        self.env["tilbago.case.batch.line"]._cron_send_queued()
        self.env.invalidate_all()
        self.assertEqual(ready.state, "sent")
        tilbago_id = ready.case_id.tilbago_id
        self.assertTrue(tilbago_id)
        self._as("t5_billing")
        # tilbago's id and answer and the case's state, through the line's related and
        # computed fields: refused, not silently dropped
        for vals in ({"tilbago_id": "SBX-FORGED"}, {"case_state": "closed"},
                     {"result": "Sent: tilbago case ID SBX-FORGED."}):
            with self.subTest(vals=vals):
                self._access_refused(LINE, "write", ready.ids, vals)
        for vals in ({"state": "error"}, {"send_error": "never sent"}, {"case_id": False}):
            with self.subTest(vals=vals):
                self._access_refused(LINE, "write", ready.ids, vals)
        # a request saved as a case is followed there: no Confirmed tick any more
        kind, message = self._refused(LINE, "write", ready.ids, {"confirmed": False})
        self.assertIn("UserError", kind)
        self.assertIn("saved as the case", message)
        # nor removed from the batch, nor the batch deleted
        kind, message = self._refused(LINE, "unlink", ready.ids)
        self.assertIn("UserError", kind)
        kind, message = self._refused(BATCH, "unlink", batch.ids)
        self.assertIn("UserError", kind)
        self.env.invalidate_all()
        self.assertEqual((ready.state, ready.case_id.tilbago_id), ("sent", tilbago_id))
        self.assertEqual(ready.case_id.state, "review")
        self.assertIn(tilbago_id, ready.result)
        self.assertTrue(ready.exists())

    # -- users without the Debt Collection groups ----------------------------------------
    def test_auditor_reads_invoices_but_prepares_nothing(self):
        invoice = self._invoice(self.epsitec, 300.0, date(2024, 1, 10))
        batch, ready, _bad_line = self._batch_with_problem()
        self._as("wta_batch_auditor")
        # the auditor reads the invoice: the refusal is the batch's own check
        [row] = self._rpc("account.move", "read", invoice.ids, ["name"])
        self.assertEqual(row["name"], invoice.name)
        count = self.env[BATCH].search_count([])
        self._access_refused("account.move", "action_tilbago_prepare_batch", invoice.ids)
        self.assertEqual(self.env[BATCH].search_count([]), count)
        self._access_refused(BATCH, "search_read", [], ["name"])
        for method in BATCH_ACTIONS:
            with self.subTest(method=method):
                self._access_refused(BATCH, method, batch.ids)
        self._access_refused(LINE, "write", ready.ids, {"confirmed": True})
        self._access_refused(LINE, "action_open_wizard", ready.ids)
        self.env.invalidate_all()
        self.assertFalse(ready.confirmed)

    def test_portal_user_has_no_access(self):
        batch, ready, _bad_line = self._batch_with_problem()
        # the portal user's own invoice, which the portal shows them
        own = self._invoice(self.portal.partner_id, 120.0, date(2024, 1, 10))
        own.message_subscribe(self.portal.partner_id.ids)
        self._as("wta_batch_portal")
        [row] = self._rpc("account.move", "read", own.ids, ["name"])
        self.assertEqual(row["name"], own.name)
        count = self.env[BATCH].search_count([])
        self._access_refused("account.move", "action_tilbago_prepare_batch", own.ids)
        self.assertEqual(self.env[BATCH].search_count([]), count)
        for model, records in ((BATCH, batch), (LINE, ready)):
            with self.subTest(model=model):
                self._access_refused(model, "search_read", [], ["id"])
                self._access_refused(model, "read", records.ids, ["state"])
                self._access_refused(model, "unlink", records.ids)
        for method in BATCH_ACTIONS:
            with self.subTest(method=method):
                self._access_refused(BATCH, method, batch.ids)
        self._access_refused(LINE, "write", ready.ids, {"confirmed": True})
        self._access_refused(LINE, "action_open_wizard", ready.ids)
        self.env.invalidate_all()
        self.assertFalse(ready.confirmed)
        self.assertTrue(batch.exists())

    # -- another company -----------------------------------------------------------------
    def test_other_company_neither_sees_nor_moves_the_batch(self):
        batch, ready, bad_line = self._batch_with_problem()
        for login in ("wta_batch_clerk_b", "wta_batch_manager_b"):
            with self.subTest(login=login):
                self._as(login)
                self.assertEqual(self._rpc(BATCH, "search", [("id", "=", batch.id)]), [])
                self.assertEqual(self._rpc(LINE, "search", [("batch_id", "=", batch.id)]), [])
                self._access_refused(BATCH, "read", batch.ids, ["name"])
                self._access_refused(LINE, "read", ready.ids, ["state"])
                for method in BATCH_ACTIONS:
                    with self.subTest(method=method):
                        self._access_refused(BATCH, method, batch.ids)
                self._access_refused(LINE, "write", ready.ids, {"confirmed": True})
                self._access_refused(LINE, "action_open_wizard", ready.ids)
                self._access_refused(LINE, "unlink", bad_line.ids)
                self._access_refused(BATCH, "unlink", batch.ids)
        self.env.invalidate_all()
        self.assertFalse(ready.confirmed)
        self.assertEqual(batch.line_ids, bad_line | ready)
        self.assertFalse(batch.line_ids.case_id)

    def test_other_company_cannot_batch_the_first_company_invoices(self):
        invoice = self._invoice(self.epsitec, 300.0, date(2024, 1, 10))
        theirs = self.init_invoice(
            "out_invoice", partner=self.epsitec, amounts=[100.0], company=self.company_b,
            invoice_date=date(2024, 1, 1), post=True,
        )
        count = self.env[BATCH].search_count([])
        self._as("wta_batch_clerk_b")
        self._access_refused("account.move", "action_tilbago_prepare_batch", invoice.ids)
        # nor by naming the first company in the call's context
        self._access_refused(
            "account.move", "action_tilbago_prepare_batch", invoice.ids,
            context={"allowed_company_ids": [self.company.id]},
        )
        # their own batch takes no invoice of the first company, by no command
        action = self._rpc("account.move", "action_tilbago_prepare_batch", theirs.ids)
        own = self.env[BATCH].browse(action["res_id"])
        self.assertEqual(own.company_id, self.company_b)
        self._access_refused(
            BATCH, "write", own.ids,
            {"line_ids": [[0, 0, {"invoice_ids": [[6, 0, invoice.ids]]}]]},
        )
        self._access_refused(
            LINE, "write", own.line_ids.ids, {"invoice_ids": [[4, invoice.id]]}
        )
        self.assertEqual(self.env[BATCH].search_count([]), count + 1)
        self.env.invalidate_all()
        self.assertEqual(own.line_ids.invoice_ids, theirs)
        self.assertFalse(self.env[LINE].search([("invoice_ids", "in", invoice.ids)]))
        # and the first company's clerk cannot batch the second company's invoice
        self._as("t5_billing")
        self._access_refused("account.move", "action_tilbago_prepare_batch", theirs.ids)
        self.assertEqual(self.env[BATCH].search_count([]), count + 1)
