# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Payments after the request, the costs advanced and the statement (OR 85)."""

import importlib.util
import os
from datetime import date
from decimal import Decimal

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from ..tilbago import swiss
from .test_case_common import TilbagoCaseCommon

DUE = date(2024, 1, 31)


@tagged("post_install", "-at_install")
class TestCasePayment(TilbagoCaseCommon):
    def _sent_case(self, amount=1234.50):
        invoice = self._invoice(self.epsitec, amount, DUE)
        case, action = self._send(self._start(invoice))
        self.assertEqual(action["params"]["type"], "success", case.last_error)
        return invoice, case

    def _pay(self, invoice, amount, on=None):
        """Register a real payment on the invoice, reconciled with it, then commit-time
        hooks run as they do before a commit."""
        wizard = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({
            "amount": amount,
            "payment_date": on or fields.Date.context_today(invoice),
            "payment_difference_handling": "open",
        })
        wizard._create_payments()
        self.env.cr.flush()

    def _activities(self, case, xmlid):
        return case.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(xmlid)
        )

    def _interest(self, principal, today):
        return swiss.interest(Decimal(principal), Decimal(5), swiss.interest_start(DUE), today)

    # -- costs advanced -------------------------------------------------------------
    def test_payment_order_fee_proposed_when_sent(self):
        _invoice, case = self._sent_case(1234.50)
        self.assertRecordValues(case.cost_ids, [{
            "kind": "payment_order_fee", "amount": 60.0,
            "date": fields.Date.context_today(case),
        }])
        self.assertIn("GebV SchKG art. 16", case.cost_ids.description)
        # once: confirming or sending again does not add a second fee
        case._tilbago_propose_payment_order_fee()
        self.assertEqual(len(case.cost_ids), 1)

    def test_cost_rules(self):
        _invoice, case = self._sent_case()
        clerk_case = case.with_user(self.billing_user)
        clerk_case.write({"cost_ids": [Command.create({
            "description": "Continuation fee", "amount": 10.0, "kind": "other"})]})
        self.assertEqual(len(case.cost_ids), 2)
        with self.assertRaisesRegex(ValidationError, "'Amount'"):
            self.env["tilbago.case.cost"].with_user(self.billing_user).create(
                {"case_id": case.id, "description": "Nothing", "amount": 0.0}
            )
        outsider = new_test_user(self.env, login="t5_outsider", groups="base.group_user",
                                 company_id=self.company.id)
        with self.assertRaises(AccessError):
            self.env["tilbago.case.cost"].with_user(outsider).create(
                {"case_id": case.id, "description": "Lawyer", "amount": 5.0}
            )
        # the stored figures are the addon's, over RPC too
        with self.assertRaises(AccessError):
            clerk_case.write({"tilbago_amount_recovered": 1000.0})
        with self.assertRaises(AccessError):
            clerk_case.write({"tilbago_archived": True})
        case._tilbago_write({"tilbago_archived": True})
        with self.assertRaisesRegex(UserError, "archived"):
            case.cost_ids[0].with_user(self.billing_user).amount = 99.0

    # -- payments after the request -------------------------------------------------
    def test_upgrade_fills_the_figures_of_cases_sent_before(self):
        """The upgrade from 18.0.1 gives the cases sent before it their file's start day
        and the payment figures the new version stores (empty columns before)."""
        invoice, case = self._sent_case(1234.50)
        self._pay(invoice, 500.0)
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE tilbago_case SET tilbago_amount_recovered = 0,
                      tilbago_amount_open = 0, date_start = %s WHERE id = %s""",
            [date(2030, 1, 1), case.id],
        )
        self.env.invalidate_all()
        spec = importlib.util.spec_from_file_location(
            "l10n_ch_tilbago_post_migrate", os.path.join(
                os.path.dirname(os.path.dirname(__file__)),
                "migrations", "18.0.2.0.0", "post-migrate.py",
            )
        )
        script = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(script)
        script._fill_sent_cases(self.env)
        self.env.invalidate_all()
        self.assertEqual(case.date_start, case.date_sent.date())
        self.assertEqual(case.tilbago_amount_recovered, 500.0)
        self.assertAlmostEqual(case.tilbago_amount_open, case.tilbago_amount_remaining, 2)
        self.assertGreater(case.tilbago_amount_open, 0)

    def test_partial_payment_after_request(self):
        invoice, case = self._sent_case(1234.50)
        today = fields.Date.context_today(case)
        self._pay(invoice, 500.0)
        self.assertEqual(invoice.payment_state, "partial")
        interest = self._interest("1234.50", today)
        self.assertGreater(interest, 0)
        principal_paid = Decimal("500.00") - Decimal("60.00") - interest
        self.assertRecordValues(case, [{
            "tilbago_amount_received": 500.0,
            "tilbago_paid_costs": 60.0,
            "tilbago_paid_interest": float(interest),
            "tilbago_paid_principal": float(principal_paid),
            "tilbago_open_costs": 0.0,
            "tilbago_open_interest": 0.0,
            "tilbago_open_principal": float(Decimal("1234.50") - principal_paid),
            "tilbago_amount_remaining": float(Decimal("1234.50") - principal_paid),
            "tilbago_amount_recovered": 500.0,
            "tilbago_date_paid": False,
        }])
        # the claim shows it too
        self.assertRecordValues(case.claim_ids, [{
            "amount_paid": float(interest + principal_paid),
            "amount_open": float(Decimal("1234.50") - principal_paid),
        }])
        partial = self._activities(case, "l10n_ch_tilbago.mail_activity_tilbago_partial_payment")
        self.assertEqual(len(partial), 1)
        self.assertEqual(partial.user_id, case.user_id)
        self.assertFalse(self._activities(case, "l10n_ch_tilbago.mail_activity_tilbago_withdraw"))
        note = case.message_ids[0]
        self.assertIn("OR 85", note.body)
        self.assertIn("CHF 500.00", note.body)
        # a second partial payment: noted again, no second activity
        self._pay(invoice, 100.0)
        self.assertEqual(case.tilbago_amount_received, 600.0)
        self.assertIn("CHF 100.00", case.message_ids[0].body)
        self.assertEqual(len(self._activities(
            case, "l10n_ch_tilbago.mail_activity_tilbago_partial_payment")), 1)

    def test_invoice_paid_but_costs_and_interest_remain(self):
        """Paying the invoice's amount settles it in the accounts, not the case."""
        invoice, case = self._sent_case(1234.50)
        today = fields.Date.context_today(case)
        self._pay(invoice, 1234.50)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        left = Decimal("60.00") + self._interest("1234.50", today)
        self.assertAlmostEqual(case.tilbago_amount_remaining, float(left), places=2)
        self.assertAlmostEqual(case.tilbago_open_principal, float(left), places=2)
        self.assertTrue(self._activities(
            case, "l10n_ch_tilbago.mail_activity_tilbago_partial_payment"))
        self.assertFalse(self._activities(case, "l10n_ch_tilbago.mail_activity_tilbago_withdraw"))

    def test_full_payment_after_request(self):
        invoice, case = self._sent_case(1234.50)
        today = fields.Date.context_today(case)
        self._pay(invoice, 300.0)
        total = Decimal("1234.50") + Decimal("60.00") + self._interest("1234.50", today)
        self._pay(invoice, float(total - Decimal("300.00")))
        self.assertRecordValues(case, [{
            "tilbago_amount_received": float(total),
            "tilbago_amount_remaining": 0.0,
            "tilbago_amount_recovered": float(total),
            "tilbago_date_paid": today,
            "tilbago_days_to_payment": (today - case.date_sent.date()).days,
        }])
        self.assertGreater(case.tilbago_recovery_rate, 100.0)
        withdraw = self._activities(case, "l10n_ch_tilbago.mail_activity_tilbago_withdraw")
        self.assertEqual(len(withdraw), 1)
        self.assertEqual(withdraw.user_id, case.user_id)
        self.assertIn("SchKG 8a", withdraw.note)
        # the partial payment's activity is done
        self.assertFalse(self._activities(
            case, "l10n_ch_tilbago.mail_activity_tilbago_partial_payment"))

    def test_finished_case_not_followed(self):
        invoice, case = self._sent_case()
        case.action_close()
        self._pay(invoice, 100.0)
        self.assertFalse(case.activity_ids)
        self.assertEqual(case.tilbago_amount_recovered, 0.0)
        # the statement still shows it
        self.assertEqual(case.tilbago_amount_received, 100.0)

    def test_payment_before_request_not_counted(self):
        invoice = self._invoice(self.epsitec, 1000.0, DUE)
        self._pay(invoice, 400.0, on=date(2024, 6, 1))
        case, _action = self._send(self._start(invoice))
        self.assertEqual(case.amount_total, 600.0)
        self.assertEqual(case.tilbago_amount_received, 0.0)

    # -- statement with fees and interest (OR 85), at a given date ------------------
    def test_statement_with_reminder_fees_costs_and_interest(self):
        _invoice, case = self._sent_case(1000.0)
        case.claim_ids._tilbago_write({"interest_from": date(2026, 1, 1)})
        self.env["tilbago.case.claim"].sudo().create({
            "case_id": case.id, "kind": "fee", "amount": 20.0, "reason": "Mahngebühren",
            "sequence": 20,
        })
        case.cost_ids.date = date(2026, 1, 15)
        on = case.with_context(tilbago_today=date(2026, 7, 1))
        self.assertRecordValues(on, [{
            "tilbago_statement_date": date(2026, 7, 1),
            "tilbago_principal": 1000.0,
            "tilbago_reminder_fees": 20.0,
            "tilbago_costs_total": 40.0,  # GebV SchKG 16: over 500 to 1000
            "tilbago_interest_accrued": 25.0,  # 180 days at 5 % on 1000
            "tilbago_amount_remaining": 1085.0,
        }])

    def test_analysis_read_group(self):
        invoice, case = self._sent_case(1000.0)
        _invoice2, other = self._sent_case(500.0)
        self._pay(invoice, 200.0)
        groups = self.env["tilbago.case"].read_group(
            [("id", "in", (case | other).ids)],
            ["amount_total:sum", "tilbago_amount_recovered:sum", "tilbago_recovery_rate:avg"],
            ["partner_id", "date_sent:month"],
            lazy=False,
        )
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0]["amount_total"], 1500.0)
        self.assertEqual(groups[0]["tilbago_amount_recovered"], 200.0)
        self.assertAlmostEqual(groups[0]["tilbago_recovery_rate"], 10.0, places=1)
