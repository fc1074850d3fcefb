# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One request of a batch (``tilbago.case.batch.line``): checked, queued, sent.

Each request is prefilled, checked and saved by the requisition wizard's own methods
(``_tilbago_check_invoices``, ``_tilbago_defaults``, ``problems``, ``_tilbago_save_case``)
and sent by the case's (``_tilbago_send``), so a batch follows every rule of the single
request. Its state follows its case: once the case exists, what tilbago answered, a retry
from the case included, shows on the line.

The job ``_cron_send_queued`` sends the queued requests a few at a time (Odoo runs it
again while some remain, with ``ir.cron._notify_progress``), committing after each case.
A case is sent only while its line is queued and it has no tilbago id; a run that stops
half-way leaves the line queued and its case *sending*: the next run sends the very same
request (same external reference), which tilbago never opens twice.
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .tilbago_case_sending import _in_test

_logger = logging.getLogger(__name__)

LINE_STATES = [
    ("problem", "Problem"),
    ("ready", "Ready"),
    ("queued", "Queued"),
    ("sent", "Sent"),
    ("error", "Error"),
]


class TilbagoCaseBatchLine(models.Model):
    _name = "tilbago.case.batch.line"
    _inherit = ["tilbago.evidence.mixin"]
    _description = "Debt Collection Request of a Batch"
    _order = "batch_id, sequence, id"
    _check_company_auto = True
    # the user ticks "Confirmed"; everything else is the module's (tilbago_evidence.py);
    # what the line shows of its case (tilbago's id and answer, the case's state) is
    # refused too, rather than silently dropped as Odoo does with a read-only field
    _tilbago_protected_fields = (
        "batch_id", "company_id", "sequence", "partner_id", "invoice_ids", "claim_count",
        "amount", "warnings", "problems", "has_problems", "to_send", "case_id",
        "send_error", "state", "tilbago_id", "case_state", "result",
    )  # fmt: skip

    batch_id = fields.Many2one(
        "tilbago.case.batch", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="batch_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="batch_id.currency_id")
    sequence = fields.Integer(default=10, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Debtor",
        compute="_compute_partner_amount",
        store=True,
        readonly=True,
    )
    invoice_ids = fields.Many2many(
        "account.move",
        "tilbago_case_batch_line_move_rel",
        "line_id",
        "move_id",
        string="Invoices",
        readonly=True,
        check_company=True,
    )
    claim_count = fields.Integer(
        string="Claims",
        compute="_compute_partner_amount",
        store=True,
        help="The invoices and their reminder fees: at most 10 claims in a request.",
    )
    amount = fields.Monetary(
        string="Amount Claimed",
        compute="_compute_partner_amount",
        store=True,
        help="What is still open on the invoices, with their reminder fees.",
    )
    warnings = fields.Text(readonly=True)
    problems = fields.Text(
        readonly=True,
        help="What stops the request, as the requisition wizard says it: correct the "
        "partner or the invoices, then 'Check Again'.",
    )
    has_problems = fields.Boolean(readonly=True)
    confirmed = fields.Boolean(
        help="Send this request with 'Send Confirmed'. Only a request without problems "
        "can be confirmed."
    )
    to_send = fields.Boolean(string="In the Queue", readonly=True, index=True)
    case_id = fields.Many2one(
        "tilbago.case",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    tilbago_id = fields.Char(related="case_id.tilbago_id", string="tilbago Case ID")
    case_state = fields.Selection(related="case_id.state", string="Case State")
    send_error = fields.Text(readonly=True)
    result = fields.Text(compute="_compute_result", help="What tilbago answered.")
    state = fields.Selection(
        LINE_STATES, compute="_compute_state", store=True, readonly=True, index=True
    )

    @api.depends("invoice_ids")
    def _compute_partner_amount(self):
        for line in self:
            invoices = line.invoice_ids
            fees = invoices.mapped("tilbago_reminder_fee")
            line.partner_id = invoices.commercial_partner_id[:1]
            line.claim_count = len(invoices) + len([fee for fee in fees if fee > 0])
            line.amount = sum(invoices.mapped("amount_residual")) + sum(fees)

    @api.depends("has_problems", "to_send", "case_id.tilbago_id", "case_id")
    def _compute_state(self):
        for line in self:
            if line.case_id.tilbago_id:
                line.state = "sent"
            elif line.to_send:
                line.state = "queued"
            elif line.case_id:
                line.state = "error"
            elif line.has_problems:
                line.state = "problem"
            else:
                line.state = "ready"

    @api.depends("case_id.last_error", "send_error", "case_id.tilbago_id")
    def _compute_result(self):
        for line in self:
            case = line.case_id.sudo()
            if case.tilbago_id:
                line.result = self.env._(
                    "Sent: tilbago case ID %(id)s.", id=case.tilbago_id
                )
            else:
                line.result = case.last_error or line.send_error or False

    @api.constrains("confirmed", "has_problems")
    def _check_confirmed(self):
        for line in self:
            if line.confirmed and line.has_problems and not line.case_id:
                raise ValidationError(
                    self.env._(
                        "The request against %(debtor)s cannot be confirmed: it has "
                        "problems (field 'Problems'):\n%(problems)s",
                        debtor=line.partner_id.display_name,
                        problems=line.problems,
                    )
                )

    def write(self, vals):
        if "confirmed" in vals and not self.env.su:
            self.batch_id._tilbago_check_may_send()
            saved = self.filtered("case_id")
            if saved:
                raise UserError(
                    self.env._(
                        "The request against %(debtor)s is saved as the case %(case)s "
                        "already: follow it there (field 'Confirmed').",
                        debtor=saved[0].partner_id.display_name,
                        case=saved[0].case_id.display_name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_saved(self):
        for line in self:
            if line.case_id:
                raise UserError(
                    self.env._(
                        "The request against %(debtor)s is saved as the case %(case)s: "
                        "it stays in the batch.",
                        debtor=line.partner_id.display_name,
                        case=line.case_id.display_name,
                    )
                )

    # ================================================================= check
    def _tilbago_check(self, keep=False):
        """Prefill and check each request as the requisition wizard does; write the
        problems on the line. With ``keep``, returns {line: wizard} of the requests
        whose invoices may be prosecuted (the wizard holds the request, problems or
        not); else the wizards are deleted."""
        Wizard = self.env["tilbago.requisition.wizard"]
        Batch = self.env["tilbago.case.batch"]
        checked = []
        for line in self:
            invoices = Batch._tilbago_sorted(line.invoice_ids)
            try:
                warnings = Wizard._tilbago_check_invoices(invoices)
            except UserError as error:
                line._tilbago_write(
                    {"problems": error.args[0], "has_problems": True, "warnings": False,
                     "confirmed": False}
                )  # fmt: skip
                continue
            checked.append((line, invoices, warnings))
        wizards = Wizard.create(
            [Wizard._tilbago_defaults(invoices, warnings) for _l, invoices, warnings in checked]
        )
        result = {}
        for (line, _invoices, warnings), wizard in zip(checked, wizards):
            vals = {
                "problems": wizard.problems if wizard.has_problems else False,
                "has_problems": wizard.has_problems,
                "warnings": "\n".join("- %s" % w for w in warnings) or False,
            }
            if wizard.has_problems:
                vals["confirmed"] = False
            line._tilbago_write(vals)
            result[line] = wizard
        if not keep:
            wizards.unlink()
            return {}
        return result

    def _tilbago_adopt_cases(self):
        """Link each request sent from the requisition wizard meanwhile ("Open in
        Wizard") to its case: a case made since the batch, of exactly its invoices.
        Returns the lines linked; their state follows their case from then on."""
        adopted = self.browse()
        for line in self:
            cases = line.invoice_ids._tilbago_open_cases().sudo()
            if (
                len(cases) == 1
                and cases.create_date >= line.batch_id.create_date
                and cases.claim_ids.invoice_id == line.invoice_ids
            ):
                line._tilbago_write({"case_id": cases.id, "confirmed": False,
                                     "to_send": False})
                adopted |= line
        return adopted

    def _tilbago_queue(self):
        """Save each request, checked again, as a draft case and queue it. A request
        with problems now is left unconfirmed with them. Returns the queued lines."""
        queued = self.browse()
        wizards = self._tilbago_check(keep=True)
        for line, wizard in wizards.items():
            if wizard.has_problems:
                continue
            try:
                with self.env.cr.savepoint():
                    wizard._tilbago_check_invoices(
                        wizard.main_invoice_id | wizard.invoice_ids
                        | wizard.claim_line_ids.invoice_id,
                        partner=wizard.partner_id,
                    )
                    case = wizard._tilbago_save_case()
                    line._tilbago_write({"case_id": case.id, "to_send": True,
                                         "send_error": False})
            except UserError as error:
                line._tilbago_write(
                    {"problems": error.args[0], "has_problems": True, "confirmed": False}
                )
                continue
            queued |= line
        wizards_done = self.env["tilbago.requisition.wizard"].browse(
            [wizard.id for wizard in wizards.values()]
        )
        wizards_done.unlink()
        for line in self - queued:
            line._tilbago_write({"confirmed": False})
        return queued

    # ================================================================= send
    @api.model
    def _cron_send_queued(self, batch_size=10):
        """Send the queued requests, ``batch_size`` at a time, each committed apart.

        Odoo runs the job again at once while requests remain (``_notify_progress``);
        one failing request (tilbago's refusal, no answer, invalid data, or anything
        unexpected) is left in error on its line and its case, the others go on.
        Returns the number of requests looked at.
        """
        Line = self.sudo()
        domain = [("to_send", "=", True)]
        remaining = Line.search_count(domain)
        done = 0
        for line in Line.search(domain, limit=batch_size, order="batch_id, sequence, id"):
            if not line._tilbago_lock_queued():
                continue
            line._tilbago_send_isolated()
            done += 1
            self.env["tilbago.case"]._tilbago_commit()
        self.env["ir.cron"]._notify_progress(done=done, remaining=max(remaining - done, 0))
        return done

    def _tilbago_lock_queued(self):
        """Lock the line and its case when still queued and no one else works on them
        (a user retrying the case, another run): ``FOR UPDATE SKIP LOCKED``."""
        self.ensure_one()
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM tilbago_case_batch_line WHERE id = %s AND to_send "
                "FOR UPDATE SKIP LOCKED",
                self.id,
            )
        )
        if not self.env.cr.fetchone():
            return False
        self.invalidate_recordset()
        return not self.case_id or bool(self.case_id._tilbago_lock_free())

    def _tilbago_send_isolated(self):
        """Send one queued request; whatever happens, the line leaves the queue."""
        self.ensure_one()
        try:
            if _in_test():  # no commit in tests: a savepoint stands for the rollback
                with self.env.cr.savepoint():
                    self._tilbago_send_queued()
            else:
                self._tilbago_send_queued()
        except Exception as error:  # pylint: disable=broad-exception-caught
            # one failing debtor never stops the others: anything unexpected is said on
            # the line and the case, which keeps what was committed (retry from it)
            if not _in_test():
                self.env.cr.rollback()  # pylint: disable=invalid-commit
            _logger.exception("tilbago batch line %s: sending failed", self.id)
            words = self.env._(
                "Sending failed unexpectedly: %(reason)s. Retry from the case.",
                reason=(error.args[0] if isinstance(error, UserError) and error.args
                        else type(error).__name__),
            )
            self._tilbago_write({"to_send": False, "send_error": words})
            if self.case_id:
                self.case_id.sudo().message_post(body=words, subtype_xmlid="mail.mt_note")

    def _tilbago_send_queued(self):
        """Send the case of the line in the name of the user who prepared the batch."""
        self.ensure_one()
        case = self.case_id
        if case and not case.tilbago_id:
            user = self.batch_id.user_id
            case.with_user(user).with_company(self.company_id)._tilbago_send()
        self._tilbago_write({"to_send": False, "send_error": False})

    # ================================================================= buttons
    def action_view_case(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "tilbago.case",
            "res_id": self.case_id.id,
            "views": [(False, "form")],
            "target": "current",
        }

    def action_open_wizard(self):
        """Open the request in the requisition wizard (one request, sent from there)."""
        self.ensure_one()
        if self.case_id:
            return self.action_view_case()
        self.batch_id._tilbago_check_may_send()
        return self.env["tilbago.requisition.wizard"]._tilbago_start(self.invoice_ids)
