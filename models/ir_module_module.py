# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A language activated after the addon: the default reminder levels get its names."""

from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """Odoo translates what the addon's data files create; the default reminder
        levels are created in code (one set per company), so their names are
        translated here, whenever the addon's terms are loaded for a language: a
        company that adds German after installing the addon then prints "1. Mahnung",
        not "Reminder 1"."""
        res = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        if "l10n_ch_tilbago" in modules and "tilbago.reminder.level" in self.env:
            self.env["tilbago.reminder.level"]._tilbago_translate_defaults(langs)
        return res
