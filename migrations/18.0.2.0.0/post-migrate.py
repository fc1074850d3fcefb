# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reminder dates and fees of 18.0.1 become reminder levels and reminder records.

18.0.1 kept three delays and fees on the company and, on each invoice, its level
("none", "1", "2", "3", "litigation"), the date of each reminder and of litigation and
the total of its fees. Here:

- each company gets three levels with its delays and fees (unless it has levels);
- each invoice that had a reminder keeps its level (litigation keeps the last level and
  its date) and gets one reminder record per reminder date, marked as taken over
  (the earlier version did not keep the messages);
- the old columns are dropped;
- the cases sent before get what the new version stores on them: the collection file
  starts the day the request went out (the new column was filled with the upgrade day),
  and the stored payment figures (recovered, open, paid on) are computed from the
  payments already received, so the analysis counts them at once.

The columns are read by SQL: the fields are gone from the code when this runs.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.l10n_ch_tilbago.models.tilbago_reminder_level import DEFAULT_DELAY
from odoo.addons.l10n_ch_tilbago.tilbago import reminders

_logger = logging.getLogger(__name__)

COMPANY_COLUMNS = [
    f"tilbago_reminder{n}_{kind}" for kind in ("delay", "fee") for n in (1, 2, 3)
]
MOVE_COLUMNS = [
    "tilbago_reminder_level",
    "tilbago_reminder1_date",
    "tilbago_reminder2_date",
    "tilbago_reminder3_date",
]


def _columns(cr, table, names):
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_name = %s AND column_name IN %s""",
        [table, tuple(names)],
    )
    return {row[0] for row in cr.fetchall()}


def _migrate_levels(env):
    """Three levels per company, with the delays and fees of 18.0.1."""
    cr = env.cr
    present = _columns(cr, "res_company", COMPANY_COLUMNS)
    select = SQL(", ").join(
        SQL.identifier(col) if col in present else SQL("NULL") for col in COMPANY_COLUMNS
    )
    cr.execute(SQL("SELECT id, %s FROM res_company ORDER BY id", select))
    Level = env["tilbago.reminder.level"]
    levels = Level.browse()
    for company_id, *values in cr.fetchall():
        company = env["res.company"].browse(company_id)
        if company.tilbago_reminder_level_ids:
            continue
        delays, fees = values[:3], values[3:]
        levels |= Level._tilbago_create_defaults(company)
        for level, delay, fee in zip(company.tilbago_reminder_level_ids, delays, fees):
            level.write({
                "delay": DEFAULT_DELAY if delay is None else delay,
                "fee": fee or 0.0,
            })
    return levels


def _migrate_invoices(env):
    """Level, litigation and one reminder record per reminder date of each invoice."""
    cr = env.cr
    if _columns(cr, "account_move", MOVE_COLUMNS) != set(MOVE_COLUMNS):
        return env["tilbago.reminder"]
    cr.execute(
        """SELECT id, tilbago_reminder_fee, tilbago_litigation_date,
                  tilbago_reminder_to_print, tilbago_reminder_level,
                  tilbago_reminder1_date, tilbago_reminder2_date, tilbago_reminder3_date
             FROM account_move
            WHERE COALESCE(tilbago_reminder_level, 'none') != 'none'
            ORDER BY id"""
    )
    rows = cr.fetchall()
    Reminder = env["tilbago.reminder"]
    recorded = Reminder.browse()
    for move_id, fee, litigation_date, to_print, level, *dates in rows:
        history = reminders.legacy_history(
            level, {rank: day for rank, day in enumerate(dates, 1)}
        )
        recorded |= Reminder._tilbago_record_history(
            env["account.move"].browse(move_id),
            history,
            fee_total=float(fee or 0.0),
            litigation_date=litigation_date,
            to_print=to_print,
        )
    _logger.info(
        "%s invoices took over their reminder level, %s reminders recorded",
        len(rows), len(recorded),
    )
    return recorded


def _drop_columns(cr):
    for table, columns in (("res_company", COMPANY_COLUMNS), ("account_move", MOVE_COLUMNS)):
        for column in columns:
            cr.execute(SQL(
                "ALTER TABLE %s DROP COLUMN IF EXISTS %s",
                SQL.identifier(table), SQL.identifier(column),
            ))


def _fill_sent_cases(env):
    """The cases sent before the upgrade: their file's start and their payment figures."""
    env.flush_all()
    # one statement for all of them (the column was just filled with the upgrade day)
    env.cr.execute(
        "UPDATE tilbago_case SET date_start = date_sent::date WHERE date_sent IS NOT NULL"
    )
    env.invalidate_all()
    cases = env["tilbago.case"].with_context(active_test=False).search(
        [("date_sent", "!=", False)]
    )
    cases._tilbago_update_payment_figures()
    _logger.info("%s cases sent before the upgrade: start dates and payment figures set",
                 len(cases))


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
    _migrate_levels(env)
    _migrate_invoices(env)
    _fill_sent_cases(env)
    env.flush_all()
    _drop_columns(cr)
