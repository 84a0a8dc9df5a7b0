"""SuiteQL engine: NetSuite's envelope, rendering of values and dates, and paging."""

from __future__ import annotations

from pathlib import Path

from mocks.core.store import Store
from mocks.netsuite.domain.prefs import set_pref
from mocks.netsuite.models import Base

from .suiteql_world import BASE, error, rows, run, seed


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
    seed(store)
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
