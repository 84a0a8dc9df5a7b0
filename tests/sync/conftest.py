"""Engine test fixtures: the five emulators on real loopback ports, and engines pointed at them.

The engine is a client of the systems' public APIs only; the tests drive the world through each emulator's
control plane (reset, seed, act, state, faults) as the harness does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from harness.systems import SYSTEMS, system_module
from mocks.core.config import EmulatorConfig
from sync.config import SyncConfig
from sync.engine import Engine
from tests.conftest import ADMIN, ThreadServer


class World:
    """Five emulators on loopback, driven through their control planes."""

    def __init__(self, data_dir: Path) -> None:
        self.servers: dict[str, ThreadServer] = {}
        self.env: dict[str, str] = {}
        self.http = requests.Session()
        self.http.headers.update(ADMIN)
        for name in SYSTEMS:
            config = EmulatorConfig(
                system=name, data_dir=data_dir / name, db_url=f"sqlite:///{data_dir / name}.db"
            )
            module = system_module(name)
            server = ThreadServer(module.create_app(config))
            self.servers[name] = server
            prefix = f"ERPSIM_{name.upper()}_"
            self.env[f"{prefix}URL"] = server.url
            self.env.update({f"{prefix}{k.upper()}": v for k, v in module.credentials(config).items()})

    def url(self, system: str) -> str:
        """Base URL of one emulator."""
        return self.servers[system].url

    def control(self, system: str, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        """A control-plane call (``/__erpsim/<path>``), asserting the status."""
        r = self.http.request(method, f"{self.url(system)}/__erpsim/{path}", json=body, timeout=30)
        assert r.status_code == status, (system, path, r.status_code, r.text[:500])
        return r.json() if r.content else None

    def act(self, system: str, action: str, body: dict[str, Any] | None = None, status: int = 200) -> Any:
        """What a person inside a system does (``act/<action>``)."""
        return self.control(system, "POST", f"act/{action}", body or {}, status)

    def reset(self) -> None:
        """Reset every system (and so their caches)."""
        for system in SYSTEMS:
            self.control(system, "POST", "reset", {})

    def state(self, system: str, *tables: str) -> Any:
        """The state dump of a system (optionally only some tables)."""
        path = "state" + (f"?tables={','.join(tables)}" if tables else "")
        return self.control(system, "GET", path)

    def deliver_webhooks(self) -> None:
        """Deliver every pending webhook of every system now."""
        for system in SYSTEMS:
            self.control(system, "POST", "webhooks/deliver", {})

    def stop(self) -> None:
        """Stop every server."""
        for server in self.servers.values():
            server.stop()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """One world per test module, reset before each test by ``fresh``."""
    w = World(tmp_path_factory.mktemp("world"))
    yield w
    w.stop()


@pytest.fixture
def fresh(world: World) -> World:
    """The module's world, reset."""
    world.reset()
    return world


@pytest.fixture
def make_engine(fresh: World, tmp_path: Path) -> Iterator[Any]:
    """Call with settings (``mutant=...``, any ERPSIM_SYNC_* as keyword) to get an engine on the fresh world."""
    engines: list[Engine] = []

    def _make(**settings: str) -> Engine:
        env = {**fresh.env, "ERPSIM_STATE_DIR": str(tmp_path / "state"), "ERPSIM_SYNC_BACKOFF": "0.01"}
        env.update({f"ERPSIM_SYNC_{k.upper()}": str(v) for k, v in settings.items()})
        engine = Engine(SyncConfig.from_env(env))
        engines.append(engine)
        return engine

    yield _make
    for engine in engines:
        engine.close()
