"""What the debtor still owes after paying: payments allocated in the order of OR 85.

A partial payment is applied first to the costs and the interest, then to the principal
(OR 85 al. 1: the debtor may not apply it to the principal while interest or costs are in
arrears); the enforcement costs the creditor advanced are owed by the debtor and come
first (SchKG 68). So a payment received after the debt collection request never silently
wipes out fees and interest: the statement shows what remains of each.

Order used here, for every payment:

1. enforcement costs advanced (the payment-order fee of GebV SchKG art. 16, any other
   cost recorded), oldest first;
2. reminder fees claimed (the "fee" claims of the request);
3. interest accrued to the day of the payment, claim by claim;
4. principal, claim by claim.

Claims are taken in the order given (the caller passes them due date first, as OR 87
al. 1 applies a payment to the debt that fell due first).

Interest is simple default interest (:func:`tilbago.swiss.interest`, 30E/360, never on
interest, OR 105 al. 3) on the principal still open: between two payments it runs on
what the earlier payment left. A cost counts from its date: a payment received before a
cost was incurred does not pay it, but what was paid in excess is kept as a credit that
later costs and interest take first.

Everything is computed in integer Rappen (:mod:`tilbago.money`), never ``float``.
"""

import datetime
from collections import namedtuple

from . import money, swiss

#: the parts of a debt, in the order a payment pays them (OR 85 al. 1, SchKG 68)
COSTS, FEES, INTEREST, PRINCIPAL = "costs", "fees", "interest", "principal"
ORDER = (COSTS, FEES, INTEREST, PRINCIPAL)

#: a claim of the request: ``key`` (any hashable, e.g. the Odoo id), ``amount`` (CHF),
#: ``fee`` (True for reminder fees), ``rate`` (% a year, 0 for none),
#: ``interest_from`` (first day interest runs, or None)
Claim = namedtuple("Claim", "key amount fee rate interest_from")
#: a cost the creditor advanced: ``key``, ``date``, ``amount`` (CHF)
Cost = namedtuple("Cost", "key date amount")
#: a payment received: ``date``, ``amount`` (CHF)
Payment = namedtuple("Payment", "date amount")


def allocate(amount, debts):
    """Split ``amount`` (Rappen, int >= 0) over ``debts`` in their order.

    ``debts`` is a sequence of ``(key, open)`` with ``open`` in Rappen (int >= 0).
    Returns ``(allocations, rest)``: ``allocations`` a list of ``(key, paid)`` in the
    order of ``debts`` (one entry per debt, 0 when nothing reached it) and ``rest`` what
    is left after every debt is paid. A debt gets something only when every debt before
    it is paid in full.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise ValueError("amount must be a non-negative number of Rappen, not %r" % (amount,))
    allocations = []
    for key, open_amount in debts:
        if isinstance(open_amount, bool) or not isinstance(open_amount, int) or open_amount < 0:
            raise ValueError("open amount of %r must be non-negative Rappen" % (key,))
        paid = min(amount, open_amount)
        allocations.append((key, paid))
        amount -= paid
    return allocations, amount


class Statement:
    """The account of one case at a date: what is owed, paid and left, part by part.

    Attributes are CHF ``Decimal`` with 2 places:

    - ``due[part]``, ``paid[part]``, ``open[part]`` for each part of :data:`ORDER`
      (``due[INTEREST]`` is the interest accrued to the statement's date);
    - ``received``: the sum of the payments, ``credit``: what they paid beyond
      everything owed (never negative);
    - ``claims[key]``: a dict with ``interest``, ``interest_paid``, ``principal_paid``,
      ``open`` (its principal and interest still owed) of each claim;
    - ``costs[key]``: what remains of each cost.
    """

    def __init__(self, on_date):
        self.date = on_date
        # the computation works in Rappen (int); the public view is CHF
        self._due = dict.fromkeys(ORDER, 0)
        self._paid = dict.fromkeys(ORDER, 0)
        self._received = 0
        self._credit = 0
        self._claims = {}
        self._costs = {}

    def _chf(self, rappen):
        return money.from_rappen(rappen)

    @property
    def due(self):
        return {part: self._chf(self._due[part]) for part in ORDER}

    @property
    def paid(self):
        return {part: self._chf(self._paid[part]) for part in ORDER}

    @property
    def received(self):
        return self._chf(self._received)

    @property
    def credit(self):
        return self._chf(self._credit)

    @property
    def open(self):
        return {part: self._chf(self._due[part] - self._paid[part]) for part in ORDER}

    @property
    def open_total(self):
        return self._chf(sum(self._due[part] - self._paid[part] for part in ORDER))

    @property
    def claims(self):
        return {
            key: {name: self._chf(value) for name, value in row.items()}
            for key, row in self._claims.items()
        }

    @property
    def costs(self):
        return {key: self._chf(value) for key, value in self._costs.items()}

    def as_chf(self):
        """Every figure of the statement as CHF, for the Odoo layer and the JSON archive."""
        return {
            "date": self.date.isoformat(),
            "due": self.due,
            "paid": self.paid,
            "open": self.open,
            "open_total": self.open_total,
            "received": self.received,
            "credit": self.credit,
        }


def _interest_rappen(principal, rate, date_from, date_to):
    if not principal or not rate or date_from is None or date_to <= date_from:
        return 0
    return money.to_rappen(swiss.interest(money.from_rappen(principal), rate, date_from,
                                          date_to))


def statement(claims, costs=(), payments=(), on_date=None):
    """Account of a case on ``on_date`` (default today): see :class:`Statement`.

    ``claims``: :class:`Claim` in the order principal and interest are paid;
    ``costs``: :class:`Cost`; ``payments``: :class:`Payment`. Payments after
    ``on_date`` are left out; so are costs dated after it.
    """
    on_date = on_date or datetime.date.today()
    result = Statement(on_date)
    rows = []
    for claim in claims:
        amount = money.to_rappen(claim.amount)
        if amount < 0:
            raise ValueError("claim %r: negative amount" % (claim.key,))
        rows.append({
            "claim": claim,
            "rate": money.to_decimal(claim.rate or 0),
            "principal": 0 if claim.fee else amount,
            "fee": amount if claim.fee else 0,
            "interest": 0,  # accrued, not paid yet
            "since": claim.interest_from,
        })
        result._claims[claim.key] = {"interest": 0, "interest_paid": 0,
                                     "principal_paid": 0, "open": 0}
    cost_rows = sorted(costs, key=lambda c: (c.date, str(c.key)))
    cost_open = {}
    for cost in cost_rows:
        if money.to_rappen(cost.amount) < 0:
            raise ValueError("cost %r: negative amount" % (cost.key,))
        result._costs[cost.key] = 0
    events = sorted(
        (p.date, money.to_rappen(p.amount)) for p in payments if p.date <= on_date
    )
    for _date, amount in events:
        if amount < 0:
            raise ValueError("a payment cannot be negative")
    events.append((on_date, 0))

    credit = 0
    for when, amount in events:
        result._received += amount
        credit += amount
        for cost in cost_rows:
            if cost.date <= when and cost.key not in cost_open:
                cost_open[cost.key] = money.to_rappen(cost.amount)
        _accrue(rows, when)
        debts = [((COSTS, key), cost_open[key]) for key in cost_open]
        debts += [((FEES, index), row["fee"]) for index, row in enumerate(rows)]
        debts += [((INTEREST, index), row["interest"]) for index, row in enumerate(rows)]
        debts += [((PRINCIPAL, index), row["principal"]) for index, row in enumerate(rows)]
        allocations, credit = allocate(credit, debts)
        for (part, key), paid in allocations:
            if not paid:
                continue
            result._paid[part] += paid
            if part == COSTS:
                cost_open[key] -= paid
                continue
            row = rows[key]
            claim_key = row["claim"].key
            if part == FEES:
                row["fee"] -= paid
            elif part == INTEREST:
                row["interest"] -= paid
                result._claims[claim_key]["interest_paid"] += paid
            else:
                row["principal"] -= paid
                result._claims[claim_key]["principal_paid"] += paid
    result._credit = credit
    for key, value in cost_open.items():
        result._costs[key] = value
    result._due[COSTS] = sum(money.to_rappen(c.amount) for c in cost_rows if c.date <= on_date)
    result._due[FEES] = sum(money.to_rappen(r["claim"].amount) for r in rows if r["claim"].fee)
    result._due[PRINCIPAL] = sum(
        money.to_rappen(r["claim"].amount) for r in rows if not r["claim"].fee
    )
    for row in rows:
        totals = result._claims[row["claim"].key]
        totals["interest"] = row["accrued"] if "accrued" in row else 0
        totals["open"] = row["principal"] + row["fee"] + row["interest"]
    result._due[INTEREST] = sum(row.get("accrued", 0) for row in rows)
    return result


def _accrue(rows, when):
    """Add the interest each claim earned since its last payment (or start) to ``when``."""
    for row in rows:
        since = row["since"]
        if since is None or when <= since:
            continue
        capital = row["principal"] + row["fee"]
        earned = _interest_rappen(capital, row["rate"], since, when)
        row["interest"] += earned
        row["accrued"] = row.get("accrued", 0) + earned
        row["since"] = when
