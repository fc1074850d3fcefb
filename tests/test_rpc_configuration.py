# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The collection file's configuration lists and the archive, over JSON-RPC.

A billing clerk reads the lists a file offers (dispute reasons, risk codes, scenarios and
their steps, reminder levels) but only a Debt Collection manager changes them; a user of
another company sees neither that company's lists nor its cases; a case is archived only
when it is finished, whoever asks and however.
"""

import shutil
import tempfile
from datetime import date

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .test_case_common import TilbagoCaseCommon
from .test_model_rules import RpcError, _RpcMixin

LISTS = {
    "tilbago.dispute.reason": {"name": "Goods returned"},
    "tilbago.risk.code": {"name": "Watch closely"},
    "tilbago.scenario": {"name": "Our own scenario"},
}


@tagged("post_install", "-at_install")
class TestConfigurationAndArchiveRpc(_RpcMixin, TilbagoCaseCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            login="t15_manager",
            groups="account.group_account_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.company_b = cls.env["res.company"].create(
            {"name": "Third Company SA", "currency_id": cls.chf.id}
        )
        cls.manager_b = new_test_user(
            cls.env,
            login="t15_manager_b",
            groups="account.group_account_manager",
            company_id=cls.company_b.id,
            company_ids=[Command.set(cls.company_b.ids)],
        )
        # each company's own entry of each list
        cls.own = {
            model: cls.env[model].create(dict(vals, company_id=cls.company.id))
            for model, vals in LISTS.items()
        }

    def _rpc_as(self, login, model, method, *args, **kwargs):
        self.authenticate(login, login)
        return self._rpc(model, method, *args, **kwargs)

    def _refused(self, login, model, method, *args, **kwargs):
        with self.assertRaises(RpcError) as caught:
            self._rpc_as(login, model, method, *args, **kwargs)
        return caught.exception.args

    # -- the lists -------------------------------------------------------------------
    def test_clerk_reads_the_lists_but_cannot_change_them(self):
        for model, vals in LISTS.items():
            with self.subTest(model=model):
                record = self.own[model]
                found = self._rpc_as("t5_billing", model, "search_read",
                                     [("id", "=", record.id)], ["name"])
                self.assertEqual([row["name"] for row in found], [record.name])
                kind, _message = self._refused("t5_billing", model, "create", dict(vals))
                self.assertIn("AccessError", kind)
                kind, _message = self._refused(
                    "t5_billing", model, "write", [record.id], {"name": "Changed"}
                )
                self.assertIn("AccessError", kind)
                kind, _message = self._refused("t5_billing", model, "unlink", [record.id])
                self.assertIn("AccessError", kind)
                self.assertEqual(record.name, vals["name"])
                self.assertTrue(record.exists())

    def test_clerk_cannot_add_a_step_to_a_scenario(self):
        scenario = self.own["tilbago.scenario"]
        call = self.env.ref("mail.mail_activity_data_call")
        kind, _message = self._refused(
            "t5_billing", "tilbago.scenario.step", "create",
            {"scenario_id": scenario.id, "stage": "payment_order",
             "activity_type_id": call.id, "summary": "Call the debtor", "days_offset": 5},
        )
        self.assertIn("AccessError", kind)
        self.assertFalse(scenario.step_ids)

    def test_clerk_cannot_change_a_reminder_level(self):
        level = self.env["tilbago.reminder.level"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        self.assertTrue(level)
        fee = level.fee
        kind, _message = self._refused(
            "t5_billing", "tilbago.reminder.level", "write", [level.id], {"fee": 99.0}
        )
        self.assertIn("AccessError", kind)
        self.assertEqual(level.fee, fee)

    def test_manager_keeps_the_lists_of_their_company(self):
        for model, vals in LISTS.items():
            with self.subTest(model=model):
                new_id = self._rpc_as("t15_manager", model, "create",
                                      dict(vals, company_id=self.company.id))
                self._rpc_as("t15_manager", model, "write", [new_id], {"name": "Renamed"})
                self.assertEqual(self.env[model].browse(new_id).name, "Renamed")
                self._rpc_as("t15_manager", model, "unlink", [new_id])
                self.assertFalse(self.env[model].browse(new_id).exists())

    def test_other_company_neither_sees_nor_changes_the_lists(self):
        for model in LISTS:
            with self.subTest(model=model):
                record = self.own[model]
                found = self._rpc_as("t15_manager_b", model, "search",
                                     [("id", "=", record.id)])
                self.assertEqual(found, [])
                kind, _message = self._refused(
                    "t15_manager_b", model, "write", [record.id], {"name": "Taken over"}
                )
                self.assertIn("AccessError", kind)
                self.assertNotEqual(record.name, "Taken over")

    # -- the archive -----------------------------------------------------------------
    def test_archive_only_finished_cases_of_ones_company(self):
        folder = tempfile.mkdtemp(prefix="tilbago-archive-rpc-")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        self.company.tilbago_storage_path = folder
        invoice = self._invoice(self.epsitec, 640.0, date(2024, 1, 31))
        case, _action = self._send(self._start(invoice))
        self.assertTrue(case.tilbago_id)
        # not finished: refused to the clerk and to the manager, nothing written
        for login in ("t5_billing", "t15_manager"):
            with self.subTest(login=login):
                kind, message = self._refused(login, "tilbago.case",
                                              "action_tilbago_archive", [case.id])
                self.assertIn("UserError", kind)
                self.assertIn("Only a finished case can be archived", message)
        self.assertFalse(case.tilbago_archived)
        # nor by setting the flag or the folder directly
        kind, _message = self._refused(
            "t15_manager", "tilbago.case", "write", [case.id],
            {"tilbago_archived": True, "tilbago_archive_folder": folder},
        )
        self.assertIn("AccessError", kind)
        self.assertFalse(case.tilbago_archived)
        case.action_close()
        # finished, but another company's user cannot reach it
        kind, _message = self._refused("t15_manager_b", "tilbago.case",
                                       "action_tilbago_archive", [case.id])
        self.assertIn("AccessError", kind)
        self.assertFalse(case.tilbago_archived)
        self.assertEqual(
            self._rpc_as("t15_manager_b", "tilbago.case", "search", [("id", "=", case.id)]), []
        )
        # the clerk of the case's company archives the finished case
        self._rpc_as("t5_billing", "tilbago.case", "action_tilbago_archive", [case.id])
        case.invalidate_recordset()
        self.assertTrue(case.tilbago_archived)
        self.assertTrue(case.tilbago_archive_folder.startswith(folder))
        kind, message = self._refused("t5_billing", "tilbago.case",
                                      "action_tilbago_archive", [case.id])
        self.assertIn("archived already", message)
