# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Many debtors at once: a batch of debt collection requests, one per debtor.

From the litigation list, the invoices of several debtors are prepared in one batch
(``tilbago.case.batch``): one request per debtor (``tilbago.case.batch.line``, several
when a debtor's invoices and reminder fees make more than 10 claims: ``tilbago.batch``),
each prefilled and checked by the requisition wizard's own code, its problems shown on
the line. The user confirms the requests that are ready; *Send Confirmed* saves each as
a draft case (stable external reference) and queues it; the job
``_cron_send_queued`` (tilbago_case_batch_line.py) sends them in the background, one
committed case at a time, one failing debtor never stopping the others.

The batch and its lines are written by the module only (``tilbago.evidence.mixin``),
except the *Confirmed* tick of a line; the model refuses to confirm a request with
problems, and a batch is for one company (company rules on both models).
"""

from psycopg2.errors import LockNotAvailable

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tilbago import batch as tilbago_batch

BATCH_STATES = [("draft", "To Review"), ("sending", "Sending"), ("done", "Done")]


class TilbagoCaseBatch(models.Model):
    _name = "tilbago.case.batch"
    _inherit = ["tilbago.evidence.mixin"]
    _description = "Batch of Debt Collection Requests"
    _order = "id desc"
    _check_company_auto = True
    _tilbago_protected_fields = ("name", "company_id", "user_id", "state", "currency_id")

    name = fields.Char(required=True, readonly=True, default="/", copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True,
        default=lambda self: self.env.company,
    )  # fmt: skip
    user_id = fields.Many2one(
        "res.users",
        string="Prepared by",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        help="The requests are sent in the name of this user.",
    )
    line_ids = fields.One2many("tilbago.case.batch.line", "batch_id", string="Requests")
    state = fields.Selection(
        BATCH_STATES, compute="_compute_state", store=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.ref("base.CHF"), readonly=True
    )
    line_count = fields.Integer(string="Number of Requests", compute="_compute_counts")
    problem_count = fields.Integer(string="With Problems", compute="_compute_counts")
    ready_count = fields.Integer(string="Ready", compute="_compute_counts")
    confirmed_count = fields.Integer(string="Confirmed", compute="_compute_counts")
    queued_count = fields.Integer(string="Queued", compute="_compute_counts")
    sent_count = fields.Integer(string="Sent", compute="_compute_counts")
    error_count = fields.Integer(string="Errors", compute="_compute_counts")
    progress = fields.Float(
        compute="_compute_counts",
        help="The share of the queued requests tilbago has answered (sent or error).",
    )
    amount_total = fields.Monetary(string="Total Claimed", compute="_compute_counts")

    @api.depends("line_ids.state")
    def _compute_state(self):
        for batch in self:
            states = set(batch.line_ids.mapped("state"))
            if "queued" in states:
                batch.state = "sending"
            elif states & {"sent", "error"}:
                batch.state = "done"
            else:
                batch.state = "draft"

    @api.depends("line_ids.state", "line_ids.confirmed", "line_ids.amount")
    def _compute_counts(self):
        for batch in self:
            lines = batch.line_ids
            count = {
                state: len(lines.filtered(lambda line, s=state: line.state == s))
                for state in ("problem", "ready", "queued", "sent", "error")
            }
            batch.line_count = len(lines)
            batch.problem_count = count["problem"]
            batch.ready_count = count["ready"]
            batch.confirmed_count = len(
                lines.filtered(lambda line: line.confirmed and line.state == "ready")
            )
            batch.queued_count = count["queued"]
            batch.sent_count = count["sent"]
            batch.error_count = count["error"]
            started = count["queued"] + count["sent"] + count["error"]
            batch.progress = (
                100.0 * (count["sent"] + count["error"]) / started if started else 0.0
            )
            batch.amount_total = sum(lines.mapped("amount"))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sent(self):
        for batch in self:
            if batch.line_ids.case_id:
                raise UserError(
                    self.env._(
                        "The batch %(batch)s cannot be deleted: requests of it were saved "
                        "as debt enforcement cases.",
                        batch=batch.display_name,
                    )
                )

    # ================================================================= prepare
    @api.model
    def _tilbago_prepare(self, invoices):
        """A batch of the requests ``invoices`` make, one per debtor (or more when a
        debtor's invoices make more than 10 claims), each checked as the wizard does."""
        self.check_access("create")
        if not invoices:
            raise UserError(self.env._("Select at least one customer invoice."))
        invoices.check_access("read")
        companies = invoices.company_id
        if len(companies) > 1:
            raise UserError(
                self.env._(
                    "The selected invoices belong to several companies (%(companies)s): "
                    "a batch of requests is for one company. Select the invoices of one "
                    "company.",
                    companies=", ".join(companies.mapped("name")),
                )
            )
        # the batch and its lines are written by the module only (tilbago_evidence.py):
        # superuser mode, after the checks above, in the user's name
        batch = self.sudo().create(
            {
                "company_id": companies.id,
                "user_id": self.env.uid,
                "name": self.env["ir.sequence"].with_company(companies).next_by_code(
                    "tilbago.case.batch"
                ) or "/",
            }
        ).sudo(False)
        vals_list = []
        debtors = invoices.commercial_partner_id.sorted(lambda p: (p.display_name or "", p.id))
        for debtor in debtors:
            vals_list += self._tilbago_debtor_requests(
                invoices.filtered(lambda m, d=debtor: m.commercial_partner_id == d)
            )
        # entries without a customer: the wizard's rules say why, on a line of their own
        orphans = invoices.filtered(lambda m: not m.commercial_partner_id)
        if orphans:
            vals_list += self._tilbago_debtor_requests(orphans)
        lines = self.env["tilbago.case.batch.line"].sudo().create(
            [dict(vals, batch_id=batch.id, sequence=10 * n) for n, vals in enumerate(vals_list, 1)]
        ).sudo(False)
        lines.filtered(lambda line: not line.has_problems)._tilbago_check()
        return batch

    @api.model
    def _tilbago_sorted(self, invoices):
        """Oldest first, as the requisition wizard takes them (its main claim first)."""
        today = fields.Date.context_today(self)
        return invoices.sorted(lambda m: (m.invoice_date_due or today, m.id))

    @api.model
    def _tilbago_split(self, invoices):
        """The requests of one debtor's ``invoices``: at most 10 claims each, oldest first."""
        invoices = self._tilbago_sorted(invoices)
        weights = [tilbago_batch.claims_of(inv.tilbago_reminder_fee > 0) for inv in invoices]
        return [
            invoices.browse([invoices[index].id for index in request])
            for request in tilbago_batch.split_requests(weights)
        ]

    @api.model
    def _tilbago_debtor_requests(self, invoices):
        """The line values of one debtor: the requests, and one line of the invoices no
        request may start from, each with its reasons (the invoice rules of the wizard)."""
        Wizard = self.env["tilbago.requisition.wizard"]
        refused, reasons = self.env["account.move"], []
        # a request that passes is not looked at invoice by invoice
        for request in self._tilbago_split(invoices):
            try:
                Wizard._tilbago_check_invoices(request)
            except UserError:
                for invoice in request:
                    try:
                        Wizard._tilbago_check_invoices(invoice)
                    except UserError as error:
                        refused |= invoice
                        reasons.append(error.args[0])
        vals_list = [
            {"invoice_ids": [fields.Command.set(request.ids)]}
            for request in self._tilbago_split(invoices - refused)
        ]
        if refused:
            vals_list.append(
                {
                    "invoice_ids": [fields.Command.set(self._tilbago_sorted(refused).ids)],
                    "problems": "\n".join(reasons),
                    "has_problems": True,
                }
            )
        return vals_list

    # ================================================================= buttons
    def _tilbago_check_may_send(self):
        """The user may send requests (the requisition wizard's rights) for the batch."""
        self.check_access("write")
        self.env["tilbago.requisition.wizard"].check_access("create")

    def action_check_again(self):
        """Check the requests not saved yet again (after correcting a partner)."""
        self._tilbago_check_may_send()
        lines = self.line_ids.filtered(lambda line: not line.case_id)
        lines -= lines._tilbago_adopt_cases()
        lines._tilbago_check()
        return True

    def action_confirm_ready(self):
        """Confirm every request without problems."""
        self._tilbago_check_may_send()
        self.line_ids.filtered(lambda line: line.state == "ready").write({"confirmed": True})
        return True

    def action_send_confirmed(self):
        """Save the confirmed requests as draft cases and queue them for sending."""
        self._tilbago_check_may_send()
        self._tilbago_lock()
        lines = self.line_ids.filtered(lambda line: line.confirmed and not line.case_id)
        if not lines:
            raise UserError(
                self.env._(
                    "No request to send: tick 'Confirmed' on the requests without problems "
                    "first."
                )
            )
        queued = lines._tilbago_queue()
        if queued:
            self.env.ref("l10n_ch_tilbago.ir_cron_tilbago_case_batch_send")._trigger()
        refused = lines - queued
        message = self.env._(
            "%(count)s request(s) queued: they are sent in the background.",
            count=len(queued),
        )
        if refused:
            message += "\n" + self.env._(
                "Not queued, they have problems now: %(debtors)s.",
                debtors=", ".join(refused.partner_id.mapped("display_name")),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Debt collection requests"),
                "message": message,
                "type": "warning" if refused else "success",
                "sticky": bool(refused),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _tilbago_lock(self):
        """Lock the batches: two users sending one batch at once would save it twice."""
        self.flush_recordset()
        try:
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM tilbago_case_batch WHERE id IN %s FOR UPDATE NOWAIT",
                        tuple(self.ids),
                    ),
                    log_exceptions=False,
                )
        except LockNotAvailable as error:
            raise UserError(
                self.env._(
                    "The batch is being sent by someone else right now; try again in a "
                    "minute."
                )
            ) from error

    def action_view_cases(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Debt Enforcement Cases"),
            "res_model": "tilbago.case",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.line_ids.case_id.ids)],
            "target": "current",
        }


class AccountMove(models.Model):
    _inherit = "account.move"

    def action_tilbago_prepare_batch(self):
        """Prepare one debt collection request per debtor of the selected invoices."""
        batch = self.env["tilbago.case.batch"]._tilbago_prepare(self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Debt Collection Requests"),
            "res_model": "tilbago.case.batch",
            "res_id": batch.id,
            "views": [(False, "form")],
            "target": "current",
        }
