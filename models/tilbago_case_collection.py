# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The collection file of a case: who follows it, why, how it ends, and its deadlines.

The business fields (priority, start date, dispute reason, contacts, comment,
conclusion) are the user's. The dates of the stages are not: tilbago's status or a
manager (the *Set Stage* wizard, with the dates the office communicated) writes them,
with the state, through the evidence path (``_tilbago_write``), and every change is a
history line.

Reaching a stage plans the steps of the case's scenario as activities of the collector,
with the days the law sets (``tilbago.swiss``); moving on closes the open ones with a
note. Everything runs in batch: the status sync writes many cases at once.
"""

from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date

from .res_company import MANAGER_GROUP
from .tilbago_scenario import STEP_STAGES, law_days

PRIORITIES = [
    ("0", "None"),
    ("1", "Low"),
    ("2", "High"),
    ("3", "Very Urgent"),
]

RESOLUTIONS = [
    ("paid", "Paid in Full"),
    ("partial", "Paid in Part"),
    ("agreement", "Agreement"),
    ("certificate_of_loss", "Certificate of Loss"),
    ("withdrawn", "Withdrawn"),
    ("written_off", "Written Off"),
]

INSOLVENCY_KINDS = [
    ("bankruptcy", "Bankruptcy"),
    ("composition", "Composition Proceedings"),
]

#: the date each stage was reached (served on, objection on, ...)
STAGE_DATE_FIELDS = {
    "payment_order": "date_payment_order",
    "opposition": "date_opposition",
    "seizure": "date_seizure",
    "certificate_of_loss": "date_certificate_of_loss",
}
#: written with the state: by tilbago's status or by a manager (Set Stage)
STAGE_FIELDS = tuple(STAGE_DATE_FIELDS.values()) + (
    "insolvency", "insolvency_kind", "date_insolvency", "date_claim_filing",
)  # fmt: skip
#: a write of one of these may plan or close deadlines
PLANNING_FIELDS = ("state",) + STAGE_FIELDS


class TilbagoCase(models.Model):
    _inherit = "tilbago.case"
    _order = "priority desc, create_date desc, id desc"

    # -- the collection file (the user's) -------------------------------------------
    priority = fields.Selection(
        PRIORITIES, default="0", index=True, tracking=True,
        help="Sorts the files and their actions to do: the most urgent first.",
    )  # fmt: skip
    date_start = fields.Date(
        string="Start Date", default=fields.Date.context_today, copy=False
    )
    dispute_reason_id = fields.Many2one(
        "tilbago.dispute.reason",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        check_company=True,
        tracking=True,
    )
    debtor_contact_id = fields.Many2one(
        "res.partner",
        string="Debtor's Contact",
        domain="[('parent_id', '=', partner_id)]",
        help="The person to speak to at the debtor's.",
    )
    participant_ids = fields.One2many(
        "tilbago.case.participant", "case_id", string="Participants", copy=False
    )
    collection_comment = fields.Text(string="Comment")
    date_end = fields.Date(string="End Date", copy=False, tracking=True)
    resolution = fields.Selection(RESOLUTIONS, copy=False, tracking=True)
    amount_recovered = fields.Monetary(
        string="Result", copy=False, help="The amount recovered.", tracking=True
    )
    risk_code_id = fields.Many2one(
        "tilbago.risk.code",
        compute="_compute_risk_code_id",
        inverse="_inverse_risk_code_id",
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        help="The debtor's risk code: changed here, it changes on the debtor too.",
    )
    scenario_id = fields.Many2one(
        "tilbago.scenario",
        compute="_compute_scenario_id",
        store=True,
        readonly=False,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
        check_company=True,
        help="The steps planned as activities at each stage: the debtor's scenario, "
        "else the company's.",
    )
    intervention_message_ids = fields.Many2many(
        "mail.message",
        string="Done Actions",
        compute="_compute_intervention_message_ids",
    )

    # -- the stages (tilbago's status or a manager) ----------------------------------
    date_payment_order = fields.Date(string="Payment Order Served On", readonly=True, copy=False)
    date_opposition = fields.Date(string="Objection On", readonly=True, copy=False)
    date_seizure = fields.Date(string="Seizure On", readonly=True, copy=False)
    date_certificate_of_loss = fields.Date(
        string="Certificate of Loss On", readonly=True, copy=False
    )
    insolvency = fields.Boolean(
        string="Debtor Insolvent",
        readonly=True,
        copy=False,
        help="The debtor is in bankruptcy or composition proceedings: the claim is filed "
        "with the administrator (SchKG 232, 300), the enforcement stops (SchKG 206, 297).",
    )
    insolvency_kind = fields.Selection(INSOLVENCY_KINDS, readonly=True, copy=False)
    date_insolvency = fields.Date(string="Proceedings Opened On", readonly=True, copy=False)
    date_claim_filing = fields.Date(
        string="Claim Filing Deadline", readonly=True, copy=False
    )

    @api.depends("partner_id.commercial_partner_id.tilbago_risk_code_id")
    def _compute_risk_code_id(self):
        for case in self:
            case.risk_code_id = case.partner_id.commercial_partner_id.tilbago_risk_code_id

    def _inverse_risk_code_id(self):
        # a collector may judge the debtor of a case he follows without the right to
        # edit contacts: the one field, as the superuser, after the case's own access
        self.check_access("write")
        for case in self:
            case.partner_id.commercial_partner_id.sudo().tilbago_risk_code_id = case.risk_code_id

    @api.depends("partner_id", "company_id")
    def _compute_scenario_id(self):
        for case in self:
            case.scenario_id = (
                case.partner_id.commercial_partner_id.tilbago_scenario_id
                or (case.company_id and case.company_id._tilbago_default_scenario())
            )

    def _compute_intervention_message_ids(self):
        messages = self.env["mail.message"].search(
            [
                ("model", "=", self._name),
                ("res_id", "in", self.ids),
                "|",
                ("message_type", "in", ("email", "email_outgoing")),
                "|",
                ("mail_activity_type_id", "!=", False),
                ("subtype_id", "=", self.env.ref("mail.mt_comment").id),
            ]
        )
        by_case = defaultdict(list)
        for message in messages:
            by_case[message.res_id].append(message.id)
        for case in self:
            case.intervention_message_ids = [fields.Command.set(by_case[case.id])]

    # -- rules -----------------------------------------------------------------------
    def _tilbago_check_user_write(self, vals):
        protected = set(vals) & set(STAGE_FIELDS)
        if protected and not self.env.su:
            self._tilbago_refuse(protected)
        return super()._tilbago_check_user_write(vals)

    def write(self, vals):
        if not set(vals) & set(PLANNING_FIELDS):
            res = super().write(vals)
            self._tilbago_sync_activities(vals)
            return res
        before = {case.id: case._tilbago_stage_key() for case in self}
        res = super().write(vals)
        if not self.env.context.get("tilbago_no_planning"):
            self._tilbago_stage_changed(before)
        self._tilbago_sync_activities(vals)
        return res

    def _tilbago_sync_activities(self, vals):
        """The open deadlines follow the file: its priority, its collector."""
        if not {"priority", "user_id"} & set(vals):
            return
        activities = self.env["mail.activity"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids)]
        )
        if "user_id" in vals and vals["user_id"]:
            activities.filtered("tilbago_step_id").with_context(
                mail_activity_quick_update=True
            ).write({"user_id": vals["user_id"]})
        if "priority" in vals:
            for priority, cases in self.grouped("priority").items():
                activities.filtered(lambda a, ids=set(cases.ids): a.res_id in ids).write(
                    {"tilbago_case_priority": priority}
                )

    def _tilbago_stage_key(self):
        return (
            self.state,
            self.insolvency,
            self.date_claim_filing,
            {fname: self[fname] for fname in STAGE_DATE_FIELDS.values()},
        )

    def _tilbago_stage_changed(self, before):
        """Fill the date of a stage reached without one, close the deadlines the cases
        left, plan those of the stages they reached."""
        today = fields.Date.context_today(self)
        undated = defaultdict(self.browse)
        reached = []  # (case, stage)
        leaving = {}  # case: stages whose open deadlines close
        for case in self:
            state, insolvency, claim, dates = before[case.id]
            stage_field = STAGE_DATE_FIELDS.get(case.state)
            if case.state != state:
                if stage_field and not case[stage_field]:
                    undated[stage_field] |= case
                reached.append((case, case.state))
                leaving[case] = {s for s, _l in STEP_STAGES if s != case.state}
                if case.state != "closed":
                    leaving[case].discard("insolvency")
            elif stage_field and case[stage_field] != dates[stage_field]:
                reached.append((case, case.state))
                leaving[case] = {case.state}
            if case.insolvency and (not insolvency or case.date_claim_filing != claim):
                reached.append((case, "insolvency"))
                # the enforcement stops (SchKG 206, 297): its deadlines close too
                leaving[case] = {s for s, _l in STEP_STAGES}
        for fname, cases in undated.items():
            cases.with_context(tilbago_no_planning=True).sudo().write({fname: today})
        if leaving:
            self.browse([c.id for c in leaving])._tilbago_close_deadlines(
                {case.id: stages for case, stages in leaving.items()}
            )
        # no enforcement deadline while the debtor is insolvent (SchKG 206, 297)
        reached = [(c, s) for c, s in reached if s == "insolvency" or not c.insolvency]
        if reached:
            self._tilbago_plan_deadlines(reached)

    def _tilbago_close_deadlines(self, leaving):
        """Close the open scenario activities of the stages each case left
        (``leaving``: {case id: stages}), with one note per case."""
        activities = self.env["mail.activity"].sudo().search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("tilbago_step_id", "!=", False),
            ]
        )
        closing = activities.filtered(
            lambda a: a.tilbago_step_id.stage in leaving.get(a.res_id, ())
        )
        if not closing:
            return
        summaries = defaultdict(list)
        for activity in closing:
            summaries[activity.res_id].append(activity.summary or activity.activity_type_id.name)
        cases = self.browse(list(summaries))

        def body(case, env):
            states = dict(case._fields["state"]._description_selection(env))
            return Markup("%s<ul>%s</ul>") % (
                env._(
                    "Closed automatically, the case is now %(state)s:",
                    state=states.get(case.state, case.state),
                ),
                Markup().join(Markup("<li>%s</li>") % escape(s) for s in summaries[case.id]),
            )

        cases._tilbago_log_in_user_lang(body)
        closing.unlink()

    def _tilbago_log_in_user_lang(self, body):
        """A chatter note on each case, in its collector's language: ``body(case, env)``
        gives it; one batch per language."""
        for lang, cases in self.grouped(lambda c: c.user_id.lang or self.env.lang).items():
            env = cases.with_context(lang=lang).env
            cases.with_env(env)._message_log_batch(
                {case.id: body(case, env) for case in cases.with_env(env)}
            )

    def _tilbago_law_days(self, stage):
        self.ensure_one()
        stage_date = (
            self.date_insolvency
            if stage == "insolvency"
            else self[STAGE_DATE_FIELDS[stage]] if stage in STAGE_DATE_FIELDS else None
        ) or fields.Date.context_today(self)
        served = self.date_payment_order or self.date_opposition
        if stage == "opposition" and not served:
            served = stage_date
        return law_days(
            stage_date,
            served=served,
            seizure=self.date_seizure,
            loss=self.date_certificate_of_loss,
            claim=self.date_claim_filing,
        )

    def _tilbago_plan_deadlines(self, reached):
        """Plan the scenario steps of each (case, stage) of ``reached`` as activities of
        the case's collector, all in one ``create``."""
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        formatted = {}  # the dates of the summaries, formatted once per language
        for case, stage in reached:
            steps = case.scenario_id.step_ids.filtered(lambda s, st=stage: s.stage == st)
            if not steps:
                continue
            days = case._tilbago_law_days(stage)
            user = case.user_id or self.env.user
            lang = user.lang or self.env.lang
            for step in steps:
                due = step._tilbago_due_date(days) or days["stage"]
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": case.id,
                        "activity_type_id": step.activity_type_id.id,
                        "summary": step._tilbago_summary(days, lang, formatted),
                        "note": step.with_context(lang=lang).note,
                        "date_deadline": due,
                        "user_id": user.id,
                        "tilbago_step_id": step.id,
                    }
                )
        if not vals_list:
            return
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )
        done = activities.filtered(lambda a: a.tilbago_step_id.done)
        if done:
            done.action_feedback(feedback=self.env._("Recorded when the stage was set."))

    def _tilbago_stage_dates_from_history(self):
        """Date each stage from the first history line of it (demo cases are written
        with their history dated afterwards); the deadlines follow."""
        for case in self:
            vals = {}
            for line in case.history_ids.sorted(lambda h: (h.date, h.id)):
                fname = STAGE_DATE_FIELDS.get(line.state)
                if fname and fname not in vals:
                    vals[fname] = fields.Date.context_today(case, line.date)
            if vals:
                case._tilbago_write(vals)

    # -- the stage set by hand ------------------------------------------------------
    def _tilbago_check_manager(self):
        if not (self.env.su or self.env.user.has_group(MANAGER_GROUP)):
            raise AccessError(
                self.env._(
                    "Only a Debt Collection manager may set the stage of a case by hand."
                )
            )

    def action_set_stage(self):
        self._tilbago_check_manager()
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Set Stage"),
            "res_model": "tilbago.case.set.stage",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def _tilbago_set_stage(self, stage, stage_date, insolvency_kind=False, claim_deadline=False,
                           note=False):
        """Set the stage the office communicated: a manager only (the addon writes it in
        superuser mode, as the status sync does); a history line and a note each."""
        self._tilbago_check_manager()
        self.check_access("write")
        stage_date = fields.Date.to_date(stage_date)
        claim_deadline = fields.Date.to_date(claim_deadline)
        if stage_date > fields.Date.context_today(self):
            raise UserError(
                self.env._(
                    "The date %(date)s is in the future: enter the day the office "
                    "communicated.",
                    date=format_date(self.env, stage_date),
                )
            )
        if stage == "insolvency":
            if not claim_deadline or claim_deadline < stage_date:
                raise UserError(
                    self.env._(
                        "Enter the Claim Filing Deadline of the proceedings, on or after "
                        "the day they opened."
                    )
                )
            vals = {
                "insolvency": True,
                "insolvency_kind": insolvency_kind or "bankruptcy",
                "date_insolvency": stage_date,
                "date_claim_filing": claim_deadline,
            }
        else:
            vals = {"state": stage}
            if stage in STAGE_DATE_FIELDS:
                vals[STAGE_DATE_FIELDS[stage]] = stage_date
        kinds = dict(self._fields["insolvency_kind"]._description_selection(self.env))
        states = dict(self._fields["state"]._description_selection(self.env))
        label = (
            kinds.get(vals.get("insolvency_kind"))
            if stage == "insolvency"
            else states.get(stage, stage)
        )
        description = self.env._(
            "Set by hand: %(stage)s on %(date)s, as communicated by the office.",
            stage=label,
            date=fields.Date.to_string(stage_date),
        )
        self.env["tilbago.case.history"].sudo().create(
            [
                {
                    "case_id": case.id,
                    "state": vals.get("state", case.state),
                    "description": description,
                }
                for case in self
            ]
        )
        self._tilbago_write(vals)
        body = description + ((" " + note) if note else "")
        for case in self:
            case.message_post(body=body, subtype_xmlid="mail.mt_note")
        return True
