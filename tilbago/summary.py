"""The confirmation summary of a request, read from the body that will be sent.

The clerk confirms what tilbago will receive: every value is taken from
``case.to_wire()``, so a phone number or a UID is shown as it goes out, normalised
(``+41 848 273 787``, ``CHE-107.933.850``), not as it was typed. The labels are those of
:mod:`tilbago.validation`, so the summary and the list of problems name each field
alike. :func:`summarize` returns :class:`Section` objects of ``(label, value)`` rows,
already in the user's language when the Odoo layer passes ``env._`` and its date format;
:func:`as_text` joins them into lines.
"""

import datetime
from collections import namedtuple
from decimal import Decimal, InvalidOperation

from .i18n import _
from .money import format_chf, from_rappen, to_decimal
from .swiss import COLLOCATION_CLASSES, interest, payment_order_fee
from .problems import CASE_LABELS, CLAIM_LABELS, PERSON_LABELS
from .validation import LANGUAGES, SEXES

HEADING_CLAIM = _("Claim")
HEADING_DEBTOR = _("Debtor")
HEADING_CONTACT = _("Contact")
HEADING_IDENTIFICATION = _("Identification")
LABEL_DUE_DATE = _("Due date")
LABEL_FEE = _("Payment-order fee (GebV SchKG art. 16)")
LABEL_INTEREST_ACCRUED = _("Interest accrued to date")
FURTHER_CLAIM = _("%(amount)s, %(reason)s, %(rate)s from %(date)s, class %(cls)s")
YES = _("yes")
NO = _("no")

#: the wire keys of the debtor shown in each part, ``True`` when shown even if missing
#: (the contract requires them)
DEBTOR_KEYS = {
    "legal": (("company", True), ("nameAddon", False), ("contactPerson", True)),
    "natural": (("title", False), ("name", True), ("surname", True)),
}
ADDRESS_KEYS = (
    ("street", True), ("streetnumber", False), ("pob", False), ("zip", True), ("city", True),
)  # fmt: skip
CONTACT_KEYS = (
    ("preferredLanguage", True), ("phone1", False), ("phone2", False), ("phone3", False),
    ("fax", False), ("email", False),
)  # fmt: skip
IDENTIFICATION_KEYS = {
    "legal": (("companyUid", True), ("legalSeat", True), ("isRegistered", True)),
    "natural": (("sex", False), ("dateOfBirth", False), ("birthName", False),
                ("nationality", False)),
}  # fmt: skip

Section = namedtuple("Section", "heading rows")


def costs(claims, today):
    """``(total, fee, interest)`` of claims given as ``(amount, rate, interest_from)``.

    The total claimed, the payment-order fee the office asks for it (GebV SchKG art. 16,
    0 when nothing is claimed) and the default interest accrued to ``today``, all
    ``Decimal``. A claim without a start date or an amount above 0 accrues nothing.
    """
    claims = list(claims)
    total = sum((amount for amount, _rate, _start in claims), Decimal("0"))
    accrued = sum(
        (
            interest(amount, rate, start, today)
            for amount, rate, start in claims
            if start and amount > 0
        ),
        Decimal("0"),
    )
    fee = payment_order_fee(total) if total > 0 else Decimal("0")
    return total, fee, accrued


def _claim_costs(case, today):
    """:func:`costs` of the case's claims, leaving out those that are not numbers yet."""
    claims = []
    for claim in case.claims:
        if claim is None:
            continue
        try:
            amount, rate = to_decimal(claim.amount), to_decimal(claim.interest_rate)
        except (TypeError, ValueError, ArithmeticError):
            continue
        start = claim.interest_date_from
        claims.append((amount, rate, start if isinstance(start, datetime.date) else None))
    return costs(claims, today)


class _Shown:
    """How each value is shown: translated words, the user's dates, names of codes.

    The names of codes are shown as given (the Odoo layer passes those of its selection
    fields, already translated); by default the English ones.
    """

    def __init__(self, gettext, format_date, choices):
        self.tr = gettext or (lambda source: source)
        self.format_date = format_date or datetime.date.isoformat
        self.choices = {
            "preferredLanguage": LANGUAGES,
            "sex": SEXES,
            "collocationClass": {
                code: "%s - %s" % (code, entry.short)
                for code, entry in COLLOCATION_CLASSES.items()
            },
        }
        self.choices.update(choices or {})

    def label(self, label, params=None):
        return self.tr(label) % (params or {})

    def value(self, key, value):
        if value is None or value == "":
            return "-"
        if isinstance(value, bool):
            return self.tr(YES) if value else self.tr(NO)
        if key == "amount":
            return self.amount(value)
        if key == "interestRate":
            return self.rate(value)
        if key in ("interestDateFrom", "dateOfBirth"):
            return self.day(value)
        if key in self.choices:
            return self.choices[key].get(value, value)
        return str(value)

    def amount(self, value):
        """Wire Rappen as CHF; a value that is not Rappen as it is sent."""
        try:
            return format_chf(from_rappen(value) if isinstance(value, int) else value)
        except (TypeError, ValueError, ArithmeticError):
            return str(value)

    def rate(self, value):
        try:
            return "%s%%" % format(Decimal(value).normalize(), "f")
        except (InvalidOperation, TypeError, ValueError):
            return str(value)

    def day(self, value):
        """An ISO date in the user's format; another form (``dd.mm.yyyy``, ``yyyy``) as is."""
        if isinstance(value, datetime.date):
            return self.format_date(value)
        try:
            return self.format_date(datetime.date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)


def _rows(shown, wire, labels, keys, prefix=""):
    return [
        (shown.label(labels[prefix + key]), shown.value(key, wire.get(key)))
        for key, required in keys
        if required or wire.get(key) not in (None, "")
    ]


def summarize(case, today, due_date=None, gettext=None, format_date=None, choices=None):
    """The sections of the confirmation summary of ``case`` (a ``tilbago.payload.Case``).

    ``today`` bounds the interest accrued; ``due_date`` (not part of the request) is
    shown with the main claim when given; ``gettext`` translates the English words
    (Odoo's ``env._``), ``format_date`` shows a date (default ISO), ``choices`` may
    replace the names of codes (``{"collocationClass": {"3": "3 - …"}}``), e.g. by those
    of the user's selection fields.
    """
    shown = _Shown(gettext, format_date, choices)
    wire = case.to_wire()
    claim = wire.get("claim") or {}
    labels = CLAIM_LABELS["claim"]
    rows = [
        (shown.label(labels["amount"]), shown.value("amount", claim.get("amount"))),
        (shown.label(labels["reason"]), shown.value("reason", claim.get("reason"))),
    ]
    if due_date:
        rows.append((shown.label(LABEL_DUE_DATE), shown.day(due_date)))
    rows += _rows(shown, claim, labels, (
        ("interestRate", True), ("interestDateFrom", True), ("collocationClass", True),
    ))  # fmt: skip
    rows.append(
        (shown.label(CASE_LABELS["certificateOfLoss"]),
         shown.value("certificateOfLoss", bool(wire.get("certificateOfLoss"))))
    )  # fmt: skip
    for number, further in enumerate(wire.get("subsidiaryClaims") or (), start=1):
        further = further or {}
        rows.append(
            (
                shown.label(CLAIM_LABELS["subsidiaryClaims"][""], {"number": number}),
                shown.tr(FURTHER_CLAIM) % {
                    "amount": shown.value("amount", further.get("amount")),
                    "reason": shown.value("reason", further.get("reason")),
                    "rate": shown.value("interestRate", further.get("interestRate")),
                    "date": shown.value("interestDateFrom", further.get("interestDateFrom")),
                    "cls": shown.value("collocationClass", further.get("collocationClass")),
                },
            )
        )
    _total, fee, accrued = _claim_costs(case, today)
    rows += [
        (shown.label(LABEL_FEE), format_chf(fee)),
        (shown.label(LABEL_INTEREST_ACCRUED), format_chf(accrued)),
    ]
    sections = [Section(shown.tr(HEADING_CLAIM), rows)]
    debtor = wire.get("debtor")
    if debtor is None:
        return sections
    person = "legal" if case.debtor.is_legal_person else "natural"
    labels = PERSON_LABELS["debtor"]
    address = debtor.get("address") or {}
    sections += [
        Section(
            shown.tr(HEADING_DEBTOR),
            _rows(shown, debtor, labels, (("externalRef", True),) + DEBTOR_KEYS[person])
            + _rows(shown, address, labels, ADDRESS_KEYS, prefix="address."),
        ),
        Section(shown.tr(HEADING_CONTACT), _rows(shown, debtor, labels, CONTACT_KEYS)),
        Section(
            shown.tr(HEADING_IDENTIFICATION),
            _rows(shown, debtor, labels, IDENTIFICATION_KEYS[person]),
        ),
    ]
    return [section for section in sections if section.rows]


def as_text(sections):
    """The sections as lines ``label: value``, a blank line between two sections."""
    return "\n\n".join(
        "\n".join("%s: %s" % row for row in section.rows) for section in sections
    )
