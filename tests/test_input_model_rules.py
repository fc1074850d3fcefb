# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rules of the model, tried over JSON-RPC as the user who would break them.

A billing clerk of company A, a clerk of company B, an internal user without the Debt
Collection groups, a portal user and a settings administrator call ``call_kw`` exactly
as the web client (or a script) would: the documents of a case, their file names, the
API key in the settings export, the debtor's personal data and the case files folder.
"""

import base64
import json
import os
import shutil
import tempfile
from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from ..tilbago import client as tilbago_client
from .test_case_common import API_KEY, TilbagoCaseCommon
from .test_case_documents import _CaseMixin

SECRET_NAME = "Geheim-Zweite-AG-Lohnliste.pdf"
SECRET_BYTES = b"%PDF salaries of Zweite AG"


class _RpcMixin:
    def _call(self, login, model, method, *args, **kwargs):
        """``call_kw`` as ``login`` (password = login); the decoded JSON-RPC answer."""
        self.authenticate(login, login)
        body = json.dumps({
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"model": model, "method": method, "args": list(args),
                       "kwargs": kwargs},
        })
        response = self.url_open(
            "/web/dataset/call_kw/%s/%s" % (model, method),
            data=body,
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        return response.json()

    def rpc(self, login, model, method, *args, **kwargs):
        answer = self._call(login, model, method, *args, **kwargs)
        self.assertNotIn("error", answer, answer.get("error", {}).get("data", {}).get("message"))
        return answer["result"]

    def rpc_error(self, error_name, login, model, method, *args, **kwargs):
        """The call is refused with ``error_name`` (never a traceback of another kind)."""
        answer = self._call(login, model, method, *args, **kwargs)
        self.assertIn("error", answer, "the call went through: %s" % answer.get("result"))
        data = answer["error"]["data"]
        self.assertEqual(data["name"], error_name, data.get("debug", "")[-2000:])
        return data["message"], json.dumps(answer)


@tagged("post_install", "-at_install")
class TestModelRulesRpc(_RpcMixin, _CaseMixin, TilbagoCaseCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {"name": "Zweite AG", "currency_id": cls.chf.id}
        )
        cls.partner_b = cls.env["res.partner"].create(
            {"name": "Zweite AG Personal", "company_id": cls.company_b.id}
        )
        cls.clerk_b = new_test_user(
            cls.env, login="wb_clerk_b", groups="account.group_account_invoice",
            company_id=cls.company_b.id, company_ids=[Command.set(cls.company_b.ids)],
        )
        cls.internal = new_test_user(
            cls.env, login="wb_internal", groups="base.group_user,base.group_partner_manager",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)],
        )
        cls.portal = new_test_user(cls.env, login="wb_portal", groups="base.group_portal")
        cls.admin = new_test_user(
            cls.env, login="wb_admin",
            groups="base.group_system,account.group_account_manager,base.group_allow_export,"
            "base.group_partner_manager",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)],
        )
        cls.clerk = cls.billing_user.login
        cls.tmp = tempfile.mkdtemp(prefix="wb_tilbago_")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, ignore_errors=True)

    def _secret_b(self):
        """A file of company B that company A's clerk cannot read."""
        return self.env["ir.attachment"].create(
            {
                "name": SECRET_NAME,
                "raw": SECRET_BYTES,
                "res_model": "res.partner",
                "res_id": self.partner_b.id,
                "company_id": self.company_b.id,
            }
        )

    def _assert_nothing_leaked(self, case, *texts):
        for text in texts:
            self.assertNotIn("Geheim", text)
            self.assertNotIn("salaries", text)
        received = [a["filename"] for a in self._received(case)] if case.tilbago_id else []
        self.assertFalse([name for name in received if "Geheim" in name], received)
        for root, _dirs, files in os.walk(self.tmp):
            for name in files:
                self.assertNotIn("Geheim", name)
                with open(os.path.join(root, name), "rb") as handle:
                    self.assertNotIn(b"salaries", handle.read())

    # -- 2. another company's file ---------------------------------------------------------

    def test_clerk_cannot_make_another_company_file_a_document(self):
        self.company.tilbago_storage_path = self.tmp
        _invoice, case = self._sent_case()
        secret = self._secret_b()
        # company A's own files that do not belong to the case are refused as well
        other_invoice = self._invoice(self.epsitec, 50.0, date(2024, 3, 31))
        stray = self._file(other_invoice, "Other-invoice.pdf", b"%PDF other")
        on_partner = self._file(self.epsitec, "Partner.pdf", b"%PDF partner")
        before = case.document_ids
        for attachment in (secret, stray, on_partner):
            message, raw = self.rpc_error(
                "odoo.exceptions.AccessError", self.clerk, "tilbago.case.document", "create",
                [{"case_id": case.id, "attachment_id": attachment.id}],
            )
            self.assertIn("cannot be a document of the case", message)
            self._assert_nothing_leaked(case, raw)
        # nor can an existing document be pointed at it afterwards
        own = self._file(case, "Mahnung.pdf", b"%PDF reminder")
        [doc_id] = self.rpc(self.clerk, "tilbago.case.document", "create",
                            [{"case_id": case.id, "attachment_id": own.id}])
        _message, raw = self.rpc_error(
            "odoo.exceptions.AccessError", self.clerk, "tilbago.case.document", "write",
            [doc_id], {"attachment_id": secret.id},
        )
        case.invalidate_recordset()
        self.assertEqual(
            case.document_ids - before, self.env["tilbago.case.document"].browse(doc_id)
        )
        # sending the documents sends the clerk's own file only
        self.rpc(self.clerk, "tilbago.case", "action_send_documents", [case.id])
        self.assertEqual([a["filename"] for a in self._received(case)], ["Mahnung.pdf"])
        self._assert_nothing_leaked(case, raw)
        # the other company's clerk cannot use company A's case either
        self.rpc_error(
            "odoo.exceptions.AccessError", "wb_clerk_b", "tilbago.case.document", "create",
            [{"case_id": case.id, "attachment_id": secret.id}],
        )

    def test_a_document_made_before_the_rule_is_neither_sent_nor_copied(self):
        """A foreign file already on a case (e.g. imported as superuser): refresh works."""
        self.company.tilbago_storage_path = self.tmp
        _invoice, case = self._sent_case()
        legacy = self.env["tilbago.case.document"].create(
            {"case_id": case.id, "attachment_id": self._file(case, "ok.pdf", b"%PDF").id}
        )
        # as left by an import or an older version: pointing at company B's file
        self.env.cr.execute(
            "UPDATE tilbago_case_document SET attachment_id = %s, name = NULL WHERE id = %s",
            (self._secret_b().id, legacy.id),
        )
        legacy.invalidate_recordset()
        self.env.add_to_compute(legacy._fields["name"], legacy)
        self.assertNotIn("Geheim", legacy.name)
        result = self.rpc(self.clerk, "tilbago.case", "action_send_documents", [case.id])
        self.assertTrue(result)
        legacy.invalidate_recordset()
        self.assertEqual(legacy.state, "error")
        self.assertIn("belongs to another company", legacy.last_error)
        self.sandbox.advance(case.tilbago_id)
        action = self.rpc(self.clerk, "tilbago.case", "action_refresh_status", [case.id])
        self.assertEqual(action["params"]["type"], "success")
        # the case as the form shows it, documents included
        [read] = self.rpc(self.clerk, "tilbago.case", "web_read", [case.id], specification={
            "name": {}, "state": {}, "document_ids": {"fields": {
                "name": {}, "state": {}, "last_error": {}, "invoice_id": {}}}})
        self._assert_nothing_leaked(case, json.dumps(read))

    # -- 5. file names -------------------------------------------------------------------

    BAD_NAMES = [
        "..", ".", "../../etc/passwd", "/etc/shadow", "..\\..\\boot.ini", "\x07\x07\x07",
        "\u202e\u200b", "   ", "CON", "nul.pdf", "a/b\\c.pdf", "name\nwith\r\nlines.pdf",
        "x" * 400 + ".pdf", "\x00.pdf", "...",
    ]

    def test_unsafe_file_names_are_made_safe_and_sent(self):
        self.company.tilbago_storage_path = self.tmp
        _invoice, case = self._sent_case()
        for index, name in enumerate(self.BAD_NAMES):
            with self.subTest(name=name):
                content = b"%PDF " + str(index).encode()
                wizard_id = self.rpc(self.clerk, "tilbago.attach.document.wizard", "create",
                                     [{"case_id": case.id, "source": "upload",
                                       "upload_file": base64.b64encode(content).decode(),
                                       "upload_filename": name}])
                action = self.rpc(self.clerk, "tilbago.attach.document.wizard",
                                  "action_attach", wizard_id)
                self.assertEqual(action["params"]["type"], "success", action["params"])
        case.invalidate_recordset()
        self.assertEqual(set(case.document_ids.mapped("state")), {"sent"})
        received = [a["filename"] for a in self._received(case)]
        self.assertEqual(sorted(received), sorted(case.document_ids.mapped("name")))
        self.assertIn("document.pdf", received)  # "\x00.pdf": the extension is kept
        for name in received:
            self.assertTrue(name and name not in (".", "..") and len(name.encode()) <= 150)
            self.assertFalse(set(name) & set("/\\\x00\x07\n\r\u202e\u200b"), name)
        # written inside the case folder, nowhere else
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "etc")))
        self.assertEqual(len(os.listdir(os.path.join(case.storage_folder, "documents"))),
                         len(self.BAD_NAMES))
        # a name given directly is made safe as well, and on rename
        own = self._file(case, "ok.pdf", b"%PDF ok")
        [doc_id] = self.rpc(self.clerk, "tilbago.case.document", "create",
                            [{"case_id": case.id, "attachment_id": own.id, "name": ".."}])
        document = self.env["tilbago.case.document"].browse(doc_id)
        self.assertNotIn(document.name, ("", ".", ".."))

    def test_an_upload_that_fails_otherwise_is_an_error_with_words(self):
        _invoice, case = self._sent_case()
        own = self._file(case, "Vertrag.pdf", b"%PDF contract")
        document = self.env["tilbago.case.document"].create(
            {"case_id": case.id, "attachment_id": own.id})
        with patch.object(tilbago_client.TilbagoClient, "add_attachment",
                          side_effect=ValueError("attachment file name is empty")):
            self.rpc(self.clerk, "tilbago.case", "action_send_documents", [case.id])
        document.invalidate_recordset()
        self.assertEqual(document.state, "error")
        self.assertIn("rename the document, or remove it", document.last_error)
        # Send Documents works again afterwards
        self.rpc(self.clerk, "tilbago.case", "action_send_documents", [case.id])
        document.invalidate_recordset()
        self.assertEqual(document.state, "sent")

    def test_a_document_in_error_can_be_renamed_or_removed(self):
        _invoice, case = self._sent_case()
        first = self.env["tilbago.case.document"].create(
            {"case_id": case.id, "attachment_id": self._file(case, "a.pdf", b"%PDF a").id})
        second = self.env["tilbago.case.document"].create(
            {"case_id": case.id, "attachment_id": self._file(case, "b.pdf", b"%PDF b").id})
        self.sandbox.fail_next(status=500, count=2)
        self.rpc(self.clerk, "tilbago.case", "action_send_documents", [case.id])
        (first | second).invalidate_recordset()
        self.assertEqual((first | second).mapped("state"), ["error", "error"])
        # rename the first (made safe), retry it
        self.rpc(self.clerk, "tilbago.case.document", "write", [first.id],
                 {"name": "../Vertrag 2024.pdf"})
        self.rpc(self.clerk, "tilbago.case.document", "action_retry", [first.id])
        first.invalidate_recordset()
        self.assertEqual((first.state, first.name), ("sent", "_Vertrag 2024.pdf"))
        self.assertIn("_Vertrag 2024.pdf", [a["filename"] for a in self._received(case)])
        # remove the second
        self.rpc(self.clerk, "tilbago.case.document", "action_remove", [second.id])
        self.assertFalse(second.exists())
        # a document in tilbago is evidence: neither renamed nor removed
        self.rpc_error("odoo.exceptions.UserError", self.clerk, "tilbago.case.document",
                       "write", [first.id], {"name": "other.pdf"})
        self.rpc_error("odoo.exceptions.UserError", self.clerk, "tilbago.case.document",
                       "unlink", [first.id])
        self.assertTrue(first.exists())

    # -- 6. the API key in the settings export ----------------------------------------------

    def test_nobody_exports_the_key_from_the_settings(self):
        secret = "wb-secret-key-Export-9f3e"
        self.company.tilbago_api_key = secret
        manager = new_test_user(
            self.env, login="wb_tilbago_manager",
            groups="account.group_account_manager,base.group_allow_export",
            company_id=self.company.id, company_ids=[Command.set(self.company.ids)],
        )
        for login in ("wb_admin", manager.login):
            settings_id = self.env["res.config.settings"].create({}).id
            for fields in (["tilbago_api_key"], ["company_id/tilbago_api_key"],
                           ["tilbago_environment", "tilbago_api_key"]):
                with self.subTest(login=login, fields=fields):
                    message, raw = self.rpc_error(
                        "odoo.exceptions.UserError", login, "res.config.settings",
                        "export_data", [settings_id], fields)
                    self.assertIn("cannot be exported", message)
                    self.assertNotIn(secret, raw)
                    self.assertNotIn(secret.lower(), raw.lower())
        # the rest of the settings still exports
        settings_id = self.env["res.config.settings"].create({}).id
        rows = self.rpc("wb_admin", "res.config.settings", "export_data", [settings_id],
                        ["tilbago_environment"])
        self.assertEqual(rows["datas"], [["sandbox"]])

    # -- 7. the debtor's personal data -------------------------------------------------------

    PERSONAL = ["tilbago_birthdate", "tilbago_sex", "tilbago_nationality_id",
                "tilbago_birth_name"]

    def _person(self):
        return self.env["res.partner"].create({
            "name": "Hans Muster",
            "street": "Bahnhofstrasse 1",
            "zip": "8001",
            "city": "Zürich",
            "country_id": self.env.ref("base.ch").id,
            "tilbago_birthdate": "1970-05-17",
            "tilbago_sex": "M",
            "tilbago_birth_name": "Meier",
        })

    def test_personal_data_hidden_from_users_outside_debt_collection(self):
        person = self._person()
        portal_user = self.env["res.users"].search([("login", "=", "wb_portal")])
        portal_partner = portal_user.partner_id
        portal_partner.write({"tilbago_birthdate": "1980-01-02", "tilbago_birth_name": "X"})
        for login, partner in (("wb_internal", person), ("wb_portal", portal_partner)):
            for fname in self.PERSONAL:
                with self.subTest(login=login, field=fname):
                    _message, raw = self.rpc_error(
                        "odoo.exceptions.AccessError", login, "res.partner", "read",
                        [partner.id], [fname])
                    self.assertNotIn("1970-05-17", raw)
                    self.assertNotIn("1980-01-02", raw)
            self.rpc_error("odoo.exceptions.AccessError", login, "res.partner",
                           "search_read", [("id", "=", partner.id)], ["tilbago_birthdate"])
            described = self.rpc(login, "res.partner", "fields_get", [], attributes=["type"])
            self.assertFalse(set(self.PERSONAL) & set(described))
        # the internal user opens and edits the partner form as usual
        views = self.rpc("wb_internal", "res.partner", "get_views", [[False, "form"]])
        self.assertFalse(set(self.PERSONAL) & set(views["models"]["res.partner"]["fields"]))
        for fname in self.PERSONAL:
            self.assertNotIn(fname, views["views"]["form"]["arch"])
        spec = {"name": {}, "street": {}, "city": {}, "title": {}, "country_id": {}}
        [record] = self.rpc("wb_internal", "res.partner", "web_read", [person.id],
                            specification=spec)
        self.assertFalse(set(self.PERSONAL) & set(record))
        self.assertNotIn("1970-05-17", json.dumps(record))
        madam = self.env.ref("base.res_partner_title_madam").id
        onchange = self.rpc("wb_internal", "res.partner", "onchange", [],
                            {"name": "Erika", "title": madam}, ["title"],
                            {"name": {}, "title": {}, "country_id": {}})
        self.assertFalse(set(self.PERSONAL) & set(onchange.get("value", {})))
        # with the group, the form offers the sex from the title as before
        onchange = self.rpc(self.clerk, "res.partner", "onchange", [],
                            {"name": "Erika", "title": madam}, ["title"],
                            {"name": {}, "title": {}, "tilbago_sex": {}})
        self.assertEqual(onchange["value"]["tilbago_sex"], "F")
        self.rpc("wb_internal", "res.partner", "write", [person.id], {
            "title": self.env.ref("base.res_partner_title_madam").id,
            "country_id": self.env.ref("base.de").id,
        })
        # what the Debt Collection users entered stays (the computes run as superuser)
        person.invalidate_recordset()
        self.assertEqual(person.tilbago_sex, "M")
        self.assertEqual(person.tilbago_birthdate, date(1970, 5, 17))
        self.rpc("wb_internal", "res.partner", "create", [{
            "name": "Erika Muster",
            "title": self.env.ref("base.res_partner_title_madam").id,
            "country_id": self.env.ref("base.ch").id,
        }])
        erika = self.env["res.partner"].search([("name", "=", "Erika Muster")])
        self.assertEqual((erika.tilbago_sex, erika.tilbago_nationality_id.code), ("F", "CH"))

    def test_clerk_reads_personal_data_and_the_wizard_prefills_it(self):
        person = self._person()
        [read] = self.rpc(self.clerk, "res.partner", "read", [person.id], self.PERSONAL)
        self.assertEqual(read["tilbago_birthdate"], "1970-05-17")
        invoice = self._invoice(person, 300.0, date(2024, 1, 31))
        action = self.rpc(self.clerk, "account.move", "action_tilbago_requisition", [invoice.id])
        [wizard] = self.rpc(self.clerk, "tilbago.requisition.wizard", "read", [action["res_id"]],
                            ["debtor_birthdate", "debtor_sex", "debtor_birth_name",
                             "debtor_nationality_id"])
        self.assertEqual(wizard["debtor_birthdate"], "1970-05-17")
        self.assertEqual(wizard["debtor_sex"], "M")
        self.assertEqual(wizard["debtor_birth_name"], "Meier")
        self.assertEqual(wizard["debtor_nationality_id"][0], self.env.ref("base.ch").id)

    def test_birth_date_before_1900_refused(self):
        person = self._person()
        message, _raw = self.rpc_error(
            "odoo.exceptions.ValidationError", "wb_admin", "res.partner", "write",
            [person.id], {"tilbago_birthdate": "1899-12-31"})
        self.assertIn("Date of Birth", message)
        self.assertIn("before 1900", message)

    # -- 8. the case files folder -------------------------------------------------------------

    BAD_FOLDERS = [
        ("/etc", "lies in /etc"),
        ("/etc/wb-tilbago-cases", "lies in /etc"),
        ("/tmp/wb/../../etc/wb-tilbago-escape", 'must not contain ".."'),
        ("/usr/local/wb-tilbago", "lies in /usr"),
        ("/", "lies in /"),
        ("/var/lib/postgresql/wb-tilbago", "lies in /var/lib/postgresql"),
        ("/tmp/wb-tilbago\x00cases", "control or invisible character (U+0000)"),
        ("/tmp/wb-tilbago\ncases", "control or invisible character (U+000A)"),
    ]

    def test_case_files_folder_refused_in_system_folders(self):
        import odoo
        from odoo.tools import config

        odoo_dir = os.path.dirname(os.path.abspath(odoo.__file__))
        folders = list(self.BAD_FOLDERS) + [
            (os.path.join(config["data_dir"], "wb-tilbago"), "lies in"),
            (os.path.join(odoo_dir, "wb-tilbago"), "lies in"),
            (os.path.join(os.path.dirname(os.path.abspath(__file__)), "wb-cases"), "lies in"),
        ]
        before = self.company.tilbago_storage_path
        for path, words in folders:
            with self.subTest(path=path):
                settings_id = self.rpc("wb_admin", "res.config.settings", "create",
                                       [{"tilbago_litigation_delay": 9}])
                message, _raw = self.rpc_error(
                    "odoo.exceptions.ValidationError", "wb_admin", "res.config.settings",
                    "write", settings_id, {"tilbago_storage_path": path})
                if "\x00" not in path and "\n" not in path:
                    self.rpc_error(
                        "odoo.exceptions.ValidationError", "wb_admin", "res.company",
                        "write", [self.company.id], {"tilbago_storage_path": path})
                self.assertTrue(message.startswith("Case Files Folder"), message)
                self.assertIn(words, message)
        self.assertFalse(os.path.exists("/etc/wb-tilbago-cases"))
        self.assertFalse(os.path.exists("/etc/wb-tilbago-escape"))
        self.company.invalidate_recordset()
        self.assertEqual(self.company.tilbago_storage_path, before)
        # a folder of its own is fine
        good = os.path.join(self.tmp, "cases")
        self.rpc("wb_admin", "res.company", "write", [self.company.id],
                 {"tilbago_storage_path": good})
        self.assertTrue(os.path.isdir(good))

    # -- 11. a PO-box-only debtor ---------------------------------------------------------------

    def test_po_box_only_debtor_is_sent(self):
        debtor = self.env["res.partner"].create({
            "name": "Costruzioni Ceresio SA",
            "is_company": True,
            "street": "Casella postale 7",
            "zip": "6900",
            "city": "Lugano",
            "country_id": self.env.ref("base.ch").id,
            "tilbago_uid": "CHE-100.155.212",
            "tilbago_is_registered": True,
            "tilbago_language": "it",
            "tilbago_contact_person": "Mario Rossi",
        })
        invoice = self._invoice(debtor, 700.0, date(2024, 1, 31))
        wizard = self._start(invoice, user=self.billing_user)
        self._go_confirm(wizard)
        self.assertFalse(wizard.has_problems, wizard.problems)
        case, action = self._send(wizard)
        self.assertEqual(action["params"]["type"], "success", case.last_error)
        address = self._bodies()[-1]["debtor"]["address"]
        self.assertEqual(address["pob"], "Casella postale 7")
        self.assertFalse(address.get("street"))

    # -- 10. invisible characters typed into the wizard -------------------------------------------

    def test_invisible_characters_in_the_wizard_are_refused_naming_the_field(self):
        person = self._person()
        invoice = self._invoice(person, 300.0, date(2024, 1, 31))
        wizard = self._start(invoice, user=self.billing_user)
        wizard.write({
            "debtor_last_name": "\u200b\u200b",
            "debtor_street": "Bahnhofstrasse\n",
            "debtor_city": "Z\x07rich",
            "debtor_first_name": "Ha\u202ens",
        })
        self._go_confirm(wizard)
        self.assertTrue(wizard.has_problems)
        for label in ("Debtor last name", "Debtor city", "Debtor first name"):
            self.assertIn(label + " contains an invisible or control character", wizard.problems)
        cases = self.env["tilbago.case"].search_count([])
        wizard.confirmed = True
        with self.assertRaises(Exception):  # noqa: B017 - refused, whatever the wording
            wizard.action_send()
        self.assertEqual(self.env["tilbago.case"].search_count([]), cases)
        self.assertEqual(self.sandbox.cases(), [])
        self.assertNotIn(API_KEY, wizard.problems)

    # -- 14. messages that named the wrong thing ---------------------------------------------------

    def test_wizard_messages_name_the_right_thing(self):
        invoice = self._invoice(self.epsitec, 400.0, date(2024, 1, 31))
        wizard = self._start(invoice, user=self.billing_user)
        wizard.write({"interest_rate": 100.0})
        self._go_confirm(wizard)
        wizard.debtor_company = False
        problems = wizard.problems
        self.assertIn("Debtor company name is required.", problems)
        self.assertNotIn("first name", problems)
        self.assertIn('Claim interest rate "100" must be between 0 and 99.99999 %', problems)
        self.assertNotIn("E+", problems)
