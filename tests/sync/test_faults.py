"""Seeded random faults of every kind on every emulator during every pass: the engine converges to the same end
state as without faults (retries for what is retryable, natural-key look-ups after ambiguous failures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sync.chaos import WORKLOADS, EngineRunner, diff, faulty_run, reference_run
from tests.sync.conftest import World

KINDS = {"latency", "error", "throttle", "reset_before", "reset_after", "hang", "malformed"}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(WORKLOADS))
def test_random_faults_on_every_call_converge_to_the_clean_end_state(
    world: World, tmp_path: Path, name: str
) -> None:
    w = WORKLOADS[name]
    expected, _ = reference_run(world, w, tmp_path / "clean")
    got, runner = faulty_run(world, w, tmp_path / "faulty", seed=11, probability=0.08)
    assert set(runner.faults) == KINDS and sum(runner.faults.values()) >= 10, runner.faults
    assert diff(expected, got) == "", "\n".join(runner.log)


def test_an_ambiguous_wms_create_duplicates_orders_without_natural_keys(world: World, tmp_path: Path) -> None:
    w = WORKLOADS["orders"]
    for mutant, expected in (("", 3), ("no-idempotency", 6)):
        world.reset()
        runner = EngineRunner(world, tmp_path / (mutant or "safe"), w.flows, w.env, mutant)
        w.setup(world)
        # every order create commits, then the connection drops before the answer
        world.control(
            "wms",
            "PUT",
            "faults",
            {"rules": [{"kind": "reset_after", "method": "POST", "path": "^/api/v1/orders$", "times": 3}]},
        )
        try:
            runner.converge(in_process=True)
        finally:
            world.control("wms", "DELETE", "faults")
        orders = world.state("wms", "wms_orders")["wms_orders"]
        assert len(orders) == expected, [o["client_reference"] for o in orders]
