"""Swiss rules: GebV SchKG fee table, OR default interest, SchKG deadlines."""

import datetime
import inspect
from decimal import Decimal

import pytest

from tilbago import swiss
from tilbago.swiss import (
    COLLOCATION_CLASSES,
    DEFAULT_INTEREST_RATE,
    MAX_CLAIMS,
    add_months,
    certificate_of_loss_prescription,
    continuation_window,
    days_30e_360,
    enforcement_kind,
    interest,
    interest_start,
    next_working_day,
    opposition_deadline,
    payment_deadline,
    payment_order_fee,
    sale_request_window,
)

D = datetime.date


# ------------------------------------------------------------------ GebV SchKG art. 16


@pytest.mark.parametrize(
    "amount, fee",
    [
        ("0.01", 7),
        ("100", 7),  # "up to 100"
        ("100.01", 20),  # "over 100"
        ("500", 20),
        ("500.01", 40),
        ("1000", 40),
        ("1000.01", 60),
        ("10000", 60),
        ("10000.01", 90),
        ("12565.60", 90),  # the seed's claim
        ("100000", 90),
        ("100000.01", 190),
        ("1000000", 190),
        ("1000000.01", 400),
        ("99999999", 400),
    ],
)
def test_payment_order_fee_at_every_bracket_edge(amount, fee):
    assert payment_order_fee(Decimal(amount)) == Decimal(fee)
    assert isinstance(payment_order_fee(Decimal(amount)), Decimal)


def test_payment_order_fee_accepts_int_and_str_not_float():
    assert payment_order_fee(100) == 7
    assert payment_order_fee("100.01") == 20
    with pytest.raises(TypeError):
        payment_order_fee(100.0)


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_payment_order_fee_needs_a_positive_claim(amount):
    with pytest.raises(ValueError):
        payment_order_fee(Decimal(amount))


# ------------------------------------------------------------------ OR 102/104/105


def test_default_interest_rate_is_five_percent():
    assert DEFAULT_INTEREST_RATE == Decimal("5")


def test_interest_starts_the_day_after_the_due_date():
    # the Crésus manual: due 2020-12-19 ("Date d'échéance"), interest runs from 2020-12-20
    assert interest_start(D(2020, 12, 19)) == D(2020, 12, 20)
    assert interest_start(D(2020, 12, 31)) == D(2021, 1, 1)
    assert interest_start(D(2024, 2, 28)) == D(2024, 2, 29)


@pytest.mark.parametrize(
    "date_from, date_to, days",
    [
        (D(2021, 1, 1), D(2022, 1, 1), 360),
        (D(2021, 1, 1), D(2021, 12, 31), 359),  # the 31st counts as the 30th: 11*30 + 29
        (D(2021, 1, 31), D(2021, 3, 1), 31),  # 31st → 30th: 60 + (1 - 30)
        (D(2021, 2, 28), D(2021, 3, 1), 3),  # February is not stretched: 30 + (1 - 28)
        (D(2020, 2, 28), D(2020, 3, 31), 32),  # 30 + (30 - 28)
        (D(2021, 3, 15), D(2021, 3, 15), 0),
        (D(2021, 3, 15), D(2021, 3, 10), -5),
    ],
)
def test_days_30e_360(date_from, date_to, days):
    assert days_30e_360(date_from, date_to) == days


@pytest.mark.parametrize(
    "amount, rate, date_from, date_to, expected",
    [
        # the seed's claim, one full year at 4 %: 12565.60 × 0.04 = 502.624 → 502.62
        ("12565.60", "4", D(2020, 12, 20), D(2021, 12, 20), "502.62"),
        # half a year (180 days) at 5 %: 1000 × 0.05 / 2 = 25.00
        ("1000", "5", D(2021, 1, 1), D(2021, 7, 1), "25.00"),
        # 31 days (Jan 31 → Mar 1) at 5 %: 1000 × 5 × 31 / 36000 = 4.30555… → 4.31
        ("1000", "5", D(2021, 1, 31), D(2021, 3, 1), "4.31"),
        # 3 days (Feb 28 → Mar 1) at 5 %: 1000 × 5 × 3 / 36000 = 0.41666… → 0.42
        ("1000", "5", D(2021, 2, 28), D(2021, 3, 1), "0.42"),
        # exactly half a Rappen rounds up: 100 × 5 × 9 / 36000 = 0.125 → 0.13
        ("100", "5", D(2021, 5, 1), D(2021, 5, 10), "0.13"),
        # 4.25 % for 2 years: 2000 × 0.0425 × 2 = 170.00 (simple, no interest on interest)
        ("2000", "4.25", D(2020, 1, 1), D(2022, 1, 1), "170.00"),
        # 0 %: nothing
        ("2000", "0", D(2020, 1, 1), D(2022, 1, 1), "0.00"),
        # no time, or backwards: nothing
        ("1000", "5", D(2021, 5, 1), D(2021, 5, 1), "0.00"),
        ("1000", "5", D(2021, 5, 10), D(2021, 5, 1), "0.00"),
    ],
)
def test_interest(amount, rate, date_from, date_to, expected):
    result = interest(Decimal(amount), Decimal(rate), date_from, date_to)
    assert result == Decimal(expected)
    assert str(result) == expected


def test_interest_is_simple_not_compound():
    # OR 105 al. 3: ten years at 5 % is 50 % of the capital, not 1.05**10 - 1 = 62.89 %
    assert interest(Decimal("1000"), Decimal("5"), D(2010, 1, 1), D(2020, 1, 1)) == Decimal("500.00")


def test_interest_refuses_float():
    with pytest.raises(TypeError):
        interest(1000.0, Decimal("5"), D(2021, 1, 1), D(2022, 1, 1))


# ------------------------------------------------------------------ SchKG 31 and deadlines


def test_next_working_day():
    assert next_working_day(D(2024, 3, 14)) == D(2024, 3, 14)  # Thursday
    assert next_working_day(D(2024, 3, 16)) == D(2024, 3, 18)  # Saturday → Monday
    assert next_working_day(D(2024, 3, 17)) == D(2024, 3, 18)  # Sunday → Monday
    assert next_working_day(D(2024, 8, 1)) == D(2024, 8, 2)  # national day (Thursday)
    assert next_working_day(D(2025, 8, 1)) == D(2025, 8, 4)  # national day Friday → Monday
    # cantonal holidays come from the caller
    assert next_working_day(D(2024, 12, 25)) == D(2024, 12, 25)
    holidays = {D(2024, 12, 25), D(2024, 12, 26)}
    assert next_working_day(D(2024, 12, 25), holidays) == D(2024, 12, 27)
    # Good Friday and Easter Monday 2024 around a weekend
    easter = {D(2024, 3, 29), D(2024, 4, 1)}
    assert next_working_day(D(2024, 3, 29), easter) == D(2024, 4, 2)


def test_payment_deadline_is_20_days_shifted_off_the_weekend():
    # served Monday 2024-03-04; + 20 days = Sunday 2024-03-24 → Monday 2024-03-25
    assert payment_deadline(D(2024, 3, 4)) == D(2024, 3, 25)
    # served Tuesday 2024-03-05; + 20 = Monday 2024-03-25, no shift
    assert payment_deadline(D(2024, 3, 5)) == D(2024, 3, 25)
    # served Wednesday 2024-03-06; + 20 = Tuesday 2024-03-26
    assert payment_deadline(D(2024, 3, 6)) == D(2024, 3, 26)


def test_opposition_deadline_is_10_days_shifted():
    assert opposition_deadline(D(2024, 3, 4)) == D(2024, 3, 14)  # Thursday
    assert opposition_deadline(D(2024, 3, 6)) == D(2024, 3, 18)  # Saturday 16 → Monday 18
    assert opposition_deadline(D(2024, 7, 22)) == D(2024, 8, 2)  # 1 August → 2 August
    assert opposition_deadline(D(2024, 12, 15)) == D(2024, 12, 25)
    assert opposition_deadline(
        D(2024, 12, 15), holidays=[D(2024, 12, 25), D(2024, 12, 26)]
    ) == D(2024, 12, 27)


def test_continuation_window():
    # served Monday 2024-03-04: payment deadline Monday 2024-03-25, so continuation from
    # Tuesday 2024-03-26; latest one year after service, Tuesday 2025-03-04
    assert continuation_window(D(2024, 3, 4)) == (D(2024, 3, 26), D(2025, 3, 4))
    # the year pauses during opposition proceedings: 30 days → Thursday 2025-04-03
    assert continuation_window(D(2024, 3, 4), paused_days=30)[1] == D(2025, 4, 3)
    # served 29 February: a year later is 28 February 2025 (a Friday)
    assert continuation_window(D(2024, 2, 29))[1] == D(2025, 2, 28)
    # served Friday 2024-03-01: a year later is Saturday 2025-03-01 → Monday 2025-03-03
    assert continuation_window(D(2024, 3, 1))[1] == D(2025, 3, 3)


def test_sale_request_window():
    # movables: 1 month to 1 year; 2024-01-31 + 1 month = 2024-02-29 (last day)
    assert sale_request_window(D(2024, 1, 31)) == (D(2024, 2, 29), D(2025, 1, 31))
    # real estate: 6 months to 2 years; 2026-01-31 is a Saturday → Monday 2026-02-02
    assert sale_request_window(D(2024, 1, 31), real_estate=True) == (
        D(2024, 7, 31),
        D(2026, 2, 2),
    )


def test_certificate_of_loss_prescription():
    # 20 years: 2024-06-15 is a Saturday → Monday 2024-06-17
    assert certificate_of_loss_prescription(D(2004, 6, 15)) == D(2024, 6, 17)
    assert certificate_of_loss_prescription(D(2005, 3, 10)) == D(2025, 3, 10)  # Monday
    # against heirs: one year after the succession opened (Friday 2024-05-10)
    assert certificate_of_loss_prescription(
        D(2004, 6, 15), against_heirs=True, succession_opened=D(2023, 5, 10)
    ) == D(2024, 5, 10)
    # …but never later than the 20 years
    assert certificate_of_loss_prescription(
        D(2004, 6, 15), against_heirs=True, succession_opened=D(2024, 3, 1)
    ) == D(2024, 6, 17)
    # without the succession date the year counts from the issue
    assert certificate_of_loss_prescription(D(2023, 5, 10), against_heirs=True) == D(2024, 5, 10)


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 1, 15), 12, D(2025, 1, 15)),
        (D(2024, 11, 30), 3, D(2025, 2, 28)),
        (D(2024, 2, 29), 240, D(2044, 2, 29)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


# ------------------------------------------------------------------ SchKG 39/43, 219


@pytest.mark.parametrize(
    "registered, public_law, kind",
    [
        (True, False, "bankruptcy"),
        (False, False, "seizure"),
        (True, True, "seizure"),  # taxes: always seizure (SchKG 43)
        (False, True, "seizure"),
    ],
)
def test_enforcement_kind(registered, public_law, kind):
    assert enforcement_kind(registered, public_law=public_law) == kind


def test_collocation_classes_keep_the_seed_wording():
    assert list(COLLOCATION_CLASSES) == ["1", "2", "3"]
    assert COLLOCATION_CLASSES["3"].fr == "pour toutes les autres créances"
    assert "salaires du semestre" in COLLOCATION_CLASSES["1"].fr
    assert "AVS/AI/APG/AC" in COLLOCATION_CLASSES["2"].fr
    for code, cls in COLLOCATION_CLASSES.items():
        assert cls.code == code
        assert cls.en and cls.en != cls.fr


def test_collocation_selection_is_built_from_the_classes():
    from tilbago.swiss import COLLOCATION_SELECTION

    assert COLLOCATION_SELECTION == [
        ("1", "1 - Wages, pension fund"),
        ("2", "2 - Social insurance"),
        ("3", "3 - Every other claim"),
    ]
    assert [code for code, _label in COLLOCATION_SELECTION] == list(COLLOCATION_CLASSES)


def test_max_claims():
    assert MAX_CLAIMS == 10


def test_every_rule_cites_its_article():
    for name in (
        "payment_order_fee", "interest", "interest_start", "payment_deadline",
        "opposition_deadline", "continuation_window", "sale_request_window",
        "certificate_of_loss_prescription", "enforcement_kind", "next_working_day",
    ):
        doc = inspect.getdoc(getattr(swiss, name))
        assert any(law in doc for law in ("SchKG", "OR ", "GebV")), name
