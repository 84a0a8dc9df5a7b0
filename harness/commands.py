"""The harness's commands: ``erpsim run``, ``erpsim certify``, ``erpsim world``, ``erpsim scenarios``.

Importing this module registers them in the ``erpsim`` CLI (it is listed in ``harness.cli.COMMAND_MODULES``);
:func:`main` runs them on their own (tests). Heavy imports stay inside the commands (``erpsim --help`` is fast).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

REFERENCE_CONNECTOR = Path(__file__).resolve().parent / "connectors" / "reference.toml"
Handler = Callable[[argparse.Namespace], int]
console = Console(stderr=False, highlight=False)
EXAMPLES = {
    "run": "examples:\n  erpsim run scenarios/ --jobs 2\n  erpsim run scenarios/cancellations -k pick --mutant "
    "no-cancel-check\n  erpsim run --list",
    "certify": "examples:\n  erpsim certify --connector my-connector.toml --output cert/\n"
    "  erpsim certify --connector harness/connectors/reference.toml --mutant no-retry",
    "world": "examples (against `erpsim up`):\n  erpsim world reset\n  erpsim world seed scenarios/cancellations/"
    "cancel_after_pick.yaml\n  erpsim world clock --advance P1D\n  erpsim world state --system wms",
    "scenarios": "examples:\n  erpsim scenarios check scenarios/\n  erpsim scenarios schema > scenario.schema.json",
}


def _error(message: str) -> None:
    """One line on stderr (no wrapping, no markup): what is wrong and how to fix it."""
    print(message, file=sys.stderr)


def _run_options(p: argparse.ArgumentParser, default_output: str) -> None:
    p.add_argument("paths", nargs="*", help="scenario files or folders (default: scenarios/)")
    p.add_argument(
        "--connector",
        default=str(REFERENCE_CONNECTOR),
        help="connector TOML file (default: the reference engine, harness/connectors/reference.toml)",
    )
    p.add_argument("--mutant", default=None, help="run the connector with this mutant (sets its mutant_env)")
    p.add_argument("--seed", type=int, default=None, help="override every scenario's seed")
    p.add_argument("-k", dest="expr", default=None, help="select scenarios: words, and/or/not, as pytest -k")
    p.add_argument("--jobs", "-j", type=int, default=1, help="worlds in parallel (one process each)")
    p.add_argument(
        "--output", default=default_output, help=f"reports and evidence folder (default: {default_output})"
    )
    p.add_argument(
        "--world",
        dest="world_mode",
        choices=("thread", "process"),
        default="thread",
        help="serve the emulators in threads of each job (default) or as `erpsim up` processes",
    )


def configure_run(run: argparse.ArgumentParser) -> None:
    """The flags of ``erpsim run``."""
    _run_options(run, ".erpsim/run")
    run.add_argument("--list", action="store_true", help="print the catalogue by family and exit")
    run.add_argument(
        "--format",
        dest="list_format",
        choices=("table", "text", "markdown"),
        default="table",
        help="with --list: tables per family (default), plain text (one block per scenario, any "
        "width) or Markdown",
    )
    run.add_argument(
        "--matrix",
        action="store_true",
        help="the mutant matrix: each scenario against the engine (must pass) and against every mutant "
        "it names in catches (must fail on its invariants or assertions)",
    )
    run.add_argument("--mutants", default=None, help="with --matrix: only these mutants (comma list)")
    run.add_argument("--junit", default=None, help="also write JUnit XML here")
    run.add_argument("--json", dest="json_path", default=None, help="also write the JSON report here")
    run.add_argument("--html", default=None, help="also write the HTML report here")


def configure_certify(cert: argparse.ArgumentParser) -> None:
    """The flags of ``erpsim certify``."""
    _run_options(cert, "erpsim-certificate")


def configure_world(world: argparse.ArgumentParser) -> None:
    """The flags of ``erpsim world``."""
    world.add_argument("action", choices=("reset", "seed", "clock", "state"))
    world.add_argument("file", nargs="?", help="seed: a scenario file (its given) or a world YAML/JSON")
    world.add_argument("--set", dest="set_to", default=None, help="clock: an ISO instant for every system")
    world.add_argument("--advance", default=None, help="clock: seconds or an ISO duration (P1D, PT2H)")
    world.add_argument("--system", default=None, help="state: one system only")
    world.add_argument(
        "--env-file", default=None, help="the `erpsim up` export lines (default: the environment)"
    )


def configure_scenarios(scen: argparse.ArgumentParser) -> None:
    """The arguments of ``erpsim scenarios``."""
    scen.add_argument("action", choices=("list", "check", "schema"))
    scen.add_argument("paths", nargs="*")


#: name -> (help, configure, handler); registered in the ``erpsim`` CLI at the end of this module.
HARNESS_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], str]] = {
    "run": (
        "run scenarios against a connector (progress, summary, exit 0 when all pass)",
        configure_run,
        "cmd_run",
    ),
    "certify": (
        "certify a connector: its flows' scenarios; report.html, report.json, junit.xml",
        configure_certify,
        "cmd_certify",
    ),
    "world": (
        "drive a running world (erpsim up) as one: reset, seed, clock, state",
        configure_world,
        "cmd_world",
    ),
    "scenarios": (
        "the scenario format: list, check files, print the JSON Schema",
        configure_scenarios,
        "cmd_scenarios",
    ),
}


# ---- run and certify -----------------------------------------------------------------------------------
def _execute(args: argparse.Namespace, title: str, only_connector_flows: bool) -> tuple[Any, int]:
    from .connectors import ConnectorError, load_connector
    from .jobs import run_many
    from .reports import Summary
    from .runner import RunConfig
    from .scenario_loader import ScenarioError
    from .selection import scenario_files
    from .world import WorldStartError

    try:
        connector = load_connector(args.connector, args.mutant)
        files = scenario_files(args.paths)
    except (ConnectorError, ScenarioError) as exc:
        _error(f"erpsim: {exc}")
        return None, 2
    if args.jobs < 1:
        _error("erpsim: --jobs must be at least 1")
        return None, 2
    if not files:
        _error(f"erpsim: no scenario files under {', '.join(args.paths) or 'scenarios/'}")
        return None, 2
    config = RunConfig(
        connector_path=str(Path(args.connector)),
        output_dir=args.output,
        mutant=args.mutant,
        seed=args.seed,
        world_mode=args.world_mode,
    )
    began = time.perf_counter()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[last]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    task = progress.add_task("scenarios", total=None, last="")
    marks = {"passed": "[green]PASS", "failed": "[red]FAIL", "error": "[red]ERROR", "skipped": "[dim]SKIP"}

    def on_result(res: Any) -> None:
        progress.console.print(
            f"{marks.get(res.status, res.status)}[/] {res.family}/{Path(res.path).stem} "
            f"[dim]({res.seconds:.2f} s)[/]",
            soft_wrap=True,
        )
        progress.update(task, advance=1, last=f"{res.family}/{Path(res.path).stem}")

    try:
        with progress:
            results = run_many(
                files,
                config,
                jobs=args.jobs,
                expr=args.expr,
                on_result=on_result,
                on_start=lambda n: progress.update(task, total=n),
            )
    except (WorldStartError, ValueError) as exc:
        _error(f"erpsim: {exc}")
        return None, 2
    if only_connector_flows:
        results = [r for r in results if r.status != "skipped"]
    summary = Summary(
        title=title,
        connector=connector.label,
        connector_file=str(connector.path),
        mode=connector.spec.mode,
        results=results,
        seconds=time.perf_counter() - began,
        declared_flows=list(connector.spec.flows) if only_connector_flows else [],
    )
    _print_summary(summary)
    return summary, 0 if summary.ok else 1


def _print_summary(summary: Any) -> None:
    table = Table(title=f"{summary.title}: {summary.connector} ({summary.mode})")
    for col in ("flow", "grade", "passed", "failed", "skipped"):
        table.add_column(col)
    for f in summary.flows():
        table.add_row(f.flow, f.grade, str(len(f.passed)), str(len(f.failed)), str(len(f.skipped)))
    console.print(table)
    for r in summary.results:
        if r.status in ("failed", "error"):
            console.print(f"[red]{r.status.upper()}[/] {r.name} [dim]({r.path})[/]", soft_wrap=True)
            for line in r.failures()[:8]:
                console.print(f"  - {line}", markup=False, soft_wrap=True)
            console.print(f"  replay: {r.replay}", markup=False, soft_wrap=True)
    c = summary.counts
    ran = [r for r in summary.results if r.status != "skipped"]
    mean = sum(r.seconds for r in ran) / len(ran) if ran else 0.0
    phases = (
        ", ".join(
            f"{k} {sum(r.timings.get(k, 0.0) for r in ran) / len(ran):.2f}"
            for k in ("world", "connector", "collect")
        )
        if ran
        else ""
    )
    colour = "green" if summary.ok else "red"
    console.print(
        f"[{colour}]{c['passed']} passed, {c['failed']} failed, {c['error']} errors, {c['skipped']} skipped"
        f"[/] in {summary.seconds:.1f} s (mean {mean:.2f} s per scenario: {phases}); grade {summary.grade}",
        soft_wrap=True,
    )


def cmd_run(args: argparse.Namespace) -> int:
    """``erpsim run``: scenarios against a connector; exit 0 only when every scenario passes."""
    if args.list:
        return _list(args.paths, args.list_format)
    if args.matrix:
        return _matrix(args)
    summary, code = _execute(args, "erpsim run", only_connector_flows=False)
    if summary is None:
        return code
    from .reports.html import write_html
    from .reports.json_report import write_json
    from .reports.junit import write_junit

    out = Path(args.output)
    write_json(summary, Path(args.json_path) if args.json_path else out / "report.json")
    write_junit(summary, Path(args.junit) if args.junit else out / "junit.xml")
    if args.html:
        write_html(summary, Path(args.html))
    return code


def cmd_certify(args: argparse.Namespace) -> int:
    """``erpsim certify``: the scenarios of the connector's flows; report.html, report.json, junit.xml."""
    summary, code = _execute(args, "erpsim certification", only_connector_flows=True)
    if summary is None:
        return code
    from .reports.html import write_html
    from .reports.json_report import write_json
    from .reports.junit import write_junit

    out = Path(args.output)
    paths = [
        write_html(summary, out / "report.html"),
        write_json(summary, out / "report.json"),
        write_junit(summary, out / "junit.xml"),
    ]
    console.print("reports: " + ", ".join(str(p) for p in paths), markup=False)
    return code


def _matrix(args: argparse.Namespace) -> int:
    """``erpsim run --matrix``: prove each scenario (passes on the engine, fails on each mutant it catches)."""
    from .catalogue import CAUGHT, MISSED, Matrix, connector_mutants
    from .connectors import ConnectorError, load_connector
    from .jobs import matrix_tasks, run_tasks
    from .runner import RunConfig, caught_for_its_reason
    from .scenario_loader import ScenarioError
    from .selection import scenario_files

    try:
        declared = connector_mutants(load_connector(args.connector))
        files = scenario_files(args.paths)
    except (ConnectorError, ScenarioError) as exc:
        _error(f"erpsim: {exc}")
        return 2
    config = RunConfig(
        connector_path=str(Path(args.connector)),
        output_dir=args.output,
        seed=args.seed,
        world_mode=args.world_mode,
    )
    try:
        tasks, broken = matrix_tasks(
            files, config, args.expr, args.mutants.split(",") if args.mutants else None
        )
    except ValueError as exc:
        _error(f"erpsim: {exc}")
        return 2
    began = time.perf_counter()

    def on_result(res: Any) -> None:
        console.print(
            f"{res.status.upper():7} {res.family}/{Path(res.path).stem} "
            f"[{res.mutant or 'engine'}] ({res.seconds:.2f} s)",
            markup=False,
            soft_wrap=True,
        )

    results = run_tasks(tasks, args.jobs, broken, on_result)
    matrix = Matrix.of(results, declared)
    console.print(
        "mutant matrix: each scenario must pass on the engine and fail for its reason on every mutant it "
        f"names ({CAUGHT} caught, {MISSED} named but not caught, · not named)",
        markup=False,
    )
    for line in matrix.text():
        console.print(line, markup=False, soft_wrap=True, overflow="ignore", crop=False)
    for res in results:
        bad = (res.mutant is None and res.status != "passed") or (
            res.mutant is not None and not caught_for_its_reason(res)
        )
        if bad:
            why = (
                "; ".join(res.failures()[:3])
                if res.mutant is None
                else (
                    f"{res.status}: "
                    + ("; ".join(res.failures()[:3]) or "the scenario passed against the mutant")
                )
            )
            console.print(
                f"  {res.family}/{Path(res.path).stem} [{res.mutant or 'engine'}]: {why}",
                markup=False,
                soft_wrap=True,
            )
            console.print(f"    replay: {res.replay}", markup=False, soft_wrap=True)
    written = matrix.write(Path(args.output))
    uncaught = f"; mutants no scenario here catches: {', '.join(matrix.uncaught)}" if matrix.uncaught else ""
    console.print(
        f"{matrix.proven} of {len(matrix.rows)} scenarios proven{uncaught}; "
        f"{time.perf_counter() - began:.1f} s; grid in {written[0]}",
        markup=False,
        soft_wrap=True,
    )
    return 0 if matrix.proven == len(matrix.rows) else 1


# ---- scenarios -----------------------------------------------------------------------------------------
def _list(paths: list[str], fmt: str = "table") -> int:
    from .catalogue import by_family, list_markdown, list_text
    from .scenario_loader import ScenarioError, load_scenario
    from .selection import scenario_files

    try:
        files = scenario_files(paths)
    except ScenarioError as exc:
        _error(f"erpsim: {exc}")
        return 2
    bad = 0
    loaded = []
    for f in files:
        try:
            loaded.append((f, load_scenario(f)))
        except ScenarioError as exc:
            _error(str(exc))
            bad += 1
    groups = by_family(loaded)
    if fmt != "table":
        sys.stdout.write(list_text(groups) if fmt == "text" else list_markdown(groups))
        return 2 if bad else 0
    for family, entries in groups.items():
        table = Table(title=f"{family} ({len(entries)})", title_justify="left")
        table.add_column("scenario", ratio=5, overflow="fold")
        table.add_column("seed", no_wrap=True)
        table.add_column("catches", ratio=2, overflow="fold")
        table.add_column("source", ratio=3, overflow="fold")
        for f, s in entries:
            table.add_row(f"{s.name}\n[dim]{f.stem}[/]", str(s.seed), ", ".join(s.catches), s.source or "")
        console.print(table)
    console.print(f"{len(loaded)} scenarios in {len(groups)} families", markup=False)
    return 2 if bad else 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    """``erpsim scenarios list|check|schema``."""
    if args.action == "schema":
        from .scenario import schema_text

        print(schema_text())
        return 0
    if args.action == "list":
        return _list(args.paths)
    from .scenario_loader import ScenarioError, load_scenario
    from .selection import scenario_files

    try:
        files = scenario_files(args.paths)
    except ScenarioError as exc:
        _error(f"erpsim: {exc}")
        return 2
    bad = 0
    for f in files:
        try:
            load_scenario(f)
        except ScenarioError as exc:
            _error(str(exc))
            bad += 1
    console.print(f"{len(files) - bad} of {len(files)} scenario files are valid")
    return 1 if bad else 0


# ---- world ---------------------------------------------------------------------------------------------
def _world_env(env_file: str | None) -> dict[str, str]:
    import os

    from .systems import SYSTEMS as PORTS
    from .world import SYSTEMS, env_from_exports

    if env_file:
        return env_from_exports(Path(env_file).read_text(encoding="utf-8").splitlines())
    env = {k: v for k, v in os.environ.items() if k.startswith("ERPSIM_")}
    for s in SYSTEMS:
        port = os.environ.get(f"ERPSIM_{s.upper()}_PORT", str(PORTS[s][1]))
        env.setdefault(f"ERPSIM_{s.upper()}_URL", f"http://127.0.0.1:{port}")
    return env


def cmd_world(args: argparse.Namespace) -> int:
    """``erpsim world reset|seed|clock|state`` on a running world (the URLs of `erpsim up`)."""
    import requests

    from .clients import ControlError
    from .world import World

    world = World(_world_env(args.env_file))
    try:
        if args.action == "reset":
            world.reset()
            console.print("world reset: every system empty, clocks rewound, faults and journals cleared")
        elif args.action == "clock":
            if args.set_to is None and args.advance is None:
                print(json.dumps(world.clock(), indent=1))
            else:
                advance: Any = args.advance
                if advance is not None and advance.replace(".", "", 1).isdigit():
                    advance = float(advance)
                print(json.dumps(world.clock(set_to=args.set_to, advance=advance), indent=1))
        elif args.action == "state":
            systems = (args.system,) if args.system else None
            print(json.dumps(world.state(systems), indent=1, default=str))
        else:
            return _world_seed(world, args.file)
    except requests.ConnectionError as exc:
        _error(
            f"erpsim: the world is not reachable ({exc.request.url if exc.request else exc}); start it with "
            "`erpsim up` or pass --env-file"
        )
        return 2
    except ControlError as exc:
        _error(f"erpsim: {exc}")
        return 2
    finally:
        world.close()
    return 0


def _world_seed(world: Any, file: str | None) -> int:
    import yaml

    from .scenario import WorldSpec
    from .scenario_loader import ScenarioError, load_scenario
    from .seeding import seed_world

    if not file:
        _error("erpsim: world seed needs a file: a scenario (its given.world) or a world spec (YAML/JSON)")
        return 2
    try:
        data = yaml.safe_load(Path(file).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        _error(f"erpsim: {file}: {exc}")
        return 2
    try:
        spec = (
            load_scenario(file).given.world
            if isinstance(data, dict) and "steps" in data
            else WorldSpec.model_validate(data or {})
        )
    except ScenarioError as exc:
        _error(f"erpsim: {exc}")
        return 2
    except ValueError as exc:
        _error(f"erpsim: {file}: {exc}")
        return 2
    refs = seed_world(world, spec)
    print(json.dumps(refs.as_dict(), indent=1, default=str))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one harness command without the rest of the ``erpsim`` CLI (used by tests)."""
    parser = argparse.ArgumentParser(prog="erpsim")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, configure, _handler) in HARNESS_COMMANDS.items():
        configure(sub.add_parser(name, help=help_text))
    args = parser.parse_args(argv)
    handler: Handler = globals()[HARNESS_COMMANDS[args.command][2]]
    return handler(args)


def _register_in_cli() -> None:
    """Add the harness commands to the ``erpsim`` CLI's registry (also when it runs as ``python -m harness.cli``,
    where the CLI module is ``__main__``, a second copy of ``harness.cli``)."""
    import harness.cli

    targets = [harness.cli]
    entry = sys.modules.get("__main__")
    if entry is not None and entry is not harness.cli and hasattr(entry, "COMMAND_MODULES"):
        targets.append(entry)
    for cli in targets:
        for name, (help_text, configure, handler) in HARNESS_COMMANDS.items():
            if name not in cli.COMMANDS:
                cli.register(
                    cli.Command(
                        name=name,
                        help=help_text,
                        run=globals()[handler],
                        configure=configure,
                        epilog=EXAMPLES.get(name, ""),
                    )
                )


_register_in_cli()

if __name__ == "__main__":
    sys.exit(main())
