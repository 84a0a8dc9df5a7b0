"""What every Locust process of a run shares: the profile, the seeded world, the run folder and the sinks.

Read from the variables ``erpsim load`` sets (``ERPSIM_LOAD_PROFILE``, ``ERPSIM_LOAD_WORLD``,
``ERPSIM_LOAD_RUN_DIR``), so the master and every worker of a distributed run see the same world.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .catalog import Catalogue, Sku, build_catalogue
from .profile import Profile, load_profile


@dataclass(frozen=True)
class StoreRef:
    """A store as the load users need it: POS register and warehouse, NetSuite location."""

    index: int
    storeid: int
    warehouseid: int
    registerid: str
    location: int


class Sink:
    """Append-only JSON lines file of one process (``<kind>-<pid>.jsonl`` in the run folder)."""

    def __init__(self, run_dir: Path, kind: str) -> None:
        self.path = run_dir / f"{kind}-{os.getpid()}.jsonl"
        self._lock = threading.Lock()

    def write(self, **row: Any) -> None:
        """Append one row and flush it (the run process tails these files for its progress line)."""
        line = json.dumps(row, separators=(",", ":")) + "\n"
        with self._lock, self.path.open("a") as fh:
            fh.write(line)


@dataclass
class LoadContext:
    """The profile, catalogue, world and credentials of a run."""

    profile: Profile
    catalogue: Catalogue
    world: dict[str, Any]
    run_dir: Path

    @property
    def env(self) -> dict[str, str]:
        """The emulators' ERPSIM_* variables."""
        return dict(self.world["env"])

    @property
    def stores(self) -> list[StoreRef]:
        """Every store of the world."""
        return [
            StoreRef(s["index"], s["storeid"], s["warehouseid"], s["registerid"], s["location"])
            for s in self.world["stores"]
        ]

    def item_id(self, sku: str) -> int:
        """NetSuite internal id of a SKU."""
        return int(self.world["items"][sku])

    @property
    def pos_site_path(self) -> str:
        """The POS API's site path (``/v2/accounts/<account>/sites/<site>``), as the run found it."""
        return str(self.world["pos_site_path"])

    @property
    def pos_auth(self) -> str:
        """The POS Basic authorization header value."""
        env = self.env
        raw = f"{env['ERPSIM_POS_API_ID']}:{env['ERPSIM_POS_API_PASSWORD']}".encode()
        return "Basic " + base64.b64encode(raw).decode()

    @property
    def admin(self) -> dict[str, str]:
        """The control-plane header."""
        return {"X-Erpsim-Admin-Token": self.env.get("ERPSIM_ADMIN_TOKEN", "erpsim-admin")}

    def bestsellers(self) -> list[Sku]:
        """The top 1 % of SKUs by demand (at least one)."""
        return self.catalogue.skus[: max(1, len(self.catalogue.skus) // 100)]


@cache
def load_context() -> LoadContext:
    """The run's context, read once per process from the ERPSIM_LOAD_* variables."""
    profile = load_profile(os.environ["ERPSIM_LOAD_PROFILE"])
    world = json.loads(Path(os.environ["ERPSIM_LOAD_WORLD"]).read_text())
    w = profile.world
    catalogue = build_catalogue(w.seed, w.skus, w.stores, w.skew, w.tracer_skus)
    return LoadContext(profile, catalogue, world, Path(os.environ["ERPSIM_LOAD_RUN_DIR"]))
