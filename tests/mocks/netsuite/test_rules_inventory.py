"""Inventory: only new outbound quantities are checked; undoing an earlier transaction may leave stock negative."""

from __future__ import annotations

from typing import Any

from .conftest import REST, NsClient, detail, ref


def _adjust(ns: NsClient, world: dict[str, Any], qty: float, item: int | None = None) -> Any:
    return ns.post(f"{REST}/inventoryAdjustment", {"account": ref(world["accounts"]["Inventory Adjustments"]),
                                                   "inventory": {"items": [{
                                                       "item": ref(item or world["items"]["inventory"][0]),
                                                       "location": ref(world["locations"][0]), "adjustQtyBy": qty}]}})


def test_deleting_an_earlier_receipt_may_leave_a_location_negative(ns: NsClient, world: dict[str, Any]) -> None:
    item, loc = world["items"]["inventory"][0], world["locations"][0]
    added = int(_adjust(ns, world, 5).headers["Location"].rsplit("/", 1)[1])
    assert ns.stock(item, loc) == 15
    assert _adjust(ns, world, -12).status_code == 204
    assert ns.stock(item, loc) == 3
    # Undoing the +5 takes the location to -2: NetSuite allows it (only new outbound quantities are checked).
    assert ns.delete(f"{REST}/inventoryAdjustment/{added}").status_code == 204
    assert ns.stock(item, loc) == -2
    # A new outbound quantity is still checked against what is there.
    r = _adjust(ns, world, -1)
    assert r.status_code == 400
    assert detail(r)["detail"] == ("Error while accessing a resource. You only have 0 available. Please enter a "
                                   "different quantity.")
    assert ns.stock(item, loc) == -2


def test_deleting_a_purchase_receipt_whose_stock_shipped_goes_negative(ns: NsClient, world: dict[str, Any]) -> None:
    item, loc = world["items"]["inventory"][1], world["locations"][0]
    po = ns.create("purchaseOrder", {"entity": ref(world["vendors"][0]), "location": ref(loc), "item": {"items": [
        {"item": ref(item), "quantity": 4, "rate": 2}]}})
    r = ns.post(f"{REST}/purchaseOrder/{po}/!transform/itemReceipt", {})
    assert r.status_code == 204, r.get_data(as_text=True)
    receipt = int(r.headers["Location"].rsplit("/", 1)[1])
    assert _adjust(ns, world, -14, item).status_code == 204
    assert ns.delete(f"{REST}/itemReceipt/{receipt}").status_code == 204
    assert ns.stock(item, loc) == -4
    assert ns.record("purchaseOrder", po)["status"]["refName"] == "Pending Receipt"


def test_a_lot_never_goes_negative(ns: NsClient, world: dict[str, Any]) -> None:
    lot_item, loc = world["items"]["lot"][0], world["locations"][0]
    r = ns.post(f"{REST}/inventoryAdjustment", {"account": ref(world["accounts"]["Inventory Adjustments"]),
                                                "inventory": {"items": [{"item": ref(lot_item), "location": ref(loc),
                                                                         "adjustQtyBy": 2, "inventoryDetail": {
            "inventoryAssignment": {"items": [{"receiptInventoryNumber": "NEG-LOT", "quantity": 2}]}}}]}})
    added = int(r.headers["Location"].rsplit("/", 1)[1])
    lot = next(x["id"] for x in ns.state()["records"]["inventoryNumber"] if x["name"] == "NEG-LOT")
    r = ns.post(f"{REST}/inventoryAdjustment", {"account": ref(world["accounts"]["Inventory Adjustments"]),
                                                "inventory": {"items": [{"item": ref(lot_item), "location": ref(loc),
                                                                         "adjustQtyBy": -2, "inventoryDetail": {
            "inventoryAssignment": {"items": [{"issueInventoryNumber": ref(lot), "quantity": 2}]}}}]}})
    assert r.status_code == 204, r.get_data(as_text=True)
    r = ns.delete(f"{REST}/inventoryAdjustment/{added}")
    assert r.status_code == 400 and "Inventory number quantity would go negative" in detail(r)["detail"]
