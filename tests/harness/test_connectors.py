"""The connector protocol: TOML loading, once and daemon runs, and every way a connector can misbehave."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from harness.connector_run import ConnectorRun
from harness.connectors import ConnectorError, load_connector
from harness.runner import RunConfig, run_scenario
from harness.world import World

from .conftest import CONNECTORS, SCENARIOS

MISBEHAVE = CONNECTORS / "misbehave.py"


def _toml(tmp_path: Path, how: str, mode: str = "once", extra: str = "") -> Path:
    path = tmp_path / f"{how}-{mode}.toml"
    path.write_text(
        f'[connector]\nname = "{how}"\ncommand = ["{{python}}", "{MISBEHAVE}", "{how}"]\nmode = "{mode}"\n'
        f'timeout_seconds = 2\nsettle_seconds = 0.2\nflows = ["orders-to-wms"]\n{extra}'
    )
    return path


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "a connector file needs a [connector] table"),
        ("[connector\n", "not valid TOML"),
        ('[connector]\nname = "x"\ncommand = []\n', "connector.command: List should have at least 1 item"),
        (
            '[connector]\nname = "x"\ncommand = ["a"]\nmode = "sometimes"\n',
            "connector.mode: Input should be 'once' or",
        ),
        (
            '[connector]\nname = "x"\ncommand = ["a"]\nflows = ["teleport"]\n',
            "connector.flows.0: Input should be",
        ),
        (
            '[connector]\nname = "x"\ncommand = ["a"]\ncolour = "red"\n',
            "connector.colour: Extra inputs are not permitted",
        ),
    ],
)
def test_bad_connector_files_say_what_is_wrong(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConnectorError) as info:
        load_connector(path)
    assert str(info.value).startswith(f"{path}: ") and problem in str(info.value)
    with pytest.raises(ConnectorError, match="cannot read the connector file"):
        load_connector(tmp_path / "none.toml")


def test_the_command_runs_in_the_toml_folder_with_the_world_variables(tmp_path: Path) -> None:
    script = tmp_path / "show.py"
    script.write_text(
        "import os, json, sys\nprint(json.dumps({'cwd': os.getcwd(), 'env': {k: v for k, v in "
        "os.environ.items() if k.startswith(('ERPSIM_', 'MY_'))}}))\n"
    )
    path = tmp_path / "show.toml"
    path.write_text(
        '[connector]\nname = "show"\ncommand = ["{python}", "show.py"]\nmutant_env = "MY_MUTANT"\n'
        'flows_env = "MY_FLOWS"\n[connector.env]\nMY_SETTING = "on"\n'
    )
    connector = load_connector(path, mutant="no-retry")
    connector.scenario_flows = ["orders-to-wms", "cancellations"]
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    run = ConnectorRun(connector, {"ERPSIM_WMS_URL": "http://127.0.0.1:1"}, tmp_path / "state", evidence)
    result = run.run_once("sync-01")
    assert result.ok and result.exit_code == 0
    shown = json.loads(Path(result.output_file or "").read_text())
    assert shown["cwd"] == str(tmp_path)
    assert shown["env"] == {
        "ERPSIM_WMS_URL": "http://127.0.0.1:1",
        "ERPSIM_STATE_DIR": str(tmp_path / "state"),
        "MY_SETTING": "on",
        "MY_MUTANT": "no-retry",
        "MY_FLOWS": "orders-to-wms,cancellations",
    }
    assert connector.label == "show[no-retry]" and connector.argv()[0] == sys.executable


def _run(
    world: World, toml: Path, tmp_path: Path, scenario: str = "mixed_order.yaml", mutant: str | None = None
):  # type: ignore[no-untyped-def]
    return run_scenario(
        world,
        SCENARIOS / scenario,
        RunConfig(connector_path=str(toml), output_dir=str(tmp_path), mutant=mutant),
    )


def test_a_command_that_does_not_exist(world: World, tmp_path: Path) -> None:
    path = tmp_path / "missing.toml"
    path.write_text(
        '[connector]\nname = "m"\ncommand = ["./no-such-connector", "--once"]\nflows = ["orders-to-wms"]\n'
    )
    result = _run(world, path, tmp_path)
    assert result.status == "failed"
    assert result.steps[0].message == (
        "sync pass 1 failed: connector command not found: './no-such-connector' (from "
        f"{path}; relative paths resolve in {tmp_path})"
    )
    assert (Path(result.evidence_dir) / "state.json").exists()


def test_a_crash_is_a_failed_pass_with_its_output_kept(world: World, tmp_path: Path) -> None:
    result = _run(world, _toml(tmp_path, "crash"), tmp_path)
    assert result.status == "failed"
    step = result.steps[0]
    assert step.message == "sync pass 1 failed: the connector exited with 3"
    assert "the connector fell over" in Path(step.output_file or "").read_text()
    assert "the connector fell over" in step.detail["output_tail"]


def test_a_hang_is_killed_at_the_timeout(world: World, tmp_path: Path) -> None:
    result = _run(world, _toml(tmp_path, "hang"), tmp_path)
    assert result.status == "failed"
    assert result.steps[0].message == "sync pass 1 failed: the connector did not finish within 2 s (killed)"
    assert result.steps[0].seconds < 10


def test_garbage_from_the_exception_queue(world: World, tmp_path: Path) -> None:
    toml = _toml(tmp_path, "ok", extra=f'exceptions = ["{{python}}", "{MISBEHAVE}", "garbage"]\n')
    result = _run(world, toml, tmp_path)
    assert result.status == "failed"
    assert (
        "connector exception queue: the exceptions command printed something that is not JSON"
        in result.reason
    )


def test_a_daemon_that_dies_or_never_shows_life(world: World, tmp_path: Path) -> None:
    died = _run(world, _toml(tmp_path, "die", "daemon"), tmp_path)
    assert died.status == "error"
    assert (
        died.reason.startswith("connector: the daemon exited with 7 while starting:")
        and "starting" in died.reason
    )
    silent = _run(world, _toml(tmp_path, "silent", "daemon"), tmp_path)
    assert silent.status == "error"
    assert silent.reason == "connector: the daemon gave no sign of life within 2 s (no request)"


def test_an_exception_queue_kept_as_a_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[connector]\nname = "f"\ncommand = ["x"]\nexceptions_file = "queue.json"\n')
    run = ConnectorRun(load_connector(path), {}, tmp_path, tmp_path)
    assert run.exceptions() == []  # nothing parked yet
    (tmp_path / "queue.json").write_text('[{"category": "closed_period", "summary": "Jan 2026"}]')
    assert run.exceptions() == [{"category": "closed_period", "summary": "Jan 2026"}]
    (tmp_path / "queue.json").write_text('{"category": "closed_period"}')
    with pytest.raises(
        ConnectorError, match="the exception queue file queue.json holds dict, not a JSON array"
    ):
        run.exceptions()


def test_a_once_connector_runs_daemon_only_scenarios_with_its_daemon_variant(
    world: World, tmp_path: Path
) -> None:
    once = tmp_path / "once.toml"
    once.write_text(
        (CONNECTORS / "fake-once.toml")
        .read_text()
        .replace('"fake_connector.py"', f'"{CONNECTORS / "fake_connector.py"}"')
        + f'daemon = "{CONNECTORS / "fake-daemon.toml"}"\n'
    )
    scenario = tmp_path / "daemon_only.yaml"
    scenario.write_text((SCENARIOS / "mixed_order.yaml").read_text() + "modes: [daemon]\n")
    result = run_scenario(world, scenario, RunConfig(connector_path=str(once), output_dir=str(tmp_path)))
    assert (result.status, result.mode, result.connector) == ("passed", "daemon", "fake-daemon")
    both = run_scenario(
        world, SCENARIOS / "mixed_order.yaml", RunConfig(connector_path=str(once), output_dir=str(tmp_path))
    )
    assert (both.status, both.mode, both.connector) == ("passed", "once", "fake")
    once.write_text(once.read_text().replace("fake-daemon.toml", "fake-once.toml"))
    bad = run_scenario(world, scenario, RunConfig(connector_path=str(once), output_dir=str(tmp_path)))
    assert bad.status == "error" and bad.reason == (
        f"{once}: connector.daemon names {CONNECTORS / 'fake-once.toml'}, whose mode is 'once', not 'daemon'"
    )
