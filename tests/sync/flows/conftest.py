"""The order-to-warehouse world: NetSuite items of every kind with stock, a customer with an address.

The items are created in NetSuite only: the ``items`` flow is what puts them in the satellites (the tests of the
order flows run it first, as a pass does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.sync.conftest import World

SHIP_TO = {
    "addressee": "Alex Morgan",
    "addr1": "1 Harbour Street",
    "city": "Bristol",
    "zip": "BS1 4RN",
    "country": "GB",
}
ITEMS = (  # (externalId, NetSuite type, itemId, displayName, rate)
    ("BOOT", "inventoryItem", "BOOT-42", "Walking boot", 89.5),
    ("SOCK", "inventoryItem", "SOCK-3P", "Socks, three pairs", 12.0),
    ("WAX", "lotNumberedInventoryItem", "WAX-200", "Leather wax", 7.25),
    ("KIT", "assemblyItem", "KIT-CARE", "Boot care kit", 19.99),
    ("EBOOK", "downloadItem", "EBOOK-TRAILS", "Trail guide (e-book)", 4.99),
    ("FIT", "serviceSaleItem", "SVC-FITTING", "Boot fitting", 15.0),
)
LOTS = (("WAX", "WAX-A", 6, "2026-06-30"), ("WAX", "WAX-B", 10, "2026-03-31"))


@dataclass
class OrderWorld:
    """The seeded world and its NetSuite ids by external id."""

    world: World
    ids: dict[str, str]
    location: str
    customer: str
    orders: list[str] = field(default_factory=list)

    def sales_order(
        self,
        lines: list[tuple[str, float]],
        *,
        status: str = "B",
        ship_to: bool = True,
        external_id: str | None = None,
    ) -> str:
        """Create a sales order in NetSuite as a user would: [(item external id, quantity)]."""
        fields: dict[str, Any] = {
            "entity": {"id": self.customer},
            "orderStatus": status,
            "location": {"id": self.location},
            "item": {
                "items": [
                    {"item": {"id": self.ids[item]}, "quantity": qty, "location": {"id": self.location}}
                    for item, qty in lines
                ]
            },
        }
        if ship_to:
            fields["shippingAddress"] = dict(SHIP_TO)
        if external_id:
            fields["externalId"] = external_id
        created = self.world.act("netsuite", "create", {"type": "salesOrder", "fields": fields})
        self.orders.append(str(created["id"]))
        return str(created["id"])

    def ns_records(self, rtype: str) -> list[dict[str, Any]]:
        """NetSuite records of a type from the state dump."""
        records: list[dict[str, Any]] = self.world.state("netsuite")["records"].get(rtype, [])
        return records

    def ns_record(self, rtype: str, rid: str) -> dict[str, Any]:
        """One NetSuite record's stored body (with its id)."""
        found = [r for r in self.ns_records(rtype) if str(r["id"]) == str(rid)]
        assert found, (rtype, rid)
        return {"id": str(found[0]["id"]), **found[0]["body"]}

    def wms(self, table: str) -> list[dict[str, Any]]:
        """Rows of one WMS table."""
        rows: list[dict[str, Any]] = self.world.state("wms", table)[table]
        return rows

    def wms_order(self, reference: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A WMS order by client reference, with its lines in order."""
        state = self.world.state("wms", "wms_orders", "wms_order_lines")
        [order] = [o for o in state["wms_orders"] if o["client_reference"] == reference]
        lines = sorted(
            (ln for ln in state["wms_order_lines"] if ln["order_id"] == order["id"]),
            key=lambda ln: ln["line_index"],
        )
        return order, lines

    def floor(self, reference: str, *steps: str, tracking: str = "TRK-1") -> None:
        """Warehouse work on an order: release, pick, pack, despatch (in the order given)."""
        for step in steps:
            body: dict[str, Any] = {"order": reference}
            if step == "despatch":
                body.update(carrier="DHL", trackingNumber=tracking)
            self.world.act("wms", step, body)


def seed_order_world(world: World) -> OrderWorld:
    """Baseline NetSuite account, one warehouse location, one customer, the items with stock and lots."""
    world.control("netsuite", "POST", "seed", {"baseline": True})
    records = world.state("netsuite")["records"]
    subsidiary = {"id": str(records["subsidiary"][0]["id"])}
    account = next(
        str(r["id"]) for r in records["account"] if r["body"].get("acctName") == "Inventory Adjustments"
    )
    body: dict[str, Any] = {
        "baseline": False,
        "location": [{"name": "Main Warehouse", "externalId": "MAIN", "subsidiary": {"items": [subsidiary]}}],
        "customer": [
            {
                "companyName": "Hill Walkers Ltd",
                "email": "orders@hillwalkers.example",
                "subsidiary": subsidiary,
                "externalId": "CUST-1",
            }
        ],
    }
    for eid, rtype, sku, name, rate in ITEMS:
        body.setdefault(rtype, []).append(
            {
                "itemId": sku,
                "displayName": name,
                "rate": rate,
                "externalId": eid,
                "subsidiary": {"items": [subsidiary]},
            }
        )
    stock = [
        {"item": {"externalId": eid}, "location": {"externalId": "MAIN"}, "adjustQtyBy": 50}
        for eid, rtype, *_ in ITEMS
        if rtype in ("inventoryItem", "assemblyItem")
    ]
    stock += [
        {
            "item": {"externalId": eid},
            "location": {"externalId": "MAIN"},
            "adjustQtyBy": qty,
            "inventoryDetail": {
                "inventoryAssignment": {
                    "items": [{"receiptInventoryNumber": lot, "quantity": qty, "expirationDate": expires}]
                }
            },
        }
        for eid, lot, qty, expires in LOTS
    ]
    body["inventoryAdjustment"] = [
        {"account": {"id": account}, "memo": "opening balance", "inventory": {"items": stock}}
    ]
    world.control("netsuite", "POST", "seed", {"records": body})
    records = world.state("netsuite")["records"]
    ids = {
        r["body"]["externalId"]: str(r["id"])
        for rtype, rows in records.items()
        for r in rows
        if r["body"].get("externalId") and rtype not in ("salesOrder",)
    }
    # the warehouse holds the physical stock NetSuite books (the stock flows keep them in step)
    return OrderWorld(world, ids, ids["MAIN"], ids["CUST-1"])


@pytest.fixture
def shop(fresh: World) -> OrderWorld:
    """A fresh world seeded for the order flows."""
    return seed_order_world(fresh)


def wms_stock(world: World, skus: dict[str, int]) -> None:
    """Put stock on the WMS shelves (goods the warehouse holds) once the products exist."""
    for sku, qty in skus.items():
        world.act("wms", "adjust_stock", {"sku": sku, "reasonCode": "FOUND", "quantity": qty})
