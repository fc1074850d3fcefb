"""The case tilbago takes, as plain data classes that speak its wire format.

Each class has ``to_wire()`` (a dict of exactly the contract's camelCase keys, ready for
``json.dumps``) and ``from_wire(data)`` (the reverse). Python side: CHF amounts are
:class:`~decimal.Decimal`, interest rates ``Decimal`` (% a year), dates
:class:`datetime.date`. Wire side: amounts integer Rappen, rates a string with a decimal
point, dates ``YYYY-MM-DD``.

``to_wire`` normalises what it can and never raises on bad data — reporting bad data is
:mod:`tilbago.validation`'s job (call :func:`~tilbago.validation.check_case` first):

* UID → ``CHE-XXX.XXX.XXX``; phones → ``+41 848 273 787`` (see
  :func:`~tilbago.validation.normalize_phone`); language lower case; sex and nationality
  upper case; IBAN compact; text in Unicode NFC, runs of spaces made one space, stripped
  (control and invisible characters are left for validation to refuse, naming the field);
* a value that cannot be normalised (a UID with a wrong check digit, an unparsable
  phone, an amount that is not a number, …) is sent **verbatim** (text stripped), so
  tilbago's own refusal names the same field;
* optional keys are left out when ``None`` or blank; required keys are always present
  (``null`` when missing); legal-person keys only for a legal person (``company`` set),
  natural-person keys only for a natural person.

``from_wire`` tolerates missing keys (``None``) and keeps values it cannot parse as they
are, so that validation can report them. ``from_wire(x.to_wire()) == x`` for every valid
object in normalised form; for any object ``to_wire`` is idempotent through
``from_wire``.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from .i18n import _, render
from .money import from_rappen, to_rappen
from .validation import (
    check_iban,
    check_interest_rate,
    check_language,
    check_nationality,
    check_sex,
    normalize_phone,
    normalize_text,
    normalize_uid,
)


def _text(value):
    """Text as it goes out: NFC, spaces collapsed, stripped (see ``normalize_text``)."""
    return normalize_text(value)


def _present(value):
    return value is not None and not (isinstance(value, str) and not value.strip())


def _try(normalise, value):
    """``normalise(value)``, or ``value`` as given (stripped text) when it cannot be."""
    try:
        return normalise(value)
    except (TypeError, ValueError, ArithmeticError):
        if isinstance(value, (str, int, bool)) or value is None:
            return _text(value)
        return str(value)  # Decimal, float, date...: JSON cannot carry them otherwise


def _obj(data, where):
    """``data`` if it is a JSON object (dict) or ``None``; else :class:`TypeError`."""
    if data is not None and not isinstance(data, dict):
        raise TypeError(
            render(_("%(where)s must be a JSON object, not %(type)s"),
                   {"where": where, "type": type(data).__name__})
        )
    return data


def _put(wire, key, value):
    """Set an optional key only when it has a value."""
    if _present(value):
        wire[key] = value


def format_rate(rate):
    """Wire form of an interest rate: decimal point, no exponent, at least one decimal.

    ``Decimal("4")`` → ``"4.0"``, ``Decimal("5.00")`` → ``"5.0"``, ``Decimal("4.25")`` →
    ``"4.25"``, ``Decimal("99.99999")`` → ``"99.99999"``; trailing zeros are dropped.
    """
    rate = check_interest_rate(rate) if not isinstance(rate, Decimal) else rate
    text = format(rate.normalize(), "f")
    if "." not in text:
        text += ".0"
    return text


def _rate_to_wire(rate):
    check_interest_rate(rate)
    return format_rate(Decimal(rate.strip()) if isinstance(rate, str) else Decimal(rate))


def _rate_from_wire(value):
    try:
        return Decimal(value) if isinstance(value, str) else value
    except ArithmeticError:
        return value


def _date_to_wire(value):
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    raise ValueError("not a date")


def _date_from_wire(value):
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return value


@dataclass(slots=True)
class Address:
    """A postal address. ``zip`` is the 4-digit Swiss NPA, ``pob`` the post-office box."""

    street: str = None
    streetnumber: str = None
    zip: str = None
    city: str = None
    pob: str = None

    def to_wire(self):
        zip_code = str(self.zip) if isinstance(self.zip, int) else _text(self.zip)
        wire = {"street": _text(self.street)}
        _put(wire, "streetnumber", _text(self.streetnumber))
        wire["zip"] = zip_code
        _put(wire, "pob", _text(self.pob))
        wire["city"] = _text(self.city)
        return wire

    @classmethod
    def from_wire(cls, data):
        if _obj(data, "address") is None:
            return None
        return cls(
            street=data.get("street"),
            streetnumber=data.get("streetnumber"),
            zip=data.get("zip"),
            city=data.get("city"),
            pob=data.get("pob"),
        )


@dataclass(slots=True)
class ResponsiblePerson:
    """The employee of the creditor's tilbago account who follows the case."""

    email: str

    def to_wire(self):
        return {"email": _text(self.email)}

    @classmethod
    def from_wire(cls, data):
        if _obj(data, "responsiblePerson") is None:
            return None
        return cls(email=data.get("email"))


@dataclass(slots=True)
class Claim:
    """One claim: ``amount`` in CHF (Decimal), ``interest_rate`` in % a year (Decimal)."""

    external_ref: str
    amount: Decimal
    reason: str
    interest_date_from: datetime.date
    interest_rate: Decimal
    collocation_class: str

    def to_wire(self):
        cls = self.collocation_class
        return {
            "externalRef": _text(self.external_ref),
            "amount": _try(to_rappen, self.amount),
            "reason": _text(self.reason),
            "interestDateFrom": _try(_date_to_wire, self.interest_date_from),
            "interestRate": _try(_rate_to_wire, self.interest_rate),
            "collocationClass": str(cls).strip() if isinstance(cls, (str, int)) else cls,
        }

    @classmethod
    def from_wire(cls, data):
        if _obj(data, "claim") is None:
            return None
        amount = data.get("amount")
        if isinstance(amount, int) and not isinstance(amount, bool):
            amount = from_rappen(amount)
        return cls(
            external_ref=data.get("externalRef"),
            amount=amount,
            reason=data.get("reason"),
            interest_date_from=_date_from_wire(data.get("interestDateFrom")),
            interest_rate=_rate_from_wire(data.get("interestRate")),
            collocation_class=data.get("collocationClass"),
        )


_LEGAL_KEYS = (
    ("company", "company"),
    ("nameAddon", "name_addon"),
    ("companyUid", "company_uid"),
    ("legalSeat", "legal_seat"),
    ("contactPerson", "contact_person"),
    ("isRegistered", "is_registered"),
)
_NATURAL_KEYS = (
    ("name", "name"),
    ("surname", "surname"),
    ("sex", "sex"),
    ("dateOfBirth", "date_of_birth"),
    ("birthName", "birth_name"),
    ("title", "title"),
    ("nationality", "nationality"),
)
_COMMON_KEYS = (
    ("preferredLanguage", "preferred_language"),
    ("phone1", "phone1"),
    ("phone2", "phone2"),
    ("phone3", "phone3"),
    ("fax", "fax"),
    ("email", "email"),
)
_REQUIRED_KEYS = {"company", "companyUid", "legalSeat", "contactPerson", "isRegistered",
                  "name", "surname"}


@dataclass(slots=True)
class Debtor:
    """The person prosecuted: a legal person when ``company`` is set, else a natural person.

    ``date_of_birth`` is a :class:`datetime.date` or text in a form tilbago takes
    (``dd.mm.yyyy``, ``yyyy``); ``is_registered``: entered in the commercial register.
    """

    external_ref: str
    address: Address
    company: str = None
    name_addon: str = None
    company_uid: str = None
    legal_seat: str = None
    contact_person: str = None
    is_registered: bool = None
    name: str = None
    surname: str = None
    sex: str = None
    date_of_birth: object = None
    birth_name: str = None
    title: str = None
    nationality: str = None
    preferred_language: str = None
    phone1: str = None
    phone2: str = None
    phone3: str = None
    fax: str = None
    email: str = None

    @property
    def is_legal_person(self):
        """Whether the person is a legal person: ``company`` is set (contract rule)."""
        return _present(self.company)

    def _wire_value(self, key, value):
        if value is None:
            return None
        if key == "companyUid":
            return _try(normalize_uid, value)
        if key in ("phone1", "phone2", "phone3", "fax"):
            return _try(normalize_phone, value)
        if key == "dateOfBirth":
            return _try(_date_to_wire, value)
        if key == "sex":
            return _try(check_sex, value)
        if key == "nationality":
            return _try(check_nationality, value)
        if key == "preferredLanguage":
            return _try(check_language, value)
        if key == "iban":
            return _try(check_iban, value)
        return _text(value)

    def to_wire(self):
        wire = {"externalRef": _text(self.external_ref)}
        keys = _LEGAL_KEYS if self.is_legal_person else _NATURAL_KEYS
        for key, attr in keys + _COMMON_KEYS + self._extra_keys():
            value = self._wire_value(key, getattr(self, attr))
            if key in _REQUIRED_KEYS:
                wire[key] = value
            else:
                _put(wire, key, value)
        wire["address"] = None if self.address is None else self.address.to_wire()
        return wire

    @staticmethod
    def _extra_keys():
        return ()

    @classmethod
    def from_wire(cls, data):
        if _obj(data, cls.__name__.lower()) is None:
            return None
        values = {
            attr: data.get(key)
            for key, attr in _LEGAL_KEYS + _NATURAL_KEYS + _COMMON_KEYS + cls._extra_keys()
        }
        values["date_of_birth"] = _date_from_wire(values["date_of_birth"])
        return cls(
            external_ref=data.get("externalRef"),
            address=Address.from_wire(data.get("address")),
            **values,
        )


@dataclass(slots=True)
class Creditor(Debtor):
    """The creditor, only when the account holder files as its representative.

    Adds ``trade_register_url`` (its commercial-register entry) and ``iban`` (CH/LI).
    """

    trade_register_url: str = None
    iban: str = None

    @staticmethod
    def _extra_keys():
        return (("tradeRegisterUrl", "trade_register_url"), ("iban", "iban"))


@dataclass(slots=True)
class Case:
    """One debt collection request: a debtor, a main claim and up to 9 further claims.

    ``status`` ``"002"`` asks that the case wait for the user's review in tilbago.
    """

    external_ref: str
    certificate_of_loss: bool
    debtor: Debtor
    claim: Claim
    subsidiary_claims: list = field(default_factory=list)
    responsible_person: ResponsiblePerson = None
    source_ref_key: str = None
    source_ref_email: str = None
    payee_reference: str = None
    creditor: Creditor = None
    status: str = None

    @property
    def claims(self):
        """The main claim followed by the further claims."""
        return [self.claim] + list(self.subsidiary_claims or ())

    def to_wire(self):
        wire = {
            "externalRef": _text(self.external_ref),
            "certificateOfLoss": self.certificate_of_loss,
        }
        if self.responsible_person is not None:
            wire["responsiblePerson"] = self.responsible_person.to_wire()
        _put(wire, "sourceRefKey", _text(self.source_ref_key))
        _put(wire, "sourceRefEmail", _text(self.source_ref_email))
        _put(wire, "payeeReference", _text(self.payee_reference))
        wire["debtor"] = None if self.debtor is None else self.debtor.to_wire()
        if self.creditor is not None:
            wire["creditor"] = self.creditor.to_wire()
        wire["claim"] = None if self.claim is None else self.claim.to_wire()
        if self.subsidiary_claims:
            wire["subsidiaryClaims"] = [
                None if c is None else c.to_wire() for c in self.subsidiary_claims
            ]
        _put(wire, "status", _text(self.status))
        return wire

    @classmethod
    def from_wire(cls, data):
        """Parse a case body (a dict, e.g. from ``json.load``).

        Raises :class:`TypeError` when the body, or one of its objects, is not a JSON
        object (or ``subsidiaryClaims`` not a list); every other flaw is left for
        :func:`tilbago.validation.validate_case` to report.
        """
        if not isinstance(data, dict):
            raise TypeError(_("a tilbago case must be a JSON object"))
        subsidiary = data.get("subsidiaryClaims") or []
        if not isinstance(subsidiary, list):
            raise TypeError(_("subsidiaryClaims must be a JSON list"))
        return cls(
            external_ref=data.get("externalRef"),
            certificate_of_loss=data.get("certificateOfLoss"),
            debtor=Debtor.from_wire(data.get("debtor")),
            claim=Claim.from_wire(data.get("claim")),
            subsidiary_claims=[Claim.from_wire(c) for c in subsidiary],
            responsible_person=ResponsiblePerson.from_wire(data.get("responsiblePerson")),
            source_ref_key=data.get("sourceRefKey"),
            source_ref_email=data.get("sourceRefEmail"),
            payee_reference=data.get("payeeReference"),
            creditor=Creditor.from_wire(data.get("creditor")),
            status=data.get("status"),
        )
