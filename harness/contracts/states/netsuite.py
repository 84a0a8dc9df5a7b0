"""NetSuite provider states: an account with a location, a customer, stocked items, orders, periods, limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..plane import ProviderStateError
from . import Values, World, provider_state

LOCATION = "LOC-MAIN"
CUSTOMER = "CUST-1"
VENDOR = "VEND-1"
ITEMS = ("SKU-1", "SKU-2")
SERVICE_ITEM = "SVC-INSTALL"
LOT_ITEM = "LOT-ITEM-1"
STOCK = 50


def _ref(eid: str) -> dict[str, str]:
    return {"externalId": eid}


@dataclass
class Account:
    """What ``account`` made beyond the values a pact sees: period ids by name, item ids by SKU."""

    periods: dict[str, int] = field(default_factory=dict)
    items: dict[str, str] = field(default_factory=dict)


def account(
    world: World,
    *,
    stock: float = STOCK,
    customer: str = CUSTOMER,
    email: str = "buyer@example.com",
    extra_items: dict[str, float] | None = None,
    info: Account | None = None,
) -> Values:
    """Baseline (currencies, subsidiary, GL accounts, periods), a location, a customer and stocked items."""
    base = world.plane.seed({"baseline": True})
    sub = {"id": str(base["subsidiary"])}
    stocked = dict.fromkeys(ITEMS, stock) | (extra_items or {})
    items = [
        {
            "itemId": sku,
            "displayName": f"Item {sku}",
            "rate": 10.0 + n,
            "externalId": sku,
            "subsidiary": {"items": [sub]},
        }
        for n, sku in enumerate(stocked)
    ]
    records: dict[str, Any] = {
        "baseline": False,
        "location": [{"name": "Main Warehouse", "externalId": LOCATION, "subsidiary": {"items": [sub]}}],
        "customer": [
            {"companyName": "Acme Stores", "email": email, "externalId": customer, "subsidiary": sub}
        ],
        "inventoryItem": items,
        "serviceSaleItem": [
            {
                "itemId": SERVICE_ITEM,
                "displayName": "Installation",
                "rate": 25.0,
                "externalId": SERVICE_ITEM,
                "subsidiary": {"items": [sub]},
            }
        ],
    }
    lines = [
        {"item": _ref(sku), "location": _ref(LOCATION), "adjustQtyBy": qty}
        for sku, qty in stocked.items()
        if qty
    ]
    if lines:
        records["inventoryAdjustment"] = [
            {
                "account": {"id": str(base["accounts"]["Inventory Adjustments"])},
                "memo": "opening balance",
                "inventory": {"items": lines},
            }
        ]
    made = world.plane.seed({"records": records})
    values: Values = {
        "subsidiaryId": str(base["subsidiary"]),
        "locationId": str(made["location"][0]),
        "customerId": str(made["customer"][0]),
        "serviceItemId": str(made["serviceSaleItem"][0]),
        "adjustmentAccountId": str(base["accounts"]["Inventory Adjustments"]),
    }
    for n, item_id in enumerate(made["inventoryItem"]):
        values["itemId" if n == 0 else f"item{n + 1}Id"] = str(item_id)
    if info is not None:
        info.periods = dict(base["periods"])
        info.items = {sku: str(item_id) for sku, item_id in zip(stocked, made["inventoryItem"], strict=True)}
    return values


def sales_order(world: World, eid: str, status: str) -> Values:
    """An account and one sales order: two stocked lines and a service line, at the main location."""
    values = account(world)
    lines = [
        {"item": _ref(ITEMS[0]), "quantity": 2, "location": _ref(LOCATION)},
        {"item": _ref(ITEMS[1]), "quantity": 1, "location": _ref(LOCATION)},
        {"item": _ref(SERVICE_ITEM), "quantity": 1},
    ]
    made = world.plane.seed(
        {
            "records": {
                "baseline": False,
                "salesOrder": [
                    {
                        "entity": _ref(CUSTOMER),
                        "orderStatus": status,
                        "externalId": eid,
                        "item": {"items": lines},
                    }
                ],
            }
        }
    )
    values["salesOrderId"] = str(made["salesOrder"][0])
    return values


@provider_state(
    "netsuite",
    "the account is set up",
    "Currencies, a subsidiary, GL accounts, twelve periods, location LOC-MAIN, customer CUST-1, "
    "inventory items SKU-1 and SKU-2 with 50 on hand each, service item SVC-INSTALL",
    ("subsidiaryId", "locationId", "customerId", "itemId", "item2Id", "serviceItemId"),
)
def _account(world: World, words: dict[str, str]) -> Values:
    values = account(world)
    return values


@provider_state(
    "netsuite",
    "sales order {eid} is pending fulfillment",
    "The account, and approved sales order {eid} (status B) for CUST-1: 2 x SKU-1, 1 x SKU-2 and "
    "1 x SVC-INSTALL (lines 1, 2, 3)",
    ("salesOrderId", "customerId", "itemId", "item2Id", "locationId"),
    "sales order SO-1001 is pending fulfillment",
)
def _so_pending_fulfillment(world: World, words: dict[str, str]) -> Values:
    return sales_order(world, words["eid"], "B")


@provider_state(
    "netsuite",
    "sales order {eid} is pending approval",
    "As 'pending fulfillment', but not approved yet (status A)",
    ("salesOrderId",),
)
def _so_pending_approval(world: World, words: dict[str, str]) -> Values:
    return sales_order(world, words["eid"], "A")


@provider_state(
    "netsuite",
    "sales order {eid} is partially fulfilled",
    "As 'pending fulfillment', and line 1 fulfilled (shipped)",
    ("salesOrderId", "itemFulfillmentId"),
)
def _so_partially_fulfilled(world: World, words: dict[str, str]) -> Values:
    values = sales_order(world, words["eid"], "B")
    made = world.plane.seed(
        {
            "records": {
                "baseline": False,
                "transforms": [
                    {
                        "from": "salesOrder",
                        "to": "itemFulfillment",
                        "id": values["salesOrderId"],
                        "body": {
                            "shipStatus": "C",
                            "item": {
                                "items": [
                                    {"orderLine": 1, "quantity": 2},
                                    {"orderLine": 2, "itemReceive": False},
                                ]
                            },
                        },
                    }
                ],
            }
        }
    )
    values["itemFulfillmentId"] = str(made["transforms"][0])
    return values


@provider_state(
    "netsuite",
    "no {rtype} has external id {eid}",
    "The account, and no record of that type with that external id",
    ("locationId", "customerId"),
)
def _no_record(world: World, words: dict[str, str]) -> Values:
    values = account(world)
    return values


@provider_state(
    "netsuite",
    "customer {eid} exists",
    "The account with customer {eid} (email buyer@example.com)",
    ("customerId",),
)
def _customer(world: World, words: dict[str, str]) -> Values:
    values = account(world, customer=words["eid"])
    return values


@provider_state(
    "netsuite",
    "inventory item {sku} has {quantity} on hand",
    "The account with inventory item {sku} holding {quantity} at LOC-MAIN",
    ("itemId", "locationId"),
    "inventory item SKU-1 has 12 on hand",
)
def _item_on_hand(world: World, words: dict[str, str]) -> Values:
    info = Account()
    values = account(world, extra_items={words["sku"]: float(words["quantity"])}, info=info)
    values["itemId"] = info.items[words["sku"]]
    return values


@provider_state(
    "netsuite",
    "purchase order {eid} is pending receipt",
    "The account, vendor VEND-1, lot-numbered item LOT-ITEM-1 and approved purchase order {eid} "
    "(status B) for 10 of it at LOC-MAIN",
    ("purchaseOrderId", "vendorId", "lotItemId", "locationId"),
)
def _po_pending_receipt(world: World, words: dict[str, str]) -> Values:
    values = account(world)
    sub = {"id": values["subsidiaryId"]}
    made = world.plane.seed(
        {
            "records": {
                "baseline": False,
                "vendor": [
                    {
                        "companyName": "Northwind Supplies",
                        "email": "ar@northwind.example",
                        "externalId": VENDOR,
                        "subsidiary": sub,
                    }
                ],
                "lotNumberedInventoryItem": [
                    {
                        "itemId": LOT_ITEM,
                        "displayName": "Lot item",
                        "rate": 4.0,
                        "externalId": LOT_ITEM,
                        "subsidiary": {"items": [sub]},
                    }
                ],
                "purchaseOrder": [
                    {
                        "entity": _ref(VENDOR),
                        "orderStatus": "B",
                        "externalId": words["eid"],
                        "location": _ref(LOCATION),
                        "item": {
                            "items": [
                                {
                                    "item": _ref(LOT_ITEM),
                                    "quantity": 10,
                                    "rate": 4.0,
                                    "location": _ref(LOCATION),
                                }
                            ]
                        },
                    }
                ],
            }
        }
    )
    values.update(
        vendorId=str(made["vendor"][0]),
        lotItemId=str(made["lotNumberedInventoryItem"][0]),
        purchaseOrderId=str(made["purchaseOrder"][0]),
    )
    return values


@provider_state("netsuite", "vendor {eid} exists", "The account with vendor {eid}", ("vendorId",))
def _vendor(world: World, words: dict[str, str]) -> Values:
    values = account(world)
    made = world.plane.seed(
        {
            "records": {
                "baseline": False,
                "vendor": [
                    {
                        "companyName": "Northwind Supplies",
                        "email": "ar@northwind.example",
                        "externalId": words["eid"],
                        "subsidiary": {"id": values["subsidiaryId"]},
                    }
                ],
            }
        }
    )
    values["vendorId"] = str(made["vendor"][0])
    return values


@provider_state(
    "netsuite",
    "the accounting period of {day} is closed",
    "The account with the period holding {day} (YYYY-MM-DD) closed",
    ("periodId",),
    "the accounting period of 2025-12-15 is closed",
)
def _period_closed(world: World, words: dict[str, str]) -> Values:
    info = Account()
    values = account(world, info=info)
    periods = info.periods
    name = date.fromisoformat(words["day"]).strftime("%b %Y")
    if name not in periods:
        raise ProviderStateError(f"no accounting period {name!r}; the account has {', '.join(periods)}")
    world.plane.act("close_period", {"id": periods[name]})
    values["periodId"] = str(periods[name])
    return values


@provider_state(
    "netsuite",
    "the account is at its concurrency limit",
    "The account, and every REST request answered 429 CONCURRENCY_LIMIT_EXCEEDED",
    (),
)
def _throttled(world: World, words: dict[str, str]) -> Values:
    values = account(world)
    world.plane.faults({"rules": [{"kind": "throttle", "path": "^/services/rest/"}]})
    return values


@provider_state(
    "netsuite",
    "an async request to create customer {eid} is pending",
    "The account, and a customer create sent with Prefer: respond-async (and idempotency key "
    "{eid}) that no processor has run yet",
    ("jobId",),
)
def _async_pending(world: World, words: dict[str, str]) -> Values:
    values = account(world)
    response = world.vendor.request(
        "POST",
        "/services/rest/record/v1/customer",
        json={
            "companyName": "Async Ltd",
            "externalId": words["eid"],
            "subsidiary": {"id": values["subsidiaryId"]},
        },
        headers={"Prefer": "respond-async", "X-NetSuite-Idempotency-Key": words["eid"]},
    )
    if response.status_code != 202:
        raise ProviderStateError(
            f"respond-async create answered {response.status_code}: {response.text[:300]}"
        )
    values["jobId"] = response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    return values


@provider_state(
    "netsuite",
    "an async request to create customer {eid} has completed",
    "As 'is pending', and the async processors have run it",
    ("jobId",),
)
def _async_done(world: World, words: dict[str, str]) -> Values:
    values = _async_pending(world, words)
    world.plane.act("run_async_jobs", {})
    return values


@provider_state(
    "netsuite",
    "assembly item {sku} is built from SKU-1",
    "The account and assembly item {sku} (2 x SKU-1 per unit), nothing of it on hand",
    ("assemblyItemId", "itemId", "locationId"),
)
def _assembly(world: World, words: dict[str, str]) -> Values:
    values = account(world)
    made = world.plane.seed(
        {
            "records": {
                "baseline": False,
                "assemblyItem": [
                    {
                        "itemId": words["sku"],
                        "displayName": "Assembly",
                        "externalId": words["sku"],
                        "rate": 30.0,
                        "subsidiary": {"items": [{"id": values["subsidiaryId"]}]},
                        "member": {"items": [{"item": {"externalId": ITEMS[0]}, "quantity": 2}]},
                    }
                ],
            }
        }
    )
    values["assemblyItemId"] = str(made["assemblyItem"][0])
    return values


@provider_state(
    "netsuite",
    "a work order was opened for QMS run {run}",
    "Follows 'assembly item ... is built from SKU-1': work order qms-run-1 for 5 of it at LOC-MAIN",
    ("workOrderId",),
)
def _work_order(world: World, words: dict[str, str]) -> Values:
    v = world.values
    made = world.plane.seed(
        {
            "records": {
                "baseline": False,
                "workOrder": [
                    {
                        "externalId": "qms-run-1",
                        "assemblyItem": {"id": v["assemblyItemId"]},
                        "quantity": 5,
                        "location": {"id": v["locationId"]},
                        "subsidiary": {"id": v["subsidiaryId"]},
                        "memo": f"QMS run {words['run']}",
                    }
                ],
            }
        }
    )
    return {"workOrderId": str(made["workOrder"][0])}
