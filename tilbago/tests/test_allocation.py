"""Payments allocated in the order of OR 85: costs, fees, interest, principal."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tilbago import allocation, swiss
from tilbago.allocation import COSTS, FEES, INTEREST, ORDER, PRINCIPAL, Claim, Cost, Payment

D = Decimal
DAY = datetime.date


# -- allocate ------------------------------------------------------------------------------
def test_allocate_pays_in_order_and_returns_the_rest():
    allocations, rest = allocation.allocate(150, [("a", 100), ("b", 30), ("c", 50)])
    assert allocations == [("a", 100), ("b", 30), ("c", 20)]
    assert rest == 0
    allocations, rest = allocation.allocate(500, [("a", 100), ("b", 30)])
    assert allocations == [("a", 100), ("b", 30)]
    assert rest == 370


def test_allocate_nothing_to_pay():
    assert allocation.allocate(0, [("a", 10)]) == ([("a", 0)], 0)
    assert allocation.allocate(10, []) == ([], 10)


@pytest.mark.parametrize("amount", [-1, 1.5, True, "10", D("1")])
def test_allocate_refuses_what_is_not_rappen(amount):
    with pytest.raises(ValueError):
        allocation.allocate(amount, [("a", 10)])


def test_allocate_refuses_a_negative_debt():
    with pytest.raises(ValueError):
        allocation.allocate(10, [("a", -1)])


rappen = st.integers(min_value=0, max_value=10**11)


@given(amount=rappen, debts=st.lists(rappen, max_size=12))
def test_allocate_properties(amount, debts):
    allocations, rest = allocation.allocate(amount, list(enumerate(debts)))
    paid = [value for _key, value in allocations]
    # the allocated sum and the rest are exactly the payment
    assert sum(paid) + rest == amount
    # nothing negative, never more than owed
    assert rest >= 0
    assert all(0 <= value <= owed for value, owed in zip(paid, debts))
    # order respected: a debt gets something only when every earlier one is paid
    for index, value in enumerate(paid):
        if value:
            assert paid[:index] == debts[:index]
    # a rest only when everything is paid
    if rest:
        assert paid == debts


# -- statement ------------------------------------------------------------------------------
MAIN = Claim("main", D("1000.00"), False, D("5"), DAY(2026, 1, 1))
FEE = Claim("fee", D("20.00"), True, D("0"), None)
FEE_COST = Cost("po-fee", DAY(2026, 2, 1), D("40.00"))


def test_statement_without_payment_owes_everything():
    result = allocation.statement([MAIN, FEE], [FEE_COST], [], DAY(2026, 7, 1))
    interest = swiss.interest(D("1000"), D("5"), DAY(2026, 1, 1), DAY(2026, 7, 1))
    assert interest == D("25.00")  # 180 days of 360 at 5 %
    assert result.open == {COSTS: D("40.00"), FEES: D("20.00"), INTEREST: D("25.00"),
                           PRINCIPAL: D("1000.00")}
    assert result.open_total == D("1085.00")
    assert result.received == D("0.00")


def test_partial_payment_pays_costs_fees_interest_before_principal():
    # paid on 2026-04-01: 90 days of interest = 12.50
    result = allocation.statement(
        [MAIN, FEE], [FEE_COST], [Payment(DAY(2026, 4, 1), D("100.00"))], DAY(2026, 4, 1)
    )
    paid = result.as_chf()["paid"]
    assert paid == {COSTS: D("40.00"), FEES: D("20.00"), INTEREST: D("12.50"),
                    PRINCIPAL: D("27.50")}
    assert result.open[PRINCIPAL] == D("972.50")
    assert result.open[INTEREST] == D("0.00")
    assert result.claims["main"]["principal_paid"] == D("27.50")
    assert result.claims["main"]["interest_paid"] == D("12.50")
    assert result.claims["main"]["open"] == D("972.50")
    assert result.costs == {"po-fee": D("0.00")}


def test_interest_runs_on_what_the_payment_left():
    result = allocation.statement(
        [MAIN], [], [Payment(DAY(2026, 4, 1), D("512.50"))], DAY(2026, 7, 1)
    )
    # to 2026-04-01: 12.50 on 1000; the payment leaves 500 of principal, which earns
    # 6.25 to 2026-07-01
    chf = result.as_chf()
    assert chf["due"][INTEREST] == D("18.75")
    assert chf["paid"][INTEREST] == D("12.50")
    assert chf["open"] == {COSTS: D("0.00"), FEES: D("0.00"), INTEREST: D("6.25"),
                           PRINCIPAL: D("500.00")}


def test_payment_of_the_invoice_amount_leaves_principal_open():
    """Paying exactly the invoice does not settle the case: costs and interest first."""
    result = allocation.statement(
        [MAIN, FEE], [FEE_COST], [Payment(DAY(2026, 7, 1), D("1000.00"))], DAY(2026, 7, 1)
    )
    assert result.open_total == D("85.00")
    assert result.open[PRINCIPAL] == D("85.00")
    assert result.as_chf()["paid"][PRINCIPAL] == D("915.00")


def test_full_payment_and_credit():
    result = allocation.statement(
        [MAIN, FEE], [FEE_COST], [Payment(DAY(2026, 7, 1), D("1100.00"))], DAY(2026, 7, 1)
    )
    assert result.open_total == D("0.00")
    assert result.as_chf()["credit"] == D("15.00")


def test_credit_pays_a_later_cost():
    late_cost = Cost("later", DAY(2026, 8, 1), D("60.00"))
    early = allocation.statement(
        [MAIN], [late_cost], [Payment(DAY(2026, 1, 1), D("1100.00"))], DAY(2026, 7, 1)
    )
    assert early.as_chf()["credit"] == D("100.00")  # the cost is not incurred yet
    later = allocation.statement(
        [MAIN], [late_cost], [Payment(DAY(2026, 1, 1), D("1100.00"))], DAY(2026, 9, 1)
    )
    assert later.costs == {"later": D("0.00")}
    assert later.as_chf()["credit"] == D("40.00")


def test_claims_paid_in_the_order_given():
    first = Claim("first", D("100.00"), False, D("0"), None)
    second = Claim("second", D("100.00"), False, D("0"), None)
    result = allocation.statement(
        [first, second], [], [Payment(DAY(2026, 3, 1), D("150.00"))], DAY(2026, 3, 1)
    )
    assert result.claims["first"]["open"] == D("0.00")
    assert result.claims["second"]["open"] == D("50.00")


def test_payment_after_the_statement_date_is_left_out():
    result = allocation.statement(
        [MAIN], [], [Payment(DAY(2026, 9, 1), D("100.00"))], DAY(2026, 1, 1)
    )
    assert result.as_chf()["received"] == D("0.00")
    assert result.open_total == D("1000.00")


def test_negative_payment_is_refused():
    with pytest.raises(ValueError):
        allocation.statement([MAIN], [], [Payment(DAY(2026, 2, 1), D("-1"))], DAY(2026, 3, 1))


def test_float_is_refused():
    with pytest.raises(TypeError):
        allocation.statement([MAIN], [], [Payment(DAY(2026, 2, 1), 10.5)], DAY(2026, 3, 1))


amounts = st.decimals(min_value=D("0"), max_value=D("50000"), places=2)
days = st.dates(min_value=DAY(2025, 1, 1), max_value=DAY(2027, 12, 31))


@given(
    principal=amounts,
    fee=amounts,
    cost=amounts,
    rate=st.sampled_from([D("0"), D("5"), D("7.5")]),
    start=days,
    payments=st.lists(st.tuples(days, amounts), max_size=5),
)
def test_statement_properties(principal, fee, cost, rate, start, payments):
    on_date = DAY(2028, 1, 1)
    result = allocation.statement(
        [Claim("main", principal, False, rate, start), Claim("fee", fee, True, 0, None)],
        [Cost("cost", start, cost)],
        [Payment(day, amount) for day, amount in payments],
        on_date,
    )
    chf = result.as_chf()
    received = sum((amount for _day, amount in payments), D("0.00"))
    # allocated sum == paid: every Rappen received is allocated or kept as credit
    assert sum(chf["paid"].values()) + chf["credit"] == received
    assert chf["received"] == received
    # nothing negative, never more paid than owed
    for part in ORDER:
        assert chf["paid"][part] >= 0
        assert chf["open"][part] >= 0
        assert chf["paid"][part] <= chf["due"][part]
    assert chf["credit"] >= 0
    # order respected at the end: a credit only when nothing is open; principal paid
    # only when the fees (owed from the start) were paid in full
    if chf["credit"]:
        assert result.open_total == 0
    if chf["paid"][PRINCIPAL]:
        assert chf["open"][FEES] == 0
    # a single payment on the statement date: its parts follow OR 85 strictly
    single = allocation.statement(
        [Claim("main", principal, False, rate, start)],
        [Cost("cost", start, cost)],
        [Payment(on_date, received)],
        on_date,
    ).as_chf()
    for earlier, later in zip(ORDER, ORDER[1:]):
        if single["paid"][later]:
            assert single["open"][earlier] == 0
