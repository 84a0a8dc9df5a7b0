"""What the SuiteQL tests query: the seeded records and stock (``seed``) and the run / rows / error helpers."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from mocks.core.errors import ApiError
from mocks.core.store import Store
from mocks.netsuite.domain.recordtypes import RECORD_TYPES
from mocks.netsuite.domain.suiteql import run_suiteql
from mocks.netsuite.models import NsCommitment, NsInventory, NsRecord

BASE = "https://123456.suitetalk.api.netsuite.com/"
TODAY = date(2026, 1, 15)
PREFIX = "Invalid search query. Detailed unprocessed description follows. "

_T0 = "2026-01-02T16:00:00Z"


def _rec(
    rid: int,
    rtype: str,
    name: str,
    body: dict[str, Any],
    *,
    created: str = _T0,
    modified: str = _T0,
    deleted: str | None = None,
) -> NsRecord:
    ext = body.get("externalId")
    return NsRecord(
        space=RECORD_TYPES[rtype].id_space,
        id=rid,
        rtype=rtype,
        name=name,
        body=json.dumps(body),
        created_at=created,
        last_modified=modified,
        deleted_at=deleted,
        external_key=ext.lower() if ext else None,
    )


def _ref(i: int) -> dict[str, str]:
    return {"id": str(i)}


def seed(store: Store) -> None:
    """Write the records and stock every SuiteQL test reads into ``store``."""
    recs = [
        _rec(1, "subsidiary", "Parent Company", {"name": "Parent Company", "currency": _ref(2)}),
        _rec(
            2, "currency", "USA", {"name": "USA", "symbol": "USD", "exchangeRate": 1, "isBaseCurrency": True}
        ),
        _rec(3, "location", "Main Warehouse", {"name": "Main Warehouse", "subsidiary": ["1"]}),
        _rec(4, "location", "Overflow", {"name": "Overflow", "subsidiary": ["1"], "isInactive": True}),
        _rec(
            10,
            "customer",
            "CUST001 Acme Corp",
            {
                "entityId": "CUST001",
                "companyName": "Acme Corp",
                "subsidiary": _ref(1),
                "externalId": "C-1",
                "email": "ap@acme.test",
            },
            modified="2026-01-03T10:00:00Z",
        ),
        _rec(
            11,
            "customer",
            "CUST002 Beta LLC",
            {"entityId": "CUST002", "companyName": "Beta LLC", "subsidiary": _ref(1), "isInactive": True},
        ),
        _rec(
            12,
            "customer",
            "CUST003 Ann Lee",
            {
                "entityId": "CUST003",
                "isPerson": True,
                "firstName": "Ann",
                "lastName": "Lee",
                "subsidiary": _ref(1),
            },
        ),
        _rec(
            13,
            "vendor",
            "Supplies Inc",
            {"entityId": "V001", "companyName": "Supplies Inc", "subsidiary": _ref(1)},
        ),
        _rec(
            20,
            "inventoryItem",
            "WIDGET",
            {"itemId": "WIDGET", "displayName": "Widget", "rate": 12.5, "externalId": "SKU-W"},
        ),
        _rec(21, "lotNumberedInventoryItem", "LOTTED", {"itemId": "LOTTED", "displayName": "Lotted thing"}),
        _rec(22, "serviceSaleItem", "INSTALL", {"itemId": "INSTALL", "rate": 100}),
        _rec(23, "assemblyItem", "KIT-A", {"itemId": "KIT-A", "isInactive": True}),
        _rec(
            30,
            "accountingPeriod",
            "Jan 2026",
            {"periodName": "Jan 2026", "startDate": "2026-01-01", "endDate": "2026-01-31"},
        ),
        _rec(
            31,
            "accountingPeriod",
            "Dec 2025",
            {
                "periodName": "Dec 2025",
                "startDate": "2025-12-01",
                "endDate": "2025-12-31",
                "closed": True,
                "allLocked": True,
                "arLocked": True,
                "apLocked": True,
            },
        ),
        _rec(
            32,
            "accountingPeriod",
            "Q1 2026",
            {"periodName": "Q1 2026", "startDate": "2026-01-01", "endDate": "2026-03-31", "isQuarter": True},
        ),
        _rec(
            40,
            "inventoryNumber",
            "LOT-A",
            {"inventoryNumber": "LOT-A", "item": _ref(21), "expirationDate": "2027-01-31"},
        ),
        _rec(
            50,
            "salesOrder",
            "Sales Order #SO1",
            {
                "tranId": "SO1",
                "tranDate": "2026-01-05",
                "entity": _ref(10),
                "status": "B",
                "orderStatus": "B",
                "currency": _ref(2),
                "subsidiary": _ref(1),
                "postingPeriod": _ref(30),
                "externalId": "SO-EXT-1",
                "memo": "first order",
                "location": _ref(3),
                "total": 162.5,
                "item": [
                    {
                        "line": 1,
                        "item": _ref(20),
                        "quantity": 5,
                        "rate": 12.5,
                        "amount": 62.5,
                        "location": _ref(3),
                        "quantityFulfilled": 2,
                        "quantityCommitted": 3,
                        "isClosed": False,
                    },
                    {
                        "line": 2,
                        "item": _ref(22),
                        "quantity": 1,
                        "rate": 100,
                        "amount": 100,
                        "isClosed": True,
                    },
                ],
            },
            created="2026-01-05T18:30:00Z",
            modified="2026-01-06T07:15:00Z",
        ),
        _rec(
            51,
            "salesOrder",
            "Sales Order #SO2",
            {
                "tranId": "SO2",
                "tranDate": "2026-01-20",
                "entity": _ref(11),
                "status": "F",
                "item": [
                    {
                        "line": 1,
                        "item": _ref(21),
                        "quantity": 0.5,
                        "rate": 10,
                        "amount": 5,
                        "location": _ref(3),
                        "quantityBackOrdered": 0.5,
                    }
                ],
            },
            created="2026-01-20T12:00:00Z",
            modified="2026-01-20T12:00:00Z",
        ),
        _rec(
            60,
            "itemFulfillment",
            "Item Fulfillment #IF1",
            {
                "tranId": "IF1",
                "tranDate": "2026-01-06",
                "entity": _ref(10),
                "createdFrom": _ref(50),
                "shipStatus": "C",
                "item": [
                    {
                        "line": 1,
                        "orderLine": 1,
                        "item": _ref(20),
                        "quantity": 2,
                        "location": _ref(3),
                        "itemType": "InvtPart",
                    }
                ],
            },
        ),
        _rec(
            70,
            "purchaseOrder",
            "Purchase Order #PO1",
            {
                "tranId": "PO1",
                "tranDate": "2026-01-10",
                "entity": _ref(13),
                "status": "B",
                "item": [
                    {
                        "line": 1,
                        "item": _ref(20),
                        "quantity": 10,
                        "rate": 4,
                        "amount": 40,
                        "location": _ref(3),
                        "quantityReceived": 4,
                    }
                ],
            },
        ),
        _rec(
            80,
            "salesOrder",
            "Sales Order #SO3",
            {"tranId": "SO3", "externalId": "SO-EXT-3"},
            deleted="2026-01-07T12:00:00Z",
        ),
        _rec(81, "customer", "CUST009 Gone", {"entityId": "CUST009"}, deleted="2026-01-08T03:00:00Z"),
    ]
    with store.write() as s:
        s.add_all(recs)
        s.add_all(
            [
                NsInventory(item_id=20, location_id=3, on_hand=7),
                NsInventory(item_id=20, location_id=4, on_hand=1),
                NsInventory(item_id=21, location_id=3, lot_id=40, on_hand=4),
                NsInventory(item_id=21, location_id=3, lot_id=40, bin_id=90, on_hand=1.5),
                NsCommitment(item_id=20, location_id=3, committed=3),
            ]
        )


def run(store: Store, query: str, *, limit: int = 1000, offset: int = 0) -> dict[str, Any]:
    """The envelope NetSuite answers ``query`` with."""
    with store.read() as s:
        return run_suiteql(s, query, limit=limit, offset=offset, base_url=BASE, today=TODAY)


def rows(store: Store, query: str) -> list[dict[str, Any]]:
    """The items ``query`` answers, without their links."""
    return [{k: v for k, v in item.items() if k != "links"} for item in run(store, query)["items"]]


def error(store: Store, query: str, **kw: int) -> ApiError:
    """The 400 ``query`` is refused with."""
    with pytest.raises(ApiError) as info:
        run(store, query, **kw)
    assert info.value.status == 400
    return info.value
