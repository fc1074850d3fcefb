"""Money for tilbago: CHF amounts as :class:`~decimal.Decimal`, integer Rappen on the wire.

Never ``float``: a binary float cannot hold CHF 0.10 exactly, so every function here
refuses one with :class:`TypeError`.

Rounding rule (stated once, used everywhere): an amount is rounded to whole Rappen with
``ROUND_HALF_UP`` — half a Rappen and more goes up, away from zero. CHF 0.005 becomes
1 Rappen, CHF 0.004 becomes 0, CHF 10.125 becomes 1013 Rappen (CHF 10.13).
"""

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

RAPPEN = Decimal("0.01")

#: The highest amount one claim may carry: CHF 999'999'999.99 (99'999'999'999 Rappen).
#: tilbago takes integer Rappen; far below the 2**53 where a JSON number (and Odoo's
#: float fields) stop holding every Rappen exactly, and above any claim a payment order
#: has seen (its fee table ends at CHF 1 million, "over 1 million").
MAX_AMOUNT = Decimal("999999999.99")


def to_decimal(value):
    """Return ``value`` (``Decimal``, ``int`` or ``str``) as a finite ``Decimal``.

    ``float`` and ``bool`` raise :class:`TypeError`; text that is not a number, NaN and
    infinities raise :class:`ValueError`.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"money must be Decimal, int or str, never {type(value).__name__}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not an amount: {value!r}") from None
    else:
        raise TypeError(f"money must be Decimal, int or str, not {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    return result


def from_float(value, places=2):
    """The Decimal a user typed into a float field (Odoo's Monetary / Float).

    The float goes through its shortest ``repr`` (``1234.5`` → ``"1234.5"``, ``0.1`` →
    ``"0.1"``), never through ``Decimal(float)`` (``0.1`` → ``0.1000000000000000055…``),
    then it is rounded to ``places`` decimals ``ROUND_HALF_UP``. ``Decimal``, ``int`` and
    ``str`` are taken as :func:`to_decimal` takes them; ``None`` and ``False`` (an empty
    Odoo field) are zero. Raises :class:`ValueError` for NaN and infinities.
    """
    if value is None or value is False:
        value = 0
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a finite amount: {value!r}")
        value = repr(value)
    result = to_decimal(value)
    try:
        return result.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        # more digits than Decimal's precision: far above MAX_AMOUNT, left as it is
        return result


def round_chf(value):
    """Round a CHF amount to 2 places, ``ROUND_HALF_UP`` (CHF 0.005 → CHF 0.01)."""
    return to_decimal(value).quantize(RAPPEN, rounding=ROUND_HALF_UP)


def to_rappen(value):
    """Convert a CHF amount to integer Rappen, as tilbago's ``amount`` wants it.

    ``value`` is CHF as ``Decimal``, ``int`` or ``str`` (an ``int`` is francs, not
    Rappen). Rounding is ``ROUND_HALF_UP`` at the half Rappen: CHF 0.005 → 1,
    CHF 0.004 → 0, CHF 10.125 → 1013, CHF 12565.60 → 1256560. Raises
    :class:`TypeError` for ``float``/``bool`` and :class:`ValueError` for non-numbers.
    """
    return int(round_chf(value) * 100)


def from_rappen(rappen):
    """Convert integer Rappen back to CHF, a ``Decimal`` with 2 places (1256560 → 12565.60)."""
    if isinstance(rappen, bool) or not isinstance(rappen, int):
        raise TypeError(f"Rappen must be an int, not {type(rappen).__name__}")
    return (Decimal(rappen) / 100).quantize(RAPPEN)


def format_chf(value):
    """Format a CHF amount the Swiss way: ``CHF 12'565.60`` (apostrophe thousands).

    The amount is first rounded to the Rappen (``ROUND_HALF_UP``).
    """
    amount = round_chf(value)
    sign = "-" if amount < 0 else ""
    return "CHF " + sign + f"{abs(amount):,.2f}".replace(",", "'")
