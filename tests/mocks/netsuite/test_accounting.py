"""Periods, currencies, subsidiary scope, discount and tax lines, journals and payments."""

from __future__ import annotations

from typing import Any

from .conftest import REST, NetSuiteDriver, detail, ref


def _invoice(ns: NetSuiteDriver, world: dict[str, Any], **extra: Any) -> Any:
    return ns.api(
        "POST",
        f"{REST}/invoice",
        {
            "entity": ref(world["customers"][0]),
            "item": {"items": [{"item": ref(world["items"]["service"][0]), "quantity": 1, "rate": 100}]},
            **extra,
        },
    )


def test_posting_into_a_closed_period_is_refused_and_nothing_is_written(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    ns.act("close_period", {"periodName": "Dec 2025"})
    before = ns.state()
    r = _invoice(ns, world, tranDate="2025-12-15")
    assert r.status_code == 400
    assert detail(r) == {
        "detail": "Error while accessing a resource. The accounting period Dec 2025 is closed. "
        "The transaction date you specified is not within an open accounting period.",
        "o:errorCode": "USER_ERROR",
        "o:errorPath": "tranDate",
    }
    after = ns.state()
    assert after["records"].get("invoice") is None and after["inventory"] == before["inventory"]
    assert _invoice(ns, world, tranDate="2026-01-10").status_code == 204


def test_first_open_period_preference_redates_the_posting(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    ns.act("close_period", {"periodName": "Dec 2025"})
    ns.act("set_preference", {"name": "closedPeriodPosting", "value": "firstOpenPeriod"})
    r = _invoice(ns, world, tranDate="2025-12-15")
    assert r.status_code == 204
    inv = ns.record("invoice", int(r.headers["Location"].rsplit("/", 1)[1]))
    assert inv["tranDate"] == "2026-01-01" and inv["postingPeriod"]["refName"] == "Jan 2026"


def test_ar_lock_blocks_invoices_but_not_vendor_bills(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    ns.act("lock_period", {"periodName": "Jan 2026", "scope": "ar"})
    r = _invoice(ns, world)
    assert r.status_code == 400 and "locked for accounts receivable" in detail(r)["detail"]
    bill = ns.api(
        "POST",
        f"{REST}/vendorBill",
        {
            "entity": ref(world["vendors"][0]),
            "tranId": "V-100",
            "expense": {"items": [{"account": ref(world["accounts"]["Office Supplies"]), "amount": 50}]},
        },
    )
    assert bill.status_code == 204
    ns.act("reopen_period", {"periodName": "Jan 2026"})
    assert _invoice(ns, world).status_code == 204


def test_editing_a_posting_in_a_closed_period_is_refused(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    r = _invoice(ns, world, tranDate="2025-12-15")
    inv = int(r.headers["Location"].rsplit("/", 1)[1])
    ns.act("close_period", {"periodName": "Dec 2025"})
    r = ns.api("PATCH", f"{REST}/invoice/{inv}", {"item": {"items": [{"line": 1, "rate": 90}]}})
    assert r.status_code == 400 and "closed period (Dec 2025)" in detail(r)["detail"]
    assert ns.api("DELETE", f"{REST}/invoice/{inv}").status_code == 400  # memo edits: test_rules_periods.py


def test_a_date_outside_every_period_is_refused(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    r = _invoice(ns, world, tranDate="2030-01-01")
    assert r.status_code == 400
    assert detail(r)["detail"] == (
        "Error while accessing a resource. The transaction date you specified is not "
        "within the date range of your accounting period."
    )


def test_foreign_currency_needs_an_exchange_rate(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    gbp = ns.create("currency", {"name": "Pound", "symbol": "GBP", "exchangeRate": 1.25})
    r = _invoice(ns, world, currency=ref(world["currencies"]["EUR"]))
    assert r.status_code == 204
    inv = ns.record("invoice", int(r.headers["Location"].rsplit("/", 1)[1]))
    assert inv["exchangeRate"] == 1.08
    ns.api("PATCH", f"{REST}/customer/{world['customers'][1]}", {"currency": ref(gbp)})
    r = ns.api(
        "POST",
        f"{REST}/invoice",
        {
            "entity": ref(world["customers"][1]),
            "currency": ref(world["currencies"]["EUR"]),
            "item": {"items": [{"item": ref(world["items"]["service"][0]), "rate": 1}]},
        },
    )
    assert r.status_code == 400
    assert detail(r) == {
        "detail": f"Invalid currency reference key {world['currencies']['EUR']} for entity "
        f"{world['customers'][1]}.",
        "o:errorCode": "INVALID_KEY_OR_REF",
        "o:errorPath": "currency",
    }
    r = ns.api("POST", f"{REST}/currency", {"name": "Yen", "symbol": "JPY"})
    assert (
        r.status_code == 400
        and "Exchange Rate" in detail(r)["detail"]
        or "exchangeRate" in detail(r)["detail"]
    )


def test_location_of_another_subsidiary_is_refused_with_the_real_message(
    ns: NetSuiteDriver, world: dict[str, Any]
) -> None:
    usd = world["currencies"]["USD"]
    other = ns.create("subsidiary", {"name": "UK Ltd", "currency": ref(usd)})
    uk_loc = ns.create("location", {"name": "London", "subsidiary": {"items": [ref(other)]}})
    r = ns.api(
        "POST",
        f"{REST}/salesOrder",
        {
            "entity": ref(world["customers"][0]),
            "location": ref(uk_loc),
            "item": {"items": [{"item": ref(world["items"]["inventory"][0])}]},
        },
    )
    assert r.status_code == 400
    assert detail(r) == {
        "detail": f"Invalid location reference key {uk_loc} for subsidiary {world['subsidiary']}.",
        "o:errorCode": "INVALID_KEY_OR_REF",
        "o:errorPath": "location",
    }
    r = ns.api(
        "POST",
        f"{REST}/salesOrder",
        {
            "entity": ref(world["customers"][0]),
            "item": {"items": [{"item": ref(world["items"]["inventory"][0]), "location": ref(uk_loc)}]},
        },
    )
    assert detail(r)["o:errorPath"] == "item.items[0].location"


def test_discount_and_tax_are_their_own_lines(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    disc = ns.create("discountItem", {"itemId": "10OFF", "rate": "-10%"})
    flat = ns.create("discountItem", {"itemId": "FIVE", "rate": "-5", "nonPosting": True})
    tax = ns.create("salesTaxItem", {"itemId": "CA", "rate": "8.25%"})
    item = world["items"]["service"][0]
    r = _invoice(
        ns,
        world,
        item={
            "items": [
                {"item": ref(item), "quantity": 2, "rate": 50},
                {"item": ref(disc)},
                {"item": ref(item), "quantity": 1, "rate": 20},
                {"item": ref(flat)},
                {"item": ref(tax)},
            ]
        },
    )
    assert r.status_code == 204
    inv = ns.record("invoice", int(r.headers["Location"].rsplit("/", 1)[1]))
    amounts = [(ln["itemType"]["id"], ln["amount"]) for ln in inv["item"]["items"]]
    assert amounts == [
        ("Service", 100.0),
        ("Discount", -10.0),
        ("Service", 20.0),
        ("Discount", -5.0),
        ("TaxItem", 8.66),
    ]
    assert (inv["subtotal"], inv["discountTotal"], inv["taxTotal"], inv["total"]) == (
        120.0,
        -15.0,
        8.66,
        113.66,
    )


def test_journal_entries_must_balance(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    a, b = world["accounts"]["Checking"], world["accounts"]["Sales"]
    r = ns.api(
        "POST",
        f"{REST}/journalEntry",
        {
            "subsidiary": ref(world["subsidiary"]),
            "line": {"items": [{"account": ref(a), "debit": 100}, {"account": ref(b), "credit": 90}]},
        },
    )
    assert r.status_code == 400 and "out of balance" in detail(r)["detail"]
    r = ns.api(
        "POST",
        f"{REST}/journalEntry",
        {
            "subsidiary": ref(world["subsidiary"]),
            "line": {"items": [{"account": ref(a), "debit": 100}, {"account": ref(b), "credit": 100}]},
        },
    )
    assert r.status_code == 204


def test_customer_payment_applies_to_invoices(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    inv = int(_invoice(ns, world).headers["Location"].rsplit("/", 1)[1])
    r = ns.api(
        "POST",
        f"{REST}/customerPayment",
        {
            "customer": ref(world["customers"][0]),
            "payment": 40,
            "apply": {"items": [{"doc": ref(inv), "amount": 60}]},
        },
    )
    assert r.status_code == 400 and "exceeds the amount (40.00)" in detail(r)["detail"]
    assert (
        ns.api(
            "POST",
            f"{REST}/customerPayment",
            {
                "customer": ref(world["customers"][0]),
                "payment": 40,
                "apply": {"items": [{"doc": ref(inv), "amount": 40}]},
            },
        ).status_code
        == 204
    )
    got = ns.record("invoice", inv)
    assert (got["amountRemaining"], got["status"]["id"]) == (60.0, "Open")
    r = ns.api(
        "POST",
        f"{REST}/customerPayment",
        {
            "customer": ref(world["customers"][0]),
            "payment": 70,
            "apply": {"items": [{"doc": ref(inv), "amount": 70}]},
        },
    )
    assert r.status_code == 400 and "remaining balance (60.00)" in detail(r)["detail"]
    pay = ns.create(
        "customerPayment",
        {"customer": ref(world["customers"][0]), "payment": 60, "apply": {"items": [{"doc": ref(inv)}]}},
    )
    assert ns.record("invoice", inv)["status"]["id"] == "Paid In Full"
    assert ns.api("DELETE", f"{REST}/customerPayment/{pay}").status_code == 204
    assert ns.record("invoice", inv)["amountRemaining"] == 60.0


def test_vendor_credits_and_payments_apply_to_bills(ns: NetSuiteDriver, world: dict[str, Any]) -> None:
    vendor, cogs = world["vendors"][0], world["accounts"]["Office Supplies"]  # an expense account
    bill = ns.create(
        "vendorBill",
        {
            "entity": ref(vendor),
            "tranId": "INV-77",
            "expense": {"items": [{"account": ref(cogs), "amount": 100}]},
        },
    )
    assert ns.record("vendorBill", bill)["status"]["id"] == "Open"
    credit = ns.create(
        "vendorCredit",
        {
            "entity": ref(vendor),
            "expense": {"items": [{"account": ref(cogs), "amount": 30}]},
            "apply": {"items": [{"doc": ref(bill), "amount": 30}]},
        },
    )
    assert ns.record("vendorCredit", credit)["unapplied"] == 0.0
    assert ns.record("vendorBill", bill)["amountRemaining"] == 70.0
    r = ns.api(
        "POST",
        f"{REST}/vendorPayment",
        {"entity": ref(vendor), "apply": {"items": [{"doc": ref(bill), "amount": 80}]}},
    )
    assert r.status_code == 400 and "remaining balance (70.00)" in detail(r)["detail"]
    other = ns.create("vendor", {"companyName": "Other Supplier", "subsidiary": ref(world["subsidiary"])})
    r = ns.api(
        "POST", f"{REST}/vendorPayment", {"entity": ref(other), "apply": {"items": [{"doc": ref(bill)}]}}
    )
    assert r.status_code == 400 and "belongs to another entity" in detail(r)["detail"]
    pay = ns.create("vendorPayment", {"entity": ref(vendor), "apply": {"items": [{"doc": ref(bill)}]}})
    got = ns.record("vendorBill", bill)
    assert (got["amountRemaining"], got["status"]["id"]) == (0.0, "Paid In Full")
    assert ns.record("vendorPayment", pay)["total"] == 70.0
    assert ns.api("DELETE", f"{REST}/vendorBill/{bill}").status_code == 400  # it has payments
