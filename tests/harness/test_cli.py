"""``erpsim up`` starts every emulator, prints the connector variables and stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from mocks.core.registry import SYSTEMS

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_up_serves_every_system_prints_exports_and_stops_on_sigint(tmp_path: Path) -> None:
    ports = {name: _free_port() for name in SYSTEMS}
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **{f"ERPSIM_{n.upper()}_PORT": str(p) for n, p in ports.items()}}
    log = open(tmp_path / "up.log", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "harness.cli", "up", "--data-dir", str(tmp_path)], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        exports: dict[str, str] = {}
        deadline = time.monotonic() + 30
        while "ERPSIM_ADMIN_TOKEN" not in exports and time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "up.log").read_text()
            time.sleep(0.05)
            exports = {k: v for k, _, v in (line[7:].strip().partition("=") for line in
                                            (tmp_path / "up.log").read_text().splitlines()
                                            if line.startswith("export "))}
        for name, port in ports.items():
            assert exports[f"ERPSIM_{name.upper()}_URL"] == f"http://127.0.0.1:{port}"
            health = requests.get(f"http://127.0.0.1:{port}/__erpsim/health", timeout=10).json()
            assert health == {"system": name, "status": "ok"}
        assert exports["ERPSIM_NETSUITE_ACCOUNT"] == "1234567_SB1"
        for key in ("CONSUMER_KEY", "CONSUMER_SECRET", "TOKEN_ID", "TOKEN_SECRET"):
            assert exports[f"ERPSIM_NETSUITE_{key}"]
        assert exports["ERPSIM_ADMIN_TOKEN"] == "erpsim-admin"
        assert (tmp_path / "netsuite.db").exists()
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(20)
    assert code == 0
    for port in ports.values():
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0


def test_single_system_command_takes_port_and_db_flags(tmp_path: Path) -> None:
    port = _free_port()
    db = tmp_path / "one.db"
    proc = subprocess.Popen([sys.executable, "-m", "harness.cli", "netsuite", "--port", str(port), "--db",
                             f"sqlite:///{db}", "--data-dir", str(tmp_path)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                r = requests.get(f"http://127.0.0.1:{port}/__erpsim/health", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        assert r.json() == {"system": "netsuite", "status": "ok"}
        assert db.exists()
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0
