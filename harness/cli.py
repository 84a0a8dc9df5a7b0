"""The ``erpsim`` command: start emulators (all or one) and run the demo."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from pathlib import Path

from mocks.core.config import DEFAULT_DATA_DIR, EmulatorConfig
from mocks.core.registry import SYSTEMS, available_systems, system_module


def _db_url_for(system: str, db: str | None, data_dir: Path) -> str | None:
    """One database per system: SQLite gets a file per system, PostgreSQL a schema per system."""
    db = db or os.environ.get(f"ERPSIM_{system.upper()}_DB") or os.environ.get("ERPSIM_DB")
    if not db:
        return None
    if db.startswith("sqlite:///") and len(SYSTEMS) > 1 and "{system}" not in db:
        stem = db[len("sqlite:///"):]
        base, dot, ext = stem.rpartition(".")
        return f"sqlite:///{base}-{system}.{ext}" if dot else f"sqlite:///{stem}-{system}"
    return db.replace("{system}", system)


def build_configs(systems: list[str], args: argparse.Namespace) -> dict[str, EmulatorConfig]:
    """A config per system from flags, then ``ERPSIM_*`` variables, then defaults."""
    configs: dict[str, EmulatorConfig] = {}
    for name in systems:
        port = getattr(args, "port", None) if len(systems) == 1 else None
        env_port = os.environ.get(f"ERPSIM_{name.upper()}_PORT")
        configs[name] = EmulatorConfig.from_env(
            name,
            db_url=_db_url_for(name, args.db, Path(args.data_dir)) if len(systems) > 1 else (
                args.db or os.environ.get(f"ERPSIM_{name.upper()}_DB") or os.environ.get("ERPSIM_DB")),
            data_dir=Path(args.data_dir),
            port=port or (int(env_port) if env_port else SYSTEMS[name][1]),
            admin_token=args.admin_token or os.environ.get("ERPSIM_ADMIN_TOKEN"),
            webhook_dispatcher=True,
        )
    return configs


def export_lines(configs: dict[str, EmulatorConfig], host: str) -> list[str]:
    """The ``export ERPSIM_...=...`` lines a connector needs to reach the running emulators."""
    lines = []
    admin = next(iter(configs.values())).admin_token
    for name, cfg in configs.items():
        prefix = f"ERPSIM_{name.upper()}_"
        lines.append(f"export {prefix}URL=http://{host}:{cfg.port}")
        creds: dict[str, str] = system_module(name).credentials(cfg)
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


def cmd_serve(systems: list[str], args: argparse.Namespace) -> int:
    """Start the given systems in one server process and block until Ctrl-C."""
    from mocks.core.server import serve

    configs = build_configs(systems, args)
    busy = [f"{name} ({cfg.port})" for name, cfg in configs.items() if not _port_free(args.host, cfg.port)]
    if busy:
        print(f"erpsim: port already in use: {', '.join(busy)}. Stop what holds it, or set "
              f"ERPSIM_<SYSTEM>_PORT / --port.", file=sys.stderr)
        return 2
    apps = {cfg.port: system_module(name).create_app(cfg) for name, cfg in configs.items()}
    lines = export_lines(configs, args.host)

    def _ready() -> None:
        print(f"# erpsim: {', '.join(configs)} ready (pid {os.getpid()}); Ctrl-C stops", flush=True)
        print("\n".join(lines), flush=True)

    serve(apps, host=args.host, workers=args.workers, threads=args.threads, on_ready=_ready)
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="SQLAlchemy URL (default: a SQLite file per system under --data-dir)")
    p.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR), help="folder for SQLite files and slot locks")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--workers", type=int, default=int(os.environ.get("ERPSIM_WORKERS", "1")))
    p.add_argument("--threads", type=int, default=int(os.environ.get("ERPSIM_THREADS", "16")))
    p.add_argument("--admin-token", default=None, help="control-plane token (env ERPSIM_ADMIN_TOKEN)")


def _forward_to_engine(argv: list[str]) -> int:
    """``erpsim sync ...`` is the reference engine's own CLI, run as its own program (``python -m sync``).

    The harness reaches the engine only as a connector process, never by importing it; exec keeps the PID, so
    stopping ``erpsim sync --daemon`` by its PID stops the engine itself.
    """
    os.execv(sys.executable, [sys.executable, "-m", "sync", *argv])


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``erpsim`` console script."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["sync"]:
        return _forward_to_engine(argv[1:])
    parser = argparse.ArgumentParser(prog="erpsim", description="NetSuite integration simulator")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start every emulator on its default port")
    up.add_argument("--systems", default=None, help="comma list (default: all)")
    _common(up)
    for name in SYSTEMS:
        one = sub.add_parser(name, help=f"start the {name} emulator alone")
        one.add_argument("--port", type=int, default=None)
        _common(one)
    sub.add_parser("sync", help="run the reference sync engine (erpsim sync --help)", add_help=False)
    demo = sub.add_parser("demo", help="start the emulators, run a NetSuite round trip, stop")
    demo.add_argument("--data-dir", default=None)
    args = parser.parse_args(argv)
    if args.command == "up":
        systems = args.systems.split(",") if args.systems else available_systems()
        unknown = [s for s in systems if s not in SYSTEMS]
        if unknown:
            parser.error(f"unknown systems: {', '.join(unknown)}")
        return cmd_serve(systems, args)
    if args.command == "demo":
        from harness.demo import run_demo

        return run_demo(args.data_dir)
    if args.command in SYSTEMS:
        return cmd_serve([args.command], args)
    parser.print_help()
    return 2


if __name__ == "__main__":
    sys.exit(main())
