# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""How risky a debtor is, as the creditor judges it (the partner's solvency)."""

from collections import defaultdict

from odoo import fields, models


class TilbagoRiskCode(models.Model):
    _name = "tilbago.risk.code"
    _description = "Debtor Risk Code"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company",
        help="Empty: offered to every company.",
    )


def solvency_facts(partners):
    """What Odoo knows of how each commercial partner of ``partners`` pays, by id:
    ``days_late`` (average days between due date and payment of the customer invoices
    paid in the last 12 months), ``reminders`` (reminders sent), ``cases`` (debt
    collection requests) and ``lost`` (amount claimed by the cases that ended with a
    certificate of loss). A fixed number of grouped queries, whatever the partners.
    Read as the superuser within the user's companies: the figures, not the records.
    """
    env = partners.env
    commercial = partners.commercial_partner_id
    ids = commercial.ids
    company_ids = env.companies.ids
    facts = {
        pid: {"days_late": 0.0, "reminders": 0, "cases": 0, "lost": 0.0} for pid in ids
    }
    if not ids:
        return facts
    su = env(su=True)
    today = fields.Date.context_today(partners)
    since = fields.Date.subtract(today, years=1)
    # invoice receivable lines paid: the day the last payment reached them
    paid = su["account.partial.reconcile"]._read_group(
        [
            ("debit_move_id.partner_id", "child_of", ids),
            ("debit_move_id.move_id.move_type", "=", "out_invoice"),
            ("debit_move_id.move_id.payment_state", "in", ("paid", "in_payment")),
            ("debit_move_id.company_id", "in", company_ids),
            ("max_date", ">=", since),
        ],
        groupby=["debit_move_id"],
        aggregates=["max_date:max"],
    )
    late = defaultdict(list)
    for line, paid_on in paid:
        due = line.date_maturity or line.date
        late[line.partner_id.commercial_partner_id.id].append(max((paid_on - due).days, 0))
    for pid, days in late.items():
        if pid in facts:
            facts[pid]["days_late"] = sum(days) / len(days)
    for pid, count in _reminder_counts(su, ids, company_ids).items():
        if pid in facts:
            facts[pid]["reminders"] = count
    cases = su["tilbago.case"]._read_group(
        [("partner_id", "child_of", ids), ("company_id", "in", company_ids)],
        groupby=["partner_id", "state", "resolution"],
        aggregates=["__count", "amount_total:sum"],
    )
    for partner, state, resolution, count, amount in cases:
        pid = partner.commercial_partner_id.id
        if pid not in facts:
            continue
        facts[pid]["cases"] += count
        if state == "certificate_of_loss" or resolution == "certificate_of_loss":
            facts[pid]["lost"] += amount
    return facts


def _reminder_counts(su, ids, company_ids):
    """Reminders sent to each commercial partner (``tilbago.reminder``)."""
    groups = su["tilbago.reminder"]._read_group(
        [("partner_id", "in", ids), ("company_id", "in", company_ids)],
        groupby=["partner_id"],
        aggregates=["__count"],
    )
    return {partner.id: count for partner, count in groups}
