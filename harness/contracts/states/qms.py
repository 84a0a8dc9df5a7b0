"""QMS provider states: items, purchase orders from NetSuite, lots through quarantine, release and recall."""

from __future__ import annotations

from typing import Any

from . import Values, World, provider_state

ITEM = {"sku": "RM-1", "name": "Cane Sugar", "netsuiteId": "201", "unit": "kg", "type": "RAW_MATERIAL"}
PO_NETSUITE_ID = "301"
SECRET = "pact-webhook-secret"


def item_master(world: World) -> Values:
    """Raw material RM-1 (NetSuite item 201)."""
    made = world.plane.seed({"records": {"items": [ITEM]}})
    return {"itemId": made["items"][0]["id"]}


def purchase_order(world: World, number: str = "PO-2001") -> Values:
    """The item and purchase order ``number`` from NetSuite (id 301): 10 kg of RM-1 on line 1."""
    values = item_master(world)
    made = world.plane.seed(
        {
            "records": {
                "purchase_orders": [
                    {
                        "netsuiteId": PO_NETSUITE_ID,
                        "number": number,
                        "vendor": "Northwind Supplies",
                        "lines": [{"line": 1, "itemNetsuiteId": ITEM["netsuiteId"], "quantity": 10}],
                    }
                ]
            }
        }
    )
    values["purchaseOrderId"] = made["purchase_orders"][0]["id"]
    return values


def received_lot(
    world: World, lot: str, *steps: tuple[str, dict[str, Any]], subscribe: bool = False
) -> Values:
    """The purchase order received in full into lot ``lot`` (QUARANTINE), then the QC ``steps``."""
    values = purchase_order(world)
    if subscribe:
        subscribe_engine(world)
    receipt = world.plane.act(
        "receive", {"po": PO_NETSUITE_ID, "lines": [{"line": 1, "quantity": 10, "lotNumber": lot}]}
    )
    values["receiptId"] = receipt["id"]
    values["lotId"] = receipt["lots"][0]["id"]
    for action, body in steps:
        world.plane.act(action, {"lot": lot, **body})
    return values


def subscribe_engine(world: World) -> None:
    """Every event goes to the verifier's inbox, as the engine subscribes."""
    world.vendor.json("POST", "/api/v1/webhooks", {"url": world.hooks_url, "events": ["*"], "secret": SECRET})


@provider_state("qms", "the QMS knows item RM-1", "Raw material RM-1 (netsuiteId 201)", ("itemId",))
def _items(world: World, words: dict[str, str]) -> Values:
    return item_master(world)


@provider_state(
    "qms", "NetSuite purchase order {po} is not in the QMS", "Item RM-1 and no purchase order", ("itemId",)
)
def _no_po(world: World, words: dict[str, str]) -> Values:
    return item_master(world)


@provider_state(
    "qms",
    "purchase order {number} is open in the QMS",
    "Item RM-1 and purchase order {number} (netsuiteId 301): 10 kg of RM-1, nothing received",
    ("purchaseOrderId", "itemId"),
)
def _po_open(world: World, words: dict[str, str]) -> Values:
    return purchase_order(world, words["number"])


@provider_state(
    "qms",
    "lot {lot} is in quarantine",
    "Purchase order PO-2001 received in full into lot {lot}, not inspected yet (QUARANTINE)",
    ("lotId", "receiptId", "purchaseOrderId"),
    "lot L-7 is in quarantine",
)
def _quarantine(world: World, words: dict[str, str]) -> Values:
    return received_lot(world, words["lot"])


@provider_state(
    "qms",
    "lot {lot} was released",
    "As 'in quarantine', then inspected PASS (RELEASED); the engine's subscription got lot.released",
    ("lotId", "receiptId", "purchaseOrderId"),
)
def _released(world: World, words: dict[str, str]) -> Values:
    return received_lot(world, words["lot"], ("release", {}), subscribe=True)


@provider_state(
    "qms",
    "lot {lot} was locked for a recall",
    "As 'released', then locked for a recall (LOCKED); lot.locked was sent",
    ("lotId",),
)
def _locked(world: World, words: dict[str, str]) -> Values:
    return received_lot(
        world, words["lot"], ("release", {}), ("lock", {"reason": "supplier recall"}), subscribe=True
    )
