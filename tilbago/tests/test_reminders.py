"""Reminder level date logic (tilbago.reminders), no Odoo needed."""

import datetime

import pytest

import tilbago.reminders as reminders

D = datetime.date
#: three levels (10, 20, 30 days), litigation 15 days after the last one
DELAYS = [10, 20, 30, 15]


def test_next_rank_chain():
    assert reminders.next_rank(0, 3) == 1
    assert reminders.next_rank(2, 3) == 3
    assert reminders.next_rank(3, 3) is None, "litigation after the last level"
    assert reminders.next_rank(1, 1) is None
    assert reminders.next_rank(3, 4) == 4


@pytest.mark.parametrize(
    "rank, reached_on, expected",
    [
        (0, None, D(2026, 1, 11)),
        (1, D(2026, 2, 1), D(2026, 2, 21)),
        (2, D(2026, 3, 1), D(2026, 3, 31)),
        (3, D(2026, 4, 1), D(2026, 4, 16)),
        (4, D(2026, 4, 1), None),
    ],
)
def test_next_due_date_counts_from_previous_level(rank, reached_on, expected):
    assert reminders.next_due_date(rank, D(2026, 1, 1), reached_on, DELAYS) == expected


@pytest.mark.parametrize(
    "delays, dates",
    [
        # two levels: litigation 15 days after reminder 2
        ([10, 20, 15], [D(2026, 1, 11), D(2026, 1, 31), D(2026, 2, 15)]),
        # four levels
        ([10, 20, 30, 5, 15],
         [D(2026, 1, 11), D(2026, 1, 31), D(2026, 3, 2), D(2026, 3, 7), D(2026, 3, 22)]),
    ],
)
def test_two_or_four_levels(delays, dates):
    reached_on, seen = None, []
    for rank in range(len(delays)):
        reached_on = reminders.next_due_date(rank, D(2026, 1, 1), reached_on, delays)
        seen.append(reached_on)
    assert seen == dates
    assert reminders.next_due_date(len(delays), D(2026, 1, 1), reached_on, delays) is None


def test_next_due_date_level_set_by_hand_without_date_uses_due_date():
    assert reminders.next_due_date(3, D(2026, 1, 1), None, DELAYS) == D(2026, 1, 16)


def test_next_due_date_without_due_date_or_with_zero_delay():
    assert reminders.next_due_date(0, None, None, DELAYS) is None
    # at least one day: never on the due date itself, never twice the same day
    assert reminders.next_due_date(0, D(2026, 1, 1), None, [-5, 1]) == D(2026, 1, 2)
    assert reminders.next_due_date(1, D(2026, 1, 1), D(2026, 1, 9), [0, 0]) == D(2026, 1, 10)
    # the date reached is ignored at rank 0: the due date counts
    assert reminders.next_due_date(0, D(2026, 1, 1), D(2026, 5, 1), DELAYS) == D(2026, 1, 11)


def test_suggested_action():
    today = D(2026, 5, 10)
    assert reminders.suggested_action(0, 3, D(2026, 5, 10), today) == ("send", 1, None)
    assert reminders.suggested_action(2, 3, D(2026, 5, 1), today) == ("send", 3, None)
    assert reminders.suggested_action(1, 3, D(2026, 5, 11), today) == (
        "wait",
        None,
        D(2026, 5, 11),
    )
    assert reminders.suggested_action(3, 3, D(2026, 5, 9), today).kind == "litigation"
    assert reminders.suggested_action(3, 4, D(2026, 5, 9), today) == ("send", 4, None)
    assert reminders.suggested_action(2, 2, D(2026, 5, 9), today).kind == "litigation"
    assert reminders.suggested_action(3, 3, None, today, litigation=True).kind == "enforce"
    assert reminders.suggested_action(1, 3, None, today).kind == "none"


def test_action_labels_cover_every_kind():
    for kind in ("send", "litigation", "wait", "enforce", "follow", "none"):
        assert kind in reminders.ACTION_LABELS


def test_an_invoice_with_a_case_under_way_is_followed_there():
    today = datetime.date(2026, 3, 1)
    for rank, next_date, litigation in ((3, None, True), (3, D(2026, 2, 1), False),
                                        (1, D(2026, 4, 1), False)):
        action = reminders.suggested_action(
            rank, 3, next_date, today, litigation=litigation, case_open=True
        )
        assert action.kind == "follow"
    assert reminders.suggested_action(3, 3, None, today, litigation=True).kind == "enforce"
    assert "%(case)s" in reminders.ACTION_LABELS["follow"]


@pytest.mark.parametrize(
    "level, dates, expected",
    [
        ("none", {}, (0, None, [], False)),
        ("1", {1: D(2026, 1, 5)}, (1, D(2026, 1, 5), [(1, D(2026, 1, 5))], False)),
        (
            "2",
            {1: D(2026, 1, 5), 2: D(2026, 1, 20)},
            (2, D(2026, 1, 20), [(1, D(2026, 1, 5)), (2, D(2026, 1, 20))], False),
        ),
        (
            "litigation",
            {1: D(2026, 1, 5), 2: D(2026, 1, 20), 3: D(2026, 2, 4)},
            (3, D(2026, 2, 4),
             [(1, D(2026, 1, 5)), (2, D(2026, 1, 20)), (3, D(2026, 2, 4))], True),
        ),
        # set by hand to 3 without dates for 1 and 2: only reminder 3 is known
        ("3", {3: D(2026, 3, 1)}, (3, D(2026, 3, 1), [(3, D(2026, 3, 1))], False)),
        # set by hand to 2, its own date missing: the latest earlier date counts
        ("2", {1: D(2026, 1, 5)}, (2, D(2026, 1, 5), [(1, D(2026, 1, 5))], False)),
        # dates above the level (left over) are not reminders it went through
        ("1", {1: D(2026, 1, 5), 3: D(2026, 3, 1)},
         (1, D(2026, 1, 5), [(1, D(2026, 1, 5))], False)),
        (None, {}, (0, None, [], False)),
    ],
)
def test_legacy_history(level, dates, expected):
    assert reminders.legacy_history(level, dates) == expected


def test_split_fees():
    fees = {1: 0.0, 2: 20.0, 3: 30.0}
    assert reminders.split_fees(50.0, fees, [1, 2, 3]) == [0.0, 20.0, 30.0]
    assert reminders.split_fees(20.0, fees, [1, 2]) == [0.0, 20.0]
    assert reminders.split_fees(0.0, fees, []) == []
    assert reminders.split_fees(None, {}, [1]) == [0.0]
    # the fees changed in between: which reminder cost what is unknown
    assert reminders.split_fees(45.0, fees, [1, 2, 3]) is None
