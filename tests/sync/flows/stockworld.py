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
SKUS = ["SKU-A", "SKU-B", "SKU-C"]


@dataclass
class StockWorld:
    """Ids of what ``seed_stock`` created."""

    subsidiary: str
    warehouse_location: str  # NetSuite location of the WMS warehouse WH01
    items: dict[str, str]  # SKU -> NetSuite item id
    wms_warehouse: int  # WMS id of WH01
    locations: dict[str, str]  # NetSuite location externalId -> internal id


def seed_stock(
    world: World,
    skus: list[str],
    stock: dict[str, int],
    *,
    extra_locations: list[dict[str, Any]] | None = None,
) -> StockWorld:
    """NetSuite baseline + location WH01 + inventory items; the WMS with warehouse WH01, the SKUs and stock."""
    base = world.control("netsuite", "POST", "seed", {"baseline": True})
    sub = str(base["subsidiary"])
    scope = {"items": [{"id": sub}]}
    locations = [
        {"name": "Leeds DC", "externalId": "WH01", "subsidiary": scope},
        {"name": "Unused main", "externalId": "MAIN", "subsidiary": scope},
    ]
    locations += [{**loc, "subsidiary": scope} for loc in extra_locations or []]
    created = world.control(
        "netsuite",
        "POST",
        "seed",
        {
            "records": {
                "baseline": False,
                "location": locations,
                "inventoryItem": [
                    {"itemId": sku, "displayName": f"Item {sku}", "subsidiary": scope} for sku in skus
                ],
            }
        },
    )
    wms = world.control(
        "wms",
        "POST",
        "seed",
        {
            "records": {
                "warehouses": [{"code": "WH01", "name": "Leeds"}],
                "skus": [
                    {"sku": sku, "externalId": str(item), "name": f"Item {sku}"}
                    for sku, item in zip(skus, created["inventoryItem"], strict=True)
                ],
                "stock": [{"sku": sku, "onHand": qty, "warehouse": "WH01"} for sku, qty in stock.items()],
            }
        },
    )
    return StockWorld(
        sub,
        str(created["location"][0]),
        dict(zip(skus, map(str, created["inventoryItem"]), strict=True)),
        int(wms["warehouses"][0]),
        {loc["externalId"]: str(i) for loc, i in zip(locations, created["location"], strict=True)},
    )


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
        f"JOIN item i ON i.id = a.item WHERE a.location = {location}"
    )
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
        out.append(
            [
                (str(ln["item"]["refName"]), str(ln["location"]["id"]), float(ln["adjustQtyBy"]))
                for ln in record["inventory"]["items"]
            ]
        )
    return out


@dataclass
class PosWorld:
    """Ids of what ``seed_pos`` created."""

    subsidiary: str
    store_location: str  # NetSuite location ST001 (the store)
    quarantine_location: str  # NetSuite location ST001-QUAR
    items: dict[str, str]  # SKU -> NetSuite item id
    warehouse: int  # Sitoo sellable warehouse of the store
    quarantine: int  # Sitoo quarantine warehouse
    register: str  # Sitoo cash register
    accounts: dict[str, str]  # NetSuite account name -> id


POS_PRODUCTS = [
    {"sku": "SKU-A", "title": "Tee", "moneyprice": "10.00", "vatvalue": 20},
    {"sku": "SKU-B", "title": "Card", "moneyprice": "0.30", "vatvalue": 5},
    {"sku": "SKU-C", "title": "Mug", "moneyprice": "4.99", "vatvalue": 20},
]


def seed_pos(
    world: World, *, netsuite_stock: dict[str, int] | None = None, pos_stock: dict[str, int] | None = None
) -> PosWorld:
    """NetSuite set up for POS postings (store + quarantine locations, items, GBP, payment methods, discount and
    tax items, a tax account) and a Sitoo store ST001 with the same SKUs."""
    base = world.control("netsuite", "POST", "seed", {"baseline": True})
    sub = str(base["subsidiary"])
    scope = {"items": [{"id": sub}]}
    made = world.control(
        "netsuite",
        "POST",
        "seed",
        {
            "records": {
                "baseline": False,
                "currency": [{"name": "British Pound", "symbol": "GBP", "exchangeRate": 1.25}],
                "location": [
                    {"name": "Leeds store", "externalId": "ST001", "subsidiary": scope},
                    {"name": "Leeds store quarantine", "externalId": "ST001-QUAR", "subsidiary": scope},
                ],
                "inventoryItem": [
                    {"itemId": p["sku"], "displayName": p["title"], "subsidiary": scope} for p in POS_PRODUCTS
                ],
                "paymentMethod": [{"name": "Card"}, {"name": "Cash"}, {"name": "Gift card"}],
                "discountItem": [{"itemId": "POS Discount", "rate": "0"}],
                "salesTaxItem": [
                    {"itemId": "VAT20", "rate": "20%"},
                    {"itemId": "VAT5", "rate": "5%"},
                    {"itemId": "VAT0", "rate": "0%"},
                ],
                # A new account has a Sales Tax Payable account already; only an older (emptier) baseline needs one.
                "account": []
                if "Sales Tax Payable" in base["accounts"]
                else [{"acctNumber": "2200", "acctName": "Sales Tax Payable", "acctType": "OthCurrLiab"}],
            }
        },
    )
    items = {p["sku"]: str(i) for p, i in zip(POS_PRODUCTS, made["inventoryItem"], strict=True)}
    store, quarantine = (str(i) for i in made["location"])
    if netsuite_stock:
        world.control(
            "netsuite",
            "POST",
            "seed",
            {
                "records": {
                    "baseline": False,
                    "inventoryAdjustment": [
                        {
                            "account": {"id": str(base["accounts"]["Inventory Adjustments"])},
                            "memo": "opening stock",
                            "inventory": {
                                "items": [
                                    {
                                        "item": {"id": items[sku]},
                                        "location": {"id": store},
                                        "adjustQtyBy": qty,
                                    }
                                    for sku, qty in netsuite_stock.items()
                                ]
                            },
                        }
                    ],
                }
            },
        )
    pos = world.control(
        "pos",
        "POST",
        "seed",
        {"records": {"stores": [{"name": "Leeds store", "externalid": "ST001"}], "products": POS_PRODUCTS}},
    )
    shop = pos["stores"][0]
    if pos_stock:
        world.control(
            "pos",
            "POST",
            "seed",
            {
                "records": {
                    "stock": [
                        {"warehouseid": shop["warehouseid"], "sku": sku, "quantity": f"{qty}.000"}
                        for sku, qty in pos_stock.items()
                    ]
                }
            },
        )
    accounts = {name: str(i) for name, i in base["accounts"].items()}
    if made["account"]:
        accounts["Sales Tax Payable"] = str(made["account"][0])
    return PosWorld(
        sub,
        store,
        quarantine,
        items,
        int(shop["warehouseid"]),
        int(shop["quarantinewarehouseid"]),
        str(shop["registerid"]),
        accounts,
    )


def records_of(world: World, rtype: str) -> list[dict[str, Any]]:
    """NetSuite records of one type (bodies, oldest first) from the control plane's state dump."""
    state = world.control("netsuite", "GET", f"state?types={rtype}")
    return [dict(r["body"], id=r["id"]) for r in state["records"].get(rtype, [])]


def pos_levels(engine: Engine, warehouse: int) -> dict[str, float]:
    """A Sitoo warehouse's stock per SKU."""
    assert engine.ctx.pos is not None
    return {str(r["sku"]): float(r["decimaltotal"]) for r in engine.ctx.pos.warehouse_items(warehouse)}


def engine_at(world: World, state_dir: Path, **settings: str) -> Engine:
    """An engine (once mode) with its own state folder; close it (``contextlib.closing``)."""
    return Engine(SyncConfig.from_env(engine_env(world, state_dir, **settings)))


def stock_engine(make_engine: Any, **settings: str) -> Engine:
    """A once-mode engine over NetSuite and the WMS (``make_engine`` is the fixture of that name)."""
    engine: Engine = make_engine(systems="netsuite,wms", **settings)
    return engine


def exceptions_of(engine: Engine, category: str) -> list[dict[str, Any]]:
    """The engine's exception-queue entries of one category, as dicts."""
    return [e.as_dict() for e in engine.state.exceptions(category)]
