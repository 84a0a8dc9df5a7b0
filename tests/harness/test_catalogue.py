"""The whole catalogue, proven in CI: every scenario passes against the reference engine and fails against each
mutant it names in ``catches``, for its reason (a failing invariant, expectation or check; not a crash).

This is the mutant matrix of ``erpsim run scenarios/ --matrix --jobs 2`` (which also writes the scenarios x
mutants grid to ``.erpsim/run/matrix.md``), run once per session with two worlds in parallel. The static
coverage of the mutants (each one named by some scenario) is ``test_mutant_coverage.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.catalogue import Matrix
from harness.commands import REFERENCE_CONNECTOR
from harness.jobs import matrix_tasks, run_tasks
from harness.runner import RunConfig, caught_for_its_reason
from harness.scenario_loader import discover, family_of

ROOT = Path(__file__).resolve().parents[2]
FILES = discover([ROOT / "scenarios"])
# the first test waits for the whole matrix (about two minutes, quiet)
pytestmark = [pytest.mark.timeout(1800), pytest.mark.slow]


def _key(path: Path) -> str:
    return f"{family_of(path)}/{path.stem}"


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Matrix:
    """Every scenario against the engine and against each mutant it names (two worlds in parallel)."""
    config = RunConfig(
        connector_path=str(REFERENCE_CONNECTOR), output_dir=str(tmp_path_factory.mktemp("matrix"))
    )
    tasks, broken = matrix_tasks(FILES, config)
    assert not broken, broken
    return Matrix.of(run_tasks(tasks, jobs=2))


def test_the_catalogue_has_at_least_fifty_scenarios_each_in_a_family() -> None:
    assert len(FILES) >= 50  # issue 9
    assert all(family_of(p) != "scenarios" for p in FILES), "a scenario sits outside a family folder"


@pytest.mark.parametrize("path", FILES, ids=_key)
def test_passes_on_the_engine_and_fails_on_every_mutant_it_names_for_its_reason(
    matrix: Matrix, path: Path
) -> None:
    [row] = [r for r in matrix.rows if r.path == str(path)]
    engine = row.engine
    assert engine is not None
    assert engine.status == "passed", "\n".join(engine.failures() + [engine.replay])
    assert engine.catches, "a scenario that names no mutant proves nothing"
    assert sorted(row.mutants) == sorted(engine.catches)
    for mutant, result in row.mutants.items():
        assert caught_for_its_reason(result), "\n".join(
            [f"{mutant}: {result.status} (not caught for its reason)", *result.failures(), result.replay]
        )
