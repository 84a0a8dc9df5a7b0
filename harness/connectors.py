"""The connector protocol: a TOML file describing a process, run once per ``sync`` step or kept as a daemon.

```toml
[connector]
name = "reference"
command = ["{python}", "-m", "harness.cli", "sync", "--once"]   # argv, no shell; {python} = this interpreter
mode = "once"                    # once | daemon
passes = "process"               # once: "process" (the command runs per pass) or "stdin" (see below)
settle_seconds = 0.5             # daemon: quiet this long = quiescent
timeout_seconds = 60             # once: per pass; daemon: per wait for quiescence
flows = ["orders-to-wms", "cancellations"]
exceptions = ["{python}", "-m", "harness.cli", "sync", "exceptions", "--json"]  # optional exception queue
exceptions_file = "exceptions.json"  # optional, instead: the queue as a JSON file in ERPSIM_STATE_DIR (no process)
mutant_env = "ERPSIM_SYNC_MUTANT"                 # optional: how --mutant NAME reaches the connector
mutants = ["{python}", "-m", "harness.cli", "sync", "--list-mutants"]  # optional: prints its mutants, one a line
flows_env = "ERPSIM_SYNC_FLOWS"                   # optional: set to the scenario's flows (comma list)
quiescence = "requests"          # daemon: "requests" (any request) or "writes" (pollers' GETs ignored)
ready = "listening"              # daemon, optional: a regex its output prints once it is up
daemon = "reference-daemon.toml" # once, optional: the connector file that runs daemon-only scenarios
preload = ["mypkg.cli"]          # optional, a command `{python} -m MODULE ...` only: modules imported once

[connector.env]
LOG_LEVEL = "info"
```

The command runs with the TOML file's folder as working directory and gets the world's ``ERPSIM_*``
variables plus a fresh ``ERPSIM_STATE_DIR`` per scenario. Everything it prints is kept as evidence.

``passes = "stdin"`` (once mode) saves a process start per pass: the command starts at a scenario's first
``sync`` step and stays up for the scenario; each ``sync`` step writes the line ``sync`` to its stdin, and the
pass is over when it prints the line ``erpsim-pass: <status>`` (0 = completed, anything else = failed, as an
exit status would). At the end of the scenario its stdin is closed and it must exit. A pass that times out or a
process that exits counts as a failed pass; the next ``sync`` step starts the command again.

``preload`` (a Python connector run as ``{python} -m MODULE ...``) names modules the harness imports once per
job in a fork server (``harness/forkserver.py``): each connector process is then forked from it, with the
scenario's environment, argv, folder and output, instead of a new interpreter importing them again. The
modules must read their configuration when they run, not when they are imported.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .forkserver import ForkedProcess, ForkServer, ForkServerError, server_for
from .scenario import FLOWS, Flow

PLACEHOLDERS = {"{python}": sys.executable}
#: a connector process: started by the harness, or forked from a fork server (``preload``)
Proc = subprocess.Popen[bytes] | ForkedProcess


class ConnectorError(RuntimeError):
    """The connector could not be loaded, started or run; the message says what and how to fix it."""


class ConnectorSpec(BaseModel):
    """The ``[connector]`` table of a connector file."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    command: list[str] = Field(min_length=1)
    mode: Literal["once", "daemon"] = "once"
    passes: Literal["process", "stdin"] = "process"
    settle_seconds: float = Field(default=0.5, gt=0, le=60)
    timeout_seconds: float = Field(default=60.0, gt=0, le=3600)
    flows: list[Flow] = Field(default_factory=lambda: list(FLOWS))  # type: ignore[arg-type]
    exceptions: list[str] | None = None
    exceptions_file: str | None = Field(
        default=None, description="the queue as a JSON array in ERPSIM_STATE_DIR"
    )
    mutant_env: str = "ERPSIM_SYNC_MUTANT"
    mutants: list[str] | None = Field(
        default=None, description="a command printing one mutant a line, name first"
    )
    flows_env: str | None = None
    quiescence: Literal["requests", "writes"] = "requests"
    ready: str | None = None
    daemon: str | None = Field(
        default=None,
        description="once mode: the connector file (relative to this one) "
        "that runs scenarios written for daemon mode only",
    )
    preload: list[str] = Field(
        default_factory=list,
        description="modules a `{python} -m MODULE` command imports "
        "once, in a fork server, for every process",
    )
    env: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _preload_needs_python_module(self) -> ConnectorSpec:
        if self.preload and (len(self.command) < 3 or self.command[:2] != ["{python}", "-m"]):
            raise ValueError('preload needs a command of the form ["{python}", "-m", "MODULE", ...]')
        return self

    @model_validator(mode="after")
    def _passes_in_once_mode(self) -> ConnectorSpec:
        if self.passes == "stdin" and self.mode != "once":
            raise ValueError('passes = "stdin" is a way to run once-mode passes; a daemon runs its own')
        return self

    @field_validator("ready")
    @classmethod
    def _regex(cls, value: str | None) -> str | None:
        if value is not None:
            re.compile(value)
        return value


@dataclass
class Connector:
    """A loaded connector file: the spec plus the folder its command runs in."""

    spec: ConnectorSpec
    path: Path
    mutant: str | None = None
    #: the flows of the scenario being run (passed through ``flows_env`` when the connector declares one)
    scenario_flows: list[str] | None = None

    @property
    def folder(self) -> Path:
        """The working directory of the command (the TOML file's folder)."""
        return self.path.parent

    def for_modes(self, modes: list[str]) -> Connector:
        """This connector, or its declared daemon variant when the scenario runs in daemon mode only."""
        if self.spec.mode in modes or not self.spec.daemon or "daemon" not in modes:
            return self
        variant = load_connector(self.folder / self.spec.daemon, self.mutant)
        if variant.spec.mode != "daemon":
            raise ConnectorError(
                f"{self.path}: connector.daemon names {variant.path}, whose mode is "
                f"{variant.spec.mode!r}, not 'daemon'"
            )
        return variant

    def fork_server(self, env: Mapping[str, str]) -> ForkServer:
        """The fork server of a ``preload`` connector for a process environment (one per job, started once)."""
        try:
            return server_for(PLACEHOLDERS["{python}"], str(self.folder), env, self.spec.preload)
        except (ForkServerError, OSError) as exc:
            raise ConnectorError(f"connector {self.spec.name}: {exc}") from None

    @property
    def label(self) -> str:
        """The name, with the mutant when one is selected."""
        return f"{self.spec.name}[{self.mutant}]" if self.mutant else self.spec.name

    def argv(self, args: list[str] | None = None) -> list[str]:
        """The command with placeholders expanded."""
        return [PLACEHOLDERS.get(a, a) for a in (args or self.spec.command)]

    def environment(self, world_env: Mapping[str, str], state_dir: Path) -> dict[str, str]:
        """The process environment: ours minus stray ERPSIM_*, the world's variables, state dir, mutant."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("ERPSIM_")}
        env.update(world_env)
        env.update(self.spec.env)
        env["ERPSIM_STATE_DIR"] = str(state_dir)
        env.setdefault("PYTHONUNBUFFERED", "1")
        if self.mutant:
            env[self.spec.mutant_env] = self.mutant
        if self.spec.flows_env and self.scenario_flows:
            env[self.spec.flows_env] = ",".join(self.scenario_flows)
        return env


def load_connector(path: Path | str, mutant: str | None = None) -> Connector:
    """Read and validate a connector TOML file (errors name the file and the problem)."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConnectorError(f"{p}: cannot read the connector file: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConnectorError(f"{p}: not valid TOML: {exc}") from None
    table = data.get("connector")
    if not isinstance(table, dict):
        raise ConnectorError(f"{p}: a connector file needs a [connector] table (name, command, mode)")
    try:
        spec = ConnectorSpec.model_validate(table)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(x) for x in err["loc"])
        raise ConnectorError(f"{p}: connector{'.' + where if where else ''}: {err['msg']}") from None
    return Connector(spec=spec, path=p.resolve(), mutant=mutant or spec.env.get(spec.mutant_env))


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


def _kill_group(proc: Proc, sig: int) -> None:
    """Signal the process group the connector leads (it was started in its own session)."""
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


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
                _kill_group(proc, signal.SIGKILL)
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
            _kill_group(proc, signal.SIGKILL if kill else signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                _kill_group(proc, signal.SIGKILL)
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


#: the line a ``passes = "stdin"`` connector prints when a pass is over, with its status
PASS_DONE = re.compile(rb"^erpsim-pass: (-?\d+)\s*$")


@dataclass
class ServedProcess:
    """A ``passes = "stdin"`` connector process: its output goes to a log, done lines to a queue."""

    proc: Proc
    log_path: Path
    done: queue.Queue[int | None]
    reader: threading.Thread
    written: list[int]  # bytes logged so far (one slot, updated by the reader)
    pass_offset: int = 0

    @classmethod
    def start(cls, spawn: Callable[[Any], Proc], log_path: Path) -> ServedProcess:
        """Spawn it (stdout piped through a reader thread into ``log_path``)."""
        proc = spawn(subprocess.PIPE)
        done: queue.Queue[int | None] = queue.Queue()
        written = [0]

        def read() -> None:
            assert proc.stdout is not None
            with open(log_path, "wb") as log:
                for line in proc.stdout:
                    log.write(line)
                    log.flush()
                    written[0] += len(line)
                    match = PASS_DONE.match(line)
                    if match:
                        done.put(int(match.group(1)))
            done.put(None)  # end of output: the process is gone

        reader = threading.Thread(target=read, name="erpsim-connector-output", daemon=True)
        reader.start()
        return cls(proc, log_path, done, reader, written)

    def alive(self) -> bool:
        """True while the process runs."""
        return self.proc.poll() is None

    def run_pass(self, timeout: float) -> tuple[int | None, str]:
        """Ask for one pass and wait for its done line: (status, message); status None = no answer."""
        self.pass_offset = self.written[0]
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(b"sync\n")
            self.proc.stdin.flush()
        except OSError:
            pass  # it exited: the reader reports the end of its output below
        try:
            status = self.done.get(timeout=timeout)
        except queue.Empty:
            return None, f"the connector did not finish the pass within {timeout:g} s (killed)"
        if status is None:
            code = self.proc.wait()
            return None, f"the connector exited with {code} instead of finishing the pass"
        return status, "" if status == 0 else f"the pass ended with status {status}"

    def output_since_pass(self, limit: int = 4000) -> str:
        """What the process printed since the current pass was asked for (its tail)."""
        self.reader.join(0.0)
        try:
            with open(self.log_path, "rb") as log:
                log.seek(max(self.pass_offset, self.written[0] - limit))
                return log.read(limit).decode("utf-8", "replace")
        except OSError:
            return ""

    def stop(self, kill: bool = False) -> int | None:
        """Close its stdin (it must exit); SIGKILL with ``kill`` or after 10 s."""
        if not kill and self.proc.stdin is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        try:
            if kill:
                raise subprocess.TimeoutExpired(self.proc.args, 0)
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            _kill_group(self.proc, signal.SIGKILL)
            self.proc.wait()
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        self.reader.join(10)
        return self.proc.returncode


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
