# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_case_common import TilbagoCaseCommon


@tagged("post_install", "-at_install")
class TestRequisitionWizard(TilbagoCaseCommon):
    # -- the Epsitec example of the Crésus manual, end to end ---------------------------
    def test_epsitec_end_to_end_exact_json(self):
        invoice = self._invoice(
            self.epsitec, 12565.60, date(2020, 12, 19), invoice_date=date(2020, 11, 19),
            name="5875",
        )
        self.assertEqual(invoice.name, "5875")
        wizard = self._start(invoice, user=self.billing_user)

        # step 1: the claim, prefilled
        self.assertEqual(wizard.step, "claim")
        self.assertAlmostEqual(wizard.amount, 12565.60)
        self.assertEqual(wizard.reason, "Facture 5875")  # the debtor's language
        self.assertEqual(wizard.due_date, date(2020, 12, 19))
        self.assertEqual(wizard.interest_rate, 5.0)
        self.assertEqual(wizard.interest_from, date(2020, 12, 20))  # the day after
        self.assertEqual(wizard.collocation_class, "3")
        self.assertFalse(wizard.certificate_of_loss)
        self.assertEqual(wizard.fee_amount, 90.0)  # GebV art. 16: 10,000 < x <= 100,000
        self.assertGreater(wizard.interest_accrued, 0)
        self.assertIn("every other claim", wizard.collocation_help)
        self.assertEqual(len(wizard.collocation_help.splitlines()), 3)
        wizard.interest_rate = 4.0  # the rate agreed with Epsitec in the seed

        # step 2: the debtor, prefilled from the partner
        wizard.action_next()
        self.assertEqual(wizard.step, "debtor")
        self.assertTrue(wizard.debtor_is_company)
        self.assertEqual(wizard.debtor_company, "Epsitec SA")
        self.assertEqual(wizard.debtor_street, "Chemin du Fontenay")
        self.assertEqual(wizard.debtor_street_number, "6")
        self.assertEqual(wizard.debtor_zip, "1400")
        self.assertEqual(wizard.debtor_city, "Yverdon-les-Bains")
        self.assertEqual(wizard.debtor_uid, "CHE-107.933.850")
        self.assertEqual(wizard.debtor_language, "fr")
        self.assertTrue(wizard.debtor_is_registered)
        debtor_ref = wizard.debtor_external_ref
        self.assertTrue(debtor_ref)

        # step 3: confirmation, the summary of the request as sent, dates in the user's format
        self.env.ref("base.lang_en").date_format = "%d.%m.%Y"
        wizard.action_next()
        self.assertEqual(wizard.step, "confirm")
        self.assertFalse(wizard.has_problems, wizard.problems)
        lines = wizard.summary.splitlines()
        for expected in (
            "Claim amount (CHF): CHF 12'565.60",
            "Claim reason: Facture 5875",
            "Due date: 19.12.2020",
            "Claim interest rate: 4%",
            "Claim interest from: 20.12.2020",
            "Claim collocation class: 3 - Every other claim",
            "Based on a certificate of loss: no",
            "Debtor reference: %s" % debtor_ref,
            "Debtor company name: Epsitec SA",
            "Debtor street: Chemin du Fontenay",
            "Debtor house number: 6",
            "Debtor postcode (NPA): 1400",
            "Debtor city: Yverdon-les-Bains",
            "Debtor language: French",
            # as it is sent, not as the partner writes it (0848 27 37 87)
            "Debtor phone 1: +41 848 273 787",
            "Debtor e-mail: info@cresus.ch",
            "Debtor UID (IDE): CHE-107.933.850",
            "Debtor entered in the commercial register: yes",
        ):
            self.assertIn(expected, lines)
        # shown as a readable summary: a heading and a table per part, the values
        # escaped, in the user's formats
        html = str(wizard.summary_html)
        self.assertNotIn("font-monospace", html)
        for heading in ("Claim", "Debtor", "Contact", "Identification"):
            self.assertIn('<h5 class="mt-3">%s</h5>' % heading, html)
        self.assertIn("<th", html)
        self.assertIn("Claim amount (CHF)</th><td>CHF 12&#39;565.60</td>", html)
        self.assertIn("Due date</th><td>19.12.2020</td>", html)
        view = self.env.ref("l10n_ch_tilbago.tilbago_requisition_wizard_view_form").arch_db
        self.assertIn('name="summary_html"', view)
        self.assertNotIn("font-monospace", view)
        # nothing was sent before the last step
        self.assertEqual(self.sandbox.cases(), [])
        with self.assertRaises(UserError):
            wizard.action_send()  # the box is not ticked
        self.assertEqual(self.sandbox.cases(), [])

        wizard.confirmed = True
        action = wizard.action_send()
        case = wizard.case_id
        self.assertTrue(case.tilbago_id)
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn(case.tilbago_id, action["params"]["message"])

        # the EXACT JSON that reached the sandbox
        [received] = self.sandbox.cases()
        self.assertEqual(received["caseId"], case.tilbago_id)
        expected = {
            "externalRef": case.external_ref,
            "certificateOfLoss": False,
            "debtor": {
                "externalRef": debtor_ref,
                "company": "Epsitec SA",
                "companyUid": "CHE-107.933.850",
                "legalSeat": "Yverdon-les-Bains",
                "contactPerson": "Pierre Arnaud",
                "isRegistered": True,
                "preferredLanguage": "fr",
                "phone1": "+41 848 273 787",  # normalised by phonenumbers
                "email": "info@cresus.ch",
                "address": {
                    "street": "Chemin du Fontenay",
                    "streetnumber": "6",
                    "zip": "1400",
                    "city": "Yverdon-les-Bains",
                },
            },
            "claim": {
                "externalRef": case.external_ref + "-1",
                "amount": 1256560,
                "reason": "Facture 5875",
                "interestDateFrom": "2020-12-20",
                "interestRate": "4.0",
                "collocationClass": "3",
            },
            "status": "002",
        }
        self.assertEqual(received["body"], expected)
        # the request kept on the case is that very body, without the API key
        self.assertEqual(json.loads(case.request_payload), expected)
        self.assertNotIn(self.company.sudo().tilbago_api_key, case.request_payload)
        self.assertNotIn("api_key", received["headers"])

        # the case as saved
        self.assertEqual(case.state, "review")  # tilbago's 002
        self.assertEqual(case.tilbago_status_code, "002")
        self.assertEqual(case.partner_id, self.epsitec)
        self.assertEqual(case.invoice_ids, invoice)
        self.assertEqual(invoice.tilbago_case_id, case)
        self.assertEqual(invoice.tilbago_case_state, "review")
        self.assertEqual(len(case.claim_ids), 1)
        claim = case.claim_ids
        self.assertAlmostEqual(claim.amount, 12565.60)
        self.assertEqual(claim.interest_rate, 4.0)
        self.assertEqual(claim.external_ref, case.external_ref + "-1")
        self.assertEqual(claim.invoice_id, invoice)
        self.assertAlmostEqual(case.amount_total, 12565.60)
        self.assertTrue(case.name.startswith("DE/"))
        self.assertTrue(case.history_ids)
        # both chatters
        self.assertTrue(
            any(case.tilbago_id in (m.body or "") for m in case.message_ids)
        )
        self.assertTrue(
            any(case.tilbago_id in (m.body or "") for m in invoice.message_ids)
        )
        # a second request on the same invoice is blocked
        with self.assertRaisesRegex(UserError, case.name):
            self._start(invoice)

    def test_attach_invoice_pdf_when_setting_says_so(self):
        self.company.tilbago_attach_invoice = True
        invoice = self._invoice(self.epsitec, 800.0, date(2024, 1, 31))
        case, _action = self._send(self._start(invoice))
        self.assertTrue(case.tilbago_id)
        self.assertEqual(len(case.document_ids), 1)
        document = case.document_ids
        self.assertEqual(document.state, "sent")
        self.assertTrue(document.tilbago_attachment_id)
        received = self.sandbox.case(case.tilbago_id)["attachments"]
        self.assertEqual(len(received), 1)
        self.assertEqual(received[0]["attachmentId"], document.tilbago_attachment_id)
        self.assertNotIn("Content-Type", received[0]["headers"])

    # -- a natural person --------------------------------------------------------------
    def test_natural_person(self):
        person = self.env["res.partner"].create(
            {
                "name": "Jean Dupont",
                "is_company": False,
                "street": "Rue du Lac 12 bis",
                "street2": "Case postale 45",
                "zip": "1800",
                "city": "Vevey",
                "country_id": self.env.ref("base.ch").id,
                "mobile": "079 123 45 67",
                "email": "jean.dupont@example.ch",
                "tilbago_language": "fr",
                "tilbago_sex": "M",
                "tilbago_birthdate": date(1970, 5, 1),
            }
        )
        invoice = self._invoice(person, 450.0, date(2024, 3, 31))
        wizard = self._start(invoice)
        wizard.action_next()
        self.assertFalse(wizard.debtor_is_company)
        self.assertEqual(wizard.debtor_first_name, "Jean")
        self.assertEqual(wizard.debtor_last_name, "Dupont")
        self.assertEqual(wizard.debtor_street, "Rue du Lac")
        self.assertEqual(wizard.debtor_street_number, "12 bis")
        self.assertEqual(wizard.debtor_pob, "Case postale 45")
        wizard.action_next()
        lines = wizard.summary.splitlines()
        self.assertIn("Debtor first name: Jean", lines)
        self.assertIn("Debtor last name: Dupont", lines)
        self.assertIn("Debtor post-office box: Case postale 45", lines)
        self.assertIn("Debtor phone 2: +41 79 123 45 67", lines)
        self.assertEqual(wizard.fee_amount, 20.0)  # GebV art. 16: 100 < x <= 500
        case, _action = self._send(wizard)
        [body] = self._bodies()
        debtor = body["debtor"]
        self.assertEqual(debtor["name"], "Jean")
        self.assertEqual(debtor["surname"], "Dupont")
        self.assertEqual(debtor["sex"], "M")
        self.assertEqual(debtor["dateOfBirth"], "1970-05-01")
        self.assertEqual(debtor["nationality"], "CH")
        self.assertEqual(debtor["phone2"], "+41 79 123 45 67")
        self.assertEqual(
            debtor["address"],
            {"street": "Rue du Lac", "streetnumber": "12 bis", "zip": "1800",
             "pob": "Case postale 45", "city": "Vevey"},
        )
        for key in ("company", "companyUid", "legalSeat", "contactPerson", "isRegistered"):
            self.assertNotIn(key, debtor)
        self.assertEqual(body["claim"]["amount"], 45000)
        self.assertEqual(body["claim"]["reason"], "Facture %s" % invoice.name)
        self.assertEqual(body["claim"]["interestRate"], "5.0")
        self.assertEqual(case.state, "review")

    def test_write_back_corrections_to_partner(self):
        self.epsitec.tilbago_contact_person = False
        invoice = self._invoice(self.epsitec, 1500.0, date(2024, 2, 29))
        wizard = self._start(invoice)
        wizard.action_next()
        wizard.write(
            {
                "debtor_contact_person": "Daniel Roux",
                "debtor_email": "compta@epsitec.ch",
                "write_back": True,
            }
        )
        wizard.action_next()
        case, _action = self._send(wizard)
        self.assertTrue(case.tilbago_id)
        self.assertEqual(self.epsitec.tilbago_contact_person, "Daniel Roux")
        self.assertEqual(self.epsitec.email, "compta@epsitec.ch")
        self.assertEqual(self.epsitec.street, "Chemin du Fontenay 6")  # unchanged

    def test_write_back_of_register_facts_reaches_the_contacts(self):
        # the UID, legal seat and register entry are the company's (commercial fields)
        accounting = self.env["res.partner"].create(
            {"name": "Comptabilité", "parent_id": self.epsitec.id, "type": "invoice"}
        )
        self.assertEqual(accounting.tilbago_uid, "CHE-107.933.850")
        invoice = self._invoice(self.epsitec, 1500.0, date(2024, 2, 29))
        wizard = self._start(invoice)
        self.assertEqual(wizard.partner_id, self.epsitec)
        wizard.write({"debtor_legal_seat": "Lausanne", "write_back": True})
        self._send(wizard)
        self.assertEqual(self.epsitec.tilbago_legal_seat, "Lausanne")
        self.assertEqual(accounting.tilbago_legal_seat, "Lausanne")
        self.assertEqual(self.epsitec.city, "Yverdon-les-Bains")  # unchanged
        self.assertEqual(self._bodies()[0]["debtor"]["legalSeat"], "Lausanne")

    def test_no_write_back_without_checkbox(self):
        invoice = self._invoice(self.epsitec, 1500.0, date(2024, 2, 29))
        wizard = self._start(invoice)
        wizard.action_next()
        wizard.debtor_email = "other@epsitec.ch"
        case, _action = self._send(wizard)
        self.assertEqual(self.epsitec.email, "info@cresus.ch")
        self.assertEqual(self._bodies()[0]["debtor"]["email"], "other@epsitec.ch")

    # -- several invoices in one request ---------------------------------------------
    def test_several_invoices_one_request(self):
        first = self._invoice(self.epsitec, 1000.0, date(2024, 1, 31))
        second = self._invoice(self.epsitec, 250.50, date(2024, 2, 29))
        third = self._invoice(self.epsitec, 99.95, date(2024, 3, 31))
        second.tilbago_reminder_fee = 20.0
        wizard = self._start(third | first | second)
        # the oldest invoice is the main claim, the others follow, then the fees
        self.assertEqual(wizard.main_invoice_id, first)
        self.assertEqual(
            wizard.claim_line_ids.mapped("kind"), ["invoice", "invoice", "fee"]
        )
        self.assertEqual(wizard.claim_line_ids[0].invoice_id, second)
        self.assertEqual(wizard.claim_line_ids[1].invoice_id, third)
        self.assertEqual(wizard.claim_line_ids[1].interest_from, date(2024, 4, 1))
        self.assertEqual(wizard.claim_line_ids[2].reason, "Frais de rappel facture %s" % second.name)
        self.assertAlmostEqual(wizard.total_amount, 1370.45)
        self.assertEqual(wizard.fee_amount, 60.0)  # on the whole request
        case, _action = self._send(wizard)
        [body] = self._bodies()
        self.assertEqual(body["claim"]["amount"], 100000)
        self.assertEqual(
            [(c["externalRef"], c["amount"], c["interestRate"]) for c in body["subsidiaryClaims"]],
            [
                (case.external_ref + "-2", 25050, "5.0"),
                (case.external_ref + "-3", 9995, "5.0"),
                (case.external_ref + "-4", 2000, "0.0"),
            ],
        )
        self.assertEqual(case.invoice_ids, first | second | third)
        self.assertEqual(len(case.claim_ids), 4)
        self.assertAlmostEqual(case.amount_total, 1370.45)
        self.assertEqual((first | second | third).mapped("tilbago_case_state"), ["review"] * 3)

    def test_eleven_claims_refused(self):
        invoices = self.env["account.move"]
        for day in range(1, 12):
            invoices |= self._invoice(self.epsitec, 100.0 + day, date(2024, 1, day))
        with self.assertRaisesRegex(UserError, "at most 10"):
            self._start(invoices)

    def test_ten_invoices_plus_fee_listed_as_problem(self):
        invoices = self.env["account.move"]
        for day in range(1, 11):
            invoices |= self._invoice(self.epsitec, 100.0 + day, date(2024, 1, day))
        invoices[0].tilbago_reminder_fee = 10.0
        wizard = self._go_confirm(self._start(invoices))
        self.assertTrue(wizard.has_problems)
        self.assertIn("11 claims", wizard.problems)

    # -- what cannot be started -------------------------------------------------------
    def test_several_debtors_refused_naming_them(self):
        other = self.env["res.partner"].create({"name": "Crésus Sàrl", "is_company": True})
        invoices = self._invoice(self.epsitec, 100.0, date(2024, 1, 31)) | self._invoice(
            other, 200.0, date(2024, 1, 31)
        )
        with self.assertRaises(UserError) as error:
            self._start(invoices)
        self.assertIn("Epsitec SA", str(error.exception))
        self.assertIn("Crésus Sàrl", str(error.exception))

    def test_other_currency_refused(self):
        invoice = self._invoice(self.epsitec, 100.0, date(2024, 1, 31), currency=self.eur)
        with self.assertRaisesRegex(UserError, "EUR.*Swiss francs"):
            self._start(invoice)

    def test_credit_note_refused(self):
        refund = self._invoice(self.epsitec, 100.0, date(2024, 1, 31), move_type="out_refund")
        with self.assertRaisesRegex(UserError, "credit note"):
            self._start(refund)

    def test_open_credit_note_warns(self):
        invoice = self._invoice(self.epsitec, 500.0, date(2024, 1, 31))
        refund = self._invoice(self.epsitec, 100.0, date(2024, 1, 31), move_type="out_refund")
        wizard = self._start(invoice)
        self.assertIn(refund.name, wizard.warning)

    def test_not_overdue_and_draft_refused(self):
        future = self._invoice(self.epsitec, 100.0, date.today().replace(year=date.today().year + 1))
        with self.assertRaisesRegex(UserError, "not overdue"):
            self._start(future)
        draft = self._invoice(self.epsitec, 100.0, date(2024, 1, 31), post=False)
        with self.assertRaisesRegex(UserError, "not posted"):
            self._start(draft)

    def test_reminder_warning_is_not_a_block(self):
        invoice = self._invoice(self.epsitec, 300.0, date(2024, 1, 31))
        wizard = self._start(invoice)
        self.assertIn(
            "Invoice %s has not been through the third reminder and the litigation delay."
            % invoice.name,
            wizard.warning,
        )
        invoice2 = self._invoice(self.epsitec, 300.0, date(2024, 1, 31))
        invoice2.write(
            {
                "tilbago_reminder_state": "litigation",
                "tilbago_reminder_level_date": date(2024, 3, 1),
            }
        )
        wizard2 = self._start(invoice2)
        self.assertFalse(wizard2.warning)

    def test_problems_listed_at_once(self):
        self.epsitec.write({"tilbago_contact_person": False})
        invoice = self._invoice(self.epsitec, 300.0, date(2024, 1, 31))
        wizard = self._start(invoice)
        wizard.amount = 0.0
        wizard.action_next()
        wizard.write({"debtor_zip": "140", "debtor_uid": "CHE-107.933.851"})
        wizard.action_next()
        self.assertTrue(wizard.has_problems)
        problems = wizard.problems.splitlines()
        self.assertGreaterEqual(len(problems), 4, wizard.problems)
        text = wizard.problems
        self.assertIn("Claim amount", text)
        self.assertIn("postcode", text.lower())
        self.assertIn("check digit", text)
        self.assertIn("contact person", text.lower())
        wizard.confirmed = True
        with self.assertRaises(UserError):
            wizard.action_send()
        self.assertEqual(self.sandbox.cases(), [])
        self.assertFalse(self.env["tilbago.case"].search([("partner_id", "=", self.epsitec.id)]))

    def test_back_and_next_keep_values(self):
        invoice = self._invoice(self.epsitec, 300.0, date(2024, 1, 31))
        wizard = self._start(invoice)
        wizard.reason = "Facture 1 (travaux)"
        wizard.action_next()
        wizard.action_back()
        self.assertEqual(wizard.step, "claim")
        self.assertEqual(wizard.reason, "Facture 1 (travaux)")

    # -- access rights -------------------------------------------------------------------
    def test_billing_user_sends_but_cannot_read_key(self):
        invoice = self._invoice(self.epsitec, 700.0, date(2024, 1, 31))
        wizard = self._start(invoice, user=self.billing_user)
        case, _action = self._send(wizard)
        self.assertTrue(case.tilbago_id)
        self.assertEqual(case.env.user, self.billing_user)
        company = self.company.with_user(self.billing_user)
        with self.assertRaises(AccessError):
            company.read(["tilbago_api_key"])
        self.assertNotIn("tilbago_api_key", company.fields_get())
        # a billing user cannot delete a case tilbago knows
        with self.assertRaises(AccessError):
            case.unlink()

    # -- what the clerk sees ---------------------------------------------------------
    def test_collocation_class_labels_are_the_same_everywhere(self):
        expected = [
            ("1", "1 - Wages, pension fund"),
            ("2", "2 - Social insurance"),
            ("3", "3 - Every other claim"),
        ]
        for model in (
            "res.company",
            "res.config.settings",
            "tilbago.requisition.wizard",
            "tilbago.requisition.claim",
            "tilbago.case.claim",
        ):
            fname = (
                "tilbago_collocation_class"
                if model in ("res.company", "res.config.settings")
                else "collocation_class"
            )
            field = self.env[model]._fields[fname]
            self.assertEqual(field._description_selection(self.env), expected, model)

    def test_summary_in_the_users_language(self):
        self.env["res.lang"]._activate_lang("fr_CH")
        self.env["ir.module.module"]._load_module_terms(["l10n_ch_tilbago"], ["fr_CH"])
        invoice = self._invoice(self.epsitec, 12565.60, date(2020, 12, 19))
        wizard = self._go_confirm(self._start(invoice)).with_context(lang="fr_CH")
        wizard.invalidate_recordset(["summary", "summary_html"])
        lines = wizard.summary.splitlines()
        # the plain layer's labels and words, through the addon's French translation
        self.assertIn("Montant de la créance (CHF): CHF 12'565.60", lines)
        self.assertIn("Raison sociale du débiteur: Epsitec SA", lines)
        self.assertIn("Téléphone 1 du débiteur: +41 848 273 787", lines)
        self.assertIn("Basé sur un acte de défaut de biens: non", lines)
        self.assertIn('<h5 class="mt-3">Créance</h5>', str(wizard.summary_html))

    def test_agreed_rate_keeps_its_decimals(self):
        """Rates are shown trimmed (widget tilbago_rate) but stored with 5 decimals."""
        invoice = self._invoice(self.epsitec, 800.0, date(2024, 1, 31))
        wizard = self._start(invoice)
        wizard.interest_rate = 4.125
        wizard.action_next()
        wizard.action_next()
        self.assertIn("Claim interest rate: 4.125%", wizard.summary.splitlines())
        self.company.tilbago_interest_rate = 4.125
        self.assertEqual(self.company.tilbago_interest_rate, 4.125)
        for view in (
            "l10n_ch_tilbago.tilbago_requisition_wizard_view_form",
            "l10n_ch_tilbago.res_config_settings_view_form",
        ):
            arch = self.env.ref(view).arch
            self.assertIn('widget="tilbago_rate"', arch, view)

    def test_refusals_name_the_invoice(self):
        draft = self._invoice(self.epsitec, 100.0, date(2024, 1, 31), post=False)
        with self.assertRaisesRegex(UserError, "- Draft Invoice is not posted"):
            self._start(draft)
        paid = self._invoice(self.epsitec, 100.0, date(2024, 1, 31), name="5990")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        ).create({})._create_payments()
        with self.assertRaisesRegex(UserError, "Invoice 5990 is already paid"):
            self._start(paid)
