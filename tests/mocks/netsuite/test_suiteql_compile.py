"""SuiteQL compiler: the grammar it accepts and rewrites, and NetSuite's 400s for everything else (fuzzed)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mocks.core.errors import ApiError
from mocks.core.store import Store
from mocks.netsuite.errors import error_body

from .suiteql_world import PREFIX, error, rows, run


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
