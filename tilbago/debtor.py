"""The debtor of a request, field by field: one table for every layer.

Each :class:`DebtorField` ties together the field of the requisition form (``field``),
the attribute of :class:`tilbago.payload.Debtor` it becomes (``attribute``; ``address.x``
for the :class:`~tilbago.payload.Address`), the partner field it is read from and saved
back to (``partner``, ``None`` when the partner has no such field) and the kind of
person it belongs to (``person``: a legal person's field is neither read, sent nor saved
for a natural person, and the reverse). The Odoo layer fills the form from the partner,
builds the request, reopens a saved request and saves corrections on the partner from
this table alone; :func:`build` and :func:`values` are its plain half.

Two partner fields hold several form fields: ``street`` holds the street and the house
number (joined with a space when saved), and a natural person's first and last name go to
``firstname``/``lastname`` when the partner has them, else to ``name``.
"""

from dataclasses import dataclass

from .payload import Address, Debtor

LEGAL = "legal"
NATURAL = "natural"
BOTH = "both"


@dataclass(frozen=True)
class DebtorField:
    field: str
    attribute: str
    partner: str = None
    person: str = BOTH

    def applies(self, is_legal_person):
        """Whether the field belongs to a legal person (True) or a natural one (False)."""
        return self.person == BOTH or (self.person == LEGAL) == bool(is_legal_person)

    @property
    def address_part(self):
        """The attribute of the address, or None for an attribute of the debtor."""
        head, _dot, part = self.attribute.partition(".")
        return part if head == "address" else None


#: Whether the debtor is a legal person: not an attribute of its own (a debtor with a
#: company name is one), yet chosen on the form and kept on the partner.
IS_COMPANY = DebtorField("debtor_is_company", "is_legal_person", "is_company")
#: The debtor's reference at the creditor: made by the addon, not kept on the partner.
EXTERNAL_REF = DebtorField("debtor_external_ref", "external_ref")

FIELDS = (
    DebtorField("debtor_company", "company", "name", LEGAL),
    DebtorField("debtor_name_addon", "name_addon", None, LEGAL),
    DebtorField("debtor_uid", "company_uid", "tilbago_uid", LEGAL),
    DebtorField("debtor_legal_seat", "legal_seat", "tilbago_legal_seat", LEGAL),
    DebtorField("debtor_contact_person", "contact_person", "tilbago_contact_person", LEGAL),
    DebtorField("debtor_is_registered", "is_registered", "tilbago_is_registered", LEGAL),
    # the partner's title is a record of titles, read by name and never overwritten
    DebtorField("debtor_title", "title", None, NATURAL),
    DebtorField("debtor_first_name", "name", "firstname", NATURAL),
    DebtorField("debtor_last_name", "surname", "lastname", NATURAL),
    DebtorField("debtor_sex", "sex", "tilbago_sex", NATURAL),
    DebtorField("debtor_birthdate", "date_of_birth", "tilbago_birthdate", NATURAL),
    DebtorField("debtor_birth_name", "birth_name", "tilbago_birth_name", NATURAL),
    DebtorField("debtor_nationality_id", "nationality", "tilbago_nationality_id", NATURAL),
    DebtorField("debtor_street", "address.street", "street"),
    DebtorField("debtor_street_number", "address.streetnumber", "street"),
    DebtorField("debtor_pob", "address.pob", "street2"),
    DebtorField("debtor_zip", "address.zip", "zip"),
    DebtorField("debtor_city", "address.city", "city"),
    DebtorField("debtor_phone1", "phone1", "phone"),
    DebtorField("debtor_phone2", "phone2", "mobile"),
    DebtorField("debtor_phone3", "phone3"),
    DebtorField("debtor_fax", "fax"),
    DebtorField("debtor_email", "email", "email"),
    DebtorField("debtor_language", "preferred_language", "tilbago_language"),
)

#: the form fields a clerk corrects (the reference is the addon's)
FORM_FIELDS = (IS_COMPANY.field,) + tuple(row.field for row in FIELDS)


def _sent(row, value):
    """A form value as the request takes it: text stripped, blank as absent."""
    if row.attribute == "is_registered":
        return bool(value)
    if isinstance(value, str):
        return value.strip() or None
    return value or None


def build(values, is_legal_person, external_ref=None):
    """The :class:`~tilbago.payload.Debtor` from ``{attribute: value}``.

    Only the attributes of the kind of person are taken. A legal person always gets a
    company name, blank if need be, so that validation reports it missing rather than
    taking the debtor for a natural person.
    """
    address, debtor = {}, {}
    for row in FIELDS:
        if not row.applies(is_legal_person):
            continue
        value = _sent(row, values.get(row.attribute))
        if row.address_part:
            address[row.address_part] = value
        else:
            debtor[row.attribute] = value
    if is_legal_person:
        debtor["company"] = debtor["company"] or ""
    return Debtor(external_ref=_sent(EXTERNAL_REF, external_ref), address=Address(**address),
                  **debtor)


def values(debtor):
    """``{attribute: value}`` of every row of :data:`FIELDS` from a ``Debtor``."""
    address = debtor.address or Address()
    return {
        row.attribute: getattr(address, row.address_part)
        if row.address_part
        else getattr(debtor, row.attribute)
        for row in FIELDS
    }
