"""Plain-Python layer of l10n_ch_tilbago: everything about tilbago that needs no Odoo.

Nothing below this package imports ``odoo``. The Odoo layer hands it plain values and gets
plain values back: payload classes (:mod:`.payload`), validation (:mod:`.validation`),
Swiss rules (:mod:`.swiss`), address parsing (:mod:`.address`), the HTTP client
(:mod:`.client`), tilbago status classification (:mod:`.status`), the local sandbox
(:mod:`.sandbox`) and the command line (``python -m tilbago``).
"""
