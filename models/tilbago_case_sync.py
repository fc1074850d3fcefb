# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Where each debt enforcement case stands in tilbago: reading and writing its status.

A user's *Refresh Status* and the hourly job read the statuses through
``tilbago.sync`` (many requests in flight, no database work in the threads), then write
them in batch; each status that moved leaves a history line and a chatter note.
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tilbago import exceptions as tilbago_exceptions
from ..tilbago import status as tilbago_status
from ..tilbago import sync as tilbago_sync

_logger = logging.getLogger(__name__)

#: the scheduled sync's batches: requests per connection, and the least cases per batch
SYNC_ROUNDS_PER_BATCH = 50
SYNC_MIN_BATCH = 100


class TilbagoCase(models.Model):
    _inherit = "tilbago.case"

    @api.model
    def _tilbago_state_from_code(self, code):
        """The case state of a status code: its stage (every stage is a case state)."""
        return tilbago_status.classify(code) or "unknown"

    def _tilbago_add_history(self, state, code, description, eschkg_code):
        self.ensure_one()
        return self.env["tilbago.case.history"].sudo().create(
            {
                "case_id": self.id,
                "state": state,
                "status_code": code or False,
                "description": description or False,
                "eschkg_code": eschkg_code or False,
            }
        )

    def _tilbago_apply_status(self, status):
        """Write a CaseStatus from tilbago; a history line when anything changed."""
        self.ensure_one()
        return bool(self._tilbago_apply_statuses({self: status}))

    def _tilbago_apply_statuses(self, statuses):
        """Write the CaseStatus of each case of ``statuses`` ({case: status}) in batch.

        Cases whose status did not move get their ``last_sync`` in one UPDATE. Those
        that moved are written grouped by what they get (one UPDATE per distinct
        status), their history lines in one ``create``, their chatter notes in one
        ``_message_log_batch`` per language, so a sync of many cases costs a few
        queries per moved case, not one ``message_post`` each. The state is not tracked
        for these writes: the note says the new status, the history keeps every step.
        Returns the cases that moved.
        """
        now = fields.Datetime.now()
        cases = self.browse([case.id for case in statuses])
        moved = cases.filtered(lambda c: c._tilbago_status_changed(statuses[c]))
        (cases - moved)._tilbago_write({"last_sync": now})
        if not moved:
            return moved
        groups = {}
        history = []
        noted = self.browse()
        for case in moved:
            status = statuses[case]
            code = status.status_code or False
            description = status.description or False
            eschkg = status.eschkg_code or False
            state = case._tilbago_state_from_code(code or None)
            if state != case.state:
                noted |= case
            groups.setdefault((code, description, eschkg, state), self.browse())
            groups[(code, description, eschkg, state)] |= case
            history.append({"case_id": case.id, "state": state, "status_code": code,
                            "description": description, "eschkg_code": eschkg})
        for (code, description, eschkg, state), group in groups.items():
            group.with_context(mail_notrack=True)._tilbago_write({
                "last_sync": now,
                "tilbago_status_code": code,
                "tilbago_status_description": description,
                "tilbago_eschkg_code": eschkg,
                "state": state,
            })
        self.env["tilbago.case.history"].sudo().create(history)
        noted._tilbago_note_statuses(statuses)
        return moved

    def _tilbago_status_changed(self, status):
        """Whether ``status`` (a CaseStatus) says something the case does not know yet."""
        self.ensure_one()
        code = status.status_code or None
        return (
            code != (self.tilbago_status_code or None)
            or (status.eschkg_code or None) != (self.tilbago_eschkg_code or None)
            or self._tilbago_state_from_code(code) != self.state
        )

    def _tilbago_refresh_one(self, client):
        """Ask tilbago where the case stands; raises TilbagoError."""
        self.ensure_one()
        status = client.get_status(self.tilbago_id)
        self._tilbago_apply_status(status)
        self._tilbago_store_files()
        return status

    def _tilbago_refresh(self):
        """Refresh the status of ``self``, company by company.

        First every status is read, by ``tilbago.sync.read_statuses_with``: up to the
        company's *Status Reads at Once* requests in flight (one HTTP session per worker
        thread, the key read once per company, no database work in the threads), at most
        its *Status Reads per Second*, slowed down by a 429/503 answer. Then
        ``_tilbago_apply_statuses`` writes them in batch.
        Each case's error is logged without stopping the others.
        Returns (done, errors) where errors maps case -> words.
        """
        errors = {}
        done = self.browse()
        for company in self.company_id:
            cases = self.filtered(lambda c, co=company: c.company_id == co and c.tilbago_id)
            if not cases:
                continue
            try:
                client = self._tilbago_client_for(company)
            except (UserError, ValueError) as error:
                for case in cases:
                    errors[case] = error.args[0] if error.args else str(error)
                _logger.warning("tilbago: no client for company %s", company.name)
                continue
            statuses = {}
            report = tilbago_sync.read_statuses_with(
                client,
                cases.mapped("tilbago_id"),
                connections=company.tilbago_sync_connections or 1,
                rate=company.tilbago_sync_rate or None,
            )
            for case in cases:
                result = report.results.get(case.tilbago_id)
                if isinstance(result, tilbago_exceptions.TilbagoError):
                    _kind, words = case._tilbago_error_text(result)
                    errors[case] = words
                    _logger.warning(
                        "tilbago case %s: status refresh failed: %s (%s)",
                        case.name,
                        type(result).__name__,
                        result.detail or "-",
                    )
                elif result is not None:
                    statuses[case] = result
            answered = self.browse([case.id for case in statuses])
            answered._tilbago_apply_statuses(statuses)
            answered._tilbago_store_files()
            done |= answered
        return done, errors

    def action_refresh_status(self):
        cases = self.filtered("tilbago_id")
        if not cases:
            raise UserError(
                self.env._(
                    "None of the selected cases is in tilbago yet: there is no status to "
                    "ask for."
                )
            )
        free = cases._tilbago_lock_free()
        done, errors = free._tilbago_refresh()
        for case in cases - free:
            errors[case] = self.env._(
                "its status is being refreshed right now (by the scheduled job); try "
                "again in a minute."
            )
        if errors:
            message = "\n".join(
                "%s: %s" % (case.name, words) for case, words in errors.items()
            )
            if len(cases) == 1:
                raise UserError(message)
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": self.env._("Some statuses could not be refreshed"),
                    "message": message,
                    "type": "warning",
                    "sticky": True,
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        states = dict(self._fields["state"]._description_selection(self.env))
        if len(done) == 1:
            message = self.env._(
                "%(case)s is now %(state)s: %(status)s",
                case=done.name,
                state=states.get(done.state, done.state),
                status=done.tilbago_status_label or "-",
            )
        else:
            message = self.env._(
                "%(count)s case(s) refreshed from tilbago: %(states)s.",
                count=len(done),
                states=", ".join(
                    "%s %s" % (len(done.filtered(lambda c, s=state: c.state == s)), label)
                    for state, label in states.items()
                    if state in done.mapped("state")
                ),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Status refreshed"),
                "message": message,
                "type": "success",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _tilbago_sync_batch_size(self):
        """Cases per batch of the scheduled sync: ``SYNC_ROUNDS_PER_BATCH`` requests per
        connection of the company that reads most at once, at least
        ``SYNC_MIN_BATCH``. Each batch ends by waiting for its slowest answers and
        writes before the next one starts, so a batch must keep the connections busy
        for many round trips: with 8 connections at 50 ms, batches of 100 reached 0.70
        of what the network allows for 10,000 unchanged cases, batches of 400 0.81
        (benchmarks/README.md)."""
        connections = max(
            self.env["res.company"].sudo().search([]).mapped("tilbago_sync_connections")
            or [1]
        )
        return max(SYNC_MIN_BATCH, SYNC_ROUNDS_PER_BATCH * connections)

    @api.model
    def _cron_refresh_status(self, batch_size=None, min_age_minutes=50):
        """Hourly: refresh the open cases of every company, in committed batches
        (``batch_size`` cases, by default ``_tilbago_sync_batch_size``).

        Cases refreshed less than ``min_age_minutes`` ago are skipped, so a run that
        is rescheduled (Odoo's cron runs the job again while work remains) goes on with
        the cases not done yet. Progress is reported with ``ir.cron._notify_progress``;
        Odoo commits after each batch.
        """
        batch_size = batch_size or self._tilbago_sync_batch_size()
        limit_date = fields.Datetime.subtract(
            fields.Datetime.now(), minutes=min_age_minutes
        )
        domain = [
            ("state", "in", tilbago_status.FOLLOWED_STAGES),
            ("tilbago_id", "!=", False),
            "|",
            ("last_sync", "=", False),
            ("last_sync", "<", limit_date),
        ]
        Case = self.sudo().with_context(active_test=False)
        remaining = Case.search_count(domain)
        cases = Case._tilbago_lock_batch(domain, batch_size)
        done, errors = cases._tilbago_refresh()
        # cases in error are marked as looked at, so the next batch moves on
        failed = cases - done
        if failed:
            failed._tilbago_write({"last_sync": fields.Datetime.now()})
            for case, words in errors.items():
                case.message_post(
                    body=self.env._("Status refresh failed: %(reason)s", reason=words),
                    subtype_xmlid="mail.mt_note",
                )
        self.env["ir.cron"]._notify_progress(
            done=len(cases), remaining=max(remaining - len(cases), 0)
        )
        return len(cases), len(errors)

