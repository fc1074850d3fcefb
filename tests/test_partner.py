# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPartnerDebtorData(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.Partner = cls.env["res.partner"]
        cls.ch = cls.env.ref("base.ch")
        cls.company = cls.Partner.create({
            "name": "Epsitec SA",
            "is_company": True,
            "street": "Chemin du Fontenay 6",
            "zip": "1400",
            "city": "Yverdon-les-Bains",
            "country_id": cls.ch.id,
        })

    def assertRefused(self, record, vals, label):
        """``vals`` is refused with a message naming ``label``; nothing of it is saved."""
        before = record.read(list(vals))[0]
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            record.write(vals)
        self.assertIn(label, str(caught.exception))
        record.invalidate_recordset()
        self.assertEqual(record.read(list(vals))[0], before)
        return str(caught.exception)

    # -- UID ----------------------------------------------------------------------

    def test_uid_normalised(self):
        self.company.tilbago_uid = "che 107 933 850"
        self.assertEqual(self.company.tilbago_uid, "CHE-107.933.850")
        self.company.tilbago_uid = "CHE107933850"
        self.assertEqual(self.company.tilbago_uid, "CHE-107.933.850")

    def test_uid_wrong_check_digit(self):
        message = self.assertRefused(
            self.company, {"name": "Renamed", "tilbago_uid": "CHE-100.155.213"}, "UID (IDE)"
        )
        self.assertIn("CHE-100.155.213", message)
        self.assertIn("check digit", message)

    def test_uid_wrong_format(self):
        message = self.assertRefused(self.company, {"tilbago_uid": "123456"}, "UID (IDE)")
        self.assertIn("CHE-123.456.789", message)

    def test_uid_wrong_on_create_saves_nothing(self):
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            self.Partner.create({"name": "Nobody AG", "is_company": True,
                                 "tilbago_uid": "CHE-100.155.213"})
        self.assertIn("UID (IDE)", str(caught.exception))
        self.assertFalse(self.Partner.search([("name", "=", "Nobody AG")]))

    def test_uid_offered_from_swiss_vat(self):
        self.company.vat = "CHE-107.933.850 TVA"
        self.assertEqual(self.company.tilbago_uid, "CHE-107.933.850")
        partner = self.Partner.create({"name": "Muster GmbH", "is_company": True,
                                       "vat": "CHE100155212MWST"})
        self.assertEqual(partner.tilbago_uid, "CHE-100.155.212")

    def test_uid_not_offered_from_other_vat(self):
        self.company.tilbago_uid = "CHE-100.155.212"
        self.company.vat = "DE123456788"
        self.assertEqual(self.company.tilbago_uid, "CHE-100.155.212")
        # a Swiss VAT with a wrong check digit offers nothing and keeps the UID
        self.company.vat = "CHE-100.155.213 MWST"
        self.assertEqual(self.company.tilbago_uid, "CHE-100.155.212")

    def test_uid_offered_in_form(self):
        with Form(self.Partner) as form:
            form.company_type = "company"
            form.name = "Form AG"
            form.vat = "CHE-107.933.850 MWST/TVA/IVA"
            self.assertEqual(form.tilbago_uid, "CHE-107.933.850")
            form.tilbago_uid = "CHE-100.155.212"  # overridable
        self.assertEqual(form.record.tilbago_uid, "CHE-100.155.212")

    # -- language ------------------------------------------------------------------

    def test_language_follows_lang_and_is_overridable(self):
        for code in ("fr_FR", "de_DE", "it_IT"):
            self.env["res.lang"]._activate_lang(code)
        partner = self.Partner.create({"name": "Jean Dupont", "lang": "fr_FR"})
        self.assertEqual(partner.tilbago_language, "fr")
        partner.tilbago_language = "de"
        partner.name = "Jean Dupont-Müller"
        self.assertEqual(partner.tilbago_language, "de")
        partner.lang = "it_IT"
        self.assertEqual(partner.tilbago_language, "it")
        partner.lang = "en_US"  # no tilbago language: keep the chosen one
        self.assertEqual(partner.tilbago_language, "it")

    def test_language_wrong_value(self):
        self.company.tilbago_language = "FR"
        self.assertEqual(self.company.tilbago_language, "fr")
        message = self.assertRefused(self.company, {"tilbago_language": "en"}, "Debtor Language")
        self.assertIn("de (German), fr (French) or it (Italian)", message)

    # -- company debtor ------------------------------------------------------------------

    def test_legal_seat_defaults_to_city(self):
        self.assertEqual(self.company.tilbago_legal_seat, "Yverdon-les-Bains")
        self.company.tilbago_legal_seat = "Sainte-Croix"
        self.company.name = "Epsitec SA (renamed)"
        self.assertEqual(self.company.tilbago_legal_seat, "Sainte-Croix")
        person = self.Partner.create({"name": "Hans Muster", "city": "Zürich"})
        self.assertFalse(person.tilbago_legal_seat)

    def test_legal_seat_follows_city_in_form(self):
        with Form(self.company) as form:
            form.city = "Lausanne"
            self.assertEqual(form.tilbago_legal_seat, "Lausanne")

    def test_registered_help_cites_schkg_39(self):
        help_text = self.Partner._fields["tilbago_is_registered"].help
        self.assertIn("SchKG 39", help_text)
        self.assertIn("bankruptcy", help_text)
        self.assertIn("seizure", help_text)

    # -- natural person ------------------------------------------------------------------

    def test_natural_person_defaults(self):
        person = self.Partner.create({
            "name": "Hans Muster",
            "title": self.env.ref("base.res_partner_title_mister").id,
            "country_id": self.ch.id,
        })
        self.assertEqual(person.tilbago_sex, "M")
        self.assertEqual(person.tilbago_nationality_id, self.ch)
        person.tilbago_nationality_id = self.env.ref("base.de")
        person.street = "Seestrasse 112a"
        self.assertEqual(person.tilbago_nationality_id, self.env.ref("base.de"))
        self.assertFalse(self.company.tilbago_nationality_id)

    def test_sex_wrong_value(self):
        person = self.Partner.create({"name": "Hans Muster"})
        message = self.assertRefused(person, {"name": "Other", "tilbago_sex": "X"}, "Sex")
        self.assertIn("M (male), F (female) or U (unknown)", message)

    def test_birthdate_in_future(self):
        person = self.Partner.create({"name": "Hans Muster", "tilbago_birthdate": "1970-05-01"})
        future = date.today() + timedelta(days=2)
        message = self.assertRefused(
            person, {"name": "Other", "tilbago_birthdate": future}, "Date of Birth"
        )
        self.assertIn("future", message)

    def test_nationality_not_iso(self):
        atlantis = self.env["res.country"].create({"name": "Atlantis", "code": "QZ"})
        person = self.Partner.create({"name": "Hans Muster"})
        message = self.assertRefused(
            person, {"name": "Other", "tilbago_nationality_id": atlantis.id}, "Nationality"
        )
        self.assertIn("QZ", message)

    # -- address ---------------------------------------------------------------------------

    def test_address_parts(self):
        self.assertEqual(self.company.tilbago_street, "Chemin du Fontenay")
        self.assertEqual(self.company.tilbago_street_number, "6")
        self.assertFalse(self.company.tilbago_pob)
        self.assertEqual(self.company.tilbago_zip, "1400")
        self.company.write({"street": "Seestrasse 112a", "street2": "Postfach 45",
                            "zip": "CH-8002", "city": "Zürich"})
        address = self.company._tilbago_address()
        self.assertEqual(
            (address.street, address.streetnumber, address.pob, address.zip, address.city),
            ("Seestrasse", "112a", "Postfach 45", "8002", "Zürich"),
        )
        self.assertEqual(self.company.tilbago_pob, "Postfach 45")

    # -- visibility -------------------------------------------------------------------------

    def test_page_visible_to_tilbago_groups_only(self):
        outsider = new_test_user(self.env, login="t3_outsider",
                                 groups="base.group_user,base.group_partner_manager")
        billing = new_test_user(self.env, login="t3_billing_view",
                                groups="account.group_account_invoice")
        self.assertFalse(outsider.has_group("l10n_ch_tilbago.group_tilbago_user"))

        def arch(user):
            return self.Partner.with_user(user).get_views([(False, "form")])[
                "views"]["form"]["arch"]

        self.assertNotIn('name="tilbago_debt_collection"', arch(outsider))
        self.assertIn('name="tilbago_debt_collection"', arch(billing))
