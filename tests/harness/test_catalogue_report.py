"""The catalogue as text: the scenarios x mutants grid of ``erpsim run --matrix`` and ``erpsim run --list``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.catalogue import Matrix, by_family, connector_mutants, list_markdown, list_text
from harness.commands import main
from harness.connectors import ConnectorError, load_connector
from harness.invariants import InvariantResult
from harness.runner import ScenarioResult
from harness.scenario_loader import load_scenario

from .conftest import SCENARIOS


def _result(
    path: str, mutant: str | None, status: str, catches: list[str], broken: bool = True
) -> ScenarioResult:
    res = ScenarioResult(
        path,
        "a scenario",
        Path(path).parent.name,
        ["orders-to-wms"],
        catches,
        1,
        "reference",
        "once",
        status,
        mutant=mutant,
    )
    if status == "failed" and broken:  # failed on an invariant: caught for its reason
        res.invariants = [InvariantResult("one_wms_order_per_sales_order", "duplicates", False, "one order")]
    return res


@pytest.fixture
def matrix() -> Matrix:
    results = [
        _result("scenarios/pos/refund.yaml", None, "passed", ["no-restock-on-refund"]),
        _result("scenarios/pos/refund.yaml", "no-restock-on-refund", "failed", ["no-restock-on-refund"]),
        _result("scenarios/cancellations/pick.yaml", None, "passed", ["no-cancel-check", "no-retry"]),
        _result(
            "scenarios/cancellations/pick.yaml", "no-cancel-check", "failed", ["no-cancel-check", "no-retry"]
        ),
        # failed, but on a crash (no invariant, no assertion): not caught for its reason
        _result(
            "scenarios/cancellations/pick.yaml",
            "no-retry",
            "failed",
            ["no-cancel-check", "no-retry"],
            broken=False,
        ),
        _result("scenarios/sku/rename.yaml", None, "failed", ["no-sku-check"]),
        _result("scenarios/sku/rename.yaml", "no-sku-check", "passed", ["no-sku-check"]),
    ]
    return Matrix.of(results, declared=["no-retry", "no-cancel-check", "no-batching"])


def test_the_grid_has_a_row_per_scenario_by_family_and_a_column_per_mutant(matrix: Matrix) -> None:
    assert [f"{r.family}/{r.name}" for r in matrix.rows] == ["cancellations/pick", "pos/refund", "sku/rename"]
    # declared mutants first (the connector's order), then any other a scenario names
    assert matrix.mutants == [
        "no-retry",
        "no-cancel-check",
        "no-batching",
        "no-restock-on-refund",
        "no-sku-check",
    ]
    assert matrix.uncaught == ["no-retry", "no-batching", "no-sku-check"]
    assert matrix.proven == 1
    assert matrix.markdown().splitlines() == [
        "| scenario | engine | `no-retry` | `no-cancel-check` | `no-batching` | `no-restock-on-refund` | "
        "`no-sku-check` |",
        "|---|---|---|---|---|---|---|",
        "| cancellations/pick | pass | ✗ | ✓ |  |  |  |",
        "| pos/refund | pass |  |  |  | ✓ |  |",
        "| sku/rename | FAILED |  |  |  |  | ✗ |",
        "",
        "✓ the scenario fails against the mutant for its reason (an invariant or expectation); ✗ it names the "
        "mutant but does not catch it; empty: not named.",
        "1 of 3 scenarios proven; mutants no scenario catches: no-retry, no-batching, no-sku-check",
    ]


def test_the_terminal_grid_numbers_the_mutants_and_marks_each_cell(matrix: Matrix) -> None:
    assert matrix.text() == [
        "   1 no-retry (caught by 0)",
        "   2 no-cancel-check (caught by 1)",
        "   3 no-batching (caught by 0)",
        "   4 no-restock-on-refund (caught by 1)",
        "   5 no-sku-check (caught by 0)",
        "scenario            engine   1  2  3  4  5",
        "cancellations/pick  pass     ✗  ✓  ·  ·  ·",
        "pos/refund          pass     ·  ·  ·  ✓  ·",
        "sku/rename          FAILED   ·  ·  ·  ·  ✗",
    ]


def test_the_grid_is_written_as_markdown_and_json(matrix: Matrix, tmp_path: Path) -> None:
    md, js = matrix.write(tmp_path / "out")
    assert md.read_text() == matrix.markdown()
    data = json.loads(js.read_text())
    assert data["uncaught"] == ["no-retry", "no-batching", "no-sku-check"]
    assert data["scenarios"][0] == {
        "path": "scenarios/cancellations/pick.yaml",
        "family": "cancellations",
        "name": "pick",
        "engine": "pass",
        "proven": False,
        "mutants": {"no-cancel-check": True, "no-retry": False},
    }


def test_a_connector_lists_its_mutants_through_its_mutants_command(tmp_path: Path) -> None:
    script = tmp_path / "mutants.py"
    script.write_text(
        "print('no-retry retries are off')\nprint()\nprint('no-batching one request per event')\n"
    )
    path = tmp_path / "c.toml"
    path.write_text(f'[connector]\nname = "c"\ncommand = ["x"]\nmutants = ["{{python}}", "{script}"]\n')
    assert connector_mutants(load_connector(path)) == ["no-retry", "no-batching"]
    path.write_text('[connector]\nname = "c"\ncommand = ["x"]\n')
    assert connector_mutants(load_connector(path)) == []
    path.write_text(
        '[connector]\nname = "c"\ncommand = ["x"]\nmutants = ["{python}", "-c", "raise SystemExit(4)"]\n'
    )
    with pytest.raises(ConnectorError, match="^the mutants command exited with 4"):
        connector_mutants(load_connector(path))


def test_the_list_prints_each_family_with_seed_source_and_catches(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(SCENARIOS.glob("*.yaml"))
    groups = by_family([(f, load_scenario(f)) for f in files])
    text = list_text(groups)
    first = files[0]
    scenario = load_scenario(first)
    assert text.startswith(
        f"{first.parent.name} ({len(files)})\n  {first.stem}  seed {scenario.seed}  catches "
    )
    assert f"      {scenario.name}\n      source: {scenario.source or '-'}\n" in text
    assert text.endswith(f"{len(files)} scenarios in 1 families\n")
    md = list_markdown(groups)
    assert md.startswith(
        f"### {first.parent.name} ({len(files)})\n\n| scenario | seed | source | catches |\n"
    )
    assert main(["run", "--list", "--format", "text", str(SCENARIOS)]) == 0
    assert capsys.readouterr().out == text
