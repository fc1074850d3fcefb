# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The reminder levels of a company: how many reminders, when, at what fee, in which words.

Three by default, as in Crésus; a company may use two, four or more. An invoice climbs
them in the order of their sequence, then goes to litigation the company's litigation
delay after the last one.
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import LazyTranslate

_lt = LazyTranslate(__name__)

#: the levels every company starts with: (sequence, name, mail template XML id)
DEFAULT_LEVELS = (
    (10, _lt("Reminder 1"), "l10n_ch_tilbago.mail_template_tilbago_reminder1"),
    (20, _lt("Reminder 2"), "l10n_ch_tilbago.mail_template_tilbago_reminder2"),
    (30, _lt("Reminder 3"), "l10n_ch_tilbago.mail_template_tilbago_reminder3"),
)
DEFAULT_DELAY = 15
#: the longest delay of a level, in days (the messages say 365)
MAX_DELAY = 365


class TilbagoReminderLevel(models.Model):
    _name = "tilbago.reminder.level"
    _description = "Reminder Level"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    sequence = fields.Integer(
        required=True,
        default=10,
        help="Invoices climb the levels of their company in this order.",
    )
    name = fields.Char(string="Level", required=True, translate=True)
    delay = fields.Integer(
        string="After (days)",
        required=True,
        default=DEFAULT_DELAY,
        help="Days after the previous level before this reminder is sent; for the "
        "first level, days after the invoice due date.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    fee = fields.Monetary(
        currency_field="currency_id",
        help="Reminder fee recorded on the invoice when this reminder is sent (in the "
        "company's currency). It is not posted: it becomes a subsidiary claim of a "
        "debt collection request.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        required=True,
        ondelete="restrict",
        domain=[("model", "=", "account.move")],
        help="The reminder e-mail; its body is also the letter for debtors without an "
        "e-mail address.",
    )
    letter_report_id = fields.Many2one(
        "ir.actions.report",
        string="Letter",
        ondelete="set null",
        domain=[("model", "=", "account.move"), ("report_type", "=", "qweb-pdf")],
        help="Report printed for debtors without an e-mail address; empty: the standard "
        "reminder letter, with the body of the e-mail template.",
    )

    _sql_constraints = [
        (
            "sequence_company_uniq",
            "unique(company_id, sequence)",
            "Two reminder levels of a company cannot have the same sequence.",
        ),
    ]

    def _tilbago_rank(self):
        """1 for the first level of its company, 2 for the next one, and so on."""
        self.ensure_one()
        return self.company_id.sudo().tilbago_reminder_level_ids.ids.index(self.id) + 1

    def _tilbago_label(self, fname):
        return self._fields[fname]._description_string(self.env)

    @api.constrains("delay", "fee")
    def _check_delay_and_fee(self):
        for level in self:
            # the level's name with the field's label: "Reminder 2 - After (days)"
            if not 0 <= level.delay <= MAX_DELAY:
                raise ValidationError(self.env._(
                    '%(label)s "%(value)s" must be a number of days from %(min)s to 365.',
                    label="%s - %s" % (level.name, level._tilbago_label("delay")),
                    value=level.delay, min=0,
                ))
            if level.currency_id.compare_amounts(level.fee, 0.0) < 0:
                raise ValidationError(self.env._(
                    '%(label)s "%(value)s" cannot be negative: enter 0 for no fee.',
                    label="%s - %s" % (level.name, level._tilbago_label("fee")),
                    value=level.fee,
                ))

    def _tilbago_used(self):
        """The levels of ``self`` that an invoice holds or a reminder record names."""
        used = self.env["account.move"].sudo().search(
            [("tilbago_reminder_level_id", "in", self.ids)]
        ).tilbago_reminder_level_id
        used |= self.env["tilbago.reminder"].sudo().search(
            [("level_id", "in", self.ids)]
        ).level_id
        return used.sudo(False)

    def write(self, vals):
        if "company_id" in vals:
            moved = self.filtered(lambda level: level.company_id.id != vals["company_id"])
            if moved._tilbago_used():
                raise UserError(self.env._(
                    "A reminder level that invoices have reached cannot move to another "
                    "company."
                ))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used_or_last(self):
        used = self._tilbago_used()
        if used:
            raise UserError(self.env._(
                "The reminder levels %(levels)s cannot be deleted: invoices have reached "
                "them and their reminders name them.",
                levels=", ".join(used.mapped("name")),
            ))
        for company in self.company_id:
            if not self.sudo().search_count(
                [("company_id", "=", company.id), ("id", "not in", self.ids)]
            ):
                raise UserError(self.env._(
                    "%(company)s needs at least one reminder level before an invoice can "
                    "go to litigation.",
                    company=company.name,
                ))

    @api.model
    def _tilbago_create_defaults(self, companies):
        """The three levels of Crésus for each of ``companies`` that has none."""
        have = self.sudo().search([("company_id", "in", companies.ids)]).company_id
        templates = [
            self.env.ref(xmlid, raise_if_not_found=False) for _s, _n, xmlid in DEFAULT_LEVELS
        ]
        if not all(templates):
            # the addon is being installed and its templates are not loaded yet: the
            # install creates the levels of every company once they are
            return self.browse()
        vals_list = []
        for company in companies - have:
            for (sequence, name, _xmlid), template in zip(DEFAULT_LEVELS, templates):
                vals_list.append({
                    "company_id": company.id,
                    "sequence": sequence,
                    "name": name._translate("en_US"),
                    "delay": DEFAULT_DELAY,
                    "mail_template_id": template.id,
                })
        levels = self.sudo().create(vals_list)
        # the default names in every installed language (the addon's own terms)
        for code, _lang_name in self.env["res.lang"].get_installed():
            if code == "en_US":
                continue
            for level in levels:
                name = next(n for s, n, _x in DEFAULT_LEVELS if s == level.sequence)
                level.with_context(lang=code).name = name._translate(code)
        return levels

    @api.model
    def _tilbago_translate_defaults(self, langs):
        """Name the default levels in ``langs`` where they still carry their default
        English name and have no name of their own in that language: a level a
        company renamed keeps its name."""
        defaults = {seq: name for seq, name, _xmlid in DEFAULT_LEVELS}
        levels = self.sudo().with_context(active_test=False).search(
            [("sequence", "in", list(defaults))]
        )
        for level in levels:
            default = defaults[level.sequence]
            english = default._translate("en_US")
            if level.with_context(lang="en_US").name != english:
                continue
            for code in langs:
                if code == "en_US" or not self.env["res.lang"]._lang_get(code):
                    continue
                if level.with_context(lang=code).name == english:
                    level.with_context(lang=code).name = default._translate(code)

    @api.model
    def _tilbago_install_defaults(self):
        """At install: the default levels for every company already there."""
        # every company, however many: each gets its three levels once
        companies = self.env["res.company"].sudo().with_context(active_test=False)
        return self._tilbago_create_defaults(companies.search([]))  # pylint: disable=no-search-all
