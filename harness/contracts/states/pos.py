"""POS (Sitoo) provider states: a store with stock, sales rung at its till, customers, Z reports."""

from __future__ import annotations

from typing import Any

from . import Values, World, provider_state

PRODUCT = {"sku": "SKU-1", "title": "Widget", "moneyprice": "12.00", "vatvalue": 20}
SECRET = "pact-webhook-secret"


def store(world: World, stock: str = "10.000", users: list[dict[str, Any]] | None = None) -> Values:
    """Store ST001 (its sellable warehouse and a cash register), product SKU-1 and ``stock`` of it."""
    made = world.plane.seed(
        {
            "records": {
                "stores": [{"name": "High Street", "externalid": "ST001", "city": "Leeds"}],
                "products": [PRODUCT],
                "users": users or [],
            }
        }
    )
    shop = made["stores"][0]
    if float(stock):
        world.plane.seed(
            {
                "records": {
                    "stock": [{"warehouseid": shop["warehouseid"], "sku": PRODUCT["sku"], "quantity": stock}]
                }
            }
        )
    return {"storeId": shop["storeid"], "warehouseId": shop["warehouseid"], "registerId": shop["registerid"]}


def subscribe_engine(world: World) -> None:
    """Every event to the verifier's inbox (the account's events SPI), as the engine subscribes."""
    world.vendor.json(
        "POST",
        f"{account_root(world)}/eventsubscriptions.json",
        {"url": world.hooks_url, "events": ["*"], "secret": SECRET},
    )


def account_root(world: World) -> str:
    """``/v2/accounts/{account}`` of the emulator's account."""
    return f"/v2/accounts/{world.vendor.creds['account']}"


@provider_state(
    "pos",
    "store ST001 sells SKU-1 with {quantity} in stock",
    "Store ST001 (a sellable warehouse, a quarantine warehouse, a register), product SKU-1 at 12.00 "
    "(VAT 20%) with {quantity} in the sellable warehouse",
    ("storeId", "warehouseId", "registerId"),
    "store ST001 sells SKU-1 with 10 in stock",
)
def _store(world: World, words: dict[str, str]) -> Values:
    return store(world, f"{float(words['quantity']):.3f}")


@provider_state(
    "pos",
    "a sale of {quantity} SKU-1 was rung up at ST001",
    "The store with 10 of SKU-1, then a card sale of {quantity} of it at its register; the engine's "
    "subscription got the order event",
    ("orderId", "storeId", "warehouseId", "registerId"),
)
def _sale(world: World, words: dict[str, str]) -> Values:
    values = store(world)
    subscribe_engine(world)
    order = world.plane.act(
        "ring_sale", {"lines": [{"sku": "SKU-1", "quantity": int(float(words["quantity"]))}]}
    )
    values["orderId"] = order["orderid"]
    return values


@provider_state(
    "pos", "customer {email} signed up at the till", "The store, and customer {email} (Jane Doe)", ("userId",)
)
def _customer(world: World, words: dict[str, str]) -> Values:
    values = store(world, users=[{"email": words["email"], "namefirst": "Jane", "namelast": "Doe"}])
    users = world.vendor.json("GET", f"{account_root(world)}/sites/{world.vendor.creds['site']}/users.json")
    values["userId"] = users["items"][0]["userid"]
    return values
