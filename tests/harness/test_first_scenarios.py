"""The first twelve scenarios, proven: each passes against the reference engine (harness/connectors/reference.toml)
and fails against the mutant it names, on the check that shows the defect (not on a crash)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.commands import REFERENCE_CONNECTOR
from harness.runner import RunConfig, ScenarioResult, caught_for_its_reason, matrix_tasks, run_tasks

ROOT = Path(__file__).resolve().parents[2]
FAMILIES = ("cancellations", "duplicates", "periods", "order_lines")
#: scenario -> (the mutant it catches, the failing check that is the reason)
REASONS = {
    "cancel_after_pick": ("no-cancel-check", "no_unflagged_refund_after_pick"),
    "cancel_after_despatch": ("no-cancel-check", "no_unflagged_refund_after_pick"),
    "line_close_after_pick_with_retries": ("no-cancel-check", "no_unflagged_refund_after_pick"),
    "wms_order_reset_after_commit": ("no-idempotency", "one_wms_order_per_sales_order"),
    "fulfilment_reset_after_commit": ("no-idempotency", "one_fulfillment_per_despatch"),
    "wms_order_dropped_connections": ("no-retry", "one_wms_order_per_sales_order"),
    "despatch_in_closed_period": ("no-period-check", "exception queue: category=closed_period"),
    "despatch_in_locked_period": ("no-period-check", "exception queue: category=closed_period"),
    "two_despatches_either_side_of_close": ("no-period-check", "exception queue: category=closed_period"),
    "mixed_order_physical_lines_only": ("no-physical-filter", "wms record of SO1"),
    "mixed_order_ships_and_fulfils": ("no-physical-filter", "wms record of SO1"),
    "mixed_order_through_throttling": ("no-physical-filter", "wms record of SO1"),
}


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str | None], ScenarioResult]:
    """Every first scenario against the engine and against each mutant it names (two worlds in parallel)."""
    files = sorted(p for family in FAMILIES for p in (ROOT / "scenarios" / family).glob("*.yaml"))
    config = RunConfig(connector_path=str(REFERENCE_CONNECTOR), output_dir=str(tmp_path_factory.mktemp("matrix")))
    tasks, broken = matrix_tasks(files, config)
    assert not broken, broken
    return {(Path(r.path).stem, r.mutant): r for r in run_tasks(tasks, jobs=2)}


def _failed_checks(result: ScenarioResult) -> list[str]:
    return [i.name for i in result.invariants if not i.valid] + [a.description for a in result.assertions if not a.ok]


def test_there_are_three_scenarios_per_family_each_naming_its_mutant() -> None:
    for family in FAMILIES:
        assert len(list((ROOT / "scenarios" / family).glob("*.yaml"))) == 3, family
    assert sorted(p.stem for f in FAMILIES for p in (ROOT / "scenarios" / f).glob("*.yaml")) == sorted(REASONS)


@pytest.mark.parametrize("name", sorted(REASONS))
def test_passes_on_the_engine_and_fails_on_its_mutant_for_its_reason(
        matrix: dict[tuple[str, str | None], ScenarioResult], name: str) -> None:
    engine = matrix[(name, None)]
    assert engine.status == "passed", "\n".join(engine.failures() + [engine.replay])
    mutant, reason = REASONS[name]
    assert engine.catches == [mutant]
    caught = matrix[(name, mutant)]
    assert caught_for_its_reason(caught), "\n".join([caught.status, *caught.failures(), caught.replay])
    assert any(check.startswith(reason) for check in _failed_checks(caught)), _failed_checks(caught)
