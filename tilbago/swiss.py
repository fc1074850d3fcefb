"""Swiss debt enforcement rules the software applies, each citing its article.

SchKG = LP = Federal Act on Debt Enforcement and Bankruptcy (SR 281.1); OR = CO = Code of
Obligations (SR 220); GebV SchKG = fee ordinance (SR 281.35). Amounts are CHF
:class:`~decimal.Decimal`; dates are :class:`datetime.date`.

Deadlines (SchKG 31): the day of the event does not count; a period in days ends that
many days later, a period in months or years on the day with the same number (the last
day of the month when that day does not exist, ZPO 142 al. 2 by reference of SchKG 31);
when the last day is a Saturday, a Sunday or a public holiday, the deadline moves to the
next working day (SchKG 31 al. 3). This module knows the weekend and the one holiday that
is federal law everywhere, 1 August (Cst. 110 al. 3); the cantonal public holidays
(New Year, Easter, Ascension, Christmas, … which differ by canton) are **not** built in:
pass them with ``holidays=`` (an iterable of dates, e.g. from the company's calendar).
Also left out: the enforcement holidays and closed periods (Betreibungsferien, SchKG 56)
and the extension of a deadline that ends in them (SchKG 63); and the pause of the
continuation year during opposition proceedings (SchKG 88 al. 2) unless the caller gives
the paused days.
"""

import calendar
import datetime
from collections import namedtuple
from decimal import Decimal

from .i18n import _
from .money import round_chf, to_decimal

#: eSchKG and the federal payment-order form carry at most 10 claims per request.
MAX_CLAIMS = 10

#: Room the payment-order form leaves for the reason of the first claim, and of the others.
FIRST_REASON_MAX = 640
OTHER_REASON_MAX = 80

#: Default interest rate, % a year, unless a higher one was agreed (OR 104 al. 1).
DEFAULT_INTEREST_RATE = Decimal("5")

#: Payment-order fee (GebV SchKG art. 16 al. 1): (claim up to and including, fee).
PAYMENT_ORDER_FEES = (
    (Decimal("100"), Decimal("7")),
    (Decimal("500"), Decimal("20")),
    (Decimal("1000"), Decimal("40")),
    (Decimal("10000"), Decimal("60")),
    (Decimal("100000"), Decimal("90")),
    (Decimal("1000000"), Decimal("190")),
    (None, Decimal("400")),
)

CollocationClass = namedtuple("CollocationClass", "code fr en short")

#: Collocation classes of SchKG 219 al. 4, asked for every claim. ``fr`` is the wording of
#: the Crésus manual's screens (as the user knows them), ``en`` its English (translatable)
#: rendering, ``short`` the few words of a selection list.
COLLOCATION_CLASSES = {
    "1": CollocationClass(
        "1",
        "pour les salaires du semestre précédent l'ouverture de la faillite ou les "
        "cotisations LPP",
        _(
            "wages of the six months before the bankruptcy was opened, or occupational "
            "pension (LPP/BVG) contributions"
        ),
        _("Wages, pension fund"),
    ),
    "2": CollocationClass(
        "2",
        "pour les créances de cotisations AVS/AI/APG/AC, aux caisses de compensation pour "
        "allocations familiales, d'assurance accidents, aux coûts de l'assurance maladie "
        "ou certaines créances fiscales",
        _(
            "social insurance contributions (AVS/AI/APG/AC), family allowance funds, "
            "accident insurance, health insurance costs or certain tax claims"
        ),
        _("Social insurance"),
    ),
    "3": CollocationClass(
        "3",
        "pour toutes les autres créances",
        _("every other claim (an invoice for goods or services is class 3)"),
        _("Every other claim"),
    ),
}

#: The one (code, label) list of the collocation class, for every selection field of the
#: Odoo layer: "3 - Every other claim".
COLLOCATION_SELECTION = [
    (code, "%s - %s" % (code, entry.short)) for code, entry in sorted(COLLOCATION_CLASSES.items())
]

#: Federal public holidays valid in every canton, as (month, day) (Cst. 110 al. 3).
FEDERAL_HOLIDAYS = ((8, 1),)


def payment_order_fee(amount):
    """Fee for issuing and serving a payment order (GebV SchKG art. 16 al. 1).

    Up to 100 → 7; over 100 to 500 → 20; over 500 to 1,000 → 40; over 1,000 to 10,000
    → 60; over 10,000 to 100,000 → 90; over 100,000 to 1,000,000 → 190; over 1,000,000
    → 400. Each bound belongs to the lower bracket (CHF 100.00 → 7, CHF 100.01 → 20).
    Delivery and postage the office adds (art. 16 al. 3) are not included.
    """
    amount = to_decimal(amount)
    if amount <= 0:
        raise ValueError(_("The claim amount must be more than CHF 0.00."))
    for upper, fee in PAYMENT_ORDER_FEES:
        if upper is None or amount <= upper:
            return fee
    raise AssertionError("unreachable")  # pragma: no cover


def interest_start(due_date):
    """First day default interest runs: the day after the due date (OR 102 al. 2, OR 104).

    With an agreed due date (Verfalltag / jour d'échéance) the debtor is in default once
    that day has passed, without any reminder; interest runs from the next day
    (the Crésus manual: due 2020-12-19, interest from 2020-12-20). A due date on a Saturday, Sunday
    or holiday is not moved here, although OR 78 would move it to the next working day
    (claiming from the earlier day is the creditor's common practice); for the strict
    reading pass ``next_working_day(due_date)``.
    """
    return due_date + datetime.timedelta(days=1)


def days_30e_360(date_from, date_to):
    """Days between two dates on the 30E/360 basis ("German method").

    Every month counts 30 days and the year 360: a 31st counts as the 30th, at both ends;
    February is not stretched. 2021-01-31 → 2021-03-01 is 31 days; 2021-02-28 → 2021-03-01
    is 3 days.
    """
    d1 = min(date_from.day, 30)
    d2 = min(date_to.day, 30)
    return (
        360 * (date_to.year - date_from.year)
        + 30 * (date_to.month - date_from.month)
        + (d2 - d1)
    )


def interest(amount, rate, date_from, date_to):
    """Simple default interest on ``amount`` at ``rate`` % a year from ``date_from`` to ``date_to``.

    Interest on the capital only, never on interest (OR 105 al. 3); the default rate is
    5 % (OR 104 al. 1, :data:`DEFAULT_INTEREST_RATE`). Day count: **30E/360** ("German
    method", Swiss commercial practice for default interest, see :func:`days_30e_360`):
    ``amount × rate / 100 × days / 360``. ``date_from`` is the first day interest runs
    (see :func:`interest_start`); ``date_to`` the day it is computed to. Rounded to the
    Rappen, ``ROUND_HALF_UP``. No interest when ``date_to`` is not after ``date_from``.

    The debt collection request states the rate and the start date (SchKG 67 al. 1 ch. 3),
    not this figure: it is an estimate for the creditor, and a court may count actual days.
    """
    amount = to_decimal(amount)
    rate = to_decimal(rate)
    days = days_30e_360(date_from, date_to)
    if days <= 0:
        return Decimal("0.00")
    return round_chf(amount * rate * days / Decimal(36000))


def _is_holiday(day, holidays):
    return day.weekday() >= 5 or (day.month, day.day) in FEDERAL_HOLIDAYS or day in holidays


def next_working_day(day, holidays=()):
    """``day`` itself, or the next day that is no Saturday, Sunday or holiday (SchKG 31 al. 3).

    Built in: weekends and 1 August (Cst. 110 al. 3). Cantonal holidays come from
    ``holidays`` (an iterable of dates); see the module docstring for what is left out.
    """
    holidays = frozenset(holidays)
    while _is_holiday(day, holidays):
        day += datetime.timedelta(days=1)
    return day


def add_months(day, months):
    """The same day number ``months`` later, or the month's last day (ZPO 142 al. 2)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _deadline(start, days=0, months=0, holidays=()):
    end = add_months(start, months) + datetime.timedelta(days=days)
    return next_working_day(end, holidays)


def payment_deadline(served, holidays=()):
    """Last day for the debtor to pay: 20 days after the payment order was served (SchKG 69 al. 2 ch. 2).

    Shifted to the next working day (SchKG 31 al. 3).
    """
    return _deadline(served, days=20, holidays=holidays)


def opposition_deadline(served, holidays=()):
    """Last day to raise opposition: 10 days after service of the payment order (SchKG 74 al. 1).

    Shifted to the next working day (SchKG 31 al. 3).
    """
    return _deadline(served, days=10, holidays=holidays)


def continuation_window(served, paused_days=0, holidays=()):
    """``(earliest, latest)`` days to request continuation of the enforcement (SchKG 88).

    Earliest 20 days after service (SchKG 88 al. 1): we give the day after the debtor's
    payment deadline (:func:`payment_deadline`, itself shifted per SchKG 31), so the
    20 days have fully run. Latest one year after service (SchKG 88 al. 2), shifted to the
    next working day; that year pauses while opposition proceedings run — pass their
    length as ``paused_days``.
    """
    earliest = payment_deadline(served, holidays) + datetime.timedelta(days=1)
    latest = _deadline(served, days=paused_days, months=12, holidays=holidays)
    return earliest, latest


def sale_request_window(seizure, real_estate=False, holidays=()):
    """``(earliest, latest)`` days to request the sale of seized assets (SchKG 116 al. 1).

    Movables and claims: at the earliest one month, at the latest one year after the
    seizure; real estate: six months to two years. The latest day is shifted to the next
    working day (SchKG 31 al. 3).
    """
    first, last = (6, 24) if real_estate else (1, 12)
    return add_months(seizure, first), _deadline(seizure, months=last, holidays=holidays)


def certificate_of_loss_prescription(
    issued, against_heirs=False, succession_opened=None, holidays=()
):
    """Day the claim of a certificate of loss prescribes (SchKG 149a al. 1).

    20 years after the certificate was issued. Against the debtor's heirs it prescribes
    at the latest one year after the succession opened: with ``against_heirs`` pass
    ``succession_opened`` (the debtor's death); without it the year counts from ``issued``.
    The earlier of the two applies. Shifted to the next working day (OR 78 al. 1).
    """
    end = add_months(issued, 240)
    if against_heirs:
        end = min(end, add_months(succession_opened or issued, 12))
    return next_working_day(end, holidays)


def enforcement_kind(is_registered, public_law=False):
    """``"bankruptcy"`` or ``"seizure"``: how the debtor is prosecuted (SchKG 39, 42, 43).

    Debtors entered in the commercial register (sole proprietors, partners, AG/SA,
    GmbH/Sàrl, cooperatives, associations, foundations) are prosecuted by bankruptcy
    (SchKG 39); everyone else by seizure (SchKG 42). Public-law claims (taxes, social
    contributions) are always by seizure (SchKG 43).
    """
    if public_law or not is_registered:
        return "seizure"
    return "bankruptcy"
