# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

TILBAGO_PRODUCTION_URL = "https://api.tilbago.ch/v1/"
TILBAGO_SANDBOX_URL = "http://127.0.0.1:8765/v1/"

MANAGER_GROUPS = "l10n_ch_tilbago.group_tilbago_manager,base.group_system"


class ResCompany(models.Model):
    _inherit = "res.company"

    # -- connection ------------------------------------------------------------------
    tilbago_environment = fields.Selection(
        [("sandbox", "Sandbox (local)"), ("production", "Production")],
        string="tilbago Environment",
        default="sandbox",
        required=True,
        help="Sandbox: the local stand-in for tilbago started with "
        "'python -m tilbago sandbox', to try the whole flow without an account. "
        "Production: the real tilbago service.",
    )
    tilbago_base_url = fields.Char(
        string="tilbago URL Override",
        help="Leave empty to use the URL of the environment. Set it for tilbago's own "
        "test systems or a sandbox on another port.",
    )
    tilbago_api_key = fields.Char(
        string="tilbago API Key",
        groups=MANAGER_GROUPS,
        copy=False,
        help="Generated in tilbago under My account > Company > Generate the API key.",
    )
    tilbago_storage_path = fields.Char(
        string="Case Files Folder",
        help="Absolute folder on the Odoo server where each case gets a folder with the "
        "request as sent, the invoice PDFs, the documents and the status history.",
    )

    # -- reminders -------------------------------------------------------------------
    tilbago_reminder1_delay = fields.Integer(
        string="Reminder 1 After (days)",
        default=15,
        help="Days after the invoice due date before the first reminder is sent.",
    )
    tilbago_reminder2_delay = fields.Integer(
        string="Reminder 2 After (days)",
        default=15,
        help="Days after the first reminder before the second one is sent.",
    )
    tilbago_reminder3_delay = fields.Integer(
        string="Reminder 3 After (days)",
        default=15,
        help="Days after the second reminder before the third and last one is sent.",
    )
    tilbago_litigation_delay = fields.Integer(
        string="Litigation After (days)",
        default=15,
        help="Days after the third reminder before the invoice is listed in litigation "
        "(Crésus: days allowed after the third reminder to extract the litigation).",
    )
    tilbago_reminder1_fee = fields.Monetary(string="Reminder 1 Fee")
    tilbago_reminder2_fee = fields.Monetary(string="Reminder 2 Fee")
    tilbago_reminder3_fee = fields.Monetary(string="Reminder 3 Fee")

    # -- requisition defaults --------------------------------------------------------
    tilbago_interest_rate = fields.Float(
        string="Default Interest Rate (%)",
        digits=(7, 5),
        default=5.0,
        help="Default interest on late payment: 5 % a year unless a higher rate was "
        "agreed (CO 104).",
    )
    tilbago_collocation_class = fields.Selection(
        [("1", "1"), ("2", "2"), ("3", "3")],
        string="Default Collocation Class",
        default="3",
        help="SchKG 219: an invoice for goods or services is class 3.",
    )
    tilbago_responsible_user_id = fields.Many2one(
        "res.users",
        string="Responsible Person",
        help="Employee of your tilbago account who is responsible for the cases "
        "(their e-mail is sent to tilbago).",
    )
    tilbago_attach_invoice = fields.Boolean(
        string="Attach Invoice PDF",
        default=True,
        help="Send the invoice PDF to tilbago with each new case.",
    )

    def _tilbago_url(self):
        """Base URL of tilbago for this company (override, else by environment)."""
        self.ensure_one()
        if self.tilbago_base_url:
            return self.tilbago_base_url
        if self.tilbago_environment == "production":
            return TILBAGO_PRODUCTION_URL
        return TILBAGO_SANDBOX_URL
