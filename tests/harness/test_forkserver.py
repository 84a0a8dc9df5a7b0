"""``preload``: Python connector processes forked from a fork server that imported their modules once."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from harness import forkserver
from harness.connector_run import ConnectorRun
from harness.connectors import ConnectorError, load_connector

from .conftest import CONNECTORS


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A connector folder holding the test connector module (``python -m`` finds it in its folder)."""
    shutil.copy(CONNECTORS / "forked_connector.py", tmp_path / "forked_connector.py")
    return tmp_path


def _run(
    folder: Path, how: str, mode: str = "once", extra: str = "", preload: str = '["forked_connector"]'
) -> ConnectorRun:
    path = folder / f"{how}-{mode}.toml"
    path.write_text(
        f'[connector]\nname = "{how}"\ncommand = ["{{python}}", "-m", "forked_connector", "{how}"]\n'
        f'mode = "{mode}"\ntimeout_seconds = 10\npreload = {preload}\nmutant_env = "MY_MUTANT"\n'
        f'{extra}[connector.env]\nMY_SETTING = "on"\n'
    )
    evidence = folder / f"evidence-{how}-{mode}"
    evidence.mkdir()
    return ConnectorRun(
        load_connector(path, mutant="no-retry"),
        {"ERPSIM_WMS_URL": "http://127.0.0.1:1"},
        folder / "state",
        evidence,
    )


@pytest.fixture(autouse=True)
def _no_server_left() -> object:
    yield None
    forkserver.stop_all()


def test_each_process_is_forked_with_its_own_argv_folder_environment_and_session(folder: Path) -> None:
    run = _run(folder, "show")
    first, second = run.run_once("sync-01"), run.run_once("sync-02")
    assert (first.ok, first.exit_code, second.ok) == (True, 0, True)
    one = json.loads(Path(first.output_file or "").read_text())
    two = json.loads(Path(second.output_file or "").read_text())
    assert one["argv"] == ["show"] and one["cwd"] == str(folder)
    assert one["env"] == {
        "ERPSIM_WMS_URL": "http://127.0.0.1:1",
        "ERPSIM_STATE_DIR": str(folder / "state"),
        "MY_SETTING": "on",
        "MY_MUTANT": "no-retry",
    }
    # two processes, each leading its own session, both forked from the one server that imported the module
    assert one["pid"] != two["pid"] and one["sid"] == one["pid"] and two["sid"] == two["pid"]
    assert one["imported_by"] == two["imported_by"] not in (one["pid"], two["pid"], os.getpid())


def test_exit_statuses_and_tracebacks_are_those_of_a_new_interpreter(folder: Path) -> None:
    three, crash = _run(folder, "exit-3").run_once("sync-01"), _run(folder, "crash").run_once("sync-01")
    assert (three.ok, three.exit_code, three.message) == (False, 3, "the connector exited with 3")
    assert (crash.ok, crash.exit_code) == (False, 1)
    assert "RuntimeError: the connector fell over" in crash.output_tail and "Traceback" in crash.output_tail


def test_passes_on_stdin_reach_one_forked_process(folder: Path) -> None:
    run = _run(folder, "served", extra='passes = "stdin"\n')
    first, second = run.run_once("sync-01"), run.run_once("sync-02")
    assert (first.ok, second.ok) == (True, True)
    assert "pass 2 got 'sync'" in second.output_tail
    served = run._served
    assert served is not None
    run.close()
    assert served.proc.returncode == 0
    log = (Path(run.evidence_dir) / "connector-1.log").read_text()
    assert log.splitlines()[-1] == "stdin closed: bye"


def test_a_forked_daemon_is_killed_with_its_process_group(folder: Path) -> None:
    run = _run(folder, "sleep", mode="daemon", extra='ready = "ready"\n')
    run.start_daemon(lambda: ((0,), 0))
    proc = run.process
    assert proc is not None and proc.poll() is None
    assert run.stop_daemon(kill=True) == -9
    assert proc.poll() == -9


def test_a_module_that_does_not_import_is_a_connector_error(folder: Path) -> None:
    run = _run(folder, "show", preload='["forked_connector", "no_such_module_here"]')
    with pytest.raises(ConnectorError, match="no_such_module_here: ModuleNotFoundError"):
        run._spawn(run.connector.argv(), None)
    result = run.run_once("sync-01")
    assert not result.ok and "no_such_module_here" in result.message


def test_preload_needs_a_python_module_command(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[connector]\nname = "x"\ncommand = ["{python}", "connector.py"]\npreload = ["json"]\n')
    with pytest.raises(
        ConnectorError, match=r'preload needs a command of the form \["\{python\}", "-m", "MODULE"'
    ):
        load_connector(path)


def test_a_fork_server_that_died_is_replaced_at_the_next_process(folder: Path) -> None:
    run = _run(folder, "show")
    first = run.run_once("sync-01")
    (server,) = forkserver._SERVERS.values()
    assert server.proc is not None
    server.proc.kill()
    server.proc.wait()
    second = run.run_once("sync-02")
    assert (first.ok, second.ok) == (True, True)
    one = json.loads(Path(first.output_file or "").read_text())
    two = json.loads(Path(second.output_file or "").read_text())
    assert one["imported_by"] != two["imported_by"]  # a new server imported the module again
