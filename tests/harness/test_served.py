"""Connectors with ``passes = "stdin"``: one process per scenario, one pass per ``sync`` line on its stdin."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from harness.connector_run import ConnectorRun
from harness.connectors import ConnectorError, load_connector

from .conftest import CONNECTORS

SERVED = CONNECTORS / "served.py"


def _run(tmp_path: Path, how: str, timeout: float = 20) -> ConnectorRun:
    path = tmp_path / f"{how}.toml"
    path.write_text(
        f'[connector]\nname = "{how}"\ncommand = ["{{python}}", "{SERVED}", "{how}"]\nmode = "once"\n'
        f'passes = "stdin"\ntimeout_seconds = {timeout}\n'
    )
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    return ConnectorRun(load_connector(path), {}, tmp_path / "state", evidence)


def _pids(text: str) -> set[str]:
    return set(re.findall(r"pid (\d+) ", text))


def test_every_pass_is_a_line_to_the_same_process_which_exits_when_stdin_closes(tmp_path: Path) -> None:
    run = _run(tmp_path, "ok")
    first, second = run.run_once("sync-01"), run.run_once("sync-02")
    assert (first.ok, first.exit_code, first.message) == (True, 0, "")
    assert (second.ok, second.exit_code) == (True, 0)
    assert "pass 2 got 'sync'" in second.output_tail and "pass 1" not in second.output_tail
    served = run._served
    assert served is not None
    run.close()
    assert served.proc.returncode == 0
    log = (tmp_path / "evidence" / "connector-1.log").read_text()
    assert len(_pids(log)) == 1
    assert log.splitlines()[-1] == "stdin closed: bye"
    assert first.output_file == second.output_file == str(tmp_path / "evidence" / "connector-1.log")


def test_a_pass_status_other_than_zero_fails_the_pass_and_the_process_carries_on(tmp_path: Path) -> None:
    run = _run(tmp_path, "fail-2")
    try:
        results = [run.run_once(f"sync-0{i}") for i in (1, 2, 3)]
        assert [(r.ok, r.exit_code, r.message) for r in results] == [
            (True, 0, ""),
            (False, 3, "the pass ended with status 3"),
            (True, 0, ""),
        ]
        assert len(_pids((tmp_path / "evidence" / "connector-1.log").read_text())) == 1
    finally:
        run.close()


def test_a_process_that_exits_mid_pass_fails_that_pass_and_the_next_pass_starts_a_new_one(
    tmp_path: Path,
) -> None:
    run = _run(tmp_path, "die-2")
    try:
        results = [run.run_once(f"sync-0{i}") for i in (1, 2, 3)]
        assert [(r.ok, r.exit_code, r.message) for r in results] == [
            (True, 0, ""),
            (False, None, "the connector exited with 5 instead of finishing the pass"),
            (True, 0, ""),
        ]
        assert "pass 2 got 'sync'" in results[1].output_tail
        assert results[2].output_file == str(tmp_path / "evidence" / "connector-2.log")
        assert "pass 1 got 'sync'" in results[2].output_tail
    finally:
        run.close()


def test_a_pass_that_never_ends_is_killed_at_the_timeout(tmp_path: Path) -> None:
    run = _run(tmp_path, "hang", timeout=1)
    try:
        result = run.run_once("sync-01")
        assert (result.ok, result.exit_code) == (False, None)
        assert result.message == "the connector did not finish the pass within 1 s (killed)"
        assert run._served is None  # killed: the next pass would start a fresh process
    finally:
        run.close()


def test_a_missing_command_is_a_failed_pass_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "gone.toml"
    path.write_text('[connector]\nname = "gone"\ncommand = ["./no-such-binary"]\npasses = "stdin"\n')
    run = ConnectorRun(load_connector(path), {}, tmp_path / "state", tmp_path)
    result = run.run_once("sync-01")
    assert (result.ok, result.exit_code) == (False, None)
    assert result.message.startswith("connector command not found: './no-such-binary'")


def test_stdin_passes_are_a_once_mode_setting(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[connector]\nname = "x"\ncommand = ["a"]\nmode = "daemon"\npasses = "stdin"\n')
    with pytest.raises(ConnectorError) as info:
        load_connector(path)
    assert str(info.value) == (
        f'{path}: connector: Value error, passes = "stdin" is a way to run once-mode '
        "passes; a daemon runs its own"
    )
