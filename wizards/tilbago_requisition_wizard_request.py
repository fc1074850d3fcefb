# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The request of the requisition wizard: the form as a ``tilbago.payload.Case`` and back,
and the case it is saved as before it is sent."""

import json

from odoo import api, fields, models

from ..tilbago import money as tilbago_money
from ..tilbago import payload as tilbago_payload

#: the values of a claim the wizard (main claim) and its lines have alike
CLAIM_FIELDS = (
    "amount", "reason", "due_date", "interest_rate", "interest_from", "collocation_class",
)  # fmt: skip


def _dec(value, digits=2):
    """A float from the ORM as the Decimal typed (its shortest repr, never Decimal(float))."""
    return tilbago_money.from_float(value or 0.0, digits)


def _rate(value):
    return _dec(value, 5).normalize()


class TilbagoRequisitionRequest(models.AbstractModel):
    _name = "tilbago.requisition.request"
    _description = "Requisition Wizard: Request"

    # the model using it has the claim (amount, reason, …, claim_line_ids), the debtor
    # (tilbago.requisition.debtor), the company and the case (case_id)

    def _tilbago_build_case(self, external_ref=None):
        """The request as a plain-layer Case (the Odoo layer never writes JSON by hand)."""
        self.ensure_one()
        ref = external_ref or (self.case_id.external_ref if self.case_id else "NEW")
        claims = [
            tilbago_payload.Claim(
                external_ref="%s-%d" % (ref, number),
                amount=_dec(claim.amount),
                reason=(claim.reason or "").strip() or None,
                interest_date_from=claim.interest_from or None,
                interest_rate=_rate(claim.interest_rate),
                collocation_class=claim.collocation_class or None,
            )
            # the wizard holds the main claim, its lines the further ones
            for number, claim in enumerate([self, *self.claim_line_ids], start=1)
        ]
        responsible = self.company_id.tilbago_responsible_user_id
        return tilbago_payload.Case(
            external_ref=ref,
            certificate_of_loss=bool(self.certificate_of_loss),
            debtor=self._tilbago_debtor_payload(),
            claim=claims[0],
            subsidiary_claims=claims[1:],
            responsible_person=(
                tilbago_payload.ResponsiblePerson(email=responsible.email)
                if responsible.email
                else None
            ),
            status="002" if self.review_in_tilbago else None,
        )

    @api.model
    def _tilbago_from_case(self, case):
        """A wizard on a case not yet in tilbago, filled from the request saved on it."""
        payload = tilbago_payload.Case.from_wire(json.loads(case.request_payload or "{}"))
        claims = case.claim_ids.sorted("sequence")
        main_claim = claims.filtered("is_main")[:1]
        main = payload.claim
        lines = []
        for number, claim in enumerate(payload.subsidiary_claims or (), start=2):
            sequence = 10 * number
            record = claims.filtered(lambda c, s=sequence: c.sequence == s)[:1]
            lines.append(
                {
                    "sequence": sequence,
                    "kind": record.kind or "other",
                    "invoice_id": record.invoice_id.id,
                    "due_date": record.due_date,
                    **self._tilbago_claim_form(claim),
                }
            )
        vals = {
            "case_id": case.id,
            "company_id": case.company_id.id,
            "invoice_ids": [fields.Command.set(case.claim_ids.invoice_id.ids)],
            "partner_id": case.partner_id.id,
            "main_invoice_id": main_claim.invoice_id.id,
            "due_date": main_claim.due_date,
            **self._tilbago_claim_form(main),
            "certificate_of_loss": bool(payload.certificate_of_loss),
            "review_in_tilbago": payload.status == "002",
            "claim_line_ids": [fields.Command.create(line) for line in lines],
            **self._tilbago_debtor_form(payload.debtor),
            "step": "claim",
        }
        # corrections written back are the ones made from now on, not the earlier ones
        vals["debtor_prefill"] = self._tilbago_prefill(vals)
        return self.create(vals)

    @api.model
    def _tilbago_claim_form(self, claim):
        """The form values of a claim of a saved request (a ``tilbago.payload.Claim``)."""
        return {
            "amount": float(claim.amount),
            "reason": claim.reason,
            "interest_rate": float(claim.interest_rate),
            "interest_from": claim.interest_date_from,
            "collocation_class": claim.collocation_class,
        }

    def _tilbago_case_vals(self):
        self.ensure_one()
        main = {
            "is_main": True,
            "kind": "invoice" if self.main_invoice_id else "other",
            "invoice_id": self.main_invoice_id.id,
        }
        claims = [(self, main)] + [
            (line, {"is_main": False, "kind": line.kind, "invoice_id": line.invoice_id.id})
            for line in self.claim_line_ids
        ]
        return {
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "partner_id": self.partner_id.id,
            "certificate_of_loss": self.certificate_of_loss,
            "review_in_tilbago": self.review_in_tilbago,
            "debtor_external_ref": self.debtor_external_ref,
            "claim_ids": [fields.Command.clear()]
            + [
                fields.Command.create(
                    dict(extra, sequence=10 * number, **{f: claim[f] for f in CLAIM_FIELDS})
                )
                for number, (claim, extra) in enumerate(claims, start=1)
            ],
        }

    def _tilbago_save_case(self):
        """Save the request as a case in draft, ready to send: claims, payload, documents."""
        self.ensure_one()
        case = self.case_id
        vals = self._tilbago_case_vals()
        # the case, its claims and what is sent are written by the addon only
        # (tilbago_evidence.py): superuser mode, after the checks above
        if case:
            case._tilbago_write(vals)
        else:
            case = self.env["tilbago.case"].sudo().create(vals).sudo(False)
            self.case_id = case
        payload = self._tilbago_build_case(external_ref=case.external_ref)
        for claim, wire_claim in zip(case.claim_ids.sorted("sequence"), payload.claims):
            claim._tilbago_write({"external_ref": wire_claim.external_ref})
        case._tilbago_write(
            {
                "request_payload": json.dumps(payload.to_wire(), indent=2, ensure_ascii=False),
                "state": "draft",
            }
        )
        self._tilbago_add_documents(case)
        if self.write_back:
            self._tilbago_save_corrections(case)
        case.message_post(
            body=self.env._(
                "Debt collection request prepared for %(debtor)s.",
                debtor=self.partner_id.display_name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return case

    def _tilbago_add_documents(self, case):
        """Keep the chosen files as documents of the case: they go out with the case."""
        attachments = self.attachment_ids - case.document_ids.attachment_id
        self.env["tilbago.case.document"].create(
            [
                {
                    "case_id": case.id,
                    "attachment_id": attachment.id,
                    "invoice_id": attachment.res_id
                    if attachment.res_model == "account.move"
                    else False,
                }
                for attachment in attachments
            ]
        )
