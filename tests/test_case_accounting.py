# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The bookkeeping of bad debts on the Swiss chart: every entry's accounts, amounts,
taxes and reconciliation, the case's statement, and who may book."""

from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .test_case_common import TilbagoCaseCommon
from .test_model_rules import RpcError, _RpcMixin


class CaseAccountingCommon(TilbagoCaseCommon):
    """A company on the Swiss chart (l10n_ch), a collector and invoices with 8.1 % VAT."""

    chart_template = "ch"
    country_code = "CH"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ChartTemplate = cls.env["account.chart.template"].with_company(cls.company)
        cls.vat81 = cls.ChartTemplate.ref("vat_sale_81")
        cls.acc_1109 = cls.ChartTemplate.ref("ch_coa_1109")
        cls.acc_3805 = cls.ChartTemplate.ref("ch_coa_3805")
        cls.acc_1100 = cls.ChartTemplate.ref("ch_coa_1100")
        cls.acc_2200 = cls.ChartTemplate.ref("ch_coa_2200")
        cls.acc_3400 = cls.ChartTemplate.ref("ch_coa_3400")
        cls.misc = cls.company_data["default_journal_misc"]
        cls.collector = new_test_user(
            cls.env, login="g_collector", name="Collector",
            groups="l10n_ch_tilbago.group_tilbago_user",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)],
        )

    # -- helpers -------------------------------------------------------------------------
    def _vat_invoice(self, net=1000.0, partner=None):
        """A posted invoice of ``net`` plus 8.1 % VAT, due long ago."""
        invoice = self.env["account.move"].create({
            "move_type": "out_invoice",
            "partner_id": (partner or self.epsitec).id,
            "invoice_date": date(2025, 1, 10),
            "invoice_date_due": date(2025, 2, 9),
            "invoice_line_ids": [Command.create({
                "name": "Consulting", "quantity": 1, "price_unit": net,
                "account_id": self.acc_3400.id, "tax_ids": [Command.set(self.vat81.ids)],
            })],
        })
        invoice.action_post()
        return invoice

    def _case(self, invoices, state="payment_order", company=None):
        case = self.env["tilbago.case"].sudo().create({
            "company_id": (company or self.company).id,
            "partner_id": invoices.partner_id.id,
            "claim_ids": [
                Command.create({"invoice_id": inv.id, "amount": inv.amount_residual,
                                "reason": "Invoice %s" % inv.name, "is_main": not index})
                for index, inv in enumerate(invoices)
            ],
        })
        case._tilbago_write({"state": state, "tilbago_id": "T-%s" % case.id})
        return case.sudo(False)

    def _pay(self, invoice, amount):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": amount, "payment_date": date(2025, 6, 1)})._create_payments()

    def _lines(self, move):
        """{account code: (debit, credit)} of the move, summed per account."""
        result = {}
        for line in move.line_ids:
            debit, credit = result.get(line.account_id.code, (0.0, 0.0))
            result[line.account_id.code] = (round(debit + line.debit, 2),
                                            round(credit + line.credit, 2))
        return result

    def _moves_of(self, action):
        return self.env["account.move"].search(action["domain"]) if "domain" in action \
            else self.env["account.move"].browse(action["res_id"])

    def _wizard(self, case, kind, **vals):
        action = case.action_tilbago_write_off() if kind == "write_off" \
            else case.action_tilbago_recovery()
        wizard = self.env["tilbago.case.write.off"].browse(action["res_id"])
        wizard.write(vals)
        return wizard


@tagged("post_install", "-at_install")
class TestCaseAccounting(CaseAccountingCommon):
    # -- settings ------------------------------------------------------------------------
    def test_swiss_chart_accounts_are_the_defaults(self):
        company = self.company
        self.assertEqual(company._tilbago_accounting_account("tilbago_delcredere_account_id"),
                         self.acc_1109)
        self.assertEqual(company._tilbago_accounting_account("tilbago_bad_debt_account_id"),
                         self.acc_3805)
        self.assertEqual(company._tilbago_accounting_account("tilbago_recovery_account_id"),
                         self.acc_3805)
        self.assertEqual(company._tilbago_accounting_journal(), self.misc)
        other = self.acc_3400
        company.tilbago_recovery_account_id = other
        self.assertEqual(company._tilbago_accounting_account("tilbago_recovery_account_id"),
                         other)
        with self.assertRaises(ValidationError):
            company.tilbago_loss_seizure = 120

    # -- loss percentage -----------------------------------------------------------------
    def test_loss_percentage_proposed_by_the_stage_until_typed(self):
        case = self._case(self._vat_invoice())
        self.assertEqual(case.tilbago_loss_percent, 0.0)
        case._tilbago_write({"state": "opposition"})
        self.assertEqual(case.tilbago_loss_percent, 25.0)
        case.with_user(self.billing_user).tilbago_loss_percent = 40.0
        self.assertTrue(case.tilbago_loss_percent_manual)
        case._tilbago_write({"state": "seizure"})
        self.assertEqual(case.tilbago_loss_percent, 40.0, "typed by hand: kept")
        case.action_tilbago_loss_from_stage()
        self.assertEqual(case.tilbago_loss_percent, 50.0)
        self.assertFalse(case.tilbago_loss_percent_manual)
        self.company.tilbago_loss_certificate = 90.0
        case._tilbago_write({"state": "certificate_of_loss"})
        self.assertEqual(case.tilbago_loss_percent, 90.0)
        with self.assertRaises(ValidationError):
            case.tilbago_loss_percent = 101

    # -- provision -----------------------------------------------------------------------
    def test_provision_updated_twice_then_released(self):
        invoice = self._vat_invoice()  # CHF 1,081.00
        case = self._case(invoice, state="opposition").with_user(self.billing_user)
        self.assertEqual(case.tilbago_provision_base, 1081.0)
        self.assertEqual(case.tilbago_provision_target, 270.25)

        first = self._moves_of(case.action_tilbago_provision())
        self.assertEqual(first.state, "draft", "nothing is posted behind the user's back")
        self.assertEqual(first.journal_id, self.misc)
        self.assertEqual(first.tilbago_accounting_kind, "provision")
        self.assertEqual(self._lines(first), {"3805": (270.25, 0.0), "1109": (0.0, 270.25)})
        self.assertEqual(case.tilbago_provisioned, 0.0, "posted entries only")
        self.assertEqual(case.tilbago_provision_draft, 270.25)
        with self.assertRaises(UserError):  # booked, even in draft: nothing to add
            case.action_tilbago_provision()
        first.action_post()
        self.assertEqual(case.tilbago_provisioned, 270.25)

        # update 1: the percentage goes up, only the difference is booked
        case.tilbago_loss_percent = 50.0
        second = self._moves_of(case.action_tilbago_provision())
        self.assertEqual(self._lines(second), {"3805": (270.25, 0.0), "1109": (0.0, 270.25)})
        second.action_post()
        self.assertEqual(case.tilbago_provisioned, 540.5)

        # update 2: the debtor pays CHF 581.00, the open principal falls to 500.00
        self._pay(invoice, 581.0)
        self.assertEqual(case.tilbago_provision_base, 500.0)
        third = self._moves_of(case.action_tilbago_provision())
        self.assertEqual(self._lines(third), {"1109": (290.5, 0.0), "3805": (0.0, 290.5)})
        third.action_post()
        self.assertEqual(case.tilbago_provisioned, 250.0)
        self.assertEqual(
            self.acc_1109.with_company(self.company).current_balance, -250.0,
            "the statement agrees with the del credere account",
        )

        # closing the case releases the provision (a draft, whoever closes it)
        case.with_user(self.collector).action_close()
        release = case.tilbago_accounting_move_ids.filtered(
            lambda m: m.tilbago_accounting_kind == "release"
        )
        self.assertEqual(release.state, "draft")
        self.assertEqual(self._lines(release), {"1109": (250.0, 0.0), "3805": (0.0, 250.0)})
        release.action_post()
        self.assertEqual(case.tilbago_provisioned, 0.0)
        with self.assertRaises(UserError):  # closed: nothing more to provision
            case.action_tilbago_provision()
        self.assertEqual(case.tilbago_accounting_move_count, 4)
        self.assertEqual(
            set(case.action_view_tilbago_accounting_moves()["domain"][0][2]),
            set((first | second | third | release).ids),
        )
        # the invoice lists its case's entries
        self.assertEqual(invoice.tilbago_bad_debt_move_ids, first | second | third | release)

    # -- write-off -----------------------------------------------------------------------
    def test_write_off_after_partial_payment_with_vat_reconciled_on_posting(self):
        invoice = self._vat_invoice()  # CHF 1,000.00 + 81.00 VAT
        self._pay(invoice, 481.0)
        case = self._case(invoice, state="seizure").with_user(self.billing_user)
        provision = self._moves_of(case.action_tilbago_provision())  # 50 % of 600
        provision.action_post()
        self.assertEqual(case.tilbago_provisioned, 300.0)

        case._tilbago_write({"state": "certificate_of_loss"})
        # the customer's receivable account changed since the invoice: the credit note
        # still credits the invoice's (1100), or the two would never reconcile
        self.epsitec.with_company(self.company).property_account_receivable_id = (
            self.env["account.account"].create({
                "name": "Receivables from key accounts", "code": "1105",
                "account_type": "asset_receivable", "reconcile": True,
                "company_ids": [Command.set(self.company.ids)],
            })
        )
        wizard = self._wizard(case, "write_off", certificate_number="VS-2025-0815",
                              certificate_date=date(2025, 9, 1))
        self.assertEqual(wizard.line_ids.invoice_id, invoice)
        self.assertEqual(wizard.line_ids.amount, 600.0, "what the invoice leaves open")
        moves = self._moves_of(wizard.action_confirm())
        refund = moves.filtered(lambda m: m.move_type == "out_refund")
        release = moves - refund
        self.assertEqual(refund.state, "draft")
        self.assertEqual(refund.reversed_entry_id, invoice)
        self.assertEqual(refund.tilbago_accounting_case_id, case)
        self.assertEqual(refund.tilbago_accounting_invoice_id, invoice)
        self.assertIn("VS-2025-0815", refund.ref)
        self.assertIn("SchKG 149", refund.ref)
        # the lost part on 3805, with the invoice's own 8.1 % VAT: output VAT reduced
        self.assertEqual(refund.invoice_line_ids.tax_ids, self.vat81)
        self.assertEqual(refund.amount_untaxed, 555.04)
        self.assertEqual(refund.amount_tax, 44.96)
        self.assertEqual(refund.amount_total, 600.0)
        self.assertEqual(self._lines(refund), {
            "3805": (555.04, 0.0), "2200": (44.96, 0.0), "1100": (0.0, 600.0),
        })
        # the provision of the case goes back
        self.assertEqual(release.tilbago_accounting_kind, "release")
        self.assertEqual(self._lines(release), {"1109": (300.0, 0.0), "3805": (0.0, 300.0)})
        self.assertEqual(invoice.amount_residual, 600.0, "a draft settles nothing")

        # posted later from the credit note itself: reconciled with the invoice on posting
        refund.action_post()
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(invoice.payment_state, "paid")
        refund_receivable = refund.line_ids.filtered(lambda l: l.account_id == self.acc_1100)
        self.assertTrue(refund_receivable.reconciled)
        self.assertEqual(refund_receivable.matched_debit_ids.debit_move_id.move_id, invoice)
        self.assertEqual(case.tilbago_written_off, 600.0)
        self.assertEqual(case.state, "certificate_of_loss", "the claim stays alive")
        self.assertIn(refund, invoice.tilbago_bad_debt_move_ids)
        with self.assertRaises(UserError):  # nothing left open to write off
            case.action_tilbago_write_off()

    def test_write_off_in_part_posted_from_the_case_then_recovery(self):
        invoice = self._vat_invoice()
        self._pay(invoice, 481.0)
        case = self._case(invoice, state="certificate_of_loss").with_user(self.billing_user)
        wizard = self._wizard(case, "write_off", reason="final_loss",
                              note="bankruptcy closed for lack of assets", post_now=True)
        wizard.line_ids.amount = 324.3  # CHF 300.00 + 24.30 VAT: a dividend is expected
        refund = self._moves_of(wizard.action_confirm())
        self.assertEqual(refund.state, "posted")
        self.assertEqual((refund.amount_untaxed, refund.amount_tax), (300.0, 24.3))
        self.assertIn("bankruptcy closed for lack of assets", refund.ref)
        self.assertEqual(invoice.amount_residual, 275.7, "the rest stays claimed")
        self.assertEqual(invoice.payment_state, "partial")
        # more than is left open is refused, in the model
        wizard = self._wizard(case, "write_off", reason="final_loss", note="x")
        wizard.line_ids.amount = 300.0
        with self.assertRaises(UserError):
            wizard.action_confirm()

        # a recovery: CHF 216.20 received later on the written-off part, VAT due again
        wizard = self._wizard(case, "recovery")
        self.assertEqual(wizard.line_ids.limit, 324.3)
        wizard.line_ids.amount = 216.2
        recovery = self._moves_of(wizard.action_confirm())
        self.assertEqual(recovery.move_type, "out_invoice")
        self.assertEqual(recovery.state, "draft")
        self.assertEqual(recovery.partner_id, self.epsitec)
        self.assertEqual(recovery.tilbago_accounting_kind, "recovery")
        self.assertEqual(recovery.tilbago_accounting_invoice_id, invoice)
        self.assertEqual(recovery.invoice_line_ids.tax_ids, self.vat81)
        self.assertEqual((recovery.amount_untaxed, recovery.amount_tax), (200.0, 16.2))
        self.assertEqual(self._lines(recovery), {
            "1100": (216.2, 0.0), "3805": (0.0, 200.0), "2200": (0.0, 16.2),
        })
        self.assertEqual(case.tilbago_recovered, 0.0)
        recovery.action_post()
        self.assertEqual(case.tilbago_recovered, 216.2)
        self.assertEqual(case.tilbago_written_off, 324.3)
        # the debtor's payment settles the recovery invoice
        self._pay(recovery, 216.2)
        self.assertIn(recovery.payment_state, ("paid", "in_payment"))
        # no more than what is written off and not recovered yet
        wizard = self._wizard(case, "recovery")
        self.assertEqual(wizard.line_ids.limit, 108.1)
        wizard.line_ids.amount = 200.0
        with self.assertRaises(UserError):
            wizard.action_confirm()

    def test_write_off_keeps_each_tax_rate_of_the_invoice(self):
        vat26 = self.ChartTemplate.ref("vat_sale_26")
        invoice = self._vat_invoice()  # 1,000.00 at 8.1 %
        invoice.button_draft()
        invoice.write({"invoice_line_ids": [Command.create({
            "name": "Books", "quantity": 1, "price_unit": 500.0,
            "account_id": self.acc_3400.id, "tax_ids": [Command.set(vat26.ids)],
        })]})
        invoice.action_post()
        self.assertEqual(invoice.amount_total, 1594.0)  # 1,081.00 + 513.00
        case = self._case(invoice, state="certificate_of_loss").with_user(self.billing_user)
        wizard = self._wizard(case, "write_off", certificate_number="42",
                              certificate_date=date(2025, 9, 1), post_now=True)
        refund = self._moves_of(wizard.action_confirm())
        by_tax = {line.tax_ids: line.price_subtotal for line in refund.invoice_line_ids}
        self.assertEqual(by_tax, {self.vat81: 1000.0, vat26: 500.0})
        self.assertEqual(refund.invoice_line_ids.account_id, self.acc_3805)
        self.assertEqual(refund.amount_tax, 94.0)
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(invoice.payment_state, "reversed", "written off entirely")

    def test_statement_open_principal_is_not_the_bookkeeping_one(self):
        """The statement's open principal (payments allocated as OR 85 says) is read by
        the collector too, and reading it writes nothing on the case; the provision
        rests on the invoices' residual, a field of its own for accounting users."""
        invoice = self._vat_invoice()
        case = self._case(invoice, state="opposition")
        self._pay(invoice, 581.0)
        self.env.invalidate_all()
        with patch.object(type(case), "write", side_effect=AssertionError("a read wrote")):
            figures = case.with_user(self.collector).read(
                ["tilbago_principal", "tilbago_paid_principal", "tilbago_open_principal"]
            )[0]
        self.assertAlmostEqual(
            figures["tilbago_open_principal"],
            figures["tilbago_principal"] - figures["tilbago_paid_principal"],
            places=2,
        )
        self.assertEqual(case.with_user(self.billing_user).tilbago_provision_base, 500.0)
        with self.assertRaises(AccessError):
            case.with_user(self.collector).read(["tilbago_provision_base"])

    # -- rules ---------------------------------------------------------------------------
    def test_only_accounting_users_book_and_only_the_addon_links(self):
        invoice = self._vat_invoice()
        case = self._case(invoice, state="opposition")
        # the collector's case form has neither the buttons nor the amounts
        for user, shown in ((self.collector, False), (self.billing_user, True)):
            arch = case.with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
            for name in ("action_tilbago_provision", "tilbago_provisioned"):
                self.assertEqual(name in arch, shown, (user.login, name))
            case.with_user(user).web_read({"name": {}, "tilbago_loss_percent": {}})
        with self.assertRaises(AccessError):
            case.with_user(self.collector).action_tilbago_provision()
        with self.assertRaises(AccessError):
            case.with_user(self.collector).action_tilbago_write_off()
        move = self._moves_of(case.with_user(self.billing_user).action_tilbago_provision())
        other = self.env["account.move"].with_user(self.billing_user).create({
            "move_type": "entry", "journal_id": self.misc.id,
            "line_ids": [
                Command.create({"account_id": self.acc_3805.id, "debit": 5.0}),
                Command.create({"account_id": self.acc_1109.id, "credit": 5.0}),
            ],
        })
        for record, vals in ((other, {"tilbago_accounting_case_id": case.id}),
                             (move, {"tilbago_accounting_kind": "recovery"})):
            with self.assertRaises(AccessError):
                record.with_user(self.billing_user).write(vals)
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.billing_user).create({
                "move_type": "entry", "journal_id": self.misc.id,
                "tilbago_accounting_case_id": case.id, "tilbago_accounting_kind": "provision",
            })

    def test_a_case_books_in_its_own_company_only(self):
        company_b = self.setup_other_company(name="Zweite AG")["company"]
        self.env.user.company_ids |= company_b
        ChartB = self.env["account.chart.template"].with_company(company_b)
        invoice_b = self.env["account.move"].with_company(company_b).create({
            "move_type": "out_invoice", "partner_id": self.epsitec.id,
            "invoice_date": date(2025, 1, 10), "invoice_date_due": date(2025, 2, 9),
            "invoice_line_ids": [Command.create({
                "name": "Consulting", "quantity": 1, "price_unit": 400.0,
                "tax_ids": [Command.set(ChartB.ref("vat_sale_81").ids)],
            })],
        })
        invoice_b.action_post()
        case_b = self._case(invoice_b, state="seizure", company=company_b)
        # a session of company A alone does not even see company B's case
        with self.assertRaises(AccessError):
            case_b.with_company(self.company).action_tilbago_provision()
        # both companies allowed, A the active one: B's accounts and journal all the same
        both = case_b.with_context(allowed_company_ids=[self.company.id, company_b.id])
        move = self._moves_of(both.action_tilbago_provision())
        self.assertEqual(move.company_id, company_b)
        self.assertEqual(move.line_ids.account_id,
                         ChartB.ref("ch_coa_1109") | ChartB.ref("ch_coa_3805"))
        self.assertNotIn(self.acc_1109, move.line_ids.account_id)
        # an account of company A in company B's settings is refused
        with self.assertRaises(ValidationError):
            company_b.tilbago_delcredere_account_id = self.acc_1109
        # a case of company A never links to an entry of company B
        case_a = self._case(self._vat_invoice(), state="seizure")
        with self.assertRaises(ValidationError):
            move.sudo().tilbago_accounting_case_id = case_a


@tagged("post_install", "-at_install")
class TestCaseAccountingRpc(_RpcMixin, CaseAccountingCommon, HttpCase):
    """The same rules over JSON-RPC, as the web client or a script calls them."""

    def test_rpc_only_accounting_users_book(self):
        case = self._case(self._vat_invoice(), state="opposition")
        self.authenticate("g_collector", "g_collector")
        with self.assertRaises(RpcError) as caught:
            self._rpc("tilbago.case", "action_tilbago_provision", [case.id])
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        self.assertFalse(case.sudo().tilbago_accounting_move_ids)

        self.authenticate("t5_billing", "t5_billing")
        action = self._rpc("tilbago.case", "action_tilbago_provision", [case.id])
        move = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(move.state, "draft")
        self.assertEqual(move.tilbago_accounting_case_id, case)
        with self.assertRaises(RpcError) as caught:
            self._rpc("account.move", "write", [move.id], {"tilbago_accounting_kind": "release"})
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        self.assertEqual(move.tilbago_accounting_kind, "provision")
