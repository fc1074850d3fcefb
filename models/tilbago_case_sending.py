# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Sending a debt enforcement case to tilbago, and sending it again.

Sending is commit-safe: the case and its external reference are saved (and committed,
outside tests) before the request goes out, so an answer lost in transit never leads to a
second case in tilbago: a retry resends the very same request body, with the same
``externalRef``, and tilbago either creates the case or refuses the duplicate.
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tilbago import exceptions as tilbago_exceptions
from .tilbago_case import CASE_STATES

_logger = logging.getLogger(__name__)


def _in_test():
    from odoo.modules import module

    return bool(module.current_test)


class TilbagoCase(models.Model):
    _inherit = "tilbago.case"

    @api.model
    def _tilbago_commit(self):
        """Commit so that what was saved survives a crash of what follows (not in tests)."""
        if not _in_test():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _tilbago_send(self):
        """Send the saved request to tilbago; never raises for tilbago's answers.

        On success the case holds tilbago's id; on failure it is in state *error* with
        the reason in words. Returns True when tilbago opened the case.
        """
        self.ensure_one()
        if self.tilbago_id:
            raise UserError(
                self.env._(
                    "The case %(case)s is already in tilbago (ID %(id)s).",
                    case=self.display_name,
                    id=self.tilbago_id,
                )
            )
        from ..tilbago import validation as tilbago_validation

        payload_case = self._tilbago_payload_case()
        problems = tilbago_validation.validate_case(payload_case)
        if problems:
            self._tilbago_set_error(tilbago_exceptions.InvalidPayload(problems))
            return False
        try:  # the invoices again: one may have been paid since the case was saved
            self.claim_ids._check_tilbago_claims()
        except UserError as error:
            self._tilbago_set_config_error(error, kind="invalid")
            return False
        # a case left in "sending" (the worker died waiting) may have reached tilbago
        was_unknown = self.outcome_unknown or self.state == "sending"
        try:
            client = self._tilbago_client()
        except (UserError, ValueError) as error:
            self._tilbago_set_config_error(error)
            return False
        self._tilbago_write({"state": "sending", "send_attempts": self.send_attempts + 1})
        self._tilbago_commit()
        try:
            with client:
                tilbago_id = client.create_case(payload_case)
        except tilbago_exceptions.TilbagoError as error:
            self._tilbago_set_error(error, after_unknown=was_unknown)
            return False
        self._tilbago_mark_sent(tilbago_id)
        return True

    def _tilbago_set_config_error(self, error, kind="config"):
        self.ensure_one()
        words = error.args[0] if isinstance(error, UserError) else self.env._(
            "tilbago is not configured for %(company)s: %(reason)s",
            company=self.company_id.name,
            reason=str(error),
        )
        self._tilbago_write({"state": "error", "error_kind": kind, "last_error": words})
        self.message_post(
            body=self.env._("Sending to tilbago failed: %(reason)s", reason=words),
            subtype_xmlid="mail.mt_note",
        )

    def _tilbago_set_error(self, error, after_unknown=False):
        self.ensure_one()
        duplicate = isinstance(error, tilbago_exceptions.DuplicateReference)
        # without an earlier attempt of ours, something else took the reference
        kind, words = self._tilbago_error_text(
            error,
            template=error.FIRST_ATTEMPT if duplicate and not after_unknown else None,
        )
        unknown = self.outcome_unknown or kind in ("server", "transport", "protocol")
        detail = error.detail
        self._tilbago_write(
            {
                "state": "error",
                "error_kind": kind,
                "last_error": words,
                "error_detail": detail or False,
                "outcome_unknown": unknown and kind != "duplicate",
            }
        )
        self.message_post(
            body=self.env._("Sending to tilbago failed: %(reason)s", reason=words),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        _logger.info(
            "tilbago case %s: sending failed (%s)%s", self.name, kind,
            ": %s" % detail if detail else "",
        )  # the sentence may hold debtor data: only the technical detail is logged

    def _tilbago_mark_sent(self, tilbago_id):
        self.ensure_one()
        self._tilbago_write(
            {
                "tilbago_id": tilbago_id,
                "state": "review" if self.review_in_tilbago else "submitted",
                "date_sent": fields.Datetime.now(),
                "last_error": False,
                "error_detail": False,
                "error_kind": False,
                "outcome_unknown": False,
            }
        )
        self._tilbago_link_invoices()
        message = self.env._(
            "Debt collection request sent to tilbago: tilbago case ID %(id)s, external "
            "reference %(ref)s.",
            id=tilbago_id,
            ref=self.external_ref,
        )
        self.message_post(body=message, subtype_xmlid="mail.mt_note")
        for invoice in self.claim_ids.invoice_id:
            invoice.message_post(
                body=self.env._(
                    "Debt enforcement case %(case)s opened in tilbago (tilbago case ID "
                    "%(id)s).",
                    case=self.name,
                    id=tilbago_id,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._tilbago_add_history(
            self.state, False, self.env._("Request sent to tilbago"), False
        )
        self._tilbago_commit()
        # where tilbago put it (e.g. 002, waiting for the review): one GET, best effort
        try:
            with self._tilbago_client() as client, self.env.cr.savepoint():
                self._tilbago_refresh_one(client)
        except (tilbago_exceptions.TilbagoError, UserError, ValueError) as error:
            _logger.info("tilbago case %s: first status not read (%s)", self.name,
                         type(error).__name__)
        if self.company_id.tilbago_attach_invoice:
            self._tilbago_attach_invoices()
        else:
            # documents attached while the case was not in tilbago yet
            self.document_ids._tilbago_upload()
        self._tilbago_store_files(render_missing_pdf=True)

    def _tilbago_attach_invoices(self):
        """Render the invoices' PDFs, keep them as documents and send them to tilbago."""
        self.ensure_one()
        documents = self.env["tilbago.case.document"]
        for invoice in self.claim_ids.invoice_id:
            attachment = invoice.invoice_pdf_report_id
            if attachment and documents._tilbago_duplicates(
                self, [(attachment.name, attachment.sudo().checksum)]
            ):
                continue  # chosen with the request already: sent once
            if not attachment or documents._tilbago_attachment_problem(self, attachment):
                content, _type = self.env["ir.actions.report"].sudo()._render_qweb_pdf(
                    "account.account_invoices", invoice.ids
                )
                attachment = self.env["ir.attachment"].create(
                    {
                        "name": "%s.pdf" % (invoice.name or "invoice").replace("/", "_"),
                        "raw": content,
                        "mimetype": "application/pdf",
                        "res_model": self._name,
                        "res_id": self.id,
                        "company_id": self.company_id.id,
                    }
                )
            documents |= documents.create(
                {"case_id": self.id, "attachment_id": attachment.id, "invoice_id": invoice.id}
            )
        # with any document attached before the case reached tilbago
        self.document_ids._tilbago_upload()

    def action_retry(self):
        """Send the same request again (same external reference): never a second case."""
        for case in self:
            if case.state not in ("error", "draft", "sending") or case.tilbago_id:
                raise UserError(
                    self.env._(
                        "Only a case in error or draft can be sent again (%(case)s is "
                        "%(state)s).",
                        case=case.display_name,
                        state=dict(CASE_STATES)[case.state],
                    )
                )
            case._tilbago_send()
        if len(self) == 1:
            return self._tilbago_notify_result()
        return True

    def _tilbago_notify_result(self):
        self.ensure_one()
        if self.tilbago_id:
            params = {
                "title": self.env._("Sent to tilbago"),
                "message": self.env._(
                    "The debt collection request %(case)s is in tilbago: case ID %(id)s.",
                    case=self.name,
                    id=self.tilbago_id,
                ),
                "type": "success",
                "sticky": False,
            }
        else:
            params = {
                "title": self.env._("Not sent"),
                "message": self.last_error,
                "type": "danger",
                "sticky": True,
            }
        params["next"] = {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "current",
        }
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}

