"""Order to cash: sales order statuses, fulfilment by transform, billing, stock, lots, mixed orders."""

from __future__ import annotations

from typing import Any

from .conftest import REST, NetSuiteDriver, detail, ref


def _so(ns: NetSuiteDriver, world: dict[str, Any], lines: list[dict[str, Any]], **extra: Any) -> int:
    loc = world["locations"][0]
    return ns.create(
        "salesOrder",
        {"entity": ref(world["customers"][0]), "location": ref(loc), "item": {"items": lines}, **extra},
    )


def _line(item: int, qty: float, **extra: Any) -> dict[str, Any]:
    return {"item": ref(item), "quantity": qty, **extra}


def _status(ns: NetSuiteDriver, so: int) -> tuple[str, str]:
    body = ns.record("salesOrder", so)
    return body["orderStatus"]["id"], body["status"]["id"]


def test_new_order_is_pending_approval_unless_b_is_sent(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    item = world["items"]["inventory"][0]
    so = _so(ns, world, [_line(item, 1)])
    assert _status(ns, so) == ("A", "Pending Approval")
    so_b = _so(ns, world, [_line(item, 1)], orderStatus="B")
    assert _status(ns, so_b) == ("B", "Pending Fulfillment")
    r = ns.api(
        "POST",
        f"{REST}/salesOrder",
        {"entity": ref(world["customers"][0]), "orderStatus": "F", "item": {"items": [_line(item, 1)]}},
    )
    assert r.status_code == 400 and detail(r)["o:errorPath"] == "orderStatus"


def test_cancel_only_while_pending_approval(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    item = world["items"]["inventory"][0]
    so = _so(ns, world, [_line(item, 1)])
    assert ns.act("cancel_sales_order", {"id": so}) == {"id": so, "status": "C"}
    assert _status(ns, so)[1] == "Cancelled"
    approved = _so(ns, world, [_line(item, 1)], orderStatus="B")
    r = ns.api("PATCH", f"{REST}/salesOrder/{approved}", {"orderStatus": "C"})
    assert r.status_code == 400
    assert detail(r)["detail"] == (
        "Error while accessing a resource. This sales order has been approved and cannot "
        "be cancelled. Close its lines instead."
    )
    assert _status(ns, approved)[1] == "Pending Fulfillment"


def test_closing_lines_after_approval_walks_the_statuses(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    # What else an approved order may change is in test_rules_upsert.py.
    i1, i2 = world["items"]["inventory"]
    so = _so(ns, world, [_line(i1, 2), _line(i2, 1)], orderStatus="B")
    assert (
        ns.api(
            "PATCH", f"{REST}/salesOrder/{so}", {"item": {"items": [{"line": 2, "isClosed": True}]}}
        ).status_code
        == 204
    )
    assert _status(ns, so)[1] == "Pending Fulfillment"
    assert (
        ns.api(
            "PATCH", f"{REST}/salesOrder/{so}", {"item": {"items": [{"line": 1, "isClosed": True}]}}
        ).status_code
        == 204
    )
    assert _status(ns, so)[1] == "Closed"
    assert (
        ns.api(
            "PATCH", f"{REST}/salesOrder/{so}", {"item": {"items": [{"line": 1, "isClosed": False}]}}
        ).status_code
        == 204
    )
    assert _status(ns, so)[1] == "Pending Fulfillment"


def test_partial_fulfilment_then_rest_then_billing_walks_the_statuses(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    item = world["items"]["inventory"][0]
    loc = world["locations"][0]
    so = _so(ns, world, [_line(item, 4)], orderStatus="B")
    assert ns.stock(item, loc) == 10
    r = ns.api(
        "POST",
        f"{REST}/salesOrder/{so}/!transform/itemFulfillment",
        {"item": {"items": [{"orderLine": 1, "quantity": 3}]}},
    )
    assert r.status_code == 204
    ful = int(r.headers["Location"].rsplit("/", 1)[1])
    assert r.headers["Location"] == f"http://localhost{REST}/itemfulfillment/{ful}"
    f = ns.record("itemFulfillment", ful)
    assert f["createdFrom"]["id"] == str(so) and f["shipStatus"] == {"id": "C", "refName": "Shipped"}
    assert [(ln["orderLine"], ln["quantity"]) for ln in f["item"]["items"]] == [(1, 3.0)]
    assert _status(ns, so)[1] == "Pending Billing/Partially Fulfilled"
    assert ns.stock(item, loc) == 7
    line = ns.record("salesOrder", so)["item"]["items"][0]
    assert (line["quantityFulfilled"], line["quantityCommitted"]) == (3.0, 1.0)
    r = ns.api(
        "POST",
        f"{REST}/salesOrder/{so}/!transform/itemFulfillment",
        {"item": {"items": [{"orderLine": 1, "quantity": 2}]}},
    )
    assert r.status_code == 400
    assert detail(r) == {
        "detail": "Error while accessing a resource. You cannot fulfill more than the remaining "
        "quantity (1) on line 1.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "item.items[0].quantity",
    }
    assert ns.api("POST", f"{REST}/salesOrder/{so}/!transform/itemFulfillment", {}).status_code == 204
    assert _status(ns, so)[1] == "Pending Billing"
    assert ns.stock(item, loc) == 6
    r = ns.api("POST", f"{REST}/salesOrder/{so}/!transform/invoice", {})
    assert r.status_code == 204
    inv = ns.record("invoice", int(r.headers["Location"].rsplit("/", 1)[1]))
    assert inv["item"]["items"][0]["quantity"] == 4.0 and inv["status"]["id"] == "Open"
    assert _status(ns, so)[1] == "Billed"
    r = ns.api("POST", f"{REST}/salesOrder/{so}/!transform/itemFulfillment", {})
    assert r.status_code == 400 and detail(r)["o:errorCode"] == "VALID_LINE_ITEM_REQD"


def test_pending_approval_order_cannot_be_fulfilled(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    so = _so(ns, world, [_line(world["items"]["inventory"][0], 1)])
    r = ns.api("POST", f"{REST}/salesOrder/{so}/!transform/itemFulfillment", {})
    assert r.status_code == 400
    assert detail(r)["detail"] == (
        "Error while accessing a resource. You cannot fulfill a sales order that is pending approval."
    )
    ns.act("approve_sales_order", {"id": so})
    assert ns.api("POST", f"{REST}/salesOrder/{so}/!transform/itemFulfillment", {}).status_code == 204


def test_mixed_digital_and_physical_order_fulfils_only_physical_lines(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    phys, svc, dl = (
        world["items"]["inventory"][0],
        world["items"]["service"][0],
        world["items"]["download"][0],
    )
    so = _so(ns, world, [_line(phys, 2), _line(svc, 1), _line(dl, 1)], orderStatus="B")
    r = ns.api("POST", f"{REST}/salesOrder/{so}/!transform/itemFulfillment", {})
    ful = ns.record("itemFulfillment", int(r.headers["Location"].rsplit("/", 1)[1]))
    assert [(ln["orderLine"], ln["itemType"]) for ln in ful["item"]["items"]] == [(1, "InvtPart")]
    assert _status(ns, so)[1] == "Pending Billing"
    digital_only = _so(ns, world, [_line(svc, 1), _line(dl, 1)], orderStatus="B")
    r = ns.api("POST", f"{REST}/salesOrder/{digital_only}/!transform/itemFulfillment", {})
    assert r.status_code == 400
    assert detail(r) == {
        "detail": "You must have at least one valid line item for this transaction.",
        "o:errorCode": "VALID_LINE_ITEM_REQD",
        "o:errorPath": "item",
    }
    assert ns.api("POST", f"{REST}/salesOrder/{digital_only}/!transform/invoice", {}).status_code == 204


def test_short_stock_is_refused_unless_negative_inventory_is_allowed(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    item, loc = world["items"]["inventory"][0], world["locations"][0]
    so = _so(ns, world, [_line(item, 12)], orderStatus="B")
    before = ns.state()
    r = ns.api("POST", f"{REST}/salesOrder/{so}/!transform/itemFulfillment", {})
    assert r.status_code == 400
    assert detail(r) == {
        "detail": "Error while accessing a resource. You only have 10 available. Please enter a "
        "different quantity.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "item.items[0].quantity",
    }
    after = ns.state()
    assert after["inventory"] == before["inventory"] and "itemFulfillment" not in after["records"]
    ns.act("set_preference", {"name": "allowNegativeInventory", "value": True})
    assert ns.api("POST", f"{REST}/salesOrder/{so}/!transform/itemFulfillment", {}).status_code == 204
    assert ns.stock(item, loc) == -2


def test_lot_items_need_inventory_detail_that_adds_up_and_lots_never_go_negative(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    lot_item, loc = world["items"]["lot"][0], world["locations"][0]
    acct = world["accounts"]["Inventory Adjustments"]
    body = {
        "account": ref(acct),
        "inventory": {"items": [{"item": ref(lot_item), "location": ref(loc), "adjustQtyBy": 5}]},
    }
    r = ns.api("POST", f"{REST}/inventoryAdjustment", body)
    assert r.status_code == 400 and "configure the inventory detail" in detail(r)["detail"]
    body["inventory"]["items"][0]["inventoryDetail"] = {
        "inventoryAssignment": {"items": [{"receiptInventoryNumber": "LOT-A", "quantity": 3}]}
    }
    r = ns.api("POST", f"{REST}/inventoryAdjustment", body)
    assert r.status_code == 400
    assert (
        detail(r)["detail"]
        == "Error while accessing a resource. The total inventory detail quantity must be 5."
    )
    body["inventory"]["items"][0]["inventoryDetail"]["inventoryAssignment"]["items"] = [
        {"receiptInventoryNumber": "LOT-A", "quantity": 3},
        {"receiptInventoryNumber": "LOT-B", "quantity": 2},
    ]
    assert ns.api("POST", f"{REST}/inventoryAdjustment", body).status_code == 204
    lots = {r["name"]: r["id"] for r in ns.state()["records"]["inventoryNumber"]}
    assert set(lots) == {"LOT-A", "LOT-B"}
    assert ns.record("inventoryNumber", lots["LOT-A"])["quantityOnHand"] == 3.0
    so = _so(ns, world, [_line(lot_item, 4)], orderStatus="B")
    # the client's own lots replace the detail NetSuite pre-fills (test_transforms.py has the add-on-top case)
    r = ns.api(
        "POST",
        f"{REST}/salesOrder/{so}/!transform/itemFulfillment?replace=inventoryAssignment",
        {
            "item": {
                "items": [
                    {
                        "orderLine": 1,
                        "quantity": 4,
                        "inventoryDetail": {
                            "inventoryAssignment": {
                                "items": [{"issueInventoryNumber": {"id": str(lots["LOT-A"])}, "quantity": 4}]
                            }
                        },
                    }
                ]
            }
        },
    )
    assert r.status_code == 400 and "lot LOT-A" in detail(r)["detail"]
    r = ns.api(
        "POST",
        f"{REST}/salesOrder/{so}/!transform/itemFulfillment?replace=inventoryAssignment",
        {
            "item": {
                "items": [
                    {
                        "orderLine": 1,
                        "quantity": 4,
                        "inventoryDetail": {
                            "inventoryAssignment": {
                                "items": [
                                    {"issueInventoryNumber": {"id": str(lots["LOT-A"])}, "quantity": 3},
                                    {"issueInventoryNumber": {"id": str(lots["LOT-B"])}, "quantity": 1},
                                ]
                            }
                        },
                    }
                ]
            }
        },
    )
    assert r.status_code == 204
    assert ns.record("inventoryNumber", lots["LOT-A"])["quantityOnHand"] == 0.0
    assert ns.stock(lot_item, loc) == 1


def test_deleting_a_fulfilment_returns_stock_and_reopens_the_order(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    item, loc = world["items"]["inventory"][0], world["locations"][0]
    so = _so(ns, world, [_line(item, 4)], orderStatus="B")
    r = ns.api("POST", f"{REST}/salesOrder/{so}/!transform/itemFulfillment", {})
    ful = int(r.headers["Location"].rsplit("/", 1)[1])
    assert ns.stock(item, loc) == 6
    assert ns.api("DELETE", f"{REST}/itemFulfillment/{ful}").status_code == 204
    assert ns.stock(item, loc) == 10
    assert _status(ns, so)[1] == "Pending Fulfillment"


def test_committed_and_available_follow_approval(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    item, loc = world["items"]["inventory"][0], world["locations"][0]
    so = _so(ns, world, [_line(item, 3)])
    got = ns.record("inventoryItem", item, fields="quantityOnHand,quantityCommitted,quantityAvailable")
    assert (got["quantityOnHand"], got["quantityCommitted"], got["quantityAvailable"]) == (20.0, 0.0, 20.0)
    ns.act("approve_sales_order", {"id": so})
    locs = {ln["location"]["id"]: ln for ln in ns.record("inventoryItem", item)["locations"]["items"]}
    assert (
        locs[str(loc)]["quantityOnHand"],
        locs[str(loc)]["quantityCommitted"],
        locs[str(loc)]["quantityAvailable"],
    ) == (10.0, 3.0, 7.0)
    q = ns.api(
        "POST",
        "/services/rest/query/v1/suiteql",
        {
            "q": f"SELECT quantityonhand, quantitycommitted, quantityavailable "
            f"FROM aggregateitemlocation WHERE item = {item} AND "
            f"location = {loc}"
        },
        headers={"Prefer": "transient"},
    )
    row = q.get_json()["items"][0]
    assert (row["quantityonhand"], row["quantitycommitted"], row["quantityavailable"]) == ("10", "3", "7")


def test_sku_rename_keeps_the_internal_id(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    item = world["items"]["inventory"][0]
    so = _so(ns, world, [_line(item, 1)])
    out = ns.act("rename_item_sku", {"id": item, "itemId": "NEW-SKU-1"})
    assert out["itemId"] == "NEW-SKU-1" and out["oldItemId"] != "NEW-SKU-1"
    assert ns.record("inventoryItem", item)["itemId"] == "NEW-SKU-1"
    assert ns.record("salesOrder", so)["item"]["items"][0]["item"]["refName"] == "NEW-SKU-1"


def test_purchase_order_receipt_and_bill(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    item, lot_item, loc = world["items"]["inventory"][0], world["items"]["lot"][0], world["locations"][0]
    po = ns.create(
        "purchaseOrder",
        {
            "entity": ref(world["vendors"][0]),
            "location": ref(loc),
            "item": {
                "items": [
                    {"item": ref(item), "quantity": 5, "rate": 2},
                    {"item": ref(lot_item), "quantity": 2, "rate": 3},
                ]
            },
        },
    )
    assert ns.record("purchaseOrder", po)["status"]["id"] == "Pending Receipt"
    r = ns.api(
        "POST",
        f"{REST}/purchaseOrder/{po}/!transform/itemReceipt",
        {"item": {"items": [{"orderLine": 1, "quantity": 6}]}},
    )
    assert r.status_code == 400 and "remaining quantity (5)" in detail(r)["detail"]
    r = ns.api(
        "POST",
        f"{REST}/purchaseOrder/{po}/!transform/itemReceipt",
        {"item": {"items": [{"orderLine": 1, "quantity": 5}, {"orderLine": 2, "itemReceive": False}]}},
    )
    assert r.status_code == 204
    assert ns.stock(item, loc) == 15
    assert ns.record("purchaseOrder", po)["status"]["id"] == "Pending Billing/Partially Received"
    r = ns.api(
        "POST",
        f"{REST}/purchaseOrder/{po}/!transform/itemReceipt",
        {
            "item": {
                "items": [
                    {
                        "orderLine": 2,
                        "quantity": 2,
                        "inventoryDetail": {
                            "inventoryAssignment": {
                                "items": [
                                    {
                                        "receiptInventoryNumber": "PO-LOT-1",
                                        "quantity": 2,
                                        "expirationDate": "2027-01-31",
                                    }
                                ]
                            }
                        },
                    }
                ]
            }
        },
    )
    assert r.status_code == 204
    assert ns.record("purchaseOrder", po)["status"]["id"] == "Pending Bill"
    r = ns.api("POST", f"{REST}/purchaseOrder/{po}/!transform/vendorBill", {})
    bill = ns.record("vendorBill", int(r.headers["Location"].rsplit("/", 1)[1]))
    assert bill["total"] == 16.0 and bill["status"]["id"] == "Open"
    assert ns.record("purchaseOrder", po)["status"]["id"] == "Fully Billed"


def test_a_bill_whose_po_lines_change_moves_the_pos_billed_quantities(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    """A bill is linked to its PO by its item lines (orderDoc/orderLine): an edit of those quantities, or lines
    replaced by expense lines (an AP sync rewriting an edited bill, seeds/002), gives the PO back what they billed."""
    service = world["items"]["service"][0]
    po = ns.create(
        "purchaseOrder",
        {
            "entity": ref(world["vendors"][0]),
            "item": {
                "items": [
                    {"item": ref(service), "quantity": 4, "rate": 25},
                    {"item": ref(service), "quantity": 1, "rate": 60},
                ]
            },
        },
    )
    bill = int(
        ns.api("POST", f"{REST}/purchaseOrder/{po}/!transform/vendorBill", {})
        .headers["Location"]
        .rsplit("/", 1)[1]
    )
    assert ns.record("purchaseOrder", po)["status"]["id"] == "Fully Billed"
    r = ns.api("PATCH", f"{REST}/vendorBill/{bill}", {"item": {"items": [{"line": 1, "quantity": 3}]}})
    assert r.status_code == 204, r.get_data(as_text=True)
    got = ns.record("purchaseOrder", po)
    assert ([ln["quantityBilled"] for ln in got["item"]["items"]], got["status"]["id"]) == (
        [3.0, 1.0],
        "Pending Bill",
    )
    r = ns.api(
        "PATCH",
        f"{REST}/vendorBill/{bill}?replace=item,expense",
        {
            "item": {"items": []},
            "expense": {
                "items": [
                    {
                        "account": ref(world["accounts"]["Office Supplies"]),
                        "amount": 145,
                        "memo": "edited in AP",
                    }
                ]
            },
        },
    )
    assert r.status_code == 204, r.get_data(as_text=True)
    edited = ns.record("vendorBill", bill)
    assert (edited["total"], edited["item"]["items"], edited["createdFrom"]["id"]) == (145.0, [], str(po))
    got = ns.record("purchaseOrder", po)
    assert ([ln["quantityBilled"] for ln in got["item"]["items"]], got["status"]["id"]) == (
        [0.0, 0.0],
        "Pending Bill",
    )
    again = ns.api(
        "POST", f"{REST}/purchaseOrder/{po}/!transform/vendorBill", {}
    )  # the PO is billable in full again
    assert again.status_code == 204 and ns.record("purchaseOrder", po)["status"]["id"] == "Fully Billed"
    assert ns.api("DELETE", f"{REST}/vendorBill/{bill}").status_code == 204  # it bills nothing from the PO
    assert ns.record("purchaseOrder", po)["status"]["id"] == "Fully Billed"


def test_assembly_build_from_work_order_consumes_components(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    comp, loc = world["items"]["inventory"][0], world["locations"][0]
    asm = ns.create(
        "assemblyItem",
        {
            "itemId": "KIT-1",
            "subsidiary": {"items": [ref(world["subsidiary"])]},
            "member": {"items": [{"item": ref(comp), "quantity": 2}]},
        },
    )
    wo = ns.create(
        "workOrder",
        {
            "assemblyItem": ref(asm),
            "quantity": 3,
            "location": ref(loc),
            "subsidiary": ref(world["subsidiary"]),
        },
    )
    r = ns.api("POST", f"{REST}/workOrder/{wo}/!transform/assemblyBuild", {"quantity": 4})
    assert r.status_code == 400 and "remaining quantity (3)" in detail(r)["detail"]
    assert (
        ns.api("POST", f"{REST}/workOrder/{wo}/!transform/assemblyBuild", {"quantity": 2}).status_code == 204
    )
    assert ns.stock(comp, loc) == 6 and ns.stock(asm, loc) == 2
    assert ns.record("workOrder", wo)["status"]["id"] == "In Process"
    assert ns.api("POST", f"{REST}/workOrder/{wo}/!transform/assemblyBuild", {}).status_code == 204
    assert ns.record("workOrder", wo)["status"]["id"] == "Built"
    assert ns.stock(comp, loc) == 4 and ns.stock(asm, loc) == 3


def test_bin_items_need_a_bin_at_the_location_and_quantities_that_add_up(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    loc, other = world["locations"]
    sub = {"items": [ref(world["subsidiary"])]}
    item = ns.create("inventoryItem", {"itemId": "BIN-ITEM", "useBins": True, "subsidiary": sub})
    b1 = ns.create("bin", {"binNumber": "A-01", "location": ref(loc)})
    elsewhere = ns.create("bin", {"binNumber": "Z-99", "location": ref(other)})
    acct = ref(world["accounts"]["Inventory Adjustments"])

    def adjust(assignments: list[dict[str, Any]], qty: float = 4) -> Any:
        return ns.api(
            "POST",
            f"{REST}/inventoryAdjustment",
            {
                "account": acct,
                "inventory": {
                    "items": [
                        {
                            "item": ref(item),
                            "location": ref(loc),
                            "adjustQtyBy": qty,
                            "inventoryDetail": {"inventoryAssignment": {"items": assignments}},
                        }
                    ]
                },
            },
        )

    r = adjust([{"quantity": 4}])
    assert r.status_code == 400 and "binNumber" in detail(r)["detail"]
    r = adjust([{"binNumber": ref(elsewhere), "quantity": 4}])
    assert r.status_code == 400
    assert detail(r)["detail"].endswith(f"Invalid bin number reference key {elsewhere} for location {loc}.")
    r = adjust([{"binNumber": ref(b1), "quantity": 3}])
    assert r.status_code == 400 and detail(r)["detail"].endswith("must be 4.")
    assert adjust([{"binNumber": ref(b1), "quantity": 4}]).status_code == 204
    bins = [(row["bin"], row["onHand"]) for row in ns.state()["inventory"] if row["item"] == item]
    assert bins == [(b1, 4.0)]


def test_return_authorization_receipt_puts_stock_back_and_credit_refunds(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    item, svc, loc = world["items"]["inventory"][0], world["items"]["service"][0], world["locations"][0]
    rma = ns.create(
        "returnAuthorization",
        {
            "entity": ref(world["customers"][0]),
            "location": ref(loc),
            "item": {
                "items": [
                    {"item": ref(item), "quantity": 2, "rate": 10},
                    {"item": ref(svc), "quantity": 1, "rate": 5},
                ]
            },
        },
    )
    assert ns.record("returnAuthorization", rma)["status"]["id"] == "Pending Approval"
    r = ns.api("POST", f"{REST}/returnAuthorization/{rma}/!transform/itemReceipt", {})
    assert r.status_code == 400 and "not pending receipt" in detail(r)["detail"]
    ns.api("PATCH", f"{REST}/returnAuthorization/{rma}", {"orderStatus": "B"})
    assert (
        ns.api(
            "POST",
            f"{REST}/returnAuthorization/{rma}/!transform/itemReceipt",
            {"item": {"items": [{"orderLine": 1, "quantity": 3}]}},
        ).status_code
        == 400
    )
    assert ns.api("POST", f"{REST}/returnAuthorization/{rma}/!transform/itemReceipt", {}).status_code == 204
    assert ns.stock(item, loc) == 12
    assert ns.record("returnAuthorization", rma)["status"]["id"] == "Pending Refund"
    r = ns.api("POST", f"{REST}/returnAuthorization/{rma}/!transform/creditMemo", {})
    memo = ns.record("creditMemo", int(r.headers["Location"].rsplit("/", 1)[1]))
    assert memo["total"] == 25.0 and memo["createdFrom"]["id"] == str(rma)
    assert ns.record("returnAuthorization", rma)["status"]["id"] == "Refunded"
    assert ns.stock(item, loc) == 12  # the credit memo of a received return moves no stock again


def test_inventory_transfer_moves_stock_between_locations_and_reverses_on_delete(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    item, (a, b) = world["items"]["inventory"][0], world["locations"]
    body = {
        "subsidiary": ref(world["subsidiary"]),
        "location": ref(a),
        "transferLocation": ref(b),
        "inventory": {"items": [{"item": ref(item), "adjustQtyBy": 4}]},
    }
    r = ns.api("POST", f"{REST}/inventoryTransfer", {**body, "transferLocation": ref(a)})
    assert r.status_code == 400 and detail(r)["o:errorPath"] == "transferLocation"
    r = ns.api(
        "POST",
        f"{REST}/inventoryTransfer",
        {**body, "inventory": {"items": [{"item": ref(item), "adjustQtyBy": 11}]}},
    )
    assert r.status_code == 400 and "You only have 10 available" in detail(r)["detail"]
    tid = ns.create("inventoryTransfer", body)
    assert (ns.stock(item, a), ns.stock(item, b)) == (6, 14)
    assert ns.api("DELETE", f"{REST}/inventoryTransfer/{tid}").status_code == 204
    assert (ns.stock(item, a), ns.stock(item, b)) == (10, 10)
