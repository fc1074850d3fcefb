# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Shared set-up of the case and wizard tests: a CHF company pointed at a local sandbox.

The sandbox (``tilbago.sandbox.Sandbox``) runs in-process on a free loopback port; the
company's ``tilbago_base_url`` points at it. Statuses move only on demand
(``step_seconds=0``), so every test decides when a case advances.
"""

from unittest.mock import patch
from urllib.parse import urlsplit

import requests

from odoo import Command, fields
from odoo.tests import new_test_user
from odoo.tests.common import BlockedRequest, _super_send

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from ..tilbago import examples
from ..tilbago.sandbox import Sandbox

API_KEY = "t5-sandbox-key"


def _loopback_send(session, request, **kwargs):
    if urlsplit(request.url).hostname not in ("127.0.0.1", "localhost"):
        raise BlockedRequest("External requests verboten (was %s)" % request.url)
    return _super_send(session, request, **kwargs)


class TilbagoCaseCommon(AccountTestInvoicingCommon):
    @classmethod
    def setup_independent_company(cls, **kwargs):
        chf = cls.env.ref("base.CHF")
        chf.active = True
        kwargs.setdefault("currency_id", chf.id)
        return super().setup_independent_company(**kwargs)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo's test harness raises every timeout under 10 s and cannot take requests'
        # (connect, read) tuples; the sandbox is on loopback, so send for real there
        # (with the client's own timeouts) and still block anything else.
        patcher = patch.object(requests.sessions.Session, "send", _loopback_send)
        patcher.start()
        cls.addClassCleanup(patcher.stop)
        cls.sandbox = Sandbox(port=0, api_key=API_KEY, step_seconds=0).start()
        cls.addClassCleanup(cls.sandbox.stop)
        # the cron tests count the cases they create: the demo cases (another company, in
        # a database with demo data) count as refreshed for the years to come
        cls.env["tilbago.case"].sudo().search([]).write(
            {"last_sync": fields.Datetime.add(fields.Datetime.now(), years=10)}
        )
        cls.company = cls.company_data["company"]
        cls.chf = cls.env.ref("base.CHF")
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.company.write(
            {
                "tilbago_base_url": cls.sandbox.url,
                "tilbago_api_key": API_KEY,
                "tilbago_interest_rate": 5.0,
                "tilbago_collocation_class": "3",
                "tilbago_attach_invoice": False,
            }
        )
        cls.billing_user = new_test_user(
            cls.env,
            login="t5_billing",
            name="Billing Clerk",
            email="clerk@example.com",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.epsitec = cls.env["res.partner"].create(cls._epsitec_values())

    def setUp(self):
        super().setUp()
        self.sandbox.reset()

    # -- helpers ---------------------------------------------------------------------
    @classmethod
    def _epsitec_values(cls):
        """The debtor of the Crésus manual's example (``tilbago.examples.EPSITEC``), as
        a clerk enters it on the partner."""
        e = examples.EPSITEC
        return {
            "name": e["company"],
            "is_company": True,
            "street": "%s %s" % (e["street"], e["streetnumber"]),
            "zip": e["zip"],
            "city": e["city"],
            "country_id": cls.env["res.country"].search([("code", "=", e["country"])]).id,
            "phone": e["phone"],
            "email": e["email"],
            "tilbago_uid": e["uid"],
            "tilbago_is_registered": True,
            "tilbago_language": e["language"],
            "tilbago_contact_person": e["contact_person"],
        }

    @classmethod
    def _invoice(cls, partner, amount, due, invoice_date=None, currency=None, name=None,
                 move_type="out_invoice", post=True):
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "company_id": cls.company.id,
                "currency_id": (currency or cls.chf).id,
                "invoice_date": invoice_date or fields.Date.subtract(due, days=30),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Services",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if name:
            move.name = name
        if post:
            move.action_post()
        return move

    def _start(self, invoices, user=None):
        """Open the wizard as the button / list action does; return the wizard."""
        invoices = invoices.with_user(user) if user else invoices
        action = invoices.action_tilbago_requisition()
        self.assertEqual(action["res_model"], "tilbago.requisition.wizard")
        self.assertEqual(action["target"], "new")
        return invoices.env["tilbago.requisition.wizard"].browse(action["res_id"])

    def _go_confirm(self, wizard):
        self.assertEqual(wizard.step, "claim")
        wizard.action_next()
        self.assertEqual(wizard.step, "debtor")
        wizard.action_next()
        self.assertEqual(wizard.step, "confirm")
        return wizard

    def _send(self, wizard):
        """Confirm and send; return (case, action)."""
        while wizard.step != "confirm":
            wizard.action_next()
        self.assertFalse(wizard.has_problems, wizard.problems)
        wizard.confirmed = True
        action = wizard.action_send()
        return wizard.case_id, action

    def _bodies(self):
        return [case["body"] for case in self.sandbox.cases()]
