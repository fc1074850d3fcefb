# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Failures of sending and their retry, status refresh, the cron, company rules."""

import json
import socket
from datetime import date
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..tilbago import client as tilbago_client
from ..tilbago.client import CaseStatus
from .test_case_common import TilbagoCaseCommon


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestCaseSending(TilbagoCaseCommon):
    def _prepared(self, amount=1234.50):
        invoice = self._invoice(self.epsitec, amount, date(2024, 1, 31))
        wizard = self._go_confirm(self._start(invoice))
        wizard.confirmed = True
        return invoice, wizard

    def _assert_error_then_retry(self, case, kind, words):
        self.assertEqual(case.state, "error")
        self.assertEqual(case.error_kind, kind)
        self.assertFalse(case.tilbago_id)
        self.assertIn(words, case.last_error)
        payload = case.request_payload
        ref = case.external_ref
        # nothing the user entered is lost
        self.assertEqual(json.loads(payload)["externalRef"], ref)
        self.assertEqual(len(case.claim_ids), 1)
        action = case.action_retry()
        self.assertEqual(action["params"]["type"], "success", case.last_error)
        self.assertEqual(case.external_ref, ref)
        self.assertEqual(case.request_payload, payload)
        self.assertTrue(case.tilbago_id)
        self.assertEqual(case.state, "review")
        bodies = [c for c in self.sandbox.cases() if c["externalRef"] == ref]
        self.assertEqual(len(bodies), 1)  # never a second case
        self.assertEqual(self.env["tilbago.case"].search_count([("external_ref", "=", ref)]), 1)

    # -- each failure kind and its retry ----------------------------------------------
    def test_401_then_retry(self):
        self.company.tilbago_api_key = "wrong-key"
        invoice, wizard = self._prepared()
        action = wizard.action_send()
        case = wizard.case_id
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("401", action["params"]["message"])
        self.assertNotIn("wrong-key", case.last_error)
        self.assertFalse(invoice.tilbago_case_id)  # linked only once tilbago has it
        # the path names the menu that exists, in the user's language
        self.assertIn(
            "Invoicing > Configuration > Debt Collection > Settings", case.last_error
        )
        self.company.tilbago_api_key = "t5-sandbox-key"
        self._assert_error_then_retry(case, "auth", "API key")
        self.assertEqual(invoice.tilbago_case_id, case)

    def test_402_then_retry(self):
        self.sandbox.set_balance(0)
        _invoice, wizard = self._prepared()
        wizard.action_send()
        case = wizard.case_id
        self.sandbox.set_balance(5)
        self._assert_error_then_retry(case, "balance", "balance")

    def test_400_with_tilbago_message_then_correct_and_send(self):
        self.sandbox.fail_next(
            status=400, method="PUT",
            body=json.dumps({"message": "debtor.address.zip: 1400 is not served"}),
            content_type="application/json",
        )
        _invoice, wizard = self._prepared()
        wizard.action_send()
        case = wizard.case_id
        self.assertEqual(case.state, "error")
        self.assertEqual(case.error_kind, "rejected")
        self.assertIn("1400 is not served", case.last_error)
        ref = case.external_ref
        # correct the request in the wizard, reopened from the case: same reference
        action = case.action_edit_request()
        wizard2 = self.env["tilbago.requisition.wizard"].browse(action["res_id"])
        self.assertEqual(wizard2.case_id, case)
        self.assertAlmostEqual(wizard2.amount, 1234.50)
        self.assertEqual(wizard2.debtor_company, self.epsitec.name)
        self.assertEqual(wizard2.debtor_zip, "1400")
        wizard2.action_next()
        wizard2.debtor_city = "Yverdon"
        wizard2.action_next()
        wizard2.confirmed = True
        wizard2.action_send()
        self.assertEqual(wizard2.case_id, case)
        self.assertEqual(case.external_ref, ref)
        self.assertTrue(case.tilbago_id)
        [body] = self._bodies()
        self.assertEqual(body["externalRef"], ref)
        self.assertEqual(body["debtor"]["address"]["city"], "Yverdon")
        self.assertEqual(self.env["tilbago.case"].search_count([("partner_id", "=", self.epsitec.id)]), 1)

    def test_500_then_retry(self):
        self.sandbox.fail_next(status=500, method="PUT")
        _invoice, wizard = self._prepared()
        wizard.action_send()
        case = wizard.case_id
        self.assertTrue(case.outcome_unknown)
        self.assertNotIn("injected fault", case.last_error)  # the server's words...
        self.assertIn("injected fault", case.error_detail)  # ...are technical details
        self._assert_error_then_retry(case, "server", "500")

    def test_refused_connection_then_retry(self):
        self.company.tilbago_base_url = "http://127.0.0.1:%d/v1/" % _free_port()
        _invoice, wizard = self._prepared()
        wizard.action_send()
        case = wizard.case_id
        # one sentence for the clerk, without urllib3's words nor the URL
        self.assertTrue(case.last_error.startswith("tilbago could not be reached. Retry later"),
                        case.last_error)
        for technical in ("Errno", "Connection refused", "http://", "/v1/case", "("):
            self.assertNotIn(technical, case.last_error)
        # the technical detail is kept apart, for the administrator
        self.assertIn("/v1/case", case.error_detail)
        self.assertIn("refused", case.error_detail.lower())
        self.company.tilbago_base_url = self.sandbox.url
        self._assert_error_then_retry(case, "transport", "could not be reached")
        self.assertFalse(case.error_detail)

    def test_timeout_then_retry_finds_duplicate_and_takes_id(self):
        """The answer is late: tilbago opened the case, Odoo gave up waiting."""
        self.sandbox.fail_next(delay_ms=1500, method="PUT")
        Case = type(self.env["tilbago.case"])
        original = Case._tilbago_client_for

        def short_timeout(model, company):
            return tilbago_client.TilbagoClient(
                company._tilbago_url(), company.sudo().tilbago_api_key, timeout=(2, 0.3)
            )

        _invoice, wizard = self._prepared()
        with patch.object(Case, "_tilbago_client_for", short_timeout):
            wizard.action_send()
        case = wizard.case_id
        self.assertEqual(case.state, "error")
        self.assertEqual(case.error_kind, "transport")
        self.assertTrue(case.outcome_unknown)
        self.assertIn("did not answer in time", case.last_error)
        self.assertEqual(Case._tilbago_client_for, original)
        # the retry sends the same externalRef: tilbago refuses the duplicate
        case.action_retry()
        self.assertEqual(case.state, "error")
        self.assertEqual(case.error_kind, "duplicate")
        self.assertIn("already has a case", case.last_error)
        self.assertIn(case.external_ref, case.last_error)
        [in_tilbago] = self.sandbox.cases()  # one case, never two
        self.assertEqual(in_tilbago["externalRef"], case.external_ref)
        with self.assertRaises(UserError):
            case.action_set_tilbago_id()  # no id entered yet
        case.tilbago_id = in_tilbago["caseId"]
        case.action_set_tilbago_id()
        self.assertEqual(case.state, "review")
        self.assertFalse(case.last_error)
        self.assertEqual(case.invoice_ids, wizard.invoice_ids)

    def test_dropped_answer_then_retry(self):
        self.sandbox.fail_next(drop=True, method="PUT")
        _invoice, wizard = self._prepared()
        wizard.action_send()
        case = wizard.case_id
        self.assertEqual(case.error_kind, "transport")
        case.action_retry()
        self.assertEqual(case.error_kind, "duplicate")
        self.assertEqual(len(self.sandbox.cases()), 1)

    def test_missing_api_key_is_an_error_state(self):
        self.company.tilbago_api_key = False
        _invoice, wizard = self._prepared()
        action = wizard.action_send()
        case = wizard.case_id
        self.assertEqual(case.state, "error")
        self.assertEqual(case.error_kind, "config")
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(self.sandbox.cases(), [])

    def test_error_case_blocks_new_request(self):
        self.sandbox.fail_next(status=503, method="PUT")
        invoice, wizard = self._prepared()
        wizard.action_send()
        with self.assertRaisesRegex(UserError, wizard.case_id.name):
            self._start(invoice)
        # once closed by hand, a new request may start
        wizard.case_id.action_close()
        self.assertTrue(self._start(invoice))

    # -- status refresh ------------------------------------------------------------------
    def test_refresh_through_several_states(self):
        _invoice, wizard = self._prepared()
        case, _action = self._send(wizard)
        self.assertEqual(case.state, "review")
        seen = []
        for _step in range(7):  # natural order of the bankruptcy path (registered SA)
            self.sandbox.advance(case.tilbago_id)
            case.action_refresh_status()
            seen.append((case.tilbago_status_code, case.state))
        self.assertEqual(
            seen,
            [
                ("SBX-100", "submitted"),
                ("SBX-200", "payment_order"),
                ("SBX-210", "payment_order"),
                ("SBX-310", "payment_order"),
                ("SBX-400", "continuation"),
                ("SBX-510", "continuation"),
                ("SBX-900", "closed"),
            ],
        )
        self.assertEqual(case.tilbago_eschkg_code, "SBX-E900")
        self.assertTrue(case.tilbago_status_description)
        self.assertTrue(case.last_sync)
        codes = case.history_ids.mapped("status_code")
        for code in ("002", "SBX-100", "SBX-200", "SBX-900"):
            self.assertIn(code, codes)
        # a refresh without change adds no history line
        count = len(case.history_ids)
        case.action_refresh_status()
        self.assertEqual(len(case.history_ids), count)
        self.sandbox.advance(case.tilbago_id, to="SBX-300")
        case.action_refresh_status()
        self.assertEqual(case.state, "opposition")

    def test_review_waits_and_paid_to_the_office_is_said_in_words(self):
        invoice, wizard = self._prepared()
        case, _action = self._send(wizard)
        # "review in tilbago first": the case waits, however often it is refreshed
        for _refresh in range(3):
            case.action_refresh_status()
            self.assertEqual((case.state, case.tilbago_status_code), ("review", "002"))
        self.assertIn("release", case.tilbago_status_advice)
        # with the sandbox, the case links to the page where the review is released
        self.assertEqual(case.tilbago_sandbox_page, self.sandbox.root_url + "_sandbox/")
        self.sandbox.release(case.tilbago_id)
        case.action_refresh_status()
        self.assertEqual(case.state, "submitted")
        self.assertFalse(case.tilbago_status_advice)
        self.assertFalse(case.tilbago_sandbox_page)
        self.sandbox.advance(case.tilbago_id, to="SBX-900")
        case.action_refresh_status()
        self.assertEqual(case.state, "closed")
        # closed because the debtor paid the office: the case and the invoice say so
        self.assertIn("paid the debt collection office", case.tilbago_status_advice)
        self.assertIn("record the payment", case.message_ids[0].body)
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertIn("record the payment", invoice.message_ids[0].body)
        self.assertIn(case.name, invoice.message_ids[0].body)

    def test_refresh_says_the_new_state_and_close_says_what_it_does(self):
        _invoice, wizard = self._prepared()
        case, _action = self._send(wizard)
        self.sandbox.release(case.tilbago_id)
        self.sandbox.advance(case.tilbago_id, to="SBX-210")
        result = case.action_refresh_status()
        self.assertEqual(
            result["params"]["message"],
            "%s is now Payment Order: %s" % (case.name, case.tilbago_status_label),
        )
        self.assertIn("20 days to pay", result["params"]["message"])
        view = self.env.ref("l10n_ch_tilbago.tilbago_case_view_form").arch_db
        self.assertIn('string="Mark as Closed in Odoo"', view)
        self.assertNotIn('string="Close"', view)
        case.action_close()
        self.assertEqual(case.history_ids.sorted()[0].description, "Marked as closed in Odoo")

    def test_an_invoice_with_a_case_under_way_says_follow_it(self):
        invoice, wizard = self._prepared()
        invoice.tilbago_reminder_state = "litigation"
        self.assertEqual(invoice.tilbago_suggested_action, "Open a debt collection request")
        case, _action = self._send(wizard)
        self.assertEqual(invoice.tilbago_case_id, case)
        self.assertEqual(invoice.tilbago_suggested_action,
                         "Follow the debt collection case %s" % case.name)
        case.action_close()
        invoice.invalidate_recordset(["tilbago_suggested_action"])
        self.assertEqual(invoice.tilbago_suggested_action, "Open a debt collection request")

    def test_unknown_code_shown_verbatim(self):
        _invoice, wizard = self._prepared()
        case, _action = self._send(wizard)
        case._tilbago_apply_status(CaseStatus("777", "Étape nouvelle chez tilbago", "E-42"))
        self.assertEqual(case.state, "unknown")
        self.assertEqual(case.tilbago_status_code, "777")
        self.assertEqual(case.tilbago_status_description, "Étape nouvelle chez tilbago")
        self.assertEqual(case.tilbago_eschkg_code, "E-42")
        self.assertEqual(case.history_ids.sorted()[0].description, "Étape nouvelle chez tilbago")

    def test_server_action_refresh_many(self):
        cases = self.env["tilbago.case"]
        for amount in (100.0, 200.0, 300.0):
            _invoice, wizard = self._prepared(amount)
            cases |= self._send(wizard)[0]
        for case in cases:
            self.sandbox.advance(case.tilbago_id)
        action = self.env.ref("l10n_ch_tilbago.action_server_tilbago_case_refresh")
        result = action.with_context(
            active_model="tilbago.case", active_ids=cases.ids, active_id=cases[0].id
        ).run()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(set(cases.mapped("state")), {"submitted"})

    def test_refresh_error_does_not_stop_others(self):
        cases = self.env["tilbago.case"]
        for amount in (100.0, 200.0):
            _invoice, wizard = self._prepared(amount)
            cases |= self._send(wizard)[0]
        cases[0].sudo().tilbago_id = "no-such-case"  # tilbago answers 404 for it
        self.sandbox.advance(cases[1].tilbago_id)
        result = cases.action_refresh_status()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn(cases[0].name, result["params"]["message"])
        self.assertEqual(cases[1].state, "submitted")

    def test_statuses_read_in_parallel_and_slowed_by_429(self):
        cases = self.env["tilbago.case"]
        for amount in (100.0, 200.0, 300.0, 400.0, 500.0):
            _invoice, wizard = self._prepared(amount)
            cases |= self._send(wizard)[0]
        for case in cases:
            self.sandbox.advance(case.tilbago_id, to="SBX-200")
        self.company.write({"tilbago_sync_connections": 3, "tilbago_sync_rate": 0})
        before = len(self.sandbox.requests)
        # tilbago asks to slow down once: the case is asked again, nothing fails
        self.sandbox.fail_next(status=429, method="GET", retry_after=0)
        done, errors = cases._tilbago_refresh()
        self.assertEqual(errors, {})
        self.assertEqual(done, cases)
        self.assertEqual(set(cases.mapped("state")), {"payment_order"})
        gets = [r for r in self.sandbox.requests[before:] if r["method"] == "GET"]
        self.assertEqual(len(gets), 6)  # five cases and the one asked again
        self.assertEqual(sorted(r["status"] for r in gets).count(429), 1)
        # every moved case has its history line and chatter note, once
        for case in cases:
            self.assertEqual(case.history_ids.filtered(lambda h: h.state == "payment_order")
                             .mapped("status_code"), [case.tilbago_status_code])

    def test_sync_settings_are_checked(self):
        for vals in ({"tilbago_sync_connections": 0}, {"tilbago_sync_connections": 33},
                     {"tilbago_sync_rate": -1}):
            with self.subTest(vals=vals), self.assertRaises(ValidationError) as caught:
                self.company.write(vals)
            label = "Status Reads"
            self.assertIn(label, str(caught.exception))

    # -- the cron ----------------------------------------------------------------------
    def test_cron_batches_with_progress(self):
        cases = self.env["tilbago.case"]
        for amount in (100.0, 200.0, 300.0):
            _invoice, wizard = self._prepared(amount)
            cases |= self._send(wizard)[0]
        # one case tilbago does not know: logged, the run goes on
        cases[2].sudo().tilbago_id = "no-such-case"
        for case in cases[:2]:
            self.sandbox.advance(case.tilbago_id)
        cases.sudo().write({"last_sync": False})
        finished = self.env["tilbago.case"].search([("id", "not in", cases.ids)])
        self.assertFalse(finished.filtered(lambda c: c.state in ("review", "submitted")))

        cron = self.env.ref("l10n_ch_tilbago.ir_cron_tilbago_case_refresh")
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "hours"))
        clients = []
        Case = type(self.env["tilbago.case"])
        original = Case._tilbago_client_for

        def counting(model, company):
            clients.append(company)
            return original(model, company)

        with patch.object(Case, "_tilbago_client_for", counting):
            cron, progress = cron._add_progress()
            self.env["tilbago.case"].with_context(
                ir_cron_progress_id=progress.id
            )._cron_refresh_status(batch_size=2)
            self.assertEqual((progress.done, progress.remaining), (2, 1))
            self.assertEqual(len(clients), 1)  # one HTTP session for the company
            cron, progress = cron._add_progress()
            self.env["tilbago.case"].with_context(
                ir_cron_progress_id=progress.id
            )._cron_refresh_status(batch_size=2)
            self.assertEqual((progress.done, progress.remaining), (1, 0))
            # nothing left: everything was looked at within the hour
            cron, progress = cron._add_progress()
            self.env["tilbago.case"].with_context(
                ir_cron_progress_id=progress.id
            )._cron_refresh_status(batch_size=2)
            self.assertEqual((progress.done, progress.remaining), (0, 0))
        self.assertEqual(cases[0].state, "submitted")
        self.assertEqual(cases[1].state, "submitted")
        self.assertEqual(cases[2].state, "review")  # unchanged, error noted
        self.assertTrue(
            any("Status refresh failed" in (m.body or "") for m in cases[2].message_ids)
        )

    def test_cron_batch_keeps_every_connection_busy(self):
        """The scheduled sync takes 50 cases per connection of the company that reads
        most at once (at least 100): a batch waits for its slowest answer before the
        next one starts, so a small batch leaves connections idle."""
        Case = self.env["tilbago.case"]
        companies = self.env["res.company"].sudo().search([])
        companies.write({"tilbago_sync_connections": 1})
        self.assertEqual(Case._tilbago_sync_batch_size(), 100)
        self.env.company.sudo().tilbago_sync_connections = 8
        self.assertEqual(Case._tilbago_sync_batch_size(), 400)
        (companies - self.env.company)[:1].tilbago_sync_connections = 12
        self.assertEqual(Case._tilbago_sync_batch_size(), 600)
        # the cron's default batch
        limits = []
        original = type(Case)._tilbago_lock_batch

        def lock_batch(model, domain, limit):
            limits.append(limit)
            return original(model, domain, limit)

        with patch.object(type(Case), "_tilbago_lock_batch", lock_batch):
            Case._cron_refresh_status()
        self.assertEqual(limits, [600])

    def test_cron_skips_finished_cases(self):
        _invoice, wizard = self._prepared()
        case, _action = self._send(wizard)
        case.action_close()
        case.sudo().last_sync = False
        self.assertEqual(self.env["tilbago.case"]._cron_refresh_status(), (0, 0))

    # -- multi-company -----------------------------------------------------------------
    def test_company_rule(self):
        _invoice, wizard = self._prepared()
        case, _action = self._send(wizard)
        other = self.env["res.company"].create({"name": "Other SA", "currency_id": self.chf.id})
        outsider = self.env["res.users"].create(
            {
                "name": "Outsider",
                "login": "t5_outsider",
                "company_id": other.id,
                "company_ids": [fields.Command.set(other.ids)],
                "groups_id": [fields.Command.set(
                    [self.env.ref("l10n_ch_tilbago.group_tilbago_manager").id,
                     self.env.ref("base.group_user").id]
                )],
            }
        )
        Case = self.env["tilbago.case"].with_user(outsider)
        self.assertFalse(Case.search([("id", "=", case.id)]))
        self.assertFalse(
            self.env["tilbago.case.claim"].with_user(outsider).search([("case_id", "=", case.id)])
        )
        self.assertTrue(self.env["tilbago.case"].with_user(self.billing_user).search([("id", "=", case.id)]))

    # -- views -------------------------------------------------------------------------
    def test_views_load_for_billing_user(self):
        Case = self.env["tilbago.case"].with_user(self.billing_user)
        views = Case.get_views(
            [(False, kind) for kind in ("list", "form", "kanban", "pivot", "graph", "search")]
        )
        self.assertEqual(
            set(views["views"]), {"list", "form", "kanban", "pivot", "graph", "search"}
        )
        wizard_views = self.env["tilbago.requisition.wizard"].with_user(
            self.billing_user
        ).get_views([(False, "form")])
        arch = wizard_views["views"]["form"]["arch"]
        for button in ("action_back", "action_next", "action_send"):
            self.assertIn(button, arch)
        invoice_form = self.env["account.move"].with_user(self.billing_user).get_views(
            [(False, "form")]
        )["views"]["form"]["arch"]
        self.assertIn("action_tilbago_requisition", invoice_form)
        self.assertIn("action_view_tilbago_case", invoice_form)
        # the request as sent is shown to managers only
        self.assertNotIn("request_payload", views["views"]["form"]["arch"])
        manager_form = self.env["tilbago.case"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("request_payload", manager_form)

    def test_every_error_class_has_a_kind_of_the_case(self):
        """The kind each error class of the plain layer gives is one the case shows."""
        from ..tilbago import exceptions as tilbago_exceptions

        kinds = dict(self.env["tilbago.case"]._fields["error_kind"].selection)
        classes = [tilbago_exceptions.TilbagoError]
        for cls in classes:
            classes.extend(cls.__subclasses__())
            self.assertIn(cls.error_kind, kinds, cls.__name__)
        self.assertGreater(len(classes), 8)
