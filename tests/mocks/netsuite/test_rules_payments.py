"""Payments and credits: memo-only edits, instalments, bills pending approval and the approval-routing preference."""

from __future__ import annotations

from typing import Any

from .conftest import REST, NetSuiteDriver, detail, ref


def _invoice(ns: NetSuiteDriver, world: dict[str, Any], amount: float = 100) -> int:
    return ns.create(
        "invoice",
        {
            "entity": ref(world["customers"][0]),
            "item": {"items": [{"item": ref(world["items"]["service"][0]), "quantity": 1, "rate": amount}]},
        },
    )


def _bill(ns: NetSuiteDriver, world: dict[str, Any], amount: float = 100, **extra: Any) -> int:
    return ns.create(
        "vendorBill",
        {
            "entity": ref(world["vendors"][0]),
            "tranId": f"B-{amount}",
            **extra,
            "expense": {"items": [{"account": ref(world["accounts"]["Office Supplies"]), "amount": amount}]},
        },
    )


def _remaining(ns: NetSuiteDriver, rtype: str, rid: int) -> tuple[float, str]:
    got = ns.record(rtype, rid)
    return got["amountRemaining"], got["status"]["refName"]


def test_a_memo_edit_of_a_payment_that_paid_an_invoice_in_full_succeeds(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    inv = _invoice(ns, world)
    pay = ns.create(
        "customerPayment",
        {"customer": ref(world["customers"][0]), "payment": 100, "apply": {"items": [{"doc": ref(inv)}]}},
    )
    assert _remaining(ns, "invoice", inv) == (0.0, "Paid In Full")
    r = ns.api("PATCH", f"{REST}/customerPayment/{pay}", {"memo": "bank ref 42"})
    assert r.status_code == 204, r.get_data(as_text=True)
    assert ns.record("customerPayment", pay)["memo"] == "bank ref 42"
    assert _remaining(ns, "invoice", inv) == (0.0, "Paid In Full")


def test_a_memo_edit_of_a_credit_that_fully_applied_a_bill_succeeds(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    bill = _bill(ns, world, 30)
    credit = ns.create(
        "vendorCredit",
        {
            "entity": ref(world["vendors"][0]),
            "expense": {"items": [{"account": ref(world["accounts"]["Office Supplies"]), "amount": 30}]},
            "apply": {"items": [{"doc": ref(bill), "amount": 30}]},
        },
    )
    assert _remaining(ns, "vendorBill", bill) == (0.0, "Paid In Full")
    assert ns.api("PATCH", f"{REST}/vendorCredit/{credit}", {"memo": "returned goods"}).status_code == 204
    assert _remaining(ns, "vendorBill", bill) == (0.0, "Paid In Full")


def test_a_credit_memo_applies_in_instalments(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    inv = _invoice(ns, world)
    cm = ns.create(
        "creditMemo",
        {
            "entity": ref(world["customers"][0]),
            "item": {"items": [{"item": ref(world["items"]["service"][0]), "quantity": 1, "rate": 10}]},
            "apply": {"items": [{"doc": ref(inv), "amount": 5}]},
        },
    )
    got = ns.record("creditMemo", cm)
    assert (got["applied"], got["amountRemaining"], got["status"]["refName"]) == (5.0, 5.0, "Open")
    assert _remaining(ns, "invoice", inv) == (95.0, "Open")
    r = ns.api("PATCH", f"{REST}/creditMemo/{cm}", {"apply": {"items": [{"line": 1, "amount": 8}]}})
    assert r.status_code == 204, r.get_data(as_text=True)
    assert _remaining(ns, "invoice", inv) == (92.0, "Open")
    got = ns.record("creditMemo", cm)
    assert (got["applied"], got["amountRemaining"]) == (8.0, 2.0)
    r = ns.api("PATCH", f"{REST}/creditMemo/{cm}", {"apply": {"items": [{"line": 1, "amount": 11}]}})
    assert r.status_code == 400
    assert (
        detail(r)["detail"]
        == "Error while accessing a resource. The total applied (11.00) exceeds the amount (10.00)."
    )
    assert ns.api("DELETE", f"{REST}/creditMemo/{cm}").status_code == 204
    assert _remaining(ns, "invoice", inv) == (100.0, "Open")


def test_a_vendor_credit_applies_in_instalments(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    bill = _bill(ns, world, 50)
    credit = ns.create(
        "vendorCredit",
        {
            "entity": ref(world["vendors"][0]),
            "expense": {"items": [{"account": ref(world["accounts"]["Office Supplies"]), "amount": 10}]},
            "apply": {"items": [{"doc": ref(bill), "amount": 5}]},
        },
    )
    assert _remaining(ns, "vendorBill", bill) == (45.0, "Open")
    assert (
        ns.api(
            "PATCH", f"{REST}/vendorCredit/{credit}", {"apply": {"items": [{"line": 1, "amount": 8}]}}
        ).status_code
        == 204
    )
    assert _remaining(ns, "vendorBill", bill) == (42.0, "Open")
    got = ns.record("vendorCredit", credit)
    assert (got["applied"], got["unapplied"]) == (8.0, 2.0)


def test_a_bill_pending_approval_cannot_be_paid(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    bill = _bill(ns, world, 40, approvalStatus="1")
    assert ns.record("vendorBill", bill)["status"]["refName"] == "Pending Approval"
    r = ns.api(
        "POST",
        f"{REST}/vendorPayment",
        {"entity": ref(world["vendors"][0]), "apply": {"items": [{"doc": ref(bill)}]}},
    )
    assert r.status_code == 400
    assert detail(r) == {
        "detail": "Error while accessing a resource. Bill B-40 is pending approval and cannot be "
        "paid or credited until it is approved.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "apply.items[0].doc",
    }
    assert ns.api("PATCH", f"{REST}/vendorBill/{bill}", {"approvalStatus": "2"}).status_code == 204
    assert (
        ns.api(
            "POST",
            f"{REST}/vendorPayment",
            {"entity": ref(world["vendors"][0]), "apply": {"items": [{"doc": ref(bill)}]}},
        ).status_code
        == 204
    )
    assert _remaining(ns, "vendorBill", bill) == (0.0, "Paid In Full")


def test_approval_routing_decides_whether_new_bills_wait_for_approval(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    assert ns.record("vendorBill", _bill(ns, world, 10))["approvalStatus"]["id"] == "2"
    prefs = ns.act("set_preference", {"name": "vendorBillApprovalRouting", "value": True})
    assert prefs["vendorBillApprovalRouting"] is True
    waiting = ns.record("vendorBill", _bill(ns, world, 20))
    assert (waiting["approvalStatus"]["id"], waiting["status"]["refName"]) == ("1", "Pending Approval")
    # A bill sent as approved by a role allowed to approve stays approved.
    assert ns.record("vendorBill", _bill(ns, world, 30, approvalStatus="2"))["approvalStatus"]["id"] == "2"
