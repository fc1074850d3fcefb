# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The enforcement costs advanced, booked on the Swiss chart: the vendor bill or entry of
each cost (1190 costs to recover), once only, the entry of what the debtor paid of them,
and the case's statement agreeing with the entries."""

from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .test_case_accounting import CaseAccountingCommon
from .test_model_rules import RpcError, _RpcMixin


class CaseCostsCommon(CaseAccountingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.acc_1190 = cls.ChartTemplate.ref("ch_coa_1190")
        cls.acc_2000 = cls.ChartTemplate.ref("ch_coa_2000")
        cls.office = cls.env["res.partner"].create({"name": "Betreibungsamt Zürich 1"})

    def _cost_case(self, invoice=None, amount=73.30, company=None):
        """A case sent on 1 March 2025 with one cost advanced on 5 March 2025."""
        case = self._case(invoice or self._vat_invoice(), company=company)
        case._tilbago_write({"date_sent": datetime(2025, 3, 1, 9, 0)})
        cost = self.env["tilbago.case.cost"].create({
            "case_id": case.id, "date": date(2025, 3, 5), "kind": "payment_order_fee",
            "description": "Payment order fee", "amount": amount,
            "partner_id": self.office.id,
        })
        return case, cost


@tagged("post_install", "-at_install")
class TestCaseCostsAccounting(CaseCostsCommon):
    def test_swiss_chart_default_account(self):
        company = self.company
        self.assertEqual(
            company._tilbago_accounting_account("tilbago_cost_receivable_account_id"),
            self.acc_1190,
        )
        company.tilbago_cost_receivable_account_id = self.acc_1109
        self.assertEqual(
            company._tilbago_accounting_account("tilbago_cost_receivable_account_id"),
            self.acc_1109,
        )

    def test_entry_draft_on_costs_to_recover_booked_once(self):
        case, cost = self._cost_case()
        action = cost.with_user(self.billing_user).action_tilbago_book_entry()
        move = self._moves_of(action)
        self.assertEqual(move.state, "draft")
        self.assertEqual(move.move_type, "entry")
        self.assertEqual(self._lines(move), {"1190": (73.3, 0.0), "2000": (0.0, 73.3)})
        self.assertEqual(move.line_ids.filtered(lambda l: l.debit).partner_id, case.partner_id)
        self.assertEqual(move.line_ids.filtered(lambda l: l.credit).partner_id, self.office)
        self.assertRecordValues(move, [{
            "tilbago_accounting_case_id": case.id, "tilbago_accounting_kind": "cost",
            "tilbago_accounting_cost_id": cost.id, "date": date(2025, 3, 5),
        }])
        self.assertEqual(cost.move_id, move)
        self.assertTrue(cost.is_booked)
        self.assertIn(move, case.tilbago_accounting_move_ids)
        # booked once: a second booking, by either way, is refused
        for method in ("action_tilbago_book_entry", "action_tilbago_book_bill"):
            with self.assertRaises(UserError):
                getattr(cost.with_user(self.billing_user), method)()
        # ... even linked by the addon itself
        with self.assertRaises(ValidationError):
            second = move.copy()
            case._tilbago_accounting_link(second, "cost", cost=cost)
        # a booked cost keeps its amount, date, case and office
        with self.assertRaises(UserError):
            cost.with_user(self.billing_user).amount = 80.0
        with self.assertRaises(UserError):
            cost.with_user(self.billing_user).unlink()
        cost.with_user(self.billing_user).description = "Payment order fee (GebV 16)"
        # the statement counts posted entries only
        self.assertEqual(case.tilbago_costs_booked, 0.0)
        move.action_post()
        self.assertEqual(case.tilbago_costs_booked, 73.3)
        self.assertEqual(case.tilbago_costs_booked, case.tilbago_costs_total)
        # cancelled, the cost may be booked again
        move.button_draft()
        move.button_cancel()
        self.assertFalse(cost.is_booked)
        cost.credit_account_id = self.company_data["default_journal_bank"].default_account_id
        again = self._moves_of(cost.with_user(self.billing_user).action_tilbago_book_entry())
        self.assertEqual(self._lines(again)[cost.credit_account_id.code], (0.0, 73.3))
        self.assertEqual(again.line_ids.account_id, self.acc_1190 | cost.credit_account_id)

    def test_vendor_bill_of_the_office_without_vat(self):
        case, cost = self._cost_case()
        cost.partner_id = False
        with self.assertRaisesRegex(UserError, "Enforcement Office"):
            cost.with_user(self.billing_user).action_tilbago_book_bill()
        cost.partner_id = self.office
        bill = self._moves_of(cost.with_user(self.billing_user).action_tilbago_book_bill())
        self.assertRecordValues(bill, [{
            "move_type": "in_invoice", "state": "draft", "partner_id": self.office.id,
            "amount_total": 73.3, "amount_tax": 0.0, "invoice_date": date(2025, 3, 5),
            "tilbago_accounting_kind": "cost", "tilbago_accounting_cost_id": cost.id,
        }])
        self.assertFalse(bill.invoice_line_ids.tax_ids)
        self.assertEqual(self._lines(bill), {"1190": (73.3, 0.0), "2000": (0.0, 73.3)})
        bill.action_post()
        self.assertEqual(case.tilbago_costs_booked, case.tilbago_costs_total)

    def test_recovery_of_the_costs_paid_first_agrees_with_the_statement(self):
        invoice = self._vat_invoice()  # 1,081.00
        case, cost = self._cost_case(invoice)
        self._moves_of(cost.with_user(self.billing_user).action_tilbago_book_entry()).action_post()
        with self.assertRaises(UserError):  # nothing paid yet
            case.with_user(self.billing_user).action_tilbago_book_cost_recovery()
        # the debtor pays the invoice and the fee: 1,154.30; 73.30 stays open on 1100
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({
            "amount": 1154.30, "payment_date": date(2025, 6, 1),
            "payment_difference_handling": "open",
        })._create_payments()
        case.invalidate_recordset()
        cost.invalidate_recordset()
        received, paid_costs = case.tilbago_amount_received, case.tilbago_paid_costs
        self.assertEqual(received, 1154.3)
        self.assertEqual(paid_costs, 73.3)
        self.assertEqual(cost.recovered, 73.3)
        action = case.with_user(self.billing_user).action_tilbago_book_cost_recovery()
        recovery = self._moves_of(action)
        self.assertRecordValues(recovery, [{
            "state": "draft", "tilbago_accounting_kind": "cost_recovery",
            "tilbago_accounting_cost_id": cost.id, "tilbago_accounting_case_id": case.id,
        }])
        self.assertEqual(self._lines(recovery), {"1100": (73.3, 0.0), "1190": (0.0, 73.3)})
        self.assertEqual(cost.recovered_booked, 73.3)
        with self.assertRaises(UserError):  # booked once: nothing more to book
            case.with_user(self.billing_user).action_tilbago_book_cost_recovery()
        recovery.action_post()
        # reconciled with what the payment left open on the debtor's receivable
        open_lines = self.env["account.move.line"].search([
            ("partner_id", "=", case.partner_id.id), ("account_id", "=", self.acc_1100.id),
            ("amount_residual", "!=", 0.0), ("parent_state", "=", "posted"),
        ])
        self.assertEqual(sorted(open_lines.mapped("amount_residual")), [-73.3, 73.3])
        open_lines.reconcile()
        self.assertFalse(any(open_lines.mapped("amount_residual")))
        case.invalidate_recordset()
        # the statement is what it was, and agrees with the entries
        self.assertEqual(case.tilbago_amount_received, received)
        self.assertEqual(case.tilbago_paid_costs, paid_costs)
        self.assertEqual(case.tilbago_costs_booked, case.tilbago_costs_total)
        self.assertEqual(case.tilbago_costs_recovery_booked, case.tilbago_paid_costs)
        costs_left = sum(
            case.tilbago_accounting_move_ids.line_ids.filtered(
                lambda l: l.account_id == self.acc_1190 and l.parent_state == "posted"
            ).mapped("balance")
        )
        self.assertAlmostEqual(costs_left, case.tilbago_open_costs)
        self.assertEqual(costs_left, 0.0)

    def test_partial_payment_recovers_costs_first(self):
        invoice = self._vat_invoice()
        case, cost = self._cost_case(invoice)
        self._moves_of(cost.with_user(self.billing_user).action_tilbago_book_bill()).action_post()
        later = self.env["tilbago.case.cost"].create({
            "case_id": case.id, "date": date(2025, 7, 1), "description": "Continuation fee",
            "amount": 40.0, "partner_id": self.office.id,
        })
        self._pay(invoice, 50.0)  # on 1 June 2025: all of it pays the cost first
        cost.invalidate_recordset()
        self.assertEqual(cost.recovered, 50.0)
        # a cost incurred after the payment: nothing paid it (on 15 June 2025)
        later = later.with_context(tilbago_today=date(2025, 6, 15))
        self.assertEqual(later.recovered, 0.0)
        recovery = self._moves_of(case.action_tilbago_book_cost_recovery())
        self.assertEqual(self._lines(recovery), {"1100": (50.0, 0.0), "1190": (0.0, 50.0)})
        recovery.action_post()
        case.invalidate_recordset()
        self.assertEqual(case.tilbago_costs_recovery_booked, case.tilbago_paid_costs)

    def test_only_accounting_users_book(self):
        _case, cost = self._cost_case()
        for method in ("action_tilbago_book_entry", "action_tilbago_book_bill"):
            with self.assertRaises(AccessError):
                getattr(cost.with_user(self.collector), method)()
        with self.assertRaises(AccessError):
            _case.with_user(self.collector).action_tilbago_book_cost_recovery()
        self.assertFalse(cost.sudo().move_ids)
        other = self.env["account.move"].with_user(self.billing_user).create({
            "move_type": "entry", "journal_id": self.misc.id,
            "line_ids": [
                Command.create({"account_id": self.acc_1190.id, "debit": 5.0}),
                Command.create({"account_id": self.acc_2000.id, "credit": 5.0}),
            ],
        })
        with self.assertRaises(AccessError):
            other.with_user(self.billing_user).write({"tilbago_accounting_cost_id": cost.id})

    def test_a_cost_books_in_its_own_company(self):
        company_b = self.setup_other_company(name="Zweite AG")["company"]
        self.env.user.company_ids |= company_b
        ChartB = self.env["account.chart.template"].with_company(company_b)
        invoice_b = self.env["account.move"].with_company(company_b).create({
            "move_type": "out_invoice", "partner_id": self.epsitec.id,
            "invoice_date": date(2025, 1, 10), "invoice_date_due": date(2025, 2, 9),
            "invoice_line_ids": [Command.create({
                "name": "Consulting", "quantity": 1, "price_unit": 400.0,
            })],
        })
        invoice_b.action_post()
        case_b, cost_b = self._cost_case(invoice_b, company=company_b)
        with self.assertRaises(AccessError):
            cost_b.with_company(self.company).with_context(
                allowed_company_ids=[self.company.id]
            ).action_tilbago_book_entry()
        both = cost_b.with_context(allowed_company_ids=[self.company.id, company_b.id])
        move = self._moves_of(both.action_tilbago_book_entry())
        self.assertEqual(move.company_id, company_b)
        self.assertIn(ChartB.ref("ch_coa_1190"), move.line_ids.account_id)
        self.assertNotIn(self.acc_1190, move.line_ids.account_id)
        with self.assertRaises(ValidationError):
            company_b.tilbago_cost_receivable_account_id = self.acc_1190
        self.assertEqual(case_b.tilbago_accounting_move_ids, move)


@tagged("post_install", "-at_install")
class TestCaseCostsAccountingRpc(_RpcMixin, CaseCostsCommon, HttpCase):
    """The same rules over JSON-RPC, as the web client or a script calls them."""

    def test_rpc_booking_rights_and_once(self):
        _case, cost = self._cost_case()
        self.authenticate("g_collector", "g_collector")
        with self.assertRaises(RpcError) as caught:
            self._rpc("tilbago.case.cost", "action_tilbago_book_entry", [cost.id])
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        self.assertFalse(cost.sudo().move_ids)

        self.authenticate("t5_billing", "t5_billing")
        action = self._rpc("tilbago.case.cost", "action_tilbago_book_bill", [cost.id])
        bill = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(bill.state, "draft")
        self.assertEqual(bill.tilbago_accounting_cost_id, cost)
        with self.assertRaises(RpcError) as caught:
            self._rpc("tilbago.case.cost", "action_tilbago_book_entry", [cost.id])
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.UserError")
        with self.assertRaises(RpcError) as caught:
            self._rpc("account.move", "write", [bill.id], {"tilbago_accounting_cost_id": False})
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        self.assertEqual(len(cost.sudo().move_ids), 1)
