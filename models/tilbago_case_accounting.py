# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The bookkeeping of a case's bad debts: provision, write-off, recovery.

Every entry is prepared as a draft the accountant reviews and posts (docs/bookkeeping.md):

- *Provision* (del credere): debit the bad debt losses (3805), credit the del credere
  (1109) with the loss percentage of the case's open principal; pressed again it books
  only the difference, in either direction. Closing the case, or writing its claims off,
  releases what is provisioned.
- *Write-off* (certificate of loss or final loss): per invoice a credit note of the lost
  part, on the losses account, with the invoice's own taxes so the output VAT is reduced
  (MWSTG art. 41 para 1); once posted it is reconciled with the invoice.
- *Recovery*: money received later on a written-off claim is invoiced again with the
  original taxes (the VAT is due again, MWSTG art. 41 para 2), on the recovery account.

- *Enforcement costs advanced* (tilbago_case_cost.py): the entries of each cost and of
  what the debtor paid of it, on the receivable "costs to recover".

The statement of the case (provisioned, written off, recovered, costs booked and
recovered) is computed from the posted entries linked to it, never stored beside them, so
it always agrees with the books.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_is_zero

from ..tilbago import allocation
from ..tilbago import money as tilbago_money
from .res_company import TILBAGO_STAGE_LOSS_FIELDS

ACCOUNTING_GROUP = "account.group_account_invoice"
_ACCOUNTING_FIELD_GROUPS = "account.group_account_invoice,account.group_account_readonly"


def _statement_amount(string, help_text):
    """An amount of the case's statement, in company currency, for accounting users."""
    return fields.Monetary(
        string=string,
        currency_field="tilbago_company_currency_id",
        compute="_compute_tilbago_bookkeeping",
        groups=_ACCOUNTING_FIELD_GROUPS,
        help=help_text,
    )


class TilbagoCaseAccounting(models.Model):
    _inherit = "tilbago.case"

    tilbago_loss_percent = fields.Float(
        string="Loss Percentage",
        digits=(5, 2),
        tracking=True,
        help="The part of the open principal you expect to lose; the provision is this "
        "percentage of it. Proposed by the stage (Settings: loss percentage per stage) "
        "until you type another one.",
    )
    tilbago_loss_percent_manual = fields.Boolean(
        string="Loss Percentage Typed by Hand",
        help="The stage no longer proposes the loss percentage of this case.",
    )
    tilbago_company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    tilbago_accounting_move_ids = fields.One2many(
        "account.move",
        "tilbago_accounting_case_id",
        string="Journal Entries",
        readonly=True,
        groups=_ACCOUNTING_FIELD_GROUPS,
    )
    tilbago_accounting_move_count = fields.Integer(
        compute="_compute_tilbago_bookkeeping", groups=_ACCOUNTING_FIELD_GROUPS
    )
    tilbago_provision_base = _statement_amount(
        "Open on the Invoices",
        "What the claimed invoices still leave open, taxes included: the base of the "
        "provision.",
    )
    tilbago_provision_target = _statement_amount(
        "Provision Due", "Loss percentage x open principal: what the del credere should hold."
    )
    tilbago_provisioned = _statement_amount(
        "Provisioned", "Del credere of the case in the posted entries."
    )
    tilbago_provision_draft = _statement_amount(
        "Provision in Draft", "Del credere of the case in entries still in draft."
    )
    tilbago_written_off = _statement_amount(
        "Written Off", "Posted write-off credit notes, taxes included."
    )
    tilbago_recovered = _statement_amount(
        "Recovered", "Posted recovery invoices, taxes included."
    )
    tilbago_costs_booked = _statement_amount(
        "Costs Booked",
        "Enforcement costs advanced in posted vendor bills and entries of the case.",
    )
    tilbago_costs_recovery_booked = _statement_amount(
        "Costs Recovered (Booked)",
        "What posted entries moved out of the enforcement costs to recover, as the "
        "debtor paid them.",
    )

    @api.constrains("tilbago_loss_percent")
    def _check_tilbago_loss_percent(self):
        for case in self:
            if not 0 <= case.tilbago_loss_percent <= 100:
                raise ValidationError(self.env._(
                    '%(label)s "%(value)s" must be a percentage from 0 to 100.',
                    label=self._fields["tilbago_loss_percent"]._description_string(self.env),
                    value=case.tilbago_loss_percent,
                ))

    # -- the statement, from the linked entries ------------------------------------------
    def _tilbago_claimed_invoices(self):
        """The posted customer invoices of the case (claimed, or linked once sent)."""
        self.ensure_one()
        case = self.sudo()
        return (case.claim_ids.invoice_id | case.invoice_ids).filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        ).sudo(False)

    @staticmethod
    def _tilbago_provision_of(moves):
        """Del credere held by ``moves``: their balance sheet side (credit positive)."""
        return -sum(
            line.balance
            for line in moves.filtered(
                lambda m: m.tilbago_accounting_kind in ("provision", "release")
            ).line_ids
            if line.account_id.include_initial_balance
        )

    @api.depends(
        "tilbago_loss_percent",
        "claim_ids.invoice_id.amount_residual_signed",
        "invoice_ids.amount_residual_signed",
        "tilbago_accounting_move_ids.state",
        "tilbago_accounting_move_ids.line_ids.balance",
    )
    def _compute_tilbago_bookkeeping(self):
        for case in self:
            currency = case.company_id.currency_id
            moves = case.sudo().tilbago_accounting_move_ids
            posted = moves.filtered(lambda m: m.state == "posted")
            draft = moves.filtered(lambda m: m.state == "draft")
            open_principal = sum(
                case._tilbago_claimed_invoices().sudo().mapped("amount_residual_signed")
            )
            case.tilbago_accounting_move_count = len(moves)
            case.tilbago_provision_base = open_principal
            case.tilbago_provision_target = currency.round(
                open_principal * case.tilbago_loss_percent / 100.0
            )
            case.tilbago_provisioned = self._tilbago_provision_of(posted)
            case.tilbago_provision_draft = self._tilbago_provision_of(draft)
            case.tilbago_written_off = -sum(
                posted.filtered(lambda m: m.tilbago_accounting_kind == "write_off")
                .mapped("amount_total_signed")
            )
            case.tilbago_recovered = sum(
                posted.filtered(lambda m: m.tilbago_accounting_kind == "recovery")
                .mapped("amount_total_signed")
            )
            # a vendor bill's total is negative, an entry's positive: the amount either way
            for fname, kind in (("tilbago_costs_booked", "cost"),
                                ("tilbago_costs_recovery_booked", "cost_recovery")):
                case[fname] = sum(
                    abs(move.amount_total_signed)
                    for move in posted if move.tilbago_accounting_kind == kind
                )

    def _tilbago_provision_booked(self):
        """Del credere of the case in every entry not cancelled (posted and draft)."""
        self.ensure_one()
        moves = self.sudo().tilbago_accounting_move_ids.filtered(lambda m: m.state != "cancel")
        return self._tilbago_provision_of(moves)

    # -- the loss percentage proposed by the stage ---------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        cases = super().create(vals_list)
        cases.filtered(lambda c: not c.tilbago_loss_percent_manual)._tilbago_loss_from_stage()
        return cases

    def write(self, vals):
        if "tilbago_loss_percent" in vals and not self.env.context.get("tilbago_loss_from_stage"):
            vals = dict(vals, tilbago_loss_percent_manual=True)
        moved = closing = self.browse()
        if "state" in vals:
            moved = self.filtered(lambda c: c.state != vals["state"])
            if vals["state"] == "closed":
                closing = moved
        result = super().write(vals)
        moved.filtered(lambda c: not c.tilbago_loss_percent_manual)._tilbago_loss_from_stage()
        if closing:
            # a closed case expects no more loss: its del credere is released (a draft)
            closing._tilbago_release_provision(as_addon=True)
        return result

    def _tilbago_loss_from_stage(self):
        """Set the loss percentage the company proposes for each case's stage, if any."""
        by_percent = {}
        for case in self.filtered(lambda c: c.state in TILBAGO_STAGE_LOSS_FIELDS):
            percent = case.company_id._tilbago_stage_loss_percent(case.state)
            if percent != case.tilbago_loss_percent:
                by_percent.setdefault(percent, self.browse())
                by_percent[percent] |= case
        for percent, cases in by_percent.items():
            cases.with_context(tilbago_loss_from_stage=True).write(
                {"tilbago_loss_percent": percent, "tilbago_loss_percent_manual": False}
            )

    def action_tilbago_loss_from_stage(self):
        """Forget the percentage typed by hand: the stage proposes it again."""
        self.with_context(tilbago_loss_from_stage=True).write(
            {"tilbago_loss_percent_manual": False}
        )
        self._tilbago_loss_from_stage()
        return True

    # -- rules ---------------------------------------------------------------------------
    def _tilbago_check_accounting_user(self):
        """Only accounting users prepare entries (posting stays with Odoo's own rights)."""
        if not self.env.su and not self.env.user.has_group(ACCOUNTING_GROUP):
            raise AccessError(self.env._(
                "Only accounting users (Invoicing: Billing or above) may book the "
                "provision, write-off, recovery or enforcement costs of a debt enforcement "
                "case."
            ))
        self.check_access("read")

    def _tilbago_accounting_link(self, moves, kind, invoice=None, cost=None):
        """Link ``moves`` to the case, as the addon (the link is not the user's to set)."""
        self.ensure_one()
        vals = {
            "tilbago_accounting_case_id": self.id,
            "tilbago_accounting_kind": kind,
            "tilbago_accounting_invoice_id": invoice.id if invoice else False,
        }
        if cost:
            vals["tilbago_accounting_cost_id"] = cost.id
        moves.sudo().write(vals)
        return moves

    # -- provision -----------------------------------------------------------------------
    def _tilbago_provision_entry(self, amount, kind, label, as_addon=False):
        """A draft entry moving ``amount`` into the del credere (negative: out of it)."""
        self.ensure_one()
        company = self.company_id
        delcredere = company._tilbago_accounting_account("tilbago_delcredere_account_id")
        losses = company._tilbago_accounting_account("tilbago_bad_debt_account_id")
        Move = self.env["account.move"].with_company(company)
        if as_addon:
            Move = Move.sudo()
        move = Move.create({
            "move_type": "entry",
            "company_id": company.id,
            "journal_id": company._tilbago_accounting_journal().id,
            "date": fields.Date.context_today(self),
            "ref": label,
            "line_ids": [
                fields.Command.create({
                    "name": label, "account_id": losses.id, "partner_id": self.partner_id.id,
                    "debit": max(amount, 0.0), "credit": max(-amount, 0.0),
                }),
                fields.Command.create({
                    "name": label, "account_id": delcredere.id,
                    "partner_id": self.partner_id.id,
                    "debit": max(-amount, 0.0), "credit": max(amount, 0.0),
                }),
            ],
        })
        return self._tilbago_accounting_link(move, kind)

    def action_tilbago_provision(self):
        """Provision (or update the provision of) the case: only the difference is booked."""
        self._tilbago_check_accounting_user()
        moves = self.env["account.move"]
        for case in self:
            if case.state == "closed":
                raise UserError(self.env._(
                    "The case %(case)s is closed: its provision was released, there is "
                    "nothing more to provision.", case=case.display_name,
                ))
            currency = case.company_id.currency_id
            difference = currency.round(
                case.tilbago_provision_target - case._tilbago_provision_booked()
            )
            if currency.is_zero(difference):
                raise UserError(self.env._(
                    "The provision of %(case)s is up to date: %(percent)s %% of the open "
                    "principal is %(amount)s, as booked.",
                    case=case.display_name, percent=case.tilbago_loss_percent,
                    amount=case.tilbago_provision_target,
                ))
            label = self.env._(
                "Del credere %(case)s (%(debtor)s): %(percent)s %% of %(principal)s",
                case=case.name, debtor=case.partner_id.display_name,
                percent=case.tilbago_loss_percent, principal=case.tilbago_provision_base,
            )
            moves |= case._tilbago_provision_entry(difference, "provision", label)
        return moves._tilbago_accounting_action()

    def _tilbago_release_provision(self, as_addon=False):
        """Release all the del credere of each case (a draft entry); return the entries."""
        moves = self.env["account.move"]
        for case in self:
            booked = case._tilbago_provision_booked()
            if float_is_zero(booked, precision_rounding=case.company_id.currency_id.rounding):
                continue
            label = self.env._("Del credere %(case)s released", case=case.name)
            moves |= case._tilbago_provision_entry(-booked, "release", label, as_addon=as_addon)
        return moves

    # -- write-off and recovery (wizards/tilbago_case_write_off.py) ----------------------
    def _tilbago_open_wizard(self, kind):
        self.ensure_one()
        self._tilbago_check_accounting_user()
        wizard = self.env["tilbago.case.write.off"].create({"case_id": self.id, "kind": kind})
        wizard._tilbago_fill_lines()
        return {
            "type": "ir.actions.act_window",
            "name": wizard._fields["kind"].convert_to_export(kind, wizard),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "views": [(False, "form")],
            "target": "new",
        }

    def action_tilbago_write_off(self):
        return self._tilbago_open_wizard("write_off")

    def action_tilbago_recovery(self):
        return self._tilbago_open_wizard("recovery")

    def _tilbago_booked_per_invoice(self, kind, states=("draft", "posted")):
        """{invoice: amount in the invoice's currency} of the case's ``kind`` documents."""
        self.ensure_one()
        amounts = {}
        for move in self.sudo().tilbago_accounting_move_ids:
            if move.tilbago_accounting_kind == kind and move.state in states:
                invoice = move.tilbago_accounting_invoice_id.sudo(False)
                amounts[invoice] = amounts.get(invoice, 0.0) + move.amount_total
        return amounts

    def _tilbago_taxed_document(self, invoice, amount, move_type, account, label):
        """A draft ``move_type`` of ``amount`` (taxes included, invoice currency) with
        the taxes of ``invoice``, spread over its tax groups as its lines are."""
        self.ensure_one()
        groups = {}
        for line in invoice.invoice_line_ids.filtered(lambda l: l.display_type == "product"):
            groups.setdefault(line.tax_ids, 0.0)
            groups[line.tax_ids] += line.price_total
        total = sum(groups.values())
        if float_is_zero(total, precision_rounding=invoice.currency_id.rounding):
            raise UserError(self.env._(
                "The invoice %(invoice)s has no amount to write off or recover.",
                invoice=invoice.display_name,
            ))
        currency = invoice.currency_id
        lines, left = [], amount
        for index, (taxes, group_total) in enumerate(groups.items()):
            part = left if index == len(groups) - 1 else currency.round(
                amount * group_total / total
            )
            left -= part
            # the price that gives ``part`` once the taxes are added (price-included
            # taxes give it back unchanged)
            included = taxes.compute_all(part, currency=currency)["total_included"] or part
            lines.append({
                "name": label, "account_id": account.id, "quantity": 1,
                "price_unit": currency.round(part * part / included),
                "tax_ids": [fields.Command.set(taxes.ids)],
            })
        Move = self.env["account.move"].with_company(invoice.company_id)
        move = Move.create({
            "move_type": move_type,
            "partner_id": invoice.partner_id.id,
            "company_id": invoice.company_id.id,
            "journal_id": invoice.journal_id.id,
            "currency_id": currency.id,
            # the invoice's taxes as they are, not mapped again by a fiscal position
            "fiscal_position_id": invoice.fiscal_position_id.id,
            "invoice_date": fields.Date.context_today(self),
            "ref": label,
            "invoice_origin": invoice.name,
            # a credit note reversing the invoice: Odoo itself reconciles the two when
            # the credit note is posted (account.move._post, _reconcile_reversed_moves),
            # from the wizard or later, on their common receivable account
            "reversed_entry_id": invoice.id if move_type == "out_refund" else False,
            "invoice_line_ids": [fields.Command.create(vals) for vals in lines],
        })
        self._tilbago_adjust_rounding(move, amount)
        return move

    @staticmethod
    def _tilbago_adjust_rounding(move, amount):
        """Absorb the cent the taxes' rounding may add or take, in the biggest line."""
        currency = move.currency_id
        difference = currency.round(amount - move.amount_total)
        if float_compare(difference, 0.0, precision_rounding=currency.rounding):
            line = max(move.invoice_line_ids, key=lambda l: abs(l.price_total))
            ratio = (line.price_total / line.price_subtotal) if line.price_subtotal else 1.0
            line.price_unit = currency.round(line.price_unit + difference / ratio)
        return move

    # -- enforcement costs advanced (tilbago_case_cost.py) -------------------------------
    def _tilbago_cost_entry(self, date, amount, currency, label, debit, credit):
        """A draft entry of ``amount`` (``currency``) in the del credere journal from
        ``credit`` to ``debit``, each an (account, partner) pair."""
        self.ensure_one()
        company = self.company_id
        balance = currency._convert(amount, company.currency_id, company, date)
        return self.env["account.move"].with_company(company).create({
            "move_type": "entry",
            "company_id": company.id,
            "journal_id": company._tilbago_accounting_journal().id,
            "date": date,
            "ref": label,
            "line_ids": [
                fields.Command.create({
                    "name": label, "account_id": account.id, "partner_id": partner.id,
                    "currency_id": currency.id, "amount_currency": sign * amount,
                    "balance": sign * balance,
                })
                for (account, partner), sign in ((debit, 1), (credit, -1))
            ],
        })

    def action_tilbago_book_cost_recovery(self):
        """A draft entry per booked cost for what the debtor paid of it since last time."""
        self._tilbago_check_accounting_user()
        moves = self.cost_ids._tilbago_book_recovery()
        if not moves:
            raise UserError(self.env._(
                "The debtor's payments paid no enforcement cost booked that is not "
                "already moved out of the costs to recover."
            ))
        return moves._tilbago_accounting_action()

    def _tilbago_payments(self):
        """The debtor's payments, plus those reconciled with a posted cost recovery entry.

        Posting a recovery entry and reconciling its receivable line with what the
        debtor's payment left open consumes that remainder, which the statement counts as
        paid: it is counted back here, on the day of the payment, so the statement of the
        case (and the costs paid) stays what it was before the booking.
        """
        payments = super()._tilbago_payments()
        cases = self.filtered(lambda c: c.date_sent and c.id)
        if not cases:
            return payments
        lines = self.env["account.move.line"].sudo().search([
            ("move_id.tilbago_accounting_case_id", "in", cases.ids),
            ("move_id.tilbago_accounting_kind", "=", "cost_recovery"),
            ("move_id.state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
            ("debit", ">", 0),
        ])
        for line in lines:
            case = line.move_id.tilbago_accounting_case_id
            payments.setdefault(case.id, [])
            for partial in line.matched_credit_ids:
                payments[case.id].append(allocation.Payment(
                    partial.credit_move_id.date,
                    tilbago_money.from_float(partial.debit_amount_currency),
                ))
        return payments

    def action_view_tilbago_accounting_moves(self):
        self.ensure_one()
        return self.tilbago_accounting_move_ids._tilbago_accounting_action()
