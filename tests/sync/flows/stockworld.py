"""Helpers of the stock-flow tests: a seeded NetSuite + WMS (+ POS) world, daemon engines, NetSuite read-backs."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync.config import SyncConfig
from sync.daemon import Daemon
from sync.engine import Engine
from tests.sync.conftest import World

ENGINE_PREFIX = "ERPSIM-ADJ-"


@dataclass
class StockWorld:
    """Ids of what ``seed_stock`` created."""

    subsidiary: str
    warehouse_location: str       # NetSuite location of the WMS warehouse WH01
    items: dict[str, str]          # SKU -> NetSuite item id
    wms_warehouse: int             # WMS id of WH01
    locations: dict[str, str]      # NetSuite location externalId -> internal id


def seed_stock(world: World, skus: list[str], stock: dict[str, int], *, extra_locations: list[dict[str, Any]]
               | None = None) -> StockWorld:
    """NetSuite baseline + location WH01 + inventory items; the WMS with warehouse WH01, the SKUs and stock."""
    base = world.control("netsuite", "POST", "seed", {"baseline": True})
    sub = str(base["subsidiary"])
    scope = {"items": [{"id": sub}]}
    locations = [{"name": "Leeds DC", "externalId": "WH01", "subsidiary": scope},
                 {"name": "Unused main", "externalId": "MAIN", "subsidiary": scope}]
    locations += [{**loc, "subsidiary": scope} for loc in extra_locations or []]
    created = world.control("netsuite", "POST", "seed", {"records": {
        "baseline": False, "location": locations,
        "inventoryItem": [{"itemId": sku, "displayName": f"Item {sku}", "subsidiary": scope} for sku in skus]}})
    wms = world.control("wms", "POST", "seed", {"records": {
        "warehouses": [{"code": "WH01", "name": "Leeds"}],
        "skus": [{"sku": sku, "externalId": str(item), "name": f"Item {sku}"}
                 for sku, item in zip(skus, created["inventoryItem"], strict=True)],
        "stock": [{"sku": sku, "onHand": qty, "warehouse": "WH01"} for sku, qty in stock.items()]}})
    return StockWorld(sub, str(created["location"][0]),
                      dict(zip(skus, map(str, created["inventoryItem"]), strict=True)), int(wms["warehouses"][0]),
                      {loc["externalId"]: str(i) for loc, i in zip(locations, created["location"], strict=True)})


def engine_env(world: World, state_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of an engine on ``world`` (settings as ERPSIM_SYNC_<NAME>)."""
    env = {**world.env, "ERPSIM_STATE_DIR": str(state_dir), "ERPSIM_SYNC_BACKOFF": "0.01"}
    env.update({f"ERPSIM_SYNC_{k.upper()}": str(v) for k, v in settings.items()})
    return env


@contextmanager
def daemon_engine(world: World, state_dir: Path, **settings: str) -> Iterator[Engine]:
    """An engine in daemon mode with its webhook receiver serving and subscribed (passes are run by the test)."""
    engine = Engine(SyncConfig.from_env(engine_env(world, state_dir, **settings)), daemon=True)
    daemon = Daemon(engine)
    thread = threading.Thread(target=daemon.server.serve_forever, daemon=True)
    thread.start()
    try:
        daemon.subscribe()
        yield engine
    finally:
        daemon.server.shutdown()
        daemon.server.server_close()
        engine.close()


def on_hand(engine: Engine, location: str) -> dict[str, float]:
    """NetSuite on-hand per SKU at a location (from SuiteQL, as any client reads it)."""
    rows = engine.ctx.netsuite.suiteql(
        f"SELECT i.itemid AS sku, a.quantityonhand AS qty FROM aggregateitemlocation a "
        f"JOIN item i ON i.id = a.item WHERE a.location = {location}")
    return {str(r["sku"]): float(r["qty"]) for r in rows if float(r["qty"]) != 0}


def engine_adjustments(engine: Engine) -> list[list[tuple[str, str, float]]]:
    """The engine's inventory adjustments in NetSuite, oldest first: lines as (SKU, location, quantity)."""
    ns = engine.ctx.netsuite
    rows = ns.suiteql("SELECT id, externalid FROM transaction WHERE type = 'InvAdjst' ORDER BY id")
    out = []
    for row in rows:
        if not str(row.get("externalid") or "").startswith(ENGINE_PREFIX) and row.get("externalid"):
            continue
        record = ns.get("inventoryAdjustment", str(row["id"]))
        if not str(record.get("memo", "")).startswith("erpsim sync"):
            continue
        out.append([(str(ln["item"]["refName"]), str(ln["location"]["id"]), float(ln["adjustQtyBy"]))
                    for ln in record["inventory"]["items"]])
    return out
