# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The composer posting a batch of reminders computes each message's reply-to for the
whole batch."""

from odoo import models

from .account_move_reminder_mail import ATTACH_PDF_CONTEXT_KEY


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _prepare_mail_values_dynamic(self, res_ids):
        """In comment mode the composer leaves the reply-to to ``message_post``, which
        looks it up for one record at a time (an alias search per e-mail). For a batch
        of reminders (``ATTACH_PDF_CONTEXT_KEY``) it is computed here for all invoices
        at once, by the same method and with the same default (the sender each message
        is posted with), so each message gets the reply-to ``message_post`` would have
        given it."""
        values_all = super()._prepare_mail_values_dynamic(res_ids)
        if (
            not self.env.context.get(ATTACH_PDF_CONTEXT_KEY)
            or self.composition_mode != "comment"
            or self.reply_to_force_new
            or not self.model
        ):
            return values_all
        records = self.env[self.model].browse(res_ids)
        for email_from, ids in self._tilbago_group_by_email_from(values_all).items():
            reply_tos = records.browse(ids)._notify_get_reply_to(default=email_from)
            for res_id in ids:
                values_all[res_id]["reply_to"] = reply_tos[res_id]
        return values_all

    def _tilbago_group_by_email_from(self, values_all):
        """The ids of ``values_all`` by the sender they are posted with."""
        groups = {}
        for res_id, values in values_all.items():
            groups.setdefault(values.get("email_from"), []).append(res_id)
        return groups
