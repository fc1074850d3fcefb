# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Attach Document, the case files folder, and the status cron across two companies."""

import base64
import csv
import hashlib
import json
import os
import shutil
import tempfile
from datetime import date
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..tilbago import client as tilbago_client
from ..tilbago.documents import MAX_ATTACHMENT_BYTES
from ..tilbago.sandbox import Sandbox
from .test_case_common import API_KEY, TilbagoCaseCommon

KEY_B = "t6-second-company-key"

#: where the case files problems are logged
STORAGE_LOGGER = "odoo.addons.l10n_ch_tilbago.models.tilbago_case_storage"


class _CaseMixin:
    def _sent_case(self, amount=1234.50, due=date(2024, 1, 31)):
        invoice = self._invoice(self.epsitec, amount, due)
        case, action = self._send(self._start(invoice))
        self.assertEqual(action["params"]["type"], "success", case.last_error)
        return invoice, case

    def _wizard(self, case, user=None):
        case = case.with_user(user) if user else case
        action = case.action_attach_document()
        self.assertEqual(action["res_model"], "tilbago.attach.document.wizard")
        self.assertEqual(action["target"], "new")
        return case.env["tilbago.attach.document.wizard"].browse(action["res_id"])

    def _upload(self, case, name, content, user=None):
        wizard = self._wizard(case, user)
        wizard.write(
            {"source": "upload", "upload_file": base64.b64encode(content), "upload_filename": name}
        )
        return wizard.action_attach()

    def _file(self, record, name, raw, **values):
        """A file attached to ``record``."""
        return self.env["ir.attachment"].create(
            {"name": name, "raw": raw, "res_model": record._name, "res_id": record.id, **values}
        )

    def _received(self, case):
        return self.sandbox.case(case.tilbago_id)["attachments"]


@tagged("post_install", "-at_install")
class TestCaseDocuments(_CaseMixin, TilbagoCaseCommon):
    def test_documents_chosen_in_the_wizard_go_with_the_case(self):
        invoice = self._invoice(self.epsitec, 880.0, date(2024, 2, 29))
        contract = self._file(invoice, "Contrat.pdf", b"%PDF contract")
        elsewhere = self._file(self.epsitec, "Other.pdf", b"%PDF other")
        wizard = self._start(invoice, user=self.billing_user)
        # only the invoices' files are offered
        self.assertIn(contract, wizard.available_attachment_ids)
        self.assertNotIn(elsewhere, wizard.available_attachment_ids)
        wizard.attachment_ids = contract
        case, action = self._send(wizard)
        self.assertEqual(action["params"]["type"], "success", case.last_error)
        document = case.document_ids.filtered(lambda d: d.attachment_id == contract)
        self.assertEqual(document.state, "sent")
        self.assertEqual(document.invoice_id, invoice)
        self.assertIn("Contrat.pdf", [a["filename"] for a in self._received(case)])

    def test_invoice_pdf_chosen_in_the_wizard_is_sent_once(self):
        self.company.tilbago_attach_invoice = True
        invoice = self._invoice(self.epsitec, 880.0, date(2024, 2, 29))
        pdf = self._file(invoice, "INV.pdf", b"%PDF inv", res_field="invoice_pdf_report_file")
        invoice.invalidate_recordset(["invoice_pdf_report_id"])
        wizard = self._start(invoice)
        wizard.attachment_ids = pdf
        case, action = self._send(wizard)
        self.assertEqual(action["params"]["type"], "success", case.last_error)
        self.assertEqual(case.document_ids.attachment_id, pdf)
        self.assertEqual(len(case.document_ids), 1)
        self.assertEqual([a["filename"] for a in self._received(case)], ["INV.pdf"])

    def test_empty_document_chosen_in_the_wizard_refused_before_saving(self):
        invoice = self._invoice(self.epsitec, 880.0, date(2024, 2, 29))
        empty = self._file(invoice, "Vide.pdf", b"")
        wizard = self._start(invoice)
        wizard.attachment_ids = empty
        cases_before = self.env["tilbago.case"].search_count([])
        with self.assertRaisesRegex(UserError, "Vide.pdf"):
            self._send(wizard)
        self.assertEqual(self.env["tilbago.case"].search_count([]), cases_before)
        self.assertEqual(self.sandbox.cases(), [])

    def test_pick_case_and_invoice_files(self):
        invoice, case = self._sent_case()
        on_invoice = self._file(invoice, "Contrat signé.pdf", b"%PDF contract")
        on_case = self._file(case, "Lettre.pdf", b"%PDF letter")
        elsewhere = self._file(self.epsitec, "Other.pdf", b"%PDF other")
        wizard = self._wizard(case, self.billing_user)
        self.assertIn(on_invoice, wizard.available_attachment_ids)
        self.assertIn(on_case, wizard.available_attachment_ids)
        self.assertNotIn(elsewhere, wizard.available_attachment_ids)
        wizard.attachment_ids = on_invoice | on_case
        action = wizard.action_attach()
        self.assertEqual(action["params"]["type"], "success")
        received = {a["filename"]: a for a in self._received(case)}
        self.assertEqual(set(received), {"Contrat signé.pdf", "Lettre.pdf"})
        self.assertEqual(received["Lettre.pdf"]["sha256"], hashlib.sha256(b"%PDF letter").hexdigest())
        for document in case.document_ids:
            self.assertEqual(document.state, "sent")
            self.assertEqual(
                document.tilbago_attachment_id, received[document.name]["attachmentId"]
            )
        # attached files are no longer offered; files of other records cannot be forced in
        wizard = self._wizard(case)
        self.assertFalse(wizard.available_attachment_ids & (on_invoice | on_case))
        wizard.attachment_ids = elsewhere
        with self.assertRaisesRegex(UserError, "Other.pdf"):
            wizard.action_attach()

    def test_invoice_pdf_is_offered(self):
        invoice, case = self._sent_case()
        pdf = self._file(invoice, "INV.pdf", b"%PDF inv", res_field="invoice_pdf_report_file")
        invoice.invalidate_recordset(["invoice_pdf_report_id"])
        self.assertEqual(invoice.invoice_pdf_report_id, pdf)
        wizard = self._wizard(case)
        self.assertIn(pdf, wizard.available_attachment_ids)
        wizard.attachment_ids = pdf
        wizard.action_attach()
        self.assertEqual(case.document_ids.invoice_id, invoice)

    def test_upload_by_billing_user(self):
        _invoice, case = self._sent_case()
        action = self._upload(case, "Vertrag Zürich.pdf", b"%PDF-1.4 vertrag", self.billing_user)
        self.assertEqual(action["params"]["type"], "success")
        [document] = case.document_ids
        self.assertEqual(document.state, "sent")
        self.assertEqual(document.attachment_id.res_model, "tilbago.case")
        self.assertEqual(document.attachment_id.res_id, case.id)
        [received] = self._received(case)
        self.assertEqual(received["filename"], "Vertrag Zürich.pdf")
        self.assertEqual(received["size"], len(b"%PDF-1.4 vertrag"))
        self.assertEqual(received["attachmentId"], document.tilbago_attachment_id)
        self.assertNotIn("Content-Type", received["headers"])

    def test_same_file_twice_is_warned_and_refused(self):
        invoice, case = self._sent_case()
        self._upload(case, "contrat.pdf", b"%PDF-1.4 contrat", self.billing_user)
        # the same content under another name: warned as soon as it is chosen...
        wizard = self._wizard(case, self.billing_user)
        wizard.write({"source": "upload", "upload_file": base64.b64encode(b"%PDF-1.4 contrat"),
                      "upload_filename": "contrat (1).pdf"})
        self.assertIn("already has this file", wizard.duplicate_warning)
        self.assertIn("contrat (1).pdf (already attached as contrat.pdf)",
                      wizard.duplicate_warning)
        # ...and not attached twice
        with self.assertRaisesRegex(UserError, "not attached twice"):
            wizard.action_attach()
        # the same content picked from the invoice's files
        copy = self._file(invoice, "scan.pdf", b"%PDF-1.4 contrat")
        wizard = self._wizard(case)
        wizard.attachment_ids = copy
        self.assertIn("scan.pdf (already attached as contrat.pdf)", wizard.duplicate_warning)
        with self.assertRaisesRegex(UserError, "not attached twice"):
            wizard.action_attach()
        self.assertEqual(len(case.document_ids), 1)
        self.assertEqual(len(self._received(case)), 1)
        # another file: no warning
        wizard = self._wizard(case)
        wizard.write({"source": "upload", "upload_file": base64.b64encode(b"%PDF other"),
                      "upload_filename": "autre.pdf"})
        self.assertFalse(wizard.duplicate_warning)

    def test_empty_file_refused(self):
        _invoice, case = self._sent_case()
        with self.assertRaisesRegex(UserError, "blank.pdf is empty"):
            self._upload(case, "blank.pdf", b"")
        wizard = self._wizard(case)
        wizard.source = "upload"
        with self.assertRaisesRegex(UserError, "Choose the file"):
            wizard.action_attach()
        empty = self._file(case, "zero.pdf", b"")
        wizard = self._wizard(case)
        wizard.attachment_ids = empty
        with self.assertRaisesRegex(UserError, "zero.pdf is empty"):
            wizard.action_attach()
        self.assertFalse(case.document_ids)
        self.assertEqual(self._received(case), [])

    def test_too_large_file_refused(self):
        _invoice, case = self._sent_case()
        # one byte too many: both sizes exactly, not "10.0 MB, larger than the 10.0 MB"
        with self.assertRaisesRegex(
            UserError, r"big.pdf is 10'485'761 bytes, larger than the 10'485'760 bytes"
        ):
            self._upload(case, "big.pdf", b"x" * (MAX_ATTACHMENT_BYTES + 1))
        self.assertFalse(case.document_ids)
        # exactly the limit goes through
        self._upload(case, "limit.pdf", b"y" * MAX_ATTACHMENT_BYTES)
        self.assertEqual(self._received(case)[0]["size"], MAX_ATTACHMENT_BYTES)
        # a document made by other means is checked again before it is sent
        large = self._file(case, "scan.tif", b"z" * (MAX_ATTACHMENT_BYTES + 10))
        document = self.env["tilbago.case.document"].create(
            {"case_id": case.id, "attachment_id": large.id}
        )
        requests_before = len(self.sandbox.requests)
        document._tilbago_upload()
        self.assertEqual(document.state, "error")
        self.assertIn("scan.tif is 10'485'770 bytes, larger than", document.last_error)
        self.assertEqual(len(self.sandbox.requests), requests_before)  # nothing sent

    def test_failure_then_retry(self):
        _invoice, case = self._sent_case()
        self.sandbox.fail_next(status=500, method="PUT")
        action = self._upload(case, "Mahnung.pdf", b"%PDF mahnung")
        self.assertEqual(action["params"]["type"], "danger")
        [document] = case.document_ids
        self.assertEqual(document.state, "error")
        self.assertIn("500", document.last_error)
        self.assertIn("Mahnung.pdf", action["params"]["message"])
        self.assertFalse(document.tilbago_attachment_id)
        self.assertEqual(self._received(case), [])
        # a refused key: the reason in words, still retryable
        self.company.tilbago_api_key = "wrong"
        document.action_retry()
        self.assertEqual(document.state, "error")
        self.assertIn("API key", document.last_error)
        self.assertNotIn("wrong", document.last_error)
        self.company.tilbago_api_key = API_KEY
        case.action_send_documents()
        self.assertEqual(document.state, "sent")
        self.assertFalse(document.last_error)
        [received] = self._received(case)
        self.assertEqual(received["attachmentId"], document.tilbago_attachment_id)
        case.action_send_documents()  # nothing left to send: not sent twice
        self.assertEqual(len(self._received(case)), 1)

    def test_attach_before_the_case_is_in_tilbago(self):
        self.sandbox.set_balance(0)
        invoice = self._invoice(self.epsitec, 500.0, date(2024, 1, 31))
        wizard = self._go_confirm(self._start(invoice))
        wizard.confirmed = True
        wizard.action_send()
        case = wizard.case_id
        self.assertEqual(case.state, "error")
        action = self._upload(case, "Beleg.pdf", b"%PDF beleg")
        self.assertEqual(action["params"]["type"], "info")
        self.assertEqual(case.document_ids.state, "to_send")
        with self.assertRaises(UserError):
            case.document_ids.action_retry()
        self.sandbox.set_balance(5)
        case.action_retry()
        self.assertTrue(case.tilbago_id)
        self.assertEqual(case.document_ids.state, "sent")
        self.assertEqual([a["filename"] for a in self._received(case)], ["Beleg.pdf"])

    def test_server_action_one_case_at_a_time(self):
        _invoice, case = self._sent_case(100.0)
        _invoice2, case2 = self._sent_case(200.0)
        action = self.env.ref("l10n_ch_tilbago.action_server_tilbago_case_attach_document")
        result = action.with_context(
            active_model="tilbago.case", active_ids=case.ids, active_id=case.id
        ).run()
        self.assertEqual(result["res_model"], "tilbago.attach.document.wizard")
        wizard = self.env["tilbago.attach.document.wizard"].browse(result["res_id"])
        self.assertEqual(wizard.case_id, case)
        with self.assertRaisesRegex(UserError, "one case at a time"):
            action.with_context(
                active_model="tilbago.case", active_ids=(case | case2).ids, active_id=case.id
            ).run()

    def test_views(self):
        views = self.env["tilbago.attach.document.wizard"].with_user(self.billing_user).get_views(
            [(False, "form")]
        )
        arch = views["views"]["form"]["arch"]
        self.assertIn("action_attach", arch)
        self.assertIn("upload_file", arch)
        form = self.env["tilbago.case"].with_user(self.billing_user).get_views(
            [(False, "form")]
        )["views"]["form"]["arch"]
        self.assertIn("action_attach_document", form)
        self.assertIn("storage_error", form)


@tagged("post_install", "-at_install")
class TestCaseStorage(_CaseMixin, TilbagoCaseCommon):
    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="t6-storage-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.root = os.path.join(self.tmp, "cases")
        self.company.tilbago_storage_path = self.root

    def _files(self, folder):
        found = {}
        for dirpath, _dirs, names in os.walk(folder):
            for name in names:
                path = os.path.join(dirpath, name)
                with open(path, "rb") as handle:
                    found[os.path.relpath(path, folder)] = handle.read()
        return found

    def _history(self, folder):
        with open(os.path.join(folder, "history.csv"), encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    def test_folder_after_send_attach_and_sync(self):
        self.company.tilbago_attach_invoice = True
        invoice, case = self._sent_case()
        folder = case.storage_folder
        self.assertEqual(os.path.dirname(folder), os.path.realpath(self.root))
        self.assertFalse(case.storage_error)
        files = self._files(folder)
        pdf_name = "invoices/%s.pdf" % invoice.name.replace("/", "_")
        self.assertEqual(
            set(files), {"case.json", "request.json", "history.csv", "history.json", pdf_name}
        )
        # the request exactly as sent to tilbago
        [body] = self._bodies()
        self.assertEqual(json.loads(files["request.json"]), body)
        self.assertEqual(json.loads(files["request.json"]), json.loads(case.request_payload))
        summary = json.loads(files["case.json"])
        self.assertEqual(summary["tilbago_id"], case.tilbago_id)
        self.assertEqual(summary["external_ref"], case.external_ref)
        self.assertEqual(summary["state"], "review")
        self.assertEqual(summary["documents"][0]["tilbago_attachment_id"],
                         case.document_ids.tilbago_attachment_id)
        self.assertEqual(files[pdf_name], case.document_ids.attachment_id.raw)
        self.assertEqual([row["status_code"] for row in self._history(folder)], ["", "002"])
        # attach: the document joins the folder
        self._upload(case, "../../Vertrag.pdf", b"%PDF vertrag")
        files = self._files(folder)
        self.assertEqual(files["documents/_.._Vertrag.pdf"], b"%PDF vertrag")
        self.assertEqual(sorted(os.listdir(self.tmp)), ["cases"])  # nothing escaped
        self.assertEqual(len(json.loads(files["case.json"])["documents"]), 2)
        # sync: the history and the state follow
        self.sandbox.advance(case.tilbago_id)
        self.sandbox.advance(case.tilbago_id)
        case.action_refresh_status()
        self.assertEqual(case.state, "payment_order")
        files = self._files(folder)
        self.assertEqual(json.loads(files["case.json"])["state"], "payment_order")
        self.assertEqual(json.loads(files["case.json"])["tilbago_status_code"], "SBX-200")
        self.assertEqual(
            [row["status_code"] for row in self._history(folder)], ["", "002", "SBX-200"]
        )
        self.assertEqual(json.loads(files["history.json"])[-1]["state"], "payment_order")
        # the API key is in no file
        for name, content in files.items():
            self.assertNotIn(API_KEY.encode(), content, name)

    def test_invoice_pdf_stored_without_sending_it(self):
        invoice, case = self._sent_case()  # tilbago_attach_invoice is off
        self.assertFalse(case.document_ids)
        files = self._files(case.storage_folder)
        self.assertIn("invoices/%s.pdf" % invoice.name.replace("/", "_"), files)
        self.assertEqual(self._received(case), [])

    def test_unwritable_folder_never_blocks(self):
        os.makedirs(os.path.dirname(self.root), exist_ok=True)
        shutil.rmtree(self.root, ignore_errors=True)
        with open(self.root, "wb"):
            pass  # a file where the folder should be: nothing can be written under it
        with self.assertLogs(STORAGE_LOGGER, "WARNING"):
            _invoice, case = self._sent_case()
        self.assertTrue(case.tilbago_id)
        self.assertEqual(case.state, "review")
        self.assertIn("could not be written to the folder %s" % self.root, case.storage_error)
        self.sandbox.advance(case.tilbago_id)
        with self.assertLogs(STORAGE_LOGGER, "WARNING"):
            case.action_refresh_status()
        self.assertEqual(case.state, "submitted")  # the sync went on
        self.assertTrue(case.storage_error)
        # the folder is repaired: the next sync writes everything and clears the problem
        os.unlink(self.root)
        os.makedirs(self.root)
        self.sandbox.advance(case.tilbago_id)
        case.action_refresh_status()
        self.assertFalse(case.storage_error)
        self.assertIn("request.json", self._files(case.storage_folder))

    def test_cron_keeps_folder_current(self):
        _invoice, case = self._sent_case()
        self.sandbox.advance(case.tilbago_id)
        case.sudo().last_sync = False  # evidence: the addon (superuser) writes it
        self.env["tilbago.case"]._cron_refresh_status()
        self.assertEqual(case.state, "submitted")
        summary = json.loads(self._files(case.storage_folder)["case.json"])
        self.assertEqual(summary["state"], "submitted")


@tagged("post_install", "-at_install")
class TestCaseCronCompanies(_CaseMixin, TilbagoCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # one sandbox, two tilbago accounts: each key sees only its own cases
        cls.sandbox = Sandbox(port=0, api_key=[API_KEY, KEY_B], step_seconds=0).start()
        cls.addClassCleanup(cls.sandbox.stop)
        cls.company.tilbago_base_url = cls.sandbox.url
        cls.company_b = cls.env["res.company"].create(
            {
                "name": "Zweite AG",
                "currency_id": cls.chf.id,
                "tilbago_base_url": cls.sandbox.url,
                "tilbago_api_key": KEY_B,
            }
        )

    def _case_b(self, case_a, suffix):
        """A case of company B, opened in tilbago with B's key (same debtor data)."""
        body = json.loads(case_a.request_payload)
        body["externalRef"] = "B-%s" % suffix
        body["claim"]["externalRef"] = "B-%s-1" % suffix
        with tilbago_client.TilbagoClient(self.sandbox.url, KEY_B) as client:
            tilbago_id = client.create_case(body)
        return self.env["tilbago.case"].sudo().create(
            {
                "company_id": self.company_b.id,
                "partner_id": self.epsitec.id,
                "tilbago_id": tilbago_id,
                "state": "review",
                "tilbago_status_code": "002",
                "request_payload": json.dumps(body),
            }
        ).sudo(False)

    def test_cron_one_session_per_company_each_with_its_key(self):
        cases_a = self.env["tilbago.case"]
        for amount in (100.0, 200.0):
            cases_a |= self._sent_case(amount)[1]
        cases_b = self._case_b(cases_a[0], "1") | self._case_b(cases_a[0], "2")
        for case in cases_a | cases_b:
            self.sandbox.advance(case.tilbago_id)
        (cases_a | cases_b).sudo().write({"last_sync": False})
        seen = []
        Case = type(self.env["tilbago.case"])
        original = Case._tilbago_client_for

        def recording(model, company):
            client = original(model, company)
            seen.append((company, client.session.headers["api_key"]))
            return client

        before = len(self.sandbox.requests)
        with patch.object(Case, "_tilbago_client_for", recording):
            done, failed = self.env["tilbago.case"]._cron_refresh_status()
        self.assertEqual((done, failed), (4, 0))
        self.assertEqual(sorted(seen, key=lambda s: s[0].id),
                         [(self.company, API_KEY), (self.company_b, KEY_B)])
        self.assertEqual(set((cases_a | cases_b).mapped("state")), {"submitted"})
        gets = [r for r in self.sandbox.requests[before:] if r["method"] == "GET"]
        self.assertEqual(len(gets), 4)
        self.assertEqual({r["status"] for r in gets}, {200})  # no case asked with the other key
        self.assertEqual(
            {r["path"].split("/")[3] for r in gets}, set((cases_a | cases_b).mapped("tilbago_id"))
        )

    def test_cron_company_with_refused_key_leaves_the_other_alone(self):
        _invoice, case_a = self._sent_case()
        case_b = self._case_b(case_a, "3")
        self.sandbox.advance(case_a.tilbago_id)
        self.sandbox.advance(case_b.tilbago_id)
        self.company_b.tilbago_api_key = API_KEY  # company B given A's key by mistake
        (case_a | case_b).sudo().write({"last_sync": False})
        done, failed = self.env["tilbago.case"]._cron_refresh_status()
        self.assertEqual((done, failed), (2, 1))
        self.assertEqual(case_a.state, "submitted")
        self.assertEqual(case_b.state, "review")  # A's key cannot see nor move B's case
        self.assertEqual(self.sandbox.case(case_b.tilbago_id)["statusCode"], "SBX-100")
        self.assertTrue(case_b.last_sync)
        self.assertTrue(
            any("Status refresh failed" in (m.body or "") for m in case_b.message_ids)
        )
