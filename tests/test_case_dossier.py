# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The dossier PDF (fr, de), the statement's query count, and the final archive."""

import json
import os
import shutil
import subprocess
import tempfile
from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.misc import formatLang

from odoo.addons.l10n_ch_tilbago.tilbago import reminders

from .test_case_common import TilbagoCaseCommon

REPORT = "l10n_ch_tilbago.action_report_tilbago_case_dossier"


def _spaces(text):
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _pdf_text(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], capture_output=True, check=True
        ).stdout.decode()


@tagged("post_install", "-at_install")
class TestCaseDossier(TilbagoCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for lang in ("fr_CH", "de_CH"):
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(
            ["l10n_ch_tilbago"], ["fr_CH", "de_CH"]
        )
        # wkhtmltopdf must not fetch the assets from this server: the request would wait
        # for the test's transaction; a closed port makes it go on without them at once
        cls.env["ir.config_parameter"].sudo().set_param("report.url", "http://127.0.0.1:9")

    def _case(self, amount=1234.50):
        invoice = self._invoice(self.epsitec, amount, date(2024, 1, 31))
        # reminders 1 and 2 went out before the request
        self.env["tilbago.reminder"]._tilbago_record_history(
            invoice,
            reminders.legacy_history("2", {1: date(2024, 2, 15), 2: date(2024, 3, 1)}),
            state="sent",
        )
        case, action = self._send(self._start(invoice))
        self.assertEqual(action["params"]["type"], "success", case.last_error)
        return case

    def _render(self, cases, lang):
        pdf, kind = self.env["ir.actions.report"].with_context(
            lang=lang, force_report_rendering=True
        )._render_qweb_pdf(
            REPORT, cases.ids
        )
        self.assertEqual(kind, "pdf")
        return _pdf_text(pdf)

    def test_dossier_pdf_fr_and_de(self):
        if not shutil.which("pdftotext") or not shutil.which("wkhtmltopdf"):
            self.skipTest("pdftotext and wkhtmltopdf are needed to read the PDF")
        case = self._case()
        other = self._case(300.0)
        case._tilbago_write({"state": "payment_order"})
        case.activity_schedule("mail.mail_activity_data_todo", summary="Call Epsitec",
                               date_deadline=date(2030, 5, 4), user_id=self.env.uid)
        # many cases in one dossier (printed from the list for a selection)
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, (case | other).ids)[0]
        self.assertIn(case.name, html.decode())
        self.assertIn(other.name, html.decode())
        for lang, stage in (("fr_CH", "Commandement de payer"), ("de_CH", "Zahlungsbefehl")):
            text = self._render(case, lang)
            self.assertIn(case.name, text)
            self.assertIn("Epsitec SA", text)
            self.assertIn(stage, text)  # the stage in the reader's language
            # the amount claimed, written the reader's way (thousands, decimals)
            amount = formatLang(self.env(context={"lang": lang}), 1234.50)
            self.assertIn(_spaces(amount), _spaces(text))
            self.assertIn("Call Epsitec", text)  # the deadlines
            self.assertIn("04.05.2030", text)
            self.assertIn("15.02.2024", text)  # the reminders sent before
            self.assertIn(case.claim_ids.reason.splitlines()[0][:20], text)
            self.assertIn("GebV SchKG", text)  # the payment-order fee advanced

    def test_statement_query_count_flat(self):
        clerk = self.env(user=self.billing_user)

        def cases(count, offset):
            invoices = self.env["account.move"].create([{
                "move_type": "out_invoice", "partner_id": self.epsitec.id,
                "invoice_date": "2025-11-01", "invoice_date_due": "2025-11-30",
                "invoice_line_ids": [Command.create({
                    "name": "S", "quantity": 1, "price_unit": 100.0 + i,
                    "tax_ids": [Command.clear()]})],
            } for i in range(offset, offset + count)])
            invoices.action_post()
            records = self.env["tilbago.case"].sudo().with_context(
                tracking_disable=True, mail_create_nolog=True
            ).create([{
                "partner_id": self.epsitec.id,
                "company_id": self.company.id,
                "tilbago_id": "QS-%06d" % i,
                "state": "submitted",
                "date_sent": "2026-01-05 10:00:00",
                "claim_ids": [Command.create({
                    "is_main": True, "amount": 100.0 + i, "reason": "Facture %d" % i,
                    "invoice_id": invoices[i - offset].id,
                    "interest_rate": 5.0, "interest_from": "2025-12-01",
                })],
                "cost_ids": [Command.create({
                    "description": "Fee", "amount": 20.0, "kind": "payment_order_fee",
                    "date": "2026-01-05",
                })],
            } for i in range(offset, offset + count)])
            for record in records:
                record._tilbago_link_invoices()
            return records

        statement_fields = [
            "tilbago_amount_remaining", "tilbago_interest_accrued", "tilbago_paid_costs",
            "tilbago_open_principal", "tilbago_amount_received",
        ]

        def measure(records):
            records = records.with_env(clerk)
            for _round in range(2):  # a warm-up round first: registry caches filled
                self.env.flush_all()
                self.env.invalidate_all()
                records.read(statement_fields)
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            records.read(statement_fields)
            records.claim_ids.read(["amount_paid", "amount_open"])
            return self.cr.sql_log_count - before

        small = cases(3, 0)
        large = small | cases(30, 3)
        self.assertEqual(measure(large), measure(small))

    def test_archive(self):
        case = self._case()
        folder = tempfile.mkdtemp(prefix="tilbago-archive-")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        self.company.tilbago_storage_path = folder
        with self.assertRaisesRegex(UserError, "finished"):
            case.with_user(self.billing_user).action_tilbago_archive()
        attachment = self.env["ir.attachment"].create({
            "name": "contract.txt", "raw": b"the contract", "res_model": "tilbago.case",
            "res_id": case.id,
        })
        self.env["tilbago.case.document"].create(
            {"case_id": case.id, "attachment_id": attachment.id, "name": "contract.txt"}
        )
        case.action_close()
        # the PDF itself, as outside tests (Odoo renders HTML in tests otherwise)
        action = case.with_user(self.billing_user).with_context(
            force_report_rendering=True
        ).action_tilbago_archive()
        self.assertIn("delete it in tilbago yourself", action["params"]["message"])
        self.assertTrue(case.tilbago_archived)
        archive = case.tilbago_archive_folder
        self.assertTrue(archive.startswith(folder))
        names = sorted(os.listdir(archive))
        self.assertEqual(names, ["case.json", "documents", "dossier.pdf"])
        self.assertIn("contract.txt", os.listdir(os.path.join(archive, "documents")))
        with open(os.path.join(archive, "documents", "contract.txt"), "rb") as handle:
            self.assertEqual(handle.read(), b"the contract")
        with open(os.path.join(archive, "case.json"), encoding="utf-8") as handle:
            data = json.load(handle)
        self.assertEqual(data["reference"], case.name)
        self.assertEqual(data["state"], "closed")
        self.assertEqual(data["costs"][0]["kind"], "payment_order_fee")
        self.assertEqual(data["statement"]["open"]["costs"], "60.00")
        with open(os.path.join(archive, "dossier.pdf"), "rb") as handle:
            self.assertTrue(handle.read().startswith(b"%PDF"))
        # the remote case is not deleted: an activity says to do it in tilbago
        delete = case.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("l10n_ch_tilbago.mail_activity_tilbago_delete_remote")
        )
        self.assertEqual(len(delete), 1)
        self.assertIn(case.tilbago_id, delete.note)
        self.assertEqual(len(self.sandbox.cases()), 1)
        with self.assertRaisesRegex(UserError, "archived already"):
            case.action_tilbago_archive()
