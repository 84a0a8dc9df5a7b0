"""The ``erpsim`` command: a registry of subcommands (start emulators, inspect them, demo, sync, ...).

A subcommand is a ``Command`` in ``COMMANDS``. Commands of other modules register themselves when their
module is imported: add the module to ``COMMAND_MODULES`` (keep its top-level imports light, so that
``erpsim --help`` stays fast; import heavy things inside ``run``).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import os
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from harness.systems import SYSTEMS, available_systems, system_module
from mocks.core.config import DEFAULT_DATA_DIR, EmulatorConfig, SettingError

log = logging.getLogger("erpsim")
LOG_LEVELS = ("debug", "info", "warning", "error")


class CliError(Exception):
    """A mistake the user can fix: printed as one line (``erpsim: <message>``), exit status 2."""


@dataclass(frozen=True)
class Command:
    """One ``erpsim`` subcommand: its help, its arguments and what it runs."""

    name: str
    help: str
    run: Callable[[argparse.Namespace], int]
    configure: Callable[[argparse.ArgumentParser], None] | None = None
    description: str = ""
    epilog: str = ""
    #: Takes the raw arguments instead (a program with its own parser, such as ``erpsim sync``).
    raw: Callable[[list[str]], int] | None = None


COMMANDS: dict[str, Command] = {}
#: Modules that register more subcommands when imported (one line per module).
COMMAND_MODULES: list[str] = [
    "load.command",
    "harness.commands",
    "harness.contracts.command",
    "harness.observe",
]


def register(command: Command) -> Command:
    """Add a subcommand (its name must be new)."""
    if command.name in COMMANDS:
        raise ValueError(f"erpsim subcommand '{command.name}' registered twice")
    COMMANDS[command.name] = command
    return command


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Shows each option's default (unless its help already says it) and keeps epilogs as written."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if (
            action.default in (None, False, 0, argparse.SUPPRESS)
            or "default" in text
            or not action.option_strings
        ):
            return text
        return f"{text} (default: %(default)s)"


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line naming the fix, not a usage dump."""

    def error(self, message: str) -> NoReturn:
        """Print ``<prog>: <message> (see <prog> --help)`` and exit 2."""
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


# ---- value checks shared by flags and variables ---------------------------------------------------------------


def _int_in(text: str, what: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"'{text}' is not {what}") from None
    if not low <= value <= high:
        raise ValueError(f"{value} is not {what}")
    return value


def port_number(text: str) -> int:
    """A TCP port, 1-65535 (argparse type)."""
    try:
        return _int_in(text, "a port (1-65535)", 1, 65535)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def positive_int(text: str) -> int:
    """An integer of at least 1 (argparse type)."""
    try:
        return _int_in(text, "a whole number of at least 1", 1, 1_000_000)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def env_value(name: str, parse: Callable[[str], Any], default: Any) -> Any:
    """``parse(os.environ[name])``, or ``default`` when unset; a bad value is a CliError naming the variable."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return parse(raw)
    except (ValueError, argparse.ArgumentTypeError) as exc:
        raise CliError(f"{name}={raw!r}: {exc}; fix or unset the variable") from None


def _flag(text: str) -> bool:
    if text.lower() not in ("0", "1", "true", "false", "yes", "no"):
        raise ValueError(f"'{text}' is not 1 or 0")
    return text.lower() in ("1", "true", "yes")


def _log_level(text: str) -> str:
    if text.lower() not in LOG_LEVELS:
        raise ValueError(f"'{text}' is not a log level ({', '.join(LOG_LEVELS)})")
    return text.lower()


def check_db_url(url: str, source: str) -> str:
    """Refuse a database URL erpsim cannot use, with the form it expects."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    expected = "expected sqlite:///path/file.db or postgresql://user@host:5432/database"
    if url.startswith("postgres://"):
        raise CliError(f"{source} {url!r}: write postgresql:// instead of postgres://")
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise CliError(f"{source} {url!r} is not a database URL; {expected}") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise CliError(f"{source} {url!r}: {backend} is not supported; {expected}")
    if backend == "sqlite" and url not in ("sqlite://", "sqlite:///:memory:") and not parsed.database:
        raise CliError(f"{source} {url!r} names no file; {expected}")
    if backend == "postgresql" and importlib.util.find_spec("psycopg") is None:
        raise CliError(f"{source}: PostgreSQL needs psycopg: pip install 'erpsim[postgres]'")
    return url


# ---- serving emulators ----------------------------------------------------------------------------------------


def _db_url_for(system: str, db: str | None, many: bool) -> str | None:
    """One database per system: SQLite gets a file per system, PostgreSQL a schema per system."""
    source = "--db"
    if not db:
        for var in (f"ERPSIM_{system.upper()}_DB", "ERPSIM_DB"):
            if os.environ.get(var):
                db, source = os.environ[var], var
                break
    if not db:
        return None
    check_db_url(db.replace("{system}", system), source)
    if many and db.startswith("sqlite:///") and "{system}" not in db:
        stem = db[len("sqlite:///") :]
        base, dot, ext = stem.rpartition(".")
        return f"sqlite:///{base}-{system}.{ext}" if dot else f"sqlite:///{stem}-{system}"
    return db.replace("{system}", system)


def system_ports(systems: list[str], args: argparse.Namespace) -> dict[str, int]:
    """Each system's port: its own flag, then ``--base-port`` + offset, then ERPSIM_<SYSTEM>_PORT, then default."""
    ports: dict[str, int] = {}
    base = getattr(args, "base_port", None)
    for name in systems:
        # `erpsim <system>` has --port; `erpsim up` has --<system>-port, also with --systems naming one
        flag = getattr(args, "port", None) if hasattr(args, "port") else getattr(args, f"{name}_port", None)
        if flag is not None:
            ports[name] = flag
        elif base is not None:
            ports[name] = base + list(SYSTEMS).index(name)
            if ports[name] > 65535:
                raise CliError(f"--base-port {base} puts {name} past port 65535; choose a lower one")
        else:
            ports[name] = env_value(f"ERPSIM_{name.upper()}_PORT", port_number, SYSTEMS[name][1])
    return ports


def build_configs(systems: list[str], args: argparse.Namespace) -> dict[str, EmulatorConfig]:
    """A config per system from flags, then ``ERPSIM_*`` variables, then defaults."""
    ports = system_ports(systems, args)
    dupes = sorted({p for p in ports.values() if list(ports.values()).count(p) > 1})
    if dupes:
        raise CliError(f"two systems on port {dupes[0]}: give each its own port")
    shared = getattr(args, "workers", 1) > 1 or env_value("ERPSIM_SHARED", _flag, False)
    configs: dict[str, EmulatorConfig] = {}
    for name in systems:
        try:
            configs[name] = EmulatorConfig.from_env(
                name,
                db_url=_db_url_for(name, args.db, len(systems) > 1),
                data_dir=Path(args.data_dir),
                port=ports[name],
                admin_token=args.admin_token or os.environ.get("ERPSIM_ADMIN_TOKEN"),
                webhook_dispatcher=True,
                shared=shared,
            )
        except SettingError as exc:
            raise CliError(f"{name}: {exc}") from None
    return configs


def export_lines(configs: dict[str, EmulatorConfig], host: str) -> list[str]:
    """The ``export ERPSIM_...=...`` lines a connector needs to reach the running emulators."""
    lines = []
    admin = next(iter(configs.values())).admin_token
    for name, cfg in configs.items():
        prefix = f"ERPSIM_{name.upper()}_"
        lines.append(f"export {prefix}URL=http://{host}:{cfg.port}")
        try:
            creds: dict[str, str] = system_module(name).credentials(cfg)
        except SettingError as exc:  # credentials read the system's settings, as its app does
            raise CliError(f"{name}: {exc}") from None
        lines.extend(f"export {prefix}{k.upper()}={v}" for k, v in creds.items())
    lines.append(f"export ERPSIM_ADMIN_TOKEN={admin}")
    return lines


def _port_free(host: str, port: int) -> bool:
    """True when nothing listens on host:port (checked before start-up, for a clear error)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def _port_flag(name: str, args: argparse.Namespace) -> str:
    return "--port" if hasattr(args, "port") else f"--{name}-port (or --base-port)"


def _start_error(name: str, cfg: EmulatorConfig, exc: Exception) -> CliError:
    """One line saying why ``name`` could not start and what to do about it."""
    from sqlalchemy.exc import ArgumentError, OperationalError

    if isinstance(exc, OperationalError):
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        if cfg.db_url.startswith("postgresql"):
            from sqlalchemy.engine import make_url

            url = make_url(cfg.db_url)
            return CliError(
                f"{name}: cannot use PostgreSQL at {url.host or 'localhost'}:{url.port or 5432} "
                f"({reason}); start it or fix --db / ERPSIM_DB"
            )
        return CliError(f"{name}: cannot open the database {cfg.db_url} ({reason}); fix --db or --data-dir")
    if isinstance(exc, SettingError):
        return CliError(f"{name}: {exc}")
    if isinstance(exc, ArgumentError):
        return CliError(f"{name}: bad database URL {cfg.db_url!r} ({exc})")
    if isinstance(exc, PermissionError | IsADirectoryError | NotADirectoryError):
        return CliError(
            f"{name}: cannot write under {exc.filename or cfg.data_dir} ({exc.strerror}); "
            f"choose another --data-dir"
        )
    return CliError(
        f"{name}: could not start ({type(exc).__name__}: {exc}); run with --log-level debug for the traceback"
    )


def create_apps(configs: dict[str, EmulatorConfig]) -> dict[int, Any]:
    """Build every emulator app (port -> app), turning start-up failures into one-line errors."""
    apps: dict[int, Any] = {}
    for name, cfg in configs.items():
        try:
            apps[cfg.port] = system_module(name).create_app(cfg)
        except Exception as exc:
            log.debug("start-up of %s failed", name, exc_info=True)
            raise _start_error(name, cfg, exc) from None
    return apps


def check_data_dir(folder: Path) -> None:
    """Create ``folder`` if needed and make sure it is writable, or say which flag to change."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".erpsim-write-probe"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise CliError(
            f"cannot use --data-dir {folder} ({exc.strerror or exc}); choose a writable folder "
            f"(or set ERPSIM_DATA_DIR)"
        ) from None


def serve_systems(systems: list[str], args: argparse.Namespace) -> int:
    """Start the given systems in one server process and block until Ctrl-C."""
    from mocks.core.server import serve

    configs = build_configs(systems, args)
    check_data_dir(Path(args.data_dir))
    if getattr(args, "print_env", False):
        print("\n".join(export_lines(configs, args.host)))
        return 0
    for name, cfg in configs.items():
        if not _port_free(args.host, cfg.port):
            raise CliError(
                f"port {cfg.port} ({name}) is already in use: stop what holds it, or choose "
                f"another with {_port_flag(name, args)}"
            )
    apps = create_apps(configs)
    lines = export_lines(configs, args.host)

    def _ready() -> None:
        print(f"# erpsim: {', '.join(configs)} ready (pid {os.getpid()}); Ctrl-C stops", flush=True)
        print("\n".join(lines), flush=True)

    def _stopped() -> None:
        print(f"# erpsim: {', '.join(configs)} stopped", flush=True)

    serve(
        apps,
        host=args.host,
        workers=args.workers,
        threads=args.threads,
        on_ready=_ready,
        on_stop=_stopped,
        log_level=args.log_level,
    )
    return 0


SERVE_EPILOG = """\
environment (flags win):
  ERPSIM_DB, ERPSIM_<SYSTEM>_DB   database URL (a {system} placeholder is replaced by the system name)
  ERPSIM_<SYSTEM>_PORT            port of one system        ERPSIM_DATA_DIR   default --data-dir
  ERPSIM_WORKERS, ERPSIM_THREADS  worker processes, threads ERPSIM_ADMIN_TOKEN  control-plane token
  ERPSIM_LOG_LEVEL                default --log-level       ERPSIM_<SYSTEM>_<SETTING>  system settings (README)
  ERPSIM_JOURNAL_BODIES           bytes of each body the journal keeps (default 2048)
  ERPSIM_SHARED=1                 faults, journal and nonces in the store (several hosts on one PostgreSQL;
                                  on by itself with --workers > 1)
"""


def _serve_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy URL: sqlite:///file.db or postgresql://user@host/db "
        "(default: a SQLite file per system under --data-dir)",
    )
    p.add_argument(
        "--data-dir",
        default=os.environ.get("ERPSIM_DATA_DIR") or str(DEFAULT_DATA_DIR),
        help="folder for SQLite files, keys and locks",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--workers", type=positive_int, default=None, help="worker processes (default 1)")
    p.add_argument("--threads", type=positive_int, default=None, help="threads per worker (default 16)")
    p.add_argument("--admin-token", default=None, help="control-plane token (default erpsim-admin)")
    p.add_argument(
        "--print-env",
        action="store_true",
        help="print the export lines a connector needs and exit without serving",
    )
    p.add_argument(
        "--log-level",
        choices=LOG_LEVELS,
        default=None,
        help="info: one line per request; debug: more (default warning)",
    )
    p.add_argument("-v", "--verbose", action="count", default=0, help="-v = --log-level info, -vv = debug")


def _resolve_serve_args(args: argparse.Namespace) -> None:
    """Fill what flags left open from the environment, checking every value."""
    if args.workers is None:
        args.workers = env_value("ERPSIM_WORKERS", positive_int, 1)
    if args.threads is None:
        args.threads = env_value("ERPSIM_THREADS", positive_int, 16)
    if args.log_level is None:
        verbose = {0: None, 1: "info"}.get(args.verbose, "debug")
        args.log_level = verbose or env_value("ERPSIM_LOG_LEVEL", _log_level, "warning")
    if args.db:
        check_db_url(args.db, "--db")


def configure_logging(level: str) -> None:
    """Log to stderr at ``level`` (one line per request at info)."""
    logging.basicConfig(
        level=getattr(logging, level.upper()),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        force=True,
    )


def _run_up(args: argparse.Namespace) -> int:
    _resolve_serve_args(args)
    configure_logging(args.log_level)
    systems = args.systems.split(",") if args.systems else available_systems()
    unknown = [s for s in systems if s not in SYSTEMS]
    if unknown:
        raise CliError(
            f"unknown system {', '.join(unknown)}; --systems takes a comma list of {', '.join(SYSTEMS)}"
        )
    return serve_systems(systems, args)


def _configure_up(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--systems", default=None, help=f"comma list of systems (default: all of {','.join(SYSTEMS)})"
    )
    p.add_argument(
        "--base-port",
        type=port_number,
        default=None,
        help="put the systems on this port and the next ones, in the order above",
    )
    for name, (_package, port) in SYSTEMS.items():
        p.add_argument(
            f"--{name}-port",
            type=port_number,
            default=None,
            metavar="PORT",
            help=f"port of {name} (default {port}, or ERPSIM_{name.upper()}_PORT)",
        )
    _serve_flags(p)


register(
    Command(
        "up",
        "start every emulator (one process) and print the variables a connector needs",
        _run_up,
        _configure_up,
        description="Start the emulators in one server process; Ctrl-C stops them.",
        epilog=SERVE_EPILOG
        + """
examples:
  erpsim up                                   # all five on 8701-8705, state under .erpsim/
  erpsim up --base-port 9701 -v               # on 9701-9705, one log line per request
  erpsim up --db postgresql://postgres@127.0.0.1:5432/postgres --workers 2
  eval "$(erpsim up --print-env)"             # the connector variables, in this shell
""",
    )
)


def _system_command(name: str) -> Command:
    def _run(args: argparse.Namespace) -> int:
        _resolve_serve_args(args)
        configure_logging(args.log_level)
        return serve_systems([name], args)

    def _configure(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--port",
            type=port_number,
            default=None,
            help=f"port (default {SYSTEMS[name][1]}, or ERPSIM_{name.upper()}_PORT)",
        )
        _serve_flags(p)

    return Command(
        name,
        f"start the {name} emulator alone",
        _run,
        _configure,
        description=f"Start the {name} emulator alone; Ctrl-C stops it.",
        epilog=SERVE_EPILOG + f"\nexample:\n  erpsim {name} --port 9000 --db sqlite:///{name}.db\n",
    )


for _name in SYSTEMS:
    register(_system_command(_name))


def _run_demo(args: argparse.Namespace) -> int:
    from harness.demo import run_demo

    return run_demo(args.data_dir)


def _configure_demo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", default=None, help="state folder (default: a new temporary folder)")


register(
    Command(
        "demo",
        "start the emulators, run a NetSuite round trip, stop",
        _run_demo,
        _configure_demo,
        epilog="example:\n  erpsim demo   # needs ports 8701-8705 free\n",
    )
)


def _forward_to_engine(argv: list[str]) -> int:
    """``erpsim sync ...`` is the reference engine's own CLI, run as its own program (``python -m sync``).

    The harness reaches the engine only as a connector process, never by importing it; exec keeps the PID, so
    stopping ``erpsim sync --daemon`` by its PID stops the engine itself.
    """
    os.execv(sys.executable, [sys.executable, "-m", "sync", *argv])


register(
    Command(
        "sync", "run the reference sync engine (erpsim sync --help)", lambda _a: 2, raw=_forward_to_engine
    )
)


# ---- entry point ----------------------------------------------------------------------------------------------


def version() -> str:
    """The installed erpsim version."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("erpsim")
    except PackageNotFoundError:
        return "0+unknown"


def build_parser() -> Parser:
    """The ``erpsim`` parser with every registered subcommand."""
    for module in COMMAND_MODULES:
        importlib.import_module(module)
    parser = Parser(
        prog="erpsim",
        description="Emulators of NetSuite, a QMS, a WMS, a POS and an AP system, "
        "and the harness that drives them.",
        formatter_class=HelpFormatter,
        epilog="examples:\n  erpsim up\n  erpsim netsuite --port 9000\n  erpsim <command> --help",
    )
    parser.add_argument("--version", action="version", version=f"erpsim {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=Parser)
    for cmd in COMMANDS.values():
        if cmd.raw is not None:
            sub.add_parser(cmd.name, help=cmd.help, add_help=False)
            continue
        p = sub.add_parser(
            cmd.name,
            help=cmd.help,
            description=cmd.description or cmd.help,
            epilog=cmd.epilog,
            formatter_class=HelpFormatter,
        )
        if cmd.configure is not None:
            cmd.configure(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``erpsim`` console script."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    raw = COMMANDS.get(argv[0]) if argv else None
    if raw is not None and raw.raw is not None:
        return raw.raw(argv[1:])
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command].run(args)
    except CliError as exc:
        print(f"erpsim: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    # `python -m harness.cli`: run the importable module, the one command modules register into
    sys.exit(importlib.import_module("harness.cli").main())
