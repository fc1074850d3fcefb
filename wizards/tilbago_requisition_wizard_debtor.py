# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The debtor step of the requisition wizard: read from the partner, corrected, sent.

Every move of a debtor value (partner → form, form → request, saved request → form,
form → partner) follows the one table of ``tilbago.debtor``. The fields the partner
keeps on its commercial entity (``res.partner._commercial_fields``) are read from and
saved on that entity.
"""

import json
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tilbago import address as tilbago_address
from ..tilbago import debtor as tilbago_debtor
from ..tilbago import validation as tilbago_validation

#: a natural person's name parts, kept in ``name`` when the partner has no such fields
NAME_PARTS = {"firstname": "name", "lastname": "name"}


def _jsonable(values):
    return {
        key: (value.isoformat() if hasattr(value, "isoformat") else value)
        for key, value in values.items()
    }


class TilbagoRequisitionDebtor(models.AbstractModel):
    _name = "tilbago.requisition.debtor"
    _description = "Requisition Wizard: Debtor"

    # the model using it has the debtor as partner_id
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
    debtor_sex = fields.Selection(list(tilbago_validation.SEXES.items()), string="Sex")
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
    debtor_language = fields.Selection(list(tilbago_validation.LANGUAGES.items()))
    debtor_prefill = fields.Text(
        help="The debtor values read from the partner (JSON), to write back only the "
        "corrections."
    )
    write_back = fields.Boolean(
        string="Save Corrections on the Partner",
        help="Write the debtor data corrected here back to the partner.",
    )

    # -- partner -> form ---------------------------------------------------------------
    @api.model
    def _tilbago_language_of(self, partner):
        lang = partner.tilbago_language
        if not lang:
            code = (partner.lang or "")[:2]
            lang = code if code in tilbago_validation.LANGUAGES else False
        return lang or False

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
    def _tilbago_partner_value(self, partner, fname):
        """``partner``'s value of ``fname`` as a form value (False when it has none)."""
        if not fname or fname not in partner._fields:
            return False
        if fname in partner._commercial_fields():
            partner = partner.commercial_partner_id
        value = partner[fname]
        return value.id if isinstance(value, models.BaseModel) else value or False

    @api.model
    def _tilbago_debtor_values(self, partner, lang):
        """The debtor step prefilled from the partner (its commercial entity)."""
        legal = bool(partner.is_company)
        address = tilbago_address.parse_address(
            partner.street, partner.street2, partner.zip, partner.city
        )
        values = {
            tilbago_debtor.EXTERNAL_REF.field: self._tilbago_debtor_ref(partner),
            tilbago_debtor.IS_COMPANY.field: legal,
        }
        for row in tilbago_debtor.FIELDS:
            if not row.applies(legal):
                value = False
            elif row.address_part:
                value = getattr(address, row.address_part)
            else:
                value = self._tilbago_partner_value(partner, row.partner)
            values[row.field] = value or False
        values["debtor_language"] = lang
        if legal:
            # what tilbago requires of a company, offered when the partner lacks it
            values["debtor_legal_seat"] = values["debtor_legal_seat"] or partner.city or False
            if not values["debtor_contact_person"]:
                person = partner.child_ids.filtered(
                    lambda c: c.type == "contact" and not c.is_company
                )[:1]
                values["debtor_contact_person"] = person.name or False
        else:
            values["debtor_title"] = partner.title.name or False
            if not (values["debtor_first_name"] or values["debtor_last_name"]):
                parts = (partner.name or "").strip().rsplit(" ", 1)
                first, last = (parts[0], parts[1]) if len(parts) == 2 else (False, parts[0])
                values.update(debtor_first_name=first or False, debtor_last_name=last or False)
        return values

    @api.model
    def _tilbago_prefill(self, values):
        """The form values corrections are measured against, as saved in debtor_prefill."""
        return json.dumps(
            _jsonable({fname: values.get(fname) or False for fname in tilbago_debtor.FORM_FIELDS})
        )

    # -- form <-> request --------------------------------------------------------------
    def _tilbago_debtor_payload(self):
        """The debtor of the request (a ``tilbago.payload.Debtor``)."""
        self.ensure_one()
        values = {}
        for row in tilbago_debtor.FIELDS:
            value = self[row.field]
            # the one record of the form is the nationality: the request takes its code
            values[row.attribute] = value.code if isinstance(value, models.BaseModel) else value
        return tilbago_debtor.build(
            values, self.debtor_is_company, external_ref=self.debtor_external_ref
        )

    @api.model
    def _tilbago_debtor_form(self, debtor):
        """The form values of a request's debtor, as saved on a case."""
        attributes = tilbago_debtor.values(debtor)
        vals = {
            tilbago_debtor.EXTERNAL_REF.field: debtor.external_ref,
            tilbago_debtor.IS_COMPANY.field: debtor.is_legal_person,
        }
        for row in tilbago_debtor.FIELDS:
            value = attributes[row.attribute]
            field = self._fields[row.field]
            if field.type == "many2one":
                value = value and self.env[field.comodel_name].search(
                    [("code", "=", value.upper())], limit=1
                ).id
            elif field.type == "date":
                value = value if hasattr(value, "isoformat") else False
            elif field.type == "boolean":
                value = bool(value)
            vals[row.field] = value
        return vals

    # -- form -> partner ---------------------------------------------------------------
    def _tilbago_write_back(self):
        """Write the debtor corrections back to the partner (only what was changed)."""
        self.ensure_one()
        prefill = json.loads(self.debtor_prefill or "{}")
        current = _jsonable(
            {
                fname: self[fname].id if isinstance(self[fname], models.BaseModel) else self[fname]
                for fname in tilbago_debtor.FORM_FIELDS
            }
        )
        changed = {
            fname
            for fname in tilbago_debtor.FORM_FIELDS
            if (current.get(fname) or False) != (prefill.get(fname) or False)
        }
        partner = self.partner_id
        # the partner field of each form field of this kind of person, in table order:
        # several form fields may share one (street and house number)
        targets = defaultdict(list)
        for row in tilbago_debtor.FIELDS:
            fname = row.partner
            if fname not in partner._fields:
                fname = NAME_PARTS.get(fname)
            if fname and row.applies(self.debtor_is_company):
                targets[fname].append(row.field)
        commercial = set(partner._commercial_fields())
        vals_by_partner = defaultdict(dict)
        for fname, form_fields in targets.items():
            if not changed.intersection(form_fields):
                continue
            parts = [self[form_field] for form_field in form_fields]
            if len(parts) > 1:
                value = " ".join(part for part in parts if part)
            else:
                value = parts[0].id if isinstance(parts[0], models.BaseModel) else parts[0]
            if fname == "name" and not value:
                continue  # a partner keeps a name
            target = partner.commercial_partner_id if fname in commercial else partner
            vals_by_partner[target][fname] = value
        if not vals_by_partner:
            return False
        for target, vals in vals_by_partner.items():
            # the rights the addon grants on the debtor fields: a clerk who may read the
            # debtor (of the invoices, checked before) saves the table's fields, no other
            target.check_access("read")
            target.sudo().write(vals)
            target.sudo().message_post(
                body=self.env._("Debtor data corrected in the debt collection request."),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _tilbago_save_corrections(self, case):
        """Save the debtor corrections on the partner; never makes the send fail."""
        try:
            with self.env.cr.savepoint():
                self._tilbago_write_back()
        except UserError as error:  # AccessError and ValidationError included
            case.message_post(
                body=self.env._(
                    "The corrected debtor data go to tilbago with the request but could "
                    "not be saved on %(partner)s: %(reason)s",
                    partner=self.partner_id.display_name,
                    reason=error.args[0] if error.args else str(error),
                ),
                subtype_xmlid="mail.mt_note",
            )
