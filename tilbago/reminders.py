"""Reminder levels of customer invoices: pure date logic, no Odoo.

An unpaid invoice climbs ``none -> 1 -> 2 -> 3 -> litigation`` (Crésus: "Rappel 1/2/3",
"Contentieux"). Each step is due a number of days after the previous one:

- reminder 1: ``delays["1"]`` days after the invoice due date,
- reminder 2: ``delays["2"]`` days after reminder 1,
- reminder 3: ``delays["3"]`` days after reminder 2,
- litigation: ``delays["litigation"]`` days after reminder 3.

The Odoo layer passes plain dates and integers and formats the suggested action.
"""

import datetime
from collections import namedtuple

from .i18n import _

LEVELS = ("none", "1", "2", "3", "litigation")
REMINDER_LEVELS = ("1", "2", "3")

#: What a clerk should do next with an invoice: ``kind`` is "send" (send reminder
#: ``level``), "litigation" (the invoice goes to litigation), "wait" (nothing before
#: ``date``), "enforce" (open a debt collection request), "follow" (a debt collection
#: case for it is under way: follow that case) or "none".
Action = namedtuple("Action", "kind level date")

ACTION_LABELS = {
    "send": _("Send reminder %(level)s"),
    "litigation": _("Move to litigation"),
    "wait": _("Wait until %(date)s"),
    "enforce": _("Open a debt collection request"),
    "follow": _("Follow the debt collection case %(case)s"),
    "none": _("Nothing to do"),
}


def next_level(level):
    """The level after ``level``; None after litigation."""
    index = LEVELS.index(level)
    return LEVELS[index + 1] if index + 1 < len(LEVELS) else None


def level_rank(level):
    """0 for none ... 4 for litigation, to compare levels (worst = highest)."""
    return LEVELS.index(level or "none")


def next_due_date(level, due_date, level_dates, delays):
    """Date on which ``level``'s successor is due, or None (litigation, no due date).

    :param str level: current level, one of :data:`LEVELS`
    :param datetime.date due_date: the invoice due date
    :param dict level_dates: date each level was reached, keys "1", "2", "3"
        (missing or None when not reached)
    :param dict delays: days before each level, keys "1", "2", "3", "litigation"
    """
    level = level or "none"
    if level == "litigation":
        return None
    if level == "none":
        reference = due_date
    else:
        # a level set by hand may lack its date: fall back to the earlier ones
        reference = None
        for previous in LEVELS[LEVELS.index(level) : 0 : -1]:
            reference = level_dates.get(previous)
            if reference:
                break
        reference = reference or due_date
    if not reference:
        return None
    # a level is never reached on the day of the previous one (nor on the due date,
    # when the invoice is not overdue yet): at least one day in between
    delay = max(int(delays.get(next_level(level)) or 0), 1)
    return reference + datetime.timedelta(days=delay)


def suggested_action(level, next_date, today, case_open=False):
    """The next step for an invoice at ``level`` whose next level is due on ``next_date``.

    ``next_date`` is None when the invoice cannot climb (paid, blocked, litigation);
    ``case_open``: a debt collection case for the invoice is under way (not finished),
    so it is followed there rather than escalated or requested again.
    """
    level = level or "none"
    if case_open:
        return Action("follow", None, None)
    if level == "litigation":
        return Action("enforce", None, None)
    if not next_date:
        return Action("none", None, None)
    if next_date > today:
        return Action("wait", None, next_date)
    successor = next_level(level)
    if successor == "litigation":
        return Action("litigation", None, None)
    return Action("send", successor, None)
