"""Chaos machinery shared by the engine-wide tests: crash (SIGKILL mid-pass) and random faults.

What is here, for every flow engineer to reuse:

- ``Workload``: a named piece of business (seed, then phases of in-system actions, each followed by syncing until
  a clean pass), with the flows it exercises. Register one with ``@workload(...)`` below (or
  ``register(Workload(...))`` from your own module imported here); ``tests/sync/test_crash.py`` and
  ``test_faults.py`` run every registered workload.
- ``EngineRunner``: ``erpsim sync --once`` as a subprocess (env from the world, its own state folder), optionally
  SIGKILLed at a deterministic point: the n-th request a chosen emulator receives is held (``hang``: it never
  commits; ``latency``: it commits after the engine died) and the engine is killed while it waits.
- ``normalise``: the end state of every system without ids, timestamps and versions (records are compared as
  multisets, references replaced by the referenced record's natural key), plus the engine's exception queue by
  category, so a run with kills or faults can be compared with a clean run: nothing lost, nothing duplicated.
- ``journal_mark`` / ``writes_since``: which requests changed something since a point (the "second pass changes
  nothing" checks).
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mocks.netsuite.domain.recordtypes import Field, RecordType, lookup, target_matches
from sync.config import SyncConfig
from sync.engine import Engine
from sync.state import StateStore
from tests.sync.conftest import World

ROOT = Path(__file__).resolve().parents[2]
SYSTEMS = ("netsuite", "wms", "pos", "qms", "ap")

# --- journals ----------------------------------------------------------------------------------------------
READ_PATHS = re.compile(r"/query/v1/suiteql|/oauth2?/|/login")


def journal_mark(world: World) -> dict[str, int]:
    """The last request sequence number of every emulator (a point to compare against later)."""
    return {s: int(world.control(s, "GET", "journal?limit=1")["lastSeq"]) for s in SYSTEMS}


def requests_since(world: World, mark: dict[str, int]) -> list[dict[str, Any]]:
    """Every vendor-API request the emulators served after ``mark`` (each with its ``system``)."""
    out = []
    for system in SYSTEMS:
        body = world.control(system, "GET", f"journal?since={mark.get(system, 0)}")
        out.extend({**entry, "system": system} for entry in body["entries"])
    return out


def writes_since(world: World, mark: dict[str, int]) -> list[str]:
    """The requests after ``mark`` that may change a system (not GETs, not SuiteQL or log-ins), as text."""
    return [
        f"{e['system']} {e['method']} {e['path']} -> {e['status']}"
        for e in requests_since(world, mark)
        if e["method"] not in ("GET", "HEAD") and not READ_PATHS.search(e["path"])
    ]


def request_counts(world: World, mark: dict[str, int]) -> dict[str, int]:
    """How many requests each emulator served after ``mark``."""
    now = journal_mark(world)
    return {s: now[s] - mark.get(s, 0) for s in SYSTEMS}


# --- state comparison --------------------------------------------------------------------------------------
#: Tables that record how a connector talked, not what the business did (sessions, rate windows, webhooks).
IGNORED_TABLES = re.compile(r"^erpsim_|^ap_sessions$|^ap_rate_windows$|^ap_idempotency$|^qms_counters$")
#: Columns that differ between two runs of the same business: ids, timestamps, versions.
VOLATILE_COLUMNS = re.compile(
    r"(created|updated|modified|_at$|^at$|date|time|^ts$|version|attempts|^seq$|"
    r"payload|^secret$|^api_key$)",
    re.IGNORECASE,
)
NATURAL_KEYS = re.compile(r"external|netsuite", re.IGNORECASE)


def _volatile(column: str) -> bool:
    """Ids (``id``, ``order_id``, ``productid``) and timestamps; external and NetSuite ids are natural keys."""
    if column.lower().endswith("id") and not NATURAL_KEYS.search(column):
        return True
    return bool(VOLATILE_COLUMNS.search(column))


#: NetSuite fields that are numbering, not business: a sublist replaced twice renumbers its ``line`` ids.
VOLATILE_FIELDS = frozenset(
    {
        "links",
        "createdDate",
        "lastModifiedDate",
        "tranId",
        "transactionNumber",
        "createdAt",
        "lastModified",
        "version",
        "line",
    }
)


class _Labels:
    """NetSuite records by (type, internal id) -> a label that survives a re-run: type and natural key.

    Internal ids are numbered per record family, so an id alone is ambiguous: a reference is resolved with the
    target its field declares (``item``, ``entity``, ``location``...), as NetSuite resolves it.
    """

    def __init__(self, records: dict[str, list[dict[str, Any]]]) -> None:
        self.by_id: dict[str, list[tuple[RecordType, str]]] = {}
        for rtype, rows in records.items():
            kind = lookup(rtype)
            if kind is None:
                continue
            for row in rows:
                body = row.get("body") or {}
                label = f"{rtype}:{body.get('externalId') or row.get('name') or '?'}"
                self.by_id.setdefault(str(row["id"]), []).append((kind, label))

    def of(self, rid: Any, target: str, owner: RecordType | None = None) -> str:
        """The label of the record ``rid`` of type or family ``target`` ('?' when there is none)."""
        found = [
            label
            for kind, label in self.by_id.get(str(rid), [])
            if target_matches(target, owner or kind, kind)
        ]
        return found[0] if len(found) == 1 else "?"


def _netsuite(state: dict[str, Any]) -> dict[str, list[str]]:
    records: dict[str, list[dict[str, Any]]] = state.get("records", {})
    labels = _Labels(records)

    def norm(value: Any, owner: RecordType, fields: dict[str, Field]) -> Any:
        if isinstance(value, list):
            return [norm(v, owner, fields) for v in value]
        if not isinstance(value, dict):
            return value
        out: dict[str, Any] = {}
        for key, item in sorted(value.items()):
            if key in VOLATILE_FIELDS or key.startswith("_"):
                continue
            spec = fields.get(key)
            if (
                isinstance(item, dict)
                and "id" in item
                and set(item) <= {"id", "refName", "links", "externalId"}
            ):
                out[key] = labels.of(item["id"], spec.arg if spec is not None else key, owner)
            elif key == "issueInventoryNumber" and not isinstance(item, dict):
                out[key] = labels.of(item, "inventoryNumber")
            elif key in owner.sublists:
                out[key] = norm(item, owner, owner.sublists[key])
            else:
                out[key] = norm(item, owner, fields)
        return out

    out: dict[str, list[str]] = {}
    for rtype, rows in records.items():
        kind = lookup(rtype)
        if kind is None:
            continue
        out[f"records.{rtype}"] = sorted(
            json.dumps(norm(row.get("body") or {}, kind, kind.fields), sort_keys=True, default=str)
            for row in rows
        )
    targets = {"item": "item", "location": "location", "lot": "inventoryNumber", "bin": "bin"}
    for table in ("inventory", "commitments"):
        out[table] = sorted(
            json.dumps(
                {k: labels.of(v, targets[k]) if k in targets and v else v for k, v in row.items()},
                sort_keys=True,
            )
            for row in state.get(table, [])
        )
    out["deleted"] = sorted(
        f"{r.get('type')}:{(r.get('body') or {}).get('externalId') or r.get('name') or '?'}"
        for r in state.get("deleted", [])
    )
    return out


def _tables(state: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for table, rows in state.items():
        if IGNORED_TABLES.search(table) or not isinstance(rows, list):
            continue
        out[table] = sorted(
            json.dumps({k: v for k, v in row.items() if not _volatile(k)}, sort_keys=True, default=str)
            for row in rows
        )
    return out


def normalise(world: World, state_url: str | None = None) -> dict[str, dict[str, list[str]]]:
    """Every system's state without ids and timestamps, and the engine's open exceptions by category and flow."""
    out = {"netsuite": _netsuite(world.state("netsuite"))}
    for system in SYSTEMS[1:]:
        out[system] = _tables(world.state(system))
    if state_url:
        store = StateStore(state_url)
        try:
            exceptions = Counter(f"{e.flow}:{e.category}" for e in store.exceptions())
        finally:
            store.close()
        out["engine"] = {"exceptions": sorted(f"{k} x{v}" for k, v in exceptions.items())}
    return out


def diff(expected: dict[str, dict[str, list[str]]], got: dict[str, dict[str, list[str]]]) -> str:
    """What ``got`` lacks and has in excess compared with ``expected`` ('' when they are the same)."""
    lines = []
    for system in sorted(set(expected) | set(got)):
        a, b = expected.get(system, {}), got.get(system, {})
        for table in sorted(set(a) | set(b)):
            want, have = Counter(a.get(table, [])), Counter(b.get(table, []))
            for row, n in (want - have).items():
                lines.append(f"{system}.{table} LOST x{n}: {row[:400]}")
            for row, n in (have - want).items():
                lines.append(f"{system}.{table} EXTRA x{n}: {row[:400]}")
    return "\n".join(lines)


# --- workloads ---------------------------------------------------------------------------------------------
Phase = Callable[[World, Any], None]


@dataclass(frozen=True)
class Workload:
    """A piece of business to run under chaos: seed, then phases (actions, then sync until clean)."""

    name: str
    flows: tuple[str, ...]
    setup: Callable[[World], Any]
    phases: tuple[Phase, ...]
    env: dict[str, str] = field(default_factory=dict)


WORKLOADS: dict[str, Workload] = {}


def register(w: Workload) -> Workload:
    """Add a workload to the crash and fault tests."""
    if w.name in WORKLOADS:
        raise ValueError(f"workload {w.name!r} registered twice")
    WORKLOADS[w.name] = w
    return w


def workload(
    name: str,
    flows: tuple[str, ...],
    *phases: Phase,
    env: dict[str, str] | None = None,
) -> Callable[[Callable[[World], Any]], Callable[[World], Any]]:
    """Decorator form: the decorated function is the setup; ``phases`` run after it."""

    def wrap(setup: Callable[[World], Any]) -> Callable[[World], Any]:
        register(Workload(name, flows, setup, tuple(phases), dict(env or {})))
        return setup

    return wrap


# --- the engine as a process -------------------------------------------------------------------------------
@dataclass(frozen=True)
class KillPoint:
    """Where to SIGKILL a pass: while ``system`` holds its ``nth`` request (``before`` or ``after`` it commits)."""

    system: str
    nth: int
    mode: str  # "before" (the request never commits) | "after" (it commits once the engine is dead)


class EngineRunner:
    """Runs ``erpsim sync --once`` against a world with a state folder of its own."""

    def __init__(
        self,
        world: World,
        state_dir: Path,
        flows: tuple[str, ...],
        env: dict[str, str] | None = None,
        mutant: str = "",
    ) -> None:
        self.world = world
        self.state_dir = state_dir
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("ERPSIM_")},
            **world.env,
            "ERPSIM_STATE_DIR": str(state_dir),
            "ERPSIM_SYNC_FLOWS": ",".join(flows),
            "ERPSIM_SYNC_BACKOFF": "0.01",
            "PYTHONPATH": str(ROOT),
            **(env or {}),
        }
        if mutant:
            self.env["ERPSIM_SYNC_MUTANT"] = mutant
        self.passes = 0
        self.kills = 0
        self.faults: Counter[str] = Counter()
        self.log: list[str] = []

    @property
    def state_url(self) -> str:
        """The SQLAlchemy URL of the engine's state."""
        return f"sqlite:///{self.state_dir / 'sync.db'}"

    def command(self) -> list[str]:
        """The connector command the harness would run."""
        return [sys.executable, "-m", "harness.cli", "sync", "--once"]

    def run_in_process(self) -> int:
        """One pass in this process (a fresh engine on the same state, as a restarted process would be)."""
        self.passes += 1
        started = time.monotonic()
        engine = Engine(SyncConfig.from_env(self.env))
        try:
            result = engine.run_pass()
        finally:
            engine.close()
        self.log.append(
            f"pass {self.passes}: in process ({time.monotonic() - started:.1f}s) "
            f"{result.stats.counts} {result.failures}"
        )
        return 0 if result.completed else 3

    def run(self, kill: KillPoint | None = None, timeout: float = 60.0) -> int | None:
        """One pass; with ``kill``, SIGKILL it at that point. Returns the exit status (None when killed)."""
        self.passes += 1
        started = time.monotonic()
        if kill is not None:
            rule: dict[str, Any] = (
                {"kind": "hang", "hang_seconds": 0.3}
                if kill.mode == "before"
                else {"kind": "latency", "latency_ms": 300}
            )
            self.world.control(
                kill.system, "PUT", "faults", {"seed": 0, "rules": [{**rule, "nth": kill.nth}]}
            )
        proc = subprocess.Popen(
            self.command(),
            env=self.env,
            cwd=self.state_dir.parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            if kill is not None and self._wait_for_hold(proc, kill, timeout):
                proc.send_signal(signal.SIGKILL)
                proc.communicate(timeout=timeout)
                self.kills += 1
                self._wait_for_release(kill)
                self.log.append(f"pass {self.passes}: killed at {kill} ({time.monotonic() - started:.1f}s)")
                return None
            out, err = proc.communicate(timeout=timeout)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
            if kill is not None:
                self.world.control(kill.system, "DELETE", "faults")
        self.log.append(
            f"pass {self.passes}: exit {proc.returncode} ({time.monotonic() - started:.1f}s) "
            f"{out.strip()[-300:]} {err.strip()[-500:]}"
        )
        return proc.returncode

    def _wait_for_hold(self, proc: subprocess.Popen[str], kill: KillPoint, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while proc.poll() is None and time.monotonic() < deadline:
            rules = self.world.control(kill.system, "GET", "faults")["rules"]
            if rules and rules[0]["fired"]:
                return True
            time.sleep(0.005)
        return False

    def _wait_for_release(self, kill: KillPoint) -> None:
        """Wait until the held request has finished on the emulator (so the next pass starts from a settled world)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            entries = self.world.control(kill.system, "GET", "journal?limit=100000")["entries"]
            if any(e.get("fault") in ("hang", "latency") for e in entries[-200:]):
                return
            time.sleep(0.01)
        raise AssertionError(f"the held request on {kill.system} never finished")

    def converge(
        self, max_passes: int = 8, counts: list[dict[str, int]] | None = None, in_process: bool = False
    ) -> int:
        """Run passes until one completes and changes nothing in any system; returns how many it took.

        With ``counts``, the requests of the first pass per system are appended to it.
        """
        before = normalise(self.world)
        for n in range(1, max_passes + 1):
            mark = journal_mark(self.world) if counts is not None and n == 1 else None
            status = self.run_in_process() if in_process else self.run()
            if mark is not None and counts is not None:
                counts.append(request_counts(self.world, mark))
            after = normalise(self.world)
            if status == 0 and after == before:
                return n
            before = after
        raise AssertionError(f"no clean pass after {max_passes} passes:\n" + "\n".join(self.log[-6:]))


_REFERENCES: dict[tuple[str, str], tuple[dict[str, Any], list[dict[str, int]]]] = {}


def reference_run(
    world: World, w: Workload, state_dir: Path, mutant: str = ""
) -> tuple[dict[str, Any], list[dict[str, int]]]:
    """The workload without kills or faults, engine in process (computed once per test session):
    (normalised end state, requests per system in each phase's first pass)."""
    cached = _REFERENCES.get((w.name, mutant))
    if cached is not None:
        return cached
    world.reset()
    runner = EngineRunner(world, state_dir, w.flows, w.env, mutant)
    context = w.setup(world)
    counts: list[dict[str, int]] = []
    for phase in w.phases:
        phase(world, context)
        runner.converge(counts=counts, in_process=True)
    _REFERENCES[(w.name, mutant)] = normalise(world, runner.state_url), counts
    return _REFERENCES[(w.name, mutant)]


def crash_run(
    world: World,
    w: Workload,
    state_dir: Path,
    seed: int,
    counts: list[dict[str, int]],
    kills_per_phase: int = 2,
    mutant: str = "",
) -> tuple[dict[str, Any], EngineRunner]:
    """The workload with ``kills_per_phase`` seeded SIGKILLs in each phase's passes, then until clean."""
    world.reset()
    rng = random.Random(seed)
    runner = EngineRunner(world, state_dir, w.flows, w.env, mutant)
    context = w.setup(world)
    for phase, count in zip(w.phases, counts, strict=True):
        phase(world, context)
        for _ in range(kills_per_phase):
            systems = [s for s in SYSTEMS if count.get(s)]
            if not systems:
                break
            system = rng.choices(systems, weights=[count[s] for s in systems])[0]
            runner.run(KillPoint(system, rng.randint(1, count[system]), rng.choice(("before", "after"))))
        runner.converge()
    return normalise(world, runner.state_url), runner


def fault_plan(seed: int, probability: float) -> dict[str, Any]:
    """Every request fault kind at ``probability`` each, seeded (hangs short enough for a short timeout)."""
    rules = [
        {"kind": "latency", "latency_ms": 20, "probability": probability},
        {"kind": "error", "status": 503, "probability": probability},
        {"kind": "error", "status": 500, "probability": probability / 2},
        {"kind": "throttle", "probability": probability},
        {"kind": "reset_before", "probability": probability},
        {"kind": "reset_after", "probability": probability},
        {"kind": "hang", "hang_seconds": 0.6, "probability": probability / 2},
        {"kind": "malformed", "method": "GET", "probability": probability / 2},
    ]
    return {"seed": seed, "rules": rules}


def faulty_run(
    world: World,
    w: Workload,
    state_dir: Path,
    seed: int,
    probability: float = 0.06,
    max_passes: int = 12,
    mutant: str = "",
) -> tuple[dict[str, Any], EngineRunner]:
    """The workload with seeded faults on every emulator during every pass, until a clean pass under faults."""
    world.reset()
    runner = EngineRunner(
        world,
        state_dir,
        w.flows,
        {**w.env, "ERPSIM_SYNC_HTTP_TIMEOUT": "0.4", "ERPSIM_SYNC_RETRIES": "8"},
        mutant,
    )
    context = w.setup(world)
    for i, phase in enumerate(w.phases):
        phase(world, context)
        for n, system in enumerate(SYSTEMS):
            world.control(system, "PUT", "faults", fault_plan(seed * 100 + i * 10 + n, probability))
        try:
            runner.converge(max_passes, in_process=True)
        finally:
            for system in SYSTEMS:
                for rule in world.control(system, "GET", "faults")["rules"]:
                    runner.faults[rule["kind"]] += rule["fired"]
                world.control(system, "DELETE", "faults")
    return normalise(world, runner.state_url), runner


# --- registered workloads ----------------------------------------------------------------------------------
from tests.sync import chaos_workloads as _workloads  # noqa: E402,F401  (registers the workloads)
