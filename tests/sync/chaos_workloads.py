"""The workloads the crash and fault tests run (one per family of flows; add yours here).

A workload's setup seeds the world and returns whatever its phases need; each phase is what people do in the
systems before the engine syncs again (the runner syncs until a clean pass after each phase).
"""

from __future__ import annotations

from typing import Any

from tests.sync.chaos import workload
from tests.sync.conftest import World
from tests.sync.flows.conftest import OrderWorld, seed_order_world, wms_stock

ORDER_FLOWS = ("items", "orders-to-wms", "cancellations", "despatch-to-netsuite")


def _warehouse_work(world: World, shop: Any) -> None:
    """Stock arrives on the shelves; one order ships in full, one short; a line of the third is closed."""
    assert isinstance(shop, OrderWorld)
    first, second, third = shop.orders
    wms_stock(world, {"BOOT-42": 20, "SOCK-3P": 20, "WAX-200": 20, "KIT-CARE": 5})
    shop.floor(f"NS-SO-{first}", "release", "pick", "pack", "despatch", tracking="TRK-FULL")
    shop.floor(f"NS-SO-{second}", "release", "pick")
    world.act("wms", "short_pick", {"order": f"NS-SO-{second}", "sku": "WAX-200", "quantityPicked": 3})
    shop.floor(f"NS-SO-{second}", "pack", "despatch", tracking="TRK-SHORT")
    world.act(
        "netsuite",
        "edit_record",
        {"type": "salesOrder", "id": third, "fields": {"item": {"items": [{"line": 2, "isClosed": True}]}}},
    )


def _replacement_ships(world: World, shop: Any) -> None:
    """The replacement of the third order (its open line) ships."""
    assert isinstance(shop, OrderWorld)
    shop.floor(f"NS-SO-{shop.orders[2]}-R2", "release", "pick", "pack", "despatch", tracking="TRK-R2")


def _nothing(world: World, shop: Any) -> None:
    """The first sync: the item master and the approved orders go to the satellites."""


@workload("orders", ORDER_FLOWS, _nothing, _warehouse_work, _replacement_ships)
def orders_setup(world: World) -> OrderWorld:
    """Items of every kind, three approved orders (mixed with digital and service lines, lots, plain)."""
    shop = seed_order_world(world)
    shop.sales_order([("BOOT", 2), ("EBOOK", 1), ("FIT", 1), ("WAX", 4)])
    shop.sales_order([("WAX", 8), ("SOCK", 3)])
    shop.sales_order([("KIT", 1), ("SOCK", 2)])
    return shop


# the QMS and AP flows, and the stock and POS flows, register theirs in their own modules
from tests.sync import chaos_qmsap, chaos_stock  # noqa: E402,F401
