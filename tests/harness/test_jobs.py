"""Many scenarios in parallel jobs: results in file order, the longest scenarios started first."""

from __future__ import annotations

import json
from pathlib import Path

from harness.jobs import expected_seconds, run_many
from harness.runner import RunConfig, slug
from harness.selection import select

from .conftest import CONNECTORS, SCENARIOS

ONCE = CONNECTORS / "fake-once.toml"


def test_parallel_jobs_keep_file_order_and_results(tmp_path: Path) -> None:
    paths = [SCENARIOS / "mixed_order.yaml", SCENARIOS / "cancel_after_pick.yaml"]
    seen: list[str] = []
    results = run_many(
        paths,
        RunConfig(connector_path=str(ONCE), output_dir=str(tmp_path), mutant="no-cancel-check"),
        jobs=2,
        on_result=lambda r: seen.append(r.name),
    )
    assert [r.path for r in results] == [str(p) for p in paths]
    assert [r.status for r in results] == ["passed", "failed"]
    assert sorted(seen) == sorted(r.name for r in results)
    only = run_many(paths, RunConfig(connector_path=str(ONCE), output_dir=str(tmp_path)), expr="mixed")
    assert [Path(r.path).name for r in only] == ["mixed_order.yaml"]


def test_jobs_start_the_longest_scenarios_first_by_their_last_run(tmp_path: Path) -> None:
    config = RunConfig(connector_path=str(ONCE), output_dir=str(tmp_path))
    paths = [SCENARIOS / "cancel_after_pick.yaml", SCENARIOS / "mixed_order.yaml"]
    select(paths, None)  # parsed once here; a job is handed the parsed scenario
    # no run yet: a guess from the steps (the longer scenario has more of them)
    guesses = [expected_seconds(p, config) for p in paths]
    assert guesses[0] > guesses[1] > 1.0
    # after a run: what it took then
    evidence = tmp_path / "evidence" / slug(paths[1])
    evidence.mkdir(parents=True)
    (evidence / "result.json").write_text(json.dumps({"seconds": 42.5}))
    assert expected_seconds(paths[1], config) == 42.5
