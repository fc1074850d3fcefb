# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Payments after the request: the case notes them and plans what the collector does.

``account.move`` (account_move_payment.py) collects the case invoices whose payment
changed and calls ``_tilbago_on_payments`` once per transaction, just before the commit.
The case then compares what its statement says was received with what it had recorded:

- everything the case claims is paid (principal, reminder fees, interest to date and the
  costs advanced, OR 85): a note, and an activity "Withdraw the enforcement in tilbago"
  for the responsible, so the office no longer discloses it (SchKG 8a al. 3 lit. c);
- something remains: a note with what remains of each part, and an activity "Partial
  payment received".

The payment-order fee (GebV SchKG art. 16) is proposed as a cost advanced when tilbago
opens the case.
"""

from markupsafe import Markup

from odoo import fields, models

from ..tilbago import money as tilbago_money
from ..tilbago import swiss as tilbago_swiss
from ..tilbago.status import FINISHED_STAGES as FINISHED_STATES

ACTIVITY_WITHDRAW = "l10n_ch_tilbago.mail_activity_tilbago_withdraw"
ACTIVITY_PARTIAL = "l10n_ch_tilbago.mail_activity_tilbago_partial_payment"
#: the cases waiting for ``_tilbago_on_payments`` in this transaction
PENDING_KEY = "l10n_ch_tilbago.paid_cases"


class TilbagoCase(models.Model):
    _inherit = "tilbago.case"

    # -- costs advanced -------------------------------------------------------------
    def _tilbago_propose_payment_order_fee(self):
        """Record the payment-order fee for the amount claimed, once per case."""
        vals_list = []
        for case in self:
            if not case.tilbago_id or not case.amount_total or "payment_order_fee" in (
                case.cost_ids.mapped("kind")
            ):
                continue
            fee = tilbago_swiss.payment_order_fee(
                tilbago_money.from_float(case.amount_total)
            )
            vals_list.append({
                "case_id": case.id,
                "kind": "payment_order_fee",
                "date": fields.Date.context_today(case),
                "amount": float(fee),
                "description": self.env._(
                    "Payment order fee for %(amount)s (GebV SchKG art. 16)",
                    amount=tilbago_money.format_chf(tilbago_money.from_float(case.amount_total)),
                ),
            })
        if vals_list:
            self.env["tilbago.case.cost"].sudo().create(vals_list)

    def _tilbago_mark_sent(self, tilbago_id):
        result = super()._tilbago_mark_sent(tilbago_id)
        self._tilbago_propose_payment_order_fee()
        return result

    def action_set_tilbago_id(self):
        result = super().action_set_tilbago_id()
        self._tilbago_propose_payment_order_fee()
        return result

    # -- payments -------------------------------------------------------------------
    def _tilbago_queue_payment_check(self):
        """Have ``_tilbago_on_payments`` look at these cases before the commit."""
        if not self:
            return
        precommit = self.env.cr.precommit
        if PENDING_KEY not in precommit.data:
            precommit.data[PENDING_KEY] = set()
            case_model = self.env["tilbago.case"].sudo()

            @precommit.add
            def check_payments():
                ids = precommit.data.pop(PENDING_KEY, set())
                case_model.browse(ids).exists()._tilbago_on_payments()
                case_model.env.flush_all()

        precommit.data[PENDING_KEY].update(self.ids)

    def _tilbago_on_payments(self):
        """Note the payments received since the figures were last written (see module)."""
        # the statement is computed, not stored: read it afresh after the payment
        self.invalidate_recordset(self._tilbago_statement_fnames())
        self.claim_ids.invalidate_recordset(["interest_accrued", "amount_paid", "amount_open"])
        cases = self.filtered(lambda c: c.tilbago_id and c.state not in FINISHED_STATES)
        statements = cases._tilbago_statements()
        before = {case.id: case.tilbago_amount_recovered for case in cases}
        cases._tilbago_update_payment_figures(statements)
        for case in cases:
            statement = statements[case.id]
            received = statement.received
            previous = tilbago_money.from_float(before[case.id])
            if received == previous:
                continue
            if received < previous:
                case.message_post(
                    body=case._tilbago_payment_sentence(statement, undone=True),
                    subtype_xmlid="mail.mt_note",
                )
                continue
            case._tilbago_note_payment(statement, received - previous)

    def _tilbago_payment_sentence(self, statement, received=None, undone=False):
        self.ensure_one()
        chf = tilbago_money.format_chf
        left = statement.open
        if undone:
            head = self.env._(
                "A payment of the case was undone in the accounts: %(total)s received "
                "after the request now.",
                total=chf(statement.received),
            )
        else:
            head = self.env._(
                "Payment received after the debt collection request: %(amount)s "
                "(%(total)s in all).",
                amount=chf(received),
                total=chf(statement.received),
            )
        remaining = self.env._(
            "Under OR 85 payments pay the costs, fees and interest before the principal. "
            "Still due on %(date)s: costs %(costs)s, reminder fees %(fees)s, interest "
            "%(interest)s, principal %(principal)s; %(total)s in all.",
            date=fields.Date.to_string(statement.date),
            costs=chf(left["costs"]),
            fees=chf(left["fees"]),
            interest=chf(left["interest"]),
            principal=chf(left["principal"]),
            total=chf(statement.open_total),
        )
        return Markup("<p>%s</p><p>%s</p>") % (head, remaining)

    def _tilbago_note_payment(self, statement, received):
        self.ensure_one()
        body = self._tilbago_payment_sentence(statement, received)
        user = self.user_id or self.env.user
        if statement.open_total:
            self.message_post(body=body, subtype_xmlid="mail.mt_note")
            if not self.activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref(ACTIVITY_PARTIAL)
            ):
                self.activity_schedule(
                    ACTIVITY_PARTIAL,
                    user_id=user.id,
                    note=self.env._(
                        "The debtor paid %(amount)s; %(total)s remain due. Check the "
                        "statement and decide whether the enforcement goes on.",
                        amount=tilbago_money.format_chf(received),
                        total=tilbago_money.format_chf(statement.open_total),
                    ),
                )
            return
        withdraw = self.env._(
            "Everything the case claims is paid. Withdraw the enforcement in tilbago, so "
            "the debt collection office no longer discloses it (SchKG 8a para. 3 lit. c)."
        )
        self.message_post(body=body + Markup("<p>%s</p>") % withdraw,
                          subtype_xmlid="mail.mt_note")
        self.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(ACTIVITY_PARTIAL)
        ).action_feedback(feedback=self.env._("Paid in full."))
        self.activity_schedule(ACTIVITY_WITHDRAW, user_id=user.id, note=withdraw)
