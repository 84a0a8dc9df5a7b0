"""The runner: one scenario against a world and a connector, or many in parallel (one world per job).

Each scenario gets a full reset of the job's world (no server restart), its coherent seed, a fresh
``ERPSIM_STATE_DIR``, and leaves its evidence (state, journals, fault plans, exception queue, connector
output) in ``<output>/evidence/<scenario>/``. A failure carries the one command that replays it.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import shlex
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .connectors import Connector, ConnectorError, ConnectorRun, load_connector
from .expect import AssertionResult, evaluate
from .forkserver import stop_all as stop_fork_servers
from .invariants import InvariantResult
from .refs import RefError, Resolver
from .scenario import Scenario, ScenarioError, discover, family_of, load_scenario
from .seeding import seed_world
from .steps import StepRecord, StepRunner
from .world import ControlError, World, WorldServer, WorldStartError

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
        return ScenarioResult(
            str(path),
            path.stem,
            family_of(path),
            [],
            [],
            0,
            config.connector_path,
            "?",
            "error",
            reason=str(exc),
            replay=replay_command(path, config),
        )
    try:
        scenario = scenario or load_scenario(path)
    except ScenarioError as exc:
        return ScenarioResult(
            str(path),
            path.stem,
            family_of(path),
            [],
            [],
            0,
            connector.label,
            connector.spec.mode,
            "error",
            reason=str(exc),
            replay=replay_command(path, config),
        )
    if config.seed is not None:
        scenario = scenario.model_copy(update={"seed": config.seed})
    try:
        connector = connector.for_modes(list(scenario.modes))
    except ConnectorError as exc:
        return ScenarioResult(
            str(path),
            scenario.name,
            family_of(path),
            [],
            [],
            0,
            config.connector_path,
            "?",
            "error",
            reason=str(exc),
            replay=replay_command(path, config),
        )
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


# ---- selection ----------------------------------------------------------------------------------------
_TOKEN = re.compile(r"\(|\)|[^\s()]+")


def matches_expression(expr: str, haystack: str) -> bool:
    """pytest-style ``-k``: words (substrings, case-insensitive) joined by and / or / not and parentheses."""
    parts = []
    for token in _TOKEN.findall(expr):
        low = token.lower()
        if low in ("and", "or", "not", "(", ")"):
            parts.append(low)
        else:
            parts.append(str(low in haystack.lower()))
    try:
        return bool(eval(" ".join(parts) or "True", {"__builtins__": {}}, {}))  # noqa: S307 - only True/False/ops
    except SyntaxError:
        raise ValueError(f"-k {expr!r} is not a valid expression") from None


#: scenarios parsed by :func:`select` in this process, by file (and its size and mtime): a job is handed the
#: parsed scenario instead of reading and validating the file again
_PARSED: dict[str, tuple[tuple[int, int], Scenario]] = {}


def _file_key(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def parsed(path: Path) -> Scenario | None:
    """The scenario :func:`select` parsed from ``path``, if the file has not changed since."""
    hit = _PARSED.get(str(path))
    try:
        return hit[1] if hit is not None and hit[0] == _file_key(path) else None
    except OSError:
        return None


def select(paths: list[Path], expr: str | None) -> list[tuple[Path, Scenario | None, str]]:
    """Load scenario files and keep those matching ``-k`` (by name, path, family, flows, catches, tags).

    Files that do not load are kept (with their error) so that the run reports them.
    """
    out: list[tuple[Path, Scenario | None, str]] = []
    for path in paths:
        try:
            key = _file_key(path)
            scenario = load_scenario(path)
        except ScenarioError as exc:
            out.append((path, None, str(exc)))
            continue
        except OSError as exc:
            out.append((path, None, str(ScenarioError(path, None, f"cannot read: {exc.strerror}"))))
            continue
        _PARSED[str(path)] = (key, scenario)
        haystack = " ".join(
            [str(path), scenario.name, family_of(path), *scenario.flows, *scenario.catches, *scenario.tags]
        )
        if expr is None or matches_expression(expr, haystack):
            out.append((path, scenario, ""))
    return out


# ---- many scenarios, parallel jobs -----------------------------------------------------------------------
_JOB_WORLD: dict[str, Any] = {}


def _job_init(world_mode: str, connector_path: str | None = None) -> None:
    """Process-pool initializer: every job process serves its own world for all its scenarios."""
    import atexit

    atexit.register(_exit_now)  # registered first, so it runs last: after the world and the fork servers stop
    warming = _warm_connector(connector_path)
    server = WorldServer(mode=world_mode).start()
    _JOB_WORLD["server"] = server
    _JOB_WORLD["world"] = World(server.env())
    atexit.register(server.stop)
    atexit.register(stop_fork_servers)  # (registered last, so it runs first: no connector outlives its world)
    if warming is not None:
        warming.join()


def _exit_now() -> None:
    """The last thing a job process does: its servers are stopped, its results sent; the interpreter's teardown
    of the emulators' heap (over a second under load, while the run waits for its jobs) is skipped."""
    import os
    import sys

    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(0)


def _warm_connector(connector_path: str | None) -> threading.Thread | None:
    """Start the connector's fork server (``preload``) while the world starts: its imports overlap the world's."""
    if connector_path is None:
        return None
    try:
        connector = load_connector(connector_path)
    except ConnectorError:
        return None  # the scenarios report it
    if not connector.spec.preload:
        return None

    def warm() -> None:
        try:
            connector.fork_server(connector.environment({}, Path(tempfile.gettempdir())))
        except ConnectorError:
            pass  # the first scenario reports it

    thread = threading.Thread(target=warm, name="erpsim-warm-connector", daemon=True)
    thread.start()
    return thread


def _job_ready() -> None:
    """A no-op a new pool is given once per job: each job process starts (and builds its world) at once."""


def _start_pool(jobs: int, world_mode: str, connector_path: str | None) -> ProcessPoolExecutor:
    """``jobs`` job processes, started now (their worlds start while the caller goes on)."""
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_job_init,
        initargs=(world_mode, connector_path),
    )
    for _ in range(jobs):
        pool.submit(_job_ready)
    return pool


def _job_run(path: str, config: RunConfig, scenario: Scenario | None = None) -> ScenarioResult:
    return run_scenario(_JOB_WORLD["world"], Path(path), config, scenario)


def expected_seconds(path: Path, config: RunConfig) -> float:
    """How long a scenario run will take: its last run's time (its evidence), else a guess from its steps."""
    try:
        last = json.loads(
            (Path(config.output_dir) / "evidence" / slug(path, config.mutant) / "result.json").read_text(
                encoding="utf-8"
            )
        )
        return float(last["seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    scenario = parsed(path)
    if scenario is None:
        return 0.0
    guess = 1.0 + 0.5 * len(scenario.steps)
    if "daemon" in scenario.modes and "once" not in scenario.modes:
        guess += 5.0  # the daemon's start, restarts and quiet windows
    for step in scenario.steps:
        faults = getattr(step, "faults", None)
        for rule in getattr(faults, "rules", None) or []:
            guess += float(rule.get("hang_seconds") or 0) + float(rule.get("latency_ms") or 0) / 1000
    return guess


Task = tuple[Path, RunConfig]


def run_many(
    paths: list[Path],
    config: RunConfig,
    jobs: int = 1,
    expr: str | None = None,
    on_result: Callable[[ScenarioResult], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> list[ScenarioResult]:
    """Run the selected scenarios (``jobs`` worlds in parallel); results in file order."""
    # the job processes start their worlds while the files are read and validated here
    pool = _start_pool(jobs, config.world_mode, config.connector_path) if jobs > 1 and paths else None
    try:
        selected = select(paths, expr)
        tasks = [(path, config) for path, _s, _e in selected]
        return run_tasks(
            tasks, jobs, {str(p): e for p, s, e in selected if s is None}, on_result, on_start, pool=pool
        )
    finally:
        if pool is not None:
            pool.shutdown()


def matrix_tasks(
    paths: list[Path], config: RunConfig, expr: str | None = None, mutants: list[str] | None = None
) -> tuple[list[Task], dict[str, str]]:
    """The mutant matrix: every selected scenario against the engine, and against each mutant it names."""
    from dataclasses import replace

    tasks: list[Task] = []
    broken: dict[str, str] = {}
    for path, scenario, error in select(paths, expr):
        tasks.append((path, replace(config, mutant=None)))
        if scenario is None:
            broken[str(path)] = error
            continue
        tasks.extend(
            (path, replace(config, mutant=m)) for m in scenario.catches if mutants is None or m in mutants
        )
    return tasks, broken


def run_tasks(
    tasks: list[Task],
    jobs: int = 1,
    broken: dict[str, str] | None = None,
    on_result: Callable[[ScenarioResult], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    pool: ProcessPoolExecutor | None = None,
) -> list[ScenarioResult]:
    """Run (scenario file, config) tasks, ``jobs`` worlds in parallel (in ``pool``'s job processes when given,
    which it shuts down); results in task order."""
    broken = broken or {}
    if on_start:
        on_start(len(tasks))
    results: dict[int, ScenarioResult] = {}
    runnable: list[int] = []
    for index, (path, config) in enumerate(tasks):
        if str(path) in broken:
            results[index] = ScenarioResult(
                str(path),
                path.stem,
                family_of(path),
                [],
                [],
                0,
                config.connector_path,
                "?",
                "error",
                mutant=config.mutant,
                reason=broken[str(path)],
                replay=replay_command(path, config),
            )
            if on_result:
                on_result(results[index])
        else:
            runnable.append(index)
    if runnable and jobs <= 1:
        for index, res in zip(runnable, _run_serial([tasks[i] for i in runnable]), strict=True):
            results[index] = res
            if on_result:
                on_result(res)
    elif runnable:
        context = multiprocessing.get_context("spawn")
        world_mode = tasks[runnable[0]][1].world_mode
        # longest first: the last scenarios to start are short ones, so the jobs finish close together
        # (results are still reported in task order)
        order = sorted(runnable, key=lambda i: -expected_seconds(*tasks[i]))
        with pool or ProcessPoolExecutor(
            max_workers=min(jobs, len(runnable)),
            mp_context=context,
            initializer=_job_init,
            initargs=(world_mode, tasks[runnable[0]][1].connector_path),
        ) as pool:
            futures = {
                pool.submit(_job_run, str(tasks[i][0]), tasks[i][1], parsed(tasks[i][0])): i for i in order
            }
            for fut in as_completed(futures):
                index = futures[fut]
                try:
                    res = fut.result()
                except Exception as exc:  # noqa: BLE001 - a crashed job still gets a report line
                    p, cfg = tasks[index]
                    res = ScenarioResult(
                        str(p),
                        p.stem,
                        family_of(p),
                        [],
                        [],
                        0,
                        cfg.connector_path,
                        "?",
                        "error",
                        mutant=cfg.mutant,
                        reason=f"the job running it crashed: {exc!r}",
                        replay=replay_command(p, cfg),
                    )
                results[index] = res
                if on_result:
                    on_result(res)
    return [results[i] for i in range(len(tasks))]


def _run_serial(tasks: list[Task]) -> Iterator[ScenarioResult]:
    server = WorldServer(mode=tasks[0][1].world_mode).start()
    world = World(server.env())
    try:
        for path, config in tasks:
            yield run_scenario(world, path, config, parsed(path))
    finally:
        world.close()
        server.stop()
        stop_fork_servers()


def caught_for_its_reason(result: ScenarioResult) -> bool:
    """A mutant run that failed on the scenario's invariants or assertions (not on a crash or a bad file)."""
    return result.status == "failed" and (
        any(not i.valid for i in result.invariants)
        or any(not a.ok for a in result.assertions)
        or any(not s.ok and s.kind == "check" for s in result.steps)
    )


def scenario_files(paths: list[str]) -> list[Path]:
    """Scenario files under the given paths (default: ``scenarios/`` here, else the catalogue of this checkout)."""
    if paths:
        return discover([Path(p) for p in paths])
    here = Path("scenarios")
    shipped = Path(__file__).resolve().parents[1] / "scenarios"
    return discover([here if here.is_dir() or not shipped.is_dir() else shipped])


__all__ = [
    "RunConfig",
    "ScenarioResult",
    "run_scenario",
    "run_many",
    "run_tasks",
    "matrix_tasks",
    "caught_for_its_reason",
    "replay_command",
    "scenario_files",
    "matches_expression",
    "WorldStartError",
]
