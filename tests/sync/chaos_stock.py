"""The stock and POS flows' workload for the engine-wide crash and fault tests (see ``tests/sync/chaos.py``).

A store and a warehouse: the first sync loads the WMS's stock into NetSuite and NetSuite's store stock into the
POS; then the warehouse moves stock, the till sells (a discount, a known customer, split tenders) and takes a
damaged return back, a customer signs up; then the day closes (Z report), one more sale, and someone adjusts
NetSuite behind the engine's back (drift). Every end state must equal the run without kills or faults. Run with
the ledger in both modes (cash sales, and daily summaries with the sales' stock in batched adjustments).
"""

from __future__ import annotations

from typing import Any

from tests.sync.chaos import workload
from tests.sync.conftest import World
from tests.sync.flows.stockworld import PosWorld, seed_pos

STOCK_FLOWS = ("pos-customers", "pos-sales", "inventory", "pos-stock")


def _setup(world: World) -> dict[str, Any]:
    """NetSuite set up for the store (seed_pos) plus the warehouse WH01 and its stock in the WMS."""
    shop: PosWorld = seed_pos(
        world, netsuite_stock={"SKU-A": 20, "SKU-B": 20, "SKU-C": 20}, pos_stock={"SKU-A": 5}
    )
    scope = {"items": [{"id": shop.subsidiary}]}
    made = world.control(
        "netsuite",
        "POST",
        "seed",
        {
            "records": {
                "baseline": False,
                "location": [
                    {"name": "Leeds DC", "externalId": "WH01", "subsidiary": scope},
                    {"name": "Main", "externalId": "MAIN", "subsidiary": scope},
                ],
                "customer": [
                    {
                        "isPerson": True,
                        "firstName": "Ada",
                        "lastName": "Lovelace",
                        "email": "ada@example.com",
                        "subsidiary": {"id": shop.subsidiary},
                        "externalId": "WEB-ADA",
                    }
                ],
            }
        },
    )
    world.control(
        "wms",
        "POST",
        "seed",
        {
            "records": {
                "warehouses": [{"code": "WH01", "name": "Leeds"}],
                "skus": [{"sku": sku, "externalId": item, "name": sku} for sku, item in shop.items.items()],
                "stock": [
                    {"sku": "SKU-A", "onHand": 40, "warehouse": "WH01"},
                    {"sku": "SKU-C", "onHand": 12, "warehouse": "WH01"},
                ],
            }
        },
    )
    world.act("pos", "register_customer", {"email": "ada@example.com", "namefirst": "Ada", "namelast": "L"})
    return {
        "shop": shop,
        "warehouse": int(world.state("wms", "wms_warehouses")["wms_warehouses"][-1]["id"]),
        "dc": str(made["location"][0]),
    }


def _first_sync(world: World, ctx: dict[str, Any]) -> None:
    """Nothing happens: the first sync loads stock both ways and maps the customer."""


def _trading(world: World, ctx: dict[str, Any]) -> None:
    """The warehouse moves stock; the till sells and takes a damaged item back; a new customer signs up."""
    shop: PosWorld = ctx["shop"]
    for sku, reason, qty in (("SKU-A", "DAMAGED", -3), ("SKU-C", "FOUND", 2), ("SKU-A", "RETURN", 1)):
        world.act(
            "wms",
            "adjust_stock",
            {"sku": sku, "reasonCode": reason, "quantity": qty, "warehouseId": ctx["warehouse"]},
        )
    sale = world.act(
        "pos",
        "ring_sale",
        {
            "registerid": shop.register,
            "email": "ada@example.com",
            "lines": [{"sku": "SKU-A", "quantity": 2, "discount": "2.00"}, {"sku": "SKU-B", "quantity": 1}],
            "payments": [{"name": "Card", "amount": "20.00"}, {"name": "Cash", "amount": "2.32"}],
        },
    )
    world.act(
        "pos",
        "ring_sale",
        {"registerid": shop.register, "lines": [{"sku": "SKU-C", "quantity": 3}], "payment": "Cash"},
    )
    world.act(
        "pos",
        "refund",
        {
            "orderid": sale["orderid"],
            "lines": [{"sku": "SKU-A", "quantity": 1}],
            "reasoncode": "damaged",
            "payment": "Card",
        },
    )
    world.act(
        "pos", "register_customer", {"email": "grace@example.com", "namefirst": "Grace", "namelast": "Hopper"}
    )


def _close_of_day(world: World, ctx: dict[str, Any]) -> None:
    """The till closes its day; one more sale; NetSuite's warehouse stock is changed behind the engine's back."""
    shop: PosWorld = ctx["shop"]
    world.act("pos", "close_day", {"registerid": shop.register})
    world.act(
        "pos",
        "ring_sale",
        {
            "registerid": shop.register,
            "email": "grace@example.com",
            "lines": [{"sku": "SKU-B", "quantity": 4}],
            "payment": "Card",
        },
    )
    world.act(
        "netsuite",
        "adjust_inventory",
        {"item": int(shop.items["SKU-C"]), "location": int(ctx["dc"]), "adjustQtyBy": 5},
    )


workload("stock", STOCK_FLOWS, _first_sync, _trading, _close_of_day)(_setup)
# the same business with the ledger in daily-summary mode: the sales' stock goes through the batched adjustments
workload(
    "stock-daily",
    STOCK_FLOWS,
    _first_sync,
    _trading,
    _close_of_day,
    env={"ERPSIM_SYNC_LEDGER_MODE": "daily-summary"},
)(_setup)
