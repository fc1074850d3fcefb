# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The requisition wizard: from overdue invoices to a debt collection request.

Three steps, as in the Crésus ⇄ tilbago manual (seed 000): the claim, the debtor, the
confirmation. Nothing is sent before the last step. The payload is built by the plain
layer (``tilbago.payload``) and checked by ``tilbago.validation``; every problem is listed
at once on the confirmation step.
"""

import json
from decimal import Decimal

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from ..models.tilbago_case import COLLOCATION_SELECTION
from ..tilbago import address as tilbago_address
from ..tilbago import money as tilbago_money
from ..tilbago import payload as tilbago_payload
from ..tilbago import swiss as tilbago_swiss
from ..tilbago import validation as tilbago_validation

LANGUAGES = [("de", "German"), ("fr", "French"), ("it", "Italian")]
SEXES = [("M", "Male"), ("F", "Female"), ("U", "Unknown")]

#: The reason of a claim goes to the office in the debtor's language, whatever the
#: language of the Odoo user: fixed words, not Odoo translations.
INVOICE_WORD = {"de": "Rechnung", "fr": "Facture", "it": "Fattura"}
FEE_WORDS = {
    "de": "Mahngebühren Rechnung",
    "fr": "Frais de rappel facture",
    "it": "Spese di richiamo fattura",
}

#: wizard field -> wire key of the debtor (for the write-back and the prefill record)
DEBTOR_FIELDS = (
    "debtor_is_company",
    "debtor_company",
    "debtor_name_addon",
    "debtor_uid",
    "debtor_legal_seat",
    "debtor_contact_person",
    "debtor_is_registered",
    "debtor_title",
    "debtor_first_name",
    "debtor_last_name",
    "debtor_sex",
    "debtor_birthdate",
    "debtor_birth_name",
    "debtor_nationality_id",
    "debtor_street",
    "debtor_street_number",
    "debtor_pob",
    "debtor_zip",
    "debtor_city",
    "debtor_phone1",
    "debtor_phone2",
    "debtor_phone3",
    "debtor_fax",
    "debtor_email",
    "debtor_language",
)


#: the partner fields "Save Corrections on the Partner" may write (and no other)
WRITE_BACK_PARTNER_FIELDS = frozenset(
    {
        "name", "firstname", "lastname", "street", "street2", "zip", "city", "phone",
        "mobile", "email", "tilbago_language", "tilbago_uid", "tilbago_legal_seat",
        "tilbago_contact_person", "tilbago_is_registered", "tilbago_sex",
        "tilbago_birthdate", "tilbago_birth_name", "tilbago_nationality_id",
    }
)  # fmt: skip


def _dec(value, digits=2):
    """A float from the ORM as the Decimal typed (its shortest repr, never Decimal(float))."""
    return tilbago_money.from_float(value or 0.0, digits)


def _rate(value):
    return _dec(value, 5).normalize()


class TilbagoRequisitionClaim(models.TransientModel):
    _name = "tilbago.requisition.claim"
    _description = "Requisition Wizard: Further Claim"
    _order = "sequence, id"

    _check_company_auto = True

    wizard_id = fields.Many2one(
        "tilbago.requisition.wizard", required=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="wizard_id.company_id")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        [("invoice", "Invoice"), ("fee", "Reminder Fees"), ("other", "Other")],
        default="other",
        required=True,
    )
    invoice_id = fields.Many2one("account.move", check_company=True)
    amount = fields.Monetary(string="Amount (CHF)", required=True)
    reason = fields.Char(required=True)
    due_date = fields.Date()
    interest_rate = fields.Float(string="Interest Rate (%)", digits=(7, 5))
    interest_from = fields.Date(
        help="SchKG 67 al. 1 ch. 3: the request states the interest rate and the date it "
        "runs from; vague interest data gets the request refused.",
    )
    collocation_class = fields.Selection(COLLOCATION_SELECTION, default="3", required=True)


class TilbagoRequisitionWizard(models.TransientModel):
    _name = "tilbago.requisition.wizard"
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
        COLLOCATION_SELECTION,
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

    # -- step 2: the debtor -----------------------------------------------------------
    debtor_external_ref = fields.Char(string="Debtor Reference", readonly=True)
    debtor_is_company = fields.Boolean(
        string="Legal Person",
        help="A company (legal person): tilbago needs its UID, legal seat, contact "
        "person and whether it is entered in the commercial register.",
    )
    debtor_company = fields.Char(string="Company Name")
    debtor_name_addon = fields.Char(string="Company Name Addition")
    debtor_uid = fields.Char(string="UID (IDE)", help="CHE-123.456.789, see uid.admin.ch.")
    debtor_legal_seat = fields.Char(string="Legal Seat")
    debtor_contact_person = fields.Char(string="Contact Person")
    debtor_is_registered = fields.Boolean(
        string="Entered in the Commercial Register",
        help="SchKG 39: decides whether enforcement against the debtor is by bankruptcy or "
        "by seizure. A UID alone does not prove an entry.",
    )
    debtor_title = fields.Char(string="Title")
    debtor_first_name = fields.Char(string="First Name")
    debtor_last_name = fields.Char(string="Last Name")
    debtor_sex = fields.Selection(SEXES, string="Sex")
    debtor_birthdate = fields.Date(string="Date of Birth")
    debtor_birth_name = fields.Char(string="Birth Name")
    debtor_nationality_id = fields.Many2one("res.country", string="Nationality")
    debtor_street = fields.Char(string="Street")
    debtor_street_number = fields.Char(string="Number")
    debtor_pob = fields.Char(string="PO Box")
    debtor_zip = fields.Char(string="Postcode (NPA)")
    debtor_city = fields.Char(string="City")
    debtor_phone1 = fields.Char(string="Phone 1")
    debtor_phone2 = fields.Char(string="Phone 2")
    debtor_phone3 = fields.Char(string="Phone 3")
    debtor_fax = fields.Char(string="Fax")
    debtor_email = fields.Char(string="E-mail")
    debtor_language = fields.Selection(LANGUAGES)
    debtor_prefill = fields.Text(
        help="The debtor values read from the partner (JSON), to write back only the "
        "corrections."
    )
    write_back = fields.Boolean(
        string="Save Corrections on the Partner",
        help="Write the debtor data corrected here back to the partner.",
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
        claims = [(_dec(self.amount), _rate(self.interest_rate), self.interest_from)]
        for line in self.claim_line_ids:
            claims.append((_dec(line.amount), _rate(line.interest_rate), line.interest_from))
        return claims

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
            claims = wizard._claims_values()
            total = sum((amount for amount, _r, _d in claims), Decimal("0"))
            accrued = sum(
                (
                    tilbago_swiss.interest(amount, rate, start, today)
                    for amount, rate, start in claims
                    if start and amount > 0
                ),
                Decimal("0"),
            )
            wizard.total_amount = float(total)
            wizard.fee_amount = (
                float(tilbago_swiss.payment_order_fee(total)) if total > 0 else 0.0
            )
            wizard.interest_accrued = float(accrued)

    @api.depends(lambda self: self._summary_depends())
    def _compute_summary_problems(self):
        for wizard in self:
            case = wizard._tilbago_build_case()
            wizard.summary = wizard._tilbago_summary(case)
            wizard.summary_html = wizard._tilbago_summary_html(wizard.summary)
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
            *DEBTOR_FIELDS,
        ]

    # ================================================================= payload
    def _tilbago_build_case(self, external_ref=None):
        """The request as a plain-layer Case (the Odoo layer never writes JSON by hand)."""
        self.ensure_one()
        ref = external_ref or (self.case_id.external_ref if self.case_id else "NEW")

        def claim(number, amount, reason, start, rate, cls):
            return tilbago_payload.Claim(
                external_ref="%s-%d" % (ref, number),
                amount=_dec(amount),
                reason=(reason or "").strip() or None,
                interest_date_from=start or None,
                interest_rate=_rate(rate),
                collocation_class=cls or None,
            )

        main = claim(
            1,
            self.amount,
            self.reason,
            self.interest_from,
            self.interest_rate,
            self.collocation_class,
        )
        further = [
            claim(
                index,
                line.amount,
                line.reason,
                line.interest_from,
                line.interest_rate,
                line.collocation_class,
            )
            for index, line in enumerate(self.claim_line_ids, start=2)
        ]

        def text(value):
            return (value or "").strip() or None

        address = tilbago_payload.Address(
            street=text(self.debtor_street),
            streetnumber=text(self.debtor_street_number),
            zip=text(self.debtor_zip),
            city=text(self.debtor_city),
            pob=text(self.debtor_pob),
        )
        common = {
            "external_ref": text(self.debtor_external_ref),
            "address": address,
            "preferred_language": self.debtor_language or None,
            "phone1": text(self.debtor_phone1),
            "phone2": text(self.debtor_phone2),
            "phone3": text(self.debtor_phone3),
            "fax": text(self.debtor_fax),
            "email": text(self.debtor_email),
        }
        if self.debtor_is_company:
            debtor = tilbago_payload.Debtor(
                company=text(self.debtor_company) or "",
                name_addon=text(self.debtor_name_addon),
                company_uid=text(self.debtor_uid),
                legal_seat=text(self.debtor_legal_seat),
                contact_person=text(self.debtor_contact_person),
                is_registered=bool(self.debtor_is_registered),
                **common,
            )
        else:
            debtor = tilbago_payload.Debtor(
                name=text(self.debtor_first_name),
                surname=text(self.debtor_last_name),
                sex=self.debtor_sex or None,
                date_of_birth=self.debtor_birthdate or None,
                birth_name=text(self.debtor_birth_name),
                title=text(self.debtor_title),
                nationality=self.debtor_nationality_id.code or None,
                **common,
            )
        responsible = self.company_id.tilbago_responsible_user_id
        return tilbago_payload.Case(
            external_ref=ref,
            certificate_of_loss=bool(self.certificate_of_loss),
            debtor=debtor,
            claim=main,
            subsidiary_claims=further,
            responsible_person=(
                tilbago_payload.ResponsiblePerson(email=responsible.email)
                if responsible.email
                else None
            ),
            status="002" if self.review_in_tilbago else None,
        )

    def _tilbago_summary(self, case):
        """The confirmation text of seed 000, in the user's language."""
        self.ensure_one()
        yes, no = _("yes"), _("no")

        def chf(amount):
            try:
                return tilbago_money.format_chf(amount)
            except (TypeError, ValueError):
                return str(amount)

        def rate(value):
            return "%s%%" % (format(value.normalize(), "f") if isinstance(value, Decimal) else value)

        def day(value):
            # the user's date format, as everywhere else on the screen
            return format_date(self.env, value) or "-"

        classes = dict(self._fields["collocation_class"]._description_selection(self.env))
        languages = dict(self._fields["debtor_language"]._description_selection(self.env))

        def cls_label(code):
            return classes.get(code, code) if code else "-"

        lines = [
            _("Claim amount: %(amount)s", amount=chf(self.amount and _dec(self.amount))),
            _("Claim reason: %(reason)s", reason=self.reason or "-"),
            _("Due date: %(date)s", date=day(self.due_date)),
            _("Interest rate: %(rate)s", rate=rate(_rate(self.interest_rate))),
            _("Interest from: %(date)s", date=day(self.interest_from)),
            _("Collocation class: %(cls)s", cls=cls_label(self.collocation_class)),
            _(
                "Based on a certificate of loss: %(answer)s",
                answer=yes if self.certificate_of_loss else no,
            ),
        ]
        for number, line in enumerate(self.claim_line_ids, start=1):
            lines.append(
                _(
                    "Further claim %(number)s: %(amount)s, %(reason)s, %(rate)s from "
                    "%(date)s, class %(cls)s",
                    number=number,
                    amount=chf(_dec(line.amount)),
                    reason=line.reason or "-",
                    rate=rate(_rate(line.interest_rate)),
                    date=day(line.interest_from),
                    cls=cls_label(line.collocation_class),
                )
            )
        lines += [
            _("Payment-order fee (GebV SchKG art. 16): %(fee)s", fee=chf(_dec(self.fee_amount))),
            _("Interest accrued to date: %(amount)s", amount=chf(_dec(self.interest_accrued))),
            "",
            _("Debtor reference: %(ref)s", ref=self.debtor_external_ref or "-"),
        ]
        if self.debtor_is_company:
            lines.append(_("Company: %(name)s", name=self.debtor_company or "-"))
            if self.debtor_name_addon:
                lines.append(_("Company name addition: %(name)s", name=self.debtor_name_addon))
            if self.debtor_contact_person:
                lines.append(_("Contact person: %(name)s", name=self.debtor_contact_person))
        else:
            name = " ".join(
                part
                for part in (self.debtor_title, self.debtor_first_name, self.debtor_last_name)
                if part
            )
            lines.append(_("Title, first and last name: %(name)s", name=name or "-"))
            if self.debtor_birthdate:
                lines.append(_("Date of birth: %(date)s", date=day(self.debtor_birthdate)))
        street = " ".join(p for p in (self.debtor_street, self.debtor_street_number) if p)
        lines.append(_("Street and number: %(street)s", street=street or "-"))
        if self.debtor_pob:
            lines.append(_("PO box: %(pob)s", pob=self.debtor_pob))
        lines.append(
            _(
                "Postcode, city: %(place)s",
                place=" ".join(p for p in (self.debtor_zip, self.debtor_city) if p) or "-",
            )
        )
        lines.append("")
        lines.append(
            _(
                "Debtor language: %(lang)s",
                lang=languages.get(self.debtor_language, self.debtor_language or "-"),
            )
        )
        for number, phone in enumerate(
            (self.debtor_phone1, self.debtor_phone2, self.debtor_phone3), start=1
        ):
            if phone:
                lines.append(_("Phone number %(n)s: %(phone)s", n=number, phone=phone))
        if self.debtor_fax:
            lines.append(_("Fax: %(fax)s", fax=self.debtor_fax))
        if self.debtor_email:
            lines.append(_("E-mail: %(email)s", email=self.debtor_email))
        if self.debtor_is_company:
            lines += [
                "",
                _(
                    "Business identification number (UID): %(uid)s",
                    uid=self.debtor_uid or "-",
                ),
                _(
                    "Entered in the commercial register: %(answer)s",
                    answer=yes if self.debtor_is_registered else no,
                ),
            ]
        return "\n".join(lines)

    def _tilbago_summary_html(self, summary):
        """The confirmation summary as the user reads it: a heading and a two-column
        table per part (the claim, the debtor, how to reach the debtor, the debtor's
        identification), built from the same translated lines as the text summary."""
        headings = [_("Claim"), _("Debtor"), _("Contact"), _("Identification")]
        parts = []
        for index, block in enumerate(summary.split("\n\n")):
            rows = []
            for line in block.splitlines():
                label, sep, value = line.partition(":")
                if not sep:
                    label, value = "", line
                rows.append(
                    Markup('<tr><th class="text-nowrap pe-3 fw-normal text-muted">%s</th>'
                           "<td>%s</td></tr>") % (label.strip(), value.strip())
                )
            if rows:
                heading = headings[index] if index < len(headings) else ""
                parts.append(
                    Markup('<h5 class="mt-3">%s</h5><table class="table table-sm mb-2">'
                           "<tbody>%s</tbody></table>") % (heading, Markup("").join(rows))
                )
        return Markup('<div class="o_tilbago_summary">%s</div>') % Markup("").join(parts)

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
    def _tilbago_language_of(self, partner):
        lang = partner.tilbago_language if "tilbago_language" in partner._fields else False
        if not lang:
            code = (partner.lang or "")[:2]
            lang = code if code in INVOICE_WORD else False
        return lang or False

    @api.model
    def _tilbago_reason(self, invoice, lang):
        return "%s %s" % (INVOICE_WORD.get(lang, "Invoice"), invoice.name)

    @api.model
    def _tilbago_debtor_ref(self, partner):
        # the reference comes with the search: one query whether there is a former case
        previous = self.env["tilbago.case"].search_fetch(
            [("partner_id", "=", partner.id), ("debtor_external_ref", "!=", False)],
            ["debtor_external_ref"],
            limit=1,
        )
        if previous:
            return previous.debtor_external_ref
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid", "")
        return "%s-%d" % ((uuid[:8] or "ODOO").upper(), partner.id)

    @api.model
    def _tilbago_defaults(self, invoices, warnings):
        company = invoices.company_id
        partner = invoices.commercial_partner_id
        lang = self._tilbago_language_of(partner)
        main = invoices[0]
        rate = company.tilbago_interest_rate
        cls = company.tilbago_collocation_class or "3"
        lines = []
        sequence = 10
        for invoice in invoices:
            if invoice != main:
                lines.append(
                    {
                        "sequence": sequence,
                        "kind": "invoice",
                        "invoice_id": invoice.id,
                        "amount": invoice.amount_residual,
                        "reason": self._tilbago_reason(invoice, lang),
                        "due_date": invoice.invoice_date_due,
                        "interest_rate": rate,
                        "interest_from": tilbago_swiss.interest_start(invoice.invoice_date_due),
                        "collocation_class": cls,
                    }
                )
                sequence += 10
        for invoice in invoices:
            fee = invoice.tilbago_reminder_fee if "tilbago_reminder_fee" in invoice._fields else 0
            if fee and fee > 0:
                lines.append(
                    {
                        "sequence": sequence,
                        "kind": "fee",
                        "invoice_id": invoice.id,
                        "amount": fee,
                        "reason": "%s %s" % (FEE_WORDS.get(lang, "Reminder fees invoice"), invoice.name),
                        "due_date": False,
                        "interest_rate": 0.0,
                        "interest_from": (
                            invoice._tilbago_final_reminder_date()
                            or fields.Date.context_today(self)
                        ),
                        "collocation_class": cls,
                    }
                )
                sequence += 10
        vals = {
            "company_id": company.id,
            "invoice_ids": [fields.Command.set(invoices.ids)],
            "partner_id": partner.id,
            "warning": "\n".join(warnings) or False,
            "main_invoice_id": main.id,
            "amount": main.amount_residual,
            "reason": self._tilbago_reason(main, lang),
            "due_date": main.invoice_date_due,
            "interest_rate": rate,
            "interest_from": tilbago_swiss.interest_start(main.invoice_date_due),
            "collocation_class": cls,
            "claim_line_ids": [fields.Command.create(line) for line in lines],
        }
        debtor = self._tilbago_debtor_values(partner, lang)
        vals.update(debtor)
        vals["debtor_prefill"] = json.dumps(self._tilbago_jsonable(debtor))
        return vals

    @api.model
    def _tilbago_jsonable(self, values):
        return {
            key: (value.isoformat() if hasattr(value, "isoformat") else value)
            for key, value in values.items()
        }

    @api.model
    def _tilbago_debtor_values(self, partner, lang):
        """The debtor step prefilled from the partner (its commercial entity)."""

        def get(fname):
            return partner[fname] if fname in partner._fields else False

        address = tilbago_address.parse_address(
            partner.street, partner.street2, partner.zip, partner.city
        )
        values = {
            "debtor_external_ref": self._tilbago_debtor_ref(partner),
            "debtor_is_company": bool(partner.is_company),
            "debtor_street": address.street or False,
            "debtor_street_number": address.streetnumber or False,
            "debtor_pob": address.pob or False,
            "debtor_zip": address.zip or False,
            "debtor_city": address.city or False,
            "debtor_phone1": partner.phone or False,
            "debtor_phone2": partner.mobile or False,
            "debtor_phone3": False,
            "debtor_fax": False,
            "debtor_email": partner.email or False,
            "debtor_language": lang,
            "debtor_company": False,
            "debtor_name_addon": False,
            "debtor_uid": False,
            "debtor_legal_seat": False,
            "debtor_contact_person": False,
            "debtor_is_registered": False,
            "debtor_title": False,
            "debtor_first_name": False,
            "debtor_last_name": False,
            "debtor_sex": False,
            "debtor_birthdate": False,
            "debtor_birth_name": False,
            "debtor_nationality_id": False,
        }
        if partner.is_company:
            contact = get("tilbago_contact_person")
            if not contact:
                person = partner.child_ids.filtered(
                    lambda c: c.type == "contact" and not c.is_company
                )[:1]
                contact = person.name or False
            values.update(
                {
                    "debtor_company": partner.name,
                    "debtor_uid": get("tilbago_uid") or False,
                    "debtor_legal_seat": get("tilbago_legal_seat") or partner.city or False,
                    "debtor_contact_person": contact,
                    "debtor_is_registered": bool(get("tilbago_is_registered")),
                }
            )
        else:
            first, last = get("firstname"), get("lastname")
            if not (first or last):
                parts = (partner.name or "").strip().rsplit(" ", 1)
                first, last = (parts[0], parts[1]) if len(parts) == 2 else (False, parts[0])
            values.update(
                {
                    "debtor_title": partner.title.name or False,
                    "debtor_first_name": first or False,
                    "debtor_last_name": last or False,
                    "debtor_sex": get("tilbago_sex") or False,
                    "debtor_birthdate": get("tilbago_birthdate") or False,
                    "debtor_birth_name": get("tilbago_birth_name") or False,
                    "debtor_nationality_id": (
                        get("tilbago_nationality_id").id
                        if get("tilbago_nationality_id")
                        else False
                    ),
                }
            )
        return values

    @api.model
    def _tilbago_from_case(self, case):
        """A wizard on a case not yet in tilbago, filled from the request saved on it."""
        wire = json.loads(case.request_payload or "{}")
        payload = tilbago_payload.Case.from_wire(wire)
        debtor = payload.debtor
        address = debtor.address or tilbago_payload.Address()
        main = payload.claim
        lines = []
        claims = case.claim_ids.sorted("sequence")
        main_claim = claims.filtered("is_main")[:1]
        for index, claim in enumerate(payload.subsidiary_claims or (), start=1):
            record = claims.filtered(lambda c, i=index: c.sequence == (i + 1) * 10)[:1]
            lines.append(
                {
                    "sequence": (index + 1) * 10,
                    "kind": record.kind or "other",
                    "invoice_id": record.invoice_id.id,
                    "amount": float(claim.amount),
                    "reason": claim.reason,
                    "due_date": record.due_date,
                    "interest_rate": float(claim.interest_rate),
                    "interest_from": claim.interest_date_from,
                    "collocation_class": claim.collocation_class,
                }
            )
        nationality = False
        if debtor.nationality:
            nationality = self.env["res.country"].search(
                [("code", "=", debtor.nationality.upper())], limit=1
            ).id
        birthdate = debtor.date_of_birth if hasattr(debtor.date_of_birth, "isoformat") else False
        vals = {
            "case_id": case.id,
            "company_id": case.company_id.id,
            "invoice_ids": [fields.Command.set(case.claim_ids.invoice_id.ids)],
            "partner_id": case.partner_id.id,
            "main_invoice_id": main_claim.invoice_id.id,
            "amount": float(main.amount),
            "reason": main.reason,
            "due_date": main_claim.due_date,
            "interest_rate": float(main.interest_rate),
            "interest_from": main.interest_date_from,
            "collocation_class": main.collocation_class,
            "certificate_of_loss": bool(payload.certificate_of_loss),
            "review_in_tilbago": payload.status == "002",
            "claim_line_ids": [fields.Command.create(line) for line in lines],
            "debtor_external_ref": debtor.external_ref,
            "debtor_is_company": debtor.is_legal_person,
            "debtor_company": debtor.company,
            "debtor_name_addon": debtor.name_addon,
            "debtor_uid": debtor.company_uid,
            "debtor_legal_seat": debtor.legal_seat,
            "debtor_contact_person": debtor.contact_person,
            "debtor_is_registered": bool(debtor.is_registered),
            "debtor_title": debtor.title,
            "debtor_first_name": debtor.name,
            "debtor_last_name": debtor.surname,
            "debtor_sex": debtor.sex,
            "debtor_birthdate": birthdate,
            "debtor_birth_name": debtor.birth_name,
            "debtor_nationality_id": nationality,
            "debtor_street": address.street,
            "debtor_street_number": address.streetnumber,
            "debtor_pob": address.pob,
            "debtor_zip": address.zip,
            "debtor_city": address.city,
            "debtor_phone1": debtor.phone1,
            "debtor_phone2": debtor.phone2,
            "debtor_phone3": debtor.phone3,
            "debtor_fax": debtor.fax,
            "debtor_email": debtor.email,
            "debtor_language": debtor.preferred_language,
            "step": "claim",
        }
        # corrections written back are the ones made from now on, not the earlier ones
        prefill = {fname: vals.get(fname) or False for fname in DEBTOR_FIELDS}
        vals["debtor_prefill"] = json.dumps(self._tilbago_jsonable(prefill))
        return self.create(vals)

    # ================================================================= navigation
    def _tilbago_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Debt Collection Request"),
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
    def _tilbago_case_vals(self):
        self.ensure_one()
        claims = [
            {
                "sequence": 10,
                "is_main": True,
                "kind": "invoice" if self.main_invoice_id else "other",
                "invoice_id": self.main_invoice_id.id,
                "amount": self.amount,
                "reason": self.reason,
                "due_date": self.due_date,
                "interest_rate": self.interest_rate,
                "interest_from": self.interest_from,
                "collocation_class": self.collocation_class,
            }
        ]
        for index, line in enumerate(self.claim_line_ids, start=2):
            claims.append(
                {
                    "sequence": index * 10,
                    "is_main": False,
                    "kind": line.kind,
                    "invoice_id": line.invoice_id.id,
                    "amount": line.amount,
                    "reason": line.reason,
                    "due_date": line.due_date,
                    "interest_rate": line.interest_rate,
                    "interest_from": line.interest_from,
                    "collocation_class": line.collocation_class,
                }
            )
        return {
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "partner_id": self.partner_id.id,
            "certificate_of_loss": self.certificate_of_loss,
            "review_in_tilbago": self.review_in_tilbago,
            "debtor_external_ref": self.debtor_external_ref,
            "claim_ids": [fields.Command.clear()]
            + [fields.Command.create(claim) for claim in claims],
        }

    def _tilbago_write_back(self):
        """Write the debtor corrections back to the partner (only what was changed)."""
        self.ensure_one()
        prefill = json.loads(self.debtor_prefill or "{}")
        current = self._tilbago_jsonable(
            {
                fname: (self[fname].id if fname == "debtor_nationality_id" else self[fname])
                for fname in DEBTOR_FIELDS
            }
        )
        changed = {f for f in DEBTOR_FIELDS if (current.get(f) or False) != (prefill.get(f) or False)}
        if not changed:
            return False
        partner = self.partner_id
        vals = {}

        def put(fname, value):
            if fname in partner._fields:
                vals[fname] = value

        if changed & {"debtor_street", "debtor_street_number"}:
            put("street", " ".join(p for p in (self.debtor_street, self.debtor_street_number) if p))
        if "debtor_pob" in changed:
            put("street2", self.debtor_pob or False)
        if "debtor_zip" in changed:
            put("zip", self.debtor_zip)
        if "debtor_city" in changed:
            put("city", self.debtor_city)
        if "debtor_phone1" in changed:
            put("phone", self.debtor_phone1)
        if "debtor_phone2" in changed:
            put("mobile", self.debtor_phone2)
        if "debtor_email" in changed:
            put("email", self.debtor_email)
        if "debtor_language" in changed:
            put("tilbago_language", self.debtor_language)
        if self.debtor_is_company:
            if "debtor_company" in changed and self.debtor_company:
                put("name", self.debtor_company)
            if "debtor_uid" in changed:
                put("tilbago_uid", self.debtor_uid)
            if "debtor_legal_seat" in changed:
                put("tilbago_legal_seat", self.debtor_legal_seat)
            if "debtor_contact_person" in changed:
                put("tilbago_contact_person", self.debtor_contact_person)
            if "debtor_is_registered" in changed:
                put("tilbago_is_registered", self.debtor_is_registered)
        else:
            if changed & {"debtor_first_name", "debtor_last_name"}:
                if "firstname" in partner._fields and "lastname" in partner._fields:
                    put("firstname", self.debtor_first_name)
                    put("lastname", self.debtor_last_name)
                else:
                    put(
                        "name",
                        " ".join(p for p in (self.debtor_first_name, self.debtor_last_name) if p),
                    )
            if "debtor_sex" in changed:
                put("tilbago_sex", self.debtor_sex)
            if "debtor_birthdate" in changed:
                put("tilbago_birthdate", self.debtor_birthdate)
            if "debtor_birth_name" in changed:
                put("tilbago_birth_name", self.debtor_birth_name)
            if "debtor_nationality_id" in changed:
                put("tilbago_nationality_id", self.debtor_nationality_id.id)
        if vals:
            # the rights the addon grants on the debtor fields: a clerk who may read the
            # debtor (of the invoices, checked before) saves these fields and no other
            partner.check_access("read")
            vals = {f: v for f, v in vals.items() if f in WRITE_BACK_PARTNER_FIELDS}
            partner.sudo().write(vals)
            partner.sudo().message_post(
                body=_("Debtor data corrected in the debt collection request."),
                subtype_xmlid="mail.mt_note",
            )
        return bool(vals)

    def _tilbago_save_corrections(self, case):
        """Save the debtor corrections on the partner; never makes the send fail."""
        try:
            with self.env.cr.savepoint():
                self._tilbago_write_back()
        except UserError as error:  # AccessError and ValidationError included
            case.message_post(
                body=_(
                    "The corrected debtor data go to tilbago with the request but could "
                    "not be saved on %(partner)s: %(reason)s",
                    partner=self.partner_id.display_name,
                    reason=error.args[0] if error.args else str(error),
                ),
                subtype_xmlid="mail.mt_note",
            )

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

    def _tilbago_add_documents(self, case):
        """Keep the chosen files as documents of the case: they go out with the case."""
        attachments = self.attachment_ids - case.document_ids.attachment_id
        self.env["tilbago.case.document"].create(
            [
                {
                    "case_id": case.id,
                    "attachment_id": attachment.id,
                    "invoice_id": attachment.res_id
                    if attachment.res_model == "account.move"
                    else False,
                }
                for attachment in attachments
            ]
        )

    def action_send(self):
        """Save the case (stable external reference), then send it. Last step only."""
        self.ensure_one()
        if self.step != "confirm":
            raise UserError(_("Check the data on the confirmation step before sending."))
        if not self.confirmed:
            raise UserError(
                _("Tick 'These data are correct, send the request' to send the request.")
            )
        case = self.case_id
        if case and (case.tilbago_id or case.state not in ("draft", "error")):
            raise UserError(
                _("The case %(case)s is already in tilbago.", case=case.display_name)
            )
        if not self.main_invoice_id:
            raise UserError(
                _("A debt collection request starts from an invoice: the claim has none.")
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
                _(
                    "The request cannot be sent yet:\n%(problems)s",
                    problems=self.problems,
                )
            )
        self._tilbago_check_documents()
        case = self._tilbago_save_case()
        case._tilbago_commit()
        case._tilbago_send()
        return case._tilbago_notify_result()

    def _tilbago_save_case(self):
        """Save the request as a case in draft, ready to send: claims, payload, documents."""
        self.ensure_one()
        case = self.case_id
        vals = self._tilbago_case_vals()
        # the case, its claims and what is sent are written by the addon only
        # (tilbago_evidence.py): superuser mode, after the checks above
        if case:
            case._tilbago_write(vals)
        else:
            case = self.env["tilbago.case"].sudo().create(vals).sudo(False)
            self.case_id = case
        payload = self._tilbago_build_case(external_ref=case.external_ref)
        for claim, wire_claim in zip(case.claim_ids.sorted("sequence"), payload.claims):
            claim._tilbago_write({"external_ref": wire_claim.external_ref})
        case._tilbago_write(
            {
                "request_payload": json.dumps(payload.to_wire(), indent=2, ensure_ascii=False),
                "state": "draft",
            }
        )
        self._tilbago_add_documents(case)
        if self.write_back:
            self._tilbago_save_corrections(case)
        case.message_post(
            body=_(
                "Debt collection request prepared for %(debtor)s.",
                debtor=self.partner_id.display_name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return case
