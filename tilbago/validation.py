"""Validation of a tilbago case *before* anything is sent, reporting every problem at once.

Two levels:

* field checkers (``normalize_uid``, ``normalize_phone``, ``check_zip``, ``check_email``,
  ``check_interest_rate``, ``check_nationality``, ``check_date_of_birth``,
  ``check_language``, ``check_sex``, ``check_iban``, ``check_url``), usable one field at
  a time (the Odoo layer calls them from its constraints). Each returns the normalised
  value or raises :class:`FieldValueError`, a :class:`ValueError` whose ``template`` and
  ``params`` let the caller name its own field and translate the message;
* :func:`validate_case` walks a :class:`tilbago.payload.Case` and returns a list of
  :class:`Problem` (empty when the case is good); :func:`check_case` raises
  :class:`~tilbago.exceptions.InvalidPayload` with all of them.

Every English string is wrapped in ``_()`` so Odoo's export collects it; the Odoo layer
translates with ``problem.render(env._)``.
"""

import datetime
import re
import unicodedata
from decimal import Decimal

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.ch import uid as stdnum_uid
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumValidationError

from .countries import ISO_3166_ALPHA2
from .exceptions import InvalidPayload
from .problems import (  # the words of every check below
    AMOUNT_NOT_NUMBER, AMOUNT_NOT_POSITIVE, AMOUNT_TOO_LARGE, BIRTH_FORMAT, BIRTH_FUTURE,
    BIRTH_TOO_EARLY, CASE_LABELS, CLAIM_LABELS, CLASS_INVALID, DUPLICATE_REF,
    EMAIL_INVALID, FieldValueError, IBAN_COUNTRY, IBAN_INVALID, INTEREST_FUTURE,
    LABEL_BIRTH, LABEL_EMAIL, LABEL_IBAN, LABEL_LANGUAGE, LABEL_NATIONALITY, LABEL_PHONE,
    LABEL_RATE, LABEL_SEX, LABEL_UID, LABEL_URL, LABEL_ZIP, LANGUAGE_INVALID,
    NATIONALITY_INVALID, NOT_BOOL, NOT_DATE, NOT_TEXT, PERSON_LABELS, PHONE_EXTENSION,
    PHONE_INVALID, Problem, RATE_DECIMALS, RATE_NOT_NUMBER, RATE_RANGE, REASON_TOO_LONG,
    REQUIRED, SEX_INVALID, STATUS_INVALID, STREET_OR_POB, TEXT_INVISIBLE, TOO_MANY_CLAIMS,
    UID_CHECK_DIGIT, UID_FORMAT, URL_INVALID, ZIP_INVALID, _shown,
)
from .i18n import _
from .money import MAX_AMOUNT, format_chf, to_rappen
from .swiss import COLLOCATION_CLASSES, FIRST_REASON_MAX, MAX_CLAIMS, OTHER_REASON_MAX

# --------------------------------------------------------------------------- text

#: Unicode categories never sent to tilbago: control (Cc: NUL, BEL, newline, tab…),
#: format (Cf: zero-width space, U+202E right-to-left override, soft hyphen…), line and
#: paragraph separators (Zl, Zp), surrogates, private use and unassigned code points.
#: Other spaces (Zs: no-break space…) become an ordinary space.
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
#: the earliest date of birth accepted
EARLIEST_BIRTH_YEAR = 1900


def find_invisible(text):
    """``(position, character)`` of the first forbidden character of ``text``, or None.

    Leading and trailing whitespace does not count (it is stripped before sending);
    the position is 1-based in the stripped text.
    """
    for position, char in enumerate(text.strip(), start=1):
        if unicodedata.category(char) in FORBIDDEN_CATEGORIES:
            return position, char
    return None


def describe_char(char):
    """A forbidden character in words: ``U+200B ZERO WIDTH SPACE``."""
    name = unicodedata.name(char, "")
    return "U+%04X %s" % (ord(char), name) if name else "U+%04X" % ord(char)


def normalize_text(value):
    """``value`` as it goes out: NFC, every space run made one ordinary space, stripped.

    Anything that is not text is returned unchanged. Forbidden characters are left in
    place: validation refuses them, naming the field, rather than dropping them silently.
    """
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFC", value.strip())
    text = "".join(" " if unicodedata.category(char) == "Zs" else char for char in text)
    return re.sub(" {2,}", " ", text).strip()


def _plain_number(value):
    """A rate as people type it: ``Decimal("1E+2")`` -> ``100``, ``"4.250"`` -> ``4.25``."""
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except (ArithmeticError, TypeError, ValueError):
        return _shown(value)
    # not finite, or so large or small that written out it would fill the message (and
    # 1E1000000 overflows the decimal context): shown as typed
    if not number.is_finite() or (number and not -15 <= number.adjusted() <= 15):
        return _shown(value)
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "0") else text


# --------------------------------------------------------------------------- field checkers

# Suffixes of the VAT (MWST/TVA/IVA) and commercial register (HR/RC/RI) forms of the UID.
_UID_WORD = r"(?:MWST|TVA|IVA|VAT|TPV|HR|RC|RI)"
_UID_SUFFIX = re.compile(rf"\s*{_UID_WORD}(?:\s*/\s*{_UID_WORD})*\s*$", re.I)


def normalize_uid(value, label=LABEL_UID):
    """Return the UID/IDE as ``CHE-XXX.XXX.XXX``, its check digit verified (stdnum.ch.uid).

    Accepts ``CHE-107.933.850``, ``CHE107933850``, ``che 107 933 850`` and the VAT and
    register forms ``CHE-107.933.850 MWST`` / ``TVA`` / ``IVA`` / ``HR`` (also combined,
    ``MWST/TVA/IVA``). Raises :class:`FieldValueError` otherwise.
    """
    if not isinstance(value, str):
        raise FieldValueError(UID_FORMAT, label, value=_shown(value))
    text = _UID_SUFFIX.sub("", value.strip())
    # the prefix is part of the number: python-stdnum 2.x would add a missing one itself
    if not re.sub(r"[\s.\-]", "", text).upper().startswith("CHE"):
        raise FieldValueError(UID_FORMAT, label, value=value)
    try:
        return stdnum_uid.format(stdnum_uid.validate(text))
    except InvalidChecksum:
        raise FieldValueError(UID_CHECK_DIGIT, label, value=value) from None
    except StdnumValidationError:
        raise FieldValueError(UID_FORMAT, label, value=value) from None


def is_valid_uid(value):
    """Whether ``value`` is a Swiss UID with a correct check digit (any accepted form)."""
    try:
        normalize_uid(value)
    except ValueError:
        return False
    return True


_PHONE_ALLOWED = re.compile(r"^[0-9 /()+-]+$")


def normalize_phone(value, region="CH", label=LABEL_PHONE):
    """Return the phone number in international form, e.g. ``+41 848 273 787``.

    Parsed with ``phonenumbers`` (numbers without a ``+`` are read as from ``region``)
    and formatted ``INTERNATIONAL``; tilbago takes digits with the separators space,
    ``/``, ``-``, ``+`` and parentheses, which that format uses (falls back to E.164,
    ``+41848273787``, should a format ever contain anything else). Raises
    :class:`FieldValueError` for an unparsable or invalid number, or one with an
    extension (tilbago has no character for it).
    """
    if not isinstance(value, str):
        raise FieldValueError(PHONE_INVALID, label, value=_shown(value))
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise FieldValueError(PHONE_INVALID, label, value=value) from None
    if not phonenumbers.is_valid_number(number):
        raise FieldValueError(PHONE_INVALID, label, value=value)
    if number.extension:
        raise FieldValueError(PHONE_EXTENSION, label, value=value)
    text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if not _PHONE_ALLOWED.match(text):
        text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return text


def check_zip(value, label=LABEL_ZIP):
    """Return the Swiss postcode (NPA): exactly 4 digits, 1000–9999. ``int`` is accepted."""
    text = str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if text is None or not re.fullmatch(r"[1-9][0-9]{3}", text):
        raise FieldValueError(ZIP_INVALID, label, value=_shown(value))
    return text


# Pragmatic syntax check (no library for it among the addon's dependencies): one "@",
# a local part of the usual characters without leading/trailing/double dots, a domain of
# dot-separated labels ending in a top-level domain of 2+ letters.
_EMAIL = re.compile(
    r"^(?!\.)(?!.*\.\.)[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}(?<!\.)"
    r"@(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{2,59})$"
)


def check_email(value, label=LABEL_EMAIL):
    """Return the e-mail address stripped, if its syntax is that of an ordinary address."""
    if not isinstance(value, str) or not _EMAIL.match(value.strip()):
        raise FieldValueError(EMAIL_INVALID, label, value=_shown(value))
    return value.strip()


def check_interest_rate(value, label=LABEL_RATE):
    """Return the rate as ``Decimal``: from 0 to 99.99999 %, at most 5 decimals.

    Accepts ``Decimal``, ``int`` or ``str`` ("4.25"); ``float`` is refused (never float).
    """
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise FieldValueError(RATE_NOT_NUMBER, label, value=_shown(value))
    try:
        rate = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except ArithmeticError:
        raise FieldValueError(RATE_NOT_NUMBER, label, value=value) from None
    if not rate.is_finite():
        raise FieldValueError(RATE_NOT_NUMBER, label, value=str(value).strip())
    if rate < 0 or rate > Decimal("99.99999"):
        raise FieldValueError(RATE_RANGE, label, value=_plain_number(rate))
    if rate != rate.quantize(Decimal("0.00001")):
        raise FieldValueError(RATE_DECIMALS, label, value=_plain_number(rate))
    return rate


def check_nationality(value, label=LABEL_NATIONALITY):
    """Return the nationality as upper-case ISO 3166-1 alpha-2 (any case accepted).

    The list is :data:`tilbago.countries.ISO_3166_ALPHA2` (ISO codes plus XK, Kosovo).
    """
    if not isinstance(value, str) or value.strip().upper() not in ISO_3166_ALPHA2:
        raise FieldValueError(NATIONALITY_INVALID, label, value=_shown(value))
    return value.strip().upper()


def check_date_of_birth(value, label=LABEL_BIRTH, today=None):
    """Return the date of birth as tilbago takes it, if it is real and not in the future.

    A :class:`datetime.date` becomes ``yyyy-mm-dd``; text must be ``yyyy-mm-dd``,
    ``dd.mm.yyyy`` or ``yyyy`` and is returned as written (stripped).
    """
    today = today or datetime.date.today()
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        if value > today:
            raise FieldValueError(BIRTH_FUTURE, label, value=value.isoformat())
        if value.year < EARLIEST_BIRTH_YEAR:
            raise FieldValueError(BIRTH_TOO_EARLY, label, value=value.isoformat())
        return value.isoformat()
    if not isinstance(value, str):
        raise FieldValueError(BIRTH_FORMAT, label, value=_shown(value))
    text = value.strip()
    for pattern, fmt in (
        (r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "%Y-%m-%d"),
        (r"[0-9]{2}\.[0-9]{2}\.[0-9]{4}", "%d.%m.%Y"),
        (r"[0-9]{4}", "%Y"),
    ):
        if re.fullmatch(pattern, text):
            try:
                parsed = datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                break
            too_late = parsed.year > today.year if fmt == "%Y" else parsed > today
            if too_late:
                raise FieldValueError(BIRTH_FUTURE, label, value=text)
            if parsed.year < EARLIEST_BIRTH_YEAR:
                raise FieldValueError(BIRTH_TOO_EARLY, label, value=text)
            return text
    raise FieldValueError(BIRTH_FORMAT, label, value=text)


#: the correspondence languages tilbago takes, with their English names
LANGUAGES = {"de": "German", "fr": "French", "it": "Italian"}
#: the sexes tilbago takes for a natural person (U = unknown)
SEXES = {"M": "Male", "F": "Female", "U": "Unknown"}


def check_language(value, label=LABEL_LANGUAGE):
    """Return the correspondence language as ``de``, ``fr`` or ``it`` (any case accepted)."""
    if not isinstance(value, str) or value.strip().lower() not in LANGUAGES:
        raise FieldValueError(LANGUAGE_INVALID, label, value=_shown(value))
    return value.strip().lower()


def check_sex(value, label=LABEL_SEX):
    """Return the sex as ``M``, ``F`` or ``U`` (unknown); any case accepted."""
    if not isinstance(value, str) or value.strip().upper() not in SEXES:
        raise FieldValueError(SEX_INVALID, label, value=_shown(value))
    return value.strip().upper()


def check_iban(value, label=LABEL_IBAN):
    """Return the IBAN compact (``CH9300762011623852957``): valid (stdnum.iban), CH or LI."""
    if not isinstance(value, str):
        raise FieldValueError(IBAN_INVALID, label, value=_shown(value))
    try:
        compact = stdnum_iban.validate(value)
    except StdnumValidationError:
        raise FieldValueError(IBAN_INVALID, label, value=value) from None
    if compact[:2] not in ("CH", "LI"):
        raise FieldValueError(IBAN_COUNTRY, label, value=value)
    return compact


_URL = re.compile(r"^https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d+)?(?:[/?#]\S*)?$", re.I)


def check_url(value, label=LABEL_URL):
    """Return the web address stripped if it is an ``http(s)://host/...`` URL without spaces."""
    if not isinstance(value, str) or not _URL.match(value.strip()) or find_invisible(value):
        raise FieldValueError(URL_INVALID, label, value=_shown(value))
    return value.strip()


# --------------------------------------------------------------------------- the case


class _Collector:
    def __init__(self):
        self.problems = []

    def add(self, field, label, template, **params):
        self.problems.append(Problem(field, label, template, params))

    def check(self, checker, value, field, label, **label_params):
        """Run a field checker; record its refusal under ``field``."""
        try:
            checker(value)
        except FieldValueError as exc:
            self.add(field, label, exc.template, **{**exc.params, **label_params})

    def text(self, value, field, label, required=True, max_length=None, **label_params):
        """A text field: required (non-blank) or optional, of string type."""
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, label, REQUIRED, **label_params)
            return False
        if not isinstance(value, str):
            self.add(field, label, NOT_TEXT, value=repr(value), **label_params)
            return False
        if not self.visible(value, field, label, **label_params):
            return False
        length = len(normalize_text(value))
        if max_length is not None and length > max_length:
            self.add(
                field, label, REASON_TOO_LONG, length=length, max=max_length, **label_params
            )
        return True

    def visible(self, value, field, label, **label_params):
        """Whether text ``value`` is free of control and invisible characters (else noted)."""
        found = find_invisible(value)
        if found:
            position, char = found
            self.add(field, label, TEXT_INVISIBLE, char=describe_char(char),
                     position=position, **label_params)
        return not found


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _check_address(out, address, prefix, labels):
    if address is None:
        out.add(prefix + "address", labels["address"], REQUIRED)
        return
    # the contract takes a street or a post-office box (or both)
    has_pob = isinstance(address.pob, str) and bool(normalize_text(address.pob))
    if _blank(address.street) and not has_pob:
        out.add(prefix + "address.street", labels["address.street"], STREET_OR_POB)
    else:
        out.text(address.street, prefix + "address.street", labels["address.street"],
                 required=False)
    out.text(
        address.streetnumber, prefix + "address.streetnumber",
        labels["address.streetnumber"], required=False,
    )
    if _blank(address.zip):
        out.add(prefix + "address.zip", labels["address.zip"], REQUIRED)
    else:
        out.check(check_zip, address.zip, prefix + "address.zip", labels["address.zip"])
    out.text(address.city, prefix + "address.city", labels["address.city"])
    out.text(address.pob, prefix + "address.pob", labels["address.pob"], required=False)


def _check_person(out, person, role, today):
    labels = PERSON_LABELS[role]
    prefix = role + "."
    out.text(person.external_ref, prefix + "externalRef", labels["externalRef"])
    # a company name given but blank, and no person's name: a company whose name is
    # missing (not a natural person without a first name)
    meant_legal = person.company is not None and _blank(person.name) and _blank(person.surname)
    if person.is_legal_person or meant_legal:
        out.text(person.company, prefix + "company", labels["company"])
        out.text(person.name_addon, prefix + "nameAddon", labels["nameAddon"], required=False)
        if _blank(person.company_uid):
            out.add(prefix + "companyUid", labels["companyUid"], REQUIRED)
        else:
            out.check(normalize_uid, person.company_uid, prefix + "companyUid", labels["companyUid"])
        out.text(person.legal_seat, prefix + "legalSeat", labels["legalSeat"])
        out.text(person.contact_person, prefix + "contactPerson", labels["contactPerson"])
        if person.is_registered is None:
            out.add(prefix + "isRegistered", labels["isRegistered"], REQUIRED)
        elif not isinstance(person.is_registered, bool):
            out.add(prefix + "isRegistered", labels["isRegistered"], NOT_BOOL)
    else:
        out.text(person.name, prefix + "name", labels["name"])
        out.text(person.surname, prefix + "surname", labels["surname"])
        optional = (
            ("sex", person.sex, check_sex),
            ("dateOfBirth", person.date_of_birth,
             lambda v: check_date_of_birth(v, today=today)),
            ("nationality", person.nationality, check_nationality),
        )
        for key, value, checker in optional:
            if not _blank(value):
                out.check(checker, value, prefix + key, labels[key])
        out.text(person.birth_name, prefix + "birthName", labels["birthName"], required=False)
        out.text(person.title, prefix + "title", labels["title"], required=False)
    for key, value, checker in (
        ("preferredLanguage", person.preferred_language, check_language),
        ("phone1", person.phone1, normalize_phone),
        ("phone2", person.phone2, normalize_phone),
        ("phone3", person.phone3, normalize_phone),
        ("fax", person.fax, normalize_phone),
        ("email", person.email, check_email),
    ):
        if not _blank(value):
            out.check(checker, value, prefix + key, labels[key])
    _check_address(out, person.address, prefix, labels)
    if role == "creditor":
        for key, value, checker in (
            ("tradeRegisterUrl", person.trade_register_url, check_url),
            ("iban", person.iban, check_iban),
        ):
            if not _blank(value):
                out.check(checker, value, prefix + key, labels[key])


def _check_claim(out, claim, field, labels, label_params, reason_max, today):
    if claim is None:
        out.add(field, labels[""], REQUIRED, **label_params)
        return
    p = field + "."
    out.text(claim.external_ref, p + "externalRef", labels["externalRef"], **label_params)
    amount = claim.amount
    if amount is None:
        out.add(p + "amount", labels["amount"], REQUIRED, **label_params)
    else:
        try:
            rappen = to_rappen(amount)
        except (TypeError, ValueError, ArithmeticError):
            out.add(p + "amount", labels["amount"], AMOUNT_NOT_NUMBER,
                    value=_shown(amount), **label_params)
        else:
            if rappen <= 0:
                out.add(p + "amount", labels["amount"], AMOUNT_NOT_POSITIVE,
                        value=str(amount), **label_params)
            elif rappen > to_rappen(MAX_AMOUNT):
                out.add(p + "amount", labels["amount"], AMOUNT_TOO_LARGE,
                        value=str(amount), max=format_chf(MAX_AMOUNT), **label_params)
    out.text(claim.reason, p + "reason", labels["reason"], max_length=reason_max, **label_params)
    date_from = claim.interest_date_from
    if date_from is None:
        out.add(p + "interestDateFrom", labels["interestDateFrom"], REQUIRED, **label_params)
    elif isinstance(date_from, datetime.datetime) or not isinstance(date_from, datetime.date):
        out.add(p + "interestDateFrom", labels["interestDateFrom"], NOT_DATE,
                value=_shown(date_from), **label_params)
    elif date_from > (today or datetime.date.today()):
        out.add(p + "interestDateFrom", labels["interestDateFrom"], INTEREST_FUTURE,
                value=date_from.isoformat(), **label_params)
    if _blank(claim.interest_rate):
        out.add(p + "interestRate", labels["interestRate"], REQUIRED, **label_params)
    else:
        out.check(check_interest_rate, claim.interest_rate, p + "interestRate",
                  labels["interestRate"], **label_params)
    cls = claim.collocation_class
    if _blank(cls):
        out.add(p + "collocationClass", labels["collocationClass"], REQUIRED, **label_params)
    elif str(cls).strip() not in COLLOCATION_CLASSES:
        out.add(p + "collocationClass", labels["collocationClass"], CLASS_INVALID,
                value=str(cls), **label_params)


def validate_case(case, today=None):
    """Every problem of ``case`` (a :class:`tilbago.payload.Case`), in wire order; [] if none.

    Checks every rule of the contract: required fields per person kind (natural: name,
    surname, address; legal: company, companyUid, legalSeat, contactPerson, isRegistered,
    address), the address (street, zip, city), each field's format, each claim (reference,
    amount > 0, reason within 640 characters for the first claim and 80 for the others,
    interest date, rate, collocation class), at most 10 claims, claim references unique,
    the creditor's IBAN and register address, the e-mail addresses, the status.
    ``today`` (default: today) bounds the date of birth.
    """
    out = _Collector()
    out.text(case.external_ref, "externalRef", CASE_LABELS["externalRef"])
    if case.certificate_of_loss is None:
        out.add("certificateOfLoss", CASE_LABELS["certificateOfLoss"], REQUIRED)
    elif not isinstance(case.certificate_of_loss, bool):
        out.add("certificateOfLoss", CASE_LABELS["certificateOfLoss"], NOT_BOOL)
    if case.responsible_person is not None:
        email = case.responsible_person.email
        label = CASE_LABELS["responsiblePerson.email"]
        if _blank(email):
            out.add("responsiblePerson.email", label, REQUIRED)
        else:
            out.check(check_email, email, "responsiblePerson.email", label)
    out.text(case.source_ref_key, "sourceRefKey", _("Calling system key"), required=False)
    if not _blank(case.source_ref_email):
        out.check(check_email, case.source_ref_email, "sourceRefEmail",
                  CASE_LABELS["sourceRefEmail"])
    out.text(case.payee_reference, "payeeReference", _("Payment reference"), required=False)
    if case.debtor is None:
        out.add("debtor", CASE_LABELS["debtor"], REQUIRED)
    else:
        _check_person(out, case.debtor, "debtor", today)
    if case.creditor is not None:
        _check_person(out, case.creditor, "creditor", today)
    _check_claim(out, case.claim, "claim", CLAIM_LABELS["claim"], {}, FIRST_REASON_MAX, today)
    subsidiary = list(case.subsidiary_claims or ())
    for index, claim in enumerate(subsidiary):
        _check_claim(
            out, claim, f"subsidiaryClaims[{index}]", CLAIM_LABELS["subsidiaryClaims"],
            {"number": index + 1}, OTHER_REASON_MAX, today,
        )
    count = (case.claim is not None) + len(subsidiary)
    if count > MAX_CLAIMS:
        out.add("subsidiaryClaims", CASE_LABELS["claims"], TOO_MANY_CLAIMS,
                count=count, max=MAX_CLAIMS)
    seen = set()
    claims = [("claim", case.claim, CLAIM_LABELS["claim"], {})] + [
        (f"subsidiaryClaims[{i}]", c, CLAIM_LABELS["subsidiaryClaims"], {"number": i + 1})
        for i, c in enumerate(subsidiary)
    ]
    for field, claim, labels, label_params in claims:
        if claim is None or not isinstance(claim.external_ref, str):
            continue
        ref = claim.external_ref.strip()
        if not ref:
            continue
        if ref in seen:
            out.add(field + ".externalRef", labels["externalRef"], DUPLICATE_REF,
                    value=ref, **label_params)
        seen.add(ref)
    if not _blank(case.status) and case.status != "002":
        out.add("status", CASE_LABELS["status"], STATUS_INVALID, value=_shown(case.status))
    _check_wire_text(out, case)
    return out.problems


def _label_of(path):
    """``(label, label params)`` of a wire path ("debtor.address.city", "claim.reason")."""
    head, _dot, rest = path.partition(".")
    if head in PERSON_LABELS:
        labels = PERSON_LABELS[head]
        return labels.get(rest, labels[""]), {}
    match = re.fullmatch(r"subsidiaryClaims\[(\d+)\]", head)
    if head == "claim" or match:
        labels = CLAIM_LABELS["subsidiaryClaims" if match else "claim"]
        params = {"number": int(match.group(1)) + 1} if match else {}
        return labels.get(rest, labels[""]), params
    return CASE_LABELS.get(path, CASE_LABELS.get(head, path)), {}


def _wire_strings(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _wire_strings(item, "%s.%s" % (path, key) if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _wire_strings(item, "%s[%d]" % (path, index))
    elif isinstance(value, str):
        yield path, value


def _check_wire_text(out, case):
    """Last guard: no text of the body as it would be sent holds a forbidden character."""
    try:
        wire = case.to_wire()
    except Exception:  # noqa: BLE001 - a body that cannot be built is reported elsewhere
        return
    flagged = {problem.field for problem in out.problems}
    for path, text in _wire_strings(wire):
        if path not in flagged:
            label, params = _label_of(path)
            out.visible(text, path, label, **params)


def check_case(case, today=None):
    """Raise :class:`~tilbago.exceptions.InvalidPayload` listing every problem of ``case``."""
    problems = validate_case(case, today=today)
    if problems:
        raise InvalidPayload(problems)
    return case
