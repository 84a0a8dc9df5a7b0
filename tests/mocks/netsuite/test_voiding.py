"""Voiding (POST .../@void): direct voids zero the transaction, reversal voiding posts a journal."""

from __future__ import annotations

from typing import Any

from .conftest import REST, NetSuiteDriver, detail, ref
from .test_banking import gl


def _void(ns: NetSuiteDriver, rtype: str, rid: int) -> Any:
    return ns.api("POST", f"{REST}/{rtype}/{rid}/@void")


def _invoice(ns: NetSuiteDriver, world: dict[str, Any], amount: float = 100) -> int:
    return ns.create(
        "invoice",
        {
            "entity": ref(world["customers"][0]),
            "item": {"items": [{"item": ref(world["items"]["service"][0]), "quantity": 1, "rate": amount}]},
        },
    )


def _bill_and_payment(ns: NetSuiteDriver, world: dict[str, Any]) -> tuple[int, int]:
    bill = ns.create(
        "vendorBill",
        {
            "entity": ref(world["vendors"][0]),
            "tranId": "B-9",
            "expense": {"items": [{"account": ref(world["accounts"]["Office Supplies"]), "amount": 90}]},
        },
    )
    pay = ns.create(
        "vendorPayment",
        {
            "entity": ref(world["vendors"][0]),
            "account": ref(world["accounts"]["Checking"]),
            "apply": {"items": [{"doc": ref(bill)}]},
        },
    )
    return bill, pay


def test_direct_void_of_a_payment_zeroes_it_and_unapplies_it(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    inv = _invoice(ns, world)
    pay = ns.create(
        "customerPayment",
        {"customer": ref(world["customers"][0]), "payment": 100, "apply": {"items": [{"doc": ref(inv)}]}},
    )
    r = _void(ns, "customerPayment", pay)
    assert r.status_code == 200 and r.get_json() == {"id": str(pay), "notifications": []}
    got = ns.record("customerPayment", pay)
    assert (got["status"]["id"], got["voided"], got["payment"], got["total"]) == ("Voided", True, 0.0, 0.0)
    assert [(ln["apply"], ln["amount"]) for ln in got["apply"]["items"]] == [(False, 0.0)]
    invoice = ns.record("invoice", inv)
    assert (invoice["amountRemaining"], invoice["status"]["id"]) == (100.0, "Open")
    assert gl(ns, pay) == []
    r = _void(ns, "customerPayment", pay)
    assert r.status_code == 400 and "already been voided" in detail(r)["detail"]


def test_a_voided_transaction_accepts_memo_edits_only(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    inv = _invoice(ns, world)
    assert _void(ns, "invoice", inv).status_code == 200
    assert ns.api("PATCH", f"{REST}/invoice/{inv}", {"memo": "voided: duplicate"}).status_code == 204
    r = ns.api("PATCH", f"{REST}/invoice/{inv}", {"item": {"items": [{"line": 1, "rate": 50}]}})
    assert r.status_code == 400 and "cannot change a voided transaction" in detail(r)["detail"]
    got = ns.record("invoice", inv)
    assert (got["memo"], got["total"], got["status"]["id"]) == ("voided: duplicate", 0.0, "Voided")
    assert ns.api("DELETE", f"{REST}/invoice/{inv}").status_code == 204


def test_direct_void_of_a_standalone_cash_sale_returns_its_stock(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    item, loc = world["items"]["inventory"][0], world["locations"][0]
    start = ns.stock(item, loc)
    sale = ns.create(
        "cashSale",
        {
            "entity": ref(world["customers"][0]),
            "location": ref(loc),
            "item": {"items": [{"item": ref(item), "quantity": 3, "rate": 5}]},
        },
    )
    assert _void(ns, "cashSale", sale).status_code == 200
    assert ns.stock(item, loc) == start
    assert ns.record("cashSale", sale)["item"]["items"][0]["quantity"] == 0.0


def test_a_paid_invoice_or_a_deposited_payment_cannot_be_voided(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    inv = _invoice(ns, world)
    pay = ns.create(
        "customerPayment",
        {"customer": ref(world["customers"][0]), "payment": 100, "apply": {"items": [{"doc": ref(inv)}]}},
    )
    r = _void(ns, "invoice", inv)
    assert r.status_code == 400 and "payments or credits applied" in detail(r)["detail"]
    ns.create(
        "deposit", {"account": ref(world["accounts"]["Checking"]), "payment": {"items": [{"doc": ref(pay)}]}}
    )
    r = _void(ns, "customerPayment", pay)
    assert r.status_code == 400 and "deposited" in detail(r)["detail"]


def test_direct_void_in_a_closed_period_is_refused(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    inv = ns.create(
        "invoice",
        {
            "entity": ref(world["customers"][0]),
            "tranDate": "2025-12-10",
            "item": {"items": [{"item": ref(world["items"]["service"][0]), "quantity": 1, "rate": 10}]},
        },
    )
    ns.act("close_period", {"periodName": "Dec 2025"})
    r = _void(ns, "invoice", inv)
    assert r.status_code == 400 and "closed period" in detail(r)["detail"]
    assert ns.record("invoice", inv)["status"]["id"] == "Open"


def test_types_without_a_void_of_the_accounts_kind_are_refused(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    chk = ns.create(
        "check",
        {
            "entity": ref(world["vendors"][0]),
            "account": ref(world["accounts"]["Checking"]),
            "expense": {"items": [{"account": ref(world["accounts"]["Freight"]), "amount": 9}]},
        },
    )
    r = _void(ns, "check", chk)  # a check voids only by reversing journal
    assert r.status_code == 400 and detail(r)["o:errorCode"] == "INVALID_RECORD_TYPE"
    ns.act("set_preference", {"name": "reversalVoiding", "value": True})
    r = _void(ns, "invoice", _invoice(ns, world))  # an invoice voids only directly
    assert r.status_code == 400 and detail(r)["o:errorCode"] == "INVALID_RECORD_TYPE"
    assert _void(ns, "customer", world["customers"][0]).status_code == 400


def test_reversal_voiding_posts_a_journal_that_offsets_the_check(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    ns.act("set_preference", {"name": "reversalVoiding", "value": True})
    chk = ns.create(
        "check",
        {
            "entity": ref(world["vendors"][0]),
            "account": ref(world["accounts"]["Checking"]),
            "expense": {"items": [{"account": ref(world["accounts"]["Freight"]), "amount": 45}]},
        },
    )
    r = _void(ns, "check", chk)
    assert r.status_code == 200
    journal = int(r.get_json()["id"])
    got = ns.record("check", chk)
    assert (got["status"]["id"], got["voided"], got["voidJournal"]["id"], got["total"]) == (
        "Voided",
        True,
        str(journal),
        45.0,
    )
    assert gl(ns, chk) == [("Checking", None, 45.0), ("Freight", 45.0, None)]
    assert sorted(gl(ns, journal)) == [("Checking", 45.0, None), ("Freight", None, 45.0)]
    je = ns.record("journalEntry", journal)
    assert (je["createdFrom"]["id"], je["postingPeriod"]["refName"]) == (str(chk), "Jan 2026")


def test_reversal_voiding_of_a_bill_payment_reopens_the_bill(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    ns.act("set_preference", {"name": "reversalVoiding", "value": True})
    bill, pay = _bill_and_payment(ns, world)
    assert ns.record("vendorBill", bill)["status"]["id"] == "Paid In Full"
    journal = int(_void(ns, "vendorPayment", pay).get_json()["id"])
    assert ns.record("vendorBill", bill)["amountRemaining"] == 90.0
    got = ns.record("vendorPayment", pay)
    assert (got["unapplied"], got["apply"]["items"][0]["apply"]) == (90.0, False)
    assert sorted(gl(ns, journal)) == [("Accounts Payable", None, 90.0), ("Checking", 90.0, None)]
    # the bill is open again: a new payment can take it
    assert ns.api("POST", f"{REST}/vendorBill/{bill}/!transform/vendorPayment", {}).status_code == 204
