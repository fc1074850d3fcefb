# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The requisition wizard: from overdue invoices to a debt collection request.

Three steps, as in the Crésus ⇄ tilbago manual: the claim, the debtor, the
confirmation. Nothing is sent before the last step. The debtor step is
``tilbago.requisition.debtor`` (tilbago_requisition_wizard_debtor.py), the form as a
request and the case it is saved as ``tilbago.requisition.request``
(tilbago_requisition_wizard_request.py). The request is built by the plain layer
(``tilbago.payload``), checked by ``tilbago.validation`` (every problem listed at once)
and summed up, as it will be sent, by ``tilbago.summary``.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from ..tilbago import debtor as tilbago_debtor
from ..tilbago import summary as tilbago_summary
from ..tilbago import swiss as tilbago_swiss
from ..tilbago import validation as tilbago_validation
from .tilbago_requisition_wizard_request import _dec, _rate

#: The reason of a claim goes to the office in the debtor's language, whatever the
#: language of the Odoo user: fixed words, not Odoo translations.
INVOICE_WORD = {"de": "Rechnung", "fr": "Facture", "it": "Fattura"}
FEE_WORDS = {
    "de": "Mahngebühren Rechnung",
    "fr": "Frais de rappel facture",
    "it": "Spese di richiamo fattura",
}


class TilbagoRequisitionWizard(models.TransientModel):
    _name = "tilbago.requisition.wizard"
    _inherit = ["tilbago.requisition.debtor", "tilbago.requisition.request"]
    _description = "Debt Collection Request (tilbago)"
    _check_company_auto = True

    step = fields.Selection(
        [("claim", "Claim"), ("debtor", "Debtor"), ("confirm", "Confirmation")],
        default="claim",
        required=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.ref("base.CHF")
    )
    case_id = fields.Many2one(
        "tilbago.case",
        string="Case to Correct",
        check_company=True,
        help="A case not yet in tilbago whose request is corrected and sent again with "
        "the same external reference.",
    )
    invoice_ids = fields.Many2many("account.move", string="Invoices", check_company=True)
    partner_id = fields.Many2one(
        "res.partner", string="Debtor", required=True, check_company=True
    )
    warning = fields.Text(readonly=True)
    available_attachment_ids = fields.Many2many(
        "ir.attachment", compute="_compute_available_attachment_ids"
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "tilbago_requisition_wizard_attachment_rel",
        string="Other Documents",
        domain="[('id', 'in', available_attachment_ids)]",
        check_company=True,
        help="Files attached to the invoices (a contract, delivery notes, a certificate "
        "of loss…) sent to tilbago with the request. The invoice PDF is sent anyway when "
        "the company setting 'Attach Invoice PDF' is on.",
    )

    @api.depends("invoice_ids", "claim_line_ids.invoice_id")
    def _compute_available_attachment_ids(self):
        for wizard in self:
            invoices = wizard.invoice_ids | wizard.claim_line_ids.invoice_id
            wizard.available_attachment_ids = self.env["ir.attachment"].search(
                [("res_model", "=", "account.move"), ("res_id", "in", invoices.ids)]
            ) if invoices else False

    # -- step 1: the claim ------------------------------------------------------------
    main_invoice_id = fields.Many2one("account.move", string="Invoice", check_company=True)
    amount = fields.Monetary(
        string="Claim Amount (CHF)",
        help="The amount still open when the request is made, in Swiss francs.",
    )
    reason = fields.Char(
        string="Claim Reason",
        help="By default the invoice number, in the debtor's language.",
    )
    due_date = fields.Date(
        help="The due date of the claim when the invoice was issued."
    )
    interest_rate = fields.Float(
        string="Interest Rate (%)",
        digits=(7, 5),
        help="Default interest: the agreed rate, else 5 % a year (CO 104).",
    )
    interest_from = fields.Date(
        compute="_compute_interest_from",
        store=True,
        readonly=False,
        help="The day default interest runs from, by default the day after the due date "
        "(CO 102, 104), following a corrected due date until it is changed by hand. "
        "SchKG 67 al. 1 ch. 3: the request must state the rate and this date, or the "
        "office refuses it.",
    )
    interest_from_manual = fields.Boolean(
        string="Interest Start Changed by Hand",
        help="The interest start date was changed by hand: it no longer follows the "
        "due date."
    )
    collocation_class = fields.Selection(
        tilbago_swiss.COLLOCATION_SELECTION,
        default="3",
        help="SchKG 219 al. 4.\n"
        "1: wages of the six months before the bankruptcy was opened, or occupational "
        "pension (LPP/BVG) contributions;\n"
        "2: social insurance contributions (AVS/AI/APG/AC), family allowance funds, "
        "accident insurance, health insurance costs or certain tax claims;\n"
        "3: every other claim (an invoice for goods or services is class 3).",
    )
    collocation_help = fields.Text(compute="_compute_collocation_help")
    certificate_of_loss = fields.Boolean(
        string="Based on a Certificate of Loss",
        help="Tick it if you hold a certificate of loss (acte de défaut de biens / "
        "Verlustschein) against the debtor and start debt collection again because the "
        "debtor came "
        "back to better fortune (SchKG 149, 149a).",
    )
    review_in_tilbago = fields.Boolean(
        string="Review in tilbago First",
        default=True,
        help="The case waits in tilbago for your review of the debtor data before it is "
        "submitted to the debt collection office.",
    )
    claim_line_ids = fields.One2many(
        "tilbago.requisition.claim",
        "wizard_id",
        string="Further Claims",
        help="Further claims of the same request: the reminder fees recorded and the "
        "other selected invoices (at most 10 claims in all).",
    )
    total_amount = fields.Monetary(
        string="Total Claimed", compute="_compute_fee_interest"
    )
    fee_amount = fields.Monetary(
        string="Payment-Order Fee",
        compute="_compute_fee_interest",
        help="The fee the debt collection office asks in advance for issuing and "
        "serving the payment order (GebV SchKG art. 16 al. 1), without delivery and "
        "postage. The debtor owes it in the end (SchKG 68).",
    )
    interest_accrued = fields.Monetary(
        string="Interest Accrued to Date",
        compute="_compute_fee_interest",
        help="Default interest of all claims from their start date to today (30E/360, "
        "simple interest, CO 104-105). An estimate: the request states the rate and the "
        "start date, not this figure.",
    )

    # -- step 3: confirmation ---------------------------------------------------------
    summary = fields.Text(string="Summary as Text", compute="_compute_summary_problems")
    summary_html = fields.Html(
        string="Summary", compute="_compute_summary_problems", sanitize=False
    )
    problems = fields.Text(compute="_compute_summary_problems")
    has_problems = fields.Boolean(compute="_compute_summary_problems")
    confirmed = fields.Boolean(string="These data are correct, send the request")

    # ================================================================= computes
    @api.depends("collocation_class")
    def _compute_collocation_help(self):
        for wizard in self:
            wizard.collocation_help = "\n".join(
                "%s: %s" % (code, self.env._(entry.en))
                for code, entry in sorted(tilbago_swiss.COLLOCATION_CLASSES.items())
            )

    @api.depends("due_date")
    def _compute_interest_from(self):
        """The day after the due date, as long as the user did not change it by hand."""
        for wizard in self:
            if not wizard.interest_from_manual or not wizard.interest_from:
                wizard.interest_from = tilbago_swiss.interest_start(wizard.due_date)

    @api.onchange("interest_from")
    def _onchange_interest_from(self):
        for wizard in self:
            wizard.interest_from_manual = wizard._tilbago_interest_from_is_manual(
                wizard.interest_from, wizard.due_date
            )

    @api.model
    def _tilbago_interest_from_is_manual(self, interest_from, due_date):
        default = tilbago_swiss.interest_start(due_date) if due_date else False
        return bool(interest_from) and interest_from != default

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("interest_from") and "interest_from_manual" not in vals:
                vals["interest_from_manual"] = self._tilbago_interest_from_is_manual(
                    fields.Date.to_date(vals["interest_from"]),
                    fields.Date.to_date(vals.get("due_date")),
                )
        return super().create(vals_list)

    def write(self, vals):
        if "interest_from" in vals and "interest_from_manual" not in vals:
            for wizard in self:
                due = vals["due_date"] if "due_date" in vals else wizard.due_date
                manual = self._tilbago_interest_from_is_manual(
                    fields.Date.to_date(vals["interest_from"]), fields.Date.to_date(due)
                )
                super(TilbagoRequisitionWizard, wizard).write(
                    dict(vals, interest_from_manual=manual)
                )
            return True
        return super().write(vals)

    def _claims_values(self):
        """(amount Decimal, rate Decimal, interest_from) of every claim, main first."""
        self.ensure_one()
        return [
            (_dec(claim.amount), _rate(claim.interest_rate), claim.interest_from)
            # the wizard holds the main claim, its lines the further ones
            for claim in [self, *self.claim_line_ids]
        ]

    @api.depends(
        "amount",
        "interest_rate",
        "interest_from",
        "claim_line_ids.amount",
        "claim_line_ids.interest_rate",
        "claim_line_ids.interest_from",
    )
    def _compute_fee_interest(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            total, fee, accrued = tilbago_summary.costs(wizard._claims_values(), today)
            wizard.total_amount = float(total)
            wizard.fee_amount = float(fee)
            wizard.interest_accrued = float(accrued)

    @api.depends(lambda self: self._summary_depends())
    def _compute_summary_problems(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            case = wizard._tilbago_build_case()
            sections = tilbago_summary.summarize(
                case,
                today,
                due_date=wizard.due_date,
                gettext=self.env._,
                format_date=lambda day: format_date(self.env, day),
                choices=wizard._tilbago_summary_choices(),
            )
            wizard.summary = tilbago_summary.as_text(sections)
            wizard.summary_html = self._tilbago_summary_html(sections)
            problems = [
                self.env["tilbago.case"]._tilbago_translate_problem(p)
                for p in tilbago_validation.validate_case(case)
            ] + self.env["tilbago.case.claim"]._tilbago_amount_problems_for(
                [(wizard.main_invoice_id, "main", wizard.amount)]
                + [(line.invoice_id, line.kind, line.amount) for line in wizard.claim_line_ids]
            )
            wizard.problems = "\n".join("- %s" % p for p in problems)
            wizard.has_problems = bool(problems)

    @api.model
    def _summary_depends(self):
        return [
            "amount",
            "reason",
            "due_date",
            "interest_rate",
            "interest_from",
            "collocation_class",
            "certificate_of_loss",
            "review_in_tilbago",
            "main_invoice_id",
            "claim_line_ids",
            "claim_line_ids.amount",
            "claim_line_ids.kind",
            "claim_line_ids.invoice_id",
            "claim_line_ids.reason",
            "claim_line_ids.interest_rate",
            "claim_line_ids.interest_from",
            "claim_line_ids.collocation_class",
            "debtor_external_ref",
            *tilbago_debtor.FORM_FIELDS,
        ]

    def _tilbago_summary_choices(self):
        """The names of the codes the summary shows, as the user's selection lists say."""
        return {
            key: dict(self._fields[fname]._description_selection(self.env))
            for key, fname in (
                ("collocationClass", "collocation_class"),
                ("preferredLanguage", "debtor_language"),
                ("sex", "debtor_sex"),
            )
        }

    @api.model
    def _tilbago_summary_html(self, sections):
        """The confirmation summary as the user reads it: a heading and a two-column
        table per part (the claim, the debtor, how to reach the debtor, the debtor's
        identification), every value escaped."""
        row = Markup(
            '<tr><th class="text-nowrap pe-3 fw-normal text-muted">%s</th><td>%s</td></tr>'
        )
        part = Markup(
            '<h5 class="mt-3">%s</h5><table class="table table-sm mb-2"><tbody>%s</tbody></table>'
        )
        return Markup('<div class="o_tilbago_summary">%s</div>') % Markup("").join(
            part % (section.heading, Markup("").join(row % cells for cells in section.rows))
            for section in sections
        )

    # ================================================================= start
    @api.model
    def _tilbago_check_invoices(self, invoices, partner=None, cases=None):
        """Refuse what cannot be prosecuted, every reason at once; return the warnings."""
        return invoices._tilbago_check_prosecutable(partner=partner, cases=cases)

    @api.model
    def _tilbago_start(self, invoices):
        """Check the invoices and open the wizard on them (button and list action)."""
        invoices = invoices.sorted(lambda m: (m.invoice_date_due or fields.Date.today(), m.id))
        warnings = self._tilbago_check_invoices(invoices)
        wizard = self.create(self._tilbago_defaults(invoices, warnings))
        return wizard._tilbago_action()

    @api.model
    def _tilbago_invoice_claim(self, invoice, lang):
        """The claim of an invoice: what is still open, default interest from its due date."""
        company = invoice.company_id
        return {
            "amount": invoice.amount_residual,
            "reason": "%s %s" % (INVOICE_WORD.get(lang, "Invoice"), invoice.name),
            "due_date": invoice.invoice_date_due,
            "interest_rate": company.tilbago_interest_rate,
            "interest_from": tilbago_swiss.interest_start(invoice.invoice_date_due),
            "collocation_class": company.tilbago_collocation_class or "3",
        }

    @api.model
    def _tilbago_defaults(self, invoices, warnings):
        """The wizard on ``invoices`` (oldest first): the oldest is the main claim, the
        others and then the reminder fees recorded on any of them are further claims."""
        partner = invoices.commercial_partner_id
        lang = self._tilbago_language_of(partner)
        main = invoices[0]
        lines = [
            dict(self._tilbago_invoice_claim(invoice, lang), kind="invoice", invoice_id=invoice.id)
            for invoice in invoices[1:]
        ]
        cls = main.company_id.tilbago_collocation_class or "3"
        fee_words = FEE_WORDS.get(lang, "Reminder fees invoice")
        for invoice in invoices.filtered(lambda inv: inv.tilbago_reminder_fee > 0):
            lines.append(
                {
                    "kind": "fee",
                    "invoice_id": invoice.id,
                    "amount": invoice.tilbago_reminder_fee,
                    "reason": "%s %s" % (fee_words, invoice.name),
                    "due_date": False,
                    "interest_rate": 0.0,
                    # fees are due from the last reminder, the one that charged them
                    "interest_from": (
                        invoice._tilbago_final_reminder_date()
                        or fields.Date.context_today(self)
                    ),
                    "collocation_class": cls,
                }
            )
        vals = {
            "company_id": main.company_id.id,
            "invoice_ids": [fields.Command.set(invoices.ids)],
            "partner_id": partner.id,
            "warning": "\n".join(warnings) or False,
            "main_invoice_id": main.id,
            **self._tilbago_invoice_claim(main, lang),
            "claim_line_ids": [
                fields.Command.create(dict(line, sequence=10 * number))
                for number, line in enumerate(lines, start=1)
            ],
        }
        vals.update(self._tilbago_debtor_values(partner, lang))
        vals["debtor_prefill"] = self._tilbago_prefill(vals)
        return vals

    # ================================================================= navigation
    def _tilbago_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Debt Collection Request"),
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "new",
            "context": dict(self.env.context),
        }

    def action_next(self):
        self.ensure_one()
        order = ["claim", "debtor", "confirm"]
        self.step = order[min(order.index(self.step) + 1, 2)]
        self.confirmed = False
        return self._tilbago_action()

    def action_back(self):
        self.ensure_one()
        order = ["claim", "debtor", "confirm"]
        self.step = order[max(order.index(self.step) - 1, 0)]
        self.confirmed = False
        return self._tilbago_action()

    # ================================================================= send
    def _tilbago_check_documents(self):
        """Refuse, before anything is saved, a chosen file tilbago would not take."""
        problems = [
            reason
            for attachment in self.attachment_ids
            for reason in self.env["tilbago.case.document"]._tilbago_check_file(
                attachment.name, attachment.file_size
            )
        ]
        if problems:
            raise UserError("\n".join(problems))

    def action_send(self):
        """Save the case (stable external reference), then send it. Last step only."""
        self.ensure_one()
        if self.step != "confirm":
            raise UserError(self.env._("Check the data on the confirmation step before sending."))
        if not self.confirmed:
            raise UserError(
                self.env._("Tick 'These data are correct, send the request' to send the request.")
            )
        case = self.case_id
        if case and (case.tilbago_id or case.state not in ("draft", "error")):
            raise UserError(
                self.env._("The case %(case)s is already in tilbago.", case=case.display_name)
            )
        if not self.main_invoice_id:
            raise UserError(
                self.env._("A debt collection request starts from an invoice: the claim has none.")
            )
        # every invoice the request refers to, however it was put there; the claims of
        # the case check them again when they are saved (tilbago.case.claim)
        self._tilbago_check_invoices(
            self.main_invoice_id | self.invoice_ids | self.claim_line_ids.invoice_id,
            partner=self.partner_id,
            cases=case,
        )
        if self.has_problems:
            raise UserError(
                self.env._(
                    "The request cannot be sent yet:\n%(problems)s",
                    problems=self.problems,
                )
            )
        self._tilbago_check_documents()
        case = self._tilbago_save_case()
        case._tilbago_commit()
        case._tilbago_send()
        return case._tilbago_notify_result()
