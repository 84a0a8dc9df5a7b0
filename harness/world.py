"""One world of five emulators: start them on free loopback ports, reset, seed, one clock, faults, state.

Two ways to serve the same apps (measured in ARCHITECTURE.md, "Harness"):

- ``thread`` (default): the emulators' Flask apps served by werkzeug threads inside the harness process;
  ready in about 1 s, nothing to stop but threads, the journal and fault plans in this very process.
- ``process``: ``erpsim up`` as a child process (gunicorn), exactly what a user runs.

Either way the world is then driven only over HTTP: the control plane for resets, seeds, clocks, faults
and state, and the vendor APIs for scenario ``api`` steps. :class:`World` needs nothing but the
``ERPSIM_*`` variables, so it also drives a world someone else started (``erpsim world ... --env``).
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .clients import ControlClient, ControlError, SystemClient, system_client
from .ports import free_port
from .systems import SYSTEMS as REGISTERED

SYSTEMS = tuple(REGISTERED)
DEFAULT_ADMIN_TOKEN = "erpsim-admin"
log = logging.getLogger("erpsim.harness")


class WorldStartError(RuntimeError):
    """The emulators could not be started (busy port, bad configuration, crash at start-up)."""


def _scratch_dir() -> Path:
    """A fresh folder for the world's SQLite files: on tmpfs when the machine has one (faster fsync)."""
    shm = Path("/dev/shm")
    base = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="erpsim-world-", dir=base))


def env_from_exports(lines: list[str]) -> dict[str, str]:
    """``export KEY=VALUE`` lines (as ``erpsim up`` prints them) as a dict."""
    out: dict[str, str] = {}
    for line in lines:
        if line.startswith("export "):
            key, _, value = line[len("export ") :].strip().partition("=")
            out[key] = value
    return out


class _QuietHandler:
    """Factory of a werkzeug request handler that does not log every request to stderr."""

    @staticmethod
    def make() -> Any:
        from werkzeug.serving import WSGIRequestHandler

        class Handler(WSGIRequestHandler):
            def log_request(self, *args: Any, **kwargs: Any) -> None:
                pass

        return Handler


def _server_log(server: Any) -> Any:
    """werkzeug's server log, minus the traceback of a connection a fault plan dropped on purpose."""
    original = server.log

    def log(type: str, message: str, *args: Any) -> None:
        if "write() before start_response" in message:
            return  # a reset_before / reset_after fault closed the socket without a response: intended
        original(type, message, *args)

    return log


@dataclass
class WorldServer:
    """The five emulators serving on loopback; :meth:`env` gives the ``ERPSIM_*`` variables."""

    mode: str = "thread"
    data_dir: Path | None = None
    systems: tuple[str, ...] = SYSTEMS
    admin_token: str = field(
        default_factory=lambda: os.environ.get("ERPSIM_ADMIN_TOKEN", DEFAULT_ADMIN_TOKEN)
    )
    started_in: float = 0.0
    _env: dict[str, str] = field(default_factory=dict)
    _servers: list[Any] = field(default_factory=list)
    _emulators: list[Any] = field(default_factory=list)
    _proc: subprocess.Popen[str] | None = None
    _own_dir: bool = False

    def start(self, timeout: float = 30.0) -> WorldServer:
        """Start every emulator (thread or process mode); raises :class:`WorldStartError` with the reason."""
        if self.mode not in ("thread", "process"):
            raise WorldStartError(f"unknown world mode {self.mode!r}: use 'thread' or 'process'")
        if self.data_dir is None:
            self.data_dir, self._own_dir = _scratch_dir(), True
        began = time.perf_counter()
        if self.mode == "thread":
            self._start_threads()
        else:
            self._start_process(timeout)
        self.started_in = time.perf_counter() - began
        return self

    def _start_threads(self) -> None:
        from werkzeug.serving import make_server

        from harness.cli import export_lines
        from harness.systems import system_module
        from mocks.core.config import EmulatorConfig

        assert self.data_dir is not None
        handler = _QuietHandler.make()
        configs = {}
        try:
            for name in self.systems:
                cfg = EmulatorConfig.from_env(
                    name,
                    data_dir=self.data_dir,
                    db_url=f"sqlite:///{(self.data_dir / f'{name}.db').resolve()}",
                    admin_token=self.admin_token,
                    webhook_dispatcher=True,
                )
                app = system_module(name).create_app(cfg)
                server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=handler)
                server.log = _server_log(server)  # type: ignore[method-assign]
                cfg.port = server.server_port
                configs[name] = cfg
                thread = threading.Thread(target=server.serve_forever, name=f"erpsim-{name}", daemon=True)
                thread.start()
                self._servers.append(server)
                emu = app.extensions["erpsim"]
                emu.start_background()
                self._emulators.append(emu)
        except Exception as exc:
            self.stop()
            raise WorldStartError(
                f"could not start the emulators in-process: {type(exc).__name__}: {exc}"
            ) from exc
        self._env = env_from_exports(export_lines(configs, "127.0.0.1"))

    def _start_process(self, timeout: float) -> None:
        assert self.data_dir is not None
        ports = {name: _free_port() for name in self.systems}
        env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "ERPSIM_ADMIN_TOKEN": self.admin_token,
            **{f"ERPSIM_{n.upper()}_PORT": str(p) for n, p in ports.items()},
        }
        for name in self.systems:  # the world's own SQLite files, whatever the caller's ERPSIM_*_DB says
            env[f"ERPSIM_{name.upper()}_DB"] = f"sqlite:///{(self.data_dir / f'{name}.db').resolve()}"
        log_path = self.data_dir / "erpsim-up.log"
        # the child writes to the log until stopped; this process only reads it back by name
        with open(log_path, "w+", encoding="utf-8") as out:
            self._proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "harness.cli",
                    "up",
                    "--systems",
                    ",".join(self.systems),
                    "--data-dir",
                    str(self.data_dir),
                ],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = log_path.read_text(encoding="utf-8")
            exports = env_from_exports(text.splitlines())
            if "ERPSIM_ADMIN_TOKEN" in exports:
                self._env = exports
                return
            if self._proc.poll() is not None:
                raise WorldStartError(f"erpsim up exited with {self._proc.returncode}:\n{text[-2000:]}")
            time.sleep(0.02)
        self.stop()
        raise WorldStartError(f"erpsim up was not ready within {timeout:.0f} s")

    def env(self) -> dict[str, str]:
        """The ``ERPSIM_*`` variables of this world (URLs, credentials, admin token)."""
        return dict(self._env)

    def stop(self) -> None:
        """Stop the servers (threads or the child process) and remove a scratch data folder."""
        for emu in self._emulators:
            if emu.webhooks is not None:
                emu.webhooks.stop()
        # every server at once: each shutdown waits for its serve_forever loop to poll (up to 0.5 s)
        stopping = [threading.Thread(target=server.shutdown, daemon=True) for server in self._servers]
        for thread in stopping:
            thread.start()
        for thread in stopping:
            thread.join()
        for server in self._servers:
            server.server_close()
        for emu in self._emulators:
            emu.store.dispose()
        self._servers.clear()
        self._emulators.clear()
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGINT)
            try:
                self._proc.wait(15)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None
        if self._own_dir and self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = None

    def __enter__(self) -> WorldServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


_free_port = free_port  # (tests replace it to pin a port)


class World:
    """The five emulators driven as one: one reset, one clock, fault plans per system, one state."""

    def __init__(self, env: Mapping[str, str], systems: tuple[str, ...] = SYSTEMS) -> None:
        self.env = dict(env)
        missing = [s for s in systems if f"ERPSIM_{s.upper()}_URL" not in self.env]
        if missing:
            raise WorldStartError(
                f"no URL for {', '.join(missing)}: set ERPSIM_<SYSTEM>_URL (as `erpsim up` prints)"
            )
        self.systems = systems
        token = self.env.get("ERPSIM_ADMIN_TOKEN", DEFAULT_ADMIN_TOKEN)
        self.control = {s: ControlClient(s, self.env[f"ERPSIM_{s.upper()}_URL"], token) for s in systems}
        self._clients: dict[str, SystemClient] = {}
        self._pool = ThreadPoolExecutor(max_workers=len(systems), thread_name_prefix="erpsim-world")

    # ---- all systems at once -----------------------------------------------------------------
    def each(
        self,
        method: str,
        path: str,
        body: Any = None,
        params: Mapping[str, Any] | None = None,
        systems: tuple[str, ...] | None = None,
    ) -> dict[str, Any]:
        """The same control-plane call on every system (concurrently); results by system."""
        targets = systems or self.systems
        futures = {s: self._pool.submit(self.control[s].call, method, path, body, params) for s in targets}
        return {s: f.result() for s, f in futures.items()}

    def reset(self) -> None:
        """Empty every system, rewind every clock, clear every fault plan and journal."""
        self.each("POST", "reset", {})
        self._clients.clear()  # e.g. an AP session does not survive the reset

    def clock(self, *, set_to: str | None = None, advance: Any = None) -> dict[str, Any]:
        """Set or advance every system's clock together; returns each system's clock afterwards."""
        if set_to is not None:
            return self.each("POST", "clock", {"set": set_to, "rate": 0})
        if advance is not None:
            return self.each("POST", "clock", {"advance": advance})
        return self.each("GET", "clock")

    def faults(self, system: str, plan: Mapping[str, Any] | None) -> Any:
        """Install a fault plan on one system (``None`` clears it)."""
        if plan is None:
            return self.control[system].call("DELETE", "faults")
        return self.control[system].call("PUT", "faults", dict(plan))

    def fault_report(self) -> dict[str, Any]:
        """Every system's fault plan with match and fire counts (evidence)."""
        return self.each("GET", "faults")

    def state(self, systems: tuple[str, ...] | None = None) -> dict[str, Any]:
        """Every system's state dump, by system."""
        return self.each("GET", "state", systems=systems)

    def journals(self, since: Mapping[str, int] | None = None) -> dict[str, list[dict[str, Any]]]:
        """Every system's request journal (entries after ``since[system]``)."""
        out = {}
        futures = {
            s: self._pool.submit(
                self.control[s].call, "GET", "journal", None, {"since": (since or {}).get(s, 0)}
            )
            for s in self.systems
        }
        for s, f in futures.items():
            out[s] = f.result()["entries"]
        return out

    def activity(self) -> tuple[tuple[int, ...], int]:
        """A fingerprint of activity: each system's last journal sequence, and pending webhook deliveries."""
        seqs = self.each("GET", "journal", params={"since": 10**12})
        hooks = self.each("GET", "webhooks")
        return (
            tuple(int(seqs[s]["lastSeq"]) for s in self.systems),
            sum(int(hooks[s].get("pending", 0)) for s in self.systems),
        )

    def deliver_webhooks(self, systems: tuple[str, ...] | None = None) -> dict[str, Any]:
        """Send every pending webhook delivery now, in order."""
        return self.each("POST", "webhooks/deliver", {}, systems=systems)

    def hold_webhooks(self, hold: bool, systems: tuple[str, ...] | None = None) -> dict[str, Any]:
        """Stop (``hold``) or restart the background webhook delivery; a reset restarts it too."""
        return self.each("POST", "webhooks/dispatcher", {"paused": hold}, systems=systems)

    def act(
        self, system: str, action: str, body: Mapping[str, Any] | None = None, expect: int | None = 200
    ) -> Any:
        """``POST /__erpsim/act/<action>`` on one system."""
        return self.control[system].call("POST", f"act/{action}", dict(body or {}), expect=expect)

    def client(self, system: str) -> SystemClient:
        """The authenticated vendor-API client of one system (kept for the world's lifetime)."""
        if system not in self._clients:
            self._clients[system] = system_client(system, self.env)
        return self._clients[system]

    def close(self) -> None:
        """Close the HTTP sessions and the worker pool."""
        for c in self.control.values():
            c.close()
        for cl in self._clients.values():
            cl.close()
        self._pool.shutdown(wait=False)


__all__ = ["World", "WorldServer", "WorldStartError", "ControlError", "SYSTEMS", "env_from_exports"]
