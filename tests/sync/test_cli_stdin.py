"""``erpsim sync --once --stdin``: one engine process, one pass per ``sync`` line, each answered on stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.sync.conftest import World

ROOT = Path(__file__).resolve().parents[2]


def _engine_env(world: World, state: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ERPSIM_")}
    return {**env, **world.env, "ERPSIM_STATE_DIR": str(state), **extra}


def test_each_sync_line_runs_a_pass_answered_by_its_status_and_end_of_input_exits(
    fresh: World, tmp_path: Path
) -> None:
    env = _engine_env(fresh, tmp_path / "state", ERPSIM_SYNC_FLOWS="orders-to-wms,periods")
    out = subprocess.run(
        [sys.executable, "-m", "sync", "--once", "--stdin"],
        input="sync\n\nbogus\nsync\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert [line for line in out.stdout.splitlines() if line.startswith("erpsim-pass:")] == [
        "erpsim-pass: 0",
        "erpsim-pass: 2",
        "erpsim-pass: 0",
    ]
    assert "erpsim sync: unknown command 'bogus' on stdin (one 'sync' per pass)" in out.stderr
    # the exception queue mirror was written at start (an empty queue: nothing to sync)
    assert json.loads((tmp_path / "state" / "exceptions.json").read_text()) == []


def test_stdin_passes_are_refused_with_the_daemon(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "sync", "--daemon", "--stdin"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert out.returncode == 2
    assert out.stderr.strip().splitlines()[-1] == (
        "erpsim sync: error: --stdin runs once-mode passes: not with --daemon, --list-mutants or a command"
    )
