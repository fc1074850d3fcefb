"""The contract's field rules, as the sandbox checks a ``PUT case`` body.

Its own checks, independent of :mod:`tilbago.validation`, so a test catches the day our
validation and the contract (docs/tilbago-api.md) disagree. Every problem is reported at
once, each as ``{"field", "message"}`` with the message starting with the field's path
(``debtor.address.zip: ...``); unknown keys are refused too, so a misspelt key of ours
cannot go unnoticed. Pure functions: no socket, no state.
"""

import datetime
import json
import re

from stdnum import iban as stdnum_iban
from stdnum import iso11649
from stdnum.ch import esr, uid as stdnum_uid

from .. import status as statuses
from ..validation import LANGUAGES, SEXES

#: a request carries one main claim and at most nine subsidiary ones
MAX_CLAIMS = 10

_CASE_KEYS = {
    "externalRef", "certificateOfLoss", "responsiblePerson", "sourceRefKey",
    "sourceRefEmail", "payeeReference", "debtor", "creditor", "claim",
    "subsidiaryClaims", "status",
}
_CLAIM_KEYS = {"externalRef", "amount", "reason", "interestDateFrom", "interestRate",
               "collocationClass"}
_ADDRESS_KEYS = {"street", "streetnumber", "zip", "pob", "city"}
_COMMON_PERSON_KEYS = {"externalRef", "preferredLanguage", "phone1", "phone2", "phone3",
                       "fax", "email", "address", "company"}
_NATURAL_KEYS = {"name", "surname", "sex", "dateOfBirth", "birthName", "title",
                 "nationality"}
_LEGAL_KEYS = {"nameAddon", "companyUid", "legalSeat", "contactPerson", "isRegistered"}
_CREDITOR_KEYS = {"tradeRegisterUrl", "iban"}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
_PHONE = re.compile(r"^[0-9 /()+-]+$")
_UID = re.compile(r"^(CHE-\d{3}\.\d{3}\.\d{3}|CHE\d{9})$")
_ZIP = re.compile(r"^[1-9]\d{3}$")
_RATE = re.compile(r"^\d{1,2}(\.\d{1,5})?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ALPHA2 = re.compile(r"^[A-Za-z]{2}$")
_URL = re.compile(r"^https?://\S+$")


# -- the contract's field rules --------------------------------------------------------


class _Checker:
    """Collects ``field: problem`` lines for one request body."""

    def __init__(self):
        self.errors = []

    def add(self, field, message):
        self.errors.append({"field": field, "message": "%s: %s" % (field, message)})

    def unknown_keys(self, obj, allowed, prefix):
        for key in sorted(set(obj) - allowed):
            self.add(prefix + key, "unknown field")

    def _typed(self, obj, key, prefix, required, kind, type_hint,
               required_hint="is required"):
        """The value of ``key`` when present and a ``kind``; else None, the problem noted."""
        value = obj.get(key)
        if value is None:
            if required:
                self.add(prefix + key, required_hint)
            return None
        if not isinstance(value, kind):
            self.add(prefix + key, type_hint)
            return None
        return value

    def string(self, obj, key, prefix, required=False, max_length=None, pattern=None,
               pattern_hint=None):
        value = self._typed(obj, key, prefix, required, str, "must be a string")
        field = prefix + key
        if value is None:
            return None
        if required and not value.strip():
            self.add(field, "is required")
            return None
        if max_length and len(value) > max_length:
            self.add(field, "is longer than %d characters" % max_length)
        if pattern is not None and value and not pattern.match(value):
            self.add(field, pattern_hint or "has an invalid format")
            return None
        return value

    def boolean(self, obj, key, prefix, required=False):
        return self._typed(obj, key, prefix, required, bool, "must be true or false",
                           "is required (true or false)")

    def obj(self, parent, key, prefix, required=False):
        return self._typed(parent, key, prefix, required, dict, "must be an object")


def _valid_date(text, fmt):
    try:
        datetime.datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def check_case_body(body):
    """Every problem of a ``PUT case`` body, as ``[{"field", "message"}]`` (contract rules)."""
    c = _Checker()
    if not isinstance(body, dict):
        c.add("body", "must be a JSON object")
        return c.errors
    c.unknown_keys(body, _CASE_KEYS, "")
    c.string(body, "externalRef", "", required=True)
    c.boolean(body, "certificateOfLoss", "", required=True)
    person = c.obj(body, "responsiblePerson", "")
    if person is not None:
        c.unknown_keys(person, {"email"}, "responsiblePerson.")
        c.string(person, "email", "responsiblePerson.", required=True, pattern=_EMAIL,
                 pattern_hint="is not a valid e-mail address")
    c.string(body, "sourceRefKey", "")
    c.string(body, "sourceRefEmail", "", pattern=_EMAIL,
             pattern_hint="is not a valid e-mail address")
    reference = c.string(body, "payeeReference", "")
    if reference:
        compact = reference.replace(" ", "")
        if not (esr.is_valid(compact) or iso11649.is_valid(compact)):
            c.add("payeeReference", "is neither a valid QR reference nor a valid "
                  "creditor reference (RF): the checksum does not hold")
    debtor = c.obj(body, "debtor", "", required=True)
    if debtor is not None:
        _check_person(c, debtor, "debtor.", creditor=False)
    creditor = c.obj(body, "creditor", "")
    if creditor is not None:
        _check_person(c, creditor, "creditor.", creditor=True)
    c.obj(body, "claim", "", required=True)
    subsidiary = body.get("subsidiaryClaims")
    if subsidiary is not None:
        if not isinstance(subsidiary, list):
            c.add("subsidiaryClaims", "must be a list")
        else:
            if len(subsidiary) + 1 > MAX_CLAIMS:
                c.add("subsidiaryClaims", "a request carries at most %d claims in all, "
                      "this one has %d" % (MAX_CLAIMS, len(subsidiary) + 1))
            for index, item in enumerate(subsidiary):
                if not isinstance(item, dict):
                    c.add("subsidiaryClaims[%d]" % index, "must be an object")
    seen = {}
    for prefix, item in case_claims(body):
        # the main claim's reason may be long, a further claim's is one line
        ref = _check_claim(c, item, prefix, 640 if prefix == "claim." else 80)
        if ref is not None:
            if ref in seen:
                c.add(prefix + "externalRef", 'is used twice in this request (also %s)'
                      % (seen[ref] + "externalRef"))
            seen.setdefault(ref, prefix)
    status = body.get("status")
    if status is not None and (not isinstance(status, str) or status not in statuses.CODES):
        c.add("status", "unknown status %r (send \"002\" or nothing)" % (status,))
    return c.errors


def _check_claim(c, claim, prefix, reason_length):
    c.unknown_keys(claim, _CLAIM_KEYS, prefix)
    ref = c.string(claim, "externalRef", prefix, required=True)
    amount = claim.get("amount")
    if amount is None:
        c.add(prefix + "amount", "is required (an integer number of Rappen)")
    elif isinstance(amount, bool) or not isinstance(amount, int):
        c.add(prefix + "amount", "must be an integer number of Rappen (CHF 12'565.60 is "
              "1256560), got %s" % json.dumps(amount))
    elif amount <= 0:
        c.add(prefix + "amount", "must be more than 0")
    c.string(claim, "reason", prefix, required=True, max_length=reason_length)
    day = c.string(claim, "interestDateFrom", prefix, required=True, pattern=_ISO_DATE,
                   pattern_hint="must be a date YYYY-MM-DD")
    if day and not _valid_date(day, "%Y-%m-%d"):
        c.add(prefix + "interestDateFrom", "is not a valid date")
    c.string(claim, "interestRate", prefix, required=True, pattern=_RATE,
             pattern_hint="must be a decimal number from 0 to 99.99999 written with a "
                          "point, e.g. \"5.0\"")
    collocation = claim.get("collocationClass")
    if collocation is None:
        c.add(prefix + "collocationClass", "is required (\"1\", \"2\" or \"3\")")
    elif collocation not in ("1", "2", "3"):
        c.add(prefix + "collocationClass", "must be \"1\", \"2\" or \"3\"")
    return ref


def _check_person(c, person, prefix, creditor):
    legal = person.get("company") is not None
    allowed = _COMMON_PERSON_KEYS | (_LEGAL_KEYS if legal else _NATURAL_KEYS)
    if creditor:
        allowed |= _CREDITOR_KEYS
    for key in sorted(set(person) - allowed):
        if key in _NATURAL_KEYS | _LEGAL_KEYS and person[key] is not None:
            kind = "a legal person (company is set)" if legal else \
                "a natural person (no company)"
            c.add(prefix + key, "does not apply to %s" % kind)
        elif key not in _NATURAL_KEYS | _LEGAL_KEYS:
            c.add(prefix + key, "unknown field")
    c.string(person, "externalRef", prefix, required=True)
    if legal:
        c.string(person, "company", prefix, required=True)
        c.string(person, "nameAddon", prefix)
        uid = c.string(person, "companyUid", prefix, required=True, pattern=_UID,
                       pattern_hint="must be written CHE-XXX.XXX.XXX or CHEXXXXXXXXX")
        if uid and not stdnum_uid.is_valid(uid):
            c.add(prefix + "companyUid", "the check digit does not hold")
        c.string(person, "legalSeat", prefix, required=True)
        c.string(person, "contactPerson", prefix, required=True)
        c.boolean(person, "isRegistered", prefix, required=True)
    else:
        c.string(person, "name", prefix, required=True)
        c.string(person, "surname", prefix, required=True)
        sex = person.get("sex")
        if sex is not None and sex not in SEXES:
            c.add(prefix + "sex", "must be \"M\", \"F\" or \"U\"")
        birth = c.string(person, "dateOfBirth", prefix)
        if birth and not any(_valid_date(birth, fmt) and len(birth) == size for fmt, size
                             in (("%Y-%m-%d", 10), ("%d.%m.%Y", 10), ("%Y", 4))):
            c.add(prefix + "dateOfBirth", "must be yyyy-mm-dd, dd.mm.yyyy or yyyy")
        c.string(person, "birthName", prefix)
        c.string(person, "title", prefix)
        c.string(person, "nationality", prefix, pattern=_ALPHA2,
                 pattern_hint="must be a two-letter ISO 3166-1 country code")
    language = person.get("preferredLanguage")
    if language is not None and language not in LANGUAGES:
        c.add(prefix + "preferredLanguage", "must be \"de\", \"fr\" or \"it\"")
    for key in ("phone1", "phone2", "phone3", "fax"):
        phone = c.string(person, key, prefix, pattern=_PHONE,
                         pattern_hint="may hold only digits, spaces and / - + ( )")
        if phone and sum(ch.isdigit() for ch in phone) < 4:
            c.add(prefix + key, "has too few digits")
    c.string(person, "email", prefix, pattern=_EMAIL,
             pattern_hint="is not a valid e-mail address")
    address = c.obj(person, "address", prefix, required=True)
    if address is not None:
        aprefix = prefix + "address."
        c.unknown_keys(address, _ADDRESS_KEYS, aprefix)
        street = c.string(address, "street", aprefix)
        c.string(address, "streetnumber", aprefix)
        pob = c.string(address, "pob", aprefix)
        c.string(address, "zip", aprefix, required=True, pattern=_ZIP,
                 pattern_hint="must be a 4-digit Swiss postcode (NPA), e.g. \"1400\"")
        c.string(address, "city", aprefix, required=True)
        if not (street and street.strip()) and not (pob and pob.strip()):
            c.add(aprefix + "street", "is required (or a post-office box in pob)")
    if creditor:
        iban = c.string(person, "iban", prefix)
        if iban and not stdnum_iban.is_valid(iban):
            c.add(prefix + "iban", "is not a valid IBAN")
        c.string(person, "tradeRegisterUrl", prefix, pattern=_URL,
                 pattern_hint="must be an http(s) URL")


def case_claims(body):
    """``(prefix, claim)`` of every claim object of a case body, main claim first."""
    claims = []
    if isinstance(body.get("claim"), dict):
        claims.append(("claim.", body["claim"]))
    if isinstance(body.get("subsidiaryClaims"), list):
        claims.extend(("subsidiaryClaims[%d]." % i, c)
                      for i, c in enumerate(body["subsidiaryClaims"]) if isinstance(c, dict))
    return claims
