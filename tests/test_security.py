# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

SECRET = "t3-secret-key-0a1b2c3d"


@tagged("post_install", "-at_install")
class TestTilbagoSecurity(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.tilbago_api_key = SECRET
        cls.other_company = cls.env["res.company"].create({"name": "Other Company SA"})
        cls.other_partner = cls.env["res.partner"].create({
            "name": "Hidden Debtor AG",
            "is_company": True,
            "company_id": cls.other_company.id,
            "tilbago_uid": "CHE-100.155.212",
            "tilbago_is_registered": True,
        })
        cls.own_partner = cls.env["res.partner"].create({
            "name": "Visible Debtor AG",
            "is_company": True,
            "company_id": cls.company.id,
            "tilbago_uid": "CHE-107.933.850",
        })
        # a plain billing user: account.group_account_invoice only
        cls.billing = new_test_user(
            cls.env, login="t3_billing", groups="account.group_account_invoice",
            company_id=cls.company.id, company_ids=[(6, 0, cls.company.ids)],
        )
        # the same, allowed to export (so the export test reaches the field check)
        cls.billing_export = new_test_user(
            cls.env, login="t3_billing_export",
            groups="account.group_account_invoice,base.group_allow_export",
            company_id=cls.company.id, company_ids=[(6, 0, cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env, login="t3_manager", groups="account.group_account_manager",
            company_id=cls.company.id, company_ids=[(6, 0, cls.company.ids)],
        )

    def test_groups_implied(self):
        self.assertTrue(self.billing.has_group("l10n_ch_tilbago.group_tilbago_user"))
        self.assertFalse(self.billing.has_group("l10n_ch_tilbago.group_tilbago_manager"))
        self.assertFalse(self.billing.has_group("base.group_system"))
        self.assertTrue(self.manager.has_group("l10n_ch_tilbago.group_tilbago_manager"))

    # -- the API key -------------------------------------------------------------------

    def test_billing_user_cannot_read_key(self):
        company = self.company.with_user(self.billing)
        with self.assertRaises(AccessError):
            company.read(["tilbago_api_key"])
        with self.assertRaises(AccessError):
            company.search_read([("id", "=", self.company.id)], ["tilbago_api_key"])
        with self.assertRaises(AccessError):
            company.search([("tilbago_api_key", "=", SECRET)])
        self.assertNotIn("tilbago_api_key", company.fields_get())
        # a plain read of the company does not carry it either
        self.assertNotIn("tilbago_api_key", company.read()[0])
        self.assertNotIn(SECRET, str(company.read()[0]))
        # nor the settings model, whose field is related to it
        Settings = self.env["res.config.settings"].with_user(self.billing)
        self.assertNotIn("tilbago_api_key", Settings.fields_get())
        self.assertNotIn(SECRET, str(Settings.default_get(list(Settings._fields))))
        with self.assertRaises(AccessError):
            Settings.onchange({}, [], {"tilbago_api_key": {}})

    def test_billing_user_cannot_export_key(self):
        for user in (self.billing, self.billing_export):
            with self.subTest(user=user.login):
                company = self.company.with_user(user)
                with self.assertRaises(UserError) as caught:
                    company.export_data(["name", "tilbago_api_key"])
                self.assertNotIn(SECRET, str(caught.exception))
                # through a relation too: the partner's company
                partner = self.own_partner.with_user(user)
                with self.assertRaises(UserError) as caught:
                    partner.export_data(["name", "company_id/tilbago_api_key"])
                self.assertNotIn(SECRET, str(caught.exception))

    def test_key_never_exported_even_by_admin(self):
        with self.assertRaises(UserError):
            self.company.export_data(["tilbago_api_key"])
        with self.assertRaises(UserError):
            self.own_partner.export_data(["company_id/tilbago_api_key"])
        self.assertFalse(self.env["res.company"]._fields["tilbago_api_key"].exportable)
        # exports of other fields still work
        rows = self.company.export_data(["name", "tilbago_environment"])["datas"]
        self.assertEqual(rows[0][0], self.company.name)

    def test_manager_reads_key(self):
        company = self.company.with_user(self.manager)
        self.assertEqual(company.read(["tilbago_api_key"])[0]["tilbago_api_key"], SECRET)

    def test_billing_user_uses_key_without_seeing_it(self):
        client = self.company.with_user(self.billing)._tilbago_client()
        self.assertNotIn(SECRET, repr(client))
        client.close()

    # -- settings ----------------------------------------------------------------------

    def test_billing_user_cannot_write_settings(self):
        before = self.company.read(["tilbago_storage_path", "tilbago_litigation_delay"])[0]
        company = self.company.with_user(self.billing)
        with self.assertRaises(AccessError):
            company.write({"tilbago_litigation_delay": 99})
        with self.assertRaises(AccessError):
            company.write({"tilbago_api_key": "stolen"})
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.billing).create(
                {"tilbago_litigation_delay": 99})
        settings = self.env["res.config.settings"].create({})
        with self.assertRaises(AccessError):
            settings.with_user(self.billing).write({"tilbago_litigation_delay": 98})
        with self.assertRaises(AccessError):
            settings.with_user(self.billing).execute()
        with self.assertRaises(UserError):
            settings.with_user(self.billing).action_tilbago_test_connection()
        self.company.invalidate_recordset()
        self.assertEqual(
            self.company.read(["tilbago_storage_path", "tilbago_litigation_delay"])[0], before
        )

    # -- other companies ---------------------------------------------------------------

    def test_other_company_hidden(self):
        Partner = self.env["res.partner"].with_user(self.billing)
        found = Partner.search([("tilbago_uid", "!=", False)])
        self.assertIn(self.own_partner, found)
        self.assertNotIn(self.other_partner, found)
        # searching by its UID does not reveal it (a shared demo partner may have the same)
        self.assertNotIn(
            self.other_partner,
            Partner.search([("tilbago_uid", "=", self.other_partner.tilbago_uid)]),
        )
        with self.assertRaises(AccessError):
            self.other_partner.with_user(self.billing).read(["tilbago_uid"])
        with self.assertRaises(AccessError):
            self.other_company.with_user(self.billing).read(["tilbago_environment"])
        self.assertNotIn(
            self.other_company,
            self.env["res.company"].with_user(self.billing).search([]),
        )
