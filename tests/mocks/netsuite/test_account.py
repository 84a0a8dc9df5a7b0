"""A fresh account looks like a real one, and internal ids are numbered per record family."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .conftest import REST, NetSuiteDriver, make_app, ref


def _ids(ns: NetSuiteDriver, rtype: str) -> list[str]:
    r = ns.api("GET", f"{REST}/{rtype}")
    assert r.status_code == 200, r.get_data(as_text=True)
    return [item["id"] for item in r.get_json()["items"]]


def test_a_new_account_has_subsidiary_1_usd_1_accounts_periods_and_the_integration_role(
    ns: NetSuiteDriver,
) -> None:
    sub = ns.record("subsidiary", 1)
    assert (
        sub["name"] == "Parent Company"
        and sub["currency"]["id"] == "1"
        and sub["currency"]["refName"] == "USA"
    )
    usd = ns.record("currency", 1)
    assert (usd["symbol"], usd["isBaseCurrency"], usd["exchangeRate"]) == ("USD", True, 1.0)
    assert _ids(ns, "currency") == ["1", "2", "3", "4"]
    accounts = {a["acctName"]: a for a in (ns.record("account", int(i)) for i in _ids(ns, "account"))}
    assert (
        accounts["Checking"]["id"] == "1" and accounts["Accounts Receivable"]["acctType"]["id"] == "AcctRec"
    )
    assert accounts["Operating Expenses"]["isSummary"] is True
    assert accounts["Office Supplies"]["parent"]["refName"] == "Operating Expenses"
    periods = [ns.record("accountingPeriod", int(i)) for i in _ids(ns, "accountingPeriod")]
    assert [p["periodName"] for p in periods[:4]] == ["Nov 2025", "Dec 2025", "Jan 2026", "Feb 2026"]
    assert len(periods) == 12 and periods[0]["id"] == "1" and not any(p["closed"] for p in periods)
    # The role is not a REST record type; SuiteQL shows it.
    assert ns.api("GET", f"{REST}/role/1001").status_code == 404
    r = ns.api(
        "POST",
        "/services/rest/query/v1/suiteql",
        {"q": "SELECT id, name, scriptid FROM role"},
        headers={"Prefer": "transient"},
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    assert [{k: v for k, v in row.items() if k != "links"} for row in r.get_json()["items"]] == [
        {"id": "1001", "name": "erpsim Integration", "scriptid": "customrole_erpsim_integration"}
    ]


def test_a_hard_coded_subsidiary_1_works_on_a_fresh_account(ns: NetSuiteDriver) -> None:
    cid = ns.create("customer", {"companyName": "First Customer", "subsidiary": {"id": "1"}})
    assert cid == 1
    assert ns.record("customer", cid)["subsidiary"]["refName"] == "Parent Company"


def test_internal_ids_are_numbered_per_record_family(ns: NetSuiteDriver) -> None:
    customer = ns.create("customer", {"companyName": "C", "subsidiary": ref(1)})
    vendor = ns.create("vendor", {"companyName": "V", "subsidiary": ref(1)})
    location = ns.create("location", {"name": "Warehouse", "subsidiary": {"items": [ref(1)]}})
    item = ns.create("inventoryItem", {"itemId": "SKU-1", "subsidiary": {"items": [ref(1)]}})
    service = ns.create("serviceSaleItem", {"itemId": "SVC-1", "subsidiary": {"items": [ref(1)]}})
    order = ns.create("salesOrder", {"entity": ref(customer), "item": {"items": [{"item": ref(service)}]}})
    po = ns.create("purchaseOrder", {"entity": ref(vendor), "item": {"items": [{"item": ref(item)}]}})
    dept = ns.create("department", {"name": "Sales"})
    assert (customer, vendor, location, item, service, order, po, dept) == (1, 2, 1, 1, 2, 1, 2, 1)
    # The same number in another family is another record; a reference resolves in its field's family.
    body = ns.record("salesOrder", order)
    assert body["entity"]["refName"] == "C" and body["item"]["items"][0]["item"]["refName"] == "SVC-1"
    assert body["subsidiary"]["id"] == "1" and body["currency"]["refName"] == "USA"
    assert ns.api("GET", f"{REST}/vendor/{customer}").status_code == 404  # entity 1 is a customer
    r = ns.api(
        "POST", f"{REST}/salesOrder", {"entity": ref(vendor), "item": {"items": [{"item": ref(service)}]}}
    )
    assert r.status_code == 400 and r.get_json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_KEY_OR_REF"
    r = ns.api(
        "POST",
        "/services/rest/query/v1/suiteql",
        {
            "q": f"SELECT BUILTIN.DF(entity) AS customer, BUILTIN.DF(currency) AS currency FROM transaction "
            f"WHERE id = {order}"
        },
        headers={"Prefer": "transient"},
    )
    assert r.get_json()["items"][0] == {"links": [], "customer": "C", "currency": "USA"}


def test_a_plain_reset_restores_a_new_account_and_empty_true_leaves_it_empty(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    ns = NetSuiteDriver(app)
    ns.create("customer", {"companyName": "Gone", "subsidiary": ref(1)})
    ns.reset()
    assert _ids(ns, "subsidiary") == ["1"] and _ids(ns, "customer") == []
    assert ns.create("customer", {"companyName": "Again", "subsidiary": ref(1)}) == 1

    assert ns.reset({"empty": True}) == {"reset": True, "seeded": {}}
    assert _ids(ns, "subsidiary") == [] and _ids(ns, "currency") == [] and _ids(ns, "accountingPeriod") == []
    r = ns.api("POST", f"{REST}/customer", {"companyName": "Nowhere", "subsidiary": ref(1)})
    assert r.status_code == 400 and r.get_json()["o:errorDetails"][0]["o:errorCode"] == "INVALID_KEY_OR_REF"
    # A restart keeps a store that was emptied on purpose empty.
    assert _ids(NetSuiteDriver(make_app(tmp_path)), "subsidiary") == []
    assert ns.reset({"empty": "yes"}, status=400)["error"] == "INVALID_RESET"


def test_seeding_the_baseline_returns_the_existing_setup(ns: NetSuiteDriver) -> None:
    out: dict[str, Any] = ns.seed({"baseline": True})
    assert out["subsidiary"] == 1 and out["currencies"] == {"USD": 1, "GBP": 2, "CAD": 3, "EUR": 4}
    assert out["accounts"]["Checking"] == 1 and out["periods"]["Jan 2026"] == 3 and out["role"] == 1001
    assert ns.seed({"baseline": True}) == out


def test_a_store_written_with_global_ids_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    import sqlite3

    import pytest

    conn = sqlite3.connect(tmp_path / "netsuite.db")
    conn.execute(
        "CREATE TABLE ns_records (id INTEGER PRIMARY KEY, rtype VARCHAR(40), external_key VARCHAR(300), "
        "name VARCHAR(300), version INTEGER, body TEXT, created_at VARCHAR(40), last_modified VARCHAR(40), "
        "deleted_at VARCHAR(40), locked_by_wf BOOLEAN, pending_conflict BOOLEAN)"
    )
    conn.close()
    with pytest.raises(RuntimeError, match="written by an older erpsim"):
        make_app(tmp_path)
