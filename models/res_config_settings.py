# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Settings > Invoicing > Debt Collection: the per-company tilbago settings."""

import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tilbago import client as tilbago_client
from ..tilbago import exceptions as tilbago_exceptions
from .res_company import MANAGER_GROUPS, TILBAGO_SANDBOX_URL, tilbago_refuse_key_export

_logger = logging.getLogger(__name__)

#: seconds to wait for tilbago when a user presses "Test connection"
TEST_CONNECTION_TIMEOUT = 15


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # The connection is not a related field: a related field is written to the company
    # as soon as the settings record is created, i.e. when "Test connection" is pressed.
    # These hold what is typed; Test connection tries it, only Save (set_values) stores it.
    tilbago_environment = fields.Selection(
        selection=lambda self: self.env["res.company"]._fields[
            "tilbago_environment"
        ]._description_selection(self.env),
        string="Environment",
        help="Sandbox: the local stand-in for tilbago started with "
        "'python -m tilbago sandbox', to try the whole flow without an account. "
        "Production: the real tilbago service.",
    )
    tilbago_base_url = fields.Char(
        string="URL Override",
        help="Leave empty to use the URL of the environment. Set it for tilbago's own "
        "test systems or a sandbox on another port.",
    )
    tilbago_api_key = fields.Char(
        string="API Key",
        groups=MANAGER_GROUPS,
        exportable=False,
        help="Generated in tilbago under My account > Company > Generate the API key.",
    )
    tilbago_sync_connections = fields.Integer(
        related="company_id.tilbago_sync_connections", readonly=False
    )
    tilbago_sync_rate = fields.Float(related="company_id.tilbago_sync_rate", readonly=False)
    tilbago_storage_path = fields.Char(
        related="company_id.tilbago_storage_path", readonly=False
    )
    # -- reminders: the levels are records of their own, opened from here
    tilbago_litigation_delay = fields.Integer(
        related="company_id.tilbago_litigation_delay", readonly=False
    )
    tilbago_interest_rate = fields.Float(
        related="company_id.tilbago_interest_rate", readonly=False
    )
    tilbago_reminder_per_debtor = fields.Boolean(
        related="company_id.tilbago_reminder_per_debtor", readonly=False
    )
    tilbago_reminder_fees_on_qr = fields.Boolean(
        related="company_id.tilbago_reminder_fees_on_qr", readonly=False
    )
    tilbago_reminder_interest_rank = fields.Integer(
        related="company_id.tilbago_reminder_interest_rank", readonly=False
    )
    tilbago_reminder_window = fields.Selection(
        related="company_id.tilbago_reminder_window", readonly=False
    )
    tilbago_collocation_class = fields.Selection(
        related="company_id.tilbago_collocation_class", readonly=False
    )
    tilbago_responsible_user_id = fields.Many2one(
        related="company_id.tilbago_responsible_user_id", readonly=False
    )
    tilbago_attach_invoice = fields.Boolean(
        related="company_id.tilbago_attach_invoice", readonly=False
    )
    tilbago_effective_url = fields.Char(
        string="tilbago URL", compute="_compute_tilbago_effective_url"
    )

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        # nobody exports the key, not even a manager: as on the company
        tilbago_refuse_key_export(self.env, fields)
        return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)

    def action_tilbago_reminder_levels(self):
        """Open the reminder levels of the settings' company (editable list)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "l10n_ch_tilbago.action_tilbago_reminder_level"
        )
        action["domain"] = [("company_id", "=", self.company_id.id)]
        action["context"] = {"default_company_id": self.company_id.id}
        return action

    @api.depends("tilbago_environment", "tilbago_base_url")
    def _compute_tilbago_effective_url(self):
        for settings in self:
            settings.tilbago_effective_url = settings._tilbago_url()

    def _tilbago_url(self):
        """The URL these settings point at (override, else that of the environment)."""
        self.ensure_one()
        if self.tilbago_base_url:
            return self.tilbago_base_url.strip()
        if self.tilbago_environment == "production":
            return tilbago_client.PRODUCTION_URL
        return TILBAGO_SANDBOX_URL

    #: the connection fields, stored on the company only by Save
    _TILBAGO_CONNECTION_FIELDS = ("tilbago_environment", "tilbago_base_url", "tilbago_api_key")

    @api.model
    def get_values(self):
        res = super().get_values()
        company = self.env.company
        res["tilbago_environment"] = company.tilbago_environment
        res["tilbago_base_url"] = company.tilbago_base_url or False
        if self.env.user.has_groups(MANAGER_GROUPS):
            res["tilbago_api_key"] = company.sudo().tilbago_api_key or False
        return res

    def set_values(self):
        res = super().set_values()
        may_write_key = self.env.user.has_groups(MANAGER_GROUPS)
        for settings in self:
            company = settings.company_id
            vals = {}
            for fname in self._TILBAGO_CONNECTION_FIELDS:
                if fname == "tilbago_api_key" and not may_write_key:
                    continue
                new = settings[fname] or False
                if new != (company.sudo()[fname] or False):
                    vals[fname] = new
            if vals:
                company.write(vals)
        return res

    def action_tilbago_test_connection(self):
        """Ask tilbago whether it knows the key, without creating anything.

        Uses the values on screen, saved or not (the button has noSaveDialog: the web
        client puts them in this record, nothing reaches the company before Save).
        Without a record, the saved settings are tested. Every failure is a UserError
        naming what to fix; the key is never in it.
        """
        self = self[:1] or self.create({})  # pylint: disable=self-cls-assignment
        if not self.env.user.has_group("l10n_ch_tilbago.group_tilbago_manager") and not (
            self.env.is_system()
        ):
            raise UserError(self.env._("Only debt collection managers can test the connection."))
        company_fields = self.env["res.company"]._fields
        key_label = company_fields["tilbago_api_key"]._description_string(self.env)
        url_label = company_fields["tilbago_base_url"]._description_string(self.env)
        url = self._tilbago_url()
        api_key = self.tilbago_api_key
        if not api_key:
            raise UserError(self.env._("%(label)s is empty: paste the key generated in "
                                       "tilbago under My account > Company.", label=key_label))
        try:
            client = tilbago_client.TilbagoClient(
                url, api_key, timeout=TEST_CONNECTION_TIMEOUT, retries=0
            )
        except ValueError:
            raise UserError(self.env._(
                '%(label)s "%(url)s" must be a web address starting with https:// or http://.',
                label=url_label, url=url,
            )) from None
        try:
            with client:
                accepted = client.check_connection()
        except tilbago_exceptions.TransportError:
            _logger.info("tilbago connection test: %s unreachable", url)
            raise UserError(self.env._(
                "tilbago cannot be reached at %(url)s: check the environment and %(label)s, "
                "and that the Odoo server may connect to it. Nothing was sent.",
                url=url, label=url_label,
            )) from None
        except tilbago_exceptions.ServerError as exc:
            _logger.info("tilbago connection test: %s answered %s", url, exc.status)
            raise UserError(self.env._(
                "tilbago at %(url)s answered with a server error (HTTP %(status)s). Try "
                "again later.", url=url, status=exc.status,
            )) from None
        except tilbago_exceptions.TilbagoError:
            _logger.info("tilbago connection test: %s gave an unexpected answer", url)
            raise UserError(self.env._(
                "The server at %(url)s answered, but not as tilbago does: check %(label)s.",
                url=url, label=url_label,
            )) from None
        if not accepted:
            _logger.info("tilbago connection test: %s refused the API key", url)
            raise UserError(self.env._(
                "tilbago at %(url)s refused %(label)s (HTTP 401): copy the key again from "
                "tilbago (My account > Company > Generate the API key) and save.",
                url=url, label=key_label,
            ))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Connection to tilbago"),
                "message": self.env._(
                    "tilbago at %(url)s accepted the API key. Nothing was created.", url=url
                ),
                "sticky": False,
            },
        }

    # -- collection file: the default scenario (tilbago_case_collection.py) ---------
    tilbago_scenario_id = fields.Many2one(
        related="company_id.tilbago_scenario_id", readonly=False
    )

# ======================================================================================
# Bookkeeping of bad debts (accounts, journal, loss percentage per stage)
# ======================================================================================
class ResConfigSettingsTilbagoAccounting(models.TransientModel):
    _inherit = "res.config.settings"

    tilbago_delcredere_account_id = fields.Many2one(
        related="company_id.tilbago_delcredere_account_id", readonly=False
    )
    tilbago_bad_debt_account_id = fields.Many2one(
        related="company_id.tilbago_bad_debt_account_id", readonly=False
    )
    tilbago_recovery_account_id = fields.Many2one(
        related="company_id.tilbago_recovery_account_id", readonly=False
    )
    tilbago_accounting_journal_id = fields.Many2one(
        related="company_id.tilbago_accounting_journal_id", readonly=False
    )
    tilbago_loss_payment_order = fields.Float(
        related="company_id.tilbago_loss_payment_order", readonly=False
    )
    tilbago_loss_opposition = fields.Float(
        related="company_id.tilbago_loss_opposition", readonly=False
    )
    tilbago_loss_continuation = fields.Float(
        related="company_id.tilbago_loss_continuation", readonly=False
    )
    tilbago_loss_seizure = fields.Float(related="company_id.tilbago_loss_seizure", readonly=False)
    tilbago_loss_certificate = fields.Float(
        related="company_id.tilbago_loss_certificate", readonly=False
    )
    tilbago_cost_receivable_account_id = fields.Many2one(
        related="company_id.tilbago_cost_receivable_account_id", readonly=False
    )
