# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Collection scenarios: what to do, and by when, at each stage of a case.

A step is planned as an activity for the case's collector when the case reaches the
step's stage. Its due date is a day the law sets (computed by ``tilbago.swiss`` from the
date the stage was reached: the payment order served, the seizure, ...) moved by an
offset in days and months. Its summary may name the law's days: ``{served}``,
``{opposition_until}``, ``{payment_until}``, ``{continuation_from}``,
``{continuation_until}``, ``{sale_until}``, ``{loss_valid_until}``, ``{claim_until}``,
``{date}`` (the step's base day).
"""

import datetime
import string

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_date

from ..tilbago import swiss

#: stages a step may start at: the case states that follow tilbago's request, and the
#: debtor's bankruptcy or composition (a flag on the case, not a state)
STEP_STAGES = [
    ("submitted", "Submitted"),
    ("payment_order", "Payment Order Served"),
    ("opposition", "Objection"),
    ("continuation", "Continuation"),
    ("seizure", "Seizure / Bankruptcy"),
    ("certificate_of_loss", "Certificate of Loss"),
    ("insolvency", "Debtor's Bankruptcy or Composition"),
]

DATE_RULES = [
    ("stage", "Day the stage was reached"),
    ("opposition_until", "End of the objection period (SchKG 74)"),
    ("payment_until", "End of the payment period (SchKG 69)"),
    ("continuation_from", "First day of the continuation (SchKG 88)"),
    ("continuation_until", "Last day of the continuation (SchKG 88)"),
    ("sale_until", "Last day to request the sale (SchKG 116)"),
    ("loss_valid_until", "Expiry of the certificate of loss (SchKG 149a)"),
    ("claim_until", "Deadline to file the claim"),
]


def law_days(stage_date, served=None, seizure=None, loss=None, claim=None):
    """The days the law sets from the dates of a case, by name (see DATE_RULES)."""
    days = dict.fromkeys([rule for rule, _label in DATE_RULES], None)
    days.update(stage=stage_date, served=served, claim_until=claim)
    if served:
        days["opposition_until"] = swiss.opposition_deadline(served)
        days["payment_until"] = swiss.payment_deadline(served)
        days["continuation_from"], days["continuation_until"] = swiss.continuation_window(
            served
        )
    if seizure:
        days["sale_until"] = swiss.sale_request_window(seizure)[1]
    if loss:
        days["loss_valid_until"] = swiss.certificate_of_loss_prescription(loss)
    return days


class _Days(dict):
    """The days of a summary; a name it does not know shows as "-"."""

    def __missing__(self, key):
        return "-"


class TilbagoScenario(models.Model):
    _name = "tilbago.scenario"
    _description = "Debt Collection Scenario"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Empty: offered to every company.")
    step_ids = fields.One2many("tilbago.scenario.step", "scenario_id", string="Steps", copy=True)


class TilbagoScenarioStep(models.Model):
    _name = "tilbago.scenario.step"
    _description = "Debt Collection Scenario Step"
    _order = "scenario_id, sequence, id"

    scenario_id = fields.Many2one(
        "tilbago.scenario", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="scenario_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    stage = fields.Selection(STEP_STAGES, required=True)
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        required=True,
        domain="['|', ('res_model', '=', False), ('res_model', '=', 'tilbago.case')]",
    )
    summary = fields.Char(
        required=True,
        translate=True,
        help="May name the law's days: {served}, {opposition_until}, {payment_until}, "
        "{continuation_from}, {continuation_until}, {sale_until}, {loss_valid_until}, "
        "{claim_until}, {date} (the step's base day).",
    )
    note = fields.Html(translate=True, help="What to do, and the legal basis.")
    date_rule = fields.Selection(
        DATE_RULES, string="Due From", required=True, default="stage",
        help="The day the due date is counted from.",
    )
    days_offset = fields.Integer(string="Days After", help="Negative: days before.")
    months_offset = fields.Integer(string="Months After", help="Negative: months before.")
    done = fields.Boolean(
        string="Done at Once",
        help="Recorded as done when planned: a fact worth keeping among the interventions.",
    )

    @api.constrains("summary")
    def _check_summary(self):
        names = {"date", "served"} | {rule for rule, _label in DATE_RULES}
        for step in self:
            try:
                used = {
                    name
                    for _text, name, _spec, _conv in string.Formatter().parse(step.summary or "")
                    if name is not None
                }
            except ValueError:
                used = {"{"}
            unknown = used - names
            if unknown:
                raise ValidationError(
                    self.env._(
                        "The summary of the step %(step)s names unknown days: %(names)s.",
                        step=step.summary,
                        names=", ".join(sorted(unknown)),
                    )
                )

    def _tilbago_due_date(self, days):
        """The due date of this step from ``days`` (see :func:`law_days`), or None when
        the day it counts from is not known."""
        self.ensure_one()
        base = days.get(self.date_rule)
        if not base:
            return None
        return swiss.add_months(base, self.months_offset) + datetime.timedelta(
            days=self.days_offset
        )

    def _tilbago_summary(self, days, lang, formatted=None):
        """The step's summary for ``days`` in ``lang``. ``formatted``, a dict kept by
        the caller across steps and cases, holds the dates already formatted (a sync
        that moves many cases plans several steps for each, mostly on the same days)."""
        self.ensure_one()
        step = self.with_context(lang=lang)
        formatted = {} if formatted is None else formatted

        def fmt(day):
            if not day:
                return "-"
            if (day, lang) not in formatted:
                formatted[day, lang] = format_date(step.env, day, lang_code=lang)
            return formatted[day, lang]

        values = {name: fmt(day) for name, day in days.items()}
        values["date"] = values.get(self.date_rule, "-")
        try:
            return step.summary.format_map(_Days(values))
        except (ValueError, IndexError, AttributeError):
            # a translation the constraint did not see: its words, not a failed sync
            return step.summary
