"""pytest at the repository root, which is also the Odoo addon.

The root ``__init__.py`` imports the addon's Odoo models. pytest would import it as a
package before any test of ``tilbago/tests`` runs, and Odoo refuses models loaded outside
``odoo.addons.*`` (and a machine without Odoo cannot import them at all). The plain-Python
suite needs none of it, so the root folder is collected as a plain directory.
"""

from pathlib import Path

import pytest

if hasattr(pytest, "Dir"):  # pytest >= 8

    def pytest_collect_directory(path, parent):
        path = Path(path)
        if path == Path(parent.config.rootpath) and (path / "__init__.py").is_file():
            return pytest.Dir.from_parent(parent, path=path)
        return None
