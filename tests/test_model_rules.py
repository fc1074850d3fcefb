# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The rules of a debt collection request hold in the model, not only on the screen.

Driven the way a probe found them broken: JSON-RPC ``call_kw`` as a billing clerk and
as a user of a second company (``TestModelRulesRpc``), then the same rules for the
addon's own code paths (``TestModelRules``) and the cron against a row another
transaction holds (``TestCronSkipsLockedCases``).
"""

import json
from datetime import date
from unittest.mock import patch

from odoo import Command, api, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from ..tilbago import examples
from .test_case_common import TilbagoCaseCommon


def _pay(invoice):
    """Register the payment of the whole invoice, as the Register Payment button does."""
    invoice.env["account.payment.register"].with_context(
        active_model="account.move", active_ids=invoice.ids
    ).create({})._create_payments()
    assert invoice.payment_state in ("paid", "in_payment"), invoice.payment_state
    return invoice


class RpcError(Exception):
    """A JSON-RPC error answer: args = (exception class name, message)."""


class _RpcMixin:
    def _rpc(self, model, method, *args, **kwargs):
        """``call_kw`` over HTTP as the authenticated user, as the web client does."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        }
        response = self.url_open(
            "/web/dataset/call_kw/%s/%s" % (model, method),
            data=json.dumps(payload, default=str),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        answer = response.json()
        if "error" in answer:
            data = answer["error"]["data"]
            raise RpcError(data["name"], data["message"])
        return answer["result"]

    def _wizard_vals(self, invoice, **overrides):
        """What a hand-made wizard holds: the defaults of ``invoice``, then ``overrides``."""
        vals = self.env["tilbago.requisition.wizard"]._tilbago_defaults(invoice, [])
        vals.update(step="confirm", confirmed=True)
        vals.update(overrides)
        return json.loads(json.dumps(vals, default=str))


@tagged("post_install", "-at_install")
class TestModelRulesRpc(_RpcMixin, TilbagoCaseCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {"name": "Second Company SA", "currency_id": cls.chf.id}
        )
        cls.user_b = new_test_user(
            cls.env,
            login="t9_other_company",
            groups="account.group_account_invoice",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )

    def _sent_case(self, amount=400.0):
        invoice = self._invoice(self.epsitec, amount, date(2024, 1, 31))
        case, _action = self._send(self._start(invoice))
        self.assertTrue(case.tilbago_id)
        return invoice, case

    # -- 1. every invoice of a request is checked, however it got there ------------------
    def test_main_invoice_only_paid_draft_or_eur_never_reaches_tilbago(self):
        good = self._invoice(self.epsitec, 100.0, date(2024, 1, 31))
        paid = _pay(self._invoice(self.epsitec, 100.0, date(2024, 1, 31), name="5991"))
        draft = self._invoice(self.epsitec, 100.0, date(2024, 1, 31), post=False)
        eur = self._invoice(self.epsitec, 100.0, date(2024, 1, 31), currency=self.eur, name="5992")
        self.authenticate("t5_billing", "t5_billing")
        for invoice, words in (
            (paid, "Invoice 5991 is already paid"),
            (draft, "is not posted"),
            (eur, "Invoice 5992 is in EUR"),
        ):
            with self.subTest(words=words):
                vals = self._wizard_vals(good, main_invoice_id=invoice.id, invoice_ids=[])
                wizard_id = self._rpc("tilbago.requisition.wizard", "create", vals)
                with self.assertRaises(RpcError) as caught:
                    self._rpc("tilbago.requisition.wizard", "action_send", [wizard_id])
                self.assertIn(words, caught.exception.args[1])
                self.assertFalse(invoice.tilbago_case_id)
        self.assertEqual(self.sandbox.cases(), [])
        self.assertFalse(self.env["tilbago.case"].search([("partner_id", "=", self.epsitec.id)]))

    def test_clerk_cannot_link_an_invoice_to_a_case(self):
        _invoice, case = self._sent_case()
        paid = _pay(self._invoice(self.epsitec, 100.0, date(2024, 1, 31)))
        self.authenticate("t5_billing", "t5_billing")
        with self.assertRaises(RpcError) as caught:
            self._rpc("account.move", "write", [paid.id], {"tilbago_case_id": case.id})
        self.assertIn("AccessError", caught.exception.args[0])
        self.assertFalse(paid.tilbago_case_id)

    # -- 3. the evidence is written by the addon only ---------------------------------
    def test_clerk_cannot_rewrite_the_evidence(self):
        _invoice, case = self._sent_case()
        payload, state, tilbago_id = case.request_payload, case.state, case.tilbago_id
        self.authenticate("t5_billing", "t5_billing")
        for vals in (
            {"state": "closed"},
            {"request_payload": '{"claim": {"amount": 1}}'},
            {"tilbago_id": "SBX-FORGED"},
            {"external_ref": "OTHER"},
            {"date_sent": "2020-01-01 00:00:00"},
            {"last_error": "nothing happened"},
            {"claim_ids": [[1, case.claim_ids.id, {"amount": 1.0}]]},
        ):
            with self.subTest(vals=vals), self.assertRaises(RpcError) as caught:
                self._rpc("tilbago.case", "write", [case.id], vals)
            self.assertIn("AccessError", caught.exception.args[0])
        calls = [
            ("tilbago.case.history", "create", [{"case_id": case.id, "state": "closed"}]),
            ("tilbago.case.history", "write", [case.history_ids.ids, {"description": "x"}]),
            ("tilbago.case.claim", "write", [case.claim_ids.ids, {"amount": 99999.0}]),
            ("tilbago.case.claim", "create", [{"case_id": case.id, "amount": 5.0, "reason": "x"}]),
            ("tilbago.case", "create", [{"partner_id": self.epsitec.id, "state": "submitted"}]),
        ]
        for model, method, args in calls:
            with self.subTest(model=model, method=method), self.assertRaises(RpcError) as caught:
                self._rpc(model, method, *args)
            self.assertIn("AccessError", caught.exception.args[0])
        # what the clerk may change: the responsible person
        self._rpc("tilbago.case", "write", [case.id], {"user_id": self.billing_user.id})
        case.invalidate_recordset()
        self.assertEqual(case.user_id, self.billing_user)
        self.assertEqual(
            (case.request_payload, case.state, case.tilbago_id), (payload, state, tilbago_id)
        )
        self.assertEqual(case.claim_ids.amount, 400.0)

    def test_clerk_cannot_forge_what_tilbago_answered_for_a_document(self):
        _invoice, case = self._sent_case()

        def upload(name):
            return self.env["ir.attachment"].create(
                {"name": name, "raw": b"%PDF-1.4 " + name.encode(), "res_model": "tilbago.case",
                 "res_id": case.id, "company_id": case.company_id.id}
            )
        sent = self.env["tilbago.case.document"].create(
            {"case_id": case.id, "attachment_id": upload("delivery.pdf").id}
        )
        sent._tilbago_upload()
        self.assertEqual(sent.state, "sent")
        upload = upload("contract.pdf")
        self.authenticate("t5_billing", "t5_billing")
        # a document that never went out cannot be made to look sent
        for vals in (
            {"state": "sent"},
            {"tilbago_attachment_id": "SBX-ATT-FORGED"},
            {"date_sent": "2020-01-01 00:00:00"},
        ):
            with self.subTest(create=vals), self.assertRaises(RpcError) as caught:
                self._rpc("tilbago.case.document", "create",
                          dict(vals, case_id=case.id, attachment_id=upload.id))
            self.assertIn("AccessError", caught.exception.args[0])
        doc_id = self._rpc("tilbago.case.document", "create",
                           {"case_id": case.id, "attachment_id": upload.id})
        for vals in ({"state": "sent"}, {"tilbago_attachment_id": "X"}, {"last_error": False}):
            with self.subTest(write=vals), self.assertRaises(RpcError) as caught:
                self._rpc("tilbago.case.document", "write", [doc_id], vals)
            self.assertIn("AccessError", caught.exception.args[0])
        # nor can a sent document be pointed at another file
        with self.assertRaises(RpcError):
            self._rpc("tilbago.case.document", "write", [sent.id], {"attachment_id": upload.id})
        document = self.env["tilbago.case.document"].browse(doc_id)
        self.assertEqual(document.state, "to_send")
        self.assertFalse(document.tilbago_attachment_id)
        # the addon itself still records tilbago's answer when the clerk sends it
        self._rpc("tilbago.case.document", "action_retry", [doc_id])
        document.invalidate_recordset()
        self.assertEqual(document.state, "sent")
        self.assertTrue(document.tilbago_attachment_id)

    def test_clerk_cannot_attach_the_same_file_twice(self):
        _invoice, case = self._sent_case()

        def upload(name, raw=b"%PDF-1.4 contract"):
            return self.env["ir.attachment"].create(
                {"name": name, "raw": raw, "res_model": "tilbago.case", "res_id": case.id,
                 "company_id": case.company_id.id}
            )
        first, copy = upload("contract.pdf"), upload("contract (1).pdf")
        self.authenticate("t5_billing", "t5_billing")
        self._rpc("tilbago.case.document", "create",
                  {"case_id": case.id, "attachment_id": first.id})
        for attachment in (first, copy):  # the very file, and the same content again
            with self.subTest(file=attachment.name), self.assertRaises(RpcError) as caught:
                self._rpc("tilbago.case.document", "create",
                          {"case_id": case.id, "attachment_id": attachment.id})
            self.assertIn("not attached twice", caught.exception.args[1])
        # nor two of the same in one call, nor by pointing another document at it
        with self.assertRaises(RpcError):
            self._rpc("tilbago.case.document", "create",
                      [{"case_id": case.id, "attachment_id": a.id}
                       for a in (upload("a.pdf", b"%PDF a"), upload("b.pdf", b"%PDF a"))])
        other = self._rpc("tilbago.case.document", "create",
                          {"case_id": case.id, "attachment_id": upload("x.pdf", b"%PDF x").id})
        with self.assertRaises(RpcError) as caught:
            self._rpc("tilbago.case.document", "write", [other], {"attachment_id": copy.id})
        self.assertIn("not attached twice", caught.exception.args[1])
        self.assertEqual(len(case.document_ids), 2)
        # nothing more once the case is closed
        case.action_close()
        with self.assertRaises(RpcError) as caught:
            self._rpc("tilbago.case.document", "create",
                      {"case_id": case.id, "attachment_id": upload("y.pdf", b"%PDF y").id})
        self.assertIn("is closed: no document can be added", caught.exception.args[1])

    # -- 4. another company's user ------------------------------------------------------
    def test_other_company_user_cannot_move_a_case_nor_open_a_wizard_on_it(self):
        _invoice, case_a = self._sent_case()
        case_b = self.env["tilbago.case"].sudo().create(
            {"company_id": self.company_b.id, "partner_id": self.epsitec.id}
        )
        self.authenticate("t9_other_company", "t9_other_company")
        with self.assertRaises(RpcError) as caught:
            self._rpc("tilbago.case", "write", [case_b.id], {"company_id": self.company.id})
        self.assertIn("cannot be changed", caught.exception.args[1])
        self.assertEqual(case_b.company_id, self.company_b)
        with self.assertRaises(RpcError):
            self._rpc(
                "tilbago.requisition.wizard",
                "create",
                {"case_id": case_a.id, "partner_id": self.epsitec.id},
            )
        with self.assertRaises(RpcError):
            self._rpc("tilbago.attach.document.wizard", "create", {"case_id": case_a.id})
        for model in ("tilbago.requisition.wizard", "tilbago.attach.document.wizard"):
            self.assertFalse(self.env[model].search([("create_uid", "=", self.user_b.id)]))

    # -- 9. amounts ------------------------------------------------------------------------
    def test_claim_above_open_amount_or_ceiling_refused(self):
        invoice = self._invoice(self.epsitec, 1000.0, date(2024, 1, 31), name="5993")
        self.authenticate("t5_billing", "t5_billing")
        for amount, words in (
            (99999.0, "more than its open amount CHF 1'000.00"),
            (1e15, "highest amount"),
        ):
            with self.subTest(amount=amount):
                wizard_id = self._rpc(
                    "tilbago.requisition.wizard", "create", self._wizard_vals(invoice, amount=amount)
                )
                with self.assertRaises(RpcError) as caught:
                    self._rpc("tilbago.requisition.wizard", "action_send", [wizard_id])
                self.assertIn(words, caught.exception.args[1])
        self.assertEqual(self.sandbox.cases(), [])
        # the open amount itself goes out, to the Rappen
        wizard_id = self._rpc(
            "tilbago.requisition.wizard", "create", self._wizard_vals(invoice, amount=1000.0)
        )
        self._rpc("tilbago.requisition.wizard", "action_send", [wizard_id])
        self.assertEqual([b["claim"]["amount"] for b in self._bodies()], [100000])

    # -- 12. corrections saved on the partner by a clerk without partner rights -------------
    def test_clerk_saves_debtor_corrections_and_the_send_never_fails_for_them(self):
        with self.assertRaises(AccessError):
            self.epsitec.with_user(self.billing_user).check_access("write")
        invoice = self._invoice(self.epsitec, 300.0, date(2024, 1, 31))
        self.authenticate("t5_billing", "t5_billing")
        vals = self._wizard_vals(
            invoice,
            write_back=True,
            debtor_contact_person="Daniel Roux",
            debtor_email="compta@epsitec.ch",
        )
        wizard_id = self._rpc("tilbago.requisition.wizard", "create", vals)
        action = self._rpc("tilbago.requisition.wizard", "action_send", [wizard_id])
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.epsitec.tilbago_contact_person, "Daniel Roux")
        self.assertEqual(self.epsitec.email, "compta@epsitec.ch")
        self.assertEqual(self.epsitec.name, examples.EPSITEC["company"])  # only those fields


@tagged("post_install", "-at_install")
class TestModelRules(TilbagoCaseCommon):
    def _prepared(self, invoices):
        wizard = self._go_confirm(self._start(invoices))
        wizard.confirmed = True
        return wizard

    # -- 1 -------------------------------------------------------------------------------
    def test_every_reason_listed_at_once(self):
        other = self.env["res.partner"].create({"name": "Crésus Sàrl", "is_company": True})
        invoices = self._invoice(
            self.epsitec, 100.0, date(2024, 1, 31), currency=self.eur, name="5994"
        ) | self._invoice(other, 200.0, date(2024, 1, 31))
        with self.assertRaises(UserError) as caught:
            self._start(invoices)
        text = str(caught.exception)
        self.assertIn("Invoice 5994 is in EUR", text)
        self.assertIn("2 debtors", text)
        self.assertIn("Crésus Sàrl", text)

    def test_case_claims_checked_when_saved(self):
        paid = self._invoice(self.epsitec, 100.0, date(2024, 1, 31), name="5995")
        _pay(paid)
        other = self.env["res.partner"].create({"name": "Someone Else"})
        for partner, words in ((self.epsitec, "already paid"), (other, "is not the customer")):
            with self.subTest(words=words), self.assertRaisesRegex(ValidationError, words):
                self.env["tilbago.case"].sudo().create(
                    {
                        "partner_id": partner.id,
                        "claim_ids": [
                            Command.create(
                                {"is_main": True, "invoice_id": paid.id, "amount": 100.0,
                                 "reason": "Facture 5995"}
                            )
                        ],
                    }
                )

    def test_invoice_paid_before_the_retry_is_not_sent(self):
        self.sandbox.fail_next(status=503, method="PUT")
        invoice = self._invoice(self.epsitec, 250.0, date(2024, 1, 31), name="5996")
        wizard = self._prepared(invoice)
        wizard.action_send()
        case = wizard.case_id
        self.assertEqual(case.state, "error")
        _pay(invoice)
        case.action_retry()
        self.assertEqual(case.state, "error")
        self.assertEqual(case.error_kind, "invalid")
        self.assertIn("Invoice 5996 is already paid", case.last_error)
        self.assertEqual(self.sandbox.cases(), [])
        self.assertFalse(invoice.tilbago_case_id)

    def test_only_the_addon_links_invoices_and_only_claimed_ones(self):
        invoice = self._invoice(self.epsitec, 250.0, date(2024, 1, 31))
        case, _action = self._send(self._prepared(invoice))
        self.assertEqual(invoice.tilbago_case_id, case)
        stranger = self._invoice(self.epsitec, 80.0, date(2024, 1, 31))
        with self.assertRaises(AccessError):
            stranger.write({"tilbago_case_id": case.id})
        with self.assertRaisesRegex(UserError, "not claimed"):
            stranger.sudo().write({"tilbago_case_id": case.id})

    # -- 12 ------------------------------------------------------------------------------
    def test_corrections_that_cannot_be_saved_never_stop_the_send(self):
        invoice = self._invoice(self.epsitec, 300.0, date(2024, 1, 31))
        wizard = self._start(invoice, user=self.billing_user)
        wizard.write({"debtor_contact_person": "Daniel Roux", "write_back": True})
        Wizard = type(self.env["tilbago.requisition.wizard"])

        def refused(wizard):
            raise AccessError(wizard.env._("no right on this partner"))

        with patch.object(Wizard, "_tilbago_write_back", refused):
            case, action = self._send(wizard)
        self.assertEqual(action["params"]["type"], "success")
        self.assertTrue(case.tilbago_id)
        self.assertEqual(self._bodies()[0]["debtor"]["contactPerson"], "Daniel Roux")
        self.assertNotEqual(self.epsitec.tilbago_contact_person, "Daniel Roux")
        self.assertTrue(
            any("no right on this partner" in (m.body or "") for m in case.message_ids)
        )

    # -- 3 -------------------------------------------------------------------------------
    def test_history_read_only_for_users_and_managers(self):
        access = self.env["ir.model.access"]
        manager = new_test_user(
            self.env, login="t9_manager", groups="account.group_account_manager",
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)],
        )
        for user in (self.billing_user, manager):
            for model in ("tilbago.case.history", "tilbago.case.claim"):
                self.assertTrue(access.with_user(user).check(model, "read", False))
                for operation in ("create", "write", "unlink"):
                    self.assertFalse(
                        access.with_user(user).check(model, operation, False),
                        (user.login, model, operation),
                    )
            self.assertFalse(access.with_user(user).check("tilbago.case", "create", False))

    # -- 14 ------------------------------------------------------------------------------
    def _duplicate_case(self):
        self.sandbox.fail_next(drop=True, method="PUT")
        invoice = self._invoice(self.epsitec, 640.0, date(2024, 1, 31))
        wizard = self._prepared(invoice)
        wizard.action_send()
        case = wizard.case_id
        case.action_retry()
        self.assertEqual(case.error_kind, "duplicate")
        return invoice, case

    def test_confirmed_tilbago_id_stays_when_the_status_cannot_be_read(self):
        invoice, case = self._duplicate_case()
        manager = new_test_user(
            self.env, login="t9_manager2", groups="account.group_account_manager",
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)],
        )
        # a clerk may neither type the id nor confirm it
        with self.assertRaises(AccessError):
            case.with_user(self.billing_user).write({"tilbago_id": "SBX-1"})
        # the manager types an id tilbago does not know: the status read fails (404)
        case.with_user(manager).write({"tilbago_id": "no-such-case"})
        with self.assertRaises(UserError):
            case.with_user(self.billing_user).action_set_tilbago_id()
        self.assertTrue(case.with_user(manager).action_set_tilbago_id())
        self.assertEqual(case.tilbago_id, "no-such-case")
        self.assertEqual(case.state, "submitted")
        self.assertEqual(invoice.tilbago_case_id, case)
        bodies = case.message_ids.mapped("body")
        self.assertTrue(any("confirmed by hand by" in (b or "") for b in bodies))
        self.assertTrue(any("could not be read yet" in (b or "") for b in bodies))
        # once confirmed, nobody types it again
        with self.assertRaises(AccessError):
            case.with_user(manager).write({"tilbago_id": "SBX-2"})

    def test_interest_from_follows_the_due_date_until_changed_by_hand(self):
        invoice = self._invoice(self.epsitec, 300.0, date(2024, 1, 31))
        wizard = self._start(invoice)
        self.assertEqual(wizard.interest_from, date(2024, 2, 1))
        wizard.write({"due_date": date(2024, 3, 15)})
        self.assertEqual(wizard.interest_from, date(2024, 3, 16))
        wizard.write({"interest_from": date(2024, 4, 1)})
        self.assertTrue(wizard.interest_from_manual)
        wizard.write({"due_date": date(2024, 3, 20)})
        self.assertEqual(wizard.interest_from, date(2024, 4, 1))  # kept: typed by hand

    def test_interest_from_follows_the_due_date_in_the_form(self):
        from odoo.tests import Form

        invoice = self._invoice(self.epsitec, 300.0, date(2024, 1, 31))
        wizard = self._start(invoice)
        with Form(wizard) as form:
            form.due_date = date(2024, 5, 10)
            self.assertEqual(form.interest_from, date(2024, 5, 11))
            form.interest_from = date(2024, 6, 1)
            form.due_date = date(2024, 5, 20)
            self.assertEqual(form.interest_from, date(2024, 6, 1))


@tagged("post_install", "-at_install")
class TestCronSkipsLockedCases(TransactionCase):
    """The hourly refresh skips a case another transaction is writing (a user's refresh)."""

    def setUp(self):
        super().setUp()
        self.ids = []
        self.partner_id = None
        # committed rows, so that other transactions (the cron's, the lock's) see them
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": "Lock Test Debtor SA"})
            cases = env["tilbago.case"].create(
                [
                    {
                        "name": "LOCK-TEST-%d" % number,
                        "partner_id": partner.id,
                        "tilbago_id": "SBX-LOCK-%d" % number,
                        "state": "submitted",
                    }
                    for number in (1, 2)
                ]
            )
            self.ids, self.partner_id = cases.ids, partner.id
        self.addCleanup(self._drop_rows)

    def _drop_rows(self):
        with self.registry.cursor() as cr:
            for table, column in (("mail_message", "model"), ("mail_followers", "res_model")):
                cr.execute(
                    "DELETE FROM %s WHERE %s = 'tilbago.case' AND res_id IN %%s"  # noqa: S608
                    % (table, column),
                    [tuple(self.ids)],
                )
            cr.execute("DELETE FROM tilbago_case WHERE id IN %s", [tuple(self.ids)])
            cr.execute("DELETE FROM res_partner WHERE id = %s", [self.partner_id])

    def test_cron_skips_a_locked_case_without_error(self):
        locked_id, free_id = self.ids
        seen = []

        def fake_refresh(cases):
            seen.extend(cases.ids)
            cases.sudo().write({"last_sync": fields.Datetime.now()})
            return cases, {}

        Case = type(self.env["tilbago.case"])
        with self.registry.cursor() as lock_cr, self.registry.cursor() as cron_cr:
            lock_cr.execute("SELECT id FROM tilbago_case WHERE id = %s FOR UPDATE", [locked_id])
            # a cron that waited for the row would wait for ever here: fail instead
            cron_cr.execute("SET LOCAL lock_timeout = '3s'")
            env = api.Environment(cron_cr, api.SUPERUSER_ID, {})
            domain = [("id", "in", self.ids)]
            with patch.object(Case, "_tilbago_refresh", fake_refresh), \
                    patch.object(Case, "_search", _restricted_search(Case, domain)), \
                    self.assertNoLogs("odoo", level="ERROR"):
                done = env["tilbago.case"]._cron_refresh_status()
            self.assertEqual(seen, [free_id])
            self.assertEqual(done, (1, 0))
            cron_cr.commit()  # the cron's batch is written; the locked row waits
            lock_cr.rollback()
        with self.registry.cursor() as cr:
            cr.execute("SELECT id, last_sync IS NOT NULL FROM tilbago_case WHERE id IN %s"
                       " ORDER BY id", [tuple(self.ids)])
            self.assertEqual(dict(cr.fetchall()), {locked_id: False, free_id: True})

    def test_user_refresh_of_a_case_the_cron_holds_says_so(self):
        locked_id = self.ids[0]
        with self.registry.cursor() as lock_cr, self.registry.cursor() as user_cr:
            lock_cr.execute("SELECT id FROM tilbago_case WHERE id = %s FOR UPDATE", [locked_id])
            user_cr.execute("SET LOCAL lock_timeout = '3s'")
            case = api.Environment(user_cr, api.SUPERUSER_ID, {})["tilbago.case"].browse(
                locked_id
            )
            with self.assertRaisesRegex(UserError, "LOCK-TEST-1: its status is being refreshed"):
                case.action_refresh_status()
            user_cr.rollback()
            lock_cr.rollback()


def _restricted_search(model_class, extra_domain):
    """``_search`` limited to the rows of the test (the database may hold other cases)."""
    original = model_class._search

    def _search(self, domain, *args, **kwargs):
        return original(self, list(domain) + extra_domain, *args, **kwargs)

    return _search
