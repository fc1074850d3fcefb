# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Debt enforcement cases followed in tilbago.

A ``tilbago.case`` is one debt collection request (réquisition de poursuite /
Betreibungsbegehren) sent to tilbago: the debtor, the claims as sent, tilbago's case id,
the external reference that makes a retry safe, the status tilbago reports and its
history, and the documents attached to it.

This file holds the case itself (its fields, its creation, its buttons); the rest of its
behaviour extends it in the files beside it:

- ``tilbago_case_sending.py``: sending the request, commit-safe, and retrying it;
- ``tilbago_case_sync.py``: reading tilbago's statuses (a user's button, the hourly job);
- ``tilbago_case_status.py``: what a status says, in the user's language;
- ``tilbago_case_storage.py``: the copy of each case in the company's folder;
- ``tilbago_case_rules.py``: the rules the model enforces (locks, the confirmed id).
"""

import json
import uuid

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tilbago import exceptions as tilbago_exceptions
from ..tilbago import swiss as tilbago_swiss

CASE_STATES = [
    ("draft", "Draft"),
    ("sending", "Sending"),
    ("error", "Error"),
    ("review", "To Review in tilbago"),
    ("submitted", "Submitted"),
    ("payment_order", "Payment Order"),
    ("opposition", "Objection"),
    ("continuation", "Continuation"),
    ("seizure", "Seizure / Bankruptcy"),
    ("certificate_of_loss", "Certificate of Loss"),
    ("closed", "Closed"),
    ("unknown", "Unknown Status"),
]

#: defined once in the plain layer; imported from here by the requisition wizard
COLLOCATION_SELECTION = tilbago_swiss.COLLOCATION_SELECTION

#: the kinds of ``tilbago.exceptions`` (each class's ``error_kind``), and "config"
ERROR_KINDS = [
    ("invalid", "Invalid data"),
    ("auth", "API key refused"),
    ("balance", "Balance spent"),
    ("rejected", "Refused by tilbago"),
    ("duplicate", "Already in tilbago"),
    ("server", "tilbago failed"),
    ("transport", "No answer"),
    ("protocol", "Unexpected answer"),
    ("config", "Configuration"),
]


class TilbagoCase(models.Model):
    _name = "tilbago.case"
    _description = "Debt Enforcement Case"
    _inherit = ["mail.thread", "mail.activity.mixin", "tilbago.evidence.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True
    #: written by the addon's own methods only (tilbago_evidence.py); a user may
    #: change the responsible person, follow the case and plan activities
    _tilbago_protected_fields = (
        "name", "currency_id", "partner_id", "invoice_ids", "claim_ids",
        "certificate_of_loss", "review_in_tilbago", "tilbago_id", "external_ref",
        "debtor_external_ref", "state", "tilbago_status_code", "tilbago_status_description",
        "tilbago_eschkg_code", "last_sync", "date_sent", "history_ids", "request_payload",
        "last_error", "error_detail", "error_kind", "outcome_unknown", "send_attempts",
        "storage_folder", "storage_error",
    )  # fmt: skip
    #: the company whose tilbago account (and key) serves the case
    _tilbago_frozen_fields = ("company_id",)

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
        index="trigram",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
        index=True,
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        readonly=True,
        default=lambda self: self.env.ref("base.CHF"),
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        check_company=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Debtor",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    invoice_ids = fields.One2many(
        "account.move",
        "tilbago_case_id",
        string="Invoices",
        readonly=True,
        check_company=True,
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    claim_ids = fields.One2many(
        "tilbago.case.claim",
        "case_id",
        string="Claims",
        readonly=True,
        check_company=True,
        help="The claims as sent to tilbago: the first is the main claim, the others "
        "are subsidiary claims of the same request (at most 10 in all).",
    )
    amount_total = fields.Monetary(
        string="Amount Claimed",
        compute="_compute_amount_total",
        store=True,
        help="Sum of the claims sent in the request (without interest and fees).",
    )
    certificate_of_loss = fields.Boolean(
        string="Based on a Certificate of Loss",
        readonly=True,
        help="The claim rests on an existing certificate of loss (acte de défaut de "
        "biens / Verlustschein, SchKG 149): the debtor came back to better fortune.",
    )
    review_in_tilbago = fields.Boolean(
        string="Review in tilbago First",
        readonly=True,
        help="The case waits in tilbago for your review of the debtor data before "
        "tilbago submits it to the debt collection office (status 002).",
    )
    tilbago_id = fields.Char(
        string="tilbago Case ID",
        copy=False,
        index=True,
        tracking=True,
        readonly=True,
    )
    external_ref = fields.Char(
        string="External Reference",
        copy=False,
        readonly=True,
        index=True,
        help="Identifies this request in tilbago. Generated once and never changed: a "
        "retry sends the same reference, so tilbago can never open the case twice.",
    )
    debtor_external_ref = fields.Char(
        string="Debtor Reference",
        readonly=True,
        help="The debtor's reference in tilbago (the same for every case of this debtor).",
    )
    state = fields.Selection(
        CASE_STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
        group_expand="_group_expand_states",
    )
    tilbago_status_code = fields.Char(
        string="tilbago Status Code", readonly=True, copy=False
    )
    tilbago_status_description = fields.Char(
        string="tilbago Status", readonly=True, copy=False
    )
    tilbago_eschkg_code = fields.Char(string="eSchKG Code", readonly=True, copy=False)
    last_sync = fields.Datetime(string="Last Status Update", readonly=True, copy=False)
    date_sent = fields.Datetime(string="Sent On", readonly=True, copy=False)
    history_ids = fields.One2many(
        "tilbago.case.history",
        "case_id",
        string="Status History",
        readonly=True,
        check_company=True,
    )
    document_ids = fields.One2many(
        "tilbago.case.document",
        "case_id",
        string="Documents",
        readonly=True,
        check_company=True,
    )
    document_count = fields.Integer(compute="_compute_document_count")
    request_payload = fields.Text(
        string="Request as Sent",
        readonly=True,
        copy=False,
        help="The request body sent to tilbago (JSON). The API key travels in a header "
        "and is never stored here.",
    )
    last_error = fields.Text(readonly=True, copy=False)
    error_detail = fields.Text(
        string="Technical Details",
        readonly=True,
        copy=False,
        help="What the connection reported (address, HTTP status, the library's words), "
        "for the administrator or tilbago's support.",
    )
    error_kind = fields.Selection(ERROR_KINDS, readonly=True, copy=False)
    outcome_unknown = fields.Boolean(
        readonly=True,
        copy=False,
        help="An earlier attempt got no clear answer: tilbago may have the case already.",
    )
    send_attempts = fields.Integer(readonly=True, copy=False)
    storage_folder = fields.Char(
        string="Case Files Folder",
        readonly=True,
        copy=False,
        help="The folder on the Odoo server that mirrors this case: the request as sent, "
        "the invoice PDFs, the documents and the status history.",
    )
    storage_error = fields.Text(
        string="Case Files Problem",
        readonly=True,
        copy=False,
        help="Why the case files could not be written to the folder last time. The case "
        "itself is not affected.",
    )

    _sql_constraints = [
        (
            "external_ref_company_uniq",
            "unique(company_id, external_ref)",
            "The external reference of a debt enforcement case must be unique.",
        ),
    ]

    # -- computes --------------------------------------------------------------------
    @api.depends("claim_ids.amount")
    def _compute_amount_total(self):
        for case in self:
            case.amount_total = sum(case.claim_ids.mapped("amount"))

    @api.depends("invoice_ids")
    def _compute_invoice_count(self):
        for case in self:
            case.invoice_count = len(case.invoice_ids)

    @api.depends("document_ids")
    def _compute_document_count(self):
        for case in self:
            case.document_count = len(case.document_ids)

    @api.model
    def _group_expand_states(self, states, domain):
        return [key for key, _label in self._fields["state"].selection]

    # -- create ----------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("tilbago.case") or self.env._("New")
            if not vals.get("external_ref"):
                vals["external_ref"] = self._tilbago_new_external_ref(vals["name"])
        return super().create(vals_list)

    @api.model
    def _tilbago_new_external_ref(self, name):
        """A reference unique per tilbago account, readable, generated once."""
        prefix = "".join(ch if ch.isalnum() else "-" for ch in (name or "CASE"))
        return "%s-%s" % (prefix.strip("-"), uuid.uuid4().hex[:8].upper())

    @api.ondelete(at_uninstall=False)
    def _unlink_except_known_to_tilbago(self):
        for case in self:
            if case.tilbago_id or case.outcome_unknown or case.state not in (
                "draft",
                "error",
            ):
                raise UserError(
                    self.env._(
                        "The case %(case)s cannot be deleted: tilbago knows it (or may "
                        "know it). Mark it as closed in Odoo instead.",
                        case=case.display_name,
                    )
                )

    # -- the plain layer -------------------------------------------------------------
    def _tilbago_client(self):
        """A configured client for the case's company (one HTTP session)."""
        self.ensure_one()
        return self.env["tilbago.case"]._tilbago_client_for(self.company_id)

    @api.model
    def _tilbago_client_for(self, company):
        """Return a TilbagoClient for ``company`` (``res.company._tilbago_client``: the
        API key is read as superuser and never leaves the client)."""
        return company._tilbago_client()

    def _tilbago_payload_case(self):
        """The request as a plain-layer Case, rebuilt from the body saved on the case."""
        self.ensure_one()
        from ..tilbago import payload as tilbago_payload

        if not self.request_payload:
            raise UserError(
                self.env._("The case %(case)s has no request to send.", case=self.display_name)
            )
        return tilbago_payload.Case.from_wire(json.loads(self.request_payload))

    @api.model
    def _tilbago_translate_problem(self, problem):
        """A plain-layer Problem rendered in the user's language."""
        return tilbago_exceptions.translate_problem(problem, self.env._)

    @api.model
    def _tilbago_error_text(self, error, template=None):
        """Return (kind, words) for a TilbagoError: what happened, in the user's language.

        The error's class says both (``tilbago.exceptions``); the case adds its external
        reference and the settings path a manager follows. ``template`` replaces the
        class's sentence (e.g. ``DuplicateReference.FIRST_ATTEMPT``).
        """
        words = error.render(
            self.env._,
            template=template,
            ref=self.external_ref if self else "",
            settings=self.env["res.company"]._tilbago_settings_path(),
        )
        return error.error_kind, words

    # -- buttons ---------------------------------------------------------------------
    def action_edit_request(self):
        """Reopen the requisition wizard on this case to correct what tilbago refused."""
        self.ensure_one()
        if self.tilbago_id or self.state not in ("draft", "error"):
            raise UserError(self.env._("Only a case not yet in tilbago can be corrected."))
        wizard = self.env["tilbago.requisition.wizard"]._tilbago_from_case(self)
        return wizard._tilbago_action()

    def action_send_documents(self):
        """Send the documents not yet in tilbago (e.g. after a failed upload)."""
        for case in self:
            case.document_ids._tilbago_upload()
            case._tilbago_store_files()
        return True

    def action_attach_document(self):
        """Open the Attach Document wizard on one case (form button, list Action menu)."""
        if len(self) != 1:
            raise UserError(
                self.env._(
                    "Attach a document to one case at a time: select a single case "
                    "(%(count)s are selected).",
                    count=len(self),
                )
            )
        wizard = self.env["tilbago.attach.document.wizard"].create({"case_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Attach Document"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "views": [(False, "form")],
            "target": "new",
        }

    def action_close(self):
        """Close a case by hand (e.g. settled outside the enforcement, or abandoned)."""
        for case in self:
            case._tilbago_add_history(
                "closed", False, self.env._("Marked as closed in Odoo"), False
            )
            case._tilbago_write({"state": "closed"})
        return True

    # -- navigation ------------------------------------------------------------------
    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", self.invoice_ids.ids)]
        action["context"] = {"create": False}
        if len(self.invoice_ids) == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = self.invoice_ids.id
        return action


