"""``erpsim journal SYSTEM`` and ``erpsim state SYSTEM``: look at a running emulator from a terminal.

Both go through the control plane only (``/__erpsim/journal``, ``/state``, ``/clock``), like any client.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

from harness.cli import CliError, Command, register
from harness.systems import SYSTEMS

ADMIN_HEADER = "X-Erpsim-Admin-Token"


def _target(p: argparse.ArgumentParser) -> None:
    p.add_argument("system", choices=list(SYSTEMS), help="which emulator")
    p.add_argument(
        "--url",
        default=None,
        help="its base URL (default: $ERPSIM_<SYSTEM>_URL, else http://127.0.0.1:<its default port>)",
    )
    p.add_argument(
        "--admin-token",
        default=None,
        help="control-plane token (default: $ERPSIM_ADMIN_TOKEN or erpsim-admin)",
    )
    p.add_argument("--json", action="store_true", help="print the JSON as the control plane returns it")


def _get(args: argparse.Namespace, path: str, params: dict[str, Any] | None = None) -> Any:
    """GET a control-plane path of the chosen system; failures become one-line CliErrors."""
    import requests

    url = (
        args.url
        or os.environ.get(f"ERPSIM_{args.system.upper()}_URL")
        or f"http://127.0.0.1:{SYSTEMS[args.system][1]}"
    ).rstrip("/")
    token = args.admin_token or os.environ.get("ERPSIM_ADMIN_TOKEN") or "erpsim-admin"
    try:
        r = requests.get(f"{url}/__erpsim{path}", params=params, headers={ADMIN_HEADER: token}, timeout=30)
    except requests.RequestException as exc:
        raise CliError(
            f"cannot reach {args.system} at {url} ({type(exc).__name__}); is `erpsim up` running? "
            f"(or pass --url)"
        ) from None
    if r.status_code == 401:
        raise CliError(f"{args.system} refused the admin token; pass --admin-token or set ERPSIM_ADMIN_TOKEN")
    if r.status_code != 200:
        try:
            message = r.json().get("message", r.text)
        except ValueError:
            message = r.text[:200]
        raise CliError(f"{args.system} answered {r.status_code}: {message}")
    return r.json()


# ---- erpsim journal ------------------------------------------------------------------------------------


def _journal_line(e: dict[str, Any], bodies: bool) -> str:
    at = str(e.get("at", ""))[11:23]
    extra = " ".join(f"{k}={e[k]}" for k in ("operation", "fault", "auth_failure") if e.get(k))
    line = (
        f"{e['seq']:>6} {at} {e['method']:<6} {e['status']:>3} {e['duration_ms']:>8.1f}ms "
        f"{e['path']}{'?' + e['query'] if e.get('query') else ''}  {extra}"
    ).rstrip()
    if bodies:
        for key in ("request_body", "response_body"):
            if e.get(key):
                line += f"\n         {key.split('_')[0]:>8}: {e[key]}"
    return line


def _run_journal(args: argparse.Namespace) -> int:
    params = {
        k: v
        for k, v in (
            ("method", args.method),
            ("path", args.path),
            ("status", args.status),
            ("after", args.after),
        )
        if v
    }
    since = args.since
    first = True
    while True:
        page = _get(args, "/journal", {**params, "since": since})
        entries = page["entries"]
        if first and args.limit and not args.since:
            entries = entries[-args.limit :]
        for entry in entries:
            print(json.dumps(entry) if args.json else _journal_line(entry, args.bodies), flush=True)
            since = max(since, int(entry["seq"]))
        if not args.follow:
            return 0
        first = False
        try:
            time.sleep(args.interval)
        except KeyboardInterrupt:
            return 0


def _configure_journal(p: argparse.ArgumentParser) -> None:
    _target(p)
    p.add_argument("--method", help="only this HTTP method")
    p.add_argument("--path", help="only paths matching this regular expression")
    p.add_argument("--status", help="only this status (404) or class (4xx)")
    p.add_argument("--after", help="only entries after this ISO-8601 instant")
    p.add_argument("--since", type=int, default=0, help="only entries after this sequence number")
    p.add_argument("-n", "--limit", type=int, default=50, help="the last N entries (0: all)")
    p.add_argument(
        "-b", "--bodies", action="store_true", help="show the journalled request and response bodies"
    )
    p.add_argument("-f", "--follow", action="store_true", help="keep printing new entries until Ctrl-C")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between polls with --follow")


register(
    Command(
        "journal",
        "show the requests an emulator served (erpsim journal netsuite -f)",
        _run_journal,
        _configure_journal,
        description="Show a running emulator's request journal: one line per request.",
        epilog="""\
examples:
  erpsim journal netsuite                     # the last 50 requests
  erpsim journal wms --status 4xx -b          # refusals, with their bodies
  erpsim journal pos --path orders -f         # follow new order requests
""",
    )
)


# ---- erpsim state ----------------------------------------------------------------------------------------


def _tables(state: Any, prefix: str = "") -> dict[str, list[dict[str, Any]]]:
    """The lists of rows in a state document, by name (nested ``records`` flattened as ``records.<type>``)."""
    out: dict[str, list[dict[str, Any]]] = {}
    if isinstance(state, dict):
        for key, value in state.items():
            if isinstance(value, list) and all(isinstance(v, dict) for v in value):
                out[prefix + key] = value
            elif isinstance(value, dict):
                out.update(_tables(value, f"{prefix}{key}."))
    return out


def _cell(value: Any, width: int = 30) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= width else text[: width - 1] + "…"


def _run_state(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    state = _get(args, "/state")
    if args.json:
        print(json.dumps(state, indent=2, default=str))
        return 0
    tables = _tables(state)
    if args.table:
        if args.table not in tables:
            raise CliError(
                f"no table {args.table!r} in {args.system}'s state; there are: {', '.join(tables)}"
            )
        tables = {args.table: tables[args.table]}
    clock = _get(args, "/clock")
    console = Console()
    console.print(
        f"[bold]{args.system}[/bold] virtual time {clock.get('now')} "
        f"({'frozen' if not clock.get('rate') else 'running'})"
    )
    for name, rows in tables.items():
        if not rows and not args.table:
            continue
        shown = rows if args.table else rows[: args.rows]
        columns = list(dict.fromkeys(k for row in shown for k in row))[: args.columns]
        table = Table(title=f"{name} ({len(rows)} rows)", title_justify="left")
        for col in columns:
            table.add_column(col, overflow="fold")
        for row in shown:
            table.add_row(*(_cell(row.get(c, "")) for c in columns))
        console.print(table)
    empty = [n for n, rows in tables.items() if not rows]
    if empty and not args.table:
        console.print(f"[dim]empty: {', '.join(empty)}[/dim]")
    return 0


def _configure_state(p: argparse.ArgumentParser) -> None:
    _target(p)
    p.add_argument("--table", help="one table (or records.<type>) in full")
    p.add_argument("--rows", type=int, default=10, help="rows shown per table")
    p.add_argument("--columns", type=int, default=8, help="columns shown per table")


register(
    Command(
        "state",
        "show an emulator's world: records, stock, the clock (erpsim state wms)",
        _run_state,
        _configure_state,
        description="Show a running emulator's world as tables (read-only).",
        epilog="""\
examples:
  erpsim state wms                            # every non-empty table, 10 rows each
  erpsim state netsuite --table records.salesOrder
  erpsim state pos --json > pos-state.json
""",
    )
)
