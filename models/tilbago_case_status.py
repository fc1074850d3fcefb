# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a case's tilbago status says, in the user's language.

The codes of ``tilbago.status`` carry English descriptions marked for translation and,
for some, what the status asks of the creditor (``tilbago.status.advice``): the case
shows both translated, the history shows tilbago's stored words translated when the
code is known, and the chatter note of a new status is written in the responsible
user's language (the hourly cron runs as the superuser).
"""

from markupsafe import Markup

from odoo import api, fields, models

from ..tilbago import client as tilbago_client
from ..tilbago import status as tilbago_status


class TilbagoCase(models.Model):
    _inherit = "tilbago.case"

    tilbago_status_label = fields.Char(
        string="tilbago Status Text",
        compute="_compute_tilbago_status_label",
        help="What tilbago's status means, in your language for the codes this module "
        "knows; tilbago's own words otherwise.",
    )
    tilbago_status_advice = fields.Char(
        string="What to Do",
        compute="_compute_tilbago_status_label",
        help="What the status asks of you, when it asks for something.",
    )

    tilbago_sandbox_page = fields.Char(
        string="Sandbox Page",
        compute="_compute_tilbago_sandbox_page",
        help="With the sandbox, the page where a case waiting for review is released "
        "(what the user does in tilbago itself).",
    )

    @api.depends("state", "company_id")
    def _compute_tilbago_sandbox_page(self):
        for case in self:
            company = case.company_id.sudo()
            page = None
            if case.state == "review" and company.tilbago_environment == "sandbox":
                page = tilbago_client.sandbox_url(company._tilbago_url())
            case.tilbago_sandbox_page = page or False

    @api.depends("tilbago_status_code", "tilbago_status_description")
    @api.depends_context("lang")
    def _compute_tilbago_status_label(self):
        for case in self:
            case.tilbago_status_label = case._tilbago_status_text(
                case.tilbago_status_code, case.tilbago_status_description
            )
            advice = tilbago_status.advice(case.tilbago_status_code)
            case.tilbago_status_advice = (
                self.env._(advice) if advice else False  # pylint: disable=translation-not-lazy
            )

    @api.model
    def _tilbago_status_text(self, code, description):
        """The description of a status code in the user's language when the code is
        known (``tilbago.status``), else tilbago's words as they came."""
        entry = tilbago_status.CODES.get(code) if code else None
        if entry is None:
            return description or False
        return self.env._(entry.description_en)  # pylint: disable=translation-not-lazy

    def _tilbago_note_statuses(self, statuses):
        """The chatter notes of new statuses ({case: CaseStatus}), each in its responsible
        user's language (the cron runs as the superuser), one batch per language; what
        a status asks for goes to the invoices too."""
        by_lang = {}
        for case in self:
            lang = case.user_id.lang or self.env.lang
            by_lang.setdefault(lang, self.browse())
            by_lang[lang] |= case
        for lang, cases in by_lang.items():
            env = cases.with_context(lang=lang).env
            bodies = {}
            for case in cases.with_env(env):
                status = statuses[case]
                code = status.status_code
                eschkg = status.eschkg_code
                advice = tilbago_status.advice(code)
                advice = env._(advice) if advice else ""  # pylint: disable=translation-not-lazy
                body = env._(
                    "tilbago status: %(description)s (code %(code)s%(eschkg)s).",
                    description=case._tilbago_status_text(code, status.description) or "-",
                    code=code or "-",
                    eschkg=(", eSchKG %s" % eschkg) if eschkg else "",
                )
                bodies[case.id] = Markup("%s") % ("%s %s" % (body, advice)).strip()
                if advice and code == tilbago_status.PAID:
                    for invoice in case.claim_ids.invoice_id:
                        invoice.message_post(
                            body=env._(
                                "Debt enforcement case %(case)s: %(advice)s",
                                case=case.name,
                                advice=advice,
                            ),
                            subtype_xmlid="mail.mt_note",
                        )
            cases.with_env(env)._message_log_batch(bodies)


class TilbagoCaseHistory(models.Model):
    _inherit = "tilbago.case.history"

    description_display = fields.Char(
        string="Status", compute="_compute_description_display"
    )

    @api.depends("status_code", "description")
    @api.depends_context("lang")
    def _compute_description_display(self):
        case_model = self.env["tilbago.case"]
        for line in self:
            line.description_display = case_model._tilbago_status_text(
                line.status_code, line.description
            )
