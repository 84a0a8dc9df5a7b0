"""SIGKILL the engine at seeded points of its passes, restart it, and end where a run without kills ends.

Every workload registered in ``tests/sync/chaos.py`` runs twice on the same world: once cleanly, once with
kills in each phase (the engine held on the n-th request of a chosen emulator, before or after that request
commits, and killed). Both end states, normalised (no ids, no timestamps), must be identical in every system:
nothing lost, nothing duplicated. A connector without natural keys fails the same test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sync.chaos import (
    WORKLOADS,
    EngineRunner,
    KillPoint,
    crash_run,
    diff,
    journal_mark,
    normalise,
    reference_run,
    requests_since,
)
from tests.sync.conftest import World


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(WORKLOADS))
def test_sigkill_at_seeded_points_loses_and_duplicates_nothing(
    world: World, tmp_path: Path, name: str
) -> None:
    w = WORKLOADS[name]
    expected, counts = reference_run(world, w, tmp_path / "clean")
    got, runner = crash_run(world, w, tmp_path / "killed", seed=7, counts=counts, kills_per_phase=2)
    assert runner.kills >= len(w.phases), runner.log
    assert diff(expected, got) == "", "\n".join(runner.log)


def test_a_kill_after_the_wms_commits_duplicates_orders_without_natural_keys(
    world: World, tmp_path: Path
) -> None:
    w = WORKLOADS["orders"]
    for mutant, expected_orders in (("", 3), ("no-idempotency", 4)):
        world.reset()
        runner = EngineRunner(world, tmp_path / (mutant or "safe"), w.flows, w.env, mutant)
        w.setup(world)
        mark = journal_mark(world)
        runner.run_in_process()  # a clean first pass, to learn where the first order create falls
        creates = [
            e
            for e in requests_since(world, mark)
            if e["system"] == "wms" and e["method"] == "POST" and e["path"] == "/api/v1/orders"
        ]
        nth = min(e["seq"] for e in creates) - mark["wms"]
        world.reset()
        runner = EngineRunner(world, tmp_path / f"{mutant or 'safe'}-killed", w.flows, w.env, mutant)
        w.setup(world)
        assert runner.run(KillPoint("wms", nth, "after")) is None  # killed while the WMS commits the order
        runner.converge(in_process=True)
        orders = world.state("wms", "wms_orders")["wms_orders"]
        assert len(orders) == expected_orders, [o["client_reference"] for o in orders]
        assert normalise(world)["netsuite"]  # the world is still readable
