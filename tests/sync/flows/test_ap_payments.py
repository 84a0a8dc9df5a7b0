"""ap-payments: AP bill payments reach NetSuite once paid, voids undo them; AP vendor credits reach NetSuite
applied as they are applied in AP, re-entered when their applications change."""

from __future__ import annotations

from typing import Any

from tests.sync.conftest import World
from tests.sync.flows.ap_world import ApWorld, ap_call, seed_ap_world
from tests.sync.flows.qms_world import ns_get, suiteql, writes_during

FLOWS = "ap-vendors,ap-bills,ap-payments"


def _bill(world: World, engine: Any, w: ApWorld, number: str, amount: float) -> tuple[str, str]:
    """An AP bill of Paper Co, synced to NetSuite: (AP id, NetSuite id)."""
    vendor = engine.state.mapped("netsuite", "vendor", w.vendor)
    bill = ap_call(
        world,
        "POST",
        "/bills",
        {
            "vendorId": vendor,
            "invoice": {"invoiceNumber": number, "invoiceDate": "2026-01-05"},
            "dueDate": "2026-02-04",
            "billLineItems": [
                {"amount": amount, "classifications": {"chartOfAccountId": w.ap_accounts["6000"]}}
            ],
        },
    )
    engine.run_pass()
    return str(bill["id"]), str(engine.state.mapped("ap", "bill", bill["id"]))


def _payments(world: World) -> list[tuple[Any, ...]]:
    rows = suiteql(world, "SELECT id FROM transaction WHERE type = 'VendPymt' ORDER BY id")
    out = []
    for row in rows:
        p = ns_get(world, "vendorPayment", str(row["id"]))
        out.append(
            (
                p.get("externalId"),
                p["entity"]["id"],
                p["account"]["id"],
                p["total"],
                [(a["doc"]["id"], a["amount"]) for a in p["apply"]["items"]],
            )
        )
    return out


def test_paid_payments_post_and_voids_reopen_the_bill(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    engine = make_engine(flows=FLOWS)
    engine.run_pass()
    ap_bill, ns_bill = _bill(fresh, engine, w, "INV-1", 300)
    scheduled = fresh.act("ap", "schedule_payment", {"billId": ap_bill, "amount": 100})
    assert engine.run_pass().stats.counts.get("ap-payments") == {"skipped": 1}
    assert _payments(fresh) == []
    fresh.act("ap", "process_payments")
    paid = fresh.act("ap", "pay_bill", {"billId": ap_bill, "amount": 200})
    engine.run_pass()
    assert _payments(fresh) == [
        (f"ap-pay-{scheduled['id']}", w.vendor, w.accounts["1000"], 100, [(ns_bill, 100)]),
        (f"ap-pay-{paid['id']}", w.vendor, w.accounts["1000"], 200, [(ns_bill, 200)]),
    ]
    assert ns_get(fresh, "vendorBill", ns_bill)["status"]["id"] == "Paid In Full"
    assert writes_during(fresh, engine.run_pass) == []
    fresh.act("ap", "void_payment", {"paymentId": paid["id"]})
    engine.run_pass()
    assert [p[0] for p in _payments(fresh)] == [f"ap-pay-{scheduled['id']}"]
    reopened = ns_get(fresh, "vendorBill", ns_bill)
    assert (reopened["status"]["id"], reopened["amountRemaining"]) == ("Open", 200)
    assert engine.run_pass().stats.counts == {}


def test_a_payment_voided_before_it_synced_never_posts(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    engine = make_engine(flows=FLOWS)
    engine.run_pass()
    ap_bill, _ = _bill(fresh, engine, w, "INV-2", 50)
    paid = fresh.act("ap", "pay_bill", {"billId": ap_bill})
    fresh.act("ap", "void_payment", {"paymentId": paid["id"]})
    engine.run_pass()
    assert _payments(fresh) == []
    assert engine.state.result(f"ap-payment:{paid['id']}") == {"skipped": "voided before it reached NetSuite"}


def test_mutant_no_void_sync_leaves_a_voided_payment_in_netsuite(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    engine = make_engine(flows=FLOWS, mutant="no-void-sync")
    engine.run_pass()
    ap_bill, ns_bill = _bill(fresh, engine, w, "INV-4", 80)
    paid = fresh.act("ap", "pay_bill", {"billId": ap_bill})
    engine.run_pass()
    fresh.act("ap", "void_payment", {"paymentId": paid["id"]})
    engine.run_pass()
    assert [p[0] for p in _payments(fresh)] == [f"ap-pay-{paid['id']}"]
    assert ns_get(fresh, "vendorBill", ns_bill)["status"]["id"] == "Paid In Full"


def test_mutant_no_credit_applications_leaves_the_credit_unapplied(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    engine = make_engine(flows=FLOWS, mutant="no-credit-applications")
    engine.run_pass()
    vendor = engine.state.mapped("netsuite", "vendor", w.vendor)
    credit = ap_call(
        fresh,
        "POST",
        "/vendor-credits",
        {
            "vendorId": vendor,
            "referenceNumber": "VC-9",
            "creditDate": "2026-01-05",
            "vendorCreditLineItems": [
                {"amount": 30, "classifications": {"chartOfAccountId": w.ap_accounts["6000"]}}
            ],
        },
    )
    ap_bill, ns_bill = _bill(fresh, engine, w, "INV-9", 100)
    ap_call(
        fresh,
        "POST",
        "/bills/record-payment",
        {
            "vendorId": vendor,
            "processDate": "2026-01-05",
            "toPrintCheck": False,
            "payments": [
                {"billId": ap_bill, "amount": 70, "vendorCredits": [{"id": credit["id"], "amount": 30}]}
            ],
        },
    )
    engine.run_pass()
    assert _credits(fresh) == [(f"ap-vcr-{credit['id']}", "VC-9", 30, [])]
    assert ns_get(fresh, "vendorBill", ns_bill)["amountRemaining"] == 30


def _credits(world: World) -> list[tuple[Any, ...]]:
    rows = suiteql(world, "SELECT id FROM transaction WHERE type = 'VendCred' ORDER BY id")
    out = []
    for row in rows:
        c = ns_get(world, "vendorCredit", str(row["id"]))
        out.append(
            (
                c.get("externalId"),
                c.get("tranId"),
                c["total"],
                [(a["doc"]["id"], a["amount"]) for a in (c.get("apply") or {}).get("items", [])],
            )
        )
    return out


def test_vendor_credits_and_their_applications(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    engine = make_engine(flows=FLOWS)
    engine.run_pass()
    vendor = engine.state.mapped("netsuite", "vendor", w.vendor)
    credit = ap_call(
        fresh,
        "POST",
        "/vendor-credits",
        {
            "vendorId": vendor,
            "referenceNumber": "VC-1",
            "creditDate": "2026-01-05",
            "vendorCreditLineItems": [
                {"amount": 40, "classifications": {"chartOfAccountId": w.ap_accounts["6000"]}}
            ],
        },
    )
    ap_bill, ns_bill = _bill(fresh, engine, w, "INV-3", 100)
    assert _credits(fresh) == [(f"ap-vcr-{credit['id']}", "VC-1", 40, [])]
    ap_call(
        fresh,
        "POST",
        "/bills/record-payment",
        {
            "vendorId": vendor,
            "processDate": "2026-01-05",
            "toPrintCheck": False,
            "payments": [
                {"billId": ap_bill, "amount": 60, "vendorCredits": [{"id": credit["id"], "amount": 40}]}
            ],
        },
    )
    engine.run_pass()
    assert _credits(fresh) == [(f"ap-vcr-{credit['id']}", "VC-1", 40, [(ns_bill, 40)])]
    assert [p[3:] for p in _payments(fresh)] == [(60, [(ns_bill, 60)])]
    assert ns_get(fresh, "vendorBill", ns_bill)["status"]["id"] == "Paid In Full"
    assert engine.run_pass().stats.counts == {}
    payment = ap_call(fresh, "GET", "/payments")  # the void gives the credit back: it is unapplied again
    fresh.act("ap", "void_payment", {"paymentId": payment["results"][0]["id"]})
    engine.run_pass()
    assert _credits(fresh) == [(f"ap-vcr-{credit['id']}", "VC-1", 40, [])]
    assert ns_get(fresh, "vendorBill", ns_bill)["amountRemaining"] == 100
