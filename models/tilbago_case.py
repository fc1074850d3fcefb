# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Debt enforcement cases followed in tilbago.

A ``tilbago.case`` is one debt collection request (réquisition de poursuite /
Betreibungsbegehren) sent to tilbago: the debtor, the claims as sent, tilbago's case id,
the external reference that makes a retry safe, the status tilbago reports and its
history, and the documents attached to it.

Sending is commit-safe: the case and its external reference are saved (and committed,
outside tests) before the request goes out, so an answer lost in transit never leads to a
second case in tilbago: a retry resends the very same request body, with the same
``externalRef``, and tilbago either creates the case or refuses the duplicate.
"""

import json
import logging
import threading
import uuid

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..tilbago import exceptions as tilbago_exceptions
from ..tilbago import status as tilbago_status
from ..tilbago import storage as tilbago_storage
from ..tilbago import sync as tilbago_sync
from ..tilbago import swiss as tilbago_swiss

_logger = logging.getLogger(__name__)

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

#: the case states are tilbago's stages (tilbago.status), plus "unknown"
FOLLOWED_STATES = tilbago_status.FOLLOWED_STAGES
FINISHED_STATES = tilbago_status.FINISHED_STAGES

#: defined once in the plain layer, shared by the case, the wizard and the settings
COLLOCATION_SELECTION = tilbago_swiss.COLLOCATION_SELECTION

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


def _worker_clients(client):
    """The clients of tilbago.sync's workers: ``client`` itself, then clones of it.

    Made in the worker threads, without the database: the URL and the key were read by
    ``_tilbago_client_for`` before.
    """
    spare = [client]
    lock = threading.Lock()

    def make():
        with lock:
            if spare:
                return spare.pop()
        return client.clone()

    return make


def _in_test():
    from odoo.modules import module

    return bool(module.current_test)


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
        default=lambda self: _("New"),
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
            if not vals.get("name") or vals["name"] == _("New"):
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("tilbago.case") or _("New")
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
                    _(
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
        """Return a TilbagoClient for ``company``; the API key is read as superuser.

        The key never leaves this method: not in the case, the payload, the chatter or
        an error message.
        """
        if hasattr(company, "_tilbago_client"):
            return company._tilbago_client()
        from ..tilbago import client as tilbago_client

        company_sudo = company.sudo()
        return tilbago_client.TilbagoClient(
            company_sudo._tilbago_url(),
            company_sudo.tilbago_api_key or "",
            timeout=30,
        )

    def _tilbago_payload_case(self):
        """The request as a plain-layer Case, rebuilt from the body saved on the case."""
        self.ensure_one()
        from ..tilbago import payload as tilbago_payload

        if not self.request_payload:
            raise UserError(
                _("The case %(case)s has no request to send.", case=self.display_name)
            )
        return tilbago_payload.Case.from_wire(json.loads(self.request_payload))

    @api.model
    def _tilbago_translate_problem(self, problem):
        """A plain-layer Problem rendered in the user's language."""
        render = getattr(problem, "render", None)
        if render:
            try:
                return render(self.env._)
            except (KeyError, TypeError, ValueError):
                # a translation whose placeholders do not match: the English text
                _logger.warning("Untranslatable problem %r", problem, exc_info=True)
        return getattr(problem, "message", str(problem))

    @api.model
    def _tilbago_error_text(self, error):
        """Return (kind, words) for a TilbagoError: what happened, in the user's language."""
        exc = tilbago_exceptions
        duplicate = getattr(exc, "DuplicateReference", None)
        if isinstance(error, exc.InvalidPayload):
            lines = [self._tilbago_translate_problem(p) for p in error.problems]
            return "invalid", _(
                "The request was not sent, the data are incomplete:\n%(problems)s",
                problems="\n".join("- %s" % line for line in lines),
            )
        if isinstance(error, exc.AuthenticationError):
            return "auth", _(
                "tilbago refused the API key (401). A manager must check the key in "
                "%(settings)s (generated in tilbago under My account > Company > "
                "Generate the API key).",
                settings=self.env["res.company"]._tilbago_settings_path(),
            )
        if isinstance(error, exc.InsufficientBalance):
            return "balance", _(
                "tilbago refused the request because the balance of your tilbago "
                "account is spent (402). Top it up in tilbago, then retry."
            )
        if duplicate and isinstance(error, duplicate):
            return "duplicate", _(
                "tilbago already has a case with the external reference %(ref)s: an "
                "earlier attempt reached tilbago although its answer was lost. Find the "
                "case in tilbago (search for the reference %(ref)s) and enter its "
                "tilbago case ID here. tilbago said: %(message)s",
                ref=self.external_ref if self else "",
                message=error.message,
            )
        if isinstance(error, exc.Rejected):
            return "rejected", _(
                "tilbago refused the request (%(status)s): %(message)s",
                status=error.status,
                message=error.message,
            )
        retry = _(
            "Retry later: the same request is sent again with the same reference, so no "
            "second case can be opened."
        )
        if isinstance(error, exc.ServerError):
            return "server", "%s %s" % (_(
                "tilbago failed to process the request (HTTP %(status)s) and may or may "
                "not have opened the case.",
                status=error.status,
            ), retry)
        if isinstance(error, exc.TransportError):
            what = {
                exc.TransportError.TIMEOUT: _("tilbago did not answer in time."),
                exc.TransportError.TLS: _("The secure connection to tilbago failed."),
            }.get(getattr(error, "kind", None)) or _("tilbago could not be reached.")
            return "transport", "%s %s" % (what, retry)
        if isinstance(error, exc.ProtocolError):
            return "protocol", _("tilbago answered something unexpected. Retry later.")
        return "server", _("tilbago reported an error. Retry later.")

    @api.model
    def _tilbago_error_detail(self, error):
        """The technical detail of a TilbagoError (URL, HTTP status, what the library
        said), kept apart from the clerk's sentence: shown under *Technical Details* and
        written to the log. None for the errors whose sentence already says everything
        (invalid data, tilbago's own refusal, which may hold debtor data)."""
        exc = tilbago_exceptions
        if isinstance(error, (exc.InvalidPayload, exc.Rejected)):
            return None
        if isinstance(error, exc.ApiError):
            return "HTTP %s: %s" % (error.status, error.message)
        return getattr(error, "detail", None) or str(error)

    # -- sending ---------------------------------------------------------------------
    @api.model
    def _tilbago_commit(self):
        """Commit so that what was saved survives a crash of what follows (not in tests)."""
        if not _in_test():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _tilbago_send(self):
        """Send the saved request to tilbago; never raises for tilbago's answers.

        On success the case holds tilbago's id; on failure it is in state *error* with
        the reason in words. Returns True when tilbago opened the case.
        """
        self.ensure_one()
        if self.tilbago_id:
            raise UserError(
                _(
                    "The case %(case)s is already in tilbago (ID %(id)s).",
                    case=self.display_name,
                    id=self.tilbago_id,
                )
            )
        from ..tilbago import validation as tilbago_validation

        payload_case = self._tilbago_payload_case()
        problems = tilbago_validation.validate_case(payload_case)
        if problems:
            self._tilbago_set_error(tilbago_exceptions.InvalidPayload(problems))
            return False
        try:  # the invoices again: one may have been paid since the case was saved
            self.claim_ids._check_tilbago_claims()
        except UserError as error:
            self._tilbago_set_config_error(error, kind="invalid")
            return False
        # a case left in "sending" (the worker died waiting) may have reached tilbago
        was_unknown = self.outcome_unknown or self.state == "sending"
        try:
            client = self._tilbago_client()
        except (UserError, ValueError) as error:
            self._tilbago_set_config_error(error)
            return False
        self._tilbago_write({"state": "sending", "send_attempts": self.send_attempts + 1})
        self._tilbago_commit()
        try:
            with client:
                tilbago_id = client.create_case(payload_case)
        except tilbago_exceptions.TilbagoError as error:
            self._tilbago_set_error(error, after_unknown=was_unknown)
            return False
        self._tilbago_mark_sent(tilbago_id)
        return True

    def _tilbago_set_config_error(self, error, kind="config"):
        self.ensure_one()
        words = error.args[0] if isinstance(error, UserError) else _(
            "tilbago is not configured for %(company)s: %(reason)s",
            company=self.company_id.name,
            reason=str(error),
        )
        self._tilbago_write({"state": "error", "error_kind": kind, "last_error": words})
        self.message_post(
            body=_("Sending to tilbago failed: %(reason)s", reason=words),
            subtype_xmlid="mail.mt_note",
        )

    def _tilbago_set_error(self, error, after_unknown=False):
        self.ensure_one()
        kind, words = self._tilbago_error_text(error)
        if kind == "duplicate" and not after_unknown:
            # the reference was taken by something else than an earlier attempt of ours
            words = _(
                "tilbago refused the request because a case with the external reference "
                "%(ref)s already exists in tilbago. If it is this case, enter its "
                "tilbago case ID here. tilbago said: %(message)s",
                ref=self.external_ref,
                message=error.message,
            )
        unknown = self.outcome_unknown or kind in ("server", "transport", "protocol")
        detail = self._tilbago_error_detail(error)
        self._tilbago_write(
            {
                "state": "error",
                "error_kind": kind,
                "last_error": words,
                "error_detail": detail or False,
                "outcome_unknown": unknown and kind != "duplicate",
            }
        )
        self.message_post(
            body=_("Sending to tilbago failed: %(reason)s", reason=words),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        _logger.info(
            "tilbago case %s: sending failed (%s)%s", self.name, kind,
            ": %s" % detail if detail else "",
        )  # the sentence may hold debtor data: only the technical detail is logged

    def _tilbago_mark_sent(self, tilbago_id):
        self.ensure_one()
        self._tilbago_write(
            {
                "tilbago_id": tilbago_id,
                "state": "review" if self.review_in_tilbago else "submitted",
                "date_sent": fields.Datetime.now(),
                "last_error": False,
                "error_detail": False,
                "error_kind": False,
                "outcome_unknown": False,
            }
        )
        self._tilbago_link_invoices()
        message = _(
            "Debt collection request sent to tilbago: tilbago case ID %(id)s, external "
            "reference %(ref)s.",
            id=tilbago_id,
            ref=self.external_ref,
        )
        self.message_post(body=message, subtype_xmlid="mail.mt_note")
        for invoice in self.claim_ids.invoice_id:
            invoice.message_post(
                body=_(
                    "Debt enforcement case %(case)s opened in tilbago (tilbago case ID "
                    "%(id)s).",
                    case=self.name,
                    id=tilbago_id,
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._tilbago_add_history(
            self.state, False, _("Request sent to tilbago"), False
        )
        self._tilbago_commit()
        # where tilbago put it (e.g. 002, waiting for the review): one GET, best effort
        try:
            with self._tilbago_client() as client, self.env.cr.savepoint():
                self._tilbago_refresh_one(client)
        except (tilbago_exceptions.TilbagoError, UserError, ValueError) as error:
            _logger.info("tilbago case %s: first status not read (%s)", self.name,
                         type(error).__name__)
        if self.company_id.tilbago_attach_invoice:
            self._tilbago_attach_invoices()
        else:
            # documents attached while the case was not in tilbago yet
            self.document_ids._tilbago_upload()
        self._tilbago_store_files(render_missing_pdf=True)

    def _tilbago_attach_invoices(self):
        """Render the invoices' PDFs, keep them as documents and send them to tilbago."""
        self.ensure_one()
        documents = self.env["tilbago.case.document"]
        for invoice in self.claim_ids.invoice_id:
            attachment = invoice.invoice_pdf_report_id
            if attachment and documents._tilbago_duplicates(
                self, [(attachment.name, attachment.sudo().checksum)]
            ):
                continue  # chosen with the request already: sent once
            if not attachment or documents._tilbago_attachment_problem(self, attachment):
                content, _type = self.env["ir.actions.report"].sudo()._render_qweb_pdf(
                    "account.account_invoices", invoice.ids
                )
                attachment = self.env["ir.attachment"].create(
                    {
                        "name": "%s.pdf" % (invoice.name or "invoice").replace("/", "_"),
                        "raw": content,
                        "mimetype": "application/pdf",
                        "res_model": self._name,
                        "res_id": self.id,
                        "company_id": self.company_id.id,
                    }
                )
            documents |= documents.create(
                {"case_id": self.id, "attachment_id": attachment.id, "invoice_id": invoice.id}
            )
        # with any document attached before the case reached tilbago
        self.document_ids._tilbago_upload()

    def _tilbago_store_files(self, render_missing_pdf=False):
        """Mirror each case into its folder under the company's storage folder.

        Called after sending, after each status refresh and after documents are
        attached. Writes (see ``tilbago.storage``): ``request.json`` (the body as sent;
        the API key is never in it, and is masked should it ever appear), ``case.json``,
        ``history.csv`` / ``history.json``, the invoice PDFs under ``invoices/`` and the
        other documents under ``documents/``. Only what changed is written.

        Never raises for the disk: an unwritable folder is logged and shown on the case
        (``storage_error``), the send or the sync goes on. ``render_missing_pdf`` (on
        send) renders the PDF of an invoice that has none yet.
        """
        cases = self.filtered(lambda c: c.company_id.tilbago_storage_path)
        (self - cases).filtered("storage_error")._tilbago_write({"storage_error": False})
        if not cases:
            return True
        keys = {
            company: company.sudo().tilbago_api_key for company in cases.company_id
        }
        for case in cases:
            root = case.company_id.tilbago_storage_path.strip()
            try:
                folder, _written = tilbago_storage.mirror_case(
                    root,
                    case.name,
                    summary=case._tilbago_storage_summary(),
                    request=json.loads(case.request_payload) if case.request_payload else None,
                    history=case._tilbago_storage_history(),
                    files=case._tilbago_storage_files(render_missing_pdf),
                    secrets=(keys[case.company_id],),
                )
            except (OSError, ValueError) as error:
                reason = getattr(error, "strerror", None) or str(error)
                words = _(
                    "The case files could not be written to the folder %(folder)s "
                    "(%(reason)s). The case itself is not affected; a manager must check "
                    "the Case Files Folder in %(settings)s, or give the Odoo server write "
                    "access to it.",
                    folder=root,
                    reason=reason,
                    settings=self.env["res.company"]._tilbago_settings_path(),
                )
                _logger.warning(
                    "tilbago case %s: case files not written to %s: %s", case.name, root, reason
                )
                if case.storage_error != words:
                    case._tilbago_write({"storage_error": words})
                continue
            vals = {}
            if case.storage_error:
                vals["storage_error"] = False
            if case.storage_folder != folder:
                vals["storage_folder"] = folder
            if vals:
                case._tilbago_write(vals)
        return True

    def _tilbago_storage_summary(self):
        """What ``case.json`` holds: the case now (no API key, no timestamp of the sync)."""
        self.ensure_one()
        state_labels = dict(CASE_STATES)
        return {
            "reference": self.name,
            "company": self.company_id.name,
            "debtor": self.partner_id.display_name,
            "tilbago_id": self.tilbago_id or None,
            "external_ref": self.external_ref,
            "state": self.state,
            "state_label": state_labels.get(self.state),
            "tilbago_status_code": self.tilbago_status_code or None,
            "tilbago_status_description": self.tilbago_status_description or None,
            "eschkg_code": self.tilbago_eschkg_code or None,
            "date_sent": fields.Datetime.to_string(self.date_sent) if self.date_sent else None,
            "currency": self.currency_id.name,
            "amount_claimed": self.amount_total,
            "claims": [
                {
                    "main": claim.is_main,
                    "external_ref": claim.external_ref or None,
                    "reason": claim.reason,
                    "amount": claim.amount,
                    "due_date": fields.Date.to_string(claim.due_date) if claim.due_date else None,
                    "interest_rate": claim.interest_rate,
                    "interest_from": fields.Date.to_string(claim.interest_from)
                    if claim.interest_from else None,
                    "collocation_class": claim.collocation_class,
                    "invoice": claim.invoice_id.name or None,
                }
                for claim in self.claim_ids
            ],
            "documents": [
                {
                    "name": document.name,
                    "invoice": document.invoice_id.name or None,
                    "tilbago_attachment_id": document.tilbago_attachment_id or None,
                    "state": document.state,
                    "error": document.last_error or None,
                }
                for document in self.document_ids
            ],
        }

    def _tilbago_storage_history(self):
        self.ensure_one()
        return [
            {
                "date": fields.Datetime.to_string(line.date),
                "state": line.state,
                "status_code": line.status_code or None,
                "description": line.description or None,
                "eschkg_code": line.eschkg_code or None,
            }
            for line in self.history_ids.sorted(lambda h: (h.date, h.id))
        ]

    def _tilbago_storage_files(self, render_missing_pdf=False):
        """``(subfolder, name, size, load)`` of the invoice PDFs and the documents."""
        self.ensure_one()
        files = []
        with_pdf = self.env["account.move"]
        Document = self.env["tilbago.case.document"]
        for document in self.document_ids.sorted("id"):
            if Document._tilbago_attachment_problem(self, document.attachment_id):
                continue  # not a file of this case: never copied into its folder
            # checked when the document was created: read as superuser
            attachment = document.attachment_id.sudo()
            subfolder = "invoices" if document.invoice_id else "documents"
            with_pdf |= document.invoice_id
            files.append(
                (subfolder, document.name, attachment.file_size, lambda a=attachment: a.raw or b"")
            )
        for invoice in self.claim_ids.invoice_id - with_pdf:
            name = "%s.pdf" % (invoice.name or "invoice")
            attachment = invoice.sudo().invoice_pdf_report_id
            if attachment:
                files.append(
                    ("invoices", name, attachment.file_size, lambda a=attachment: a.raw or b"")
                )
            elif render_missing_pdf:
                content, _type = self.env["ir.actions.report"].sudo()._render_qweb_pdf(
                    "account.account_invoices", invoice.ids
                )
                files.append(("invoices", name, len(content), lambda c=content: c))
        return files

    def action_retry(self):
        """Send the same request again (same external reference): never a second case."""
        for case in self:
            if case.state not in ("error", "draft", "sending") or case.tilbago_id:
                raise UserError(
                    _(
                        "Only a case in error or draft can be sent again (%(case)s is "
                        "%(state)s).",
                        case=case.display_name,
                        state=dict(CASE_STATES)[case.state],
                    )
                )
            case._tilbago_send()
        if len(self) == 1:
            return self._tilbago_notify_result()
        return True

    def _tilbago_notify_result(self):
        self.ensure_one()
        if self.tilbago_id:
            params = {
                "title": _("Sent to tilbago"),
                "message": _(
                    "The debt collection request %(case)s is in tilbago: case ID %(id)s.",
                    case=self.name,
                    id=self.tilbago_id,
                ),
                "type": "success",
                "sticky": False,
            }
        else:
            params = {
                "title": _("Not sent"),
                "message": self.last_error,
                "type": "danger",
                "sticky": True,
            }
        params["next"] = {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "current",
        }
        return {"type": "ir.actions.client", "tag": "display_notification", "params": params}

    def action_edit_request(self):
        """Reopen the requisition wizard on this case to correct what tilbago refused."""
        self.ensure_one()
        if self.tilbago_id or self.state not in ("draft", "error"):
            raise UserError(_("Only a case not yet in tilbago can be corrected."))
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
                _(
                    "Attach a document to one case at a time: select a single case "
                    "(%(count)s are selected).",
                    count=len(self),
                )
            )
        wizard = self.env["tilbago.attach.document.wizard"].create({"case_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": _("Attach Document"),
            "res_model": wizard._name,
            "res_id": wizard.id,
            "views": [(False, "form")],
            "target": "new",
        }

    def action_close(self):
        """Close a case by hand (e.g. settled outside the enforcement, or abandoned)."""
        for case in self:
            case._tilbago_add_history("closed", False, _("Marked as closed in Odoo"), False)
            case._tilbago_write({"state": "closed"})
        return True

    # -- status ----------------------------------------------------------------------
    @api.model
    def _tilbago_state_from_code(self, code):
        stage = tilbago_status.classify(code)
        if stage and stage in dict(CASE_STATES):
            return stage
        return "unknown"

    def _tilbago_add_history(self, state, code, description, eschkg_code):
        self.ensure_one()
        return self.env["tilbago.case.history"].sudo().create(
            {
                "case_id": self.id,
                "state": state,
                "status_code": code or False,
                "description": description or False,
                "eschkg_code": eschkg_code or False,
            }
        )

    def _tilbago_apply_status(self, status):
        """Write a CaseStatus from tilbago; a history line when anything changed."""
        self.ensure_one()
        return bool(self._tilbago_apply_statuses({self: status}))

    def _tilbago_apply_statuses(self, statuses):
        """Write the CaseStatus of each case of ``statuses`` ({case: status}) in batch.

        Cases whose status did not move get their ``last_sync`` in one UPDATE. Those
        that moved are written grouped by what they get (one UPDATE per distinct
        status), their history lines in one ``create``, their chatter notes in one
        ``_message_log_batch`` per language, so a sync of many cases costs a few
        queries per moved case, not one ``message_post`` each. The state is not tracked
        for these writes: the note says the new status, the history keeps every step.
        Returns the cases that moved.
        """
        now = fields.Datetime.now()
        cases = self.browse([case.id for case in statuses])
        moved = cases.filtered(lambda c: c._tilbago_status_changed(statuses[c]))
        (cases - moved)._tilbago_write({"last_sync": now})
        if not moved:
            return moved
        groups = {}
        history = []
        noted = self.browse()
        for case in moved:
            status = statuses[case]
            code = getattr(status, "status_code", None) or False
            description = getattr(status, "description", None) or False
            eschkg = getattr(status, "eschkg_code", None) or False
            state = case._tilbago_state_from_code(code or None)
            if state != case.state:
                noted |= case
            groups.setdefault((code, description, eschkg, state), self.browse())
            groups[(code, description, eschkg, state)] |= case
            history.append({"case_id": case.id, "state": state, "status_code": code,
                            "description": description, "eschkg_code": eschkg})
        for (code, description, eschkg, state), group in groups.items():
            group.with_context(mail_notrack=True)._tilbago_write({
                "last_sync": now,
                "tilbago_status_code": code,
                "tilbago_status_description": description,
                "tilbago_eschkg_code": eschkg,
                "state": state,
            })
        self.env["tilbago.case.history"].sudo().create(history)
        noted._tilbago_note_statuses(statuses)
        return moved

    def _tilbago_status_changed(self, status):
        """Whether ``status`` (a CaseStatus) says something the case does not know yet."""
        self.ensure_one()
        code = getattr(status, "status_code", None)
        return (
            code != (self.tilbago_status_code or None)
            or getattr(status, "eschkg_code", None) != (self.tilbago_eschkg_code or None)
            or self._tilbago_state_from_code(code) != self.state
        )

    def _tilbago_refresh_one(self, client):
        """Ask tilbago where the case stands; raises TilbagoError."""
        self.ensure_one()
        status = client.get_status(self.tilbago_id)
        self._tilbago_apply_status(status)
        self._tilbago_store_files()
        return status

    def _tilbago_refresh(self, raise_on_error=True):
        """Refresh the status of ``self``, company by company.

        First every status is read, by ``tilbago.sync.read_statuses``: up to the
        company's *Status Reads at Once* requests in flight (one HTTP session per worker
        thread, the key read once per company, no database work in the threads), at most
        its *Status Reads per Second*, slowed down by a 429/503 answer. Then
        ``_tilbago_apply_statuses`` writes them in batch.
        Each case's error is logged without stopping the others.
        Returns (done, errors) where errors maps case -> words.
        """
        errors = {}
        done = self.browse()
        for company in self.company_id:
            cases = self.filtered(lambda c, co=company: c.company_id == co and c.tilbago_id)
            if not cases:
                continue
            try:
                client = self._tilbago_client_for(company)
            except (UserError, ValueError) as error:
                for case in cases:
                    errors[case] = error.args[0] if error.args else str(error)
                _logger.warning("tilbago: no client for company %s", company.name)
                continue
            statuses = {}
            report = tilbago_sync.read_statuses(
                _worker_clients(client),
                cases.mapped("tilbago_id"),
                # a client that cannot be cloned (a test double) serves one worker
                connections=(company.tilbago_sync_connections or 1)
                if hasattr(client, "clone") else 1,
                rate=company.tilbago_sync_rate or None,
            )
            for case in cases:
                result = report.results.get(case.tilbago_id)
                if isinstance(result, tilbago_exceptions.TilbagoError):
                    _kind, words = case._tilbago_error_text(result)
                    errors[case] = words
                    _logger.warning(
                        "tilbago case %s: status refresh failed: %s (%s)",
                        case.name,
                        type(result).__name__,
                        case._tilbago_error_detail(result) or "-",
                    )
                elif result is not None:
                    statuses[case] = result
            answered = self.browse([case.id for case in statuses])
            answered._tilbago_apply_statuses(statuses)
            answered._tilbago_store_files()
            done |= answered
        return done, errors

    def action_refresh_status(self):
        cases = self.filtered("tilbago_id")
        if not cases:
            raise UserError(
                _("None of the selected cases is in tilbago yet: there is no status to ask for.")
            )
        free = cases._tilbago_lock_free()
        done, errors = free._tilbago_refresh()
        for case in cases - free:
            errors[case] = _(
                "its status is being refreshed right now (by the scheduled job); try "
                "again in a minute."
            )
        if errors:
            message = "\n".join(
                "%s: %s" % (case.name, words) for case, words in errors.items()
            )
            if len(cases) == 1:
                raise UserError(message)
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": _("Some statuses could not be refreshed"),
                    "message": message,
                    "type": "warning",
                    "sticky": True,
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        states = dict(self._fields["state"]._description_selection(self.env))
        if len(done) == 1:
            message = _(
                "%(case)s is now %(state)s: %(status)s",
                case=done.name,
                state=states.get(done.state, done.state),
                status=done.tilbago_status_label or "-",
            )
        else:
            message = _(
                "%(count)s case(s) refreshed from tilbago: %(states)s.",
                count=len(done),
                states=", ".join(
                    "%s %s" % (len(done.filtered(lambda c, s=state: c.state == s)), label)
                    for state, label in states.items()
                    if state in done.mapped("state")
                ),
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Status refreshed"),
                "message": message,
                "type": "success",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_refresh_status(self, batch_size=100, min_age_minutes=50):
        """Hourly: refresh the open cases of every company, in committed batches.

        Cases refreshed less than ``min_age_minutes`` ago are skipped, so a run that
        is rescheduled (Odoo's cron runs the job again while work remains) goes on with
        the cases not done yet. Progress is reported with ``ir.cron._notify_progress``;
        Odoo commits after each batch.
        """
        limit_date = fields.Datetime.subtract(
            fields.Datetime.now(), minutes=min_age_minutes
        )
        domain = [
            ("state", "in", FOLLOWED_STATES),
            ("tilbago_id", "!=", False),
            "|",
            ("last_sync", "=", False),
            ("last_sync", "<", limit_date),
        ]
        Case = self.sudo().with_context(active_test=False)
        remaining = Case.search_count(domain)
        cases = Case._tilbago_lock_batch(domain, batch_size)
        done, errors = cases._tilbago_refresh()
        # cases in error are marked as looked at, so the next batch moves on
        failed = cases - done
        if failed:
            failed._tilbago_write({"last_sync": fields.Datetime.now()})
            for case, words in errors.items():
                case.message_post(
                    body=_("Status refresh failed: %(reason)s", reason=words),
                    subtype_xmlid="mail.mt_note",
                )
        self.env["ir.cron"]._notify_progress(
            done=len(cases), remaining=max(remaining - len(cases), 0)
        )
        return len(cases), len(errors)

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

