"""``erpsim demo``: start every emulator, run a visible NetSuite round trip over TBA, stop everything."""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests
from requests_oauthlib import OAuth1
from rich.console import Console
from rich.table import Table

REST = "/services/rest/record/v1"
console = Console()


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the demo dies, however it dies (Linux prctl PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)
    except OSError:
        pass


def start_emulators(
    data_dir: Path, timeout: float = 20.0
) -> tuple[subprocess.Popen[str], dict[str, str], float]:
    """Run ``erpsim up`` as a child process; returns it, the exported variables and the ready time."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "up", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        preexec_fn=_die_with_parent,
    )
    env: dict[str, str] = {}
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                raise RuntimeError(f"erpsim up exited with {proc.returncode} (are the ports 8701-8705 free?)")
            continue
        if line.startswith("export "):
            key, _, value = line[len("export ") :].strip().partition("=")
            env[key] = value
        elif line.startswith("# erpsim:"):
            console.print(f"[dim]{line.strip()}[/dim]")
        if "ERPSIM_ADMIN_TOKEN" in env:
            # keep reading the server's output, or a full pipe would block it
            threading.Thread(target=lambda: [None for _ in proc.stdout or []], daemon=True).start()
            return proc, env, time.perf_counter() - started
    proc.terminate()
    raise RuntimeError("erpsim up did not become ready in time")


def _wait_http(url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(f"{url}/__erpsim/health", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} is not answering")


def round_trip(env: dict[str, str]) -> dict[str, Any]:
    """The NetSuite round trip: seed, customer, items, SO upsert x2, approve, partial fulfil, SuiteQL, stock."""
    url = env["ERPSIM_NETSUITE_URL"]
    admin = {"X-Erpsim-Admin-Token": env["ERPSIM_ADMIN_TOKEN"]}
    auth = OAuth1(
        env["ERPSIM_NETSUITE_CONSUMER_KEY"],
        env["ERPSIM_NETSUITE_CONSUMER_SECRET"],
        env["ERPSIM_NETSUITE_TOKEN_ID"],
        env["ERPSIM_NETSUITE_TOKEN_SECRET"],
        signature_method="HMAC-SHA256",
        realm=env["ERPSIM_NETSUITE_ACCOUNT"],
    )
    http = requests.Session()
    http.auth = auth
    _wait_http(url)
    requests.post(f"{url}/__erpsim/reset", json={}, headers=admin, timeout=10).raise_for_status()
    world = requests.post(
        f"{url}/__erpsim/seed", json={"seed": 42, "locations": 1}, headers=admin, timeout=10
    ).json()
    sub, loc = world["subsidiary"], world["locations"][0]

    def step(title: str, resp: requests.Response) -> requests.Response:
        colour = "green" if resp.status_code < 400 else "red"
        console.print(f"  [{colour}]{resp.request.method} {resp.status_code}[/{colour}] {title}")
        if resp.status_code >= 400:
            raise RuntimeError(resp.text)
        return resp

    def new_id(resp: requests.Response) -> int:
        return int(resp.headers["Location"].rsplit("/", 1)[1])

    console.rule("[bold]NetSuite round trip (TBA HMAC-SHA256)")
    cust = new_id(
        step(
            "create customer",
            http.post(
                f"{url}{REST}/customer",
                json={
                    "companyName": "Northwind Outfitters",
                    "email": "ops@northwind.test",
                    "subsidiary": {"id": str(sub)},
                    "externalId": "NW-1",
                },
            ),
        )
    )
    item = new_id(
        step(
            "create inventory item",
            http.post(
                f"{url}{REST}/inventoryItem",
                json={
                    "itemId": "TENT-2P",
                    "displayName": "Two-person tent",
                    "rate": 149.0,
                    "subsidiary": {"items": [{"id": str(sub)}]},
                },
            ),
        )
    )
    ebook = new_id(
        step(
            "create download item",
            http.post(
                f"{url}{REST}/downloadItem",
                json={"itemId": "GUIDE-PDF", "rate": 9.0, "subsidiary": {"items": [{"id": str(sub)}]}},
            ),
        )
    )
    step(
        "receive 10 tents (inventory adjustment)",
        http.post(
            f"{url}{REST}/inventoryAdjustment",
            json={
                "account": {"id": str(world["accounts"]["Inventory Adjustments"])},
                "inventory": {
                    "items": [{"item": {"id": str(item)}, "location": {"id": str(loc)}, "adjustQtyBy": 10}]
                },
            },
        ),
    )
    order = {
        "entity": {"id": str(cust)},
        "location": {"id": str(loc)},
        "item": {
            "items": [{"item": {"id": str(item)}, "quantity": 3}, {"item": {"id": str(ebook)}, "quantity": 1}]
        },
    }
    first = step(
        "upsert sales order eid:WEB-1001",
        http.put(f"{url}{REST}/salesOrder/eid:WEB-1001?replace=item", json=order),
    )
    second = step(
        "upsert it again (a retry)", http.put(f"{url}{REST}/salesOrder/eid:WEB-1001?replace=item", json=order)
    )
    so = new_id(first)
    assert new_id(second) == so
    listed = http.get(f"{url}{REST}/salesOrder", params={"q": 'externalId IS "WEB-1001"'}).json()
    console.print(f"    sales orders with externalId WEB-1001: [bold]{listed['totalResults']}[/bold]")
    step(
        "approve it (a sales manager, via act/)",
        requests.post(f"{url}/__erpsim/act/approve_sales_order", json={"id": so}, headers=admin, timeout=10),
    )
    # Replacing a sublist gives its lines new numbers: read them, as real connectors must.
    lines = http.get(f"{url}{REST}/salesOrder/{so}", params={"expandSubResources": "true"}).json()["item"][
        "items"
    ]
    tent_line = next(ln["line"] for ln in lines if ln["item"]["id"] == str(item))
    step(
        f"fulfil 2 of 3 tents (orderLine {tent_line}) via !transform/itemFulfillment",
        http.post(
            f"{url}{REST}/salesOrder/{so}/!transform/itemFulfillment",
            json={"item": {"items": [{"orderLine": tent_line, "quantity": 2}]}},
        ),
    )
    status = http.get(f"{url}{REST}/salesOrder/{so}").json()["status"]["refName"]
    query = (
        "SELECT t.tranid, t.status, BUILTIN.DF(tl.item) AS item, tl.quantity, tl.quantityshiprecv "
        f"FROM transaction t JOIN transactionline tl ON tl.transaction = t.id WHERE t.id = {so} "
        "AND tl.mainline = 'F' ORDER BY tl.linesequencenumber"
    )
    rows = step(
        "SuiteQL: read the order back",
        http.post(
            f"{url}/services/rest/query/v1/suiteql", json={"q": query}, headers={"Prefer": "transient"}
        ),
    ).json()["items"]
    stock = http.post(
        f"{url}/services/rest/query/v1/suiteql",
        headers={"Prefer": "transient"},
        json={
            "q": f"SELECT quantityonhand, quantitycommitted, quantityavailable FROM aggregateitemlocation "
            f"WHERE item = {item}"
        },
    ).json()["items"][0]
    table = Table(title=f"sales order {so}: {status}")
    for col in ("tranid", "status", "item", "quantity", "quantityshiprecv"):
        table.add_column(col)
    for row in rows:
        table.add_row(
            *(str(row.get(c, "")) for c in ("tranid", "status", "item", "quantity", "quantityshiprecv"))
        )
    console.print(table)
    console.print(
        f"  stock of TENT-2P: on hand [bold]{stock['quantityonhand']}[/bold] (was 10), committed "
        f"{stock['quantitycommitted']}, available {stock['quantityavailable']}"
    )
    return {"salesOrder": so, "status": status, "stock": stock, "orders": listed["totalResults"]}


def satellites(env: dict[str, str]) -> None:
    """Show that every other emulator answers its health check and serves its OpenAPI."""
    console.rule("[bold]Satellite systems")
    for key, value in sorted(env.items()):
        if key.endswith("_URL") and "NETSUITE" not in key:
            health = requests.get(f"{value}/__erpsim/health", timeout=5).json()
            spec = requests.get(f"{value}/openapi.json", timeout=5).json()
            console.print(f"  {health['system']:<4} {value}  ok  ({len(spec.get('paths', {}))} API paths)")


def run_demo(data_dir: str | None = None) -> int:
    """Entry point of ``erpsim demo``."""
    folder = Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="erpsim-demo-"))
    proc, env, ready = start_emulators(folder)
    console.print(f"[bold green]erpsim up[/bold green] ready in {ready:.2f} s (pid {proc.pid})")
    for key in sorted(env):
        console.print(f"  [dim]export {key}={env[key]}[/dim]")
    try:
        result = round_trip(env)
        satellites(env)
        ok = result["orders"] == 1 and result["stock"]["quantityonhand"] == "8"
        console.rule("[bold green]demo passed" if ok else "[bold red]demo failed")
        return 0 if ok else 1
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        console.print(f"[dim]stopped erpsim (pid {proc.pid})[/dim]")
