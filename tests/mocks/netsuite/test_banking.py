"""Checks, credit card refunds, vendor prepayments, deposits, projects and kits, and their GL impact."""

from __future__ import annotations

from typing import Any

from .conftest import REST, NetSuiteDriver, detail, ref


def gl(ns: NetSuiteDriver, tid: int) -> list[tuple[str, float | None, float | None]]:
    """(account name, debit, credit) of a transaction's accounting lines, through SuiteQL."""
    r = ns.api(
        "POST",
        "/services/rest/query/v1/suiteql",
        {
            "q": "SELECT BUILTIN.DF(account) AS acct, debit, credit FROM transactionaccountingline "
            f"WHERE transaction = {tid} ORDER BY transactionline, account"
        },
        headers={"Prefer": "transient"},
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    # SuiteQL returns every value as a string (and leaves out NULL columns).
    return [
        (
            row["acct"],
            float(row["debit"]) if "debit" in row else None,
            float(row["credit"]) if "credit" in row else None,
        )
        for row in r.get_json()["items"]
    ]


def _check(ns: NetSuiteDriver, world: dict[str, Any], **extra: Any) -> Any:
    body = {
        "entity": ref(world["vendors"][0]),
        "account": ref(world["accounts"]["Checking"]),
        "expense": {"items": [{"account": ref(world["accounts"]["Office Supplies"]), "amount": 120}]},
    }
    return ns.api("POST", f"{REST}/check", {**body, **extra})


def test_check_credits_the_bank_and_debits_its_expense_lines(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    r = _check(ns, world)
    assert r.status_code == 204, r.get_data(as_text=True)
    cid = int(r.headers["Location"].rsplit("/", 1)[1])
    got = ns.record("check", cid)
    assert (got["total"], got["subsidiary"]["id"], got["postingPeriod"]["refName"]) == (
        120.0,
        "1",
        "Jan 2026",
    )
    assert gl(ns, cid) == [("Checking", None, 120), ("Office Supplies", 120, None)]


def test_check_needs_a_bank_account_and_lines(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    r = _check(ns, world, account=ref(world["accounts"]["Accounts Receivable"]))
    assert r.status_code == 400
    assert detail(r) == {
        "detail": f"Invalid account reference key {world['accounts']['Accounts Receivable']}.",
        "o:errorCode": "INVALID_KEY_OR_REF",
        "o:errorPath": "account",
    }
    r = _check(ns, world, account=None)
    assert r.status_code == 400 and detail(r)["detail"].endswith("Please enter value(s) for: account.")
    r = _check(ns, world, expense={"items": []})
    assert r.status_code == 400 and "at least one line item" in detail(r)["detail"]
    summary = world["accounts"]["Operating Expenses"]  # a summary account takes no postings
    r = _check(ns, world, expense={"items": [{"account": ref(summary), "amount": 5}]})
    assert r.status_code == 400 and detail(r)["o:errorPath"] == "expense.items[0].account"
    assert ns.state()["records"].get("check") is None


def test_check_in_a_closed_period_is_refused(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    ns.act("close_period", {"periodName": "Dec 2025"})
    r = _check(ns, world, tranDate="2025-12-10")
    assert r.status_code == 400 and "Dec 2025 is closed" in detail(r)["detail"]


def test_credit_card_refund_debits_the_card_and_credits_expenses(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    body = {
        "entity": ref(world["vendors"][0]),
        "account": ref(world["accounts"]["Credit Card"]),
        "expense": {"items": [{"account": ref(world["accounts"]["Freight"]), "amount": 30}]},
    }
    rid = ns.create("creditCardRefund", body)
    assert gl(ns, rid) == [("Credit Card", 30, None), ("Freight", None, 30)]
    r = ns.api("POST", f"{REST}/creditCardRefund", {**body, "account": ref(world["accounts"]["Checking"])})
    assert r.status_code == 400 and detail(r)["o:errorCode"] == "INVALID_KEY_OR_REF"


def test_vendor_prepayment_posts_to_the_prepayment_account(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    pid = ns.create("vendorPrepayment", {"entity": ref(world["vendors"][0]), "payment": 250})
    got = ns.record("vendorPrepayment", pid)
    assert (got["account"]["refName"], got["prepaymentAccount"]["refName"]) == (
        "Checking",
        "Vendor Prepayments",
    )
    assert (got["total"], got["unapplied"], got["applied"]) == (250.0, 250.0, 0.0)
    assert gl(ns, pid) == [("Checking", None, 250), ("Vendor Prepayments", 250, None)]
    r = ns.api("POST", f"{REST}/vendorPrepayment", {"entity": ref(world["customers"][0]), "payment": 5})
    assert r.status_code == 400 and detail(r)["o:errorPath"] == "entity"
    r = ns.api("POST", f"{REST}/vendorPrepayment", {"entity": ref(world["vendors"][0])})
    assert (
        r.status_code == 400
        and detail(r)["o:errorCode"] == "USER_ERROR"
        and "payment" in detail(r)["o:errorPath"]
    )


def test_vendor_prepayment_is_refused_in_an_ap_locked_period(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    ns.act("lock_period", {"periodName": "Jan 2026", "scope": "ap"})
    r = ns.api("POST", f"{REST}/vendorPrepayment", {"entity": ref(world["vendors"][0]), "payment": 10})
    assert r.status_code == 400 and "locked for accounts payable" in detail(r)["detail"]


def _paid_invoice(ns: NetSuiteDriver, world: dict[str, Any], amount: float) -> int:
    inv = ns.create(
        "invoice",
        {
            "entity": ref(world["customers"][0]),
            "item": {"items": [{"item": ref(world["items"]["service"][0]), "quantity": 1, "rate": amount}]},
        },
    )
    return ns.create(
        "customerPayment",
        {"customer": ref(world["customers"][0]), "payment": amount, "apply": {"items": [{"doc": ref(inv)}]}},
    )


def test_deposit_takes_payments_out_of_undeposited_funds(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    p1, p2 = _paid_invoice(ns, world, 100), _paid_invoice(ns, world, 50)
    assert ns.record("customerPayment", p1)["status"]["id"] == "Not Deposited"
    assert gl(ns, p1) == [("Accounts Receivable", None, 100), ("Undeposited Funds", 100, None)]
    dep = ns.create(
        "deposit",
        {
            "account": ref(world["accounts"]["Checking"]),
            "payment": {"items": [{"doc": ref(p1), "deposit": True}, {"doc": ref(p2)}]},
            "cashBack": {"items": [{"account": ref(world["accounts"]["Office Supplies"]), "amount": 10}]},
        },
    )
    got = ns.record("deposit", dep)
    assert got["total"] == 140.0 and got["subsidiary"]["id"] == "1"
    assert [ln["paymentAmount"] for ln in got["payment"]["items"]] == [100.0, 50.0]
    assert ns.record("customerPayment", p1)["status"]["id"] == "Deposited"
    assert gl(ns, dep) == [
        ("Checking", 140, None),
        ("Undeposited Funds", None, 100),
        ("Office Supplies", 10, None),
        ("Undeposited Funds", None, 50),
    ]
    r = ns.api(
        "POST",
        f"{REST}/deposit",
        {"account": ref(world["accounts"]["Checking"]), "payment": {"items": [{"doc": ref(p1)}]}},
    )
    assert r.status_code == 400 and "not in Undeposited Funds" in detail(r)["detail"]
    assert ns.api("DELETE", f"{REST}/deposit/{dep}").status_code == 204
    assert ns.record("customerPayment", p1)["status"]["id"] == "Not Deposited"


def test_deposit_needs_a_bank_account_and_something_to_deposit(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    r = ns.api(
        "POST", f"{REST}/deposit", {"subsidiary": ref(1), "account": ref(world["accounts"]["Checking"])}
    )
    assert r.status_code == 400 and "at least one line item" in detail(r)["detail"]
    pay = _paid_invoice(ns, world, 20)
    r = ns.api(
        "POST",
        f"{REST}/deposit",
        {"account": ref(world["accounts"]["Undeposited Funds"]), "payment": {"items": [{"doc": ref(pay)}]}},
    )
    assert r.status_code == 400 and detail(r)["o:errorCode"] == "INVALID_KEY_OR_REF"
    r = ns.api(
        "POST",
        f"{REST}/deposit",
        {
            "account": ref(world["accounts"]["Checking"]),
            "payment": {"items": [{"doc": ref(pay)}, {"doc": ref(pay)}]},
        },
    )
    assert r.status_code == 400 and "twice" in detail(r)["detail"]
    other = ns.create(
        "deposit",
        {
            "subsidiary": ref(1),
            "account": ref(world["accounts"]["Checking"]),
            "other": {
                "items": [{"account": ref(world["accounts"]["Opening Balance Equity"]), "amount": 500}]
            },
        },
    )
    assert gl(ns, other) == [("Checking", 500, None), ("Opening Balance Equity", None, 500)]


def test_project_belongs_to_a_customer_and_can_be_billed(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    customer = world["customers"][0]
    job = ns.create("job", {"companyName": "Warehouse fit-out", "parent": ref(customer)})
    got = ns.record("job", job)
    assert (got["entityId"], got["subsidiary"]["id"], got["parent"]["id"]) == (
        "Warehouse fit-out",
        "1",
        str(customer),
    )
    r = ns.api("POST", f"{REST}/job", {"companyName": "x" * 101, "parent": ref(customer)})
    assert r.status_code == 400 and detail(r)["o:errorPath"] == "companyName"
    r = ns.api("POST", f"{REST}/job", {"companyName": "Warehouse fit-out", "parent": ref(customer)})
    assert r.status_code == 400 and detail(r)["o:errorCode"] == "UNIQUE_CUST_ID_REQD"
    inv = ns.create(
        "invoice",
        {
            "entity": ref(job),
            "item": {"items": [{"item": ref(world["items"]["service"][0]), "quantity": 2, "rate": 40}]},
        },
    )
    assert ns.record("invoice", inv)["entity"]["id"] == str(job)
    r = ns.api(
        "POST",
        "/services/rest/query/v1/suiteql",
        {"q": f"SELECT entityid, parent FROM job WHERE id = {job}"},
        headers={"Prefer": "transient"},
    )
    assert [{k: v for k, v in row.items() if k != "links"} for row in r.get_json()["items"]] == [
        {"entityid": "Warehouse fit-out", "parent": str(customer)}
    ]


def test_kit_item_needs_members(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    r = ns.api("POST", f"{REST}/kitItem", {"itemId": "KIT-EMPTY"})
    assert r.status_code == 400 and detail(r)["o:errorPath"] == "member"
    kit = ns.create(
        "kitItem",
        {
            "itemId": "KIT-1",
            "rate": 30,
            "member": {"items": [{"item": ref(world["items"]["inventory"][0]), "quantity": 2}]},
        },
    )
    got = ns.record("kitItem", kit)
    assert (got["itemType"]["id"], got["member"]["items"][0]["quantity"]) == ("Kit", 2.0)


def test_a_kit_on_a_sales_order_is_fulfilled_as_its_member_components(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    a, b = world["items"]["inventory"]
    loc = world["locations"][0]
    kit = ns.create(
        "kitItem",
        {
            "itemId": "KIT-2",
            "rate": 30,
            "member": {"items": [{"item": ref(a), "quantity": 2}, {"item": ref(b), "quantity": 1}]},
        },
    )
    before = (ns.stock(a, loc), ns.stock(b, loc))
    so = ns.create(
        "salesOrder",
        {
            "entity": ref(world["customers"][0]),
            "orderStatus": "B",
            "location": ref(loc),
            "item": {"items": [{"item": ref(kit), "quantity": 3}]},
        },
    )
    assert ns.record("salesOrder", so)["item"]["items"][0]["quantityCommitted"] == 0
    r = ns.api("POST", f"{REST}/salesOrder/{so}/!transform/itemFulfillment", {})
    assert r.status_code == 204, r.get_data(as_text=True)
    ful = int(r.headers["Location"].rsplit("/", 1)[1])
    lines = ns.record("itemFulfillment", ful)["item"]["items"]
    assert [
        (ln["line"], ln.get("orderLine"), ln["item"]["id"], ln["quantity"], ln.get("kitMemberOf"))
        for ln in lines
    ] == [(1, 1, str(kit), 3.0, None), (2, None, str(a), 6.0, 1), (3, None, str(b), 3.0, 1)]
    assert (ns.stock(a, loc), ns.stock(b, loc)) == (before[0] - 6, before[1] - 3)
    got = ns.record("salesOrder", so)
    assert (got["status"]["id"], got["item"]["items"][0]["quantityFulfilled"]) == ("Pending Billing", 3.0)
    assert ns.api("DELETE", f"{REST}/itemFulfillment/{ful}").status_code == 204
    assert (ns.stock(a, loc), ns.stock(b, loc)) == before
    assert ns.record("salesOrder", so)["status"]["id"] == "Pending Fulfillment"
