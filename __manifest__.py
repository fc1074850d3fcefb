# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Switzerland - Debt Enforcement with tilbago",
    "summary": "Reminders, litigation and Swiss debt enforcement "
    "(poursuite / Betreibung) through tilbago",
    "version": "18.0.1.0.0",
    "category": "Accounting/Localizations",
    "website": "https://github.com/OCA/l10n-switzerland",
    "author": "l10n_ch_tilbago contributors, Odoo Community Association (OCA)",
    "license": "AGPL-3",
    "development_status": "Alpha",
    "depends": ["account", "mail", "l10n_ch"],
    "external_dependencies": {
        "python": ["requests", "python-stdnum", "phonenumbers"],
    },
    "data": [
        "security/tilbago_security.xml",
        "security/ir.model.access.csv",
        "views/menus.xml",
        "data/mail_template_reminder.xml",
        "data/ir_cron_reminder.xml",
        "report/reminder_report.xml",
        "views/account_move_views.xml",
        "views/reminder_views.xml",
        "views/res_partner_reminder_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "security/tilbago_case_security.xml",
        "data/ir_sequence.xml",
        "data/ir_cron_case.xml",
        "views/tilbago_case_views.xml",
        "wizards/tilbago_requisition_wizard_views.xml",
        "wizards/tilbago_attach_document_views.xml",
        "security/tilbago_collection_security.xml",
        "data/tilbago_collection_data.xml",
        "views/tilbago_collection_views.xml",
        "views/res_partner_solvency_views.xml",
        "wizards/tilbago_case_set_stage_views.xml",
    ],
    "demo": [
        "demo/res_company_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/account_move_demo.xml",
        "demo/tilbago_case_demo.xml",
        "demo/tilbago_collection_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "l10n_ch_tilbago/static/src/**/*",
        ],
        "web.assets_tests": [
            "l10n_ch_tilbago/static/tests/tours/**/*",
        ],
    },
}
