"""!transform invoice -> customerPayment, vendorBill -> vendorPayment, salesOrder -> returnAuthorization,
cashSale -> cashRefund."""

from __future__ import annotations

from typing import Any

from .conftest import REST, NetSuiteDriver, detail, ref


def _loc(r: Any) -> int:
    assert r.status_code == 204, r.get_data(as_text=True)
    return int(r.headers["Location"].rsplit("/", 1)[1])


def _invoice(ns: NetSuiteDriver, world: dict[str, Any], amount: float = 100) -> int:
    return ns.create(
        "invoice",
        {
            "entity": ref(world["customers"][0]),
            "item": {"items": [{"item": ref(world["items"]["service"][0]), "quantity": 1, "rate": amount}]},
        },
    )


def test_invoice_to_customer_payment_applies_the_amount_due(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    inv = _invoice(ns, world)
    r = ns.api("POST", f"{REST}/invoice/{inv}/!transform/customerPayment", {"payment": 30})
    assert r.headers["Location"].endswith(f"/customerpayment/{_loc(r)}")
    assert ns.record("invoice", inv)["amountRemaining"] == 70.0
    pay = _loc(ns.api("POST", f"{REST}/invoice/{inv}/!transform/customerPayment", {}))
    got = ns.record("customerPayment", pay)
    assert (got["customer"]["id"], got["payment"], got["applied"]) == (str(world["customers"][0]), 70.0, 70.0)
    assert [(ln["doc"]["id"], ln["amount"]) for ln in got["apply"]["items"]] == [(str(inv), 70.0)]
    assert ns.record("invoice", inv)["status"]["id"] == "Paid In Full"
    r = ns.api("POST", f"{REST}/invoice/{inv}/!transform/customerPayment", {})
    assert r.status_code == 400
    assert detail(r)["detail"] == (
        "Error while accessing a resource. You cannot accept a payment for an invoice that is paid in full."
    )


def test_vendor_bill_to_vendor_payment_pays_the_open_balance(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    bill = ns.create(
        "vendorBill",
        {
            "entity": ref(world["vendors"][0]),
            "tranId": "B-1",
            "expense": {"items": [{"account": ref(world["accounts"]["Office Supplies"]), "amount": 80}]},
        },
    )
    pay = _loc(
        ns.api(
            "POST",
            f"{REST}/vendorBill/{bill}/!transform/vendorPayment",
            {"account": ref(world["accounts"]["Checking"])},
        )
    )
    got = ns.record("vendorPayment", pay)
    assert (got["entity"]["id"], got["total"], got["account"]["refName"]) == (
        str(world["vendors"][0]),
        80.0,
        "Checking",
    )
    assert ns.record("vendorBill", bill)["status"]["id"] == "Paid In Full"
    r = ns.api("POST", f"{REST}/vendorBill/{bill}/!transform/vendorPayment", {})
    assert r.status_code == 400 and detail(r)["detail"].endswith(
        "You cannot pay a bill that is paid in full."
    )
    assert (
        ns.api("POST", f"{REST}/invoice/{bill}/!transform/customerPayment", {}).status_code == 400
    )  # wrong type


def test_sales_order_to_return_authorization_takes_what_shipped(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    item, loc = world["items"]["inventory"][0], world["locations"][0]
    so = ns.create(
        "salesOrder",
        {
            "entity": ref(world["customers"][0]),
            "orderStatus": "B",
            "location": ref(loc),
            "item": {"items": [{"item": ref(item), "quantity": 4, "rate": 10}]},
        },
    )
    r = ns.api("POST", f"{REST}/salesOrder/{so}/!transform/returnAuthorization", {})
    assert r.status_code == 400
    assert detail(r)["detail"].endswith(
        "You cannot authorize a return for a sales order that is pending fulfillment."
    )
    _loc(
        ns.api(
            "POST",
            f"{REST}/salesOrder/{so}/!transform/itemFulfillment",
            {"item": {"items": [{"orderLine": 1, "quantity": 3}]}},
        )
    )
    rma = _loc(
        ns.api(
            "POST",
            f"{REST}/salesOrder/{so}/!transform/returnAuthorization",
            {"item": {"items": [{"orderLine": 1, "quantity": 2}]}},
        )
    )
    got = ns.record("returnAuthorization", rma)
    assert (got["createdFrom"]["id"], got["status"]["id"], got["total"]) == (
        str(so),
        "Pending Approval",
        20.0,
    )
    assert [(ln["item"]["id"], ln["quantity"]) for ln in got["item"]["items"]] == [(str(item), 2.0)]
    r = ns.api(
        "POST",
        f"{REST}/salesOrder/{so}/!transform/returnAuthorization",
        {"item": {"items": [{"orderLine": 1, "quantity": 2}]}},
    )
    assert r.status_code == 400 and "remaining quantity (1)" in detail(r)["detail"]
    assert "_quantityReturned" not in ns.record("salesOrder", so)["item"]["items"][0]


def test_cash_sale_to_cash_refund_restocks_and_refunds_once(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    item, loc = world["items"]["inventory"][0], world["locations"][0]
    start = ns.stock(item, loc)
    sale = ns.create(
        "cashSale",
        {
            "entity": ref(world["customers"][0]),
            "location": ref(loc),
            "item": {"items": [{"item": ref(item), "quantity": 2, "rate": 15}]},
        },
    )
    assert ns.stock(item, loc) == start - 2
    refund = _loc(ns.api("POST", f"{REST}/cashSale/{sale}/!transform/cashRefund", {}))
    got = ns.record("cashRefund", refund)
    assert (got["createdFrom"]["id"], got["total"], got["entity"]["id"]) == (
        str(sale),
        30.0,
        str(world["customers"][0]),
    )
    assert ns.stock(item, loc) == start
    r = ns.api("POST", f"{REST}/cashSale/{sale}/!transform/cashRefund", {})
    assert r.status_code == 400 and detail(r)["o:errorCode"] == "VALID_LINE_ITEM_REQD"
    assert ns.api("DELETE", f"{REST}/cashRefund/{refund}").status_code == 204
    assert ns.stock(item, loc) == start - 2
    assert _loc(ns.api("POST", f"{REST}/cashSale/{sale}/!transform/cashRefund", {})) > refund
