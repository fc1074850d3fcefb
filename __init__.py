# Odoo loads this addon as odoo.addons.l10n_ch_tilbago. pytest, collecting the plain-Python
# suite (tilbago/tests), also imports this file, under another name, because the repository
# root is a package: the Odoo models must not load then (odoo refuses them outside
# odoo.addons), so the plain suite runs with or without Odoo installed.
if __name__.startswith("odoo.addons."):
    from . import models
    from . import wizards
