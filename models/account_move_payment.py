# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tell a debt enforcement case when one of its invoices is paid (in full or in part).

Whatever reconciles the invoice (the payment wizard, a bank statement, an outstanding
credit added on the invoice), account recomputes its ``payment_state``; there the
invoices of a case whose payment state or open amount moved are collected, and the
cases handle them once, just before the commit (``tilbago.case._tilbago_on_payments``),
all of them in one batch. Nothing is done inside the recomputation itself.
"""

from odoo import models
from odoo.tools import SQL


class AccountMove(models.Model):
    _inherit = "account.move"

    def _compute_payment_state(self):
        ids = tuple(move_id for move_id in self._ids if isinstance(move_id, int))
        before = {}
        if ids:
            # what the database holds before this recomputation is written
            before = {
                move_id: (case_id, state, residual)
                for move_id, case_id, state, residual in self.env.execute_query(SQL(
                    """SELECT id, tilbago_case_id, payment_state, amount_residual
                         FROM account_move
                        WHERE id IN %s AND tilbago_case_id IS NOT NULL""",
                    ids,
                ))
            }
        super()._compute_payment_state()
        if not before:
            return
        moved = set()
        for move in self.browse(list(before)):
            case_id, state, residual = before[move.id]
            if move.payment_state != state or move.currency_id.compare_amounts(
                move.amount_residual, residual or 0.0
            ):
                moved.add(case_id)
        if moved:
            self.env["tilbago.case"].browse(moved)._tilbago_queue_payment_check()
