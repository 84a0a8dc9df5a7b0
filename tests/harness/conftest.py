"""Fixtures of the harness tests: one in-process world for the session, the connectors folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.world import World, WorldServer

HERE = Path(__file__).parent
CONNECTORS = HERE / "connectors"
SCENARIOS = HERE / "scenario_files"


@pytest.fixture(scope="session")
def world_server() -> Iterator[WorldServer]:
    """The five emulators on free ports, in threads of the test process."""
    server = WorldServer().start()
    yield server
    server.stop()


@pytest.fixture
def world(world_server: WorldServer) -> Iterator[World]:
    """The world, reset."""
    w = World(world_server.env())
    w.reset()
    yield w
    w.close()
