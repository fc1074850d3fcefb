# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The screens cost a number of SQL queries that does not grow with the data.

Each test measures one screen at a small size, grows the data to a large size and
measures again: the counts must be equal (the screen is "flat"), whatever they are.
Every measure starts from an empty cache (flush, invalidate), after one warm-up call
that fills the registry caches (views, access rights) as a running server has them.
"""

import ast
import logging

from odoo import Command, fields
from odoo.tests import tagged

from .test_case_common import TilbagoCaseCommon

_logger = logging.getLogger(__name__)

SMALL = 10
LARGE = 1000
LEVELS = ("1", "2", "3", "litigation")


@tagged("post_install", "-at_install")
class TestQueryCounts(TilbagoCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.debtor = cls.epsitec
        cls.others = cls.env["res.partner"].create(
            [{"name": "Other Debtor %d AG" % i, "is_company": True} for i in range(20)]
        )
        cls.today = fields.Date.context_today(cls.env["account.move"])
        cls.due = fields.Date.subtract(cls.today, days=120)
        # the screens are measured as the billing clerk: record rules and access rights
        # included, as in the web client
        cls.clerk = cls.env(user=cls.billing_user)

    # -- data, built in batch ----------------------------------------------------------
    def _invoices(self, partners, count, level="litigation"):
        """``count`` overdue posted CHF invoices spread over ``partners``, at ``level``
        (a tuple of levels: one after the other)."""
        levels = level if isinstance(level, tuple) else (level,)
        moves = (
            self.env["account.move"]
            .with_context(tracking_disable=True, mail_create_nolog=True)
            .create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": partners[i % len(partners)].id,
                        "company_id": self.company.id,
                        "currency_id": self.chf.id,
                        "invoice_date": fields.Date.subtract(self.due, days=30),
                        "invoice_date_due": self.due,
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": "Services",
                                    "quantity": 1,
                                    "price_unit": 100.0 + i % 97,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                    for i in range(count)
                ]
            )
        )
        moves.action_post()
        third = fields.Date.subtract(self.today, days=60)
        company_levels = self.company.tilbago_reminder_level_ids
        for index, lvl in enumerate(levels):
            litigation = lvl == "litigation"
            level = company_levels[-1 if litigation else int(lvl) - 1]
            moves[index :: len(levels)].with_context(tilbago_escalation=True).write(
                {
                    "tilbago_reminder_level_id": level.id,
                    "tilbago_reminder_state": "litigation" if litigation else "reminder",
                    "tilbago_reminder_level_date": third,
                }
            )
        self.env.flush_all()
        return moves

    def _cases(self, count, offset=0, partners=None):
        """``count`` sent cases with their main claim, created as the sync sees them."""
        partners = partners or self.others
        cases = (
            self.env["tilbago.case"]
            .sudo()
            .with_context(tracking_disable=True, mail_create_nolog=True)
            .create(
                [
                    {
                        "partner_id": partners[i % len(partners)].id,
                        "debtor_external_ref": "QC-DEBTOR-%d" % partners[i % len(partners)].id,
                        "company_id": self.company.id,
                        "tilbago_id": "QC-%06d" % i,
                        "state": "submitted",
                        "tilbago_status_code": "SBX-100",
                        "date_sent": "2026-01-05 10:00:00",
                        "claim_ids": [
                            Command.create(
                                {"is_main": True, "amount": 100.0 + i % 97,
                                 "reason": "Rechnung %d" % i}
                            )
                        ],
                    }
                    for i in range(offset, offset + count)
                ]
            )
        )
        self.env.flush_all()
        return cases

    # -- measuring ---------------------------------------------------------------------
    def _queries(self, call):
        """SQL queries of ``call()`` from an empty cache, its pending writes included."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        call()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def _measure(self, calls):
        """{name: queries} for each call, after one warm-up round."""
        for call in calls.values():
            self._queries(call)
        return {name: self._queries(call) for name, call in calls.items()}

    def _spec(self, model, view_xmlid):
        """The web client's specification of a view, as ``web_read`` /
        ``web_search_read`` get it: its fields, many2ones with their display name,
        one2manys and many2manys with the fields of their own list."""
        view = self.env.ref(view_xmlid)
        models = self.clerk[model].get_views([(view.id, view.type)])["models"]

        def spec_of(model_name, depth):
            spec = {}
            for fname, info in models[model_name]["fields"].items():
                if info["type"] == "many2one":
                    spec[fname] = {"fields": {"display_name": {}}}
                elif info["type"] in ("one2many", "many2many") and depth and (
                    info["relation"] in models
                ):
                    spec[fname] = {"fields": spec_of(info["relation"], depth - 1)}
                else:
                    spec[fname] = {}
            return spec

        return spec_of(model, 1)

    def _assert_flat(self, small, large, extra=None):
        """Equal counts; ``extra``: queries the large size may add once, whatever its
        size (``web_search_read`` counts the records only when the page of 80 is full,
        which 10 records never fill: one ``search_count`` more)."""
        extra = extra or {}
        for name in small:
            _logger.info("queries of %s: %s (%s records), %s (%s records)",
                         name, small[name], SMALL, large[name], LARGE)
            self.assertEqual(
                large[name],
                small[name] + extra.get(name, 0),
                "%s: %s queries with %s records, %s with %s"
                % (name, small[name], SMALL, large[name], LARGE),
            )

    # -- the requisition wizard --------------------------------------------------------
    def test_requisition_wizard_opening(self):
        form_spec = self._spec(
            "tilbago.requisition.wizard", "l10n_ch_tilbago.tilbago_requisition_wizard_view_form"
        )
        mine = self._invoices(self.debtor, SMALL)
        one, selection = mine[:1], mine[:SMALL]
        self._invoices(self.others, SMALL)
        self._cases(SMALL)

        def open_wizard(invoices):
            def call():
                action = invoices.with_env(self.clerk).action_tilbago_requisition()
                wizard = self.clerk[action["res_model"]].browse(action["res_id"])
                wizard.web_read(form_spec)
            return call

        calls = {"one invoice": open_wizard(one), "ten invoices": open_wizard(selection)}
        small = self._measure(calls)
        # the debtor's (so the company's) other open invoices; other cases, the
        # debtor's former cases among them
        self._invoices(self.debtor, LARGE - SMALL)
        self._cases(LARGE - SMALL, offset=SMALL, partners=self.others | self.debtor)
        large = self._measure(calls)
        self._assert_flat(small, large)

    # -- the Debt Collection overview --------------------------------------------------
    def test_overview(self):
        Move = self.clerk["account.move"]
        action = self.env.ref("l10n_ch_tilbago.action_tilbago_reminder_overview")
        domain = ast.literal_eval(action.domain)
        list_spec = self._spec("account.move", "l10n_ch_tilbago.view_tilbago_reminder_list")
        self._invoices(self.others, SMALL, level=LEVELS)
        measure = "amount_residual_signed:sum"
        calls = {
            "tilbago_reminder_overview": Move.tilbago_reminder_overview,
            # pivot: currency rows × level columns
            "pivot": lambda: Move.read_group(
                domain, ["__count", measure],
                ["company_currency_id", "tilbago_reminder_state", "tilbago_reminder_level_id"],
                lazy=False,
            ),
            # graph: level × company
            "graph": lambda: Move.read_group(
                domain, [measure], ["tilbago_reminder_level_id", "tilbago_reminder_state"],
                lazy=False
            ),
            # list grouped by level, then the first group opened
            "list grouped": lambda: Move.web_read_group(
                domain, [measure], ["tilbago_reminder_level_id"]
            ),
            "list group opened": lambda: Move.web_search_read(
                domain + [("tilbago_reminder_state", "=", "litigation")], list_spec,
                limit=80, count_limit=10001,
            ),
            "list": lambda: Move.web_search_read(domain, list_spec, limit=80, count_limit=10001),
            # the debtors' reminder button (partner form), read for 20 debtors at once
            "debtors' reminder summary": lambda: self.others.with_env(self.clerk).read(
                ["tilbago_worst_reminder_level", "tilbago_reminder_text"]
            ),
        }
        small = self._measure(calls)
        self._invoices(self.others, LARGE - SMALL, level=LEVELS)
        large = self._measure(calls)
        self._assert_flat(small, large, extra={"list": 1, "list group opened": 1})
        overview = Move.tilbago_reminder_overview()
        self.assertEqual(
            sum(row["count"] for row in overview if row["company_id"] == self.company.id),
            LARGE,
        )

    # -- the case list -----------------------------------------------------------------
    def test_case_list(self):
        Case = self.clerk["tilbago.case"]
        spec = self._spec("tilbago.case", "l10n_ch_tilbago.tilbago_case_view_list")
        # the form's buttons count invoices and documents of each case
        spec.update({"invoice_count": {}, "document_count": {}})
        domain = [("company_id", "=", self.company.id)]
        self._cases(SMALL)
        calls = {
            "list": lambda: Case.web_search_read(domain, spec, limit=80, count_limit=10001),
            "count": lambda: Case.search_count(domain),
        }
        small = self._measure(calls)
        self._cases(LARGE - SMALL, offset=SMALL)
        large = self._measure(calls)
        self._assert_flat(small, large, extra={"list": 1})
        page = Case.web_search_read(domain, spec, limit=80, count_limit=10001)
        self.assertEqual(page["length"], LARGE)
        self.assertEqual(len(page["records"]), 80)
