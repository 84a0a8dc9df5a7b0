"""The load world: emulators and the engine as child processes on loopback, seeded coherently.

Processes: ``erpsim up --systems pos,wms`` (one gunicorn master, ``workers`` processes) and ``erpsim netsuite``
(its own master, so its request journal — which the monitor reads for 429s — is one process's), then the
engine in daemon mode with the ``ERPSIM_*`` variables they print. Each is stopped by its PID. The world is
driven only through the control planes (seed, act, state) and the vendor APIs.

The seed mirrors NetSuite's masters the way a connector would have left them: NetSuite locations (a DC and
one per store), inventory items (``itemId`` = SKU) and opening stock; the WMS holds the DC's stock (products
with ``externalId`` = NetSuite id); each POS store (``externalid`` = NetSuite location id) holds its own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from harness.ports import free_port

from .catalog import Catalogue, build_catalogue, opening_stock
from .profile import Profile

ADMIN_HEADER = "X-Erpsim-Admin-Token"
SEED_CHUNK = 5000


class WorldError(RuntimeError):
    """The world could not be started or seeded (the message says which process or call failed)."""


@dataclass
class Child:
    """A child process started by the load run, with its log file; stopped by its PID."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        """The process id."""
        return self.proc.pid

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int | None:
        """Signal the process, wait up to ``timeout`` s, then kill it; returns its exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        return self.proc.returncode


#: Every child this process started, in order: ``stop_every_child`` stops those still running on the way out.
SPAWNED: list[Child] = []


def _unblock_stop_signals() -> None:
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})


def spawn(name: str, argv: list[str], env: dict[str, str], log: Path, cwd: Path | None = None) -> Child:
    """Start a child process writing stdout and stderr to ``log`` (and remember it in ``SPAWNED``)."""
    # SIGTERM / Ctrl-C wait until the child is remembered: raised inside Popen, they would leave a process
    # that nobody knows to stop
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    try:
        handle = log.open("wb")
        proc = subprocess.Popen(
            argv,
            env=env,
            cwd=cwd,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_unblock_stop_signals,  # a child inherits the signal mask: it must hear SIGTERM
        )
        handle.close()
        child = Child(name, proc, log)
        SPAWNED.append(child)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    return child


def stop_every_child() -> None:
    """Stop every child started here that still runs, the latest first (the engine and Locust before the
    emulators they talk to), by its PID."""
    for child in reversed(SPAWNED):
        child.stop(signal.SIGTERM if child.name == "engine" else signal.SIGINT)


def _exports(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        if line.startswith("export ") and "=" in line:
            key, _, value = line[len("export ") :].partition("=")
            out[key.strip()] = value.strip()
    return out


@dataclass
class LoadWorld:
    """The running emulators (and engine), their variables, and what the seed created."""

    profile: Profile
    run_dir: Path
    children: list[Child] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    seeded: dict[str, Any] = field(default_factory=dict)
    engine: Child | None = None
    http: requests.Session = field(default_factory=requests.Session)

    # ---- processes -------------------------------------------------------------------------------
    def start_emulators(self, timeout: float = 60) -> None:
        """Start NetSuite (own master) and the POS + WMS (one master); wait until all answer."""
        spec = self.profile.emulators
        python = sys.executable
        base = {**os.environ, "ERPSIM_LOG_LEVEL": "error"}
        ports: list[int] = []
        while len(ports) < 3:  # three different ones
            port = free_port()
            if port not in ports:
                ports.append(port)
        ns_port, pos_port, wms_port = ports
        ns_env = {
            **base,
            "ERPSIM_NETSUITE_CONCURRENCY_LIMIT": str(spec.netsuite_concurrency),
            "ERPSIM_NETSUITE_SERVICE_TIME": json.dumps(spec.netsuite_service_time),
        }
        data = self.run_dir / "data"
        data.mkdir(parents=True, exist_ok=True)
        self.children.append(
            spawn(
                "netsuite",
                [
                    python,
                    "-m",
                    "harness.cli",
                    "netsuite",
                    "--port",
                    str(ns_port),
                    "--data-dir",
                    str(data / "netsuite"),
                    "--workers",
                    str(spec.netsuite_workers),
                    "--threads",
                    str(spec.threads),
                ],
                ns_env,
                self.run_dir / "netsuite.log",
                cwd=self.run_dir,
            )
        )
        self.children.append(
            spawn(
                "pos+wms",
                [
                    python,
                    "-m",
                    "harness.cli",
                    "up",
                    "--systems",
                    "wms,pos",
                    "--data-dir",
                    str(data / "satellites"),
                    "--workers",
                    str(spec.workers),
                    "--threads",
                    str(spec.threads),
                ],
                {**base, "ERPSIM_POS_PORT": str(pos_port), "ERPSIM_WMS_PORT": str(wms_port)},
                self.run_dir / "satellites.log",
                cwd=self.run_dir,
            )
        )
        deadline = time.monotonic() + timeout
        wanted = {"ERPSIM_NETSUITE_URL", "ERPSIM_POS_URL", "ERPSIM_WMS_URL"}
        while time.monotonic() < deadline:
            for child in self.children:
                if child.proc.poll() is not None:
                    raise WorldError(
                        f"{child.name} exited with {child.proc.returncode}: "
                        f"{child.log.read_text(errors='replace')[-2000:]}"
                    )
            env: dict[str, str] = {}
            for child in self.children:
                env.update(_exports(child.log.read_text(errors="replace")))
            if wanted <= env.keys() and all(self._healthy(env[k]) for k in wanted):
                self.env = env
                self.http.headers[ADMIN_HEADER] = env.get("ERPSIM_ADMIN_TOKEN", "erpsim-admin")
                return
            time.sleep(0.1)
        raise WorldError(f"the emulators did not answer within {timeout:.0f} s (logs in {self.run_dir})")

    def _healthy(self, url: str) -> bool:
        try:
            return requests.get(f"{url}/__erpsim/health", timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def url(self, system: str) -> str:
        """Base URL of one emulator."""
        return self.env[f"ERPSIM_{system.upper()}_URL"]

    def control(self, system: str, method: str, path: str, body: Any = None, timeout: float = 300) -> Any:
        """A control-plane call; WorldError unless it answers 200."""
        r = self.http.request(method, f"{self.url(system)}/__erpsim/{path}", json=body, timeout=timeout)
        if r.status_code != 200:
            raise WorldError(f"{system} {method} /__erpsim/{path}: {r.status_code} {r.text[:500]}")
        return r.json()

    def start_engine(self, mutant: str | None = None) -> Child | None:
        """Start the connector in daemon mode with the emulators' variables (None when the profile has none)."""
        spec = self.profile.engine
        if not spec.enabled:
            return None
        state = self.run_dir / "engine-state"
        state.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            **self.env,
            "ERPSIM_STATE_DIR": str(state),
            "ERPSIM_SYNC_SYSTEMS": "netsuite,pos,wms",
            "ERPSIM_SYNC_NETSUITE_CONCURRENCY": str(max(1, self.profile.emulators.netsuite_concurrency - 1)),
            "ERPSIM_SYNC_LOCATION_MAP": json.dumps(self.seeded.get("location_map", {})),
            **spec.env,
        }
        chosen = spec.mutant if mutant is None else mutant
        if chosen:
            env["ERPSIM_SYNC_MUTANT"] = chosen
        argv = [part.replace("{python}", sys.executable) for part in spec.command]
        # cwd: the run folder, so ``python -m sync`` imports the installed engine (or PYTHONPATH's), not a
        # ``sync/`` folder that happens to be in the caller's working directory
        self.engine = spawn("engine", argv, env, self.run_dir / "engine.log", cwd=self.run_dir)
        self.children.append(self.engine)
        return self.engine

    def stop(self) -> None:
        """Stop every child, the engine first (SIGTERM lets it finish its pass), then the emulators."""
        for child in sorted(self.children, key=lambda c: c.name != "engine"):
            child.stop(signal.SIGTERM if child.name == "engine" else signal.SIGINT)

    # ---- seed ------------------------------------------------------------------------------------
    def catalogue(self) -> Catalogue:
        """The profile's catalogue (the same in the run process and in every Locust process)."""
        w = self.profile.world
        return build_catalogue(w.seed, w.skus, w.stores, w.skew, w.tracer_skus)

    def seed(self) -> dict[str, Any]:
        """Seed NetSuite, the WMS and the POS with one coherent world; returns what the load users need."""
        w = self.profile.world
        cat = self.catalogue()
        for system in ("netsuite", "wms", "pos"):
            self.control(system, "POST", "reset", {})
        ns = self._seed_netsuite(cat)
        wms = self._seed_wms(cat, ns)
        pos = self._seed_pos(cat, ns)
        stores = [
            {
                "index": s.index,
                "name": s.name,
                "storeid": p["storeid"],
                "warehouseid": p["warehouseid"],
                "registerid": p["registerid"],
                "location": loc,
            }
            for s, p, loc in zip(cat.stores, pos["stores"], ns["store_locations"], strict=True)
        ]
        location_map = {f"wms:{wms['warehouse']}": str(ns["dc_location"])}
        for store in stores:
            location_map[f"pos:{store['warehouseid']}"] = str(store["location"])
        self.seeded = {
            "profile": self.profile.name,
            "env": self.env,
            "items": ns["items"],
            "web_customer": ns["customer"],
            "dc": {"warehouse": wms["warehouse"], "location": ns["dc_location"]},
            "stores": stores,
            "location_map": location_map,
            "tracers": [t.sku for t in cat.tracers],
            "pos_site_path": self.pos_site_path(),
            "world": w.model_dump(),
        }
        (self.run_dir / "world.json").write_text(json.dumps(self.seeded, indent=1))
        return self.seeded

    def pos_site_path(self) -> str:
        """The POS API's site path: Sitoo's ``/v2/accounts/<a>/sites/<s>`` (older emulators: ``/api/v2/...``)."""
        env = self.env
        tail = f"/v2/accounts/{env['ERPSIM_POS_ACCOUNT']}/sites/{env['ERPSIM_POS_SITE']}"
        auth = (env["ERPSIM_POS_API_ID"], env["ERPSIM_POS_API_PASSWORD"])
        for path in (tail, f"/api{tail}"):
            if requests.get(f"{self.url('pos')}{path}/stores.json", auth=auth, timeout=10).status_code == 200:
                return path
        raise WorldError("the POS answers neither /v2/accounts/... nor /api/v2/accounts/... for stores.json")

    def _units_per_store(self) -> float:
        shape, w = self.profile.shape, self.profile.world
        mean_rate = sum(s.rate for s in shape.stages) / max(1, len(shape.stages))
        units_per_sale = (w.lines_per_sale[0] + w.lines_per_sale[1]) / 2
        return mean_rate * shape.duration * units_per_sale / w.stores

    def _seed_netsuite(self, cat: Catalogue) -> dict[str, Any]:
        w = self.profile.world
        if self.profile.emulators.allow_negative_inventory:
            # POS-fed locations sell what is in the customer's hand; NetSuite must accept the adjustment
            self.control(
                "netsuite", "POST", "act/set_preference", {"name": "allowNegativeInventory", "value": True}
            )
        base = self.control("netsuite", "POST", "seed", {"baseline": True})
        state = self.control("netsuite", "GET", "state?types=subsidiary,account")["records"]
        sub = {"id": str(state["subsidiary"][0]["id"])}
        account = next(
            a["id"] for a in state["account"] if a["body"].get("acctName") == "Inventory Adjustments"
        )
        names = ["Distribution centre"] + [s.name for s in cat.stores]
        created = self.control(
            "netsuite",
            "POST",
            "seed",
            {
                "records": {
                    "baseline": False,
                    "location": [{"name": n, "subsidiary": {"items": [sub]}} for n in names],
                    "customer": [
                        {
                            "companyName": "Web shop customers",
                            "email": "web@example.com",
                            "subsidiary": sub,
                            "externalId": "WEB-1",
                        }
                    ],
                    "inventoryItem": [
                        {
                            "itemId": s.sku,
                            "displayName": s.title,
                            "rate": s.price_cents / 100,
                            "subsidiary": {"items": [sub]},
                        }
                        for s in cat.skus + cat.tracers
                    ],
                }
            },
        )
        del base
        locations, items = created["location"], created["inventoryItem"]
        item_ids = {s.sku: int(i) for s, i in zip(cat.skus + cat.tracers, items, strict=True)}
        stock = opening_stock(cat, w.seed, self._units_per_store(), w.stock_cover)
        adjustments = []
        dc_lines = [
            {
                "item": {"id": str(item_ids[s.sku])},
                "location": {"id": str(locations[0])},
                "adjustQtyBy": float(w.tracer_stock if s in cat.tracers else w.dc_stock),
            }
            for s in cat.skus + cat.tracers
        ]
        adjustments.append(dc_lines)
        for store, loc in zip(cat.stores, locations[1:], strict=True):
            adjustments.append(
                [
                    {
                        "item": {"id": str(item_ids[s.sku])},
                        "location": {"id": str(loc)},
                        "adjustQtyBy": float(stock[(s.sku, store.index)]),
                    }
                    for s in cat.skus
                ]
                + [
                    {
                        "item": {"id": str(item_ids[t.sku])},
                        "location": {"id": str(loc)},
                        "adjustQtyBy": float(w.tracer_stock),
                    }
                    for t in cat.tracers
                ]
            )
        for lines in adjustments:
            self.control(
                "netsuite",
                "POST",
                "seed",
                {
                    "records": {
                        "baseline": False,
                        "inventoryAdjustment": [
                            {
                                "account": {"id": str(account)},
                                "memo": "opening balance",
                                "inventory": {"items": lines},
                            }
                        ],
                    }
                },
            )
        self._stock = stock
        return {
            "items": item_ids,
            "dc_location": int(locations[0]),
            "store_locations": [int(x) for x in locations[1:]],
            "customer": int(created["customer"][0]),
        }

    def _seed_wms(self, cat: Catalogue, ns: dict[str, Any]) -> dict[str, Any]:
        w = self.profile.world
        skus = cat.skus + cat.tracers
        self.control(
            "wms",
            "POST",
            "seed",
            {
                "records": {
                    "skus": [
                        {"sku": s.sku, "externalId": str(ns["items"][s.sku]), "name": s.title} for s in skus
                    ]
                }
            },
        )
        rows = [
            {"sku": s.sku, "onHand": w.tracer_stock if s in cat.tracers else w.dc_stock, "warehouseId": 1}
            for s in skus
        ]
        for k in range(0, len(rows), SEED_CHUNK):
            self.control("wms", "POST", "seed", {"records": {"stock": rows[k : k + SEED_CHUNK]}})
        return {"warehouse": 1}

    def _seed_pos(self, cat: Catalogue, ns: dict[str, Any]) -> dict[str, Any]:
        w = self.profile.world
        products = [
            {"sku": s.sku, "title": s.title, "moneyprice": f"{s.price_cents / 100:.2f}", "vatvalue": s.vat}
            for s in cat.skus + cat.tracers
        ]
        stores = [
            {"name": s.name, "city": s.city, "externalid": str(loc)}
            for s, loc in zip(cat.stores, ns["store_locations"], strict=True)
        ]
        created = self.control("pos", "POST", "seed", {"records": {"stores": stores}})
        for k in range(0, len(products), SEED_CHUNK):
            self.control("pos", "POST", "seed", {"records": {"products": products[k : k + SEED_CHUNK]}})
        rows = []
        for store, made in zip(cat.stores, created["stores"], strict=True):
            rows += [
                {
                    "warehouseid": made["warehouseid"],
                    "sku": s.sku,
                    "quantity": str(self._stock[(s.sku, store.index)]),
                }
                for s in cat.skus
            ]
            rows += [
                {"warehouseid": made["warehouseid"], "sku": t.sku, "quantity": str(w.tracer_stock)}
                for t in cat.tracers
            ]
        for k in range(0, len(rows), SEED_CHUNK):
            self.control("pos", "POST", "seed", {"records": {"stock": rows[k : k + SEED_CHUNK]}})
        return created

    # ---- end-of-run views ------------------------------------------------------------------------
    def stock_views(self) -> dict[str, dict[tuple[str, int], float]]:
        """On hand per (SKU, NetSuite location) as NetSuite, the WMS and the POS see it, and NetSuite's commitments."""
        items = {int(v): k for k, v in self.seeded["items"].items()}
        ns: dict[tuple[str, int], float] = {}
        committed: dict[tuple[str, int], float] = {}
        stock = self.control("netsuite", "GET", "state?records=none&inventory=all")
        for row in stock["inventory"]:
            if row["item"] in items:
                key = (items[row["item"]], int(row["location"]))
                ns[key] = ns.get(key, 0.0) + float(row["onHand"])
        for row in stock["commitments"]:
            if row["item"] in items:
                committed[(items[row["item"]], int(row["location"]))] = float(row["committed"])
        dc = int(self.seeded["dc"]["location"])
        wms = {
            (r["sku"], dc): float(r["on_hand"])
            for r in self.control("wms", "GET", "state?tables=wms_stock")["wms_stock"]
            if int(r["warehouse_id"]) == int(self.seeded["dc"]["warehouse"])
        }
        by_wh = {int(s["warehouseid"]): int(s["location"]) for s in self.seeded["stores"]}
        pos: dict[tuple[str, int], float] = {}
        for r in self.control("pos", "GET", "state?tables=pos_warehouse_items").get(
            "pos_warehouse_items", []
        ):
            if int(r["warehouseid"]) in by_wh:
                pos[(r["sku"], by_wh[int(r["warehouseid"])])] = int(r["total_milli"]) / 1000
        return {"netsuite": ns, "wms": wms, "pos": pos, "committed": committed}


@contextmanager
def running_world(profile: Profile, run_dir: Path) -> Iterator[LoadWorld]:
    """A started world, always stopped (every child by its PID) on the way out."""
    world = LoadWorld(profile, run_dir)
    try:
        world.start_emulators()
        yield world
    finally:
        world.stop()
