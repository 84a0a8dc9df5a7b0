"""``erpsim sync``: run the reference engine once, as a daemon, list its mutants or its exception queue."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import TYPE_CHECKING

from .config import ConfigError, SyncConfig, all_variables
from .safeguards import UnknownMutant, mutant_lines

if TYPE_CHECKING:
    from .engine import Engine

EPILOG = """\
configuration (environment; `erpsim up` prints the system variables):
{variables}

examples:
  eval "$(erpsim up --print-env)"   # or copy the export lines `erpsim up` prints
  erpsim sync --once
  erpsim sync --daemon
  erpsim sync exceptions --json
  erpsim sync --once --mutant no-cancel-check
  printf 'sync\nsync\n' | erpsim sync --once --stdin   # two passes in one process (a harness's passes = "stdin")
"""


def build_parser() -> argparse.ArgumentParser:
    """The ``erpsim sync`` argument parser."""
    variables = "\n".join(
        f"  {v.name:34} {v.help}" + (f" (default {v.default})" if v.default else "") for v in all_variables()
    )
    parser = argparse.ArgumentParser(
        prog="erpsim sync",
        description="The reference sync engine between NetSuite and the QMS, WMS, POS and AP.",
        epilog=EPILOG.format(variables=variables),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--once", action="store_true", help="run one full pass of every flow and exit (default)"
    )
    mode.add_argument("--daemon", action="store_true", help="run until SIGTERM: webhooks and polling passes")
    mode.add_argument(
        "--list-mutants", action="store_true", help="print every mutant: name, a space, what it disables"
    )
    parser.add_argument(
        "--stdin",
        action="store_true",
        help="with --once: stay up, run one pass per line 'sync' read on stdin and print "
        "'erpsim-pass: <status>' after each (0 = completed, 3 = incomplete); exit at end of input",
    )
    parser.add_argument(
        "--mutant", default=None, help="run with exactly this safeguard off (or ERPSIM_SYNC_MUTANT)"
    )
    parser.add_argument("--flows", default=None, help="comma list of flows to run (or ERPSIM_SYNC_FLOWS)")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log output (-vv for every call)"
    )
    sub = parser.add_subparsers(dest="command")
    exc = sub.add_parser("exceptions", help="list the exception queue")
    exc.add_argument("--json", action="store_true", help="print a JSON array")
    exc.add_argument("--category", default=None, help="only this category")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``erpsim sync``; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.stdin and (args.daemon or args.list_mutants or args.command):
        parser.error("--stdin runs once-mode passes: not with --daemon, --list-mutants or a command")
    if args.list_mutants:
        print("\n".join(mutant_lines()))
        return 0
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
        format="%(asctime)s erpsim-sync %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    overrides = {}
    if args.mutant is not None:
        overrides["ERPSIM_SYNC_MUTANT"] = args.mutant
    if args.flows is not None:
        overrides["ERPSIM_SYNC_FLOWS"] = args.flows
    import os

    try:
        config = SyncConfig.from_env({**os.environ, **overrides})
        if args.command == "exceptions":
            return _print_exceptions(config, args.json, args.category)
        from .engine import Engine

        engine = Engine(config, daemon=args.daemon)
    except (ConfigError, UnknownMutant) as exc:
        print(f"erpsim sync: {exc}", file=sys.stderr)
        return 2
    try:
        if args.daemon:
            from .daemon import Daemon

            return Daemon(engine).run()
        if args.stdin:
            return _passes_from_stdin(engine)
        return _one_pass(engine)
    finally:
        engine.close()


def _one_pass(engine: Engine) -> int:
    """Run a pass and print what it did; its exit status (0 completed, 3 incomplete)."""
    result = engine.run_pass()
    for flow, counts in sorted(result.stats.counts.items()):
        print(f"{flow}: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())), flush=True)
    for failure in result.failures:
        print(f"erpsim sync: pass incomplete: {failure}", file=sys.stderr, flush=True)
    return 0 if result.completed else 3


def _passes_from_stdin(engine: Engine) -> int:
    """One pass per ``sync`` line on stdin, each answered by ``erpsim-pass: <status>``; 0 at end of input."""
    for line in sys.stdin:
        command = line.strip()
        if not command:
            continue
        if command == "sync":
            status = _one_pass(engine)
        else:
            print(
                f"erpsim sync: unknown command {command!r} on stdin (one 'sync' per pass)",
                file=sys.stderr,
                flush=True,
            )
            status = 2
        sys.stdout.write(f"erpsim-pass: {status}\n")
        sys.stdout.flush()
    return 0


def _print_exceptions(config: SyncConfig, as_json: bool, category: str | None) -> int:
    from .state import StateStore

    store = StateStore(config.state_url)
    try:
        entries = store.exceptions(category)
    finally:
        store.close()
    if as_json:
        print(json.dumps([e.as_dict() for e in entries], indent=2, sort_keys=True))
        return 0
    if not entries:
        print("exception queue is empty")
    for e in entries:
        print(
            f"#{e.id} [{e.category}] {e.flow}: {e.summary}"
            + (f" (x{e.occurrences})" if e.occurrences > 1 else "")
        )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
