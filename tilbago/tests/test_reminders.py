"""Reminder level date logic (tilbago.reminders), no Odoo needed."""

import datetime

import pytest

import tilbago.reminders as reminders

D = datetime.date
DELAYS = {"1": 10, "2": 20, "3": 30, "litigation": 15}


def test_next_level_chain():
    assert reminders.next_level("none") == "1"
    assert reminders.next_level("1") == "2"
    assert reminders.next_level("3") == "litigation"
    assert reminders.next_level("litigation") is None


def test_level_rank_orders_levels():
    ranks = [reminders.level_rank(level) for level in reminders.LEVELS]
    assert ranks == sorted(ranks) == [0, 1, 2, 3, 4]
    assert reminders.level_rank(False) == 0


@pytest.mark.parametrize(
    "level, dates, expected",
    [
        ("none", {}, D(2026, 1, 11)),
        ("1", {"1": D(2026, 2, 1)}, D(2026, 2, 21)),
        ("2", {"1": D(2026, 2, 1), "2": D(2026, 3, 1)}, D(2026, 3, 31)),
        ("3", {"3": D(2026, 4, 1)}, D(2026, 4, 16)),
        ("litigation", {"3": D(2026, 4, 1)}, None),
    ],
)
def test_next_due_date_counts_from_previous_level(level, dates, expected):
    assert reminders.next_due_date(level, D(2026, 1, 1), dates, DELAYS) == expected


def test_next_due_date_level_set_by_hand_without_date_uses_earlier_date():
    # level 2 set by hand, only reminder 1 has a date: count from reminder 1
    assert reminders.next_due_date("2", D(2026, 1, 1), {"1": D(2026, 1, 20)}, DELAYS) == D(
        2026, 2, 19
    )
    # no date at all: count from the invoice due date
    assert reminders.next_due_date("3", D(2026, 1, 1), {}, DELAYS) == D(2026, 1, 16)


def test_next_due_date_without_due_date_or_with_zero_delay():
    assert reminders.next_due_date("none", None, {}, DELAYS) is None
    # at least one day: never on the due date itself, never twice the same day
    assert reminders.next_due_date("none", D(2026, 1, 1), {}, {"1": -5}) == D(2026, 1, 2)
    assert reminders.next_due_date("1", D(2026, 1, 1), {"1": D(2026, 1, 9)}, {}) == D(2026, 1, 10)


def test_suggested_action():
    today = D(2026, 5, 10)
    assert reminders.suggested_action("none", D(2026, 5, 10), today) == ("send", "1", None)
    assert reminders.suggested_action("2", D(2026, 5, 1), today) == ("send", "3", None)
    assert reminders.suggested_action("1", D(2026, 5, 11), today) == (
        "wait",
        None,
        D(2026, 5, 11),
    )
    assert reminders.suggested_action("3", D(2026, 5, 9), today).kind == "litigation"
    assert reminders.suggested_action("litigation", None, today).kind == "enforce"
    assert reminders.suggested_action("1", None, today).kind == "none"


def test_action_labels_cover_every_kind():
    for kind in ("send", "litigation", "wait", "enforce", "none"):
        assert kind in reminders.ACTION_LABELS


def test_an_invoice_with_a_case_under_way_is_followed_there():
    today = datetime.date(2026, 3, 1)
    for level, next_date in (("litigation", None), ("3", datetime.date(2026, 2, 1)),
                             ("1", datetime.date(2026, 4, 1))):
        action = reminders.suggested_action(level, next_date, today, case_open=True)
        assert action.kind == "follow"
    assert reminders.suggested_action("litigation", None, today).kind == "enforce"
    assert "%(case)s" in reminders.ACTION_LABELS["follow"]
