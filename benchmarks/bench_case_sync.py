#!/usr/bin/env python3
# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Benchmark of the tilbago status sync: cases/second against the limit, SQL queries/case.

Run it on a database where l10n_ch_tilbago is installed (it builds its own registry;
Odoo's server need not run). The exact command used for the README figures:

    python3 benchmarks/bench_case_sync.py -d t6_bench \\
        --addons-path=/opt/odoo18/addons,/opt/odoo18/odoo/addons,/work/addons_link \\
        --db_host=/var/run/postgresql -n 1000 10000 --latency-ms 5 50 --connections 1 8

For each N it opens N cases in the tilbago sandbox (``tilbago.sandbox``), then serves them
from a sandbox process of its own on a free loopback port (tilbago is another machine:
in the benchmark's process the sandbox would share its interpreter lock), with the
simulated latency (every ``/v1/`` answer waits that long, like a remote server). It
creates the N matching ``tilbago.case`` records (state *Submitted*, one debtor per 50
cases) in the current company pointed at that sandbox, sets the company's *Status Reads
at Once* (``--connections``; 1 is the former path, one request after another), and times
the cron method ``tilbago.case._cron_refresh_status`` called batch after batch exactly as ``ir.cron`` does (progress record, flush and cache
invalidation between batches, as the commit between two batches would), twice:

1. *every case moved*: each sandbox case was advanced to the payment order (SBX-200)
   before the run, so each case gets a new state, a history line and a chatter note;
2. *nothing moved*: the typical hourly run; only ``last_sync`` is written.

``--storage DIR`` also mirrors every case into DIR (the company's case files folder).
Everything is rolled back at the end: the database is left as it was.
"""

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
API_KEY = "bench-key"


def case_body(index):
    """The request of the Crésus manual's example (``tilbago.examples``), made unique per
    case; fifty cases per debtor."""
    from odoo.addons.l10n_ch_tilbago.tilbago import examples

    body = examples.epsitec_wire()
    body["externalRef"] = "BENCH-%06d" % index
    body["debtor"]["externalRef"] = "BENCH-D%04d" % (index // 50)
    body["debtor"]["company"] = "Bench Debtor %d AG" % (index // 50)
    body["claim"].update(
        externalRef="BENCH-%06d-1" % index,
        amount=10000 + index % 97 * 100,  # Rappen
        reason="Rechnung %d" % index,
    )
    return body


def open_sandbox_cases(sandbox, count):
    """Open ``count`` cases in the sandbox (in-process, no latency): their ids."""
    from odoo.addons.l10n_ch_tilbago.tilbago.sandbox import hash_key

    key_hash = hash_key(API_KEY)
    return [
        sandbox.state.create_case(key_hash, case_body(i), {})["caseId"] for i in range(count)
    ]


def create_odoo_cases(env, tilbago_ids):
    partners = env["res.partner"].create(
        [{"name": "Bench Debtor %d AG" % i, "is_company": True}
         for i in range((len(tilbago_ids) + 49) // 50)]
    )
    Case = env["tilbago.case"].with_context(tracking_disable=True, mail_create_nolog=True)
    cases = Case.browse()
    chunk = 1000
    for start in range(0, len(tilbago_ids), chunk):
        cases |= Case.create(
            [
                {
                    "partner_id": partners[i // 50].id,
                    "tilbago_id": tilbago_ids[i],
                    "state": "submitted",
                    "tilbago_status_code": "SBX-100",
                    "date_sent": "2026-01-05 10:00:00",
                    "request_payload": json.dumps(case_body(i)),
                    "claim_ids": [(0, 0, {"is_main": True, "amount": 100.0 + i % 97,
                                          "reason": "Rechnung %d" % i})],
                }
                for i in range(start, min(start + chunk, len(tilbago_ids)))
            ]
        )
        env.flush_all()
        env.invalidate_all()
    return cases


def timed_sync(env, batch_size):
    """One cron run, all its batches; returns (cases done, seconds, queries)."""
    cron = env.ref("l10n_ch_tilbago.ir_cron_tilbago_case_refresh")
    Case = env["tilbago.case"]
    cr = env.cr
    done_total = 0
    queries0 = cr.sql_log_count
    start = time.perf_counter()
    while True:
        cron_p, progress = cron._add_progress()
        done, _errors = Case.with_context(
            ir_cron_progress_id=progress.id
        )._cron_refresh_status(batch_size=batch_size)
        env.flush_all()
        remaining = progress.remaining
        env.invalidate_all()  # as after the commit between two batches
        done_total += done
        if not done or not remaining:
            break
    seconds = time.perf_counter() - start
    return done_total, seconds, cr.sql_log_count - queries0


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_sandbox_process(data_path, latency_ms):
    """``python -m tilbago sandbox`` on its own (as tilbago is another machine): a
    sandbox inside the benchmark's process would share its interpreter lock."""
    import subprocess
    import urllib.request

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tilbago", "sandbox", "--port", str(port), "--api-key",
         API_KEY, "--data", data_path, "--step-seconds", "0", "--latency-ms",
         str(latency_ms)],
        cwd=os.path.dirname(HERE), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = "http://127.0.0.1:%d/" % port
    for _attempt in range(100):
        try:
            urllib.request.urlopen(url + "_sandbox/requests", timeout=1).read()
            return process, url + "v1/"
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the sandbox process did not start")


def bench(env, count, latency_ms, batch_size, storage, connections=8):
    import tempfile

    from odoo.addons.l10n_ch_tilbago.tilbago.sandbox import Sandbox

    # the cases are opened (and moved to the payment order) by an in-process sandbox,
    # saved once to a data file, then served by a sandbox process of their own
    folder = tempfile.mkdtemp(prefix="bench_sync_")
    data_path = os.path.join(folder, "sandbox.json")
    t0 = time.perf_counter()
    setup = Sandbox(port=0, api_key=API_KEY, step_seconds=0, balance=None)
    ids = open_sandbox_cases(setup, count)
    for case_id in ids:  # sent without review: SBX-100 (as in Odoo) -> SBX-200
        setup.advance(case_id, to="SBX-200")
    setup.state.save_to(data_path)
    process, url = start_sandbox_process(data_path, latency_ms)
    try:
        company = env.company
        company.write({
            "tilbago_base_url": url,
            "tilbago_api_key": API_KEY,
            "tilbago_storage_path": storage or False,
            "tilbago_sync_connections": connections,
            "tilbago_sync_rate": 0,
        })
        cases = create_odoo_cases(env, ids)
        print("  (setup of %d cases: %.1f s)" % (count, time.perf_counter() - t0), flush=True)
        results = []
        done, seconds, queries = timed_sync(env, batch_size)
        assert done == count, (done, count)
        moved = env["tilbago.case"].search_count(
            [("id", "in", cases.ids), ("state", "=", "payment_order")])
        assert moved == count, (moved, count)
        results.append(("every case moved", done, seconds, queries))
        # nothing moved since: the typical hourly run (last_sync put back an hour)
        env.cr.execute("UPDATE tilbago_case SET last_sync = NULL WHERE id = ANY(%s)",
                       [cases.ids])
        env.invalidate_all()
        done, seconds, queries = timed_sync(env, batch_size)
        assert done == count, (done, count)
        results.append(("nothing moved", done, seconds, queries))
        return results
    finally:
        process.terminate()
        process.wait(10)
        os.unlink(data_path)
        os.rmdir(folder)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--db_host", default=None)
    parser.add_argument("-n", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--latency-ms", type=int, nargs="+", default=[5, 50])
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 8],
                        help="status reads at once; 1 is the former one-after-another "
                        "path, measured in the same run")
    parser.add_argument("--serial-max-n", type=int, default=1000,
                        help="largest N measured with 1 connection (it takes N × latency)")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="cases per cron batch (default: the cron's, "
                             "tilbago.case._tilbago_sync_batch_size)")
    parser.add_argument("--storage", default=None,
                        help="absolute folder: also mirror every case there")
    args = parser.parse_args()

    import odoo
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    options = ["--addons-path=%s" % args.addons_path]
    if args.db_host:
        options.append("--db_host=%s" % args.db_host)
    config.parse_config(options)
    config["log_level"] = "warn"
    import logging
    logging.getLogger("odoo").setLevel(logging.WARNING)

    registry = Registry(args.database)
    print("batches of %s, storage %s; limit = connections / latency (what the network "
          "allows)" % (args.batch_size or "the cron's default (50 per connection, at "
                       "least 100)", args.storage or "off"))
    print("%7s %8s %5s  %-16s %9s %8s %6s %13s %8s" % (
        "N", "latency", "conn", "run", "cases/s", "limit/s", "ratio", "queries/case",
        "seconds"))
    for latency in args.latency_ms:
        for count in args.n:
            for connections in args.connections:
                if connections == 1 and count > args.serial_max_n:
                    continue  # one request after another: N × latency, known in advance
                with registry.cursor() as cr:
                    env = api.Environment(cr, odoo.SUPERUSER_ID, {})
                    try:
                        for label, done, seconds, queries in bench(
                                env, count, latency, args.batch_size, args.storage,
                                connections):
                            rate = done / seconds
                            limit = connections * 1000.0 / latency if latency else 0
                            print("%7d %6d ms %5d  %-16s %9.1f %8.0f %6s %13.2f %8.1f" % (
                                count, latency, connections, label, rate, limit,
                                "%.2f" % (rate / limit) if limit else "-",
                                queries / done, seconds), flush=True)
                    finally:
                        cr.rollback()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(HERE))
    sys.exit(main())
