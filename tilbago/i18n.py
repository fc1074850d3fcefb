"""Translation markers for the plain-Python layer.

The layer cannot import Odoo, yet its messages reach clerks in de/fr/it. Every
user-facing English source string is wrapped in :func:`_`, which returns it unchanged
here; Odoo's translation export collects ``_("...")`` literals from every ``.py`` file
of the addon, so they land in ``i18n/l10n_ch_tilbago.pot``. The Odoo layer then
translates the *template* at display time (``env._(problem.template, **params)``),
so the message is rendered in the user's language with the same parameters.
"""


def _(source):
    """Mark ``source`` for translation; return it unchanged."""
    return source


def render(template, params):
    """Fill ``template`` (``%(name)s`` placeholders) with ``params``."""
    return template % params if params else template
