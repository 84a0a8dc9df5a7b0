"""The runner: one scenario against a world and a connector (many, in parallel jobs: ``harness/jobs.py``).

Each scenario gets a full reset of the job's world (no server restart), its coherent seed, a fresh
``ERPSIM_STATE_DIR``, and leaves its evidence (state, journals, fault plans, exception queue, connector
output) in ``<output>/evidence/<scenario>/``. A failure carries the one command that replays it.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .connector_run import ConnectorRun
from .connectors import Connector, ConnectorError, load_connector
from .expect import AssertionResult, evaluate
from .invariants import InvariantResult
from .refs import RefError, Resolver
from .scenario import Scenario
from .scenario_loader import ScenarioError, family_of, load_scenario
from .seeding import seed_world
from .steps import StepRecord, StepRunner
from .world import ControlError, World, WorldStartError

_SLUG = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass
class RunConfig:
    """How to run: which connector (and mutant), seed override, where evidence goes, how to serve the world."""

    connector_path: str
    output_dir: str
    mutant: str | None = None
    seed: int | None = None
    world_mode: str = "thread"
    keep_evidence: bool = True


@dataclass
class ScenarioResult:
    """The outcome of one scenario run."""

    path: str
    name: str
    family: str
    flows: list[str]
    catches: list[str]
    seed: int
    connector: str
    mode: str
    status: str  # passed | failed | error | skipped
    mutant: str | None = None
    seconds: float = 0.0
    reason: str = ""
    steps: list[StepRecord] = field(default_factory=list)
    invariants: list[InvariantResult] = field(default_factory=list)
    assertions: list[AssertionResult] = field(default_factory=list)
    replay: str = ""
    evidence_dir: str = ""
    description: str = ""
    refs: dict[str, Any] = field(default_factory=dict)
    #: seconds spent per phase: world (reset + seed), steps, connector (its passes), collect (snapshot + verdict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True when the scenario passed (skipped scenarios are not failures)."""
        return self.status in ("passed", "skipped")

    def failures(self) -> list[str]:
        """One line per thing that went wrong (for summaries and JUnit messages)."""
        out = [self.reason] if self.reason else []
        out += [f"step {s.index + 1} ({s.text}): {s.message}" for s in self.steps if not s.ok]
        out += [
            f"invariant {i.name}: {f.message}" for i in self.invariants if not i.valid for f in i.findings
        ]
        out += [f"{a.description}: {a.message}" for a in self.assertions if not a.ok]
        return out

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def slug(path: Path, mutant: str | None = None) -> str:
    """A folder name for a scenario's evidence: family and file stem (and the mutant, when one runs)."""
    return _SLUG.sub("-", f"{family_of(path)}__{path.stem}" + (f"__{mutant}" if mutant else ""))


def error_result(
    path: Path,
    config: RunConfig,
    reason: str,
    *,
    name: str | None = None,
    connector: str | None = None,
    mode: str = "?",
) -> ScenarioResult:
    """The result of a scenario that could not run (its file, its connector or its job failed): status error."""
    return ScenarioResult(
        str(path),
        name or path.stem,
        family_of(path),
        [],
        [],
        0,
        connector or config.connector_path,
        mode,
        "error",
        mutant=config.mutant,
        reason=reason,
        replay=replay_command(path, config),
    )


def replay_command(path: Path | str, config: RunConfig, mode: str | None = None) -> str:
    """The one command that replays a scenario run exactly (same connector, mutant and seed)."""
    parts = ["erpsim", "run", str(path), "--connector", config.connector_path]
    if config.mutant:
        parts += ["--mutant", config.mutant]
    if config.seed is not None:
        parts += ["--seed", str(config.seed)]
    if config.world_mode != "thread":
        parts += ["--world", config.world_mode]
    if mode:
        parts += ["--mode", mode]
    return shlex.join(parts)


def skip_reason(scenario: Scenario, connector: Connector) -> str:
    """Why a connector cannot run a scenario ('' when it can)."""
    missing = [f for f in scenario.flows if f not in connector.spec.flows]
    if missing:
        return f"the connector does not implement {', '.join(missing)}"
    if connector.spec.mode not in scenario.modes:
        return f"the scenario runs in {', '.join(scenario.modes)} mode only"
    return ""


#: POSTs that change no business data (queries, sessions): "writes" quiescence does not count them.
READ_ONLY_POSTS = re.compile(
    r"(/services/rest/query/v1/suiteql|/connect/v3/login|/connect/v3/logout"
    r"|/connect/v3/login/session)$"
)


def is_write(entry: dict[str, Any]) -> bool:
    """True for a journal entry that changed something (not a GET, a query or a login)."""
    method = entry.get("method")
    if method in ("GET", "HEAD", "OPTIONS"):
        return False
    return not (method == "POST" and READ_ONLY_POSTS.search(str(entry.get("path", ""))))


def _activity(world: World, writes_only: bool) -> Callable[[], tuple[Any, ...]]:
    """The quiescence fingerprint: requests (or writes) served so far, and pending webhooks."""
    if not writes_only:
        return world.activity
    seen: dict[str, int] = {}
    writes: dict[str, int] = dict.fromkeys(world.systems, 0)

    def probe() -> tuple[Any, ...]:
        journals = world.journals(seen)
        for system, entries in journals.items():
            for e in entries:
                seen[system] = max(seen.get(system, 0), int(e["seq"]))
                if is_write(e):
                    writes[system] += 1
        _seqs, pending = world.activity()
        return tuple(writes[s] for s in world.systems), pending

    return probe


def run_scenario(
    world: World, path: Path, config: RunConfig, scenario: Scenario | None = None
) -> ScenarioResult:
    """Run one scenario file against the world and the configured connector."""
    began = time.perf_counter()
    try:
        connector = load_connector(config.connector_path, config.mutant)
    except ConnectorError as exc:
        return error_result(path, config, str(exc))
    try:
        scenario = scenario or load_scenario(path)
    except ScenarioError as exc:
        return error_result(path, config, str(exc), connector=connector.label, mode=connector.spec.mode)
    if config.seed is not None:
        scenario = scenario.model_copy(update={"seed": config.seed})
    try:
        connector = connector.for_modes(list(scenario.modes))
    except ConnectorError as exc:
        return error_result(path, config, str(exc), name=scenario.name)
    result = ScenarioResult(
        str(path),
        scenario.name,
        family_of(path),
        list(scenario.flows),
        list(scenario.catches),
        scenario.seed,
        connector.label,
        connector.spec.mode,
        "passed",
        mutant=connector.mutant,
        replay=replay_command(path, config),
        description=scenario.description,
    )
    reason = skip_reason(scenario, connector)
    if reason:
        result.status, result.reason = "skipped", reason
        return result
    evidence = Path(config.output_dir) / "evidence" / slug(path, config.mutant)
    shutil.rmtree(evidence, ignore_errors=True)
    evidence.mkdir(parents=True, exist_ok=True)
    result.evidence_dir = str(evidence)
    state_dir = Path(tempfile.mkdtemp(prefix="erpsim-state-"))
    connector.scenario_flows = list(scenario.flows)
    run = ConnectorRun(connector, {**world.env, **scenario.connector_env}, state_dir, evidence)
    try:
        _execute(world, scenario, connector, run, result, evidence)
    finally:
        run.close()
        shutil.rmtree(state_dir, ignore_errors=True)
        result.seconds = time.perf_counter() - began
        (evidence / "result.json").write_text(
            json.dumps(result.as_dict(), indent=1, default=str), encoding="utf-8"
        )
    return result


def _execute(
    world: World,
    scenario: Scenario,
    connector: Connector,
    run: ConnectorRun,
    result: ScenarioResult,
    evidence: Path,
) -> None:
    deadline = time.monotonic() + scenario.timeout_seconds
    phase = time.perf_counter()
    try:
        world.reset()
        refs = seed_world(world, scenario.given.world)
        for system in ("netsuite", "qms", "wms", "pos", "ap"):
            body = getattr(scenario.given, system)
            if body is not None:
                world.control[system].call("POST", "seed", Resolver(refs, world_state(world)).resolve(body))
    except (ControlError, RefError) as exc:
        result.status, result.reason = "error", f"the world could not be seeded: {exc}"
        return
    result.refs = refs.as_dict()
    result.timings["world"] = round(time.perf_counter() - phase, 3)
    phase = time.perf_counter()
    cache: dict[str, Any] = {}
    resolver = Resolver(refs, world_state(world, cache))
    activity = _activity(world, connector.spec.quiescence == "writes")
    try:
        if connector.spec.mode == "daemon":
            run.start_daemon(activity)
    except ConnectorError as exc:
        result.status, result.reason = "error", f"connector: {exc}"
        _collect(world, scenario, run, result, resolver, evidence, evaluate_expect=False)
        return
    steps = StepRunner(scenario, world, run, resolver, connector.spec.mode, activity)
    for index, step in enumerate(scenario.steps):
        if time.monotonic() > deadline:
            result.status, result.reason = (
                "failed",
                f"the scenario ran out of time ({scenario.timeout_seconds:g} s)",
            )
            break
        cache.clear()
        record = steps.execute(index, step)
        result.steps.append(record)
        if not record.ok:
            result.status = "failed"
            break
    ok_so_far = result.status == "passed"
    if (
        ok_so_far
        and connector.spec.mode == "daemon"
        and scenario.steps
        and next(iter(type(scenario.steps[-1]).model_fields)) not in ("sync", "wait")
    ):
        final = run.wait_quiescent(activity)
        if not final.ok:
            result.status, result.reason = "failed", f"final quiescence: {final.message}"
    cache.clear()
    result.timings["steps"] = round(time.perf_counter() - phase, 3)
    result.timings["connector"] = round(sum(p.seconds for p in run.passes), 3)
    phase = time.perf_counter()
    _collect(world, scenario, run, result, resolver, evidence, evaluate_expect=True)
    result.timings["collect"] = round(time.perf_counter() - phase, 3)


def world_state(world: World, cache: dict[str, Any] | None = None) -> Callable[[str], dict[str, Any]]:
    """A state provider for the resolver (one fetch per system until the cache is cleared)."""
    store = cache if cache is not None else {}

    def provide(system: str) -> dict[str, Any]:
        if system not in store:
            store[system] = world.control[system].call("GET", "state")
        value: dict[str, Any] = store[system]
        return value

    return provide


def _collect(
    world: World,
    scenario: Scenario,
    run: ConnectorRun,
    result: ScenarioResult,
    resolver: Resolver,
    evidence: Path,
    evaluate_expect: bool,
) -> None:
    """Snapshot the world as evidence and evaluate the expectations."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        # the connector's exception queue is read (a process) while the world's state is fetched
        queue = pool.submit(run.exceptions) if connector_has_queue(run) else None
        try:
            state = world.state()
            journals = world.journals()
            faults = world.fault_report()
        except ControlError as exc:
            result.status, result.reason = "error", f"could not read the world: {exc}"
            return
        exceptions = None
        if queue is not None:
            try:
                exceptions = queue.result()
            except ConnectorError as exc:
                if result.status == "passed":
                    result.status = "failed"
                result.reason = (
                    result.reason + "; " if result.reason else ""
                ) + f"connector exception queue: {exc}"
    for name, value in (
        ("state.json", state),
        ("journals.json", journals),
        ("faults.json", faults),
        ("exceptions.json", exceptions),
    ):
        (evidence / name).write_text(json.dumps(value, indent=1, default=str), encoding="utf-8")
    if not evaluate_expect:
        return
    invariants, assertions = evaluate(
        scenario.expect, state, journals, exceptions, resolver, list(scenario.flows)
    )
    result.invariants, result.assertions = invariants, assertions
    if result.status == "passed" and (
        any(not i.valid for i in invariants) or any(not a.ok for a in assertions)
    ):
        result.status = "failed"


def connector_has_queue(run: ConnectorRun) -> bool:
    """True when the connector declares an exception queue command."""
    return bool(run.connector.spec.exceptions or run.connector.spec.exceptions_file)


def caught_for_its_reason(result: ScenarioResult) -> bool:
    """A mutant run that failed on the scenario's invariants or assertions (not on a crash or a bad file)."""
    return result.status == "failed" and (
        any(not i.valid for i in result.invariants)
        or any(not a.ok for a in result.assertions)
        or any(not s.ok and s.kind == "check" for s in result.steps)
    )


__all__ = [
    "RunConfig",
    "ScenarioResult",
    "run_scenario",
    "caught_for_its_reason",
    "replay_command",
    "WorldStartError",
]
