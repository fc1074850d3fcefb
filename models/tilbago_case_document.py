# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The documents of a case: which file a document may be, its safe name, its upload.

A document may only be a file of the case's company attached to the case or to one of
its invoices (the attach wizard attaches its uploads to the case), that the user who
creates it may read: checked in ``create``/``write`` as that user, so an RPC call, an
import or a server action gets the same rule as the wizard. Only such a file is read as
superuser afterwards (to send it while the user has no right on the invoice's PDF field,
to mirror it into the case folder). Its name is made safe once, when the document is
created, and can be changed until it is sent; a document not sent can be removed.
No exception other than tilbago's own escapes an upload: a failure is the document's
*Error* state, with the reason in words.
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tilbago import documents as tilbago_documents
from ..tilbago import exceptions as tilbago_exceptions
from ..tilbago import storage as tilbago_storage

_logger = logging.getLogger(__name__)


#: what tilbago answered for a document: written by the addon only (in superuser
#: mode, see tilbago_evidence.py for why ``env.su`` and not a context key)
DOCUMENT_EVIDENCE = ("state", "tilbago_attachment_id", "date_sent", "last_error")


class TilbagoCaseDocument(models.Model):
    _name = "tilbago.case.document"
    _description = "Debt Enforcement Case Document"
    _order = "case_id, id"
    _check_company_auto = True

    case_id = fields.Many2one(
        "tilbago.case", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    attachment_id = fields.Many2one("ir.attachment", required=True, ondelete="restrict")
    name = fields.Char(
        string="File Name",
        compute="_compute_name",
        store=True,
        readonly=False,
        help="The name the file is sent to tilbago and written to the case folder with, "
        "made safe when the document is created (no folder part, no control character). "
        "It can be changed until the document is sent.",
    )
    invoice_id = fields.Many2one("account.move", check_company=True)
    tilbago_attachment_id = fields.Char(string="tilbago Attachment ID", readonly=True)
    state = fields.Selection(
        [("to_send", "To Send"), ("sent", "Sent"), ("error", "Error")],
        default="to_send",
        required=True,
        readonly=True,
    )
    date_sent = fields.Datetime(readonly=True)
    last_error = fields.Text(readonly=True)

    def _tilbago_upload(self):
        """Send the documents to tilbago; errors are kept on each document."""
        by_company = {}
        for document in self.filtered(lambda d: d.state != "sent" and d.case_id.tilbago_id):
            by_company.setdefault(document.company_id, self.browse())
            by_company[document.company_id] |= document
        for company, documents in by_company.items():
            try:
                client = self.env["tilbago.case"]._tilbago_client_for(company)
            except (UserError, ValueError) as error:
                documents.sudo().write({"state": "error", "last_error": str(error.args[0])})
                continue
            try:
                for document in documents:
                    document._tilbago_upload_one(client)
            finally:
                close = getattr(client, "close", None)
                if close:
                    close()
        return True

    @api.model
    def _tilbago_check_file(self, name, size):
        """The reasons (in words) why a file cannot go to tilbago: empty, too large."""
        return [
            self.env["tilbago.case"]._tilbago_translate_problem(problem)
            for problem in tilbago_documents.check_document(name, size)
        ]

    def action_retry(self):
        """Send the documents in error again (the reason stays shown until it works)."""
        documents = self.filtered(lambda d: d.state != "sent")
        if not documents.case_id.filtered("tilbago_id"):
            raise UserError(
                self.env._("The case is not in tilbago yet: its documents are sent once it is.")
            )
        documents._tilbago_upload()
        documents.case_id._tilbago_store_files()
        return True

    def _tilbago_check_evidence(self, vals):
        if self.env.su:
            return
        protected = set(vals) & set(DOCUMENT_EVIDENCE)
        if protected:
            raise AccessError(
                self.env._(
                    "%(fields)s of a case document are written by the debt collection "
                    "module only: they record what tilbago answered.",
                    fields=", ".join(
                        sorted("'%s'" % self._fields[f]._description_string(self.env)
                               for f in protected)
                    ),
                )
            )
        if {"case_id", "attachment_id"} & set(vals) and any(
            document.state == "sent" for document in self
        ):
            raise UserError(
                self.env._(
                    "A document already sent to tilbago cannot be moved to another file or "
                    "case."
                )
            )

    @api.depends("attachment_id")
    def _compute_name(self):
        # stored, so computed as superuser: only the name of a file the document may be
        for document in self:
            if document.name:
                continue
            problem = self._tilbago_attachment_problem(document.case_id, document.attachment_id)
            document.name = tilbago_storage.safe_document_name(
                False if problem else document.attachment_id.name, default=self.env._("document")
            )

    # -- which file a document may be --------------------------------------------------
    @api.model
    def _tilbago_attachment_problem(self, case, attachment):
        """Why ``attachment`` cannot be a document of ``case`` (words), or False.

        It must be a file of the case's company attached to the case or to one of its
        invoices (the invoice PDFs included; the attach wizard attaches uploads to the
        case). Checked as superuser: who may read it is checked by the caller.
        """
        case, attachment = case.sudo(), attachment.sudo()
        if not attachment.exists():
            return self.env._("the file does not exist (any more)")
        if attachment.company_id and attachment.company_id != case.company_id:
            return self.env._("the file belongs to another company than the case")
        invoices = case.invoice_ids | case.claim_ids.invoice_id
        if not (
            (attachment.res_model == case._name and attachment.res_id == case.id)
            or (attachment.res_model == "account.move" and attachment.res_id in invoices.ids)
        ):
            return self.env._("only files attached to the case or to its invoices can be sent")
        if attachment.type != "binary":
            return self.env._("the file is a link, not a file")
        return False

    @api.model
    def _tilbago_check_attachment(self, case, attachment):
        """Refuse ``attachment`` as a document of ``case`` for the current user."""
        problem = self._tilbago_attachment_problem(case, attachment)
        if problem:
            # the file's name is not shown: the user may not be allowed to read it
            raise AccessError(
                self.env._(
                    "The file (attachment ID %(id)s) cannot be a document of the case "
                    "%(case)s: %(reason)s.",
                    id=attachment.id,
                    case=case.sudo().name,
                    reason=problem,
                )
            )
        if self.env.su:
            return
        attachment = attachment.with_env(self.env)
        try:
            attachment.check_access("read")
            attachment.check("read")
        except AccessError:
            raise AccessError(
                self.env._(
                    "You are not allowed to read the file (attachment ID %(id)s): it "
                    "cannot be sent to tilbago.",
                    id=attachment.id,
                )
            ) from None

    # -- the same file is never attached twice -------------------------------------------
    @api.model
    def _tilbago_known_files(self, case, exclude=None):
        """``{checksum: name}`` of the files ``case`` has as documents (but ``exclude``)."""
        return {
            attachment.checksum: attachment.name
            for attachment in (case.document_ids - (exclude or self.browse()))
            .attachment_id.sudo()
            if attachment.checksum
        }

    @api.model
    def _tilbago_duplicates(self, case, files, known=None):
        """Of ``files`` (``(name, checksum)`` pairs), those whose content ``case`` already
        has, as "new name (already attached as old name)"."""
        if known is None:
            known = self._tilbago_known_files(case)
        return [
            self.env._(
                "%(name)s (already attached as %(existing)s)",
                name=name,
                existing=known[checksum],
            )
            for name, checksum in files
            if checksum and checksum in known
        ]

    @api.model
    def _tilbago_duplicates_message(self, duplicates):
        return self.env._(
            "The case already has this file, it is not attached twice: %(files)s.",
            files=", ".join(duplicates),
        )

    @api.model_create_multi
    def create(self, vals_list):
        # checked as the user before anything reads the file as superuser (its name)
        known = {}  # case -> {checksum: name}, the files each case has or is given
        for vals in vals_list:
            self._tilbago_check_evidence(vals)
            case = self.env["tilbago.case"].browse(vals.get("case_id"))
            attachment = self.env["ir.attachment"].browse(vals.get("attachment_id"))
            self._tilbago_check_attachment(case, attachment)
            if case.state == "closed":
                raise UserError(
                    self.env._("The case %(case)s is closed: no document can be added.",
                      case=case.sudo().name)
                )
            if case not in known:
                known[case] = self._tilbago_known_files(case)
            name, checksum = attachment.sudo().name, attachment.sudo().checksum
            duplicates = self._tilbago_duplicates(case, [(name, checksum)], known[case])
            if duplicates:
                raise UserError(self._tilbago_duplicates_message(duplicates))
            if checksum:
                known[case][checksum] = name
            if vals.get("name"):
                vals["name"] = tilbago_storage.safe_document_name(
                    vals["name"], default=self.env._("document")
                )
        return super().create(vals_list)

    def write(self, vals):
        self._tilbago_check_evidence(vals)
        if "name" in vals:
            if any(document.state == "sent" for document in self):
                raise UserError(self.env._("A document already sent to tilbago cannot be renamed."))
            name = tilbago_storage.safe_document_name(vals["name"], default=self.env._("document"))
            vals = dict(vals, name=name)
        if "case_id" in vals or "attachment_id" in vals:
            for document in self:
                case = self.env["tilbago.case"].browse(vals.get("case_id", document.case_id.id))
                attachment = self.env["ir.attachment"].browse(
                    vals.get("attachment_id", document.attachment_id.id)
                )
                self._tilbago_check_attachment(case, attachment)
                duplicates = self._tilbago_duplicates(
                    case, [(attachment.sudo().name, attachment.sudo().checksum)],
                    self._tilbago_known_files(case, exclude=document),
                )
                if duplicates:
                    raise UserError(self._tilbago_duplicates_message(duplicates))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        for document in self:
            if document.state == "sent":
                raise UserError(
                    self.env._(
                        "The document %(name)s is in tilbago already: it cannot be removed.",
                        name=document.name,
                    )
                )

    def action_remove(self):
        """Remove documents not sent (e.g. one in error that will never go)."""
        cases = self.case_id
        self.unlink()
        cases._tilbago_store_files()
        return True

    def _tilbago_upload_one(self, client):
        self.ensure_one()
        name = self.name
        problem = self._tilbago_attachment_problem(self.case_id, self.attachment_id)
        if problem:
            words = self.env._("This file cannot be sent: %(reason)s.", reason=problem)
            return self._tilbago_fail(words, not_sent=True)
        # checked when the document was created: read as superuser from here on
        attachment = self.attachment_id.sudo()
        content = attachment.raw or b""
        problems = self._tilbago_check_file(name, len(content))
        if problems:
            return self._tilbago_fail("\n".join(problems), not_sent=True)
        try:
            attachment_id = client.add_attachment(self.case_id.tilbago_id, name, content)
        except tilbago_exceptions.TilbagoError as error:
            _kind, words = self.case_id._tilbago_error_text(error)
            _logger.info(
                "tilbago case %s: document %s not sent: %s", self.case_id.name, self.id,
                error.detail or type(error).__name__,
            )
            return self._tilbago_fail(words)
        except (ValueError, TypeError, OSError, UnicodeError) as error:
            # never a traceback after the case is in tilbago: the document says why
            _logger.warning(
                "tilbago case %s: document %s not sent (%s)",
                self.case_id.name, self.id, type(error).__name__,
            )
            words = self.env._(
                "The file could not be sent under the name %(name)s (%(reason)s): rename "
                "the document, or remove it, then use Send Documents.",
                name=name,
                reason=str(error) or type(error).__name__,
            )
            return self._tilbago_fail(words)
        self.sudo().write(
            {
                "state": "sent",
                "tilbago_attachment_id": attachment_id,
                "date_sent": fields.Datetime.now(),
                "last_error": False,
            }
        )
        self.case_id.message_post(
            body=self.env._(
                "Document %(name)s sent to tilbago (attachment ID %(id)s).",
                name=name,
                id=attachment_id,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def _tilbago_fail(self, words, not_sent=False):
        """Keep the reason on the document (state Error) and in the case's chatter."""
        self.sudo().write({"state": "error", "last_error": words})
        if not_sent:
            body = self.env._(
                "The document %(name)s was not sent to tilbago: %(reason)s",
                name=self.name,
                reason=words,
            )
        else:
            body = self.env._(
                "The document %(name)s could not be sent to tilbago: %(reason)s",
                name=self.name,
                reason=words,
            )
        self.case_id.message_post(body=body, subtype_xmlid="mail.mt_note")
        return False
