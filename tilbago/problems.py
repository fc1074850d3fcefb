"""The words of validation: every message template, every field label, and the two ways a
broken rule is reported (:class:`Problem` for a whole case, :class:`FieldValueError` for
one field).

Every English string is wrapped in ``_()`` so Odoo's export collects it; the Odoo layer
translates with ``problem.render(env._)``.
"""

from dataclasses import dataclass, field as dc_field

from .i18n import _

# --------------------------------------------------------------------------- messages

REQUIRED = _("%(label)s is required.")
NOT_TEXT = _("%(label)s must be text, not %(value)s.")
NOT_BOOL = _("%(label)s must be yes or no.")
NOT_DATE = _('%(label)s "%(value)s" must be a date (YYYY-MM-DD).')
UID_FORMAT = _(
    '%(label)s "%(value)s" is not a Swiss company number: write it CHE-123.456.789 '
    "(CHE and 9 digits)."
)
UID_CHECK_DIGIT = _(
    '%(label)s "%(value)s" has a wrong check digit: copy the number from the UID register '
    "(uid.admin.ch)."
)
PHONE_INVALID = _('%(label)s "%(value)s" is not a valid phone number.')
PHONE_EXTENSION = _(
    '%(label)s "%(value)s" has an extension, which tilbago cannot take: enter the number '
    "without it."
)
ZIP_INVALID = _(
    '%(label)s "%(value)s" must be a Swiss postcode (NPA) of exactly 4 digits, from 1000 '
    "to 9999."
)
EMAIL_INVALID = _('%(label)s "%(value)s" is not a valid e-mail address.')
RATE_NOT_NUMBER = _('%(label)s "%(value)s" must be a number, for example 5 or 4.25.')
RATE_RANGE = _('%(label)s "%(value)s" must be between 0 and 99.99999 %%.')
RATE_DECIMALS = _('%(label)s "%(value)s" has more than 5 decimals.')
NATIONALITY_INVALID = _(
    '%(label)s "%(value)s" is not a country code: use the two letters of ISO 3166, '
    "e.g. CH, DE, FR, IT."
)
BIRTH_FORMAT = _(
    '%(label)s "%(value)s" must be a date written yyyy-mm-dd, dd.mm.yyyy or just the '
    "year yyyy."
)
BIRTH_FUTURE = _('%(label)s "%(value)s" lies in the future.')
BIRTH_TOO_EARLY = _('%(label)s "%(value)s" lies before 1900: check the year.')
INTEREST_FUTURE = _(
    '%(label)s "%(value)s" lies in the future: interest can only run from today or an '
    "earlier day."
)
TEXT_INVISIBLE = _(
    "%(label)s contains an invisible or control character (%(char)s, character "
    "%(position)s): type the text again without it."
)
STREET_OR_POB = _("%(label)s is required, or a post-office box.")
LANGUAGE_INVALID = _('%(label)s "%(value)s" must be de (German), fr (French) or it (Italian).')
SEX_INVALID = _('%(label)s "%(value)s" must be M (male), F (female) or U (unknown).')
IBAN_INVALID = _('%(label)s "%(value)s" is not a valid IBAN.')
IBAN_COUNTRY = _('%(label)s "%(value)s" must be a Swiss or Liechtenstein IBAN (CH… or LI…).')
URL_INVALID = _('%(label)s "%(value)s" must be a web address starting with https:// or http://.')
AMOUNT_NOT_NUMBER = _('%(label)s "%(value)s" must be an amount in CHF, for example 12565.60.')
AMOUNT_NOT_POSITIVE = _('%(label)s "%(value)s" must be more than CHF 0.00.')
AMOUNT_TOO_LARGE = _('%(label)s "%(value)s" is above the highest amount of a claim, %(max)s.')
REASON_TOO_LONG = _(
    "%(label)s is %(length)s characters long; the payment order leaves room for %(max)s."
)
CLASS_INVALID = _('%(label)s "%(value)s" must be 1, 2 or 3.')
TOO_MANY_CLAIMS = _("%(label)s: this request has %(count)s claims, at most %(max)s are allowed.")
DUPLICATE_REF = _(
    '%(label)s "%(value)s" is used by another claim of this request: each claim needs '
    "its own reference."
)
STATUS_INVALID = _(
    '%(label)s "%(value)s" cannot be sent: the only status a request may carry is 002 '
    "(review in tilbago before it is submitted)."
)

# --------------------------------------------------------------------------- labels

LABEL_UID = _("UID (IDE)")
LABEL_PHONE = _("Phone number")
LABEL_ZIP = _("Postcode (NPA)")
LABEL_EMAIL = _("E-mail")
LABEL_RATE = _("Interest rate")
LABEL_NATIONALITY = _("Nationality")
LABEL_BIRTH = _("Date of birth")
LABEL_LANGUAGE = _("Language")
LABEL_SEX = _("Sex")
LABEL_IBAN = _("IBAN")
LABEL_URL = _("Commercial register entry (web address)")

#: Clerk words for each wire key of a person, by role. Literal strings, so Odoo's .pot
#: export finds each of them.
PERSON_LABELS = {
    "debtor": {
        "": _("Debtor"),
        "externalRef": _("Debtor reference"),
        "company": _("Debtor company name"),
        "nameAddon": _("Debtor company name addition"),
        "companyUid": _("Debtor UID (IDE)"),
        "legalSeat": _("Debtor legal seat"),
        "contactPerson": _("Debtor contact person"),
        "isRegistered": _("Debtor entered in the commercial register"),
        "name": _("Debtor first name"),
        "surname": _("Debtor last name"),
        "sex": _("Debtor sex"),
        "dateOfBirth": _("Debtor date of birth"),
        "birthName": _("Debtor birth name"),
        "title": _("Debtor title"),
        "nationality": _("Debtor nationality"),
        "preferredLanguage": _("Debtor language"),
        "phone1": _("Debtor phone 1"),
        "phone2": _("Debtor phone 2"),
        "phone3": _("Debtor phone 3"),
        "fax": _("Debtor fax"),
        "email": _("Debtor e-mail"),
        "address": _("Debtor address"),
        "address.street": _("Debtor street"),
        "address.streetnumber": _("Debtor house number"),
        "address.zip": _("Debtor postcode (NPA)"),
        "address.city": _("Debtor city"),
        "address.pob": _("Debtor post-office box"),
    },
    "creditor": {
        "": _("Creditor"),
        "externalRef": _("Creditor reference"),
        "company": _("Creditor company name"),
        "nameAddon": _("Creditor company name addition"),
        "companyUid": _("Creditor UID (IDE)"),
        "legalSeat": _("Creditor legal seat"),
        "contactPerson": _("Creditor contact person"),
        "isRegistered": _("Creditor entered in the commercial register"),
        "name": _("Creditor first name"),
        "surname": _("Creditor last name"),
        "sex": _("Creditor sex"),
        "dateOfBirth": _("Creditor date of birth"),
        "birthName": _("Creditor birth name"),
        "title": _("Creditor title"),
        "nationality": _("Creditor nationality"),
        "preferredLanguage": _("Creditor language"),
        "phone1": _("Creditor phone 1"),
        "phone2": _("Creditor phone 2"),
        "phone3": _("Creditor phone 3"),
        "fax": _("Creditor fax"),
        "email": _("Creditor e-mail"),
        "address": _("Creditor address"),
        "address.street": _("Creditor street"),
        "address.streetnumber": _("Creditor house number"),
        "address.zip": _("Creditor postcode (NPA)"),
        "address.city": _("Creditor city"),
        "address.pob": _("Creditor post-office box"),
        "tradeRegisterUrl": _("Creditor commercial register entry (web address)"),
        "iban": _("Creditor IBAN"),
    },
}

#: Labels of the main claim and of further claims (``%(number)s`` = 1 for subsidiaryClaims[0]).
CLAIM_LABELS = {
    "claim": {
        "": _("Claim"),
        "externalRef": _("Claim reference"),
        "amount": _("Claim amount (CHF)"),
        "reason": _("Claim reason"),
        "interestDateFrom": _("Claim interest from"),
        "interestRate": _("Claim interest rate"),
        "collocationClass": _("Claim collocation class"),
    },
    "subsidiaryClaims": {
        "": _("Further claim %(number)s"),
        "externalRef": _("Further claim %(number)s reference"),
        "amount": _("Further claim %(number)s amount (CHF)"),
        "reason": _("Further claim %(number)s reason"),
        "interestDateFrom": _("Further claim %(number)s interest from"),
        "interestRate": _("Further claim %(number)s interest rate"),
        "collocationClass": _("Further claim %(number)s collocation class"),
    },
}

CASE_LABELS = {
    "externalRef": _("Case reference"),
    "certificateOfLoss": _("Based on a certificate of loss"),
    "responsiblePerson.email": _("Responsible person e-mail"),
    "sourceRefEmail": _("Contact e-mail of the calling system"),
    "status": _("Case status"),
    "debtor": _("Debtor"),
    "claim": _("Claim"),
    "claims": _("Claims"),
}


# --------------------------------------------------------------------------- Problem


@dataclass(frozen=True)
class Problem:
    """One broken rule: which wire field, its clerk label, and an English message.

    ``field`` is the wire path ("debtor.companyUid", "subsidiaryClaims[2].amount");
    ``label`` the clerk's name for the field, itself a template that may use ``params``
    (e.g. "Further claim %(number)s amount (CHF)"); ``template`` the English message with
    ``%(label)s`` and other ``%(name)s`` placeholders; ``params`` their values. Both are
    always %-formatted with a dict, so a literal percent sign is written ``%%``.
    """

    field: str
    label: str
    template: str
    params: dict = dc_field(default_factory=dict)

    def render(self, gettext=None):
        """The message, translated through ``gettext`` (e.g. Odoo's ``env._``) if given."""
        tr = gettext or _identity
        params = dict(self.params)
        return tr(self.template) % {**params, "label": tr(self.label) % params}

    @property
    def field_label(self):
        """The label with its parameters filled in (English)."""
        return self.label % dict(self.params)

    @property
    def message(self):
        """The English message."""
        return self.render()

    def __str__(self):
        return self.message


class FieldValueError(ValueError):
    """A field checker refused a value; ``str()`` is a clear English message.

    ``template`` and ``params`` (which hold the refused ``value``) let a caller render it
    with its own label: ``exc.render(label=...)``.
    """

    def __init__(self, template, label, **params):
        self.template = template
        self.label = label
        self.params = params
        super().__init__(self.render())

    def render(self, label=None, gettext=None):
        tr = gettext or _identity
        params = dict(self.params)
        return tr(self.template) % {**params, "label": tr(label or self.label) % params}

    def __str__(self):
        return self.render()


def _identity(text):
    return text


def _shown(value):
    return value if isinstance(value, str) else repr(value)
