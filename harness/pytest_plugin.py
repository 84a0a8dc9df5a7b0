"""The erpsim pytest plugin (entry point ``pytest11: erpsim``): a running world as fixtures, scenarios as items.

Fixtures, the way moto's are used:

- ``erpsim_server`` (session): the five emulators on free loopback ports, stopped at the end;
- ``erpsim_world`` (function): a :class:`harness.world.World` reset before the test;
- ``erpsim_env``: the ``ERPSIM_*`` variables (URLs, credentials) for code under test;
- ``erpsim_seed``: ``erpsim_seed({"items": [...], "customers": 1, ...})`` -> refs of a coherent world;
- ``netsuite_client``, ``qms_client``, ``wms_client``, ``pos_client``, ``ap_client``: authenticated sessions.

Scenario files (``*.yaml`` under a folder named ``scenarios``) are collected as test items and run against
``--erpsim-connector FILE`` (default: the reference engine); ``--erpsim-mutant`` and ``--erpsim-output`` as in
``erpsim run``. ``-p no:erpsim`` switches the plugin off.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .clients import SystemClient
from .world import World, WorldServer

_SERVER_KEY = pytest.StashKey[WorldServer]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """The plugin's command-line options."""
    group = parser.getgroup("erpsim", "erpsim scenarios and world fixtures")
    group.addoption(
        "--erpsim-connector", default=None, help="connector TOML for scenario items (default: reference)"
    )
    group.addoption("--erpsim-mutant", default=None, help="run scenario items against this mutant")
    group.addoption(
        "--erpsim-output", default=None, help="evidence folder for scenario items (default: a temp dir)"
    )
    group.addoption(
        "--erpsim-world",
        default="thread",
        choices=("thread", "process"),
        help="serve the emulators in threads (default) or as an `erpsim up` process",
    )
    group.addoption("--erpsim-no-collect", action="store_true", help="do not collect scenario YAML files")


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker scenario items carry."""
    config.addinivalue_line("markers", "erpsim_scenario: an erpsim scenario file run against a connector")


def _server(config: pytest.Config) -> WorldServer:
    server = config.stash.get(_SERVER_KEY, None)
    if server is None:
        server = WorldServer(mode=config.getoption("--erpsim-world")).start()
        config.stash[_SERVER_KEY] = server
    return server


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the world if one was started."""
    server = config.stash.get(_SERVER_KEY, None)
    if server is not None:
        server.stop()


@pytest.fixture(scope="session")
def erpsim_server(pytestconfig: pytest.Config) -> WorldServer:
    """The five emulators serving on free loopback ports for the whole session."""
    return _server(pytestconfig)


@pytest.fixture(scope="session")
def erpsim_env(erpsim_server: WorldServer) -> dict[str, str]:
    """The ``ERPSIM_*`` variables of the running world (what `erpsim up` prints)."""
    return erpsim_server.env()


@pytest.fixture
def erpsim_world(erpsim_env: dict[str, str]) -> Iterator[World]:
    """The world, reset (every system empty, clocks rewound, no faults) before the test."""
    world = World(erpsim_env)
    world.reset()
    yield world
    world.close()


@pytest.fixture
def erpsim_seed(erpsim_world: World) -> Any:
    """A function seeding a coherent world (a ``given.world`` mapping) and returning its refs."""
    from .scenario import WorldSpec
    from .seeding import seed_world

    def _seed(spec: dict[str, Any]) -> Any:
        return seed_world(erpsim_world, WorldSpec.model_validate(spec))

    return _seed


def _client(world: World, system: str) -> SystemClient:
    return world.client(system)


@pytest.fixture
def netsuite_client(erpsim_world: World) -> SystemClient:
    """SuiteTalk REST with TBA signing (paths relative to the NetSuite URL)."""
    return _client(erpsim_world, "netsuite")


@pytest.fixture
def qms_client(erpsim_world: World) -> SystemClient:
    """The QMS API with its bearer key."""
    return _client(erpsim_world, "qms")


@pytest.fixture
def wms_client(erpsim_world: World) -> SystemClient:
    """The WMS API with its API key."""
    return _client(erpsim_world, "wms")


@pytest.fixture
def pos_client(erpsim_world: World) -> SystemClient:
    """The POS (Sitoo) API with Basic auth."""
    return _client(erpsim_world, "pos")


@pytest.fixture
def ap_client(erpsim_world: World) -> SystemClient:
    """The AP (BILL v3) API with a session."""
    return _client(erpsim_world, "ap")


# ---- scenario files as items ---------------------------------------------------------------------------
def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    """Collect ``*.yaml`` / ``*.yml`` files under a ``scenarios`` folder as scenario items."""
    if parent.config.getoption("--erpsim-no-collect"):
        return None
    if file_path.suffix in (".yaml", ".yml") and "scenarios" in file_path.parts[:-1]:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    """One scenario file: one item."""

    def collect(self) -> Iterator[pytest.Item]:
        """The file's single scenario item (load errors surface when it runs)."""
        item = ScenarioItem.from_parent(self, name=self.path.stem)
        item.add_marker("erpsim_scenario")
        yield item


class ScenarioFailure(Exception):
    """A scenario that failed: its failures and replay command."""


class ScenarioItem(pytest.Item):
    """Runs one scenario file against the configured connector in the session's world."""

    def runtest(self) -> None:
        """Reset, seed, run the steps, evaluate; raises :class:`ScenarioFailure` with the evidence."""
        from .commands import REFERENCE_CONNECTOR
        from .runner import RunConfig, run_scenario

        config = self.config
        output = config.getoption("--erpsim-output") or tempfile.mkdtemp(prefix="erpsim-pytest-")
        run_config = RunConfig(
            connector_path=config.getoption("--erpsim-connector") or str(REFERENCE_CONNECTOR),
            output_dir=output,
            mutant=config.getoption("--erpsim-mutant"),
            world_mode=config.getoption("--erpsim-world"),
        )
        server = _server(config)
        world = World(server.env())
        try:
            result = run_scenario(world, self.path, run_config)
        finally:
            world.close()
        self.user_properties.append(("replay", result.replay))
        if result.status == "skipped":
            pytest.skip(result.reason)
        if not result.passed:
            raise ScenarioFailure(
                "\n".join(
                    [
                        f"{result.status}: {result.name}",
                        *(f"  - {f}" for f in result.failures()),
                        f"replay: {result.replay}",
                        f"evidence: {result.evidence_dir}",
                    ]
                )
            )

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The scenario's own failure text (no Python traceback)."""
        if isinstance(excinfo.value, ScenarioFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        """Where the item comes from, for pytest's report."""
        return self.path, 0, f"scenario: {self.name}"
