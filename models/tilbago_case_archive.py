# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The dossier of a case (what the PDF shows) and its final archive.

When a case is finished, *Archive* writes into the case's files folder an ``archive``
folder: ``case.json`` (the case with its claims, statement, costs, history and
deadlines), ``dossier.pdf`` and every document. The case is then marked archived.

tilbago's API has no endpoint to delete a case: the action says so and leaves an
activity to delete it in tilbago by hand. Nothing pretends to delete it remotely.
"""

import json
import os

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError

from ..tilbago import storage as tilbago_storage
from ..tilbago.status import FINISHED_STAGES as FINISHED_STATES

ACTIVITY_DELETE = "l10n_ch_tilbago.mail_activity_tilbago_delete_remote"
DOSSIER_REPORT = "l10n_ch_tilbago.action_report_tilbago_case_dossier"
ARCHIVE_FOLDER = "archive"


def _iso(value):
    return value.isoformat() if value else None


class TilbagoCase(models.Model):
    _inherit = "tilbago.case"

    tilbago_archived = fields.Boolean(string="Archived", readonly=True, copy=False, index=True)
    tilbago_archive_date = fields.Datetime(string="Archived On", readonly=True, copy=False)
    tilbago_archive_folder = fields.Char(string="Archive Folder", readonly=True, copy=False)

    # -- what the dossier shows -----------------------------------------------------
    def _tilbago_dossier_reminders(self):
        """The reminders sent before the request (``tilbago.reminder``): invoice, level,
        date and channel, the oldest first."""
        self.ensure_one()
        reminders = self.env["tilbago.reminder"].sudo().search(
            [("move_id", "in", self.claim_ids.invoice_id.ids)], order="date, id"
        )
        channels = dict(reminders._fields["channel"]._description_selection(self.env))
        return [
            {"invoice": reminder.move_id.name, "level": reminder.level_id.name,
             "date": reminder.date, "channel": channels.get(reminder.channel, "")}
            for reminder in reminders
        ]

    def _tilbago_dossier_activities(self):
        """Open deadlines (activities) of the case, the nearest first."""
        self.ensure_one()
        return self.activity_ids.sorted(lambda a: (a.date_deadline, a.id))

    # -- archive --------------------------------------------------------------------
    def _tilbago_archive_summary(self):
        """What ``archive/case.json`` holds: the case as the files folder has it, with the
        statement, the costs, the deadlines and the payments."""
        self.ensure_one()
        summary = self._tilbago_storage_summary()
        statement = self._tilbago_statements()[self.id].as_chf()
        summary.update({
            "archived_on": fields.Datetime.to_string(fields.Datetime.now()),
            "statement": json.loads(json.dumps(statement, default=str)),
            "costs": [
                {"date": _iso(cost.date), "description": cost.description,
                 "kind": cost.kind, "amount": cost.amount}
                for cost in self.cost_ids
            ],
            "activities": [
                {"type": act.activity_type_id.name, "summary": act.summary or None,
                 "deadline": _iso(act.date_deadline), "user": act.user_id.name}
                for act in self._tilbago_dossier_activities()
            ],
            "reminders": [
                dict(row, date=_iso(row["date"])) for row in self._tilbago_dossier_reminders()
            ],
            "history": self._tilbago_storage_history(),
        })  # fmt: skip
        return summary

    def _tilbago_check_archivable(self):
        for case in self:
            if case.tilbago_archived:
                raise UserError(self.env._("The case %(case)s is archived already.",
                                           case=case.display_name))
            if case.state not in FINISHED_STATES:
                states = dict(self._fields["state"]._description_selection(self.env))
                raise UserError(self.env._(
                    "Only a finished case can be archived (field '%(field)s': closed or "
                    "certificate of loss); %(case)s is %(state)s.",
                    field=self._fields["state"]._description_string(self.env),
                    case=case.display_name,
                    state=states.get(case.state, case.state),
                ))
            if not (case.company_id.tilbago_storage_path or "").strip():
                raise UserError(self.env._(
                    "The case %(case)s cannot be archived: set the '%(field)s' in "
                    "%(settings)s first.",
                    case=case.display_name,
                    field=case.company_id._tilbago_label("tilbago_storage_path"),
                    settings=self.env["res.company"]._tilbago_settings_path(),
                ))

    def action_tilbago_archive(self):
        """Write the final archive of each finished case and mark it archived."""
        self._tilbago_check_archivable()
        for case in self:
            case._tilbago_write_archive()
        message = self.env._(
            "%(count)s case(s) archived in the case files folder. tilbago's API cannot "
            "delete a case: delete it in tilbago yourself; an activity reminds you.",
            count=len(self),
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Archived"),
                "message": message,
                "type": "success",
                "sticky": True,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _tilbago_write_archive(self):
        self.ensure_one()
        self._tilbago_store_files(render_missing_pdf=True)
        if self.storage_error or not self.storage_folder:
            raise UserError(self.storage_error or self.env._(
                "The case files folder of %(case)s could not be written.",
                case=self.display_name,
            ))
        pdf, _type = self.env["ir.actions.report"]._render_qweb_pdf(DOSSIER_REPORT, self.ids)
        try:
            folder = tilbago_storage.safe_join(self.storage_folder, ARCHIVE_FOLDER)
            os.makedirs(folder, mode=0o750, exist_ok=True)
            documents = os.path.join(folder, "documents")
            os.makedirs(documents, mode=0o750, exist_ok=True)
            written = ["case.json", "dossier.pdf"]
            tilbago_storage.write_atomic(
                folder, "case.json",
                json.dumps(self._tilbago_archive_summary(), indent=2, ensure_ascii=False,
                           sort_keys=True, default=str).encode(),
            )
            tilbago_storage.write_atomic(folder, "dossier.pdf", pdf)
            taken = set()
            for _sub, name, _size, load in self._tilbago_storage_files(render_missing_pdf=True):
                filename = tilbago_storage.safe_name(name)
                stem, dot, ext = filename.rpartition(".")
                number = 1
                while filename.lower() in taken:
                    number += 1
                    filename = "%s (%d).%s" % (stem, number, ext) if dot else "%s (%d)" % (
                        filename, number)
                taken.add(filename.lower())
                tilbago_storage.write_atomic(documents, filename, load())
                written.append("documents/%s" % filename)
        except (OSError, ValueError) as error:
            raise UserError(self.env._(
                "The archive of %(case)s could not be written to %(folder)s: %(reason)s",
                case=self.display_name,
                folder=self.storage_folder,
                reason=getattr(error, "strerror", None) or str(error),
            )) from None
        self._tilbago_write({
            "tilbago_archived": True,
            "tilbago_archive_date": fields.Datetime.now(),
            "tilbago_archive_folder": folder,
        })
        no_delete = self.env._(
            "tilbago's API has no way to delete a case: the case is still in tilbago. "
            "Delete it there yourself (tilbago case ID %(id)s).",
            id=self.tilbago_id or "-",
        )
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul><p>%s</p>") % (
                self.env._("Final archive written to %(folder)s:", folder=folder),
                Markup("").join(Markup("<li>%s</li>") % name for name in written),
                no_delete,
            ),
            subtype_xmlid="mail.mt_note",
        )
        self.activity_schedule(
            ACTIVITY_DELETE, user_id=(self.user_id or self.env.user).id, note=no_delete
        )
        return written
