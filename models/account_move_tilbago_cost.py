# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Journal entries of the enforcement costs advanced, linked to their cost.

The vendor bill or entry booking a cost and the entry booking what the debtor paid of it
carry the case (``tilbago_accounting_case_id``, so they show with the case's other
entries) and the cost. As the other links, only the addon sets them, and a cost is
booked once: a second booking not cancelled is refused here, whoever asks.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class AccountMoveTilbagoCost(models.Model):
    _inherit = "account.move"

    tilbago_accounting_kind = fields.Selection(
        selection_add=[
            ("cost", "Enforcement Costs Advanced"),
            ("cost_recovery", "Enforcement Costs Recovered"),
        ],
        ondelete={"cost": "set null", "cost_recovery": "set null"},
    )
    tilbago_accounting_cost_id = fields.Many2one(
        "tilbago.case.cost",
        string="Enforcement Cost",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The enforcement cost advanced this entry books, or books the recovery of.",
    )

    def _tilbago_check_accounting_link(self, vals):
        # create and write check the links there (account_move_tilbago_accounting.py)
        if not self.env.su and "tilbago_accounting_cost_id" in vals:
            raise AccessError(self.env._(
                "The link of a journal entry to an enforcement cost is set by the debt "
                "collection module only, when it books the cost from the case."
            ))
        return super()._tilbago_check_accounting_link(vals)

    @api.constrains("tilbago_accounting_cost_id", "tilbago_accounting_kind", "state")
    def _check_tilbago_cost_booked_once(self):
        booking = self.filtered(lambda m: m.tilbago_accounting_kind == "cost")
        for cost in booking.tilbago_accounting_cost_id:
            booked = cost.sudo().move_ids.filtered(
                lambda m: m.tilbago_accounting_kind == "cost" and m.state != "cancel"
            )
            if len(booked) > 1:
                raise ValidationError(self.env._(
                    "The enforcement cost %(cost)s is already booked in %(moves)s: a cost is "
                    "booked once (cancel that entry to book it again).",
                    cost=cost.description, moves=", ".join(booked.mapped("display_name")),
                ))
