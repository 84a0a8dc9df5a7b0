"""The emulated systems, their packages and default ports: what the CLI, the harness and the tests start.

The emulators know nothing of one another (``mocks.core`` imports no system): this table is the one place
that names them all.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

#: system name -> (package, default port); the order is the order ``erpsim up`` starts them in.
SYSTEMS: dict[str, tuple[str, int]] = {
    "netsuite": ("mocks.netsuite", 8701),
    "qms": ("mocks.qms", 8702),
    "wms": ("mocks.wms", 8703),
    "pos": ("mocks.pos", 8704),
    "ap": ("mocks.ap", 8705),
}


def system_module(name: str) -> ModuleType:
    """Import the package of one system (it exposes ``create_app`` and ``credentials``)."""
    return importlib.import_module(SYSTEMS[name][0])


def available_systems() -> list[str]:
    """The systems whose package exists in this checkout."""
    out = []
    for name, (package, _) in SYSTEMS.items():
        if importlib.util.find_spec(package) is not None:
            out.append(name)
    return out
