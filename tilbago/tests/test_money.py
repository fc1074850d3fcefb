"""CHF amounts: Decimal in, integer Rappen on the wire, ROUND_HALF_UP at the half Rappen."""

from decimal import Decimal

import pytest

from tilbago.money import (
    MAX_AMOUNT,
    format_chf,
    from_float,
    from_rappen,
    round_chf,
    to_rappen,
)


@pytest.mark.parametrize(
    "value, rappen",
    [
        (Decimal("12565.60"), 1256560),  # the seed's claim
        ("12565.60", 1256560),
        (Decimal("0.004"), 0),  # below half a Rappen: down
        (Decimal("0.005"), 1),  # exactly half a Rappen: up (ROUND_HALF_UP)
        (Decimal("0.0049999"), 0),
        (Decimal("10.125"), 1013),
        (Decimal("10.135"), 1014),  # half-up, not banker's rounding (would give 1014 too)
        (Decimal("10.145"), 1015),  # banker's rounding would give 1014
        (Decimal("2.675"), 268),  # the classic float trap: float(2.675) rounds to 2.67
        (Decimal("-0.005"), -1),  # half away from zero
        (Decimal("0"), 0),
        (100, 10000),  # an int is francs, not Rappen
        (" 7.50 ", 750),
        (Decimal("1E+3"), 100000),
    ],
)
def test_to_rappen(value, rappen):
    assert to_rappen(value) == rappen
    assert type(to_rappen(value)) is int


@pytest.mark.parametrize("value", [12.5, 0.1, True, None, [1]])
def test_to_rappen_refuses_float_and_non_numbers_with_type_error(value):
    with pytest.raises(TypeError):
        to_rappen(value)


@pytest.mark.parametrize("value", ["", "abc", "12'565.60", "NaN", "Infinity", Decimal("NaN")])
def test_to_rappen_refuses_text_that_is_no_finite_amount(value):
    with pytest.raises(ValueError):
        to_rappen(value)


def test_from_rappen_gives_two_places():
    assert from_rappen(1256560) == Decimal("12565.60")
    assert str(from_rappen(1256560)) == "12565.60"
    assert str(from_rappen(1)) == "0.01"
    assert str(from_rappen(0)) == "0.00"
    assert str(from_rappen(-250)) == "-2.50"


@pytest.mark.parametrize("value", [12.5, "100", True, Decimal("1")])
def test_from_rappen_wants_an_int(value):
    with pytest.raises(TypeError):
        from_rappen(value)


@pytest.mark.parametrize("rappen", [0, 1, 99, 1256560, 10**12])
def test_rappen_round_trip(rappen):
    assert to_rappen(from_rappen(rappen)) == rappen


def test_round_chf():
    assert round_chf("10.125") == Decimal("10.13")
    assert str(round_chf(Decimal("3"))) == "3.00"


@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("12565.60"), "CHF 12'565.60"),  # as in the seed's confirmation
        (Decimal("12565.6"), "CHF 12'565.60"),
        (Decimal("0"), "CHF 0.00"),
        (Decimal("999.99"), "CHF 999.99"),
        (Decimal("1000"), "CHF 1'000.00"),
        (Decimal("1234567.891"), "CHF 1'234'567.89"),
        (Decimal("41513.5"), "CHF 41'513.50"),
        (Decimal("0.005"), "CHF 0.01"),
        (Decimal("-1234.5"), "CHF -1'234.50"),
        (20, "CHF 20.00"),
        ("103.3", "CHF 103.30"),
    ],
)
def test_format_chf(value, text):
    assert format_chf(value) == text


def test_format_chf_refuses_float():
    with pytest.raises(TypeError):
        format_chf(12565.6)


# -- typed floats and the ceiling ---------------------------------------------------------

@pytest.mark.parametrize(
    "typed, expected",
    [
        (0.1, "0.10"),  # Decimal(0.1) would be 0.1000000000000000055511151231257827…
        (2.675, "2.68"),  # what was typed, half-up; float arithmetic gives 2.67
        (1234.5, "1234.50"),
        (999999999.99, "999999999.99"),
        (12565.6, "12565.60"),
        (False, "0.00"),  # an empty Odoo field
        (None, "0.00"),
        (Decimal("10.125"), "10.13"),
        ("7.5", "7.50"),
        (3, "3.00"),
    ],
)
def test_from_float_takes_what_was_typed(typed, expected):
    assert str(from_float(typed)) == expected


def test_from_float_five_places_for_rates():
    assert str(from_float(4.125, 5)) == "4.12500"
    assert str(from_float(5.0, 5).normalize()) == "5"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_from_float_refuses_what_is_no_amount(value):
    with pytest.raises(ValueError):
        from_float(value)


def test_ceiling_fits_integer_rappen_and_floats():
    assert MAX_AMOUNT == Decimal("999999999.99")
    assert to_rappen(MAX_AMOUNT) == 99999999999
    # every Rappen up to the ceiling survives a float (what Odoo stores) exactly
    assert to_rappen(from_float(float(MAX_AMOUNT))) == 99999999999
    assert to_rappen(MAX_AMOUNT) < 2**53
