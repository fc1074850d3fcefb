# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The reminder letter's settings of a company over JSON-RPC.

*One Reminder per Debtor*, *Charge Reminder Fees*, *Default Interest From Reminder* and
*Envelope Window* decide what every debtor of the company receives: a billing clerk
changes none of them (neither on the company nor through the settings' ``execute``),
the company's administrator changes them both ways, and another company's
administrator changes none of them, whichever way he tries.
"""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .test_case_common import TilbagoCaseCommon
from .test_model_rules import RpcError, _RpcMixin

SETTINGS = "res.config.settings"
#: each setting and a value other than its default
CHANGED = {
    "tilbago_reminder_per_debtor": False,
    "tilbago_reminder_fees_on_qr": True,
    "tilbago_reminder_interest_rank": 3,
    "tilbago_reminder_window": "left",
}


@tagged("post_install", "-at_install")
class TestReminderSettingsRpc(_RpcMixin, TilbagoCaseCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({
            "tilbago_reminder_per_debtor": True,
            "tilbago_reminder_fees_on_qr": False,
            "tilbago_reminder_interest_rank": 2,
            "tilbago_reminder_window": "right",
        })
        cls.company_b = cls.setup_other_company(name="Settings Company B SA")["company"]
        cls.admin_a = new_test_user(
            cls.env, login="wta_settings_admin_a",
            groups="base.group_system,account.group_account_manager",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)],
        )  # fmt: skip
        cls.admin_b = new_test_user(
            cls.env, login="wta_settings_admin_b",
            groups="base.group_system,account.group_account_manager",
            company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)],
        )  # fmt: skip

    def _as(self, login):
        self.authenticate(login, login)

    def _access_refused(self, model, method, *args, **kwargs):
        with self.assertRaises(RpcError) as caught:
            self._rpc(model, method, *args, **kwargs)
        kind, message = caught.exception.args
        self.assertIn("AccessError", kind, message)
        return message

    def _values(self, company):
        self.env.invalidate_all()
        return company.read(list(CHANGED))[0]

    def test_clerk_changes_none_of_them(self):
        before = self._values(self.company)
        settings = self.env[SETTINGS].create({})
        self._as("t5_billing")
        # the clerk reads them (the run and the letter follow them)...
        [row] = self._rpc("res.company", "read", self.company.ids, list(CHANGED))
        self.assertEqual({fname: row[fname] for fname in CHANGED},
                         {fname: before[fname] for fname in CHANGED})
        # ...and changes none, on the company or through the settings
        for fname, value in CHANGED.items():
            with self.subTest(field=fname):
                self._access_refused("res.company", "write", self.company.ids, {fname: value})
                self._access_refused(SETTINGS, "create", {fname: value})
                self._access_refused(SETTINGS, "write", settings.ids, {fname: value})
        self._access_refused(SETTINGS, "execute", settings.ids)
        self.assertEqual(self._values(self.company), before)

    def test_company_admin_changes_them_both_ways(self):
        self._as("wta_settings_admin_a")
        settings_id = self._rpc(SETTINGS, "create", dict(CHANGED))
        self._rpc(SETTINGS, "execute", [settings_id])
        values = self._values(self.company)
        self.assertEqual({fname: values[fname] for fname in CHANGED}, CHANGED)
        # the settings page shows what was saved
        self._as("wta_settings_admin_a")
        [shown] = self._rpc(SETTINGS, "read", [self._rpc(SETTINGS, "create", {})],
                            list(CHANGED))
        self.assertEqual({fname: shown[fname] for fname in CHANGED}, CHANGED)
        # and on the company itself, back to the defaults
        defaults = {"tilbago_reminder_per_debtor": True, "tilbago_reminder_fees_on_qr": False,
                    "tilbago_reminder_interest_rank": 2, "tilbago_reminder_window": "right"}
        self._rpc("res.company", "write", self.company.ids, defaults)
        values = self._values(self.company)
        self.assertEqual({fname: values[fname] for fname in CHANGED}, defaults)

    def test_other_company_admin_changes_none_of_them(self):
        before = self._values(self.company)
        self._as("wta_settings_admin_b")
        for fname, value in CHANGED.items():
            with self.subTest(field=fname):
                # Odoo lets an administrator write any company: the addon does not
                message = self._access_refused(
                    "res.company", "write", self.company.ids, {fname: value}
                )
                self.assertIn("can only be changed by a user of that company", message)
                self.assertIn(self.company.name, message)
                # the settings of the first company, named in the record
                self._access_refused(
                    SETTINGS, "create", {"company_id": self.company.id, fname: value}
                )
        # the settings of the first company, named in the call's context
        self._access_refused(
            SETTINGS, "create", dict(CHANGED),
            context={"allowed_company_ids": [self.company.id]},
        )
        # an own settings record pointed at the first company before saving
        own_id = self._rpc(SETTINGS, "create", {})
        self._access_refused(
            SETTINGS, "write", [own_id], dict(CHANGED, company_id=self.company.id)
        )
        self.assertEqual(self._values(self.company), before)
        # their own company's, they change
        self._as("wta_settings_admin_b")
        self._rpc("res.company", "write", self.company_b.ids, CHANGED)
        values = self._values(self.company_b)
        self.assertEqual({fname: values[fname] for fname in CHANGED}, CHANGED)
        self.assertEqual(self._values(self.company), before)
