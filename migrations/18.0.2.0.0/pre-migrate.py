# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Before the upgrade to reminder records: keep the company's wording of the e-mails.

The reminder e-mail templates are ``noupdate`` from now on, so the upgrade leaves them as
the company wrote them. Their bodies named the fields of the reminder dates that go away
(``object.tilbago_reminder1_date``); those expressions are replaced, in every language,
by the method that reads the date from the reminder records. The words stay.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger(__name__)

#: removed field -> what the templates call instead
EXPRESSIONS = {
    "object.tilbago_reminder1_date": "object._tilbago_reminder_date(1)",
    "object.tilbago_reminder2_date": "object._tilbago_reminder_date(2)",
    "object.tilbago_reminder3_date": "object._tilbago_reminder_date(3)",
}
TEMPLATES = (
    "mail_template_tilbago_reminder1",
    "mail_template_tilbago_reminder2",
    "mail_template_tilbago_reminder3",
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """UPDATE ir_model_data SET noupdate = TRUE
            WHERE module = 'l10n_ch_tilbago' AND model = 'mail.template' AND name IN %s""",
        [TEMPLATES],
    )
    # every template of invoices, the company's own copies included; each field is a
    # JSON object of translations: the replacement runs on its text
    for column in ("body_html", "subject"):
        for old, new in EXPRESSIONS.items():
            cr.execute(SQL(
                """UPDATE mail_template t
                      SET %(col)s = replace(%(col)s::text, %(old)s, %(new)s)::jsonb
                     FROM ir_model m
                     WHERE m.id = t.model_id AND m.model = 'account.move'
                       AND %(col)s::text LIKE %(like)s""",
                col=SQL.identifier(column), old=old, new=new, like="%" + old + "%",
            ))
            if cr.rowcount:
                _logger.info("%s reminder templates: %s now reads %s", cr.rowcount, old, new)
