# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Journal entries of the bookkeeping of bad debts, linked to their case.

A provision, its release, the credit note of a write-off and the invoice of a recovery
carry the case (and, for the last two, the claimed invoice) they were made for. Only the
addon sets these links (in superuser mode, see ``tilbago.case._tilbago_accounting_link``),
so the case's statement, computed from them, cannot be bent by linking any entry to a
case over JSON-RPC.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

ACCOUNTING_KINDS = [
    ("provision", "Del Credere Provision"),
    ("release", "Del Credere Release"),
    ("write_off", "Bad Debt Write-off"),
    ("recovery", "Bad Debt Recovery"),
]

_LINK_FIELDS = ("tilbago_accounting_case_id", "tilbago_accounting_kind",
                "tilbago_accounting_invoice_id")


class AccountMoveTilbagoAccounting(models.Model):
    _inherit = "account.move"

    tilbago_accounting_case_id = fields.Many2one(
        "tilbago.case",
        string="Bad Debt Case",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The debt enforcement case this provision, write-off or recovery was made for.",
    )
    tilbago_accounting_kind = fields.Selection(
        ACCOUNTING_KINDS, string="Bad Debt Entry", readonly=True, copy=False
    )
    tilbago_accounting_invoice_id = fields.Many2one(
        "account.move",
        string="Written-off Invoice",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The claimed invoice this write-off or recovery concerns.",
    )
    tilbago_bad_debt_move_ids = fields.Many2many(
        "account.move",
        string="Bad Debt Entries",
        compute="_compute_tilbago_bad_debt_move_ids",
        help="Provisions, write-offs and recoveries booked for this invoice's debt "
        "enforcement case.",
    )
    tilbago_bad_debt_move_count = fields.Integer(
        compute="_compute_tilbago_bad_debt_move_ids"
    )

    @api.depends("tilbago_case_id")
    def _compute_tilbago_bad_debt_move_ids(self):
        invoices = self.filtered(lambda m: m.move_type == "out_invoice" and m.id)
        groups = {}
        if invoices:
            # every case claiming the invoice, linked or not (a finished one too)
            claims = self.env["tilbago.case.claim"].sudo().search(
                [("invoice_id", "in", invoices.ids)]
            )
            cases = claims.case_id | invoices.sudo().tilbago_case_id
            moves = self.search([
                ("tilbago_accounting_case_id", "in", cases.ids),
                "|", ("tilbago_accounting_invoice_id", "in", invoices.ids),
                ("tilbago_accounting_kind", "in", ("provision", "release")),
            ]) if cases else self.browse()
            for move in moves:
                groups.setdefault(move.tilbago_accounting_case_id.id, self.browse())
                groups[move.tilbago_accounting_case_id.id] |= move
            case_ids_of = {}
            for claim in claims:
                case_ids_of.setdefault(claim.invoice_id.id, set()).add(claim.case_id.id)
        for move in self:
            found = self.browse()
            if move in invoices:
                case_ids = case_ids_of.get(move.id, set()) | set(move.sudo().tilbago_case_id.ids)
                for case_id in case_ids:
                    found |= groups.get(case_id, self.browse()).filtered(
                        lambda m, inv=move: m.tilbago_accounting_kind in ("provision", "release")
                        or m.tilbago_accounting_invoice_id == inv
                    )
            move.tilbago_bad_debt_move_ids = found
            move.tilbago_bad_debt_move_count = len(found)

    # -- the links are the addon's -------------------------------------------------------
    def _tilbago_check_accounting_link(self, vals):
        if not self.env.su and any(fname in vals for fname in _LINK_FIELDS):
            raise AccessError(self.env._(
                "The link of a journal entry to a debt enforcement case is set by the debt "
                "collection module only, when it prepares a provision, a write-off or a "
                "recovery from the case."
            ))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._tilbago_check_accounting_link(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._tilbago_check_accounting_link(vals)
        return super().write(vals)

    @api.constrains("tilbago_accounting_case_id", "company_id")
    def _check_tilbago_accounting_company(self):
        for move in self.filtered("tilbago_accounting_case_id"):
            if move.company_id != move.tilbago_accounting_case_id.company_id:
                raise ValidationError(self.env._(
                    "The journal entry %(move)s is in %(company)s, its debt enforcement "
                    "case %(case)s in %(case_company)s: a case books in its own company "
                    "only.",
                    move=move.display_name, company=move.company_id.name,
                    case=move.tilbago_accounting_case_id.display_name,
                    case_company=move.tilbago_accounting_case_id.company_id.name,
                ))

    def action_view_tilbago_bad_debt_moves(self):
        self.ensure_one()
        return self.tilbago_bad_debt_move_ids._tilbago_accounting_action()

    def _tilbago_accounting_action(self):
        """A list of these journal entries (a form when there is one)."""
        action = {
            "type": "ir.actions.act_window",
            "name": self.env._("Bad Debt Entries"),
            "res_model": "account.move",
            "domain": [("id", "in", self.ids)],
            "views": [(self.env.ref("account.view_move_tree").id, "list"), (False, "form")],
            "context": {"create": False},
        }
        if len(self) == 1:
            action.update(views=[(False, "form")], res_id=self.id)
        return action
