# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The collection file: its fields, its stages (by tilbago's status or by a manager's
hand) and the deadlines they plan and close as activities, with frozen dates."""

import ast
import itertools
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from ..tilbago import reminders
from ..tilbago import status as tilbago_status
from ..tilbago.client import CaseStatus
from .test_case_common import TilbagoCaseCommon
from .test_model_rules import RpcError, _pay, _RpcMixin
from .test_query_counts import TestQueryCounts

SERVED = date(2026, 3, 2)  # a Monday
_IDS = itertools.count(1)


def _status(code):
    entry = tilbago_status.CODES[code]
    return CaseStatus(code, tilbago_status.describe(code), entry.eschkg_code)


class _CollectionMixin:
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = new_test_user(
            cls.env,
            login="e_collector",
            name="Collector",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="e_manager",
            name="Debt Collection Manager",
            groups="account.group_account_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.scenario = cls.env.ref("l10n_ch_tilbago.tilbago_scenario_swiss")

    def _case(self, state="submitted", partner=None, amount=400.0):
        case = self.env["tilbago.case"].sudo().create(
            {
                "partner_id": (partner or self.epsitec).id,
                "company_id": self.company.id,
                "user_id": self.collector.id,
                "tilbago_id": "E-%d" % next(_IDS),
                "claim_ids": [Command.create({"is_main": True, "amount": amount,
                                             "reason": "Invoice"})],
            }
        )
        case._tilbago_write({"state": state})
        return case.sudo(False)

    def _open(self, case):
        """{summary: activity} of the case's open activities."""
        case.invalidate_recordset(["activity_ids"])
        return {activity.summary: activity for activity in case.activity_ids}


@tagged("post_install", "-at_install")
class TestCollectionFile(_CollectionMixin, TilbagoCaseCommon):
    # -- by tilbago's status ----------------------------------------------------------
    def test_walk_by_status(self):
        case = self._case()
        with freeze_time(SERVED):
            case._tilbago_apply_statuses({case: _status("SBX-210")})
        self.assertEqual(case.state, "payment_order")
        self.assertEqual(case.date_payment_order, SERVED)
        opened = self._open(case)
        self.assertEqual(
            {summary: a.date_deadline for summary, a in opened.items()},
            {
                "Debtor may oppose until 03/12/2026 (SchKG 74, 10 days)": date(2026, 3, 12),
                # 22 March is a Sunday (SchKG 31 al. 3)
                "Payment due by 03/23/2026 (SchKG 69, 20 days)": date(2026, 3, 23),
                "Request continuation (SchKG 88) before 03/02/2027": date(2026, 3, 24),
            },
        )
        for activity in opened.values():
            self.assertEqual(activity.user_id, self.collector)
            self.assertEqual(
                activity.activity_type_id,
                self.env.ref("l10n_ch_tilbago.mail_activity_type_tilbago_deadline"),
            )
        self.assertIn("SchKG 74", str(opened[next(iter(opened))].note))
        # the same stage again (another code of it) plans nothing more
        with freeze_time("2026-03-05"):
            case._tilbago_apply_statuses({case: _status("SBX-310")})
        self.assertEqual(len(self._open(case)), 3)

        with freeze_time("2026-03-10"):
            case._tilbago_apply_statuses({case: _status("SBX-300")})
        self.assertEqual(case.state, "opposition")
        self.assertEqual(case.date_opposition, date(2026, 3, 10))
        opened = self._open(case)
        self.assertEqual(list(opened), [
            "Lift the opposition (SchKG 80–84) or sue; continuation possible only until "
            "03/02/2027 (SchKG 88, one year from service)"
        ])
        self.assertEqual(next(iter(opened.values())).date_deadline, date(2026, 4, 9))
        note = case.message_ids.filtered(lambda m: "Closed automatically" in str(m.body))
        self.assertEqual(len(note), 1)
        self.assertIn("Payment due by 03/23/2026", str(note.body))

        with freeze_time("2026-05-04"):
            case._tilbago_apply_statuses({case: _status("SBX-400")})
        self.assertEqual(case.state, "continuation")
        self.assertFalse(self._open(case))

        with freeze_time("2026-06-15"):
            case._tilbago_apply_statuses({case: _status("SBX-500")})
        self.assertEqual(case.date_seizure, date(2026, 6, 15))
        (activity,) = self._open(case).values()
        self.assertEqual(
            activity.summary,
            "Request realisation within one year (SchKG 116), at the latest on 06/15/2027",
        )
        self.assertEqual(activity.date_deadline, date(2027, 5, 16))

        with freeze_time("2026-09-01"):
            case._tilbago_apply_statuses({case: _status("SBX-600")})
        self.assertEqual(case.state, "certificate_of_loss")
        (activity,) = self._open(case).values()
        # 1 September 2046 is a Saturday; the reminder comes six months before
        self.assertEqual(
            activity.summary, "Certificate valid until 09/03/2046 (SchKG 149a, 20 years)"
        )
        self.assertEqual(activity.date_deadline, date(2046, 3, 3))
        self.assertEqual(
            case.history_ids.sorted("id").mapped("state")[-6:],
            ["payment_order", "payment_order", "opposition", "continuation", "seizure",
             "certificate_of_loss"],
        )

    def test_batched_status_sync_plans_each_case(self):
        cases = self._case() | self._case(partner=self.partner_a) | self._case(state="payment_order")
        with freeze_time(SERVED):
            cases._tilbago_apply_statuses(
                {cases[0]: _status("SBX-210"), cases[1]: _status("SBX-210"),
                 cases[2]: _status("SBX-300")}
            )
        self.assertEqual([len(self._open(c)) for c in cases], [3, 3, 1])

    # -- by a manager's hand -------------------------------------------------------------
    def test_set_stage_by_hand(self):
        case = self._case()
        wizard_model = self.env["tilbago.case.set.stage"].with_user(self.manager)
        with freeze_time("2026-03-06"):
            action = case.with_user(self.manager).action_set_stage()
            wizard = wizard_model.with_context(**action["context"]).create(
                {"stage": "payment_order", "stage_date": "2026-03-02", "note": "Letter of 5 March"}
            )
            wizard.action_apply()
        self.assertEqual(case.state, "payment_order")
        self.assertEqual(case.date_payment_order, SERVED)
        self.assertEqual(
            sorted(a.date_deadline for a in self._open(case).values()),
            [date(2026, 3, 12), date(2026, 3, 23), date(2026, 3, 24)],
        )
        line = case.history_ids.sorted("id")[-1]
        self.assertEqual(line.state, "payment_order")
        self.assertIn("Set by hand", line.description)
        self.assertEqual(line.user_id, self.manager)
        self.assertIn("Letter of 5 March", case.message_ids[0].body)
        # the office corrects the day of service: the deadlines follow
        with freeze_time("2026-03-07"):
            wizard_model.with_context(default_case_id=case.id).create(
                {"stage": "payment_order", "stage_date": "2026-03-04"}
            ).action_apply()
        self.assertEqual(
            sorted(a.date_deadline for a in self._open(case).values()),
            [date(2026, 3, 16), date(2026, 3, 24), date(2026, 3, 25)],
        )
        with freeze_time("2026-03-20"):
            wizard_model.with_context(default_case_id=case.id).create(
                {"stage": "opposition", "stage_date": "2026-03-12"}
            ).action_apply()
        (activity,) = self._open(case).values()
        self.assertIn("until 03/04/2027", activity.summary)
        self.assertEqual(activity.date_deadline, date(2026, 4, 11))

    def test_bankruptcy_of_the_debtor(self):
        case = self._case()
        with freeze_time(SERVED):
            case._tilbago_apply_statuses({case: _status("SBX-210")})
        with freeze_time("2026-04-01"):
            self.env["tilbago.case.set.stage"].with_user(self.manager).with_context(
                default_case_id=case.id
            ).create(
                {"stage": "insolvency", "stage_date": "2026-03-30",
                 "claim_deadline": "2026-05-15", "insolvency_kind": "bankruptcy"}
            ).action_apply()
        self.assertTrue(case.insolvency)
        self.assertEqual(case.state, "payment_order")
        (activity,) = self._open(case).values()
        self.assertEqual(activity.summary, "File the claim with the administrator by 05/15/2026")
        self.assertEqual(activity.date_deadline, date(2026, 5, 15))
        informed = case.message_ids.filtered(
            lambda m: m.mail_activity_type_id
            == self.env.ref("l10n_ch_tilbago.mail_activity_type_tilbago_insolvency")
        )
        self.assertEqual(len(informed), 1, "the 'informed' step is recorded as done")
        self.assertIn(informed, case.intervention_message_ids)
        self.assertIn("Closed automatically", str(case.message_ids.mapped("body")))
        # another status of the enforcement does not close the claim to file
        with freeze_time("2026-04-10"):
            case._tilbago_apply_statuses({case: _status("SBX-300")})
        self.assertEqual(list(self._open(case).values()), [activity])

    def test_set_stage_bad_dates_refused(self):
        case = self._case().with_user(self.manager)
        with freeze_time(SERVED):
            with self.assertRaisesRegex(UserError, "03/03/2026 is in the future"):
                case._tilbago_set_stage("payment_order", date(2026, 3, 3))
            with self.assertRaisesRegex(UserError, "Claim Filing Deadline"):
                case._tilbago_set_stage("insolvency", SERVED)
            with self.assertRaisesRegex(UserError, "Claim Filing Deadline"):
                case._tilbago_set_stage("insolvency", SERVED, claim_deadline=date(2026, 3, 1))
        self.assertEqual((case.state, case.insolvency), ("submitted", False))
        self.assertFalse(case.history_ids)

    # -- scenarios -----------------------------------------------------------------------
    def test_own_step_and_debtor_scenario(self):
        call = self.env.ref("mail.mail_activity_data_call")
        self.scenario.step_ids = [Command.create({
            "stage": "payment_order", "activity_type_id": call.id, "date_rule": "stage",
            "days_offset": 5, "summary": "Call the debtor",
        })]
        own = self.env["tilbago.scenario"].create({
            "name": "Careful", "company_id": self.company.id,
            "step_ids": [Command.create({
                "stage": "payment_order", "activity_type_id": call.id,
                "date_rule": "payment_until", "summary": "Call before {payment_until}",
            })],
        })
        self.partner_a.tilbago_scenario_id = own
        swiss_case, own_case = self._case(), self._case(partner=self.partner_a)
        self.assertEqual(swiss_case.scenario_id, self.scenario)
        self.assertEqual(own_case.scenario_id, own)
        with freeze_time(SERVED):
            (swiss_case | own_case)._tilbago_apply_statuses(
                {swiss_case: _status("SBX-210"), own_case: _status("SBX-210")}
            )
        self.assertEqual(self._open(swiss_case)["Call the debtor"].date_deadline, date(2026, 3, 7))
        self.assertEqual(
            {s: a.date_deadline for s, a in self._open(own_case).items()},
            {"Call before 03/23/2026": date(2026, 3, 23)},
        )
        with self.assertRaisesRegex(ValidationError, "unknown days: served_on"):
            self.env["tilbago.scenario.step"].create({
                "scenario_id": own.id, "stage": "payment_order", "activity_type_id": call.id,
                "summary": "Call, served on {served_on}",
            })

    # -- the file: the user's fields, the priority, the risk -------------------------------
    def test_clerk_fills_the_file_but_never_the_stage(self):
        case = self._case(state="payment_order").with_user(self.billing_user)
        contact = self.env["res.partner"].create({"name": "Pierre", "parent_id": self.epsitec.id})
        case.write({
            "priority": "3",
            "dispute_reason_id": self.env.ref("l10n_ch_tilbago.tilbago_dispute_reason_quality").id,
            "debtor_contact_id": contact.id,
            "collection_comment": "Says the delivery was late",
            "participant_ids": [Command.create({"partner_id": contact.id, "role": "debtor"})],
            "risk_code_id": self.env.ref("l10n_ch_tilbago.tilbago_risk_code_high").id,
            "date_end": "2026-04-01",
            "resolution": "partial",
            "amount_recovered": 150.0,
        })
        self.assertEqual(self.epsitec.tilbago_risk_code_id.name, "High risk")
        for vals in ({"state": "opposition"}, {"date_payment_order": "2026-01-01"},
                     {"insolvency": True}):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                case.write(vals)
        with self.assertRaises(AccessError):
            case.action_set_stage()
        with self.assertRaises(AccessError):
            case._tilbago_set_stage("opposition", SERVED)
        with self.assertRaises(AccessError):
            self.env["tilbago.case.set.stage"].with_user(self.billing_user).create(
                {"case_id": case.id, "stage": "opposition"}
            )
        self.assertEqual(case.state, "payment_order")

    def test_actions_to_do_sorted_by_priority_then_date(self):
        low, urgent = self._case(), self._case(partner=self.partner_a)
        urgent.with_user(self.collector).priority = "3"
        with freeze_time(SERVED):
            (low | urgent)._tilbago_apply_statuses(
                {low: _status("SBX-210"), urgent: _status("SBX-210")}
            )
        action = self.env.ref("l10n_ch_tilbago.action_tilbago_actions_to_do")
        view = self.env.ref("l10n_ch_tilbago.mail_activity_view_list_tilbago")
        order = view.arch_db.split('default_order="')[1].split('"')[0]
        rows = self.env["mail.activity"].with_user(self.collector).search(
            ast.literal_eval(action.domain), order=order
        )
        self.assertEqual(rows.mapped("res_id"), [urgent.id] * 3 + [low.id] * 3)
        self.assertEqual(rows[:3].mapped("date_deadline"), sorted(rows[:3].mapped("date_deadline")))
        low.with_user(self.collector).priority = "3"
        self.assertEqual(set(rows.mapped("tilbago_case_priority")), {"3"})
        # another collector takes the file over: its deadlines follow
        low.with_user(self.manager).user_id = self.manager
        self.assertEqual(self._open(low)[next(iter(self._open(low)))].user_id, self.manager)

    def test_solvency_facts(self):
        with freeze_time("2026-06-30"):
            late = self._invoice(self.epsitec, 100.0, date(2026, 6, 10))
            _pay(late)  # 20 days late
            on_time = self._invoice(self.epsitec, 100.0, date(2026, 7, 10))
            _pay(on_time)  # early: 0 days late
            self.env["tilbago.reminder"]._tilbago_record_history(
                self._invoice(self.epsitec, 100.0, date(2026, 5, 1)),
                reminders.legacy_history("2", {1: date(2026, 5, 20), 2: date(2026, 6, 5)}),
                state="sent",
            )
            lost = self._case(amount=700.0)
            lost._tilbago_write({"state": "certificate_of_loss"})
            self._case(amount=300.0)
            partner = self.epsitec.with_user(self.billing_user)
            self.assertEqual(partner.tilbago_days_late_avg, 10.0)
            self.assertEqual(partner.tilbago_case_count, 2)
            self.assertEqual(partner.tilbago_amount_lost, 700.0)
            self.assertEqual(partner.tilbago_reminders_sent_count, 2)


@tagged("post_install", "-at_install")
class TestCollectionFileRpc(_CollectionMixin, _RpcMixin, TilbagoCaseCommon, HttpCase):
    def test_clerk_and_other_company_over_json_rpc(self):
        case = self._case(state="payment_order")
        self.authenticate("t5_billing", "t5_billing")
        self._rpc("tilbago.case", "write", [case.id], {"priority": "2"})
        self.assertEqual(case.priority, "2")
        for method, args in (
            ("write", [[case.id], {"state": "opposition"}]),
            ("write", [[case.id], {"date_opposition": "2026-03-10"}]),
            ("action_set_stage", [[case.id]]),
        ):
            with self.subTest(method=method, args=args), self.assertRaises(RpcError) as caught:
                self._rpc("tilbago.case", method, *args)
            self.assertIn("AccessError", caught.exception.args[0])
        with self.assertRaises(RpcError):
            self._rpc("tilbago.case.set.stage", "create",
                      {"case_id": case.id, "stage": "opposition", "stage_date": "2026-03-10"})
        self.assertEqual(case.state, "payment_order")
        other = self.env["res.company"].create({"name": "Other SA", "currency_id": self.chf.id})
        new_test_user(self.env, login="e_other", groups="account.group_account_manager",
                      company_id=other.id, company_ids=[Command.set(other.ids)])
        self.authenticate("e_other", "e_other")
        with self.assertRaises(RpcError):
            self._rpc("tilbago.case", "write", [case.id], {"priority": "3"})
        with self.assertRaises(RpcError):
            self._rpc("tilbago.case.set.stage", "create",
                      {"case_id": case.id, "stage": "opposition", "stage_date": "2026-03-10"})
        self.assertEqual((case.priority, case.state), ("2", "payment_order"))


@tagged("post_install", "-at_install")
class TestCollectionQueryCounts(TilbagoCaseCommon):
    #: the ORM inserts and updates by 100 rows at most: 3 activities a case stay below
    SMALL, LARGE = 5, 30
    _queries = TestQueryCounts._queries
    _measure = TestQueryCounts._measure
    _spec = TestQueryCounts._spec
    _cases = TestQueryCounts._cases

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clerk = cls.env(user=cls.billing_user)
        cls.others = cls.env["res.partner"].create(
            [{"name": "Debtor %d AG" % i, "is_company": True} for i in range(7)]
        )

    def _serve(self, cases):
        cases._tilbago_apply_statuses({case: _status("SBX-210") for case in cases})

    def test_deadline_overview_and_sync_are_flat(self):
        action = self.env.ref("l10n_ch_tilbago.action_tilbago_deadlines")
        domain = ast.literal_eval(action.domain)
        list_spec = self._spec("mail.activity", "l10n_ch_tilbago.mail_activity_view_list_tilbago")
        Activity = self.clerk["mail.activity"]
        calls = {
            "list": lambda: Activity.web_search_read(domain, list_spec, limit=80),
            "calendar": lambda: Activity.search_read(
                domain + [("date_deadline", ">=", "2020-01-01")],
                ["date_deadline", "res_name", "summary", "user_id", "activity_type_id"],
            ),
        }
        # a first sync fills the registry's caches, as a running server has them
        self._serve(self._cases(self.SMALL, offset=1000))
        small_cases = self._cases(self.SMALL)
        small = dict(self._measure(calls), sync=self._queries(lambda: self._serve(small_cases)))
        large_cases = self._cases(self.LARGE, offset=self.SMALL)
        large = dict(self._measure(calls), sync=self._queries(lambda: self._serve(large_cases)))
        self.assertEqual(len(Activity.search(domain)), 3 * (2 * self.SMALL + self.LARGE))
        self.assertEqual(small, large)
