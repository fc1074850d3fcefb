"""``python -m tilbago``: see :mod:`tilbago.cli`."""

import sys

from .cli import main

sys.exit(main())
