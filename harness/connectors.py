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

This module loads a connector file; ``connector_run`` runs it for one scenario and ``connector_process``
holds its processes.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .forkserver import ForkServer, ForkServerError, server_for
from .scenario import FLOWS, Flow

PLACEHOLDERS = {"{python}": sys.executable}


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
