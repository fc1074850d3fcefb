# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import os
import tempfile

import odoo
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import config

from ..tilbago import client as tilbago_client
from ..tilbago import storage as tilbago_storage
from ..tilbago import swiss as tilbago_swiss
from ..tilbago import validation as tilbago_validation
from ..tilbago.i18n import render as tilbago_render


def tilbago_field_message(env, exc, label):
    """The message of a plain-layer FieldValueError, translated, naming ``label``."""
    return tilbago_render(env._(exc.template), {**exc.params, "label": label})


def _odoo_folders():
    """Odoo's own folders, never a case files folder: data dir, source, addons paths."""
    odoo_dir = os.path.dirname(os.path.abspath(odoo.__file__))
    folders = [config.get("data_dir"), odoo_dir, os.path.dirname(odoo_dir)]
    folders += [p.strip() for p in (config.get("addons_path") or "").split(",")]
    folders += list(getattr(odoo.addons, "__path__", []))
    return [folder for folder in folders if folder]


def tilbago_refuse_key_export(env, fields):
    """Refuse an export asking for the API key (of the company or of the settings)."""
    # at any depth ("company_id/tilbago_api_key"), before anything is read
    if any("tilbago_api_key" in path for path in fields):
        raise UserError(env._("The tilbago API key cannot be exported."))


TILBAGO_SANDBOX_URL = "http://127.0.0.1:8765/v1/"

#: who manages the debt collection (levels by hand, Confirm tilbago ID)
MANAGER_GROUP = "l10n_ch_tilbago.group_tilbago_manager"
#: who may see and change the tilbago settings: those managers and the settings admins
MANAGER_GROUPS = MANAGER_GROUP + ",base.group_system"


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
        exportable=False,
        help="Generated in tilbago under My account > Company > Generate the API key.",
    )
    tilbago_storage_path = fields.Char(
        string="Case Files Folder",
        help="Absolute folder on the Odoo server where each case gets a folder with the "
        "request as sent, the invoice PDFs, the documents and the status history.",
    )
    tilbago_sync_connections = fields.Integer(
        string="Status Reads at Once",
        default=8,
        help="How many status questions the status sync keeps waiting on tilbago at the "
        "same time (1 to 32).",
    )
    tilbago_sync_rate = fields.Float(
        string="Status Reads per Second",
        digits=(6, 2),
        default=0.0,
        help="The most status questions per second the sync sends to tilbago; 0 = no "
        "ceiling. tilbago answering 429 or 503 slows the sync down in any case.",
    )

    # -- reminders -------------------------------------------------------------------
    tilbago_reminder_level_ids = fields.One2many(
        "tilbago.reminder.level",
        "company_id",
        string="Reminder Levels",
        help="The reminders an unpaid invoice goes through, in order, before litigation.",
    )
    tilbago_litigation_delay = fields.Integer(
        string="Litigation After (days)",
        default=15,
        help="Days after the last reminder before the invoice is listed in litigation "
        "(Crésus: days allowed after the third reminder to extract the litigation).",
    )
    tilbago_reminder_per_debtor = fields.Boolean(
        string="One Reminder per Debtor",
        default=True,
        help="The invoices of a debtor that reach a reminder level on the same run go out "
        "together: one e-mail or letter listing them all, with a QR-bill for each. "
        "Off: one reminder per invoice.",
    )
    tilbago_reminder_fees_on_qr = fields.Boolean(
        string="Charge Reminder Fees",
        help="The reminder letter lists the reminder fees, adds them to the total due and "
        "to the amount of each QR-bill. Only with a legal basis for them in the contract "
        "or the general terms.",
    )
    tilbago_reminder_interest_rank = fields.Integer(
        string="Default Interest From Reminder",
        default=2,
        help="From this reminder on (1 = the first level), the letter states that default "
        "interest runs from the due date at the default interest rate (5 % unless a "
        "higher rate was agreed, CO 104) and the amount accrued to the letter's date. "
        "0: never.",
    )
    tilbago_reminder_window = fields.Selection(
        [("left", "Left Window"), ("right", "Right Window")],
        string="Envelope Window",
        default="right",
        required=True,
        help="Where the address of a reminder letter is printed: behind the left or the "
        "right window of a Swiss C5/C4 window envelope.",
    )

    # -- requisition defaults --------------------------------------------------------
    tilbago_interest_rate = fields.Float(
        string="Default Interest Rate (%)",
        digits=(7, 5),
        default=5.0,
        help="Default interest on late payment: 5 % a year unless a higher rate was "
        "agreed (CO 104).",
    )
    tilbago_collocation_class = fields.Selection(
        tilbago_swiss.COLLOCATION_SELECTION,
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

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # a new company reminds as Crésus does until its levels are changed
        self.env["tilbago.reminder.level"]._tilbago_create_defaults(companies)
        return companies

    def write(self, vals):
        self._tilbago_check_settings_company(vals)
        return super().write(vals)

    def _tilbago_check_settings_company(self, vals):
        """The debt collection settings of a company are changed by its own people only.

        Odoo lets an administrator (Access Rights) write every company, those he does
        not belong to included (``base.res_company_rule_erp_manager``), directly or
        through the settings of another company (``res.config.settings`` with its
        ``company_id``); the tilbago settings (key, folder, reminders) stay with the
        users of the company.
        """
        fnames = [fname for fname in vals if fname.startswith("tilbago_")]
        if not fnames or self.env.su:
            return
        foreign = self - self.env.user.company_ids
        if foreign:
            raise AccessError(
                self.env._(
                    "%(fields)s of %(company)s can only be changed by a user of that "
                    "company.",
                    fields=", ".join(
                        sorted(
                            "'%s'" % self._fields[fname]._description_string(self.env)
                            for fname in fnames
                            if fname in self._fields
                        )
                    ),
                    company=foreign[0].display_name,
                )
            )

    def _tilbago_url(self):
        """Base URL of tilbago for this company (override, else by environment)."""
        self.ensure_one()
        if self.tilbago_base_url:
            return self.tilbago_base_url
        if self.tilbago_environment == "production":
            return tilbago_client.PRODUCTION_URL
        return TILBAGO_SANDBOX_URL

    # -- checks ------------------------------------------------------------------------

    def _tilbago_label(self, fname):
        return self._fields[fname]._description_string(self.env)

    @api.model
    def _tilbago_settings_path(self):
        """Where a manager finds the tilbago settings, in the user's language.

        The one path every message names: the menu *Invoicing > Configuration > Debt
        Collection > Settings*, read from the menu itself so it is always the menu's
        current, translated name (that menu opens the settings at the tilbago block).
        """
        menu = self.env.ref(
            "l10n_ch_tilbago.menu_tilbago_config_settings", raise_if_not_found=False
        )
        if menu:
            return " > ".join(menu.sudo().complete_name.split("/"))
        return self.env._("Invoicing > Configuration > Debt Collection > Settings")

    def _tilbago_check_storage_path(self):
        """Make sure the case files folder is absolute, exists (created) and is writable."""
        for company in self.filtered("tilbago_storage_path"):
            label = company._tilbago_label("tilbago_storage_path")
            try:
                # absolute, no "..", no control character, not a folder of the system
                # or of Odoo itself (resolved through symlinks)
                tilbago_storage.check_storage_root(
                    company.tilbago_storage_path, protected=_odoo_folders()
                )
            except ValueError as exc:
                raise ValidationError(tilbago_field_message(self.env, exc, label)) from None
            path = company.tilbago_storage_path.strip()
            if os.path.exists(path) and not os.path.isdir(path):
                raise ValidationError(self.env._(
                    '%(label)s "%(path)s" is a file, not a folder.', label=label, path=path,
                ))
            try:
                os.makedirs(path, exist_ok=True)
                # a real write: os.access() says yes to root even on a read-only mount
                with tempfile.NamedTemporaryFile(dir=path, prefix=".tilbago-write-test-"):
                    pass
            except OSError as exc:
                raise ValidationError(self.env._(
                    '%(label)s "%(path)s" cannot be created or written by the Odoo server '
                    "(%(reason)s). Choose another folder or give the Odoo user write access "
                    "to it.",
                    label=label, path=path, reason=exc.strerror or exc.__class__.__name__,
                )) from None

    @api.constrains("tilbago_storage_path")
    def _check_tilbago_storage_path(self):
        self._tilbago_check_storage_path()

    @api.constrains("tilbago_base_url")
    def _check_tilbago_base_url(self):
        for company in self.filtered("tilbago_base_url"):
            try:
                tilbago_validation.check_url(company.tilbago_base_url)
            except ValueError as exc:
                raise ValidationError(tilbago_field_message(
                    self.env, exc, company._tilbago_label("tilbago_base_url")
                )) from None

    @api.constrains("tilbago_litigation_delay")
    def _check_tilbago_litigation_delay(self):
        for company in self:
            days = company.tilbago_litigation_delay
            if not 1 <= days <= 365:
                raise ValidationError(self.env._(
                    '%(label)s "%(value)s" must be a number of days from %(min)s to 365.',
                    label=company._tilbago_label("tilbago_litigation_delay"), value=days,
                    min=1,
                ))

    @api.constrains("tilbago_reminder_interest_rank")
    def _check_tilbago_reminder_interest_rank(self):
        for company in self:
            if company.tilbago_reminder_interest_rank < 0:
                raise ValidationError(self.env._(
                    '%(label)s "%(value)s" cannot be negative: enter 0 to never state '
                    "default interest.",
                    label=company._tilbago_label("tilbago_reminder_interest_rank"),
                    value=company.tilbago_reminder_interest_rank,
                ))

    @api.constrains("tilbago_sync_connections", "tilbago_sync_rate")
    def _check_tilbago_sync(self):
        for company in self:
            if not 1 <= company.tilbago_sync_connections <= 32:
                raise ValidationError(self.env._(
                    '%(label)s "%(value)s" must be from 1 to 32.',
                    label=company._tilbago_label("tilbago_sync_connections"),
                    value=company.tilbago_sync_connections,
                ))
            if company.tilbago_sync_rate < 0:
                raise ValidationError(self.env._(
                    '%(label)s "%(value)s" cannot be negative: enter 0 for no ceiling.',
                    label=company._tilbago_label("tilbago_sync_rate"),
                    value=company.tilbago_sync_rate,
                ))

    @api.constrains("tilbago_interest_rate")
    def _check_tilbago_interest_rate(self):
        for company in self:
            try:
                tilbago_validation.check_interest_rate(
                    "%.5f" % company.tilbago_interest_rate
                )
            except ValueError as exc:
                raise ValidationError(tilbago_field_message(
                    self.env, exc, company._tilbago_label("tilbago_interest_rate")
                )) from None

    @api.constrains("tilbago_responsible_user_id")
    def _check_tilbago_responsible_user_id(self):
        for company in self.filtered("tilbago_responsible_user_id"):
            user = company.tilbago_responsible_user_id
            label = company._tilbago_label("tilbago_responsible_user_id")
            if not user.email:
                raise ValidationError(self.env._(
                    "%(label)s: %(user)s has no e-mail address; tilbago identifies the "
                    "responsible person by it.",
                    label=label, user=user.name,
                ))
            try:
                tilbago_validation.check_email(user.email)
            except ValueError as exc:
                raise ValidationError(tilbago_field_message(self.env, exc, label)) from None

    # -- the API key never leaves through an export -------------------------------------

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        tilbago_refuse_key_export(self.env, fields)
        return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)

    # -- the client ---------------------------------------------------------------------

    def _tilbago_client(self, timeout=None):
        """A TilbagoClient configured for this company.

        Reads the API key as superuser, so a billing user can open and follow cases
        without ever seeing the key. The caller closes it (``with`` block).
        """
        self.ensure_one()
        api_key = self.sudo().tilbago_api_key
        if not api_key:
            raise UserError(self.env._(
                "%(label)s of %(company)s is empty: a manager enters it in %(settings)s.",
                label=self._tilbago_label("tilbago_api_key"), company=self.name,
                settings=self._tilbago_settings_path(),
            ))
        kwargs = {"timeout": timeout} if timeout else {}
        return tilbago_client.TilbagoClient(self._tilbago_url(), api_key, **kwargs)

    # -- collection file: the default scenario (tilbago_case_collection.py) ---------
    tilbago_scenario_id = fields.Many2one(
        "tilbago.scenario",
        string="Default Collection Scenario",
        domain="['|', ('company_id', '=', False), ('company_id', '=', id)]",
        help="The steps planned as activities at each stage of a case, unless its "
        "debtor has its own scenario; empty: the Swiss default scenario.",
    )

    def _tilbago_default_scenario(self):
        self.ensure_one()
        return self.tilbago_scenario_id or self.env.ref(
            "l10n_ch_tilbago.tilbago_scenario_swiss", raise_if_not_found=False
        )


# ======================================================================================
# Bookkeeping of bad debts: accounts, journal and the loss percentage proposed per stage
# ======================================================================================

#: the accounts of the Swiss chart (l10n_ch) used when the settings leave one empty
TILBAGO_DEFAULT_ACCOUNT_CODES = {
    "tilbago_delcredere_account_id": "1109",  # Del credere (value adjustment)
    "tilbago_bad_debt_account_id": "3805",  # Losses from bad debts
    # a recovered written-off claim reduces the losses of the year on the same account,
    # as the Swiss SME chart (KMU-Kontenrahmen) books it: the net loss shows in one place
    "tilbago_recovery_account_id": "3805",
}

#: case stage -> company field holding the loss percentage it proposes
TILBAGO_STAGE_LOSS_FIELDS = {
    "payment_order": "tilbago_loss_payment_order",
    "opposition": "tilbago_loss_opposition",
    "continuation": "tilbago_loss_continuation",
    "seizure": "tilbago_loss_seizure",
    "certificate_of_loss": "tilbago_loss_certificate",
}


class ResCompanyTilbagoAccounting(models.Model):
    _inherit = "res.company"

    tilbago_delcredere_account_id = fields.Many2one(
        "account.account",
        string="Del Credere Account",
        check_company=True,
        help="Balance sheet account of the value adjustment on receivables, credited by "
        "a provision. Empty: account 1109 of the Swiss chart.",
    )
    tilbago_bad_debt_account_id = fields.Many2one(
        "account.account",
        string="Bad Debt Losses Account",
        check_company=True,
        help="Account debited by a provision and by the write-off of a lost claim. "
        "Empty: account 3805 of the Swiss chart.",
    )
    tilbago_recovery_account_id = fields.Many2one(
        "account.account",
        string="Recovered Bad Debts Account",
        check_company=True,
        help="Income account of a payment received on a claim already written off. "
        "Empty: account 3805 of the Swiss chart (the recovery reduces the losses).",
    )
    tilbago_accounting_journal_id = fields.Many2one(
        "account.journal",
        string="Del Credere Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Journal of the provision entries. Empty: the miscellaneous operations "
        "journal.",
    )
    tilbago_loss_payment_order = fields.Float(
        string="Loss % at Payment Order", digits=(5, 2), default=0.0
    )
    tilbago_loss_opposition = fields.Float(
        string="Loss % at Objection", digits=(5, 2), default=25.0
    )
    tilbago_loss_continuation = fields.Float(
        string="Loss % at Continuation", digits=(5, 2), default=25.0
    )
    tilbago_loss_seizure = fields.Float(
        string="Loss % at Seizure / Bankruptcy", digits=(5, 2), default=50.0
    )
    tilbago_loss_certificate = fields.Float(
        string="Loss % at Certificate of Loss", digits=(5, 2), default=100.0
    )

    @api.constrains(*TILBAGO_STAGE_LOSS_FIELDS.values())
    def _check_tilbago_loss_percentages(self):
        for company in self:
            for fname in TILBAGO_STAGE_LOSS_FIELDS.values():
                if not 0 <= company[fname] <= 100:
                    raise ValidationError(self.env._(
                        '%(label)s "%(value)s" must be a percentage from 0 to 100.',
                        label=company._tilbago_label(fname), value=company[fname],
                    ))

    @api.constrains(*TILBAGO_DEFAULT_ACCOUNT_CODES, "tilbago_accounting_journal_id")
    def _check_tilbago_accounting_company(self):
        """A company books bad debts in its own chart and journal only."""
        for company in self:
            for fname in (*TILBAGO_DEFAULT_ACCOUNT_CODES, "tilbago_accounting_journal_id"):
                record = company[fname]
                if record and not record.filtered_domain(record._check_company_domain(company)):
                    raise ValidationError(self.env._(
                        "%(label)s: %(record)s belongs to another company than %(company)s.",
                        label=company._tilbago_label(fname), record=record.display_name,
                        company=company.name,
                    ))

    def _tilbago_stage_loss_percent(self, state):
        """The loss percentage the company proposes for a case at ``state`` (0 if none)."""
        self.ensure_one()
        fname = TILBAGO_STAGE_LOSS_FIELDS.get(state)
        return self[fname] if fname else 0.0

    def _tilbago_accounting_account(self, fname):
        """The account of setting ``fname``; when empty, the Swiss chart's by its code.

        Searched in this company's chart only (``code`` is per company in Odoo 18: it is
        read through the company's root, hence ``with_company``).
        """
        self.ensure_one()
        account = self[fname]
        if not account:
            Account = self.env["account.account"].with_company(self)
            account = Account.search(
                [
                    *Account._check_company_domain(self),
                    ("code", "=", TILBAGO_DEFAULT_ACCOUNT_CODES[fname]),
                    ("deprecated", "=", False),
                ],
                limit=1,
            )
        if not account:
            raise UserError(self.env._(
                "%(label)s of %(company)s is empty and the company's chart of accounts has "
                "no account %(code)s: a manager chooses one in %(settings)s.",
                label=self._tilbago_label(fname), company=self.name,
                code=TILBAGO_DEFAULT_ACCOUNT_CODES[fname],
                settings=self._tilbago_settings_path(),
            ))
        return account

    def _tilbago_accounting_journal(self):
        """The journal of the provision entries: the setting, else miscellaneous."""
        self.ensure_one()
        journal = self.tilbago_accounting_journal_id or self.env["account.journal"].search(
            [*self.env["account.journal"]._check_company_domain(self),
             ("type", "=", "general")],
            limit=1,
        )
        if not journal:
            raise UserError(self.env._(
                "%(label)s of %(company)s is empty and the company has no miscellaneous "
                "operations journal: a manager chooses one in %(settings)s.",
                label=self._tilbago_label("tilbago_accounting_journal_id"),
                company=self.name, settings=self._tilbago_settings_path(),
            ))
        return journal


# -- enforcement costs advanced: the receivable they are booked to ----------------------
# 1190 "Other short-term receivables" of the Swiss SME chart: the costs the creditor
# advances to the enforcement office are owed back by the debtor (SchKG 68), a claim
# that is neither a trade receivable of 1100 (no invoice, no VAT, outside the debtor's
# open items) nor an advance or loan (1140); a balance sheet account, not an expense,
# since they are recovered first from what the debtor pays (OR 85).
TILBAGO_DEFAULT_ACCOUNT_CODES["tilbago_cost_receivable_account_id"] = "1190"


class ResCompanyTilbagoCostAccounting(models.Model):
    _inherit = "res.company"

    tilbago_cost_receivable_account_id = fields.Many2one(
        "account.account",
        string="Enforcement Costs to Recover Account",
        check_company=True,
        help="Balance sheet account debited by the enforcement costs advanced to the "
        "office and credited when the debtor pays them back. Empty: account 1190 of "
        "the Swiss chart.",
    )

    @api.constrains("tilbago_cost_receivable_account_id")
    def _check_tilbago_cost_account_company(self):
        # TILBAGO_DEFAULT_ACCOUNT_CODES holds this field too: the same check
        self._check_tilbago_accounting_company()
