"""``erpsim load``: a headless Locust run of a profile against the emulators and the engine, judged by SLOs.

Steps: start the emulators (loopback, free ports) and seed one world; start the engine in daemon mode and
let it finish its first pass; run Locust (``--workers N``: its own master and N workers) with the profile's
shape, printing a progress line; let the engine settle; compare stock across systems (drift); stop every
process by its PID; write Locust's CSV and HTML, ``results.json`` and the peak-readiness report; print the
SLO table. Exit status: 0 for PASS or CONDITIONAL, 1 for FAIL, 2 when the run itself could not be made.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from harness.ports import free_port

from .procs import CpuSampler, load_average
from .profile import EngineSpec, Profile, load_profile, load_slos
from .results import drift_between, observe, percentile, read_jsonl
from .slo import METRICS, exit_code, judge
from .world import Child, LoadWorld, WorldError, running_world, stop_every_child

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
REPO_ROOT = Path(__file__).resolve().parent.parent


def parse_duration(text: str) -> float:
    """Seconds from ``90``, ``90s``, ``2m`` or ``1h``."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration (90, 90s, 2m, 1h)")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[m.group(2)]


def build_parser() -> argparse.ArgumentParser:
    """The ``erpsim load`` argument parser."""
    p = argparse.ArgumentParser(
        prog="erpsim load",
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="profiles: load/profiles/*.toml (smoke, peak, peak-no-batching, ramp, soak)",
    )
    p.add_argument("--profile", required=True, help="a profile name (load/profiles/NAME.toml) or a TOML path")
    p.add_argument(
        "--run-time",
        type=parse_duration,
        default=None,
        help="stretch or cut the profile's shape to this long (90, 90s, 2m)",
    )
    p.add_argument("--workers", type=int, default=0, help="Locust workers (0: one local Locust process)")
    p.add_argument(
        "--out", default="load-results", help="folder for the run's folder (default load-results/)"
    )
    p.add_argument("--slo", default=None, help="judge against the [[slo]] of this TOML file instead")
    p.add_argument("--mutant", default=None, help="run the engine with this safeguard off (e.g. no-batching)")
    p.add_argument(
        "--no-engine", action="store_true", help="run the load without the engine (lag never resolves)"
    )
    return p


class Progress:
    """One status line from the probes' files and Locust's CSV, printed while the load runs."""

    def __init__(self, run_dir: Path, start: float) -> None:
        self.run_dir, self.start = run_dir, start
        self.tty = sys.stdout.isatty()
        self.last_print = 0.0

    def line(self) -> str:
        """The current status."""
        now = time.time()
        lags = [r for r in read_jsonl(self.run_dir, "lag") if r.get("seen") and r["seen"] >= now - 10]
        monitor = [r for r in read_jsonl(self.run_dir, "monitor") if r["t"] >= now - 5]
        sales = _sales(self.run_dir)
        p99 = percentile([r["lag_s"] for r in lags if r["kind"] == "sale"], 99)
        lines = (
            sum(r["lines"] for r in monitor) / max(1e-9, sum(r["dt"] for r in monitor)) if monitor else 0.0
        )
        r429 = sum(r["r429"] for r in read_jsonl(self.run_dir, "monitor"))
        web = read_jsonl(self.run_dir, "web")
        return (
            f"t={now - self.start:5.0f}s  sales={sales:7d}  lag p99(10s)={'-' if p99 is None else f'{p99:.2f}s':>7}"
            f"  lines/s={lines:6.0f}  429s={r429:5d}  web orders={len(web):4d}"
            f"  oversells={sum(1 for r in web if r['oversold']):3d}"
        )

    def tick(self, every: float = 2.0) -> None:
        """Print the line (in place on a terminal) at most every ``every`` seconds."""
        now = time.time()
        if now - self.last_print < (every if self.tty else 5 * every):
            return
        self.last_print = now
        text = self.line()
        print(("\r" + text) if self.tty else text, end="" if self.tty else "\n", flush=True)


def _sales(run_dir: Path) -> int:
    import csv

    path = run_dir / "locust_stats.csv"
    try:
        with path.open() as fh:
            for row in csv.DictReader(fh):
                if row["Name"] == "pos: sale":
                    return int(row["Request Count"]) - int(row["Failure Count"])
    except (OSError, KeyError, ValueError):
        pass
    return 0


def _quiet(world: LoadWorld, seconds: float, limit: float) -> float:
    """Wait until NetSuite has served no API request for ``seconds`` (at most ``limit``); returns the wait."""
    began = time.time()
    last = world.control("netsuite", "GET", "journal?since=0&limit=1")["lastSeq"]
    calm_since = time.time()
    while time.time() - began < limit:
        time.sleep(0.5)
        now_seq = world.control("netsuite", "GET", "journal?since=0&limit=1")["lastSeq"]
        # our own control-plane calls are journalled too: two per loop
        if now_seq - last > 2:
            calm_since = time.time()
        last = now_seq
        if time.time() - calm_since >= seconds:
            break
    return time.time() - began


def _engine_ready(world: LoadWorld, spec: EngineSpec, log: Path) -> float:
    """Wait until the connector says its first pass is done (``spec.ready_line`` in its output); for one that
    says nothing, until it has subscribed to the POS and WMS webhooks (then 2 s for its first pass), or without
    webhooks until NetSuite has been quiet for 3 s; at most ``spec.warmup_seconds``."""
    began, limit = time.time(), spec.warmup_seconds
    if spec.ready_line:
        # the initial sync (item masters to the satellites) must not run under the load it is measured by
        while time.time() - began < limit:
            if log.exists() and spec.ready_line in log.read_text(errors="replace"):
                break
            time.sleep(0.2)
        return time.time() - began
    while time.time() - began < limit:
        if all(world.control(system, "GET", "webhooks")["subscriptions"] for system in ("pos", "wms")):
            time.sleep(2.0)
            return time.time() - began
        if time.time() - began > 10:  # no subscriptions after 10 s: a polling connector
            _quiet(world, 3.0, max(0.0, limit - (time.time() - began)))
            return time.time() - began
        time.sleep(0.5)
    return time.time() - began


def _settle(
    world: LoadWorld, profile: Profile, engine: bool
) -> tuple[dict[str, Any], float, list[list[float]]]:
    """Let the engine catch up: drift is measured every few seconds until it is zero or the settle time is up.

    Returns the last drift report, the seconds waited and (seconds, drifting pairs) samples along the way.
    """
    began = time.time()
    dc = int(world.seeded["dc"]["location"])
    samples: list[list[float]] = []
    while True:
        drift = drift_between(world.stock_views(), dc)
        waited = time.time() - began
        samples.append([round(waited, 1), drift["pairs"]])
        if not engine or drift["pairs"] == 0 or waited >= profile.engine.settle_seconds:
            return drift, waited, samples
        time.sleep(min(5.0, max(0.0, profile.engine.settle_seconds - waited)))


def run_locust(
    profile: Profile,
    world: LoadWorld,
    run_dir: Path,
    workers: int,
    run_time: float | None,
    sampler: CpuSampler,
) -> tuple[float, float, int]:
    """Run Locust headless (distributed with ``workers`` > 0); returns (start, end, exit status)."""
    from .arrival import fitted

    duration = fitted(profile.shape, run_time).duration
    env = {
        **os.environ,
        **world.env,
        "ERPSIM_LOAD_PROFILE": str(run_dir / "profile.toml"),
        "ERPSIM_LOAD_WORLD": str(run_dir / "world.json"),
        "ERPSIM_LOAD_RUN_DIR": str(run_dir),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
    }
    if run_time:
        env["ERPSIM_LOAD_RUN_TIME"] = str(run_time)
    common = ["-f", str(LOCUSTFILE), "--loglevel", "WARNING"]
    report = [
        "--headless",
        "--csv",
        str(run_dir / "locust"),
        "--csv-full-history",
        "--html",
        str(run_dir / "locust.html"),
        "--only-summary",
        "--stop-timeout",
        "5",
        "--run-time",
        f"{int(duration + 30)}s",
    ]
    procs: list[Child] = []
    locust = [sys.executable, "-m", "locust"]
    from .world import spawn

    if workers > 0:
        port = free_port()
        master = spawn(
            "locust-master",
            locust
            + common
            + report
            + [
                "--master",
                "--master-bind-host",
                "127.0.0.1",
                "--master-bind-port",
                str(port),
                "--expect-workers",
                str(workers),
                "--expect-workers-max-wait",
                "60",
            ],
            env,
            run_dir / "locust-master.log",
        )
        procs.append(master)
        for n in range(workers):
            procs.append(
                spawn(
                    f"locust-worker-{n + 1}",
                    locust + common + ["--worker", "--master-host", "127.0.0.1", "--master-port", str(port)],
                    env,
                    run_dir / f"locust-worker-{n + 1}.log",
                )
            )
    else:
        procs.append(spawn("locust", locust + common + report, env, run_dir / "locust.log"))
    for child in procs:
        sampler.watch(child.name, child.pid)
    start = time.time()
    progress = Progress(run_dir, start)
    deadline = start + duration + 120
    head = procs[0]
    try:
        while head.proc.poll() is None and time.time() < deadline:
            time.sleep(0.5)
            progress.tick()
    finally:
        end = time.time()
        for child in procs:
            child.stop(signal.SIGTERM if child is head else signal.SIGINT, timeout=20)
    if progress.tty:
        print()
    return start, end, head.proc.returncode or 0


def _terminated(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def run(args: argparse.Namespace) -> int:
    """Run one load test; the exit status of ``erpsim load``."""
    # SIGTERM unwinds like Ctrl-C, so the world's ``finally`` stops the emulators, the engine and Locust by PID
    # (the default action would end this process alone and leave them running)
    signal.signal(signal.SIGTERM, _terminated)
    try:
        profile = load_profile(args.profile)
        slos = load_slos(args.slo) if args.slo else profile.slo
    except (ValueError, OSError) as exc:
        print(f"erpsim load: {exc}", file=sys.stderr)
        return 2
    if args.no_engine:
        profile = profile.model_copy(update={"engine": profile.engine.model_copy(update={"enabled": False})})
    if args.mutant is not None:
        profile = profile.model_copy(
            update={"engine": profile.engine.model_copy(update={"mutant": args.mutant})}
        )
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = f"-{profile.engine.mutant}" if profile.engine.mutant else ""
    run_dir = Path(args.out).resolve() / f"{profile.name}{suffix}-{stamp}"
    run_dir.mkdir(parents=True, exist_ok=True)
    from .profile import profile_path

    (run_dir / "profile.toml").write_bytes(profile_path(args.profile).read_bytes())
    loads = load_average()
    print(
        f"erpsim load: profile {profile.name}{' (mutant ' + profile.engine.mutant + ')' if suffix else ''}, "
        f"run folder {run_dir}; load average {loads[0]:.2f} {loads[1]:.2f} {loads[2]:.2f} "
        f"on {os.cpu_count()} cores",
        flush=True,
    )
    sampler = CpuSampler(run_dir)
    meta: dict[str, Any] = {
        "profile": profile.name,
        "mutant": profile.engine.mutant,
        "load_before": loads,
        "workers": args.workers,
        "started": stamp,
    }
    try:
        with running_world(profile, run_dir) as world:
            for child in world.children:
                sampler.watch(child.name, child.pid)
            sampler.start()
            t0 = time.time()
            world.seed()
            print(
                f"  world seeded in {time.time() - t0:.1f} s: {profile.world.stores} stores, "
                f"{profile.world.skus} SKUs (+{profile.world.tracer_skus} tracers)",
                flush=True,
            )
            engine = world.start_engine()
            if engine is not None:
                sampler.watch("engine", engine.pid)
                waited = _engine_ready(world, profile.engine, engine.log)
                if engine.proc.poll() is not None:
                    raise WorldError(
                        f"the engine exited with {engine.proc.returncode}: "
                        f"{engine.log.read_text(errors='replace')[-2000:]}"
                    )
                print(f"  engine running (pid {engine.pid}), ready after {waited:.1f} s", flush=True)
            start, end, locust_status = run_locust(
                profile, world, run_dir, args.workers, args.run_time, sampler
            )
            meta.update(load_start=start, load_end=end, locust_exit=locust_status)
            drift, meta["settled_s"], meta["drift_while_settling"] = _settle(
                world, profile, engine is not None
            )
            (run_dir / "drift.json").write_text(json.dumps(drift, indent=1))
            if engine is not None and engine.proc.poll() is not None:
                meta["engine_exit"] = engine.proc.returncode
    except (WorldError, OSError) as exc:
        sampler.stop()
        print(f"erpsim load: the run could not be made: {exc}", file=sys.stderr)
        return 2
    sampler.stop()
    meta["load_after"] = load_average()
    observed = observe(profile, run_dir, (meta["load_start"], meta["load_end"]), drift)
    verdict, results = judge(slos, observed)
    (run_dir / "results.json").write_text(
        json.dumps(
            {"verdict": verdict, "meta": meta, "observed": observed, "slo": [r.__dict__ for r in results]},
            indent=1,
        )
    )
    from .report import write_report

    report = write_report(profile, run_dir, meta, observed, verdict, results)
    _print_table(verdict, results, observed)
    print(f"  reports: {report}  {run_dir / 'locust.html'}  {run_dir / 'locust_stats.csv'}")
    return exit_code(verdict)


def _print_table(verdict: str, results: list[Any], observed: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"SLO verdict: {verdict}")
    for col in ("objective", "target", "observed", "status"):
        table.add_column(col)
    for r in results:
        unit = METRICS[r.metric][0]
        value = "-" if r.observed is None else f"{r.observed:.3g}"
        table.add_row(
            r.name,
            f"{r.op} {r.target:g} {unit}",
            f"{value} {unit}",
            r.status + ("" if r.status == "PASS" or r.severity == "must" else " (should)"),
        )
    Console().print(table)
    keys = (
        "sales_per_s",
        "lag_sale_p50_s",
        "lag_sale_p99_s",
        "engine_lines_per_s",
        "engine_writes_per_s",
        "netsuite_429s",
        "oversells",
        "drift_pairs",
    )
    print(
        "  "
        + "  ".join(
            f"{k}={observed.get(k) if not isinstance(observed.get(k), float) else round(observed[k], 3)}"
            for k in keys
        )
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``erpsim load``."""
    try:
        return run(build_parser().parse_args(argv))
    finally:
        stop_every_child()  # whatever a signal interrupted, nothing this run started keeps running


if __name__ == "__main__":
    sys.exit(main())
