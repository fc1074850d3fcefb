# Copyright 2026 l10n_ch_tilbago contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A batch of reminders compiles its template's body once, not once per invoice."""

from lxml import etree

from odoo import models

#: context key set while a batch of reminders is rendered: the inline QWeb templates
#: (the bodies of mail templates) are compiled once per transaction, not per record
INLINE_CACHE_CONTEXT_KEY = "tilbago_qweb_inline_cache"
#: where the compiled templates are kept: the cursor's cache, dropped with the cursor
_CURSOR_CACHE = "l10n_ch_tilbago.qweb_inline"


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile(self, template):
        """Odoo caches the compiled code of a view, but compiles an inline template
        (an etree, as mail renders a template's body) again for every record: for a
        reminder e-mail that was 18 % of its time (benchmarks/README.md). While a batch
        of reminders is rendered (``INLINE_CACHE_CONTEXT_KEY``), the compiled code of
        an inline template is kept in the cursor's cache, keyed as Odoo keys a view's
        (the context keys of ``_get_template_cache_keys``, mail's restricted mode
        included) plus the template's source and the other option the compilation
        reads (``preserve_comments``): the same source compiles to the same functions,
        which take the values of each record when called, as a cached view's do."""
        if not (
            isinstance(template, etree._Element)
            and self.env.context.get(INLINE_CACHE_CONTEXT_KEY)
        ):
            return super()._compile(template)
        context = self.env.context
        key = (
            etree.tostring(template),
            tuple(context.get(k) for k in self._get_template_cache_keys()),
            context.get("preserve_comments"),
        )
        cache = self.env.cr.cache.setdefault(_CURSOR_CACHE, {})
        if key not in cache:
            cache[key] = super()._compile(template)
        return cache[key]
