"""SuiteQL virtual tables built from the store: transactions and lines, items, stock, periods, deletions."""

from __future__ import annotations

from mocks.core.store import Store
from mocks.netsuite.domain.suiteql import TABLES

from .suiteql_world import rows, run


# ---- transactions -----------------------------------------------------------------------------------------
def test_transaction_columns(store: Store) -> None:
    assert rows(
        store,
        "SELECT t.id, t.tranid, t.type, t.recordtype, t.status, t.entity, t.memo, t.currency, "
        "t.postingperiod, t.externalid, t.foreigntotal FROM transaction t WHERE t.id = 50",
    ) == [
        {
            "id": "50",
            "tranid": "SO1",
            "type": "SalesOrd",
            "recordtype": "salesorder",
            "status": "B",
            "entity": "10",
            "memo": "first order",
            "currency": "2",
            "postingperiod": "30",
            "externalid": "SO-EXT-1",
            "foreigntotal": "162.5",
        }
    ]
    assert rows(
        store, "SELECT id, type, status, createdfrom FROM transaction WHERE type IN ('ItemShip', 'PurchOrd')"
    ) == [
        {"id": "60", "type": "ItemShip", "status": "C", "createdfrom": "50"},
        {"id": "70", "type": "PurchOrd", "status": "B"},
    ]


def test_deleted_records_are_not_in_transaction(store: Store) -> None:
    assert [r["id"] for r in rows(store, "SELECT id FROM transaction")] == ["50", "51", "60", "70"]


def test_transactionline_mainline_and_sales_side_sign(store: Store) -> None:
    assert rows(
        store,
        "SELECT id, linesequencenumber, mainline, item, quantity, netamount, quantityshiprecv, "
        "isclosed, location, itemtype, uniquekey FROM transactionline WHERE transaction = 50",
    ) == [
        {
            "id": "0",
            "linesequencenumber": "0",
            "mainline": "T",
            "netamount": "162.5",
            "isclosed": "F",
            "location": "3",
            "uniquekey": "500000",
        },
        {
            "id": "1",
            "linesequencenumber": "1",
            "mainline": "F",
            "item": "20",
            "quantity": "-5",
            "netamount": "-62.5",
            "quantityshiprecv": "-2",
            "isclosed": "F",
            "location": "3",
            "itemtype": "InvtPart",
            "uniquekey": "500001",
        },
        {
            "id": "2",
            "linesequencenumber": "2",
            "mainline": "F",
            "item": "22",
            "quantity": "-1",
            "netamount": "-100",
            "isclosed": "T",
            "location": "3",
            "itemtype": "Service",
            "uniquekey": "500002",
        },
    ]
    # Purchases keep the positive sign on lines.
    assert rows(
        store,
        "SELECT quantity, quantityshiprecv FROM transactionline WHERE transaction = 70 AND mainline = 'F'",
    ) == [{"quantity": "10", "quantityshiprecv": "4"}]


# ---- other tables -----------------------------------------------------------------------------------------
def test_item_table(store: Store) -> None:
    assert rows(
        store,
        "SELECT id, itemid, displayname, itemtype, isinactive, islotitem, externalid, baseprice FROM item",
    ) == [
        {
            "id": "20",
            "itemid": "WIDGET",
            "displayname": "Widget",
            "itemtype": "InvtPart",
            "isinactive": "F",
            "islotitem": "F",
            "externalid": "SKU-W",
            "baseprice": "12.5",
        },
        {
            "id": "21",
            "itemid": "LOTTED",
            "displayname": "Lotted thing",
            "itemtype": "InvtPart",
            "isinactive": "F",
            "islotitem": "T",
        },
        {
            "id": "22",
            "itemid": "INSTALL",
            "itemtype": "Service",
            "isinactive": "F",
            "islotitem": "F",
            "baseprice": "100",
        },
        {"id": "23", "itemid": "KIT-A", "itemtype": "Assembly", "isinactive": "T", "islotitem": "F"},
    ]


def test_aggregateitemlocation(store: Store) -> None:
    assert rows(store, "SELECT * FROM aggregateItemLocation WHERE item IN (20, 21)") == [
        {
            "item": "20",
            "location": "3",
            "quantityonhand": "7",
            "quantityavailable": "4",
            "quantitycommitted": "3",
            "quantityonorder": "6",
            "quantitybackordered": "0",
            "quantityintransit": "0",
        },
        {
            "item": "20",
            "location": "4",
            "quantityonhand": "1",
            "quantityavailable": "1",
            "quantitycommitted": "0",
            "quantityonorder": "0",
            "quantitybackordered": "0",
            "quantityintransit": "0",
        },
        {
            "item": "21",
            "location": "3",
            "quantityonhand": "5.5",
            "quantityavailable": "5.5",
            "quantitycommitted": "0",
            "quantityonorder": "0",
            "quantitybackordered": ".5",
            "quantityintransit": "0",
        },
    ]


def test_inventory_numbers(store: Store) -> None:
    assert rows(
        store,
        "SELECT n.id, n.inventorynumber, n.item, n.expirationdate, n.quantityonhand, "
        "l.location, l.quantityavailable FROM inventorynumber n "
        "JOIN inventorynumberlocation l ON l.inventorynumber = n.id",
    ) == [
        {
            "id": "40",
            "inventorynumber": "LOT-A",
            "item": "21",
            "expirationdate": "1/31/2027",
            "quantityonhand": "5.5",
            "location": "3",
            "quantityavailable": "5.5",
        }
    ]
    assert rows(
        store, "SELECT binnumber, inventorynumber, quantityonhand FROM inventorybalance WHERE item = 21"
    ) == [
        {"binnumber": "90", "inventorynumber": "40", "quantityonhand": "1.5"},  # Oracle: NULLS LAST
        {"inventorynumber": "40", "quantityonhand": "4"},
    ]


def test_accountingperiod(store: Store) -> None:
    assert rows(
        store,
        "SELECT id, periodname, startdate, enddate, closed, alllocked, arlocked, aplocked, "
        "isposting, isquarter FROM accountingperiod ORDER BY startdate, id",
    ) == [
        {
            "id": "31",
            "periodname": "Dec 2025",
            "startdate": "12/1/2025",
            "enddate": "12/31/2025",
            "closed": "T",
            "alllocked": "T",
            "arlocked": "T",
            "aplocked": "T",
            "isposting": "T",
            "isquarter": "F",
        },
        {
            "id": "30",
            "periodname": "Jan 2026",
            "startdate": "1/1/2026",
            "enddate": "1/31/2026",
            "closed": "F",
            "alllocked": "F",
            "arlocked": "F",
            "aplocked": "F",
            "isposting": "T",
            "isquarter": "F",
        },
        {
            "id": "32",
            "periodname": "Q1 2026",
            "startdate": "1/1/2026",
            "enddate": "3/31/2026",
            "closed": "F",
            "alllocked": "F",
            "arlocked": "F",
            "aplocked": "F",
            "isposting": "F",
            "isquarter": "T",
        },
    ]


def test_deletedrecord_feed(store: Store) -> None:
    assert rows(
        store,
        "SELECT recordid, name, type, externalid, deleteddate, "
        "TO_CHAR(deleteddate, 'YYYY-MM-DD HH24:MI') AS at FROM deletedrecord",
    ) == [
        {
            "recordid": "80",
            "name": "Sales Order #SO3",
            "type": "salesorder",
            "externalid": "SO-EXT-3",
            "deleteddate": "1/7/2026",
            "at": "2026-01-07 04:00",
        },
        {
            "recordid": "81",
            "name": "CUST009 Gone",
            "type": "customer",
            "deleteddate": "1/7/2026",
            "at": "2026-01-07 19:00",
        },
    ]


def test_every_table_materialises(store: Store) -> None:
    for name in TABLES:
        out = run(store, f"SELECT * FROM {name}")
        assert out["count"] == out["totalResults"]
