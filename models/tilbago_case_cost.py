# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Enforcement costs the creditor advanced on a case (owed by the debtor, SchKG 68).

The payment-order fee of GebV SchKG art. 16 is proposed when the case reaches tilbago;
any other cost (a continuation fee, a lawyer's note, ...) is recorded by the collector.
They are figures of the case's statement (paid first, OR 85) and, for the accountant,
bookings (docs/bookkeeping.md): each cost is booked once, as a draft vendor bill of the
enforcement office or a draft journal entry, both debiting the receivable "enforcement
costs to recover" (1190 in the Swiss chart); what the debtor paid of it is then moved
out of that receivable by a draft entry prepared from the case.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

_ACCOUNTING_FIELD_GROUPS = "account.group_account_invoice,account.group_account_readonly"
#: what a booked cost may no longer change: its entry would no longer agree
_BOOKED_FIELDS = ("case_id", "amount", "date", "partner_id", "credit_account_id")

COST_KINDS = [
    ("payment_order_fee", "Payment order fee (GebV SchKG art. 16)"),
    ("other", "Other cost"),
]


class TilbagoCaseCost(models.Model):
    _name = "tilbago.case.cost"
    _description = "Debt Enforcement Cost Advanced"
    _order = "case_id, date, id"
    _check_company_auto = True

    case_id = fields.Many2one(
        "tilbago.case",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    description = fields.Char(required=True)
    amount = fields.Monetary(required=True)
    kind = fields.Selection(COST_KINDS, required=True, default="other")
    partner_id = fields.Many2one(
        "res.partner",
        string="Enforcement Office",
        check_company=True,
        help="The office the cost was paid to: the vendor of its bill, or whose payable "
        "account a journal entry credits.",
    )
    credit_account_id = fields.Many2one(
        "account.account",
        string="Paid From Account",
        check_company=True,
        groups=_ACCOUNTING_FIELD_GROUPS,
        help="The bank or payable account a journal entry of the cost credits. Empty: the "
        "enforcement office's payable account.",
    )
    move_ids = fields.One2many(
        "account.move",
        "tilbago_accounting_cost_id",
        string="Journal Entries of the Cost",
        readonly=True,
        groups=_ACCOUNTING_FIELD_GROUPS,
    )
    move_id = fields.Many2one(
        "account.move",
        string="Booked In",
        compute="_compute_tilbago_cost_booking",
        groups=_ACCOUNTING_FIELD_GROUPS,
        help="The vendor bill or journal entry (not cancelled) booking this cost.",
    )
    is_booked = fields.Boolean(
        string="Booked",
        compute="_compute_tilbago_cost_booking",
        help="A vendor bill or journal entry not cancelled books this cost: its date, "
        "amount, case, office and account no longer change.",
    )
    recovered_booked = fields.Monetary(
        string="Recovery Booked",
        compute="_compute_tilbago_cost_booking",
        groups=_ACCOUNTING_FIELD_GROUPS,
        help="What the entries not cancelled move out of the costs to recover for this "
        "cost.",
    )
    recovered = fields.Monetary(
        compute="_compute_tilbago_recovered",
        help="What the debtor's payments paid of this cost (costs come first, OR 85).",
    )

    @api.depends("move_ids.state", "move_ids.tilbago_accounting_kind", "move_ids.amount_total")
    def _compute_tilbago_cost_booking(self):
        for cost in self:
            moves = cost.sudo().move_ids.filtered(lambda m: m.state != "cancel")
            cost.is_booked = any(m.tilbago_accounting_kind == "cost" for m in moves)
            cost.move_id = moves.filtered(
                lambda m: m.tilbago_accounting_kind == "cost"
            )[:1].sudo(False)
            cost.recovered_booked = sum(
                moves.filtered(lambda m: m.tilbago_accounting_kind == "cost_recovery")
                .mapped("amount_total")
            )

    @api.depends_context("tilbago_today")
    @api.depends("amount", "date", "case_id")
    def _compute_tilbago_recovered(self):
        statements = self.case_id._tilbago_statements()
        for cost in self:
            statement = statements.get(cost.case_id.id)
            # a cost dated after the statement is not owed yet: nothing paid it
            if not statement or cost.id not in statement.costs or cost.date > statement.date:
                cost.recovered = 0.0
                continue
            cost.recovered = cost.amount - float(statement.costs[cost.id])

    @api.constrains("amount")
    def _check_amount(self):
        for cost in self:
            if cost.currency_id.compare_amounts(cost.amount, 0.0) <= 0:
                raise ValidationError(
                    self.env._(
                        "The field '%(field)s' of the cost '%(cost)s' must be more than "
                        "zero.",
                        field=self._fields["amount"]._description_string(self.env),
                        cost=cost.description,
                    )
                )

    def _check_case_open_for_costs(self, cases):
        for case in cases:
            if case.tilbago_archived:
                raise UserError(
                    self.env._(
                        "The case %(case)s is archived: its costs can no longer change "
                        "(field '%(field)s').",
                        case=case.display_name,
                        field=self._fields["case_id"]._description_string(self.env),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        cases = self.env["tilbago.case"].browse(
            {vals["case_id"] for vals in vals_list if vals.get("case_id")}
        )
        self._check_case_open_for_costs(cases)
        costs = super().create(vals_list)
        costs.case_id._tilbago_update_payment_figures()
        return costs

    def _check_not_booked(self):
        booked = self.sudo().filtered("is_booked")
        if booked:
            raise UserError(self.env._(
                "The enforcement cost %(cost)s is booked in %(move)s: cancel that entry "
                "before you change or delete the cost.",
                cost=booked[0].description, move=booked[0].move_id.display_name,
            ))

    def write(self, vals):
        if set(_BOOKED_FIELDS) & set(vals):
            self._check_not_booked()
        cases = self.case_id
        if vals.get("case_id"):
            cases |= self.env["tilbago.case"].browse(vals["case_id"])
        self._check_case_open_for_costs(cases)
        result = super().write(vals)
        if {"amount", "date", "case_id"} & set(vals):
            cases._tilbago_update_payment_figures()
        return result

    def unlink(self):
        self._check_not_booked()
        cases = self.case_id
        self._check_case_open_for_costs(cases)
        result = super().unlink()
        cases.exists()._tilbago_update_payment_figures()
        return result

    # -- booking (accounting users, drafts only) -----------------------------------------
    def action_tilbago_book_bill(self):
        """A draft vendor bill of the enforcement office per cost."""
        return self._tilbago_book("bill")

    def action_tilbago_book_entry(self):
        """A draft journal entry per cost: the costs to recover against bank or payable."""
        return self._tilbago_book("entry")

    def _tilbago_label(self, fname):
        return self._fields[fname]._description_string(self.env)

    def _tilbago_book(self, how):
        self.case_id._tilbago_check_accounting_user()
        moves = self.env["account.move"]
        for cost in self:
            if cost.is_booked:
                raise UserError(self.env._(
                    "The enforcement cost %(cost)s is already booked in %(move)s: a cost is "
                    "booked once (cancel that entry to book it again).",
                    cost=cost.description, move=cost.sudo().move_id.display_name,
                ))
            move = cost._tilbago_bill() if how == "bill" else cost._tilbago_entry()
            cost.case_id._tilbago_accounting_link(move, "cost", cost=cost)
            moves |= move
        return moves._tilbago_accounting_action()

    def _tilbago_office(self):
        self.ensure_one()
        if not self.partner_id:
            raise UserError(self.env._(
                "The enforcement cost %(cost)s has no %(field)s: choose the office it was "
                "paid to.",
                cost=self.description, field=self._tilbago_label("partner_id"),
            ))
        return self.partner_id

    def _tilbago_bill(self):
        """Vendor bill of the office: its one line on the costs to recover, no VAT (the
        fees of the enforcement office are official fees, outside the scope of VAT)."""
        self.ensure_one()
        company = self.company_id
        account = company._tilbago_accounting_account("tilbago_cost_receivable_account_id")
        return self.env["account.move"].with_company(company).create({
            "move_type": "in_invoice",
            "company_id": company.id,
            "partner_id": self._tilbago_office().id,
            "currency_id": self.currency_id.id,
            "invoice_date": self.date,
            "ref": self.description,
            "invoice_origin": self.case_id.display_name,
            "invoice_line_ids": [fields.Command.create({
                "name": self._tilbago_move_label(), "account_id": account.id,
                "quantity": 1, "price_unit": self.amount, "tax_ids": [fields.Command.clear()],
            })],
        })

    def _tilbago_move_label(self):
        return "%s: %s" % (self.case_id.display_name, self.description)

    def _tilbago_entry(self):
        """Journal entry: debit the costs to recover (the debtor's), credit the account it
        was paid from, else the office's payable account."""
        self.ensure_one()
        company = self.company_id
        account = company._tilbago_accounting_account("tilbago_cost_receivable_account_id")
        credit_account, credit_partner = self.sudo().credit_account_id, self.partner_id
        if not credit_account:
            credit_account = self._tilbago_office().with_company(
                company
            ).property_account_payable_id
        if not credit_account:
            raise UserError(self.env._(
                "The enforcement cost %(cost)s: fill in %(field)s.",
                cost=self.description, field=self._tilbago_label("credit_account_id"),
            ))
        return self.case_id._tilbago_cost_entry(
            self.date, self.amount, self.currency_id, self._tilbago_move_label(),
            (account, self.case_id.partner_id), (credit_account, credit_partner),
        )

    def _tilbago_book_recovery(self):
        """Per booked cost, a draft entry of what the debtor paid of it and no entry moves
        yet: debit the debtor's receivable (where the payment is), credit the costs to
        recover. Once posted, its receivable line is reconciled with the payment."""
        moves = self.env["account.move"]
        for cost in self.filtered("is_booked"):
            currency = cost.currency_id
            due = currency.round(cost.recovered - cost.sudo().recovered_booked)
            if currency.compare_amounts(due, 0.0) <= 0:
                continue
            case, company = cost.case_id, cost.company_id
            account = company._tilbago_accounting_account("tilbago_cost_receivable_account_id")
            receivable = case.partner_id.with_company(company).property_account_receivable_id
            move = case._tilbago_cost_entry(
                fields.Date.context_today(self), due, currency,
                self.env._("Recovered: %(cost)s", cost=cost._tilbago_move_label()),
                (receivable, case.partner_id), (account, case.partner_id),
            )
            moves |= case._tilbago_accounting_link(move, "cost_recovery", cost=cost)
        return moves
