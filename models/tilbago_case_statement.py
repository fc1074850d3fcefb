# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The statement of a case: claimed, paid after the request, and what remains.

Payments are the reconciliations of the case's invoices made after the request (the
claims were taken from the open amounts then), plus what such a payment brought beyond
the invoice and is still unreconciled (a debtor who pays the fees and interest with the
invoice). They are allocated in the order of OR 85 by ``tilbago.allocation``: costs
advanced, reminder fees, interest, principal.

The statement is computed for all the cases read at once, with a constant number of
queries. A few of its figures are stored for the analysis views (grouping needs stored
fields); the addon writes them when a payment arrives or a cost changes.
"""

import datetime
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from ..tilbago import allocation
from ..tilbago import money as tilbago_money

#: the computed figures of the statement (fields of tilbago.case)
_STATEMENT_FIELDS = (
    "tilbago_principal", "tilbago_reminder_fees", "tilbago_costs_total",
    "tilbago_interest_accrued", "tilbago_amount_received", "tilbago_paid_costs",
    "tilbago_paid_fees", "tilbago_paid_interest", "tilbago_paid_principal",
    "tilbago_open_costs", "tilbago_open_fees", "tilbago_open_interest",
    "tilbago_open_principal", "tilbago_amount_remaining", "tilbago_credit",
)  # fmt: skip

#: written by the addon only (tilbago_evidence.py's guard)
PAYMENT_FIGURES = (
    "tilbago_amount_recovered", "tilbago_amount_open", "tilbago_date_paid",
    "tilbago_days_to_payment", "tilbago_recovery_rate",
)  # fmt: skip


def _statement_amount(string, **kwargs):
    """A figure of the statement: computed for every case read, never stored."""
    return fields.Monetary(string=string, compute="_compute_tilbago_statement", **kwargs)


def _float(value):
    return float(value) if value is not None else 0.0


class TilbagoCase(models.Model):
    _inherit = "tilbago.case"

    cost_ids = fields.One2many(
        "tilbago.case.cost", "case_id", string="Costs Advanced", check_company=True
    )
    tilbago_statement_date = fields.Date(
        string="Statement Date", compute="_compute_tilbago_statement"
    )
    tilbago_principal = _statement_amount("Principal Claimed")
    tilbago_reminder_fees = _statement_amount("Reminder Fees Claimed")
    tilbago_costs_total = _statement_amount("Enforcement Costs Advanced")
    tilbago_interest_accrued = _statement_amount(
        "Interest Accrued",
        help="Default interest of the claims to the statement date, on the principal "
        "still open (30E/360, never on interest, OR 105 al. 3).",
    )
    tilbago_amount_received = _statement_amount("Payments Received")
    tilbago_paid_costs = _statement_amount("Paid: Costs")
    tilbago_paid_fees = _statement_amount("Paid: Reminder Fees")
    tilbago_paid_interest = _statement_amount("Paid: Interest")
    tilbago_paid_principal = _statement_amount("Paid: Principal")
    tilbago_open_costs = _statement_amount("Open: Costs")
    tilbago_open_fees = _statement_amount("Open: Reminder Fees")
    tilbago_open_interest = _statement_amount("Open: Interest")
    tilbago_open_principal = _statement_amount("Open: Principal")
    tilbago_amount_remaining = _statement_amount(
        "Remaining Due",
        help="What the debtor still owes: costs, reminder fees, interest to the "
        "statement date and principal, after the payments allocated in the order of "
        "OR 85 (costs and interest before the principal).",
    )
    tilbago_credit = _statement_amount(
        "Paid in Excess",
        help="What the payments brought beyond everything the case claims.",
    )
    # stored for the analysis views (written by the addon, see PAYMENT_FIGURES)
    tilbago_amount_recovered = fields.Monetary(
        string="Amount Recovered",
        readonly=True,
        copy=False,
        help="Payments received after the debt collection request.",
    )
    tilbago_amount_open = fields.Monetary(
        string="Amount Open",
        readonly=True,
        copy=False,
        help="What remained due at the last payment or cost: principal, fees, costs "
        "and the interest accrued to then.",
    )
    tilbago_date_paid = fields.Date(
        string="Paid On",
        readonly=True,
        copy=False,
        help="The day the debtor had paid everything the case claims.",
    )
    tilbago_days_to_payment = fields.Integer(
        string="Days from Request to Payment",
        help="Empty until the case is paid in full.",
        readonly=True,
        copy=False,
        aggregator="avg",
    )
    tilbago_recovery_rate = fields.Float(
        string="Recovery Rate (%)",
        readonly=True,
        copy=False,
        default=0.0,
        aggregator="avg",
        digits=(5, 1),
        help="Payments received, in percent of what the case claims (principal and "
        "reminder fees).",
    )

    # -- the statement --------------------------------------------------------------
    def _tilbago_statement_day(self):
        return self.env.context.get("tilbago_today") or fields.Date.context_today(self)

    @api.depends_context("tilbago_today")
    @api.depends(
        "claim_ids.amount", "claim_ids.kind", "claim_ids.interest_rate",
        "claim_ids.interest_from", "cost_ids.amount", "cost_ids.date",
    )  # fmt: skip
    def _compute_tilbago_statement(self):
        statements = self._tilbago_statements()
        for case in self:
            result = statements.get(case.id)
            case.tilbago_statement_date = result.date if result else False
            values = dict.fromkeys(_STATEMENT_FIELDS, 0.0)
            if result:
                due, paid, left = result.due, result.paid, result.open
                values.update({
                    "tilbago_principal": due[allocation.PRINCIPAL],
                    "tilbago_reminder_fees": due[allocation.FEES],
                    "tilbago_costs_total": due[allocation.COSTS],
                    "tilbago_interest_accrued": due[allocation.INTEREST],
                    "tilbago_amount_received": result.received,
                    "tilbago_paid_costs": paid[allocation.COSTS],
                    "tilbago_paid_fees": paid[allocation.FEES],
                    "tilbago_paid_interest": paid[allocation.INTEREST],
                    "tilbago_paid_principal": paid[allocation.PRINCIPAL],
                    "tilbago_open_costs": left[allocation.COSTS],
                    "tilbago_open_fees": left[allocation.FEES],
                    "tilbago_open_interest": left[allocation.INTEREST],
                    "tilbago_open_principal": left[allocation.PRINCIPAL],
                    "tilbago_amount_remaining": result.open_total,
                    "tilbago_credit": result.credit,
                })  # fmt: skip
            for fname, value in values.items():
                case[fname] = _float(value)

    def _tilbago_statement_fnames(self):
        return ("tilbago_statement_date",) + _STATEMENT_FIELDS

    def _tilbago_statements(self, on_date=None):
        """{case id: tilbago.allocation.Statement} of the cases of ``self``."""
        on_date = on_date or self._tilbago_statement_day()
        cases = self.filtered("id")
        payments = cases._tilbago_payments()
        result = {}
        for case in cases:
            claims = case.claim_ids.sorted(
                lambda c: (c.due_date or datetime.date.max, c.sequence, c.id)
            )
            result[case.id] = allocation.statement(
                [
                    allocation.Claim(
                        claim.id,
                        tilbago_money.from_float(claim.amount),
                        claim.kind == "fee",
                        tilbago_money.from_float(claim.interest_rate, places=5),
                        claim.interest_from or None,
                    )
                    for claim in claims
                ],
                [
                    allocation.Cost(cost.id, cost.date, tilbago_money.from_float(cost.amount))
                    for cost in case.cost_ids
                ],
                payments.get(case.id, ()),
                on_date,
            )
        return result

    def _tilbago_payments(self):
        """{case id: [tilbago.allocation.Payment]}: what the debtor paid after the request.

        One query for all the cases: the reconciliations of their invoices' receivable
        lines made (or dated) after the request was sent, and what the paying line has
        left unreconciled (counted once, for one case).
        """
        cases = self.filtered(lambda c: c.date_sent and c.id)
        invoice_case = {}
        for case in cases:
            for invoice in case.claim_ids.invoice_id | case.invoice_ids:
                invoice_case.setdefault(invoice.id, case)
        if not invoice_case:
            return {}
        self.env["account.partial.reconcile"].flush_model()
        self.env["account.move.line"].flush_model(
            ["move_id", "account_id", "amount_residual_currency", "date"]
        )
        rows = self.env.execute_query(SQL(
            """
            SELECT src.move_id, part.debit_amount_currency, part.max_date,
                   part.create_date, counter.id, counter.amount_residual_currency
              FROM account_partial_reconcile part
              JOIN account_move_line src ON src.id = part.debit_move_id
              JOIN account_account account ON account.id = src.account_id
              JOIN account_move_line counter ON counter.id = part.credit_move_id
             WHERE src.move_id IN %s
               AND account.account_type = 'asset_receivable'
               AND counter.move_id != src.move_id
             ORDER BY part.max_date, part.id
            """,
            tuple(invoice_case),
        ))
        payments = defaultdict(list)
        seen_lines = set()
        for move_id, amount, paid_on, created, line_id, residual in rows:
            case = invoice_case[move_id]
            sent = case.date_sent
            if paid_on < sent.date() and created < sent:
                continue  # paid before the request: not in the claims
            payments[case.id].append(
                allocation.Payment(paid_on, tilbago_money.from_float(amount))
            )
            if line_id not in seen_lines and residual and residual < 0:
                seen_lines.add(line_id)
                payments[case.id].append(
                    allocation.Payment(paid_on, tilbago_money.from_float(-residual))
                )
        return payments

    # -- stored figures -------------------------------------------------------------
    def _tilbago_payment_figures(self, statement):
        """The stored figures of one case from its statement (a dict for write)."""
        self.ensure_one()
        claimed = statement.due[allocation.PRINCIPAL] + statement.due[allocation.FEES]
        received = statement.received
        paid_in_full = bool(received) and not statement.open_total
        date_paid = self.tilbago_date_paid if paid_in_full else False
        if paid_in_full and not date_paid:
            date_paid = statement.date
        figures = {
            "tilbago_amount_recovered": _float(received),
            "tilbago_amount_open": _float(statement.open_total),
            "tilbago_date_paid": date_paid,
            "tilbago_recovery_rate": round(float(received * 100 / claimed), 1)
            if claimed else 0.0,
        }
        if date_paid and self.date_sent:
            # left empty for the unpaid cases, so that the average counts the paid ones
            figures["tilbago_days_to_payment"] = (date_paid - self.date_sent.date()).days
        return figures

    def _tilbago_update_payment_figures(self, statements=None):
        """Write the stored figures of ``self`` that changed; return the statements."""
        statements = statements or self._tilbago_statements()
        for case in self:
            if case.id not in statements:
                continue
            vals = case._tilbago_payment_figures(statements[case.id])
            changed = {
                fname: value for fname, value in vals.items()
                if case._fields[fname].convert_to_cache(value, case) != case[fname]
            }
            if changed:
                case._tilbago_write(changed)
        return statements

    def _tilbago_check_user_write(self, vals):
        if not self.env.su:
            protected = set(vals) & set(PAYMENT_FIGURES + ("tilbago_archived",
                                                           "tilbago_archive_date",
                                                           "tilbago_archive_folder"))
            if protected:
                self._tilbago_refuse(protected)
        return super()._tilbago_check_user_write(vals)
