"""Many scenarios: parallel jobs (spawned processes, one world each) or serially; the mutant matrix."""

from __future__ import annotations

import json
import multiprocessing
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from .connectors import ConnectorError, load_connector
from .forkserver import stop_all as stop_fork_servers
from .runner import RunConfig, ScenarioResult, error_result, run_scenario, slug
from .scenario import Scenario
from .selection import parsed, select
from .world import World, WorldServer

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
            results[index] = error_result(path, config, broken[str(path)])
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
                    res = error_result(p, cfg, f"the job running it crashed: {exc!r}")
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
