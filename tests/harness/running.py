"""A real ``erpsim up`` process (gunicorn, every system) for the CLI and server tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from harness.ports import free_port, free_port_run
from harness.systems import SYSTEMS

ROOT = Path(__file__).resolve().parents[2]


def free_base_port(count: int = len(SYSTEMS)) -> int:
    """The first of ``count`` consecutive free ports (one per system by default)."""
    return free_port_run(count)


@dataclass
class Running:
    """A running ``erpsim up``: its process, log file, variables and URLs."""

    proc: subprocess.Popen[bytes]
    log: Path
    exports: dict[str, str] = field(default_factory=dict)

    def url(self, system: str) -> str:
        """The base URL of ``system``."""
        return self.exports[f"ERPSIM_{system.upper()}_URL"]

    def port(self, system: str) -> int:
        """The port of ``system``."""
        return int(self.url(system).rsplit(":", 1)[1])

    def output(self) -> str:
        """Everything the process printed so far."""
        return self.log.read_text(errors="replace")

    def stop(self) -> int:
        """SIGINT, then wait for the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def start_up(
    tmp: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60, command: str = "up"
) -> Running:
    """Start ``erpsim up`` (every system on free ports; or ``erpsim <command>``) and wait for its exports."""
    log = tmp / f"{command}.log"
    ports = ["--base-port", str(free_base_port())] if command == "up" else ["--port", str(free_port())]
    with log.open("wb") as out:  # the child writes to it; ``Running`` reads it back by name
        proc = subprocess.Popen(
            [sys.executable, "-m", "harness.cli", command, *ports, "--data-dir", str(tmp), *args],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
    running = Running(proc, log)
    deadline = time.monotonic() + timeout
    while "ERPSIM_ADMIN_TOKEN" not in running.exports:
        if proc.poll() is not None or time.monotonic() > deadline:
            running.stop()
            raise AssertionError(f"erpsim up did not start:\n{running.output()}")
        time.sleep(0.05)
        running.exports = {
            k: v
            for k, _, v in (
                line[7:].strip().partition("=")
                for line in running.output().splitlines()
                if line.startswith("export ")
            )
        }
    return running


@pytest.fixture(scope="module")
def running_up(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """``erpsim up -v`` for the module's tests (one line per request in its log)."""
    running = start_up(tmp_path_factory.mktemp("up"), "-v")
    yield running
    running.stop()
