# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged
from odoo.tests.common import new_test_user
from odoo.tools.safe_eval import safe_eval

from .test_reminder import D, ReminderCommon


@tagged("post_install", "-at_install")
class TestReminderViews(ReminderCommon):
    def test_menus_and_actions_load(self):
        clerk = new_test_user(
            self.env, login="clerk_views", groups="account.group_account_invoice",
            company_id=self.company.id,
        )
        move = self._invoice()
        self._run(D(2026, 1, 11))
        Move = self.env["account.move"].with_user(clerk)
        for xmlid, expected in [
            ("l10n_ch_tilbago.action_tilbago_reminder_all", 1),
            ("l10n_ch_tilbago.action_tilbago_litigation", 0),
            ("l10n_ch_tilbago.action_tilbago_reminder_to_print", 0),
            ("l10n_ch_tilbago.action_tilbago_reminder_overview", 1),
        ]:
            action = self.env["ir.actions.act_window"].with_user(clerk)._for_xml_id(xmlid)
            views = [(view_id, mode) for view_id, mode in action["views"]]
            views.append((action["search_view_id"][0], "search"))
            result = Move.get_views(views)
            self.assertTrue(result["views"], xmlid)
            domain = safe_eval(action["domain"])
            self.assertEqual(Move.search_count(domain), expected, xmlid)
            # grouped read as the list / pivot does it (sums of open amounts)
            Move.read_group(domain, ["amount_residual_signed:sum"], ["tilbago_reminder_level_id"])
        # the reminders sent, read by the clerk
        Reminder = self.env["tilbago.reminder"].with_user(clerk)
        self.assertTrue(Reminder.get_views(
            [(False, "list"), (False, "form"), (False, "search")]
        )["views"])
        self.assertEqual(Reminder.search_count([]), 1)
        for menu in ("menu_tilbago_reminder_all", "menu_tilbago_reminder_record",
                     "menu_tilbago_litigation", "menu_tilbago_reminder_overview",
                     "menu_tilbago_reminder_to_print"):
            menu = self.env.ref(f"l10n_ch_tilbago.{menu}")
            self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(clerk)._visible_menu_ids())
        # the invoice and partner forms with the reminder parts
        self.env["account.move"].with_user(clerk).get_views([(False, "form")])
        self.env["res.partner"].with_user(clerk).get_views([(False, "form")])
        self.assertEqual(self._level(move.with_user(clerk)), "1")

    def test_amounts_in_their_own_currency(self):
        """Each amount shows its own currency; nothing sums two currencies."""
        Move = self.env["account.move"]
        fields_info = Move.fields_get(
            ["tilbago_reminder_fee", "tilbago_amount_due"], ["currency_field", "aggregator"]
        )
        for fname in ("tilbago_reminder_fee", "tilbago_amount_due"):
            # the invoice's currency, the same for the fee and the amount due of a row
            self.assertEqual(fields_info[fname]["currency_field"], "currency_id")
            # no group sum over invoices of different currencies
            self.assertFalse(fields_info[fname].get("aggregator"), fname)
        view = self.env.ref("l10n_ch_tilbago.view_tilbago_litigation_list")
        arch = Move.get_views([(view.id, "list")])["views"]["list"]["arch"]
        self.assertNotIn("amount_residual_signed", arch)  # the company currency
        self.assertIn('name="tilbago_amount_due"', arch)
        self.assertIn('name="currency_id"', arch)
        # the overview: counts and amounts per level, one row per company currency
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_ch_tilbago.action_tilbago_reminder_overview"
        )
        self.assertIn("__count__", safe_eval(action["context"])["pivot_measures"])
        pivot = self.env.ref("l10n_ch_tilbago.view_tilbago_reminder_pivot").arch_db
        self.assertIn('name="company_currency_id" type="row"', pivot)
        # the case's invoices: amounts in the invoice currency, with it
        case_arch = self.env["tilbago.case"].get_views([(False, "form")])["views"]["form"]["arch"]
        invoices_tab = case_arch[case_arch.index('name="invoice_ids"'):]
        invoices_tab = invoices_tab[:invoices_tab.index("</list>")]
        self.assertNotIn("_signed", invoices_tab)
        self.assertIn('name="currency_id"', invoices_tab)

    def test_column_headers_fit(self):
        """The headers of the columns shown by default are short enough not to be cut."""
        from lxml import etree

        def headers(model, view_xmlid):
            view = self.env.ref(view_xmlid)
            result = self.env[model].get_views([(view.id, view.type)])
            arch = etree.fromstring(result["views"][view.type]["arch"])
            fields_info = result["models"][model]["fields"]
            return arch, fields_info

        arch, fields_info = headers("account.move", "l10n_ch_tilbago.view_tilbago_reminder_list")
        lists = [(arch, fields_info)]
        arch, fields_info = headers(
            "tilbago.requisition.wizard", "l10n_ch_tilbago.tilbago_requisition_wizard_view_form"
        )
        claims = arch.xpath("//field[@name='claim_line_ids']/list")[0]
        claim_fields = self.env["tilbago.requisition.claim"].fields_get()
        lists.append((claims, claim_fields))
        for node, info in lists:
            for column in node.xpath("./field"):
                if column.get("column_invisible") in ("1", "True") or column.get(
                    "optional"
                ) == "hide" or column.get("widget") == "handle":
                    continue
                label = column.get("string") or info[column.get("name")]["string"]
                self.assertLessEqual(len(label), 14, label)

    def test_fee_larger_than_the_invoice_is_warned(self):
        move = self._invoice()
        self.assertFalse(move.tilbago_fee_warning)
        move.with_context(tilbago_escalation=True).write(
            {"tilbago_reminder_fee": move.amount_total + 1}
        )
        self.assertIn("larger than the invoice", move.tilbago_fee_warning)
        form = self.env["account.move"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="tilbago_fee_warning"', form)
        move.with_context(tilbago_escalation=True).write({"tilbago_reminder_fee": 10.0})
        self.assertFalse(move.tilbago_fee_warning)
