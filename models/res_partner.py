# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Debtor data tilbago needs on the partner.

Every check calls the plain layer (``tilbago.validation``); the Odoo layer only names the
field in the message and translates it. The debtor of an invoice is the partner's
commercial entity (``commercial_partner_id``): that is where these fields are read.
"""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tilbago import address as tilbago_address
from ..tilbago import validation as tilbago_validation
from .res_company import tilbago_field_message
from .tilbago_risk_code import solvency_facts

TILBAGO_LANGUAGES = list(tilbago_validation.LANGUAGES.items())
TILBAGO_SEXES = list(tilbago_validation.SEXES.items())
#: who reads and writes a debtor's personal data (sex, birth date, nationality, birth
#: name): the Debt Collection groups (managers imply users); computes run as superuser
DEBTOR_PERSONAL_GROUPS = "l10n_ch_tilbago.group_tilbago_user"

# Odoo's standard partner titles that tell the sex (base data).
_TITLE_SEX = {
    "base.res_partner_title_mister": "M",
    "base.res_partner_title_madam": "F",
    "base.res_partner_title_miss": "F",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    tilbago_uid = fields.Char(
        string="UID (IDE)",
        compute="_compute_tilbago_uid",
        store=True,
        readonly=False,
        copy=False,
        help="Swiss business identification number CHE-123.456.789 of a company debtor "
        "(uid.admin.ch). Offered from the Swiss VAT number (CHE-… MWST/TVA/IVA) when "
        "one is set; its check digit is verified when saved.",
    )
    tilbago_language = fields.Selection(
        TILBAGO_LANGUAGES,
        string="Debtor Language",
        compute="_compute_tilbago_language",
        store=True,
        readonly=False,
        help="Language tilbago and the debt enforcement office use with this debtor. "
        "Follows the partner's language (German, French or Italian) unless changed here.",
    )
    tilbago_is_registered = fields.Boolean(
        string="Entered in the Commercial Register",
        help="SchKG 39: a debtor entered in the commercial register (sole proprietor, "
        "partner of a general or limited partnership, AG/SA, GmbH/Sàrl, cooperative, "
        "association, foundation) is subject to enforcement by bankruptcy; any other "
        "debtor to enforcement by seizure. A UID alone does not prove an entry: VAT-only entities have one too. "
        "Liability to bankruptcy lasts 6 months after deletion (SchKG 40).",
    )
    tilbago_legal_seat = fields.Char(
        string="Legal Seat",
        compute="_compute_tilbago_legal_seat",
        store=True,
        readonly=False,
        help="Registered seat of a company debtor (where it is subject to debt collection, SchKG 46). "
        "Defaults to the city of the address.",
    )
    tilbago_contact_person = fields.Char(
        string="Contact Person",
        help="Person tilbago and the office address at a company debtor.",
    )
    tilbago_sex = fields.Selection(
        TILBAGO_SEXES,
        string="Sex",
        compute="_compute_tilbago_sex",
        store=True,
        readonly=False,
        help="Of a natural-person debtor. Offered from the title (Mister, Madam, Miss).",
        groups=DEBTOR_PERSONAL_GROUPS,
    )
    tilbago_birthdate = fields.Date(
        string="Date of Birth",
        help="Of a natural-person debtor: helps the office identify the right person.",
        groups=DEBTOR_PERSONAL_GROUPS,
    )
    tilbago_nationality_id = fields.Many2one(
        "res.country",
        string="Nationality",
        compute="_compute_tilbago_nationality_id",
        store=True,
        readonly=False,
        help="Of a natural-person debtor. Defaults to the country of the address.",
        groups=DEBTOR_PERSONAL_GROUPS,
    )
    tilbago_birth_name = fields.Char(
        string="Birth Name",
        help="Of a natural-person debtor, when it differs from the current last name.",
        groups=DEBTOR_PERSONAL_GROUPS,
    )

    # address as tilbago wants it (not stored: always follows street/street2/zip/city)
    tilbago_street = fields.Char(
        string="Street (tilbago)", compute="_compute_tilbago_address_parts"
    )
    tilbago_street_number = fields.Char(
        string="House Number", compute="_compute_tilbago_address_parts"
    )
    tilbago_pob = fields.Char(
        string="Post-Office Box", compute="_compute_tilbago_address_parts"
    )
    tilbago_zip = fields.Char(
        string="Postcode (NPA)", compute="_compute_tilbago_address_parts"
    )

    # -- reminders: the debtor's block and the summary of its open invoices -------------
    tilbago_no_reminder = fields.Boolean(
        string="No Reminders",
        tracking=True,
        help="Block: none of this debtor's invoices climbs reminder levels while ticked.",
    )
    tilbago_worst_reminder_level = fields.Char(
        string="Worst Reminder Level",
        compute="_compute_tilbago_reminder_summary",
        help="Highest reminder level among the debtor's open invoices, or litigation.",
    )
    tilbago_reminder_count = fields.Integer(
        string="Invoices at a Reminder Level", compute="_compute_tilbago_reminder_summary"
    )
    tilbago_litigation_count = fields.Integer(
        string="Invoices in Litigation", compute="_compute_tilbago_reminder_summary"
    )
    tilbago_reminder_text = fields.Char(
        string="Invoices in Reminder",
        compute="_compute_tilbago_reminder_summary",
        help="How many open invoices of the debtor are at each level, in words.",
    )

    # -- offered values ---------------------------------------------------------------

    @api.model
    def _tilbago_uid_from_vat(self, vat):
        """The UID in a Swiss VAT number (``CHE-107.933.850 MWST``), else False."""
        if not vat or not vat.strip().upper().startswith("CHE"):
            return False
        try:
            return tilbago_validation.normalize_uid(vat)
        except ValueError:
            return False

    @api.depends("vat")
    def _compute_tilbago_uid(self):
        for partner in self:
            partner.tilbago_uid = (
                self._tilbago_uid_from_vat(partner.vat) or partner.tilbago_uid
            )

    @api.depends("lang")
    def _compute_tilbago_language(self):
        for partner in self:
            code = (partner.lang or "")[:2]
            if code in tilbago_validation.LANGUAGES:
                partner.tilbago_language = code
            else:
                partner.tilbago_language = partner.tilbago_language

    @api.depends("city", "is_company")
    def _compute_tilbago_legal_seat(self):
        for partner in self:
            seat = partner.tilbago_legal_seat
            # follow the city while the seat is empty or still the previous city
            if partner.is_company and (not seat or seat == partner._origin.city):
                partner.tilbago_legal_seat = partner.city
            else:
                partner.tilbago_legal_seat = seat

    @api.depends("title")
    def _compute_tilbago_sex(self):
        title_sex = {}
        for xmlid, sex in _TITLE_SEX.items():
            title = self.env.ref(xmlid, raise_if_not_found=False)
            if title:
                title_sex[title.id] = sex
        for partner in self:
            partner.tilbago_sex = partner.tilbago_sex or title_sex.get(partner.title.id)

    @api.depends("country_id", "is_company")
    def _compute_tilbago_nationality_id(self):
        for partner in self:
            nationality = partner.tilbago_nationality_id
            if not partner.is_company and (
                not nationality or nationality == partner._origin.country_id
            ):
                partner.tilbago_nationality_id = partner.country_id
            else:
                partner.tilbago_nationality_id = nationality

    @api.depends("street", "street2", "zip", "city")
    def _compute_tilbago_address_parts(self):
        for partner in self:
            address = partner._tilbago_address()
            partner.tilbago_street = address.street
            partner.tilbago_street_number = address.streetnumber
            partner.tilbago_pob = address.pob
            partner.tilbago_zip = address.zip

    def _tilbago_address(self):
        """The address split as tilbago wants it (a ``tilbago.payload.Address``).

        Street and house number apart ("Chemin du Fontenay 6" -> "Chemin du Fontenay",
        "6"), the post-office box (often in street2) apart, the 4-digit NPA without "CH-".
        A proposal: the requisition wizard shows it for correction.
        """
        self.ensure_one()
        return tilbago_address.parse_address(
            self.street, street2=self.street2, zip=self.zip, city=self.city
        )

    # -- checks -----------------------------------------------------------------------

    def _tilbago_field_label(self, fname):
        return self._fields[fname]._description_string(self.env)

    def _tilbago_field_error(self, fname, exc):
        """A ValidationError naming the field, from a plain-layer FieldValueError."""
        return ValidationError(
            tilbago_field_message(self.env, exc, self._tilbago_field_label(fname))
        )

    @api.model
    def _tilbago_normalize_vals(self, vals):
        """Check and normalise the debtor fields in ``vals`` before anything is saved."""
        checkers = {
            "tilbago_uid": tilbago_validation.normalize_uid,
            "tilbago_language": tilbago_validation.check_language,
            "tilbago_sex": tilbago_validation.check_sex,
        }
        if not any(vals.get(fname) for fname in checkers):
            return vals
        vals = dict(vals)
        for fname, checker in checkers.items():
            value = vals.get(fname)
            if not value:
                continue
            try:
                vals[fname] = checker(value)
            except ValueError as exc:
                raise self._tilbago_field_error(fname, exc) from None
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._tilbago_normalize_vals(vals) for vals in vals_list]
        return super().create(vals_list)

    def write(self, vals):
        return super().write(self._tilbago_normalize_vals(vals))

    @api.constrains("tilbago_uid")
    def _check_tilbago_uid(self):
        for partner in self.filtered("tilbago_uid"):
            try:
                tilbago_validation.normalize_uid(partner.tilbago_uid)
            except ValueError as exc:
                raise partner._tilbago_field_error("tilbago_uid", exc) from None

    @api.constrains("tilbago_birthdate")
    def _check_tilbago_birthdate(self):
        for partner in self.filtered("tilbago_birthdate"):
            try:
                tilbago_validation.check_date_of_birth(
                    partner.tilbago_birthdate, today=fields.Date.context_today(partner)
                )
            except ValueError as exc:
                raise partner._tilbago_field_error("tilbago_birthdate", exc) from None

    @api.constrains("tilbago_nationality_id")
    def _check_tilbago_nationality_id(self):
        for partner in self.filtered("tilbago_nationality_id"):
            try:
                tilbago_validation.check_nationality(partner.tilbago_nationality_id.code or "")
            except ValueError as exc:
                raise partner._tilbago_field_error("tilbago_nationality_id", exc) from None

    # -- commercial entity ------------------------------------------------------------

    @api.model
    def _commercial_fields(self):
        """A company's entry in the register belongs to the company, as its VAT number
        does: its contacts take the company's and follow it (Odoo's commercial fields)."""
        return super()._commercial_fields() + [
            "tilbago_uid",
            "tilbago_legal_seat",
            "tilbago_is_registered",
        ]

    # -- reminder summary ---------------------------------------------------------------

    def _compute_tilbago_reminder_summary(self):
        """One grouped read for all partners: count of open invoices per level.

        Levels are counted by rank (1 = a company's first level), so the invoices of a
        debtor in two companies add up level by level.
        """
        counts = defaultdict(lambda: defaultdict(int))  # partner id -> rank -> count
        worst = {}  # partner id -> (rank, level)
        commercial = self.commercial_partner_id
        if commercial.ids:
            groups = self.env["account.move"]._read_group(
                [
                    ("commercial_partner_id", "in", commercial.ids),
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("tilbago_reminder_state", "!=", "none"),
                ],
                ["commercial_partner_id", "tilbago_reminder_state", "tilbago_reminder_level_id"],
                ["__count"],
            )
            for partner, state, level, count in groups:
                if state == "litigation":
                    counts[partner.id]["litigation"] += count
                    continue
                rank = level.sudo()._tilbago_rank() if level else 0
                counts[partner.id][rank] += count
                if rank >= worst.get(partner.id, (0, None))[0]:
                    worst[partner.id] = (rank, level)
        litigation = dict(
            self.env["account.move"]._fields["tilbago_reminder_state"]._description_selection(
                self.env
            )
        )["litigation"]
        for partner in self:
            key = partner.commercial_partner_id.id
            per_rank = counts.get(key, {})
            partner.tilbago_litigation_count = per_rank.get("litigation", 0)
            partner.tilbago_reminder_count = (
                sum(per_rank.values()) - partner.tilbago_litigation_count
            )
            partner.tilbago_reminder_text = partner._tilbago_reminder_words(per_rank)
            if partner.tilbago_litigation_count:
                partner.tilbago_worst_reminder_level = litigation
            elif key in worst:
                partner.tilbago_worst_reminder_level = worst[key][1].sudo().name
            else:
                partner.tilbago_worst_reminder_level = False

    def _tilbago_reminder_words(self, per_rank):
        """'1 in reminder 3, 1 in litigation': the levels that hold invoices, in words."""
        ranks = sorted(rank for rank in per_rank if rank != "litigation" and per_rank[rank])
        words = [
            self.env._("%(count)s in reminder %(level)s", count=per_rank[rank], level=rank)
            for rank in ranks
        ]
        if per_rank.get("litigation"):
            words.append(self.env._(
                "%(count)s in litigation", count=per_rank["litigation"]
            ))
        return ", ".join(words) or False

    def action_tilbago_open_reminder_invoices(self):
        """Open the debtor's invoices that have reached a reminder level."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_ch_tilbago.action_tilbago_reminder_all"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("tilbago_reminder_state", "!=", "none"),
        ]
        action["context"] = {}
        return action

    # -- collection file: solvency and scenario (tilbago_case_collection.py) --------
    tilbago_risk_code_id = fields.Many2one(
        "tilbago.risk.code",
        string="Risk Code",
        tracking=True,
        domain="['|', ('company_id', '=', False), ('company_id', 'in', allowed_company_ids)]",
        help="How risky the debtor is, as you judge it; shown and changed on its debt "
        "enforcement cases too.",
    )
    tilbago_scenario_id = fields.Many2one(
        "tilbago.scenario",
        string="Collection Scenario",
        domain="['|', ('company_id', '=', False), ('company_id', 'in', allowed_company_ids)]",
        help="The steps planned for this debtor's cases; empty: the company's scenario.",
    )
    tilbago_days_late_avg = fields.Float(
        string="Average Days Late",
        digits=(16, 1),
        compute="_compute_tilbago_solvency",
        help="Average days between the due date and the payment of the customer "
        "invoices paid in the last 12 months.",
    )
    tilbago_reminders_sent_count = fields.Integer(
        string="Reminders Sent", compute="_compute_tilbago_solvency"
    )
    tilbago_case_count = fields.Integer(
        string="Debt Collection Requests", compute="_compute_tilbago_solvency"
    )
    tilbago_amount_lost = fields.Monetary(
        string="Amounts Lost",
        compute="_compute_tilbago_solvency",
        currency_field="currency_id",
        help="Amount claimed by the cases that ended with a certificate of loss.",
    )

    def _compute_tilbago_solvency(self):
        facts = solvency_facts(self)
        for partner in self:
            fact = facts.get(partner.commercial_partner_id.id) or {}
            partner.tilbago_days_late_avg = fact.get("days_late", 0.0)
            partner.tilbago_reminders_sent_count = fact.get("reminders", 0)
            partner.tilbago_case_count = fact.get("cases", 0)
            partner.tilbago_amount_lost = fact.get("lost", 0.0)
