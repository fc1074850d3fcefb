"""Reminder levels of customer invoices: pure date logic, no Odoo.

A company has N reminder levels (Crésus: three, "Rappel 1/2/3"); after the last one an
unpaid invoice goes to litigation ("Contentieux"). Here a level is its *rank*:
``0`` = no reminder yet, ``1`` .. ``N`` = that reminder was sent, and litigation comes
after rank ``N``. Each step is due a number of days after the previous one, given as a
list of ``N + 1`` delays:

- ``delays[0]``: days after the invoice due date for reminder 1,
- ``delays[i]``: days after reminder ``i`` for reminder ``i + 1``,
- ``delays[N]``: days after the last reminder for litigation.

The Odoo layer passes plain dates and integers and formats the suggested action.
"""

import datetime
from collections import namedtuple

from .i18n import _

#: rank of an invoice that had no reminder yet
NO_REMINDER = 0

#: What a clerk should do next with an invoice: ``kind`` is "send" (send the reminder of
#: rank ``level``), "litigation" (the invoice goes to litigation), "wait" (nothing before
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


def next_rank(rank, level_count):
    """The rank after ``rank``, or None when the next step is litigation."""
    return rank + 1 if rank < level_count else None


def next_due_date(rank, due_date, reached_on, delays):
    """Date on which the step after ``rank`` is due, or None (no due date).

    :param int rank: current rank, 0 (no reminder) to N (last reminder)
    :param datetime.date due_date: the invoice due date
    :param datetime.date reached_on: the day the invoice reached ``rank``; a level set
        by hand may lack it, then the due date counts
    :param list delays: ``N + 1`` delays in days (see the module's docstring)
    """
    if rank >= len(delays):
        return None
    reference = (reached_on if rank else None) or due_date
    if not reference:
        return None
    # a level is never reached on the day of the previous one (nor on the due date,
    # when the invoice is not overdue yet): at least one day in between
    delay = max(int(delays[rank] or 0), 1)
    return reference + datetime.timedelta(days=delay)


def suggested_action(rank, level_count, next_date, today, litigation=False, case_open=False):
    """The next step for an invoice at ``rank`` whose next step is due on ``next_date``.

    ``next_date`` is None when the invoice cannot climb (paid, blocked, litigation);
    ``litigation``: the invoice is in litigation; ``case_open``: a debt collection case
    for the invoice is under way (not finished), so it is followed there rather than
    escalated or requested again.
    """
    if case_open:
        return Action("follow", None, None)
    if litigation:
        return Action("enforce", None, None)
    if not next_date:
        return Action("none", None, None)
    if next_date > today:
        return Action("wait", None, next_date)
    successor = next_rank(rank, level_count)
    if successor is None:
        return Action("litigation", None, None)
    return Action("send", successor, None)


# -- the reminders of the earlier version (one date field per level) ----------------------

#: the levels of the earlier version: no reminder, reminders 1 to 3, litigation
LEGACY_LEVELS = ("none", "1", "2", "3", "litigation")
LEGACY_LEVEL_COUNT = 3

#: an invoice of the earlier version: its rank, the day it reached it (or None), the
#: reminders it went through as ``(rank, date)`` (oldest first) and whether it is in
#: litigation
LegacyHistory = namedtuple("LegacyHistory", "rank reached_on reminders litigation")


def legacy_history(level, dates):
    """What an invoice of the earlier version went through.

    :param str level: its level, one of :data:`LEGACY_LEVELS`
    :param dict dates: the date of each reminder, keys 1 to 3 (None when not reached;
        a level set by hand may lack its date)
    """
    level = level or "none"
    litigation = level == "litigation"
    rank = LEGACY_LEVEL_COUNT if litigation else LEGACY_LEVELS.index(level)
    reminders = [(r, dates[r]) for r in range(1, rank + 1) if dates.get(r)]
    # the day the current rank was reached: its own date, else the latest earlier one
    reached_on = reminders[-1][1] if reminders else None
    return LegacyHistory(rank, reached_on, reminders, litigation)


def split_fees(total, level_fees, ranks, digits=2):
    """The fee of each reminder of ``ranks`` when the levels' fees add up to ``total``.

    The earlier version kept only the total of an invoice's reminder fees. When the
    fees of its levels (``level_fees[rank]``) add up to that total, each reminder
    carries its level's fee; otherwise (fees changed in between, or edited by hand)
    nothing can say which reminder cost what, and None is returned.
    """
    fees = [level_fees.get(rank) or 0.0 for rank in ranks]
    if round(sum(fees) - (total or 0.0), digits) == 0:
        return fees
    return None
