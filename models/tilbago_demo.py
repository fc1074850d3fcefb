# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo cases (demo/tilbago_case_demo.xml) and how they become real in the sandbox.

A demo case is prepared by the requisition wizard like any other case, then marked as
sent with a placeholder tilbago id (``DEMO_ID_PREFIX`` + its external reference) and
taken through its statuses by the same code as a real status answer. The demo data is
loaded when no sandbox runs (the sandbox of ``tools/run`` is a separate process with its
own data file), so the sandbox cannot know these cases yet: the first time a demo case
talks to a *sandbox* (Refresh Status, the hourly cron, Attach Document), its saved
request is sent to the sandbox, the sandbox is moved to the case's status, and the
placeholder is replaced by the sandbox's id. A company in production never does this.
"""

import logging
from datetime import timedelta

import requests

from odoo import api, fields, models

from ..tilbago import exceptions as tilbago_exceptions
from ..tilbago import status as tilbago_status
from ..tilbago.client import CaseStatus, case_path, sandbox_url

_logger = logging.getLogger(__name__)

#: tilbago id of a demo case the sandbox has not been told about yet
DEMO_ID_PREFIX = "demo-"


class TilbagoCase(models.Model):
    _inherit = "tilbago.case"

    # -- demo data -----------------------------------------------------------------------
    @api.model
    def _tilbago_demo_create(self, invoice_ids, codes=(), days_ago=30, review=False,
                             error=None, document_ids=()):
        """Create a demo case for ``invoice_ids`` through the requisition wizard.

        :param codes: tilbago status codes the case went through, oldest first (empty:
            not sent)
        :param error: words of a failed send (the case stays in error, to retry)
        :param document_ids: ir.attachment ids kept as documents of the case (sent)
        :return: the case
        """
        invoices = self.env["account.move"].browse(invoice_ids)
        wizard_model = self.env["tilbago.requisition.wizard"].with_company(invoices.company_id)
        warnings = wizard_model._tilbago_check_invoices(invoices)
        wizard = wizard_model.create(wizard_model._tilbago_defaults(invoices, warnings))
        wizard.review_in_tilbago = review
        wizard.attachment_ids = [fields.Command.set(list(document_ids))]
        case = wizard._tilbago_save_case()
        sent_on = fields.Datetime.subtract(fields.Datetime.now(), days=days_ago)
        if error:
            case._tilbago_set_error(tilbago_exceptions.TransportError(error))
            case._tilbago_write({"send_attempts": 1})
            return case
        if not codes:
            return case
        case._tilbago_write(
            {
                "tilbago_id": DEMO_ID_PREFIX + case.external_ref,
                "state": "review" if review else "submitted",
                "date_sent": sent_on,
                # the file was opened when the request went out, not on the install day
                "date_start": fields.Date.to_date(sent_on),
            }
        )
        case._tilbago_link_invoices()
        case._tilbago_add_history(
            case.state, False, self.env._("Request sent to tilbago"), False
        )
        for code in codes:
            entry = tilbago_status.CODES[code]
            case._tilbago_apply_status(
                CaseStatus(code, tilbago_status.describe(code), entry.eschkg_code)
            )
        case.document_ids.sudo().write({"state": "sent", "date_sent": sent_on})
        # the history as it happened: evenly spread from the sending day to yesterday
        lines = case.history_ids.sorted("id")
        step = timedelta(days=max(days_ago - 1, 0) / max(len(lines) - 1, 1))
        for index, line in enumerate(lines):
            line._tilbago_write({"date": sent_on + step * index})
        case._tilbago_write({"last_sync": lines[-1].date})
        return case

    # -- the sandbox learns the demo cases ---------------------------------------------------
    def _tilbago_demo_pending(self):
        """Demo cases of a sandbox company the sandbox does not know yet."""
        return self.filtered(
            lambda c: (c.tilbago_id or "").startswith(DEMO_ID_PREFIX)
            and c.company_id.tilbago_environment == "sandbox"
        )

    def _tilbago_demo_to_sandbox(self):
        """Open each pending demo case in the sandbox at its status; best effort."""
        for case in self._tilbago_demo_pending():
            code = case.tilbago_status_code or "002"
            payload_case = case._tilbago_payload_case()
            try:
                with case._tilbago_client() as client:
                    tilbago_id = client.create_case(payload_case)
                if code != payload_case.status and code in tilbago_status.CODES:
                    response = requests.post(
                        sandbox_url(
                            case.company_id.sudo()._tilbago_url(),
                            "%s/advance" % case_path(tilbago_id),
                        ),
                        params={"to": code},
                        timeout=10,
                    )
                    response.raise_for_status()
            except (tilbago_exceptions.TilbagoError, requests.RequestException) as error:
                _logger.warning("tilbago demo case %s not opened in the sandbox: %s",
                                case.name, error)
                continue
            case._tilbago_write({"tilbago_id": tilbago_id})
            case.message_post(
                body=self.env._(
                    "Demo case opened in the tilbago sandbox (case ID %(id)s).", id=tilbago_id
                ),
                subtype_xmlid="mail.mt_note",
            )
            sent = case.document_ids.filtered(lambda d: d.state == "sent")
            sent.sudo().write({"state": "to_send"})
            sent._tilbago_upload()

    def _tilbago_refresh(self):
        self._tilbago_demo_to_sandbox()
        return super()._tilbago_refresh()


class TilbagoCaseDocument(models.Model):
    _inherit = "tilbago.case.document"

    def _tilbago_upload(self):
        self.case_id._tilbago_demo_to_sandbox()
        return super()._tilbago_upload()
