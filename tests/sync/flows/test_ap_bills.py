"""ap-bills: NetSuite unpaid USD bills reach AP (paid, partly paid and non-USD ones never; $0 ones as the seed
says); AP bills reach NetSuite (only approved ones when so configured); the AP session and its limits; BDC
refusals and closed periods parked."""

from __future__ import annotations

import threading
from typing import Any

from sync.errors import error_code
from tests.sync.conftest import World
from tests.sync.flows.ap_world import ApWorld, ap_call, ap_client, ap_list, seed_ap_world
from tests.sync.flows.qms_world import ns_get, seed_ns, suiteql
from tests.sync.flows.receivers import receiver


def ns_bill(world: World, w: ApWorld, vendor: str, number: str, amount: float, **extra: Any) -> str:
    """A NetSuite vendor bill with one expense line on account 6000."""
    return seed_ns(
        world,
        {
            "vendorBill": [
                {
                    "entity": {"id": vendor},
                    "tranId": number,
                    "tranDate": "2026-01-05",
                    "dueDate": "2026-02-04",
                    "expense": {
                        "items": [{"account": {"id": w.accounts["6000"]}, "amount": amount, "memo": "paper"}]
                    },
                    **extra,
                }
            ]
        },
    )["vendorBill"][0]


def pay_in_netsuite(world: World, w: ApWorld, vendor: str, bill: str, amount: float) -> None:
    """A NetSuite user pays (part of) a bill."""
    seed_ns(
        world,
        {
            "vendorPayment": [
                {
                    "entity": {"id": vendor},
                    "account": {"id": w.accounts["1000"]},
                    "apply": {"items": [{"doc": {"id": bill}, "apply": True, "amount": amount}]},
                }
            ]
        },
    )


def _ap_bills(world: World) -> list[tuple[Any, ...]]:
    return sorted(
        (
            b["invoice"]["invoiceNumber"],
            b["vendorName"],
            b["amount"],
            b["synced"],
            b["externalId"],
            [
                (ln["amount"], ln["description"], (ln.get("classifications") or {}).get("chartOfAccountId"))
                for ln in b["billLineItems"]
            ],
        )
        for b in ap_list(world, "/bills")
    )


def test_only_unpaid_usd_bills_go_to_ap(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    unpaid = ns_bill(fresh, w, w.vendor, "B-1", 120)
    zero = ns_bill(fresh, w, w.vendor, "B-0", 0)
    partly = ns_bill(fresh, w, w.vendor, "B-2", 80)
    paid = ns_bill(fresh, w, w.vendor, "B-3", 30)
    euro = ns_bill(fresh, w, w.euro_vendor, "R-9", 500)
    pay_in_netsuite(fresh, w, w.vendor, partly, 50)
    pay_in_netsuite(fresh, w, w.vendor, paid, 30)
    engine = make_engine(flows="ap-vendors,ap-bills")
    engine.run_pass()
    account = w.ap_accounts["6000"]
    assert _ap_bills(fresh) == [
        ("B-0", "Paper Co", 0, True, zero, [(0, "paper", account)]),
        ("B-1", "Paper Co", 120, True, unpaid, [(120, "paper", account)]),
    ]
    assert engine.state.result(f"ns-bill:{partly}") == {"skipped": "partly paid (only unpaid bills sync)"}
    assert engine.state.result(f"ns-bill:{euro}") == {"skipped": "currency EUR (Cashflow360 syncs USD only)"}
    assert engine.run_pass().stats.counts == {}  # nothing new: nothing written anywhere
    del paid


def test_mutant_sync_partly_paid_bills(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    partly = ns_bill(fresh, w, w.vendor, "B-2", 80)
    pay_in_netsuite(fresh, w, w.vendor, partly, 50)
    engine = make_engine(flows="ap-vendors,ap-bills", mutant="sync-partly-paid-bills")
    engine.run_pass()
    assert [b[0] for b in _ap_bills(fresh)] == ["B-2"]  # the defect: AP would pay it again in full


def test_mutant_sync_non_usd_bills(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    ns_bill(fresh, w, w.euro_vendor, "R-9", 500)
    engine = make_engine(flows="ap-vendors,ap-bills", mutant="sync-non-usd-bills")
    engine.run_pass()
    assert [(b[0], b[2]) for b in _ap_bills(fresh)] == [("R-9", 500)]  # the defect: 500 EUR as 500 USD


def _ap_bill(world: World, vendor: str, number: str, amount: float, account: str, **extra: Any) -> str:
    created = ap_call(
        world,
        "POST",
        "/bills",
        {
            "vendorId": vendor,
            "invoice": {"invoiceNumber": number, "invoiceDate": "2026-01-05"},
            "dueDate": "2026-02-04",
            "description": "toner",
            **extra,
            "billLineItems": [
                {
                    "amount": amount,
                    "description": "toner cartridges",
                    "classifications": {"chartOfAccountId": account},
                }
            ],
        },
    )
    return str(created["id"])


def _netsuite_bills(world: World) -> list[tuple[Any, ...]]:
    rows = suiteql(world, "SELECT id FROM transaction WHERE type = 'VendBill' ORDER BY id")
    out = []
    for row in rows:
        b = ns_get(world, "vendorBill", str(row["id"]))
        out.append(
            (
                b.get("externalId"),
                b["entity"]["id"],
                b.get("tranId"),
                b["total"],
                b["approvalStatus"]["id"],
                [(ln["account"]["id"], ln["amount"], ln.get("memo")) for ln in b["expense"]["items"]],
            )
        )
    return out


def test_ap_bills_go_to_netsuite_and_edits_follow(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    engine = make_engine(flows="ap-vendors,ap-bills")
    engine.run_pass()
    paper_ap = engine.state.mapped("netsuite", "vendor", w.vendor)
    bill = _ap_bill(fresh, paper_ap, "INV-77", 45.5, w.ap_accounts["6100"])
    engine.run_pass()
    [row] = _netsuite_bills(fresh)
    assert row == (
        f"ap-bill-{bill}",
        w.vendor,
        "INV-77",
        45.5,
        "2",
        [(w.accounts["6100"], 45.5, "toner cartridges")],
    )
    ns_id = str(suiteql(fresh, "SELECT id FROM transaction WHERE type = 'VendBill'")[0]["id"])
    ap_view = ap_call(fresh, "GET", f"/bills/{bill}")
    assert (ap_view["synced"], ap_view["externalId"]) == (True, ns_id)
    ap_call(fresh, "PATCH", f"/bills/{bill}", {"dueDate": "2026-03-01", "description": "toner, urgent"})
    engine.run_pass()
    updated = ns_get(fresh, "vendorBill", ns_id)
    assert (updated["dueDate"], updated["memo"]) == ("2026-03-01", "toner, urgent")
    assert engine.run_pass().stats.counts == {}
    assert len(_netsuite_bills(fresh)) == 1


def test_only_approved_bills_when_so_configured(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    engine = make_engine(flows="ap-vendors,ap-bills", ap_approved_only="true")
    engine.run_pass()
    paper_ap = engine.state.mapped("netsuite", "vendor", w.vendor)
    big = _ap_bill(fresh, paper_ap, "INV-1000", 2500, w.ap_accounts["6000"])  # approvers assigned
    engine.run_pass()
    assert _netsuite_bills(fresh) == []
    fresh.act("ap", "approve_bill", {"billId": big})
    engine.run_pass()
    assert [b[2] for b in _netsuite_bills(fresh)] == ["INV-1000"]


def _approved_then_edited_delivered_reordered(fresh: World, engine: Any, w: ApWorld) -> None:
    engine.run_pass()
    paper_ap = engine.state.mapped("netsuite", "vendor", w.vendor)
    with receiver(engine):
        bill = _ap_bill(fresh, paper_ap, "INV-2000", 2500, w.ap_accounts["6000"])
        fresh.act("ap", "approve_bill", {"billId": bill})  # bill.updated v2: APPROVED at 2500
        fresh.act(
            "ap",
            "edit_bill",
            {
                "billId": bill,
                "billLineItems": [  # v3: 4000, back to ASSIGNED
                    {
                        "amount": 4000,
                        "description": "toner",
                        "classifications": {"chartOfAccountId": w.ap_accounts["6000"]},
                    }
                ],
            },
        )
        fresh.control("ap", "POST", "faults", {"kind": "reorder", "event": "bill.updated", "nth": 1})
        sent = fresh.control("ap", "POST", "webhooks/deliver", {})["sent"]
        assert [s["events"] for s in sent] == [["bill.created"], ["bill.updated"], ["bill.updated"]]
        engine.run_pass()


def test_an_older_approval_delivered_late_does_not_sync_the_bill(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    engine = make_engine(flows="ap-vendors,ap-bills", ap_approved_only="true")
    _approved_then_edited_delivered_reordered(fresh, engine, w)
    assert _netsuite_bills(fresh) == []
    assert ap_list(fresh, "/bills")[0]["approvalStatus"] == "ASSIGNED"


def test_mutant_no_reorder_tolerance_syncs_a_bill_no_longer_approved(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    engine = make_engine(flows="ap-vendors,ap-bills", ap_approved_only="true", mutant="no-reorder-tolerance")
    _approved_then_edited_delivered_reordered(fresh, engine, w)
    assert [b[2] for b in _netsuite_bills(fresh)] == ["INV-2000"]  # the defect: not approved in AP


def test_an_expired_session_is_renewed(fresh: World, make_engine: Any) -> None:
    seed_ap_world(fresh)
    engine = make_engine(flows="ap-vendors,ap-bills")
    engine.run_pass()
    fresh.act("ap", "expire_sessions")
    fresh.control(
        "ap", "POST", "seed", {"records": {"vendors": [{"name": "Late Vendor", "accountType": "BUSINESS"}]}}
    )
    result = engine.run_pass()
    assert result.completed and result.stats.counts == {"ap-vendors": {"written": 1}}
    assert engine.ctx.ap.logins == 2


def test_mutant_no_session_renewal_fails_after_expiry(fresh: World, make_engine: Any) -> None:
    seed_ap_world(fresh)
    engine = make_engine(flows="ap-vendors,ap-bills", mutant="no-session-renewal")
    engine.run_pass()
    fresh.act("ap", "expire_sessions")
    result = engine.run_pass()
    assert not result.completed
    assert result.failures == [
        "ap-vendors: ap GET /connect/v3/vendors -> 401: Session is invalid. Please log in.",
        "ap-bills: ap GET /connect/v3/bills -> 401: Session is invalid. Please log in.",
    ]


def _concurrent_reads(fresh: World, make_engine: Any, cap: int | None, calls: int = 9) -> list[Exception]:
    seed_ap_world(fresh)
    engine = make_engine(flows="ap-vendors")
    client = engine.ctx.ap
    if cap is not None:  # what a client without BILL's cap does
        client._cap = threading.BoundedSemaphore(cap)
    client.login()
    fresh.control(
        "ap",
        "POST",
        "faults",
        {"kind": "latency", "method": "GET", "path": "/connect/v3/vendors", "latency_ms": 1000},
    )
    errors: list[Exception] = []
    # every caller waits at the barrier, so the nine calls are in flight together even on a loaded machine
    # (each is held 1 s by the latency fault, far longer than starting nine threads takes)
    start = threading.Barrier(calls)

    def read() -> None:
        start.wait(30)
        try:
            client.call("GET", "/vendors", params={"max": 1}, retry=False)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return errors


def test_the_three_concurrent_calls_cap_is_respected(fresh: World, make_engine: Any) -> None:
    assert _concurrent_reads(fresh, make_engine, None) == []


def test_without_the_cap_bill_refuses_the_fourth_concurrent_call(fresh: World, make_engine: Any) -> None:
    # The latency fault holds a call before the app, outside BILL's concurrency slot, so the calls overlap in
    # the slot only while the app serves them (milliseconds): thirty calls make more than three overlap there
    # on any machine, nine did not always (seen once in a CI run)
    errors = _concurrent_reads(fresh, make_engine, 30, calls=30)
    assert errors and all(
        getattr(e, "status", None) == 429 and error_code(getattr(e, "body", None)) == "BDC_1322"
        for e in errors
    )


def test_a_bill_refused_by_ap_is_parked_with_the_bdc_body(fresh: World, make_engine: Any) -> None:
    w = seed_ap_world(fresh)
    engine = make_engine(flows="ap-vendors,ap-bills")
    engine.run_pass()
    paper_ap = engine.state.mapped("netsuite", "vendor", w.vendor)
    ap_call(fresh, "POST", f"/vendors/{paper_ap}/archive")
    bill = ns_bill(fresh, w, w.vendor, "B-5", 10)
    engine.run_pass()
    [parked] = engine.state.exceptions()
    assert (parked.category, parked.records) == ("validation_error", {"netsuiteBill": bill})
    assert parked.error["status"] == 400
    assert parked.error["body"][0]["code"] == "BDC_1211"


def test_ap_bill_in_a_closed_period_is_parked_and_lands_when_it_reopens(
    fresh: World, make_engine: Any
) -> None:
    w = seed_ap_world(fresh)
    engine = make_engine(flows="ap-vendors,ap-bills")
    engine.run_pass()
    paper_ap = engine.state.mapped("netsuite", "vendor", w.vendor)
    _ap_bill(fresh, paper_ap, "INV-5", 10, w.ap_accounts["6000"])
    fresh.act("netsuite", "close_period", {"periodName": "Jan 2026"})
    engine.run_pass()
    [parked] = engine.state.exceptions()
    assert (parked.category, parked.error["period"]) == ("closed_period", "Jan 2026")
    fresh.act("netsuite", "reopen_period", {"periodName": "Jan 2026"})
    engine.run_pass()
    assert engine.state.exceptions() == [] and len(_netsuite_bills(fresh)) == 1


def test_locked_periods_post_when_the_role_overrides_them(fresh: World, make_engine: Any) -> None:
    """ERPSIM_SYNC_LOCKED_PERIODS=post sends the posting; NetSuite's own answer decides (the emulated account's
    integration role has no Override Period Restrictions, so NetSuite refuses and the refusal is parked)."""
    w = seed_ap_world(fresh)
    engine = make_engine(flows="ap-vendors,ap-bills", locked_periods="post")
    engine.run_pass()
    paper_ap = engine.state.mapped("netsuite", "vendor", w.vendor)
    _ap_bill(fresh, paper_ap, "INV-6", 10, w.ap_accounts["6000"])
    fresh.act("netsuite", "lock_period", {"periodName": "Jan 2026", "scope": "ap"})
    engine.run_pass()
    [parked] = engine.state.exceptions()
    assert parked.category == "closed_period" and parked.error["status"] == 400


def test_ap_client_lists_follow_next_page(fresh: World) -> None:
    seed_ap_world(fresh)
    fresh.control("ap", "POST", "seed", {"seed": 2, "vendors": 130})
    assert len(ap_client(fresh).list_all("/vendors")) == 130


def test_ap_notifications_need_the_subscription_signature(fresh: World, make_engine: Any) -> None:
    seed_ap_world(fresh)
    engine = make_engine(flows="ap-vendors,ap-bills")
    import requests

    with receiver(engine) as daemon:
        [sub] = fresh.control("ap", "GET", "webhooks")["subscriptions"]
        assert (sub["url"], sub["name"]) == (f"{daemon.url}/hooks/ap", "erpsim-sync")
        body = b'{"metadata": {"eventId": "e1", "eventType": "bill.updated"}, "bill": {"id": "00n1"}}'
        bad = requests.post(
            f"{daemon.url}/hooks/ap",
            data=body,
            timeout=5,
            headers={"x-bill-sha-signature": "AAAA", "Content-Type": "application/json"},
        )
        assert bad.status_code == 401
    with receiver(engine):  # a restarted daemon replaces its earlier subscription
        assert len(fresh.control("ap", "GET", "webhooks")["subscriptions"]) == 1
