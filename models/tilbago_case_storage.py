# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The copy of each debt enforcement case in the company's Case Files Folder.

What is written, and how safely, is ``tilbago.storage``'s; this file gathers what the
case holds (its summary, its history, its files) and says on the case when the folder
could not be written.
"""

import json
import logging

from odoo import fields, models

from ..tilbago import storage as tilbago_storage
from .tilbago_case import CASE_STATES

_logger = logging.getLogger(__name__)


class TilbagoCase(models.Model):
    _inherit = "tilbago.case"

    def _tilbago_store_files(self, render_missing_pdf=False):
        """Mirror each case into its folder under the company's storage folder.

        Called after sending, after each status refresh and after documents are
        attached. Writes (see ``tilbago.storage``): ``request.json`` (the body as sent;
        the API key is never in it, and is masked should it ever appear), ``case.json``,
        ``history.csv`` / ``history.json``, the invoice PDFs under ``invoices/`` and the
        other documents under ``documents/``. Only what changed is written.

        Never raises for the disk: an unwritable folder is logged and shown on the case
        (``storage_error``), the send or the sync goes on. ``render_missing_pdf`` (on
        send) renders the PDF of an invoice that has none yet.
        """
        cases = self.filtered(lambda c: c.company_id.tilbago_storage_path)
        (self - cases).filtered("storage_error")._tilbago_write({"storage_error": False})
        if not cases:
            return True
        keys = {
            company: company.sudo().tilbago_api_key for company in cases.company_id
        }
        for case in cases:
            root = case.company_id.tilbago_storage_path.strip()
            try:
                folder, _written = tilbago_storage.mirror_case(
                    root,
                    case.name,
                    summary=case._tilbago_storage_summary(),
                    request=json.loads(case.request_payload) if case.request_payload else None,
                    history=case._tilbago_storage_history(),
                    files=case._tilbago_storage_files(render_missing_pdf),
                    secrets=(keys[case.company_id],),
                )
            except (OSError, ValueError) as error:
                reason = getattr(error, "strerror", None) or str(error)
                words = self.env._(
                    "The case files could not be written to the folder %(folder)s "
                    "(%(reason)s). The case itself is not affected; a manager must check "
                    "the Case Files Folder in %(settings)s, or give the Odoo server write "
                    "access to it.",
                    folder=root,
                    reason=reason,
                    settings=self.env["res.company"]._tilbago_settings_path(),
                )
                _logger.warning(
                    "tilbago case %s: case files not written to %s: %s", case.name, root, reason
                )
                if case.storage_error != words:
                    case._tilbago_write({"storage_error": words})
                continue
            vals = {}
            if case.storage_error:
                vals["storage_error"] = False
            if case.storage_folder != folder:
                vals["storage_folder"] = folder
            if vals:
                case._tilbago_write(vals)
        return True

    def _tilbago_storage_summary(self):
        """What ``case.json`` holds: the case now (no API key, no timestamp of the sync)."""
        self.ensure_one()
        state_labels = dict(CASE_STATES)
        return {
            "reference": self.name,
            "company": self.company_id.name,
            "debtor": self.partner_id.display_name,
            "tilbago_id": self.tilbago_id or None,
            "external_ref": self.external_ref,
            "state": self.state,
            "state_label": state_labels.get(self.state),
            "tilbago_status_code": self.tilbago_status_code or None,
            "tilbago_status_description": self.tilbago_status_description or None,
            "eschkg_code": self.tilbago_eschkg_code or None,
            "date_sent": fields.Datetime.to_string(self.date_sent) if self.date_sent else None,
            "currency": self.currency_id.name,
            "amount_claimed": self.amount_total,
            "claims": [
                {
                    "main": claim.is_main,
                    "external_ref": claim.external_ref or None,
                    "reason": claim.reason,
                    "amount": claim.amount,
                    "due_date": fields.Date.to_string(claim.due_date) if claim.due_date else None,
                    "interest_rate": claim.interest_rate,
                    "interest_from": fields.Date.to_string(claim.interest_from)
                    if claim.interest_from else None,
                    "collocation_class": claim.collocation_class,
                    "invoice": claim.invoice_id.name or None,
                }
                for claim in self.claim_ids
            ],
            "documents": [
                {
                    "name": document.name,
                    "invoice": document.invoice_id.name or None,
                    "tilbago_attachment_id": document.tilbago_attachment_id or None,
                    "state": document.state,
                    "error": document.last_error or None,
                }
                for document in self.document_ids
            ],
        }

    def _tilbago_storage_history(self):
        self.ensure_one()
        return [
            {
                "date": fields.Datetime.to_string(line.date),
                "state": line.state,
                "status_code": line.status_code or None,
                "description": line.description or None,
                "eschkg_code": line.eschkg_code or None,
            }
            for line in self.history_ids.sorted(lambda h: (h.date, h.id))
        ]

    def _tilbago_storage_files(self, render_missing_pdf=False):
        """``(subfolder, name, size, load)`` of the invoice PDFs and the documents."""
        self.ensure_one()
        files = []
        with_pdf = self.env["account.move"]
        Document = self.env["tilbago.case.document"]
        for document in self.document_ids.sorted("id"):
            if Document._tilbago_attachment_problem(self, document.attachment_id):
                continue  # not a file of this case: never copied into its folder
            # checked when the document was created: read as superuser
            attachment = document.attachment_id.sudo()
            subfolder = "invoices" if document.invoice_id else "documents"
            with_pdf |= document.invoice_id
            files.append(
                (subfolder, document.name, attachment.file_size, lambda a=attachment: a.raw or b"")
            )
        for invoice in self.claim_ids.invoice_id - with_pdf:
            name = "%s.pdf" % (invoice.name or "invoice")
            attachment = invoice.sudo().invoice_pdf_report_id
            if attachment:
                files.append(
                    ("invoices", name, attachment.file_size, lambda a=attachment: a.raw or b"")
                )
            elif render_missing_pdf:
                content, _type = self.env["ir.actions.report"].sudo()._render_qweb_pdf(
                    "account.account_invoices", invoice.ids
                )
                files.append(("invoices", name, len(content), lambda c=content: c))
        return files

