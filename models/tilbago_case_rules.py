# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rules of a debt enforcement case enforced by the model itself.

- the evidence (state, request as sent, tilbago's id and status, claims, history) is
  written by the addon only (``tilbago_evidence.py``); a manager may type the tilbago
  id of a case tilbago refused as a duplicate, and confirm it;
- the invoices are linked to a case by the addon only, once tilbago has it;
- the status refresh of the cron and of a user lock the cases they work on, skipping
  those another transaction holds (``FOR UPDATE SKIP LOCKED``).
"""

import logging

from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tilbago import exceptions as tilbago_exceptions
from .res_company import MANAGER_GROUP

_logger = logging.getLogger(__name__)


class TilbagoCase(models.Model):
    _inherit = "tilbago.case"

    @api.model
    def _tilbago_lock_batch(self, domain, limit):
        """The next ``limit`` cases of ``domain`` no one else is working on, locked.

        ``FOR UPDATE SKIP LOCKED``: a case a user is refreshing right now (its row is
        locked by that transaction) is left for a later batch instead of making the
        whole batch fail with a serialization failure when both write it.
        """
        self.flush_model()
        query = self._search(domain, limit=limit, order="last_sync asc nulls first, id")
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    SQL("%s FOR UPDATE SKIP LOCKED", query.select()), log_exceptions=False
                )
                ids = [row[0] for row in self.env.cr.fetchall()]
        except SerializationFailure:
            # a case was written and committed since this run began: the next run
            _logger.info("tilbago: cases changed while the status refresh began; later")
            return self.browse()
        return self.browse(ids)

    def _tilbago_lock_free(self):
        """The cases of ``self`` that no other transaction is working on, locked."""
        if not self.ids:
            return self
        return self._tilbago_lock_batch([("id", "in", self.ids)], None)

    def _tilbago_may_confirm_id(self):
        """A manager, on cases tilbago refused as duplicates (the id is typed by hand)."""
        return (self.env.su or self.env.user.has_group(MANAGER_GROUP)) and all(
            case.state == "error" and case.error_kind == "duplicate" for case in self
        )

    def _tilbago_user_may_write(self, fnames):
        if "tilbago_id" in fnames and self._tilbago_may_confirm_id():
            return {"tilbago_id"}  # tracked: the chatter shows who typed it
        return set()

    def action_set_tilbago_id(self):
        """Record the tilbago id a manager found in tilbago after a duplicate refusal.

        The id stays confirmed even when the status cannot be read right away: the
        reason is noted on the case and the next refresh reads it.
        """
        if not self._tilbago_may_confirm_id():
            raise UserError(
                self.env._(
                    "Only a debt collection manager can confirm the tilbago case ID, "
                    "and only of a case tilbago refused as already existing."
                )
            )
        for case in self:
            if not case.tilbago_id:
                raise UserError(
                    self.env._("Enter the tilbago case ID found in tilbago first (field "
                      "'tilbago Case ID').")
                )
            case._tilbago_write(
                {
                    "state": "submitted",
                    "error_kind": False,
                    "last_error": False,
                    "error_detail": False,
                    "outcome_unknown": False,
                    "date_sent": case.date_sent or fields.Datetime.now(),
                }
            )
            case._tilbago_link_invoices()
            case.message_post(
                body=self.env._(
                    "tilbago case ID %(id)s confirmed by hand by %(user)s (the case was "
                    "already in tilbago).",
                    id=case.tilbago_id,
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
            try:
                with case._tilbago_client() as client, self.env.cr.savepoint():
                    case._tilbago_refresh_one(client)
            except (tilbago_exceptions.TilbagoError, UserError, ValueError) as error:
                if isinstance(error, tilbago_exceptions.TilbagoError):
                    _kind, words = case._tilbago_error_text(error)
                else:
                    words = error.args[0] if error.args else str(error)
                case.message_post(
                    body=self.env._(
                        "The status of the case could not be read yet: %(reason)s",
                        reason=words,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return True

    def _tilbago_link_invoices(self):
        """Link the invoices of the claims to the case (the addon only, once sent)."""
        self.ensure_one()
        self.claim_ids.invoice_id.sudo().write({"tilbago_case_id": self.id})
