"""Fidelity: each documented example of a real API replayed against its emulator (contracts/fidelity/).

Compares the status, the headers that matter and the body's shape (ids and dates normalised); the table
(contracts/FIDELITY.md) must be current and give every route of every emulator a row.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest

from harness.contracts.auth import VendorSession
from harness.contracts.fidelity import (
    TABLE,
    Example,
    load_differences,
    load_examples,
    operations,
    run_example,
    table_markdown,
)
from harness.contracts.gateway import HOOKS_PREFIX, Gateway, Inbox
from harness.contracts.plane import ControlPlane
from harness.contracts.states import StateRunner, World
from harness.contracts.verify import local_emulator
from harness.systems import SYSTEMS, system_module
from mocks.core.config import EmulatorConfig
from mocks.core.openapi import route_operations

EXAMPLES = load_examples()


@pytest.fixture(scope="module")
def worlds() -> Iterator[dict[str, World]]:
    """One emulator per system (started on first use), with a webhook inbox."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    opened: dict[str, World] = {}
    stack: list[tuple[object, Gateway]] = []

    class Lazy(dict[str, World]):
        def __missing__(self, system: str) -> World:
            context = local_emulator(system)
            target = context.__enter__()
            vendor = VendorSession(system, target.url, target.credentials)
            inbox = Inbox()
            world = World(system, ControlPlane(target.url, target.admin_token), vendor, inbox, "")
            gateway = Gateway(vendor, StateRunner(world), inbox)
            world.hooks_url = f"{gateway.start()}{HOOKS_PREFIX}{system}"
            stack.append((context, gateway))
            self[system] = world
            return world

    lazy = Lazy()
    yield lazy
    for context, gateway in stack:
        gateway.stop()
        context.__exit__(None, None, None)  # type: ignore[attr-defined]
    opened.clear()


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.ref for e in EXAMPLES])
def test_emulator_answers_as_documented(example: Example, worlds: dict[str, World]) -> None:
    outcome = run_example(example, worlds[example.system])
    assert outcome.problems == [], f"{example.title}\nsource: {example.source['url']}\nbody: {outcome.body}"


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.ref for e in EXAMPLES])
def test_example_names_a_real_operation_and_its_source(example: Example) -> None:
    assert example.operation in {op for op, _, _ in operations(example.system)}
    assert example.source["url"].startswith("https://") and example.source.get("ref")


def test_fidelity_table_is_current() -> None:
    assert TABLE.read_text() == table_markdown() + "\n", "regenerate: python -m harness.contracts.fidelity"


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_every_route_has_a_row(system: str, tmp_path: object) -> None:
    """Every route the emulator serves is an operation of its document, and that operation has a row."""
    app = system_module(system).create_app(
        EmulatorConfig(
            system=system,
            data_dir=tmp_path,  # type: ignore[arg-type]
            db_url=f"sqlite:///{tmp_path}/routes.db",
        )
    )
    routes = route_operations(app)
    by_shape = {(method, _shape(path)): op for op, method, path in operations(system)}
    differences = load_differences(system)
    covered = {ex.operation for ex in load_examples(system)} | set(differences)
    missing = sorted(r for r in routes if by_shape.get(r) not in covered and "*" not in differences)
    assert all(r in by_shape for r in routes), "a route that its OpenAPI document does not describe"
    assert missing == [], "routes without a row in contracts/FIDELITY.md (add an example or a difference)"


def _shape(path: str) -> str:
    return re.sub(r"\{[^{}]+\}", "{}", path)
