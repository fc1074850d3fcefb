# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Attach a document to a debt enforcement case and send it to tilbago.

The Crésus "Joindre un document": pick files already in Odoo (attached to the case or to
its invoices, the invoice PDFs included) or upload one; each becomes a
``tilbago.case.document`` sent through ``_tilbago_upload()``. Empty files and files over
``tilbago.documents.MAX_ATTACHMENT_BYTES`` (10 MB) are refused before anything is saved
or sent. A failed upload leaves the document on the case in state *Error* with the
reason in words; *Send Documents* (or *Retry* on the document) sends it again.
"""

import base64
import binascii

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tilbago import documents as tilbago_documents


class TilbagoAttachDocumentWizard(models.TransientModel):
    _name = "tilbago.attach.document.wizard"
    _description = "Attach a Document to a Debt Enforcement Case"
    _check_company_auto = True

    case_id = fields.Many2one(
        "tilbago.case", required=True, readonly=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="case_id.company_id")
    source = fields.Selection(
        [("existing", "Files in Odoo"), ("upload", "Upload a File")],
        string="Document From",
        default="existing",
        required=True,
    )
    available_attachment_ids = fields.Many2many(
        "ir.attachment",
        relation="tilbago_attach_wizard_available_rel",
        compute="_compute_available_attachment_ids",
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        relation="tilbago_attach_wizard_attachment_rel",
        string="Files",
        domain="[('id', 'in', available_attachment_ids)]",
        check_company=True,
        help="Files attached to the case or to its invoices (the invoice PDFs included).",
    )
    upload_file = fields.Binary(string="File", attachment=False)
    upload_filename = fields.Char(string="File Name")
    size_limit = fields.Char(compute="_compute_size_limit")
    duplicate_warning = fields.Char(compute="_compute_duplicate_warning")

    @api.depends("case_id")
    def _compute_available_attachment_ids(self):
        Attachment = self.env["ir.attachment"]
        for wizard in self:
            case = wizard.case_id
            if not case:
                wizard.available_attachment_ids = Attachment
                continue
            invoices = case.invoice_ids | case.claim_ids.invoice_id
            domain = [
                "|",
                "&", ("res_model", "=", "tilbago.case"), ("res_id", "=", case.id),
                "&", ("res_model", "=", "account.move"), ("res_id", "in", invoices.ids),
                # the invoice PDF is a field attachment: search them too
                "|", ("res_field", "=", False), ("res_field", "!=", False),
                ("id", "not in", case.document_ids.attachment_id.ids),
            ]
            wizard.available_attachment_ids = Attachment.search(domain, order="id desc")

    def _tilbago_duplicates(self):
        """Names of the chosen files whose content the case already has, as
        "new name (already attached as old name)"."""
        self.ensure_one()
        Attachment = self.env["ir.attachment"]
        if self.source == "upload":
            if not self.upload_file:
                return []
            try:
                content = base64.b64decode(self.upload_file)
            except (binascii.Error, ValueError):
                return []
            chosen = [((self.upload_filename or "").strip(), Attachment._compute_checksum(content))]
        else:
            chosen = [(a.name, a.checksum) for a in self.attachment_ids.sudo()]
        return self.env["tilbago.case.document"]._tilbago_duplicates(self.case_id, chosen)

    @api.depends("source", "upload_file", "upload_filename", "attachment_ids")
    def _compute_duplicate_warning(self):
        for wizard in self:
            duplicates = wizard._tilbago_duplicates() if wizard.case_id else []
            wizard.duplicate_warning = self.env._(
                "The case already has this file: %(files)s.", files=", ".join(duplicates)
            ) if duplicates else False

    def _compute_size_limit(self):
        text = self.env._(
            "Files up to %(limit)s; empty files are refused.",
            limit=tilbago_documents.human_size(tilbago_documents.MAX_ATTACHMENT_BYTES),
        )
        for wizard in self:
            wizard.size_limit = text

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("upload_filename"):
                # a NUL cannot even be stored; the rest is made safe with the document
                vals["upload_filename"] = vals["upload_filename"].replace("\x00", "")
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("upload_filename"):
            vals = dict(vals, upload_filename=vals["upload_filename"].replace("\x00", ""))
        return super().write(vals)

    # -- the action ----------------------------------------------------------------------
    def _tilbago_upload_content(self):
        """(name, bytes) of the uploaded file."""
        self.ensure_one()
        if not self.upload_file:
            if self.upload_filename:  # a file was chosen, but it has no content
                return self.upload_filename.strip(), b""
            raise UserError(self.env._("Choose the file to upload (field 'File')."))
        try:
            content = base64.b64decode(self.upload_file, validate=True)
        except (binascii.Error, ValueError):
            raise UserError(self.env._("The file could not be read (field 'File').")) from None
        return (self.upload_filename or "").strip() or self.env._("Document"), content

    def action_attach(self):
        self.ensure_one()
        case = self.case_id
        Document = self.env["tilbago.case.document"]
        if case.state == "closed":
            raise UserError(
                self.env._("The case %(case)s is closed: no document can be added.", case=case.name)
            )
        if self.source == "upload":
            name, content = self._tilbago_upload_content()
            problems = Document._tilbago_check_file(name, len(content))
            files = []
        else:
            if not self.attachment_ids:
                raise UserError(self.env._("Choose at least one file (field 'Files')."))
            foreign = self.attachment_ids - self.available_attachment_ids
            if foreign:
                raise UserError(
                    self.env._(
                        "Only the files of the case and of its invoices can be picked "
                        "(field 'Files'): %(names)s.",
                        names=", ".join(foreign.mapped("name")),
                    )
                )
            files = self.attachment_ids.sudo()
            problems = [
                problem
                for attachment in files
                for problem in Document._tilbago_check_file(attachment.name, attachment.file_size)
            ]
        duplicates = self._tilbago_duplicates()
        if duplicates:
            problems.append(Document._tilbago_duplicates_message(duplicates))
        if problems:
            raise UserError("\n".join(problems))
        if self.source == "upload":
            files = self.env["ir.attachment"].create(
                {
                    "name": name,
                    "raw": content,
                    "res_model": case._name,
                    "res_id": case.id,
                    "company_id": case.company_id.id,
                }
            )
        invoices = case.invoice_ids | case.claim_ids.invoice_id
        pdf_of = {invoice.invoice_pdf_report_id.id: invoice for invoice in invoices.sudo()}
        documents = Document.create(
            [
                {
                    "case_id": case.id,
                    "attachment_id": attachment.id,
                    "invoice_id": pdf_of[attachment.id].id if attachment.id in pdf_of else False,
                }
                for attachment in files
            ]
        )
        names = ", ".join(files.mapped("name"))
        if case.tilbago_id:
            documents._tilbago_upload()
        else:
            case.message_post(
                body=self.env._(
                    "Documents %(names)s attached; they are sent once the case is in tilbago.",
                    names=names,
                ),
                subtype_xmlid="mail.mt_note",
            )
        case._tilbago_store_files()
        failed = documents.filtered(lambda d: d.state == "error")
        if failed:
            params = {
                "title": self.env._("Not sent to tilbago"),
                "message": "\n".join(
                    "%s: %s" % (document.name, document.last_error) for document in failed
                )
                + "\n"
                + self.env._("The documents stay on the case: use Send Documents to try again."),
                "type": "danger",
                "sticky": True,
            }
        elif case.tilbago_id:
            params = {
                "title": self.env._("Sent to tilbago"),
                "message": self.env._(
                    "%(names)s sent to tilbago (case %(case)s).", names=names, case=case.name
                ),
                "type": "success",
                "sticky": False,
            }
        else:
            params = {
                "title": self.env._("Attached"),
                "message": self.env._(
                    "%(names)s attached to %(case)s; sent once the case is in tilbago.",
                    names=names,
                    case=case.name,
                ),
                "type": "info",
                "sticky": False,
            }
        params["next"] = {"type": "ir.actions.act_window_close"}
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
