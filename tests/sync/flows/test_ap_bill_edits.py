"""ap-bills: a NetSuite bill synced to AP and edited there (seeds/002). The edit reaches NetSuite on the next pass:
the bill is rewritten from AP's lines, so a bill billed from a purchase order is unlinked from it (no item line
refers to the PO any more, and the PO is billable again); an unedited bill stays NetSuite's."""

from __future__ import annotations

from typing import Any

from tests.sync.conftest import World
from tests.sync.flows.ap_world import ApWorld, ap_call, ap_list, seed_ap_world
from tests.sync.flows.qms_world import ns_client, ns_get, seed_ns


def _po_bill(world: World, w: ApWorld) -> tuple[str, str]:
    """A NetSuite purchase order of two lines (consulting 4 x 25, travel 1 x 60) billed in full: (PO, bill)."""
    items = seed_ns(
        world,
        {
            "nonInventorySaleItem": [
                {"itemId": "CONSULT", "subsidiary": {"items": [{"id": w.subsidiary}]}},
                {"itemId": "TRAVEL", "subsidiary": {"items": [{"id": w.subsidiary}]}},
            ]
        },
    )["nonInventorySaleItem"]
    po = seed_ns(
        world,
        {
            "purchaseOrder": [
                {
                    "entity": {"id": w.vendor},
                    "tranId": "PO-1042",
                    "tranDate": "2026-01-05",
                    "orderStatus": "B",
                    "item": {
                        "items": [
                            {"item": {"id": items[0]}, "quantity": 4, "rate": 25},
                            {"item": {"id": items[1]}, "quantity": 1, "rate": 60},
                        ]
                    },
                }
            ]
        },
    )["purchaseOrder"][0]
    bill = ns_client(world).transform(
        "purchaseOrder",
        po,
        "vendorBill",
        {"tranId": "B-77", "tranDate": "2026-01-05", "dueDate": "2026-02-04"},
    )
    return po, bill


def _linked(world: World, bill: str, po: str) -> list[tuple[Any, Any]]:
    """(orderDoc, orderLine) of the NetSuite bill's item lines that bill the purchase order."""
    lines = ns_get(world, "vendorBill", bill).get("item", {}).get("items", [])
    return [
        ((ln.get("orderDoc") or {}).get("id"), ln.get("orderLine"))
        for ln in lines
        if (ln.get("orderDoc") or {}).get("id") == po
    ]


def test_a_po_bill_edited_in_ap_is_rewritten_in_netsuite_and_unlinked_from_the_po(
    fresh: World, make_engine: Any
) -> None:
    w = seed_ap_world(fresh)
    po, bill = _po_bill(fresh, w)
    assert ns_get(fresh, "purchaseOrder", po)["status"]["id"] == "Fully Billed"
    engine = make_engine(flows="ap-vendors,ap-bills", ap_expense_account=w.accounts["6000"])
    engine.run_pass()
    [ap_bill] = ap_list(fresh, "/bills")
    assert (ap_bill["poNumber"], ap_bill["amount"], ap_bill["synced"], ap_bill["externalId"]) == (
        "PO-1042",
        160,
        True,
        bill,
    )
    assert _linked(fresh, bill, po) == [(po, 1), (po, 2)]
    assert engine.run_pass().stats.counts == {}  # nothing edited in AP: NetSuite stays the bill's master
    # an AP clerk corrects the travel line: BILL accepts the edit and unlinks the bill from the PO
    edited = ap_call(
        fresh,
        "PATCH",
        f"/bills/{ap_bill['id']}",
        {
            "billLineItems": [
                {"amount": 100, "description": "CONSULT x 4"},
                {
                    "amount": 45,
                    "description": "TRAVEL x 1",
                    "classifications": {"chartOfAccountId": w.ap_accounts["6100"]},
                },
            ]
        },
    )
    assert (edited["poNumber"], edited["amount"]) == (None, 145)
    result = engine.run_pass()
    assert result.stats.counts == {"ap-bills": {"written": 1}}
    ns_bill = ns_get(fresh, "vendorBill", bill)
    assert (ns_bill["total"], ns_bill["tranId"], ns_bill["dueDate"]) == (145, "B-77", "2026-02-04")
    assert [(ln["account"]["id"], ln["amount"], ln.get("memo")) for ln in ns_bill["expense"]["items"]] == [
        (w.accounts["6000"], 100, "CONSULT x 4"),
        (w.accounts["6100"], 45, "TRAVEL x 1"),
    ]
    assert _linked(fresh, bill, po) == [] and ns_bill.get("item", {}).get("items", []) == []
    po_now = ns_get(fresh, "purchaseOrder", po)
    assert [ln["quantityBilled"] for ln in po_now["item"]["items"]] == [0, 0]
    assert po_now["status"]["id"] == "Pending Bill"
    assert engine.state.result(f"ap-bill:{ap_bill['id']}") == {"netsuite": bill, "editedInAp": True}
    assert engine.run_pass().stats.counts == {}  # the edit is written once
    assert len(ap_list(fresh, "/bills")) == 1


def test_an_ap_edit_without_a_netsuite_account_is_parked_until_the_line_has_one(
    fresh: World, make_engine: Any
) -> None:
    w = seed_ap_world(fresh)
    po, bill = _po_bill(fresh, w)
    engine = make_engine(flows="ap-vendors,ap-bills")
    engine.run_pass()
    [ap_bill] = ap_list(fresh, "/bills")
    assert ap_call(fresh, "PATCH", f"/bills/{ap_bill['id']}", {"dueDate": "2026-03-01"})["poNumber"] is None
    engine.run_pass()
    [parked] = engine.state.exceptions()
    assert (parked.category, parked.records) == (
        "validation_error",
        {"apBill": ap_bill["id"], "invoiceNumber": "B-77", "apAccount": None},
    )
    assert (
        parked.summary
        == "no NetSuite account numbered (none) for an AP line and no ERPSIM_SYNC_AP_EXPENSE_ACCOUNT"
    )
    assert _linked(fresh, bill, po) == [(po, 1), (po, 2)]  # nothing half-written in NetSuite
    assert ns_get(fresh, "vendorBill", bill)["dueDate"] == "2026-02-04"
    # the clerk codes the lines to an account AP shares with NetSuite: the edit lands, the exception is resolved
    coded = {"chartOfAccountId": w.ap_accounts["6000"]}
    ap_call(
        fresh,
        "PATCH",
        f"/bills/{ap_bill['id']}",
        {
            "billLineItems": [
                {"amount": 100, "description": "CONSULT x 4", "classifications": coded},
                {"amount": 60, "description": "TRAVEL x 1", "classifications": coded},
            ]
        },
    )
    assert engine.run_pass().stats.counts == {"ap-bills": {"written": 1}}
    assert engine.state.exceptions() == []
    ns_bill = ns_get(fresh, "vendorBill", bill)
    assert (ns_bill["dueDate"], ns_bill["total"], _linked(fresh, bill, po)) == ("2026-03-01", 160, [])


def test_an_edit_of_a_bill_from_netsuite_without_a_po_follows_too(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    bill = seed_ns(
        fresh,
        {
            "vendorBill": [
                {
                    "entity": {"id": w.vendor},
                    "tranId": "B-5",
                    "tranDate": "2026-01-05",
                    "dueDate": "2026-02-04",
                    "expense": {
                        "items": [{"account": {"id": w.accounts["6000"]}, "amount": 80, "memo": "paper"}]
                    },
                }
            ]
        },
    )["vendorBill"][0]
    engine = make_engine(flows="ap-vendors,ap-bills")
    engine.run_pass()
    [ap_bill] = ap_list(fresh, "/bills")
    assert ap_bill["poNumber"] is None
    ap_call(
        fresh,
        "PATCH",
        f"/bills/{ap_bill['id']}",
        {"description": "paper, Jan", "invoice": {"invoiceNumber": "B-5A", "invoiceDate": "2026-01-05"}},
    )
    assert engine.run_pass().stats.counts == {"ap-bills": {"written": 1}}
    ns_bill = ns_get(fresh, "vendorBill", bill)
    assert (ns_bill["tranId"], ns_bill["memo"], ns_bill["total"]) == ("B-5A", "paper, Jan", 80)
    assert [(ln["account"]["id"], ln["amount"], ln.get("memo")) for ln in ns_bill["expense"]["items"]] == [
        (w.accounts["6000"], 80, "paper")
    ]
    assert engine.run_pass().stats.counts == {}
