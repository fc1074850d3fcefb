#!/usr/bin/env python3
# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the reminder run: the former per-invoice path against the batch path.

For each N it prepares N overdue customer invoices once in a scratch copy of an Odoo
database where l10n_ch_tilbago is installed, then, for each path, copies that prepared
database again and times one escalation run there exactly as the daily cron does it:
``_cron_tilbago_reminders`` batch after batch (``CRON_BATCH_SIZE`` invoices), each batch
committed before the next one starts (Odoo 18's cron runner commits after every call).
Same data, same machine, one run; it prints invoices per second of wall time and of CPU
time (this process, the wkhtmltopdf runs and the PostgreSQL backend: it hardly moves when
other programs share the machine), SQL queries per invoice and the ratio batch / former
in both:

- ``old``: one ``message_post_with_source`` per invoice (the reminders as they were
  sent before the batch composer, reachable only through the context key
  ``OLD_PATH_CONTEXT_KEY`` of models/account_move_reminder_mail.py);
- ``new``: one ``mail.compose.message`` in comment mode over the batch's invoices;
- with ``--litigation``, then, on the copy of the last path: invoices at the last level
  whose delay has passed go to litigation (no e-mail; the same for both paths).

Run 1 sends reminder 1: an e-mail queued with the invoice PDF, or the "to print" list for
debtors without e-mail (``--email-ratio``), a message in the chatter, one
``tilbago.reminder`` per invoice, the level change tracked at commit. With
``--never-sent R`` a share R of the invoices has no stored invoice PDF (posted, never
sent from Odoo): the run renders it with wkhtmltopdf, per invoice on the former path, in
batches on the new one.

Data: ``min(N, 500)`` debtors, and as many invoices created with the ORM (posted, the
debtor a follower as account makes it, the invoice PDF stored as when an invoice is
sent, so the run measures the reminders, not wkhtmltopdf); the other invoices are copies
of these made with SQL (moves, lines, followers, stored PDF), which keeps the setup of
100,000 invoices to minutes. The scratch copies (``<DB>_bench…``, with their
filestores) are dropped at the end: the database given is left as it was.

If res.company has ``tilbago_reminder_per_debtor`` (one reminder per debtor for all of
their invoices due), it is set False for the per-invoice comparison; ``--per-debtor``
leaves it True.

    python3 benchmarks/bench_reminders.py -d DB --addons-path ADDONS \\
        --db_host=/var/run/postgresql -n 1000 10000 --paths old new
    python3 benchmarks/bench_reminders.py -d DB --addons-path ADDONS -n 100000 --paths new
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
#: invoices (and debtors) created with the ORM; the others are SQL copies of these
ORM_INVOICES = 500


def create_base_invoices(env, count, with_email_ratio):
    """``count`` debtors with one posted invoice each (ORM), invoice PDF stored."""
    from odoo import Command

    due = datetime.date.today() - datetime.timedelta(days=400)
    with_email = round(count * with_email_ratio)
    partners = env["res.partner"].create([
        {"name": f"Bench Debtor {i}",
         "email": f"debtor{i}@example.com" if i < with_email else False}
        for i in range(count)
    ])
    moves = env["account.move"].create([
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": due - datetime.timedelta(days=30),
            "invoice_date_due": due,
            "invoice_payment_term_id": False,
            "invoice_line_ids": [Command.create({
                "name": "Service", "quantity": 1, "price_unit": 100.0 + i % 7,
                "tax_ids": [Command.clear()],
            })],
        }
        for i, partner in enumerate(partners)
    ])
    moves.action_post()
    env["ir.attachment"].create([
        {
            "name": f"{move.name.replace('/', '_')}.pdf",
            "datas": MINI_PDF,
            "mimetype": "application/pdf",
            "res_model": "account.move",
            "res_id": move.id,
            "res_field": "invoice_pdf_report_file",
        }
        for move in moves
    ])
    env.cr.commit()
    return moves


def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND column_name != 'id' ORDER BY ordinal_position", [table]
    )
    return [row[0] for row in cr.fetchall()]


def _copy_sql(cr, table, source_alias, overrides, joins):
    """INSERT INTO table SELECT every column of the source row, but ``overrides``."""
    cols = _columns(cr, table)
    exprs = ", ".join(overrides.get(col, f'{source_alias}."{col}"') for col in cols)
    names = ", ".join(f'"{col}"' for col in cols)
    cr.execute(f"INSERT INTO {table} ({names}) SELECT {exprs} {joins}")


def copy_invoices(env, base_moves, count):
    """Add ``count - len(base_moves)`` invoices, copies (in SQL) of ``base_moves`` in
    turn: the move, its lines, its followers and their subtypes, its stored PDF."""
    cr = env.cr
    base = len(base_moves)
    if count <= base:
        return
    cr.execute(
        """CREATE TEMP TABLE bench_map ON COMMIT DROP AS
           SELECT t.id AS old_id, nextval('account_move_id_seq') AS new_id, g AS n,
                  'BENCH/' || lpad(g::text, 7, '0') AS new_name
             FROM generate_series(%s, %s) g
             JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS idx
                     FROM account_move WHERE id = ANY(%s)) t ON t.idx = g %% %s""",
        [base, count - 1, base_moves.ids, base],
    )
    cols = _columns(cr, "account_move")
    overrides = {
        "name": "map.new_name", "sequence_prefix": "'BENCH/'", "sequence_number": "map.n",
        "payment_reference": "map.new_name", "access_token": "NULL",
        "message_main_attachment_id": "NULL", "inalterable_hash": "NULL",
        "secure_sequence_number": "NULL",
    }
    exprs = ", ".join(overrides.get(c, f'm."{c}"') for c in cols)
    names = ", ".join(f'"{c}"' for c in cols)
    cr.execute(f"INSERT INTO account_move (id, {names}) SELECT map.new_id, {exprs} "
               "FROM account_move m JOIN bench_map map ON m.id = map.old_id")
    _copy_sql(cr, "account_move_line", "l", {"move_id": "map.new_id", "move_name": "map.new_name"},
              "FROM account_move_line l JOIN bench_map map ON l.move_id = map.old_id")
    _copy_sql(cr, "mail_followers", "f", {"res_id": "map.new_id"},
              "FROM mail_followers f JOIN bench_map map "
              "ON f.res_model = 'account.move' AND f.res_id = map.old_id")
    cr.execute(
        """INSERT INTO mail_followers_mail_message_subtype_rel
               (mail_followers_id, mail_message_subtype_id)
           SELECT nf.id, r.mail_message_subtype_id
             FROM bench_map map
             JOIN mail_followers nf ON nf.res_model = 'account.move' AND nf.res_id = map.new_id
             JOIN mail_followers of ON of.res_model = 'account.move'
                  AND of.res_id = map.old_id AND of.partner_id = nf.partner_id
             JOIN mail_followers_mail_message_subtype_rel r ON r.mail_followers_id = of.id"""
    )
    _copy_sql(cr, "ir_attachment", "a",
              {"res_id": "map.new_id", "name": "replace(map.new_name, '/', '_') || '.pdf'"},
              "FROM ir_attachment a JOIN bench_map map ON a.res_model = 'account.move' "
              "AND a.res_id = map.old_id AND a.res_field = 'invoice_pdf_report_file'")
    cr.commit()
    env.invalidate_all()


def forget_invoice_pdfs(env, never_sent_ratio):
    """Every k-th invoice of the run has no stored invoice PDF, as an invoice that was
    posted but never sent from Odoo: the run renders it (wkhtmltopdf, the real invoice
    report). The share is spread evenly over the invoices, by id."""
    if not never_sent_ratio:
        return 0
    step = round(1 / never_sent_ratio)
    env.cr.execute(
        """DELETE FROM ir_attachment a USING (
               SELECT id, row_number() OVER (ORDER BY id) AS n FROM account_move
                WHERE move_type = 'out_invoice' AND tilbago_no_reminder IS NOT TRUE) m
            WHERE a.res_model = 'account.move' AND a.res_id = m.id
              AND a.res_field = 'invoice_pdf_report_file' AND m.n %% %s = 0""",
        [step],
    )
    forgotten = env.cr.rowcount
    env.cr.commit()
    env.invalidate_all()
    return forgotten


def prepare(env, count, with_email_ratio, per_debtor, never_sent_ratio=0.0):
    company = env.company
    if "tilbago_reminder_per_debtor" in company._fields:
        env["res.company"].search([]).write({"tilbago_reminder_per_debtor": per_debtor})
    # demo invoices, if any, take no part in the run
    env["account.move"].search([]).write({"tilbago_no_reminder": True})
    base_moves = create_base_invoices(env, min(count, ORM_INVOICES), with_email_ratio)
    copy_invoices(env, base_moves, count)
    forget_invoice_pdfs(env, never_sent_ratio)
    env.cr.execute(
        "SELECT count(*), count(DISTINCT f.res_id) FROM mail_followers f JOIN account_move m "
        "ON f.res_model = 'account.move' AND f.res_id = m.id WHERE m.tilbago_no_reminder IS NOT TRUE"
    )
    followers, followed = env.cr.fetchone()
    env.cr.commit()
    return followers / max(followed, 1)


def serve_http():
    """Odoo's HTTP server in a thread of this process, on a free port, as in production:
    wkhtmltopdf fetches the report's style sheets and images from it (without it the
    invoice PDFs, letters and QR-bills render without them, faster than they would,
    and a large batch can come back empty). Returns its URL; ``dbfilter`` then exposes
    the database being measured (``expose``)."""
    import socket

    import odoo
    from odoo.service import server
    from odoo.tools import config

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config["http_interface"], config["http_port"] = "127.0.0.1", port
    server.ThreadedServer(odoo.http.root).http_spawn()
    return f"http://127.0.0.1:{port}"


def expose(database, url):
    """Let the HTTP server answer for ``database`` (only), and its reports use it."""
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config["dbfilter"] = f"^{database}$"
    with Registry(database).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("report.url", url)
        env["ir.config_parameter"].set_param("web.base.url", url)
        env["ir.config_parameter"].set_param("web.base.url.freeze", "True")


def warm_report_assets(env):
    """Render one invoice PDF before the copies are made: the report's asset bundle is
    built on its first request and stored, so no timed run pays for it."""
    move = env["account.move"].search(
        [("move_type", "=", "out_invoice"), ("state", "=", "posted")], limit=1
    )
    if move:
        env["ir.actions.report"]._render_qweb_pdf("account.account_invoices", move.ids)
        env.cr.rollback()


def cpu_seconds(cr):
    """CPU time spent so far by this process (its threads and the wkhtmltopdf runs it
    waited for) and by its PostgreSQL backend (read from /proc: the server runs on this
    machine; 0 for it otherwise). Unlike wall time, it hardly moves when other programs
    share the CPU, so the ratio of two paths measured at different moments stays fair."""
    times = os.times()
    own = times.user + times.system + times.children_user + times.children_system
    cr.execute("SELECT pg_backend_pid()")
    try:
        with open(f"/proc/{cr.fetchone()[0]}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        backend = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        backend = 0.0
    return own + backend


def timed_run(env, batch_size, progress=0):
    """All batches of one cron run, each committed; returns (invoices, seconds, queries,
    CPU seconds).

    With ``progress``, prints the rate of each ``progress`` invoices as it goes (the
    time per invoice along a long run)."""
    Move = env["account.move"]
    cr = env.cr
    done_total = 0
    queries0 = cr.sql_log_count
    cpu0 = cpu_seconds(cr)
    start = time.perf_counter()
    mark = (0, start, queries0)
    while True:
        # the cron's own entry point (its "today" is the date of the run)
        done, remaining = Move._cron_tilbago_reminders(batch_size=batch_size)
        cr.commit()  # as the cron runner does after each call
        done_total += done
        if progress and done_total - mark[0] >= progress:
            now = time.perf_counter()
            print(f"         ... {done_total:>7} done: {(done_total - mark[0]) / (now - mark[1]):.1f} "
                  f"invoices/s, {(cr.sql_log_count - mark[2]) / (done_total - mark[0]):.1f} "
                  f"queries/invoice over the last {done_total - mark[0]}, "
                  f"load {os.getloadavg()[0]:.2f}", flush=True)
            mark = (done_total, now, cr.sql_log_count)
        if not remaining:
            break
    seconds = time.perf_counter() - start
    queries = cr.sql_log_count - queries0
    return done_total, seconds, queries, cpu_seconds(cr) - cpu0


def run_path(env, count, path, batch_size, litigation, progress=0):
    """Reminder 1 on every invoice by ``path``; then, if asked, litigation."""
    from odoo.addons.l10n_ch_tilbago.models.account_move_reminder_mail import (
        OLD_PATH_CONTEXT_KEY,
    )

    path_env = env(context=dict(env.context, **{OLD_PATH_CONTEXT_KEY: path == "old"}))
    n1, s1, q1, c1 = timed_run(path_env, batch_size, progress)
    assert n1 == count, (n1, count)
    env.cr.execute(
        "SELECT count(*) FROM mail_mail WHERE state = 'outgoing'"
    )
    mails = env.cr.fetchone()[0]
    rows = [(f"{path}: reminder 1 (e-mail/print, chatter)", n1, s1, q1, c1, mails)]
    if litigation:
        moves = env["account.move"].search([("tilbago_reminder_state", "=", "reminder")])
        last_level = env.company.tilbago_reminder_level_ids[-1]
        env.cr.execute(
            "UPDATE account_move SET tilbago_reminder_level_id = %s, "
            "tilbago_reminder_level_date = %s, tilbago_next_reminder_date = %s WHERE id = ANY(%s)",
            [last_level.id, datetime.date.today() - datetime.timedelta(days=100),
             datetime.date.today() - datetime.timedelta(days=1), moves.ids],
        )
        env.cr.commit()
        env.invalidate_all()
        n2, s2, q2, c2 = timed_run(env, batch_size)
        assert n2 == count, (n2, count)
        rows.append(("last reminder -> litigation", n2, s2, q2, c2, None))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--db_host", default=None)
    parser.add_argument("-n", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--paths", nargs="+", choices=["old", "new"], default=["old", "new"])
    parser.add_argument("--email-ratio", type=float, default=0.8,
                        help="share of debtors with an e-mail address (others: print list)")
    parser.add_argument("--never-sent", type=float, default=0.0,
                        help="share of invoices never sent (no stored invoice PDF: the "
                             "run renders it)")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--litigation", action="store_true",
                        help="also time the last level -> litigation run (new path's copy)")
    parser.add_argument("--per-debtor", action="store_true",
                        help="leave tilbago_reminder_per_debtor True (one reminder per debtor)")
    parser.add_argument("--progress", type=int, default=0,
                        help="print the rate of each PROGRESS invoices along the run")
    args = parser.parse_args()

    import odoo
    from odoo import api, sql_db
    from odoo.modules.registry import Registry
    from odoo.service import db as db_service
    from odoo.tools import config

    options = [f"--addons-path={args.addons_path}"]
    if args.db_host:
        options.append(f"--db_host={args.db_host}")
    config.parse_config(options)
    odoo.tools.config["log_level"] = "warn"
    from odoo.addons.l10n_ch_tilbago.models.account_move_reminder import CRON_BATCH_SIZE

    def close(name):
        Registry.delete(name)
        sql_db.close_db(name)

    batch_size = args.batch_size or CRON_BATCH_SIZE
    url = serve_http()
    print(f"batch size {batch_size}, {int(args.email_ratio * 100)} % of debtors with e-mail, "
          f"committed per batch, per debtor: {args.per_debtor}, "
          f"never sent (PDF to render): {int(args.never_sent * 100)} %, "
          f"load average before: {os.getloadavg()[0]:.2f}")
    print(f"{'N':>7}  {'run':<42} {'invoices/s':>10} {'queries/invoice':>16} "
          f"{'seconds':>8} {'mails':>7} {'invoices/CPU-s':>15}")
    for count in args.n:
        prep = f"{args.database}_benchprep_{os.getpid()}"
        db_service.exp_duplicate_database(args.database, prep)
        speeds = {}
        try:
            expose(prep, url)
            with Registry(prep).cursor() as cr:
                env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": False})
                followers = prepare(env, count, args.email_ratio, args.per_debtor,
                                    args.never_sent)
                warm_report_assets(env)
            close(prep)
            print(f"{count:>7}  data ready ({followers:.1f} followers per invoice)", flush=True)
            for index, path in enumerate(args.paths):
                scratch = f"{args.database}_bench_{os.getpid()}"
                db_service.exp_duplicate_database(prep, scratch)
                try:
                    expose(scratch, url)
                    with Registry(scratch).cursor() as cr:
                        env = api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": False})
                        rows = run_path(env, count, path, batch_size,
                                        args.litigation and index == len(args.paths) - 1,
                                        args.progress)
                        for label, done, seconds, queries, cpu, mails in rows:
                            speeds.setdefault(path, (done / seconds, done / cpu))
                            print(f"{count:>7}  {label:<42} {done / seconds:>10.1f} "
                                  f"{queries / done:>16.1f} {seconds:>8.1f} "
                                  f"{mails if mails is not None else '':>7} "
                                  f"{done / cpu:>15.1f} "
                                  f"load {os.getloadavg()[0]:.2f}", flush=True)
                finally:
                    close(scratch)
                    db_service.exp_drop(scratch)
            if "old" in speeds and "new" in speeds:
                print(f"{count:>7}  ratio new / old: "
                      f"{speeds['new'][0] / speeds['old'][0]:.2f} (wall time), "
                      f"{speeds['new'][1] / speeds['old'][1]:.2f} (CPU time)", flush=True)
        finally:
            close(prep)
            db_service.exp_drop(prep)


if __name__ == "__main__":
    main()
