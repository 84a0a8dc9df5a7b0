"""Benchmark of the engine's inventory flow: POS sales -> batched NetSuite inventory adjustments.

NetSuite runs with the governance real integrations meet: a concurrency limit of 5 and 200 ms of service time
per write. A fixed workload of POS sales (stores x SKUs with a Zipf skew: a few SKUs sell most) is rung in
the POS first; then the engine's inventory flow runs to completion (``daily-summary`` ledger mode, so the sales'
stock goes through the batched adjustments) and we report adjustment lines per second into NetSuite against
the governance bound (limit / service time x lines per request), side by side with the ``no-batching`` mutant
(one request per stock event) on a smaller workload of the same shape. Not a test: nothing is asserted but
the correctness of the resulting stock.

    .venv/bin/python load/bench/inventory_sync.py [--sales 20000] [--skus 4000] [--stores 10] [--batch-lines 200,50]

NetSuite and the POS each run as their own server process (``erpsim up --systems <one>``), stopped by PID.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from harness.ports import free_port  # noqa: E402
from sync.config import SyncConfig  # noqa: E402
from sync.engine import Engine  # noqa: E402
from sync.flows.inventory import InventoryFlow  # noqa: E402
from sync.flows.inventory_ledger import StockLedger  # noqa: E402
from sync.flows.stockmaps import ItemIndex, LocationMap  # noqa: E402

ADMIN = {"X-Erpsim-Admin-Token": "erpsim-admin"}
WRITES = ("create", "update", "upsert", "delete", "transform")


class Emulators:
    """NetSuite and the POS, each ``erpsim up --systems <one>`` in its own process group; NetSuite's governance set."""

    def __init__(self, ns_workers: int, pos_workers: int, service_time: float, limit: int) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="erpsim-invbench-"))
        self.connector: dict[str, str] = {}
        self.procs: list[subprocess.Popen[bytes]] = []
        governance = {
            "ERPSIM_NETSUITE_CONCURRENCY_LIMIT": str(limit),
            "ERPSIM_NETSUITE_SERVICE_TIME": json.dumps(dict.fromkeys(WRITES, service_time)),
        }
        for system, workers in (("netsuite", ns_workers), ("pos", pos_workers)):
            args = [
                sys.executable,
                "-m",
                "harness.cli",
                "up",
                "--systems",
                system,
                f"--{system}-port",
                str(free_port()),
                "--data-dir",
                str(self.dir / system),
                "--workers",
                str(workers),
            ]
            env = {**os.environ, "PYTHONPATH": str(ROOT), **governance}
            printed = subprocess.run(
                [*args, "--print-env"], env=env, capture_output=True, text=True, check=True
            )
            for line in printed.stdout.splitlines():
                for part in line.replace("export ", "").split():
                    if "=" in part and part.startswith("ERPSIM_"):
                        key, _, value = part.partition("=")
                        self.connector.setdefault(key, value.strip("'\""))
            self.procs.append(
                subprocess.Popen(
                    args,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=open(self.dir / f"{system}.log", "w"),
                    start_new_session=True,
                )
            )
        self.http = requests.Session()
        self.http.headers.update(ADMIN)
        for system in ("netsuite", "pos"):
            deadline = time.time() + 60
            while True:
                try:
                    if self.http.get(f"{self.url(system)}/__erpsim/health", timeout=2).ok:
                        break
                except requests.ConnectionError:
                    pass
                if time.time() > deadline:
                    raise RuntimeError(f"{system} did not start: see {self.dir}")
                time.sleep(0.1)

    def url(self, system: str) -> str:
        """Base URL of one emulator."""
        return self.connector[f"ERPSIM_{system.upper()}_URL"]

    def control(self, system: str, path: str, body: Any = None, method: str = "POST") -> Any:
        """A control-plane call."""
        r = self.http.request(method, f"{self.url(system)}/__erpsim/{path}", json=body, timeout=600)
        if not r.ok:
            raise RuntimeError(f"{system} {path}: {r.status_code} {r.text[:300]}")
        return r.json() if r.content else None

    def cpu_seconds(self, system: str) -> float:
        """CPU time (user + system) used so far by one emulator's processes (its process group: master, workers)."""
        group = self.procs[("netsuite", "pos").index(system)].pid
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group:  # pgrp; utime and stime follow at 11 and 12
                total += int(fields[11]) + int(fields[12])
        return total / ticks

    def stop(self) -> None:
        """Stop the server process groups (by PID)."""
        for proc in self.procs:
            os.killpg(proc.pid, signal.SIGINT)
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def seed_netsuite(emu: Emulators, skus: int, stores: int) -> None:
    """NetSuite: baseline, negative stock allowed (no opening balances), a location per store, the SKUs."""
    emu.control("netsuite", "reset", {})
    base = emu.control("netsuite", "seed", {"baseline": True})
    emu.control("netsuite", "act/set_preference", {"name": "allowNegativeInventory", "value": True})
    scope = {"items": [{"id": str(base["subsidiary"])}]}
    emu.control(
        "netsuite",
        "seed",
        {
            "records": {
                "baseline": False,
                "location": [
                    {"name": f"Store {c}", "externalId": c, "subsidiary": scope} for c in _codes(stores)
                ],
            }
        },
    )
    names = _skus(skus)
    for start in range(0, skus, 1000):
        emu.control(
            "netsuite",
            "seed",
            {
                "records": {
                    "baseline": False,
                    "inventoryItem": [
                        {"itemId": n, "subsidiary": scope} for n in names[start : start + 1000]
                    ],
                }
            },
        )


def seed_pos(emu: Emulators, skus: int, stores: int) -> dict[str, Any]:
    """The POS: one store per code (its sellable warehouse maps to the NetSuite location), the SKUs."""
    emu.control("pos", "reset", {})
    world = emu.control(
        "pos",
        "seed",
        {"records": {"stores": [{"name": f"Store {c}", "externalid": c} for c in _codes(stores)]}},
    )
    names = _skus(skus)
    for start in range(0, skus, 1000):
        emu.control(
            "pos",
            "seed",
            {
                "records": {
                    "products": [
                        {"sku": n, "title": n, "moneyprice": "10.00", "vatvalue": 20}
                        for n in names[start : start + 1000]
                    ]
                }
            },
        )
    return {"registers": [s["registerid"] for s in world["stores"]], "skus": names}


def _codes(stores: int) -> list[str]:
    return [f"ST{i + 1:03d}" for i in range(stores)]


def _skus(skus: int) -> list[str]:
    return [f"SKU-{i + 1:05d}" for i in range(skus)]


def ring_sales(emu: Emulators, world: dict[str, Any], sales: int, seed_value: int, zipf: float) -> int:
    """Ring ``sales`` POS sales (1-3 lines, Zipf-skewed SKUs, stores uniform); returns the stock events (lines)."""
    rnd = random.Random(seed_value)
    skus = world["skus"]
    weights = [1 / (rank + 1) ** zipf for rank in range(len(skus))]
    bodies = []
    events = 0
    for _ in range(sales):
        picked = set(rnd.choices(skus, weights, k=rnd.randint(1, 3)))
        events += len(picked)
        bodies.append(
            {
                "registerid": rnd.choice(world["registers"]),
                "lines": [{"sku": sku, "quantity": rnd.randint(1, 2)} for sku in sorted(picked)],
            }
        )
    session = requests.Session()
    session.headers.update(ADMIN)
    url = f"{emu.url('pos')}/__erpsim/act/ring_sale"

    def ring(body: dict[str, Any]) -> None:
        r = session.post(url, json=body, timeout=60)
        r.raise_for_status()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(ring, bodies))
    return events


def run_flow(emu: Emulators, mutant: str, batch_lines: int, concurrency: int) -> dict[str, Any]:
    """Run the inventory flow to completion on a fresh engine state; phases timed, NetSuite latency sampled."""
    state = tempfile.mkdtemp(prefix="erpsim-invbench-state-")
    env = {
        **emu.connector,
        "ERPSIM_STATE_DIR": state,
        "ERPSIM_SYNC_SYSTEMS": "netsuite,pos",
        "ERPSIM_SYNC_FLOWS": "inventory",
        "ERPSIM_SYNC_LEDGER_MODE": "daily-summary",
        "ERPSIM_SYNC_NETSUITE_CONCURRENCY": str(concurrency),
        "ERPSIM_SYNC_BATCH_LINES": str(batch_lines),
        "ERPSIM_SYNC_MUTANT": mutant,
        "ERPSIM_SYNC_HTTP_TIMEOUT": "60",
    }
    engine = Engine(SyncConfig.from_env(env))
    ctx = engine.ctx
    latencies: list[float] = []
    starts: list[float] = []
    create = ctx.netsuite.create

    cpu_at_first_post: list[float] = []

    def timed_create(rtype: str, body: dict[str, Any]) -> str:
        if (
            not cpu_at_first_post
        ):  # the emulator's CPU from here on is the posting's (planning reads came before)
            cpu_at_first_post.append(emu.cpu_seconds("netsuite"))
        started = time.perf_counter()
        starts.append(started)
        try:
            return create(rtype, body)
        finally:
            latencies.append(time.perf_counter() - started)

    ctx.netsuite.create = timed_create  # type: ignore[method-assign]
    journal_from = emu.control("netsuite", "journal?limit=1", method="GET")["lastSeq"]
    try:
        t0 = time.perf_counter()
        locations, items = LocationMap.load(ctx), ItemIndex.load(ctx)
        events = 0
        while added := InventoryFlow().read_pos(ctx):
            events += added
        t1 = time.perf_counter()
        ledger = StockLedger(ctx, locations, items)
        calls_before = ctx.netsuite.calls
        lines = ledger.flush()  # plans (coalesces, makes the batches durable), then posts them
        t3 = time.perf_counter()
        ns_cpu = emu.cpu_seconds("netsuite") - cpu_at_first_post[0] if cpu_at_first_post else 0.0
        t2 = min(starts) if starts else t3  # the first adjustment POST: planning ends, posting starts
        requests_made = ctx.netsuite.calls - calls_before
        adjustments = ctx.stats.counts.get("inventory", {}).get("adjustments", 0)
        parked = len(engine.state.exceptions())
        compared, wrong = check_stock(engine, locations)
    finally:
        engine.close()
    latencies.sort()
    # The emulator's own view of each adjustment POST (service time, its processing, waiting for its writer
    # and its process): what the client measured beyond it is the network and the client's side.
    served = sorted(
        e["duration_ms"]
        for e in emu.control(
            "netsuite", f"journal?since={journal_from}&method=POST&path=inventoryAdjustment", method="GET"
        )["entries"]
    )
    post = t3 - t2
    return {
        "mutant": mutant or "(reference)",
        "batch_lines": batch_lines,
        "events": events,
        "lines": lines,
        "adjustments": adjustments,
        "requests": requests_made,
        "parked": parked,
        "read_seconds": round(t1 - t0, 2),
        "plan_seconds": round(t2 - t1, 2),
        "post_seconds": round(post, 2),
        "lines_per_second": round(lines / post, 1) if post else 0.0,
        "end_to_end_lines_per_second": round(lines / (t3 - t1), 1),
        "post_latency_p50_ms": round(1000 * latencies[len(latencies) // 2], 1) if latencies else None,
        "post_latency_p90_ms": round(1000 * latencies[int(len(latencies) * 0.9)], 1) if latencies else None,
        # CPU the emulator spent per adjustment: what a busy machine does not distort (only shares out)
        "netsuite_cpu_ms_per_post": round(1000 * ns_cpu / len(starts), 1) if starts else None,
        "served_p50_ms": round(served[len(served) // 2], 1) if served else None,
        "served_p90_ms": round(served[int(len(served) * 0.9)], 1) if served else None,
        "stock_pairs": compared,
        "stock_mismatches": wrong,
    }


def check_stock(engine: Engine, locations: LocationMap) -> tuple[int, int]:
    """(store/SKU pairs compared, pairs where NetSuite on-hand differs from the POS stock)."""
    ctx = engine.ctx
    assert ctx.pos is not None
    ns: dict[tuple[str, str], float] = {}
    for row in ctx.netsuite.suiteql(
        "SELECT i.itemid AS sku, a.location AS location, a.quantityonhand AS qty "
        "FROM aggregateitemlocation a JOIN item i ON i.id = a.item"
    ):
        ns[(str(row["sku"]), str(row["location"]))] = float(row["qty"])
    pos: dict[tuple[str, str], float] = {}
    for key in locations.pos_sellable:
        location = locations.resolve(key)
        for item in ctx.pos.warehouse_items(int(key.split(":")[1])):
            pos[(str(item["sku"]), str(location))] = float(item["decimaltotal"])
    pairs = set(ns) | set(pos)
    return len(pairs), sum(1 for k in pairs if abs(ns.get(k, 0.0) - pos.get(k, 0.0)) > 1e-9)


def main() -> int:
    """Run the benchmark and print the figures (JSON last)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sales", type=int, default=20_000)
    parser.add_argument("--mutant-sales", type=int, default=300)
    parser.add_argument("--skus", type=int, default=4000)
    parser.add_argument("--stores", type=int, default=10)
    parser.add_argument("--zipf", type=float, default=1.0, help="SKU popularity skew (rank^-s)")
    parser.add_argument("--batch-lines", default="200", help="lines per adjustment (a comma list sweeps)")
    parser.add_argument("--concurrency", type=int, default=5, help="NetSuite limit and the engine's cap")
    parser.add_argument("--service-time", type=float, default=0.2, help="seconds per NetSuite write")
    parser.add_argument("--ns-workers", type=int, default=1, help="NetSuite emulator worker processes")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sizes = [int(x) for x in str(args.batch_lines).split(",")]
    emu = Emulators(args.ns_workers, 2, args.service_time, args.concurrency)
    results = []
    try:
        world = seed_pos(emu, args.skus, args.stores)
        t = time.perf_counter()
        events = ring_sales(emu, world, args.sales, args.seed, args.zipf)
        print(
            f"rang {args.sales} sales ({events} stock events) in {time.perf_counter() - t:.1f}s", flush=True
        )
        for size in sizes:
            seed_netsuite(emu, args.skus, args.stores)
            result = run_flow(emu, "", size, args.concurrency)
            bound = args.concurrency / args.service_time * size if args.service_time else float("inf")
            result.update(sales=args.sales, bound=bound, share=round(result["lines_per_second"] / bound, 3))
            results.append(result)
            print(json.dumps(result), flush=True)
        world = seed_pos(emu, args.skus, args.stores)
        ring_sales(emu, world, args.mutant_sales, args.seed, args.zipf)
        seed_netsuite(emu, args.skus, args.stores)
        naive = run_flow(emu, "no-batching", sizes[0], args.concurrency)
        bound = args.concurrency / args.service_time if args.service_time else float("inf")
        naive.update(sales=args.mutant_sales, bound=bound, share=round(naive["lines_per_second"] / bound, 3))
        print(json.dumps(naive), flush=True)
    finally:
        emu.stop()
    print()
    for ref in results:
        print(
            f"reference, {ref['batch_lines']} lines/request: {ref['lines_per_second']:.0f} lines/s = "
            f"{ref['share']:.0%} of the governance bound ({ref['bound']:.0f} lines/s); "
            f"{ref['lines_per_second'] / naive['lines_per_second']:.0f}x the no-batching mutant"
        )
    print(
        f"no-batching: {naive['lines_per_second']:.1f} lines/s = {naive['share']:.0%} of its bound "
        f"({naive['bound']:.0f}/s)"
    )
    print(json.dumps({"reference": results, "no_batching": naive}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
