"""WMS provider states: the item master, stock, and orders at each step of the warehouse floor."""

from __future__ import annotations

from typing import Any

from . import Values, World, provider_state

SKUS = ("SKU-1", "SKU-2")
STOCK = 50
SHIP_TO = {
    "name": "Ada Lovelace",
    "address1": "1 High Street",
    "city": "Manchester",
    "postcode": "M1 1AA",
    "country": "GB",
}
SECRET = "pact-webhook-secret"


def item_master(world: World, stock: dict[str, int] | None = None) -> Values:
    """SKU-1 and SKU-2 (external ids 101, 102: NetSuite's internal ids) with 50 on hand each."""
    levels = dict.fromkeys(SKUS, STOCK) | (stock or {})
    skus = [{"sku": sku, "externalId": str(101 + n), "name": f"Item {sku}"} for n, sku in enumerate(levels)]
    world.plane.seed(
        {"records": {"skus": skus, "stock": [{"sku": s, "onHand": q} for s, q in levels.items()]}}
    )
    products = world.vendor.json("GET", "/api/v1/products")
    ids = {p["sku"]: p["id"] for p in products.get("items", [])}
    return {"productId": ids.get(SKUS[0]), "product2Id": ids.get(SKUS[1])}


def order(world: World, ref: str, *steps: tuple[str, dict[str, Any]]) -> Values:
    """The item master and order ``ref`` (2 x SKU-1, 1 x SKU-2), then the floor's ``steps`` (act actions)."""
    values = item_master(world)
    made = world.plane.seed(
        {
            "records": {
                "orders": [
                    {
                        "clientReference": ref,
                        "externalId": "1001",
                        "shipTo": SHIP_TO,
                        "lines": [
                            {"sku": SKUS[0], "quantity": 2, "externalLineId": "1"},
                            {"sku": SKUS[1], "quantity": 1, "externalLineId": "2"},
                        ],
                    }
                ]
            }
        }
    )
    values["orderId"] = made["orders"][0]["id"]
    for action, body in steps:
        world.plane.act(action, {"order": ref, **body})
    return values


def subscribe(world: World) -> None:
    """Every event of the default client goes to the verifier's inbox (as the engine subscribes)."""
    world.vendor.json("POST", "/api/v1/webhooks", {"url": world.hooks_url, "events": ["*"], "secret": SECRET})


FLOOR: tuple[tuple[str, dict[str, Any]], ...] = (("release", {}), ("pick", {}))
DESPATCH: tuple[tuple[str, dict[str, Any]], ...] = (
    *FLOOR,
    ("pack", {}),
    ("despatch", {"carrier": "DPD", "trackingNumber": "TRK-0001"}),
)


@provider_state(
    "wms",
    "the warehouse knows SKU-1 and SKU-2",
    "Products SKU-1 and SKU-2 (externalId 101 and 102) with 50 on hand each",
    ("productId", "product2Id"),
)
def _item_master(world: World, words: dict[str, str]) -> Values:
    return item_master(world)


@provider_state(
    "wms",
    "SKU {sku} has {quantity} on hand in the warehouse",
    "The item master with {sku} holding {quantity}",
    ("productId",),
)
def _stock(world: World, words: dict[str, str]) -> Values:
    return item_master(world, {words["sku"]: int(float(words["quantity"]))})


@provider_state(
    "wms", "no WMS order has client reference {ref}", "The item master and no order", ("productId",)
)
def _no_order(world: World, words: dict[str, str]) -> Values:
    return item_master(world)


@provider_state(
    "wms",
    "WMS order {ref} is new",
    "The item master and order {ref} (NEW): 2 x SKU-1, 1 x SKU-2",
    ("orderId",),
    "WMS order SO-1001 is new",
)
def _order_new(world: World, words: dict[str, str]) -> Values:
    return order(world, words["ref"])


@provider_state(
    "wms",
    "WMS order {ref} is being picked",
    "Order {ref} released to the floor and picked in full (PICKING)",
    ("orderId",),
)
def _order_picking(world: World, words: dict[str, str]) -> Values:
    return order(world, words["ref"], *FLOOR)


@provider_state(
    "wms",
    "WMS order {ref} was despatched",
    "Order {ref} picked, packed and despatched with DPD TRK-0001; the engine's subscription got "
    "order.despatched (and stock.changed)",
    ("orderId",),
)
def _order_despatched(world: World, words: dict[str, str]) -> Values:
    subscribe(world)
    return order(world, words["ref"], *DESPATCH)


@provider_state(
    "wms",
    "WMS order {ref} was cancelled in the warehouse",
    "Order {ref} cancelled by the warehouse before picking; order.cancelled was sent",
    ("orderId",),
)
def _order_cancelled(world: World, words: dict[str, str]) -> Values:
    subscribe(world)
    return order(world, words["ref"], ("cancel", {"reason": "customer called"}))


@provider_state(
    "wms",
    "SKU {sku} was found damaged in the warehouse",
    "The item master; 2 of {sku} written off as DAMAGED: stock.changed was sent",
    ("productId",),
)
def _stock_damaged(world: World, words: dict[str, str]) -> Values:
    values = item_master(world)
    subscribe(world)
    world.plane.act("adjust_stock", {"sku": words["sku"], "reasonCode": "DAMAGED", "quantity": -2})
    return values
