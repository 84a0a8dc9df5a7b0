"""``erpsim load --profile smoke`` end to end, in its own processes (Locust's gevent patching stays out of pytest).

Proves the gate, never the figures: the smoke profile's loose objectives pass (exit 0, reports written), and
the same run judged by impossible objectives fails with a non-zero exit.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _erpsim_load(tmp_path: Path, *extra: str) -> tuple[int, str, dict]:  # type: ignore[type-arg]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    script = Path(sys.executable).with_name("erpsim")  # the console script, as a user runs it
    command = [str(script), "load"] if script.exists() else [sys.executable, "-m", "load.cli"]
    proc = subprocess.run(
        [*command, "--profile", "smoke", "--out", str(tmp_path), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    runs = sorted(tmp_path.glob("smoke-*"))
    assert len(runs) == 1, proc.stdout + proc.stderr
    results = json.loads((runs[0] / "results.json").read_text())
    return proc.returncode, proc.stdout + proc.stderr, results


@pytest.mark.slow
def test_smoke_profile_passes_its_loose_objectives_and_writes_the_reports(tmp_path: Path) -> None:
    status, output, results = _erpsim_load(tmp_path)
    assert status == 0, output
    assert results["verdict"] in ("PASS", "CONDITIONAL") and "SLO verdict" in output
    assert [r["status"] for r in results["slo"][:2]] == ["PASS", "PASS"]
    run = next(tmp_path.glob("smoke-*"))
    for name in (
        "locust_stats.csv",
        "locust_stats_history.csv",
        "locust.html",
        "peak-readiness.html",
        "plot-lag.png",
        "plot-throughput.png",
        "plot-429s.png",
        "plot-oversells.png",
        "drift.json",
    ):
        assert (run / name).is_file(), name
    stats = (run / "locust_stats.csv").read_text()
    assert "BUSINESS,engine adjustment lines/s" in stats and "POST,pos: sale" in stats


@pytest.mark.slow
def test_impossible_objectives_fail_the_run_with_a_non_zero_exit(tmp_path: Path) -> None:
    status, output, results = _erpsim_load(
        tmp_path, "--slo", str(Path(__file__).with_name("impossible.toml")), "--run-time", "8"
    )
    assert status == 1, output
    assert results["verdict"] == "FAIL" and [r["status"] for r in results["slo"]][0] == "FAIL"


def test_sigterm_stops_every_process_the_run_started(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "load.cli", "--profile", "smoke", "--out", str(tmp_path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    children: list[psutil.Process] = []
    try:
        for line in proc.stdout:  # emulators, engine and Locust all running: the load has begun
            if line.startswith("t="):
                break
        children = psutil.Process(proc.pid).children(recursive=True)
        assert children, "the run started no process"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        _gone, alive = psutil.wait_procs(children, timeout=30)
        assert alive == [], [p.cmdline() for p in alive]
        assert proc.returncode != 0
    finally:  # a failed test leaves nothing running either (its own children, or any process of its run folder)
        strays = [
            p for p in psutil.process_iter(["cmdline"]) if str(tmp_path) in " ".join(p.info["cmdline"] or [])
        ]
        for child in [*children, *strays]:
            if child.is_running():
                child.kill()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
