"""The French (Swiss) translation reaches the user: plain-layer problems and field labels.

The plain layer (``tilbago/validation.py``) only marks its English strings; the Odoo layer
renders each :class:`Problem` through ``env._`` (``tilbago.case._tilbago_translate_problem``).
These tests prove that, for a user working in fr_CH, both those messages and the field
labels of the views come out of ``i18n/fr.po`` in French, placeholders filled in.
"""

import dataclasses
from decimal import Decimal

from odoo.tests import TransactionCase, tagged

from ..tilbago import examples, validation


@tagged("post_install", "-at_install")
class TestI18n(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_CH")
        cls.env["ir.module.module"]._load_module_terms(["l10n_ch_tilbago"], ["fr_CH"])

    def _case_with_problems(self):
        """The seed's Epsitec request with a UID whose check digit is wrong and a
        further claim of CHF 0.00: two problems, one of them with a numbered label."""
        case = examples.epsitec_case()
        case.debtor.company_uid = "CHE-100.155.213"
        case.subsidiary_claims = [
            dataclasses.replace(
                case.claim, external_ref="5875-F", amount=Decimal("0"),
                reason="Frais de rappel", interest_rate=Decimal("0"),
            )
        ]
        return case

    def _rendered(self, lang):
        problems = validation.validate_case(self._case_with_problems())
        by_field = {problem.field: problem for problem in problems}
        self.assertEqual(
            set(by_field), {"debtor.companyUid", "subsidiaryClaims[0].amount"}, problems
        )
        case_model = self.env["tilbago.case"].with_context(lang=lang)
        return {
            field: case_model._tilbago_translate_problem(problem)
            for field, problem in by_field.items()
        }

    def test_plain_layer_problem_rendered_in_french(self):
        french = self._rendered("fr_CH")
        self.assertEqual(
            french["debtor.companyUid"],
            "IDE du débiteur «CHE-100.155.213» : le chiffre de contrôle est faux. "
            "Copiez le numéro depuis le registre IDE (uid.admin.ch).",
        )
        # the label is itself a template: "Further claim %(number)s amount (CHF)"
        self.assertIn(
            "Montant de l'autre créance 1 (CHF)", french["subsidiaryClaims[0].amount"]
        )
        self.assertIn("doit être supérieur à CHF 0.00", french["subsidiaryClaims[0].amount"])
        # the same problems for an English user stay English
        english = self._rendered("en_US")
        self.assertEqual(
            english["debtor.companyUid"],
            'Debtor UID (IDE) "CHE-100.155.213" has a wrong check digit: copy the number '
            "from the UID register (uid.admin.ch).",
        )

    def test_field_labels_in_french(self):
        fields_fr = self.env["tilbago.case"].with_context(lang="fr_CH").fields_get(
            ["certificate_of_loss", "state"], ["string", "selection"]
        )
        self.assertEqual(
            fields_fr["certificate_of_loss"]["string"], "Basé sur un acte de défaut de biens"
        )
        self.assertEqual(
            dict(fields_fr["state"]["selection"])["payment_order"], "Commandement de payer"
        )
        wizard_fr = self.env["tilbago.requisition.wizard"].with_context(
            lang="fr_CH"
        ).fields_get(["confirmed", "reason"], ["string"])
        self.assertEqual(
            wizard_fr["confirmed"]["string"],
            "Les données suivantes sont correctes, envoyer la réquisition de poursuite",
        )
        self.assertEqual(wizard_fr["reason"]["string"], "Motif de la créance")
        fields_en = self.env["tilbago.case"].with_context(lang="en_US").fields_get(
            ["certificate_of_loss"], ["string"]
        )
        self.assertEqual(
            fields_en["certificate_of_loss"]["string"], "Based on a Certificate of Loss"
        )

    def test_settings_path_and_connection_sentence_in_french(self):
        self.env["ir.module.module"]._load_module_terms(["account"], ["fr_CH"])
        case_model = self.env["tilbago.case"].with_context(lang="fr_CH")
        path = case_model.env["res.company"]._tilbago_settings_path()
        self.assertEqual(path, "Facturation > Configuration > Recouvrement > Paramètres")
        from ..tilbago.exceptions import TransportError

        kind, words = case_model._tilbago_error_text(
            TransportError("could not reach tilbago at http://127.0.0.1:9/v1/case "
                           "([Errno 111] Connection refused)")
        )
        self.assertEqual(kind, "transport")
        self.assertTrue(words.startswith("tilbago n'a pas pu être joint. Réessayez"), words)
        self.assertNotIn("Errno", words)

    def test_status_texts_in_french(self):
        from ..tilbago import status as statuses

        case = self.env["tilbago.case"].with_context(lang="fr_CH")
        self.assertEqual(
            case._tilbago_status_text("SBX-210", statuses.describe("SBX-210")),
            statuses.CODES["SBX-210"].description_fr,
        )
        self.assertEqual(
            case._tilbago_status_text("SBX-900", statuses.describe("SBX-900")),
            statuses.CODES["SBX-900"].description_fr,
        )
        # an unknown code keeps tilbago's own words
        self.assertEqual(case._tilbago_status_text("777", "Étape nouvelle"), "Étape nouvelle")
        advice = case.env._(statuses.advice(statuses.PAID))
        self.assertIn("payé l'office des poursuites", advice)
        states = dict(case.fields_get(["state"], ["selection"])["state"]["selection"])
        self.assertEqual(states["opposition"], "Opposition")
        self.assertEqual(
            dict(self.env["tilbago.case"].fields_get(["state"], ["selection"])["state"]["selection"])["opposition"],
            "Objection",
        )

    def test_swiss_words(self):
        # English: Swiss practice, no criminal-law "prosecution", no "opposition"
        views = self.env["ir.model.data"].search(
            [("module", "=", "l10n_ch_tilbago"), ("model", "=", "ir.ui.view")]
        )
        for view in self.env["ir.ui.view"].browse(views.mapped("res_id")):
            self.assertNotIn("prosecution", view.arch_db.lower(), view.name)
            self.assertNotIn("Opposition", view.arch_db, view.name)
        self.assertEqual(
            self.env["ir.model"]._get("tilbago.requisition.wizard").name,
            "Debt Collection Request (tilbago)",
        )
        # French: the case filter is an adjective, not the verb "Ouvrir"
        search = self.env["tilbago.case"].with_context(lang="fr_CH").get_views(
            [(False, "search")]
        )["views"]["search"]["arch"]
        self.assertIn('string="En cours"', search)
        self.assertNotIn("Ouvrir", search)
        # German: the level after the last reminder is "Zur Betreibung", not "Rechtsfall"
        self.env["res.lang"]._activate_lang("de_CH")
        self.env["ir.module.module"]._load_module_terms(["l10n_ch_tilbago"], ["de_CH"])
        levels = dict(
            self.env["account.move"].with_context(lang="de_CH").fields_get(
                ["tilbago_reminder_state"], ["selection"]
            )["tilbago_reminder_state"]["selection"]
        )
        self.assertEqual(levels["litigation"], "Zur Betreibung")
