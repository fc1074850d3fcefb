#!/usr/bin/env python3
# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the reminder escalation (issue 4).

Creates N overdue customer invoices in a scratch copy of an Odoo database where
l10n_ch_tilbago is installed, then times one escalation run exactly as the daily cron does
it: batches of ``CRON_BATCH_SIZE``, each committed before the next one starts (Odoo 18's
cron runner commits after every call). It prints invoices per second and SQL queries per
invoice:

- run 1: every invoice reaches reminder 1 (e-mail queued with the invoice PDF, or the
  "to print" list for debtors without e-mail; chatter message; one tilbago.reminder
  record per invoice);
- run 2: invoices at the last level whose delay has passed go to litigation (no e-mail).

The scratch copy (``<DB>_bench_<pid>``, with its filestore) is dropped at the end: the
database given is left as it was.

Why commit per batch: that is what the cron does. An earlier version ran everything in
one uncommitted transaction and slowed down as N grew. The profile showed every
``with_context()`` scanning the environments the transaction still held: one per e-mail,
kept alive until commit by tracking values recorded while posting. The e-mails are now
posted with ``mail_notrack``, and this script measures what the cron really runs.

    python3 benchmarks/bench_reminders.py -d DB --addons-path ADDONS -n 1000 10000

The invoices are "already sent": each has its invoice PDF stored (as Odoo does when an
invoice is sent), so the run measures the reminders, not wkhtmltopdf.
"""
import argparse
import base64
import datetime
import os
import time

MINI_PDF = base64.b64encode(
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]"
    b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def create_invoices(env, count, with_email_ratio):
    from odoo import Command

    today = datetime.date.today()
    due = today - datetime.timedelta(days=400)
    # the share of debtors with an e-mail address is the same for every N (it used to
    # depend on N: at N >= 625 every debtor had one, which made queries/invoice look
    # like they grew with N)
    partner_count = min(count, 500)
    with_email = round(partner_count * with_email_ratio)
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench Debtor {i}",
                "email": f"debtor{i}@example.com" if i < with_email else False,
            }
            for i in range(partner_count)
        ]
    )
    moves = env["account.move"]
    chunk = 500
    for start in range(0, count, chunk):
        vals = []
        for i in range(start, min(start + chunk, count)):
            partner = partners[i % partner_count]
            vals.append(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": due - datetime.timedelta(days=30),
                    "invoice_date_due": due,
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Service", "quantity": 1, "price_unit": 100.0 + i % 7,
                             "tax_ids": [Command.clear()]}
                        )
                    ],
                }
            )
        batch = env["account.move"].create(vals)
        batch.action_post()
        env["ir.attachment"].create(
            [
                {
                    "name": f"{move.name.replace('/', '_')}.pdf",
                    "datas": MINI_PDF,
                    "mimetype": "application/pdf",
                    "res_model": "account.move",
                    "res_id": move.id,
                    "res_field": "invoice_pdf_report_file",
                }
                for move in batch
            ]
        )
        moves |= batch
        env.cr.commit()
        env.invalidate_all()
    return moves


def timed_run(env, batch_size):
    """All batches of one cron run, each committed; returns (invoices, seconds, queries)."""
    Move = env["account.move"]
    cr = env.cr
    done_total = 0
    queries0 = cr.sql_log_count
    start = time.perf_counter()
    while True:
        # the cron's own entry point (its "today" is the date of the run)
        done, remaining = Move._cron_tilbago_reminders(batch_size=batch_size)
        cr.commit()  # as the cron runner does after each call
        done_total += done
        if not remaining:
            break
    seconds = time.perf_counter() - start
    return done_total, seconds, cr.sql_log_count - queries0


def bench(env, count, with_email_ratio, batch_size):
    moves = create_invoices(env, count, with_email_ratio)
    today = datetime.date.today()
    n1, s1, q1 = timed_run(env, batch_size)
    assert n1 == count, (n1, count)
    # put them at the last reminder level, long ago: the next run moves them to litigation
    last_level = moves.company_id.tilbago_reminder_level_ids[-1]
    moves.with_context(tilbago_escalation=True).write({
        "tilbago_reminder_level_id": last_level.id,
        "tilbago_reminder_state": "reminder",
        "tilbago_reminder_level_date": today - datetime.timedelta(days=100),
    })
    env.cr.commit()
    env.invalidate_all()
    n2, s2, q2 = timed_run(env, batch_size)
    assert n2 == count, (n2, count)
    return [("reminder 1 (e-mail/print, chatter)", n1, s1, q1),
            ("last reminder -> litigation", n2, s2, q2)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--db_host", default=None)
    parser.add_argument("-n", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--email-ratio", type=float, default=0.8,
                        help="share of debtors with an e-mail address (others: print list)")
    parser.add_argument("--batch-size", type=int, default=None)
    args = parser.parse_args()

    import odoo
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    options = [f"--addons-path={args.addons_path}"]
    if args.db_host:
        options.append(f"--db_host={args.db_host}")
    config.parse_config(options)
    odoo.tools.config["log_level"] = "warn"
    from odoo.addons.l10n_ch_tilbago.models.account_move_reminder import CRON_BATCH_SIZE

    from odoo.service import db as db_service

    batch_size = args.batch_size or CRON_BATCH_SIZE
    print(f"batch size {batch_size}, {int(args.email_ratio * 100)} % of debtors with e-mail, "
          "committed per batch")
    print(f"{'N':>7}  {'run':<36} {'invoices/s':>10} {'queries/invoice':>16} {'seconds':>8}")
    for count in args.n:
        scratch = f"{args.database}_bench_{os.getpid()}"
        db_service.exp_duplicate_database(args.database, scratch)
        try:
            registry = Registry(scratch)
            with registry.cursor() as cr:
                env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": False})
                for label, done, seconds, queries in bench(env, count, args.email_ratio, batch_size):
                    print(f"{count:>7}  {label:<36} {done / seconds:>10.1f} "
                          f"{queries / done:>16.1f} {seconds:>8.1f}", flush=True)
        finally:
            db_service.exp_drop(scratch)

if __name__ == "__main__":
    main()
