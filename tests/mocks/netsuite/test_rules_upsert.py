"""Upsert idempotency (a repeated PUT eid:X?replace=<sublist> changes nothing) and Pending Fulfillment order edits."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import REST, NetSuiteDriver, detail, ref


def _bodies(world: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """One body per record type, with the sublist a client replaces."""
    cust, vendor = world["customers"][0], world["vendors"][0]
    inv, lot, svc = world["items"]["inventory"][0], world["items"]["lot"][0], world["items"]["service"][0]
    loc, loc2 = world["locations"]
    acct = world["accounts"]
    return {
        "customer": (
            "addressBook",
            {
                "companyName": "Upsert Co",
                "subsidiary": ref(1),
                "addressBook": {"items": [{"label": "HQ", "defaultBilling": True}]},
            },
        ),
        "salesOrder": (
            "item",
            {
                "entity": ref(cust),
                "orderStatus": "B",
                "location": ref(loc),
                "item": {
                    "items": [
                        {"item": ref(inv), "quantity": 2, "rate": 10},
                        {"item": ref(svc), "quantity": 1, "rate": 5},
                    ]
                },
            },
        ),
        "invoice": (
            "item",
            {"entity": ref(cust), "item": {"items": [{"item": ref(svc), "quantity": 1, "rate": 7}]}},
        ),
        "purchaseOrder": (
            "item",
            {
                "entity": ref(vendor),
                "location": ref(loc),
                "item": {"items": [{"item": ref(inv), "quantity": 3, "rate": 4}]},
            },
        ),
        "vendorBill": (
            "expense",
            {
                "entity": ref(vendor),
                "tranId": "VB-UP",
                "expense": {"items": [{"account": ref(acct["Office Supplies"]), "amount": 12}]},
            },
        ),
        "journalEntry": (
            "line",
            {
                "subsidiary": ref(1),
                "line": {
                    "items": [
                        {"account": ref(acct["Checking"]), "debit": 10},
                        {"account": ref(acct["Sales"]), "credit": 10},
                    ]
                },
            },
        ),
        "inventoryAdjustment": (
            "inventory",
            {
                "account": ref(acct["Inventory Adjustments"]),
                "subsidiary": ref(1),
                "inventory": {
                    "items": [
                        {"item": ref(inv), "location": ref(loc), "adjustQtyBy": -2},
                        {
                            "item": ref(lot),
                            "location": ref(loc),
                            "adjustQtyBy": 3,
                            "inventoryDetail": {
                                "inventoryAssignment": {
                                    "items": [{"receiptInventoryNumber": "LOT-UP", "quantity": 3}]
                                }
                            },
                        },
                    ]
                },
            },
        ),
        "inventoryTransfer": (
            "inventory",
            {
                "subsidiary": ref(1),
                "location": ref(loc),
                "transferLocation": ref(loc2),
                "inventory": {"items": [{"item": ref(inv), "adjustQtyBy": 1}]},
            },
        ),
    }


@pytest.mark.parametrize(
    "rtype",
    [
        "customer",
        "salesOrder",
        "invoice",
        "purchaseOrder",
        "vendorBill",
        "journalEntry",
        "inventoryAdjustment",
        "inventoryTransfer",
    ],
)
def test_a_repeated_replace_upsert_with_the_same_body_changes_nothing(
    ns: NetSuiteDriver, world: dict[str, Any], rtype: str
) -> None:
    sublist, body = _bodies(world)[rtype]
    path = f"{REST}/{rtype}/eid:UP-{rtype}?replace={sublist}"
    first = ns.api("PUT", path, body)
    assert first.status_code == 204, first.get_data(as_text=True)
    rid = int(first.headers["Location"].rsplit("/", 1)[1])
    before, stock = ns.record(rtype, rid), ns.state()["inventory"]
    again = ns.api("PUT", path, body)
    assert again.status_code == 204, again.get_data(as_text=True)
    assert again.headers["Location"] == first.headers["Location"]
    after = ns.record(rtype, rid)
    assert after[sublist] == before[sublist]
    assert after.get("lastModifiedDate") == before.get("lastModifiedDate")
    assert ns.state()["inventory"] == stock


def test_an_approved_partly_fulfilled_order_upserts_idempotently(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    sublist, body = _bodies(world)["salesOrder"]
    path = f"{REST}/salesOrder/eid:UP-SO-F?replace=item"
    so = int(ns.api("PUT", path, body).headers["Location"].rsplit("/", 1)[1])
    r = ns.api(
        "POST",
        f"{REST}/salesOrder/{so}/!transform/itemFulfillment",
        {"item": {"items": [{"orderLine": 1, "quantity": 1}]}},
    )
    assert r.status_code == 204, r.get_data(as_text=True)
    assert ns.record("salesOrder", so)["status"]["id"] == "Pending Billing/Partially Fulfilled"
    again = ns.api("PUT", path, body)
    assert again.status_code == 204, again.get_data(as_text=True)
    lines = ns.record("salesOrder", so)["item"]["items"]
    assert [(ln["line"], ln["quantity"], ln["quantityFulfilled"]) for ln in lines] == [(1, 2, 1), (2, 1, 0)]


def _approved(ns: NetSuiteDriver, world: dict[str, Any], qty: float = 4) -> int:
    inv, loc = world["items"]["inventory"][0], world["locations"][0]
    return ns.create(
        "salesOrder",
        {
            "entity": ref(world["customers"][0]),
            "orderStatus": "B",
            "location": ref(loc),
            "item": {"items": [{"item": ref(inv), "quantity": qty, "rate": 10}]},
        },
    )


def test_a_pending_fulfillment_order_takes_new_lines_and_quantity_changes(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    i1, i2 = world["items"]["inventory"]
    so = _approved(ns, world)
    assert (
        ns.api(
            "PATCH", f"{REST}/salesOrder/{so}", {"item": {"items": [{"line": 1, "quantity": 6}]}}
        ).status_code
        == 204
    )
    r = ns.api(
        "PATCH", f"{REST}/salesOrder/{so}", {"item": {"items": [{"item": ref(i2), "quantity": 1, "rate": 3}]}}
    )
    assert r.status_code == 204, r.get_data(as_text=True)
    rec = ns.record("salesOrder", so)
    assert [
        (ln["line"], ln["quantity"], ln["quantityCommitted"], ln["quantityFulfilled"])
        for ln in rec["item"]["items"]
    ] == [(1, 6, 6, 0), (2, 1, 1, 0)]
    assert rec["status"]["id"] == "Pending Fulfillment" and rec["total"] == 63
    # Lines without fulfilment can be dropped by a replace.
    r = ns.api("PATCH", f"{REST}/salesOrder/{so}?replace=item", {"item": {"items": [{"line": 1}]}})
    assert r.status_code == 204, r.get_data(as_text=True)
    assert [ln["item"]["id"] for ln in ns.record("salesOrder", so)["item"]["items"]] == [str(i1)]


def test_a_fulfilled_quantity_bounds_what_an_edit_may_do(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    i2 = world["items"]["inventory"][1]
    so = _approved(ns, world)
    ns.api(
        "POST",
        f"{REST}/salesOrder/{so}/!transform/itemFulfillment",
        {"item": {"items": [{"orderLine": 1, "quantity": 3}]}},
    )
    r = ns.api("PATCH", f"{REST}/salesOrder/{so}", {"item": {"items": [{"line": 1, "quantity": 2}]}})
    assert r.status_code == 400
    assert detail(r) == {
        "detail": "Error while accessing a resource. You cannot reduce the quantity of line 1 below "
        "its fulfilled quantity (3).",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "item.items[0].quantity",
    }
    r = ns.api("PATCH", f"{REST}/salesOrder/{so}", {"item": {"items": [{"line": 1, "item": ref(i2)}]}})
    assert r.status_code == 400 and detail(r)["o:errorPath"] == "item.items[0].item"
    r = ns.api(
        "PATCH",
        f"{REST}/salesOrder/{so}?replace=item",
        {"item": {"items": [{"item": ref(i2), "quantity": 1}]}},
    )
    assert r.status_code == 400
    assert detail(r)["detail"] == (
        "Error while accessing a resource. Line 1 has been fulfilled or billed and cannot be removed."
    )
    # Down to exactly the fulfilled quantity is fine: the order is then fully fulfilled (Pending Billing).
    assert (
        ns.api(
            "PATCH", f"{REST}/salesOrder/{so}", {"item": {"items": [{"line": 1, "quantity": 3}]}}
        ).status_code
        == 204
    )
    assert ns.record("salesOrder", so)["status"]["id"] == "Pending Billing"


def test_the_fulfilled_lines_of_a_billed_order_are_frozen(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    so = _approved(ns, world, qty=2)
    ns.api("POST", f"{REST}/salesOrder/{so}/!transform/itemFulfillment", {})
    assert ns.api("POST", f"{REST}/salesOrder/{so}/!transform/invoice", {}).status_code == 204
    assert ns.record("salesOrder", so)["status"]["id"] == "Billed"
    r = ns.api("PATCH", f"{REST}/salesOrder/{so}", {"item": {"items": [{"line": 1, "rate": 12}]}})
    assert r.status_code == 400
    assert detail(r) == {
        "detail": "Error while accessing a resource. You cannot change line 1 of a billed sales "
        "order: it has been fulfilled.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "item.items[0].rate",
    }
    assert ns.api("PATCH", f"{REST}/salesOrder/{so}", {"memo": "billed, noted"}).status_code == 204
