"""jacobsvante/netsuite (PyPI ``netsuite``), an unmodified third-party REST client, against the emulator.

The only change is its base URL: the client builds ``https://<account>.suitetalk.api.netsuite.com``; here
``_make_url`` points it at the emulator (plain http on loopback). Signing, headers and parsing are its own.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from .conftest import ACCOUNT, CREDS, NetSuiteDriver, make_app

netsuite = pytest.importorskip("netsuite")


@pytest.fixture
def client(tmp_path: Any, serve_app: Any) -> tuple[Any, dict[str, Any]]:
    from netsuite.rest_api import NetSuiteRestApi

    app = make_app(tmp_path)
    srv = serve_app(app)
    world = NetSuiteDriver(app).seed(
        {"seed": 4, "customers": 2, "locations": 1, "stock": 10, "items": {"inventory": 1}}
    )

    class EmulatedRestApi(NetSuiteRestApi):  # type: ignore[misc]
        def _make_url(self, subpath: str) -> str:
            return f"{srv.url}/services/rest{subpath}"

    ck, cs, tid, ts = CREDS
    config = netsuite.Config(
        account=ACCOUNT,
        auth=netsuite.TokenAuth(consumer_key=ck, consumer_secret=cs, token_id=tid, token_secret=ts),
    )
    return EmulatedRestApi(config), world


def test_record_round_trip_suiteql_and_metadata(client: tuple[Any, dict[str, Any]]) -> None:
    api, world = client
    cust = world["customers"][0]

    async def run() -> dict[str, Any]:
        got = await api.get(f"/record/v1/customer/{cust}")
        created = await api.post(
            "/record/v1/salesOrder",
            json={
                "entity": {"id": str(cust)},
                "orderStatus": "B",
                "location": {"id": str(world["locations"][0])},
                "item": {"items": [{"item": {"id": str(world["items"]["inventory"][0])}, "quantity": 2}]},
            },
        )
        rows = await api.suiteql(
            "SELECT id, tranid, status FROM transaction WHERE type = 'SalesOrd'", limit=5
        )
        schema = await api.jsonschema("salesOrder")
        listed = await api.get("/record/v1/customer", params={"limit": 1})
        return {"got": got, "created": created, "rows": rows, "schema": schema, "listed": listed}

    out = asyncio.run(run())
    assert out["got"]["id"] == str(cust) and out["got"]["subsidiary"]["refName"] == "Parent Company"
    assert out["created"] is None  # 204 No Content, as the client expects from NetSuite
    assert out["rows"]["count"] == 1 and out["rows"]["items"][0]["status"] == "B"
    assert "entity" in out["schema"]["properties"]
    assert out["listed"]["hasMore"] is True and out["listed"]["totalResults"] == 2


def test_refusals_surface_as_the_clients_own_errors(client: tuple[Any, dict[str, Any]]) -> None:
    from netsuite.exceptions import NetsuiteAPIRequestError

    api, _ = client
    with pytest.raises(NetsuiteAPIRequestError) as exc:
        asyncio.run(api.get("/record/v1/customer/999999"))
    assert exc.value.status_code == 404 and "NONEXISTENT_ID" in exc.value.response_text
    with pytest.raises(NetsuiteAPIRequestError) as exc:
        asyncio.run(api.post("/record/v1/customer", json={"companyName": "No subsidiary"}))
    assert exc.value.status_code == 400 and "USER_ERROR" in exc.value.response_text


def test_a_fresh_account_with_no_seeding_takes_a_customer_on_subsidiary_1(
    tmp_path: Any, serve_app: Any
) -> None:
    from netsuite.rest_api import NetSuiteRestApi

    srv = serve_app(make_app(tmp_path))  # what `erpsim up` serves on a new data folder: nothing seeded

    class EmulatedRestApi(NetSuiteRestApi):  # type: ignore[misc]
        def _make_url(self, subpath: str) -> str:
            return f"{srv.url}/services/rest{subpath}"

    ck, cs, tid, ts = CREDS
    api = EmulatedRestApi(
        netsuite.Config(
            account=ACCOUNT,
            auth=netsuite.TokenAuth(consumer_key=ck, consumer_secret=cs, token_id=tid, token_secret=ts),
        )
    )

    async def run() -> dict[str, Any]:
        created = await api.post(
            "/record/v1/customer", json={"companyName": "Fresh Account Co", "subsidiary": {"id": "1"}}
        )
        listed = await api.get("/record/v1/customer")
        got = await api.get(f"/record/v1/customer/{listed['items'][0]['id']}")
        rows = await api.suiteql(
            "SELECT id, companyname, subsidiary FROM customer WHERE companyname = 'Fresh Account Co'"
        )
        return {"created": created, "listed": listed, "got": got, "rows": rows}

    out = asyncio.run(run())
    assert out["created"] is None
    assert out["listed"]["totalResults"] == 1 and out["listed"]["items"][0]["id"] == "1"
    assert out["got"]["companyName"] == "Fresh Account Co" and out["got"]["subsidiary"]["id"] == "1"
    assert out["got"]["subsidiary"]["refName"] == "Parent Company"
    assert out["rows"]["count"] == 1
    assert {k: v for k, v in out["rows"]["items"][0].items() if k != "links"} == {
        "id": "1",
        "companyname": "Fresh Account Co",
        "subsidiary": "1",
    }
