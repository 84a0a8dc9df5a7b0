"""Payments, vendor credits, AR invoices and received payments: balances, statuses, voids."""

from __future__ import annotations

from typing import Any

from .conftest import BANK, ApDriver, err


def _payment(bill_id: str, amount: Any, day: str = "2026-01-05", **kw: Any) -> dict[str, Any]:
    return {"billId": bill_id, "amount": amount, "processDate": day, "fundingAccount": BANK, **kw}


def _pay(api: ApDriver, bill_id: str, amount: Any, day: str = "2026-01-05", **kw: Any) -> Any:
    return api.api("POST", "/payments", _payment(bill_id, amount, day, **kw))


def _bill(api: ApDriver, bid: str) -> dict[str, Any]:
    b: dict[str, Any] = api.ok("GET", f"/bills/{bid}")
    return b


def test_scheduled_payment_then_processed_then_voided(api: ApDriver) -> None:
    vid = api.vendor()["id"]
    bill = api.bill(vid, amounts=(100.0,))
    pay = api.ok("POST", "/payments", _payment(bill["id"], 40, "2026-01-07", description="Jan"))
    assert (pay["status"], pay["amount"], pay["onlinePayment"], pay["billPayments"][0]["billId"]) == (
        "SCHEDULED",
        40.0,
        True,
        bill["id"],
    )
    b = _bill(api, bill["id"])
    assert (b["paymentStatus"], b["scheduledAmount"], b["dueAmount"]) == ("SCHEDULED", 40.0, 100.0)
    assert err(_pay(api, bill["id"], 60.01)) == (
        400,
        "BDC_1281",
        "amount 60.01 exceeds the bill's open balance 60.00.",
    )
    assert err(_pay(api, bill["id"], 5, "2026-01-04"))[1] == "BDC_1107"
    assert err(_pay(api, bill["id"], 5, fundingAccount={"type": "WALLET", "id": "w1"}))[1] == "BDC_1107"
    assert api.act("process_payments") == {"paid": []}  # not due yet
    api.clock({"advance": "P2D"})
    api.login()  # two idle days ended the session
    assert api.act("process_payments") == {"paid": [pay["id"]]}
    b = _bill(api, bill["id"])
    assert (b["paymentStatus"], b["paidAmount"], b["dueAmount"]) == ("PARTIAL", 40.0, 60.0)
    voided = api.ok("POST", f"/payments/{pay['id']}/void")
    assert voided["status"] == "VOIDED"
    assert _bill(api, bill["id"])["paymentStatus"] == "UNPAID"
    assert err(api.api("POST", f"/payments/{pay['id']}/void")) == (
        400,
        "BDC_1290",
        "Only a PAID payment can be voided; this one is VOIDED.",
    )


def test_cancel_fail_and_pay_bill_actions(api: ApDriver) -> None:
    vid = api.vendor()["id"]
    bill = api.bill(vid, amounts=(80.0,))
    p1 = api.act("schedule_payment", {"billId": bill["id"], "amount": 30})
    assert err(api.api("POST", f"/payments/{p1['id']}/void"))[2].endswith(
        "Cancel a scheduled payment instead."
    )
    assert api.ok("POST", f"/payments/{p1['id']}/cancel")["status"] == "CANCELLED"
    p2 = api.act("schedule_payment", {"billId": bill["id"]})
    assert p2["amount"] == 80.0
    assert api.act("fail_payment", {"paymentId": p2["id"]})["status"] == "FAILED"
    assert _bill(api, bill["id"])["paymentStatus"] == "UNPAID"
    paid = api.act("pay_bill", {"billId": bill["id"]})
    assert (paid["status"], paid["amount"]) == ("PAID", 80.0)
    assert _bill(api, bill["id"])["paymentStatus"] == "PAID"
    assert err(api.api("POST", f"/bills/{bill['id']}/archive"))[1] == "BDC_1290"
    assert api.act("void_payment", {"paymentId": paid["id"]})["status"] == "VOIDED"
    assert _bill(api, bill["id"])["dueAmount"] == 80.0
    assert api.act("payment_totals") == {"CANCELLED": 30.0, "FAILED": 80.0, "VOIDED": 80.0}


def test_denied_bill_cannot_be_paid_online(api: ApDriver) -> None:
    bill = api.bill(api.vendor()["id"])
    api.act("reject_bill", {"billId": bill["id"]})
    assert err(_pay(api, bill["id"], 1))[1] == "BDC_1290"


def test_vendor_credits_applied_within_limits(api: ApDriver) -> None:
    vid = api.vendor()["id"]
    credit = api.ok(
        "POST",
        "/vendor-credits",
        {
            "vendorId": vid,
            "referenceNumber": "VC-1",
            "creditDate": "2026-01-05",
            "vendorCreditLineItems": [{"amount": 30}],
        },
    )
    assert (credit["creditStatus"], credit["remainingAmount"]) == ("NOT_APPLIED", 30.0)
    small = api.bill(vid, "B-1", (20.0,))
    # more than the bill balance
    r = api.api(
        "POST",
        "/bills/record-payment",
        {
            "vendorId": vid,
            "processDate": "2026-01-05",
            "toPrintCheck": False,
            "payments": [
                {"billId": small["id"], "amount": 0, "vendorCredits": [{"id": credit["id"], "amount": 25}]}
            ],
        },
    )
    assert err(r) == (
        400,
        "BDC_1281",
        "payments[0].vendorCredits[0].amount 25.00 exceeds the bill balance 20.00.",
    )
    rec = api.ok(
        "POST",
        "/bills/record-payment",
        {
            "vendorId": vid,
            "processDate": "2026-01-05",
            "toPrintCheck": True,
            "referenceId": "CHK-1",
            "payments": [
                {
                    "billId": small["id"],
                    "amount": 5,
                    "vendorCredits": [{"id": credit["id"], "amount": 15}],
                }
            ],
        },
    )
    assert (rec["status"], rec["amount"], rec["onlinePayment"], rec["vendorCredits"]) == (
        "PAID",
        5.0,
        False,
        [{"id": credit["id"], "billId": small["id"], "amount": 15.0}],
    )
    b = _bill(api, small["id"])
    assert (b["paymentStatus"], b["creditAmount"], b["paidAmount"], b["dueAmount"]) == (
        "PAID",
        15.0,
        5.0,
        0.0,
    )
    c = api.ok("GET", f"/vendor-credits/{credit['id']}")
    assert (c["creditStatus"], c["appliedAmount"], c["usage"]) == (
        "PARTIALLY_APPLIED",
        15.0,
        [{"billId": small["id"], "amount": 15.0}],
    )
    # more than the credit remaining (15 left), applied at bill creation
    r = api.api(
        "POST",
        "/bills",
        {
            "vendorId": vid,
            "dueDate": "2026-02-01",
            "invoice": {"invoiceNumber": "B-2", "invoiceDate": "2026-01-05"},
            "billLineItems": [{"amount": 100}],
            "vendorCredits": [{"id": credit["id"], "amount": 16}],
        },
    )
    assert err(r) == (400, "BDC_1281", "vendorCredits[0].amount 16.00 exceeds the credit remaining 15.00.")
    assert api.ok("GET", "/bills?filters=invoice.invoiceNumber:eq:B-2")["results"] == []
    # the credit of another vendor is refused
    other = api.vendor("Other")["id"]
    ob = api.bill(other, "O-1")
    r = api.api(
        "POST",
        "/bills/record-payment",
        {
            "vendorId": other,
            "processDate": "2026-01-05",
            "toPrintCheck": False,
            "payments": [
                {"billId": ob["id"], "amount": 0, "vendorCredits": [{"id": credit["id"], "amount": 1}]}
            ],
        },
    )
    assert err(r)[1] == "BDC_1107"
    # voiding the recorded payment gives the credit back
    api.ok("POST", f"/payments/{rec['id']}/void")
    c = api.ok("GET", f"/vendor-credits/{credit['id']}")
    assert (c["creditStatus"], c["remainingAmount"], c["usage"]) == ("NOT_APPLIED", 30.0, [])
    assert _bill(api, small["id"])["paymentStatus"] == "UNPAID"
    # a credit cannot shrink below what is applied, nor change once synced
    api.ok(
        "POST",
        "/bills",
        {
            "vendorId": vid,
            "dueDate": "2026-02-01",
            "invoice": {"invoiceNumber": "B-3", "invoiceDate": "2026-01-05"},
            "billLineItems": [{"amount": 100}],
            "vendorCredits": [{"id": credit["id"], "amount": 30}],
        },
    )
    r = api.api("PATCH", f"/vendor-credits/{credit['id']}", {"vendorCreditLineItems": [{"amount": 10}]})
    assert err(r) == (400, "BDC_1281", "The new amount 10.00 is less than the applied amount 30.00.")
    api.act("mark_synced", {"vendorCreditId": credit["id"]})
    assert (
        err(api.api("PATCH", f"/vendor-credits/{credit['id']}", {"referenceNumber": "VC-X"}))[1] == "BDC_1260"
    )


def test_record_payment_refusals(api: ApDriver) -> None:
    vid = api.vendor()["id"]
    bill = api.bill(vid, amounts=(10.0,))
    base = {"vendorId": vid, "processDate": "2026-01-05", "toPrintCheck": False}
    assert (
        err(
            api.api(
                "POST", "/bills/record-payment", {**base, "payments": [{"billId": bill["id"], "amount": 11}]}
            )
        )[1]
        == "BDC_1281"
    )
    assert (
        err(
            api.api(
                "POST", "/bills/record-payment", {**base, "payments": [{"billId": bill["id"], "amount": 0}]}
            )
        )[1]
        == "BDC_1107"
    )
    assert (
        err(
            api.api(
                "POST",
                "/bills/record-payment",
                {
                    "vendorId": vid,
                    "processDate": "2026-01-05",
                    "payments": [{"billId": bill["id"], "amount": 1}],
                },
            )
        )[1]
        == "BDC_1106"
    )
    two = [{"billId": bill["id"], "amount": 6}, {"billId": bill["id"], "amount": 6}]
    assert err(api.api("POST", "/bills/record-payment", {**base, "payments": two}))[1] == "BDC_1281"
    assert _bill(api, bill["id"])["paidAmount"] == 0.0  # all or nothing
    assert (
        err(api.api("POST", "/bills/record-payment", {**base, "currency": "GBP", "payments": two}))[1]
        == "BDC_1206"
    )


def test_invoices_and_received_payments(api: ApDriver) -> None:
    cust = api.ok("POST", "/customers", {"name": "Retail Co", "accountType": "BUSINESS"})["id"]
    inv = api.ok(
        "POST",
        "/invoices",
        {
            "customerId": cust,
            "invoiceNumber": "AR-1",
            "invoiceDate": "2026-01-05",
            "dueDate": "2026-02-04",
            "poNumber": "SO-9",
            "invoiceLineItems": [{"quantity": 2, "price": 25}, {"price": 10}],
        },
    )
    assert (inv["amount"], inv["paymentStatus"], inv["poNumber"]) == (60.0, "UNPAID", "SO-9")
    assert (
        err(
            api.api(
                "POST",
                "/invoices",
                {
                    "customerId": cust,
                    "invoiceNumber": "AR-1",
                    "invoiceDate": "2026-01-05",
                    "dueDate": "2026-02-04",
                    "invoiceLineItems": [{"price": 1}],
                },
            )
        )[1]
        == "BDC_1171"
    )
    assert (
        err(
            api.api(
                "POST",
                "/invoices",
                {
                    "customerId": cust,
                    "invoiceNumber": "AR-2",
                    "invoiceDate": "2026-01-05",
                    "dueDate": "2026-02-04",
                    "currency": "EUR",
                    "invoiceLineItems": [{"price": 1}],
                },
            )
        )[1]
        == "BDC_1206"
    )
    body = {
        "customerId": cust,
        "paymentDate": "2026-01-05",
        "paymentType": "CHECK",
        "invoices": [{"invoiceId": inv["id"], "amount": 60.01}],
    }
    assert err(api.api("POST", "/invoices/record-payment", body))[1] == "BDC_1281"
    body["invoices"] = [{"invoiceId": inv["id"], "amount": 20}]
    rp = api.ok("POST", "/invoices/record-payment", body)
    assert (rp["status"], rp["amount"], rp["invoicePayments"][0]["invoiceId"]) == ("PAID", 20.0, inv["id"])
    assert api.ok("GET", f"/invoices/{inv['id']}")["paymentStatus"] == "PARTIAL"
    api.act("mark_synced", {"invoiceId": inv["id"]})
    assert err(api.api("PATCH", f"/invoices/{inv['id']}", {"description": "x"})) == (
        400,
        "BDC_1260",
        "Once an invoice has synced with the accounting system it can't be edited in BILL.",
    )
    assert api.ok("POST", f"/receivable-payments/{rp['id']}/void")["status"] == "VOIDED"
    got = api.ok("GET", f"/invoices/{inv['id']}")
    assert (got["paymentStatus"], got["dueAmount"]) == ("UNPAID", 60.0)
    assert [p["id"] for p in api.ok("GET", "/receivable-payments")["results"]] == [rp["id"]]


def test_banks(api: ApDriver) -> None:
    assert api.ok("GET", "/funding-accounts/banks")[0]["id"] == BANK["id"]
