"""One scenario's use of a connector: once-mode passes, the daemon and quiescence, the exception queue."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .connector_process import Proc, ServedProcess, kill_group
from .connectors import Connector, ConnectorError
from .forkserver import ForkedProcess, ForkServerError


@dataclass
class PassResult:
    """What one sync pass (or one wait for quiescence) did."""

    ok: bool
    exit_code: int | None
    seconds: float
    message: str = ""
    output_file: str | None = None
    output_tail: str = ""


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[-limit:].decode("utf-8", "replace")


@dataclass
class ConnectorRun:
    """One scenario's use of a connector: its env, state folder, output files and (daemon) process."""

    connector: Connector
    world_env: dict[str, str]
    state_dir: Path
    evidence_dir: Path
    passes: list[PassResult] = field(default_factory=list)
    process: Proc | None = None
    _log_handle: Any = None
    _log_path: Path | None = None
    _starts: int = 0
    _served: ServedProcess | None = None
    _served_starts: int = 0

    @property
    def env(self) -> dict[str, str]:
        """The connector's process environment."""
        return self.connector.environment(self.world_env, self.state_dir)

    def _forked(self, stdin: Any, out: Any) -> ForkedProcess | None:
        """The command forked from the connector's fork server (None when it declares no ``preload``)."""
        spec = self.connector.spec
        if not spec.preload:
            return None
        env = self.env
        server = self.connector.fork_server(env)
        try:
            return server.spawn(
                spec.command[2],
                self.connector.argv()[3:],
                env,
                str(self.connector.folder),
                stdin=stdin,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        except (ForkServerError, OSError) as exc:
            raise ConnectorError(f"connector {spec.name}: {exc}") from None

    def _spawn(self, argv: list[str], out: Any) -> Proc:
        forked = self._forked(subprocess.DEVNULL, out) if argv == self.connector.argv() else None
        if forked is not None:
            return forked
        try:
            return subprocess.Popen(
                argv,
                cwd=self.connector.folder,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        except FileNotFoundError:
            raise ConnectorError(
                f"connector command not found: {argv[0]!r} (from {self.connector.path}; "
                f"relative paths resolve in {self.connector.folder})"
            ) from None
        except PermissionError:
            raise ConnectorError(f"connector command is not executable: {argv[0]!r}") from None
        except OSError as exc:
            raise ConnectorError(f"connector command {argv[0]!r} could not start: {exc}") from None

    # ---- once mode ---------------------------------------------------------------------------------
    def run_once(self, label: str) -> PassResult:
        """Run one pass, with the timeout; never raises for the connector's own failures."""
        if self.connector.spec.passes == "stdin":
            return self._run_served()
        out_path = self.evidence_dir / f"{label}.log"
        began = time.perf_counter()
        with open(out_path, "wb") as out:
            try:
                proc = self._spawn(self.connector.argv(), out)
            except ConnectorError as exc:
                result = PassResult(False, None, 0.0, str(exc), str(out_path))
                self.passes.append(result)
                return result
            try:
                code = proc.wait(self.connector.spec.timeout_seconds)
                message = "" if code == 0 else f"the connector exited with {code}"
            except subprocess.TimeoutExpired:
                kill_group(proc, signal.SIGKILL)
                proc.wait()
                code = None
                message = (
                    f"the connector did not finish within {self.connector.spec.timeout_seconds:g} s (killed)"
                )
        result = PassResult(
            code == 0, code, time.perf_counter() - began, message, str(out_path), _tail(out_path)
        )
        self.passes.append(result)
        return result

    def _run_served(self) -> PassResult:
        """One pass of a ``passes = "stdin"`` connector: started if need be, then asked on its stdin."""
        began = time.perf_counter()
        if self._served is None or not self._served.alive():
            if self._served is not None:
                self._served.stop(kill=True)
            self._served_starts += 1
            path = self.evidence_dir / f"connector-{self._served_starts}.log"
            try:
                self._served = ServedProcess.start(self._spawn_served, path)
            except ConnectorError as exc:
                result = PassResult(False, None, 0.0, str(exc), str(path))
                self.passes.append(result)
                return result
        served = self._served
        status, message = served.run_pass(self.connector.spec.timeout_seconds)
        if status is None:  # it died or hung: the next pass starts it again, as a fresh process would
            served.stop(kill=True)
            self._served = None
        result = PassResult(
            status == 0,
            status,
            time.perf_counter() - began,
            message,
            str(served.log_path),
            served.output_since_pass(),
        )
        self.passes.append(result)
        return result

    def _spawn_served(self, out: Any) -> Proc:
        forked = self._forked(subprocess.PIPE, out)
        if forked is not None:
            return forked
        try:
            return subprocess.Popen(
                self.connector.argv(),
                cwd=self.connector.folder,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.PIPE,
                start_new_session=True,
            )
        except FileNotFoundError:
            raise ConnectorError(
                f"connector command not found: {self.connector.argv()[0]!r} (from "
                f"{self.connector.path}; relative paths resolve in {self.connector.folder})"
            ) from None
        except OSError as exc:
            raise ConnectorError(
                f"connector command {self.connector.argv()[0]!r} could not start: {exc}"
            ) from None

    def close(self) -> None:
        """Stop whatever still runs for this scenario (a daemon, a ``passes = "stdin"`` process)."""
        self.stop_daemon()
        if self._served is not None:
            self._served.stop()
            self._served = None

    # ---- daemon mode -------------------------------------------------------------------------------
    def start_daemon(self, activity: Callable[[], tuple[Any, ...]]) -> None:
        """Start the daemon and wait until it is up (its ``ready`` line, or its first request)."""
        self._starts += 1
        self._log_path = self.evidence_dir / f"daemon-{self._starts}.log"
        self._log_handle = open(self._log_path, "wb")  # noqa: SIM115 - open for the daemon's lifetime
        before = activity()
        self.process = self._spawn(self.connector.argv(), self._log_handle)
        deadline = time.monotonic() + self.connector.spec.timeout_seconds
        pattern = re.compile(self.connector.spec.ready) if self.connector.spec.ready else None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ConnectorError(
                    f"the daemon exited with {self.process.returncode} while starting:\n"
                    f"{_tail(self._log_path, 2000)}"
                )
            if pattern is not None:
                if pattern.search(_tail(self._log_path, 100_000)):
                    return
            elif activity()[0] != before[0]:
                return
            time.sleep(0.02)
        raise ConnectorError(
            f"the daemon gave no sign of life within {self.connector.spec.timeout_seconds:g} s "
            f"({'no line matching ' + repr(self.connector.spec.ready) if pattern else 'no request'})"
        )

    def wait_quiescent(
        self,
        activity: Callable[[], tuple[Any, ...]],
        settle: float | None = None,
        timeout: float | None = None,
    ) -> PassResult:
        """Wait until nothing happened for ``settle`` seconds (no request, no pending webhook)."""
        settle = settle or self.connector.spec.settle_seconds
        timeout = timeout or self.connector.spec.timeout_seconds
        began = time.perf_counter()
        deadline = time.monotonic() + timeout
        last = activity()
        quiet_since = time.monotonic() if last[-1] == 0 else None
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                result = PassResult(
                    False,
                    self.process.returncode,
                    time.perf_counter() - began,
                    f"the daemon exited with {self.process.returncode}",
                    str(self._log_path),
                    _tail(self._log_path) if self._log_path else "",
                )
                self.passes.append(result)
                return result
            time.sleep(max(0.05, min(0.2, settle / 5)))  # each probe is ten control-plane calls
            now = activity()
            if now != last or now[-1] != 0:
                last, quiet_since = now, (time.monotonic() if now[-1] == 0 else None)
                continue
            if quiet_since is not None and time.monotonic() - quiet_since >= settle:
                result = PassResult(True, None, time.perf_counter() - began, "", str(self._log_path))
                self.passes.append(result)
                return result
        result = PassResult(
            False,
            None,
            time.perf_counter() - began,
            f"the world did not become quiet within {timeout:g} s (last activity {last})",
            str(self._log_path),
            _tail(self._log_path) if self._log_path else "",
        )
        self.passes.append(result)
        return result

    def stop_daemon(self, kill: bool = False) -> int | None:
        """Stop the daemon: SIGTERM (SIGKILL with ``kill`` or after 10 s); returns its exit code."""
        proc = self.process
        if proc is None:
            return None
        if proc.poll() is None:
            kill_group(proc, signal.SIGKILL if kill else signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                kill_group(proc, signal.SIGKILL)
                proc.wait()
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None
        self.process = None
        return proc.returncode

    # ---- exception queue -----------------------------------------------------------------------------
    def exceptions(self) -> list[dict[str, Any]] | None:
        """The connector's exception queue (None when the connector declares none)."""
        if self.connector.spec.exceptions_file:
            return self._exceptions_file(self.state_dir / self.connector.spec.exceptions_file)
        argv = self.connector.spec.exceptions
        if not argv:
            return None
        out_path = self.evidence_dir / "exceptions.json"
        try:
            proc = subprocess.run(
                self.connector.argv(argv),
                cwd=self.connector.folder,
                env=self.env,
                capture_output=True,
                timeout=self.connector.spec.timeout_seconds,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        except FileNotFoundError:
            raise ConnectorError(f"exceptions command not found: {argv[0]!r}") from None
        except subprocess.TimeoutExpired:
            raise ConnectorError(
                f"the exceptions command did not finish within {self.connector.spec.timeout_seconds:g} s"
            ) from None
        out_path.write_bytes(proc.stdout)
        if proc.returncode != 0:
            raise ConnectorError(
                f"the exceptions command exited with {proc.returncode}: "
                f"{proc.stderr.decode('utf-8', 'replace')[-1000:]}"
            )
        return _queue(proc.stdout, "the exceptions command printed")

    def _exceptions_file(self, path: Path) -> list[dict[str, Any]]:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return []  # nothing parked yet
        except OSError as exc:
            raise ConnectorError(f"cannot read the exception queue file {path}: {exc.strerror}") from None
        return _queue(raw, f"the exception queue file {path.name} holds")


def _queue(raw: bytes, what: str) -> list[dict[str, Any]]:
    """A JSON array of objects, or a ConnectorError saying what came instead."""
    try:
        data = json.loads(raw.decode("utf-8", "replace") or "null")
    except ValueError:
        raise ConnectorError(
            f"{what} something that is not JSON: {raw[:200].decode('utf-8', 'replace')!r}"
        ) from None
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise ConnectorError(
            f"{what} {type(data).__name__}, not a JSON array of objects: {json.dumps(data)[:200]}"
        )
    return data
