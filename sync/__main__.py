"""``python -m sync``: the same as ``erpsim sync``."""

import sys

from .cli import main

sys.exit(main())
