"""References NetSuite refuses: inactive records, summary accounts, a COGS account on a bill's expense line."""

from __future__ import annotations

from typing import Any

from .conftest import REST, NetSuiteDriver, detail, ref


def _so(ns: NetSuiteDriver, world: dict[str, Any], **extra: Any) -> Any:
    return ns.api(
        "POST",
        f"{REST}/salesOrder",
        {
            "entity": ref(world["customers"][0]),
            "orderStatus": "B",
            "location": ref(world["locations"][0]),
            **extra,
            "item": {"items": [{"item": ref(world["items"]["inventory"][0]), "quantity": 1}]},
        },
    )


def _refused(r: Any, field: str, rid: int, path: str) -> None:
    assert r.status_code == 400, r.get_data(as_text=True)
    assert detail(r) == {
        "detail": f"Invalid {field} reference key {rid}.",
        "o:errorCode": "INVALID_KEY_OR_REF",
        "o:errorPath": path,
    }


def test_a_disabled_location_is_refused_on_new_transactions(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    loc = world["locations"][0]
    so = int(_so(ns, world).headers["Location"].rsplit("/", 1)[1])
    assert ns.api("PATCH", f"{REST}/location/{loc}", {"isInactive": True}).status_code == 204
    _refused(_so(ns, world), "location", loc, "location")
    r = ns.api(
        "POST",
        f"{REST}/inventoryAdjustment",
        {
            "account": ref(world["accounts"]["Inventory Adjustments"]),
            "inventory": {
                "items": [
                    {"item": ref(world["items"]["inventory"][0]), "location": ref(loc), "adjustQtyBy": 1}
                ]
            },
        },
    )
    _refused(r, "location", loc, "inventory.items[0].location")
    # The order made before keeps its location: a memo edit does not re-check unchanged references.
    assert ns.api("PATCH", f"{REST}/salesOrder/{so}", {"memo": "still fine"}).status_code == 204


def test_inactive_items_and_customers_are_refused(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    item, cust = world["items"]["inventory"][0], world["customers"][0]
    ns.api("PATCH", f"{REST}/inventoryItem/{item}", {"isInactive": True})
    _refused(_so(ns, world), "item", item, "item.items[0].item")
    ns.api("PATCH", f"{REST}/inventoryItem/{item}", {"isInactive": False})
    ns.api("PATCH", f"{REST}/customer/{cust}", {"isInactive": True})
    _refused(_so(ns, world), "entity", cust, "entity")
    ns.api("PATCH", f"{REST}/customer/{cust}", {"isInactive": False})
    assert _so(ns, world).status_code == 204


def test_summary_accounts_take_no_postings(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    summary, child = world["accounts"]["Operating Expenses"], world["accounts"]["Office Supplies"]
    r = ns.api(
        "POST",
        f"{REST}/journalEntry",
        {
            "line": {
                "items": [
                    {"account": ref(summary), "debit": 5},
                    {"account": ref(world["accounts"]["Checking"]), "credit": 5},
                ]
            }
        },
    )
    _refused(r, "account", summary, "line.items[0].account")
    r = ns.api(
        "POST",
        f"{REST}/vendorBill",
        {
            "entity": ref(world["vendors"][0]),
            "tranId": "S-1",
            "expense": {"items": [{"account": ref(summary), "amount": 5}]},
        },
    )
    _refused(r, "account", summary, "expense.items[0].account")
    assert (
        ns.api(
            "POST",
            f"{REST}/vendorBill",
            {
                "entity": ref(world["vendors"][0]),
                "tranId": "S-2",
                "expense": {"items": [{"account": ref(child), "amount": 5}]},
            },
        ).status_code
        == 204
    )


def test_a_cogs_account_is_refused_on_a_bill_expense_line(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    cogs = world["accounts"]["Cost of Goods Sold"]
    r = ns.api(
        "POST",
        f"{REST}/vendorBill",
        {
            "entity": ref(world["vendors"][0]),
            "tranId": "C-1",
            "expense": {
                "items": [
                    {"account": ref(world["accounts"]["Office Supplies"]), "amount": 5},
                    {"account": ref(cogs), "amount": 7},
                ]
            },
        },
    )
    _refused(r, "account", cogs, "expense.items[1].account")
    assert ns.state()["records"].get("vendorBill") is None
    # A journal may still post to COGS: only the bill's Expenses sublist leaves it out.
    assert (
        ns.api(
            "POST",
            f"{REST}/journalEntry",
            {
                "line": {
                    "items": [
                        {"account": ref(cogs), "debit": 5},
                        {"account": ref(world["accounts"]["Inventory Asset"]), "credit": 5},
                    ]
                }
            },
        ).status_code
        == 204
    )
