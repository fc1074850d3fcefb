# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What was sent to tilbago is evidence: written by the addon's own methods only.

A debt collection request is a legal act. Its state, the body as sent, tilbago's id and
status, the claims as sent and the status history must tell what really happened, so no
user may write them: not through the form, JSON-RPC, an import or a server action.

How the addon's own code is told apart from a user: it writes these fields through
``sudo()`` (see ``_tilbago_write``) and the guard below lets a write through only when
``self.env.su`` is true. A context key would not do: a JSON-RPC caller sets the context
of its call freely. ``env.su`` cannot be set from outside: RPC runs every call as the
logged-in user without superuser mode, and only Python code running in the server can
switch it on. The writes keep the user's id (``sudo()`` keeps ``uid``), so the chatter,
the tracking and ``write_uid`` still name the user who pressed the button.
"""

from odoo import api, models
from odoo.exceptions import AccessError, UserError


class TilbagoEvidenceMixin(models.AbstractModel):
    _name = "tilbago.evidence.mixin"
    _description = "Debt Enforcement Evidence (written by the debt collection module only)"

    #: fields no user may write (the addon writes them in superuser mode);
    #: ``None``: the whole record (no user create, write or delete at all)
    _tilbago_protected_fields = None
    #: fields nobody may change once the record exists, not even the addon
    _tilbago_frozen_fields = ()

    def _tilbago_field_labels(self, fnames):
        return ", ".join(
            sorted(
                "'%s'" % self._fields[fname]._description_string(self.env)
                for fname in fnames
                if fname in self._fields
            )
        )

    def _tilbago_refuse(self, fnames=None):
        model = self.env["ir.model"]._get(self._name).name
        if fnames:
            message = self.env._(
                "%(fields)s of a %(model)s are written by the debt collection module "
                "only: they record what was sent to tilbago and what tilbago answered.",
                fields=self._tilbago_field_labels(fnames),
                model=model,
            )
        else:
            message = self.env._(
                "Records of %(model)s are created and changed by the debt collection "
                "module only: they record what was sent to tilbago and what tilbago "
                "answered.",
                model=model,
            )
        raise AccessError(message)

    def _tilbago_user_may_write(self, fnames):
        """Hook: protected fields a user may write in a given situation."""
        return set()

    def _tilbago_check_user_write(self, vals):
        if self.env.su:
            return
        if self._tilbago_protected_fields is None:
            self._tilbago_refuse()
        protected = set(vals) & set(self._tilbago_protected_fields)
        protected -= self._tilbago_user_may_write(protected)
        if protected:
            self._tilbago_refuse(protected)

    def _tilbago_check_frozen(self, vals):
        for fname in set(vals) & set(self._tilbago_frozen_fields):
            field = self._fields[fname]
            new = field.convert_to_cache(vals[fname], self)
            for record in self:
                if field.convert_to_cache(record[fname], self) != new:
                    raise UserError(
                        self.env._(
                            "The field %(field)s of %(record)s cannot be changed once "
                            "it is created.",
                            field=self._tilbago_field_labels([fname]),
                            record=record.display_name,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._tilbago_refuse()
        return super().create(vals_list)

    def write(self, vals):
        self._tilbago_check_user_write(vals)
        self._tilbago_check_frozen(vals)
        return super().write(vals)

    def unlink(self):
        if not self.env.su and self._tilbago_protected_fields is None:
            self._tilbago_refuse()
        return super().unlink()

    def _tilbago_write(self, vals):
        """Write as the addon (superuser mode, same user): the only way to the evidence.

        Only the addon's own methods call this, after the user was allowed to read the
        records (a method called over RPC reads them first, under the access rules).
        """
        return self.sudo().write(vals)
