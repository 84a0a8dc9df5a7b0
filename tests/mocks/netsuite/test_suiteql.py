"""SuiteQL engine: grammar, virtual schema, rendering, paging envelope and NetSuite's 400s."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mocks.core.errors import ApiError
from mocks.core.store import Store
from mocks.netsuite.domain.prefs import set_pref
from mocks.netsuite.domain.recordtypes import RECORD_TYPES
from mocks.netsuite.domain.suiteql import TABLES, run_suiteql
from mocks.netsuite.errors import error_body
from mocks.netsuite.models import Base, NsCommitment, NsInventory, NsRecord

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


def _seed(store: Store) -> None:
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


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("suiteql")
    st_ = Store(f"sqlite:///{path / 't.db'}", "netsuite", [Base.metadata])
    st_.create_all()
    _seed(st_)
    yield st_
    st_.dispose()


def run(store: Store, query: str, *, limit: int = 1000, offset: int = 0) -> dict[str, Any]:
    with store.read() as s:
        return run_suiteql(s, query, limit=limit, offset=offset, base_url=BASE, today=TODAY)


def rows(store: Store, query: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in item.items() if k != "links"} for item in run(store, query)["items"]]


def error(store: Store, query: str, **kw: int) -> ApiError:
    with pytest.raises(ApiError) as info:
        run(store, query, **kw)
    assert info.value.status == 400
    return info.value


# ---- envelope and rendering --------------------------------------------------------------------------------
def test_envelope_lower_case_keys_strings_and_omitted_nulls(store: Store) -> None:
    out = run(store, "SELECT ID, EntityId, CompanyName, Email FROM Customer ORDER BY id")
    assert out == {
        "links": [{"rel": "self", "href": f"{BASE}services/rest/query/v1/suiteql?limit=1000&offset=0"}],
        "count": 3,
        "hasMore": False,
        "offset": 0,
        "totalResults": 3,
        "items": [
            {
                "links": [],
                "id": "10",
                "entityid": "CUST001",
                "companyname": "Acme Corp",
                "email": "ap@acme.test",
            },
            {"links": [], "id": "11", "entityid": "CUST002", "companyname": "Beta LLC"},
            {"links": [], "id": "12", "entityid": "CUST003"},
        ],
    }


def test_booleans_are_t_and_f(store: Store) -> None:
    assert rows(store, "SELECT id, isinactive, isperson FROM customer") == [
        {"id": "10", "isinactive": "F", "isperson": "F"},
        {"id": "11", "isinactive": "T", "isperson": "F"},
        {"id": "12", "isinactive": "F", "isperson": "T"},
    ]
    assert rows(store, "SELECT id FROM customer WHERE isinactive = 'F'") == [{"id": "10"}, {"id": "12"}]


def test_numbers_render_as_oracle_prints_them(store: Store) -> None:
    assert rows(
        store,
        "SELECT tl.quantity, tl.rate, tl.netamount FROM transactionline tl "
        "WHERE tl.transaction = 51 AND tl.mainline = 'F'",
    ) == [{"quantity": "-.5", "rate": "10", "netamount": "-5"}]
    assert rows(store, "SELECT 7 / 2 AS half, 0.25 AS q FROM subsidiary") == [{"half": "3.5", "q": ".25"}]


def test_dates_use_the_account_format_and_datetimes_drop_the_time(store: Store) -> None:
    # lastModified 2026-01-06T07:15Z is still Jan 5 in the account's time zone (America/Los_Angeles).
    assert rows(
        store,
        "SELECT trandate, createddate, lastmodifieddate, "
        "TO_CHAR(lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lm FROM transaction WHERE id = 50",
    ) == [
        {
            "trandate": "1/5/2026",
            "createddate": "1/5/2026",
            "lastmodifieddate": "1/5/2026",
            "lm": "2026-01-05 23:15:00",
        }
    ]


def test_date_format_preference(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'p.db'}", "netsuite", [Base.metadata])
    store.create_all()
    _seed(store)
    with store.write() as s:
        set_pref(s, "dateFormat", "DD.MM.YYYY")
    assert rows(store, "SELECT trandate FROM transaction WHERE id = 50") == [{"trandate": "05.01.2026"}]
    assert rows(store, "SELECT id FROM transaction WHERE trandate = '20.01.2026'") == [{"id": "51"}]
    store.dispose()


def test_select_star_expands_in_schema_order(store: Store) -> None:
    out = rows(store, "SELECT * FROM location")
    assert out[0] == {
        "id": "3",
        "name": "Main Warehouse",
        "fullname": "Main Warehouse",
        "isinactive": "F",
        "lastmodifieddate": "1/2/2026",
        "subsidiary": "1",
        "makeinventoryavailable": "T",
        "usebins": "F",
    }
    assert [r["id"] for r in out] == ["3", "4"]


def test_unaliased_expressions_are_expr_n(store: Store) -> None:
    assert rows(store, "SELECT COUNT(*), MAX(id) FROM customer") == [{"expr1": "3", "expr2": "12"}]


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


# ---- SQL features -----------------------------------------------------------------------------------------
def test_where_operators(store: Store) -> None:
    ids = lambda q: [r["id"] for r in rows(store, q)]  # noqa: E731
    assert ids("SELECT id FROM customer WHERE id IN (10, '12')") == ["10", "12"]
    assert ids("SELECT id FROM customer WHERE id NOT IN (10)") == ["11", "12"]
    assert ids("SELECT id FROM customer WHERE companyname LIKE 'A%'") == ["10"]
    assert ids("SELECT id FROM customer WHERE companyname LIKE 'a%'") == []  # Oracle LIKE is case-sensitive
    assert ids("SELECT id FROM customer WHERE email IS NULL") == ["11", "12"]
    assert ids("SELECT id FROM customer WHERE email IS NOT NULL") == ["10"]
    assert ids("SELECT id FROM customer WHERE id BETWEEN 11 AND 20") == ["11", "12"]
    assert ids("SELECT id FROM customer WHERE NOT (id = 10 OR id = 11)") == ["12"]
    assert ids("SELECT id FROM customer WHERE (id = 10 OR id = 12) AND isinactive = 'F'") == ["10", "12"]
    assert ids("SELECT id FROM customer WHERE id <> 10 AND id != 11") == ["12"]
    assert ids("SELECT id FROM customer WHERE LOWER(companyname) = 'acme corp'") == ["10"]
    assert ids("SELECT id FROM customer WHERE UPPER(companyname) LIKE 'BETA%'") == ["11"]
    assert ids("SELECT id FROM customer WHERE NVL(email, 'none') = 'none'") == ["11", "12"]
    assert ids("SELECT id FROM customer WHERE COALESCE(email, companyname, 'x') = 'x'") == ["12"]


def test_date_comparisons(store: Store) -> None:
    ids = lambda q: [r["id"] for r in rows(store, q)]  # noqa: E731
    assert ids("SELECT id FROM transaction WHERE trandate >= TO_DATE('2026-01-06', 'YYYY-MM-DD')") == [
        "51",
        "60",
        "70",
    ]
    assert ids("SELECT id FROM transaction WHERE trandate = DATE '2026-01-05'") == ["50"]
    assert ids("SELECT id FROM transaction WHERE trandate BETWEEN '1/6/2026' AND '1/10/2026'") == ["60", "70"]
    assert ids("SELECT id FROM transaction WHERE trandate < TO_DATE('01/06/2026', 'MM/DD/YYYY')") == ["50"]
    assert ids(
        "SELECT id FROM transaction WHERE lastmodifieddate > TO_TIMESTAMP('2026-01-05 23:00:00', "
        "'YYYY-MM-DD HH24:MI:SS') AND type = 'SalesOrd'"
    ) == ["50", "51"]
    assert ids("SELECT id FROM transaction WHERE trandate > SYSDATE - 10") == ["51", "60", "70"]
    assert ids("SELECT id FROM transaction WHERE trandate >= CURRENT_DATE - 10 AND trandate <= SYSDATE") == [
        "50",
        "60",
        "70",
    ]
    assert ids(
        "SELECT id FROM transaction WHERE TRUNC(lastmodifieddate) = TO_DATE('2026-01-05', 'YYYY-MM-DD')"
    ) == ["50"]


def test_iso_string_against_a_date_column_is_refused_like_netsuite(store: Store) -> None:
    err = error(store, "SELECT id FROM transaction WHERE trandate >= '2026-01-05'")
    assert err.code == "INVALID_PARAMETER"
    assert err.message == (
        PREFIX + 'Search error occurred: Parse of date/time "2026-01-05" failed with date '
        'format "M/d/yyyy" in time zone America/Los_Angeles'
    )


def test_joins_and_builtin_df(store: Store) -> None:
    assert rows(
        store,
        "SELECT t.tranid, BUILTIN.DF(t.entity) AS customer, BUILTIN.DF(t.status) AS status, "
        "BUILTIN.DF(t.type) AS typename, BUILTIN.DF(tl.item) AS item, "
        "BUILTIN.DF(tl.itemtype) AS itype, c.email "
        "FROM transaction t INNER JOIN transactionline tl ON tl.transaction = t.id "
        "LEFT JOIN customer c ON c.id = t.entity "
        "WHERE t.type = 'SalesOrd' AND tl.mainline = 'F' ORDER BY t.id, tl.linesequencenumber",
    ) == [
        {
            "tranid": "SO1",
            "customer": "CUST001 Acme Corp",
            "status": "Sales Order : Pending Fulfillment",
            "typename": "Sales Order",
            "item": "WIDGET",
            "itype": "Inventory Item",
            "email": "ap@acme.test",
        },
        {
            "tranid": "SO1",
            "customer": "CUST001 Acme Corp",
            "status": "Sales Order : Pending Fulfillment",
            "typename": "Sales Order",
            "item": "INSTALL",
            "itype": "Service",
            "email": "ap@acme.test",
        },
        {
            "tranid": "SO2",
            "customer": "CUST002 Beta LLC",
            "status": "Sales Order : Pending Billing",
            "typename": "Sales Order",
            "item": "LOTTED",
            "itype": "Inventory Item",
        },
    ]


def test_left_join_keeps_unmatched_and_oracle_plus_join(store: Store) -> None:
    q1 = (
        "SELECT c.id, t.tranid FROM customer c LEFT OUTER JOIN transaction t ON t.entity = c.id "
        "AND t.type = 'SalesOrd' ORDER BY c.id, t.id"
    )
    q2 = (
        "SELECT c.id, t.tranid FROM customer c, transaction t WHERE t.entity(+) = c.id "
        "AND t.type(+) = 'SalesOrd' ORDER BY c.id, t.id"
    )
    expected = [{"id": "10", "tranid": "SO1"}, {"id": "11", "tranid": "SO2"}, {"id": "12"}]
    assert rows(store, q1) == expected
    assert rows(store, q2) == expected


def test_group_by_having_and_aggregates(store: Store) -> None:
    assert rows(
        store,
        "SELECT type, COUNT(*) AS n, SUM(foreigntotal) AS total FROM transaction GROUP BY type "
        "HAVING COUNT(*) >= 1 ORDER BY n DESC, type",
    ) == [
        {"type": "SalesOrd", "n": "2", "total": "167.5"},
        {"type": "ItemShip", "n": "1"},
        {"type": "PurchOrd", "n": "1", "total": "40"},
    ]
    assert rows(
        store,
        "SELECT MIN(trandate) AS first, MAX(trandate) AS last, AVG(foreigntotal) AS avg "
        "FROM transaction WHERE type = 'SalesOrd'",
    ) == [{"first": "1/5/2026", "last": "1/20/2026", "avg": "83.75"}]
    assert rows(store, "SELECT COUNT(DISTINCT entity) AS n FROM transaction") == [{"n": "3"}]


def test_distinct_and_default_grouped_order(store: Store) -> None:
    assert rows(store, "SELECT DISTINCT type FROM transaction") == [
        {"type": "ItemShip"},
        {"type": "PurchOrd"},
        {"type": "SalesOrd"},
    ]


def test_fetch_first_rownum_and_ignored_offset(store: Store) -> None:
    ids = lambda q: [r["id"] for r in rows(store, q)]  # noqa: E731
    assert ids("SELECT id FROM transaction ORDER BY id DESC FETCH FIRST 2 ROWS ONLY") == ["70", "60"]
    assert ids("SELECT id FROM transaction WHERE ROWNUM <= 2") == ["50", "51"]
    assert ids("SELECT id FROM transaction WHERE ROWNUM > 1") == []
    # SuiteQL ignores OFFSET n ROWS (FETCH FIRST is honoured): a paging loop built on it never advances.
    assert ids("SELECT id FROM transaction ORDER BY id OFFSET 2 ROWS FETCH NEXT 2 ROWS ONLY") == ["50", "51"]
    assert ids(
        "SELECT id FROM (SELECT a.id, ROWNUM AS rn FROM (SELECT id FROM transaction ORDER BY id) a "
        "WHERE ROWNUM <= 3) WHERE rn > 1"
    ) == ["51", "60"]


def test_subqueries(store: Store) -> None:
    assert rows(
        store, "SELECT id FROM customer WHERE id IN (SELECT entity FROM transaction WHERE type = 'SalesOrd')"
    ) == [{"id": "10"}, {"id": "11"}]
    assert rows(
        store,
        "SELECT c.id FROM customer c WHERE EXISTS (SELECT 1 FROM transaction t "
        "WHERE t.entity = c.id AND t.type = 'ItemShip')",
    ) == [{"id": "10"}]
    assert rows(
        store, "SELECT c.id, (SELECT COUNT(*) FROM transaction t WHERE t.entity = c.id) AS n FROM customer c"
    ) == [{"id": "10", "n": "2"}, {"id": "11", "n": "1"}, {"id": "12", "n": "0"}]


def test_case_and_string_functions(store: Store) -> None:
    assert rows(
        store,
        "SELECT id, CASE WHEN isinactive = 'T' THEN 'off' ELSE 'on' END AS state, "
        "SUBSTR(entityid, 1, 4) || '-' || LENGTH(entityid) AS code FROM customer",
    ) == [
        {"id": "10", "state": "on", "code": "CUST-7"},
        {"id": "11", "state": "off", "code": "CUST-7"},
        {"id": "12", "state": "on", "code": "CUST-7"},
    ]


def test_quoted_upper_case_identifiers_as_netsuite_exports_them(store: Store) -> None:
    assert rows(
        store,
        'SELECT "TRANSACTION"."ID", BUILTIN.DF("TRANSACTION".postingperiod) AS period '
        'FROM "TRANSACTION" WHERE "TRANSACTION"."ID" = 50',
    ) == [{"id": "50", "period": "Jan 2026"}]


def test_order_by_select_alias_and_position(store: Store) -> None:
    assert rows(store, "SELECT entityid AS code, id FROM customer ORDER BY code DESC") == [
        {"code": "CUST003", "id": "12"},
        {"code": "CUST002", "id": "11"},
        {"code": "CUST001", "id": "10"},
    ]
    assert [r["id"] for r in rows(store, "SELECT id, entityid FROM customer ORDER BY 2 DESC")] == [
        "12",
        "11",
        "10",
    ]


def test_long_or_chains_and_deep_nesting(store: Store) -> None:
    chain = " OR ".join(f"id = {i}" for i in range(1500))
    assert [r["id"] for r in rows(store, f"SELECT id FROM customer WHERE {chain}")] == ["10", "11", "12"]
    assert [
        r["id"]
        for r in rows(
            store, "SELECT id FROM customer WHERE id IN (" + ", ".join(str(i) for i in range(5000)) + ")"
        )
    ] == ["10", "11", "12"]
    error(store, "SELECT " + "(" * 400 + "1" + ")" * 400 + " FROM customer")
    error(store, "(" * 5000)


def test_date_and_number_functions(store: Store) -> None:
    assert rows(
        store,
        "SELECT TRUNC(trandate, 'MM') AS a, ADD_MONTHS(DATE '2026-01-31', 1) AS b, "
        "LAST_DAY(trandate) AS c, TRUNC(2.7) AS d, EXTRACT(MONTH FROM trandate) AS m, "
        "trandate + 30 AS due, TO_CHAR(trandate, 'MM/DD/YYYY') AS s, TO_CHAR(foreigntotal) AS t, "
        "DECODE(status, 'B', 'open', 'other') AS st, NVL2(memo, 'y', 'n') AS hm "
        "FROM transaction WHERE id = 50",
    ) == [
        {
            "a": "1/1/2026",
            "b": "2/28/2026",
            "c": "1/31/2026",
            "d": "2",
            "m": "1",
            "due": "2/4/2026",
            "s": "01/05/2026",
            "t": "162.5",
            "st": "open",
            "hm": "y",
        }
    ]
    assert rows(
        store,
        "SELECT id, ROW_NUMBER() OVER (ORDER BY id DESC) AS rn FROM transaction "
        "WHERE lastmodifieddate >= TRUNC(SYSDATE) - 12",
    ) == [{"id": "50", "rn": "2"}, {"id": "51", "rn": "1"}]
    assert error(store, "SELECT TO_NUMBER('abc') FROM customer").message.endswith("Invalid number.")


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


# ---- paging -----------------------------------------------------------------------------------------------
def test_paging_envelope(store: Store) -> None:
    q = "SELECT id FROM transaction"
    first = run(store, q, limit=1, offset=0)
    href = f"{BASE}services/rest/query/v1/suiteql?limit=1&offset="
    assert first["links"] == [
        {"rel": "next", "href": href + "1"},
        {"rel": "last", "href": href + "3"},
        {"rel": "self", "href": href + "0"},
    ]
    assert (first["count"], first["hasMore"], first["totalResults"]) == (1, True, 4)
    mid = run(store, q, limit=1, offset=2)
    assert [link["rel"] for link in mid["links"]] == ["previous", "first", "next", "last", "self"]
    assert mid["items"] == [{"links": [], "id": "60"}]
    last = run(store, q, limit=1, offset=3)
    assert last["hasMore"] is False and last["offset"] == 3
    assert last["links"] == [
        {"rel": "previous", "href": href + "2"},
        {"rel": "first", "href": href + "0"},
        {"rel": "self", "href": href + "3"},
    ]
    beyond = run(store, q, limit=10, offset=10)
    assert (beyond["count"], beyond["items"], beyond["totalResults"], beyond["hasMore"]) == (0, [], 4, False)


def test_reach_is_capped_at_100000(store: Store) -> None:
    err = error(store, "SELECT id FROM transaction", limit=1000, offset=99_500)
    assert err.code == "INVALID_PARAMETER" and err.extra == {"query_param": "offset"}
    assert run(store, "SELECT id FROM transaction", limit=1000, offset=99_000)["count"] == 0


# ---- errors -----------------------------------------------------------------------------------------------
def test_unknown_column(store: Store) -> None:
    err = error(store, "SELECT not_existing_field FROM customer")
    assert (err.code, err.message) == (
        "INVALID_PARAMETER",
        PREFIX + "Search error occurred: Unknown identifier "
        "'not_existing_field'. Available identifiers are: {customer=customer}.",
    )
    body = error_body(err)
    assert body["o:errorDetails"] == [
        {"detail": err.message, "o:errorCode": "INVALID_PARAMETER", "o:errorQueryParam": "q"}
    ]
    err = error(store, "SELECT t.balance FROM transaction t JOIN customer c ON c.id = t.entity")
    assert err.message.endswith(
        "Unknown identifier 'balance'. Available identifiers are: {t=transaction, c=customer}."
    )
    # Header subsidiary is NOT_EXPOSED on real transaction; the line carries it.
    assert "Unknown identifier 'subsidiary'" in error(store, "SELECT subsidiary FROM transaction").message
    assert rows(store, "SELECT DISTINCT subsidiary FROM transactionline WHERE transaction = 50") == [
        {"subsidiary": "1"}
    ]


def test_unknown_table(store: Store) -> None:
    err = error(store, "select id from transactiontablethatdoesnotexist")
    assert err.message == PREFIX + "Invalid search type: transactiontablethatdoesnotexist."


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM customer",
        "UPDATE customer SET email = 'x'",
        "INSERT INTO customer (id) VALUES (1)",
        "DROP TABLE customer",
        "SELECT id FROM customer; SELECT id FROM item",
        "SELEC id FROM customer",
        "SELECT id FROM",
        "SELECT FROM customer WHERE",
        "SELECT (id FROM customer",
        "",
        "   ",
        "SELECT id FROM customer UNION SELECT id FROM vendor",
        "SELECT id FROM customer WHERE ROWNUM = ROWNUM",
        "SELECT BUILTIN.CONSOLIDATE(foreigntotal) FROM transaction",
        "SELECT sqlite_version() FROM customer",
        "WITH x AS (SELECT id FROM customer) SELECT id FROM x",
        "PRAGMA table_info(t_customer)",
    ],
)
def test_non_select_and_syntax_errors(store: Store, query: str) -> None:
    err = error(store, query)
    assert err.message == PREFIX + "Search error occurred: Invalid or unsupported search."


def test_subquery_sources_are_validated_too(store: Store) -> None:
    assert "Unknown identifier 'nope'" in error(store, "SELECT x.id FROM (SELECT nope FROM item) x").message
    assert (
        "Invalid search type: ghost"
        in error(store, "SELECT id FROM item WHERE id IN (SELECT id FROM ghost)").message
    )


# ---- fuzzing: any string is a result or a 400, never anything else ------------------------------------------
_VALID = [
    "SELECT t.id, BUILTIN.DF(t.entity) FROM transaction t WHERE t.trandate >= TO_DATE('2026-01-01', 'YYYY-MM-DD')",
    "SELECT type, COUNT(*) FROM transaction GROUP BY type HAVING COUNT(*) > 1 ORDER BY 2",
    "SELECT c.id FROM customer c LEFT JOIN transaction t ON t.entity = c.id WHERE t.id IS NULL",
    "SELECT * FROM aggregateitemlocation WHERE item IN (20, 21) AND ROWNUM <= 5",
    "SELECT id FROM item WHERE itemid LIKE 'W%' OR NVL(displayname, 'x') = 'x' FETCH FIRST 3 ROWS ONLY",
]
_TOKENS = [
    "SELECT",
    "FROM",
    "WHERE",
    "(",
    ")",
    ",",
    "'",
    "*",
    "=",
    "id",
    "t.",
    "JOIN",
    "ON",
    "GROUP BY",
    "ORDER BY",
    "NULL",
    "1",
    "-",
    "||",
    "BUILTIN.DF(",
    "TO_DATE(",
    "ROWNUM",
    ";",
    "--",
    "/*",
    '"',
    "IN",
    "transaction",
    "customer",
    "AND",
    "OR",
    "NOT",
    "LIKE",
    "CASE",
    "WHEN",
    "END",
    "DATE",
    "'1/5/2026'",
]


def _fuzz(store: Store, query: str) -> None:
    try:
        out = run(store, query)
    except ApiError as err:
        assert err.status == 400, err
    else:
        assert out["count"] == len(out["items"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=200))
def test_fuzz_random_strings(store: Store, query: str) -> None:
    _fuzz(store, query)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.sampled_from(_VALID),
    st.lists(st.tuples(st.integers(0, 400), st.integers(0, 6), st.sampled_from(_TOKENS)), max_size=4),
)
def test_fuzz_mutated_queries(store: Store, base: str, edits: list[tuple[int, int, str]]) -> None:
    query = base
    for pos, cut, token in edits:
        pos = pos % (len(query) + 1)
        query = query[:pos] + " " + token + " " + query[pos + cut :]
    _fuzz(store, query)
